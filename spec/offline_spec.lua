--[[
Offline SQL (--sql), end to end through the CLI:

* the script's format on each dialect (BEGIN/COMMIT per revision or per
  run, the version table's DDL and its INSERT/UPDATE/DELETE, the comments),
  each case checked against what Alembic 1.8.1 writes for the same chain;
* the shipped Tacker chain against Alembic's own offline output
  (spec/fixtures/reference/offline, one range per `-- ==== RANGE` header),
  statement by statement; and the whole chain on every dialect;
* online-only calls (queries that read rows, the inspector) and the
  SQLite catalog that table rebuilds and the inspector read offline;
* equivalence: the script of the whole chain, and of k:head on top of a
  database at k, applied with the database's own client (psql, mariadb,
  sqlite3), gives the schema an online run gives, and the reference's.

The PostgreSQL and MariaDB servers come from scripts/testdb (DBM_PG_URL,
DBM_MYSQL_URL); a missing server fails the spec.
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

local MIGRATION = "INFO  [alembic.runtime.migration] "
local ERROR = "ERROR [tacker_db_manage] "
local DIALECTS = { "postgresql", "mysql", "sqlite" }
local IMPL = { postgresql = "PostgresqlImpl", mysql = "MySQLImpl", sqlite = "SQLiteImpl" }

-- ---- building expected scripts ----

-- A statement and a comment as the script writes them.
local function S(sql) return sql .. ";\n\n" end
local function C(text) return "-- " .. text .. "\n\n" end

local BEGIN, COMMIT = S("BEGIN"), S("COMMIT")
local VERSION_DDL = S("CREATE TABLE alembic_version (\n"
  .. "    version_num VARCHAR(32) NOT NULL, \n"
  .. "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)")
local DROP_VERSION = S("DROP TABLE alembic_version")

local function INSERT(dialect, rev)
  return S("INSERT INTO alembic_version (version_num) VALUES ('" .. rev .. "')"
    .. (dialect == "postgresql" and " RETURNING alembic_version.version_num" or ""))
end

local function UPDATE(from, to)
  return S("UPDATE alembic_version SET version_num='" .. to
    .. "' WHERE alembic_version.version_num = '" .. from .. "'")
end

local function DELETE(rev)
  return S("DELETE FROM alembic_version WHERE alembic_version.version_num = '" .. rev .. "'")
end

-- The statements of chain3's revisions per dialect (an Integer primary key
-- is SERIAL on PostgreSQL and AUTO_INCREMENT on MySQL).
local ID = {
  postgresql = "id SERIAL NOT NULL",
  mysql = "id INTEGER NOT NULL AUTO_INCREMENT",
  sqlite = "id INTEGER NOT NULL",
}
local function CREATE(dialect, name)
  return S("CREATE TABLE " .. name .. " (\n    " .. ID[dialect] .. ", \n    PRIMARY KEY (id)\n)")
end
local ADD_BAR = S("ALTER TABLE foo ADD COLUMN bar VARCHAR(20)")
local DROP_BAR = S("ALTER TABLE foo DROP COLUMN bar")

-- aa01 creates foo, bb02 adds foo.bar, cc03 creates baz; all can go down.
local function chain3()
  return H.scripts_dir({
    a1 = H.rev { "aa01", message = "create foo",
      up = [[op.create_table("foo", sa.Column("id", sa.Integer, { primary_key = true }))]],
      down_fn = [[op.drop_table("foo")]] },
    b2 = H.rev { "bb02", down = "aa01", message = "add bar",
      up = [[op.add_column("foo", sa.Column("bar", sa.String(20)))]],
      down_fn = [[op.drop_column("foo", "bar")]] },
    c3 = H.rev { "cc03", down = "bb02", message = "create baz",
      up = [[op.create_table("baz", sa.Column("id", sa.Integer, { primary_key = true }))]],
      down_fn = [[op.drop_table("baz")]] },
  }, { head = "cc03" })
end

-- ---- running the CLI ----

