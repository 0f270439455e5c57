-- add scale column
return {
  revision = "ee98bbc0789d",
  down_revision = "c47a733f425a",
  message = "add scale column",
  create_date = "2020-09-11 16:39:04.039173",

  upgrade = function(op, sa)
    op.add_column("vnf_instantiated_info",
      sa.Column("scale_status", sa.JSON, { nullable = true }))
  end,
}
