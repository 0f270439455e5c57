-- add tenant_id to lcm_subscriptions and lcm_op_occs
return {
  revision = "d6ae359ab0d6",
  down_revision = "3ff50553e9d3",
  message = "add tenant_id to lcm_subscriptions and lcm_op_occs",
  create_date = "2022-01-06 13:35:53.868106",

  upgrade = function(op, sa)
    for _, name in ipairs({ "vnf_lcm_subscriptions", "vnf_lcm_op_occs",
                            "vnf_resources" }) do
      op.add_column(name,
        sa.Column("tenant_id", sa.String(64), { nullable = false }))
    end
  end,
}
