/*
 * The Lua side of the host: the state, the revision sandbox, protected
 * calls. In the CLI the host owns the state; as a Lua module it works in
 * the caller's (busted's) state, so everything here takes L.
 */
#ifndef DBM_LUAHOST_H
#define DBM_LUAHOST_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "buf.h"
#include "err.h"
#include "log.h"

struct dbm_ddl;

/*
 * What a running revision needs from its host, kept in the registry while
 * the host drives Lua (Redis style) and cleared on every path.
 */
struct dbm_lua_ctx {
	const struct dbm_log *log;
	bool verbose;	      /* tracebacks in error messages */
	struct dbm_ddl *ddl;  /* set while a revision runs, else NULL */
	const char *revision; /* the running revision id, or NULL */
};

/* A new state with the libraries the host uses, and the sandbox set up. */
lua_State *dbm_lua_newstate(void);
/* Set up the sandbox prototype (op, sa, safe globals) once per state. */
void dbm_lua_sandbox_init(lua_State *L);
/* Install ctx as the current context (NULL clears it); returns the old. */
struct dbm_lua_ctx *dbm_lua_set_ctx(lua_State *L, struct dbm_lua_ctx *ctx);
/* The current context, or NULL (borrowed). */
struct dbm_lua_ctx *dbm_lua_ctx(lua_State *L);

/*
 * Load the file at path in text mode as chunk "@<chunkname>" under a fresh
 * sandboxed _ENV, run it, and push its single result. On error nothing is
 * pushed and err holds "file:line: message" (usage class: a broken script
 * is a broken revision graph input).
 */
int dbm_lua_run_buffer(lua_State *L, const char *text, size_t len,
		       const char *chunkname, struct dbm_err *err);
/* The two halves of it: compile (push the function), then run it. */
int dbm_lua_load_text(lua_State *L, const char *text, size_t len,
		      const char *chunkname, struct dbm_err *err);
int dbm_lua_run_loaded(lua_State *L, struct dbm_err *err);
/*
 * Push a chunk the host compiled and dumped itself (dbm_lua_dump), never
 * a revision author's binary; false (nothing pushed) when it does not
 * load, e.g. after an upgrade of Lua.
 */
bool dbm_lua_load_compiled(lua_State *L, const void *code, size_t len);
/* Append the function on top of the stack as a binary chunk. */
void dbm_lua_dump(lua_State *L, struct dbm_buf *out);
int dbm_lua_run_file(lua_State *L, const char *path, const char *chunkname,
		     struct dbm_err *err);
/*
 * lua_pcall with a message handler that keeps "file:line: msg" and, when
 * the context says verbose, appends a traceback. On error the message is
 * popped into err (class kind) and nothing is left on the stack.
 */
int dbm_lua_pcall(lua_State *L, int nargs, int nresults, enum dbm_err_kind kind,
		  struct dbm_err *err);

/* Push the sandbox's op and sa tables. */
void dbm_lua_push_op(lua_State *L);
void dbm_lua_push_sa(lua_State *L);

#endif
