-- set-mandatory-columns-not-null
return {
  revision = "354de64ba129",
  down_revision = "b07673bb8654",
  message = "set-mandatory-columns-not-null",
  create_date = "2016-06-02 10:05:22.299780",

  upgrade = function(op, sa)
    for _, table in ipairs({ "devices", "devicetemplates", "vims",
                             "servicetypes" }) do
      op.alter_column(table, "tenant_id",
                      { existing_type = sa.String(64), nullable = false })
    end
  end,
}
