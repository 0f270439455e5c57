/*
 * require "dbmanage": the host as a Lua module, for revision tests under
 * busted. No C globals: a script set and a connection are userdata.
 *
 *   local dbm = require "dbmanage"
 *   local scripts = dbm.scripts("alembic_migrations")
 *   local conn <close> = dbm.connect("sqlite://")
 *   conn:upgrade(scripts, "head")
 *   conn:query("SELECT * FROM vims WHERE id = :id", { id = "x" })
 *   conn:execute("UPDATE vims SET extra = :x", { x = dbm.null })
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "db.h"
#include "ddl.h"
#include "lconn.h"
#include "luahost.h"
#include "runner.h"
#include "script.h"
#include "url.h"

#define MT_SCRIPTS "dbmanage.scripts"
#define MT_CONN	   "dbmanage.connection"

struct lscripts {
	struct dbm_scripts s;
	bool loaded;
};

struct lconn {
	struct dbm_conn *conn; /* NULL once closed */
	struct dbm_ddl ddl;    /* for execute, query and inspect */
};

static int raise_err(lua_State *L, const struct dbm_err *err)
{
	struct dbm_buf text = DBM_BUF_INIT;
	dbm_url_mask_text(&text, err->msg);
	lua_pushlstring(L, text.buf, text.len);
	dbm_buf_release(&text);
	return lua_error(L);
}

/* ---- scripts ---- */

static struct lscripts *check_scripts(lua_State *L, int idx)
{
	struct lscripts *s = luaL_checkudata(L, idx, MT_SCRIPTS);
	if (!s->loaded)
		luaL_error(L, "script set is released");
	return s;
}

static int l_scripts_gc(lua_State *L)
{
	struct lscripts *s = luaL_checkudata(L, 1, MT_SCRIPTS);
	if (s->loaded)
		dbm_scripts_release(&s->s);
	s->loaded = false;
	return 0;
}

/* dbm.scripts(dir) */
static int l_scripts(lua_State *L)
{
	const char *dir = luaL_checkstring(L, 1);
	struct lscripts *s = lua_newuserdatauv(L, sizeof(*s), 0);
	memset(s, 0, sizeof(*s));
	luaL_setmetatable(L, MT_SCRIPTS);
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_scripts_load(&s->s, L, dir, &err) < 0) {
		dbm_scripts_release(&s->s);
		return raise_err(L, &err);
	}
	s->loaded = true;
	return 1;
}

