-- Change nullable value of path_id
return {
  revision = "13ecc2dd6f7f",
  down_revision = "4747cc26b9c6",
  message = "Change nullable value of path_id",
  create_date = "2018-07-24 16:47:01.378226",

  upgrade = function(op, sa)
    for _, name in ipairs({ "vnffgchains", "vnffgnfps" }) do
      op.alter_column(name, "path_id",
                      { existing_type = sa.String(255), nullable = true })
    end
  end,
}
