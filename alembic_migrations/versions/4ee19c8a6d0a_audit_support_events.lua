-- audit_support_events
return {
  revision = "4ee19c8a6d0a",
  down_revision = "941b5a6fff9e",
  message = "audit_support_events",
  create_date = "2016-06-07 03:16:53.513392",

  upgrade = function(op, sa)
    op.create_table("events",
      sa.Column("id", sa.Integer, { nullable = false, autoincrement = true }),
      sa.Column("resource_id", sa.Uuid, { nullable = false }),
      sa.Column("resource_state", sa.String(64), { nullable = false }),
      sa.Column("resource_type", sa.String(64), { nullable = false }),
      sa.Column("event_type", sa.String(64), { nullable = false }),
      sa.Column("timestamp", sa.DateTime, { nullable = false }),
      sa.Column("event_details", sa.Json),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })
  end,
}
