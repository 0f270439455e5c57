-- Alter value in deviceattributes
return {
  revision = "24bec5f211c7",
  down_revision = "2774a42c7163",
  message = "Alter value in deviceattributes",
  create_date = "2016-01-24 19:21:03.410029",

  upgrade = function(op, sa)
    local text_type_maxlen
    if op.get_bind().dialect.name == "postgresql" then
      text_type_maxlen = sa.VARCHAR(65535)
    else
      text_type_maxlen = sa.TEXT(65535)
    end
    op.alter_column("deviceattributes", "value",
                    { type_ = text_type_maxlen, nullable = true })
  end,
}
