/*
 * Database access shared by op.get_bind(), the inspector and the Lua
 * module's connection: run SQL with :name binds, return rows as Lua tables,
 * and read the live schema back as SQLAlchemy's Inspector returns it.
 */
#ifndef DBM_LCONN_H
#define DBM_LCONN_H

#include <stdbool.h>

#include <lua.h>

struct dbm_ddl;

/*
 * Run the SQL at sql_idx (a string or sa.text) with the table of named
 * parameters at params_idx (0: none) on ddl. With want_rows, push an array
 * of rows (each keyed by column name and by position) and return 1;
 * otherwise push nothing and return 0. Raises on error.
 */
int dbm_lconn_exec(lua_State *L, struct dbm_ddl *ddl, int sql_idx,
		   int params_idx, bool want_rows);

/*
 * Push an inspector. With ddl NULL it follows the running revision's
 * context; otherwise it uses ddl, kept valid by the value at owner_idx
 * (held as the inspector's user value).
 */
void dbm_lconn_push_inspector(lua_State *L, struct dbm_ddl *ddl, int owner_idx);

/* The DDL context of the running revision, or raise (borrowed). */
struct dbm_ddl *dbm_lconn_current_ddl(lua_State *L, const char *what);

#endif
