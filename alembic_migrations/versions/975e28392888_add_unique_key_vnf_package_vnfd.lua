-- Add unique constraints on vnfd_id,deleted in vnf_package_vnfd
--
-- vnf_package_vnfd.deleted turns from a Boolean into a String(36) that
-- holds "0", "1" or, for a soft-deleted row whose vnfd_id is taken by
-- another row, that row's id; then (vnfd_id, deleted) becomes unique.
-- MariaDB's outcome is the one meant, and is reached on every dialect:
-- the type change leaves "0"/"1" on MariaDB and SQLite, but "false"/"true"
-- on PostgreSQL, which are rewritten here. The de-duplication is one
-- UPDATE (the original walked the rows through an ORM session), so this
-- also renders offline (--sql).
local DUPLICATES = {
  postgresql = "SELECT vnfd_id FROM vnf_package_vnfd "
    .. "GROUP BY vnfd_id HAVING count(*) > 1",
  sqlite = "SELECT vnfd_id FROM vnf_package_vnfd "
    .. "GROUP BY vnfd_id HAVING count(*) > 1",
  -- MySQL cannot read the table an UPDATE writes but through a derived table
  mysql = "SELECT vnfd_id FROM (SELECT vnfd_id FROM vnf_package_vnfd "
    .. "GROUP BY vnfd_id HAVING count(*) > 1) AS dups",
}

return {
  revision = "975e28392888",
  down_revision = "abbef484b34c",
  message = "Add unique constraints on vnfd_id,deleted in vnf_package_vnfd",
  create_date = "2019-12-10 02:40:12.966027",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    -- SQLAlchemy < 1.4 gave a Boolean a CHECK constraint on MySQL; it
    -- would refuse the new values. (1.4 makes none: nothing to drop.)
    if not op.is_offline() then
      local inspector = op.get_inspector()
      for _, check in ipairs(inspector:get_check_constraints("vnf_package_vnfd")) do
        if check.sqltext and check.sqltext:find("`deleted`", 1, true) then
          op.drop_constraint(check.name, "vnf_package_vnfd", { type_ = "check" })
          break
        end
      end
    end
    -- (The original also passes default="0", which alter_column ignores.)
    op.alter_column("vnf_package_vnfd", "deleted", { type_ = sa.String(36) })
    if dialect == "postgresql" then
      op.execute("UPDATE vnf_package_vnfd SET deleted = CASE deleted "
                 .. "WHEN 'true' THEN '1' WHEN 'false' THEN '0' "
                 .. "ELSE deleted END")
    end
    op.execute("UPDATE vnf_package_vnfd SET deleted = id "
               .. "WHERE deleted = '1' AND vnfd_id IN ("
               .. DUPLICATES[dialect] .. ")")
    op.create_unique_constraint("uniq_vnf_package_vnfd0vnfd_id0deleted",
                                "vnf_package_vnfd", { "vnfd_id", "deleted" })
  end,
}
