-- set default value for deleted_at
return {
  revision = "f5c1c3b0f6b4",
  down_revision = "31acbaeb8299",
  message = "set default value for deleted_at",
  create_date = "2017-06-23 03:03:12.200270",

  upgrade = function(op, sa) -- luacheck: ignore
    -- Python's datetime.min: soft-delete keys need a non-NULL deleted_at.
    local datetime_min = "0001-01-01 00:00:00"
    for _, name in ipairs({ "vnfd", "vnf", "vims", "ns", "nsd" }) do
      op.execute(("UPDATE %s set deleted_at='%s' WHERE deleted_at is NULL")
                   :format(name, datetime_min))
    end
  end,
}
