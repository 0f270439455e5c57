-- Helpers for the specs that run against the PostgreSQL and MariaDB servers
-- of scripts/testdb (DBM_PG_URL, DBM_MYSQL_URL: admin URLs). A missing
-- server fails the spec: nothing here skips.
local H = require("helpers.host")
local S = {}

local ADMIN_ENV = { postgresql = "DBM_PG_URL", mysql = "DBM_MYSQL_URL" }

-- The admin URL of a server; an error when the env does not name one.
function S.admin_url(dialect)
  local name = assert(ADMIN_ENV[dialect], "no server for dialect " .. tostring(dialect))
  local v = os.getenv(name)
  assert(v and v ~= "", name .. " is not set: run the specs through ctest (scripts/test), "
    .. "which starts the servers with scripts/testdb")
  return v
end

-- The parts of an admin URL: user, password, host, port.
function S.parts(dialect)
  local url = S.admin_url(dialect)
  local user, password, host, port = url:match("^%a+://([^:]+):([^@]*)@([^:/]+):(%d+)/")
  assert(user, "unexpected admin URL shape for " .. dialect)
  return { user = user, password = password, host = host, port = tonumber(port) }
end

-- The URL of database `name` on the server of dialect, with an optional
-- driver suffix ("+psycopg2") and query ("?charset=utf8mb4").
function S.url(dialect, name, driver, query)
  local p = S.parts(dialect)
  return string.format("%s%s://%s:%s@%s:%d/%s%s", dialect, driver or "", p.user, p.password, p.host, p.port,
    name, query or "")
end

-- The same URL with the password shown as the host masks it.
function S.masked(url)
  return (url:gsub("^([%w+]+://[^:/@]+:)[^@]*@", "%1***@"))
end

