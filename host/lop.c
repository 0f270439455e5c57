#include "lop.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <lualib.h>

#include "buf.h"
#include "ddl.h"
#include "lconn.h"
#include "luahost.h"
#include "lutil.h"
#include "mem.h"

/*
 * sa objects are Lua tables tagged by a metatable; the metatable's __name
 * says what they are. Types are callable: sa.String is a type and
 * sa.String(36) makes a new one.
 */
#define MT_TYPE	      "dbm.sa.type"
#define MT_COLUMN     "dbm.sa.column"
#define MT_CONSTRAINT "dbm.sa.constraint"
#define MT_INDEX      "dbm.sa.index"
#define MT_COMPUTED   "dbm.sa.computed"
#define MT_FK	      "dbm.sa.foreignkey"
#define MT_TEXT	      "dbm.sa.text"
#define MT_TABLE      "dbm.sa.table"
#define MT_BOX	      "dbm.box"

/* ---- C memory that must survive a raise lives in a box with __gc ---- */

struct box {
	void (*release)(void *);
	union {
		struct dbm_table table;
		struct dbm_column column;
		struct dbm_constraint constraint;
		struct dbm_index index;
	} u;
};

static int l_box_gc(lua_State *L)
{
	struct box *b = luaL_checkudata(L, 1, MT_BOX);
	if (b->release) {
		b->release(&b->u);
		b->release = NULL;
	}
	return 0;
}

static void release_table(void *p)
{
	dbm_table_release(p);
}
static void release_column(void *p)
{
	dbm_column_release(p);
}
static void release_constraint(void *p)
{
	dbm_constraint_release(p);
}
static void release_index(void *p)
{
	dbm_index_release(p);
}

/* Push a new box holding a zeroed struct released by release. */
static struct box *push_box(lua_State *L, void (*release)(void *))
{
	struct box *b = lua_newuserdatauv(L, sizeof(*b), 0);
	memset(b, 0, sizeof(*b));
	luaL_setmetatable(L, MT_BOX);
	b->release = release;
	return b;
}

/* ---- reading Lua values ---- */

/* The __name of the value's metatable, or NULL. */
static const char *kind_of(lua_State *L, int idx)
{
	if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
		return NULL;
	lua_getfield(L, -1, "__name");
	const char *name = lua_tostring(L, -1);
	lua_pop(L, 2); /* metatable names are interned in the registry */
	return name;
}

static bool is_kind(lua_State *L, int idx, const char *mt)
{
	const char *k = kind_of(L, idx);
	return k && strcmp(k, mt) == 0;
}

/* A plain options table: a table that is no sa object. */
static bool is_options(lua_State *L, int idx)
{
	return lua_istable(L, idx) && kind_of(L, idx) == NULL;
}

static char *opt_strdup(lua_State *L, int idx, const char *field)
{
	char *s = NULL;
	if (lua_getfield(L, idx, field) == LUA_TSTRING)
		s = dbm_xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	return s;
}

