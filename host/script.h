/*
 * The script directory: versions/<rev>.lua files read into a revision map, and
 * revision files loaded again when they run.
 */
#ifndef DBM_SCRIPT_H
#define DBM_SCRIPT_H

#include <stdbool.h>

#include <lua.h>

#include "err.h"
#include "revmap.h"

struct dbm_file_stat;
struct dbm_revcache;

struct dbm_scripts {
	char *dir;	/* the script location as given */
	char *versions; /* dir + "/versions" */
	struct dbm_revmap map;
	int dirfd; /* versions, open while dir_open: files are read at it */
	bool dir_open;
	/* For the caches (revcache.h), NULL without: each file's stat as
	 * loaded, by revision index, and the compiled chunks, opened by the
	 * first dbm_scripts_push. */
	struct dbm_file_stat *stats;
	struct dbm_revcache *chunks;
	bool chunks_opened;
};

#define DBM_SCRIPTS_INIT                                                       \
	{                                                                      \
		NULL, NULL, DBM_REVMAP_INIT                                    \
	}

/*
 * Load every versions/<rev>.lua of dir (sandboxed, in L) and build the map.
 * Errors are usage class and name the file: a Lua error with file:line,
 * a file that returns no table, a bad field, or a graph error.
 */
int dbm_scripts_load(struct dbm_scripts *out, lua_State *L, const char *dir,
		     struct dbm_err *err);
void dbm_scripts_release(struct dbm_scripts *s);

/*
 * Compile and run every revision file and check that each returns what its
 * header said (dbm_scripts_load reads usual headers as text): a syntax
 * error anywhere in a file surfaces here. check_migration runs it.
 */
int dbm_scripts_check(lua_State *L, const struct dbm_scripts *s,
		      struct dbm_err *err);

/*
 * Run revision rev's file again and push the table it returns: from the
 * chunk compiled on an earlier run when the file has not changed since.
 */
int dbm_scripts_push(lua_State *L, struct dbm_scripts *s, size_t rev,
		     struct dbm_err *err);

/* The id in versions/HEAD (owned by the caller), or NULL with err set. */
char *dbm_scripts_read_head_file(const struct dbm_scripts *s,
				 struct dbm_err *err);

/* A revision id must fit the version table: 1-32 of [A-Za-z0-9_]. */
bool dbm_scripts_valid_id(const char *id);

#endif
