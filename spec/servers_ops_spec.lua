-- Every op.* through real revisions on each dialect: SQLite files, and
-- throw-away databases on the PostgreSQL and MariaDB servers of
-- scripts/testdb. What was made is read back with the inspector, as each
-- server reports it (types, nullability, defaults, constraint and index
-- names), and the data with the Lua module's queries.
local H = require("helpers.host")
local S = require("helpers.servers")
local dbm = H.dbm()

local DIALECTS = { "sqlite", "postgresql", "mysql" }

-- A throw-away database of a dialect and the chain of revisions applied to it.
local DB = {}
DB.__index = DB

local function new_db(dialect)
  local self = setmetatable({ dialect = dialect, files = {}, n = 0, log = {} }, DB)
  if dialect == "sqlite" then
    self.url = H.sqlite_url()
  else
    self.server = S.new_db(dialect)
    self.url = self.server.url
  end
  self.conn = dbm.connect(self.url)
  return self
end

-- Upgrade to a new revision whose upgrade body is `up` (Lua source).
function DB:apply(up, down)
  self.n = self.n + 1
  local id = string.format("r%03d", self.n)
  self.files[id] = H.rev({ id, down = self.head, up = up, down_fn = down or "" })
  self.head = id
  self.scripts = dbm.scripts(H.scripts_dir(self.files))
  self.conn:upgrade(self.scripts, id, {
    log = function(_, _, msg) self.log[#self.log + 1] = msg end,
  })
  return id
end

-- Run a revision that must fail; it is forgotten afterwards. Returns the
-- error message without the "upgrade of revision ... file:line: " prefix.
function DB:fail(up)
  local id = string.format("r%03d", self.n + 1)
  local files = {}
  for k, v in pairs(self.files) do files[k] = v end
  files[id] = H.rev({ id, down = self.head, up = up })
  local ok, err = pcall(self.conn.upgrade, self.conn, dbm.scripts(H.scripts_dir(files)), id)
  assert(not ok, "the revision was expected to fail")
  assert.same(self.head and { self.head } or {}, self.conn:current())
  err = tostring(err)
  local msg = err:match("^upgrade of revision 'r%d+' failed: [^:]*/versions/r%d+%.lua:%d+: (.*)$")
  assert(msg, "not a revision error: " .. err)
  return msg
end

function DB:query(sql, params)
  return self.conn:query(sql, params)
end

function DB:execute(sql, params)
  self.conn:execute(sql, params)
end

-- The error of a statement that must fail.
function DB:exec_error(sql, params)
  local ok, err = pcall(self.conn.execute, self.conn, sql, params)
  assert(not ok, "the statement was expected to fail")
  return tostring(err)
end

-- Rows of a query as plain arrays (positional values, NULL as "NULL").
function DB:values(sql, params)
  local out = {}
  local rows = self:query(sql, params)
  for i, row in ipairs(rows) do
    local vals = {}
    for j = 1, #rows.columns do vals[j] = row[j] == nil and "NULL" or row[j] end
    out[i] = vals
  end
  return out
end

function DB:inspect()
  return self.conn:inspect()
end

function DB:close()
  self.conn:close()
  if self.server then self.server.drop() end
end

-- Columns as { name, type, nullable, default } rows.
local function columns(db, table_name)
  local out = {}
  for _, c in ipairs(db:inspect():get_columns(table_name)) do
    out[#out + 1] = { c.name, c.type, c.nullable, c.default }
  end
  return out
end

local function sorted(list)
  table.sort(list, function(a, b) return (a.name or "") < (b.name or "") end)
  return list
end

for _, dialect in ipairs(DIALECTS) do
  describe("op on " .. dialect, function()
    local db

    before_each(function()
      db = new_db(dialect)
    end)

    after_each(function()
      db:close()
    end)

    teardown(function()
      H.cleanup()
    end)

    it("creates a table with every sa type, read back as the server reports it", function()
      db:apply([[
        op.create_table("typed",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("s", sa.String(255), { nullable = false }),
          sa.Column("v", sa.VARCHAR(10)),
          sa.Column("t", sa.Text),
          sa.Column("big", sa.BigInteger),
          sa.Column("small", sa.SmallInteger),
          sa.Column("flag", sa.Boolean),
          sa.Column("dt", sa.DateTime),
          sa.Column("dt_tz", sa.DateTime({ timezone = true })),
          sa.Column("d", sa.Date),
          sa.Column("tm", sa.Time),
          sa.Column("f", sa.Float),
          sa.Column("num", sa.Numeric(10, 2)),
          sa.Column("j", sa.JSON),
          sa.Column("e", sa.Enum("small", "medium", "extra-large", { name = "size" })),
          sa.Column("lb", sa.LargeBinary),
          sa.Column("p", sa.PickleType),
          sa.Column("u", sa.Uuid),
          sa.Column("js", sa.Json),
          { mysql_engine = "InnoDB" })
      ]])
      local types = ({
        sqlite = { "INTEGER", "VARCHAR(255)", "VARCHAR(10)", "TEXT", "BIGINT", "SMALLINT", "BOOLEAN",
          "DATETIME", "DATETIME", "DATE", "TIME", "FLOAT", "NUMERIC(10, 2)", "JSON", "VARCHAR(11)", "BLOB",
          "BLOB", "VARCHAR(36)", "TEXT" },
        postgresql = { "integer", "character varying(255)", "character varying(10)", "text", "bigint",
          "smallint", "boolean", "timestamp without time zone", "timestamp with time zone", "date",
          "time without time zone", "double precision", "numeric(10,2)", "json", "size", "bytea", "bytea",
          "character varying(36)", "text" },
        mysql = { "int(11)", "varchar(255)", "varchar(10)", "text", "bigint(20)", "smallint(6)", "tinyint(1)",
          "datetime", "datetime", "date", "time", "float", "decimal(10,2)", "longtext COLLATE utf8mb4_bin",
          "enum('small','medium','extra-large')", "blob", "blob", "varchar(36)", "text" },
      })[dialect]
      local names = { "id", "s", "v", "t", "big", "small", "flag", "dt", "dt_tz", "d", "tm", "f", "num", "j",
        "e", "lb", "p", "u", "js" }
      local want = {}
      for i, name in ipairs(names) do want[i] = { name, types[i], i > 2 } end
      local got = {}
      for i, c in ipairs(columns(db, "typed")) do got[i] = { c[1], c[2], c[3] } end
      assert.same(want, got)
      local pk = db:inspect():get_pk_constraint("typed")
      assert.same({ "id" }, pk.constrained_columns)
      if dialect == "postgresql" then
        assert.same({ { "small" }, { "medium" }, { "extra-large" } }, db:values(
          "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
          .. "WHERE t.typname = 'size' ORDER BY e.enumsortorder"))
      elseif dialect == "mysql" then
        assert.same({ { "InnoDB" } }, db:values("SELECT ENGINE FROM information_schema.TABLES "
          .. "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'typed'"))
      end
    end)

    it("renders server defaults and nullability, read back as the server reports them", function()
      db:apply([[
        op.create_table("defaults",
          sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }),
          sa.Column("status", sa.String(16), { server_default = "PENDING", nullable = false }),
          sa.Column("n", sa.Integer, { server_default = sa.text("0") }),
          sa.Column("created", sa.DateTime, { server_default = sa.func.now() }),
          sa.Column("note", sa.Text, { nullable = true }))
        op.execute("INSERT INTO defaults (id) VALUES (1)")
      ]])
      local defaults = ({
        sqlite = { "'PENDING'", "0", "CURRENT_TIMESTAMP" },
        postgresql = { "'PENDING'::character varying", "0", "now()" },
        mysql = { "'PENDING'", "0", "current_timestamp()" },
      })[dialect]
      local got = columns(db, "defaults")
      assert.same({ "id", false }, { got[1][1], got[1][3] })
      assert.same({ "status", false, defaults[1] }, { got[2][1], got[2][3], got[2][4] })
      assert.same({ "n", true, defaults[2] }, { got[3][1], got[3][3], got[3][4] })
      assert.same({ "created", true, defaults[3] }, { got[4][1], got[4][3], got[4][4] })
      assert.same({ "note", true }, { got[5][1], got[5][3] })
      assert.is_nil(got[5][4])
      local row = db:query("SELECT status, n, created, note FROM defaults")[1]
      assert.same({ "PENDING", 0 }, { row.status, row.n })
      assert.is_string(row.created)
      assert.is_nil(row.note)
    end)

    it("creates column-level and table-level constraints and indexes with their names", function()
      db:apply([[
        op.create_table("parent", sa.Column("id", sa.Integer, { primary_key = true }))
        op.create_table("child",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", { ondelete = "CASCADE" }),
                    { nullable = false }),
          sa.Column("code", sa.String(10), { unique = true }),
          sa.Column("name", sa.String(10), { index = true }),
          sa.UniqueConstraint("name", "code", { name = "uq_child_name_code" }),
          sa.CheckConstraint("parent_id > 0", { name = "ck_child_parent" }),
          sa.Index("ix_child_pc", "parent_id", "code"))
      ]])
      local insp = db:inspect()
      local names = ({
        sqlite = { pk = nil, fk = nil, code = nil, check = "parent_id > 0" },
        postgresql = { pk = "child_pkey", fk = "child_parent_id_fkey", code = "child_code_key",
          check = "parent_id > 0" },
        mysql = { pk = nil, fk = "child_ibfk_1", code = "code", check = "`parent_id` > 0" },
      })[dialect]
      assert.same({ name = names.pk, constrained_columns = { "id" } }, insp:get_pk_constraint("child"))
      assert.same({ {
        name = names.fk,
        constrained_columns = { "parent_id" },
        referred_table = "parent",
        referred_columns = { "id" },
        options = { ondelete = "CASCADE" },
      } }, insp:get_foreign_keys("child"))
      assert.same(sorted({
        { name = names.code, column_names = { "code" } },
        { name = "uq_child_name_code", column_names = { "name", "code" } },
      }), sorted(insp:get_unique_constraints("child")))
      assert.same({ { name = "ck_child_parent", sqltext = names.check } }, insp:get_check_constraints("child"))
      assert.same({
        { name = "ix_child_name", column_names = { "name" }, unique = false },
        { name = "ix_child_pc", column_names = { "parent_id", "code" }, unique = false },
      }, sorted(insp:get_indexes("child")))
      assert.same({ "alembic_version", "child", "parent" }, S.tables(db.url))
    end)

    it("adds, drops and alters columns, keeping the rows", function()
      db:apply([[
        op.create_table("items",
          sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }),
          sa.Column("pid", sa.Integer), sa.Column("name", sa.String(20)),
          sa.Column("qty", sa.Integer), sa.Column("old", sa.Text))
        op.execute("INSERT INTO items (id, pid, name, qty, old) VALUES (1, 1, 'x', 5, 'gone')")
      ]])
      db:apply([[
        op.add_column("items", sa.Column("note", sa.String(30), { server_default = "none", nullable = false }))
        op.drop_column("items", "old")
      ]])
      db:apply([[
        op.alter_column("items", "qty", { type_ = sa.BigInteger, existing_type = sa.Integer,
                                          nullable = false, existing_nullable = true })
        op.alter_column("items", "name", { new_column_name = "title", existing_type = sa.String(20) })
        op.alter_column("items", "note", { server_default = false, existing_type = sa.String(30),
                                           existing_nullable = false })
        op.alter_column("items", "pid", { server_default = "2", existing_type = sa.Integer })
      ]])
      local want = ({
        sqlite = { { "id", "INTEGER", false }, { "pid", "INTEGER", true, "'2'" }, { "title", "VARCHAR(20)", true },
          { "qty", "BIGINT", false }, { "note", "VARCHAR(30)", false } },
        postgresql = { { "id", "integer", false }, { "pid", "integer", true, "2" },
          { "title", "character varying(20)", true }, { "qty", "bigint", false },
          { "note", "character varying(30)", false } },
        mysql = { { "id", "int(11)", false }, { "pid", "int(11)", true, "2" }, { "title", "varchar(20)", true },
          { "qty", "bigint(20)", false }, { "note", "varchar(30)", false } },
      })[dialect]
      assert.same(want, columns(db, "items"))
      assert.same({ { 1, 1, "x", 5, "none" } }, db:values("SELECT id, pid, title, qty, note FROM items"))
      db:execute("INSERT INTO items (id, title, qty, note) VALUES (2, 'y', 6, 'n')")
      assert.same({ { 2, 2 } }, db:values("SELECT id, pid FROM items WHERE id = 2"))
      -- qty is NOT NULL now.
      local ok = pcall(db.execute, db, "INSERT INTO items (id, qty, note) VALUES (3, NULL, 'n')")
      assert.is_false(ok)
    end)

    it("renames and drops tables", function()
      db:apply([[
        op.create_table("old_name", sa.Column("id", sa.Integer, { primary_key = true }), sa.Column("v", sa.String(20)))
        op.create_index("ix_old_name_v", "old_name", { "id", "v" })
        op.create_table("doomed", sa.Column("id", sa.Integer))
        op.execute("INSERT INTO old_name (id, v) VALUES (7, 'kept')")
      ]])
      db:apply([[
        op.rename_table("old_name", "new_name")
        op.drop_table("doomed")
      ]])
      assert.same({ "alembic_version", "new_name" }, S.tables(db.url))
      assert.same({ { 7, "kept" } }, db:values("SELECT id, v FROM new_name"))
      assert.same({ { name = "ix_old_name_v", column_names = { "id", "v" }, unique = false } },
        db:inspect():get_indexes("new_name"))
    end)

    it("creates plain, unique and multi-column indexes, and drops them", function()
      db:apply([[
        op.create_table("ix", sa.Column("id", sa.Integer, { primary_key = true }),
                        sa.Column("a", sa.String(10)), sa.Column("b", sa.Integer))
        op.create_index("ix_ix_a", "ix", { "a" })
        op.create_index("ux_ix_a_b", "ix", { "a", "b" }, { unique = true })
        op.create_index("ix_ix_b", "ix", { "b" })
      ]])
      local insp = db:inspect()
      if dialect == "mysql" then
        -- MySQL keeps a unique index as a unique key: reported as a
        -- unique constraint of that name, not as an index.
        assert.same({
          { name = "ix_ix_a", column_names = { "a" }, unique = false },
          { name = "ix_ix_b", column_names = { "b" }, unique = false },
        }, sorted(insp:get_indexes("ix")))
        assert.same({ { name = "ux_ix_a_b", column_names = { "a", "b" } } }, insp:get_unique_constraints("ix"))
      else
        assert.same({
          { name = "ix_ix_a", column_names = { "a" }, unique = false },
          { name = "ix_ix_b", column_names = { "b" }, unique = false },
          { name = "ux_ix_a_b", column_names = { "a", "b" }, unique = true },
        }, sorted(insp:get_indexes("ix")))
      end
      db:execute("INSERT INTO ix (id, a, b) VALUES (1, 'x', 1)")
      assert.is_false(pcall(db.execute, db, "INSERT INTO ix (id, a, b) VALUES (2, 'x', 1)"))
      db:apply([[
        op.drop_index("ix_ix_a", { table_name = "ix" })
        op.drop_index("ux_ix_a_b", { table_name = "ix" })
      ]])
      assert.same({ { name = "ix_ix_b", column_names = { "b" }, unique = false } }, insp:get_indexes("ix"))
      assert.same({}, insp:get_unique_constraints("ix"))
      db:execute("INSERT INTO ix (id, a, b) VALUES (2, 'x', 1)")
    end)

    if dialect ~= "mysql" then
      -- (MariaDB has no expression indexes.)
      it("creates an expression index", function()
        db:apply([[
          op.create_table("ex", sa.Column("id", sa.Integer, { primary_key = true }), sa.Column("code", sa.Text))
          op.create_index("ix_ex_lower", "ex", { sa.text("lower(code)") })
        ]])
        local ixs = db:inspect():get_indexes("ex")
        assert.equal(1, #ixs)
        assert.equal("ix_ex_lower", ixs[1].name)
        assert.is_false(ixs[1].unique)
        if dialect == "postgresql" then
          assert.same({ { "CREATE INDEX ix_ex_lower ON public.ex USING btree (lower(code))" } },
            db:values("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_ex_lower'"))
        else
          assert.same({ { "CREATE INDEX ix_ex_lower ON ex (lower(code))" } },
            db:values("SELECT sql FROM sqlite_master WHERE name = 'ix_ex_lower'"))
        end
      end)
    end

    describe("constraints", function()
      before_each(function()
        db:apply([[
          op.create_table("parent",
            sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }),
            sa.Column("code", sa.String(10)))
          op.create_table("child",
            sa.Column("id", sa.Integer, { nullable = false }),
            sa.Column("parent_id", sa.Integer),
            sa.Column("qty", sa.Integer))
          op.create_index("ix_child_qty", "child", { "qty" })
          op.execute("INSERT INTO parent (id, code) VALUES (1, 'a')")
          op.execute("INSERT INTO parent (id, code) VALUES (2, 'b')")
          op.bulk_insert(sa.table("child", sa.column("id"), sa.column("parent_id"), sa.column("qty")),
                         { { id = 10, parent_id = 1, qty = 5 }, { id = 11, parent_id = 2, qty = 6 },
                           { id = 12, parent_id = 2, qty = 7 } })
        ]])
      end)

      local kept = { { 10, 1, 5 }, { 11, 2, 6 }, { 12, 2, 7 } }
      local function child_rows()
        return db:values("SELECT id, parent_id, qty FROM child ORDER BY id")
      end

      it("creates a primary key, a foreign key, a unique and a check constraint that the server enforces", function()
        db:apply([[
          op.create_primary_key("pk_child", "child", { "id" })
          op.create_foreign_key("fk_child_parent", "child", "parent", { "parent_id" }, { "id" },
                                { ondelete = "CASCADE" })
          op.create_unique_constraint("uq_parent_code", "parent", { "code" })
          op.create_check_constraint("ck_child_qty", "child", "qty > 0")
        ]])
        local insp = db:inspect()
        local pk_name = "pk_child"
        if dialect == "mysql" then pk_name = nil end -- MySQL calls every primary key PRIMARY
        assert.same({ name = pk_name, constrained_columns = { "id" } }, insp:get_pk_constraint("child"))
        assert.same({ {
          name = "fk_child_parent",
          constrained_columns = { "parent_id" },
          referred_table = "parent",
          referred_columns = { "id" },
          options = { ondelete = "CASCADE" },
        } }, insp:get_foreign_keys("child"))
        assert.same({ { name = "uq_parent_code", column_names = { "code" } } },
          insp:get_unique_constraints("parent"))
        assert.same({ { name = "ck_child_qty", sqltext = dialect == "mysql" and "`qty` > 0" or "qty > 0" } },
          insp:get_check_constraints("child"))
        assert.same(kept, child_rows())

        local errors = ({
          sqlite = {
            pk = "UNIQUE constraint failed: child.id [SQL: INSERT INTO child (id, qty) VALUES (10, 1)]",
            uq = "UNIQUE constraint failed: parent.code [SQL: INSERT INTO parent (id, code) VALUES (3, 'a')]",
            ck = "CHECK constraint failed: ck_child_qty [SQL: INSERT INTO child (id, qty) VALUES (13, -1)]",
          },
          postgresql = {
            pk = 'duplicate key value violates unique constraint "pk_child" '
              .. "[SQL: INSERT INTO child (id, qty) VALUES (10, 1)]",
            uq = 'duplicate key value violates unique constraint "uq_parent_code" '
              .. "[SQL: INSERT INTO parent (id, code) VALUES (3, 'a')]",
            ck = 'new row for relation "child" violates check constraint "ck_child_qty" '
              .. "[SQL: INSERT INTO child (id, qty) VALUES (13, -1)]",
            fk = 'insert or update on table "child" violates foreign key constraint "fk_child_parent" '
              .. "[SQL: INSERT INTO child (id, parent_id, qty) VALUES (14, 99, 1)]",
          },
          mysql = {
            pk = "Duplicate entry '10' for key 'PRIMARY' (1062) [SQL: INSERT INTO child (id, qty) VALUES (10, 1)]",
            uq = "Duplicate entry 'a' for key 'uq_parent_code' (1062) "
              .. "[SQL: INSERT INTO parent (id, code) VALUES (3, 'a')]",
            ck = "CONSTRAINT `ck_child_qty` failed for `" .. (db.server and db.server.name or "")
              .. "`.`child` (4025) [SQL: INSERT INTO child (id, qty) VALUES (13, -1)]",
            fk = "Cannot add or update a child row: a foreign key constraint fails (`"
              .. (db.server and db.server.name or "") .. "`.`child`, CONSTRAINT `fk_child_parent` FOREIGN KEY "
              .. "(`parent_id`) REFERENCES `parent` (`id`) ON DELETE CASCADE) (1452) "
              .. "[SQL: INSERT INTO child (id, parent_id, qty) VALUES (14, 99, 1)]",
          },
        })[dialect]
        assert.equal(errors.pk, db:exec_error("INSERT INTO child (id, qty) VALUES (10, 1)"))
        assert.equal(errors.uq, db:exec_error("INSERT INTO parent (id, code) VALUES (3, 'a')"))
        assert.equal(errors.ck, db:exec_error("INSERT INTO child (id, qty) VALUES (13, -1)"))
        if dialect == "sqlite" then
          db:execute("PRAGMA foreign_keys = ON")
        else
          assert.equal(errors.fk, db:exec_error("INSERT INTO child (id, parent_id, qty) VALUES (14, 99, 1)"))
        end
        db:execute("DELETE FROM parent WHERE id = 2")
        assert.same({ { 10, 1, 5 } }, child_rows())
      end)

      it("refuses a check constraint that a row breaks, and the version stays", function()
        local msg = db:fail([[op.create_check_constraint("ck_child_big", "child", "qty > 5")]])
        local want = ({
          sqlite = "^CHECK constraint failed: ck_child_big %[SQL: INSERT INTO _alembic_tmp_child ",
          postgresql = '^check constraint "ck_child_big" of relation "child" is violated by some row '
            .. "%[SQL: ALTER TABLE child ADD CONSTRAINT ck_child_big CHECK %(qty > 5%)%]$",
          mysql = "^CONSTRAINT `ck_child_big` failed for `[%w_]+`%.`child` %(4025%) "
            .. "%[SQL: ALTER TABLE child ADD CONSTRAINT ck_child_big CHECK %(qty > 5%)%]$",
        })[dialect]
        assert.matches(want, msg)
        assert.same({}, db:inspect():get_check_constraints("child"))
        assert.same(kept, child_rows())
      end)

      it("drops each type of constraint, keeping the rows and the others", function()
        db:apply([[
          op.create_foreign_key("fk_child_parent", "child", "parent", { "parent_id" }, { "id" })
          op.create_unique_constraint("uq_child_qty", "child", { "qty" })
          op.create_check_constraint("ck_child_qty", "child", "qty > 0")
          op.create_primary_key("pk_child", "child", { "id" })
        ]])
        local insp = db:inspect()
        db:apply([[op.drop_constraint("fk_child_parent", "child", { type_ = "foreignkey" })]])
        assert.same({}, insp:get_foreign_keys("child"))
        assert.equal(1, #insp:get_unique_constraints("child"))
        assert.equal(1, #insp:get_check_constraints("child"))
        assert.same({ "id" }, insp:get_pk_constraint("child").constrained_columns)
        db:apply([[op.drop_constraint("uq_child_qty", "child", { type_ = "unique" })]])
        assert.same({}, insp:get_unique_constraints("child"))
        db:apply([[op.drop_constraint("ck_child_qty", "child", { type_ = "check" })]])
        assert.same({}, insp:get_check_constraints("child"))
        db:apply([[op.drop_constraint("pk_child", "child", { type_ = "primary" })]])
        assert.same({}, insp:get_pk_constraint("child").constrained_columns)
        assert.same(kept, child_rows())
        local ixs = { { name = "ix_child_qty", column_names = { "qty" }, unique = false } }
        if dialect == "mysql" then
          -- The index MySQL made for the foreign key outlives it.
          table.insert(ixs, 1, { name = "fk_child_parent", column_names = { "parent_id" }, unique = false })
        end
        assert.same(ixs, sorted(insp:get_indexes("child")))
        -- Nothing is enforced any more.
        db:execute("INSERT INTO child (id, parent_id, qty) VALUES (10, 99, -5)")
      end)
    end)

    describe("execute, bulk_insert and the bind", function()
      it("round-trips integers, floats, strings, booleans, blobs and NULL", function()
        local blob = "\0\1\2\255\254binary\0"
        db:apply([[
          local t = op.create_table("vals",
            sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }),
            sa.Column("i", sa.BigInteger), sa.Column("r", sa.Float), sa.Column("s", sa.String(40)),
            sa.Column("b", sa.Boolean), sa.Column("bl", sa.LargeBinary), sa.Column("n", sa.String(20)))
          op.bulk_insert(t, {
            { id = 1, i = 9007199254740993, r = 2.5, s = "héllo 'quoted'", b = true,
              bl = "\0\1\2\255\254binary\0", n = sa.null },
            { id = 2, i = -3, r = -0.125, s = "", b = false, bl = "", n = "set" },
          })
          op.execute("INSERT INTO vals (id, i, b, bl, n) VALUES (:id, :i, :b, :bl, :n)",
                     { id = 3, i = 0, b = false, bl = "\255", n = sa.null })
        ]])
        local rows = db:query("SELECT id, i, r, s, b, bl, n FROM vals ORDER BY id")
        assert.equal(3, #rows)
        local r1, r2, r3 = rows[1], rows[2], rows[3]
        assert.equal(9007199254740993, r1.i)
        assert.equal("integer", math.type(r1.i))
        assert.equal(2.5, r1.r)
        assert.equal("float", math.type(r1.r))
        assert.equal("héllo 'quoted'", r1.s)
        assert.equal(1, r1.b)
        assert.equal(blob, r1.bl)
        assert.is_nil(r1.n)
        assert.same({ -3, -0.125, "", 0, "", "set" }, { r2.i, r2.r, r2.s, r2.b, r2.bl, r2.n })
        assert.same({ 0, 0, "\255" }, { r3.i, r3.b, r3.bl })
        assert.is_nil(r3.r)
        assert.is_nil(r3.n)
        -- The module binds the same way.
        db:execute("INSERT INTO vals (id, b, bl, n) VALUES (:id, :b, :bl, :n)",
          { id = 4, b = true, bl = blob, n = dbm.null })
        local r4 = db:query("SELECT b, bl, n FROM vals WHERE id = :id", { id = 4 })[1]
        assert.same({ 1, blob }, { r4.b, r4.bl })
        assert.is_nil(r4.n)
        assert.same({ { 2 } }, db:values("SELECT count(*) FROM vals WHERE b = :t", { t = true }))
      end)

      it("gives a bind with the dialect name that runs queries returning rows", function()
        db:apply([[
          op.create_table("notes", sa.Column("k", sa.String(20)), sa.Column("v", sa.Text))
          op.execute("INSERT INTO notes (k, v) VALUES ('first', 'one')")
          local bind = op.get_bind()
          op.execute("INSERT INTO notes (k, v) VALUES ('dialect', :v)", { v = bind.dialect.name })
          local rows = bind:execute("SELECT k, v FROM notes WHERE k = :k", { k = "first" })
          op.execute("INSERT INTO notes (k, v) VALUES ('read', :v)",
                     { v = #rows .. ":" .. rows[1].k .. "=" .. rows[1][2] .. ":" .. table.concat(rows.columns, ",") })
          local none = bind:execute(sa.text("SELECT v FROM notes WHERE k = 'missing'"))
          op.execute("INSERT INTO notes (k, v) VALUES ('none', :v)", { v = tostring(#none) })
          bind:execute("UPDATE notes SET v = 'updated' WHERE k = 'first'")
          op.execute("INSERT INTO notes (k, v) VALUES ('offline', :v)", { v = tostring(op.is_offline()) })
          local insp = op.get_inspector()
          op.execute("INSERT INTO notes (k, v) VALUES ('has', :v)", { v = tostring(insp:has_table("notes")) })
          local cols = {}
          for _, c in ipairs(sa.inspect(bind):get_columns("notes")) do cols[#cols + 1] = c.name end
          op.execute("INSERT INTO notes (k, v) VALUES ('columns', :v)", { v = table.concat(cols, ",") })
        ]])
        local n = {}
        for _, row in ipairs(db:query("SELECT k, v FROM notes")) do n[row.k] = row.v end
        assert.same({ dialect = dialect, read = "1:first=one:k,v", none = "0", first = "updated",
          offline = "false", has = "true", columns = "k,v" }, n)
      end)

      it("reports a failing statement with the server's message and the SQL", function()
        local msg = db:fail([[
          op.create_table("before_error", sa.Column("id", sa.Integer))
          op.execute("INSERT INTO nosuch (id) VALUES (:id)", { id = 1 })
        ]])
        local want = ({
          sqlite = "^no such table: nosuch %[SQL: INSERT INTO nosuch %(id%) VALUES %(%?%)%]$",
          postgresql = '^relation "nosuch" does not exist %[SQL: INSERT INTO nosuch %(id%) VALUES %(%$1%)%]$',
          mysql = "^Table '[%w_]+%.nosuch' doesn't exist %(1146%) %[SQL: INSERT INTO nosuch %(id%) VALUES %(%?%)%]"
            .. "; the database is left part%-way through this revision: 1 statement%(s%) already applied and "
            .. "committed: CREATE TABLE before_error %( id INTEGER %)$",
        })[dialect]
        assert.matches(want, msg)
        if dialect == "mysql" then
          assert.same({ "alembic_version", "before_error" }, S.tables(db.url))
        else
          assert.same({}, S.tables(db.url)) -- rolled back with the revision
        end
      end)
    end)

    describe("op.autocommit", function()
      it("runs its statements outside the revision's transaction", function()
        db:apply([[
          op.create_table("big", sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }),
                          sa.Column("v", sa.String(20)))
          for k = 1, 50 do op.execute("INSERT INTO big (id, v) VALUES (:k, :v)", { k = k, v = "v" .. k }) end
          op.autocommit(function()
            if op.get_bind().dialect.name == "postgresql" then
              op.execute("CREATE INDEX CONCURRENTLY ix_big_v ON big (v)")
            else
              op.execute("CREATE INDEX ix_big_v ON big (v)")
            end
          end)
          op.add_column("big", sa.Column("w", sa.Integer, { server_default = "1" }))
        ]])
        assert.equal("r001", S.versions(db.url))
        assert.same({ { name = "ix_big_v", column_names = { "v" }, unique = false } },
          db:inspect():get_indexes("big"))
        assert.same({ { 50, 1 } }, db:values("SELECT count(*), min(w) FROM big"))
        if dialect == "postgresql" then
          assert.same({ { 1 } }, db:values("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            .. "WHERE c.relname = 'ix_big_v' AND i.indisvalid AND i.indisready"))
        end
      end)

      if dialect == "postgresql" then
        it("is what CREATE INDEX CONCURRENTLY needs inside a revision's transaction", function()
          db:apply([[op.create_table("big", sa.Column("id", sa.Integer), sa.Column("v", sa.String(20)))]])
          local msg = db:fail([[op.execute("CREATE INDEX CONCURRENTLY ix_big_v ON big (v)")]])
          assert.equal("CREATE INDEX CONCURRENTLY cannot run inside a transaction block "
            .. "[SQL: CREATE INDEX CONCURRENTLY ix_big_v ON big (v)]", msg)
        end)

        it("works in a run that is one transaction", function()
          db.files.r001 = H.rev({ "r001", up = [[
            op.create_table("big", sa.Column("id", sa.Integer), sa.Column("v", sa.String(20)))
          ]] })
          db.files.r002 = H.rev({ "r002", down = "r001", up = [[
            op.autocommit(function() op.execute("CREATE INDEX CONCURRENTLY ix_big_v ON big (v)") end)
            op.create_table("after", sa.Column("id", sa.Integer))
          ]] })
          db.conn:upgrade(dbm.scripts(H.scripts_dir(db.files)), "head", { transaction_per_migration = false })
          assert.equal("r002", S.versions(db.url))
          assert.same({ "after", "alembic_version", "big" }, S.tables(db.url))
          assert.same({ { name = "ix_big_v", column_names = { "v" }, unique = false } },
            db:inspect():get_indexes("big"))
        end)
      end
    end)

    it("goes up and down through dbm.connect, with stamp and current", function()
      db.files = {
        a1 = H.rev({ "aa01", up = [[op.create_table("foo", sa.Column("id", sa.Integer, { primary_key = true }))]],
          down_fn = [[op.drop_table("foo")]] }),
        b2 = H.rev({ "bb02", down = "aa01", up = [[op.add_column("foo", sa.Column("bar", sa.String(20)))]],
          down_fn = [[op.drop_column("foo", "bar")]] }),
      }
      local scripts = dbm.scripts(H.scripts_dir(db.files))
      assert.equal(dialect, db.conn.dialect)
      assert.same({}, db.conn:current())
      db.conn:upgrade(scripts, "head")
      assert.same({ "bb02" }, db.conn:current())
      assert.same({ "alembic_version", "foo" }, S.tables(db.url))
      local vt = columns(db, "alembic_version")
      assert.same({ "version_num", false }, { vt[1][1], vt[1][3] })
      assert.same({ "version_num" }, db:inspect():get_pk_constraint("alembic_version").constrained_columns)
      db.conn:downgrade(scripts, "aa01")
      assert.same({ "aa01" }, db.conn:current())
      assert.same({ "id" }, (function()
        local out = {}
        for _, c in ipairs(db:inspect():get_columns("foo")) do out[#out + 1] = c.name end
        return out
      end)())
      db.conn:downgrade(scripts, "base")
      assert.same({}, db.conn:current())
      assert.same({ "alembic_version" }, S.tables(db.url))
      db.conn:stamp(scripts, "bb02")
      assert.same({ "bb02" }, db.conn:current())
      assert.same({ "alembic_version" }, S.tables(db.url))
    end)
  end)
end