/* A boolean option: -1 when absent. */
static int opt_bool(lua_State *L, int idx, const char *field)
{
	int t = lua_getfield(L, idx, field);
	int v = t == LUA_TNIL ? -1 : lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

static int opt_int(lua_State *L, int idx, const char *field, int dflt)
{
	int v = dflt;
	if (lua_getfield(L, idx, field) != LUA_TNIL)
		v = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return v;
}

/* An array of strings (or one string) at idx into a new string array. */
static char **to_names(lua_State *L, int idx, size_t *n, const char *what)
{
	idx = lua_absindex(L, idx);
	*n = 0;
	if (lua_type(L, idx) == LUA_TSTRING) {
		char **v = dbm_xcalloc(2, sizeof(*v));
		v[0] = dbm_xstrdup(lua_tostring(L, idx));
		*n = 1;
		return v;
	}
	if (!lua_istable(L, idx)) {
		luaL_error(L, "%s: expected a list of names", what);
		return NULL;
	}
	size_t len = lua_rawlen(L, idx);
	char **v = dbm_xcalloc(len + 1, sizeof(*v));
	for (size_t i = 0; i < len; i++) {
		lua_rawgeti(L, idx, (lua_Integer)i + 1);
		const char *s = lua_tostring(L, -1);
		if (s)
			v[(*n)++] = dbm_xstrdup(s);
		lua_pop(L, 1);
	}
	return v;
}

/*
 * The columns of an index at idx: a name, an sa.text expression, or a list
 * of them, into out's columns and expr flags.
 */
static void to_index_columns(lua_State *L, int idx, struct dbm_index *out,
			     const char *what)
{
	idx = lua_absindex(L, idx);
	bool list = lua_istable(L, idx) && !is_kind(L, idx, MT_TEXT);
	if (!list && lua_type(L, idx) != LUA_TSTRING &&
	    !is_kind(L, idx, MT_TEXT)) {
		luaL_error(L, "%s: expected a list of names", what);
		return;
	}
	size_t len = list ? lua_rawlen(L, idx) : 1;
	out->ncolumns = 0;
	out->columns = dbm_xcalloc(len + 1, sizeof(*out->columns));
	out->expr = dbm_xcalloc(len + 1, sizeof(*out->expr));
	for (size_t i = 0; i < len; i++) {
		if (list)
			lua_rawgeti(L, idx, (lua_Integer)i + 1);
		else
			lua_pushvalue(L, idx);
		bool expr = is_kind(L, -1, MT_TEXT);
		if (expr)
			lua_getfield(L, -1, "text");
		else
			lua_pushvalue(L, -1);
		/* [item, name or sql] */
		const char *s = lua_tostring(L, -1);
		if (s) {
			out->expr[out->ncolumns] = expr;
			out->columns[out->ncolumns++] = dbm_xstrdup(s);
		}
		lua_pop(L, 2);
	}
}

/* ---- sa types ---- */

struct type_def {
	const char *name;
	enum dbm_type_kind kind;
	bool uppercase;
	int length; /* fixed length (Uuid) or -1 */
};

static const struct type_def type_defs[] = {
    {"String", DBM_T_STRING, false, -1},
    {"VARCHAR", DBM_T_STRING, true, -1},
    {"Unicode", DBM_T_STRING, false, -1},
    {"Text", DBM_T_TEXT, false, -1},
    {"TEXT", DBM_T_TEXT, true, -1},
    {"UnicodeText", DBM_T_TEXT, false, -1},
    {"Integer", DBM_T_INTEGER, false, -1},
    {"INTEGER", DBM_T_INTEGER, true, -1},
    {"BigInteger", DBM_T_BIGINT, false, -1},
    {"SmallInteger", DBM_T_SMALLINT, false, -1},
    {"Boolean", DBM_T_BOOLEAN, false, -1},
    {"DateTime", DBM_T_DATETIME, false, -1},
    {"Date", DBM_T_DATE, false, -1},
    {"Time", DBM_T_TIME, false, -1},
    {"Float", DBM_T_FLOAT, false, -1},
    {"Numeric", DBM_T_NUMERIC, false, -1},
    {"JSON", DBM_T_JSON, false, -1},
    {"Enum", DBM_T_ENUM, false, -1},
    {"LargeBinary", DBM_T_LARGEBINARY, false, -1},
    {"PickleType", DBM_T_PICKLE, false, -1},
    /* Tacker's own types (tacker.db.types). */
    {"Uuid", DBM_T_STRING, false, 36},
    {"Json", DBM_T_TEXT, false, -1},
};

static const struct type_def *find_type_def(const char *name)
{
	for (size_t i = 0; i < sizeof(type_defs) / sizeof(type_defs[0]); i++)
		if (strcmp(type_defs[i].name, name) == 0)
			return &type_defs[i];
	return NULL;
}

/* Push a new type table of the given name. */
/* Types are read-only once made: only their constructors fill them. */
static int l_type_newindex(lua_State *L)
{
	return luaL_error(L, "sa types are read-only: call the type (as in "
			     "sa.String(36)) for a new one");
}

/* t[key] = the value at the top (popped), past the read-only guard. */
static void set_type_field(lua_State *L, int t, const char *key)
{
	t = lua_absindex(L, t);
	lua_pushstring(L, key);
	lua_insert(L, -2);
	lua_rawset(L, t);
}

static void push_type(lua_State *L, const char *name)
{
	lua_createtable(L, 0, 4);
	lua_pushstring(L, name);
	lua_setfield(L, -2, "kind");
	luaL_setmetatable(L, MT_TYPE);
}

/*
 * sa.String(36), sa.Numeric(10, 2), sa.DateTime({timezone = true}),
 * sa.Enum("a", "b", {name = "x"}): a new type from the called one.
 */
static int l_type_call(lua_State *L)
{
	/* [type, args...] */
	int nargs = lua_gettop(L) - 1;
	lua_getfield(L, 1, "kind");
	const char *name = lua_tostring(L, -1);
	const struct type_def *def = find_type_def(name ? name : "");
	if (!def)
		return luaL_error(L, "not a callable type");
	push_type(L, def->name);
	int t = lua_gettop(L);
	int last = nargs + 1;
	if (nargs > 0 && is_options(L, last)) {
		/* copy every option onto the type */
		lua_pushnil(L);
		while (lua_next(L, last)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, t);
		}
		last--;
	}
	if (def->kind == DBM_T_ENUM) {
		lua_createtable(L, last - 1, 0);
		for (int i = 2; i <= last; i++) {
			luaL_checkstring(L, i);
			lua_pushvalue(L, i);
			lua_rawseti(L, -2, i - 1);
		}
		set_type_field(L, t, "values");
	} else if (def->kind == DBM_T_NUMERIC || def->kind == DBM_T_FLOAT) {
		if (last >= 2) {
			lua_pushinteger(L, luaL_checkinteger(L, 2));
			set_type_field(L, t, "precision");
		}
		if (last >= 3) {
			lua_pushinteger(L, luaL_checkinteger(L, 3));
			set_type_field(L, t, "scale");
		}
	} else if (def->kind == DBM_T_DATETIME || def->kind == DBM_T_TIME) {
		if (last >= 2) {
			lua_pushboolean(L, lua_toboolean(L, 2));
			set_type_field(L, t, "timezone");
		}
	} else if (last >= 2) {
		lua_pushinteger(L, luaL_checkinteger(L, 2));
		set_type_field(L, t, "length");
	}
	lua_pushvalue(L, t);
	return 1;
}

static int l_type_tostring(lua_State *L)
{
	lua_getfield(L, 1, "kind");
	lua_getfield(L, 1, "length");
	if (lua_isinteger(L, -1))
		lua_pushfstring(L, "%s(%d)", lua_tostring(L, -2),
				(int)lua_tointeger(L, -1));
	else
		lua_pushfstring(L, "%s()", lua_tostring(L, -2));
	return 1;
}

/* Read the type at idx (a type table) into out (initialized here). */
static void to_type(lua_State *L, int idx, struct dbm_type *out)
{
	idx = lua_absindex(L, idx);
	if (!is_kind(L, idx, MT_TYPE)) {
		luaL_error(L, "expected an sa type, got %s",
			   luaL_typename(L, idx));
		return;
	}
	lua_getfield(L, idx, "kind");
	const struct type_def *def = find_type_def(lua_tostring(L, -1));
	lua_pop(L, 1);
	if (!def)
		DBM_BUG("type table without a known kind");
	dbm_type_init(out, def->kind);
	out->uppercase = def->uppercase;
	out->length = opt_int(L, idx, "length", def->length);
	out->precision = opt_int(L, idx, "precision", -1);
	out->scale = opt_int(L, idx, "scale", -1);
	out->timezone = opt_bool(L, idx, "timezone") == 1;
	out->collation = opt_strdup(L, idx, "collation");
	if (def->kind == DBM_T_ENUM) {
		out->enum_name = opt_strdup(L, idx, "name");
		out->native_enum = opt_bool(L, idx, "native_enum") != 0;
		lua_getfield(L, idx, "values");
		if (lua_istable(L, -1))
			out->enum_values =
			    to_names(L, -1, &out->nenum_values, "sa.Enum");
		lua_pop(L, 1);
	}
}

/* ---- defaults, text, func ---- */

static int l_text(lua_State *L)
{
	luaL_checkstring(L, 1);
	lua_createtable(L, 0, 1);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "text");
	luaL_setmetatable(L, MT_TEXT);
	return 1;
}

static int l_text_tostring(lua_State *L)
{
	lua_getfield(L, 1, "text");
	return 1;
}

/*
 * sa.func.now() -> text "now()"; sa.func.coalesce(a, 0) -> "coalesce(a, 0)".
 * The text also keeps the function's name and its rendered arguments, so a
 * server_default can be rendered as the dialect's SQLAlchemy compiler does
 * (see func_default).
 */
