-- add_pm_threshold_table
return {
  revision = "2531c976c0f1",
  down_revision = "de6bfa5bea46",
  message = "add_pm_threshold_table",
  create_date = "2023-02-01 07:10:06.910825",

  upgrade = function(op, sa)
    op.create_table("ThresholdV2",
      sa.Column("id", sa.String(255), { nullable = false }),
      sa.Column("objectType", sa.String(32), { nullable = false }),
      sa.Column("objectInstanceId", sa.String(255), { nullable = false }),
      sa.Column("subObjectInstanceIds", sa.JSON, { nullable = true }),
      sa.Column("criteria", sa.JSON, { nullable = false }),
      sa.Column("callbackUri", sa.String(255), { nullable = false }),
      sa.Column("authentication", sa.JSON, { nullable = true }),
      sa.Column("metadata", sa.JSON, { nullable = true }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })
  end,
}
