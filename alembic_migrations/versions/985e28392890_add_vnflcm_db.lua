-- VNF instance management changes
return {
  revision = "985e28392890",
  down_revision = "975e28392888",
  message = "VNF instance management changes",
  create_date = "2019-12-10 02:40:12.966027",

  upgrade = function(op, sa)
    local deleted_type
    if op.get_bind().dialect.name == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end

    op.create_table("vnf_instances",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("vnf_instance_name", sa.String(255),
                { nullable = true, default = "" }),
      sa.Column("vnf_instance_description", sa.String(1024),
                { nullable = true, default = "" }),
      sa.Column("vnfd_id", sa.Uuid(36), { nullable = false }),
      sa.Column("vnf_provider", sa.String(255), { nullable = false }),
      sa.Column("vnf_product_name", sa.String(255), { nullable = false }),
      sa.Column("vnf_software_version", sa.String(255), { nullable = false }),
      sa.Column("vnfd_version", sa.String(255), { nullable = false }),
      sa.Column("instantiation_state", sa.String(255), { nullable = false }),
      sa.Column("task_state", sa.String(255), { nullable = true }),
      sa.Column("vim_connection_info", sa.JSON, { nullable = true }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_instantiated_info",
      sa.Column("id", sa.Integer, { nullable = false, autoincrement = true }),
      sa.Column("vnf_instance_id", sa.Uuid(36), { nullable = false }),
      sa.Column("flavour_id", sa.String(255), { nullable = false }),
      sa.Column("ext_cp_info", sa.JSON, { nullable = true }),
      sa.Column("ext_virtual_link_info", sa.JSON, { nullable = true }),
      sa.Column("ext_managed_virtual_link_info", sa.JSON, { nullable = true }),
      sa.Column("vnfc_resource_info", sa.JSON, { nullable = true }),
      sa.Column("vnf_virtual_link_resource_info", sa.JSON, { nullable = true }),
      sa.Column("virtual_storage_resource_info", sa.JSON, { nullable = true }),
      sa.Column("vnf_state", sa.String(255), { nullable = false }),
      sa.Column("instance_id", sa.String(255), { nullable = true }),
      sa.Column("instantiation_level_id", sa.String(255), { nullable = true }),
      sa.Column("additional_params", sa.JSON, { nullable = true }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "vnf_instance_id" }, { "vnf_instances.id" }),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_resources",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("vnf_instance_id", sa.Uuid(36), { nullable = false }),
      sa.Column("resource_name", sa.String(255), { nullable = false }),
      sa.Column("resource_type", sa.String(255), { nullable = false }),
      sa.Column("resource_identifier", sa.String(255), { nullable = false }),
      sa.Column("resource_status", sa.String(255), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "vnf_instance_id" }, { "vnf_instances.id" }),
      { mysql_engine = "InnoDB" })
  end,
}
