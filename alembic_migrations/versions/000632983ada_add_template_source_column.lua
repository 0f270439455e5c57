-- add template_source column
return {
  revision = "000632983ada",
  down_revision = "0ad3bbce1c19",
  message = "add template_source column",
  create_date = "2016-12-22 20:30:03.931290",

  upgrade = function(op, sa)
    op.add_column("vnfd", sa.Column("template_source", sa.String(255)))
  end,
}
