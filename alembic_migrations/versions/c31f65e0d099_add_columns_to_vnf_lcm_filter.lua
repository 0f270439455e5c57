-- Add columns to vnf_lcm_filter
--
-- New generated columns of vnf_lcm_filters, in the original's order, with
-- each dialect's JSON functions; SQLite, which the original does not run
-- on, gets its own equivalents. On PostgreSQL, "(coalesce(decode(...)),0)"
-- is a row constructor: pg_dump shows ROW(COALESCE(...), 0). It is kept.
local COLUMNS = {
  -- name, postgresql, mysql, sqlite; a len column is an Integer
  { "operation_states",
    "decode(filter->>'$.operationStates','escape')",
    "json_unquote(json_extract(`filter`,'$.operationStates'))",
    "json_extract(filter,'$.operationStates')" },
  { "operation_states_len",
    "coalesce(json_array_length(filter->'$.operationStates'),0)",
    "ifnull(json_length(`operation_states`),0)",
    "ifnull(json_array_length(operation_states),0)" },
  { "vnfd_ids",
    "decode(filter->>'$.vnfdIds','escape')",
    "json_unquote(json_extract(`filter`,'$.vnfdIds'))",
    "json_extract(filter,'$.vnfdIds')" },
  { "vnfd_ids_len",
    "coalesce(json_array_length(filter->'$.vnfdIds'),0)",
    "ifnull(json_length(`vnfd_ids`),0)",
    "ifnull(json_array_length(vnfd_ids),0)" },
  { "vnf_provider",
    "(coalesce(decode(vnf_products_from_providers->>'$.vnfProvider','escape')),0)",
    "(ifnull(json_unquote(json_extract(`vnf_products_from_providers`,'$.vnfProvider')),''))",
    "(ifnull(json_extract(vnf_products_from_providers,'$.vnfProvider'),''))" },
  { "vnf_product_name",
    "(coalesce(decode(vnf_products_from_providers->>'$.vnfProducts[0].vnfProductName','escape')),0)",
    "(ifnull(json_unquote(json_extract(`vnf_products_from_providers`,'$.vnfProducts[0].vnfProductName')),''))",
    "(ifnull(json_extract(vnf_products_from_providers,'$.vnfProducts[0].vnfProductName'),''))" },
  { "vnf_software_version",
    "(coalesce(decode(vnf_products_from_providers->>'$.vnfProducts[0].versions[0].vnfSoftwareVersion','escape')),0)",
    "(ifnull(json_unquote(json_extract(`vnf_products_from_providers`,'$.vnfProducts[0].versions[0].vnfSoftwareVersion')),''))",
    "(ifnull(json_extract(vnf_products_from_providers,'$.vnfProducts[0].versions[0].vnfSoftwareVersion'),''))" },
  { "vnfd_versions",
    "decode(vnf_products_from_providers->>'$.vnfProducts[0].versions[0].vnfdVersions','escape')",
    "json_unquote(json_extract(`vnf_products_from_providers`,'$.vnfProducts[0].versions[0].vnfdVersions'))",
    "json_extract(vnf_products_from_providers,'$.vnfProducts[0].versions[0].vnfdVersions')" },
  { "vnfd_versions_len",
    "coalesce(json_array_length(filter->'$.vnfProducts[0].versions[0].vnfdVersions'),0)",
    "ifnull(json_length(`vnfd_versions`),0)",
    "ifnull(json_array_length(vnfd_versions),0)" },
  { "vnf_instance_ids",
    "decode(filter->>'$.vnfInstanceIds','escape')",
    "json_unquote(json_extract(`filter`,'$.vnfInstanceIds'))",
    "json_extract(filter,'$.vnfInstanceIds')" },
  { "vnf_instance_ids_len",
    "coalesce(json_array_length(filter->'$.vnfInstanceIds'),0)",
    "ifnull(json_length(`vnf_instance_ids`),0)",
    "ifnull(json_array_length(vnf_instance_ids),0)" },
  { "vnf_instance_names",
    "decode(filter->>'$.vnfInstanceNames','escape')",
    "json_unquote(json_extract(`filter`,'$.vnfInstanceNames'))",
    "json_extract(filter,'$.vnfInstanceNames')" },
  { "vnf_instance_names_len",
    "coalesce(json_array_length(filter->'$.vnfInstanceNames'),0)",
    "ifnull(json_length(`vnf_instance_names`),0)",
    "ifnull(json_array_length(vnf_instance_names),0)" },
}

local PICK = { postgresql = 2, mysql = 3, sqlite = 4 }

return {
  revision = "c31f65e0d099",
  down_revision = "3adac34764da",
  message = "Add columns to vnf_lcm_filter",
  create_date = "2021-02-03 22:53:36.352774",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    local text_type
    if dialect == "postgresql" then
      text_type = sa.VARCHAR(65535)
    else
      text_type = sa.TEXT(65535)
    end
    op.add_column("vnf_lcm_filters",
                  sa.Column("vnf_products_from_providers", sa.JSON))
    for _, c in ipairs(COLUMNS) do
      local name = c[1]
      local type_ = name:find("_len$") and sa.Integer or text_type
      op.add_column("vnf_lcm_filters",
        sa.Column(name, type_, sa.Computed(c[PICK[dialect]])))
    end
  end,
}
