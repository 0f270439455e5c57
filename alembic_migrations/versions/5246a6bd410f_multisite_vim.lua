-- multisite_vim
return {
  revision = "5246a6bd410f",
  down_revision = "24bec5f211c7",
  message = "multisite_vim",
  create_date = "2016-03-22 14:05:15.129330",

  upgrade = function(op, sa)
    -- SQLite leaves a unique constraint without a name, and 941b5a6fff9e
    -- drops this one by name: there it gets the name PostgreSQL gives it.
    local auth_url_key = sa.UniqueConstraint("auth_url")
    if op.get_bind().dialect.name == "sqlite" then
      auth_url_key = sa.UniqueConstraint("auth_url",
                                         { name = "vimauths_auth_url_key" })
    end

    op.create_table("vims",
      sa.Column("id", sa.String(255), { nullable = false }),
      sa.Column("type", sa.String(255), { nullable = false }),
      sa.Column("tenant_id", sa.String(255), { nullable = true }),
      sa.Column("name", sa.String(255), { nullable = true }),
      sa.Column("description", sa.String(255), { nullable = true }),
      sa.Column("placement_attr", sa.PickleType, { nullable = true }),
      sa.Column("shared", sa.Boolean,
                { server_default = sa.text("true"), nullable = false }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })

    op.create_table("vimauths",
      sa.Column("id", sa.String(36), { nullable = false }),
      sa.Column("vim_id", sa.String(255), { nullable = false }),
      sa.Column("password", sa.String(128), { nullable = false }),
      sa.Column("auth_url", sa.String(255), { nullable = false }),
      sa.Column("vim_project", sa.PickleType, { nullable = false }),
      sa.Column("auth_cred", sa.PickleType, { nullable = false }),
      sa.ForeignKeyConstraint({ "vim_id" }, { "vims.id" }),
      sa.PrimaryKeyConstraint("id"),
      auth_url_key)

    op.add_column("devices",
      sa.Column("placement_attr", sa.PickleType, { nullable = true }))
    op.add_column("devices",
      sa.Column("vim_id", sa.String(36), { nullable = false }))
    op.create_foreign_key(nil, "devices", "vims", { "vim_id" }, { "id" })
  end,
}
