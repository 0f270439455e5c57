-- add db tables for add artifacts
return {
  revision = "e06fbdc90a32",
  down_revision = "d2e39e01d540",
  message = "add db tables for add artifacts",
  create_date = "2020-09-17 02:52:41.435112",

  upgrade = function(op, sa)
    local deleted_type
    if op.get_bind().dialect.name == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end
    op.create_table("vnf_artifacts",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("package_uuid", sa.Uuid(36), { nullable = false }),
      sa.Column("artifact_path", sa.Text, { nullable = false }),
      sa.Column("algorithm", sa.String(64), { nullable = false }),
      sa.Column("hash", sa.String(128), { nullable = false }),
      sa.Column("_metadata", sa.JSON, { nullable = true }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "package_uuid" }, { "vnf_packages.id" }),
      { mysql_engine = "InnoDB" })
  end,
}
