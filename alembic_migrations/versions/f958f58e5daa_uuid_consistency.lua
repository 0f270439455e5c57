-- uuid consistency
--
-- Each change of a key column runs with the foreign keys of the tables
-- that refer to it (or of the tables it refers to) dropped and then
-- created again under their old names. Online the names come from the
-- inspector; offline (--sql) from what this chain has made by now. SQLite
-- keeps its (unnamed) foreign keys through the table rebuild, so there is
-- nothing to drop there.
local function fk(name, column, referred)
  local ref_table, ref_column = referred:match("^(.-)%.(.*)$")
  return { name = name, constrained_columns = { column },
           referred_table = ref_table, referred_columns = { ref_column } }
end

local FKS = {
  postgresql = {
    vimauths = { fk("vimauths_vim_id_fkey", "vim_id", "vims.id") },
    devices = {
      fk("devices_template_id_fkey", "template_id", "devicetemplates.id"),
      fk("devices_vim_id_fkey", "vim_id", "vims.id"),
    },
    deviceattributes = {
      fk("deviceattributes_device_id_fkey", "device_id", "devices.id"),
    },
    servicetypes = {
      fk("servicetypes_template_id_fkey", "template_id", "devicetemplates.id"),
    },
    devicetemplateattributes = {
      fk("devicetemplateattributes_template_id_fkey", "template_id",
         "devicetemplates.id"),
    },
  },
  mysql = {
    vimauths = { fk("vimauths_ibfk_1", "vim_id", "vims.id") },
    devices = {
      fk("devices_ibfk_1", "template_id", "devicetemplates.id"),
      fk("devices_ibfk_2", "vim_id", "vims.id"),
    },
    deviceattributes = { fk("deviceattributes_ibfk_1", "device_id", "devices.id") },
    servicetypes = {
      fk("servicetypes_ibfk_1", "template_id", "devicetemplates.id"),
    },
    devicetemplateattributes = {
      fk("devicetemplateattributes_ibfk_1", "template_id", "devicetemplates.id"),
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
    for _, key in ipairs(saved[i]) do
      op.drop_constraint(key.name, table, { type_ = "foreignkey" })
    end
  end
  body()
  for i, table in ipairs(tables) do
    for _, key in ipairs(saved[i]) do
      op.create_foreign_key(key.name, table, key.referred_table,
                            key.constrained_columns, key.referred_columns,
                            { ondelete = key.options and key.options.ondelete })
    end
  end
end

-- The tables whose foreign keys point at each table's id.
local FK_MAP = {
  vims = { "vimauths", "devices" },
  devices = { "deviceattributes", "proxymgmtports" },
  devicetemplates = { "devices", "servicetypes", "devicetemplateattributes" },
}

return {
  revision = "f958f58e5daa",
  down_revision = "acf941e54075",
  message = "uuid consistency",
  create_date = "2016-05-28 07:13:07.125562",

  upgrade = function(op, sa)
    local function to_uuid(table, column, fk_tables)
      with_foreign_keys_dropped(op, fk_tables, function()
        op.alter_column(table, column, { type_ = sa.Uuid, nullable = false })
      end)
    end

    for _, table in ipairs({ "vims", "vimauths", "devices", "deviceattributes",
                             "servicetypes", "devicetemplates",
                             "devicetemplateattributes" }) do
      to_uuid(table, "id", FK_MAP[table] or {})
    end
    local template_id_tables = { "devices", "servicetypes",
                                 "devicetemplateattributes" }
    for _, table in ipairs(template_id_tables) do
      to_uuid(table, "template_id", template_id_tables)
    end
    local vim_id_tables = { "devices", "vimauths" }
    for _, table in ipairs(vim_id_tables) do
      to_uuid(table, "vim_id", vim_id_tables)
    end
    local device_id_tables = { "deviceattributes", "proxymgmtports" }
    for _, table in ipairs(device_id_tables) do
      to_uuid(table, "device_id", device_id_tables)
    end
  end,
}
