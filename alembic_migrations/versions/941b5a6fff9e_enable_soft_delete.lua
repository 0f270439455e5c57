-- enable soft delete
return {
  revision = "941b5a6fff9e",
  down_revision = "2ff0a0e360f1",
  message = "enable soft delete",
  create_date = "2016-06-06 10:12:49.787430",

  upgrade = function(op, sa)
    for _, name in ipairs({ "vims", "vnf", "vnfd" }) do
      op.add_column(name, sa.Column("deleted_at", sa.DateTime, { nullable = true }))
    end
    -- The unique key on vimauths.auth_url goes: uniqueness is the nfvo
    -- plugin's business, which knows about soft-deleted VIMs.
    -- (SQLite: 5246a6bd410f named the constraint as PostgreSQL does.)
    if op.get_bind().dialect.name == "mysql" then
      op.drop_index("auth_url", { table_name = "vimauths" })
    else
      op.drop_constraint("vimauths_auth_url_key", "vimauths")
    end
  end,
}
