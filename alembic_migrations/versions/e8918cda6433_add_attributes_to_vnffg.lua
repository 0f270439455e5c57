-- add_attributes_to_vnffg
return {
  revision = "e8918cda6433",
  down_revision = "000632983ada",
  message = "add_attributes_to_vnffg",
  create_date = "2017-02-09 00:11:08.081746",

  upgrade = function(op, sa)
    op.add_column("vnffgs", sa.Column("attributes", sa.Json))
  end,
}
