-- The command-line tool as a whole binary on the PostgreSQL and MariaDB
-- servers of scripts/testdb: runs, SQL errors part-way, the run lock,
-- eight deployers at once, and a run killed with SIGKILL.
local H = require("helpers.host")
local S = require("helpers.servers")

local MIGRATION = "INFO  [alembic.runtime.migration] "
local ERROR = "ERROR [tacker_db_manage] "
local CONTEXT = {
  postgresql = MIGRATION .. "Context impl PostgresqlImpl.\n" .. MIGRATION .. "Will assume transactional DDL.\n",
  mysql = MIGRATION .. "Context impl MySQLImpl.\n" .. MIGRATION .. "Will assume non-transactional DDL.\n",
}
-- URLs as Tacker's config files write them.
local TACKER_URL = {
  postgresql = function(name) return S.url("postgresql", name, "+psycopg2") end,
  mysql = function(name) return S.url("mysql", name, "+pymysql", "?charset=utf8mb4") end,
}
local SLEEP = {
  postgresql = function(s) return "SELECT pg_sleep(" .. s .. ")" end,
  mysql = function(s) return "SELECT SLEEP(" .. s .. ")" end,
}

local function basename(path)
  return path:match("([^/]+)$")
end

-- The good chain: foo, foo.bar, baz; every revision can go down.
local function chain(overrides)
  local files = {
    a1 = H.rev { "aa01", message = "create foo",
      up = [[op.create_table("foo", sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }))]],
      down_fn = [[op.drop_table("foo")]] },
    b2 = H.rev { "bb02", down = "aa01", message = "add bar",
      up = [[op.add_column("foo", sa.Column("bar", sa.String(20)))]],
      down_fn = [[op.drop_column("foo", "bar")]] },
    c3 = H.rev { "cc03", down = "bb02", message = "create baz",
      up = [[op.create_table("baz", sa.Column("id", sa.Integer, { primary_key = true }))]],
      down_fn = [[op.drop_table("baz")]] },
  }
  for name, text in pairs(overrides or {}) do files[name] = text end
  return H.scripts_dir(files, { head = "cc03" })
end