static int l_func_call(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addstring(&b, ", ");
		if (lua_type(L, i) == LUA_TSTRING) {
			size_t len;
			const char *s = lua_tolstring(L, i, &len);
			luaL_addchar(&b, '\'');
			for (size_t j = 0; j < len; j++) {
				if (s[j] == '\'')
					luaL_addchar(&b, '\'');
				luaL_addchar(&b, s[j]);
			}
			luaL_addchar(&b, '\'');
		} else {
			luaL_tolstring(L, i, NULL);
			luaL_addvalue(&b);
		}
	}
	luaL_pushresult(&b);
	lua_insert(L, 1);
	lua_settop(L, 1);
	/* [args] */
	lua_pushfstring(L, "%s(%s)", lua_tostring(L, lua_upvalueindex(1)),
			lua_tostring(L, 1));
	lua_replace(L, 1);
	l_text(L);
	/* [text, object] */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_setfield(L, -2, "func");
	lua_pushinteger(L, n);
	lua_setfield(L, -2, "nargs");
	return 1;
}

static int l_func_index(lua_State *L)
{
	/* [func, name] */
	luaL_checkstring(L, 2);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, l_func_call, 1);
	return 1;
}

/*
 * The SQL of an sa.func object (idx) as a server default, as SQLAlchemy
 * 1.4's compiler renders it for the running revision's dialect: the ANSI
 * functions without arguments and parentheses (CURRENT_TIMESTAMP), now()
 * as CURRENT_TIMESTAMP on SQLite, and on SQLite the whole expression in
 * parentheses (its DDL compiler wraps every ColumnElement default).
 */
static char *func_default(lua_State *L, int idx)
{
	static const char *const ansi[] = {
	    "current_date", "current_time", "current_timestamp",
	    "current_user", "localtime",    "localtimestamp",
	    "session_user", "user",	    NULL,
	};
	struct dbm_lua_ctx *ctx = dbm_lua_ctx(L);
	bool sqlite =
	    ctx && ctx->ddl && strcmp(ctx->ddl->dialect->name, "sqlite") == 0;
	struct dbm_buf b = DBM_BUF_INIT;
	lua_getfield(L, idx, "func");
	lua_getfield(L, idx, "nargs");
	lua_getfield(L, idx, "text");
	/* [func, nargs, text] */
	const char *name = lua_tostring(L, -3);
	bool bare = lua_tointeger(L, -2) == 0;
	const char *sql = lua_tostring(L, -1);
	for (const char *const *a = ansi; bare && *a; a++) {
		if (strcasecmp(name, *a) == 0) {
			sql = NULL;
			for (const char *p = name; *p; p++)
				dbm_buf_addch(&b,
					      (char)toupper((unsigned char)*p));
		}
	}
	if (sql && sqlite && bare && strcasecmp(name, "now") == 0) {
		sql = NULL;
		dbm_buf_adds(&b, "CURRENT_TIMESTAMP");
	}
	if (sql)
		dbm_buf_adds(&b, sql);
	lua_pop(L, 3);
	if (sqlite) {
		struct dbm_buf wrapped = DBM_BUF_INIT;
		dbm_buf_addf(&wrapped, "(%s)", b.buf);
		dbm_buf_release(&b);
		b = wrapped;
	}
	return dbm_buf_detach(&b);
}

/* server_default at idx: a string or number (a literal), sa.text or func. */
static void to_default(lua_State *L, int idx, struct dbm_default *out)
{
	idx = lua_absindex(L, idx);
	out->kind = DBM_DEFAULT_NONE;
	out->text = NULL;
	int t = lua_type(L, idx);
	if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, idx)))
		return;
	if (is_kind(L, idx, MT_TEXT)) {
		out->kind = DBM_DEFAULT_EXPR;
		if (lua_getfield(L, idx, "func") == LUA_TSTRING) {
			lua_pop(L, 1);
			out->text = func_default(L, idx);
			return;
		}
		lua_pop(L, 1);
		lua_getfield(L, idx, "text");
		out->text = dbm_xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
		return;
	}
	if (t == LUA_TSTRING || t == LUA_TNUMBER) {
		out->kind = DBM_DEFAULT_LITERAL;
		out->text = dbm_xstrdup(lua_tostring(L, idx));
		return;
	}
	luaL_error(L,
		   "server_default: expected a string, sa.text or sa.func, "
		   "got %s",
		   luaL_typename(L, idx));
}

/* ---- Column, ForeignKey, Computed ---- */

static int l_foreign_key(lua_State *L)
{
	luaL_checkstring(L, 1);
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "target");
	if (is_options(L, 2)) {
		static const char *const keys[] = {"name", "ondelete",
						   "onupdate", NULL};
		for (const char *const *k = keys; *k; k++) {
			lua_getfield(L, 2, *k);
			lua_setfield(L, -2, *k);
		}
	}
	luaL_setmetatable(L, MT_FK);
	return 1;
}

static int l_computed(lua_State *L)
{
	if (is_kind(L, 1, MT_TEXT))
		lua_getfield(L, 1, "text");
	else
		lua_pushvalue(L, 1);
	luaL_checkstring(L, -1);
	lua_createtable(L, 0, 2);
	lua_insert(L, -2);
	lua_setfield(L, -2, "sqltext");
	if (is_options(L, 2)) {
		lua_getfield(L, 2, "persisted");
		lua_setfield(L, -2, "persisted");
	}
	luaL_setmetatable(L, MT_COMPUTED);
	return 1;
}

/*
 * sa.Column(name, type, [sa.ForeignKey(...)|sa.Computed(...)]..., {opts})
 * The type may be left out (as SQLAlchemy allows for FK columns): NULL type.
 */
static int l_column(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checkstring(L, 1);
	lua_createtable(L, 0, 8);
	int col = lua_gettop(L);
	lua_pushvalue(L, 1);
	lua_setfield(L, col, "name");
	lua_newtable(L);
	int fks = lua_gettop(L);
	for (int i = 2; i <= n; i++) {
		if (is_kind(L, i, MT_TYPE)) {
			lua_pushvalue(L, i);
			lua_setfield(L, col, "type");
		} else if (is_kind(L, i, MT_FK)) {
			lua_pushvalue(L, i);
			lua_rawseti(L, fks,
				    (lua_Integer)lua_rawlen(L, fks) + 1);
		} else if (is_kind(L, i, MT_COMPUTED)) {
			lua_pushvalue(L, i);
			lua_setfield(L, col, "computed");
		} else if (i == n && is_options(L, i)) {
			lua_pushnil(L);
			while (lua_next(L, i)) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, col);
			}
		} else {
			return luaL_error(L,
					  "sa.Column '%s': unexpected argument "
					  "#%d (%s)",
					  lua_tostring(L, 1), i,
					  luaL_typename(L, i));
		}
	}
	lua_setfield(L, col, "foreign_keys");
	luaL_setmetatable(L, MT_COLUMN);
	return 1;
}