static void push_ids(lua_State *L, const struct dbm_revmap *map,
		     const dbm_revset *set)
{
	lua_createtable(L, (int)set->len, 0);
	for (size_t i = 0; i < set->len; i++) {
		lua_pushstring(L, map->revs[set->items[i]].id);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static int l_scripts_heads(lua_State *L)
{
	struct lscripts *s = check_scripts(L, 1);
	push_ids(L, &s->s.map, &s->s.map.heads);
	return 1;
}

static int l_scripts_bases(lua_State *L)
{
	struct lscripts *s = check_scripts(L, 1);
	push_ids(L, &s->s.map, &s->s.map.bases);
	return 1;
}

/* scripts:resolve(spec [, current ids]) -> ids */
static int l_scripts_resolve(lua_State *L)
{
	struct lscripts *s = check_scripts(L, 1);
	const char *spec = luaL_checkstring(L, 2);
	dbm_revset current = DBM_VEC_INIT, out = DBM_VEC_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	int rc = 0;
	if (lua_istable(L, 3)) {
		size_t n = lua_rawlen(L, 3);
		for (size_t i = 1; i <= n && rc == 0; i++) {
			lua_rawgeti(L, 3, (lua_Integer)i);
			const char *id = lua_tostring(L, -1);
			long at = id ? dbm_revmap_find(&s->s.map, id) : -1;
			if (at < 0)
				rc = dbm_err_set(&err, DBM_EUSAGE,
						 "no such revision '%s'",
						 id ? id : "?");
			else
				dbm_vec_push(&current, (size_t)at);
			lua_pop(L, 1);
		}
	}
	if (rc == 0)
		rc = dbm_revmap_resolve(&s->s.map, spec, &current, &out, &err);
	if (rc == 0)
		push_ids(L, &s->s.map, &out);
	dbm_vec_release(&current);
	dbm_vec_release(&out);
	return rc < 0 ? raise_err(L, &err) : 1;
}

static void set_list(lua_State *L, const char *key, char *const *items,
		     size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, items[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, key);
}

/* scripts:get(id or prefix) -> {revision=, down_revision={...}, ...} */
static int l_scripts_get(lua_State *L)
{
	struct lscripts *s = check_scripts(L, 1);
	size_t at;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_revmap_lookup(&s->s.map, luaL_checkstring(L, 2), &at, &err) < 0)
		return raise_err(L, &err);
	const struct dbm_revision *r = &s->s.map.revs[at];
	lua_createtable(L, 0, 8);
	lua_pushstring(L, r->id);
	lua_setfield(L, -2, "revision");
	set_list(L, "down_revision", r->down, r->ndown);
	set_list(L, "branch_labels", r->labels, r->nlabels);
	set_list(L, "depends_on", r->depends, r->ndepends);
	lua_pushstring(L, r->message);
	lua_setfield(L, -2, "message");
	lua_pushstring(L, r->path);
	lua_setfield(L, -2, "path");
	lua_pushboolean(L, r->is_head);
	lua_setfield(L, -2, "is_head");
	return 1;
}

/* scripts:revisions() -> ids, base first */
static int l_scripts_revisions(lua_State *L)
{
	struct lscripts *s = check_scripts(L, 1);
	const struct dbm_revmap *map = &s->s.map;
	lua_createtable(L, (int)map->len, 0);
	for (size_t i = 0; i < map->len; i++) {
		lua_pushstring(L, map->revs[map->topo[i]].id);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* ---- connections ---- */

static struct lconn *check_conn(lua_State *L, int idx)
{
	struct lconn *c = luaL_checkudata(L, idx, MT_CONN);
	if (!c->conn)
		luaL_error(L, "connection is closed");
	return c;
}

/* One idempotent close for close(), __close and __gc. */
static int l_conn_close(lua_State *L)
{
	struct lconn *c = luaL_checkudata(L, 1, MT_CONN);
	dbm_ddl_release(&c->ddl);
	dbm_db_close(c->conn);
	c->conn = NULL;
	c->ddl.conn = NULL; /* inspectors of this connection see it closed */
	return 0;
}

/* dbm.connect(url) */
static int l_connect(lua_State *L)
{
	const char *text = luaL_checkstring(L, 1);
	struct lconn *c = lua_newuserdatauv(L, sizeof(*c), 0);
	memset(c, 0, sizeof(*c)); /* created closed */
	luaL_setmetatable(L, MT_CONN);
	struct dbm_url url = DBM_URL_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	const struct dbm_dialect *d = NULL;
	if (dbm_url_parse(&url, text, &err) == 0) {
		d = dbm_dialect_find(url.dialect);
		if (!d)
			dbm_err_set(&err, DBM_EUSAGE,
				    "no dialect '%s' in this build",
				    url.dialect);
		else
			dbm_db_connect(&c->conn, &url, &err);
	}
	dbm_url_release(&url);
	if (!c->conn)
		return raise_err(L, &err);
	c->ddl.dialect = d;
	c->ddl.conn = c->conn;
	return 1;
}

/*
 * Log lines go to opts.log(level, logger, message) when given. The function
 * is held by a registry reference, not a stack index: lines also come from
 * print() in a revision, which runs in another C frame.
 */
struct log_target {
	lua_State *L;
	int ref; /* registry reference of the function, or LUA_NOREF */
};

static void log_to_lua(void *payload, enum dbm_log_level level,
		       const char *logger, const char *msg)
{
	struct log_target *t = payload;
	static const char *const names[] = {"DEBUG", "INFO", "WARNING",
					    "ERROR"};
	lua_State *L = t->L;
	if (!lua_checkstack(L, 4))
		return;
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ref);
	lua_pushstring(L, names[level]);
	lua_pushstring(L, logger);
	lua_pushstring(L, msg);
	if (lua_pcall(L, 3, 0, 0) != LUA_OK)
		lua_pop(L, 1); /* a failing logger must not break the run */
}

/* conn:upgrade(scripts, target [, opts]) and friends share this. */
static int run_command(lua_State *L, int which)
{
	struct lconn *c = check_conn(L, 1);
	struct lscripts *s = check_scripts(L, 2);
	const char *target = luaL_checkstring(L, 3);
	struct dbm_run run = DBM_RUN_INIT;
	struct log_target target_log = {L, LUA_NOREF};
	struct dbm_log log = DBM_LOG_INIT;
	bool purge = false;
	if (lua_istable(L, 4)) {
		if (lua_getfield(L, 4, "transaction_per_migration") ==
		    LUA_TBOOLEAN)
			run.transaction_per_migration = lua_toboolean(L, -1);
		lua_pop(L, 1);
		if (lua_getfield(L, 4, "version_table") == LUA_TSTRING)
			run.version_table = lua_tostring(L, -1);
		else
			lua_pop(L, 1); /* a string stays, kept alive */
		purge = (lua_getfield(L, 4, "purge"), lua_toboolean(L, -1));
		lua_pop(L, 1);
		if (lua_getfield(L, 4, "log") == LUA_TFUNCTION) {
			target_log.ref = luaL_ref(L, LUA_REGISTRYINDEX);
			log.fn = log_to_lua;
			log.payload = &target_log;
		} else {
			lua_pop(L, 1);
		}
	}
	run.L = L;
	run.scripts = &s->s;
	run.dialect = c->ddl.dialect;
	run.conn = c->conn;
	run.log = &log;
	struct dbm_err err = DBM_ERR_INIT;
	int rc;
	if (which == 0)
		rc = dbm_run_upgrade(&run, NULL, target, &err);
	else if (which == 1)
		rc = dbm_run_downgrade(&run, NULL, target, &err);
	else
		rc = dbm_run_stamp(&run, NULL, target, purge, &err);
	luaL_unref(L, LUA_REGISTRYINDEX, target_log.ref);
	return rc < 0 ? raise_err(L, &err) : 0;
}

static int l_conn_upgrade(lua_State *L)
{
	return run_command(L, 0);
}

static int l_conn_downgrade(lua_State *L)
{
	return run_command(L, 1);
}

static int l_conn_stamp(lua_State *L)
{
	return run_command(L, 2);
}

/* conn:current() -> { ids } (the version table's rows) */
static int l_conn_current(lua_State *L)
{
	struct lconn *c = check_conn(L, 1);
	struct dbm_run run = DBM_RUN_INIT;
	run.L = L;
	run.dialect = c->ddl.dialect;
	run.conn = c->conn;
	if (lua_type(L, 2) == LUA_TSTRING)
		run.version_table = lua_tostring(L, 2);
	char **rows = NULL;
	size_t n = 0;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_run_current(&run, &rows, &n, &err) < 0)
		return raise_err(L, &err);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, rows[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	dbm_run_free_rows(rows);
	return 1;
}

static int l_conn_execute(lua_State *L)
{
	struct lconn *c = check_conn(L, 1);
	luaL_checkany(L, 2);
	return dbm_lconn_exec(L, &c->ddl, 2, lua_isnoneornil(L, 3) ? 0 : 3,
			      false);
}

static int l_conn_query(lua_State *L)
{
	struct lconn *c = check_conn(L, 1);
	luaL_checkany(L, 2);
	return dbm_lconn_exec(L, &c->ddl, 2, lua_isnoneornil(L, 3) ? 0 : 3,
			      true);
}

static int l_conn_inspect(lua_State *L)
{
	struct lconn *c = check_conn(L, 1);
	dbm_lconn_push_inspector(L, &c->ddl, 1);
	return 1;
}

static int l_conn_index(lua_State *L)
{
	/* [conn, key]: methods first, then the dialect name */
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "methods");
	lua_pushvalue(L, 2);
	if (lua_rawget(L, -2) != LUA_TNIL)
		return 1;
	const char *key = lua_tostring(L, 2);
	struct lconn *c = luaL_checkudata(L, 1, MT_CONN);
	if (key && strcmp(key, "dialect") == 0 && c->ddl.dialect) {
		lua_pushstring(L, c->ddl.dialect->name);
		return 1;
	}
	lua_pushnil(L);
	return 1;
}

/*
 * The driver modules sit next to this module (the build directory, or
 * wherever both are installed), not next to the lua program. Should this
 * file not be found, the default stays and the error names where it looked.
 */
static void set_driver_dir(void)
{
	Dl_info info;
	char *path = dladdr((void *)set_driver_dir, &info)
			 ? realpath(info.dli_fname, NULL)
			 : NULL;
	if (!path)
		return;
	*strrchr(path, '/') = '\0'; /* realpath is absolute */
	dbm_db_set_driver_dir(path);
	free(path);
}

int luaopen_dbmanage(lua_State *L)
{
	set_driver_dir();
	dbm_lua_sandbox_init(L);
	if (luaL_newmetatable(L, MT_SCRIPTS)) {
		static const luaL_Reg methods[] = {
		    {"heads", l_scripts_heads},
		    {"bases", l_scripts_bases},
		    {"resolve", l_scripts_resolve},
		    {"get", l_scripts_get},
		    {"revisions", l_scripts_revisions},
		    {NULL, NULL},
		};
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_scripts_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	if (luaL_newmetatable(L, MT_CONN)) {
		static const luaL_Reg methods[] = {
		    {"upgrade", l_conn_upgrade},
		    {"downgrade", l_conn_downgrade},
		    {"stamp", l_conn_stamp},
		    {"current", l_conn_current},
		    {"execute", l_conn_execute},
		    {"query", l_conn_query},
		    {"inspect", l_conn_inspect},
		    {"close", l_conn_close},
		    {NULL, NULL},
		};
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "methods");
		lua_pushcfunction(L, l_conn_index);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_conn_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_conn_close);
		lua_setfield(L, -2, "__close");
	}
	lua_pop(L, 1);
	static const luaL_Reg fns[] = {
	    {"connect", l_connect},
	    {"scripts", l_scripts},
	    {NULL, NULL},
	};
	luaL_newlib(L, fns);
	lua_pushliteral(L, DBM_VERSION);
	lua_setfield(L, -2, "version");
	/* What revisions see as sa, for specs: dbm.sa.text, dbm.null. */
	dbm_lua_push_sa(L);
	lua_setfield(L, -2, "sa");
	lua_pushlightuserdata(L, NULL);
	lua_setfield(L, -2, "null");
	return 1;
}
