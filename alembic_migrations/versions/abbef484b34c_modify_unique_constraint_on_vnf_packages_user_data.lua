-- modify_unique_constraint_on_vnf_packages_user_data
return {
  revision = "abbef484b34c",
  down_revision = "9d425296f2c3",
  message = "modify_unique_constraint_on_vnf_packages_user_data",
  create_date = "2019-11-18 19:34:26.853715",

  upgrade = function(op, sa) -- luacheck: ignore
    op.drop_constraint("uniq_vnf_packages_user_data0idid0key0deleted",
                       "vnf_packages_user_data", { type_ = "unique" })
    op.create_unique_constraint(
      "uniq_vnf_packages_user_data0package_uuid0key0deleted",
      "vnf_packages_user_data", { "package_uuid", "key", "deleted" })
  end,
}
