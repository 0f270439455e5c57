-- Add error_reason to device
return {
  revision = "acf941e54075",
  down_revision = "5246a6bd410f",
  message = "Add error_reason to device",
  create_date = "2016-04-07 23:53:56.623647",

  upgrade = function(op, sa)
    op.add_column("devices",
      sa.Column("error_reason", sa.Text, { nullable = true }))
  end,
}
