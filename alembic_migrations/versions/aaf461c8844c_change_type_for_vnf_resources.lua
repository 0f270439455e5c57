-- change type for vnf_resources and vnf_instantiated_info table
return {
  revision = "aaf461c8844c",
  down_revision = "745e3e9fe5e2",
  message = "change type for vnf_resources and vnf_instantiated_info table",
  create_date = "2020-09-17 03:17:42.570250",

  upgrade = function(op, sa)
    op.alter_column("vnf_instantiated_info", "instance_id",
                    { type_ = sa.Text, nullable = true })
    op.alter_column("vnf_resources", "resource_name",
                    { type_ = sa.Text, nullable = true })
  end,
}
