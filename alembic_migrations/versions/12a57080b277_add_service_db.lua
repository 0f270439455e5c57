-- Add Service related dbs
return {
  revision = "12a57080b277",
  down_revision = "5958429bcb3c",
  message = "Add Service related dbs",
  create_date = "2015-11-26 15:18:19.623170",

  upgrade = function(op, sa)
    op.create_table("servicetypes",
      sa.Column("tenant_id", sa.String(255), { nullable = true }),
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("template_id", sa.String(36), { nullable = false }),
      sa.Column("service_type", sa.String(255), { nullable = false }),
      sa.ForeignKeyConstraint({ "template_id" }, { "devicetemplates.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("deviceservicecontexts",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("device_id", sa.String(36), { nullable = true }),
      sa.Column("network_id", sa.String(36), { nullable = true }),
      sa.Column("subnet_id", sa.String(36), { nullable = true }),
      sa.Column("port_id", sa.String(36), { nullable = true }),
      sa.Column("router_id", sa.String(36), { nullable = true }),
      sa.Column("role", sa.String(255), { nullable = true }),
      sa.Column("index", sa.Integer, { nullable = true }),
      sa.ForeignKeyConstraint({ "device_id" }, { "devices.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("serviceinstances",
      sa.Column("tenant_id", sa.String(255), { nullable = true }),
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("name", sa.String(255), { nullable = true }),
      sa.Column("service_type_id", sa.String(36), { nullable = true }),
      sa.Column("service_table_id", sa.String(36), { nullable = true }),
      sa.Column("managed_by_user", sa.Boolean, { nullable = true }),
      sa.Column("mgmt_driver", sa.String(255), { nullable = true }),
      sa.Column("mgmt_url", sa.String(255), { nullable = true }),
      sa.Column("status", sa.String(255), { nullable = false }),
      sa.ForeignKeyConstraint({ "service_type_id" }, { "servicetypes.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("servicecontexts",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("service_instance_id", sa.String(36), { nullable = true }),
      sa.Column("network_id", sa.String(36), { nullable = true }),
      sa.Column("subnet_id", sa.String(36), { nullable = true }),
      sa.Column("port_id", sa.String(36), { nullable = true }),
      sa.Column("router_id", sa.String(36), { nullable = true }),
      sa.Column("role", sa.String(255), { nullable = true }),
      sa.Column("index", sa.Integer, { nullable = true }),
      sa.ForeignKeyConstraint({ "service_instance_id" },
                              { "serviceinstances.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("servicedevicebindings",
      sa.Column("service_instance_id", sa.String(36), { nullable = false }),
      sa.Column("device_id", sa.String(36), { nullable = false }),
      sa.ForeignKeyConstraint({ "device_id" }, { "devices.id" }),
      sa.ForeignKeyConstraint({ "service_instance_id" },
                              { "serviceinstances.id" }),
      sa.PrimaryKeyConstraint("service_instance_id", "device_id"),
      { mysql_engine = "InnoDB" })
  end,
}
