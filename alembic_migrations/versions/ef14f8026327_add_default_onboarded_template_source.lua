-- add default onboarded template source
return {
  revision = "ef14f8026327",
  down_revision = "e8918cda6433",
  message = "add default onboarded template source",
  create_date = "2017-02-10 12:10:09.606460",

  upgrade = function(op, sa) -- luacheck: ignore
    op.alter_column("vnfd", "template_source", { server_default = "onboarded" })
    op.execute("UPDATE vnfd set template_source='onboarded'"
               .. " WHERE template_source is NULL")
  end,
}
