-- Alter devices
--
-- The foreign keys of the altered table are dropped around the change and
-- created again with their old names. Online the names come from the
-- inspector; offline (--sql) from what this chain has made by now. SQLite
-- keeps its (unnamed) foreign keys through the table rebuild, so there is
-- nothing to drop there.
local FKS = {
  postgresql = {
    deviceattributes = {
      { name = "deviceattributes_device_id_fkey", referred_table = "devices",
        constrained_columns = { "device_id" }, referred_columns = { "id" } },
    },
  },
  mysql = {
    deviceattributes = {
      { name = "deviceattributes_ibfk_1", referred_table = "devices",
        constrained_columns = { "device_id" }, referred_columns = { "id" } },
    },
  },
}

-- Run body with the foreign keys of tables dropped, then restore them.
local function with_foreign_keys_dropped(op, tables, body)
  local dialect = op.get_bind().dialect.name
  if dialect == "sqlite" then
    return body()
  end
  local saved = {}
  for i, table in ipairs(tables) do
    if op.is_offline() then
      saved[i] = FKS[dialect][table] or {}
    else
      saved[i] = op.get_inspector():get_foreign_keys(table)
    end
    for _, fk in ipairs(saved[i]) do
      op.drop_constraint(fk.name, table, { type_ = "foreignkey" })
    end
  end
  body()
  for i, table in ipairs(tables) do
    for _, fk in ipairs(saved[i]) do
      op.create_foreign_key(fk.name, table, fk.referred_table,
                            fk.constrained_columns, fk.referred_columns,
                            { ondelete = fk.options and fk.options.ondelete })
    end
  end
end

return {
  revision = "12a57080b278",
  down_revision = "12a57080b277",
  message = "Alter devices",
  create_date = "2015-11-26 15:18:19.623170",

  upgrade = function(op, sa)
    with_foreign_keys_dropped(op, { "deviceattributes" }, function()
      op.alter_column("deviceattributes", "device_id",
                      { existing_type = sa.VARCHAR(255), nullable = false })
    end)
    op.alter_column("devices", "status",
                    { existing_type = sa.VARCHAR(255), nullable = false })
  end,
}
