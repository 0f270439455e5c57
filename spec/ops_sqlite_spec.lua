-- Every op.* through real revisions on SQLite files, checked with the
-- inspector, the data, and the schema text sqlite3 prints where the exact
-- SQL matters (it must be what SQLAlchemy 1.4 + Alembic produce).
local H = require("helpers.host")
local dbm = H.dbm()

-- A throw-away database file and the chain of revisions applied to it.
local DB = {}
DB.__index = DB

local function new_db()
  local url, path = H.sqlite_url()
  return setmetatable({ url = url, path = path, conn = dbm.connect(url), files = {}, n = 0, log = {} }, DB)
end

function DB:next_id()
  return string.format("r%03d", self.n + 1)
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
-- error message.
function DB:fail(up)
  local id = self:next_id()
  local files = {}
  for k, v in pairs(self.files) do files[k] = v end
  files[id] = H.rev({ id, down = self.head, up = up })
  local scripts = dbm.scripts(H.scripts_dir(files))
  local ok, err = pcall(self.conn.upgrade, self.conn, scripts, id)
  assert(not ok, "the revision was expected to fail")
  assert.same(self.head and { self.head } or {}, self.conn:current())
  return tostring(err)
end

function DB:downgrade(target)
  self.conn:downgrade(self.scripts, target)
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

function DB:inspect()
  return self.conn:inspect()
end

-- The schema as the sqlite3 tool prints it, without the version table.
function DB:schema()
  local text = H.sqlite_schema(self.path)
  text = text:gsub("^CREATE TABLE alembic_version %(\n.-\n%);\n", "")
  return text
end

-- The stored CREATE statement of one object.
function DB:sql_of(name)
  local rows = self:query("SELECT sql FROM sqlite_master WHERE name = :n", { n = name })
  return rows[1] and rows[1].sql
end

-- Rows of a query as plain arrays (positional values only).
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

function DB:close()
  self.conn:close()
end

local function by_name(list)
  local out = {}
  for _, item in ipairs(list) do out[item.name] = item end
  return out
end

local function column(db, table_name, name)
  return by_name(db:inspect():get_columns(table_name))[name]
end

local function sorted_by_name(list)
  table.sort(list, function(a, b) return (a.name or "") < (b.name or "") end)
  return list
end

