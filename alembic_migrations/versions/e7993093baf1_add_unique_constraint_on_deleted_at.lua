-- add unique constraint on deleted_at
return {
  revision = "e7993093baf1",
  down_revision = "c256228ed37c",
  message = "add unique constraint on deleted_at",
  create_date = "2017-04-19 10:57:22.157326",

  upgrade = function(op, sa) -- luacheck: ignore
    for _, name in ipairs({ "vnf", "vnfd", "vims", "ns", "nsd" }) do
      op.drop_constraint(("uniq_%s0tenant_id0name"):format(name), name,
                         { type_ = "unique" })
      op.create_unique_constraint(
        ("uniq_%s0tenant_id0name0deleted_at"):format(name), name,
        { "tenant_id", "name", "deleted_at" })
    end
  end,
}
