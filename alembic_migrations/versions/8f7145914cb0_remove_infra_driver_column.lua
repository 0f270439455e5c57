-- remove infra_driver column
return {
  revision = "8f7145914cb0",
  down_revision = "0ae5b1ce3024",
  message = "remove infra_driver column",
  create_date = "2016-12-08 17:28:26.609343",

  upgrade = function(op, sa) -- luacheck: ignore
    op.drop_column("vnfd", "infra_driver")
  end,
}
