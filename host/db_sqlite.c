/*
 * The SQLite driver. Connections behave as SQLAlchemy's pysqlite ones: the
 * file is created when missing, foreign keys keep SQLite's default (off),
 * and statements wait up to 5 s on a busy database, as Python's sqlite3
 * module does. begin() sets the wait for the run's own lock.
 */
#include "db.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "mem.h"

#define DEFAULT_BUSY_MS 5000
/* How much of an extra statement an error message quotes. */
#define QUOTE_MAX 60

struct sqlite_conn {
	struct dbm_conn base;
	sqlite3 *db;
};

static struct sqlite_conn *to_sqlite(struct dbm_conn *conn)
{
	return (struct sqlite_conn *)conn;
}

static int sqlite_connect(struct dbm_conn **out, const struct dbm_url *url,
			  struct dbm_err *err)
{
	struct sqlite_conn *conn = NULL;
	sqlite3 *db = NULL;
	struct dbm_buf shown = DBM_BUF_INIT;
	int ret = -1;

	*out = NULL;
	const char *path = url->database;
	if (!path || !*path)
		path = ":memory:";
	int rc = sqlite3_open_v2(
	    path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		dbm_url_render_masked(&shown, url);
		dbm_err_set(err, DBM_EFAIL, "cannot open database '%s': %s",
			    shown.buf,
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto done;
	}
	sqlite3_busy_timeout(db, DEFAULT_BUSY_MS);

	conn = dbm_xcalloc(1, sizeof(*conn));
	conn->base.driver = &dbm_driver_sqlite;
	conn->db = db;
	db = NULL;
	*out = &conn->base;
	ret = 0;
done:
	dbm_buf_release(&shown);
	sqlite3_close(db); /* NULL is a no-op */
	return ret;
}

static void sqlite_close(struct dbm_conn *base)
{
	struct sqlite_conn *conn = to_sqlite(base);
	/* Statements are finalized by exec on every path. */
	sqlite3_close(conn->db);
	free(conn->base.display);
	free(conn);
}

/* Skip white space, semicolons and comments. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v' || *p == ';') {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			if (!end)
				return p + strlen(p); /* SQLite allows this */
			p = end + 2;
		} else {
			return p;
		}
	}
}

/* Quote the start of s for a message: at most QUOTE_MAX bytes, "...". */
static void add_abbrev(struct dbm_buf *out, const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' ||
		     s[n - 1] == '\r' || s[n - 1] == ';'))
		n--;
	if (n <= QUOTE_MAX) {
		dbm_buf_add(out, s, n);
		return;
	}
	n = QUOTE_MAX;
	/* Never cut a UTF-8 sequence. */
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	dbm_buf_add(out, s, n);
	dbm_buf_adds(out, "...");
}

static int bind_params(sqlite3 *db, sqlite3_stmt *stmt,
		       const struct dbm_value *params, size_t nparams,
		       struct dbm_err *err)
{
	size_t want = stmt ? (size_t)sqlite3_bind_parameter_count(stmt) : 0;
	if (want != nparams)
		return dbm_err_set(err, DBM_EFAIL,
				   "statement takes %zu parameters, %zu given",
				   want, nparams);
	for (size_t i = 0; i < nparams; i++) {
		const struct dbm_value *v = &params[i];
		int at = (int)i + 1, rc = SQLITE_OK;
		switch (v->kind) {
		case DBM_V_NULL:
			rc = sqlite3_bind_null(stmt, at);
			break;
		case DBM_V_INT:
			rc = sqlite3_bind_int64(stmt, at, v->i);
			break;
		case DBM_V_REAL:
			rc = sqlite3_bind_double(stmt, at, v->r);
			break;
		case DBM_V_TEXT: {
			const char *s = v->s ? v->s : "";
			size_t n = v->n ? v->n : strlen(s);
			rc = sqlite3_bind_text64(stmt, at, s, n,
						 SQLITE_TRANSIENT, SQLITE_UTF8);
			break;
		}
		case DBM_V_BLOB:
			if (v->n)
				rc = sqlite3_bind_blob64(stmt, at, v->s, v->n,
							 SQLITE_TRANSIENT);
			else
				rc = sqlite3_bind_zeroblob(stmt, at, 0);
			break;
		default:
			DBM_BUG("unknown value kind");
		}
		if (rc != SQLITE_OK)
			return dbm_err_set(err, DBM_EFAIL, "%s",
					   sqlite3_errmsg(db));
	}
	return 0;
}

