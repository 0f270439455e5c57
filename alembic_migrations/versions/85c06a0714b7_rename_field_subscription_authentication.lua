-- rename the field a to b
return {
  revision = "85c06a0714b7",
  down_revision = "d6ae359ab0d6",
  message = "rename the field a to b",
  create_date = "2022-01-14 06:25:30.427454",

  upgrade = function(op, sa)
    op.alter_column("vnf_lcm_subscriptions", "subscription_authentication",
                    { new_column_name = "authentication",
                      existing_type = sa.JSON, nullable = true })
  end,
}