local function error_of(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error")
  return tostring(err)
end

-- The error of a failing revision: "upgrade of revision 'rNNN' failed:
-- <dir>/versions/rNNN.lua:LINE: message" -> message.
local function op_error(err)
  local msg = err:match("^upgrade of revision 'r%d+' failed: [^:]*/versions/r%d+%.lua:%d+: (.*)$")
  assert(msg, "not a revision error: " .. err)
  return msg
end

-- PRAGMA foreign_key_check and integrity_check are clean.
local function assert_consistent(db)
  assert.same({}, db:values("PRAGMA foreign_key_check"))
  assert.same({ { "ok" } }, db:values("PRAGMA integrity_check"))
  for _, name in ipairs(db:inspect():get_table_names()) do
    assert.is_nil(name:match("^_alembic_tmp_"), "a temporary table was left: " .. name)
  end
end

describe("op on sqlite", function()
  local db

  before_each(function()
    db = new_db()
  end)

  after_each(function()
    db:close()
  end)

  teardown(function()
    H.cleanup()
  end)

  describe("create_table", function()
    it("renders every sa type as SQLAlchemy 1.4 does on SQLite", function()
      db:apply([[
        op.create_table("all_types",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("s", sa.String(255)),
          sa.Column("s_bare", sa.String),
          sa.Column("v", sa.VARCHAR(10)),
          sa.Column("t", sa.Text),
          sa.Column("t_upper", sa.TEXT),
          sa.Column("i", sa.INTEGER),
          sa.Column("big", sa.BigInteger),
          sa.Column("small", sa.SmallInteger),
          sa.Column("flag", sa.Boolean),
          sa.Column("dt", sa.DateTime),
          sa.Column("dt_tz", sa.DateTime({ timezone = true })),
          sa.Column("d", sa.Date),
          sa.Column("tm", sa.Time),
          sa.Column("f", sa.Float),
          sa.Column("f53", sa.Float(53)),
          sa.Column("num", sa.Numeric(10, 2)),
          sa.Column("num_bare", sa.Numeric),
          sa.Column("j", sa.JSON),
          sa.Column("e", sa.Enum("small", "medium", "extra-large", { name = "size" })),
          sa.Column("lb", sa.LargeBinary),
          sa.Column("p", sa.PickleType),
          sa.Column("u", sa.Uuid),
          sa.Column("js", sa.Json))
      ]])
      assert.equal([[
CREATE TABLE all_types (
	id INTEGER NOT NULL, 
	s VARCHAR(255), 
	s_bare VARCHAR, 
	v VARCHAR(10), 
	t TEXT, 
	t_upper TEXT, 
	i INTEGER, 
	big BIGINT, 
	small SMALLINT, 
	flag BOOLEAN, 
	dt DATETIME, 
	dt_tz DATETIME, 
	d DATE, 
	tm TIME, 
	f FLOAT, 
	f53 FLOAT, 
	num NUMERIC(10, 2), 
	num_bare NUMERIC, 
	j JSON, 
	e VARCHAR(11), 
	lb BLOB, 
	p BLOB, 
	u VARCHAR(36), 
	js TEXT, 
	PRIMARY KEY (id)
);
]], db:schema())
    end)

    it("reads the types back through the inspector", function()
      db:apply([[
        op.create_table("typed",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("s", sa.String(255), { nullable = false }),
          sa.Column("big", sa.BigInteger),
          sa.Column("flag", sa.Boolean),
          sa.Column("dt", sa.DateTime),
          sa.Column("num", sa.Numeric(10, 2)),
          sa.Column("j", sa.JSON),
          sa.Column("e", sa.Enum("a", "bcd")),
          sa.Column("lb", sa.LargeBinary),
          sa.Column("u", sa.Uuid),
          sa.Column("js", sa.Json))
      ]])
      local got = {}
      for _, c in ipairs(db:inspect():get_columns("typed")) do
        got[#got + 1] = { c.name, c.type, c.nullable }
      end
      assert.same({
        { "id", "INTEGER", false },
        { "s", "VARCHAR(255)", false },
        { "big", "BIGINT", true },
        { "flag", "BOOLEAN", true },
        { "dt", "DATETIME", true },
        { "num", "NUMERIC(10, 2)", true },
        { "j", "JSON", true },
        { "e", "VARCHAR(3)", true },
        { "lb", "BLOB", true },
        { "u", "VARCHAR(36)", true },
        { "js", "TEXT", true },
      }, got)
    end)

    it("quotes reserved and mixed-case names as SQLAlchemy does", function()
      db:apply([[
        op.create_table("order",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("group", sa.String(5)),
          sa.Column("Name", sa.String(5)),
          sa.Column("plain_name", sa.String(5)))
      ]])
      assert.equal([[
CREATE TABLE "order" (
	id INTEGER NOT NULL, 
	"group" VARCHAR(5), 
	"Name" VARCHAR(5), 
	plain_name VARCHAR(5), 
	PRIMARY KEY (id)
)]], db:sql_of("order"))
      assert.same({ "order" }, (function()
        local t = {}
        for _, n in ipairs(db:inspect():get_table_names()) do
          if n ~= "alembic_version" then t[#t + 1] = n end
        end
        return t
      end)())
    end)

    it("renders server defaults: a literal, sa.text and sa.func.now()", function()
      db:apply([[
        op.create_table("defaults",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("status", sa.String(16), { nullable = false, server_default = "PENDING" }),
          sa.Column("quoted", sa.String(16), { server_default = "it's" }),
          sa.Column("zero", sa.Integer, { server_default = sa.text("0") }),
          sa.Column("zero_str", sa.Integer, { server_default = "0" }),
          sa.Column("created", sa.DateTime, { server_default = sa.func.now() }),
          sa.Column("updated", sa.DateTime, { server_default = sa.text("CURRENT_TIMESTAMP") }),
          sa.Column("none", sa.String(5), { server_default = false }))
      ]])
      assert.equal([[
CREATE TABLE defaults (
	id INTEGER NOT NULL, 
	status VARCHAR(16) DEFAULT 'PENDING' NOT NULL, 
	quoted VARCHAR(16) DEFAULT 'it''s', 
	zero INTEGER DEFAULT 0, 
	zero_str INTEGER DEFAULT '0', 
	created DATETIME DEFAULT (CURRENT_TIMESTAMP), 
	updated DATETIME DEFAULT CURRENT_TIMESTAMP, 
	none VARCHAR(5), 
	PRIMARY KEY (id)
);
]], db:schema())
      local cols = by_name(db:inspect():get_columns("defaults"))
      assert.equal("'PENDING'", cols.status.default)
      assert.equal("'it''s'", cols.quoted.default)
      assert.equal("0", cols.zero.default)
      assert.equal("'0'", cols.zero_str.default)
      assert.equal("CURRENT_TIMESTAMP", cols.created.default)
      assert.equal("CURRENT_TIMESTAMP", cols.updated.default)
      assert.is_nil(cols.none.default)

      db:execute("INSERT INTO defaults (id) VALUES (1)")
      local row = db:query("SELECT * FROM defaults")[1]
      assert.equal("PENDING", row.status)
      assert.equal("it's", row.quoted)
      assert.equal(0, row.zero)
      assert.equal(0, row.zero_str)
      assert.matches("^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d$", row.created)
      assert.matches("^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d$", row.updated)
      assert.is_nil(row.none)
    end)

    it("renders sa.func calls with arguments and the ANSI functions", function()
      db:apply([[
        op.create_table("funcs",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("d", sa.Date, { server_default = sa.func.current_date() }),
          sa.Column("s", sa.String(20), { server_default = sa.func.lower("ABC") }),
          sa.Column("n", sa.Integer, { server_default = sa.func.abs(-3) }))
      ]])
      assert.equal([[
CREATE TABLE funcs (
	id INTEGER NOT NULL, 
	d DATE DEFAULT (CURRENT_DATE), 
	s VARCHAR(20) DEFAULT (lower('ABC')), 
	n INTEGER DEFAULT (abs(-3)), 
	PRIMARY KEY (id)
);
]], db:schema())
      db:execute("INSERT INTO funcs (id) VALUES (1)")
      local row = db:query("SELECT d, s, n FROM funcs")[1]
      assert.matches("^%d%d%d%d%-%d%d%-%d%d$", row.d)
      assert.same({ "abc", 3 }, { row.s, row.n })
    end)

    it("renders column-level unique, index and ForeignKey", function()
      db:apply([[
        op.create_table("parent",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("code", sa.String(10), { unique = true, nullable = false }),
          sa.Column("name", sa.String(20), { index = true }),
          sa.Column("email", sa.String(20), { index = true, unique = true }))
        op.create_table("child",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", { ondelete = "CASCADE" }),
                    { nullable = false }),
          sa.Column("other_id", sa.Integer, sa.ForeignKey("parent.id", { name = "fk_other" })))
      ]])
      assert.equal([[
CREATE TABLE parent (
	id INTEGER NOT NULL, 
	code VARCHAR(10) NOT NULL, 
	name VARCHAR(20), 
	email VARCHAR(20), 
	PRIMARY KEY (id), 
	UNIQUE (code)
);
CREATE INDEX ix_parent_name ON parent (name);
CREATE UNIQUE INDEX ix_parent_email ON parent (email);
CREATE TABLE child (
	id INTEGER NOT NULL, 
	parent_id INTEGER NOT NULL, 
	other_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE CASCADE, 
	CONSTRAINT fk_other FOREIGN KEY(other_id) REFERENCES parent (id)
);
]], db:schema())
      local insp = db:inspect()
      assert.same({ { column_names = { "code" } } }, insp:get_unique_constraints("parent"))
      assert.same({
        { name = "ix_parent_email", column_names = { "email" }, unique = true },
        { name = "ix_parent_name", column_names = { "name" }, unique = false },
      }, sorted_by_name(insp:get_indexes("parent")))
      local fks = insp:get_foreign_keys("child")
      table.sort(fks, function(a, b) return a.constrained_columns[1] > b.constrained_columns[1] end)
      assert.same({
        { constrained_columns = { "parent_id" }, referred_table = "parent", referred_columns = { "id" },
          options = { ondelete = "CASCADE" } },
        { name = "fk_other", constrained_columns = { "other_id" }, referred_table = "parent",
          referred_columns = { "id" }, options = {} },
      }, fks)
    end)

    it("renders table-level constraints and indexes", function()
      db:apply([[
        op.create_table("parent",
          sa.Column("a", sa.Integer, { nullable = false }),
          sa.Column("b", sa.String(5), { nullable = false }),
          sa.PrimaryKeyConstraint("a", "b", { name = "pk_parent" }))
        op.create_table("child",
          sa.Column("id", sa.Integer),
          sa.Column("pa", sa.Integer),
          sa.Column("pb", sa.String(5)),
          sa.Column("qty", sa.Integer),
          sa.Column("code", sa.String(10)),
          sa.PrimaryKeyConstraint("id"),
          sa.ForeignKeyConstraint({ "pa", "pb" }, { "parent.a", "parent.b" },
                                  { name = "fk_child_parent", ondelete = "SET NULL" }),
          sa.UniqueConstraint("code", { name = "uq_child_code" }),
          sa.UniqueConstraint("pa", "qty"),
          sa.CheckConstraint("qty > 0", { name = "ck_child_qty" }),
          sa.Index("ix_child_pa_pb", "pa", "pb"),
          sa.Index("ux_child_qty", "qty", { unique = true }))
      ]])
      assert.equal([[
CREATE TABLE parent (
	a INTEGER NOT NULL, 
	b VARCHAR(5) NOT NULL, 
	CONSTRAINT pk_parent PRIMARY KEY (a, b)
);
CREATE TABLE child (
	id INTEGER NOT NULL, 
	pa INTEGER, 
	pb VARCHAR(5), 
	qty INTEGER, 
	code VARCHAR(10), 
	PRIMARY KEY (id), 
	CONSTRAINT fk_child_parent FOREIGN KEY(pa, pb) REFERENCES parent (a, b) ON DELETE SET NULL, 
	CONSTRAINT uq_child_code UNIQUE (code), 
	UNIQUE (pa, qty), 
	CONSTRAINT ck_child_qty CHECK (qty > 0)
);
CREATE INDEX ix_child_pa_pb ON child (pa, pb);
CREATE UNIQUE INDEX ux_child_qty ON child (qty);
]], db:schema())
      local insp = db:inspect()
      assert.same({ name = "pk_parent", constrained_columns = { "a", "b" } }, insp:get_pk_constraint("parent"))
      assert.same({ constrained_columns = { "id" } }, insp:get_pk_constraint("child"))
      assert.same({ {
        name = "fk_child_parent",
        constrained_columns = { "pa", "pb" },
        referred_table = "parent",
        referred_columns = { "a", "b" },
        options = { ondelete = "SET NULL" },
      } }, insp:get_foreign_keys("child"))
      assert.same({
        { column_names = { "pa", "qty" } },
        { name = "uq_child_code", column_names = { "code" } },
      }, sorted_by_name(insp:get_unique_constraints("child")))
      assert.same({ { name = "ck_child_qty", sqltext = "qty > 0" } }, insp:get_check_constraints("child"))
      assert.same({
        { name = "ix_child_pa_pb", column_names = { "pa", "pb" }, unique = false },
        { name = "ux_child_qty", column_names = { "qty" }, unique = true },
      }, sorted_by_name(insp:get_indexes("child")))

      -- the constraints hold
      db:execute("INSERT INTO parent (a, b) VALUES (1, 'x')")
      db:execute("INSERT INTO child (id, pa, pb, qty, code) VALUES (1, 1, 'x', 5, 'c1')")
      assert.equal("CHECK constraint failed: ck_child_qty [SQL: INSERT INTO child (id, qty) VALUES (2, 0)]",
        db:exec_error("INSERT INTO child (id, qty) VALUES (2, 0)"))
      assert.equal("UNIQUE constraint failed: child.code [SQL: INSERT INTO child (id, code) VALUES (3, 'c1')]",
        db:exec_error("INSERT INTO child (id, code) VALUES (3, 'c1')"))
      -- ON DELETE SET NULL, with SQLite's foreign keys switched on
      db:execute("PRAGMA foreign_keys = ON")
      db:execute("DELETE FROM parent")
      assert.same({ { 1, "NULL", "NULL" } }, db:values("SELECT id, pa, pb FROM child"))
    end)

    it("renders Computed columns, virtual and stored", function()
      db:apply([[
        op.create_table("computed",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("price", sa.Integer),
          sa.Column("doubled", sa.Integer, sa.Computed("price * 2")),
          sa.Column("stored", sa.Integer, sa.Computed(sa.text("price + 1"), { persisted = true })),
          sa.Column("virt", sa.Integer, sa.Computed("price - 1", { persisted = false })))
      ]])
      assert.equal([[
CREATE TABLE computed (
	id INTEGER NOT NULL, 
	price INTEGER, 
	doubled INTEGER GENERATED ALWAYS AS (price * 2), 
	stored INTEGER GENERATED ALWAYS AS (price + 1) STORED, 
	virt INTEGER GENERATED ALWAYS AS (price - 1) VIRTUAL, 
	PRIMARY KEY (id)
);
]], db:schema())
      db:execute("INSERT INTO computed (id, price) VALUES (1, 10)")
      assert.same({ { 20, 11, 9 } }, db:values("SELECT doubled, stored, virt FROM computed"))
      local cols = by_name(db:inspect():get_columns("computed"))
      assert.same({ sqltext = "price * 2", persisted = false }, cols.doubled.computed)
      assert.same({ sqltext = "price + 1", persisted = true }, cols.stored.computed)
      assert.is_nil(cols.price.computed)
    end)

    it("rejects an argument it does not know", function()
      assert.equal("op.create_table 'bad': unexpected argument #3 (number)",
        op_error(db:fail([[op.create_table("bad", sa.Column("id", sa.Integer), 42)]])))
      assert.equal("sa.Column 'x': unexpected argument #2 (string)",
        op_error(db:fail([[op.create_table("bad", sa.Column("x", "INTEGER"))]])))
      -- raised while half of the table is read: nothing leaks (ASan watches)
      assert.equal("server_default: expected a string, sa.text or sa.func, got table",
        op_error(db:fail([[op.create_table("bad", sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("x", sa.Integer, { comment = "c", server_default = {} }))]])))
      assert.equal("expected an sa type, got string",
        op_error(db:fail([[op.create_table("bad", sa.Column("x", { type = "INTEGER" }))]])))
      assert.equal("server_default: expected a string, sa.text or sa.func, got table",
        op_error(db:fail([[op.add_column("t", sa.Column("x", sa.Integer, { server_default = {} }))]])))
      assert.equal("server_default: expected a string, sa.text or sa.func, got table",
        op_error(db:fail([[op.alter_column("t", "x", { server_default = {} })]])))
      assert.is_false(db:inspect():has_table("bad"))
    end)

    it("reports an existing table with the statement", function()
      db:apply([[op.create_table("dup", sa.Column("id", sa.Integer))]])
      local msg = op_error(db:fail([[op.create_table("dup", sa.Column("id", sa.Integer))]]))
      assert.equal("table dup already exists [SQL: CREATE TABLE dup ( id INTEGER )]", msg)
    end)
  end)

  describe("drop_table and rename_table", function()
    before_each(function()
      db:apply([[
        op.create_table("things",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("name", sa.String(20), { index = true }))
        op.create_table("refs",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("thing_id", sa.Integer, sa.ForeignKey("things.id")))
        op.execute("INSERT INTO things (id, name) VALUES (1, 'one'), (2, 'two')")
        op.execute("INSERT INTO refs (id, thing_id) VALUES (10, 2)")
      ]])
    end)

    it("drops a table", function()
      db:apply([[op.drop_table("refs")]])
      assert.is_false(db:inspect():has_table("refs"))
      assert.is_true(db:inspect():has_table("things"))
    end)

    it("names a missing table", function()
      assert.equal("no such table: nope [SQL: DROP TABLE nope]", op_error(db:fail([[op.drop_table("nope")]])))
    end)

    it("renames a table with its rows, indexes and the foreign keys that point at it", function()
      db:apply([[op.rename_table("things", "items")]])
      local insp = db:inspect()
      assert.is_false(insp:has_table("things"))
      assert.same({ { 1, "one" }, { 2, "two" } }, db:values("SELECT id, name FROM items ORDER BY id"))
      assert.same({ { name = "ix_things_name", column_names = { "name" }, unique = false } },
        insp:get_indexes("items"))
      assert.equal("items", insp:get_foreign_keys("refs")[1].referred_table)
      assert_consistent(db)
    end)
  end)

  describe("add_column", function()
    before_each(function()
      db:apply([[
        op.create_table("parent", sa.Column("id", sa.Integer, { primary_key = true }))
        op.create_table("t",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("name", sa.String(10)))
        op.execute("INSERT INTO parent (id) VALUES (1), (2)")
        op.execute("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b')")
      ]])
    end)

    it("adds a nullable column with ALTER TABLE", function()
      db:apply([[op.add_column("t", sa.Column("note", sa.Text))]])
      -- SQLite writes the new column after the last one it has
      assert.equal("CREATE TABLE t (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10), note TEXT, \n\tPRIMARY KEY (id)\n)",
        db:sql_of("t"))
      assert.same({ { 1, "a", "NULL" }, { 2, "b", "NULL" } }, db:values("SELECT id, name, note FROM t ORDER BY id"))
    end)

    it("adds a NOT NULL column with a server default, filling the rows", function()
      db:apply([[
        op.add_column("t", sa.Column("status", sa.String(10), { nullable = false, server_default = "NEW" }))
        op.add_column("t", sa.Column("n", sa.Integer, { server_default = sa.text("7") }))
      ]])
      assert.equal("CREATE TABLE t (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10), "
        .. "status VARCHAR(10) DEFAULT 'NEW' NOT NULL, n INTEGER DEFAULT 7, \n\tPRIMARY KEY (id)\n)", db:sql_of("t"))
      assert.same({ { 1, "NEW", 7 }, { 2, "NEW", 7 } }, db:values("SELECT id, status, n FROM t ORDER BY id"))
      local status = column(db, "t", "status")
      assert.is_false(status.nullable)
      assert.equal("'NEW'", status.default)
    end)

    it("adds an indexed column and its index", function()
      db:apply([[op.add_column("t", sa.Column("code", sa.String(5), { index = true }))]])
      assert.same({ { name = "ix_t_code", column_names = { "code" }, unique = false } }, db:inspect():get_indexes("t"))
    end)

    it("adds a column with a foreign key by rebuilding the table, rows kept", function()
      db:apply([[op.add_column("t", sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", { ondelete = "CASCADE" })))]])
      assert.equal([[
CREATE TABLE t (
	id INTEGER NOT NULL, 
	name VARCHAR(10), 
	parent_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE CASCADE
)]], db:sql_of("t"):gsub('^CREATE TABLE "t"', "CREATE TABLE t"))
      assert.same({ {
        constrained_columns = { "parent_id" }, referred_table = "parent", referred_columns = { "id" },
        options = { ondelete = "CASCADE" },
      } }, db:inspect():get_foreign_keys("t"))
      assert.same({ { 1, "a", "NULL" }, { 2, "b", "NULL" } },
        db:values("SELECT id, name, parent_id FROM t ORDER BY id"))
      assert_consistent(db)
    end)

    it("adds a unique column by rebuilding the table", function()
      db:apply([[op.add_column("t", sa.Column("code", sa.String(5), { unique = true }))]])
      assert.same({ { column_names = { "code" } } }, db:inspect():get_unique_constraints("t"))
      assert.same({ { 1, "a" }, { 2, "b" } }, db:values("SELECT id, name FROM t ORDER BY id"))
    end)

    it("adds a NOT NULL column without default to an empty table", function()
      db:apply([[
        op.create_table("empty", sa.Column("id", sa.Integer, { primary_key = true }))
        op.add_column("empty", sa.Column("req", sa.String(5), { nullable = false }))
      ]])
      assert.is_false(column(db, "empty", "req").nullable)
    end)

    it("refuses a NOT NULL column without default when rows exist, and changes nothing", function()
      local msg = op_error(db:fail([[op.add_column("t", sa.Column("req", sa.String(5), { nullable = false }))]]))
      assert.matches("^NOT NULL constraint failed: _alembic_tmp_t%.req %[SQL: INSERT INTO _alembic_tmp_t ", msg)
      assert.is_nil(column(db, "t", "req"))
      assert.same({ { 1, "a" }, { 2, "b" } }, db:values("SELECT id, name FROM t ORDER BY id"))
      assert_consistent(db)
    end)
  end)

  describe("drop_column", function()
    before_each(function()
      db:apply([[
        op.create_table("parent", sa.Column("id", sa.Integer, { primary_key = true }))
        op.create_table("t",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("name", sa.String(10)),
          sa.Column("note", sa.Text),
          sa.Column("code", sa.String(5)),
          sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")))
        op.create_index("ix_t_code", "t", { "code" })
        op.create_index("ix_t_name_code", "t", { "name", "code" })
        op.create_index("ix_t_name", "t", { "name" })
        op.execute("INSERT INTO parent (id) VALUES (1)")
        op.execute("INSERT INTO t (id, name, note, code, parent_id) VALUES (1, 'a', 'n1', 'c1', 1), (2, 'b', NULL, 'c2', NULL)")
      ]])
    end)

    it("drops a plain column with ALTER TABLE", function()
      db:apply([[op.drop_column("t", "note")]])
      -- SQLite edits the statement in place: the table was not rebuilt
      assert.matches('^CREATE TABLE t %(', db:sql_of("t"))
      assert.is_nil(column(db, "t", "note"))
      assert.same({ { 1, "a", "c1", 1 }, { 2, "b", "c2", "NULL" } },
        db:values("SELECT id, name, code, parent_id FROM t ORDER BY id"))
      assert.equal(3, #db:inspect():get_indexes("t"))
    end)

    it("drops an indexed column by rebuilding the table: its indexes go, the others stay", function()
      db:apply([[op.drop_column("t", "code")]])
      assert.equal([[
CREATE TABLE "t" (
	id INTEGER NOT NULL, 
	name VARCHAR(10), 
	note TEXT, 
	parent_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(parent_id) REFERENCES parent (id)
)]], db:sql_of("t"))
      assert.same({ { name = "ix_t_name", column_names = { "name" }, unique = false } }, db:inspect():get_indexes("t"))
      assert.same({ { 1, "a", "n1", 1 }, { 2, "b", "NULL", "NULL" } },
        db:values("SELECT id, name, note, parent_id FROM t ORDER BY id"))
      assert_consistent(db)
    end)

    it("drops a column with a foreign key by rebuilding the table", function()
      db:apply([[op.drop_column("t", "parent_id")]])
      assert.same({}, db:inspect():get_foreign_keys("t"))
      assert.is_nil(column(db, "t", "parent_id"))
      assert.same({ { 1, "a", "n1", "c1" }, { 2, "b", "NULL", "c2" } },
        db:values("SELECT id, name, note, code FROM t ORDER BY id"))
      assert.equal(3, #db:inspect():get_indexes("t"))
      assert_consistent(db)
    end)

    it("names a missing column", function()
      assert.equal("no column 'nope' on table 't'", op_error(db:fail([[op.drop_column("t", "nope")]])))
    end)

    it("adds the column back on downgrade", function()
      db:apply([[op.drop_column("t", "note")]], [[op.add_column("t", sa.Column("note", sa.Text))]])
      db:downgrade("r001")
      assert.equal("TEXT", column(db, "t", "note").type)
    end)
  end)

  describe("alter_column", function()
    before_each(function()
      db:apply([[
        op.create_table("t",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("name", sa.String(10)),
          sa.Column("qty", sa.Integer),
          sa.Column("status", sa.String(10)))
        op.create_index("ix_t_name", "t", { "name" })
        op.create_table("other",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("t_id", sa.Integer, sa.ForeignKey("t.id")))
        op.execute("INSERT INTO t (id, name, qty, status) VALUES (1, 'a', 5, 'ok'), (2, 'b', 7, NULL)")
        op.execute("INSERT INTO other (id, t_id) VALUES (100, 2)")
      ]])
    end)

    local function rows()
      return db:values("SELECT * FROM t ORDER BY id")
    end

    it("makes a column NOT NULL and nullable again, rows kept", function()
      db:apply([[op.alter_column("t", "qty", { existing_type = sa.Integer, nullable = false })]])
      assert.is_false(column(db, "t", "qty").nullable)
      assert.same({ { 1, "a", 5, "ok" }, { 2, "b", 7, "NULL" } }, rows())
      assert.matches("^NOT NULL constraint failed: t%.qty",
        db:exec_error("INSERT INTO t (id) VALUES (3)"))
      db:apply([[op.alter_column("t", "qty", { existing_type = sa.Integer, nullable = true })]])
      assert.is_true(column(db, "t", "qty").nullable)
      db:execute("INSERT INTO t (id) VALUES (3)")
      assert_consistent(db)
    end)

    it("refuses NOT NULL over NULL rows and changes nothing", function()
      local msg = op_error(db:fail([[op.alter_column("t", "status", { nullable = false })]]))
      assert.matches("^NOT NULL constraint failed: _alembic_tmp_t%.status", msg)
      assert.is_true(column(db, "t", "status").nullable)
      assert.same({ { 1, "a", 5, "ok" }, { 2, "b", 7, "NULL" } }, rows())
      assert_consistent(db)
    end)

    it("changes a type, casting the values when the family changes", function()
      db:apply([[
        op.alter_column("t", "name", { type_ = sa.String(100), existing_type = sa.String(10) })
        op.alter_column("t", "qty", { type_ = sa.String(20) })
      ]])
      assert.equal("VARCHAR(100)", column(db, "t", "name").type)
      assert.equal("VARCHAR(20)", column(db, "t", "qty").type)
      assert.same({ { 1, "a", "5", "ok" }, { 2, "b", "7", "NULL" } }, rows())
      assert.same({ { "text" }, { "text" } }, db:values("SELECT typeof(qty) FROM t ORDER BY id"))
      db:apply([[op.alter_column("t", "qty", { type_ = sa.BigInteger })]])
      assert.equal("BIGINT", column(db, "t", "qty").type)
      assert.same({ { "integer" }, { "integer" } }, db:values("SELECT typeof(qty) FROM t ORDER BY id"))
    end)

    it("sets a server default and drops it", function()
      db:apply([[op.alter_column("t", "status", { server_default = "NEW" })]])
      assert.equal("'NEW'", column(db, "t", "status").default)
      db:execute("INSERT INTO t (id) VALUES (3)")
      assert.equal("NEW", db:query("SELECT status FROM t WHERE id = 3")[1].status)
      db:apply([[op.alter_column("t", "qty", { server_default = sa.text("42") })]])
      assert.equal("42", column(db, "t", "qty").default)
      db:apply([[op.alter_column("t", "status", { server_default = false })]])
      assert.is_nil(column(db, "t", "status").default)
      assert.equal("42", column(db, "t", "qty").default)
      db:execute("INSERT INTO t (id) VALUES (4)")
      assert.same({ { "NULL", 42 } }, db:values("SELECT status, qty FROM t WHERE id = 4"))
      assert.same({ { 1, "a", 5, "ok" }, { 2, "b", 7, "NULL" }, { 3, "NULL", "NULL", "NEW" }, { 4, "NULL", 42, "NULL" } },
        rows())
    end)

    it("sets sa.func.now() as a default", function()
      db:apply([[op.alter_column("t", "status", { server_default = sa.func.now() })]])
      assert.matches("status VARCHAR%(10%) DEFAULT %(CURRENT_TIMESTAMP%),", db:sql_of("t"))
    end)

    it("renames a column; its index and the foreign keys that name it follow", function()
      db:apply([[op.alter_column("t", "name", { new_column_name = "title" })]])
      assert.equal("CREATE TABLE t (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(10), \n\tqty INTEGER, "
        .. "\n\tstatus VARCHAR(10), \n\tPRIMARY KEY (id)\n)", db:sql_of("t"))
      assert.same({ { name = "ix_t_name", column_names = { "title" }, unique = false } }, db:inspect():get_indexes("t"))
      assert.same({ { 1, "a" }, { 2, "b" } }, db:values("SELECT id, title FROM t ORDER BY id"))
      db:apply([[op.alter_column("t", "id", { new_column_name = "tid" })]])
      assert.same({ "tid" }, db:inspect():get_foreign_keys("other")[1].referred_columns)
      assert_consistent(db)
    end)

    it("does several changes at once", function()
      db:execute("UPDATE t SET status = 'x' WHERE status IS NULL")
      db:apply([[
        op.alter_column("t", "status", {
          new_column_name = "state",
          type_ = sa.String(32),
          existing_type = sa.String(10),
          nullable = false,
          server_default = "unknown",
        })
      ]])
      local state = column(db, "t", "state")
      assert.same({ "VARCHAR(32)", false, "'unknown'" }, { state.type, state.nullable, state.default })
      assert.is_nil(column(db, "t", "status"))
    end)

    it("does several changes at once over rows that need them in order", function()
      db:execute("UPDATE t SET status = 'x' WHERE status IS NULL")
      db:apply([[
        op.alter_column("t", "status", {
          new_column_name = "state",
          type_ = sa.String(32),
          nullable = false,
          server_default = "unknown",
        })
      ]])
      assert.same({ { 1, "a", 5, "ok" }, { 2, "b", 7, "x" } }, rows())
      assert.same({ { name = "ix_t_name", column_names = { "name" }, unique = false } }, db:inspect():get_indexes("t"))
      assert.same({ "t" }, { db:inspect():get_foreign_keys("other")[1].referred_table })
      assert_consistent(db)
    end)

    it("names a missing column", function()
      assert.equal("no column 'nope' on table 't'",
        op_error(db:fail([[op.alter_column("t", "nope", { nullable = false })]])))
    end)
  end)

  describe("indexes", function()
    before_each(function()
      db:apply([[
        op.create_table("t",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("a", sa.String(10)),
          sa.Column("b", sa.Integer))
        op.execute("INSERT INTO t (id, a, b) VALUES (1, 'x', 1), (2, 'x', 2)")
      ]])
    end)

    it("creates plain, unique, multi-column and expression indexes, and drops them", function()
      db:apply([[
        op.create_index("ix_t_a", "t", { "a" })
        op.create_index("ux_t_a_b", "t", { "a", "b" }, { unique = true })
        op.create_index("ix_t_lower_a", "t", { sa.text("lower(a)") })
        op.create_index("ix_t_b", "t", "b")
      ]])
      assert.equal([[
CREATE TABLE t (
	id INTEGER NOT NULL, 
	a VARCHAR(10), 
	b INTEGER, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_t_a ON t (a);
CREATE UNIQUE INDEX ux_t_a_b ON t (a, b);
CREATE INDEX ix_t_lower_a ON t (lower(a));
CREATE INDEX ix_t_b ON t (b);
]], db:schema())
      -- an expression index lists its expression where a column name would be
      assert.same({
        { name = "ix_t_a", column_names = { "a" }, unique = false },
        { name = "ix_t_b", column_names = { "b" }, unique = false },
        { name = "ix_t_lower_a", column_names = { "lower(a)" }, unique = false },
        { name = "ux_t_a_b", column_names = { "a", "b" }, unique = true },
      }, sorted_by_name(db:inspect():get_indexes("t")))
      assert.equal("UNIQUE constraint failed: t.a, t.b [SQL: INSERT INTO t (id, a, b) VALUES (3, 'x', 2)]",
        db:exec_error("INSERT INTO t (id, a, b) VALUES (3, 'x', 2)"))

      db:apply([[
        op.drop_index("ux_t_a_b", { table_name = "t" })
        op.drop_index("ix_t_a", "t")
        op.drop_index("ix_t_lower_a")
        op.drop_index("ix_t_b")
      ]])
      assert.same({}, db:inspect():get_indexes("t"))
      db:execute("INSERT INTO t (id, a, b) VALUES (3, 'x', 2)")
    end)

    it("refuses a unique index over duplicate rows", function()
      assert.equal("UNIQUE constraint failed: t.a [SQL: CREATE UNIQUE INDEX ux_t_a ON t (a)]",
        op_error(db:fail([[op.create_index("ux_t_a", "t", { "a" }, { unique = true })]])))
      assert.same({}, db:inspect():get_indexes("t"))
    end)

    it("names a missing index", function()
      assert.equal("no such index: nope [SQL: DROP INDEX nope]", op_error(db:fail([[op.drop_index("nope")]])))
    end)
  end)

  describe("constraints", function()
    before_each(function()
      db:apply([[
        op.create_table("parent",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("code", sa.String(10)))
        op.create_table("child",
          sa.Column("id", sa.Integer, { nullable = false }),
          sa.Column("parent_id", sa.Integer),
          sa.Column("qty", sa.Integer))
        op.create_index("ix_child_qty", "child", { "qty" })
        op.execute("INSERT INTO parent (id, code) VALUES (1, 'a'), (2, 'b')")
        op.execute("INSERT INTO child (id, parent_id, qty) VALUES (10, 1, 5), (11, 2, 6), (12, 2, 7)")
      ]])
    end)

    local function child_rows()
      return db:values("SELECT id, parent_id, qty FROM child ORDER BY id")
    end
    local kept = { { 10, 1, 5 }, { 11, 2, 6 }, { 12, 2, 7 } }

    it("creates a unique constraint", function()
      db:apply([[op.create_unique_constraint("uq_parent_code", "parent", { "code" })]])
      assert.same({ { name = "uq_parent_code", column_names = { "code" } } },
        db:inspect():get_unique_constraints("parent"))
      assert.same({ { 1, "a" }, { 2, "b" } }, db:values("SELECT id, code FROM parent ORDER BY id"))
      assert.equal("UNIQUE constraint failed: parent.code [SQL: INSERT INTO parent (id, code) VALUES (3, 'a')]",
        db:exec_error("INSERT INTO parent (id, code) VALUES (3, 'a')"))
      assert_consistent(db)
    end)

    it("creates a primary key", function()
      db:apply([[op.create_primary_key("pk_child", "child", { "id" })]])
      assert.same({ name = "pk_child", constrained_columns = { "id" } }, db:inspect():get_pk_constraint("child"))
      assert.same(kept, child_rows())
      assert.same({ { name = "ix_child_qty", column_names = { "qty" }, unique = false } },
        db:inspect():get_indexes("child"))
      assert.matches("^UNIQUE constraint failed: child%.id",
        db:exec_error("INSERT INTO child (id) VALUES (10)"))
    end)

    it("creates a foreign key with ondelete", function()
      db:apply([[op.create_foreign_key("fk_child_parent", "child", "parent", { "parent_id" }, { "id" },
                                        { ondelete = "CASCADE" })]])
      assert.same({ {
        name = "fk_child_parent",
        constrained_columns = { "parent_id" },
        referred_table = "parent",
        referred_columns = { "id" },
        options = { ondelete = "CASCADE" },
      } }, db:inspect():get_foreign_keys("child"))
      assert.matches("CONSTRAINT fk_child_parent FOREIGN KEY%(parent_id%) REFERENCES parent %(id%) ON DELETE CASCADE\n%)$",
        db:sql_of("child"))
      assert.same(kept, child_rows())
      assert_consistent(db)
      db:execute("PRAGMA foreign_keys = ON")
      db:execute("DELETE FROM parent WHERE id = 2")
      assert.same({ { 10, 1, 5 } }, child_rows())
    end)

    it("creates a check constraint that later rows must meet", function()
      db:apply([[op.create_check_constraint("ck_child_qty", "child", "qty > 0")]])
      assert.same({ { name = "ck_child_qty", sqltext = "qty > 0" } }, db:inspect():get_check_constraints("child"))
      assert.same(kept, child_rows())
      assert.equal("CHECK constraint failed: ck_child_qty [SQL: INSERT INTO child (id, qty) VALUES (13, -1)]",
        db:exec_error("INSERT INTO child (id, qty) VALUES (13, -1)"))
      db:apply([[op.create_check_constraint("ck_child_small", "child", sa.text("qty < 100"))]])
      assert.equal(2, #db:inspect():get_check_constraints("child"))
    end)

    it("refuses a check constraint that a row breaks, and changes nothing", function()
      local msg = op_error(db:fail([[op.create_check_constraint("ck_child_big", "child", "qty > 5")]]))
      assert.matches("^CHECK constraint failed: ck_child_big %[SQL: INSERT INTO _alembic_tmp_child ", msg)
      assert.same({}, db:inspect():get_check_constraints("child"))
      assert.same(kept, child_rows())
      assert_consistent(db)
    end)

    describe("drop_constraint", function()
      before_each(function()
        db:apply([[
          op.create_foreign_key("fk_child_parent", "child", "parent", { "parent_id" }, { "id" })
          op.create_unique_constraint("uq_child_qty", "child", { "qty" })
          op.create_check_constraint("ck_child_qty", "child", "qty > 0")
          op.create_primary_key("pk_child", "child", { "id" })
        ]])
      end)

      it("drops each type, keeping rows, indexes and the others", function()
        db:apply([[op.drop_constraint("fk_child_parent", "child", { type_ = "foreignkey" })]])
        local insp = db:inspect()
        assert.same({}, insp:get_foreign_keys("child"))
        assert.equal(1, #insp:get_unique_constraints("child"))
        assert.equal(1, #insp:get_check_constraints("child"))
        assert.equal("pk_child", insp:get_pk_constraint("child").name)

        db:apply([[op.drop_constraint("uq_child_qty", "child", { type_ = "unique" })]])
        assert.same({}, insp:get_unique_constraints("child"))
        db:apply([[op.drop_constraint("ck_child_qty", "child", "check")]])
        assert.same({}, insp:get_check_constraints("child"))
        db:apply([[op.drop_constraint("pk_child", "child", { type_ = "primary" })]])
        assert.same({ constrained_columns = {} }, insp:get_pk_constraint("child"))

        assert.same(kept, child_rows())
        assert.same({ { name = "ix_child_qty", column_names = { "qty" }, unique = false } },
          insp:get_indexes("child"))
        db:execute("INSERT INTO child (id, parent_id, qty) VALUES (10, 99, -5)")
        assert.equal([[
CREATE TABLE "child" (
	id INTEGER NOT NULL, 
	parent_id INTEGER, 
	qty INTEGER
)]], db:sql_of("child"))
      end)

      it("drops a constraint without a type", function()
        db:apply([[op.drop_constraint("uq_child_qty", "child")]])
        assert.same({}, db:inspect():get_unique_constraints("child"))
      end)

      it("names an unknown constraint", function()
        assert.equal("no constraint 'nope' on table 'child'",
          op_error(db:fail([[op.drop_constraint("nope", "child", { type_ = "unique" })]])))
      end)

      it("names a constraint of another type", function()
        assert.equal("constraint 'uq_child_qty' on table 'child' has type 'unique', not 'check'",
          op_error(db:fail([[op.drop_constraint("uq_child_qty", "child", { type_ = "check" })]])))
        assert.equal(1, #db:inspect():get_unique_constraints("child"))
      end)

      it("refuses an unknown type", function()
        assert.equal("op.drop_constraint: unknown type_ 'bogus' (foreignkey, unique, primary or check)",
          op_error(db:fail([[op.drop_constraint("uq_child_qty", "child", { type_ = "bogus" })]])))
      end)
    end)
  end)

  describe("execute and bulk_insert", function()
    before_each(function()
      db:apply([[
        op.create_table("kv",
          sa.Column("k", sa.String(10), { primary_key = true }),
          sa.Column("v", sa.String(20)),
          sa.Column("n", sa.Integer),
          sa.Column("flag", sa.Boolean))
      ]])
    end)

    it("runs SQL with and without bound parameters", function()
      db:apply([[
        op.execute("INSERT INTO kv (k, v) VALUES ('plain', 'x')")
        op.execute("INSERT INTO kv (k, v, n, flag) VALUES (:k, :v, :n, :flag)",
                   { k = "bound", v = "it's", n = 3, flag = true })
        op.execute(sa.text("INSERT INTO kv (k, v, n) VALUES (:k, :v, :n)"), { k = "text", v = sa.null, n = 1.5 })
        op.execute(sa.text("UPDATE kv SET n = n + 1 WHERE k = 'bound'"))
      ]])
      assert.same({ { "bound", "it's", 4, 1 }, { "plain", "x", "NULL", "NULL" }, { "text", "NULL", 1.5, "NULL" } },
        db:values("SELECT k, v, n, flag FROM kv ORDER BY k"))
    end)

    it("names a missing parameter", function()
      assert.equal("no value for bind parameter 'v'",
        op_error(db:fail([[op.execute("INSERT INTO kv (k, v) VALUES (:k, :v)", { k = "x" })]])))
      assert.same({}, db:values("SELECT * FROM kv"))
    end)

    it("reports a failing statement with the SQL", function()
      assert.equal("no such column: nope [SQL: UPDATE kv SET nope = 1]",
        op_error(db:fail([[op.execute("UPDATE kv SET nope = 1")]])))
    end)

    it("inserts rows into the table op.create_table returned", function()
      db:apply([[
        local t = op.create_table("made",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("name", sa.String(10)),
          sa.Column("status", sa.String(10), { server_default = "NEW" }))
        op.bulk_insert(t, {
          { id = 1, name = "one" },
          { id = 2, name = "two", status = "OLD" },
          { id = 3, name = sa.null },
        })
      ]])
      assert.same({ { 1, "one", "NEW" }, { 2, "two", "OLD" }, { 3, "NULL", "NEW" } },
        db:values("SELECT id, name, status FROM made ORDER BY id"))
    end)

    it("inserts rows into an sa.table and a table named by string", function()
      db:apply([[
        local kv = sa.table("kv", sa.column("k", sa.String), sa.column("v", sa.String), sa.column("flag", sa.Boolean))
        op.bulk_insert(kv, { { k = "a", v = "1", flag = false }, { k = "b", v = "2", flag = true } })
        op.bulk_insert("kv", { { k = "c", n = 3 } })
        op.bulk_insert(kv, {})
      ]])
      assert.same({ { "a", "1", "NULL", 0 }, { "b", "2", "NULL", 1 }, { "c", "NULL", 3, "NULL" } },
        db:values("SELECT k, v, n, flag FROM kv ORDER BY k"))
    end)

    it("fails the revision when a row breaks a constraint", function()
      local msg = op_error(db:fail([[op.bulk_insert("kv", { { k = "a" }, { k = "a" } })]]))
      assert.equal("UNIQUE constraint failed: kv.k [SQL: INSERT INTO kv (k) VALUES (?)]", msg)
      assert.same({}, db:values("SELECT * FROM kv"))
    end)
  end)

  describe("inside a revision", function()
    before_each(function()
      db:apply([[
        op.create_table("notes", sa.Column("k", sa.String(20)), sa.Column("v", sa.Text))
        op.execute("INSERT INTO notes (k, v) VALUES ('first', 'one')")
      ]])
    end)

    local function notes()
      local out = {}
      for _, row in ipairs(db:query("SELECT k, v FROM notes")) do out[row.k] = row.v end
      return out
    end

    it("gives a bind with the dialect name that runs queries returning rows", function()
      db:apply([[
        local bind = op.get_bind()
        op.execute("INSERT INTO notes (k, v) VALUES ('dialect', :v)", { v = bind.dialect.name })
        op.execute("INSERT INTO notes (k, v) VALUES ('engine', :v)", { v = bind.engine.name })
        local rows = bind:execute("SELECT k, v FROM notes WHERE k = :k", { k = "first" })
        op.execute("INSERT INTO notes (k, v) VALUES ('read', :v)",
                   { v = #rows .. ":" .. rows[1].k .. "=" .. rows[1][2] })
        local none = bind:execute(sa.text("SELECT v FROM notes WHERE k = 'missing'"))
        op.execute("INSERT INTO notes (k, v) VALUES ('none', :v)", { v = tostring(#none) })
        bind:execute("UPDATE notes SET v = 'updated' WHERE k = 'first'")
      ]])
      local n = notes()
      assert.same({ "sqlite", "sqlite", "1:first=one", "0", "updated" },
        { n.dialect, n.engine, n.read, n.none, n.first })
    end)

    it("is online", function()
      db:apply([[op.execute("INSERT INTO notes (k, v) VALUES ('offline', :v)", { v = tostring(op.is_offline()) })]])
      assert.equal("false", notes().offline)
    end)

    it("gives an inspector of the live schema, also through sa.inspect(bind)", function()
      db:apply([[
        op.create_table("later", sa.Column("id", sa.Integer, { primary_key = true }), sa.Column("x", sa.Text))
        local insp = op.get_inspector()
        op.execute("INSERT INTO notes (k, v) VALUES ('tables', :v)",
                   { v = table.concat(insp:get_table_names(), ",") })
        local cols = {}
        for _, c in ipairs(sa.inspect(op.get_bind()):get_columns("later")) do
          cols[#cols + 1] = c.name .. " " .. c.type
        end
        op.execute("INSERT INTO notes (k, v) VALUES ('columns', :v)", { v = table.concat(cols, ",") })
        op.execute("INSERT INTO notes (k, v) VALUES ('has', :v)", { v = tostring(insp:has_table("nope")) })
      ]])
      local n = notes()
      assert.equal("alembic_version,later,notes", n.tables)
      assert.equal("id INTEGER,x TEXT", n.columns)
      assert.equal("false", n.has)
    end)

    it("sends print() to the log", function()
      db:apply([[print("rows:", 1, nil, { } ~= nil)]])
      assert.equal("rows:\t1\tnil\ttrue", db.log[#db.log])
    end)

    it("refuses op calls outside a running revision", function()
      local dir = H.scripts_dir({
        x1 = "local t = op.create_table('early', sa.Column('id', sa.Integer))\nreturn { revision = 'x1', upgrade = function() end }\n",
      })
      local ok, err = pcall(dbm.scripts, dir)
      assert.is_false(ok)
      assert.matches("versions/x1%.lua:1: op%.create_table called outside a migration$", err)
    end)
  end)

  describe("a table rebuild", function()
    before_each(function()
      db:apply([[
        op.create_table("parent",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("code", sa.String(10), { nullable = false }),
          sa.Column("name", sa.String(20)),
          sa.Column("created", sa.DateTime, { server_default = sa.func.now() }),
          sa.Column("n", sa.Integer, { server_default = sa.text("(1 + 1)") }),
          sa.UniqueConstraint("code", { name = "uq_parent_code" }),
          sa.CheckConstraint("length(code) > 0", { name = "ck_parent_code" }))
        op.create_index("ix_parent_name", "parent", { "name" })
        op.create_index("ix_parent_name_code", "parent", { "name", "code" }, { unique = true })
        op.create_index("ix_parent_lower", "parent", { sa.text("lower(name)") })
        op.create_table("child",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", { ondelete = "CASCADE" })))
        op.create_table("grandchild",
          sa.Column("id", sa.Integer, { primary_key = true }),
          sa.Column("parent_code", sa.String(10)),
          sa.ForeignKeyConstraint({ "parent_code" }, { "parent.code" }, { name = "fk_gc_code" }))
        op.execute("INSERT INTO parent (id, code, name, created) VALUES (1, 'a', 'Alpha', '2020-01-01 00:00:00'), (2, 'b', NULL, '2021-01-01 00:00:00')")
        op.execute("INSERT INTO child (id, parent_id) VALUES (10, 1), (11, 2), (12, NULL)")
        op.execute("INSERT INTO grandchild (id, parent_code) VALUES (100, 'b')")
      ]])
    end)

    local function snapshot()
      local insp = db:inspect()
      return {
        parent = db:values("SELECT * FROM parent ORDER BY id"),
        child = db:values("SELECT * FROM child ORDER BY id"),
        grandchild = db:values("SELECT * FROM grandchild ORDER BY id"),
        indexes = sorted_by_name(insp:get_indexes("parent")),
        child_fks = insp:get_foreign_keys("child"),
        grandchild_fks = insp:get_foreign_keys("grandchild"),
        uniques = insp:get_unique_constraints("parent"),
        checks = insp:get_check_constraints("parent"),
        pk = insp:get_pk_constraint("parent"),
        defaults = {
          column(db, "parent", "created").default,
          column(db, "parent", "n").default,
        },
      }
    end

    it("keeps rows, indexes, constraints, defaults and the foreign keys that point at it", function()
      local before = snapshot()
      assert.equal(3, #before.indexes)
      db:apply([[op.alter_column("parent", "name", { type_ = sa.String(100) })]])
      assert.equal("VARCHAR(100)", column(db, "parent", "name").type)
      assert.same(before, snapshot())
      assert_consistent(db)
      -- the rebuilt table still works with what points at it
      db:execute("PRAGMA foreign_keys = ON")
      db:execute("INSERT INTO parent (id, code) VALUES (3, 'c')")
      assert.equal(2, db:query("SELECT n FROM parent WHERE id = 3")[1].n)
      db:execute("DELETE FROM parent WHERE id = 1")
      assert.same({ { 11, 2 }, { 12, "NULL" } }, db:values("SELECT * FROM child ORDER BY id"))
      assert.matches("^FOREIGN KEY constraint failed",
        db:exec_error("INSERT INTO child (id, parent_id) VALUES (13, 99)"))
    end)

    it("keeps everything through several rebuilds in one revision", function()
      local before = snapshot()
      db:apply([[
        op.add_column("parent", sa.Column("extra", sa.Integer, sa.ForeignKey("parent.id")))
        op.drop_column("parent", "extra")
        op.create_check_constraint("ck_parent_n", "parent", "n > 0")
        op.drop_constraint("ck_parent_n", "parent", { type_ = "check" })
      ]])
      assert.same(before, snapshot())
      assert_consistent(db)
    end)

    it("is refused while SQLite enforces foreign keys, and nothing changes", function()
      db:execute("PRAGMA foreign_keys = ON")
      local before = snapshot()
      assert.equal("cannot rebuild table 'parent' while PRAGMA foreign_keys is on: dropping it would delete "
        .. "the rows that refer to it",
        op_error(db:fail([[op.alter_column("parent", "name", { nullable = false })]])))
      assert.same(before, snapshot())
    end)

    it("goes back down with the same care", function()
      local before = snapshot()
      db:apply([[op.alter_column("parent", "name", { type_ = sa.Text, server_default = "x" })]],
               [[op.alter_column("parent", "name", { type_ = sa.String(20), server_default = false })]])
      local name = column(db, "parent", "name")
      assert.same({ "TEXT", "'x'" }, { name.type, name.default })
      assert.same({ { "Alpha" }, { "NULL" } }, db:values("SELECT name FROM parent ORDER BY id"))
      db:downgrade("r001")
      assert.same(before, snapshot())
      assert_consistent(db)
    end)
  end)
end)