/* Read the current row of stmt into row[0..ncols) (borrowing its text). */
static void read_row(sqlite3_stmt *stmt, struct dbm_value *row, int ncols)
{
	for (int i = 0; i < ncols; i++) {
		struct dbm_value *v = &row[i];
		memset(v, 0, sizeof(*v));
		switch (sqlite3_column_type(stmt, i)) {
		case SQLITE_INTEGER:
			v->kind = DBM_V_INT;
			v->i = sqlite3_column_int64(stmt, i);
			break;
		case SQLITE_FLOAT:
			v->kind = DBM_V_REAL;
			v->r = sqlite3_column_double(stmt, i);
			break;
		case SQLITE_TEXT:
			v->kind = DBM_V_TEXT;
			v->s = (const char *)sqlite3_column_text(stmt, i);
			v->n = (size_t)sqlite3_column_bytes(stmt, i);
			break;
		case SQLITE_BLOB:
			v->kind = DBM_V_BLOB;
			v->s = sqlite3_column_blob(stmt, i);
			v->n = (size_t)sqlite3_column_bytes(stmt, i);
			break;
		default:
			v->kind = DBM_V_NULL;
			break;
		}
	}
}

static int sqlite_exec(struct dbm_conn *base, const char *sql,
		       const struct dbm_value *params, size_t nparams,
		       struct dbm_result **out, struct dbm_err *err)
{
	struct sqlite_conn *conn = to_sqlite(base);
	sqlite3_stmt *stmt = NULL;
	struct dbm_result *res = NULL;
	struct dbm_value *row = NULL;
	struct dbm_buf quoted = DBM_BUF_INIT;
	const char *tail = NULL, *extra;
	int ncols, rc, ret = -1;

	if (out)
		*out = NULL;
	if (sqlite3_prepare_v3(conn->db, sql, -1, 0, &stmt, &tail) !=
	    SQLITE_OK) {
		dbm_err_set(err, DBM_EFAIL, "%s", sqlite3_errmsg(conn->db));
		goto done;
	}
	extra = tail ? skip_blank(tail) : "";
	if (*extra) {
		add_abbrev(&quoted, extra);
		dbm_err_set(err, DBM_EFAIL, "only one statement per call: '%s'",
			    quoted.buf);
		goto done;
	}
	if (bind_params(conn->db, stmt, params, nparams, err) < 0)
		goto done;

	ncols = stmt ? sqlite3_column_count(stmt) : 0;
	if (out) {
		res = dbm_result_new((size_t)ncols);
		for (int i = 0; i < ncols; i++)
			dbm_result_set_name(res, (size_t)i,
					    sqlite3_column_name(stmt, i));
		row = dbm_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*row));
	}
	while (stmt && (rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		if (rc != SQLITE_ROW) {
			dbm_err_set(err, DBM_EFAIL, "%s",
				    sqlite3_errmsg(conn->db));
			goto done;
		}
		if (res) {
			read_row(stmt, row, ncols);
			dbm_result_add_row(res, row);
		}
	}
	if (out) {
		*out = res;
		res = NULL;
	}
	base->changes = sqlite3_changes64(conn->db);
	ret = 0;
done:
	dbm_buf_release(&quoted);
	free(row);
	dbm_result_free(res);
	sqlite3_finalize(stmt); /* NULL is a no-op */
	return ret;
}

static int run_simple(struct sqlite_conn *conn, const char *sql,
		      struct dbm_err *err)
{
	if (sqlite3_exec(conn->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dbm_err_set(err, DBM_EFAIL, "%s",
				   sqlite3_errmsg(conn->db));
	return 0;
}

static int sqlite_begin(struct dbm_conn *base, bool write, double timeout,
			struct dbm_err *err)
{
	struct sqlite_conn *conn = to_sqlite(base);
	if (!write)
		return run_simple(conn, "BEGIN", err);

	double ms = timeout > 0 ? timeout * 1000.0 : 0.0;
	sqlite3_busy_timeout(conn->db, ms >= INT_MAX ? INT_MAX : (int)ms);
	int rc = sqlite3_exec(conn->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if ((rc & 0xff) == SQLITE_BUSY)
		return dbm_err_set(err, DBM_EFAIL,
				   "database is locked by another run "
				   "(waited %g s)",
				   timeout > 0 ? timeout : 0.0);
	if (rc != SQLITE_OK)
		return dbm_err_set(err, DBM_EFAIL, "%s",
				   sqlite3_errmsg(conn->db));
	return 0;
}

static int sqlite_commit(struct dbm_conn *base, struct dbm_err *err)
{
	return run_simple(to_sqlite(base), "COMMIT", err);
}

static int sqlite_rollback(struct dbm_conn *base, struct dbm_err *err)
{
	struct sqlite_conn *conn = to_sqlite(base);
	/* Some errors roll back by themselves: nothing left to undo. */
	if (sqlite3_get_autocommit(conn->db))
		return 0;
	return run_simple(conn, "ROLLBACK", err);
}

static bool sqlite_in_transaction(struct dbm_conn *base)
{
	return !sqlite3_get_autocommit(to_sqlite(base)->db);
}

const struct dbm_driver dbm_driver_sqlite = {
    .version = DBM_DRIVER_VERSION,
    .dialect = "sqlite",
    .connect = sqlite_connect,
    .close = sqlite_close,
    .exec = sqlite_exec,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .in_transaction = sqlite_in_transaction,
};
