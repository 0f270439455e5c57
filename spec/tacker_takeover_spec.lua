--[[
Taking over a database that Alembic migrated part of the way: the
reference's schema at revision k (spec/fixtures/reference/, Alembic's own
output) is loaded into an empty database with the server's client, with
Alembic's version table at k, and this host's `upgrade head` must take it
to the reference's schema at head, byte for byte, on PostgreSQL and
MariaDB. The k are spread over the chain, across the dialect branches, the
reflecting revisions and the enum `operation` (on PostgreSQL, 064 run
after a database made by Alembic up to 063 reuses its type).

One difference is MariaDB's, not the host's, and is expected exactly:
MariaDB marks an index it made itself for a foreign key (a "generated"
key, the HA_GENERATED_KEY flag in the table definition); SHOW CREATE TABLE,
and so mysqldump, print it as a plain KEY, and a reloaded dump has an
ordinary index instead. 007 12a57080b278 and 021 22f5385a3d50 drop
foreign keys and create them again under other names: MariaDB replaces a
generated index by one named after the new key, but keeps an ordinary one.
So from a dump taken before 021 three indexes keep the names the dump gave
them, with Alembic as with this host (checked with plain SQL on MariaDB
10.11.19: CREATE TABLE c (..., CONSTRAINT c_ibfk_1 FOREIGN KEY (pid) ...),
RENAME TABLE c TO d, DROP FOREIGN KEY d_ibfk_1, CHANGE pid qid, ADD
CONSTRAINT d_ibfk_1 FOREIGN KEY (qid) gives KEY d_ibfk_1; with an explicit
KEY c_ibfk_1 (pid) in the CREATE TABLE it gives KEY c_ibfk_1).
]]
local H = require("helpers.host")
local T = require("helpers.tacker")

local POSITIONS = { 1, 12, 26, 44, 63, 71 }

local SERVERS = { { "postgresql", "PostgreSQL" }, { "mysql", "MariaDB" } }

-- MariaDB, from a dump taken before 021: the index of each foreign key
-- 021 makes again keeps the name it has in the dump at k (see above):
-- at 001 the names CREATE TABLE gave (the column's), from 007 on the ones
-- 007 12a57080b278 gave when it made the keys again.
local HEAD_FK_INDEXES = {
  vnf = "  KEY `vnf_ibfk_1` (`vnfd_id`)",
  vnf_attribute = "  KEY `vnf_attribute_ibfk_1` (`vnf_id`)",
  vnfd_attribute = "  KEY `vnfd_attribute_ibfk_1` (`vnfd_id`)",
}
local RELOADED_BEFORE_021 = {
  [1] = {
    vnf = "  KEY `template_id` (`vnfd_id`)",
    vnf_attribute = "  KEY `device_id` (`vnf_id`)",
    vnfd_attribute = "  KEY `template_id` (`vnfd_id`)",
  },
  [12] = {
    vnf = "  KEY `devices_ibfk_1` (`vnfd_id`)",
    vnf_attribute = "  KEY `deviceattributes_ibfk_1` (`vnf_id`)",
    vnfd_attribute = "  KEY `devicetemplateattributes_ibfk_1` (`vnfd_id`)",
  },
}
local POS_021 = 21

-- The expected head schema after a takeover at position k.
local function expected_head(dialect, k, text)
  if dialect ~= "mysql" or k >= POS_021 then return text end
  local names = assert(RELOADED_BEFORE_021[k], "no index names listed for a takeover at " .. k)
  for tbl, from in pairs(HEAD_FK_INDEXES) do
    local i, j = text:find(from, 1, true)
    assert(i and not text:find(from, j + 1, true), "the head reference has no single '" .. from .. "'")
    text = text:sub(1, i - 1) .. names[tbl] .. text:sub(j + 1)
  end
  return T.normalize_mysql(text) -- the runs of KEY lines sorted again
end

describe("upgrade head of a database Alembic migrated part of the way", function()
  local chain = T.chain()
  local head = chain[#chain]

  teardown(function()
    H.cleanup()
  end)

  for _, server in ipairs(SERVERS) do
    local dialect, server_name = server[1], server[2]
    for _, k in ipairs(POSITIONS) do
      local at = chain[k]
      it(("on %s, from %s %s: the dump equals the reference at head"):format(server_name, at.pos, at.rev), function()
        local db = T.database(dialect, "takeover")
        finally(function() db.drop() end)
        T.load(db, T.schema_file(dialect, at))
        T.stamp_like_alembic(db, at.rev)
        assert.same({ at.rev }, T.versions(db.url))

        local r = T.upgrade(db, "head")
        assert.matches(("Running upgrade %s -> %s, "):format(at.rev, chain[k + 1].rev),
                       r.stderr:match("Running upgrade [^\n]*"), 1, true)
        local _, runs = r.stderr:gsub("Running upgrade ", "")
        assert.equal(#chain - k, runs)
        assert.same({ T.HEAD }, T.versions(db.url))
        T.assert_text(expected_head(dialect, k, H.read(T.schema_file(dialect, head))), T.dump_schema(db),
                      ("the dump after upgrade head from %s"):format(at.pos))
      end)
    end
  end
end)
