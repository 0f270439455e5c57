-- add placement table
return {
  revision = "2c5211036579",
  down_revision = "ee98bbc0789d",
  message = "add placement table",
  create_date = "2020-09-11 20:47:46.345771",

  upgrade = function(op, sa)
    local deleted_type
    if op.get_bind().dialect.name == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end
    op.create_table("placement_constraint",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("vnf_instance_id", sa.Uuid(36), { nullable = false }),
      sa.Column("affinity_or_anti_affinity", sa.String(255), { nullable = false }),
      sa.Column("scope", sa.String(255), { nullable = false }),
      sa.Column("server_group_name", sa.String(255), { nullable = false }),
      sa.Column("resource", sa.JSON, { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })
  end,
}