local function cli(scripts, url, args, opts)
  local full = { "--script-location", scripts, "--database-connection", url }
  for _, a in ipairs(args) do full[#full + 1] = a end
  return H.run(full, opts)
end

local function assert_ok(r)
  assert.are.equal(0, r.code, "exit code; stderr:\n" .. r.stderr)
end

local function assert_fails(r, stderr)
  assert.are.equal(1, r.code, "exit code; stderr:\n" .. r.stderr)
  assert.are.equal("", r.stdout)
  assert.are.equal(stderr, r.stderr)
end

local function run_lines(from, list)
  local out = {}
  for _, step in ipairs(list) do
    out[#out + 1] = MIGRATION .. "Running upgrade " .. from .. " -> " .. step[1] .. ", " .. step[2] .. "\n"
    from = step[1]
  end
  return table.concat(out)
end

for _, dialect in ipairs({ "postgresql", "mysql" }) do
  describe("tacker-db-manage on " .. dialect, function()
    local db, url

    before_each(function()
      db = S.new_db(dialect)
      url = TACKER_URL[dialect](db.name)
    end)

    after_each(function()
      db.drop()
      H.cleanup()
    end)

    it("upgrades, reports and downgrades with a Tacker-style URL from a config file", function()
      local dir = chain()
      local conf = H.tmpdir() .. "/tacker.conf"
      H.write(conf, "[database]\nconnection = " .. url .. "\n")
      local r = H.run({ "--config-file", conf, "--script-location", dir, "upgrade", "head" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal(CONTEXT[dialect] .. run_lines("", { { "aa01", "create foo" }, { "bb02", "add bar" },
        { "cc03", "create baz" } }), r.stderr)
      r = H.run({ "--config-file", conf, "--script-location", dir, "current" })
      assert_ok(r)
      assert.are.equal("cc03 (head)\n", r.stdout)
      assert.are.equal("", r.stderr)
      assert.same({ "alembic_version", "baz", "foo" }, S.tables(db.url))
      assert.are.equal("cc03", S.versions(db.url))
      -- A second run has nothing to do.
      r = cli(dir, url, { "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT[dialect], r.stderr)
      r = cli(dir, url, { "downgrade", "aa01" })
      assert_ok(r)
      assert.are.equal(CONTEXT[dialect]
        .. MIGRATION .. "Running downgrade cc03 -> bb02, create baz\n"
        .. MIGRATION .. "Running downgrade bb02 -> aa01, add bar\n", r.stderr)
      assert.same({ "alembic_version", "foo" }, S.tables(db.url))
      assert.are.equal("aa01\n", cli(dir, url, { "current" }).stdout)
      assert_ok(cli(dir, url, { "stamp", "cc03" }))
      assert.are.equal("cc03", S.versions(db.url))
      assert.same({ "alembic_version", "foo" }, S.tables(db.url))
    end)

    describe("a SQL error in the middle of a revision", function()
      local failing

      before_each(function()
        failing = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.create_table("baz", sa.Column("id", sa.Integer, { primary_key = true }))
    op.create_table("qux", sa.Column("id", sa.Integer))
    op.execute("INSERT INTO nosuch (id) VALUES (:id)", { id = 1 })
]] } })
        assert_ok(cli(failing, url, { "upgrade", "bb02" }))
        H.query(db.url, "INSERT INTO foo (id, bar) VALUES (42, 'kept')")
      end)

      local function message(d, dir)
        local place = ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir) .. "/versions/c3.lua:10: "
        if d == "postgresql" then
          return place .. 'relation "nosuch" does not exist [SQL: INSERT INTO nosuch (id) VALUES ($1)]\n'
        end
        return place .. "Table '" .. db.name .. ".nosuch' doesn't exist (1146) "
          .. "[SQL: INSERT INTO nosuch (id) VALUES (?)]; the database is left part-way through this revision: "
          .. "2 statement(s) already applied and committed: "
          .. "CREATE TABLE baz ( id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id) ); "
          .. "CREATE TABLE qux ( id INTEGER )\n"
      end

      it("names the revision, file:line, the statement and the server's message; the version stays", function()
        local r = cli(failing, url, { "upgrade", "head" })
        assert_fails(r, CONTEXT[dialect] .. run_lines("bb02", { { "cc03", "create baz" } })
          .. message(dialect, failing))
        assert.are.equal("bb02", S.versions(db.url))
        if dialect == "postgresql" then
          -- The revision's statements went with its transaction.
          assert.same({ "alembic_version", "foo" }, S.tables(db.url))
        else
          -- MySQL committed each CREATE TABLE: the message lists them.
          assert.same({ "alembic_version", "baz", "foo", "qux" }, S.tables(db.url))
        end
        local rows = H.query(db.url, "SELECT id, bar FROM foo")
        assert.same({ 1, 42, "kept" }, { #rows, rows[1].id, rows[1].bar })
        -- No password anywhere.
        assert.is_nil(r.stderr:find(S.parts(dialect).password, 1, true))
      end)

      it("with --single-transaction, what stays is what the server could undo", function()
        local db2 = S.new_db(dialect)
        local ok, err = pcall(function()
          local r = cli(failing, db2.url, { "upgrade", "--single-transaction", "head" })
          assert_fails(r, CONTEXT[dialect] .. run_lines("", { { "aa01", "create foo" }, { "bb02", "add bar" },
            { "cc03", "create baz" } }) .. message(dialect, failing):gsub(db.name, db2.name))
          if dialect == "postgresql" then
            assert.same({}, S.tables(db2.url))
          else
            assert.are.equal("bb02", S.versions(db2.url))
            assert.same({ "alembic_version", "baz", "foo", "qux" }, S.tables(db2.url))
          end
        end)
        db2.drop()
        assert(ok, err)
      end)
    end)

    if dialect == "mysql" then
      it("a revision whose statements were all rolled back says nothing stays", function()
        local dir = chain({ c3 = H.rev { "cc03", down = "bb02", message = "create baz", up = [[
    op.execute("INSERT INTO foo (id, bar) VALUES (1, 'x')")
    op.execute("UPDATE foo SET bar = 'y'")
    op.execute("INSERT INTO nosuch (id) VALUES (1)")
]] } })
        assert_ok(cli(dir, url, { "upgrade", "bb02" }))
        local r = cli(dir, url, { "upgrade", "head" })
        assert_fails(r, CONTEXT.mysql .. run_lines("bb02", { { "cc03", "create baz" } })
          .. ERROR .. "upgrade of revision 'cc03' failed: " .. basename(dir) .. "/versions/c3.lua:10: Table '"
          .. db.name .. ".nosuch' doesn't exist (1146) [SQL: INSERT INTO nosuch (id) VALUES (1)]\n")
        assert.are.equal("bb02", S.versions(db.url))
        assert.are.equal(0, H.query(db.url, "SELECT count(*) AS n FROM foo")[1].n)
      end)
    end

    describe("the run lock", function()
      it("makes a run give up after --lock-timeout, naming who holds it", function()
        local dir = chain()
        assert_ok(cli(dir, url, { "upgrade", "aa01" }))
        local holder = H.dbm().connect(db.url)
        local who
        if dialect == "postgresql" then
          holder:query("SELECT pg_advisory_lock(:k)", { k = S.pg_lock_key(db.name) })
          who = "pid " .. holder:query("SELECT pg_backend_pid() AS p")[1].p .. " from 127.0.0.1"
        else
          assert.are.equal(1, holder:query("SELECT GET_LOCK(:k, 0) AS l", { k = S.mysql_lock_name(db.name) })[1].l)
          who = "connection " .. holder:query("SELECT CONNECTION_ID() AS c")[1].c .. " from 127.0.0.1"
        end
        local ok, r = pcall(cli, dir, url, { "--lock-timeout", "0.5", "upgrade", "head" })
        local ok2, r2 = pcall(cli, dir, url, { "--lock-timeout", "0", "stamp", "cc03" })
        holder:close() -- the lock ends with its session
        assert(ok, r)
        assert(ok2, r2)
        assert_fails(r, CONTEXT[dialect] .. ERROR .. "database is locked by another run (waited 0.5 s; held by "
          .. who .. ")\n")
        assert_fails(r2, CONTEXT[dialect] .. ERROR .. "database is locked by another run (waited 0 s; held by "
          .. who .. ")\n")
        assert.are.equal("aa01", S.versions(db.url))
        assert.same({ "alembic_version", "foo" }, S.tables(db.url))
        r = cli(dir, url, { "--lock-timeout", "5", "upgrade", "head" })
        assert_ok(r)
        assert.are.equal("cc03", S.versions(db.url))
      end)

      it("is held by a running upgrade for its whole run", function()
        local dir = chain({ b2 = H.rev { "bb02", down = "aa01", message = "add bar", up = [[
    op.add_column("foo", sa.Column("bar", sa.String(20)))
    op.execute("]] .. SLEEP[dialect](2.5) .. [[")
]] } })
        local job = S.spawn({ "--script-location", dir, "--database-connection", url, "upgrade", "head" })
        job.wait_for("Running upgrade aa01 -> bb02")
        local r = cli(dir, url, { "--lock-timeout", "0.2", "upgrade", "head" })
        local first = job.wait()
        assert_ok(first)
        assert.are.equal(CONTEXT[dialect] .. run_lines("", { { "aa01", "create foo" }, { "bb02", "add bar" },
          { "cc03", "create baz" } }), first.stderr)
        assert.are.equal(1, r.code, r.stderr)
        local kind = dialect == "postgresql" and "pid" or "connection"
        assert.matches("^" .. CONTEXT[dialect]:gsub("%p", "%%%0") .. "ERROR %[tacker_db_manage%] database is "
          .. "locked by another run %(waited 0%.2 s; held by " .. kind .. " %d+ from 127%.0%.0%.1%)\n$", r.stderr)
        assert.are.equal("cc03", S.versions(db.url))
      end)
    end)

    it("eight upgrade head processes at once: each revision runs once, the database ends at head", function()
      local files, steps = {}, {}
      local prev
      for i = 1, 15 do
        local id = string.format("c%03d", i)
        files[id] = H.rev { id, down = prev, message = "step " .. i, up = string.format([[
    op.create_table("t%d", sa.Column("id", sa.Integer, { primary_key = true, autoincrement = false }),
                    sa.Column("v", sa.String(50)))
    for k = 1, 20 do
      op.execute("INSERT INTO t%d (id, v) VALUES (:id, :v)", { id = k, v = "row " .. k })
    end
    op.add_column("t%d", sa.Column("w", sa.Integer, { server_default = "7" }))
]], i, i, i) }
        steps[i] = { id, "step " .. i }
        prev = id
      end
      local dir = H.scripts_dir(files, { head = "c015" })
      local args = { "--database-connection", url, "--script-location", dir, "upgrade", "head" }
      local list = {}
      for i = 1, 8 do list[i] = { args } end
      local results = H.run_many(list)
      local all = {}
      for i, r in ipairs(results) do
        assert.are.equal(0, r.code, "run " .. i .. ": " .. r.stderr)
        assert.are.equal("", r.stdout)
        assert.are.equal(CONTEXT[dialect], r.stderr:sub(1, #CONTEXT[dialect]))
        all[#all + 1] = r.stderr
      end
      all = table.concat(all)
      prev = ""
      for i = 1, 15 do
        local line = run_lines(prev, { steps[i] })
        assert.are.equal(1, S.count(all, line), line .. "\n" .. all)
        prev = steps[i][1]
      end
      assert.are.equal(15, S.count(all, "Running upgrade"))
      assert.are.equal(0, S.count(all, "ERROR"))
      assert.are.equal("c015", S.versions(db.url))
      local row = H.query(db.url, "SELECT count(*) AS n, min(w) AS w FROM t15")[1]
      assert.same({ 20, 7 }, { row.n, row.w })
      assert.are.equal("c015 (head)\n", cli(dir, url, { "current" }).stdout)
    end)
  end)
end

describe("tacker-db-manage on postgresql", function()
  after_each(function()
    H.cleanup()
  end)

  it("a run killed with SIGKILL mid-chain: the rerun reaches head with a clean run's schema", function()
    local files, prev = {}, nil
    for i = 1, 5 do
      local id = string.format("k%03d", i)
      local up = string.format([[
    op.create_table("t%d", sa.Column("id", sa.Integer, { primary_key = true }),
                    sa.Column("v", sa.String(20), { nullable = false, server_default = "x" }))
    op.create_index("ix_t%d_v", "t%d", { "v" })
    op.execute("INSERT INTO t%d (v) VALUES ('a')")
]], i, i, i, i)
      if i == 3 then
        up = up .. [[
    if op.get_inspector():has_table("spec_slow") then op.execute("SELECT pg_sleep(5)") end
    op.add_column("t1", sa.Column("late", sa.Integer))
]]
      end
      files[id] = H.rev { id, down = prev, message = "step " .. i, up = up }
      prev = id
    end
    local dir = H.scripts_dir(files, { head = "k005" })
    local killed, clean = S.new_db("postgresql"), S.new_db("postgresql")
    local ok, err = pcall(function()
      H.query(killed.url, "CREATE TABLE spec_slow (id INTEGER)")
      local job = S.spawn({ "--script-location", dir, "--database-connection", killed.url, "upgrade", "head" })
      job.wait_for("Running upgrade k002 -> k003")
      -- Wait until its backend sleeps inside k003's transaction.
      local sleeper
      for _ = 1, 250 do
        local rows = H.query(S.admin_url("postgresql"), "SELECT pid FROM pg_stat_activity WHERE datname = :d "
          .. "AND query LIKE 'SELECT pg_sleep%' AND state = 'active'", { d = killed.name })
        if rows[1] then sleeper = rows[1].pid break end
        H.sh("sleep 0.02")
      end
      assert(sleeper, "k003 never reached its pg_sleep")
      job.kill("KILL")
      local r = job.wait()
      assert.are.equal(137, r.code, r.stderr)
      assert.are.equal("k002", S.versions(killed.url))
      H.query(killed.url, "DROP TABLE spec_slow")
      -- The killed run's backend sleeps on in k003's transaction, with
      -- its locks and uncommitted tables: a rerun waits for it to end.
      r = cli(dir, killed.url, { "--lock-timeout", "0.5", "upgrade", "head" })
      assert_fails(r, CONTEXT.postgresql .. ERROR .. "database is locked by another run (waited 0.5 s; held by pid "
        .. sleeper .. " from 127.0.0.1)\n")
      local again = cli(dir, killed.url, { "upgrade", "head" })
      assert_ok(again)
      assert.are.equal(CONTEXT.postgresql .. run_lines("k002", { { "k003", "step 3" }, { "k004", "step 4" },
        { "k005", "step 5" } }), again.stderr)
      assert.are.equal(0, #H.query(S.admin_url("postgresql"), "SELECT pid FROM pg_stat_activity WHERE pid = :p",
        { p = sleeper }))
      assert_ok(cli(dir, clean.url, { "upgrade", "head" }))
      assert.are.equal("k005", S.versions(killed.url))
      assert.are.equal("k005", S.versions(clean.url))
      local schema = S.pg_schema(killed.name)
      assert.matches("CREATE TABLE public.t5", schema, 1, true)
      assert.are.equal(S.pg_schema(clean.name), schema)
      for i = 1, 5 do
        local count = "SELECT count(*) AS n FROM t" .. i
        assert.are.equal(H.query(clean.url, count)[1].n, H.query(killed.url, count)[1].n)
      end
    end)
    killed.drop()
    clean.drop()
    assert(ok, err)
  end)

  it("op.autocommit runs CREATE INDEX CONCURRENTLY within a run of per-revision transactions", function()
    local dir = H.scripts_dir({
      a1 = H.rev { "aa01", message = "create big", up = [[
    op.create_table("big", sa.Column("id", sa.Integer, { primary_key = true }), sa.Column("v", sa.String(20)))
    for k = 1, 20 do op.execute("INSERT INTO big (v) VALUES (:v)", { v = "v" .. k }) end
]] },
      b2 = H.rev { "bb02", down = "aa01", message = "index big", up = [[
    op.execute("UPDATE big SET v = 'w' WHERE id = 1")
    op.autocommit(function()
      op.execute("CREATE INDEX CONCURRENTLY ix_big_v ON big (v)")
    end)
    op.add_column("big", sa.Column("w", sa.Integer))
]] },
      c3 = H.rev { "cc03", down = "bb02", message = "after", up = [[
    op.create_table("after", sa.Column("id", sa.Integer))
]] },
    })
    local db = S.new_db("postgresql")
    local ok, err = pcall(function()
      local r = cli(dir, db.url, { "--lock-timeout", "10", "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT.postgresql .. run_lines("", { { "aa01", "create big" }, { "bb02", "index big" },
        { "cc03", "after" } }), r.stderr)
      assert.are.equal("cc03", S.versions(db.url))
      local rows = H.query(db.url, "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c "
        .. "ON c.oid = i.indexrelid WHERE c.relname = 'ix_big_v'")
      assert.same({ 1 }, { rows[1] and rows[1].valid })
      assert.are.equal("w", H.query(db.url, "SELECT v FROM big WHERE id = 1")[1].v)
    end)
    db.drop()
    assert(ok, err)
  end)
end)