local function random_hex(n)
  local f = assert(io.open("/dev/urandom", "rb"))
  local bytes = f:read(n)
  f:close()
  return (bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- A fresh unique database name (lowercase: valid unquoted on both servers).
function S.db_name()
  return "dbm_spec_" .. random_hex(6)
end

local function admin_exec(dialect, sql)
  local conn = H.dbm().connect(S.admin_url(dialect))
  local ok, err = pcall(conn.execute, conn, sql)
  conn:close()
  if not ok then error(err, 2) end
end

--[[
A throw-away database on a server: S.new_db("postgresql") returns
{ dialect =, name =, url = (plain URL), drop = function }. drop() ends
every session still on it (PostgreSQL) and removes it; it is idempotent.
]]
function S.new_db(dialect)
  local name = S.db_name()
  admin_exec(dialect, "CREATE DATABASE " .. name)
  local db = { dialect = dialect, name = name, url = S.url(dialect, name) }
  function db.drop()
    if db.dropped then return end
    db.dropped = true
    if dialect == "postgresql" then
      admin_exec(dialect, "DROP DATABASE IF EXISTS " .. name .. " WITH (FORCE)")
    else
      admin_exec(dialect, "DROP DATABASE IF EXISTS " .. name)
    end
  end
  return db
end

-- The version table's rows, sorted, as one string ("a,b"; "" when none).
function S.versions(url, version_table)
  local conn = H.dbm().connect(url)
  local rows = conn:current(version_table)
  conn:close()
  table.sort(rows)
  return table.concat(rows, ",")
end

-- The sorted table names of the database at url.
function S.tables(url)
  local conn = H.dbm().connect(url)
  local names = conn:inspect():get_table_names()
  conn:close()
  table.sort(names)
  return names
end

-- A shell command run without the sanitizer runtimes that ctest preloads
-- for lua5.4 (server tools must not run under them).
function S.plain(cmd)
  return "env -u LD_PRELOAD ASAN_OPTIONS= UBSAN_OPTIONS= " .. cmd
end

--[[
The schema of a PostgreSQL database as pg_dump --schema-only prints it,
without comments, SET lines, the per-dump \restrict keys and blank lines
(nothing left in it names the database).
]]
function S.pg_schema(name)
  local p = S.parts("postgresql")
  local dir = H.tmpdir()
  local cmd = "PGPASSWORD=" .. H.q(p.password) .. " " .. S.plain("pg_dump --schema-only --no-owner"
    .. " -h " .. H.q(p.host) .. " -p " .. p.port .. " -U " .. H.q(p.user) .. " " .. H.q(name))
    .. " >" .. H.q(dir .. "/dump") .. " 2>" .. H.q(dir .. "/err")
  assert(H.sh(cmd) == 0, "pg_dump failed: " .. H.read(dir .. "/err"))
  local out = {}
  for line in H.read(dir .. "/dump"):gmatch("[^\n]+") do
    -- (\restrict and \unrestrict carry a random key per dump.)
    if not line:match("^%-%-") and not line:match("^SET ") and not line:match("^SELECT pg_catalog%.set_config")
      and not line:match("^\\restrict ") and not line:match("^\\unrestrict ") then
      out[#out + 1] = line
    end
  end
  return table.concat(out, "\n") .. "\n"
end

--[[
The PostgreSQL advisory lock key the host takes for a run on database
`name` with version table `vt` (FNV-1a 64 of
"tacker-db-manage:<database>:<version table>", as a signed bigint):
another session holding it makes a run wait.
]]
function S.pg_lock_key(name, vt)
  local h = -3750763034362895579 -- 0xcbf29ce484222325
  for _, s in ipairs({ "tacker-db-manage:", name, ":", vt or "alembic_version" }) do
    for i = 1, #s do
      h = (h ~ s:byte(i)) * 0x100000001b3
    end
  end
  return h
end

-- The MySQL GET_LOCK name of a run on database `name` (short names only).
function S.mysql_lock_name(name, vt)
  local key = "tacker-db-manage:" .. name .. ":" .. (vt or "alembic_version")
  assert(#key <= 64, "lock name too long for this helper")
  return key
end

--[[
Start the CLI in the background: S.spawn(args, {env =}) -> job with
job.pid, job:wait() -> H.run-shaped result, job:stderr() (so far),
job:kill(signal).
]]
function S.spawn(args, opts)
  opts = opts or {}
  local dir = H.tmpdir()
  local words = { "HOME=" .. H.q(dir), "OS_DATABASE__CONNECTION=" }
  for k, v in pairs(opts.env or {}) do words[#words + 1] = k .. "=" .. H.q(v) end
  words[#words + 1] = H.q(H.bin)
  for _, a in ipairs(args) do words[#words + 1] = H.q(a) end
  local out, err, rc, pidf = dir .. "/out", dir .. "/err", dir .. "/rc", dir .. "/pid"
  -- The inner shell execs the binary, so its pid is the binary's.
  local cmd = "( sh -c 'echo $$ >\"$0\"; exec \"$@\"' " .. H.q(pidf) .. " env " .. table.concat(words, " ")
    .. " >" .. H.q(out) .. " 2>" .. H.q(err) .. " </dev/null; echo $? >" .. H.q(rc) .. " ) >/dev/null 2>&1 &"
  assert(H.sh(cmd) == 0)
  for _ = 1, 200 do
    if H.exists(pidf) and H.read(pidf):match("%d") then break end
    H.sh("sleep 0.02")
  end
  local job = { pid = tonumber(H.read(pidf):match("%d+")) }
  function job.stderr()
    return H.exists(err) and H.read(err) or ""
  end
  function job.done()
    return H.exists(rc) and H.read(rc):match("%d") ~= nil
  end
  -- Wait until the stderr so far contains `plain` (at most `seconds`).
  function job.wait_for(plain, seconds)
    local ticks = math.floor((seconds or 20) / 0.02)
    for _ = 1, ticks do
      if job.stderr():find(plain, 1, true) then return true end
      if job.done() then break end
      H.sh("sleep 0.02")
    end
    error("the run never logged '" .. plain .. "'; stderr:\n" .. job.stderr())
  end
  function job.wait(seconds)
    local ticks = math.floor((seconds or 60) / 0.02)
    for _ = 1, ticks do
      if job.done() then
        return { code = tonumber(H.read(rc):match("%d+")), stdout = H.read(out), stderr = H.read(err) }
      end
      H.sh("sleep 0.02")
    end
    error("the run did not end; stderr:\n" .. job.stderr())
  end
  function job.kill(signal)
    H.sh("kill -" .. (signal or "KILL") .. " " .. job.pid .. " 2>/dev/null")
  end
  return job
end

-- How often plain occurs in text.
function S.count(text, plain)
  local n, at = 0, 1
  while true do
    local s, e = text:find(plain, at, true)
    if not s then return n end
    n, at = n + 1, e + 1
  end
end

return S
