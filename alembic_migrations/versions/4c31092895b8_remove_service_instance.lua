-- empty message
return {
  revision = "4c31092895b8",
  down_revision = "81ffa86020d",
  message = "empty message",
  create_date = "2014-08-01 11:48:10.319498",

  upgrade = function(op, sa) -- luacheck: ignore
    -- Nothing: the service instance tables were dropped before release.
  end,
}
