/*
 * Database drivers: one vtable per engine (SQLite, PostgreSQL, MySQL),
 * sqlite3_vfs style. A concrete connection embeds struct dbm_conn first.
 * SQL arrives in the engine's own placeholder style (the dialect layer
 * renders it) and values always travel out of line.
 *
 * SQLite is built in; PostgreSQL and MySQL are modules (dbm_postgresql.so,
 * dbm_mysql.so) that dbm_db_connect loads on first use. A module carries
 * its own copy of the helpers it calls (buf, err, mem, url, db_result.c):
 * it cannot reach the program's.
 */
#ifndef DBM_DB_H
#define DBM_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "url.h"

enum dbm_value_kind {
	DBM_V_NULL,
	DBM_V_INT,
	DBM_V_REAL,
	DBM_V_TEXT,
	DBM_V_BLOB,
};

/* A bound parameter or a result cell. Text and blobs are not copied. */
struct dbm_value {
	enum dbm_value_kind kind;
	int64_t i;
	double r;
	const char *s; /* TEXT (NUL-terminated) or BLOB bytes */
	size_t n;
};

/* Rows of a query; every string is owned by the result. */
struct dbm_result {
	size_t ncols, nrows;
	char **names;		 /* ncols column names */
	struct dbm_value *cells; /* nrows * ncols, row-major; text owned */
	size_t alloc;		 /* rows allocated */
};

struct dbm_result *dbm_result_new(size_t ncols);
void dbm_result_free(struct dbm_result *res);
void dbm_result_set_name(struct dbm_result *res, size_t col, const char *name);
/* Append a row of ncols values, copying their text. */
void dbm_result_add_row(struct dbm_result *res, const struct dbm_value *row);
/* Cell (row, col), borrowed. */
const struct dbm_value *dbm_result_cell(const struct dbm_result *res,
					size_t row, size_t col);

struct dbm_conn;

/*
 * A module built from other sources than the program would misread these
 * structs: raise the version whenever dbm_driver, dbm_conn, dbm_value,
 * dbm_result, dbm_url or dbm_err change.
 */
#define DBM_DRIVER_VERSION 1

struct dbm_driver {
	int version; /* DBM_DRIVER_VERSION */
	const char *dialect;
	int (*connect)(struct dbm_conn **out, const struct dbm_url *url,
		       struct dbm_err *err);
	void (*close)(struct dbm_conn *conn);
	/* One statement. out may be NULL when no rows are wanted. */
	int (*exec)(struct dbm_conn *conn, const char *sql,
		    const struct dbm_value *params, size_t nparams,
		    struct dbm_result **out, struct dbm_err *err);
	/*
	 * Transactions. begin_write takes the engine's write lock at once
	 * (SQLite BEGIN IMMEDIATE), waiting up to timeout seconds.
	 */
	int (*begin)(struct dbm_conn *conn, bool write, double timeout,
		     struct dbm_err *err);
	int (*commit)(struct dbm_conn *conn, struct dbm_err *err);
	int (*rollback)(struct dbm_conn *conn, struct dbm_err *err);
	bool (*in_transaction)(struct dbm_conn *conn);
	/*
	 * The run lock, held until unlock or until the session ends (so a
	 * killed process frees it): PostgreSQL pg_try_advisory_lock polled
	 * with back-off on a connection of its own, MySQL GET_LOCK. Waits up
	 * to timeout seconds; the error names who holds it where the server
	 * tells. NULL for SQLite, whose write transaction is the lock.
	 */
	int (*lock)(struct dbm_conn *conn, const char *name, double timeout,
		    struct dbm_err *err);
	int (*unlock)(struct dbm_conn *conn, const char *name,
		      struct dbm_err *err);
};

struct dbm_conn {
	const struct dbm_driver *driver;
	char *display; /* the URL with its password masked, for messages */
	/* Rows the last INSERT, UPDATE or DELETE matched, set by exec. */
	int64_t changes;
};

/*
 * Connect with the driver for url->dialect. A driver module that cannot be
 * loaded is a DBM_EFAIL error naming the file.
 */
int dbm_db_connect(struct dbm_conn **out, const struct dbm_url *url,
		   struct dbm_err *err);
/* Close and free; NULL is fine. */
void dbm_db_close(struct dbm_conn *conn);
int dbm_db_exec(struct dbm_conn *conn, const char *sql,
		const struct dbm_value *params, size_t nparams,
		struct dbm_result **out, struct dbm_err *err);

/*
 * Where the driver modules are: dir (shorter than PATH_MAX), or with NULL
 * the running program's directory, the default. The Lua module sets its
 * own directory.
 */
void dbm_db_set_driver_dir(const char *dir);

extern const struct dbm_driver dbm_driver_sqlite;

/*
 * What a driver module exports, found by name (dbm_driver_<dialect>); the
 * modules are built with hidden visibility, so nothing else leaks out.
 */
#define DBM_DRIVER_EXPORT __attribute__((visibility("default")))
extern DBM_DRIVER_EXPORT const struct dbm_driver dbm_driver_postgresql;
extern DBM_DRIVER_EXPORT const struct dbm_driver dbm_driver_mysql;

#endif
