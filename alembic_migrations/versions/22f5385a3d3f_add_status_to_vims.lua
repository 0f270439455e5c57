-- Add status to vims
return {
  revision = "22f5385a3d3f",
  down_revision = "5f88e86b35c7",
  message = "Add status to vims",
  create_date = "2016-05-12 13:29:30.615609",

  upgrade = function(op, sa)
    op.add_column("vims",
      sa.Column("status", sa.String(255),
                { nullable = false, server_default = "" }))
  end,
}
