-- add db tables for vnf packages
return {
  revision = "9d425296f2c3",
  down_revision = "cd04a8335c18",
  message = "add db tables for vnf packages",
  create_date = "2019-06-03 08:37:05.095587",

  upgrade = function(op, sa)
    local deleted_type
    if op.get_bind().dialect.name == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end

    op.create_table("vnf_packages",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("onboarding_state", sa.String(255), { nullable = false }),
      sa.Column("operational_state", sa.String(255), { nullable = false }),
      sa.Column("usage_state", sa.String(255), { nullable = false }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("algorithm", sa.String(64), { nullable = true }),
      sa.Column("hash", sa.String(128), { nullable = true }),
      sa.Column("location_glance_store", sa.Text, { nullable = true }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_packages_user_data",
      sa.Column("id", sa.Integer, { nullable = false, autoincrement = true }),
      sa.Column("package_uuid", sa.Uuid(36), { nullable = false }),
      sa.Column("key", sa.String(255), { nullable = false }),
      sa.Column("value", sa.String(255), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "package_uuid" }, { "vnf_packages.id" }),
      sa.Index("vnf_packages_user_data_key_idx", "key"),
      sa.Index("vnf_packages_user_data_value_idx", "value"),
      sa.UniqueConstraint("id", "key", "deleted",
        { name = "uniq_vnf_packages_user_data0idid0key0deleted" }),
      { mysql_engine = "InnoDB" })

    -- deleted is a Boolean here on every dialect, as in the original.
    op.create_table("vnf_package_vnfd",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("package_uuid", sa.Uuid(36), { nullable = false }),
      sa.Column("vnfd_id", sa.Uuid(36), { nullable = false }),
      sa.Column("vnf_provider", sa.String(255), { nullable = false }),
      sa.Column("vnf_product_name", sa.String(255), { nullable = false }),
      sa.Column("vnf_software_version", sa.String(255), { nullable = false }),
      sa.Column("vnfd_version", sa.String(255), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", sa.Boolean, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "package_uuid" }, { "vnf_packages.id" }),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_deployment_flavours",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("package_uuid", sa.Uuid(36), { nullable = false }),
      sa.Column("flavour_id", sa.String(255), { nullable = false }),
      sa.Column("flavour_description", sa.Text, { nullable = false }),
      sa.Column("instantiation_levels", sa.Text, { nullable = true }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "package_uuid" }, { "vnf_packages.id" }),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_software_images",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("software_image_id", sa.String(255), { nullable = false }),
      sa.Column("flavour_uuid", sa.Uuid(36), { nullable = false }),
      sa.Column("name", sa.String(255), { nullable = false }),
      sa.Column("provider", sa.String(255), { nullable = false }),
      sa.Column("version", sa.String(255), { nullable = false }),
      sa.Column("algorithm", sa.String(64), { nullable = false }),
      sa.Column("hash", sa.String(128), { nullable = false }),
      sa.Column("container_format", sa.String(20), { nullable = false }),
      sa.Column("disk_format", sa.String(20), { nullable = false }),
      sa.Column("min_disk", sa.Integer, { nullable = false }),
      sa.Column("min_ram", sa.Integer, { nullable = false }),
      sa.Column("size", sa.BigInteger, { nullable = false }),
      sa.Column("image_path", sa.Text, { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "flavour_uuid" },
                              { "vnf_deployment_flavours.id" }),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_software_image_metadata",
      sa.Column("id", sa.Integer, { nullable = false, autoincrement = true }),
      sa.Column("image_uuid", sa.Uuid(36), { nullable = false }),
      sa.Column("key", sa.String(255), { nullable = false }),
      sa.Column("value", sa.String(255), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "image_uuid" }, { "vnf_software_images.id" }),
      sa.Index("vnf_software_image_metadata_key_idx", "key"),
      sa.Index("vnf_software_image_metadata_value_idx", "value"),
      sa.UniqueConstraint("id", "key", "deleted",
        { name = "uniq_vnf_software_image_metadata0idid0key0deleted" }),
      { mysql_engine = "InnoDB" })
  end,
}