static void to_column(lua_State *L, int idx, struct dbm_column *out)
{
	idx = lua_absindex(L, idx);
	if (!is_kind(L, idx, MT_COLUMN)) {
		luaL_error(L, "expected sa.Column, got %s",
			   luaL_typename(L, idx));
		return;
	}
	dbm_column_init(out);
	out->name = opt_strdup(L, idx, "name");
	if (lua_getfield(L, idx, "type") != LUA_TNIL)
		to_type(L, -1, &out->type);
	else
		dbm_type_init(&out->type, DBM_T_INTEGER);
	lua_pop(L, 1);
	out->primary_key = opt_bool(L, idx, "primary_key") == 1;
	int nullable = opt_bool(L, idx, "nullable");
	out->nullable = nullable >= 0 ? nullable : !out->primary_key;
	int ai = -1;
	if (lua_getfield(L, idx, "autoincrement") == LUA_TBOOLEAN)
		ai = lua_toboolean(L, -1);
	lua_pop(L, 1);
	out->autoincrement = ai;
	out->unique = opt_bool(L, idx, "unique") == 1;
	out->index = opt_bool(L, idx, "index") == 1;
	out->comment = opt_strdup(L, idx, "comment");
	lua_getfield(L, idx, "server_default");
	to_default(L, -1, &out->server_default);
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "computed") == LUA_TTABLE) {
		out->computed = opt_strdup(L, -1, "sqltext");
		out->persisted = opt_bool(L, -1, "persisted");
	}
	lua_pop(L, 1);
	lua_getfield(L, idx, "foreign_keys");
	size_t nfks = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
	if (nfks) {
		out->fks = dbm_xcalloc(nfks, sizeof(*out->fks));
		for (size_t i = 0; i < nfks; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			struct dbm_fkref *fk = &out->fks[out->nfks++];
			fk->target = opt_strdup(L, -1, "target");
			fk->name = opt_strdup(L, -1, "name");
			fk->ondelete = opt_strdup(L, -1, "ondelete");
			fk->onupdate = opt_strdup(L, -1, "onupdate");
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
}

/* ---- constraints and indexes ---- */

/* Collect the string arguments from..to and a trailing options table. */
static int push_constraint(lua_State *L, const char *kind, int first)
{
	int n = lua_gettop(L);
	int opts = n >= first && is_options(L, n) ? n : 0;
	int last = opts ? n - 1 : n;
	lua_createtable(L, 0, 4);
	int c = lua_gettop(L);
	lua_pushstring(L, kind);
	lua_setfield(L, c, "type");
	if (opts) {
		lua_pushnil(L);
		while (lua_next(L, opts)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, c);
		}
	}
	lua_createtable(L, last - first + 1, 0);
	for (int i = first; i <= last; i++) {
		if (lua_istable(L, i) && !is_kind(L, i, MT_TEXT)) {
			/* a list of names */
			size_t len = lua_rawlen(L, i);
			for (size_t j = 1; j <= len; j++) {
				lua_rawgeti(L, i, (lua_Integer)j);
				lua_rawseti(L, -2,
					    (lua_Integer)lua_rawlen(L, -2) + 1);
			}
			continue;
		}
		if (!is_kind(L, i, MT_TEXT)) /* sa.text: an index expression */
			luaL_checkstring(L, i);
		lua_pushvalue(L, i);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	lua_setfield(L, c, "columns");
	luaL_setmetatable(L, MT_CONSTRAINT);
	return 1;
}

static int l_primary_key_constraint(lua_State *L)
{
	return push_constraint(L, "primary", 1);
}

static int l_unique_constraint(lua_State *L)
{
	return push_constraint(L, "unique", 1);
}

/* sa.ForeignKeyConstraint({"a"}, {"t.id"}, {name=, ondelete=}) */
static int l_foreign_key_constraint(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_createtable(L, 0, 6);
	if (lua_istable(L, 3)) {
		static const char *const keys[] = {"name", "ondelete",
						   "onupdate", NULL};
		for (const char *const *k = keys; *k; k++) {
			lua_getfield(L, 3, *k);
			lua_setfield(L, -2, *k);
		}
	}
	lua_pushliteral(L, "foreignkey");
	lua_setfield(L, -2, "type");
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "columns");
	lua_pushvalue(L, 2);
	lua_setfield(L, -2, "refs");
	luaL_setmetatable(L, MT_CONSTRAINT);
	return 1;
}

/* sa.CheckConstraint("x > 0", {name=}) */
static int l_check_constraint(lua_State *L)
{
	if (is_kind(L, 1, MT_TEXT))
		lua_getfield(L, 1, "text");
	else
		lua_pushvalue(L, 1);
	luaL_checkstring(L, -1);
	lua_createtable(L, 0, 3);
	lua_insert(L, -2);
	lua_setfield(L, -2, "sqltext");
	lua_pushliteral(L, "check");
	lua_setfield(L, -2, "type");
	if (is_options(L, 2)) {
		lua_getfield(L, 2, "name");
		lua_setfield(L, -2, "name");
	}
	luaL_setmetatable(L, MT_CONSTRAINT);
	return 1;
}

/* "table.column" split at the last dot into table and column. */
static void split_target(const char *target, char **table, char **column)
{
	const char *dot = strrchr(target, '.');
	if (!dot) {
		*table = dbm_xstrdup(target);
		*column = NULL;
		return;
	}
	*table = dbm_xstrndup(target, (size_t)(dot - target));
	*column = dbm_xstrdup(dot + 1);
}

static void to_constraint(lua_State *L, int idx, struct dbm_constraint *out)
{
	idx = lua_absindex(L, idx);
	memset(out, 0, sizeof(*out));
	lua_getfield(L, idx, "type");
	const char *type = lua_tostring(L, -1);
	lua_pop(L, 1);
	if (!type)
		DBM_BUG("constraint table without a type");
	out->name = opt_strdup(L, idx, "name");
	if (strcmp(type, "check") == 0) {
		out->kind = DBM_C_CHECK;
		out->check = opt_strdup(L, idx, "sqltext");
		return;
	}
	lua_getfield(L, idx, "columns");
	out->columns = to_names(L, -1, &out->ncolumns, "constraint");
	lua_pop(L, 1);
	if (strcmp(type, "primary") == 0) {
		out->kind = DBM_C_PRIMARY;
	} else if (strcmp(type, "unique") == 0) {
		out->kind = DBM_C_UNIQUE;
	} else {
		out->kind = DBM_C_FOREIGN;
		out->ondelete = opt_strdup(L, idx, "ondelete");
		out->onupdate = opt_strdup(L, idx, "onupdate");
		lua_getfield(L, idx, "refs");
		size_t nrefs;
		char **refs =
		    to_names(L, -1, &nrefs, "sa.ForeignKeyConstraint");
		lua_pop(L, 1);
		out->ref_columns = dbm_xcalloc(nrefs + 1, sizeof(char *));
		for (size_t i = 0; i < nrefs; i++) {
			char *table, *column;
			split_target(refs[i], &table, &column);
			if (!out->ref_table)
				out->ref_table = table;
			else
				free(table);
			out->ref_columns[out->nref_columns++] =
			    column ? column : dbm_xstrdup("");
			free(refs[i]);
		}
		free(refs);
	}
}

