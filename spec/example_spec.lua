-- The worked example of the README: test a revision that migrates data.
local dbm = require("dbmanage")

describe("revision bb02 (vims.status becomes NOT NULL)", function()
  local scripts = dbm.scripts("spec/fixtures/example")
  local conn

  before_each(function()
    conn = dbm.connect("sqlite://") -- a throw-away in-memory database
    conn:upgrade(scripts, "aa01") -- the revision before the one under test
  end)

  after_each(function()
    conn:close()
  end)

  it("fills missing statuses and makes the column NOT NULL", function()
    conn:execute("INSERT INTO vims (id, name, status) VALUES (:id, :name, :status)",
                 { id = "v1", name = "edge", status = "ACTIVE" })
    conn:execute("INSERT INTO vims (id, name) VALUES ('v2', 'core')")

    conn:upgrade(scripts, "bb02")

    assert.same({ "bb02" }, conn:current())
    local rows = conn:query("SELECT id, status FROM vims ORDER BY id")
    assert.same({ "v1", "ACTIVE" }, { rows[1].id, rows[1].status })
    assert.same({ "v2", "PENDING" }, { rows[2].id, rows[2].status })
    local status
    for _, col in ipairs(conn:inspect():get_columns("vims")) do
      if col.name == "status" then status = col end
    end
    assert.is_false(status.nullable)
    assert.equal("'PENDING'", status.default)
  end)

  it("goes back down to aa01", function()
    conn:upgrade(scripts, "bb02")
    conn:downgrade(scripts, "aa01")
    assert.same({ "aa01" }, conn:current())
    local cols = conn:inspect():get_columns("vims")
    assert.is_true(cols[3].nullable)
    assert.is_nil(cols[3].default)
  end)
end)
