-- change_vnf_filter_column_definition
--
-- The generated columns of vnf_lcm_filters are defined again, now reading
-- the filter column (`filter`, not the string 'filter') and typed text /
-- int. The original runs raw SQL per dialect; the statements are its own
-- to the byte, whitespace included. SQLite's columns (c47a733f425a,
-- d25c7c865ce8) read the column already; they are made again with the
-- new types.
local SQL = {
  postgresql = {
    "ALTER TABLE vnf_lcm_filters             DROP COLUMN notification_types;",
    "ALTER TABLE vnf_lcm_filters ADD             COLUMN notification_types text GENERATED             ALWAYS AS (decode(filter->>            '$.notificationTypes','escape')) STORED;",
    "ALTER TABLE vnf_lcm_filters             DROP COLUMN notification_types_len;",
    "ALTER TABLE vnf_lcm_filters             ADD COLUMN notification_types_len numeric(11) GENERATED             ALWAYS AS (coalesce(json_array_length(filter->            '$.notificationTypes'),0)) STORED;",
    "ALTER TABLE vnf_lcm_filters DROP             COLUMN operation_types;",
    "ALTER TABLE vnf_lcm_filters ADD             COLUMN operation_types text GENERATED             ALWAYS AS (decode(filter->>            '$.operationTypes','escape')) STORED;",
    "ALTER TABLE vnf_lcm_filters             DROP COLUMN operation_types_len;",
    "ALTER TABLE vnf_lcm_filters ADD             COLUMN operation_types_len numeric(11) GENERATED             ALWAYS AS (coalesce(json_array_length(filter->            '$.operationTypes'),0)) STORED;",
  },
  mysql = {
    "ALTER TABLE vnf_lcm_filters CHANGE             notification_types notification_types text GENERATED             ALWAYS AS (json_unquote(json_extract(`filter`,            '$.notificationTypes'))) VIRTUAL;",
    "ALTER TABLE vnf_lcm_filters             CHANGE notification_types_len notification_types_len int(11)             GENERATED ALWAYS AS             (ifnull(json_length(`notification_types`),0)) VIRTUAL;",
    "ALTER TABLE vnf_lcm_filters CHANGE             operation_types operation_types text GENERATED ALWAYS AS             (json_unquote(json_extract(`filter`,'$.operationTypes')))             VIRTUAL;",
    "ALTER TABLE vnf_lcm_filters CHANGE             operation_types_len operation_types_len int(11) GENERATED ALWAYS             AS (ifnull(json_length(`operation_types`),0)) VIRTUAL;",
  },
}

-- SQLite: each pair (a value and its length) dropped and added again.
local function sqlite_redefine(op, sa)
  for _, name in ipairs({ "notification_types", "operation_types" }) do
    local path = name == "notification_types" and "notificationTypes"
      or "operationTypes"
    op.drop_column("vnf_lcm_filters", name .. "_len")
    op.drop_column("vnf_lcm_filters", name)
    op.add_column("vnf_lcm_filters",
      sa.Column(name, sa.Text,
                sa.Computed(("json_extract(filter,'$.%s')"):format(path))))
    op.add_column("vnf_lcm_filters",
      sa.Column(name .. "_len", sa.Integer,
                sa.Computed(("ifnull(json_array_length(%s),0)"):format(name))))
  end
end

return {
  revision = "df26c5871f3c",
  down_revision = "329cd1619d41",
  message = "change_vnf_filter_column_definition",
  create_date = "2020-11-13 18:32:46.703342",

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