--[[
The CLI offline on a script directory: offline(dir, "postgresql", {"upgrade",
"head"}, {config = "...ini text...", args = {...global}}) -> H.run's result.
dialect nil: no --database-engine.
]]
local function offline(dir, dialect, args, opts)
  opts = opts or {}
  local full = { "--script-location", dir }
  if dialect then
    full[#full + 1] = "--database-engine"
    full[#full + 1] = dialect
  end
  if opts.config then
    local conf = H.tmpdir() .. "/tacker.conf"
    H.write(conf, opts.config)
    full[#full + 1] = "--config-file"
    full[#full + 1] = conf
  end
  for _, a in ipairs(opts.args or {}) do full[#full + 1] = a end
  for _, a in ipairs(args) do full[#full + 1] = a end
  full[#full + 1] = "--sql"
  return H.run(full, { cwd = opts.cwd or H.tmpdir() })
end

local function assert_ok(r)
  if r.code ~= 0 then
    error("exit " .. r.code .. "\nstderr:\n" .. r.stderr, 2)
  end
end

-- The script's stdout of a run that must succeed.
local function script(dir, dialect, args, opts)
  local r = offline(dir, dialect, args, opts)
  assert_ok(r)
  return r.stdout
end

--[[
The entries of a script, in order: each statement (without its ";") and
each "-- comment" line. Statements end with ";\n\n", comments with "\n\n".
]]
local function entries(text)
  local out, at = {}, 1
  while at <= #text do
    if text:sub(at, at + 2) == "-- " then
      local e = assert(text:find("\n\n", at, true), "unterminated comment")
      out[#out + 1] = text:sub(at, e - 1)
      at = e + 2
    else
      local e = text:find(";\n\n", at, true)
      assert(e, "unterminated statement at byte " .. at .. ": " .. text:sub(at, at + 80))
      out[#out + 1] = text:sub(at, e - 1)
      at = e + 3
    end
  end
  return out
end

-- The entries less BEGIN and COMMIT.
local function without_tx(list)
  local out = {}
  for _, e in ipairs(list) do
    if e ~= "BEGIN" and e ~= "COMMIT" then out[#out + 1] = e end
  end
  return out
end

-- Compare two entry lists one by one, failing on the first difference.
local function assert_entries(expected, actual, what)
  for i = 1, math.max(#expected, #actual) do
    if expected[i] ~= actual[i] then
      error(("%s: entry %d of %d/%d differs\nexpected:\n%s\nactual:\n%s"):format(
        what, i, #expected, #actual, tostring(expected[i]), tostring(actual[i])), 2)
    end
  end
end

local function count(text, plain)
  local n, at = 0, 1
  while true do
    local s, e = text:find(plain, at, true)
    if not s then return n end
    n, at = n + 1, e + 1
  end
end

-- ---- the Tacker chain ----

local CHAIN = T.chain()
local HEAD = CHAIN[#CHAIN].rev
local POS = {}
for i, e in ipairs(CHAIN) do POS[e.rev] = i end

-- The shipped chain offline for a dialect, as a string.
local function tacker_script(dialect, range, extra)
  local args = { "upgrade", range }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  return script(H.migrations, dialect, args)
end

--[[
Alembic's offline scripts of the chain, one per `-- ==== RANGE a-b (s:e)`
header: { {range = "s:e", text = ...}, ... }. SKIPPED lines end a range.
]]
local function reference_ranges(dialect)
  local text = H.read(T.reference .. "/offline/" .. dialect .. ".sql")
  local ranges, cur = {}, nil
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local range = line:match("^%-%- ==== RANGE %S+%s+%((%S+)%)$")
    if range then
      cur = { range = range, lines = {} }
      ranges[#ranges + 1] = cur
    elseif line:find("^%-%- ==== ") then
      cur = nil
    elseif cur then
      cur.lines[#cur.lines + 1] = line
    end
  end
  for _, r in ipairs(ranges) do
    r.text = table.concat(r.lines, "\n"):gsub("\n+$", "") .. "\n\n"
    r.lines = nil
  end
  return ranges
end

-- ---- the databases' own clients ----

local pgbin = os.getenv("DBM_PG_BINDIR") or "/usr/lib/postgresql/15/bin"

-- Run a shell command; raise with its stderr unless it exits 0.
local function sh_ok(cmd, what)
  local dir = H.tmpdir()
  local code = H.sh("(" .. cmd .. ") >" .. H.q(dir .. "/out") .. " 2>" .. H.q(dir .. "/err") .. " </dev/null")
  if code ~= 0 then error(what .. " failed (exit " .. code .. "): " .. H.read(dir .. "/err"), 2) end
  return H.read(dir .. "/out")
end

-- The server tools must not run under the sanitizer runtimes ctest preloads.
local PLAIN = "env -u LD_PRELOAD ASAN_OPTIONS= UBSAN_OPTIONS= "

--[[
Apply a script file to a database with the dialect's own client:
psql -v ON_ERROR_STOP=1 [-1] -f FILE; mariadb DB < FILE; sqlite3 FILE.db < FILE.
]]
local function apply(db, path, single)
  if db.dialect == "sqlite" then
    return sh_ok(PLAIN .. "sqlite3 -bail " .. H.q(db.path) .. " < " .. H.q(path), "sqlite3 < " .. path)
  end
  local srv = db.server
  if db.dialect == "postgresql" then
    return sh_ok("PGPASSWORD=" .. H.q(srv.password) .. " " .. PLAIN .. H.q(pgbin .. "/psql") .. " -X -q"
      .. " -h " .. H.q(srv.host) .. " -p " .. srv.port .. " -U " .. H.q(srv.user)
      .. " -v ON_ERROR_STOP=1" .. (single and " -1" or "") .. " -d " .. H.q(db.name)
      .. " -f " .. H.q(path), "psql -f " .. path)
  end
  return sh_ok("MYSQL_PWD=" .. H.q(srv.password) .. " " .. PLAIN .. "mariadb --no-defaults -h "
    .. H.q(srv.host) .. " -P " .. srv.port .. " -u " .. H.q(srv.user) .. " " .. H.q(db.name)
    .. " < " .. H.q(path), "mariadb < " .. path)
end

-- A throw-away database: a server's (helpers.tacker) or an SQLite file.
local function new_db(dialect, tag)
  if dialect == "sqlite" then
    local url, path = H.sqlite_url()
    return { dialect = "sqlite", url = url, path = path, drop = function() end }
  end
  return T.database(dialect, tag)
end

--[[
The schema of a database for comparison: the reference's normalised dumps
on the servers; on SQLite `sqlite3 .schema` with each tab written as four
spaces, which is what the offline format does to every statement (the
host, as Alembic, sends CREATE TABLE to SQLite with tab indents online).
]]
local function schema(db)
  if db.dialect == "sqlite" then
    return (H.sqlite_schema(db.path):gsub("\t", "    "))
  end
  return T.dump_schema(db)
end

local function versions(db)
  return table.concat(T.versions(db.url), ",")
end

local function online_upgrade(db, rev)
  local r = H.run({ "--script-location", H.migrations, "--database-connection", db.url, "upgrade", rev })
  if r.code ~= 0 then error("online upgrade " .. rev .. " exited " .. r.code .. ":\n" .. r.stderr, 2) end
end

-- ======================================================================

describe("offline --sql", function()
  after_each(function()
    H.cleanup()
  end)

  -- Every expected script in this block is what Alembic 1.8.1 writes for
  -- the same chain with env.py's context.configure(dialect_name=...).
  describe("format", function()
    it("PostgreSQL: one BEGIN/COMMIT per revision by default; the first makes the version table", function()
      assert.are.equal(BEGIN .. VERSION_DDL
        .. C("Running upgrade  -> aa01") .. CREATE("postgresql", "foo") .. INSERT("postgresql", "aa01")
        .. COMMIT .. BEGIN
        .. C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02")
        .. COMMIT .. BEGIN
        .. C("Running upgrade bb02 -> cc03") .. CREATE("postgresql", "baz") .. UPDATE("bb02", "cc03")
        .. COMMIT,
        script(chain3(), "postgresql", { "upgrade", "head" }))
    end)

    it("PostgreSQL: one BEGIN/COMMIT for the run with --single-transaction or transaction_per_migration = false", function()
      local want = BEGIN .. VERSION_DDL
        .. C("Running upgrade  -> aa01") .. CREATE("postgresql", "foo") .. INSERT("postgresql", "aa01")
        .. C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02")
        .. C("Running upgrade bb02 -> cc03") .. CREATE("postgresql", "baz") .. UPDATE("bb02", "cc03")
        .. COMMIT
      local dir = chain3()
      assert.are.equal(want, script(dir, "postgresql", { "upgrade", "head", "--single-transaction" }))
      assert.are.equal(want, script(dir, "postgresql", { "upgrade", "head" },
        { config = "[alembic]\ntransaction_per_migration = false\n" }))
      -- transaction_per_migration = true is the default: per revision again
      local per = script(dir, "postgresql", { "upgrade", "head" },
        { config = "[alembic]\ntransaction_per_migration = true\n" })
      assert.are.equal(script(dir, "postgresql", { "upgrade", "head" }), per)
      assert.are.equal(3, count(per, "BEGIN;\n\n"))
      assert.are.equal(3, count(per, "COMMIT;\n\n"))
    end)

    for _, dialect in ipairs({ "mysql", "sqlite" }) do
      it(dialect .. ": no BEGIN/COMMIT (non-transactional DDL), INSERT without RETURNING", function()
        local want = VERSION_DDL
          .. C("Running upgrade  -> aa01") .. CREATE(dialect, "foo") .. INSERT(dialect, "aa01")
          .. C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02")
          .. C("Running upgrade bb02 -> cc03") .. CREATE(dialect, "baz") .. UPDATE("bb02", "cc03")
        local dir = chain3()
        assert.are.equal(want, script(dir, dialect, { "upgrade", "head" }))
        assert.are.equal(want, script(dir, dialect, { "upgrade", "head", "--single-transaction" }))
      end)
    end

    it("logs go to stderr in Alembic's words; stdout is SQL only", function()
      for _, dialect in ipairs(DIALECTS) do
        local r = offline(chain3(), dialect, { "upgrade", "aa01:bb02" })
        assert_ok(r)
        assert.are.equal(MIGRATION .. "Context impl " .. IMPL[dialect] .. ".\n"
          .. MIGRATION .. "Generating static SQL\n"
          .. MIGRATION .. "Will assume " .. (dialect == "postgresql" and "" or "non-")
          .. "transactional DDL.\n"
          .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n", r.stderr)
        assert.are.equal(entries(r.stdout)[1], dialect == "postgresql" and "BEGIN"
          or "-- Running upgrade aa01 -> bb02")
      end
    end)

    it("A:B starts at A: no version table DDL, UPDATE from A", function()
      assert.are.equal(BEGIN .. C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02")
        .. COMMIT .. BEGIN
        .. C("Running upgrade bb02 -> cc03") .. CREATE("postgresql", "baz") .. UPDATE("bb02", "cc03")
        .. COMMIT,
        script(chain3(), "postgresql", { "upgrade", "aa01:cc03" }))
      assert.are.equal(C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02"),
        script(chain3(), "mysql", { "upgrade", "aa01:+1" }))
    end)

    it("downgrade B:A: DELETE of the last row, then DROP TABLE of the version table (after the last COMMIT per revision)", function()
      local dir = chain3()
      assert.are.equal(BEGIN .. C("Running downgrade cc03 -> bb02") .. S("DROP TABLE baz") .. UPDATE("cc03", "bb02")
        .. COMMIT .. BEGIN
        .. C("Running downgrade bb02 -> aa01") .. DROP_BAR .. UPDATE("bb02", "aa01")
        .. COMMIT .. BEGIN
        .. C("Running downgrade aa01 -> ") .. S("DROP TABLE foo") .. DELETE("aa01")
        .. COMMIT .. DROP_VERSION,
        script(dir, "postgresql", { "downgrade", "cc03:base" }))
      assert.are.equal(BEGIN .. C("Running downgrade cc03 -> bb02") .. S("DROP TABLE baz") .. UPDATE("cc03", "bb02")
        .. C("Running downgrade bb02 -> aa01") .. DROP_BAR .. UPDATE("bb02", "aa01")
        .. C("Running downgrade aa01 -> ") .. S("DROP TABLE foo") .. DELETE("aa01")
        .. DROP_VERSION .. COMMIT,
        script(dir, "postgresql", { "downgrade", "cc03:base", "--single-transaction" }))
      assert.are.equal(C("Running downgrade bb02 -> aa01") .. DROP_BAR .. UPDATE("bb02", "aa01")
        .. C("Running downgrade aa01 -> ") .. S("DROP TABLE foo") .. DELETE("aa01") .. DROP_VERSION,
        script(dir, "mysql", { "downgrade", "bb02:base" }))
      -- SQLite reads foo from the catalog (bar is in no index: a plain DROP COLUMN)
      assert.are.equal(C("Running downgrade cc03 -> bb02") .. S("DROP TABLE baz") .. UPDATE("cc03", "bb02")
        .. C("Running downgrade bb02 -> aa01") .. DROP_BAR .. UPDATE("bb02", "aa01"),
        script(dir, "sqlite", { "downgrade", "cc03:aa01" }))
    end)

    it("downgrade --sql needs a range, as Alembic's", function()
      for _, rev in ipairs({ "aa01", "-1", "base" }) do
        local r = offline(chain3(), "postgresql", { "downgrade", rev })
        assert.are.equal(2, r.code)
        assert.are.equal("", r.stdout)
        assert.are.equal(ERROR .. "downgrade with --sql requires <fromrev>:<torev>\n", H.last_line(r.stderr) .. "\n")
      end
    end)

    it("stamp writes Alembic's stamp_revision comment and the version rows only", function()
      local dir = chain3()
      assert.are.equal(BEGIN .. VERSION_DDL .. C("Running stamp_revision  -> bb02") .. INSERT("postgresql", "bb02")
        .. COMMIT, script(dir, "postgresql", { "stamp", "bb02" }))
      assert.are.equal(BEGIN .. C("Running stamp_revision aa01 -> cc03") .. UPDATE("aa01", "cc03") .. COMMIT,
        script(dir, "postgresql", { "stamp", "aa01:cc03" }))
      assert.are.equal(C("Running stamp_revision cc03 -> ") .. DELETE("cc03") .. DROP_VERSION,
        script(dir, "mysql", { "stamp", "cc03:base" }))
      assert.are.equal(VERSION_DDL .. C("Running stamp_revision  -> cc03") .. INSERT("sqlite", "cc03"),
        script(dir, "sqlite", { "stamp", "head" }))
      -- nothing changes: nothing is written (per revision) / an empty transaction
      assert.are.equal("", script(dir, "postgresql", { "stamp", "cc03:cc03" }))
      assert.are.equal(BEGIN .. COMMIT,
        script(dir, "postgresql", { "stamp", "cc03:cc03" }, { config = "[alembic]\ntransaction_per_migration = false\n" }))
    end)

    it("a range with nothing to run writes nothing, or one empty transaction", function()
      local dir = chain3()
      assert.are.equal("", script(dir, "postgresql", { "upgrade", "cc03:head" }))
      assert.are.equal(BEGIN .. COMMIT, script(dir, "postgresql", { "upgrade", "cc03:head", "--single-transaction" }))
      assert.are.equal("", script(dir, "mysql", { "upgrade", "bb02:aa01" }))
      -- Intended difference: Alembic writes "DROP TABLE alembic_version;"
      -- here, for a table the script never created.
      assert.are.equal("", script(dir, "postgresql", { "upgrade", "base:base" }))
      assert.are.equal("", script(dir, "sqlite", { "downgrade", "base:base" }))
    end)

    --[[
    As Alembic: a merge DELETEs the rows of its first parents and UPDATEs
    the last parent's (down_revision order); undoing it INSERTs the first
    parents and UPDATEs the merge's row to the last. Intended difference:
    the order of sibling branches follows the host's revision map, as
    online (Alembic runs cc03 before bb02 here); the rows at each end are
    the same.
    ]]
    it("branches: a second head is INSERTed, a merge DELETEs one row and UPDATEs the other", function()
      local dir = H.scripts_dir({
        aa01 = H.rev { "aa01" },
        bb02 = H.rev { "bb02", down = "aa01" },
        cc03 = H.rev { "cc03", down = "aa01" },
        dd04 = H.rev { "dd04", down = { "bb02", "cc03" } },
      })
      assert.are.equal(C("Running upgrade aa01 -> bb02") .. UPDATE("aa01", "bb02")
        .. C("Running upgrade aa01 -> cc03") .. INSERT("mysql", "cc03")
        .. C("Running upgrade bb02, cc03 -> dd04") .. DELETE("bb02") .. UPDATE("cc03", "dd04"),
        script(dir, "mysql", { "upgrade", "aa01:heads" }))
      assert.are.equal(C("Running downgrade dd04 -> bb02, cc03") .. INSERT("mysql", "bb02") .. UPDATE("dd04", "cc03")
        .. C("Running downgrade cc03 -> aa01") .. DELETE("cc03")
        .. C("Running downgrade bb02 -> aa01") .. UPDATE("bb02", "aa01"),
        script(dir, "mysql", { "downgrade", "dd04:aa01" }))
    end)

    it("the dialect: the URL's, else [database] engine, else --database-engine; never a connection", function()
      local dir = chain3()
      -- URLs of servers that are not there: nothing connects offline
      local r = offline(dir, nil, { "upgrade", "aa01:bb02" },
        { args = { "--database-connection", "postgresql://u:secret@127.0.0.1:1/nodb" } })
      assert_ok(r)
      assert.are.equal(BEGIN .. C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02") .. COMMIT,
        r.stdout)
      assert.is_nil(r.stderr:find("secret", 1, true))
      r = offline(dir, nil, { "upgrade", "aa01:bb02" },
        { config = "[database]\nconnection = mysql+pymysql://u:p@127.0.0.1:1/nodb?charset=utf8mb4\n" })
      assert_ok(r)
      assert.are.equal(C("Running upgrade aa01 -> bb02") .. ADD_BAR .. UPDATE("aa01", "bb02"), r.stdout)
      assert.matches("Context impl MySQLImpl", r.stderr, 1, true)
      -- the URL wins over an engine
      r = offline(dir, "mysql", { "upgrade", "aa01:bb02" },
        { config = "[database]\nconnection = postgresql://u:p@127.0.0.1:1/nodb\nengine = sqlite\n" })
      assert_ok(r)
      assert.matches("Context impl PostgresqlImpl", r.stderr, 1, true)
      -- no URL: [database] engine, and --database-engine over it
      r = offline(dir, nil, { "upgrade", "aa01:bb02" }, { config = "[database]\nengine = postgresql\n" })
      assert_ok(r)
      assert.matches("Context impl PostgresqlImpl", r.stderr, 1, true)
      r = offline(dir, "mysql", { "upgrade", "aa01:bb02" }, { config = "[database]\nengine = postgresql\n" })
      assert_ok(r)
      assert.matches("Context impl MySQLImpl", r.stderr, 1, true)
      -- nothing configured: SQLite, and no tacker.sqlite made
      local cwd = H.tmpdir()
      r = offline(dir, nil, { "upgrade", "aa01:bb02" }, { cwd = cwd })
      assert_ok(r)
      assert.matches("Context impl SQLiteImpl", r.stderr, 1, true)
      assert.is_false(H.exists(cwd .. "/tacker.sqlite"))
      r = offline(dir, "oracle", { "upgrade", "head" })
      assert.are.equal(2, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal(ERROR .. "unknown database engine 'oracle'\n", r.stderr)
    end)
  end)

  describe("the Tacker chain against Alembic's offline output", function()
    for _, dialect in ipairs({ "postgresql", "mysql" }) do
      local ranges = reference_ranges(dialect)

      it(dialect .. ": the reference has its 6 ranges", function()
        local got = {}
        for _, r in ipairs(ranges) do got[#got + 1] = r.range end
        assert.same({ "base:12a57080b277", "12a57080b278:acf941e54075", "6e56d4474b2a:22f5385a3d4f",
                      "22f5385a3d50:507122918800", "0ae5b1ce3024:abbef484b34c",
                      "975e28392888:ca2ad037c320" }, got)
      end)

      for _, ref in ipairs(ranges) do
        it(dialect .. " " .. ref.range .. ": statement by statement, with one transaction as the reference's env", function()
          local want = entries(ref.text)
          assert_entries(want, entries(tacker_script(dialect, ref.range, { "--single-transaction" })),
            dialect .. " " .. ref.range)
          -- the default differs in the BEGIN/COMMIT pairs only: one per revision
          local per = entries(tacker_script(dialect, ref.range))
          assert_entries(without_tx(want), without_tx(per), dialect .. " " .. ref.range .. " (per revision)")
          local revs = count(ref.text, "\n-- Running upgrade ") + (ref.text:find("^%-%- Running upgrade ") and 1 or 0)
          local begins = 0
          for _, e in ipairs(per) do if e == "BEGIN" then begins = begins + 1 end end
          assert.are.equal(dialect == "postgresql" and revs or 0, begins)
        end)
      end
    end
  end)

  describe("the whole chain renders on every dialect", function()
    for _, dialect in ipairs(DIALECTS) do
      it(dialect .. ": base:head, every revision, from a tree with no database", function()
        local cwd = H.tmpdir()
        local r = H.run({ "--script-location", H.migrations, "--database-engine", dialect,
                          "upgrade", "base:head", "--sql" }, { cwd = cwd })
        assert_ok(r)
        assert.are.equal(#CHAIN, count(r.stdout, "-- Running upgrade "))
        assert.are.equal(#CHAIN, count(r.stderr, MIGRATION .. "Running upgrade "))
        assert.are.equal(1, count(r.stdout, "CREATE TABLE alembic_version ("))
        local tail = UPDATE(CHAIN[#CHAIN - 1].rev, HEAD) .. (dialect == "postgresql" and COMMIT or "")
        assert.are.equal(tail, r.stdout:sub(-#tail))
        assert.are.equal(dialect == "postgresql" and #CHAIN or 0, count(r.stdout, "\nBEGIN;\n\n")
          + (r.stdout:find("^BEGIN;\n\n") and 1 or 0))
        local listing = sh_ok("ls -A " .. H.q(cwd), "ls")
        assert.are.equal("", listing)
      end)
    end
  end)

  it("downgrade of the Tacker chain fails before writing anything: its revisions have no downgrade", function()
    local r = offline(H.migrations, "postgresql", { "downgrade", "head:base" })
    assert.are.equal(1, r.code)
    assert.are.equal("", r.stdout)
    assert.are.equal(ERROR .. "cannot downgrade: revision '" .. HEAD .. "' ('" .. H.migrations .. "/versions/"
      .. HEAD .. "_add_cryptkey_db.lua') has no downgrade", H.last_line(r.stderr))
  end)

  describe("online-only calls", function()
    local function guard_chain(body2)
      return H.scripts_dir({
        g1 = H.rev { "gg01", message = "make t",
          up = [[op.create_table("t", sa.Column("id", sa.Integer, { primary_key = true }),
                                    sa.Column("name", sa.String(20)))]] },
        g2 = H.rev { "gg02", down = "gg01", message = "second", up = body2 },
      })
    end

    it("a query that reads rows fails, naming the revision and the line", function()
      local dir = guard_chain([[
    local rows = op.get_bind():execute("SELECT id FROM t")]])
      for _, dialect in ipairs(DIALECTS) do
        local r = offline(dir, dialect, { "upgrade", "head" })
        assert.are.equal(1, r.code)
        assert.matches("^" .. ERROR:gsub("%p", "%%%0") .. "upgrade of revision 'gg02' failed: "
          .. "[^\n]*versions/g2%.lua:8: a query that reads rows cannot run offline %(%-%-sql%); "
          .. "guard it with op%.is_offline%(%)\n$", H.last_line(r.stderr) .. "\n")
      end
    end)

    it("unless the revision guards it with op.is_offline()", function()
      local dir = guard_chain([[
    if op.is_offline() then
      op.execute("UPDATE t SET name = 'x'")
    else
      for _, row in ipairs(op.get_bind():execute("SELECT id FROM t")) do
        op.execute("UPDATE t SET name = :n WHERE id = :id", { n = "x", id = row.id })
      end
    end]])
      for _, dialect in ipairs(DIALECTS) do
        local out = script(dir, dialect, { "upgrade", "gg01:gg02" })
        assert.are.equal(1, count(out, "\nUPDATE t SET name = 'x';\n\n")
          + (out:find("^UPDATE t SET name = 'x';\n\n") and 1 or 0))
      end
    end)

    it("the inspector: online only on PostgreSQL and MySQL", function()
      local dir = guard_chain([[
    local names = op.get_inspector():get_table_names()]])
      for _, dialect in ipairs({ "postgresql", "mysql" }) do
        local r = offline(dir, dialect, { "upgrade", "head" })
        assert.are.equal(1, r.code)
        assert.matches("upgrade of revision 'gg02' failed: [^\n]*versions/g2%.lua:8: the inspector needs a "
          .. "live database: it cannot run offline %(%-%-sql%) on " .. dialect
          .. "; guard it with op%.is_offline%(%)$", H.last_line(r.stderr))
      end
    end)

    it("the inspector on SQLite answers from the catalog, also for a range (the start replayed)", function()
      local dir = guard_chain([[
    local insp = op.get_inspector()
    assert(insp:has_table("t") and not insp:has_table("nope"))
    for _, col in ipairs(insp:get_columns("t")) do
      op.create_index("ix_t_" .. col.name, "t", { col.name })
    end]])
      local want = C("Running upgrade gg01 -> gg02") .. S("CREATE INDEX ix_t_id ON t (id)")
        .. S("CREATE INDEX ix_t_name ON t (name)") .. UPDATE("gg01", "gg02")
      local full = script(dir, "sqlite", { "upgrade", "head" })
      assert.are.equal(want, full:sub(-#want))
      local r = offline(dir, "sqlite", { "upgrade", "gg01:head" })
      assert_ok(r)
      assert.are.equal(want, r.stdout)
      -- the replay of base -> gg01 is silent
      assert.are.equal(1, count(r.stderr, "Running upgrade"))
    end)

    it("a statement SQLite refuses fails the render, naming the revision and the statement", function()
      local dir = guard_chain([[
    op.execute("INSERT INTO nope (id) VALUES (1)")]])
      local r = offline(dir, "sqlite", { "upgrade", "head" })
      assert.are.equal(1, r.code)
      assert.matches("upgrade of revision 'gg02' failed: [^\n]*versions/g2%.lua:8: no such table: nope "
        .. "%[SQL: INSERT INTO nope %(id%) VALUES %(1%)%]$", H.last_line(r.stderr))
    end)
  end)

  describe("SQLite table rebuilds offline", function()
    local function rebuild_chain()
      return H.scripts_dir({
        r1 = H.rev { "rr01", message = "make t", up = [[
    op.create_table("p", sa.Column("id", sa.String(36), { primary_key = true }))
    op.create_table("t",
      sa.Column("id", sa.Integer, { primary_key = true }),
      sa.Column("name", sa.String(20), { index = true }),
      sa.Column("p_id", sa.String(36), sa.ForeignKey("p.id", { ondelete = "CASCADE" })),
      sa.UniqueConstraint("name", { name = "uq_t_name" }))]] },
        r2 = H.rev { "rr02", down = "rr01", message = "alter t", up = [[
    op.alter_column("t", "name", { existing_type = sa.String(20), nullable = false })]],
          down_fn = [[
    op.alter_column("t", "name", { existing_type = sa.String(20), nullable = true })]] },
      })
    end

    local REBUILD = S("CREATE TABLE _alembic_tmp_t (\n"
      .. "    id INTEGER NOT NULL, \n"
      .. "    name VARCHAR(20) NOT NULL, \n"
      .. "    p_id VARCHAR(36), \n"
      .. "    PRIMARY KEY (id), \n"
      .. "    FOREIGN KEY(p_id) REFERENCES p (id) ON DELETE CASCADE, \n"
      .. "    CONSTRAINT uq_t_name UNIQUE (name)\n)")
      .. S("INSERT INTO _alembic_tmp_t (id, name, p_id) SELECT t.id, t.name, t.p_id \nFROM t")
      .. S("DROP TABLE t")
      .. S("ALTER TABLE _alembic_tmp_t RENAME TO t")
      .. S("CREATE INDEX ix_t_name ON t (name)")

    it("render from the schema the catalog tracks, from base or from the start of a range", function()
      local dir = rebuild_chain()
      local want = C("Running upgrade rr01 -> rr02") .. REBUILD .. UPDATE("rr01", "rr02")
      local full = script(dir, "sqlite", { "upgrade", "head" })
      assert.are.equal(want, full:sub(-#want))
      assert.are.equal(want, script(dir, "sqlite", { "upgrade", "rr01:rr02" }))
      -- downgrade B:A replays up to B first
      assert.are.equal(C("Running downgrade rr02 -> rr01") .. REBUILD:gsub("name VARCHAR%(20%) NOT NULL",
        "name VARCHAR(20)") .. UPDATE("rr02", "rr01"), script(dir, "sqlite", { "downgrade", "rr02:rr01" }))
    end)

    it("the same statements as an online run, and the same schema once applied", function()
      local dir = rebuild_chain()
      local url, path = H.sqlite_url()
      local r = H.run({ "--script-location", dir, "--database-connection", url, "upgrade", "head" })
      assert_ok(r)
      local off = { dialect = "sqlite", path = H.tmpdir() .. "/off.db" }
      local file = H.tmpdir() .. "/up.sql"
      H.write(file, script(dir, "sqlite", { "upgrade", "head" }))
      apply(off, file)
      assert.are.equal(schema({ dialect = "sqlite", path = path }), schema(off))
      -- (the sqlite3 tool shows a table renamed by ALTER TABLE this way)
      assert.matches("CREATE TABLE IF NOT EXISTS \"t\" (\n    id INTEGER NOT NULL, \n"
        .. "    name VARCHAR(20) NOT NULL,", schema(off), 1, true)
    end)

    -- A chain whose catalog must follow SQLite beyond one table: a rename
    -- rewrites the foreign keys of other tables, and a table rebuilt after
    -- many add_column calls.
    local function lazy_chain()
      return H.scripts_dir({
        l1 = H.rev { "ll01", message = "make p, c and t", up = [[
    op.create_table("p", sa.Column("id", sa.String(36), { primary_key = true }))
    op.create_table("c",
      sa.Column("id", sa.Integer, { primary_key = true }),
      sa.Column("p_id", sa.String(36), sa.ForeignKey("p.id")))
    op.create_table("t", sa.Column("id", sa.Integer, { primary_key = true }))]] },
        l2 = H.rev { "ll02", down = "ll01", message = "grow t", up = [[
    for i = 1, 40 do
      op.add_column("t", sa.Column("c" .. i, sa.String(10)))
    end
    op.create_index("ix_t_c5", "t", { "c5" })]] },
        l3 = H.rev { "ll03", down = "ll02", message = "rename p", up = [[
    op.rename_table("p", "p2")
    op.alter_column("p2", "id", { new_column_name = "pid" })]] },
        l4 = H.rev { "ll04", down = "ll03", message = "rebuild c and t", up = [[
    op.alter_column("c", "p_id", { existing_type = sa.String(36), nullable = false })
    op.drop_column("t", "c5")
    op.add_column("t", sa.Column("last", sa.Integer))]] },
      })
    end

    it("a rebuild after a rename refers to the table and column by their new names", function()
      local out = script(lazy_chain(), "sqlite", { "upgrade", "head" })
      assert.matches(S("CREATE TABLE _alembic_tmp_c (\n"
        .. "    id INTEGER NOT NULL, \n"
        .. "    p_id VARCHAR(36) NOT NULL, \n"
        .. "    PRIMARY KEY (id), \n"
        .. "    FOREIGN KEY(p_id) REFERENCES p2 (pid)\n)"), out, 1, true)
      -- from the start of a range: the replay follows the rename too
      assert.are.equal(out:sub(-#script(lazy_chain(), "sqlite", { "upgrade", "ll03:head" })),
        script(lazy_chain(), "sqlite", { "upgrade", "ll03:head" }))
    end)

    it("a drop_column that needs a rebuild after many add_column calls", function()
      local out = script(lazy_chain(), "sqlite", { "upgrade", "head" })
      local cols = { "id" }
      for i = 1, 40 do
        if i ~= 5 then cols[#cols + 1] = "c" .. i end
      end
      local defs = { "    id INTEGER NOT NULL" }
      for i = 2, #cols do defs[#defs + 1] = "    " .. cols[i] .. " VARCHAR(10)" end
      local qualified = {}
      for i, c in ipairs(cols) do qualified[i] = "t." .. c end
      assert.matches(S("CREATE TABLE _alembic_tmp_t (\n" .. table.concat(defs, ", \n")
          .. ", \n    PRIMARY KEY (id)\n)")
        .. S("INSERT INTO _alembic_tmp_t (" .. table.concat(cols, ", ") .. ") SELECT "
          .. table.concat(qualified, ", ") .. " \nFROM t")
        .. S("DROP TABLE t")
        .. S("ALTER TABLE _alembic_tmp_t RENAME TO t")
        .. S("ALTER TABLE t ADD COLUMN last INTEGER"), out, 1, true)
    end)

    it("the script of that chain, applied with sqlite3, gives the schema of an online run", function()
      local dir = lazy_chain()
      local url, path = H.sqlite_url()
      assert_ok(H.run({ "--script-location", dir, "--database-connection", url, "upgrade", "head" }))
      local off = { dialect = "sqlite", path = H.tmpdir() .. "/lazy.db" }
      local file = H.tmpdir() .. "/lazy.sql"
      H.write(file, script(dir, "sqlite", { "upgrade", "head" }))
      apply(off, file)
      assert.are.equal(schema({ dialect = "sqlite", path = path }), schema(off))
      assert.matches("REFERENCES p2 (pid)", schema(off), 1, true)
    end)
  end)

  describe("equivalence: the script applied with the database's own client", function()
    -- Starts of k:head ranges: before 007, 012+013, 021, 044 (the revisions
    -- Alembic cannot render offline), and late in the chain.
    local STARTS = { "12a57080b277", "acf941e54075", "22f5385a3d4f", "abbef484b34c", "3adac34764da" }

    for _, dialect in ipairs(DIALECTS) do
      describe(dialect, function()
        local online, online_schema

        setup(function()
          online = new_db(dialect, "offon")
          online_upgrade(online, "head")
          online_schema = schema(online)
        end)

        teardown(function()
          if online then online.drop() end
        end)

        it("base:head: the schema of an online upgrade head" .. (dialect ~= "sqlite"
            and " and of the reference at head" or ""), function()
          local file = H.tmpdir() .. "/base_head.sql"
          H.write(file, tacker_script(dialect, "base:head"))
          local db = new_db(dialect, "offall")
          local ok, err = pcall(function()
            apply(db, file)
            T.assert_text(online_schema, schema(db), dialect .. " offline base:head vs online")
            assert.are.equal(HEAD, versions(db))
            if dialect ~= "sqlite" then
              local ref = H.read(T.schema_file(dialect, CHAIN[#CHAIN]))
              T.assert_text(dialect == "mysql" and T.normalize_mysql(ref) or ref, schema(db),
                dialect .. " offline base:head vs reference")
            end
          end)
          db.drop()
          assert(ok, err)
        end)

        if dialect == "postgresql" then
          it("base:head --single-transaction with psql -1: the same schema", function()
            local file = H.tmpdir() .. "/single.sql"
            local text = tacker_script(dialect, "base:head", { "--single-transaction" })
            assert.are.equal(1, count(text, "BEGIN;\n\n"))
            H.write(file, text)
            local db = new_db(dialect, "offone")
            local ok, err = pcall(function()
              apply(db, file, true)
              T.assert_text(online_schema, schema(db), "psql -1 base:head vs online")
              assert.are.equal(HEAD, versions(db))
            end)
            db.drop()
            assert(ok, err)
          end)
        end

        for _, k in ipairs(STARTS) do
          it(("k:head on top of a database at k = %03d %s"):format(POS[k], k), function()
            local db = new_db(dialect, "offk")
            local ok, err = pcall(function()
              online_upgrade(db, k)
              local file = H.tmpdir() .. "/k_head.sql"
              H.write(file, tacker_script(dialect, k .. ":head"))
              apply(db, file)
              T.assert_text(online_schema, schema(db), dialect .. " " .. k .. ":head vs online")
              assert.are.equal(HEAD, versions(db))
            end)
            db.drop()
            assert(ok, err)
          end)
        end
      end)
    end
  end)
end)
