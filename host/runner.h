/*
 * The runner: the version table, the lock, transactions, and running
 * revisions up, down or stamping them, online or as offline SQL.
 */
#ifndef DBM_RUNNER_H
#define DBM_RUNNER_H

#include <stdbool.h>

#include <lua.h>

#include "ddl.h"
#include "err.h"
#include "log.h"
#include "script.h"

/* Offline SQL output, already formatted (statement + ";\n\n"). */
typedef void (*dbm_write_fn)(void *payload, const char *text);

struct dbm_run {
	lua_State *L;
	struct dbm_scripts
	    *scripts; /* its chunk cache fills as revisions run */
	const struct dbm_dialect *dialect;
	struct dbm_conn *conn; /* borrowed; NULL: offline (--sql) */
	dbm_write_fn write;    /* offline output */
	void *write_payload;
	const char *version_table;	/* "alembic_version" */
	bool transaction_per_migration; /* else one transaction per run */
	double lock_timeout;		/* seconds */
	bool verbose;			/* timings, tracebacks */
	const struct dbm_log *log;
};

#define DBM_RUN_INIT                                                           \
	{                                                                      \
		NULL, NULL, NULL, NULL, NULL, NULL, "alembic_version", true,   \
		    60.0, false, NULL                                          \
	}

/*
 * Upgrade to target (a revmap spec). Offline, start is where the script
 * begins (NULL: base); online it must be NULL.
 */
int dbm_run_upgrade(struct dbm_run *run, const char *start, const char *target,
		    struct dbm_err *err);
int dbm_run_downgrade(struct dbm_run *run, const char *start,
		      const char *target, struct dbm_err *err);
/* Set the version table to target without running revisions. */
int dbm_run_stamp(struct dbm_run *run, const char *start, const char *target,
		  bool purge, struct dbm_err *err);

/*
 * The version table's rows (online, no lock). A missing table is no rows.
 * *out is a NULL-terminated array the caller frees with dbm_run_free_rows.
 */
int dbm_run_current(struct dbm_run *run, char ***out, size_t *out_n,
		    struct dbm_err *err);
void dbm_run_free_rows(char **rows);

#endif
