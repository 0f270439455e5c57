-- add description to vnf
return {
  revision = "13c0e0661015",
  down_revision = "4c31092895b8",
  message = "add description to vnf",
  create_date = "2015-05-18 18:47:22.180962",

  upgrade = function(op, sa)
    op.add_column("devices",
      sa.Column("description", sa.String(255),
                { nullable = true, server_default = "" }))
  end,
}