/* sa.Index("name", "col", ..., {unique = true, mysql_length = 255}) */
static int l_index(lua_State *L)
{
	luaL_checkstring(L, 1);
	push_constraint(L, "index", 2);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "name");
	luaL_setmetatable(L, MT_INDEX);
	return 1;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * An option value as text. A table ({a = 10, b = 20}, as mysql_length
 * takes per column) becomes "a=10,b=20", keys sorted.
 */
static char *kwarg_value(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (!lua_istable(L, idx)) {
		lua_pushvalue(L, idx);
		char *v = dbm_xstrdup(luaL_tolstring(L, -1, NULL));
		lua_pop(L, 2);
		return v;
	}
	DBM_VEC(char *) parts = DBM_VEC_INIT;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		struct dbm_buf b = DBM_BUF_INIT;
		dbm_buf_addf(&b, "%s=%s", lua_tostring(L, -2),
			     lua_tostring(L, -1));
		dbm_vec_push(&parts, dbm_buf_detach(&b));
		lua_pop(L, 1);
	}
	qsort(parts.items, parts.len, sizeof(char *), compare_strings);
	struct dbm_buf out = DBM_BUF_INIT;
	for (size_t i = 0; i < parts.len; i++) {
		dbm_buf_addf(&out, "%s%s", i ? "," : "", parts.items[i]);
		free(parts.items[i]);
	}
	dbm_vec_release(&parts);
	return dbm_buf_detach(&out);
}

/* Copy the option pairs of a table whose keys start with a dialect name. */
static void to_kwargs(lua_State *L, int idx, char ***kwargs, size_t *n)
{
	idx = lua_absindex(L, idx);
	size_t alloc = 0;
	*kwargs = NULL;
	*n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -2);
			if (strncmp(k, "mysql_", 6) == 0 ||
			    strncmp(k, "mariadb_", 8) == 0 ||
			    strncmp(k, "postgresql_", 11) == 0 ||
			    strncmp(k, "sqlite_", 7) == 0) {
				dbm_grow((void **)kwargs, &alloc, *n * 2 + 2,
					 sizeof(char *));
				(*kwargs)[*n * 2] = dbm_xstrdup(k);
				(*kwargs)[*n * 2 + 1] = kwarg_value(L, -1);
				(*n)++;
			}
		}
		lua_pop(L, 1);
	}
}

static void to_index(lua_State *L, int idx, const char *table,
		     struct dbm_index *out)
{
	idx = lua_absindex(L, idx);
	memset(out, 0, sizeof(*out));
	out->name = opt_strdup(L, idx, "name");
	out->table = table ? dbm_xstrdup(table) : opt_strdup(L, idx, "table");
	out->unique = opt_bool(L, idx, "unique") == 1;
	lua_getfield(L, idx, "columns");
	to_index_columns(L, -1, out, "sa.Index");
	lua_pop(L, 1);
	to_kwargs(L, idx, &out->kwargs, &out->nkwargs);
}

/* ---- the running revision's DDL ---- */

int dbm_lop_raise(lua_State *L, struct dbm_ddl *ddl, const struct dbm_err *err)
{
	if (ddl && ddl->failed_sql) {
		struct dbm_buf sql = DBM_BUF_INIT;
		dbm_buf_add_oneline(&sql, ddl->failed_sql);
		luaL_where(L, 1);
		lua_pushfstring(L, "%s [SQL: %s]", err->msg, sql.buf);
		dbm_buf_release(&sql);
		lua_concat(L, 2);
		return lua_error(L);
	}
	return luaL_error(L, "%s", err->msg);
}

#define CHECK_DDL(L, ddl, err, call)                                           \
	do {                                                                   \
		if ((call) < 0)                                                \
			return dbm_lop_raise((L), (ddl), (err));               \
	} while (0)

/* ---- op ---- */

/* op.create_table(name, column..., constraint..., index..., {opts}) */
static int l_create_table(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.create_table");
	const char *name = luaL_checkstring(L, 1);
	int n = lua_gettop(L);
	struct box *b = push_box(L, release_table);
	struct dbm_table *t = &b->u.table;
	dbm_table_init(t);
	t->name = dbm_xstrdup(name);
	/*
	 * Each part goes into the boxed table before it is read, so what a
	 * raise leaves half read is released with the box.
	 */
	for (int i = 2; i <= n; i++) {
		if (is_kind(L, i, MT_COLUMN)) {
			struct dbm_column c;
			dbm_column_init(&c);
			dbm_vec_push(&t->columns, c);
			to_column(L, i, &t->columns.items[t->columns.len - 1]);
		} else if (is_kind(L, i, MT_CONSTRAINT)) {
			struct dbm_constraint c = {0};
			dbm_vec_push(&t->constraints, c);
			to_constraint(
			    L, i,
			    &t->constraints.items[t->constraints.len - 1]);
		} else if (is_kind(L, i, MT_INDEX)) {
			struct dbm_index ix = {0};
			dbm_vec_push(&t->indexes, ix);
			to_index(L, i, name,
				 &t->indexes.items[t->indexes.len - 1]);
		} else if (i == n && is_options(L, i)) {
			to_kwargs(L, i, &t->kwargs, &t->nkwargs);
			t->comment = opt_strdup(L, i, "comment");
		} else {
			return luaL_error(L,
					  "op.create_table '%s': unexpected "
					  "argument #%d (%s)",
					  name, i, luaL_typename(L, i));
		}
	}
	/*
	 * As SQLAlchemy: a column named by a PrimaryKeyConstraint is NOT NULL
	 * unless it says nullable= itself.
	 */
	for (int i = 2; i <= n; i++) {
		if (!is_kind(L, i, MT_COLUMN) ||
		    opt_bool(L, i, "nullable") >= 0)
			continue;
		lua_getfield(L, i, "name");
		const char *col = lua_tostring(L, -1);
		for (size_t k = 0; col && k < t->constraints.len; k++) {
			const struct dbm_constraint *c =
			    &t->constraints.items[k];
			for (size_t j = 0;
			     c->kind == DBM_C_PRIMARY && j < c->ncolumns; j++)
				if (strcmp(c->columns[j], col) == 0 &&
				    dbm_table_column(t, col))
					dbm_table_column(t, col)->nullable = 0;
		}
		lua_pop(L, 1);
	}
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err, ddl->dialect->create_table(ddl, t, &err));
	/* Return a table object for op.bulk_insert: {name=, columns=}. */
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "name");
	lua_createtable(L, n, 0);
	for (int i = 2; i <= n; i++) {
		if (is_kind(L, i, MT_COLUMN)) {
			lua_pushvalue(L, i);
			lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
		}
	}
	lua_setfield(L, -2, "columns");
	luaL_setmetatable(L, MT_TABLE);
	return 1;
}

