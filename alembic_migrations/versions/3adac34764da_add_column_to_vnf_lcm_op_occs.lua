-- add_column_to_vnf_lcm_op_occs
return {
  revision = "3adac34764da",
  down_revision = "7186440a306b",
  message = "add_column_to_vnf_lcm_op_occs",
  create_date = "2021-02-16 16:19:12.100380",

  upgrade = function(op, sa)
    op.add_column("vnf_lcm_op_occs",
      sa.Column("grant_id", sa.VARCHAR(36), { nullable = true }))
    op.add_column("vnf_lcm_op_occs",
      sa.Column("changed_ext_connectivity", sa.JSON, { nullable = true }))
  end,
}
