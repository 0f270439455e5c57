-- purge_deleted on SQLite, PostgreSQL and MariaDB: a throw-away database
-- per dialect, migrated to head with the shipped chain by the binary,
-- seeded with rows deleted long ago, deleted recently and not deleted,
-- with their associated rows and events; then the command as a whole
-- process: exact stdout, stderr, exit code and the rows left.
-- The servers come from scripts/testdb (DBM_PG_URL, DBM_MYSQL_URL): a
-- missing server fails these specs, it never skips them.
local H = require("helpers.host")

local PURGE = "INFO  [tacker_db_manage.purge] "
local WARN = "WARNI [tacker_db_manage.purge] "
local ERROR = "ERROR [tacker_db_manage] "

local DAY, HOUR = 86400, 3600

-- A UTC timestamp `seconds` ago, as Tacker writes it.
local function ago(seconds)
  return os.date("!%Y-%m-%d %H:%M:%S", os.time() - seconds)
end

-- Tacker's deleted_at of a live row (datetime.min).
local LIVE = "0001-01-01 00:00:00"

local function admin_url(name)
  local url = os.getenv(name)
  assert(url and url ~= "", name .. " is not set: start the servers with "
    .. "'eval \"$(scripts/testdb start)\"' (scripts/test does it)")
  return url
end

-- The admin URL with its database replaced by db.
local function with_database(url, db, query)
  local base = url:gsub("%?.*$", ""):gsub("/[^/]*$", "")
  return base .. "/" .. db .. (query or "")
end

local serial = 0
local function db_name()
  serial = serial + 1
  return string.format("purge_%d_%d_%d", os.time(), math.random(1, 1e6), serial)
end

