-- change type for instance_id of vnf table
return {
  revision = "7186440a306b",
  down_revision = "df26c5871f3c",
  message = "change type for instance_id of vnf table",
  create_date = "2020-12-21 16:08:23.438871",

  upgrade = function(op, sa)
    op.alter_column("vnf", "instance_id",
                    { type_ = sa.String(12800), nullable = true })
  end,
}
