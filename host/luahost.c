#include "luahost.h"

#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "buf.h"
#include "fs.h"
#include "lop.h"
#include "mem.h"

/* Registry keys: addresses of these. */
static const char CTX_KEY = 'c';
static const char ENV_MT_KEY = 'e';
static const char OP_KEY = 'o';
static const char SA_KEY = 's';

lua_State *dbm_lua_newstate(void)
{
	lua_State *L = luaL_newstate();
	if (!L)
		return NULL;
	/* The host itself needs no io, package or debug: open only these. */
	static const luaL_Reg libs[] = {
	    {LUA_GNAME, luaopen_base},	     {LUA_STRLIBNAME, luaopen_string},
	    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
	    {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os},
	};
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	dbm_lua_sandbox_init(L);
	return L;
}

struct dbm_lua_ctx *dbm_lua_set_ctx(lua_State *L, struct dbm_lua_ctx *ctx)
{
	struct dbm_lua_ctx *old = dbm_lua_ctx(L);
	lua_pushlightuserdata(L, ctx);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
	return old;
}

struct dbm_lua_ctx *dbm_lua_ctx(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
	struct dbm_lua_ctx *ctx = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return ctx;
}

/* print() in a revision writes one log line. */
static int l_print(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	struct dbm_lua_ctx *ctx = dbm_lua_ctx(L);
	if (ctx)
		dbm_logf(ctx->log, DBM_LOG_INFO, "alembic.runtime.migration",
			 "%s", lua_tostring(L, -1));
	return 0;
}

/* _ENV's __index: a read of an unknown global is an error (typos surface). */
static int l_env_index(lua_State *L)
{
	/* [env, key]; upvalue: the base */
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "undefined global '%s'",
				  lua_tostring(L, 2));
	return luaL_error(L, "undefined global");
}

static int l_env_newindex(lua_State *L)
{
	/* [env, key, value] */
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L,
				  "assignment to undeclared global '%s' (use "
				  "'local')",
				  lua_tostring(L, 2));
	return luaL_error(L, "assignment to undeclared global");
}

static int l_os_index(lua_State *L)
{
	/* [os, key] */
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "'os.%s' is not available in a revision",
				  lua_tostring(L, 2));
	return luaL_error(L, "undefined field of 'os'");
}

/* A string's metatable is the host's: a revision gets none. */
static int l_getmetatable(lua_State *L)
{
	luaL_checkany(L, 1);
	if (lua_type(L, 1) == LUA_TSTRING || !lua_getmetatable(L, 1)) {
		lua_pushnil(L);
		return 1;
	}
	luaL_getmetafield(L, 1, "__metatable");
	return 1; /* __metatable when set, else the metatable */
}

/*
 * The tables every revision shares (string, op, sa...) are read-only
 * proxies made once per state: reads reach the real table, writes raise,
 * so one revision cannot change what the next one sees, and loading a
 * revision costs one empty _ENV table, however many there are.
 */
static int l_readonly_newindex(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "__dbm_readonly");
	return luaL_error(L, "'%s' is read-only in a revision",
			  lua_tostring(L, -1));
}

static int l_readonly_pairs(lua_State *L)
{
	/* pairs(proxy) walks the real table */
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "__index");
	lua_getglobal(L, "next");
	lua_insert(L, -2);
	lua_pushnil(L);
	return 3;
}

/* Replace the table at the top by a read-only proxy named name. */
static void make_readonly(lua_State *L, const char *name)
{
	/* [real] */
	lua_newtable(L);
	lua_createtable(L, 0, 5);
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_readonly_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, l_readonly_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__dbm_readonly");
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
	/* [proxy] */
}

/* rawset may not write through a proxy's back door. */
static int l_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_getmetatable(L, 1)) {
		if (lua_getfield(L, -1, "__dbm_readonly") == LUA_TSTRING)
			return luaL_error(L, "'%s' is read-only in a revision",
					  lua_tostring(L, -1));
		lua_pop(L, 2);
	}
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* Push a copy of the fields only (or all) of package.loaded[lib]. */
static void push_lib_copy(lua_State *L, const char *lib,
			  const char *const *only)
{
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, lib);
	/* [loaded, lib] */
	lua_newtable(L);
	if (only) {
		for (; *only; only++) {
			lua_getfield(L, -2, *only);
			lua_setfield(L, -2, *only);
		}
	} else if (lua_istable(L, -2)) {
		lua_pushnil(L);
		while (lua_next(L, -3)) {
			/* [loaded, lib, copy, k, v] */
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		}
	}
	lua_remove(L, -2);
	lua_remove(L, -2);
	/* [copy] */
}

