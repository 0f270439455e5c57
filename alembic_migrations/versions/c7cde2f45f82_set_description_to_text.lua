-- set-description-to-text
return {
  revision = "c7cde2f45f82",
  down_revision = "6e56d4474b2a",
  message = "set-description-to-text",
  create_date = "2016-06-01 10:58:43.022668",

  upgrade = function(op, sa)
    op.alter_column("vims", "description", { type_ = sa.Text })
    op.alter_column("devices", "description", { type_ = sa.Text })
    op.alter_column("devicetemplates", "description", { type_ = sa.Text })
  end,
}