--[[
The dialects: create() makes an empty database and returns its URL;
drop() removes it.
]]
local dialects = {
  {
    name = "sqlite",
    create = function()
      return (H.sqlite_url())
    end,
    drop = function() end,
  },
  {
    name = "postgresql",
    create = function(self)
      local admin = admin_url("DBM_PG_URL")
      local db = db_name()
      local c = H.dbm().connect(admin)
      c:execute("CREATE DATABASE " .. db)
      c:close()
      self.dbs = self.dbs or {}
      self.dbs[#self.dbs + 1] = db
      return with_database(admin, db)
    end,
    drop = function(self)
      local c = H.dbm().connect(admin_url("DBM_PG_URL"))
      for _, db in ipairs(self.dbs or {}) do c:execute("DROP DATABASE IF EXISTS " .. db) end
      c:close()
      self.dbs = {}
    end,
  },
  {
    name = "mysql",
    create = function(self)
      local admin = admin_url("DBM_MYSQL_URL")
      local db = db_name()
      local c = H.dbm().connect(admin)
      c:execute("CREATE DATABASE " .. db .. " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
      c:close()
      self.dbs = self.dbs or {}
      self.dbs[#self.dbs + 1] = db
      return with_database(admin, db, "?charset=utf8mb4")
    end,
    drop = function(self)
      local c = H.dbm().connect(admin_url("DBM_MYSQL_URL"))
      for _, db in ipairs(self.dbs or {}) do c:execute("DROP DATABASE IF EXISTS " .. db) end
      c:close()
      self.dbs = {}
    end,
  },
}

-- The tables the seed fills, children first.
local SEEDED = { "vnf_attribute", "vnf", "vnfd_attribute", "servicetypes", "vnfd",
                 "vimauths", "vims", "events" }

local function insert(conn, tbl, row)
  local cols, binds = {}, {}
  for k in pairs(row) do cols[#cols + 1] = k end
  table.sort(cols)
  for i, k in ipairs(cols) do binds[i] = ":" .. k end
  local quoted = {}
  for i, k in ipairs(cols) do
    quoted[i] = conn.dialect == "mysql" and "`" .. k .. "`" or '"' .. k .. '"'
  end
  conn:execute("INSERT INTO " .. tbl .. " (" .. table.concat(quoted, ", ") .. ") VALUES ("
    .. table.concat(binds, ", ") .. ")", row)
end

--[[
The seed, with `now` fixed once:
  vims   vim_old (deleted 200 days ago), vim_recent (10 days), vim_live
         (datetime.min), vim_null (NULL), vim_held (200 days, but the live
         vnf_live still runs on it); one vimauths row each but vim_null
  vnfd   vnfd_old (200 days: 2 attributes, 1 service type), vnfd_recent
         (10 days), vnfd_live (1 service type), vnfd_held (200 days, used by
         vnf_recent); one attribute each but vnfd_old
  vnf    vnf_old (200 days, vnfd_old on vim_old: 2 attributes), vnf_recent
         (10 days, vnfd_held on vim_recent), vnf_live (vnfd_live on
         vim_held); one attribute each but vnf_old
  events r_old: CREATE 300 days, DELETE 200 days, UPDATE 5 days;
         r_recent: CREATE 100 days, DELETE 10 days;
         r_hour: CREATE 3 hours, DELETE 2 hours;
         r_live: CREATE 200 days, UPDATE 150 days (never deleted)
]]
local function seed(url)
  local conn = H.dbm().connect(url)
  for _, t in ipairs(SEEDED) do conn:execute("DELETE FROM " .. t) end
  local old, recent = ago(200 * DAY), ago(10 * DAY)
  local function vim(id, deleted_at)
    insert(conn, "vims", { id = id, type = "openstack", tenant_id = "t1", name = id,
                           deleted_at = deleted_at or H.dbm().null })
  end
  vim("vim_old", old); vim("vim_recent", recent); vim("vim_live", LIVE)
  vim("vim_null", nil); vim("vim_held", old)
  for _, v in ipairs({ "vim_old", "vim_recent", "vim_live", "vim_held" }) do
    insert(conn, "vimauths", { id = "auth_" .. v, vim_id = v, password = "pw",
                               auth_url = "http://" .. v, vim_project = "{}", auth_cred = "{}" })
  end
  local function vnfd(id, deleted_at)
    insert(conn, "vnfd", { id = id, tenant_id = "t1", name = id, deleted_at = deleted_at })
  end
  vnfd("vnfd_old", old); vnfd("vnfd_recent", recent); vnfd("vnfd_live", LIVE)
  vnfd("vnfd_held", old)
  local attrs = { { "vnfd_old", 2 }, { "vnfd_recent", 1 }, { "vnfd_live", 1 }, { "vnfd_held", 1 } }
  for _, a in ipairs(attrs) do
    for i = 1, a[2] do
      insert(conn, "vnfd_attribute", { id = a[1] .. "_attr" .. i, vnfd_id = a[1], key = "k" .. i })
    end
  end
  insert(conn, "servicetypes", { id = "st_old", tenant_id = "t1", vnfd_id = "vnfd_old", service_type = "VNFD" })
  insert(conn, "servicetypes", { id = "st_live", tenant_id = "t1", vnfd_id = "vnfd_live", service_type = "VNFD" })
  local function vnf(id, vnfd_id, vim_id, deleted_at)
    insert(conn, "vnf", { id = id, tenant_id = "t1", name = id, vnfd_id = vnfd_id, vim_id = vim_id,
                          status = "ACTIVE", deleted_at = deleted_at })
  end
  vnf("vnf_old", "vnfd_old", "vim_old", old)
  vnf("vnf_recent", "vnfd_held", "vim_recent", recent)
  vnf("vnf_live", "vnfd_live", "vim_held", LIVE)
  attrs = { { "vnf_old", 2 }, { "vnf_recent", 1 }, { "vnf_live", 1 } }
  for _, a in ipairs(attrs) do
    for i = 1, a[2] do
      insert(conn, "vnf_attribute", { id = a[1] .. "_attr" .. i, vnf_id = a[1], key = "k" .. i })
    end
  end
  local function event(resource, typ, seconds)
    insert(conn, "events", { resource_id = resource, resource_state = "X", resource_type = "vnf",
                             event_type = typ, timestamp = ago(seconds) })
  end
  event("r_old", "CREATE", 300 * DAY); event("r_old", "DELETE", 200 * DAY)
  event("r_old", "UPDATE", 5 * DAY)
  event("r_recent", "CREATE", 100 * DAY); event("r_recent", "DELETE", 10 * DAY)
  event("r_hour", "CREATE", 3 * HOUR); event("r_hour", "DELETE", 2 * HOUR)
  event("r_live", "CREATE", 200 * DAY); event("r_live", "UPDATE", 150 * DAY)
  conn:close()
end

-- Rows of sql on target: a connection, or a URL (connected for this query).
local function query(target, sql)
  if type(target) == "string" then return H.query(target, sql) end
  return target:query(sql)
end

-- The ids left in table, sorted, joined with spaces.
local function ids(target, tbl)
  local out = {}
  for _, r in ipairs(query(target, "SELECT id AS v FROM " .. tbl)) do out[#out + 1] = r.v end
  table.sort(out)
  return table.concat(out, " ")
end

-- Event resource ids with their counts: "r_hour:2 r_live:2 ...".
local function events(target)
  local rows = query(target, "SELECT resource_id AS r, COUNT(*) AS n FROM events GROUP BY resource_id")
  local out = {}
  for _, r in ipairs(rows) do out[#out + 1] = r.r .. ":" .. math.tointeger(tonumber(r.n)) end
  table.sort(out)
  return table.concat(out, " ")
end

-- Everything the seed wrote, as text, for "nothing changed".
local function snapshot(url)
  local conn = H.dbm().connect(url)
  local parts = {}
  for _, t in ipairs(SEEDED) do
    parts[#parts + 1] = t .. "=" .. (t == "events" and events(conn) or ids(conn, t))
  end
  conn:close()
  return table.concat(parts, "\n")
end

local SEEDED_SNAPSHOT = table.concat({
  "vnf_attribute=vnf_live_attr1 vnf_old_attr1 vnf_old_attr2 vnf_recent_attr1",
  "vnf=vnf_live vnf_old vnf_recent",
  "vnfd_attribute=vnfd_held_attr1 vnfd_live_attr1 vnfd_old_attr1 vnfd_old_attr2 vnfd_recent_attr1",
  "servicetypes=st_live st_old",
  "vnfd=vnfd_held vnfd_live vnfd_old vnfd_recent",
  "vimauths=auth_vim_held auth_vim_live auth_vim_old auth_vim_recent",
  "vims=vim_held vim_live vim_null vim_old vim_recent",
  "events=r_hour:2 r_live:2 r_old:3 r_recent:2",
}, "\n")

-- stdout lines for counts { {"table", n}, ... }.
local function deleted(counts)
  local out = {}
  for _, c in ipairs(counts) do
    out[#out + 1] = string.format("Deleted %d row%s from table '%s'\n", c[2], c[2] == 1 and "" or "s", c[1])
  end
  return table.concat(out)
end

local function purge(url, ...)
  return H.run({ "--database-connection", url, "purge_deleted", ... })
end

-- stderr without the INFO line naming the cutoff (checked on its own).
local function warnings(stderr)
  return (stderr:gsub(PURGE:gsub("%p", "%%%0") .. "purging [^\n]*\n", ""))
end

local ALL_DEFAULT = deleted {
  { "events", 3 },
  { "vnf_attribute", 2 }, { "vnf", 1 },
  { "servicetypes", 1 }, { "vnfd_attribute", 2 }, { "vnfd", 1 },
  { "vimauths", 1 }, { "vims", 1 },
}

local HELD_VNFD = WARN .. "kept 1 row of table 'vnfd' deleted at or before the cutoff: "
  .. "rows of table 'vnf' still refer to them\n"
local HELD_VIMS = WARN .. "kept 1 row of table 'vims' deleted at or before the cutoff: "
  .. "rows of table 'vnf' still refer to them\n"

-- A trigger that makes every DELETE on vims fail.
local BLOCK_VIMS = {
  sqlite = { "CREATE TRIGGER purge_block BEFORE DELETE ON vims BEGIN SELECT RAISE(ABORT, 'vims are blocked'); END" },
  postgresql = {
    "CREATE FUNCTION purge_block() RETURNS trigger LANGUAGE plpgsql AS "
      .. "'BEGIN RAISE EXCEPTION ''vims are blocked''; END'",
    "CREATE TRIGGER purge_block BEFORE DELETE ON vims FOR EACH ROW EXECUTE FUNCTION purge_block()",
  },
  mysql = { "CREATE TRIGGER purge_block BEFORE DELETE ON vims FOR EACH ROW "
    .. "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'vims are blocked'" },
}
local UNBLOCK_VIMS = {
  sqlite = { "DROP TRIGGER purge_block" },
  postgresql = { "DROP TRIGGER purge_block ON vims", "DROP FUNCTION purge_block()" },
  mysql = { "DROP TRIGGER purge_block" },
}

for _, dialect in ipairs(dialects) do
  describe("purge_deleted on " .. dialect.name, function()
    local url

    setup(function()
      url = dialect:create()
      local r = H.run({ "-q", "--database-connection", url, "upgrade", "head" })
      assert(r.code == 0, "upgrade head failed: " .. r.stderr)
    end)

    teardown(function()
      dialect:drop()
      H.cleanup()
    end)

    before_each(function()
      seed(url)
    end)

    it("seeds what the cases expect", function()
      assert.equal(SEEDED_SNAPSHOT, snapshot(url))
    end)

    it("all, default age (90 days): old rows and their associations go, the rest stays", function()
      local r = purge(url, "all")
      assert.equal(0, r.code)
      assert.equal(ALL_DEFAULT, r.stdout)
      assert.equal(HELD_VNFD .. HELD_VIMS, warnings(r.stderr))
      assert.matches("^" .. PURGE:gsub("%p", "%%%0") .. "purging 'all': rows deleted at or before "
        .. "%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d%.%d%d%d%d%d%d UTC\n", r.stderr)
      assert.equal("vnf_live_attr1 vnf_recent_attr1", ids(url, "vnf_attribute"))
      assert.equal("vnf_live vnf_recent", ids(url, "vnf"))
      assert.equal("vnfd_held_attr1 vnfd_live_attr1 vnfd_recent_attr1", ids(url, "vnfd_attribute"))
      assert.equal("st_live", ids(url, "servicetypes"))
      assert.equal("vnfd_held vnfd_live vnfd_recent", ids(url, "vnfd"))
      assert.equal("auth_vim_held auth_vim_live auth_vim_recent", ids(url, "vimauths"))
      assert.equal("vim_held vim_live vim_null vim_recent", ids(url, "vims"))
      assert.equal("r_hour:2 r_live:2 r_recent:2", events(url))
      -- A second run finds nothing more.
      r = purge(url, "all")
      assert.equal(0, r.code)
      assert.equal(deleted {
        { "events", 0 }, { "vnf_attribute", 0 }, { "vnf", 0 }, { "servicetypes", 0 },
        { "vnfd_attribute", 0 }, { "vnfd", 0 }, { "vimauths", 0 }, { "vims", 0 },
      }, r.stdout)
      assert.equal(HELD_VNFD .. HELD_VIMS, warnings(r.stderr))
    end)

    it("vnf -a 5 -g days: recently deleted VNFs older than 5 days go too, nothing else", function()
      local r = purge(url, "vnf", "-a", "5", "-g", "days")
      assert.equal(0, r.code)
      assert.equal(deleted { { "vnf_attribute", 3 }, { "vnf", 2 } }, r.stdout)
      assert.equal("", warnings(r.stderr))
      assert.equal("vnf_live_attr1", ids(url, "vnf_attribute"))
      assert.equal("vnf_live", ids(url, "vnf"))
      local expected = SEEDED_SNAPSHOT:gsub("vnf_attribute=[^\n]*", "vnf_attribute=vnf_live_attr1")
        :gsub("\nvnf=[^\n]*", "\nvnf=vnf_live")
      assert.equal(expected, snapshot(url))
    end)

    it("vnfd alone never deletes VNFs: a VNFD a VNF still uses is kept with its rows", function()
      local r = purge(url, "vnfd")
      assert.equal(0, r.code)
      -- vnfd_old is used by vnf_old (deleted, but not purged by 'vnfd'),
      -- vnfd_held by vnf_recent.
      assert.equal(deleted { { "servicetypes", 0 }, { "vnfd_attribute", 0 }, { "vnfd", 0 } }, r.stdout)
      assert.equal(WARN .. "kept 2 rows of table 'vnfd' deleted at or before the cutoff: "
        .. "rows of table 'vnf' still refer to them\n", warnings(r.stderr))
      assert.equal(SEEDED_SNAPSHOT, snapshot(url))
      -- Once the VNFs are purged (age 0: everything deleted before now),
      -- the VNFDs follow.
      r = purge(url, "vnf", "--age", "0")
      assert.equal(deleted { { "vnf_attribute", 3 }, { "vnf", 2 } }, r.stdout)
      r = purge(url, "vnfd", "-a0")
      assert.equal(0, r.code)
      assert.equal(deleted { { "servicetypes", 1 }, { "vnfd_attribute", 4 }, { "vnfd", 3 } }, r.stdout)
      assert.equal("", warnings(r.stderr))
      assert.equal("vnfd_live_attr1", ids(url, "vnfd_attribute"))
      assert.equal("st_live", ids(url, "servicetypes"))
      assert.equal("vnfd_live", ids(url, "vnfd"))
    end)

    it("vims: NULL and datetime.min mean not deleted, whatever the age", function()
      -- Every deleted VIM still runs a VNF (vnf_old and vnf_recent are
      -- deleted but not purged by 'vims'; vnf_live is live).
      local r = purge(url, "vims", "-a", "0", "-g", "seconds")
      assert.equal(0, r.code)
      assert.equal(deleted { { "vimauths", 0 }, { "vims", 0 } }, r.stdout)
      assert.equal(WARN .. "kept 3 rows of table 'vims' deleted at or before the cutoff: "
        .. "rows of table 'vnf' still refer to them\n", warnings(r.stderr))
      assert.equal(SEEDED_SNAPSHOT, snapshot(url))
      r = purge(url, "vnf", "-a", "0", "-g", "seconds")
      assert.equal(deleted { { "vnf_attribute", 3 }, { "vnf", 2 } }, r.stdout)
      r = purge(url, "vims", "-a", "0", "-g", "seconds")
      assert.equal(0, r.code)
      assert.equal(deleted { { "vimauths", 2 }, { "vims", 2 } }, r.stdout)
      assert.equal(HELD_VIMS, warnings(r.stderr))
      assert.equal("vim_held vim_live vim_null", ids(url, "vims"))
      assert.equal("auth_vim_held auth_vim_live", ids(url, "vimauths"))
    end)

    it("events: all events of resources with a DELETE event older than the age", function()
      local cases = {
        { { "-a", "90" }, 3, "r_hour:2 r_live:2 r_recent:2" },
        { { "-a", "30", "-g", "days" }, 3, "r_hour:2 r_live:2 r_recent:2" },
        { { "-a", "5", "-g", "days" }, 5, "r_hour:2 r_live:2" },
        { { "-a", "3", "-g", "hours" }, 5, "r_hour:2 r_live:2" },
        { { "-a", "180", "-g", "minutes" }, 5, "r_hour:2 r_live:2" },
        { { "-a", "90", "-g", "minutes" }, 7, "r_live:2" },
        { { "-a", "10800", "-g", "seconds" }, 5, "r_hour:2 r_live:2" },
        { { "--age=3600", "--granularity=seconds" }, 7, "r_live:2" },
        { { "-a", "0" }, 7, "r_live:2" },
        { { "-a", "99999999999999999999999" }, 0, "r_hour:2 r_live:2 r_old:3 r_recent:2" },
      }
      for _, case in ipairs(cases) do
        seed(url)
        local r = purge(url, "events", table.unpack(case[1]))
        local what = table.concat(case[1], " ")
        assert.equal(0, r.code, what)
        assert.equal(deleted { { "events", case[2] } }, r.stdout, what)
        assert.equal("", warnings(r.stderr), what)
        assert.equal(case[3], events(url), what)
        -- events leaves the resource tables alone.
        assert.equal(SEEDED_SNAPSHOT:gsub("\nevents=.*", ""), snapshot(url):gsub("\nevents=.*", ""), what)
      end
    end)

    it("-q keeps only the warnings on stderr", function()
      local r = H.run({ "-q", "--database-connection", url, "purge_deleted", "all" })
      assert.equal(0, r.code)
      assert.equal(ALL_DEFAULT, r.stdout)
      assert.equal(HELD_VNFD .. HELD_VIMS, r.stderr)
    end)

    it("is one transaction: a failure on the last table leaves every row in place", function()
      local conn = H.dbm().connect(url)
      for _, sql in ipairs(BLOCK_VIMS[dialect.name]) do conn:execute(sql) end
      conn:close()
      local r = purge(url, "all")
      conn = H.dbm().connect(url)
      for _, sql in ipairs(UNBLOCK_VIMS[dialect.name]) do conn:execute(sql) end
      conn:close()
      assert.equal(1, r.code)
      assert.equal("", r.stdout)
      assert.truthy(r.stderr:find(ERROR .. "cannot purge 'all': ", 1, true), r.stderr)
      assert.truthy(r.stderr:find("vims are blocked", 1, true), r.stderr)
      assert.equal(SEEDED_SNAPSHOT, snapshot(url))
    end)

    it("usage errors exit 2 and touch nothing", function()
      local cases = {
        { { "foo" }, "argument resource: invalid choice: 'foo' (choose from 'all', 'events', 'vnf', 'vnfd', 'vims')" },
        { { "VNF" }, "argument resource: invalid choice: 'VNF' (choose from 'all', 'events', 'vnf', 'vnfd', 'vims')" },
        { {}, "the following arguments are required: resource (usage: purge_deleted "
          .. "{all,events,vnf,vnfd,vims} [-a AGE] [-g {days,hours,minutes,seconds}])" },
        { { "vnf", "vnfd" }, "unrecognized arguments: 'vnfd'" },
        { { "vnf", "-a", "x" }, "'x' - age should be an integer" },
        { { "vnf", "-a", "1.5" }, "'1.5' - age should be an integer" },
        { { "vnf", "-a", "" }, "'' - age should be an integer" },
        { { "vnf", "-a", "-3" }, "'-3' - age should be a positive integer" },
        { { "all", "-g", "weeks" }, "argument -g/--granularity: invalid choice: 'weeks' "
          .. "(choose from 'days', 'hours', 'minutes', 'seconds')" },
        { { "all", "-a", "x", "-g", "Days" }, "argument -g/--granularity: invalid choice: 'Days' "
          .. "(choose from 'days', 'hours', 'minutes', 'seconds')" },
        { { "all", "-a" }, "option '-a' needs a value" },
        { { "all", "--days" }, "unknown option '--days'" },
      }
      for _, case in ipairs(cases) do
        local r = purge(url, table.unpack(case[1]))
        local what = table.concat(case[1], " ")
        assert.equal(2, r.code, what)
        assert.equal("", r.stdout, what)
        assert.equal(ERROR .. case[2] .. "\n", r.stderr, what)
      end
      assert.equal(SEEDED_SNAPSHOT, snapshot(url))
    end)

    it("a database not at head: a clear error, exit 1", function()
      local empty = dialect:create()
      for _, resource in ipairs({ "all", "events", "vnf", "vnfd", "vims" }) do
        local r = purge(empty, resource)
        assert.equal(1, r.code, resource)
        assert.equal("", r.stdout, resource)
        local missing = resource == "all" and "events" or resource
        assert.equal(ERROR .. "cannot purge '" .. resource .. "': table '" .. missing
          .. "' does not exist (is the database at head?)\n", warnings(r.stderr), resource)
      end
      local conn = H.dbm().connect(empty)
      conn:execute("CREATE TABLE vims (id VARCHAR(36) NOT NULL PRIMARY KEY)")
      conn:close()
      local r = purge(empty, "vims")
      assert.equal(1, r.code)
      assert.equal(ERROR .. "cannot purge 'vims': table 'vims' has no column 'deleted_at' "
        .. "(is the database at head?)\n", warnings(r.stderr))
    end)
  end)
end

describe("purge_deleted --help", function()
  it("lists the options and exits 0", function()
    local r = H.run({ "purge_deleted", "--help" })
    assert.equal(0, r.code)
    assert.equal("usage: tacker-db-manage [global options] purge_deleted {all,events,vnf,vnfd,vims} "
      .. "[-a AGE] [-g {days,hours,minutes,seconds}]\n\noptions:\n"
      .. "  -a, --age AGE                how long to keep deleted rows (default 90)\n"
      .. "  -g, --granularity UNIT       the unit of AGE: days, hours, minutes or seconds (default days)\n",
      r.stdout)
    assert.equal("", r.stderr)
  end)
end)
