-- Shared helpers for the specs: the built binary and Lua module, throw-away
-- directories and databases, and running the CLI as a whole process.
local H = {}

local function env(name)
  local v = os.getenv(name)
  assert(v and v ~= "", name .. " is not set: run the specs through ctest (scripts/test)")
  return v
end

H.bin = env("DBM_BIN")
H.build_dir = env("DBM_BUILD_DIR")
H.root = os.getenv("DBM_SOURCE_DIR") or "."
H.migrations = H.root .. "/alembic_migrations"

local dbm
function H.dbm()
  dbm = dbm or require("dbmanage")
  return dbm
end

-- Quote one shell word.
function H.q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function sh(cmd)
  local ok, how, code = os.execute(cmd)
  if how == "exit" then return code end
  error("command killed by signal " .. tostring(code) .. ": " .. cmd)
end
H.sh = sh

local created = {}

-- A new empty directory, removed by H.cleanup().
function H.tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(sh("mkdir -p " .. H.q(p)) == 0)
  created[#created + 1] = p
  return p
end

function H.cleanup()
  for i = #created, 1, -1 do
    sh("rm -rf " .. H.q(created[i]))
    created[i] = nil
  end
end

function H.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

function H.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

function H.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

--[[
Run the CLI: H.run({"upgrade", "head"}, {cwd = dir, env = {K = "v"}})
returns { code = n, stdout = "...", stderr = "..." }. opts.bin runs another
copy of the binary.
]]
function H.run(args, opts)
  opts = opts or {}
  local dir = H.tmpdir()
  local words = {}
  for k, v in pairs(opts.env or {}) do
    words[#words + 1] = k .. "=" .. H.q(v)
  end
  words[#words + 1] = H.q(opts.bin or H.bin)
  for _, a in ipairs(args) do words[#words + 1] = H.q(a) end
  -- No config found by accident: HOME is a fresh directory (opts.home
  -- names another). The assignments come after any "cd" so that they
  -- reach the binary, and before opts.env so that it can override them.
  -- The revision index goes under HOME too (XDG_CACHE_HOME unset).
  local cmd = "HOME=" .. H.q(opts.home or dir) .. " XDG_CACHE_HOME= OS_DATABASE__CONNECTION= "
    .. table.concat(words, " ")
  if opts.cwd then cmd = "cd " .. H.q(opts.cwd) .. " && " .. cmd end
  local code = sh("(" .. cmd .. ") >" .. H.q(dir .. "/out") .. " 2>" .. H.q(dir .. "/err") .. " </dev/null")
  return { code = code, stdout = H.read(dir .. "/out"), stderr = H.read(dir .. "/err") }
end

-- The last line of text (without its newline).
function H.last_line(text)
  local last
  for line in text:gmatch("[^\n]+") do last = line end
  return last
end

--[==[
A script directory built from revisions given as Lua source:
H.scripts_dir({ a1 = [[ return {...} ]] }) -> dir; file names are <key>.lua.
]==]
function H.scripts_dir(files, opts)
  local dir = H.tmpdir()
  assert(sh("mkdir -p " .. H.q(dir .. "/versions")) == 0)
  for name, text in pairs(files) do
    H.write(dir .. "/versions/" .. name .. ".lua", text)
  end
  if opts and opts.head then H.write(dir .. "/versions/HEAD", opts.head .. "\n") end
  H.write(dir .. "/script.lua.tmpl", H.read(H.migrations .. "/script.lua.tmpl"))
  return dir
end

--[==[
A revision's source from a table: rev{ "b", down = "a", up = [[op.execute("...")]] }.
]==]
function H.rev(t)
  local function lit(v)
    if v == nil then return "nil" end
    if type(v) == "table" then
      local parts = {}
      for _, s in ipairs(v) do parts[#parts + 1] = string.format("%q", s) end
      return "{ " .. table.concat(parts, ", ") .. " }"
    end
    return string.format("%q", v)
  end
  local lines = {
    "return {",
    "  revision = " .. lit(t[1]) .. ",",
    "  down_revision = " .. lit(t.down) .. ",",
    "  branch_labels = " .. lit(t.labels) .. ",",
    "  depends_on = " .. lit(t.depends) .. ",",
    "  message = " .. lit(t.message or ("revision " .. t[1])) .. ",",
    "  upgrade = function(op, sa)",
    t.up or "",
    "  end,",
  }
  if t.down_fn ~= false then
    lines[#lines + 1] = "  downgrade = function(op, sa)"
    lines[#lines + 1] = t.down_fn or ""
    lines[#lines + 1] = "  end,"
  end
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n") .. "\n"
end

-- A throw-away SQLite database file URL in its own directory.
function H.sqlite_url()
  local dir = H.tmpdir()
  return "sqlite:///" .. dir .. "/test.db", dir .. "/test.db"
end

-- Rows of a query through the Lua module on a fresh connection.
function H.query(url, sql, params)
  local conn = H.dbm().connect(url)
  local rows = conn:query(sql, params)
  conn:close()
  return rows
end

-- The schema text of an SQLite file, as the sqlite3 tool prints it.
function H.sqlite_schema(path)
  local dir = H.tmpdir()
  assert(sh("sqlite3 " .. H.q(path) .. " .schema >" .. H.q(dir .. "/s")) == 0)
  return H.read(dir .. "/s")
end

--[[
Run several CLI processes at once (all started before any is waited for):
H.run_many({ {args, opts}, ... }) -> a list of H.run-shaped results.
opts: env and cwd as for H.run.
]]
function H.run_many(list)
  local dir = H.tmpdir()
  local jobs = {}
  for i, item in ipairs(list) do
    local args, opts = item[1], item[2] or {}
    local words = { "HOME=" .. H.q(dir), "XDG_CACHE_HOME=", "OS_DATABASE__CONNECTION=" }
    for k, v in pairs(opts.env or {}) do words[#words + 1] = k .. "=" .. H.q(v) end
    words[#words + 1] = H.q(H.bin)
    for _, a in ipairs(args) do words[#words + 1] = H.q(a) end
    local cmd = table.concat(words, " ")
    if opts.cwd then cmd = "cd " .. H.q(opts.cwd) .. " && " .. cmd end
    local p = dir .. "/" .. i
    jobs[#jobs + 1] = "( (" .. cmd .. ") >" .. H.q(p .. ".out") .. " 2>" .. H.q(p .. ".err")
      .. " </dev/null; echo $? >" .. H.q(p .. ".rc") .. " ) &"
  end
  assert(sh(table.concat(jobs, "\n") .. "\nwait") == 0)
  local results = {}
  for i = 1, #list do
    local p = dir .. "/" .. i
    results[i] = { code = tonumber(H.read(p .. ".rc")), stdout = H.read(p .. ".out"),
                   stderr = H.read(p .. ".err") }
  end
  return results
end

-- What the sqlite3 tool prints for sql on the file at path (-batch, list mode).
function H.sqlite3(path, sql)
  local dir = H.tmpdir()
  assert(sh("sqlite3 -batch " .. H.q(path) .. " " .. H.q(sql) .. " >" .. H.q(dir .. "/o")) == 0,
         "sqlite3 failed on: " .. sql)
  return H.read(dir .. "/o")
end

--[[
Hold SQLite's write lock on the file at path from another process (the
sqlite3 tool inside BEGIN IMMEDIATE) until the returned function is called;
that function waits for the holder to end. The holder lets go by itself
after `seconds` (default 60).
]]
function H.hold_sqlite_lock(path, seconds)
  local ticks = math.floor((seconds or 60) * 20)
  local dir = H.tmpdir()
  local held, release, ended = dir .. "/held", dir .. "/release", dir .. "/ended"
  local script = "{ echo 'BEGIN IMMEDIATE;'; echo " .. H.q(".shell touch " .. H.q(held)) .. ";"
    .. " n=0; while [ ! -e " .. H.q(release) .. " ] && [ $n -lt " .. ticks .. " ]; do sleep 0.05; n=$((n+1)); done;"
    .. " echo 'COMMIT;'; } | sqlite3 -batch " .. H.q(path) .. " >/dev/null 2>&1; touch " .. H.q(ended)
  assert(sh("(" .. script .. ") </dev/null >/dev/null 2>&1 &") == 0)
  for _ = 1, 400 do
    if H.exists(held) then break end
    sh("sleep 0.05")
  end
  assert(H.exists(held), "the sqlite3 lock holder did not start")
  return function()
    H.write(release, "")
    for _ = 1, 400 do
      if H.exists(ended) then return end
      sh("sleep 0.05")
    end
    error("the sqlite3 lock holder did not end")
  end
end

return H
