-- unique constraint on name and id
return {
  revision = "c256228ed37c",
  down_revision = "ef14f8026327",
  message = "unique constraint on name and id",
  create_date = "2017-03-01 12:28:58.467900",

  upgrade = function(op, sa) -- luacheck: ignore
    for _, name in ipairs({ "vnf", "vnfd", "vims", "ns", "nsd" }) do
      op.create_unique_constraint(("uniq_%s0tenant_id0name"):format(name),
                                  name, { "tenant_id", "name" })
    end
  end,
}
