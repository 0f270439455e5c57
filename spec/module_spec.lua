-- The Lua module API (require "dbmanage") on real SQLite databases:
-- connections, script sets, running revisions, SQL with named binds, the
-- inspector, and the connection's life cycle.
local H = require("helpers.host")
local dbm = H.dbm()

-- Revision source: creates table t_<id>, drops it on the way down.
local function table_rev(id, down, opts)
  opts = opts or {}
  return H.rev({
    id,
    down = down,
    labels = opts.labels,
    message = opts.message or ("create t_" .. id),
    up = opts.up or string.format(
      'op.create_table("t_%s", sa.Column("id", sa.Integer, { primary_key = true }))', id),
    down_fn = opts.down_fn == nil and string.format('op.drop_table("t_%s")', id) or opts.down_fn,
  })
end

-- aaa111 <- bbb222 <- ccc333 <- ddd444
local function chain_files()
  return {
    aaa111 = table_rev("aaa111", nil),
    bbb222 = table_rev("bbb222", "aaa111"),
    ccc333 = table_rev("ccc333", "bbb222"),
    ddd444 = table_rev("ddd444", "ccc333"),
  }
end

-- The t_* tables present, sorted.
local function user_tables(conn)
  local out = {}
  for _, name in ipairs(conn:inspect():get_table_names()) do
    if name:match("^t_") then out[#out + 1] = name end
  end
  return out
end

local function sorted(t)
  local copy = {}
  for i, v in ipairs(t) do copy[i] = v end
  table.sort(copy)
  return copy
end

-- The error message of calling fn(...), which must fail.
local function error_of(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error")
  return tostring(err)
end

describe("dbmanage module", function()
  teardown(function()
    H.cleanup()
  end)

  describe("dbm.connect", function()
    it("opens an in-memory database", function()
      local conn = dbm.connect("sqlite://")
      assert.equal("sqlite", conn.dialect)
      assert.same({}, conn:inspect():get_table_names())
      conn:close()
    end)

    it("gives every in-memory connection its own database", function()
      local a = dbm.connect("sqlite://")
      local b = dbm.connect("sqlite://")
      a:execute("CREATE TABLE only_in_a (x INTEGER)")
      assert.same({ "only_in_a" }, a:inspect():get_table_names())
      assert.same({}, b:inspect():get_table_names())
      a:close()
      b:close()
    end)

    it("creates a file database that a second connection sees", function()
      local url, path = H.sqlite_url()
      assert.is_false(H.exists(path))
      local conn = dbm.connect(url)
      conn:execute("CREATE TABLE kept (x INTEGER)")
      conn:execute("INSERT INTO kept (x) VALUES (:x)", { x = 7 })
      conn:close()
      assert.is_true(H.exists(path))
      local rows = H.query(url, "SELECT x FROM kept")
      assert.same({ 7 }, { rows[1].x })
    end)

    it("accepts sqlite:///:memory:", function()
      local conn = dbm.connect("sqlite:///:memory:")
      assert.equal("sqlite", conn.dialect)
      conn:close()
    end)

    it("rejects a malformed URL without showing its password", function()
      local err = error_of(dbm.connect, "postgresql://scott:s3cr3t@db.example:notaport/tacker")
      assert.equal("invalid database URL 'postgresql://scott:***@db.example:notaport/tacker': "
        .. "port 'notaport' is not a number", err)
      assert.is_nil(err:find("s3cr3t", 1, true))
    end)

    it("rejects a URL that is no URL", function()
      assert.equal("invalid database URL 'nonsense': expected dialect://...",
        error_of(dbm.connect, "nonsense"))
    end)

    it("rejects an unknown dialect and masks the password", function()
      local err = error_of(dbm.connect, "oracle://scott:tiger@db.example/orcl")
      assert.equal("unsupported database dialect 'oracle' in URL 'oracle://scott:***@db.example/orcl': "
        .. "supported are sqlite, postgresql (or postgres), mysql and mariadb", err)
      assert.is_nil(err:find("tiger", 1, true))
    end)

    it("says why a database file cannot be opened", function()
      local dir = H.tmpdir()
      local url = "sqlite:///" .. dir .. "/missing/dir/x.db"
      assert.equal("cannot open database '" .. url .. "': unable to open database file",
        error_of(dbm.connect, url))
    end)

    it("checks its argument", function()
      assert.matches("bad argument #1 to '[%w.]*connect' %(string expected, got no value%)",
        error_of(dbm.connect))
    end)
  end)

  describe("dbm.scripts", function()
    local scripts

    setup(function()
      local files = chain_files()
      files.bbb222 = table_rev("bbb222", "aaa111", { labels = { "second" }, message = "the second" })
      scripts = dbm.scripts(H.scripts_dir(files))
    end)

    it("lists heads, bases and every revision base first", function()
      assert.same({ "ddd444" }, scripts:heads())
      assert.same({ "aaa111" }, scripts:bases())
      assert.same({ "aaa111", "bbb222", "ccc333", "ddd444" }, scripts:revisions())
    end)

    it("resolves every target form", function()
      assert.same({ "ddd444" }, scripts:resolve("head"))
      assert.same({ "ddd444" }, scripts:resolve("heads"))
      assert.same({}, scripts:resolve("base"))
      assert.same({ "ccc333" }, scripts:resolve("ccc333"))
      assert.same({ "ccc333" }, scripts:resolve("ccc3"))
      assert.same({ "aaa111" }, scripts:resolve("+1"))
      assert.same({ "ccc333" }, scripts:resolve("+2", { "aaa111" }))
      assert.same({ "aaa111" }, scripts:resolve("-2", { "ccc333" }))
      assert.same({ "ddd444" }, scripts:resolve("bbb222+2"))
      assert.same({ "ddd444" }, scripts:resolve("second@head"))
      assert.same({ "bbb222" }, scripts:resolve("second"))
    end)

    it("names the culprit when it cannot resolve", function()
      assert.equal("no such revision or branch 'zzz9'", error_of(scripts.resolve, scripts, "zzz9"))
      assert.equal("relative revision '+5' goes past the head 'ddd444'",
        error_of(scripts.resolve, scripts, "+5"))
      assert.equal("relative revision '-1' needs a current revision; there is none",
        error_of(scripts.resolve, scripts, "-1"))
      assert.equal("no such revision 'nope'", error_of(scripts.resolve, scripts, "head", { "nope" }))
    end)

    it("describes one revision", function()
      local r = scripts:get("bbb2")
      assert.equal("bbb222", r.revision)
      assert.same({ "aaa111" }, r.down_revision)
      assert.same({ "second" }, r.branch_labels)
      assert.same({}, r.depends_on)
      assert.equal("the second", r.message)
      assert.is_false(r.is_head)
      assert.matches("/versions/bbb222%.lua$", r.path)
      assert.is_true(scripts:get("ddd444").is_head)
      assert.same({}, scripts:get("aaa111").down_revision)
    end)

    it("reports an ambiguous prefix", function()
      local s = dbm.scripts(H.scripts_dir({
        abc1 = table_rev("abc1", nil),
        abc2 = table_rev("abc2", "abc1"),
      }))
      assert.equal("multiple revisions start with 'abc': 'abc1', 'abc2'",
        error_of(s.get, s, "abc"))
    end)

    describe("rejects a broken directory", function()
      it("that does not exist", function()
        local dir = H.tmpdir() .. "/nope"
        assert.equal("script location '" .. dir .. "' is not a directory",
          error_of(dbm.scripts, dir))
      end)

      it("without a versions directory", function()
        local dir = H.tmpdir()
        assert.matches("^cannot open directory '" .. dir:gsub("%p", "%%%0") .. "/versions': ",
          error_of(dbm.scripts, dir))
      end)

      it("with a Lua syntax error, naming file and line", function()
        local dir = H.scripts_dir({ aaa111 = "return {\n  revision = 'aaa111',\n  oops oops\n}\n" })
        assert.matches("versions/aaa111%.lua:3: ", error_of(dbm.scripts, dir))
      end)

      it("with a revision that raises while loading, naming file and line", function()
        local dir = H.scripts_dir({ aaa111 = "\nerror('broken on purpose')\n" })
        assert.matches("versions/aaa111%.lua:2: broken on purpose$", error_of(dbm.scripts, dir))
      end)

      it("with a file that returns no table", function()
        local dir = H.scripts_dir({ aaa111 = "return 42\n" })
        assert.equal("'" .. dir .. "/versions/aaa111.lua' must return a table, not number",
          error_of(dbm.scripts, dir))
      end)

      it("with a revision without upgrade", function()
        local dir = H.scripts_dir({ aaa111 = "return { revision = 'aaa111' }\n" })
        assert.equal("'" .. dir .. "/versions/aaa111.lua': field 'upgrade' must be a function",
          error_of(dbm.scripts, dir))
      end)

      it("with a bad revision id", function()
        local dir = H.scripts_dir({ bad = table_rev("a-b", nil) })
        assert.equal("'" .. dir .. "/versions/bad.lua': revision id 'a-b' must be 1 to 32 letters, digits or '_'",
          error_of(dbm.scripts, dir))
      end)

      it("with a missing parent", function()
        local dir = H.scripts_dir({ bbb222 = table_rev("bbb222", "aaa111") })
        assert.equal("revision 'aaa111' referenced from 'bbb222' is not present",
          error_of(dbm.scripts, dir))
      end)

      it("with a duplicate id", function()
        local dir = H.scripts_dir({ one = table_rev("aaa111", nil), two = table_rev("aaa111", nil) })
        assert.equal("revision 'aaa111' is present more than once: '" .. dir .. "/versions/one.lua' and '"
          .. dir .. "/versions/two.lua'", error_of(dbm.scripts, dir))
      end)

      it("with a cycle", function()
        local dir = H.scripts_dir({
          aaa111 = table_rev("aaa111", "bbb222"),
          bbb222 = table_rev("bbb222", "aaa111"),
        })
        local err = error_of(dbm.scripts, dir)
        assert.matches("cycle", err)
        assert.matches("aaa111", err)
        assert.matches("bbb222", err)
      end)
    end)
  end)

  describe("upgrade, downgrade, stamp and current", function()
    local scripts, conn

    setup(function()
      scripts = dbm.scripts(H.scripts_dir(chain_files()))
    end)

    before_each(function()
      conn = dbm.connect("sqlite://")
    end)

    after_each(function()
      conn:close()
    end)

    it("reads no revision from a fresh database", function()
      assert.same({}, conn:current())
    end)

    it("upgrades to head and downgrades to base", function()
      conn:upgrade(scripts, "head")
      assert.same({ "ddd444" }, conn:current())
      assert.same({ "t_aaa111", "t_bbb222", "t_ccc333", "t_ddd444" }, user_tables(conn))
      conn:downgrade(scripts, "base")
      assert.same({}, conn:current())
      assert.same({}, user_tables(conn))
      -- the version table stays, empty, as Alembic leaves it
      assert.is_true(conn:inspect():has_table("alembic_version"))
    end)

    it("keeps Alembic's version table", function()
      conn:upgrade(scripts, "aaa111")
      local insp = conn:inspect()
      assert.same({ { name = "version_num", type = "VARCHAR(32)", nullable = false, primary_key = true } },
        insp:get_columns("alembic_version"))
      assert.same({ name = "alembic_version_pkc", constrained_columns = { "version_num" } },
        insp:get_pk_constraint("alembic_version"))
      local rows = conn:query("SELECT version_num FROM alembic_version")
      assert.equal(1, #rows)
      assert.equal("aaa111", rows[1].version_num)
    end)

    it("upgrades with heads", function()
      conn:upgrade(scripts, "heads")
      assert.same({ "ddd444" }, conn:current())
    end)

    it("goes to a full id, then a prefix, both ways", function()
      conn:upgrade(scripts, "bbb222")
      assert.same({ "bbb222" }, conn:current())
      assert.same({ "t_aaa111", "t_bbb222" }, user_tables(conn))
      conn:upgrade(scripts, "ddd4")
      assert.same({ "ddd444" }, conn:current())
      -- upgrading to an applied revision changes nothing, as in Alembic
      conn:upgrade(scripts, "bbb222")
      assert.same({ "ddd444" }, conn:current())
      assert.same({ "t_aaa111", "t_bbb222", "t_ccc333", "t_ddd444" }, user_tables(conn))
      conn:downgrade(scripts, "aaa1")
      assert.same({ "aaa111" }, conn:current())
      assert.same({ "t_aaa111" }, user_tables(conn))
      conn:downgrade(scripts, "aaa111")
      assert.same({ "aaa111" }, conn:current())
    end)

    it("walks relative steps +N and -N", function()
      conn:upgrade(scripts, "+1")
      assert.same({ "aaa111" }, conn:current())
      conn:upgrade(scripts, "+2")
      assert.same({ "ccc333" }, conn:current())
      conn:downgrade(scripts, "-1")
      assert.same({ "bbb222" }, conn:current())
      conn:upgrade(scripts, "aaa111+3")
      assert.same({ "ddd444" }, conn:current())
      conn:downgrade(scripts, "-4")
      assert.same({}, conn:current())
      assert.same({}, user_tables(conn))
    end)

    it("refuses to walk past the head", function()
      conn:upgrade(scripts, "ccc333")
      assert.equal("relative revision '+2' goes past the head 'ddd444'",
        error_of(conn.upgrade, conn, scripts, "+2"))
      assert.same({ "ccc333" }, conn:current())
    end)

    it("downgrades with -N only from a current revision", function()
      assert.equal("relative revision '-1' needs a current revision; there is none",
        error_of(conn.downgrade, conn, scripts, "-1"))
    end)

    it("refuses a downgrade target above the current revision", function()
      conn:upgrade(scripts, "aaa111")
      assert.equal("revision 'ccc333' is not an ancestor of the current revision(s) 'aaa111'",
        error_of(conn.downgrade, conn, scripts, "ccc333"))
    end)

    it("names a missing revision", function()
      assert.equal("no such revision or branch 'fff0'", error_of(conn.upgrade, conn, scripts, "fff0"))
      assert.same({}, user_tables(conn))
    end)

    it("stamps without running revisions", function()
      conn:stamp(scripts, "ccc333")
      assert.same({ "ccc333" }, conn:current())
      assert.same({}, user_tables(conn))
      conn:upgrade(scripts, "head") -- runs ddd444 only
      assert.same({ "t_ddd444" }, user_tables(conn))
      conn:stamp(scripts, "bbb2")
      assert.same({ "bbb222" }, conn:current())
      conn:stamp(scripts, "+1")
      assert.same({ "ccc333" }, conn:current())
      conn:stamp(scripts, "ddd444")
      conn:stamp(scripts, "base")
      assert.same({}, conn:current())
      assert.same({ "t_ddd444" }, user_tables(conn))
    end)

    it("stamps over an unknown revision with purge", function()
      conn:upgrade(scripts, "aaa111")
      conn:execute("UPDATE alembic_version SET version_num = 'gone99'")
      assert.same({ "gone99" }, conn:current())
      assert.matches("the database is at revision 'gone99', which is not in '.*/versions'",
        error_of(conn.stamp, conn, scripts, "bbb222"))
      conn:stamp(scripts, "bbb222", { purge = true })
      assert.same({ "bbb222" }, conn:current())
    end)

    it("uses another version table when told", function()
      conn:upgrade(scripts, "bbb222", { version_table = "my_versions" })
      assert.same({ "bbb222" }, conn:current("my_versions"))
      assert.same({}, conn:current())
      assert.is_false(conn:inspect():has_table("alembic_version"))
      conn:downgrade(scripts, "aaa111", { version_table = "my_versions" })
      assert.same({ "aaa111" }, conn:current("my_versions"))
    end)

    it("names the first revision without a downgrade and changes nothing", function()
      local files = chain_files()
      files.bbb222 = table_rev("bbb222", "aaa111", { down_fn = false })
      local s = dbm.scripts(H.scripts_dir(files))
      conn:upgrade(s, "head")
      local err = error_of(conn.downgrade, conn, s, "base")
      assert.matches("^cannot downgrade: revision 'bbb222' %('.*/versions/bbb222%.lua'%) has no downgrade$", err)
      assert.same({ "ddd444" }, conn:current())
      assert.same({ "t_aaa111", "t_bbb222", "t_ccc333", "t_ddd444" }, user_tables(conn))
    end)

    it("checks its arguments", function()
      assert.matches("bad argument #2 to '.-' %(dbmanage.scripts expected, got string%)",
        error_of(conn.upgrade, conn, "head"))
      assert.matches("bad argument #3 to '.-' %(string expected, got no value%)",
        error_of(conn.upgrade, conn, scripts))
      assert.matches("bad argument #1 to '.-' %(dbmanage.connection expected, got string%)",
        error_of(conn.query, "SELECT 1"))
    end)

    it("works on a file database across connections", function()
      local url = H.sqlite_url()
      local a = dbm.connect(url)
      a:upgrade(scripts, "bbb222")
      a:close()
      local b = dbm.connect(url)
      assert.same({ "bbb222" }, b:current())
      b:upgrade(scripts, "head")
      b:close()
      local rows = H.query(url, "SELECT version_num FROM alembic_version")
      assert.equal(1, #rows)
      assert.equal("ddd444", rows[1].version_num)
    end)
  end)

  describe("branches", function()
    -- r0 <- r1a (alpha) <- r2a ; r0 <- r1b (beta)
    local scripts, conn

    setup(function()
      scripts = dbm.scripts(H.scripts_dir({
        r0 = table_rev("r0", nil),
        r1a = table_rev("r1a", "r0", { labels = { "alpha" } }),
        r2a = table_rev("r2a", "r1a"),
        r1b = table_rev("r1b", "r0", { labels = { "beta" } }),
      }))
    end)

    before_each(function()
      conn = dbm.connect("sqlite://")
    end)

    after_each(function()
      conn:close()
    end)

    it("lists both heads", function()
      assert.same({ "r1b", "r2a" }, sorted(scripts:heads()))
      assert.same({ "r0" }, scripts:bases())
    end)

    it("refuses head when there are several", function()
      assert.equal("multiple head revisions are present for given argument 'head'; please specify a "
        .. "specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' "
        .. "for all heads", error_of(conn.upgrade, conn, scripts, "head"))
      assert.same({}, conn:current())
    end)

    it("upgrades one branch with label@head", function()
      conn:upgrade(scripts, "alpha@head")
      assert.same({ "r2a" }, conn:current())
      assert.same({ "t_r0", "t_r1a", "t_r2a" }, user_tables(conn))
      conn:upgrade(scripts, "beta@head")
      assert.same({ "r1b", "r2a" }, sorted(conn:current()))
    end)

    it("upgrades every branch with heads and back to base", function()
      conn:upgrade(scripts, "heads")
      assert.same({ "r1b", "r2a" }, sorted(conn:current()))
      assert.same({ "t_r0", "t_r1a", "t_r1b", "t_r2a" }, user_tables(conn))
      -- only the branch above r1a goes: r1b stays, as in Alembic
      conn:downgrade(scripts, "r1a")
      assert.same({ "r1a", "r1b" }, sorted(conn:current()))
      assert.same({ "t_r0", "t_r1a", "t_r1b" }, user_tables(conn))
      conn:downgrade(scripts, "base")
      assert.same({}, conn:current())
      assert.same({}, user_tables(conn))
    end)

    it("stamps both heads", function()
      conn:stamp(scripts, "heads")
      assert.same({ "r1b", "r2a" }, sorted(conn:current()))
      assert.same({}, user_tables(conn))
    end)
  end)

  describe("transactions", function()
    -- ccc333 creates its table, then fails.
    local scripts

    setup(function()
      local files = chain_files()
      files.ccc333 = table_rev("ccc333", "bbb222", { up = [[
    op.create_table("t_ccc333", sa.Column("id", sa.Integer, { primary_key = true }))
    op.execute("INSERT INTO no_such_table (x) VALUES (1)")
]] })
      scripts = dbm.scripts(H.scripts_dir(files))
    end)

    local function failing_run(url, opts)
      local conn = dbm.connect(url)
      local err = error_of(conn.upgrade, conn, scripts, "head", opts)
      conn:close()
      return err
    end

    it("names the revision, the file and line, and the statement", function()
      local err = failing_run("sqlite://")
      assert.matches("^upgrade of revision 'ccc333' failed: .*versions/ccc333%.lua:9: "
        .. "no such table: no_such_table %[SQL: INSERT INTO no_such_table %(x%) VALUES %(1%)%]$", err)
    end)

    it("commits each revision by default: the first two stay", function()
      local url = H.sqlite_url()
      failing_run(url)
      local conn = dbm.connect(url)
      assert.same({ "bbb222" }, conn:current())
      assert.same({ "t_aaa111", "t_bbb222" }, user_tables(conn))
      conn:close()
    end)

    it("commits each revision with transaction_per_migration = true", function()
      local url = H.sqlite_url()
      failing_run(url, { transaction_per_migration = true })
      local conn = dbm.connect(url)
      assert.same({ "bbb222" }, conn:current())
      assert.same({ "t_aaa111", "t_bbb222" }, user_tables(conn))
      conn:close()
    end)

    it("rolls the whole run back with transaction_per_migration = false", function()
      local url = H.sqlite_url()
      failing_run(url, { transaction_per_migration = false })
      local conn = dbm.connect(url)
      assert.same({}, conn:current())
      assert.same({}, user_tables(conn))
      conn:close()
    end)

    it("leaves the connection usable after a failed run", function()
      local conn = dbm.connect("sqlite://")
      error_of(conn.upgrade, conn, scripts, "head")
      assert.same({ "bbb222" }, conn:current())
      conn:execute("CREATE TABLE after_failure (x INTEGER)")
      assert.is_true(conn:inspect():has_table("after_failure"))
      conn:downgrade(scripts, "base")
      assert.same({}, user_tables(conn))
      conn:close()
    end)
  end)

  describe("the log callback", function()
    local scripts

    setup(function()
      local files = chain_files()
      files.bbb222 = table_rev("bbb222", "aaa111", {
        message = "the second",
        up = [[print("made", 2, "tables", nil, true)]],
        down_fn = [[print("unmade")]],
      })
      scripts = dbm.scripts(H.scripts_dir(files))
    end)

    local function capture()
      local lines = {}
      return lines, function(level, logger, msg)
        lines[#lines + 1] = level .. " [" .. logger .. "] " .. msg
      end
    end

    it("receives Alembic's lines for an upgrade and print() output", function()
      local conn = dbm.connect("sqlite://")
      local lines, log = capture()
      conn:upgrade(scripts, "bbb222", { log = log })
      assert.same({
        "INFO [alembic.runtime.migration] Context impl SQLiteImpl.",
        "INFO [alembic.runtime.migration] Will assume non-transactional DDL.",
        "INFO [alembic.runtime.migration] Running upgrade  -> aaa111, create t_aaa111",
        "INFO [alembic.runtime.migration] Running upgrade aaa111 -> bbb222, the second",
        "INFO [alembic.runtime.migration] made\t2\ttables\tnil\ttrue",
      }, lines)
      conn:close()
    end)

    it("receives the downgrade and stamp lines", function()
      local conn = dbm.connect("sqlite://")
      conn:upgrade(scripts, "bbb222")
      local lines, log = capture()
      conn:downgrade(scripts, "base", { log = log })
      assert.same({
        "INFO [alembic.runtime.migration] Context impl SQLiteImpl.",
        "INFO [alembic.runtime.migration] Will assume non-transactional DDL.",
        "INFO [alembic.runtime.migration] Running downgrade bbb222 -> aaa111, the second",
        "INFO [alembic.runtime.migration] unmade",
        "INFO [alembic.runtime.migration] Running downgrade aaa111 -> , create t_aaa111",
      }, lines)
      lines, log = capture()
      conn:stamp(scripts, "ddd444", { log = log })
      assert.same({
        "INFO [alembic.runtime.migration] Context impl SQLiteImpl.",
        "INFO [alembic.runtime.migration] Will assume non-transactional DDL.",
        "INFO [alembic.runtime.migration] Running stamp_revision  -> ddd444",
      }, lines)
      conn:close()
    end)

    it("is quiet without a callback, and a failing callback breaks nothing", function()
      local conn = dbm.connect("sqlite://")
      conn:upgrade(scripts, "aaa111")
      conn:upgrade(scripts, "head", { log = function() error("logger is broken") end })
      assert.same({ "ddd444" }, conn:current())
      conn:close()
    end)
  end)

  describe("execute and query", function()
    local conn

    before_each(function()
      conn = dbm.connect("sqlite://")
      conn:execute([[CREATE TABLE vals (
        i INTEGER, r FLOAT, s VARCHAR(20), b BOOLEAN, bl BLOB, n VARCHAR(20))]])
    end)

    after_each(function()
      conn:close()
    end)

    it("returns rows keyed by name and by position, with the column names", function()
      conn:execute("INSERT INTO vals (i, s) VALUES (1, 'one')")
      conn:execute("INSERT INTO vals (i, s) VALUES (2, 'two')")
      local rows = conn:query("SELECT i, s FROM vals ORDER BY i")
      assert.equal(2, #rows)
      assert.same({ "i", "s" }, rows.columns)
      assert.same({ 1, "one", i = 1, s = "one" }, rows[1])
      assert.same({ 2, "two", i = 2, s = "two" }, rows[2])
    end)

    it("returns no rows as an empty list", function()
      local rows = conn:query("SELECT i FROM vals")
      assert.equal(0, #rows)
      assert.same({ "i" }, rows.columns)
    end)

    it("round-trips integers, floats, strings, booleans, blobs and NULL", function()
      local blob = "\0\1\2\255\254binary\0"
      conn:execute("INSERT INTO vals (i, r, s, b, bl, n) VALUES (:i, :r, :s, :b, :bl, :n)",
        { i = 9007199254740993, r = 2.5, s = "héllo 'quoted'", b = true, bl = blob, n = dbm.null })
      conn:execute("INSERT INTO vals (i, r, s, b, bl, n) VALUES (:i, :r, :s, :b, :bl, :n)",
        { i = -3, r = -0.125, s = "", b = false, bl = "", n = dbm.sa.null })
      local rows = conn:query("SELECT i, r, s, b, bl, n, typeof(n) AS tn, typeof(s) AS ts, typeof(bl) AS tbl "
        .. "FROM vals ORDER BY i DESC")
      local r1, r2 = rows[1], rows[2]
      assert.equal(9007199254740993, r1.i)
      assert.equal("integer", math.type(r1.i))
      assert.equal(2.5, r1.r)
      assert.equal("float", math.type(r1.r))
      assert.equal("héllo 'quoted'", r1.s)
      assert.equal(1, r1.b)
      assert.equal(blob, r1.bl)
      -- a string that is no text (not UTF-8, or with NUL) binds as a blob
      assert.same({ "text", "blob" }, { r1.ts, r1.tbl })
      assert.is_nil(r1.n)
      assert.equal("null", r1.tn)
      assert.equal(-3, r2.i)
      assert.equal(-0.125, r2.r)
      assert.equal("", r2.s)
      assert.equal(0, r2.b)
      assert.equal("", r2.bl)
      assert.equal("null", r2.tn)
    end)

    it("binds text and bytes by what they hold", function()
      local cases = {
        { "plain", "text" }, { "", "text" }, { "héllo €𝄞", "text" },
        { "a\0b", "blob" }, { "\255", "blob" }, { "\xC3", "blob" }, { "\xC0\x80", "blob" },
        { "\xED\xA0\x80", "blob" }, { "\xF4\x90\x80\x80", "blob" },
      }
      for _, case in ipairs(cases) do
        local row = conn:query("SELECT typeof(:v) AS t, :v AS v", { v = case[1] })[1]
        assert.same({ case[2], case[1] }, { row.t, row.v })
      end
    end)

    it("reads blobs written as SQL literals", function()
      conn:execute("INSERT INTO vals (bl) VALUES (X'00FF10')")
      local rows = conn:query("SELECT bl, typeof(bl) AS t FROM vals")
      assert.equal("\0\255\16", rows[1].bl)
      assert.equal("blob", rows[1].t)
    end)

    it("binds a name used twice", function()
      local rows = conn:query("SELECT :x + :x AS twice, :x AS once", { x = 21 })
      assert.same({ 42, 21 }, { rows[1].twice, rows[1].once })
    end)

    it("leaves colons in strings and casts alone", function()
      local rows = conn:query("SELECT ':notabind' AS a, :v AS b", { v = "x" })
      assert.same({ ":notabind", "x" }, { rows[1].a, rows[1].b })
    end)

    it("takes sa.text as the statement", function()
      conn:execute(dbm.sa.text("INSERT INTO vals (i) VALUES (:i)"), { i = 5 })
      assert.equal(5, conn:query(dbm.sa.text("SELECT i FROM vals"))[1].i)
    end)

    it("names a missing parameter", function()
      assert.equal("no value for bind parameter 'b'",
        error_of(conn.execute, conn, "INSERT INTO vals (i, s) VALUES (:a, :b)", { a = 1 }))
      assert.equal("no value for bind parameter 'a'",
        error_of(conn.query, conn, "SELECT :a AS a"))
      assert.equal(0, #conn:query("SELECT * FROM vals"))
    end)

    it("names a parameter that has no SQL value", function()
      assert.equal("bind parameter 'a' has no SQL value",
        error_of(conn.execute, conn, "INSERT INTO vals (i) VALUES (:a)", { a = {} }))
    end)

    it("reports the database's error with the statement", function()
      assert.equal("no such table: nope [SQL: SELECT * FROM nope]",
        error_of(conn.query, conn, "SELECT * FROM nope"))
      assert.equal('near "nonsense": syntax error [SQL: nonsense sql]',
        error_of(conn.execute, conn, "nonsense sql"))
    end)

    it("runs one statement per call", function()
      assert.equal("only one statement per call: 'SELECT 2' [SQL: SELECT 1; SELECT 2]",
        error_of(conn.execute, conn, "SELECT 1; SELECT 2"))
    end)

    it("returns nothing from execute", function()
      assert.equal(0, select("#", conn:execute("INSERT INTO vals (i) VALUES (1)")))
    end)
  end)

  describe("the connection's life", function()
    it("closes idempotently", function()
      local conn = dbm.connect("sqlite://")
      conn:close()
      conn:close()
      assert.equal("sqlite", conn.dialect)
    end)

    it("refuses use after close", function()
      local scripts = dbm.scripts(H.scripts_dir(chain_files()))
      local conn = dbm.connect("sqlite://")
      local insp = conn:inspect()
      conn:close()
      assert.equal("connection is closed", error_of(conn.query, conn, "SELECT 1"))
      assert.equal("connection is closed", error_of(conn.execute, conn, "SELECT 1"))
      assert.equal("connection is closed", error_of(conn.current, conn))
      assert.equal("connection is closed", error_of(conn.upgrade, conn, scripts, "head"))
      assert.equal("connection is closed", error_of(conn.downgrade, conn, scripts, "base"))
      assert.equal("connection is closed", error_of(conn.stamp, conn, scripts, "head"))
      assert.equal("connection is closed", error_of(conn.inspect, conn))
      -- an inspector taken before the close sees it too
      assert.equal("connection is closed", error_of(insp.get_table_names, insp))
      assert.equal("connection is closed", error_of(insp.get_columns, insp, "t"))
    end)

    it("closes a <close> variable at the end of its scope", function()
      local url = H.sqlite_url()
      local kept
      do
        local conn <close> = dbm.connect(url)
        conn:execute("CREATE TABLE scoped (x INTEGER)")
        kept = conn
      end
      assert.equal("connection is closed", error_of(kept.query, kept, "SELECT 1"))
      assert.same({ "scoped" }, (function()
        local c <close> = dbm.connect(url)
        return c:inspect():get_table_names()
      end)())
    end)

    it("closes a <close> variable when an error leaves the scope", function()
      local kept
      local ok, err = pcall(function()
        local conn <close> = dbm.connect("sqlite://")
        kept = conn
        error("leaving")
      end)
      assert.is_false(ok)
      assert.matches("leaving", err)
      assert.equal("connection is closed", error_of(kept.query, kept, "SELECT 1"))
    end)

    it("is collected unclosed without harm", function()
      local url = H.sqlite_url()
      local scripts = dbm.scripts(H.scripts_dir(chain_files()))
      do
        local conn = dbm.connect(url)
        conn:upgrade(scripts, "bbb222")
        local insp = conn:inspect()
        conn = nil -- the inspector keeps it alive
        collectgarbage("collect")
        assert.same({ "alembic_version", "t_aaa111", "t_bbb222" }, insp:get_table_names())
        insp = nil -- luacheck: ignore
      end
      for _ = 1, 3 do
        dbm.connect("sqlite://"):execute("CREATE TABLE garbage (x INTEGER)")
      end
      collectgarbage("collect")
      collectgarbage("collect")
      -- the collected connection released the file: another one writes to it
      local conn = dbm.connect(url)
      conn:upgrade(scripts, "head")
      assert.same({ "ddd444" }, conn:current())
      conn:close()
    end)

    it("lets a script set be collected while connections live", function()
      local conn = dbm.connect("sqlite://")
      do
        local scripts = dbm.scripts(H.scripts_dir(chain_files()))
        conn:upgrade(scripts, "aaa111")
      end
      collectgarbage("collect")
      assert.same({ "aaa111" }, conn:current())
      conn:close()
    end)
  end)

  describe("the inspector", function()
    local conn, insp

    setup(function()
      conn = dbm.connect("sqlite://")
      conn:execute([[CREATE TABLE parent (
        id INTEGER NOT NULL,
        code VARCHAR(10) NOT NULL,
        CONSTRAINT pk_parent PRIMARY KEY (id),
        CONSTRAINT uq_parent_code UNIQUE (code))]])
      conn:execute([[CREATE TABLE child (
        id INTEGER NOT NULL,
        parent_id INTEGER,
        qty NUMERIC(10, 2) DEFAULT '0' NOT NULL,
        note TEXT,
        created DATETIME DEFAULT (CURRENT_TIMESTAMP),
        PRIMARY KEY (id),
        CONSTRAINT fk_child_parent FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE CASCADE,
        CONSTRAINT ck_child_qty CHECK (qty >= 0))]])
      conn:execute("CREATE INDEX ix_child_note ON child (note, qty)")
      conn:execute("CREATE UNIQUE INDEX ux_child_parent ON child (parent_id)")
      insp = conn:inspect()
    end)

    teardown(function()
      conn:close()
    end)

    it("lists tables by name and answers has_table", function()
      assert.same({ "child", "parent" }, insp:get_table_names())
      assert.is_true(insp:has_table("child"))
      assert.is_false(insp:has_table("nope"))
    end)

    it("describes columns", function()
      assert.same({
        { name = "id", type = "INTEGER", nullable = false, primary_key = true },
        { name = "parent_id", type = "INTEGER", nullable = true, primary_key = false },
        { name = "qty", type = "NUMERIC(10, 2)", nullable = false, default = "'0'", primary_key = false },
        { name = "note", type = "TEXT", nullable = true, primary_key = false },
        { name = "created", type = "DATETIME", nullable = true, default = "CURRENT_TIMESTAMP",
          primary_key = false },
      }, insp:get_columns("child"))
    end)

    it("describes the primary key", function()
      assert.same({ name = "pk_parent", constrained_columns = { "id" } }, insp:get_pk_constraint("parent"))
      assert.same({ constrained_columns = { "id" } }, insp:get_pk_constraint("child"))
    end)

    it("describes foreign keys", function()
      assert.same({ {
        name = "fk_child_parent",
        constrained_columns = { "parent_id" },
        referred_table = "parent",
        referred_columns = { "id" },
        options = { ondelete = "CASCADE" },
      } }, insp:get_foreign_keys("child"))
      assert.same({}, insp:get_foreign_keys("parent"))
    end)

    it("describes unique and check constraints", function()
      assert.same({ { name = "uq_parent_code", column_names = { "code" } } },
        insp:get_unique_constraints("parent"))
      assert.same({ { name = "ck_child_qty", sqltext = "qty >= 0" } }, insp:get_check_constraints("child"))
      assert.same({}, insp:get_check_constraints("parent"))
    end)

    it("describes indexes, without the automatic ones", function()
      local ixs = insp:get_indexes("child")
      table.sort(ixs, function(a, b) return a.name < b.name end)
      assert.same({
        { name = "ix_child_note", column_names = { "note", "qty" }, unique = false },
        { name = "ux_child_parent", column_names = { "parent_id" }, unique = true },
      }, ixs)
      assert.same({}, insp:get_indexes("parent"))
    end)

    it("names a missing table", function()
      assert.equal("no such table 'nope'", error_of(insp.get_columns, insp, "nope"))
      assert.equal("no such table 'nope'", error_of(insp.get_indexes, insp, "nope"))
    end)

    it("sees the connection's later changes", function()
      conn:execute("CREATE TABLE later (x INTEGER)")
      assert.is_true(insp:has_table("later"))
      conn:execute("DROP TABLE later")
      assert.is_false(insp:has_table("later"))
    end)
  end)
end)
