-- add tables for tacker framework
return {
  revision = "1c6b0d82afcd",
  down_revision = nil,
  message = "add tables for tacker framework",
  create_date = "2013-11-25 18:06:13.980301",

  upgrade = function(op, sa)
    op.create_table("devicetemplates",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("tenant_id", sa.String(255), { nullable = true }),
      sa.Column("name", sa.String(255), { nullable = true }),
      sa.Column("description", sa.String(255), { nullable = true }),
      sa.Column("infra_driver", sa.String(255), { nullable = true }),
      sa.Column("mgmt_driver", sa.String(255), { nullable = true }),
      sa.PrimaryKeyConstraint("id"))

    op.create_table("devicetemplateattributes",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("template_id", sa.String(36), { nullable = false }),
      sa.Column("key", sa.String(255), { nullable = false }),
      sa.Column("value", sa.String(4096), { nullable = true }),
      sa.ForeignKeyConstraint({ "template_id" }, { "devicetemplates.id" }),
      sa.PrimaryKeyConstraint("id"))

    op.create_table("devices",
      sa.Column("id", sa.String(255), { nullable = false }),
      sa.Column("tenant_id", sa.String(255), { nullable = true }),
      sa.Column("name", sa.String(255), { nullable = true }),
      sa.Column("template_id", sa.String(36), { nullable = true }),
      sa.Column("instance_id", sa.String(255), { nullable = true }),
      sa.Column("mgmt_url", sa.String(255), { nullable = true }),
      sa.Column("status", sa.String(255), { nullable = true }),
      sa.ForeignKeyConstraint({ "template_id" }, { "devicetemplates.id" }),
      sa.PrimaryKeyConstraint("id"))

    op.create_table("deviceattributes",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("device_id", sa.String(255)),
      sa.Column("key", sa.String(255), { nullable = false }),
      sa.Column("value", sa.String(4096), { nullable = true }),
      sa.ForeignKeyConstraint({ "device_id" }, { "devices.id" }),
      sa.PrimaryKeyConstraint("id"))
  end,
}
