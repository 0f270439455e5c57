-- audit support
return {
  revision = "2ff0a0e360f1",
  down_revision = "22f5385a3d50",
  message = "audit support",
  create_date = "2016-06-02 15:14:31.888078",

  upgrade = function(op, sa)
    for _, name in ipairs({ "vims", "vnf", "vnfd" }) do
      op.add_column(name, sa.Column("created_at", sa.DateTime, { nullable = true }))
      op.add_column(name, sa.Column("updated_at", sa.DateTime, { nullable = true }))
    end
  end,
}
