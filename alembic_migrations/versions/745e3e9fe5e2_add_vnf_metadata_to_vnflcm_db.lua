-- add_vnf_metadata_to_vnflcm_db
return {
  revision = "745e3e9fe5e2",
  down_revision = "f9bc96967462",
  message = "add_vnf_metadata_to_vnflcm_db",
  create_date = "2020-08-28 20:21:04.604343",

  upgrade = function(op, sa)
    op.add_column("vnf_instances",
      sa.Column("vnf_metadata", sa.JSON, { nullable = true }))
  end,
}
