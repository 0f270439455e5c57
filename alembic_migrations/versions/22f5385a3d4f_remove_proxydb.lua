-- remove proxydb related
return {
  revision = "22f5385a3d4f",
  down_revision = "d4f265e8eb9d",
  message = "remove proxydb related",
  create_date = "2016-08-01 15:47:51.161749",

  upgrade = function(op, sa) -- luacheck: ignore
    op.drop_table("proxymgmtports")
    op.drop_table("proxyserviceports")
  end,
}
