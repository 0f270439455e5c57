-- add_vnfc_info_to_instantiated_vnf_info
return {
  revision = "8a7ca803e0d0",
  down_revision = "aaf461c8844c",
  message = "add_vnfc_info_to_instantiated_vnf_info",
  create_date = "2020-09-21 15:00:00.004343",

  upgrade = function(op, sa)
    op.add_column("vnf_instantiated_info",
      sa.Column("vnfc_info", sa.JSON, { nullable = true }))
  end,
}
