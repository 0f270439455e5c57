--[[
The data revisions of the Tacker chain against the reference's data cases
(spec/fixtures/reference/data/<case>/, from Alembic on PostgreSQL 15 and
MariaDB 10.11), on both servers, as the reference ran them: a database at
the revision before (a copy of one that walks the chain from empty), the
case's seed-<server>.sql loaded with the server's client, the seeded
tables dumped (must equal before-<server>.sql), `upgrade <rev>` (one CLI
run), the tables dumped again.

The "after" dump must equal the reference's after-<server>.sql, except
where Alembic's outcome is a defect this port fixes on purpose
(alembic_migrations/README.md, "Data revisions do what they mean"): there
it must equal spec/fixtures/expected/data/<case>/after-<server>.sql, the
MariaDB outcome written in each server's dump format (see
spec/fixtures/expected/README.md for each file and why).

Data dumps as the reference's (T.dump_data): pg_dump --data-only
--column-inserts -t ... with the INSERT lines of each table sorted;
mysqldump --no-create-info ... --hex-blob --order-by-primary, the tables
in the order the seed first names them.
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

-- case, revision, and per server where the expected "after" rows are;
-- in chain order of the revisions.
local CASES = {
  { "6e56d4474b2a", "6e56d4474b2a", postgresql = "expected", mysql = "reference" },
  { "6e56d4474b2a-variant-null-placement_attr", "6e56d4474b2a",
    postgresql = "expected", mysql = "expected" },
  { "ef14f8026327", "ef14f8026327", postgresql = "reference", mysql = "reference" },
  { "f5c1c3b0f6b4", "f5c1c3b0f6b4", postgresql = "reference", mysql = "reference" },
  { "e9a1e47fb0b5", "e9a1e47fb0b5", postgresql = "reference", mysql = "reference" },
  { "975e28392888", "975e28392888", postgresql = "expected", mysql = "reference" },
  { "975e28392888-variant-2-deleted-dups", "975e28392888",
    postgresql = "expected", mysql = "reference" },
}

local SERVERS = { { "postgresql", "PostgreSQL" }, { "mysql", "MariaDB" } }

local previous = {}
do
  local chain = T.chain()
  for i = 2, #chain do previous[chain[i].rev] = chain[i - 1].rev end
end

-- The tables a seed file fills, in the order it first names them.
local function seeded_tables(seed)
  local out, seen = {}, {}
  for t in seed:gmatch("INSERT INTO (%S+) ") do
    if not seen[t] then
      seen[t] = true
      out[#out + 1] = t
    end
  end
  return out
end

describe("the Tacker chain's data revisions, against the reference's data cases", function()
  teardown(function()
    H.cleanup()
  end)

  for _, server in ipairs(SERVERS) do
    local dialect, server_name = server[1], server[2]

    describe("on " .. server_name, function()
      -- One database walks the chain, one CLI run per case's previous
      -- revision (CASES is in chain order); each case gets a copy of it.
      local walker
      setup(function()
        walker = T.database(dialect, "walk")
      end)
      teardown(function()
        if walker then walker.drop() end
      end)

      for _, case in ipairs(CASES) do
        local name, rev = case[1], case[2]
        local dir = T.reference .. "/data/" .. name
        local after = case[dialect] == "expected"
          and ("%s/data/%s/after-%s.sql"):format(T.expected, name, dialect)
          or ("%s/after-%s.sql"):format(dir, dialect)

        it(("%s: %s -> %s gives the %s rows"):format(name, previous[rev], rev, case[dialect]), function()
          local seed_path = dir .. "/seed-" .. dialect .. ".sql"
          local seed = H.read(seed_path)
          -- The seed names the revision it was applied at.
          assert.truthy(seed:find("applied at revision " .. previous[rev], 1, true),
                        "the seed is for another revision")
          local tables = seeded_tables(seed)

          T.upgrade(walker, previous[rev])
          local db = T.clone(walker, "data")
          finally(function() db.drop() end)
          assert.same({ previous[rev] }, T.versions(db.url))
          T.load(db, seed_path)
          T.assert_text(H.read(dir .. "/before-" .. dialect .. ".sql"), T.dump_data(db, tables),
                        "the rows before " .. rev)

          T.upgrade(db, rev)
          assert.same({ rev }, T.versions(db.url))
          T.assert_text(H.read(after), T.dump_data(db, tables), "the rows after " .. rev)
        end)
      end
    end)
  end
end)