static int l_drop_table(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.drop_table");
	const char *name = luaL_checkstring(L, 1);
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err, ddl->dialect->drop_table(ddl, name, &err));
	return 0;
}

static int l_rename_table(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.rename_table");
	const char *from = luaL_checkstring(L, 1);
	const char *to = luaL_checkstring(L, 2);
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err,
		  ddl->dialect->rename_table(ddl, from, to, &err));
	return 0;
}

static int l_add_column(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.add_column");
	const char *table = luaL_checkstring(L, 1);
	struct box *b = push_box(L, release_column);
	to_column(L, 2, &b->u.column);
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err,
		  ddl->dialect->add_column(ddl, table, &b->u.column, &err));
	return 0;
}

static int l_drop_column(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.drop_column");
	const char *table = luaL_checkstring(L, 1);
	const char *column = luaL_checkstring(L, 2);
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err,
		  ddl->dialect->drop_column(ddl, table, column, &err));
	return 0;
}

/* The type option of alter_column: type_ (Alembic's name) or type. */
static bool get_type_opt(lua_State *L, int opts, const char *key,
			 struct dbm_type *out)
{
	if (lua_getfield(L, opts, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return false;
	}
	to_type(L, -1, out);
	lua_pop(L, 1);
	return true;
}

struct alter_box {
	struct dbm_type type, existing_type;
	struct dbm_default server_default, existing_default;
	char **kwargs;
	size_t nkwargs;
};

static int l_alter_box_gc(lua_State *L)
{
	struct alter_box *a = lua_touserdata(L, 1);
	dbm_type_release(&a->type);
	dbm_type_release(&a->existing_type);
	dbm_default_release(&a->server_default);
	dbm_default_release(&a->existing_default);
	for (size_t i = 0; i < a->nkwargs * 2; i++)
		free(a->kwargs[i]);
	free(a->kwargs);
	memset(a, 0, sizeof(*a));
	return 0;
}

/*
 * op.alter_column(table, column, {nullable=, type_=, server_default=,
 * new_column_name=, existing_type=, existing_nullable=,
 * existing_server_default=, autoincrement=, comment=}).
 * server_default = false drops the default (Alembic's None).
 */
static int l_alter_column(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.alter_column");
	struct dbm_alter_column a = {0};
	a.table = luaL_checkstring(L, 1);
	a.column = luaL_checkstring(L, 2);
	a.nullable = a.existing_nullable = a.autoincrement = -1;
	if (lua_isnoneornil(L, 3))
		lua_newtable(L);
	luaL_checktype(L, 3, LUA_TTABLE);
	lua_settop(L, 3);
	struct alter_box *box = lua_newuserdatauv(L, sizeof(*box), 0);
	memset(box, 0, sizeof(*box));
	lua_newtable(L);
	lua_pushcfunction(L, l_alter_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);

	a.nullable = opt_bool(L, 3, "nullable");
	a.existing_nullable = opt_bool(L, 3, "existing_nullable");
	a.autoincrement = opt_bool(L, 3, "autoincrement");
	if (get_type_opt(L, 3, "type_", &box->type) ||
	    get_type_opt(L, 3, "type", &box->type))
		a.type = &box->type;
	if (get_type_opt(L, 3, "existing_type", &box->existing_type))
		a.existing_type = &box->existing_type;
	if (lua_getfield(L, 3, "server_default") != LUA_TNIL) {
		a.set_default = true;
		to_default(L, -1, &box->server_default);
		a.server_default = box->server_default;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 3, "existing_server_default") != LUA_TNIL) {
		to_default(L, -1, &box->existing_default);
		a.existing_server_default = &box->existing_default;
	}
	lua_pop(L, 1);
	lua_getfield(L, 3, "new_column_name");
	a.new_name = lua_tostring(L, -1); /* kept alive by the options table */
	lua_pop(L, 1);
	lua_getfield(L, 3, "comment");
	a.comment = lua_tostring(L, -1);
	lua_pop(L, 1);
	to_kwargs(L, 3, &box->kwargs, &box->nkwargs);
	a.kwargs = box->kwargs;
	a.nkwargs = box->nkwargs;
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err, ddl->dialect->alter_column(ddl, &a, &err));
	return 0;
}

/* op.create_index(name, table, {columns}, {unique=, mysql_length=...}) */
static int l_create_index(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.create_index");
	const char *name = luaL_checkstring(L, 1);
	const char *table = luaL_checkstring(L, 2);
	luaL_checkany(L, 3);
	struct box *b = push_box(L, release_index);
	struct dbm_index *ix = &b->u.index;
	ix->name = dbm_xstrdup(name);
	ix->table = dbm_xstrdup(table);
	to_index_columns(L, 3, ix, "op.create_index");
	if (lua_istable(L, 4)) {
		ix->unique = opt_bool(L, 4, "unique") == 1;
		to_kwargs(L, 4, &ix->kwargs, &ix->nkwargs);
	}
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err, ddl->dialect->create_index(ddl, ix, &err));
	return 0;
}

/* op.drop_index(name, {table_name=}) or op.drop_index(name, table) */
static int l_drop_index(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.drop_index");
	const char *name = luaL_checkstring(L, 1);
	const char *table = NULL;
	if (lua_type(L, 2) == LUA_TSTRING) {
		table = lua_tostring(L, 2);
	} else if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "table_name");
		table = lua_tostring(L, -1);
	}
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err,
		  ddl->dialect->drop_index(ddl, name, table, &err));
	return 0;
}

/* Run add_constraint with a constraint built in a box. */
static int add_constraint(lua_State *L, struct dbm_ddl *ddl, const char *table,
			  struct dbm_constraint *c)
{
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err,
		  ddl->dialect->add_constraint(ddl, table, c, &err));
	return 0;
}

