-- change_vim_shared_property_to_false
return {
  revision = "31acbaeb8299",
  down_revision = "e7993093baf1",
  message = "change_vim_shared_property_to_false",
  create_date = "2017-05-30 23:46:20.034085",

  upgrade = function(op, sa)
    op.alter_column("vims", "shared",
                    { existing_type = sa.Boolean,
                      server_default = sa.text("false"),
                      nullable = false })
  end,
}
