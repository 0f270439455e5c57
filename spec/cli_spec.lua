-- The command-line tool as a whole binary on SQLite: real files, real
-- processes; exit code, stdout and stderr are the contract.
local H = require("helpers.host")

local MIGRATION = "INFO  [alembic.runtime.migration] "
local CONTEXT = MIGRATION .. "Context impl SQLiteImpl.\n"
  .. MIGRATION .. "Will assume non-transactional DDL.\n"
local STATIC = MIGRATION .. "Context impl SQLiteImpl.\n"
  .. MIGRATION .. "Generating static SQL\n"
  .. MIGRATION .. "Will assume non-transactional DDL.\n"
local DEFAULT = "INFO  [tacker_db_manage] no database connection configured: "
  .. "using the embedded default sqlite:///tacker.sqlite\n"

-- Lines of text, without their newlines.
local function lines(text)
  local out = {}
  for line in text:gmatch("([^\n]*)\n") do out[#out + 1] = line end
  return out
end

local function count(text, plain)
  local n, at = 0, 1
  while true do
    local s, e = text:find(plain, at, true)
    if not s then return n end
    n, at = n + 1, e + 1
  end
end

-- A linear chain whose revisions all define downgrade.
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

--[[
A branchy graph:  aa01 <- bb02 <- cc03 (label "left") <- ee05 (merge)
                              \<- dd04 <------------------/
                                     \<- ff06
]]
local function branchy()
  return H.scripts_dir({
    aa01 = H.rev { "aa01", message = "first" },
    bb02 = H.rev { "bb02", down = "aa01", message = "second" },
    cc03 = H.rev { "cc03", down = "bb02", labels = "left", message = "left side" },
    dd04 = H.rev { "dd04", down = "bb02", message = "right side" },
    ee05 = H.rev { "ee05", down = { "cc03", "dd04" }, message = "join" },
    ff06 = H.rev { "ff06", down = "dd04", message = "other head" },
  })
end

-- Run the CLI on a script directory and a database URL.
local function cli(scripts, url, args, opts)
  local full = { "--script-location", scripts }
  if url then
    full[#full + 1] = "--database-connection"
    full[#full + 1] = url
  end
  for _, a in ipairs(args) do full[#full + 1] = a end
  return H.run(full, opts)
end

local function tables(path)
  return H.sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
end

local function version_rows(path, table_name)
  return H.sqlite3(path, "SELECT version_num FROM " .. (table_name or "alembic_version")
    .. " ORDER BY version_num")
end

local function assert_ok(r)
  assert.are.equal(0, r.code, "exit code; stderr:\n" .. r.stderr)
end

-- The head of the shipped chain (the chain grows as Tacker's is ported).
local function shipped_head()
  local r = H.run({ "heads" })
  assert(r.code == 0 and r.stdout:match("^[%w_]+ %(head%)\n$"), "the shipped chain has one head: "
    .. r.stdout .. r.stderr)
  return r.stdout:match("^([%w_]+)")
end

describe("tacker-db-manage", function()
  after_each(function()
    H.cleanup()
  end)

  describe("with no configuration at all", function()
    it("upgrades ./tacker.sqlite, the embedded default, and says so", function()
      local head = shipped_head()
      local cwd = H.tmpdir()
      local r = H.run({ "upgrade", "head" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.is_true(H.exists(cwd .. "/tacker.sqlite"))
      local l = lines(r.stderr)
      assert.are.equal(DEFAULT .. CONTEXT, table.concat(l, "\n", 1, 3) .. "\n")
      assert.are.equal(MIGRATION .. "Running upgrade  -> 1c6b0d82afcd, add tables for tacker framework", l[4])
      assert.are.equal(MIGRATION .. "Running upgrade 1c6b0d82afcd -> 81ffa86020d, rpc_proxy", l[5])
      for i = 4, #l do
        assert.matches("^INFO  %[alembic%.runtime%.migration%] Running upgrade [%w_]* %-> [%w_]+, ", l[i])
      end
      assert.matches("^INFO  %[alembic%.runtime%.migration%] Running upgrade [%w_]+ %-> "
        .. head .. ", ", l[#l])
      assert.are.equal(head .. "\n", version_rows(cwd .. "/tacker.sqlite"))
      local names = lines(tables(cwd .. "/tacker.sqlite"))
      assert.is_true(#names > 1, "tables: " .. table.concat(names, " "))
      assert.is_truthy(table.concat(names, " "):find("alembic_version", 1, true))

      r = H.run({ "current" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal(head .. " (head)\n", r.stdout)
      assert.are.equal(DEFAULT, r.stderr)
    end)

    it("reports the current revision, plain and verbose", function()
      local head = shipped_head()
      local cwd = H.tmpdir()
      local r = H.run({ "stamp", "81ffa86020d" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal(DEFAULT .. CONTEXT .. MIGRATION .. "Running stamp_revision  -> 81ffa86020d\n", r.stderr)
      r = H.run({ "current" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal("81ffa86020d" .. (head == "81ffa86020d" and " (head)" or "") .. "\n", r.stdout)
      assert.are.equal(DEFAULT, r.stderr)

      r = H.run({ "current", "--verbose" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal(DEFAULT, r.stderr)
      assert.are.equal("Current revision(s) for sqlite:///tacker.sqlite:\n"
        .. "Rev: 81ffa86020d" .. (head == "81ffa86020d" and " (head)" or "") .. "\n"
        .. "Parent: 1c6b0d82afcd\n"
        .. "Path: " .. H.migrations .. "/versions/81ffa86020d_rpc_proxy.lua\n"
        .. "\n"
        .. "    rpc_proxy\n"
        .. "    \n"
        .. "    Revision ID: 81ffa86020d\n"
        .. "    Revises: 1c6b0d82afcd\n"
        .. "    Create Date: 2014-03-19 15:50:11.712686\n"
        .. "\n", r.stdout)

      assert_ok(H.run({ "stamp", "head" }, { cwd = cwd }))
      r = H.run({ "current" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal(head .. " (head)\n", r.stdout)
    end)

    it("says there is no revision yet on a fresh database", function()
      local cwd = H.tmpdir()
      local r = H.run({ "current" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal(DEFAULT, r.stderr)
    end)

    it("lists the shipped chain, oldest revisions last", function()
      local head = shipped_head()
      local r = H.run({ "history" })
      assert_ok(r)
      assert.are.equal("", r.stderr)
      local l = lines(r.stdout)
      assert.are.equal("<base> -> 1c6b0d82afcd, add tables for tacker framework", l[#l])
      if head == "81ffa86020d" then
        assert.are.equal("1c6b0d82afcd -> 81ffa86020d (head), rpc_proxy", l[1])
      else
        assert.are.equal("1c6b0d82afcd -> 81ffa86020d, rpc_proxy", l[#l - 1])
        assert.matches("^[%w_]+ %-> " .. head .. " %(head%), ", l[1])
      end
    end)

    it("checks the shipped chain's HEAD file", function()
      local head = shipped_head()
      local r = H.run({ "check_migration" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal("INFO  [alembic.script] HEAD file matches the migration timeline head '"
        .. head .. "'\n", r.stderr)
    end)
  end)

  describe("listing commands", function()
    it("history: newest first, Alembic's line format", function()
      local r = cli(chain3(), nil, { "history" })
      assert_ok(r)
      assert.are.equal("bb02 -> cc03 (head), create baz\n"
        .. "aa01 -> bb02, add bar\n"
        .. "<base> -> aa01, create foo\n", r.stdout)
      assert.are.equal("", r.stderr)
    end)

    it("history -r A:B, with either end left out", function()
      local dir = chain3()
      local r = cli(dir, nil, { "history", "-r", "aa01:bb02" })
      assert_ok(r)
      assert.are.equal("aa01 -> bb02, add bar\n<base> -> aa01, create foo\n", r.stdout)
      r = cli(dir, nil, { "history", "-r", "bb02:" })
      assert_ok(r)
      assert.are.equal("bb02 -> cc03 (head), create baz\naa01 -> bb02, add bar\n", r.stdout)
      r = cli(dir, nil, { "history", "--rev-range", ":aa01" })
      assert_ok(r)
      assert.are.equal("<base> -> aa01, create foo\n", r.stdout)
    end)

    it("history of a branchy graph tags branch points, merge points and heads", function()
      local r = cli(branchy(), nil, { "history" })
      assert_ok(r)
      local l = lines(r.stdout)
      local want = {
        ff06 = "dd04 -> ff06 (head), other head",
        ee05 = "cc03, dd04 -> ee05 (head) (mergepoint), join",
        dd04 = "bb02 -> dd04 (branchpoint), right side",
        cc03 = "bb02 -> cc03 (left), left side",
        bb02 = "aa01 -> bb02 (branchpoint), second",
        aa01 = "<base> -> aa01, first",
      }
      assert.are.equal(6, #l)
      local at = {}
      for i, line in ipairs(l) do
        local id = line:match(" %-> (%w+)")
        assert.are.equal(want[id], line)
        at[id] = i
      end
      -- Newest first: every revision comes before its parents.
      local parents = { bb02 = { "aa01" }, cc03 = { "bb02" }, dd04 = { "bb02" },
                        ee05 = { "cc03", "dd04" }, ff06 = { "dd04" } }
      for child, ps in pairs(parents) do
        for _, p in ipairs(ps) do
          assert.is_true(at[child] < at[p], child .. " before " .. p .. " in:\n" .. r.stdout)
        end
      end
    end)

    it("history -r between a branch point and a merge point", function()
      local r = cli(branchy(), nil, { "history", "-r", "bb02:ee05" })
      assert_ok(r)
      local l = lines(r.stdout)
      assert.are.equal("cc03, dd04 -> ee05 (head) (mergepoint), join", l[1])
      assert.are.equal("aa01 -> bb02 (branchpoint), second", l[4])
      table.sort(l)
      assert.same({ "aa01 -> bb02 (branchpoint), second",
                    "bb02 -> cc03 (left), left side",
                    "bb02 -> dd04 (branchpoint), right side",
                    "cc03, dd04 -> ee05 (head) (mergepoint), join" }, l)
    end)

    it("history --verbose prints each revision in full", function()
      local dir = chain3()
      local r = cli(dir, nil, { "history", "--verbose", "-r", "bb02:cc03" })
      assert_ok(r)
      assert.are.equal("Rev: cc03 (head)\n"
        .. "Parent: bb02\n"
        .. "Path: " .. dir .. "/versions/c3.lua\n"
        .. "\n"
        .. "    create baz\n"
        .. "    \n"
        .. "    Revision ID: cc03\n"
        .. "    Revises: bb02\n"
        .. "    Create Date: \n"
        .. "\n"
        .. "Rev: bb02\n"
        .. "Parent: aa01\n"
        .. "Path: " .. dir .. "/versions/b2.lua\n"
        .. "\n"
        .. "    add bar\n"
        .. "    \n"
        .. "    Revision ID: bb02\n"
        .. "    Revises: aa01\n"
        .. "    Create Date: \n"
        .. "\n", r.stdout)
    end)

    it("heads lists every head with its labels", function()
      local r = cli(branchy(), nil, { "heads" })
      assert_ok(r)
      assert.are.equal("ee05 (head)\nff06 (head)\n", r.stdout)
      assert.are.equal("", r.stderr)
      local dir = H.scripts_dir({
        a = H.rev { "aa01" },
        b = H.rev { "bb02", down = "aa01", labels = "feat" },
      })
      r = cli(dir, nil, { "heads" })
      assert_ok(r)
      assert.are.equal("bb02 (feat) (head)\n", r.stdout)
    end)

    it("branches shows each branch point and where it leads", function()
      local r = cli(branchy(), nil, { "branches" })
      assert_ok(r)
      assert.are.equal("dd04 (branchpoint)\n"
        .. "     -> ee05 (head) (mergepoint)\n"
        .. "     -> ff06 (head)\n"
        .. "\n"
        .. "bb02 (branchpoint)\n"
        .. "     -> cc03 (left)\n"
        .. "     -> dd04 (branchpoint)\n"
        .. "\n", r.stdout)
      assert.are.equal("", r.stderr)
    end)

    it("branches --verbose adds each child's message", function()
      local r = cli(branchy(), nil, { "branches", "--verbose" })
      assert_ok(r)
      local l = lines(r.stdout)
      assert.are.equal("Rev: dd04 (branchpoint)", l[1])
      assert.are.equal("Branches into: ee05, ff06", l[3])
      assert.is_truthy(r.stdout:find("\n     -> ee05 (head) (mergepoint), join\n"
        .. "     -> ff06 (head), other head\n", 1, true))
      assert.is_truthy(r.stdout:find("\n     -> cc03 (left), left side\n"
        .. "     -> dd04 (branchpoint), right side\n", 1, true))
    end)

    it("branches prints nothing for a linear chain", function()
      local r = cli(chain3(), nil, { "branches" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
    end)

    it("show REV prints a revision in full, by id, prefix or label", function()
      local dir = branchy()
      local r = cli(dir, nil, { "show", "ee05" })
      assert_ok(r)
      assert.are.equal("Rev: ee05 (head) (mergepoint)\n"
        .. "Merges: cc03, dd04\n"
        .. "Path: " .. dir .. "/versions/ee05.lua\n"
        .. "\n"
        .. "    join\n"
        .. "    \n"
        .. "    Revision ID: ee05\n"
        .. "    Revises: cc03, dd04\n"
        .. "    Create Date: \n"
        .. "\n", r.stdout)
      assert.are.equal("", r.stderr)

      r = cli(dir, nil, { "show", "left" })
      assert_ok(r)
      assert.are.equal("Rev: cc03\n"
        .. "Parent: bb02\n"
        .. "Branch names: left\n"
        .. "Path: " .. dir .. "/versions/cc03.lua\n"
        .. "\n"
        .. "    left side\n"
        .. "    \n"
        .. "    Revision ID: cc03\n"
        .. "    Revises: bb02\n"
        .. "    Create Date: \n"
        .. "\n", r.stdout)

      -- A prefix of three characters is enough when it is unique (Alembic).
      r = cli(dir, nil, { "show", "dd0" })
      assert_ok(r)
      assert.are.equal("Rev: dd04 (branchpoint)", lines(r.stdout)[1])
      assert.are.equal("Branches into: ee05, ff06", lines(r.stdout)[3])
    end)

    it("show of an unknown revision is a usage error", function()
      local r = cli(branchy(), nil, { "show", "zzzz" })
      assert.are.equal(2, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal("ERROR [tacker_db_manage] no such revision or branch 'zzzz'\n", r.stderr)
    end)

    it("show with a create date and dependencies", function()
      local dir = H.scripts_dir({
        a = H.rev { "aa01" },
        b = H.rev { "bb02" },
        c = [[
return {
  revision = "cc03", down_revision = "aa01", depends_on = "bb02",
  message = "needs both", create_date = "2021-07-26 12:28:13",
  upgrade = function(op, sa) end,
}
]],
      })
      local r = cli(dir, nil, { "show", "cc03" })
      assert_ok(r)
      assert.are.equal("Rev: cc03 (head)\n"
        .. "Parent: aa01\n"
        .. "Also depends on: bb02\n"
        .. "Path: " .. dir .. "/versions/c.lua\n"
        .. "\n"
        .. "    needs both\n"
        .. "    \n"
        .. "    Revision ID: cc03\n"
        .. "    Revises: aa01\n"
        .. "    Create Date: 2021-07-26 12:28:13\n"
        .. "\n", r.stdout)
      r = cli(dir, nil, { "history", "-r", "aa01:cc03" })
      assert_ok(r)
      assert.are.equal("aa01 (bb02) -> cc03 (head), needs both", lines(r.stdout)[1])
    end)
  end)

  describe("the revision caches", function()
    local HISTORY = "bb02 -> cc03 (head), create baz\n"
      .. "aa01 -> bb02, add bar\n"
      .. "<base> -> aa01, create foo\n"

    -- The index files under a cache directory (home's by default).
    local function index_files(home, cache)
      local out = {}
      local p = io.popen("ls " .. H.q(cache or home .. "/.cache") .. "/tacker-db-manage 2>/dev/null")
      for name in p:lines() do out[#out + 1] = name end
      p:close()
      return out
    end

    -- Replace text in a file in place, keeping its size and inode.
    local function patch(path, from, to)
      assert(#from == #to)
      local text = H.read(path)
      local at = assert(text:find(from, 1, true), from)
      local f = assert(io.open(path, "r+b"))
      f:seek("set", at - 1)
      f:write(to)
      f:close()
    end

    -- A chain whose files have settled (an index takes files that have
    -- not changed for 2 s), and an index of it in home.
    local function indexed()
      local dir, home = chain3(), H.tmpdir()
      H.sh("sleep 2.2")
      local r = cli(dir, nil, { "history" }, { home = home })
      assert_ok(r)
      assert.are.equal(HISTORY, r.stdout)
      local files = index_files(home)
      assert.are.equal(1, #files)
      return dir, home, home .. "/.cache/tacker-db-manage/" .. files[1]
    end

    it("answers from the index for files whose stat has not changed", function()
      local dir, home, index = indexed()
      -- The index, not the file, says "create fox" now.
      patch(index, "create foo", "create fox")
      local r = cli(dir, nil, { "history" }, { home = home })
      assert_ok(r)
      assert.are.equal(HISTORY:gsub("create foo", "create fox"), r.stdout)
      -- Without it, the file speaks.
      r = cli(dir, nil, { "history" }, { home = home, env = { DBM_REVISION_CACHE = "off" } })
      assert.are.equal(HISTORY, r.stdout)
    end)

    it("reads a file again when it changed in place, same size, or was only touched", function()
      local dir, home, index = indexed()
      patch(dir .. "/versions/b2.lua", "add bar", "add baz")
      local r = cli(dir, nil, { "history" }, { home = home })
      assert_ok(r)
      assert.are.equal(HISTORY:gsub("add bar", "add baz"), r.stdout)
      -- Same modification time, new change time: still read again.
      H.sh("sleep 2.2")
      assert_ok(cli(dir, nil, { "history" }, { home = home }))
      patch(index, "create foo", "create fox")
      assert(H.sh("touch -r " .. H.q(dir .. "/versions/a1.lua") .. " " .. H.q(dir .. "/versions/a1.lua")) == 0)
      r = cli(dir, nil, { "history" }, { home = home })
      assert.are.equal(HISTORY:gsub("add bar", "add baz"), r.stdout)
    end)

    it("follows files added and removed", function()
      local dir, home = indexed()
      H.write(dir .. "/versions/d4.lua", H.rev { "dd04", down = "cc03", message = "more" })
      local r = cli(dir, nil, { "heads" }, { home = home })
      assert.are.equal("dd04 (head)\n", r.stdout)
      assert(os.remove(dir .. "/versions/d4.lua"))
      assert(os.remove(dir .. "/versions/c3.lua"))
      r = cli(dir, nil, { "heads" }, { home = home })
      assert.are.equal("bb02 (head)\n", r.stdout)
    end)

    it("a corrupt, truncated or foreign index is ignored and written anew", function()
      local dir, home, index = indexed()
      local good = H.read(index)
      for _, bad in ipairs({ "", good:sub(1, 10), good:sub(1, #good - 3), "x" .. good,
                             good:gsub("create foo", "create foo\0") }) do
        H.write(index, bad)
        local r = cli(dir, nil, { "history" }, { home = home })
        assert_ok(r)
        assert.are.equal(HISTORY, r.stdout)
        assert.are.equal("", r.stderr)
        assert.are.equal(good, H.read(index))
      end
      -- Another directory's index under this one's name: not used.
      local other = chain3()
      patch(other .. "/versions/a1.lua", "create foo", "create fox")
      H.sh("sleep 2.2")
      local r = cli(other, nil, { "history" }, { home = home })
      local other_index
      for _, name in ipairs(index_files(home)) do
        if home .. "/.cache/tacker-db-manage/" .. name ~= index then other_index = name end
      end
      H.write(index, H.read(home .. "/.cache/tacker-db-manage/" .. other_index))
      r = cli(dir, nil, { "history" }, { home = home })
      assert.are.equal(HISTORY, r.stdout)
    end)

    it("no cache directory, or DBM_REVISION_CACHE=off: no index, same answers", function()
      local dir = chain3()
      H.sh("sleep 2.2")
      local r = cli(dir, nil, { "history" }, { home = "/nonexistent/home" })
      assert_ok(r)
      assert.are.equal(HISTORY, r.stdout)
      assert.are.equal("", r.stderr)
      local home = H.tmpdir()
      r = cli(dir, nil, { "history" }, { home = home, env = { DBM_REVISION_CACHE = "off" } })
      assert.are.equal(HISTORY, r.stdout)
      assert.same({}, index_files(home))
      -- XDG_CACHE_HOME, when set, is where it goes.
      local xdg = H.tmpdir()
      r = cli(dir, nil, { "history" }, { home = home, env = { XDG_CACHE_HOME = xdg } })
      assert.are.equal(HISTORY, r.stdout)
      assert.same({}, index_files(home))
      assert.are.equal(1, #index_files(nil, xdg))
    end)

    local PG = "postgresql://nobody@localhost/nothing"

    -- The compiled chunks' cache file of a directory indexed in home.
    local function chunks_file(home)
      for _, name in ipairs(index_files(home)) do
        if name:match("%.chunks$") then return home .. "/.cache/tacker-db-manage/" .. name end
      end
    end

    -- Every string constant "foo" of the cached chunks becomes "fox" (a
    -- dumped short string is its length + 1, high bit set, then its bytes).
    local function patch_chunks(path)
      local text, n = H.read(path):gsub("\x84foo", "\x84fox")
      assert(n > 0)
      local f = assert(io.open(path, "wb"))
      f:write(text)
      f:close()
    end

    it("runs unchanged revisions from the chunks compiled on an earlier run", function()
      -- (PostgreSQL's dialect, offline: no catalog to refuse a mixed script)
      local dir, home = indexed()
      local r = cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home })
      assert_ok(r)
      local plain = r.stdout
      assert.truthy(plain:find("CREATE TABLE foo (", 1, true))
      local chunks = assert(chunks_file(home))
      -- The same script from the cache; then the cache, not the file, runs.
      r = cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home })
      assert.are.equal(plain, r.stdout)
      patch_chunks(chunks)
      r = cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home })
      assert_ok(r)
      assert.truthy(r.stdout:find("CREATE TABLE fox (", 1, true))
      assert.truthy(r.stdout:find("ALTER TABLE fox ADD COLUMN bar", 1, true))
      -- A file changed in place runs from its text again; the others do not.
      patch(dir .. "/versions/a1.lua", 'create_table("foo"', 'create_table("fob"')
      r = cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home })
      assert.truthy(r.stdout:find("CREATE TABLE fob (", 1, true))
      assert.truthy(r.stdout:find("ALTER TABLE fox ADD COLUMN bar", 1, true))
      -- Without the caches, the files speak.
      r = cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home, env = { DBM_REVISION_CACHE = "off" } })
      assert.truthy(r.stdout:find("CREATE TABLE fob (", 1, true))
      assert.truthy(r.stdout:find("ALTER TABLE foo ADD COLUMN bar", 1, true))
    end)

    it("a cache file others may write, or not this user's, is not read", function()
      local dir, home = indexed()
      assert_ok(cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home }))
      local chunks = assert(chunks_file(home))
      patch_chunks(chunks)
      assert(H.sh("chmod 0620 " .. H.q(chunks)) == 0)
      local r = cli(dir, PG, { "upgrade", "head", "--sql" }, { home = home })
      assert_ok(r)
      assert.truthy(r.stdout:find("CREATE TABLE foo (", 1, true))
      -- (that run wrote the cache anew, as this user's own, with mode 0600)
      local p = io.popen("stat -c %a " .. H.q(chunks))
      assert.are.equal("600\n", p:read("a"))
      p:close()
    end)

    it("a revision run from its compiled chunk fails with the same file:line", function()
      local dir = chain3()
      H.write(dir .. "/versions/d4.lua", H.rev { "dd04", down = "cc03", message = "boom", up = [[
    op.execute("INSERT INTO foo (id) VALUES (1)")
    error("not today")
]] })
      local home = H.tmpdir()
      H.sh("sleep 2.2")
      local want
      for i = 1, 2 do
        local url = H.sqlite_url()
        local r = cli(dir, url, { "upgrade", "head" }, { home = home })
        assert.are.equal(1, r.code)
        local line = H.last_line(r.stderr)
        assert.matches("upgrade of revision 'dd04' failed: [^\n]*/versions/d4%.lua:%d+: not today$", line)
        if i == 1 then
          want = line
          assert(chunks_file(home))
        else
          assert.are.equal(want, line)
        end
      end
    end)

    it("files changed in the last 2 s are not taken into the index", function()
      local dir, home = chain3(), H.tmpdir()
      assert_ok(cli(dir, nil, { "history" }, { home = home }))
      assert.same({}, index_files(home))
    end)
  end)

  describe("upgrade, downgrade and stamp", function()
    local dir, url, path
    before_each(function()
      dir = chain3()
      url, path = H.sqlite_url()
    end)

    it("upgrade +1 and --delta 1 run one revision each", function()
      local r = cli(dir, url, { "upgrade", "+1" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running upgrade  -> aa01, create foo\n", r.stderr)
      assert.are.equal("aa01\n", cli(dir, url, { "current" }).stdout)

      r = cli(dir, url, { "upgrade", "--delta", "1" })
      assert_ok(r)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n", r.stderr)
      assert.are.equal("bb02\n", cli(dir, url, { "current" }).stdout)
      assert.are.equal("bb02\n", version_rows(path))
      assert.are.equal("alembic_version\nfoo\n", tables(path))
    end)

    it("upgrade head runs the rest; a second one has nothing to do", function()
      assert_ok(cli(dir, url, { "upgrade", "aa01" }))
      local r = cli(dir, url, { "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
      local cur = cli(dir, url, { "current" })
      assert_ok(cur)
      assert.are.equal("cc03 (head)\n", cur.stdout)
      assert.are.equal("", cur.stderr)
      assert.are.equal("alembic_version\nbaz\nfoo\n", tables(path))

      r = cli(dir, url, { "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT, r.stderr)
      assert.are.equal("cc03\n", version_rows(path))
    end)

    it("writes Alembic's version table", function()
      assert_ok(cli(dir, url, { "upgrade", "aa01" }))
      assert.matches("CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
        .. "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);",
        H.sqlite_schema(path), 1, true)
    end)

    it("downgrade -1 and downgrade base undo revisions", function()
      assert_ok(cli(dir, url, { "upgrade", "head" }))
      local r = cli(dir, url, { "downgrade", "-1" })
      assert_ok(r)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running downgrade cc03 -> bb02, create baz\n", r.stderr)
      assert.are.equal("bb02\n", cli(dir, url, { "current" }).stdout)
      assert.are.equal("alembic_version\nfoo\n", tables(path))

      r = cli(dir, url, { "downgrade", "base" })
      assert_ok(r)
      assert.are.equal(CONTEXT
        .. MIGRATION .. "Running downgrade bb02 -> aa01, add bar\n"
        .. MIGRATION .. "Running downgrade aa01 -> , create foo\n", r.stderr)
      r = cli(dir, url, { "current" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal("alembic_version\n", tables(path))
      assert.are.equal("", version_rows(path))
    end)

    it("downgrade to a revision id", function()
      assert_ok(cli(dir, url, { "upgrade", "head" }))
      local r = cli(dir, url, { "downgrade", "aa01" })
      assert_ok(r)
      assert.are.equal(CONTEXT
        .. MIGRATION .. "Running downgrade cc03 -> bb02, create baz\n"
        .. MIGRATION .. "Running downgrade bb02 -> aa01, add bar\n", r.stderr)
      assert.are.equal("aa01\n", version_rows(path))
      assert.matches("CREATE TABLE foo (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n);",
        H.sqlite_schema(path), 1, true)
    end)

    it("stamp sets the version table and runs nothing", function()
      local r = cli(dir, url, { "stamp", "bb02" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running stamp_revision  -> bb02\n", r.stderr)
      assert.are.equal("bb02\n", version_rows(path))
      assert.are.equal("alembic_version\n", tables(path))

      r = cli(dir, url, { "stamp", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running stamp_revision bb02 -> cc03\n", r.stderr)
      assert.are.equal("cc03 (head)\n", cli(dir, url, { "current" }).stdout)

      r = cli(dir, url, { "stamp", "base" })
      assert_ok(r)
      assert.are.equal("", version_rows(path))
    end)

    it("stamp --purge empties the version table first, unknown rows too", function()
      assert_ok(cli(dir, url, { "stamp", "bb02" }))
      H.sqlite3(path, "INSERT INTO alembic_version VALUES ('0ld0ne')")
      local r = cli(dir, url, { "stamp", "aa01" })
      assert.are.equal(2, r.code)

      r = cli(dir, url, { "stamp", "--purge", "aa01" })
      assert_ok(r)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running stamp_revision  -> aa01\n", r.stderr)
      assert.are.equal("aa01\n", version_rows(path))
      assert.are.equal("aa01\n", cli(dir, url, { "current" }).stdout)
    end)

    it("stamp --purge on a database with no version table creates it", function()
      local r = cli(dir, url, { "stamp", "--purge", "cc03" })
      assert_ok(r)
      assert.are.equal("cc03\n", version_rows(path))
    end)

    it("upgrade heads, and label@head, on a graph with two heads", function()
      local two = branchy()
      local r = cli(two, url, { "upgrade", "left@head" })
      assert_ok(r)
      assert.are.equal("ee05\n", version_rows(path))
      r = cli(two, url, { "upgrade", "heads" })
      assert_ok(r)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running upgrade dd04 -> ff06, other head\n", r.stderr)
      assert.are.equal("ee05\nff06\n", version_rows(path))
      r = cli(two, url, { "current" })
      assert_ok(r)
      local got = lines(r.stdout)
      table.sort(got)
      assert.same({ "ee05 (head) (mergepoint)", "ff06 (head)" }, got)
    end)
  end)

  describe("offline --sql", function()
    local OFFLINE = "CREATE TABLE alembic_version (\n"
      .. "    version_num VARCHAR(32) NOT NULL, \n"
      .. "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
      .. ");\n\n"
      .. "-- Running upgrade  -> aa01\n\n"
      .. "CREATE TABLE foo (\n"
      .. "    id INTEGER NOT NULL, \n"
      .. "    PRIMARY KEY (id)\n"
      .. ");\n\n"
      .. "INSERT INTO alembic_version (version_num) VALUES ('aa01');\n\n"
      .. "-- Running upgrade aa01 -> bb02\n\n"
      .. "ALTER TABLE foo ADD COLUMN bar VARCHAR(20);\n\n"
      .. "UPDATE alembic_version SET version_num='bb02' WHERE alembic_version.version_num = 'aa01';\n\n"
      .. "-- Running upgrade bb02 -> cc03\n\n"
      .. "CREATE TABLE baz (\n"
      .. "    id INTEGER NOT NULL, \n"
      .. "    PRIMARY KEY (id)\n"
      .. ");\n\n"
      .. "UPDATE alembic_version SET version_num='cc03' WHERE alembic_version.version_num = 'bb02';\n\n"

    it("upgrade head --sql writes SQL to stdout, logs to stderr, touches no database", function()
      local dir = chain3()
      local url, path = H.sqlite_url()
      local r = cli(dir, url, { "upgrade", "head", "--sql" })
      assert_ok(r)
      assert.are.equal(OFFLINE, r.stdout)
      assert.are.equal(STATIC
        .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
      assert.is_false(H.exists(path))
    end)

    it("with no configuration creates no tacker.sqlite", function()
      local cwd = H.tmpdir()
      local r = H.run({ "--script-location", chain3(), "upgrade", "head", "--sql" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal(OFFLINE, r.stdout)
      assert.is_false(H.exists(cwd .. "/tacker.sqlite"))
      r = H.run({ "--database-engine", "sqlite", "--script-location", chain3(), "upgrade", "head",
                  "--sql" }, { cwd = cwd })
      assert_ok(r)
      assert.are.equal(OFFLINE, r.stdout)
      assert.is_false(H.exists(cwd .. "/tacker.sqlite"))
    end)

    -- The start of it; spec/offline_spec.lua renders the whole chain.
    it("the shipped chain's first revisions render offline", function()
      local cwd = H.tmpdir()
      local r = H.run({ "upgrade", "81ffa86020d", "--sql" }, { cwd = cwd })
      assert_ok(r)
      assert.is_false(H.exists(cwd .. "/tacker.sqlite"))
      assert.are.equal(STATIC
        .. MIGRATION .. "Running upgrade  -> 1c6b0d82afcd, add tables for tacker framework\n"
        .. MIGRATION .. "Running upgrade 1c6b0d82afcd -> 81ffa86020d, rpc_proxy\n", r.stderr)
      assert.are.equal(1, count(r.stdout, "CREATE TABLE alembic_version (\n"))
      assert.are.equal(1, count(r.stdout, "-- Running upgrade  -> 1c6b0d82afcd\n\n"))
      assert.are.equal(1, count(r.stdout, "-- Running upgrade 1c6b0d82afcd -> 81ffa86020d\n\n"))
      assert.are.equal(1, count(r.stdout, "\n\nCREATE TABLE devicetemplates (\n"
        .. "    id VARCHAR(36) NOT NULL, \n"
        .. "    tenant_id VARCHAR(255), \n"
        .. "    name VARCHAR(255), \n"
        .. "    description VARCHAR(255), \n"
        .. "    infra_driver VARCHAR(255), \n"
        .. "    mgmt_driver VARCHAR(255), \n"
        .. "    PRIMARY KEY (id)\n"
        .. ");\n\n"))
      assert.are.equal(1, count(r.stdout, "\n\nINSERT INTO alembic_version (version_num) VALUES "
        .. "('1c6b0d82afcd');\n\n"))
      local tail = "UPDATE alembic_version SET version_num='81ffa86020d' WHERE "
        .. "alembic_version.version_num = '1c6b0d82afcd';\n\n"
      assert.are.equal(tail, r.stdout:sub(-#tail))
    end)

    it("upgrade A:B --sql starts from A", function()
      local r = cli(chain3(), nil, { "upgrade", "aa01:cc03", "--sql" })
      assert_ok(r)
      assert.are.equal("-- Running upgrade aa01 -> bb02\n\n"
        .. "ALTER TABLE foo ADD COLUMN bar VARCHAR(20);\n\n"
        .. "UPDATE alembic_version SET version_num='bb02' WHERE alembic_version.version_num = 'aa01';\n\n"
        .. "-- Running upgrade bb02 -> cc03\n\n"
        .. "CREATE TABLE baz (\n"
        .. "    id INTEGER NOT NULL, \n"
        .. "    PRIMARY KEY (id)\n"
        .. ");\n\n"
        .. "UPDATE alembic_version SET version_num='cc03' WHERE alembic_version.version_num = 'bb02';\n\n",
        r.stdout)
      assert.are.equal(STATIC
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
    end)

    it("downgrade A:B --sql, down to base drops the version table", function()
      local dir = chain3()
      local r = cli(dir, nil, { "downgrade", "cc03:bb02", "--sql" })
      assert_ok(r)
      assert.are.equal("-- Running downgrade cc03 -> bb02\n\n"
        .. "DROP TABLE baz;\n\n"
        .. "UPDATE alembic_version SET version_num='bb02' WHERE alembic_version.version_num = 'cc03';\n\n",
        r.stdout)
      assert.are.equal(STATIC .. MIGRATION .. "Running downgrade cc03 -> bb02, create baz\n", r.stderr)

      r = cli(dir, nil, { "downgrade", "aa01:base", "--sql" })
      assert_ok(r)
      assert.are.equal("-- Running downgrade aa01 -> \n\n"
        .. "DROP TABLE foo;\n\n"
        .. "DELETE FROM alembic_version WHERE alembic_version.version_num = 'aa01';\n\n"
        .. "DROP TABLE alembic_version;\n\n", r.stdout)
    end)

    it("stamp --sql", function()
      local r = cli(chain3(), nil, { "stamp", "bb02", "--sql" })
      assert_ok(r)
      assert.are.equal("CREATE TABLE alembic_version (\n"
        .. "    version_num VARCHAR(32) NOT NULL, \n"
        .. "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
        .. ");\n\n"
        .. "-- Running stamp_revision  -> bb02\n\n"
        .. "INSERT INTO alembic_version (version_num) VALUES ('bb02');\n\n", r.stdout)
      assert.are.equal(STATIC .. MIGRATION .. "Running stamp_revision  -> bb02\n", r.stderr)
    end)

    it("a range without --sql is a usage error", function()
      local url, path = H.sqlite_url()
      local r = cli(chain3(), url, { "upgrade", "aa01:cc03" })
      assert.are.equal(2, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal("ERROR [tacker_db_manage] range 'aa01:cc03' is only allowed with --sql\n", r.stderr)
      assert.is_false(H.exists(path))
    end)

    it("stamp --purge --sql is a usage error", function()
      local r = cli(chain3(), nil, { "stamp", "--purge", "--sql", "bb02" })
      assert.are.equal(2, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal("ERROR [tacker_db_manage] --purge cannot be used with --sql\n", r.stderr)
    end)
  end)

  describe("check_migration", function()
    it("passes with one head named by versions/HEAD", function()
      local r = cli(chain3(), nil, { "check_migration" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
      assert.are.equal("INFO  [alembic.script] HEAD file matches the migration timeline head 'cc03'\n",
        r.stderr)
    end)

    it("fails with several heads", function()
      local dir = branchy()
      H.write(dir .. "/versions/HEAD", "ee05\n")
      local r = cli(dir, nil, { "check_migration" })
      assert.are.equal(1, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal("ERROR [tacker_db_manage] the migration timeline has 2 heads ('ee05', 'ff06'): "
        .. "merge them\n", r.stderr)
    end)

    it("fails when versions/HEAD names another revision", function()
      local dir = chain3()
      H.write(dir .. "/versions/HEAD", "bb02\n")
      local r = cli(dir, nil, { "check_migration" })
      assert.are.equal(1, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal("ERROR [tacker_db_manage] HEAD file does not match migration timeline head: '"
        .. dir .. "/versions/HEAD' names 'bb02', expected 'cc03'\n", r.stderr)
    end)

    it("fails when versions/HEAD is missing", function()
      local dir = chain3()
      os.remove(dir .. "/versions/HEAD")
      local r = cli(dir, nil, { "check_migration" })
      assert.are.equal(1, r.code)
      assert.matches("^ERROR %[tacker_db_manage%] [^\n]*" .. dir:gsub("%p", "%%%0")
        .. "/versions/HEAD[^\n]*\n$", r.stderr)
    end)
  end)

  describe("revision and merge", function()
    -- The id of the file named on "  Generating PATH ...  done".
    local function generated(r, dir, slug)
      assert_ok(r)
      local path = r.stdout:match("^  Generating (%S+) %.%.%.  done\n$")
      assert.is_truthy(path, "stdout: " .. r.stdout)
      local id = path:match("^" .. dir:gsub("%p", "%%%0") .. "/versions/(%x+)_" .. slug .. "%.lua$")
      assert.is_truthy(id, "path: " .. path)
      assert.are.equal(12, #id)
      assert.is_true(H.exists(path))
      return id, path
    end

    -- The template filled in as Alembic's script.py.mako would be.
    local function expected(id, fields)
      local tmpl = H.read(H.migrations .. "/script.lua.tmpl")
      local values = {
        comment = fields.message,
        up_revision = string.format("%q", id),
        down_revision = fields.down or "nil",
        branch_labels = fields.labels or "nil",
        depends_on = fields.depends or "nil",
        message = string.format("%q", fields.message),
        create_date = "\0",
      }
      return (tmpl:gsub("%${([%w_]+)}", function(k) return assert(values[k], k) end))
    end

    local function same_text(want, got)
      local date = got:match('create_date = "(%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d)"')
      assert.is_truthy(date, got)
      assert.are.equal((want:gsub("\0", '"' .. date .. '"')), got)
    end

    it("revision -m writes versions/<id>_<slug>.lua from the template and moves HEAD", function()
      local dir = chain3()
      local r = cli(dir, nil, { "revision", "-m", "add foo" })
      assert.are.equal("", r.stderr)
      local id, path = generated(r, dir, "add_foo")
      same_text(expected(id, { message = "add foo", down = '"cc03"' }), H.read(path))
      assert.are.equal(id .. "\n", H.read(dir .. "/versions/HEAD"))

      r = cli(dir, nil, { "heads" })
      assert_ok(r)
      assert.are.equal(id .. " (head)\n", r.stdout)
      assert_ok(cli(dir, nil, { "check_migration" }))
      local url, db = H.sqlite_url()
      r = cli(dir, url, { "upgrade", "head" })
      assert_ok(r)
      local last = MIGRATION .. "Running upgrade cc03 -> " .. id .. ", add foo\n"
      assert.are.equal(last, r.stderr:sub(-#last))
      assert.are.equal(id .. "\n", version_rows(db))
    end)

    it("the slug is the message's words, lowercased", function()
      local dir = chain3()
      local r = cli(dir, nil, { "revision", "-m", "Add VNF 'extra' column!" })
      local id, path = generated(r, dir, "add_vnf_extra_column")
      same_text(expected(id, { message = "Add VNF 'extra' column!", down = '"cc03"' }), H.read(path))
      -- Cut at 40 characters, back to a word boundary, as Alembic.
      local msg = "add a very long message that goes past forty characters for sure"
      generated(cli(dir, nil, { "revision", "-m", msg }), dir, "add_a_very_long_message_that_goes_past_")
      generated(cli(dir, nil, { "revision", "-m", string.rep("x", 50) }), dir, string.rep("x", 40) .. "_")
      generated(cli(dir, nil, { "revision", "-m", "exactly forty characters long message ok" }), dir,
        "exactly_forty_characters_long_message_ok")
    end)

    it("revision in an empty script directory writes a base", function()
      local dir = H.scripts_dir({})
      local r = cli(dir, nil, { "revision", "-m", "first one" })
      local id, path = generated(r, dir, "first_one")
      same_text(expected(id, { message = "first one" }), H.read(path))
      assert.are.equal(id .. "\n", H.read(dir .. "/versions/HEAD"))
      r = cli(dir, nil, { "history" })
      assert.are.equal("<base> -> " .. id .. " (head), first one\n", r.stdout)
    end)

    it("--head builds on another revision and leaves HEAD alone", function()
      local dir = chain3()
      local r = cli(dir, nil, { "revision", "-m", "side", "--head", "aa01" })
      local id, path = generated(r, dir, "side")
      same_text(expected(id, { message = "side", down = '"aa01"' }), H.read(path))
      assert.are.equal("cc03\n", H.read(dir .. "/versions/HEAD"))
      r = cli(dir, nil, { "heads" })
      local want = { "cc03 (head)", id .. " (head)" }
      table.sort(want)
      local got = lines(r.stdout)
      table.sort(got)
      assert.same(want, got)
    end)

    it("--depends-on and --branch-label", function()
      local dir = chain3()
      local r = cli(dir, nil, { "revision", "-m", "feature", "--head", "aa01", "--branch-label", "feat",
                                "--depends-on", "bb0" })
      local id, path = generated(r, dir, "feature")
      same_text(expected(id, { message = "feature", down = '"aa01"', labels = '"feat"',
                               depends = '"bb02"' }), H.read(path))
      r = cli(dir, nil, { "history", "-r", "feat:feat" })
      assert_ok(r)
      assert.are.equal("aa01 (bb02) -> " .. id .. " (feat) (head), feature\n", r.stdout)
      r = cli(dir, nil, { "show", "feat@head" })
      assert_ok(r)
      assert.matches("^Rev: " .. id .. " %(head%)\nParent: aa01\nAlso depends on: bb02\nBranch names: feat\n",
        r.stdout)
    end)

    it("merge -m MSG heads joins the heads and moves HEAD", function()
      local dir = chain3()
      local side = generated(cli(dir, nil, { "revision", "-m", "side", "--head", "aa01" }), dir, "side")
      local r = cli(dir, nil, { "check_migration" })
      assert.are.equal(1, r.code)

      r = cli(dir, nil, { "merge", "-m", "merge heads", "heads" })
      local id, path = generated(r, dir, "merge_heads")
      -- The parents come in the order of the heads (file order), whatever
      -- the random id of the side branch is: take it from the file.
      local downs = { H.read(path):match('down_revision = { "(%x+)", "(%x+)" }') }
      local sorted = { downs[1], downs[2] }
      table.sort(sorted)
      local want = { "cc03", side }
      table.sort(want)
      assert.same(want, sorted)
      local down = string.format('{ "%s", "%s" }', downs[1], downs[2])
      same_text(expected(id, { message = "merge heads", down = down }), H.read(path))
      assert.are.equal(id .. "\n", H.read(dir .. "/versions/HEAD"))
      r = cli(dir, nil, { "heads" })
      assert.are.equal(id .. " (head)\n", r.stdout)
      r = cli(dir, nil, { "history" })
      assert.are.equal(downs[1] .. ", " .. downs[2] .. " -> " .. id .. " (head) (mergepoint), merge heads",
        lines(r.stdout)[1])
      assert_ok(cli(dir, nil, { "check_migration" }))
    end)

    it("revision without -m and merge of one revision are usage errors", function()
      local dir = chain3()
      local r = cli(dir, nil, { "revision" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] usage: revision -m MSG [--head REV] [--depends-on REV] "
        .. "[--branch-label LABEL]\n", r.stderr)
      r = cli(dir, nil, { "merge", "-m", "x", "heads" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] merge needs at least two distinct revisions\n", r.stderr)
      r = cli(dir, nil, { "revision", "-m", "x", "--autogenerate" })
      assert.are.equal(2, r.code)
      assert.matches("^ERROR %[tacker_db_manage%] %-%-autogenerate and %-%-sql are not supported", r.stderr)
      assert.are.equal("cc03\n", H.read(dir .. "/versions/HEAD"))
    end)
  end)

  describe("the command line", function()
    it("--version", function()
      local r = H.run({ "--version" })
      assert_ok(r)
      assert.matches("^tacker%-db%-manage %d+%.%d+%.%d+\n$", r.stdout)
      assert.are.equal("", r.stderr)
    end)

    it("--help lists the global options and every command", function()
      for _, flag in ipairs({ "--help", "-h" }) do
        local r = H.run({ flag })
        assert_ok(r)
        assert.are.equal("", r.stderr)
        assert.are.equal("usage: tacker-db-manage [global options] COMMAND [ARGS]", lines(r.stdout)[1])
        for _, opt in ipairs({ "--config-file FILE", "--config-dir DIR", "--database-connection URL",
                               "--database-engine DIALECT", "--script-location DIR",
                               "--lock-timeout SECONDS", "-v, --verbose", "-q, --quiet", "--version" }) do
          assert.matches("\n  " .. opt:gsub("%p", "%%%0") .. " ", r.stdout)
        end
        for _, cmd in ipairs({ "current", "history", "heads", "branches", "show", "check_migration",
                               "upgrade", "downgrade", "stamp", "revision", "merge" }) do
          assert.matches("\n  " .. cmd .. " +%S", r.stdout)
        end
      end
    end)

    it("COMMAND --help shows the command's usage and options", function()
      local r = H.run({ "upgrade", "--help" })
      assert_ok(r)
      assert.are.equal("", r.stderr)
      assert.are.equal("usage: tacker-db-manage [global options] upgrade [--sql] [--single-transaction] "
        .. "(REV | --delta N)\n"
        .. "\n"
        .. "options:\n"
        .. "  --sql                        write the SQL to stdout instead of running it\n"
        .. "  --single-transaction         one transaction for the whole run\n"
        .. "  --delta N                    upgrade N revisions from the current one\n", r.stdout)
      for _, cmd in ipairs({ "current", "history", "heads", "branches", "show", "check_migration",
                             "downgrade", "stamp", "revision", "merge" }) do
        r = H.run({ cmd, "--help" })
        assert_ok(r)
        assert.matches("^usage: tacker%-db%-manage %[global options%] " .. cmd, r.stdout)
        assert.are.equal("", r.stderr)
      end
    end)

    it("an unknown command exits 2", function()
      local r = H.run({ "frobnicate" })
      assert.are.equal(2, r.code)
      assert.are.equal("", r.stdout)
      assert.are.equal("ERROR [tacker_db_manage] unknown command 'frobnicate' (see --help)\n", r.stderr)
    end)

    it("no command prints the usage to stderr and exits 2", function()
      local r = H.run({})
      assert.are.equal(2, r.code)
      assert.are.equal("", r.stdout)
      assert.matches("^usage: tacker%-db%-manage %[global options%] COMMAND %[ARGS%]\n", r.stderr)
    end)

    it("an unknown option exits 2", function()
      local r = H.run({ "--bogus", "current" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] unknown option '--bogus'\n", r.stderr)
      r = H.run({ "current", "--bogus" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] unknown option '--bogus'\n", r.stderr)
      r = H.run({ "--config-file" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] option '--config-file' needs a value\n", r.stderr)
    end)

    it("upgrade without a target is a usage error", function()
      local r = H.run({ "upgrade" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] you must provide a revision or relative delta: "
        .. "usage: upgrade [--sql] [--single-transaction] (REV | --delta N)\n", r.stderr)
      r = H.run({ "upgrade", "--delta", "0" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] --delta takes a positive number and no revision: "
        .. "usage: upgrade [--sql] [--single-transaction] (REV | --delta N)\n", r.stderr)
    end)
  end)

  describe("configuration", function()
    local function conf(text)
      local dir = H.tmpdir()
      local path = dir .. "/tacker.conf"
      H.write(path, text)
      return path
    end

    it("[database] connection names the database", function()
      local url, path = H.sqlite_url()
      local c = conf("[DEFAULT]\ndebug = true\n\n[database]\nconnection = " .. url .. "\n")
      local dir = chain3()
      local r = H.run({ "--config-file", c, "--script-location", dir, "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT
        .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
      assert.are.equal("cc03\n", version_rows(path))
      r = H.run({ "--config-file", c, "--script-location", dir, "current", "--verbose" })
      assert_ok(r)
      assert.are.equal("Current revision(s) for " .. url .. ":", lines(r.stdout)[1])
    end)

    it("--config-file repeated: the later file wins", function()
      local url_a, path_a = H.sqlite_url()
      local url_b, path_b = H.sqlite_url()
      local a = conf("[database]\nconnection = " .. url_a .. "\n")
      local b = conf("[database]\nconnection = " .. url_b .. "\n")
      local r = H.run({ "--config-file", a, "--config-file", b, "--script-location", chain3(),
                        "upgrade", "aa01" })
      assert_ok(r)
      assert.is_true(H.exists(path_b))
      assert.is_false(H.exists(path_a))
      assert.are.equal("aa01\n", version_rows(path_b))
    end)

    it("--config-dir reads *.conf in name order", function()
      local cdir = H.tmpdir()
      local url1, path1 = H.sqlite_url()
      local url2, path2 = H.sqlite_url()
      local url3, path3 = H.sqlite_url()
      H.write(cdir .. "/10-first.conf", "[database]\nconnection = " .. url1 .. "\n")
      H.write(cdir .. "/20-second.conf", "[database]\nconnection = " .. url2 .. "\n")
      H.write(cdir .. "/30-third.conf.disabled", "[database]\nconnection = " .. url3 .. "\n")
      local r = H.run({ "--config-dir", cdir, "--script-location", chain3(), "upgrade", "head" })
      assert_ok(r)
      assert.is_true(H.exists(path2))
      assert.is_false(H.exists(path1))
      assert.is_false(H.exists(path3))
    end)

    it("--config-dir overrides the --config-file before it", function()
      local cdir = H.tmpdir()
      local url1, path1 = H.sqlite_url()
      local url2, path2 = H.sqlite_url()
      H.write(cdir .. "/tacker.conf", "[database]\nconnection = " .. url2 .. "\n")
      local r = H.run({ "--config-file", conf("[database]\nconnection = " .. url1 .. "\n"),
                        "--config-dir", cdir, "--script-location", chain3(), "upgrade", "head" })
      assert_ok(r)
      assert.is_true(H.exists(path2))
      assert.is_false(H.exists(path1))
    end)

    it("~/.tacker/tacker.conf is read when no file is given", function()
      local home = H.tmpdir()
      local url, path = H.sqlite_url()
      assert.are.equal(0, H.sh("mkdir -p " .. H.q(home .. "/.tacker")))
      H.write(home .. "/.tacker/tacker.conf", "[database]\nconnection = " .. url .. "\n")
      local cwd = H.tmpdir()
      local r = H.run({ "--script-location", chain3(), "upgrade", "head" }, { home = home, cwd = cwd })
      assert_ok(r)
      assert.are.equal("cc03\n", version_rows(path))
      assert.is_false(H.exists(cwd .. "/tacker.sqlite"))
    end)

    it("OS_DATABASE__CONNECTION overrides the files", function()
      local url_f, path_f = H.sqlite_url()
      local url_e, path_e = H.sqlite_url()
      local r = H.run({ "--config-file", conf("[database]\nconnection = " .. url_f .. "\n"),
                        "--script-location", chain3(), "upgrade", "head" },
                      { env = { OS_DATABASE__CONNECTION = url_e } })
      assert_ok(r)
      assert.is_true(H.exists(path_e))
      assert.is_false(H.exists(path_f))
    end)

    it("--database-connection overrides the environment", function()
      local url_e, path_e = H.sqlite_url()
      local url_o, path_o = H.sqlite_url()
      local r = H.run({ "--database-connection", url_o, "--script-location", chain3(), "upgrade", "head" },
                      { env = { OS_DATABASE__CONNECTION = url_e } })
      assert_ok(r)
      assert.is_true(H.exists(path_o))
      assert.is_false(H.exists(path_e))
    end)

    it("[alembic] script_location, and --script-location over it", function()
      local url, path = H.sqlite_url()
      local other = H.scripts_dir({ x = H.rev { "xx01", message = "other chain" } })
      local c = conf("[database]\nconnection = " .. url .. "\n[alembic]\nscript_location = " .. chain3() .. "\n")
      local r = H.run({ "--config-file", c, "heads" })
      assert_ok(r)
      assert.are.equal("cc03 (head)\n", r.stdout)
      r = H.run({ "--config-file", c, "--script-location", other, "heads" })
      assert_ok(r)
      assert.are.equal("xx01 (head)\n", r.stdout)
      r = H.run({ "--config-file", c, "upgrade", "head" })
      assert_ok(r)
      assert.are.equal("cc03\n", version_rows(path))
    end)

    it("the shipped alembic.ini names the shipped chain", function()
      local r = H.run({ "--config-file", H.migrations .. "/alembic.ini", "heads" })
      assert_ok(r)
      assert.are.equal(shipped_head() .. " (head)\n", r.stdout)
    end)

    it("[alembic] version_table names the version table", function()
      local url, path = H.sqlite_url()
      local c = conf("[database]\nconnection = " .. url .. "\n[alembic]\nversion_table = tacker_versions\n")
      local dir = chain3()
      local r = H.run({ "--config-file", c, "--script-location", dir, "upgrade", "bb02" })
      assert_ok(r)
      assert.are.equal("foo\ntacker_versions\n", tables(path))
      assert.are.equal("bb02\n", version_rows(path, "tacker_versions"))
      assert.matches("CREATE TABLE tacker_versions (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
        .. "CONSTRAINT tacker_versions_pkc PRIMARY KEY (version_num)\n);", H.sqlite_schema(path), 1, true)
      r = H.run({ "--config-file", c, "--script-location", dir, "current" })
      assert_ok(r)
      assert.are.equal("bb02\n", r.stdout)
      r = H.run({ "--config-file", c, "--script-location", dir, "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
      -- The default table is not looked at.
      r = H.run({ "--database-connection", url, "--script-location", dir, "current" })
      assert_ok(r)
      assert.are.equal("", r.stdout)
    end)

    it("transaction_per_migration = false runs the chain in one transaction", function()
      local url, path = H.sqlite_url()
      local c = conf("[database]\nconnection = " .. url .. "\n[alembic]\ntransaction_per_migration = false\n")
      local r = H.run({ "--config-file", c, "--script-location", chain3(), "upgrade", "head" })
      assert_ok(r)
      assert.are.equal(CONTEXT
        .. MIGRATION .. "Running upgrade  -> aa01, create foo\n"
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
      assert.are.equal("cc03\n", version_rows(path))
    end)

    it("-v adds a timing line after each revision", function()
      local url, path = H.sqlite_url()
      local dir = chain3()
      for _, flag in ipairs({ "-v", "--verbose" }) do
        local r = H.run({ flag, "--database-connection", url, "--script-location", dir, "upgrade", "head" })
        assert_ok(r)
        local l = lines(r.stderr)
        assert.are.equal(8, #l)
        assert.are.equal(CONTEXT, l[1] .. "\n" .. l[2] .. "\n")
        local steps = { { "", "aa01", "create foo" }, { "aa01", "bb02", "add bar" },
                        { "bb02", "cc03", "create baz" } }
        for i, s in ipairs(steps) do
          assert.are.equal(MIGRATION .. "Running upgrade " .. s[1] .. " -> " .. s[2] .. ", " .. s[3],
            l[1 + 2 * i])
          local prefix = MIGRATION .. "Finished upgrade " .. s[1] .. " -> " .. s[2] .. " in "
          assert.are.equal(prefix, l[2 + 2 * i]:sub(1, #prefix))
          assert.matches("^%d+%.%d ms$", l[2 + 2 * i]:sub(#prefix + 1))
        end
        os.remove(path)
      end
    end)

    it("-v on a downgrade times each step too", function()
      local url = H.sqlite_url()
      local dir = chain3()
      assert_ok(H.run({ "--database-connection", url, "--script-location", dir, "upgrade", "head" }))
      local r = H.run({ "-v", "--database-connection", url, "--script-location", dir, "downgrade", "-1" })
      assert_ok(r)
      local l = lines(r.stderr)
      assert.are.equal(MIGRATION .. "Running downgrade cc03 -> bb02, create baz", l[3])
      assert.matches("^INFO  %[alembic%.runtime%.migration%] Finished downgrade cc03 %-> bb02 in %d+%.%d ms$",
        l[4])
    end)

    it("-q keeps stderr quiet but for errors", function()
      local url = H.sqlite_url()
      local dir = chain3()
      for _, flag in ipairs({ "-q", "--quiet" }) do
        local r = H.run({ flag, "--database-connection", url, "--script-location", dir, "upgrade", "bb02" })
        assert_ok(r)
        assert.are.equal("", r.stderr)
        assert.are.equal("", r.stdout)
      end
      local r = H.run({ "-q", "--database-connection", url, "--script-location", dir, "current" })
      assert_ok(r)
      assert.are.equal("bb02\n", r.stdout)
      r = H.run({ "-q", "--script-location", dir, "current" }, { cwd = H.tmpdir() })
      assert_ok(r)
      assert.are.equal("", r.stderr)
      r = H.run({ "-q", "--database-connection", url, "--script-location", dir, "upgrade", "zzzz" })
      assert.are.equal(2, r.code)
      assert.are.equal("ERROR [tacker_db_manage] no such revision or branch 'zzzz'\n", r.stderr)
    end)

    it("--single-transaction is upgrade's own switch for one transaction", function()
      local url, path = H.sqlite_url()
      local r = H.run({ "--database-connection", url, "--script-location", chain3(), "upgrade",
                        "--single-transaction", "head" })
      assert_ok(r)
      assert.are.equal("cc03\n", version_rows(path))
    end)
  end)

  describe("concurrent runs", function()
    it("a run waits for a lock held less than --lock-timeout", function()
      local dir = chain3()
      local url, path = H.sqlite_url()
      assert_ok(cli(dir, url, { "upgrade", "aa01" }))
      local release = H.hold_sqlite_lock(path, 0.5)
      local ok, r = pcall(cli, dir, url, { "--lock-timeout", "30", "upgrade", "head" })
      release()
      assert(ok, r)
      assert.are.equal(0, r.code, r.stderr)
      assert.are.equal(CONTEXT
        .. MIGRATION .. "Running upgrade aa01 -> bb02, add bar\n"
        .. MIGRATION .. "Running upgrade bb02 -> cc03, create baz\n", r.stderr)
      assert.are.equal("cc03\n", version_rows(path))
    end)

    it("four upgrade head processes at once: each revision runs once", function()
      local files = {}
      local prev
      for i = 1, 10 do
        local id = string.format("c%03d", i)
        files[id] = H.rev { id, down = prev, message = "step " .. i, up = string.format([[
    op.create_table("t%d", sa.Column("id", sa.Integer, { primary_key = true }),
                    sa.Column("v", sa.String(50)))
    for k = 1, 100 do
      op.execute("INSERT INTO t%d (id, v) VALUES (:id, :v)", { id = k, v = "row " .. k })
    end
    op.add_column("t%d", sa.Column("w", sa.Integer, { server_default = "7" }))
    op.create_index("ix_t%d_v", "t%d", { "v" })
]], i, i, i, i, i) }
        prev = id
      end
      local dir = H.scripts_dir(files, { head = "c010" })
      local url, path = H.sqlite_url()
      local args = { "--database-connection", url, "--script-location", dir, "upgrade", "head" }
      local results = H.run_many({ { args }, { args }, { args }, { args } })
      local all = {}
      for i, r in ipairs(results) do
        assert.are.equal(0, r.code, "run " .. i .. ": " .. r.stderr)
        assert.are.equal("", r.stdout)
        all[#all + 1] = r.stderr
      end
      all = table.concat(all)
      prev = ""
      for i = 1, 10 do
        local id = string.format("c%03d", i)
        assert.are.equal(1, count(all, MIGRATION .. "Running upgrade " .. prev .. " -> " .. id
          .. ", step " .. i .. "\n"), all)
        prev = id
      end
      assert.are.equal(10, count(all, "Running upgrade"))
      assert.are.equal(0, count(all, "ERROR"))
      assert.are.equal("c010\n", version_rows(path))
      assert.are.equal("100|7\n", H.sqlite3(path, "SELECT count(*), min(w) FROM t10"))
      local r = H.run({ "--database-connection", url, "--script-location", dir, "current" })
      assert.are.equal("c010 (head)\n", r.stdout)
    end)
  end)

  -- dbm_postgresql.so and dbm_mysql.so travel with the binary; only a run
  -- that connects to such a server needs them.
  describe("copied without its driver modules", function()
    local function lone_bin()
      local bin = H.tmpdir() .. "/tacker-db-manage"
      assert(H.sh("cp " .. H.q(H.bin) .. " " .. H.q(bin)) == 0)
      return bin
    end

    it("runs on SQLite and renders offline SQL for any dialect", function()
      local bin = lone_bin()
      local url = H.sqlite_url()
      local r = cli(H.migrations, url, { "upgrade", "head" }, { bin = bin })
      assert_ok(r)
      r = cli(H.migrations, url, { "current" }, { bin = bin })
      assert_ok(r)
      assert.matches("^[%w_]+ %(head%)\n$", r.stdout)
      for _, dialect in ipairs({ "postgresql", "mysql" }) do
        r = cli(H.migrations, dialect .. "://u:secret@127.0.0.1:1/x",
          { "upgrade", "base:head", "--sql" }, { bin = bin })
        assert_ok(r)
        assert.matches("CREATE TABLE alembic_version", r.stdout, 1, true)
      end
    end)

    it("connecting to a server is one ERROR line naming the module, exit 1", function()
      local bin = lone_bin()
      local dir = bin:match("^(.*)/")
      for _, dialect in ipairs({ "postgresql", "mysql" }) do
        local r = cli(H.migrations, dialect .. "://u:secret@127.0.0.1:1/x", { "current" },
          { bin = bin })
        assert.are.equal(1, r.code, r.stderr)
        assert.are.equal("", r.stdout)
        assert.are.equal("ERROR [tacker_db_manage] cannot load the " .. dialect .. " driver '"
          .. dir .. "/dbm_" .. dialect .. ".so': cannot open shared object file: No such file "
          .. "or directory\n", r.stderr)
      end
    end)
  end)
end)
