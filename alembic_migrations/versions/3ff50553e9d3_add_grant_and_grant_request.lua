-- add grant and grant request
--
-- GrantRequestV1.operation declares the PostgreSQL enum type "operation"
-- again (a23ebee909a8 made it, with MODIFY_INFO, which this list lacks).
-- Alembic only gets through when both revisions run in one process, and
-- then the column silently uses the existing type. The host's PostgreSQL
-- dialect creates a named enum type only when the database lacks it, so
-- the column uses the existing type here too, in one run or several.
return {
  revision = "3ff50553e9d3",
  down_revision = "70df18f71ba2",
  message = "add grant and grant request",
  create_date = "2021-10-07 03:57:25.430532",

  upgrade = function(op, sa)
    op.create_table("GrantV1",
      sa.Column("id", sa.String(255), { nullable = false }),
      sa.Column("vnfInstanceId", sa.String(255), { nullable = false }),
      sa.Column("vnfLcmOpOccId", sa.String(255), { nullable = false }),
      sa.Column("vimConnectionInfo", sa.JSON, { nullable = true }),
      sa.Column("zones", sa.JSON, { nullable = true }),
      sa.Column("zoneGroups", sa.JSON, { nullable = true }),
      sa.Column("addResources", sa.JSON, { nullable = true }),
      sa.Column("tempResources", sa.JSON, { nullable = true }),
      sa.Column("removeResources", sa.JSON, { nullable = true }),
      sa.Column("updateResources", sa.JSON, { nullable = true }),
      sa.Column("vimAssets", sa.JSON, { nullable = true }),
      sa.Column("extVirtualLinks", sa.JSON, { nullable = true }),
      sa.Column("extManagedVirtualLinks", sa.JSON, { nullable = true }),
      sa.Column("additionalParams", sa.JSON, { nullable = true }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    local operation = sa.Enum("INSTANTIATE", "SCALE", "SCALE_TO_LEVEL",
                              "CHANGE_FLAVOUR", "TERMINATE", "HEAL", "OPERATE",
                              "CHANGE_EXT_CONN", "CREATE_SNAPSHOT",
                              "REVERT_TO_SNAPSHOT", "CHANGE_VNFPKG",
                              { name = "operation" })
    op.create_table("GrantRequestV1",
      sa.Column("vnfInstanceId", sa.String(255), { nullable = false }),
      sa.Column("vnfLcmOpOccId", sa.String(255), { nullable = false }),
      sa.Column("vnfdId", sa.String(255), { nullable = false }),
      sa.Column("dstVnfdId", sa.String(255), { nullable = true }),
      sa.Column("flavourId", sa.String(255), { nullable = true }),
      sa.Column("operation", operation, { nullable = false }),
      sa.Column("isAutomaticInvocation", sa.Boolean, { nullable = false }),
      sa.Column("instantiationLevelId", sa.String(255), { nullable = true }),
      sa.Column("addResources", sa.JSON, { nullable = true }),
      sa.Column("tempResources", sa.JSON, { nullable = true }),
      sa.Column("removeResources", sa.JSON, { nullable = true }),
      sa.Column("updateResources", sa.JSON, { nullable = true }),
      sa.Column("placementConstraints", sa.JSON, { nullable = true }),
      sa.Column("vimConstraints", sa.JSON, { nullable = true }),
      sa.Column("additionalParams", sa.JSON, { nullable = true }),
      sa.PrimaryKeyConstraint("vnfLcmOpOccId"),
      { mysql_engine = "InnoDB" })
  end,
}
