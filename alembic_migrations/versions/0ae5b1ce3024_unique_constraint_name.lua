-- unique_constraint_name
--
-- Before names become unique per tenant, every row whose name is shared
-- with another row of its table is renamed to its name cut to 242
-- characters, "-" and the last 12 characters of its id. One UPDATE per
-- table (the original walked the rows through an ORM session, and on
-- Python 3 stopped at its own `name > 242` comparison), so this also
-- renders offline (--sql).
local RENAME = {
  postgresql = "UPDATE %s SET name = left(name, 242) || '-' || right(id, 12) "
    .. "WHERE name IN (SELECT name FROM %s GROUP BY name HAVING count(*) > 1)",
  mysql = "UPDATE %s SET name = concat(left(name, 242), '-', right(id, 12)) "
    .. "WHERE name IN (SELECT name FROM (SELECT name FROM %s "
    .. "GROUP BY name HAVING count(*) > 1) AS dups)",
  sqlite = "UPDATE %s SET name = substr(name, 1, 242) || '-' || substr(id, -12) "
    .. "WHERE name IN (SELECT name FROM %s GROUP BY name HAVING count(*) > 1)",
}

return {
  revision = "0ae5b1ce3024",
  down_revision = "507122918800",
  message = "unique_constraint_name",
  create_date = "2016-09-15 16:27:08.736673",

  upgrade = function(op, sa) -- luacheck: ignore
    local sql = RENAME[op.get_bind().dialect.name]
    for _, name in ipairs({ "vnf", "vnfd", "vims" }) do
      op.execute(sql:format(name, name))
    end
  end,
}
