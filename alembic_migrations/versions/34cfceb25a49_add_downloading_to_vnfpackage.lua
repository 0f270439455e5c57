-- add_downloading_to_vnfPackage
return {
  revision = "34cfceb25a49",
  down_revision = "2531c976c0f1",
  message = "add_downloading_to_vnfPackage",
  create_date = "2023-03-08 01:56:40.134793",

  upgrade = function(op, sa)
    op.add_column("vnf_packages",
      sa.Column("downloading", sa.Integer,
                { nullable = false, server_default = "0" }))
  end,
}
