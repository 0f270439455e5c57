--[[
Revision 013 6e56d4474b2a (pickle to JSON) on SQLite, PostgreSQL and
MariaDB, with pickles written by Python 3.11's pickle at protocols 0, 2
and 4 in the four PickleType columns (vims.placement_attr,
vimauths.vim_project, vimauths.auth_cred, devices.placement_attr). Each
value must become the JSON oslo's jsonutils.dump_as_bytes(pickle.loads(v))
wrote, which is json.dumps(v) for plain data; NULL stays NULL (Alembic
failed on it: pickle.loads(None)). A value that is not a pickle of plain
data stops the revision with the table, the column, the row id and the
reason, and leaves the database at f958f58e5daa.

The hex below was made with:
  python3 -c 'import pickle; print(pickle.dumps(V, protocol=P).hex())'
and each JSON with json.dumps(V), for
  A = {"regions": ["RegionOne", "RegionTwo"]}
  B = {"name": "admin", "id": "", "project_domain_name": "Default"}
  C = {"vim_name": "VIM0", "count": 3, "big": 2**40, "neg": -7,
       "ratio": 0.5, "on": True, "off": False, "none": None,
       "pair": (1, "a"), "uni": "caf\u00e9 \u2603", "quote": "it's \"x\"\\n",
       "nested": {"a": [1, {"b": []}], "e": {}}}
  BAD = {"s": {1, 2}} at protocol 2 (a set: the GLOBAL opcode 'c')
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

local VALUES = {
  A = {
    json = [[{"regions": ["RegionOne", "RegionTwo"]}]],
    [0] = "286470300a56726567696f6e730a70310a286c70320a56526567696f6e4f6e650a70330a6156526567696f6e54776f0a70340a61732e",
    [2] = "80027d71005807000000726567696f6e7371015d7102285809000000526567696f6e4f6e6571035809000000526567696f6e54776f710465732e",
    [4] = "8004952a000000000000007d948c07726567696f6e73945d94288c09526567696f6e4f6e65948c09526567696f6e54776f9465732e",
  },
  B = {
    json = [[{"name": "admin", "id": "", "project_domain_name": "Default"}]],
    [0] = "286470300a566e616d650a70310a5661646d696e0a70320a735669640a70330a560a70340a735670726f6a6563745f646f6d61696e5f6e616d650a70350a5644656661756c740a70360a732e",
    [2] = "80027d71002858040000006e616d657101580500000061646d696e710258020000006964710358000000007104581300000070726f6a6563745f646f6d61696e5f6e616d657105580700000044656661756c747106752e",
    [4] = "8004953c000000000000007d94288c046e616d65948c0561646d696e948c026964948c00948c1370726f6a6563745f646f6d61696e5f6e616d65948c0744656661756c7494752e",
  },
  C = {
    json = [[{"vim_name": "VIM0", "count": 3, "big": 1099511627776, "neg": -7, "ratio": 0.5, "on": true, "off": false, "none": null, "pair": [1, "a"], "uni": "caf\u00e9 \u2603", "quote": "it's \"x\"\\n", "nested": {"a": [1, {"b": []}], "e": {}}}]],
    [0] = "286470300a5676696d5f6e616d650a70310a5656494d300a70320a7356636f756e740a70330a49330a73566269670a70340a4c313039393531313632373737364c0a73566e65670a70350a492d370a7356726174696f0a70360a46302e350a73566f6e0a70370a4930310a73566f66660a70380a4930300a73566e6f6e650a70390a4e7356706169720a7031300a2849310a56610a7031310a747031320a7356756e690a7031330a56636166e9205c75323630330a7031340a735671756f74650a7031350a5669742773202278225c75303035636e0a7031360a73566e65737465640a7031370a28647031380a6731310a286c7031390a49310a6128647032300a56620a7032310a286c7032320a73617356650a7032330a28647032340a73732e",
    [2] = "80027d710028580800000076696d5f6e616d657101580400000056494d3071025805000000636f756e7471034b03580300000062696771048a0600000000000158030000006e656771054af9ffffff5805000000726174696f7106473fe000000000000058020000006f6e71078858030000006f666671088958040000006e6f6e6571094e580400000070616972710a4b01580100000061710b86710c5803000000756e69710d5809000000636166c3a920e29883710e580500000071756f7465710f580a00000069742773202278225c6e711058060000006e657374656471117d711228680b5d7113284b017d711458010000006271155d7116736558010000006571177d711875752e",
    [4] = "800495ba000000000000007d94288c0876696d5f6e616d65948c0456494d30948c05636f756e74944b038c03626967948a060000000000018c036e6567944af9ffffff8c05726174696f94473fe00000000000008c026f6e94888c036f666694898c046e6f6e65944e8c0470616972944b018c01619486948c03756e69948c09636166c3a920e29883948c0571756f7465948c0a69742773202278225c6e948c066e6573746564947d9428680b5d94284b017d948c0162945d9473658c0165947d9475752e",
  },
}
local BAD = "80027d71005801000000737101635f5f6275696c74696e5f5f0a7365740a71025d7103284b014b0265857104527105732e"
local BAD_REASON = "unsupported pickle opcode 0x63 ('c') at offset 13"

-- The rows: { table, id, { column = {value, protocol} | false (NULL) } };
-- { raw = hex } is a blob as it is. (vimauths' two columns are NOT NULL.)
local ROWS = {
  { "vims", "v-a0", { placement_attr = { "A", 0 } } },
  { "vims", "v-a2", { placement_attr = { "A", 2 } } },
  { "vims", "v-a4", { placement_attr = { "A", 4 } } },
  { "vims", "v-c0", { placement_attr = { "C", 0 } } },
  { "vims", "v-c2", { placement_attr = { "C", 2 } } },
  { "vims", "v-c4", { placement_attr = { "C", 4 } } },
  { "vims", "v-null", { placement_attr = false } },
  { "vimauths", "au-1", { vim_id = "v-a0", vim_project = { "B", 0 }, auth_cred = { "C", 4 } } },
  { "vimauths", "au-2", { vim_id = "v-a2", vim_project = { "B", 2 }, auth_cred = { "B", 4 } } },
  { "vimauths", "au-3", { vim_id = "v-a4", vim_project = { "C", 0 }, auth_cred = { "A", 0 } } },
  { "vimauths", "au-4", { vim_id = "v-c0", vim_project = { "B", 4 }, auth_cred = { "C", 2 } } },
  { "devices", "d-1", { placement_attr = { "C", 2 } } },
  { "devices", "d-2", { placement_attr = false } },
  { "devices", "d-3", { placement_attr = { "B", 4 } } },
  { "devices", "d-4", { placement_attr = { "C", 0 } } },
}

local PICKLE_COLUMNS = {
  vims = { "placement_attr" },
  vimauths = { "vim_project", "auth_cred" },
  devices = { "placement_attr" },
}

-- A blob literal of the dialect.
local function blob(dialect, hex)
  if dialect == "postgresql" then return "decode('" .. hex .. "', 'hex')" end
  return "X'" .. hex .. "'"
end

local function q(s) return "'" .. s:gsub("'", "''") .. "'" end

-- INSERT statements for one row of ROWS (the other NOT NULL columns filled in).
local function insert_sql(dialect, row)
  local tbl, id, cols = row[1], row[2], row[3]
  local names, values = { "id" }, { q(id) }
  local function add(name, value) names[#names + 1] = name; values[#values + 1] = value end
  for _, col in ipairs(PICKLE_COLUMNS[tbl]) do
    local v = cols[col]
    add(col, not v and "NULL" or blob(dialect, v.raw or VALUES[v[1]][v[2]]))
  end
  if tbl == "vims" then
    add("type", "'openstack'"); add("tenant_id", "'tenant-a'"); add("name", q("vim " .. id))
    add("shared", dialect == "postgresql" and "false" or "0")
  elseif tbl == "vimauths" then
    add("vim_id", q(cols.vim_id)); add("password", "'c2VjcmV0'")
    add("auth_url", q("http://10.0.0.1/" .. id))
  else
    add("tenant_id", "'tenant-a'"); add("name", q("vnf " .. id)); add("template_id", "'t-1'")
    add("status", "'ACTIVE'"); add("vim_id", "'v-a0'")
  end
  return ("INSERT INTO %s (%s) VALUES (%s)"):format(tbl, table.concat(names, ", "), table.concat(values, ", "))
end

-- { "table.column" = { id = json | false } } after the revision.
local function expected_json()
  local out = {}
  for _, row in ipairs(ROWS) do
    for _, col in ipairs(PICKLE_COLUMNS[row[1]]) do
      local key = row[1] .. "." .. col
      out[key] = out[key] or {}
      local v = row[3][col]
      out[key][row[2]] = v and VALUES[v[1]].json or false
    end
  end
  return out
end

local function actual_json(url)
  local out = {}
  for tbl, cols in pairs(PICKLE_COLUMNS) do
    for _, col in ipairs(cols) do
      local key = tbl .. "." .. col
      out[key] = {}
      for _, r in ipairs(H.query(url, ("SELECT id, %s AS v FROM %s"):format(col, tbl))) do
        if r.v == nil then out[key][r.id] = false else out[key][r.id] = r.v end
      end
    end
  end
  return out
end

-- The hex of vims.placement_attr of a row, in upper case.
local function placement_hex(dialect, url, id)
  local expr = dialect == "postgresql" and "upper(encode(placement_attr, 'hex'))" or "hex(placement_attr)"
  return H.query(url, ("SELECT %s AS h FROM vims WHERE id = :id"):format(expr), { id = id })[1].h
end

local DIALECTS = {
  { "sqlite", "SQLite" },
  { "postgresql", "PostgreSQL" },
  { "mysql", "MariaDB" },
}

describe("revision 6e56d4474b2a (pickle to JSON) with pickles of protocols 0, 2 and 4", function()
  teardown(function()
    H.cleanup()
  end)

  for _, d in ipairs(DIALECTS) do
    local dialect, name = d[1], d[2]

    describe("on " .. name, function()
      local db, url
      setup(function()
        if dialect == "sqlite" then
          url = H.sqlite_url()
        else
          db = T.database(dialect, "pickle")
          url = db.url
        end
        T.upgrade(url, "f958f58e5daa")
        local conn = H.dbm().connect(url)
        conn:execute("INSERT INTO devicetemplates (id, tenant_id, name) VALUES ('t-1', 'tenant-a', 'vnfd-1')")
        conn:close()
      end)
      teardown(function()
        if db then db.drop() end
      end)

      it("stops at a value that is not plain data, naming the table, the row and the reason", function()
        local conn = H.dbm().connect(url)
        conn:execute(insert_sql(dialect, { "vims", "v-good", { placement_attr = { "A", 2 } } }))
        conn:execute(insert_sql(dialect, { "vims", "v-bad", { placement_attr = { raw = BAD } } }))
        conn:close()

        local r = T.cli(url, { "upgrade", "6e56d4474b2a" })
        assert.equal(1, r.code)
        assert.matches("vims.placement_attr of the row with id 'v-bad' cannot become JSON: "
                       .. BAD_REASON, r.stderr, 1, true)
        -- Nothing changed: still at f958f58e5daa, the blobs as they were.
        assert.same({ "f958f58e5daa" }, T.versions(url))
        assert.equal(VALUES.A[2]:upper(), placement_hex(dialect, url, "v-good"))
        assert.equal(BAD:upper(), placement_hex(dialect, url, "v-bad"))

        conn = H.dbm().connect(url)
        conn:execute("DELETE FROM vims WHERE id IN ('v-good', 'v-bad')")
        conn:close()
      end)

      it("turns every pickle into oslo's JSON and keeps NULLs", function()
        local conn = H.dbm().connect(url)
        for _, row in ipairs(ROWS) do conn:execute(insert_sql(dialect, row)) end
        conn:close()

        T.upgrade(url, "6e56d4474b2a")
        assert.same({ "6e56d4474b2a" }, T.versions(url))
        assert.same(expected_json(), actual_json(url))
      end)
    end)
  end
end)
