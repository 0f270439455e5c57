-- blob-to-json-text
--
-- Four PickleType columns become Tacker's Json type (TEXT) holding the
-- JSON of the unpickled values, as oslo's jsonutils.dump_as_bytes wrote it
-- (op.util.pickle_to_json renders it byte for byte). NULL stays NULL.
-- The rows are read as hex so that no driver has to hand blobs over.
-- On PostgreSQL the column becomes TEXT before the JSON is written: the
-- original wrote the JSON into the bytea column first, and the type change
-- then stored its hex. Offline (--sql) there are no rows to read: only
-- the type changes are rendered.
local COLUMNS = {
  { "vims", "placement_attr" },
  { "vimauths", "vim_project" },
  { "vimauths", "auth_cred" },
  { "devices", "placement_attr" },
}

local HEX = {
  postgresql = "encode(%s, 'hex')",
  mysql = "hex(%s)",
  sqlite = "hex(%s)",
}

local function unhex(text)
  return (text:gsub("%x%x", function(byte)
    return string.char(tonumber(byte, 16))
  end))
end

-- { {id =, json =}, ... } for the rows of table whose column is not NULL.
local function converted(op, dialect, table, column)
  local sql = ("SELECT id, %s AS value FROM %s WHERE %s IS NOT NULL ORDER BY id")
    :format(HEX[dialect]:format(column), table, column)
  local rows = {}
  for _, row in ipairs(op.get_bind():execute(sql)) do
    local ok, json = pcall(op.util.pickle_to_json, unhex(row.value))
    if not ok then
      error(("%s.%s of the row with id '%s' cannot become JSON: %s")
        :format(table, column, row.id, json))
    end
    rows[#rows + 1] = { id = row.id, json = json }
  end
  return rows
end

return {
  revision = "6e56d4474b2a",
  down_revision = "f958f58e5daa",
  message = "blob-to-json-text",
  create_date = "2016-06-01 09:50:46.296206",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    for _, tc in ipairs(COLUMNS) do
      local table, column = tc[1], tc[2]
      local rows = op.is_offline() and {} or converted(op, dialect, table, column)
      local function write()
        for _, row in ipairs(rows) do
          op.execute(("UPDATE %s SET %s = :json WHERE id = :id")
                       :format(table, column), row)
        end
      end
      if dialect == "postgresql" then
        op.alter_column(table, column, { type_ = sa.Json })
        write()
      else
        write()
        op.alter_column(table, column, { type_ = sa.Json })
      end
    end
  end,
}
