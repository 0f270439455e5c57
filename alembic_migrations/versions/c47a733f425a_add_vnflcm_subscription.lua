-- add_vnflcm_subscription
--
-- The generated columns of vnf_lcm_filters use each dialect's JSON
-- functions. The expressions are the original's to the byte, whitespace
-- included (MySQL's quote 'filter' as a string; df26c5871f3c fixes that).
-- SQLite, which the original does not run on, gets its own equivalents.
local EXPRESSIONS = {
  postgresql = {
    notification_types = "decode(filter->>'$.notificationTypes','escape')",
    notification_types_len = "coalesce                 (json_array_length(filter->'$.notificationTypes'),0)",
    operation_states = "decode(filter->>'$.operationStates','escape')",
    operation_states_len = "coalesce                 (json_array_length(filter->'$.operationStates'),0)",
  },
  mysql = {
    notification_types = "json_unquote                 (json_extract('filter','$.notificationTypes'))",
    notification_types_len = "ifnull(json_length('notification_types'),0)",
    operation_states = "json_unquote(json_extract('filter','$.operationStates'))",
    operation_states_len = "ifnull(json_length('operation_states'),0)",
  },
  sqlite = {
    notification_types = "json_extract(filter,'$.notificationTypes')",
    notification_types_len = "ifnull(json_array_length(notification_types),0)",
    operation_states = "json_extract(filter,'$.operationStates')",
    operation_states_len = "ifnull(json_array_length(operation_states),0)",
  },
}

return {
  revision = "c47a733f425a",
  down_revision = "8a7ca803e0d0",
  message = "add_vnflcm_subscription",
  create_date = "2020-08-27 14:18:43.907565",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    local deleted_type
    if dialect == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end
    local expr = EXPRESSIONS[dialect]

    op.create_table("vnf_lcm_subscriptions",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("callback_uri", sa.String(255), { nullable = false }),
      sa.Column("subscription_authentication", sa.JSON, { nullable = true }),
      sa.Column("created_at", sa.DateTime, { nullable = false }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_lcm_filters",
      sa.Column("id", sa.Integer, { autoincrement = true, nullable = false }),
      sa.Column("subscription_uuid", sa.String(36), { nullable = false }),
      sa.Column("filter", sa.JSON, { nullable = false }),
      sa.Column("notification_types", sa.LargeBinary(65536),
                sa.Computed(expr.notification_types)),
      sa.Column("notification_types_len", sa.Integer,
                sa.Computed(expr.notification_types_len)),
      sa.Column("operation_states", sa.LargeBinary(65536),
                sa.Computed(expr.operation_states)),
      sa.Column("operation_states_len", sa.Integer,
                sa.Computed(expr.operation_states_len)),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "subscription_uuid" },
                              { "vnf_lcm_subscriptions.id" }),
      { mysql_engine = "InnoDB" })

    op.create_table("vnf_lcm_op_occs",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("operation_state", sa.String(255), { nullable = false }),
      sa.Column("state_entered_time", sa.DateTime, { nullable = false }),
      sa.Column("start_time", sa.DateTime, { nullable = false }),
      sa.Column("vnf_instance_id", sa.Uuid(36), { nullable = false }),
      sa.Column("operation", sa.String(255), { nullable = false }),
      sa.Column("is_automatic_invocation", deleted_type, { nullable = false }),
      sa.Column("operation_params", sa.JSON, { nullable = true }),
      sa.Column("error", sa.JSON, { nullable = true }),
      sa.Column("deleted", deleted_type, { default = false }),
      sa.PrimaryKeyConstraint("id"),
      sa.ForeignKeyConstraint({ "vnf_instance_id" }, { "vnf_instances.id" }),
      { mysql_engine = "InnoDB" })
  end,
}
