-- alter vnfd_ids, vnf_instance_ids, vnf_instance_names
--
-- Three generated columns of vnf_lcm_filters now read the filter's
-- vnfInstanceSubscriptionFilter. The original runs raw SQL per dialect;
-- the statements are its own to the byte, whitespace included. SQLite,
-- which the original does not run on, drops and adds the columns (and
-- their _len columns, which read them there).
local SQL = {
  postgresql = {
    "ALTER TABLE vnf_lcm_filters DROP                 COLUMN vnfd_ids;",
    "ALTER TABLE vnf_lcm_filters ADD                 COLUMN vnfd_ids text GENERATED ALWAYS AS (decode(filter->>                 '$.vnfInstanceSubscriptionFilter.vnfdIds','escape')) STORED;",
    "ALTER TABLE vnf_lcm_filters DROP                 COLUMN vnf_instance_ids;",
    "ALTER TABLE vnf_lcm_filters ADD                 vnf_instance_ids text GENERATED ALWAYS AS (decode(filter->>                 '$.vnfInstanceSubscriptionFilter.vnfInstanceIds','escape'))                 STORED;",
    "ALTER TABLE vnf_lcm_filters                 DROP COLUMN vnf_instance_names;",
    "ALTER TABLE vnf_lcm_filters ADD                 COLUMN vnf_instance_names text GENERATED                 ALWAYS AS (decode(filter->>                 '$.vnfInstanceSubscriptionFilter.vnfInstanceNames',                 'escape')) STORED;",
  },
  mysql = {
    "ALTER TABLE vnf_lcm_filters CHANGE                 vnfd_ids vnfd_ids mediumtext GENERATED ALWAYS AS                 (json_unquote(json_extract(`filter`,                 '$.vnfInstanceSubscriptionFilter.vnfdIds'))) VIRTUAL;",
    "ALTER TABLE vnf_lcm_filters CHANGE                 vnf_instance_ids vnf_instance_ids mediumtext GENERATED                 ALWAYS AS (json_unquote(json_extract(`filter`,                 '$.vnfInstanceSubscriptionFilter.vnfInstanceIds'))) VIRTUAL;",
    "ALTER TABLE vnf_lcm_filters CHANGE                     vnf_instance_names vnf_instance_names mediumtext                     GENERATED ALWAYS AS (json_unquote(json_extract(`filter`,                     '$.vnfInstanceSubscriptionFilter.vnfInstanceNames')))                     VIRTUAL;",
  },
}

local function sqlite_redefine(op, sa)
  for _, c in ipairs({ { "vnfd_ids", "vnfdIds" },
                       { "vnf_instance_ids", "vnfInstanceIds" },
                       { "vnf_instance_names", "vnfInstanceNames" } }) do
    local name, key = c[1], c[2]
    op.drop_column("vnf_lcm_filters", name .. "_len")
    op.drop_column("vnf_lcm_filters", name)
    op.add_column("vnf_lcm_filters",
      sa.Column(name, sa.Text, sa.Computed(
        ("json_extract(filter,'$.vnfInstanceSubscriptionFilter.%s')"):format(key))))
    op.add_column("vnf_lcm_filters",
      sa.Column(name .. "_len", sa.Integer,
                sa.Computed(("ifnull(json_array_length(%s),0)"):format(name))))
  end
end

return {
  revision = "70df18f71ba2",
  down_revision = "a23ebee909a8",
  message = "alter vnfd_ids, vnf_instance_ids, vnf_instance_names",
  create_date = "2021-06-16 14:26:51.998033",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    if dialect == "sqlite" then
      return sqlite_redefine(op, sa)
    end
    for _, sql in ipairs(SQL[dialect]) do
      op.execute(sql)
    end
  end,
}
