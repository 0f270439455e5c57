-- Bad input to the whole binary on SQLite: each case gets its one-line
-- message and exit code, and the database is left as it was.
local H = require("helpers.host")

local ERROR = "ERROR [tacker_db_manage] "
local MIGRATION = "INFO  [alembic.runtime.migration] "
local CONTEXT = MIGRATION .. "Context impl SQLiteImpl.\n"
  .. MIGRATION .. "Will assume non-transactional DDL.\n"

local function basename(path)
  return path:match("([^/]+)$")
end

-- The good chain: foo, foo.bar, baz; every revision can go down.
local function chain(overrides)
  local files = {
    a1 = H.rev { "aa01", message = "create foo",
      up = [[op.create_table("foo", sa.Column("id", sa.Integer, { primary_key = true }))]],
      down_fn = [[op.drop_table("foo")]] },
    b2 = H.rev { "bb02", down = "aa01", message = "add bar",
      up = [[op.add_column("foo", sa.Column("bar", sa.String(20)))]],
      down_fn = [[op.drop_column("foo", "bar")]] },
    c3 = H.rev { "cc03", down = "bb02", message = "create baz",
      up = [[op.create_table("baz", sa.Column("id", sa.Integer, { primary_key = true }))]],
      down_fn = [[op.drop_table("baz")]] },
  }
  for name, text in pairs(overrides or {}) do
    files[name] = text or nil
  end
  return H.scripts_dir(files)
end

