--[[
Helpers for the Tacker-chain specs (spec/tacker_*_spec.lua): throw-away
databases on the servers of scripts/testdb, the reference's dump tools and
normalisation, loading SQL files with the servers' own clients, and text
comparison that fails with a diff.

The servers are found through DBM_PG_URL and DBM_MYSQL_URL (admin URLs,
exported by scripts/testdb and passed on by ctest). When one is missing,
the spec fails: it never skips.

The dumps are the ones spec/fixtures/reference/ was made with (see its
README.md):
  PostgreSQL  pg_dump --schema-only --no-owner --no-privileges
              --exclude-table=alembic_version
  MariaDB     mysqldump --no-data --skip-comments --compact
              --skip-add-drop-table --ignore-table=DB.alembic_version
  data        pg_dump --data-only --column-inserts -t T...;
              mysqldump --no-create-info --skip-comments --compact
              --complete-insert --skip-extended-insert --hex-blob
              --order-by-primary DB T...
]]
local H = require("helpers.host")

local T = {}

T.fixtures = H.root .. "/spec/fixtures"
T.reference = T.fixtures .. "/reference"
T.expected = T.fixtures .. "/expected"
T.HEAD = "ca2ad037c320"

-- The PostgreSQL client tools of the server's major version (as
-- scripts/testdb picks its server), else whatever is on PATH.
local pgbin = os.getenv("DBM_PG_BINDIR") or "/usr/lib/postgresql/15/bin"
local function pg_tool(name)
  if H.exists(pgbin .. "/" .. name) then return pgbin .. "/" .. name end
  return name
end

