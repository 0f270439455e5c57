--[[
The drop-in promise: a deployment script's own command line,
  tacker-db-manage --config-file tacker.conf upgrade head
with a Tacker-style tacker.conf (as devstack writes it: [DEFAULT] with
oslo's $-substitutions and logging formats, [database] connection with
the SQLAlchemy driver names mysql+pymysql / postgresql+psycopg2 and
?charset=utf8mb4, sections the host has no use for) works unchanged on
MariaDB and PostgreSQL: no --script-location (the shipped chain is the
default), the schema at head is the reference's, `current` says so, and
the password shows nowhere.
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

-- A tacker.conf as devstack writes it, with the [database] connection.
local function tacker_conf(connection)
  return table.concat({
    "[DEFAULT]",
    "debug = True",
    "logging_exception_prefix = ERROR %(name)s %(instance)s",
    "logging_debug_format_suffix = from (pid=%(process)d) %(funcName)s %(pathname)s:%(lineno)d",
    "use_syslog = False",
    "state_path = /opt/stack/data/tacker",
    "transport_url = rabbit://stackrabbit:rabbitsecret@10.0.0.1:5672/",
    "auth_strategy = keystone",
    "",
    "[oslo_concurrency]",
    "lock_path = $state_path/lock",
    "",
    "[database]",
    "# Tacker's own database; the migration tool reads only this",
    "connection = " .. connection,
    "max_pool_size = 10",
    "",
    "[keystone_authtoken]",
    "memcached_servers = localhost:11211",
    "cafile = /opt/stack/data/ca-bundle.pem",
    "project_domain_name = Default",
    "user_domain_name = Default",
    "project_name = service",
    "username = tacker",
    "password = keystonesecret",
    "auth_url = http://10.0.0.1/identity",
    "auth_type = password",
    "",
    "[tacker]",
    "monitor_driver = ping,http_ping",
    "",
    "[vnf_package]",
    "vnf_package_csar_path = $state_path/vnfpackage",
    "",
  }, "\n")
end

local CASES = {
  { "mysql", "MariaDB", "mysql+pymysql", "?charset=utf8mb4" },
  { "postgresql", "PostgreSQL", "postgresql+psycopg2", "" },
}

describe("tacker-db-manage --config-file tacker.conf upgrade head", function()
  teardown(function()
    H.cleanup()
  end)

  for _, c in ipairs(CASES) do
    local dialect, server_name, scheme, query = c[1], c[2], c[3], c[4]

    it(("migrates %s through a %s:// connection"):format(server_name, scheme), function()
      local db = T.database(dialect, "conf")
      finally(function() db.drop() end)
      local srv = db.server
      local dir = H.tmpdir()
      H.write(dir .. "/tacker.conf", tacker_conf(("%s://%s:%s@%s:%s/%s%s"):format(
        scheme, srv.user, srv.password, srv.host, srv.port, db.name, query)))

      local r = H.run({ "--config-file", dir .. "/tacker.conf", "upgrade", "head" }, { cwd = dir })
      assert.equal(0, r.code, r.stderr)
      assert.equal("", r.stdout)
      assert.matches("Running upgrade  -> 1c6b0d82afcd, add tables for tacker framework", r.stderr, 1, true)
      assert.matches("Running upgrade 4c0e2e2c2e02 -> " .. T.HEAD .. ", ", r.stderr, 1, true)
      local _, runs = r.stderr:gsub("Running upgrade ", "")
      assert.equal(72, runs)
      assert.is_nil(r.stderr:find(srv.password, 1, true), "the password is in the log")
      assert.is_false(H.exists(dir .. "/tacker.sqlite"), "the embedded default was used")

      local cur = H.run({ "--config-file", dir .. "/tacker.conf", "current" }, { cwd = dir })
      assert.equal(0, cur.code, cur.stderr)
      assert.equal(T.HEAD .. " (head)", H.last_line(cur.stdout))
      assert.is_nil((cur.stdout .. cur.stderr):find(srv.password, 1, true), "the password is shown")

      -- Nothing left to do the second time.
      local again = H.run({ "--config-file", dir .. "/tacker.conf", "upgrade", "head" }, { cwd = dir })
      assert.equal(0, again.code, again.stderr)
      assert.is_nil(again.stderr:find("Running upgrade", 1, true))

      T.assert_text(H.read(T.schema_file(dialect, { pos = "072", rev = T.HEAD })), T.dump_schema(db),
                    "the dump after upgrade head")
    end)
  end
end)
