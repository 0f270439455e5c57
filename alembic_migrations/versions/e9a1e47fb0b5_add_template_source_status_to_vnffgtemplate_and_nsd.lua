-- add onboarded status for vnffgd and nsd
return {
  revision = "e9a1e47fb0b5",
  down_revision = "f5c1c3b0f6b4",
  message = "add onboarded status for vnffgd and nsd",
  create_date = "2017-07-17 10:02:37.572587",

  upgrade = function(op, sa)
    for _, name in ipairs({ "vnffgtemplates", "nsd" }) do
      op.add_column(name,
        sa.Column("template_source", sa.String(255),
                  { server_default = "onboarded" }))
      op.execute(("UPDATE %s set template_source='onboarded'"
                  .. " WHERE template_source is NULL"):format(name))
    end
  end,
}