/* op.create_unique_constraint(name, table, {cols}) and create_primary_key */
static int create_keyed(lua_State *L, const char *what,
			enum dbm_constraint_kind kind)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, what);
	const char *table = luaL_checkstring(L, 2);
	luaL_checkany(L, 3);
	struct box *b = push_box(L, release_constraint);
	struct dbm_constraint *c = &b->u.constraint;
	c->kind = kind;
	if (!lua_isnil(L, 1))
		c->name = dbm_xstrdup(luaL_checkstring(L, 1));
	c->columns = to_names(L, 3, &c->ncolumns, what);
	return add_constraint(L, ddl, table, c);
}

static int l_create_unique_constraint(lua_State *L)
{
	return create_keyed(L, "op.create_unique_constraint", DBM_C_UNIQUE);
}

static int l_create_primary_key(lua_State *L)
{
	return create_keyed(L, "op.create_primary_key", DBM_C_PRIMARY);
}

/*
 * op.create_foreign_key(name, source_table, referent_table, {local_cols},
 * {remote_cols}, {ondelete=, onupdate=})
 */
static int l_create_foreign_key(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.create_foreign_key");
	const char *source = luaL_checkstring(L, 2);
	const char *referent = luaL_checkstring(L, 3);
	luaL_checkany(L, 4);
	luaL_checkany(L, 5);
	struct box *b = push_box(L, release_constraint);
	struct dbm_constraint *c = &b->u.constraint;
	c->kind = DBM_C_FOREIGN;
	if (!lua_isnil(L, 1))
		c->name = dbm_xstrdup(luaL_checkstring(L, 1));
	c->ref_table = dbm_xstrdup(referent);
	c->columns = to_names(L, 4, &c->ncolumns, "op.create_foreign_key");
	c->ref_columns =
	    to_names(L, 5, &c->nref_columns, "op.create_foreign_key");
	if (lua_istable(L, 6)) {
		c->ondelete = opt_strdup(L, 6, "ondelete");
		c->onupdate = opt_strdup(L, 6, "onupdate");
	}
	return add_constraint(L, ddl, source, c);
}

/* op.create_check_constraint(name, table, condition) */
static int l_create_check_constraint(lua_State *L)
{
	struct dbm_ddl *ddl =
	    dbm_lconn_current_ddl(L, "op.create_check_constraint");
	const char *table = luaL_checkstring(L, 2);
	if (is_kind(L, 3, MT_TEXT))
		lua_getfield(L, 3, "text");
	else
		lua_pushvalue(L, 3);
	const char *cond = luaL_checkstring(L, -1);
	struct box *b = push_box(L, release_constraint);
	struct dbm_constraint *c = &b->u.constraint;
	c->kind = DBM_C_CHECK;
	if (!lua_isnil(L, 1))
		c->name = dbm_xstrdup(luaL_checkstring(L, 1));
	c->check = dbm_xstrdup(cond);
	return add_constraint(L, ddl, table, c);
}

/* op.drop_constraint(name, table, {type_ = "foreignkey"}) */
static int l_drop_constraint(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.drop_constraint");
	const char *name = luaL_checkstring(L, 1);
	const char *table = luaL_checkstring(L, 2);
	const char *type = NULL;
	if (lua_type(L, 3) == LUA_TSTRING) {
		type = lua_tostring(L, 3);
	} else if (lua_istable(L, 3)) {
		lua_getfield(L, 3, "type_");
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_getfield(L, 3, "type");
		}
		type = lua_tostring(L, -1);
	}
	if (type && strcmp(type, "foreignkey") != 0 &&
	    strcmp(type, "unique") != 0 && strcmp(type, "primary") != 0 &&
	    strcmp(type, "check") != 0)
		return luaL_error(L,
				  "op.drop_constraint: unknown type_ '%s' "
				  "(foreignkey, unique, primary or check)",
				  type);
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_DDL(L, ddl, &err,
		  ddl->dialect->drop_constraint(ddl, table, name, type, &err));
	return 0;
}

/* op.execute(sql or sa.text, {name = value}) */
static int l_execute(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.execute");
	luaL_checkany(L, 1);
	return dbm_lconn_exec(L, ddl, 1, lua_isnoneornil(L, 2) ? 0 : 2, false);
}

/*
 * op.bulk_insert(table, {{col = v, ...}, ...}): table is what
 * op.create_table returned, sa.table(...), or a table name.
 */
static int l_bulk_insert(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.bulk_insert");
	luaL_checktype(L, 2, LUA_TTABLE);
	const char *name;
	if (lua_type(L, 1) == LUA_TSTRING) {
		name = lua_tostring(L, 1);
	} else {
		luaL_checktype(L, 1, LUA_TTABLE);
		lua_getfield(L, 1, "name");
		name = luaL_checkstring(L, -1);
		lua_pop(L, 1);
	}
	size_t nrows = lua_rawlen(L, 2);
	for (size_t r = 1; r <= nrows; r++) {
		lua_rawgeti(L, 2, (lua_Integer)r);
		int row = lua_gettop(L);
		luaL_checktype(L, row, LUA_TTABLE);
		/* Column names in a stable order: sorted. */
		lua_newtable(L);
		int keys = lua_gettop(L);
		lua_pushnil(L);
		while (lua_next(L, row)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) == LUA_TSTRING) {
				lua_pushvalue(L, -1);
				lua_rawseti(L, keys,
					    (lua_Integer)lua_rawlen(L, keys) +
						1);
			}
		}
		luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
		lua_getfield(L, -1, LUA_TABLIBNAME);
		lua_getfield(L, -1, "sort");
		lua_pushvalue(L, keys);
		lua_call(L, 1, 0);
		lua_pop(L, 2);
		struct dbm_buf sql = DBM_BUF_INIT;
		dbm_buf_adds(&sql, "INSERT INTO ");
		ddl->dialect->quote(&sql, name);
		dbm_buf_adds(&sql, " (");
		size_t nkeys = lua_rawlen(L, keys);
		for (size_t k = 1; k <= nkeys; k++) {
			lua_rawgeti(L, keys, (lua_Integer)k);
			if (k > 1)
				dbm_buf_adds(&sql, ", ");
			ddl->dialect->quote(&sql, lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		dbm_buf_adds(&sql, ") VALUES (");
		for (size_t k = 1; k <= nkeys; k++) {
			lua_rawgeti(L, keys, (lua_Integer)k);
			dbm_buf_addf(&sql, "%s:%s", k > 1 ? ", " : "",
				     lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		dbm_buf_addch(&sql, ')');
		lua_pushlstring(L, sql.buf, sql.len);
		dbm_buf_release(&sql);
		/* [.., row, keys, sql] */
		dbm_lconn_exec(L, ddl, lua_gettop(L), row, false);
		lua_settop(L, row - 1);
	}
	return 0;
}

/*
 * op.autocommit(fn): fn's statements run outside the revision's
 * transaction, for what cannot run inside one (CREATE INDEX CONCURRENTLY),
 * as Alembic's autocommit_block: commit, run, begin again.
 */
static int l_autocommit(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.autocommit");
	luaL_checktype(L, 1, LUA_TFUNCTION);
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_ddl_commit(ddl, &err) < 0)
		return luaL_error(L, "op.autocommit: %s", err.msg);
	lua_pushvalue(L, 1);
	int status = lua_pcall(L, 0, 0, 0);
	int rc = dbm_ddl_begin(ddl, &err);
	if (status != LUA_OK)
		return lua_error(L); /* the block's own error, as raised */
	if (rc < 0)
		return luaL_error(L, "op.autocommit: %s", err.msg);
	return 0;
}

static int l_is_offline(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.is_offline");
	lua_pushboolean(L, dbm_ddl_offline(ddl));
	return 1;
}

/* bind:execute(sql, params) -> rows */
static int l_bind_execute(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "bind:execute");
	luaL_checkany(L, 2);
	return dbm_lconn_exec(L, ddl, 2, lua_isnoneornil(L, 3) ? 0 : 3, true);
}

