-- alter_vnfd_id_format
--
-- vnfd.id and the vnfd_id columns grow to 255 characters, with the three
-- foreign keys to vnfd dropped (raw SQL, as the original: its statements
-- to the byte, 17 blanks inside each) and created again under the names
-- they have by now. SQLite keeps its (unnamed) foreign keys through the
-- table rebuilds: nothing to drop or create there.
local FK_TABLES = { "servicetypes", "vnf", "vnfd_attribute" }

-- PostgreSQL kept the names of the tables before 22f5385a3d50 renamed them.
local PG_PREFIX = { servicetypes = "servicetypes", vnf = "devices",
                    vnfd_attribute = "devicetemplateattributes" }

local function fk_name(dialect, name)
  if dialect == "postgresql" then
    return PG_PREFIX[name] .. "_template_id_fkey"
  end
  return name .. "_ibfk_1"
end

return {
  revision = "4c0e2e2c2e02",
  down_revision = "34cfceb25a49",
  message = "alter_vnfd_id_format",
  create_date = "2023-04-28 08:05:13.246214",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    local sqlite = dialect == "sqlite"
    if not sqlite then
      local drop = dialect == "postgresql"
        and "ALTER TABLE %s                 DROP CONSTRAINT %s;"
        or "ALTER TABLE %s                 DROP FOREIGN KEY %s;"
      for _, name in ipairs(FK_TABLES) do
        op.execute(drop:format(name, fk_name(dialect, name)))
      end
    end
    op.alter_column("vnfd", "id", { type_ = sa.String(255),
                                    existing_type = sa.String(36),
                                    nullable = false })
    for _, name in ipairs({ "servicetypes", "vnf", "vnfd_attribute",
                            "vnf_instances", "vnf_package_vnfd" }) do
      op.alter_column(name, "vnfd_id", { type_ = sa.String(255),
                                         existing_type = sa.String(36),
                                         nullable = false })
    end
    if not sqlite then
      for _, name in ipairs(FK_TABLES) do
        op.create_foreign_key(fk_name(dialect, name), name, "vnfd",
                              { "vnfd_id" }, { "id" })
      end
    end
  end,
}
