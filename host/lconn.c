#include "lconn.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "buf.h"
#include "ddl.h"
#include "lop.h"
#include "luahost.h"
#include "mem.h"

#define MT_INSPECTOR "dbm.inspector"
#define MT_RESULT    "dbm.result_box"

struct dbm_ddl *dbm_lconn_current_ddl(lua_State *L, const char *what)
{
	struct dbm_lua_ctx *ctx = dbm_lua_ctx(L);
	if (!ctx || !ctx->ddl)
		luaL_error(L, "%s called outside a migration", what);
	return ctx->ddl;
}

/*
 * Whether s[0..n) is text: valid UTF-8 without NUL. Lua has one string
 * type; bytes that are no text can only be binary data.
 */
static bool is_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned char c = *p++;
		size_t more;
		uint32_t cp;
		if (c == 0)
			return false;
		if (c < 0x80)
			continue;
		if (c >= 0xC2 && c <= 0xDF) {
			more = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			more = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			more = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) < more)
			return false;
		for (size_t i = 0; i < more; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (*p & 0x3F);
		}
		if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
	}
	return true;
}

/*
 * The value at idx as a bound parameter; false when it has no SQL form.
 * Booleans are 1/0, or 'true'/'false' where the dialect has a BOOLEAN type
 * (PostgreSQL takes no integer for one).
 */
static bool to_value(lua_State *L, const struct dbm_dialect *d, int idx,
		     struct dbm_value *out)
{
	memset(out, 0, sizeof(*out));
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		out->kind = DBM_V_NULL;
		return true;
	case LUA_TLIGHTUSERDATA: /* sa.null */
		out->kind = DBM_V_NULL;
		return lua_touserdata(L, idx) == NULL;
	case LUA_TBOOLEAN:
		if (d->native_boolean) {
			out->kind = DBM_V_TEXT;
			out->s = lua_toboolean(L, idx) ? "true" : "false";
			out->n = strlen(out->s);
		} else {
			out->kind = DBM_V_INT;
			out->i = lua_toboolean(L, idx);
		}
		return true;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			out->kind = DBM_V_INT;
			out->i = lua_tointeger(L, idx);
		} else {
			out->kind = DBM_V_REAL;
			out->r = lua_tonumber(L, idx);
		}
		return true;
	case LUA_TSTRING: /* binary data binds as a blob */
		out->s = lua_tolstring(L, idx, &out->n);
		out->kind = is_text(out->s, out->n) ? DBM_V_TEXT : DBM_V_BLOB;
		return true;
	default:
		return false;
	}
}

static void push_value(lua_State *L, const struct dbm_value *v)
{
	switch (v->kind) {
	case DBM_V_NULL:
		lua_pushnil(L);
		break;
	case DBM_V_INT:
		lua_pushinteger(L, v->i);
		break;
	case DBM_V_REAL:
		lua_pushnumber(L, v->r);
		break;
	case DBM_V_TEXT:
	case DBM_V_BLOB:
		lua_pushlstring(L, v->s, v->n);
		break;
	}
}

