-- rpc_proxy
return {
  revision = "81ffa86020d",
  down_revision = "1c6b0d82afcd",
  message = "rpc_proxy",
  create_date = "2014-03-19 15:50:11.712686",

  upgrade = function(op, sa)
    -- The key columns leave nullable unset: SQLAlchemy makes a column of
    -- a PrimaryKeyConstraint NOT NULL then, as nullable = false says here.
    op.create_table("proxymgmtports",
      sa.Column("device_id", sa.String(255), { nullable = false }),
      sa.Column("port_id", sa.String(36), { nullable = false }),
      sa.Column("dst_transport_url", sa.String(255)),
      sa.Column("svr_proxy_id", sa.String(36)),
      sa.Column("svr_ns_proxy_id", sa.String(36)),
      sa.Column("clt_proxy_id", sa.String(36)),
      sa.Column("clt_ns_proxy_id", sa.String(36)),
      sa.PrimaryKeyConstraint("device_id"))

    op.create_table("proxyserviceports",
      sa.Column("service_instance_id", sa.String(255), { nullable = false }),
      sa.Column("svr_proxy_id", sa.String(36)),
      sa.Column("svr_ns_proxy_id", sa.String(36)),
      sa.Column("clt_proxy_id", sa.String(36)),
      sa.Column("clt_ns_proxy_id", sa.String(36)),
      sa.PrimaryKeyConstraint("service_instance_id"))
  end,
}
