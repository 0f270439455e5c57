#include "lutil.h"

#include <stdlib.h>

#include <lauxlib.h>

#include "err.h"
#include "pickle.h"

#define MT_JSON_BOX "dbm.util.json_box"

/* The converted text lives in a box so that a raise cannot leak it. */
static int l_json_box_gc(lua_State *L)
{
	char **box = luaL_checkudata(L, 1, MT_JSON_BOX);
	free(*box);
	*box = NULL;
	return 0;
}

/* util.pickle_to_json(bytes) -> json; raises the reason on a bad pickle. */
static int l_pickle_to_json(lua_State *L)
{
	size_t len;
	const char *data = luaL_checklstring(L, 1, &len);
	char **box = lua_newuserdatauv(L, sizeof(*box), 0);
	*box = NULL;
	luaL_setmetatable(L, MT_JSON_BOX);
	struct dbm_err err = DBM_ERR_INIT;
	size_t json_len = 0;
	if (dbm_pickle_to_json(data, len, box, &json_len, &err) < 0) {
		lua_pushstring(L, err.msg);
		return lua_error(L);
	}
	lua_pushlstring(L, *box, json_len);
	free(*box);
	*box = NULL;
	return 1;
}

void dbm_lutil_push(lua_State *L)
{
	if (luaL_newmetatable(L, MT_JSON_BOX)) {
		lua_pushcfunction(L, l_json_box_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	static const luaL_Reg fns[] = {
	    {"pickle_to_json", l_pickle_to_json},
	    {NULL, NULL},
	};
	luaL_newlib(L, fns);
}