/*
 * op.get_bind(): {dialect = {name = "sqlite"}, engine = {name = ...},
 * name = ..., execute = fn}. The dialect name is what revisions branch on.
 */
static int l_get_bind(lua_State *L)
{
	struct dbm_ddl *ddl = dbm_lconn_current_ddl(L, "op.get_bind");
	lua_createtable(L, 0, 4);
	lua_pushstring(L, ddl->dialect->name);
	lua_setfield(L, -2, "name");
	for (int i = 0; i < 2; i++) {
		lua_createtable(L, 0, 1);
		lua_pushstring(L, ddl->dialect->name);
		lua_setfield(L, -2, "name");
		lua_setfield(L, -2, i == 0 ? "dialect" : "engine");
	}
	lua_pushcfunction(L, l_bind_execute);
	lua_setfield(L, -2, "execute");
	return 1;
}

static int l_get_inspector(lua_State *L)
{
	dbm_lconn_current_ddl(L, "op.get_inspector");
	dbm_lconn_push_inspector(L, NULL, 0);
	return 1;
}

/* sa.inspect(bind): the running revision's inspector. */
static int l_inspect(lua_State *L)
{
	return l_get_inspector(L);
}

/* sa.table("name", sa.column("x", type)...) for bulk_insert. */
static int l_light_table(lua_State *L)
{
	luaL_checkstring(L, 1);
	int n = lua_gettop(L);
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "name");
	lua_createtable(L, n, 0);
	for (int i = 2; i <= n; i++) {
		lua_pushvalue(L, i);
		lua_rawseti(L, -2, i - 1);
	}
	lua_setfield(L, -2, "columns");
	luaL_setmetatable(L, MT_TABLE);
	return 1;
}

/* ---- building op and sa ---- */

void dbm_lop_push_op(lua_State *L)
{
	static const luaL_Reg fns[] = {
	    {"create_table", l_create_table},
	    {"drop_table", l_drop_table},
	    {"rename_table", l_rename_table},
	    {"add_column", l_add_column},
	    {"drop_column", l_drop_column},
	    {"alter_column", l_alter_column},
	    {"create_index", l_create_index},
	    {"drop_index", l_drop_index},
	    {"create_unique_constraint", l_create_unique_constraint},
	    {"create_primary_key", l_create_primary_key},
	    {"create_foreign_key", l_create_foreign_key},
	    {"create_check_constraint", l_create_check_constraint},
	    {"drop_constraint", l_drop_constraint},
	    {"execute", l_execute},
	    {"bulk_insert", l_bulk_insert},
	    {"get_bind", l_get_bind},
	    {"get_inspector", l_get_inspector},
	    {"is_offline", l_is_offline},
	    {"autocommit", l_autocommit},
	    {NULL, NULL},
	};
	luaL_newlib(L, fns);
	dbm_lutil_push(L);
	lua_setfield(L, -2, "util");
}

/*
 * Create a metatable with fns, out of revisions' reach: getmetatable()
 * gives false, so a revision cannot change what every sa object does.
 */
static void new_metatable(lua_State *L, const char *name, const luaL_Reg *fns)
{
	if (luaL_newmetatable(L, name)) {
		if (fns)
			luaL_setfuncs(L, fns, 0);
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);
}

static void new_metatables(lua_State *L)
{
	static const char *const plain[] = {
	    MT_COLUMN, MT_CONSTRAINT, MT_INDEX, MT_COMPUTED,
	    MT_FK,     MT_TABLE,      NULL};
	static const luaL_Reg type_fns[] = {{"__call", l_type_call},
					    {"__tostring", l_type_tostring},
					    {"__newindex", l_type_newindex},
					    {NULL, NULL}};
	static const luaL_Reg text_fns[] = {{"__tostring", l_text_tostring},
					    {NULL, NULL}};
	static const luaL_Reg box_fns[] = {
	    {"__gc", l_box_gc}, {"__close", l_box_gc}, {NULL, NULL}};
	for (const char *const *m = plain; *m; m++)
		new_metatable(L, *m, NULL);
	new_metatable(L, MT_TYPE, type_fns);
	new_metatable(L, MT_TEXT, text_fns);
	new_metatable(L, MT_BOX, box_fns);
}

void dbm_lop_push_sa(lua_State *L)
{
	new_metatables(L);
	static const luaL_Reg fns[] = {
	    {"Column", l_column},
	    {"ForeignKey", l_foreign_key},
	    {"Computed", l_computed},
	    {"PrimaryKeyConstraint", l_primary_key_constraint},
	    {"ForeignKeyConstraint", l_foreign_key_constraint},
	    {"UniqueConstraint", l_unique_constraint},
	    {"CheckConstraint", l_check_constraint},
	    {"Index", l_index},
	    {"text", l_text},
	    {"inspect", l_inspect},
	    {"table", l_light_table},
	    {"column", l_column},
	    {NULL, NULL},
	};
	luaL_newlib(L, fns);
	for (size_t i = 0; i < sizeof(type_defs) / sizeof(type_defs[0]); i++) {
		push_type(L, type_defs[i].name);
		if (type_defs[i].length >= 0) {
			lua_pushinteger(L, type_defs[i].length);
			set_type_field(L, lua_gettop(L) - 1, "length");
		}
		lua_setfield(L, -2, type_defs[i].name);
	}
	lua_newtable(L); /* sa.func */
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, l_func_index);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_setfield(L, -2, "func");
	lua_pushlightuserdata(L, NULL);
	lua_setfield(L, -2, "null");
}
