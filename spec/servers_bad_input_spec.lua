-- Bad input on the PostgreSQL and MariaDB servers: a wrong password, a
-- port nobody listens on, a host that does not resolve, a database that
-- does not exist, a session killed in the middle of a revision and a
-- server stopped in the middle of a run. Each ends with one ERROR line
-- (the URL's password masked), exit 1, and a database as consistent as the
-- server allows.
local H = require("helpers.host")
local S = require("helpers.servers")

local MIGRATION = "INFO  [alembic.runtime.migration] "
local ERROR = "ERROR [tacker_db_manage] "
local CONTEXT = {
  postgresql = MIGRATION .. "Context impl PostgresqlImpl.\n" .. MIGRATION .. "Will assume transactional DDL.\n",
  mysql = MIGRATION .. "Context impl MySQLImpl.\n" .. MIGRATION .. "Will assume non-transactional DDL.\n",
}
local SLEEP = {
  postgresql = function(s) return "SELECT pg_sleep(" .. s .. ")" end,
  mysql = function(s) return "SELECT SLEEP(" .. s .. ")" end,
}
local WRONG = "Wr0ng-s3cret"

local function basename(path)
  return path:match("([^/]+)$")
end

local function escape(s)
  return (s:gsub("%p", "%%%0"))
end

-- foo, then a revision that creates bar and sleeps.
local function sleepy(dialect, seconds)
  return H.scripts_dir({
    a1 = H.rev { "aa01", message = "create foo",
      up = [[op.create_table("foo", sa.Column("id", sa.Integer))]] },
    b2 = H.rev { "bb02", down = "aa01", message = "slow", up = [[
    op.create_table("bar", sa.Column("id", sa.Integer))
    op.execute("]] .. SLEEP[dialect](seconds) .. [[")
]] },
    c3 = H.rev { "cc03", down = "bb02", message = "create baz",
      up = [[op.create_table("baz", sa.Column("id", sa.Integer))]] },
  })
end

local function chain()
  return H.scripts_dir({
    a1 = H.rev { "aa01", message = "create foo",
      up = [[op.create_table("foo", sa.Column("id", sa.Integer))]] },
  })
end

-- A failed run: exit 1, nothing on stdout, stderr ends with one ERROR line
-- and holds no other line but the expected INFO lines; no password.
local function assert_one_line_failure(r, info, password)
  assert.are.equal(1, r.code, "exit code; stderr:\n" .. r.stderr)
  assert.are.equal("", r.stdout)
  assert.are.equal(info, r.stderr:sub(1, #info), r.stderr)
  local rest = r.stderr:sub(#info + 1)
  assert.matches("^" .. escape(ERROR) .. "[^\n]+\n$", rest)
  if password then
    assert.is_nil(r.stderr:find(password, 1, true), r.stderr)
  end
  return rest
end

for _, dialect in ipairs({ "postgresql", "mysql" }) do
  describe("bad input on " .. dialect, function()
    local p

    before_each(function()
      p = S.parts(dialect)
    end)

    after_each(function()
      H.cleanup()
    end)

    -- The messages of a failed connection, for the CLI and the module.
    local function assert_cannot_connect(url, reason)
      local shown = S.masked(url)
      local want = "cannot connect to '" .. shown .. "': " .. reason
      for _, args in ipairs({ { "upgrade", "head" }, { "current" }, { "stamp", "aa01" },
                              { "-v", "downgrade", "base" } }) do
        local full = { "--script-location", chain(), "--database-connection", url }
        for _, a in ipairs(args) do full[#full + 1] = a end
        local r = H.run(full)
        assert.are.equal(1, r.code, r.stderr)
        assert.are.equal("", r.stdout)
        assert.are.equal(ERROR .. want .. "\n", r.stderr)
        assert.is_nil(r.stderr:find(p.password, 1, true))
        assert.is_nil(r.stderr:find(WRONG, 1, true))
      end
      local ok, err = pcall(H.dbm().connect, url)
      assert.is_false(ok)
      assert.are.equal(want, tostring(err))
    end

    it("a wrong password", function()
      local url = dialect == "postgresql"
        and "postgresql+psycopg2://dbm:" .. WRONG .. "@127.0.0.1:" .. p.port .. "/postgres"
        or "mysql+pymysql://dbm:" .. WRONG .. "@127.0.0.1:" .. p.port .. "/mysql?charset=utf8mb4"
      assert_cannot_connect(url, dialect == "postgresql"
        and 'connection to server at "127.0.0.1", port ' .. p.port .. ' failed: FATAL: password authentication '
          .. 'failed for user "dbm"'
        or "Access denied for user 'dbm'@'127.0.0.1' (using password: YES) (1045)")
    end)

    it("a port nobody listens on", function()
      local url = (dialect == "postgresql" and "postgresql" or "mysql") .. "://dbm:" .. p.password
        .. "@127.0.0.1:1/db"
      assert_cannot_connect(url, dialect == "postgresql"
        and 'connection to server at "127.0.0.1", port 1 failed: Connection refused'
        or "Can't connect to server on '127.0.0.1' (115) (2002)")
    end)

    it("a host that does not resolve", function()
      local url = dialect .. "://dbm:" .. p.password .. "@nonexistent.invalid:5/db"
      local r = H.run({ "--script-location", chain(), "--database-connection", url, "upgrade", "head" })
      local line = assert_one_line_failure(r, "", p.password)
      assert.matches("^" .. escape(ERROR .. "cannot connect to '" .. S.masked(url) .. "': ") .. ".*"
        .. (dialect == "postgresql" and 'could not translate host name "nonexistent%.invalid"'
          or "Unknown server host 'nonexistent%.invalid'"), line)
    end)

    it("a database that does not exist", function()
      local name = S.db_name()
      local url = S.url(dialect, name, dialect == "mysql" and "+pymysql" or "+psycopg2",
        dialect == "mysql" and "?charset=utf8mb4" or "?sslmode=disable")
      assert_cannot_connect(url, dialect == "postgresql"
        and 'connection to server at "127.0.0.1", port ' .. p.port .. ' failed: FATAL: database "' .. name
          .. '" does not exist'
        or "Unknown database '" .. name .. "' (1049)")
    end)

    it("a version row changed under the run fails the revision, as Alembic's row check does", function()
      local db = S.new_db(dialect)
      local ok, err = pcall(function()
        local dir = H.scripts_dir({
          a1 = H.rev { "aa01", message = "create foo",
            up = [[op.create_table("foo", sa.Column("id", sa.Integer))]] },
          b2 = H.rev { "bb02", down = "aa01", message = "meddle", up = [[
    op.create_table("bar", sa.Column("id", sa.Integer))
    op.execute("DELETE FROM alembic_version")
]] },
        })
        local r = H.run({ "--script-location", dir, "--database-connection", db.url, "upgrade", "head" })
        local line = assert_one_line_failure(r, CONTEXT[dialect]
          .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
          .. MIGRATION .. "Running upgrade aa01 -> bb02, meddle\n", p.password)
        assert.are.equal(ERROR .. "online migration expected to match one row when updating 'aa01' to 'bb02' in "
          .. "'alembic_version'; 0 found\n", line)
        if dialect == "postgresql" then
          -- bb02 went back with its transaction, the DELETE included.
          assert.are.equal("aa01", S.versions(db.url))
          assert.same({ "alembic_version", "foo" }, S.tables(db.url))
        else
          -- MySQL's CREATE TABLE committed the revision on its way.
          assert.are.equal("", S.versions(db.url))
          assert.same({ "alembic_version", "bar", "foo" }, S.tables(db.url))
        end
      end)
      db.drop()
      assert(ok, err)
    end)

    it("the session killed in the middle of a revision", function()
      local db = S.new_db(dialect)
      local ok, err = pcall(function()
        local dir = sleepy(dialect, 20)
        local job = S.spawn({ "--script-location", dir, "--database-connection", db.url, "upgrade", "head" })
        job.wait_for("Running upgrade aa01 -> bb02")
        local admin = H.dbm().connect(S.admin_url(dialect))
        local killed = 0
        for _ = 1, 250 do
          local rows
          if dialect == "postgresql" then
            rows = admin:query("SELECT pid AS id FROM pg_stat_activity WHERE datname = :d "
              .. "AND query LIKE 'SELECT pg_sleep%' AND state = 'active'", { d = db.name })
          else
            rows = admin:query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = :d "
              .. "AND INFO LIKE 'SELECT SLEEP%'", { d = db.name })
          end
          for _, row in ipairs(rows) do
            if dialect == "postgresql" then
              admin:query("SELECT pg_terminate_backend(:p)", { p = row.id })
            else
              admin:execute("KILL " .. math.tointeger(row.id))
            end
            killed = killed + 1
          end
          if killed > 0 then break end
          H.sh("sleep 0.02")
        end
        admin:close()
        assert.are.equal(1, killed)
        local r = job.wait()
        local line = assert_one_line_failure(r, CONTEXT[dialect]
          .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
          .. MIGRATION .. "Running upgrade aa01 -> bb02, slow\n", p.password)
        local place = ERROR .. "upgrade of revision 'bb02' failed: " .. basename(dir) .. "/versions/b2.lua:9: "
        if dialect == "postgresql" then
          assert.are.equal(place .. "lost the connection to '" .. S.masked(db.url) .. "': server closed the "
            .. "connection unexpectedly [SQL: SELECT pg_sleep(20)]\n", line)
          -- bb02 went with its transaction; aa01 stays.
          assert.are.equal("aa01", S.versions(db.url))
          assert.same({ "alembic_version", "foo" }, S.tables(db.url))
          -- A rerun picks up from there.
          local again = H.run({ "--script-location", sleepy(dialect, 0), "--database-connection", db.url,
                                "upgrade", "head" })
          assert.are.equal(0, again.code, again.stderr)
          assert.are.equal("cc03", S.versions(db.url))
        else
          assert.are.equal(place .. "lost connection to '" .. S.masked(db.url) .. "': Lost connection to server "
            .. "during query (2013) [SQL: SELECT SLEEP(20)]; the database is left part-way through this "
            .. "revision: 1 statement(s) already applied and committed: CREATE TABLE bar ( id INTEGER )\n", line)
          assert.are.equal("aa01", S.versions(db.url))
          assert.same({ "alembic_version", "bar", "foo" }, S.tables(db.url))
        end
      end)
      db.drop()
      assert(ok, err)
    end)
  end)
end

describe("bad input on servers that stop", function()
  local dir, env

  -- A private pair of servers (scripts/testdb in a directory of its own).
  setup(function()
    local parent = H.tmpdir()
    assert(H.sh("chmod 0755 " .. H.q(parent)) == 0) -- user postgres must reach it
    dir = parent .. "/testdb"
    local out, errf = dir .. ".env", dir .. ".err"
    local rc = H.sh(S.plain("DBM_TESTDB_DIR=" .. H.q(dir) .. " " .. H.q(H.root .. "/scripts/testdb")
      .. " start >" .. H.q(out) .. " 2>" .. H.q(errf) .. " </dev/null"))
    assert(rc == 0, "scripts/testdb start failed: " .. H.read(errf))
    env = {}
    for k, v in H.read(out):gmatch("export (DBM_[%w_]+)='([^']*)'") do env[k] = v end
    assert(env.DBM_PG_URL and env.DBM_MYSQL_URL, "no URLs from scripts/testdb: " .. H.read(out))
  end)

  teardown(function()
    if dir then
      H.sh(S.plain("DBM_TESTDB_DIR=" .. H.q(dir) .. " " .. H.q(H.root .. "/scripts/testdb") .. " stop")
        .. " >/dev/null 2>&1")
    end
    H.cleanup()
  end)

  it("a server stopped while a revision runs: one ERROR line, exit 1, on both", function()
    local jobs, urls = {}, {}
    for _, dialect in ipairs({ "postgresql", "mysql" }) do
      local admin = env[dialect == "postgresql" and "DBM_PG_URL" or "DBM_MYSQL_URL"]
      local name = S.db_name()
      local conn = H.dbm().connect(admin)
      conn:execute("CREATE DATABASE " .. name)
      conn:close()
      urls[dialect] = admin:gsub("/[^/]*$", "/" .. name)
      jobs[dialect] = S.spawn({ "--script-location", sleepy(dialect, 30), "--database-connection",
                                urls[dialect], "upgrade", "head" })
    end
    for _, dialect in ipairs({ "postgresql", "mysql" }) do
      jobs[dialect].wait_for("Running upgrade aa01 -> bb02")
    end
    H.sh("sleep 0.3")
    local rc = H.sh(S.plain("DBM_TESTDB_DIR=" .. H.q(dir) .. " " .. H.q(H.root .. "/scripts/testdb") .. " stop")
      .. " >/dev/null 2>&1")
    assert.are.equal(0, rc)
    dir = nil
    for _, dialect in ipairs({ "postgresql", "mysql" }) do
      local r = jobs[dialect].wait(30)
      local password = urls[dialect]:match("^%a+://[^:]+:([^@]+)@")
      local line = assert_one_line_failure(r, CONTEXT[dialect]
        .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
        .. MIGRATION .. "Running upgrade aa01 -> bb02, slow\n", password)
      assert.matches("^" .. escape(ERROR .. "upgrade of revision 'bb02' failed: ") .. "[^:]+/versions/b2%.lua:9: "
        .. (dialect == "postgresql" and "lost the connection to " or "lost connection to ")
        .. escape("'" .. S.masked(urls[dialect]) .. "': "), line)
      assert.is_nil(r.stderr:find("Sanitizer", 1, true))
    end
  end)
end)
