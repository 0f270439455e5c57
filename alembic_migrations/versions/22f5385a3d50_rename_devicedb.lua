-- rename device db tables
--
-- After the renames, each foreign key column is renamed with its foreign
-- key dropped and created again under its old name (PostgreSQL keeps the
-- device* names; MariaDB renamed its <table>_ibfk_N keys with the tables).
-- Online the keys come from the inspector; offline (--sql) from what this
-- chain has made by now. SQLite keeps its (unnamed) foreign keys through
-- the column rename, so there is nothing to drop there.
local function fk(name, column, referred)
  local ref_table, ref_column = referred:match("^(.-)%.(.*)$")
  return { name = name, constrained_columns = { column },
           referred_table = ref_table, referred_columns = { ref_column } }
end

local FKS = {
  postgresql = {
    vnfd_attribute = {
      fk("devicetemplateattributes_template_id_fkey", "template_id", "vnfd.id"),
    },
    servicetypes = { fk("servicetypes_template_id_fkey", "template_id", "vnfd.id") },
    vnf = {
      fk("devices_template_id_fkey", "template_id", "vnfd.id"),
      fk("devices_vim_id_fkey", "vim_id", "vims.id"),
    },
    vnf_attribute = { fk("deviceattributes_device_id_fkey", "device_id", "vnf.id") },
  },
  mysql = {
    vnfd_attribute = { fk("vnfd_attribute_ibfk_1", "template_id", "vnfd.id") },
    servicetypes = { fk("servicetypes_ibfk_1", "template_id", "vnfd.id") },
    vnf = {
      fk("vnf_ibfk_1", "template_id", "vnfd.id"),
      fk("vnf_ibfk_2", "vim_id", "vims.id"),
    },
    vnf_attribute = { fk("vnf_attribute_ibfk_1", "device_id", "vnf.id") },
  },
}

local function contains(list, value)
  for i, v in ipairs(list) do
    if v == value then
      return i
    end
  end
end

-- Rename a NOT NULL foreign key column, keeping its foreign key.
local function rename_fk_column(op, sa, tbl, old, new)
  local dialect = op.get_bind().dialect.name
  local keys = {}
  if dialect ~= "sqlite" then
    local all = op.is_offline() and FKS[dialect][tbl]
      or op.get_inspector():get_foreign_keys(tbl)
    for _, key in ipairs(all) do
      if contains(key.constrained_columns, old) then
        keys[#keys + 1] = key
        op.drop_constraint(key.name, tbl, { type_ = "foreignkey" })
      end
    end
  end
  op.alter_column(tbl, old, { new_column_name = new,
                                existing_type = sa.String(36),
                                nullable = false })
  for _, key in ipairs(keys) do
    local columns = { table.unpack(key.constrained_columns) }
    columns[contains(columns, old)] = new
    op.create_foreign_key(key.name, tbl, key.referred_table, columns,
                          key.referred_columns,
                          { ondelete = key.options and key.options.ondelete })
  end
end

return {
  revision = "22f5385a3d50",
  down_revision = "22f5385a3d4f",
  message = "rename device db tables",
  create_date = "2016-08-01 15:47:51.161749",

  upgrade = function(op, sa)
    op.rename_table("devicetemplates", "vnfd")
    op.rename_table("devicetemplateattributes", "vnfd_attribute")
    op.rename_table("devices", "vnf")
    op.rename_table("deviceattributes", "vnf_attribute")
    rename_fk_column(op, sa, "vnfd_attribute", "template_id", "vnfd_id")
    rename_fk_column(op, sa, "servicetypes", "template_id", "vnfd_id")
    rename_fk_column(op, sa, "vnf", "template_id", "vnfd_id")
    rename_fk_column(op, sa, "vnf_attribute", "device_id", "vnf_id")
  end,
}
