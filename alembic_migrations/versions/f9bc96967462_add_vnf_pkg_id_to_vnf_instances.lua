-- add_vnf_pkg_id_to_vnf_instances
return {
  revision = "f9bc96967462",
  down_revision = "e06fbdc90a32",
  message = "add_vnf_pkg_id_to_vnf_instances",
  create_date = "2020-09-11 22:41:25.799693",

  upgrade = function(op, sa)
    op.add_column("vnf_instances",
      sa.Column("vnf_pkg_id", sa.Uuid(36), { nullable = false }))
  end,
}
