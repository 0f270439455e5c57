-- remove status from Vim
return {
  revision = "de6bfa5bea46",
  down_revision = "de8d835ae776",
  message = "remove status from Vim",
  create_date = "2023-01-09 11:08:53.597828",

  upgrade = function(op, sa) -- luacheck: ignore
    op.drop_column("vims", "status")
  end,
}
