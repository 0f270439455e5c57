-- modify datatype of value
return {
  revision = "5958429bcb3c",
  down_revision = "13c0e0661015",
  message = "modify datatype of value",
  create_date = "2015-10-05 17:09:24.710961",

  upgrade = function(op, sa)
    local text_type_maxlen
    if op.get_bind().dialect.name == "postgresql" then
      text_type_maxlen = sa.VARCHAR(65535)
    else
      text_type_maxlen = sa.TEXT(65535)
    end
    op.alter_column("devicetemplateattributes", "value",
                    { type_ = text_type_maxlen, nullable = true })
  end,
}
