-- add default to vim
return {
  revision = "d4f265e8eb9d",
  down_revision = "22f5385a3d3f",
  message = "add default to vim",
  create_date = "2016-07-14 11:07:28.115225",

  upgrade = function(op, sa)
    -- sqlalchemy.sql.false() renders as false on PostgreSQL and MySQL.
    op.add_column("vims",
      sa.Column("is_default", sa.Boolean,
                { server_default = sa.text("false"), nullable = false }))
  end,
}