local function cli(scripts, url, args, opts)
  local full = { "--script-location", scripts, "--database-connection", url }
  for _, a in ipairs(args) do full[#full + 1] = a end
  return H.run(full, opts)
end

local function tables(path)
  return H.sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
end

-- Everything a failed run must not have changed.
local function snapshot(good, url, path)
  local cur = cli(good, url, { "current" })
  assert.are.equal(0, cur.code, cur.stderr)
  return {
    schema = H.sqlite_schema(path),
    rows = H.sqlite3(path, "SELECT version_num FROM alembic_version ORDER BY 1"),
    data = H.sqlite3(path, "SELECT count(*) FROM foo"),
    current = cur.stdout,
  }
end

local function escape(s)
  return (s:gsub("%p", "%%%0"))
end

local function assert_fails(r, code, stderr)
  assert.are.equal(code, r.code, "exit code; stderr:\n" .. r.stderr)
  assert.are.equal("", r.stdout)
  assert.are.equal(stderr, r.stderr)
end

describe("bad input", function()
  local good, url, path, before

  -- A database at bb02 (foo with bar, one row in foo) to keep safe.
  before_each(function()
    good = chain()
    url, path = H.sqlite_url()
    local r = cli(good, url, { "upgrade", "bb02" })
    assert.are.equal(0, r.code, r.stderr)
    H.sqlite3(path, "INSERT INTO foo (id, bar) VALUES (42, 'kept')")
    before = snapshot(good, url, path)
    assert.are.equal("bb02\n", before.current)
  end)

  after_each(function()
    H.cleanup()
  end)

  -- A test that ends by checking the database is as it was (in the test
  -- itself, so that a failure is reported against it).
  local function case(name, fn)
    it(name, function()
      fn()
      assert.same(before, snapshot(good, url, path), "the database changed")
    end)
  end

  describe("in the revision files", function()
    case("a syntax error names file:line", function()
      local dir = chain({ d4 = 'return {\n  revision = "dd04", down_revision = "cc03",\n'
        .. '  upgrade = function(op, sa) op.execute("x" end,\n}\n' })
      local r = cli(dir, url, { "upgrade", "head" })
      assert_fails(r, 2, ERROR .. basename(dir) .. "/versions/d4.lua:3: ')' expected near 'end'\n")
      -- Every command that reads the scripts says the same.
      r = cli(dir, url, { "history" })
      assert_fails(r, 2, ERROR .. basename(dir) .. "/versions/d4.lua:3: ')' expected near 'end'\n")
    end)

    case("a revision that returns no table", function()
      local dir = chain({ d4 = "local revision = 'dd04'\n" })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "'" .. dir .. "/versions/d4.lua' must return a table, not nil\n")
      dir = chain({ d4 = "return 'dd04'\n" })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "'" .. dir .. "/versions/d4.lua' must return a table, not string\n")
    end)

    case("a table without revision", function()
      local dir = chain({ d4 = 'return { down_revision = "cc03", upgrade = function(op, sa) end }\n' })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "'" .. dir .. "/versions/d4.lua': field 'revision' must be a string, not nil\n")
    end)

    case("a table without an upgrade function", function()
      local dir = chain({ d4 = 'return { revision = "dd04", down_revision = "cc03" }\n' })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "'" .. dir .. "/versions/d4.lua': field 'upgrade' must be a function\n")
    end)

    case("a down_revision of the wrong type", function()
      local dir = chain({ d4 = 'return { revision = "dd04", down_revision = 3,\n'
        .. '  upgrade = function(op, sa) end }\n' })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "'" .. dir .. "/versions/d4.lua': field 'down_revision' must be a string or a list "
        .. "of strings, not number\n")
      dir = chain({ d4 = 'return { revision = "dd04", down_revision = { "cc03", 7 },\n'
        .. '  upgrade = function(op, sa) end }\n' })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "'" .. dir .. "/versions/d4.lua': field 'down_revision' must be a string or a list "
        .. "of strings\n")
    end)

    case("a revision id that cannot go in the version table", function()
      local dir = chain({ d4 = H.rev { "dd-04", down = "cc03" } })
      local r = cli(dir, url, { "upgrade", "head" })
      assert_fails(r, 2, ERROR .. "'" .. dir .. "/versions/d4.lua': revision id 'dd-04' must be 1 to 32 "
        .. "letters, digits or '_'\n")
    end)

    case("a cycle names the revisions in it", function()
      local dir = chain({ a1 = H.rev { "aa01", down = "cc03" } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "cycle is detected in revisions ('aa01', 'bb02', 'cc03')\n")
    end)

    case("a duplicate id names both files", function()
      local dir = chain({ b2x = H.rev { "bb02", down = "aa01" } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "revision 'bb02' is present more than once: '" .. dir .. "/versions/b2.lua' and '"
        .. dir .. "/versions/b2x.lua'\n")
    end)

    case("a missing parent", function()
      local dir = chain({ d4 = H.rev { "dd04", down = "eeee" } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. "revision 'eeee' referenced from 'dd04' is not present\n")
    end)
  end)

  describe("in the target", function()
    case("an unknown revision", function()
      assert_fails(cli(good, url, { "upgrade", "ffff" }), 2,
        CONTEXT .. ERROR .. "no such revision or branch 'ffff'\n")
      assert_fails(cli(good, url, { "downgrade", "ffff" }), 2,
        CONTEXT .. ERROR .. "no such revision or branch 'ffff'\n")
      assert_fails(cli(good, url, { "stamp", "ffff" }), 2,
        CONTEXT .. ERROR .. "no such revision or branch 'ffff'\n")
    end)

    case("an ambiguous prefix", function()
      local dir = chain({ d4 = H.rev { "cc0399", down = "cc03" } })
      assert_fails(cli(dir, url, { "upgrade", "cc0" }), 2,
        CONTEXT .. ERROR .. "multiple revisions start with 'cc0': 'cc03', 'cc0399'\n")
    end)

    case("head when there are several heads (Alembic's wording)", function()
      local dir = chain({ d4 = H.rev { "dd04", down = "bb02" } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        CONTEXT .. ERROR .. "multiple head revisions are present for given argument 'head'; please "
        .. "specify a specific target revision, '<branchname>@head' to narrow to a specific head, "
        .. "or 'heads' for all heads\n")
    end)

    case("+N past the head", function()
      assert_fails(cli(good, url, { "upgrade", "+2" }), 2,
        CONTEXT .. ERROR .. "relative revision '+2' goes past the head 'cc03'\n")
    end)

    case("a downgrade target above the current revision", function()
      assert_fails(cli(good, url, { "downgrade", "cc03" }), 2,
        CONTEXT .. ERROR .. "revision 'cc03' is not an ancestor of the current revision(s) 'bb02'\n")
    end)
  end)

  describe("while a revision runs", function()
    case("a SQL error names the revision, file:line, the statement and SQLite's message", function()
      local dir = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.execute("INSERT INTO foo (id, bar) VALUES (1, 'x')")
    op.create_table("t2", sa.Column("id", sa.Integer, { primary_key = true }))
    op.execute("INSERT INTO nosuch VALUES (1)")
]] } })
      local r = cli(dir, url, { "upgrade", "head" })
      assert_fails(r, 1, CONTEXT
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n"
        .. ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir)
        .. "/versions/c3.lua:10: no such table: nosuch [SQL: INSERT INTO nosuch VALUES (1)]\n")
      -- The revision's earlier statements were rolled back with it.
      assert.are.equal("1\n", H.sqlite3(path, "SELECT count(*) FROM foo"))
      assert.are.equal("alembic_version\nfoo\n", tables(path))
    end)

    case("a version row that changed under the revision fails it, as Alembic's row check does", function()
      local dir = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.create_table("baz", sa.Column("id", sa.Integer, { primary_key = true }))
    op.execute("DELETE FROM alembic_version")
]] } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 1, CONTEXT
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n"
        .. ERROR .. "online migration expected to match one row when updating 'bb02' to 'cc03' in "
        .. "'alembic_version'; 0 found\n")
      -- The revision went back with its transaction, the DELETE included.
      assert.are.equal("alembic_version\nfoo\n", tables(path))
    end)

    case("a Lua error in upgrade() names the revision and file:line", function()
      local dir = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.execute("INSERT INTO foo (id, bar) VALUES (1, 'x')")
    error("not today")
]] } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 1, CONTEXT
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n"
        .. ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir)
        .. "/versions/c3.lua:9: not today\n")
    end)

    case("-v adds the Lua traceback to the message", function()
      local dir = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.execute("INSERT INTO nosuch VALUES (1)")
]] } })
      local r = cli(dir, url, { "upgrade", "head" })
      local one = ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir)
        .. "/versions/c3.lua:8: no such table: nosuch [SQL: INSERT INTO nosuch VALUES (1)]\n"
      assert_fails(r, 1, CONTEXT .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n" .. one)
      r = H.run({ "-v", "--script-location", dir, "--database-connection", url, "upgrade", "head" })
      assert.are.equal(1, r.code)
      assert.matches(escape(one:sub(1, -2)) .. "\nstack traceback:\n", r.stderr)
      assert.matches("\n\t" .. escape(basename(dir)) .. "/versions/c3%.lua:8: in function ", r.stderr)
    end)

    for _, c in ipairs({
      { "io.open('/etc/passwd')", "undefined global 'io'" },
      { "os.execute('true')", "'os.execute' is not available in a revision" },
      { "os.exit(1)", "'os.exit' is not available in a revision" },
      { "os.getenv('HOME')", "'os.getenv' is not available in a revision" },
      { "require('os')", "undefined global 'require'" },
      { "load('return 1')", "undefined global 'load'" },
      { "dofile('/dev/null')", "undefined global 'dofile'" },
      { "loadfile('/dev/null')", "undefined global 'loadfile'" },
      { "debug.getinfo(1)", "undefined global 'debug'" },
      { "package.loaded.os.execute('true')", "undefined global 'package'" },
      { "collectgarbage()", "undefined global 'collectgarbage'" },
      { "x = 1", "assignment to undeclared global 'x' (use 'local')" },
      { "local y = undefined_name", "undefined global 'undefined_name'" },
    }) do
      local code, msg = c[1], c[2]
      case("a script running " .. code .. " fails: " .. msg, function()
        local dir = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up =
          "    op.execute(\"INSERT INTO foo (id) VALUES (1)\")\n    " .. code .. "\n" } })
        assert_fails(cli(dir, url, { "upgrade", "head" }), 1, CONTEXT
          .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n"
          .. ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir) .. "/versions/c3.lua:9: "
          .. msg .. "\n")
      end)
    end

    case("the sandbox also holds when the file is loaded", function()
      local dir = chain({ d4 = "local f = io.open\n" .. H.rev { "dd04", down = "cc03" } })
      assert_fails(cli(dir, url, { "upgrade", "head" }), 2,
        ERROR .. basename(dir) .. "/versions/d4.lua:1: undefined global 'io'\n")
      dir = chain({ d4 = "shared = 1\n" .. H.rev { "dd04", down = "cc03" } })
      assert_fails(cli(dir, url, { "history" }), 2,
        ERROR .. basename(dir) .. "/versions/d4.lua:1: assignment to undeclared global 'shared' "
        .. "(use 'local')\n")
    end)

    case("a downgrade through a revision without downgrade names it; nothing ran", function()
      local dir = chain({ b2 = H.rev { "bb02", down = "aa01", message = "add bar",
        up = [[op.add_column("foo", sa.Column("bar", sa.String(20)))]], down_fn = false } })
      assert.are.equal(0, cli(dir, url, { "upgrade", "head" }).code)
      before = snapshot(good, url, path)
      assert.are.equal("cc03 (head)\n", before.current)
      assert_fails(cli(dir, url, { "downgrade", "base" }), 1, CONTEXT
        .. ERROR .. "cannot downgrade: revision 'bb02' ('" .. dir .. "/versions/b2.lua') has no downgrade\n")
      assert.are.equal("alembic_version\nbaz\nfoo\n", tables(path))
    end)
  end)

  describe("several revisions in one run", function()
    local failing

    before_each(function()
      failing = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.create_table("baz", sa.Column("id", sa.Integer, { primary_key = true }))
    op.execute("INSERT INTO nosuch VALUES (1)")
]] } })
    end)

    -- upgrade head on a fresh database, with extra global options.
    local function run_all(opts)
      local url2, path2 = H.sqlite_url()
      local full = { "--script-location", failing, "--database-connection", url2 }
      for _, a in ipairs(opts) do full[#full + 1] = a end
      full[#full + 1] = "upgrade"
      full[#full + 1] = "head"
      return H.run(full), url2, path2
    end

    local function failure(dir)
      return CONTEXT
        .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n"
        .. ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir)
        .. "/versions/c3.lua:9: no such table: nosuch [SQL: INSERT INTO nosuch VALUES (1)]\n"
    end

    case("with a transaction per migration the first two stay applied", function()
      local r, url2, path2 = run_all({})
      assert_fails(r, 1, failure(failing))
      assert.are.equal("bb02\n", cli(good, url2, { "current" }).stdout)
      assert.are.equal("alembic_version\nfoo\n", tables(path2))
      assert.matches("CREATE TABLE foo (\n\tid INTEGER NOT NULL, bar VARCHAR(20), \n\tPRIMARY KEY (id)\n);",
        H.sqlite_schema(path2), 1, true)
    end)

    case("with transaction_per_migration = false nothing stays", function()
      local conf = H.tmpdir() .. "/tacker.conf"
      H.write(conf, "[alembic]\ntransaction_per_migration = false\n")
      local r, url2, path2 = run_all({ "--config-file", conf })
      assert_fails(r, 1, failure(failing))
      assert.are.equal("", tables(path2))
      local cur = cli(good, url2, { "current" })
      assert.are.equal(0, cur.code)
      assert.are.equal("", cur.stdout)
    end)

    case("with upgrade --single-transaction nothing stays", function()
      local url2, path2 = H.sqlite_url()
      local r = cli(failing, url2, { "upgrade", "--single-transaction", "head" })
      assert_fails(r, 1, failure(failing))
      assert.are.equal("", tables(path2))
    end)
  end)

  describe("in the configuration", function()
    case("a config file that cannot be read", function()
      local missing = H.tmpdir() .. "/nope.conf"
      assert_fails(H.run({ "--config-file", missing, "--script-location", good, "--database-connection",
                           url, "upgrade", "head" }), 2,
        ERROR .. "cannot read config file '" .. missing .. "': No such file or directory\n")
      local dir = H.tmpdir()
      assert_fails(H.run({ "--config-file", dir, "--script-location", good, "--database-connection",
                           url, "upgrade", "head" }), 2,
        ERROR .. "cannot read config file '" .. dir .. "': Is a directory\n")
      assert_fails(H.run({ "--config-dir", missing, "--script-location", good, "--database-connection",
                           url, "upgrade", "head" }), 2,
        ERROR .. "cannot read config directory '" .. missing .. "': No such file or directory\n")
    end)

    case("a bad boolean names the option, the value and where it was set", function()
      local conf = H.tmpdir() .. "/tacker.conf"
      H.write(conf, "[alembic]\n# one run or many\ntransaction_per_migration = maybe\n")
      assert_fails(H.run({ "--config-file", conf, "--script-location", good, "--database-connection",
                           url, "upgrade", "head" }), 2,
        ERROR .. "invalid value 'maybe' for option 'transaction_per_migration' in [alembic] ("
        .. conf .. ":3): expected a boolean\n")
    end)

    case("a bad version_table name", function()
      local conf = H.tmpdir() .. "/tacker.conf"
      H.write(conf, "[alembic]\nversion_table = my-versions\n")
      assert_fails(H.run({ "--config-file", conf, "--script-location", good, "--database-connection",
                           url, "upgrade", "head" }), 2,
        ERROR .. "invalid [alembic] version_table 'my-versions'\n")
    end)

    case("a bad --lock-timeout", function()
      assert_fails(H.run({ "--lock-timeout", "soon", "--script-location", good, "--database-connection",
                           url, "upgrade", "head" }), 2,
        ERROR .. "--lock-timeout takes a number of seconds, not 'soon'\n")
    end)

    case("a bad URL is shown with its password masked, wherever it came from", function()
      local bad = "postgresql://bob:s3cret@host:x/db"
      local msg = ERROR .. "invalid database URL 'postgresql://bob:***@host:x/db': port 'x' is not a number\n"
      local conf = H.tmpdir() .. "/tacker.conf"
      H.write(conf, "[database]\nconnection = " .. bad .. "\n")
      for _, run in ipairs({
        { { "--database-connection", bad, "upgrade", "head" } },
        { { "-v", "--database-connection", bad, "current", "--verbose" } },
        { { "--database-connection", bad, "upgrade", "head", "--sql" } },
        { { "--config-file", conf, "upgrade", "head" } },
        { { "upgrade", "head" }, { env = { OS_DATABASE__CONNECTION = bad } } },
      }) do
        local args = { "--script-location", good }
        for _, a in ipairs(run[1]) do args[#args + 1] = a end
        local r = H.run(args, run[2])
        assert_fails(r, 2, msg)
        assert.is_nil(r.stdout:find("s3cret", 1, true))
        assert.is_nil(r.stderr:find("s3cret", 1, true))
      end
    end)

    case("a password never shows, whatever else goes wrong", function()
      for _, u in ipairs({
        "postgresql://bob:s3cret@127.0.0.1:1/db",
        "mysql+pymysql://bob:s3cret@127.0.0.1:1/db?charset=utf8mb4",
        "postgresql://bob:s3cret@/db?host=/nonexistent",
        "sqlite://bob:s3cret@/" .. H.tmpdir() .. "/no/such/dir/x.db",
      }) do
        for _, args in ipairs({ { "current" }, { "-v", "upgrade", "head" }, { "upgrade", "head", "--sql" } }) do
          local full = { "--script-location", good, "--database-connection", u }
          for _, a in ipairs(args) do full[#full + 1] = a end
          local r = H.run(full)
          assert.is_nil(r.stdout:find("s3cret", 1, true), u .. "\n" .. r.stdout)
          assert.is_nil(r.stderr:find("s3cret", 1, true), u .. "\n" .. r.stderr)
        end
      end
    end)

    case("an unknown dialect", function()
      local r = H.run({ "--script-location", good, "--database-connection", "oracle://bob:s3cret@host/db",
                        "upgrade", "head" })
      assert_fails(r, 2, ERROR .. "unsupported database dialect 'oracle' in URL 'oracle://bob:***@host/db': "
        .. "supported are sqlite, postgresql (or postgres), mysql and mariadb\n")
      r = H.run({ "--script-location", good, "--database-engine", "oracle", "upgrade", "head", "--sql" })
      assert_fails(r, 2, ERROR .. "unknown database engine 'oracle'\n")
      local conf = H.tmpdir() .. "/tacker.conf"
      H.write(conf, "[database]\nengine = oracle\n")
      r = H.run({ "--script-location", good, "--config-file", conf, "upgrade", "head", "--sql" })
      assert_fails(r, 2, ERROR .. "unknown database engine 'oracle'\n")
    end)
  end)

  describe("in the database", function()
    case("a lock held by another process times out", function()
      local release = H.hold_sqlite_lock(path)
      local ok, r = pcall(H.run, { "--lock-timeout", "0.3", "--script-location", good,
                                   "--database-connection", url, "upgrade", "head" })
      release()
      assert(ok, r)
      assert_fails(r, 1, CONTEXT .. ERROR .. "database is locked by another run (waited 0.3 s)\n")
      -- Once the lock is free the same run goes through.
      r = cli(good, url, { "upgrade", "head" })
      assert.are.equal(0, r.code, r.stderr)
      assert.are.equal("cc03 (head)\n", cli(good, url, { "current" }).stdout)
      cli(good, url, { "downgrade", "bb02" })
    end)

    case("a version table naming a revision not in the scripts", function()
      local scripts = good
      -- after_each's `current` needs scripts that know 'zzzz'.
      good = chain({ z = H.rev { "zzzz", down = "bb02" } })
      H.sqlite3(path, "UPDATE alembic_version SET version_num = 'zzzz'")
      before = snapshot(good, url, path)
      local msg = ERROR .. "the database is at revision 'zzzz', which is not in '" .. scripts
        .. "/versions'\n"
      assert_fails(cli(scripts, url, { "upgrade", "head" }), 2, CONTEXT .. msg)
      assert_fails(cli(scripts, url, { "downgrade", "base" }), 2, CONTEXT .. msg)
      assert_fails(cli(scripts, url, { "stamp", "aa01" }), 2, CONTEXT .. msg)
      assert_fails(cli(scripts, url, { "current" }), 2, msg)
    end)
  end)
end)