void dbm_lua_sandbox_init(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_MT_KEY);
	int done = !lua_isnil(L, -1);
	lua_pop(L, 1);
	if (done)
		return;

	/* The libraries may not be loaded yet (the host state opens them). */
	static const luaL_Reg libs[] = {
	    {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
	    {LUA_MATHLIBNAME, luaopen_math},  {LUA_UTF8LIBNAME, luaopen_utf8},
	    {LUA_OSLIBNAME, luaopen_os},
	};
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 0);
		lua_pop(L, 1);
	}

	lua_newtable(L); /* [base] */
	static const char *const safe_globals[] = {
	    "assert",	    "error",	"ipairs",   "next",   "pairs",
	    "pcall",	    "rawequal", "rawget",   "rawlen", "select",
	    "setmetatable", "tonumber", "tostring", "type",   "xpcall",
	    "_VERSION",	    NULL,
	};
	for (const char *const *g = safe_globals; *g; g++) {
		lua_getglobal(L, *g);
		lua_setfield(L, -2, *g);
	}
	lua_pushcfunction(L, l_print);
	lua_setfield(L, -2, "print");
	lua_pushcfunction(L, l_getmetatable);
	lua_setfield(L, -2, "getmetatable");
	lua_pushcfunction(L, l_rawset);
	lua_setfield(L, -2, "rawset");
	static const char *const libnames[] = {"string", "table", "math",
					       "utf8", NULL};
	for (const char *const *lib = libnames; *lib; lib++) {
		push_lib_copy(L, *lib, NULL);
		make_readonly(L, *lib);
		lua_setfield(L, -2, *lib);
	}
	static const char *const os_time[] = {"time", "clock", "date",
					      "difftime", NULL};
	push_lib_copy(L, "os", os_time);
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, l_os_index);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	make_readonly(L, "os");
	lua_setfield(L, -2, "os");

	dbm_lop_push_op(L);
	lua_getfield(L, -1, "util");
	make_readonly(L, "op.util");
	lua_setfield(L, -2, "util");
	make_readonly(L, "op");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &OP_KEY);
	lua_setfield(L, -2, "op");
	dbm_lop_push_sa(L);
	make_readonly(L, "sa");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &SA_KEY);
	lua_setfield(L, -2, "sa");

	/* The one metatable of every revision's _ENV. */
	lua_createtable(L, 0, 3);
	lua_insert(L, -2);
	lua_pushcclosure(L, l_env_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_env_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ENV_MT_KEY);
}

void dbm_lua_push_op(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &OP_KEY);
}

void dbm_lua_push_sa(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &SA_KEY);
}

/* Push a fresh _ENV for one chunk: empty, reads fall back to the base. */
static void push_env(lua_State *L)
{
	lua_newtable(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_MT_KEY);
	lua_setmetatable(L, -2);
}

static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = luaL_tolstring(L, 1, NULL);
	struct dbm_lua_ctx *ctx = dbm_lua_ctx(L);
	if (ctx && ctx->verbose)
		luaL_traceback(L, L, msg, 1);
	else
		lua_pushstring(L, msg);
	return 1;
}

int dbm_lua_pcall(lua_State *L, int nargs, int nresults, enum dbm_err_kind kind,
		  struct dbm_err *err)
{
	int base = lua_gettop(L) - nargs; /* the function's slot */
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	int status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (status == LUA_OK)
		return 0;
	dbm_err_set(err, kind, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	return -1;
}

int dbm_lua_load_text(lua_State *L, const char *text, size_t len,
		      const char *chunkname, struct dbm_err *err)
{
	struct dbm_buf name = DBM_BUF_INIT;
	dbm_buf_addf(&name, "@%s", chunkname);
	/* Text mode only: binary chunks bypass the compiler's checks. */
	int rc = luaL_loadbufferx(L, text, len, name.buf, "t");
	dbm_buf_release(&name);
	if (rc != LUA_OK) {
		dbm_err_set(err, DBM_EUSAGE, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	return 0;
}

bool dbm_lua_load_compiled(lua_State *L, const void *code, size_t len)
{
	if (luaL_loadbufferx(L, code, len, "=compiled", "b") != LUA_OK) {
		lua_pop(L, 1);
		return false;
	}
	return true;
}

static int write_dump(lua_State *L, const void *p, size_t n, void *out)
{
	(void)L;
	dbm_buf_add(out, p, n);
	return 0;
}

void dbm_lua_dump(lua_State *L, struct dbm_buf *out)
{
	lua_dump(L, write_dump, out, 0); /* debug info kept: file:line */
}

int dbm_lua_run_loaded(lua_State *L, struct dbm_err *err)
{
	push_env(L);
	if (!lua_setupvalue(L, -2, 1))
		DBM_BUG("a main chunk has _ENV as first upvalue");
	return dbm_lua_pcall(L, 0, 1, DBM_EUSAGE, err);
}

int dbm_lua_run_buffer(lua_State *L, const char *text, size_t len,
		       const char *chunkname, struct dbm_err *err)
{
	if (dbm_lua_load_text(L, text, len, chunkname, err) < 0)
		return -1;
	return dbm_lua_run_loaded(L, err);
}

int dbm_lua_run_file(lua_State *L, const char *path, const char *chunkname,
		     struct dbm_err *err)
{
	struct dbm_buf text = DBM_BUF_INIT;
	int rc = dbm_fs_read(&text, path, err);
	if (rc == 0)
		rc = dbm_lua_run_buffer(L, text.buf, text.len, chunkname, err);
	dbm_buf_release(&text);
	return rc;
}
