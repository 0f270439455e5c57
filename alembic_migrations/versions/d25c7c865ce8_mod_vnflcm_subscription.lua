-- mod_vnflcm_subscription
local EXPRESSIONS = {
  postgresql = {
    operation_types = "decode(filter->>'$.operationTypes','escape')",
    operation_types_len = "coalesce(json_array_length(filter->'$.operationTypes'),0)",
  },
  mysql = {
    operation_types = "json_unquote(json_extract('filter','$.operationTypes'))",
    operation_types_len = "ifnull(json_length('operation_types'),0)",
  },
  -- SQLite, which the original does not run on, gets its own equivalents.
  sqlite = {
    operation_types = "json_extract(filter,'$.operationTypes')",
    operation_types_len = "ifnull(json_array_length(operation_types),0)",
  },
}

return {
  revision = "d25c7c865ce8",
  down_revision = "2c5211036579",
  message = "mod_vnflcm_subscription",
  create_date = "2020-10-15 14:27:04.946002",

  upgrade = function(op, sa)
    local dialect = op.get_bind().dialect.name
    local deleted_type
    if dialect == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end
    local expr = EXPRESSIONS[dialect]

    op.alter_column("vnf_lcm_filters", "subscription_uuid",
                    { type_ = sa.Uuid(36), existing_type = sa.String(255),
                      nullable = false })
    op.add_column("vnf_lcm_filters",
      sa.Column("operation_types", sa.LargeBinary(65536),
                sa.Computed(expr.operation_types)))
    op.add_column("vnf_lcm_filters",
      sa.Column("operation_types_len", sa.Integer,
                sa.Computed(expr.operation_types_len)))
    if dialect == "sqlite" then
      -- SQLite's operation_states_len reads operation_states: it goes first.
      op.drop_column("vnf_lcm_filters", "operation_states_len")
      op.drop_column("vnf_lcm_filters", "operation_states")
    else
      op.drop_column("vnf_lcm_filters", "operation_states")
      op.drop_column("vnf_lcm_filters", "operation_states_len")
    end
    op.alter_column("vnf_lcm_op_occs", "operation_state",
                    { type_ = sa.String(16), existing_type = sa.String(255) })
    op.alter_column("vnf_lcm_op_occs", "operation",
                    { type_ = sa.String(16), existing_type = sa.String(255) })
    op.add_column("vnf_lcm_op_occs",
      sa.Column("is_cancel_pending", deleted_type, { nullable = false }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("resource_changes", sa.JSON, { nullable = true }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("error_point", sa.Integer, { nullable = true }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("changed_info", sa.JSON, { nullable = true }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("created_at", sa.DateTime, { nullable = false }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("updated_at", sa.DateTime, { nullable = true }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("deleted_at", sa.DateTime, { nullable = true }))
  end,
}
