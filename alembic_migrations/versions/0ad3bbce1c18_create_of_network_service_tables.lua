-- create of Network service tables
return {
  revision = "0ad3bbce1c18",
  down_revision = "8f7145914cb0",
  message = "create of Network service tables",
  create_date = "2016-12-17 19:41:01.906138",

  upgrade = function(op, sa)
    local text_type_maxlen
    if op.get_bind().dialect.name == "postgresql" then
      text_type_maxlen = sa.VARCHAR(65535)
    else
      text_type_maxlen = sa.TEXT(65535)
    end

    op.create_table("nsd",
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = true }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("name", sa.String(255), { nullable = false }),
      sa.Column("description", sa.Text, { nullable = true }),
      sa.Column("vnfds", sa.Json, { nullable = true }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("ns",
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("created_at", sa.DateTime, { nullable = true }),
      sa.Column("updated_at", sa.DateTime, { nullable = true }),
      sa.Column("deleted_at", sa.DateTime, { nullable = true }),
      sa.Column("nsd_id", sa.Uuid(36), { nullable = true }),
      sa.Column("vim_id", sa.String(64), { nullable = false }),
      sa.Column("name", sa.String(255), { nullable = false }),
      sa.Column("description", sa.Text, { nullable = true }),
      sa.Column("vnf_ids", text_type_maxlen, { nullable = true }),
      sa.Column("mgmt_urls", text_type_maxlen, { nullable = true }),
      sa.Column("status", sa.String(64), { nullable = false }),
      sa.Column("error_reason", sa.Text, { nullable = true }),
      sa.ForeignKeyConstraint({ "nsd_id" }, { "nsd.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("nsd_attribute",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("nsd_id", sa.Uuid(36), { nullable = false }),
      sa.Column("key", sa.String(255), { nullable = false }),
      sa.Column("value", text_type_maxlen, { nullable = true }),
      sa.ForeignKeyConstraint({ "nsd_id" }, { "nsd.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })
  end,
}
