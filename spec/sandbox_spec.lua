-- The sandbox revision files run in: what they can reach, what they
-- cannot, how their errors read, and that one cannot change another's
-- environment.
local H = require("helpers.host")
local dbm = H.dbm()

-- Escape a string for use in a Lua pattern.
local function lit(s)
  return (s:gsub("%p", "%%%0"))
end

--[==[
Run revisions given as { id = source } on a fresh in-memory database up to
`target` (default "head"). Returns ok, the error message (or nil), the log
lines print() and the runner wrote after the two context lines, and the
script directory.
]==]
local function run(files, target)
  local dir = H.scripts_dir(files)
  local ok, scripts = pcall(dbm.scripts, dir)
  if not ok then return false, "load: " .. tostring(scripts), {}, dir end
  local conn = dbm.connect("sqlite://")
  local lines = {}
  local log = function(_, _, msg)
    if not msg:match("^Context impl ") and not msg:match("^Will assume ") then
      lines[#lines + 1] = msg
    end
  end
  local ok2, err = pcall(conn.upgrade, conn, scripts, target or "head", { log = log })
  conn:close()
  return ok2, not ok2 and tostring(err) or nil, lines, dir
end

-- One revision "a1" whose upgrade body is `body`.
local function run_body(body)
  return run({ a1 = H.rev({ "a1", up = body }) })
end

-- The print() output of an upgrade body that must succeed.
local function printed(body)
  local ok, err, lines = run_body(body)
  assert(ok, err)
  local out = {}
  for _, line in ipairs(lines) do
    if not line:match("^Running upgrade ") then out[#out + 1] = line end
  end
  return out
end

-- The message of an upgrade body that must fail, checked to name the
-- revision, the file and the line; the line of the body is 8 (see H.rev).
local function failure(body, line)
  local ok, err, _, dir = run_body(body)
  assert(not ok, "the revision was expected to fail")
  local prefix = "upgrade of revision 'a1' failed: " .. dir:match("[^/]+$") .. "/versions/a1.lua:"
    .. (line or 8) .. ": "
  assert(err:sub(1, #prefix) == prefix, "no file:line in: " .. err)
  return err:sub(#prefix + 1)
end

-- The message of a revision file that must fail to load.
local function load_failure(source)
  local dir = H.scripts_dir({ a1 = source })
  local ok, err = pcall(dbm.scripts, dir)
  assert(not ok, "the file was expected not to load")
  return tostring(err), dir
end

describe("the revision sandbox", function()
  teardown(function()
    H.cleanup()
  end)

  describe("allows", function()
    it("the string, table, math and utf8 libraries", function()
      assert.same({ "003.1|ab-ab-ab|3|ABC|x=1|b" }, printed([[
        print(string.format("%05.1f", 3.14159) .. "|" .. string.rep("ab", 3, "-") .. "|"
          .. #string.sub("abcdef", 2, 4) .. "|" .. ("abc"):upper() .. "|"
          .. string.gsub("x=0", "0", "1") .. "|" .. ("abc"):match("b"))
      ]]))
      assert.same({ "1-2-3|3|c,b,a|2" }, printed([[
        local t = { 3, 1, 2 }
        table.sort(t)
        local r = { "a", "b", "c" }
        table.sort(r, function(a, b) return a > b end)
        table.insert(t, 4)
        table.remove(t)
        print(table.concat(t, "-") .. "|" .. select(3, table.unpack(t)) .. "|" .. table.concat(r, ",")
          .. "|" .. #table.pack(1, 2))
      ]]))
      assert.same({ "3|7|true|integer|float|Hé|2" }, printed([[
        print(math.floor(3.7) .. "|" .. math.max(1, 7, 3) .. "|" .. tostring(math.pi > 3 and math.huge > 1e308)
          .. "|" .. math.type(1) .. "|" .. math.type(1.5) .. "|" .. utf8.char(72, 233) .. "|" .. utf8.len("Hé"))
      ]]))
    end)

    it("the time functions of os", function()
      assert.same({ "1970-01-01|true|number|10.0" }, printed([[
        print(os.date("!%Y-%m-%d", 0) .. "|" .. tostring(os.time() > 1600000000) .. "|" .. type(os.clock())
          .. "|" .. string.format("%.1f", os.difftime(20, 10)))
      ]]))
      assert.same({ "86400" }, printed([[print(os.time({ year = 2020, month = 1, day = 2, hour = 12 })
        - os.time({ year = 2020, month = 1, day = 1, hour = 12 }))]]))
    end)

    it("the safe base functions", function()
      assert.same({ "a=1,b=2|1,2,3|false|caught|2|true|true|3|5|Lua 5.4" }, printed([[
        local keys = {}
        for k, v in pairs({ a = 1, b = 2 }) do keys[#keys + 1] = k .. "=" .. v end
        table.sort(keys)
        local vals = {}
        for _, v in ipairs({ 1, 2, 3 }) do vals[#vals + 1] = tostring(v) end
        local ok = pcall(error, "x")
        local _, msg = xpcall(function() error("caught", 0) end, function(m) return m end)
        local mt = setmetatable({}, { __index = function() return 5 end })
        print(table.concat(keys, ",") .. "|" .. table.concat(vals, ",") .. "|" .. tostring(ok) .. "|" .. msg
          .. "|" .. select("#", 1, 2) .. "|" .. tostring(rawequal(mt, mt)) .. "|" .. tostring(next({}) == nil)
          .. "|" .. rawlen({ 1, 2, 3 }) .. "|" .. mt.anything .. "|" .. _VERSION)
      ]]))
      assert.same({ "12|nil|number|table|ok" }, printed([[
        local t = {}
        rawset(t, "k", "ok")
        assert(getmetatable(setmetatable({}, { __name = "x" })).__name == "x")
        print(tonumber("12") .. "|" .. tostring(tonumber("z")) .. "|" .. type(1) .. "|" .. type(t) .. "|"
          .. rawget(t, "k"))
      ]]))
    end)

    it("print, to the log, with values as tostring shows them", function()
      assert.same({ "a\t1\tnil\ttrue\t2.5", "" }, printed([[
        print("a", 1, nil, true, 2.5)
        print()
      ]]))
    end)

    it("op and sa, also while the file loads", function()
      local ok, err = run({
        a1 = [[
local UUID = sa.String(36)
local name = string.format("t_%d", 1)
return {
  revision = "a1",
  message = "built with " .. tostring(UUID),
  upgrade = function(op, sa)
    op.create_table(name, sa.Column("id", UUID, { primary_key = true }))
  end,
}
]],
      })
      assert(ok, err)
      local scripts = dbm.scripts(H.scripts_dir({ a1 = "return { revision = 'a1', message = tostring(sa.String(36)) "
        .. ".. ' ' .. type(op.create_table), upgrade = function() end }\n" }))
      assert.equal("String(36) function", scripts:get("a1").message)
    end)
  end)

  describe("forbids", function()
    local globals = { "io", "require", "load", "loadfile", "dofile", "debug", "package", "collectgarbage",
      "_G", "loadstring", "module", "getfenv", "arg" }
    for _, name in ipairs(globals) do
      it("the global " .. name, function()
        assert.equal("undefined global '" .. name .. "'", failure("local x = " .. name))
      end)
    end

    it("calling them, with the same message", function()
      assert.equal("undefined global 'io'", failure([[io.open("/etc/passwd")]]))
      assert.equal("undefined global 'io'", failure([[io.popen("true")]]))
      assert.equal("undefined global 'require'", failure([[require("os")]]))
      assert.equal("undefined global 'load'", failure([[load("return 1")()]]))
      assert.equal("undefined global 'dofile'", failure([[dofile("/dev/null")]]))
      assert.equal("undefined global 'collectgarbage'", failure([[collectgarbage("collect")]]))
      assert.equal("undefined global 'debug'", failure([[debug.sethook()]]))
      assert.equal("undefined global 'package'", failure([[package.loadlib("x", "y")]]))
    end)

    for _, fn in ipairs({ "execute", "remove", "rename", "exit", "getenv", "tmpname", "setlocale" }) do
      it("os." .. fn, function()
        assert.equal("'os." .. fn .. "' is not available in a revision", failure("os." .. fn .. "('x')"))
      end)
    end

    it("them while the file loads too, naming file and line", function()
      local err, dir = load_failure("local f = io.open\nreturn {}\n")
      assert.equal(dir:match("[^/]+$") .. "/versions/a1.lua:1: undefined global 'io'", err)
      err, dir = load_failure("\n\nos.execute('touch /tmp/pwned')\n")
      assert.equal(dir:match("[^/]+$") .. "/versions/a1.lua:3: 'os.execute' is not available in a revision", err)
    end)

    it("a revision table with a metatable, whose metamethods would run unprotected", function()
      local source = [[
return setmetatable({ revision = "a1", upgrade = function() end },
                    { __index = function(_, k) error("trap " .. k) end })
]]
      local err, dir = load_failure(source)
      assert.equal("'" .. dir .. "/versions/a1.lua' must return a plain table, not one with a metatable", err)
      -- also when the file changes between loading and running
      dir = H.scripts_dir({ a1 = H.rev({ "a1" }) })
      local scripts = dbm.scripts(dir)
      H.write(dir .. "/versions/a1.lua", source)
      local conn = dbm.connect("sqlite://")
      local ok, err2 = pcall(conn.upgrade, conn, scripts, "head")
      assert.is_false(ok)
      assert.equal("'" .. dir .. "/versions/a1.lua' must return a plain table", err2)
      assert.same({}, conn:current())
      conn:upgrade(dbm.scripts(H.scripts_dir({ b1 = H.rev({ "b1" }) })), "head")
      assert.same({ "b1" }, conn:current())
      conn:close()
    end)

    it("binary chunks", function()
      local err = load_failure(string.dump(function() return {} end))
      assert.matches("attempt to load a binary chunk %(mode is 't'%)", err)
    end)
  end)

  describe("globals", function()
    it("raise on reading an unknown one", function()
      assert.equal("undefined global 'undefined_thing'", failure("local x = undefined_thing"))
      assert.equal("undefined global 'Op'", failure([[Op.execute("SELECT 1")]]))
      assert.equal("undefined global 'undefined_thing'", load_failure("return undefined_thing\n"):match(": (.*)$"))
    end)

    it("raise on assignment, in upgrade and while loading", function()
      assert.equal("assignment to undeclared global 'x' (use 'local')", failure("x = 1"))
      assert.equal("assignment to undeclared global 'op' (use 'local')", load_failure("op = nil\n"):match(": (.*)$"))
      assert.equal("assignment to undeclared global 'helper' (use 'local')",
        failure("function helper() end"))
      assert.equal("assignment to undeclared global 'y' (use 'local')", load_failure("y = 2\nreturn {}\n"):match(": (.*)$"))
    end)

    it("keep the environment's metatable out of reach", function()
      assert.same({ "false" }, printed([[print(tostring(getmetatable(_ENV)))]]))
      assert.equal("cannot change a protected metatable", failure([[setmetatable(_ENV, nil)]]))
    end)

    it("allow locals and upvalues freely", function()
      assert.same({ "3" }, printed([[
        local counter = 0
        local function bump() counter = counter + 1 end
        bump() bump() bump()
        print(counter)
      ]]))
    end)
  end)

  describe("isolation", function()
    it("keeps what one revision does to its environment away from the next", function()
      local ok, err, lines = run({
        a1 = H.rev({ "a1", up = [[
          rawset(_ENV, "leak", "from a1")
          pcall(function() string.upper = function() return "hacked" end end)
          pcall(function() string.extra = "extra" end)
          pcall(function() table.concat = nil end)
          pcall(function() math.pi = 3 end)
          pcall(function() os.time = function() return 0 end end)
          pcall(function() op.create_table = nil end)
          pcall(function() sa.Integer = sa.Text end)
          pcall(function() sa.String.length = 99 end)
          print("a1 done")
        ]] }),
        b2 = H.rev({ "b2", down = "a1", up = [[
          print(string.upper("ok") .. " " .. tostring(rawget(string, "extra")) .. " "
            .. table.concat({ "x", "y" }) .. " " .. tostring(math.pi > 3.14) .. " " .. tostring(os.time() > 0)
            .. " " .. type(op.create_table) .. " " .. tostring(sa.Integer) .. " " .. tostring(sa.String))
          print(pcall(function() return leak end))
        ]] }),
      })
      assert(ok, err)
      assert.same({
        "Running upgrade  -> a1, revision a1",
        "a1 done",
        "Running upgrade a1 -> b2, revision b2",
        "OK nil xy true true function Integer() String()",
        "false\t" .. lines[5]:match("\t(.*)$"),
      }, lines)
      assert.matches("undefined global 'leak'$", lines[5])
    end)

    it("keeps what the op and sa arguments get away from the next revision", function()
      local ok, err, lines = run({
        a1 = H.rev({ "a1", up = [[
          pcall(function() op.execute = nil end)
          pcall(function() sa.text = nil end)
          print("a1 done")
        ]] }),
        b2 = H.rev({ "b2", down = "a1", up = [[
          op.execute(sa.text("CREATE TABLE from_b2 (x INTEGER)"))
          print(type(op.execute) .. " " .. type(sa.text))
        ]] }),
      })
      assert(ok, err)
      assert.equal("function function", lines[#lines])
    end)

    it("does not let a revision change the host's string methods", function()
      local before = ("host"):upper()
      local ok, err = run_body([[
        local mt = getmetatable("")
        if type(mt) == "table" and type(mt.__index) == "table" then
          pcall(function() mt.__index.upper = function() return "hacked" end end)
        end
      ]])
      assert(ok, err)
      assert.equal(before, ("host"):upper())
      assert.same({ "HOST" }, printed([[print(("host"):upper())]]))
    end)

    it("gives each file its own environment, loaded or running", function()
      local ok, err = run({
        a1 = "local mine = 'a1'\nreturn { revision = 'a1', message = mine, upgrade = function() "
          .. "assert(mine == 'a1') end }\n",
        b2 = "local mine = 'b2'\nreturn { revision = 'b2', down_revision = 'a1', message = mine, upgrade = "
          .. "function() assert(mine == 'b2') end }\n",
      })
      assert(ok, err)
    end)
  end)

  describe("errors", function()
    it("carry the file and line of a raise in upgrade", function()
      assert.equal("boom", failure("\n\nerror('boom')", 10))
    end)

    it("carry the file and line of a runtime error", function()
      assert.equal("attempt to index a nil value (local 't')", failure("local t = nil\nlocal x = t.field", 9))
      assert.equal("attempt to perform arithmetic on a nil value (local 'n')", failure("local n\nreturn n + 1", 9))
      assert.equal("attempt to call a nil value (field 'nope')", failure("op.nope()"))
    end)

    it("carry the file and line of an op.* failure", function()
      assert.equal("no such table: nope [SQL: DROP TABLE nope]", failure("op.drop_table('nope')"))
      assert.equal("bad argument #1 to 'create_table' (string expected, got no value)",
        failure("op.create_table()"))
    end)

    it("carry the file and line of an error raised in a helper function", function()
      local ok, err, _, dir = run({
        a1 = "local function check(v)\n  if not v then\n    error('check failed')\n  end\nend\n"
          .. "return { revision = 'a1', upgrade = function() check(false) end }\n",
      })
      assert.is_false(ok)
      assert.equal("upgrade of revision 'a1' failed: " .. dir:match("[^/]+$") .. "/versions/a1.lua:3: check failed", err)
    end)

    it("keep a message raised without a position as it is", function()
      assert.equal("upgrade of revision 'a1' failed: plain", select(2, run_body("error('plain', 0)")))
    end)

    it("show a non-string error value", function()
      local _, err = run_body("error(setmetatable({}, { __tostring = function() return 'custom object' end }))")
      assert.equal("upgrade of revision 'a1' failed: custom object", err)
    end)

    it("come from a syntax error with file and line", function()
      local err, dir = load_failure("return {\n  revision = 'a1'\n  message = 'x',\n}\n")
      assert.equal(dir:match("[^/]+$") .. "/versions/a1.lua:3: '}' expected (to close '{' at line 1) near 'message'", err)
    end)

    it("leave the database as it was", function()
      local dir = H.scripts_dir({ a1 = H.rev({ "a1", up = "op.create_table('t', sa.Column('x', sa.Integer))\nerror('late')" }) })
      local conn = dbm.connect("sqlite://")
      local ok = pcall(conn.upgrade, conn, dbm.scripts(dir), "head")
      assert.is_false(ok)
      assert.same({}, conn:current())
      assert.is_false(conn:inspect():has_table("t"))
      conn:close()
    end)
  end)
end)
