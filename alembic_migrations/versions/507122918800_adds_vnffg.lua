-- adds_VNFFG
return {
  revision = "507122918800",
  down_revision = "4ee19c8a6d0a",
  message = "adds_VNFFG",
  create_date = "2016-07-29 21:48:18.816277",

  upgrade = function(op, sa)
    local deleted_type
    if op.get_bind().dialect.name == "postgresql" then
      deleted_type = sa.SmallInteger
    else
      deleted_type = sa.Boolean
    end

    op.create_table("vnffgtemplates",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("name", sa.String(255), { nullable = false }),
      sa.Column("description", sa.String(255), { nullable = true }),
      sa.Column("template", sa.Json),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnffgs",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("name", sa.String(255), { nullable = false }),
      sa.Column("description", sa.String(255), { nullable = true }),
      sa.Column("vnffgd_id", sa.String(36), { nullable = false }),
      sa.Column("status", sa.String(255), { nullable = false }),
      sa.Column("vnf_mapping", sa.Json),
      sa.ForeignKeyConstraint({ "vnffgd_id" }, { "vnffgtemplates.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnffgnfps",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("vnffg_id", sa.String(36), { nullable = false }),
      sa.Column("name", sa.String(255), { nullable = false }),
      sa.Column("status", sa.String(255), { nullable = false }),
      sa.Column("path_id", sa.String(255), { nullable = false }),
      sa.Column("symmetrical", deleted_type, { default = false }),
      sa.ForeignKeyConstraint({ "vnffg_id" }, { "vnffgs.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnffgchains",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("instance_id", sa.String(255), { nullable = true }),
      sa.Column("nfp_id", sa.String(36), { nullable = false }),
      sa.Column("status", sa.String(255), { nullable = false }),
      sa.Column("path_id", sa.String(255), { nullable = false }),
      sa.Column("symmetrical", deleted_type, { default = false }),
      sa.Column("chain", sa.Json),
      sa.ForeignKeyConstraint({ "nfp_id" }, { "vnffgnfps.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vnffgclassifiers",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("tenant_id", sa.String(64), { nullable = false }),
      sa.Column("nfp_id", sa.String(36), { nullable = false }),
      sa.Column("instance_id", sa.String(255), { nullable = true }),
      sa.Column("chain_id", sa.String(36), { nullable = false }),
      sa.Column("status", sa.String(255), { nullable = false }),
      sa.ForeignKeyConstraint({ "nfp_id" }, { "vnffgnfps.id" }),
      sa.ForeignKeyConstraint({ "chain_id" }, { "vnffgchains.id" }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    -- No mysql_engine here: the original leaves it out.
    op.create_table("aclmatchcriterias",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("vnffgc_id", sa.String(36), { nullable = false }),
      sa.Column("eth_src", sa.String(36), { nullable = true }),
      sa.Column("eth_dst", sa.String(36), { nullable = true }),
      sa.Column("eth_type", sa.String(36), { nullable = true }),
      sa.Column("vlan_id", sa.Integer, { nullable = true }),
      sa.Column("vlan_pcp", sa.Integer, { nullable = true }),
      sa.Column("mpls_label", sa.Integer, { nullable = true }),
      sa.Column("mpls_tc", sa.Integer, { nullable = true }),
      sa.Column("ip_dscp", sa.Integer, { nullable = true }),
      sa.Column("ip_ecn", sa.Integer, { nullable = true }),
      sa.Column("ip_src_prefix", sa.String(36), { nullable = true }),
      sa.Column("ip_dst_prefix", sa.String(36), { nullable = true }),
      sa.Column("source_port_min", sa.Integer, { nullable = true }),
      sa.Column("source_port_max", sa.Integer, { nullable = true }),
      sa.Column("destination_port_min", sa.Integer, { nullable = true }),
      sa.Column("destination_port_max", sa.Integer, { nullable = true }),
      sa.Column("ip_proto", sa.Integer, { nullable = true }),
      sa.Column("network_id", sa.String(36), { nullable = true }),
      sa.Column("network_src_port_id", sa.String(36), { nullable = true }),
      sa.Column("network_dst_port_id", sa.String(36), { nullable = true }),
      sa.Column("tenant_id", sa.String(64), { nullable = true }),
      sa.Column("icmpv4_type", sa.Integer, { nullable = true }),
      sa.Column("icmpv4_code", sa.Integer, { nullable = true }),
      sa.Column("arp_op", sa.Integer, { nullable = true }),
      sa.Column("arp_spa", sa.Integer, { nullable = true }),
      sa.Column("arp_tpa", sa.Integer, { nullable = true }),
      sa.Column("arp_sha", sa.Integer, { nullable = true }),
      sa.Column("arp_tha", sa.Integer, { nullable = true }),
      sa.Column("ipv6_src", sa.String(36), { nullable = true }),
      sa.Column("ipv6_dst", sa.String(36), { nullable = true }),
      sa.Column("ipv6_flabel", sa.Integer, { nullable = true }),
      sa.Column("icmpv6_type", sa.Integer, { nullable = true }),
      sa.Column("icmpv6_code", sa.Integer, { nullable = true }),
      sa.Column("ipv6_nd_target", sa.String(36), { nullable = true }),
      sa.Column("ipv6_nd_sll", sa.String(36), { nullable = true }),
      sa.Column("ipv6_nd_tll", sa.String(36), { nullable = true }),
      sa.ForeignKeyConstraint({ "vnffgc_id" }, { "vnffgclassifiers.id" }),
      sa.PrimaryKeyConstraint("id"))
  end,
}
