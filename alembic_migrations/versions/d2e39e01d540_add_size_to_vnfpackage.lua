-- add size column to vnf_packages table
return {
  revision = "d2e39e01d540",
  down_revision = "985e28392890",
  message = "add size column to vnf_packages table",
  create_date = "2019-11-27 13:30:23.599865",

  upgrade = function(op, sa)
    -- The server default gives the existing rows a size of 0.
    op.add_column("vnf_packages",
      sa.Column("size", sa.BigInteger,
                { nullable = false, server_default = "0" }))
  end,
}
