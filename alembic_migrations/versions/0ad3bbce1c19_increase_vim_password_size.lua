-- increase_vim_password_size
return {
  revision = "0ad3bbce1c19",
  down_revision = "0ad3bbce1c18",
  message = "increase_vim_password_size",
  create_date = "2017-01-17 09:50:46.296206",

  upgrade = function(op, sa)
    op.alter_column("vimauths", "password", { type_ = sa.String(255) })
  end,
}
