-- make VNFD/VNF/VIM name mandatory
return {
  revision = "5f88e86b35c7",
  down_revision = "354de64ba129",
  message = "make VNFD/VNF/VIM name mandatory",
  create_date = "2016-06-14 11:16:16.303343",

  upgrade = function(op, sa)
    for _, table in ipairs({ "devices", "devicetemplates", "vims" }) do
      op.alter_column(table, "name",
                      { existing_type = sa.VARCHAR(255), nullable = false })
    end
  end,
}
