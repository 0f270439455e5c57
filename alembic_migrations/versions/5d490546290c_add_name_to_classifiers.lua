-- add_name_to_classifiers
return {
  revision = "5d490546290c",
  down_revision = "e9a1e47fb0b5",
  message = "add_name_to_classifiers",
  create_date = "2018-01-11 14:27:16.334946",

  upgrade = function(op, sa)
    op.add_column("vnffgclassifiers",
      sa.Column("name", sa.String(255),
                { nullable = true, server_default = "" }))
  end,
}
