/*
 * Tacker's soft-delete purge (tacker/db/migration/purge_tables.py), as a
 * service below the purge_deleted command: rows of vnf, vnfd or vims
 * deleted at or before a cutoff, with the rows of the tables that point at
 * them through a foreign key, and the events of resources whose DELETE
 * event is that old. One write transaction; every value is bound.
 */
#ifndef DBM_PURGE_H
#define DBM_PURGE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ddl.h"
#include "err.h"
#include "vec.h"

/* "YYYY-MM-DD HH:MM:SS.ffffff" and its NUL. */
#define DBM_PURGE_TS_SIZE 27

/*
 * Tacker marks a live row with deleted_at = datetime.min
 * ("0001-01-01 00:00:00", revision f5c1c3b0f6b4); older rows may have
 * NULL. Only rows deleted at or after this moment count as deleted.
 */
#define DBM_PURGE_DELETED_SINCE "0001-01-02 00:00:00"

/* Rows deleted from one table. */
struct dbm_purge_count {
	char *table;
	int64_t rows;
};

/*
 * Rows of a resource table deleted before the cutoff but kept, because
 * rows of another table that is not purged along still point at them.
 */
struct dbm_purge_held {
	char *table;
	char *referrer;
	int64_t rows;
};

struct dbm_purge_report {
	/* One entry per table considered, in the order deleted from. */
	DBM_VEC(struct dbm_purge_count) deleted;
	DBM_VEC(struct dbm_purge_held) held;
};

#define DBM_PURGE_REPORT_INIT                                                  \
	{                                                                      \
		DBM_VEC_INIT, DBM_VEC_INIT                                     \
	}

void dbm_purge_report_release(struct dbm_purge_report *report);

/* "all", "events", "vnf", "vnfd" or "vims". */
bool dbm_purge_resource_valid(const char *resource);

/*
 * Age (a non-negative integer, decimal digits) times the granularity
 * ("days", "hours", "minutes" or "seconds"), in seconds; saturates
 * instead of overflowing. Usage errors in the words of Tacker's parser
 * and purge_tables.py: "'x' - age should be an integer".
 */
int dbm_purge_age_seconds(int64_t *out, const char *age,
			  const char *granularity, struct dbm_err *err);

/*
 * now minus seconds, in UTC, as "YYYY-MM-DD HH:MM:SS.ffffff": a text that
 * PostgreSQL, MySQL and SQLite (text timestamps) all compare as a time.
 * A cutoff before DBM_PURGE_DELETED_SINCE is clamped to
 * "0001-01-01 00:00:00.000000", which purges nothing.
 */
void dbm_purge_cutoff(char out[DBM_PURGE_TS_SIZE], const struct timespec *now,
		      int64_t seconds);

/*
 * Purge resource at cutoff on ddl's connection (online only), in one
 * write transaction that waits up to ddl->lock_timeout for SQLite's lock.
 * report (initialized by the caller) is filled on success; on failure
 * everything is rolled back and report is left empty. A missing table or
 * deleted_at column is a failure naming it (the database is not at head).
 */
int dbm_purge_deleted(struct dbm_purge_report *report, struct dbm_ddl *ddl,
		      const char *resource, const char *cutoff,
		      struct dbm_err *err);

#endif
