-- set-status-type-tenant-id-length
return {
  revision = "b07673bb8654",
  down_revision = "c7cde2f45f82",
  message = "set-status-type-tenant-id-length",
  create_date = "2016-06-01 12:46:07.499279",

  upgrade = function(op, sa)
    for _, table in ipairs({ "devices", "devicetemplates", "vims",
                             "servicetypes" }) do
      op.alter_column(table, "tenant_id",
                      { type_ = sa.String(64), nullable = false })
    end
    op.alter_column("vims", "type", { type_ = sa.String(64) })
    op.alter_column("devices", "instance_id",
                    { type_ = sa.String(64), nullable = true })
    op.alter_column("devices", "status", { type_ = sa.String(64) })
    op.alter_column("proxymgmtports", "device_id",
                    { type_ = sa.String(64), nullable = false })
    op.alter_column("proxyserviceports", "service_instance_id",
                    { type_ = sa.String(64), nullable = false })
    op.alter_column("servicetypes", "service_type", { type_ = sa.String(64) })
  end,
}
