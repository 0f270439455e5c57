-- add support vnffg to ns database
return {
  revision = "4747cc26b9c6",
  down_revision = "5d490546290c",
  message = "add support vnffg to ns database",
  create_date = "2018-06-27 03:18:12.227673",

  upgrade = function(op, sa)
    local text_type_maxlen
    if op.get_bind().dialect.name == "postgresql" then
      text_type_maxlen = sa.VARCHAR(65535)
    else
      text_type_maxlen = sa.TEXT(65535)
    end
    op.add_column("ns", sa.Column("vnffg_ids", text_type_maxlen,
                                  { nullable = true }))
    op.add_column("vnffgs", sa.Column("ns_id", sa.Uuid(36), { nullable = true }))
    op.create_foreign_key("vnffg_foreign_key", "vnffgs", "ns",
                          { "ns_id" }, { "id" })
  end,
}
