--[[
The shipped Tacker chain against the schema real Alembic produced after
every revision (spec/fixtures/reference/, see its README.md), on
PostgreSQL 15 and MariaDB 10.11.

On each server, each revision is applied to one database by its own CLI
process (`upgrade <rev>`), and the dump after it must equal the
reference's file for that position byte for byte. Then `upgrade <rev>`
from an empty database in a single run, for head and for revisions along
the chain.

The PostgreSQL reference is Alembic's single-run walk (postgresql-oneshot):
the stepwise walk must end at the same schema, so 064 3ff50553e9d3, run in
its own process after 062 a23ebee909a8 made the enum `operation`, reuses
that type (Alembic's stepwise walk fails there with DuplicateObject).

The dumps and their normalisation are the reference's (T.dump_schema in
spec/helpers/tacker.lua). The servers here are PostgreSQL 15.20 and MariaDB
10.11.19 (the reference: 15.18 and 10.11.19); their dumps need nothing
beyond the reference's own normalisation.
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

local chain = T.chain()
local by_rev = {}
for _, e in ipairs(chain) do by_rev[e.rev] = e end

-- Targets of the single-run checks.
local ONE_RUN = {
  "6e56d4474b2a", -- 013: pickle to JSON (reads rows)
  "0ae5b1ce3024", -- 026: de-duplicated names (reads rows)
  "975e28392888", -- 044: check-constraint lookup; deleted becomes a string
  "a23ebee909a8", -- 062: the enum `operation` is created
  "3ff50553e9d3", -- 064: ... and declared again, in the same run
  "4c0e2e2c2e02", -- 071: raw ALTER TABLE per dialect
  "head",
}

local function parity(dialect, server_name)
  describe("on " .. server_name, function()
    describe("one CLI run per revision, from an empty database", function()
      local db
      setup(function()
        db = T.database(dialect, "step")
      end)
      teardown(function()
        if db then db.drop() end
      end)

      for _, e in ipairs(chain) do
        it(("%s %s: upgrade %s; the dump equals the reference"):format(e.pos, e.rev, e.rev), function()
          T.upgrade(db, e.rev)
          assert.same({ e.rev }, T.versions(db.url))
          T.assert_text(H.read(T.schema_file(dialect, e)), T.dump_schema(db),
                        ("the dump after %s %s"):format(e.pos, e.rev))
        end)
      end
    end)

    describe("one CLI run from an empty database", function()
      for _, target in ipairs(ONE_RUN) do
        local e = target == "head" and chain[#chain] or by_rev[target]
        it(("upgrade %s (%s %s); the dump equals the reference"):format(target, e.pos, e.rev), function()
          local db = T.database(dialect, "one")
          finally(function() db.drop() end)
          local r = T.upgrade(db, target)
          local _, runs = r.stderr:gsub("Running upgrade ", "")
          assert.equal(tonumber(e.pos), runs)
          assert.same({ e.rev }, T.versions(db.url))
          T.assert_text(H.read(T.schema_file(dialect, e)), T.dump_schema(db),
                        ("the dump after upgrade %s in one run"):format(target))
        end)
      end
    end)
  end)
end

describe("the Tacker chain, schema parity with Alembic", function()
  teardown(function()
    H.cleanup()
  end)

  it("is the reference's chain: 72 revisions from 1c6b0d82afcd to " .. T.HEAD, function()
    assert.equal(72, #chain)
    assert.equal("1c6b0d82afcd", chain[1].rev)
    assert.equal(T.HEAD, chain[72].rev)
    for _, dialect in ipairs({ "postgresql", "mysql" }) do
      for _, e in ipairs(chain) do
        assert.is_true(H.exists(T.schema_file(dialect, e)),
                       "no " .. dialect .. " reference for " .. e.pos .. " " .. e.rev)
      end
    end
  end)

  parity("postgresql", "PostgreSQL")
  parity("mysql", "MariaDB")
end)
