/*
 * The op and sa tables revisions call: Alembic's operations and
 * SQLAlchemy's schema constructs, mapped onto the schema model and the
 * dialect's DDL. op functions act on the running revision's DDL context
 * (luahost's dbm_lua_ctx); calling them outside a migration is an error.
 */
#ifndef DBM_LOP_H
#define DBM_LOP_H

#include <lua.h>

#include "err.h"
#include "schema.h"

struct dbm_ddl;

void dbm_lop_push_op(lua_State *L);
void dbm_lop_push_sa(lua_State *L);

/*
 * Raise a Lua error for a failed DDL call: err's message, and the failed
 * statement when there is one, on one line. Never returns.
 */
int dbm_lop_raise(lua_State *L, struct dbm_ddl *ddl, const struct dbm_err *err);

#endif
