-- alter min_ram, min_disk columns of vnf_software_images
return {
  revision = "329cd1619d41",
  down_revision = "d25c7c865ce8",
  message = "alter min_ram, min_disk columns of vnf_software_images",
  create_date = "2020-05-28 03:54:52.871841",

  upgrade = function(op, sa)
    op.alter_column("vnf_software_images", "min_disk", { type_ = sa.BigInteger })
    op.alter_column("vnf_software_images", "min_ram", { type_ = sa.BigInteger })
  end,
}