/* Rows as an array of tables keyed by column name and by position. */
static void push_rows(lua_State *L, const struct dbm_result *res)
{
	lua_createtable(L, (int)res->nrows, 1);
	for (size_t r = 0; r < res->nrows; r++) {
		lua_createtable(L, (int)res->ncols, (int)res->ncols);
		for (size_t c = 0; c < res->ncols; c++) {
			const struct dbm_value *v = dbm_result_cell(res, r, c);
			push_value(L, v);
			lua_pushvalue(L, -1);
			lua_rawseti(L, -3, (lua_Integer)c + 1);
			lua_setfield(L, -2, res->names[c]);
		}
		lua_rawseti(L, -2, (lua_Integer)r + 1);
	}
	lua_createtable(L, (int)res->ncols, 0);
	for (size_t c = 0; c < res->ncols; c++) {
		lua_pushstring(L, res->names[c]);
		lua_rawseti(L, -2, (lua_Integer)c + 1);
	}
	lua_setfield(L, -2, "columns");
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int l_result_box_gc(lua_State *L)
{
	struct dbm_result **box = luaL_checkudata(L, 1, MT_RESULT);
	dbm_result_free(*box);
	*box = NULL;
	return 0;
}

int dbm_lconn_exec(lua_State *L, struct dbm_ddl *ddl, int sql_idx,
		   int params_idx, bool want_rows)
{
	if (lua_istable(L, sql_idx)) {
		lua_getfield(L, sql_idx, "text"); /* sa.text */
		lua_replace(L, sql_idx);
	}
	const char *text = luaL_checkstring(L, sql_idx);
	if (params_idx)
		luaL_checktype(L, params_idx, LUA_TTABLE);
	if (want_rows && dbm_ddl_offline(ddl))
		return luaL_error(L, "a query that reads rows cannot run "
				     "offline (--sql); guard it with "
				     "op.is_offline()");

	/* Nothing below raises until the C memory is released. */
	struct dbm_buf sql = DBM_BUF_INIT;
	char **names = NULL;
	size_t nnames = 0;
	dbm_ddl_bind_names(ddl->dialect, &sql, text, &names, &nnames);
	struct dbm_value *params = dbm_xcalloc(nnames + 1, sizeof(*params));
	const char *missing = NULL, *bad = NULL;
	for (size_t i = 0; i < nnames && !missing && !bad; i++) {
		if (!params_idx) {
			missing = names[i];
			break;
		}
		/* Absent is an error (typos surface); sa.null is NULL. */
		if (lua_getfield(L, params_idx, names[i]) == LUA_TNIL)
			missing = names[i];
		else if (!to_value(L, ddl->dialect, -1, &params[i]))
			bad = names[i];
		lua_pop(L, 1); /* strings stay alive in the params table */
	}
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;
	int rc = -1;
	if (missing)
		dbm_err_set(&err, DBM_EFAIL, "no value for bind parameter '%s'",
			    missing);
	else if (bad)
		dbm_err_set(&err, DBM_EFAIL,
			    "bind parameter '%s' has no SQL value", bad);
	else
		rc = dbm_ddl_exec(ddl, sql.buf, params, nnames,
				  want_rows ? &res : NULL, &err);
	free(params);
	free_names(names, nnames);
	dbm_buf_release(&sql);
	if (rc < 0)
		return (missing || bad) ? luaL_error(L, "%s", err.msg)
					: dbm_lop_raise(L, ddl, &err);
	if (!want_rows) {
		dbm_result_free(res);
		return 0;
	}
	if (!res) { /* a statement that returns no rows */
		lua_newtable(L);
		return 1;
	}
	if (luaL_newmetatable(L, MT_RESULT)) {
		lua_pushcfunction(L, l_result_box_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	/* Keep res in a box so a raise while pushing does not leak it. */
	struct dbm_result **box = lua_newuserdatauv(L, sizeof(*box), 0);
	*box = res;
	luaL_setmetatable(L, MT_RESULT);
	push_rows(L, res);
	lua_remove(L, -2); /* the box; freed by __gc */
	return 1;
}

/* ---- the inspector ---- */

struct inspector {
	struct dbm_ddl *ddl; /* NULL: the running revision's */
};

struct table_box {
	struct dbm_table t;
};

static int l_table_box_gc(lua_State *L)
{
	struct table_box *b = lua_touserdata(L, 1);
	dbm_table_release(&b->t);
	return 0;
}

static struct dbm_ddl *inspector_ddl(lua_State *L)
{
	struct inspector *in = luaL_checkudata(L, 1, MT_INSPECTOR);
	if (in->ddl && !in->ddl->conn)
		luaL_error(L, "connection is closed");
	struct dbm_ddl *ddl =
	    in->ddl ? in->ddl : dbm_lconn_current_ddl(L, "inspector");
	/* Offline, a dialect with a catalog answers from it (SQLite). */
	if (!dbm_ddl_can_reflect(ddl))
		luaL_error(L,
			   "the inspector needs a live database: it cannot "
			   "run offline (--sql) on %s; guard it with "
			   "op.is_offline()",
			   ddl->dialect->name);
	return ddl;
}

/* Reflect table arg 2 into a box pushed on the stack. */
static struct dbm_table *reflect(lua_State *L)
{
	struct dbm_ddl *ddl = inspector_ddl(L);
	const char *name = luaL_checkstring(L, 2);
	struct table_box *b = lua_newuserdatauv(L, sizeof(*b), 0);
	memset(b, 0, sizeof(*b));
	dbm_table_init(&b->t);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, l_table_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	struct dbm_err err = DBM_ERR_INIT;
	if (ddl->dialect->reflect_table(ddl, name, &b->t, &err) < 0)
		luaL_error(L, "%s", err.msg);
	return &b->t;
}

static void push_names(lua_State *L, char *const *names, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void set_string(lua_State *L, const char *key, const char *value)
{
	if (!value)
		return;
	lua_pushstring(L, value);
	lua_setfield(L, -2, key);
}

static int l_get_table_names(lua_State *L)
{
	struct dbm_ddl *ddl = inspector_ddl(L);
	char **names = NULL;
	size_t n = 0;
	struct dbm_err err = DBM_ERR_INIT;
	if (ddl->dialect->table_names(ddl, &names, &n, &err) < 0)
		return luaL_error(L, "%s", err.msg);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	free_names(names, n);
	return 1;
}

static int l_has_table(lua_State *L)
{
	const char *name = luaL_checkstring(L, 2);
	l_get_table_names(L);
	bool found = false;
	size_t n = lua_rawlen(L, -1);
	for (size_t i = 1; i <= n && !found; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i);
		found = strcmp(lua_tostring(L, -1), name) == 0;
		lua_pop(L, 1);
	}
	lua_pushboolean(L, found);
	return 1;
}

/* {name=, type=, nullable=, default=, autoincrement=, computed=} */
static int l_get_columns(lua_State *L)
{
	struct dbm_ddl *ddl = inspector_ddl(L);
	struct dbm_table *t = reflect(L);
	lua_createtable(L, (int)t->columns.len, 0);
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		lua_createtable(L, 0, 6);
		set_string(L, "name", c->name);
		struct dbm_buf type = DBM_BUF_INIT;
		ddl->dialect->type(&type, &c->type);
		lua_pushlstring(L, type.buf, type.len);
		dbm_buf_release(&type);
		lua_setfield(L, -2, "type");
		lua_pushboolean(L, c->nullable);
		lua_setfield(L, -2, "nullable");
		if (c->server_default.kind != DBM_DEFAULT_NONE)
			set_string(L, "default", c->server_default.text);
		if (c->autoincrement >= 0) {
			lua_pushboolean(L, c->autoincrement);
			lua_setfield(L, -2, "autoincrement");
		}
		lua_pushboolean(L, c->primary_key);
		lua_setfield(L, -2, "primary_key");
		if (c->computed) {
			lua_createtable(L, 0, 2);
			set_string(L, "sqltext", c->computed);
			if (c->persisted >= 0) {
				lua_pushboolean(L, c->persisted);
				lua_setfield(L, -2, "persisted");
			}
			lua_setfield(L, -2, "computed");
		}
		set_string(L, "comment", c->comment);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static const struct dbm_constraint *find_kind(const struct dbm_table *t,
					      enum dbm_constraint_kind kind,
					      size_t *from)
{
	for (; *from < t->constraints.len; (*from)++)
		if (t->constraints.items[*from].kind == kind)
			return &t->constraints.items[(*from)++];
	return NULL;
}

static int l_get_pk_constraint(lua_State *L)
{
	struct dbm_table *t = reflect(L);
	size_t at = 0;
	const struct dbm_constraint *pk = find_kind(t, DBM_C_PRIMARY, &at);
	lua_createtable(L, 0, 2);
	if (pk) {
		push_names(L, pk->columns, pk->ncolumns);
		lua_setfield(L, -2, "constrained_columns");
		set_string(L, "name", pk->name);
	} else {
		lua_newtable(L);
		lua_setfield(L, -2, "constrained_columns");
	}
	return 1;
}

static int l_get_foreign_keys(lua_State *L)
{
	struct dbm_table *t = reflect(L);
	lua_newtable(L);
	size_t at = 0;
	const struct dbm_constraint *fk;
	while ((fk = find_kind(t, DBM_C_FOREIGN, &at)) != NULL) {
		lua_createtable(L, 0, 5);
		set_string(L, "name", fk->name);
		push_names(L, fk->columns, fk->ncolumns);
		lua_setfield(L, -2, "constrained_columns");
		set_string(L, "referred_table", fk->ref_table);
		push_names(L, fk->ref_columns, fk->nref_columns);
		lua_setfield(L, -2, "referred_columns");
		lua_createtable(L, 0, 2);
		set_string(L, "ondelete", fk->ondelete);
		set_string(L, "onupdate", fk->onupdate);
		lua_setfield(L, -2, "options");
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	return 1;
}

static int l_get_unique_constraints(lua_State *L)
{
	struct dbm_table *t = reflect(L);
	lua_newtable(L);
	size_t at = 0;
	const struct dbm_constraint *u;
	while ((u = find_kind(t, DBM_C_UNIQUE, &at)) != NULL) {
		lua_createtable(L, 0, 2);
		set_string(L, "name", u->name);
		push_names(L, u->columns, u->ncolumns);
		lua_setfield(L, -2, "column_names");
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	return 1;
}

static int l_get_check_constraints(lua_State *L)
{
	struct dbm_table *t = reflect(L);
	lua_newtable(L);
	size_t at = 0;
	const struct dbm_constraint *c;
	while ((c = find_kind(t, DBM_C_CHECK, &at)) != NULL) {
		lua_createtable(L, 0, 2);
		set_string(L, "name", c->name);
		set_string(L, "sqltext", c->check);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	return 1;
}

static int l_get_indexes(lua_State *L)
{
	struct dbm_table *t = reflect(L);
	lua_createtable(L, (int)t->indexes.len, 0);
	for (size_t i = 0; i < t->indexes.len; i++) {
		const struct dbm_index *ix = &t->indexes.items[i];
		lua_createtable(L, 0, 3);
		set_string(L, "name", ix->name);
		push_names(L, ix->columns, ix->ncolumns);
		lua_setfield(L, -2, "column_names");
		lua_pushboolean(L, ix->unique);
		lua_setfield(L, -2, "unique");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

void dbm_lconn_push_inspector(lua_State *L, struct dbm_ddl *ddl, int owner_idx)
{
	if (owner_idx)
		owner_idx = lua_absindex(L, owner_idx);
	struct inspector *in = lua_newuserdatauv(L, sizeof(*in), 1);
	in->ddl = ddl;
	if (owner_idx) {
		lua_pushvalue(L, owner_idx);
		lua_setiuservalue(L, -2, 1);
	}
	if (luaL_newmetatable(L, MT_INSPECTOR)) {
		static const luaL_Reg methods[] = {
		    {"get_table_names", l_get_table_names},
		    {"has_table", l_has_table},
		    {"get_columns", l_get_columns},
		    {"get_pk_constraint", l_get_pk_constraint},
		    {"get_foreign_keys", l_get_foreign_keys},
		    {"get_unique_constraints", l_get_unique_constraints},
		    {"get_check_constraints", l_get_check_constraints},
		    {"get_indexes", l_get_indexes},
		    {NULL, NULL},
		};
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushboolean(L, 0); /* out of revisions' reach */
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
}