local function unescape(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local servers = {}

--[[
The server of a dialect ("postgresql" or "mysql"):
{ dialect, admin_url, scheme, user, password, host, port }.
]]
function T.server(dialect)
  if servers[dialect] then return servers[dialect] end
  local var = ({ postgresql = "DBM_PG_URL", mysql = "DBM_MYSQL_URL" })[dialect]
  assert(var, "no server for dialect '" .. tostring(dialect) .. "'")
  local url = os.getenv(var)
  assert(url and url ~= "", var .. " is not set: the Tacker specs need the PostgreSQL and"
    .. " MariaDB servers of scripts/testdb (run them through scripts/test)")
  local scheme, user, password, host, port = url:match("^(%w+)://([^:@/]+):([^@]*)@([^:/]+):(%d+)/")
  assert(scheme, var .. " is not a URL of the form scheme://user:password@host:port/db")
  servers[dialect] = {
    dialect = dialect, admin_url = url, scheme = scheme, user = unescape(user),
    password = unescape(password), host = host, port = port,
  }
  return servers[dialect]
end

-- A shell prefix that runs a client tool of the server with its password.
local function client(srv, tool)
  if srv.dialect == "postgresql" then
    return "PGPASSWORD=" .. H.q(srv.password) .. " PGCONNECT_TIMEOUT=30 " .. H.q(pg_tool(tool))
      .. (tool == "psql" and " -X" or "") .. " -h " .. H.q(srv.host) .. " -p " .. srv.port .. " -U " .. H.q(srv.user)
  end
  return "MYSQL_PWD=" .. H.q(srv.password) .. " " .. tool .. " --no-defaults -h " .. H.q(srv.host)
    .. " -P " .. srv.port .. " -u " .. H.q(srv.user)
end

-- Run a shell command; on failure raise with its stderr. Returns stdout.
-- The server tools run without the sanitizer runtimes that ctest preloads
-- for lua5.4 under DBM_SANITIZE (they are not built for them).
local function capture(cmd, what)
  local dir = H.tmpdir()
  local code = H.sh("(unset LD_PRELOAD; " .. cmd .. ") >" .. H.q(dir .. "/out") .. " 2>" .. H.q(dir .. "/err") .. " </dev/null")
  if code ~= 0 then
    error(what .. " failed (exit " .. code .. "): " .. H.read(dir .. "/err"), 2)
  end
  return H.read(dir .. "/out")
end

local serial = 0

local function new_name(tag)
  serial = serial + 1
  return ("tk_%s_%d_%d_%04x"):format(tag, os.time() % 100000, serial, math.random(0, 0xffff))
end

-- The database object of an existing database.
local function database_named(dialect, name)
  local srv = T.server(dialect)
  local db = {
    dialect = dialect, name = name, server = srv,
    url = ("%s://%s:%s@%s:%s/%s"):format(srv.scheme, srv.user, srv.password, srv.host, srv.port, name),
  }
  function db.drop()
    local c = H.dbm().connect(srv.admin_url)
    if dialect == "postgresql" then
      c:execute("DROP DATABASE IF EXISTS " .. name .. " WITH (FORCE)")
    else
      c:execute("DROP DATABASE IF EXISTS " .. name)
    end
    c:close()
  end
  return db
end

--[[
A new empty database: T.database("postgresql", "walk") ->
{ dialect, name, url, server } (url: the host's URL of it); db.drop()
drops it. PostgreSQL: UTF8 from template0; MariaDB: utf8mb4_general_ci,
as the reference's databases.
]]
function T.database(dialect, tag)
  local srv = T.server(dialect)
  local name = new_name(tag)
  local conn = H.dbm().connect(srv.admin_url)
  if dialect == "postgresql" then
    conn:execute("CREATE DATABASE " .. name .. " TEMPLATE template0 ENCODING 'UTF8'")
  else
    conn:execute("CREATE DATABASE " .. name .. " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
  end
  conn:close()
  return database_named(dialect, name)
end

--[[
A new database holding a copy of db's schema and rows (alembic_version
included): T.clone(db, tag) -> a database as T.database's. PostgreSQL
copies it as a template; MariaDB loads a mysqldump of it. Cheaper than
migrating another empty database (MariaDB commits every DDL statement).
A MariaDB copy loses what a dump cannot carry: which indexes MariaDB made
itself for foreign keys (see spec/tacker_takeover_spec.lua). That shows
only where a later revision makes foreign keys again (007, 021): fine for
data checks, not for comparing the schema across those revisions.
]]
function T.clone(db, tag)
  if db.dialect == "postgresql" then
    local name = new_name(tag)
    local conn = H.dbm().connect(db.server.admin_url)
    conn:execute("CREATE DATABASE " .. name .. " TEMPLATE " .. db.name)
    conn:close()
    return database_named(db.dialect, name)
  end
  local dump = H.tmpdir() .. "/dump.sql"
  capture(client(db.server, "mysqldump") .. " --skip-comments --compact " .. H.q(db.name)
    .. " >" .. H.q(dump), "mysqldump of " .. db.name)
  local copy = T.database(db.dialect, tag)
  T.load(copy, dump)
  return copy
end

-- The lines of text, without their newlines.
local function lines_of(text)
  local out = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do out[#out + 1] = line end
  if text:sub(-1) == "\n" then out[#out] = nil end
  return out
end

-- Runs of 3 or more newlines become one blank line; no blank lines at
-- either end; one newline at the end.
local function tidy(text)
  text = text:gsub("\n\n\n+", "\n\n"):gsub("^\n+", ""):gsub("\n+$", "")
  return text == "" and "" or text .. "\n"
end

--[[
pg_dump output as the reference normalised it: lines starting with "--",
"SET ", "SELECT pg_catalog." and the \restrict / \unrestrict lines (a random
key per run since pg_dump 15.14) are dropped; then tidy(). With
sort_inserts, the INSERT lines of each table are sorted (data dumps:
PostgreSQL returns rows in physical order, and UPDATE moves rows).
]]
function T.normalize_pg(text, sort_inserts)
  local kept = {}
  for _, line in ipairs(lines_of(text)) do
    if not (line:find("^%-%-") or line:find("^SET ") or line:find("^SELECT pg_catalog%.")
        or line:find("^\\restrict") or line:find("^\\unrestrict")) then
      kept[#kept + 1] = line
    end
  end
  if sort_inserts then
    local i = 1
    while i <= #kept do
      local tbl = kept[i]:match("^INSERT INTO (%S+) ")
      if tbl then
        local j = i
        while j + 1 <= #kept and kept[j + 1]:match("^INSERT INTO (%S+) ") == tbl do j = j + 1 end
        local run = {}
        for k = i, j do run[#run + 1] = kept[k] end
        table.sort(run)
        for k = i, j do kept[k] = run[k - i + 1] end
        i = j + 1
      else
        i = i + 1
      end
    end
  end
  return tidy(table.concat(kept, "\n") .. "\n")
end

--[[
mysqldump output as the reference normalised it: " AUTO_INCREMENT=N" goes;
the "/*M!999999\- enable the sandbox mode */" line of mysqldump 10.11.8+
goes; every run of consecutive plain "  KEY " lines inside a CREATE TABLE
is sorted, with the trailing commas put back (Alembic's create_table made
the indexes of a table in random order).
]]
function T.normalize_mysql(text)
  local kept = {}
  for _, line in ipairs(lines_of(text)) do
    if not line:find("^/%*M!999999") then
      kept[#kept + 1] = (line:gsub(" AUTO_INCREMENT=%d+", ""))
    end
  end
  local i = 1
  while i <= #kept do
    if kept[i]:find("^  KEY ") then
      local j = i
      while j + 1 <= #kept and kept[j + 1]:find("^  KEY ") do j = j + 1 end
      local last_comma = kept[j]:sub(-1) == ","
      local run = {}
      for k = i, j do run[#run + 1] = (kept[k]:gsub(",$", "")) end
      table.sort(run)
      for k = i, j do
        kept[k] = run[k - i + 1] .. ((k < j or last_comma) and "," or "")
      end
      i = j + 1
    else
      i = i + 1
    end
  end
  return tidy(table.concat(kept, "\n") .. "\n")
end

-- The normalised schema dump of a database, as the reference's.
function T.dump_schema(db)
  if db.dialect == "postgresql" then
    return T.normalize_pg(capture(client(db.server, "pg_dump")
      .. " --schema-only --no-owner --no-privileges --exclude-table=alembic_version "
      .. H.q(db.name), "pg_dump of " .. db.name))
  end
  return T.normalize_mysql(capture(client(db.server, "mysqldump")
    .. " --no-data --skip-comments --compact --skip-add-drop-table --ignore-table="
    .. H.q(db.name .. ".alembic_version") .. " " .. H.q(db.name), "mysqldump of " .. db.name))
end

-- The normalised data dump of some tables, as the reference's data cases.
function T.dump_data(db, tables)
  if db.dialect == "postgresql" then
    local ts = {}
    for _, t in ipairs(tables) do ts[#ts + 1] = "-t " .. H.q(t) end
    return T.normalize_pg(capture(client(db.server, "pg_dump") .. " --data-only --column-inserts "
      .. table.concat(ts, " ") .. " " .. H.q(db.name), "pg_dump of " .. db.name), true)
  end
  local ts = {}
  for _, t in ipairs(tables) do ts[#ts + 1] = H.q(t) end
  return T.normalize_mysql(capture(client(db.server, "mysqldump")
    .. " --no-create-info --skip-comments --compact --complete-insert --skip-extended-insert"
    .. " --hex-blob --order-by-primary " .. H.q(db.name) .. " " .. table.concat(ts, " "),
    "mysqldump of " .. db.name))
end

--[[
Run the SQL file at path in the database with the server's own client:
psql with ON_ERROR_STOP; the mariadb client after SET FOREIGN_KEY_CHECKS=0
(mysqldump writes tables in name order, not in dependency order).
]]
function T.load(db, path)
  if db.dialect == "postgresql" then
    capture(client(db.server, "psql") .. " -q -v ON_ERROR_STOP=1 -d " .. H.q(db.name)
      .. " -f " .. H.q(path), "psql -f " .. path)
  else
    capture("{ echo 'SET FOREIGN_KEY_CHECKS=0;'; cat " .. H.q(path) .. "; } | "
      .. client(db.server, "mariadb") .. " " .. H.q(db.name), "mariadb < " .. path)
  end
end

-- Alembic's version table at rev, as Alembic leaves it.
function T.stamp_like_alembic(db, rev)
  local conn = H.dbm().connect(db.url)
  conn:execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    .. "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
  conn:execute("INSERT INTO alembic_version (version_num) VALUES (:v)", { v = rev })
  conn:close()
end

-- The rows of alembic_version, sorted.
function T.versions(url)
  local out = {}
  for _, row in ipairs(H.query(url, "SELECT version_num FROM alembic_version")) do
    out[#out + 1] = row.version_num
  end
  table.sort(out)
  return out
end

-- The CLI on a database: T.cli(db_or_url, {"upgrade", "head"}) -> H.run's result.
function T.cli(target, args)
  local url = type(target) == "table" and target.url or target
  local words = { "--database-connection", url }
  for _, a in ipairs(args) do words[#words + 1] = a end
  return H.run(words)
end

-- upgrade through the CLI; raise with its stderr unless it exits 0.
function T.upgrade(target, rev)
  local r = T.cli(target, { "upgrade", rev })
  if r.code ~= 0 then
    error("upgrade " .. rev .. " exited " .. r.code .. ":\n" .. r.stderr, 2)
  end
  return r
end

--[[
The shipped chain, base first: { {pos = "001", rev = "1c6b0d82afcd"}, ... },
the positions the reference's file names use.
]]
function T.chain()
  local scripts = H.dbm().scripts(H.migrations)
  local out = {}
  for i, rev in ipairs(scripts:revisions()) do
    out[i] = { pos = ("%03d"):format(i), rev = rev }
  end
  return out
end

-- The reference schema file of a dialect at a chain entry.
function T.schema_file(dialect, entry)
  return ("%s/%s/%s_%s.sql"):format(T.reference, dialect, entry.pos, entry.rev)
end

-- The first differing lines of two texts, as diff -u shows them.
function T.diff(expected, actual)
  local dir = H.tmpdir()
  H.write(dir .. "/expected", expected)
  H.write(dir .. "/actual", actual)
  H.sh("unset LD_PRELOAD; diff -u " .. H.q(dir .. "/expected") .. " " .. H.q(dir .. "/actual") .. " | head -n 60 >"
    .. H.q(dir .. "/diff"))
  return H.read(dir .. "/diff")
end

-- Fail with a diff unless the two texts are byte for byte the same.
function T.assert_text(expected, actual, what)
  if expected ~= actual then
    error((what or "text") .. " differs from the expected text:\n" .. T.diff(expected, actual), 2)
  end
end

return T
