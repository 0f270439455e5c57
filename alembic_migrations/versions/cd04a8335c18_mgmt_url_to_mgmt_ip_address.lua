-- mgmt_url to mgmt_ip_address
return {
  revision = "cd04a8335c18",
  down_revision = "13ecc2dd6f7f",
  message = "mgmt_url to mgmt_ip_address",
  create_date = "2019-01-25 13:43:10.499421",

  upgrade = function(op, sa)
    local text_type_maxlen
    if op.get_bind().dialect.name == "postgresql" then
      text_type_maxlen = sa.VARCHAR(65535)
    else
      text_type_maxlen = sa.TEXT(65535)
    end
    op.alter_column("ns", "mgmt_urls",
                    { new_column_name = "mgmt_ip_addresses",
                      existing_type = text_type_maxlen, nullable = true })
    op.alter_column("vnf", "mgmt_url",
                    { new_column_name = "mgmt_ip_address",
                      existing_type = sa.String(255), nullable = true })
  end,
}
