--[[
The shipped Tacker chain on SQLite (Alembic's own run stops at 005
5958429bcb3c: SQLite has no ALTER COLUMN). The chain runs to head, in one
run and one revision per run alike, and the schema at head is compared
table by table with Alembic's PostgreSQL schema at head: the reference
dump spec/fixtures/reference/postgresql/072_ca2ad037c320.sql is loaded
into a PostgreSQL database with psql, and both are read through the
host's inspector (conn:inspect()): columns (in order), types, nullability,
server defaults, computed columns, primary keys, foreign keys, unique
constraints and indexes.

Types compare through TYPE_MAP (PostgreSQL's format_type() -> SQLite's
declared type, as SQLAlchemy 1.4 renders the same sa type on each):
  character varying(n)          VARCHAR(n)
  text                          TEXT
  integer / bigint / smallint   INTEGER / BIGINT / SMALLINT
  boolean                       BOOLEAN
  timestamp without time zone   DATETIME
  json                          JSON
  bytea                         BLOB
  an enum type (USER-DEFINED)   VARCHAR(n), n = its longest label
                                (SQLAlchemy's non-native Enum)

Intended differences, each checked for exactly as listed:
  * BRANCH_TYPES: columns whose type comes from a revision's
    `engine.name == 'postgresql'` branch; SQLite takes the other branch,
    as it would under Alembic (alembic_migrations/README.md, deviation 5):
    VARCHAR(65535) vs TEXT(65535), SmallInteger vs Boolean, and df26c5871f3c's
    raw `numeric(11)` (PostgreSQL) vs `int(11)` (MySQL) generated columns.
  * Server defaults: PostgreSQL shows the cast it stored
    ('onboarded'::character varying, '0'::bigint) and folds a quoted integer
    default on an integer column to the number; both sides are read without
    the cast, and a quoted integer as the integer. A serial column
    (nextval('<table>_id_seq'::regclass)) is SQLite's INTEGER PRIMARY KEY
    (the rowid), with no default.
  * Constraint names: PostgreSQL names every primary and foreign key itself
    (<table>_pkey, <table>_<col>_fkey, kept across table renames:
    devices_pkey on vnf); SQLite stores only the names written in the DDL.
    Primary keys compare by columns; a foreign key's name, where SQLite has
    one, must be PostgreSQL's.
  * Computed columns of vnf_lcm_filters: STORED with decode(filter->>...)
    on PostgreSQL, VIRTUAL with json_extract(...) on SQLite (the port's
    expressions; SQLite cannot add a STORED column). Both must be computed;
    the expressions differ by design and are not compared.
  * Column order of vnf_lcm_filters: 057 df26c5871f3c and 063 70df18f71ba2
    drop and add columns on SQLite where MySQL/PostgreSQL change them in
    place, so the columns compare as a set there.
Everything else must be equal.
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

local TYPE_MAP = {
  ["text"] = "TEXT",
  ["integer"] = "INTEGER",
  ["bigint"] = "BIGINT",
  ["smallint"] = "SMALLINT",
  ["boolean"] = "BOOLEAN",
  ["timestamp without time zone"] = "DATETIME",
  ["json"] = "JSON",
  ["bytea"] = "BLOB",
}

-- table.column -> { PostgreSQL type, SQLite type }
local BRANCH_TYPES = {
  ["ns.vnf_ids"] = { "character varying(65535)", "TEXT(65535)" },
  ["ns.mgmt_ip_addresses"] = { "character varying(65535)", "TEXT(65535)" },
  ["ns.vnffg_ids"] = { "character varying(65535)", "TEXT(65535)" },
  ["nsd_attribute.value"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_attribute.value"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnfd_attribute.value"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_lcm_filters.operation_states"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_lcm_filters.vnf_provider"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_lcm_filters.vnf_product_name"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_lcm_filters.vnf_software_version"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_lcm_filters.vnfd_versions"] = { "character varying(65535)", "TEXT(65535)" },
  ["vnf_lcm_filters.notification_types_len"] = { "numeric(11,0)", "INTEGER" },
  ["vnf_lcm_filters.operation_types_len"] = { "numeric(11,0)", "INTEGER" },
  ["placement_constraint.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_artifacts.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_deployment_flavours.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_instances.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_instantiated_info.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_lcm_op_occs.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_lcm_op_occs.is_automatic_invocation"] = { "smallint", "BOOLEAN" },
  ["vnf_lcm_op_occs.is_cancel_pending"] = { "smallint", "BOOLEAN" },
  ["vnf_lcm_subscriptions.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_packages.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_packages_user_data.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_resources.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_software_image_metadata.deleted"] = { "smallint", "BOOLEAN" },
  ["vnf_software_images.deleted"] = { "smallint", "BOOLEAN" },
  ["vnffgchains.symmetrical"] = { "smallint", "BOOLEAN" },
  ["vnffgnfps.symmetrical"] = { "smallint", "BOOLEAN" },
}

-- Tables whose columns compare as a set (see above).
local REORDERED = { vnf_lcm_filters = true }

-- A server default without PostgreSQL's cast; a quoted integer as the integer.
local function default_of(d)
  if d == nil then return nil end
  d = d:gsub("::[%a ]+$", "")
  return (d:gsub("^'(%-?%d+)'$", "%1"))
end

local function sorted_by(list, key)
  local copy = {}
  for i, v in ipairs(list) do copy[i] = v end
  table.sort(copy, function(a, b) return key(a) < key(b) end)
  return copy
end

local function fk_key(fk)
  local opts = {}
  for k, v in pairs(fk.options or {}) do opts[#opts + 1] = k .. "=" .. tostring(v) end
  table.sort(opts)
  return table.concat(fk.constrained_columns, ",") .. "->" .. fk.referred_table .. "("
    .. table.concat(fk.referred_columns, ",") .. ")" .. table.concat(opts, ",")
end

local function names(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v.name end
  return out
end

describe("the Tacker chain on SQLite", function()
  local path -- the SQLite database at head, in one run
  local pg   -- the PostgreSQL reference schema at head
  local lite_insp, pg_insp, lite_conn, pg_conn
  local enum_len = {}
  local branch_seen = {}

  setup(function()
    local url
    url, path = H.sqlite_url()
    local r = T.cli(url, { "upgrade", "head" })
    assert(r.code == 0, "upgrade head on SQLite failed:\n" .. r.stderr)
    pg = T.database("postgresql", "lite")
    T.load(pg, T.schema_file("postgresql", { pos = "072", rev = T.HEAD }))
    lite_conn = H.dbm().connect(url)
    pg_conn = H.dbm().connect(pg.url)
    lite_insp, pg_insp = lite_conn:inspect(), pg_conn:inspect()
    for _, row in ipairs(pg_conn:query(
        "SELECT t.typname AS name, max(length(e.enumlabel)) AS n FROM pg_type t "
        .. "JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname")) do
      enum_len[row.name] = tonumber(row.n)
    end
  end)

  teardown(function()
    if lite_conn then lite_conn:close() end
    if pg_conn then pg_conn:close() end
    if pg then pg.drop() end
    H.cleanup()
  end)

  it("runs the whole chain to head in one run", function()
    assert.same({ T.HEAD }, T.versions("sqlite:///" .. path))
  end)

  it("walks one revision per run to the same schema", function()
    local url, step_path = H.sqlite_url()
    for _, e in ipairs(T.chain()) do
      T.upgrade(url, e.rev)
      assert.same({ e.rev }, T.versions(url))
    end
    T.assert_text(H.sqlite_schema(path), H.sqlite_schema(step_path), "the stepwise schema")
  end)

  it("has PostgreSQL's tables at head", function()
    local function user_tables(insp)
      local out = {}
      for _, t in ipairs(insp:get_table_names()) do
        if t ~= "alembic_version" then out[#out + 1] = t end
      end
      table.sort(out)
      return out
    end
    local tables = user_tables(pg_insp)
    assert.equal(42, #tables)
    assert.same(tables, user_tables(lite_insp))
  end)

  -- One test per table of the reference dump.
  local tables = {}
  for name in H.read(T.schema_file("postgresql", { pos = "072", rev = T.HEAD }))
      :gmatch("\nCREATE TABLE public%.(%S+) %(") do
    tables[#tables + 1] = (name:gsub('^"(.*)"$', "%1"))
  end
  for _, t in ipairs(tables) do
    it("table " .. t .. " matches PostgreSQL's through the type map", function()
      local pcols, lcols = pg_insp:get_columns(t), lite_insp:get_columns(t)
      local pk = pg_insp:get_pk_constraint(t)
      local lite_pk = lite_insp:get_pk_constraint(t)

      -- columns
      if REORDERED[t] then
        assert.same(sorted_by(names(pcols), tostring), sorted_by(names(lcols), tostring))
      else
        assert.same(names(pcols), names(lcols))
      end
      local by_name = {}
      for _, c in ipairs(lcols) do by_name[c.name] = c end
      for _, pc in ipairs(pcols) do
        local lc = by_name[pc.name]
        local where = t .. "." .. pc.name
        -- type
        local want
        local branch = BRANCH_TYPES[where]
        if branch then
          assert.equal(branch[1], pc.type, where .. " on PostgreSQL")
          want = branch[2]
          branch_seen[where] = true
        elseif pc.type:match("^character varying%(%d+%)$") then
          want = "VARCHAR(" .. pc.type:match("%((%d+)%)") .. ")"
        elseif TYPE_MAP[pc.type] then
          want = TYPE_MAP[pc.type]
        else
          local enum = pc.type:gsub('^"(.*)"$', "%1")
          assert(enum_len[enum], where .. ": PostgreSQL type '" .. pc.type .. "' is not in the type map")
          want = "VARCHAR(" .. enum_len[enum] .. ")"
        end
        assert.equal(want, lc.type, where .. " (PostgreSQL " .. pc.type .. ")")
        -- nullability
        assert.equal(pc.nullable, lc.nullable, where .. " nullable")
        -- server default
        if pc.default and pc.default:match("^nextval%(") then
          assert.is_nil(lc.default, where .. " default")
          assert.equal("INTEGER", lc.type, where .. " is the rowid")
          assert.same({ pc.name }, lite_pk.constrained_columns, where .. " is the primary key")
        else
          assert.equal(default_of(pc.default), default_of(lc.default), where .. " default")
        end
        -- computed
        assert.equal(pc.computed ~= nil, lc.computed ~= nil, where .. " computed")
        if pc.computed then
          assert.is_true(pc.computed.persisted, where .. " STORED on PostgreSQL")
          assert.is_false(lc.computed.persisted, where .. " VIRTUAL on SQLite")
        end
      end

      -- primary key: columns (SQLite keeps no generated name)
      assert.same(pk.constrained_columns, lite_pk.constrained_columns)

      -- foreign keys: as a set; a name SQLite keeps is PostgreSQL's
      local pfks = sorted_by(pg_insp:get_foreign_keys(t), fk_key)
      local lfks = sorted_by(lite_insp:get_foreign_keys(t), fk_key)
      assert.equal(#pfks, #lfks, t .. " foreign keys")
      for i, pfk in ipairs(pfks) do
        assert.equal(fk_key(pfk), fk_key(lfks[i]))
        if lfks[i].name then assert.equal(pfk.name, lfks[i].name) end
      end

      -- unique constraints and indexes: names and columns
      local by = function(x) return x.name end
      assert.same(sorted_by(pg_insp:get_unique_constraints(t), by),
                  sorted_by(lite_insp:get_unique_constraints(t), by))
      assert.same(sorted_by(pg_insp:get_indexes(t), by), sorted_by(lite_insp:get_indexes(t), by))
    end)
  end

  it("meets every listed branch difference (the list has no stale entry)", function()
    for where in pairs(BRANCH_TYPES) do
      assert.is_true(branch_seen[where], where .. " was not compared")
    end
  end)
end)
