/*
 * Helpers for revision scripts that C does better than Lua, mounted as
 * op.util: pickle_to_json(bytes) -> JSON text, raising the reason when the
 * value is not a pickle of plain data (see pickle.h).
 */
#ifndef DBM_LUTIL_H
#define DBM_LUTIL_H

#include <lua.h>

/* Push a new table { pickle_to_json = function(bytes) ... end }. */
void dbm_lutil_push(lua_State *L);

#endif
