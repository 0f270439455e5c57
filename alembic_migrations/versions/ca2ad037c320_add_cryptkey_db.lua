-- add db tables for crypt key
return {
  revision = "ca2ad037c320",
  down_revision = "4c0e2e2c2e02",
  message = "add db tables for crypt key",
  create_date = "2023-04-13 05:41:47.422051",

  upgrade = function(op, sa)
    op.create_table("CryptKey",
      sa.Column("id", sa.Uuid(36), { nullable = false }),
      sa.Column("secretUuid", sa.String(36), { nullable = true }),
      sa.Column("encryptedKey", sa.String(255), { nullable = false }),
      sa.Column("keyType", sa.String(36), { nullable = false }),
      sa.Column("inUse", sa.Boolean, { nullable = false }),
      sa.PrimaryKeyConstraint("id"),
      { mysql_engine = "InnoDB" })
  end,
}
