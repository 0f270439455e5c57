-- remove service related
return {
  revision = "2774a42c7163",
  down_revision = "12a57080b278",
  message = "remove service related",
  create_date = "2015-11-26 15:47:51.161749",

  upgrade = function(op, sa) -- luacheck: ignore
    op.drop_table("servicecontexts")
    op.drop_table("deviceservicecontexts")
    op.drop_table("servicedevicebindings")
    op.drop_table("serviceinstances")
  end,
}
