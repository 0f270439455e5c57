-- add extra field to vims db
return {
  revision = "6dc60a5760e5",
  down_revision = "c31f65e0d099",
  message = "add extra field to vims db",
  create_date = "2021-07-26 12:28:13.797458",

  upgrade = function(op, sa)
    op.add_column("vims", sa.Column("extra", sa.JSON, { nullable = true }))
  end,
}
