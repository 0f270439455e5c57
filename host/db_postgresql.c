/*
 * The PostgreSQL driver, over libpq. A connection takes its parameters from
 * the URL as psycopg2 does (host, port, user, password, dbname, and query
 * arguments libpq knows: ?host=/dir for a unix socket, sslmode, ...).
 * Every statement goes alone through PQexecParams with its values out of
 * line: integers and reals as text with types inferred by the server,
 * blobs in binary format. Results come back typed by column type.
 *
 * The run lock is a session-level advisory lock taken with
 * pg_try_advisory_lock, polled with back-off, on a second connection of
 * its own: a blocking pg_advisory_lock would wait forever on CREATE INDEX
 * CONCURRENTLY run by the main connection, which waits for every other
 * transaction, the lock's included. The lock dies with its session.
 *
 * That session ends the moment a killed client's socket closes; the work
 * session does not: its backend finishes the statement in progress (a long
 * UPDATE, a pg_sleep) before it notices the client is gone, and keeps its
 * transaction, with the locks and uncommitted catalog rows of a half-run
 * revision, until then. So while the run lock is held, every BEGIN of the
 * work session also takes a transaction-level advisory lock of its own
 * key, polled the same way: the next run waits for a killed run's last
 * transaction to end instead of overlapping it.
 */
#include "db.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "buf.h"
#include "mem.h"

/* Type OIDs of pg_type.h (stable across releases). */
#define BOOLOID	  16
#define BYTEAOID  17
#define INT8OID	  20
#define INT2OID	  21
#define INT4OID	  23
#define OIDOID	  26
#define FLOAT4OID 700
#define FLOAT8OID 701

/* PostgreSQL's limit on bound parameters (a 16-bit count). */
#define MAX_PARAMS 65535
/* The lock's back-off: first and longest pause between tries. */
#define LOCK_PAUSE_MIN		 0.01
#define LOCK_PAUSE_MAX		 0.5
#define DEFAULT_APPLICATION_NAME "tacker-db-manage"
/* Passwords this long or longer are scrubbed from libpq's messages. */
#define MIN_SCRUB 4

/* Connection keywords and values, NULL-terminated, for PQconnectdbParams. */
struct pg_params {
	char **keys;
	char **vals;
	size_t n, alloc;
};

#define PG_PARAMS_INIT                                                         \
	{                                                                      \
		NULL, NULL, 0, 0                                               \
	}

struct pg_conn {
	struct dbm_conn base;
	PGconn *pg;
	struct pg_params params; /* kept to open the lock's connection */
	char *password;		 /* to scrub it from any message */
	PGconn *lock_pg;	 /* the run lock's session, or NULL */
	char *lock_name;
	int64_t lock_key;
	int64_t tx_key; /* the work session's transaction lock */
};

static struct pg_conn *to_pg(struct dbm_conn *conn)
{
	return (struct pg_conn *)conn;
}

/* Parameters. */

static void params_set(struct pg_params *p, const char *key, const char *val)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->keys[i], key) == 0) {
			free(p->vals[i]);
			p->vals[i] = dbm_xstrdup(val);
			return;
		}
	}
	/*
	 * Room for the entry and the NULL terminators; both arrays grow
	 * from the same size to the same size.
	 */
	size_t alloc = p->alloc;
	dbm_grow((void **)&p->keys, &alloc, p->n + 2, sizeof(*p->keys));
	dbm_grow((void **)&p->vals, &p->alloc, p->n + 2, sizeof(*p->vals));
	p->keys[p->n] = dbm_xstrdup(key);
	p->vals[p->n] = dbm_xstrdup(val);
	p->n++;
	p->keys[p->n] = NULL;
	p->vals[p->n] = NULL;
}

static void params_release(struct pg_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->keys[i]);
		free(p->vals[i]);
	}
	free(p->keys);
	free(p->vals);
	*p = (struct pg_params)PG_PARAMS_INIT;
}

static bool libpq_knows(const PQconninfoOption *opts, const char *key)
{
	for (; opts && opts->keyword; opts++)
		if (strcmp(opts->keyword, key) == 0)
			return true;
	return false;
}

/*
 * The libpq parameters of url: the URL's parts first, then its query
 * arguments (which win, as with psycopg2). A query argument libpq does not
 * know is a usage error naming every such argument.
 */
static int build_params(struct pg_params *out, const struct dbm_url *url,
			const char *shown, struct dbm_err *err)
{
	PQconninfoOption *opts = PQconndefaults();
	struct dbm_buf unknown = DBM_BUF_INIT, quoted = DBM_BUF_INIT;
	char port[16];
	size_t nunknown = 0;
	int ret = -1;

	if (!opts) {
		dbm_err_set(err, DBM_EFAIL, "libpq cannot list its options");
		goto done;
	}
	if (url->host && *url->host)
		params_set(out, "host", url->host);
	if (url->port) {
		snprintf(port, sizeof(port), "%d", url->port);
		params_set(out, "port", port);
	}
	if (url->username && *url->username)
		params_set(out, "user", url->username);
	if (url->password)
		params_set(out, "password", url->password);
	if (url->database && *url->database)
		params_set(out, "dbname", url->database);
	params_set(out, "application_name", DEFAULT_APPLICATION_NAME);
	params_set(out, "client_encoding", "UTF8");
	for (size_t i = 0; i < url->nquery; i++) {
		const struct dbm_url_param *q = &url->query[i];
		if (libpq_knows(opts, q->key)) {
			params_set(out, q->key, q->value);
			continue;
		}
		dbm_buf_reset(&quoted);
		dbm_buf_addf(&quoted, "'%s'", q->key);
		if (strstr(unknown.buf, quoted.buf)) /* repeated: named once */
			continue;
		if (nunknown++)
			dbm_buf_adds(&unknown, ", ");
		dbm_buf_adds(&unknown, quoted.buf);
	}
	if (nunknown) {
		dbm_err_set(err, DBM_EUSAGE,
			    "unknown query argument%s %s in '%s': libpq does "
			    "not take %s",
			    nunknown > 1 ? "s" : "", unknown.buf, shown,
			    nunknown > 1 ? "them" : "it");
		goto done;
	}
	ret = 0;
done:
	dbm_buf_release(&quoted);
	dbm_buf_release(&unknown);
	PQconninfoFree(opts); /* NULL is fine */
	return ret;
}

/* Messages. */

/*
 * The first line of a libpq message, trimmed, runs of blanks made one
 * space, and the password (if any) replaced by "***".
 */
static void add_first_line(struct dbm_buf *out, const char *msg,
			   const char *password)
{
	struct dbm_buf line = DBM_BUF_INIT;
	const char *p = msg ? msg : "";
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	for (; *p && *p != '\n' && *p != '\r'; p++) {
		if (*p == ' ' || *p == '\t') {
			if (line.len && line.buf[line.len - 1] != ' ')
				dbm_buf_addch(&line, ' ');
		} else {
			dbm_buf_addch(&line, *p);
		}
	}
	while (line.len && line.buf[line.len - 1] == ' ')
		dbm_buf_setlen(&line, line.len - 1);
	if (!line.len)
		dbm_buf_adds(&line, "unknown error");

	/*
	 * libpq does not echo passwords: this is a second line of defence,
	 * for passwords long enough not to mangle ordinary words.
	 */
	const char *s = line.buf, *hit;
	size_t plen = password ? strlen(password) : 0;
	if (plen < MIN_SCRUB)
		plen = 0;
	while (plen && (hit = strstr(s, password))) {
		dbm_buf_add(out, s, (size_t)(hit - s));
		dbm_buf_adds(out, "***");
		s = hit + plen;
	}
	dbm_buf_adds(out, s);
	dbm_buf_release(&line);
}

static const char *shown_url(const struct pg_conn *conn)
{
	return conn->base.display ? conn->base.display : "postgresql://";
}

/*
 * The error of a failed statement: the server's primary message, or when
 * the connection is gone, that it is lost and why.
 */
static int set_exec_error(struct pg_conn *conn, PGconn *pg, const PGresult *res,
			  struct dbm_err *err)
{
	struct dbm_buf msg = DBM_BUF_INIT;
	const char *primary =
	    res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary)
		add_first_line(&msg, primary, conn->password);
	else if (res && *PQresultErrorMessage(res))
		add_first_line(&msg, PQresultErrorMessage(res), conn->password);
	else
		add_first_line(&msg, PQerrorMessage(pg), conn->password);
	if (PQstatus(pg) == CONNECTION_BAD)
		dbm_err_set(err, DBM_EFAIL, "lost the connection to '%s': %s",
			    shown_url(conn), msg.buf);
	else
		dbm_err_set(err, DBM_EFAIL, "%s", msg.buf);
	dbm_buf_release(&msg);
	return -1;
}

/* Connections. */

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Open a session with params; the error names the masked URL shown. */
static int open_session(PGconn **out, const struct pg_params *params,
			const char *shown, const char *password,
			struct dbm_err *err)
{
	struct dbm_buf msg = DBM_BUF_INIT;
	int ret = -1;

	*out = NULL;
	PGconn *pg = PQconnectdbParams((const char *const *)params->keys,
				       (const char *const *)params->vals, 0);
	if (!pg) {
		dbm_err_set(err, DBM_EFAIL,
			    "cannot connect to '%s': out of memory", shown);
		goto done;
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		add_first_line(&msg, PQerrorMessage(pg), password);
		dbm_err_set(err, DBM_EFAIL, "cannot connect to '%s': %s", shown,
			    msg.buf);
		goto done;
	}
	PQsetNoticeProcessor(pg, ignore_notice, NULL);
	*out = pg;
	pg = NULL;
	ret = 0;
done:
	PQfinish(pg); /* NULL is a no-op */
	dbm_buf_release(&msg);
	return ret;
}

static void pg_close(struct dbm_conn *base)
{
	struct pg_conn *conn = to_pg(base);
	PQfinish(conn->lock_pg); /* the session's end frees the lock */
	PQfinish(conn->pg);
	params_release(&conn->params);
	free(conn->lock_name);
	free(conn->password);
	free(conn->base.display);
	free(conn);
}

static int pg_connect(struct dbm_conn **out, const struct dbm_url *url,
		      struct dbm_err *err)
{
	struct pg_conn *conn = NULL;
	struct dbm_buf shown = DBM_BUF_INIT;
	int ret = -1;

	*out = NULL;
	dbm_url_render_masked(&shown, url);
	conn = dbm_xcalloc(1, sizeof(*conn));
	conn->base.driver = &dbm_driver_postgresql;
	conn->base.display = dbm_buf_detach(&shown);
	if (url->password && *url->password)
		conn->password = dbm_xstrdup(url->password);
	if (build_params(&conn->params, url, conn->base.display, err) < 0)
		goto done;
	if (open_session(&conn->pg, &conn->params, conn->base.display,
			 conn->password, err) < 0)
		goto done;
	*out = &conn->base;
	conn = NULL;
	ret = 0;
done:
	if (conn)
		pg_close(&conn->base);
	dbm_buf_release(&shown);
	return ret;
}

/* Statements. */

/* The value of a result cell, converted by its column's type. */
static void read_cell(const PGresult *res, int row, int col,
		      struct dbm_value *v, unsigned char **unescaped)
{
	memset(v, 0, sizeof(*v));
	*unescaped = NULL;
	if (PQgetisnull(res, row, col)) {
		v->kind = DBM_V_NULL;
		return;
	}
	const char *text = PQgetvalue(res, row, col);
	switch (PQftype(res, col)) {
	case INT2OID:
	case INT4OID:
	case INT8OID:
		v->kind = DBM_V_INT;
		v->i = strtoll(text, NULL, 10);
		break;
	case OIDOID:
		v->kind = DBM_V_INT;
		v->i = (int64_t)strtoull(text, NULL, 10);
		break;
	case FLOAT4OID:
	case FLOAT8OID:
		/* strtod reads "Infinity", "-Infinity" and "NaN" too. */
		v->kind = DBM_V_REAL;
		v->r = strtod(text, NULL);
		break;
	case BOOLOID:
		v->kind = DBM_V_INT;
		v->i = text[0] == 't';
		break;
	case BYTEAOID: {
		size_t n = 0;
		*unescaped = PQunescapeBytea((const unsigned char *)text, &n);
		if (!*unescaped)
			DBM_BUG("out of memory unescaping bytea");
		v->kind = DBM_V_BLOB;
		v->s = (const char *)*unescaped;
		v->n = n;
		break;
	}
	default:
		v->kind = DBM_V_TEXT;
		v->s = text;
		v->n = (size_t)PQgetlength(res, row, col);
		break;
	}
}

static struct dbm_result *read_result(const PGresult *res)
{
	int ncols = PQnfields(res), nrows = PQntuples(res);
	struct dbm_result *out = dbm_result_new((size_t)ncols);
	struct dbm_value *row =
	    dbm_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*row));
	unsigned char **blobs =
	    dbm_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*blobs));

	for (int c = 0; c < ncols; c++)
		dbm_result_set_name(out, (size_t)c, PQfname(res, c));
	for (int r = 0; r < nrows; r++) {
		for (int c = 0; c < ncols; c++)
			read_cell(res, r, c, &row[c], &blobs[c]);
		dbm_result_add_row(out, row); /* copies */
		for (int c = 0; c < ncols; c++) {
			PQfreemem(blobs[c]);
			blobs[c] = NULL;
		}
	}
	free(blobs);
	free(row);
	return out;
}

/* Bound values in libpq's form; text of numbers kept in bufs. */
struct pg_bind {
	const char **values;
	int *lengths;
	int *formats;
	char **owned; /* copies and number texts to free */
};

static void bind_release(struct pg_bind *b, size_t n)
{
	if (b->owned)
		for (size_t i = 0; i < n; i++)
			free(b->owned[i]);
	free(b->owned);
	free((void *)b->values);
	free(b->lengths);
	free(b->formats);
}

static void bind_values(struct pg_bind *b, const struct dbm_value *params,
			size_t n)
{
	size_t count = n ? n : 1;
	b->values = dbm_xcalloc(count, sizeof(*b->values));
	b->lengths = dbm_xcalloc(count, sizeof(*b->lengths));
	b->formats = dbm_xcalloc(count, sizeof(*b->formats));
	b->owned = dbm_xcalloc(count, sizeof(*b->owned));
	for (size_t i = 0; i < n; i++) {
		const struct dbm_value *v = &params[i];
		char num[64];
		switch (v->kind) {
		case DBM_V_NULL:
			b->values[i] = NULL;
			break;
		case DBM_V_INT:
			snprintf(num, sizeof(num), "%" PRId64, v->i);
			b->owned[i] = dbm_xstrdup(num);
			b->values[i] = b->owned[i];
			break;
		case DBM_V_REAL:
			if (isnan(v->r))
				snprintf(num, sizeof(num), "NaN");
			else if (isinf(v->r))
				snprintf(num, sizeof(num), "%sInfinity",
					 v->r < 0 ? "-" : "");
			else
				snprintf(num, sizeof(num), "%.17g", v->r);
			b->owned[i] = dbm_xstrdup(num);
			b->values[i] = b->owned[i];
			break;
		case DBM_V_TEXT: {
			/* n bytes when set (s may run on), else up to NUL. */
			const char *s = v->s ? v->s : "";
			if (v->n && s[v->n] != '\0') {
				b->owned[i] = dbm_xstrndup(s, v->n);
				s = b->owned[i];
			}
			b->values[i] = s;
			break;
		}
		case DBM_V_BLOB:
			if (v->n > (size_t)0x7fffffff)
				DBM_BUG("blob parameter over 2 GB");
			b->values[i] = v->s ? v->s : "";
			b->lengths[i] = (int)v->n;
			b->formats[i] = 1;
			break;
		default:
			DBM_BUG("unknown value kind");
		}
	}
}

/* End the COPY a statement started, dropping its data. */
static void leave_copy(PGconn *pg, ExecStatusType status)
{
	PGresult *res;
	char *data = NULL;

	if (status == PGRES_COPY_OUT) {
		while (PQgetCopyData(pg, &data, 0) > 0) {
			PQfreemem(data);
			data = NULL;
		}
	} else {
		PQputCopyEnd(pg, "COPY is not supported here");
	}
	while ((res = PQgetResult(pg)))
		PQclear(res);
}

static int pg_exec(struct dbm_conn *base, const char *sql,
		   const struct dbm_value *params, size_t nparams,
		   struct dbm_result **out, struct dbm_err *err)
{
	struct pg_conn *conn = to_pg(base);
	struct pg_bind bind = {0};
	PGresult *res = NULL;
	int ret = -1;

	if (out)
		*out = NULL;
	if (nparams > MAX_PARAMS) {
		dbm_err_set(err, DBM_EFAIL,
			    "too many parameters: %zu (PostgreSQL takes at "
			    "most %d)",
			    nparams, MAX_PARAMS);
		goto done;
	}
	bind_values(&bind, params, nparams);
	res = PQexecParams(conn->pg, sql, (int)nparams, NULL, bind.values,
			   bind.lengths, bind.formats, 0);
	switch (res ? PQresultStatus(res) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		dbm_err_set(err, DBM_EFAIL, "COPY is not supported here");
		leave_copy(conn->pg, PQresultStatus(res));
		goto done;
	default:
		set_exec_error(conn, conn->pg, res, err);
		goto done;
	}
	if (out)
		*out = read_result(res);
	base->changes = strtoll(PQcmdTuples(res), NULL, 10);
	ret = 0;
done:
	PQclear(res); /* NULL is a no-op */
	bind_release(&bind, nparams);
	return ret;
}

/* Transactions. */

static int poll_lock(struct pg_conn *conn, PGconn *pg, const char *sql,
		     int64_t key, double timeout, struct dbm_err *err);

/* Run a statement without parameters that returns no rows. */
static int run_simple(struct pg_conn *conn, const char *sql,
		      struct dbm_err *err)
{
	int ret = -1;
	PGresult *res =
	    PQexecParams(conn->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_exec_error(conn, conn->pg, res, err);
		goto done;
	}
	ret = 0;
done:
	PQclear(res);
	return ret;
}

/*
 * BEGIN and a first try of the transaction lock in one round trip (a
 * simple query runs both): 1 taken, 0 held elsewhere, -1 error.
 */
static int begin_locked(struct pg_conn *conn, struct dbm_err *err)
{
	char sql[96];
	snprintf(sql, sizeof(sql),
		 "BEGIN; SELECT pg_try_advisory_xact_lock(%" PRId64 ")",
		 conn->tx_key);
	PGresult *res = PQexec(conn->pg, sql);
	int ret = -1;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1 || PQnfields(res) != 1) {
		set_exec_error(conn, conn->pg, res, err);
		goto done;
	}
	ret = PQgetvalue(res, 0, 0)[0] == 't' ? 1 : 0;
done:
	PQclear(res);
	return ret;
}

static int pg_begin(struct dbm_conn *base, bool write, double timeout,
		    struct dbm_err *err)
{
	struct pg_conn *conn = to_pg(base);
	/* PostgreSQL only warns; say it as the SQLite driver does. */
	if (PQtransactionStatus(conn->pg) == PQTRANS_INTRANS ||
	    PQtransactionStatus(conn->pg) == PQTRANS_INERROR)
		return dbm_err_set(err, DBM_EFAIL,
				   "cannot start a transaction within a "
				   "transaction");
	/*
	 * The run lock is taken apart (lock); under it, a write BEGIN also
	 * waits up to timeout for a killed run's last transaction (see the
	 * top of the file).
	 */
	if (!write || !conn->lock_pg)
		return run_simple(conn, "BEGIN", err);
	int got = begin_locked(conn, err);
	if (got == 0 &&
	    poll_lock(conn, conn->pg, "SELECT pg_try_advisory_xact_lock($1)",
		      conn->tx_key, timeout, err) < 0)
		got = -1;
	if (got < 0) {
		struct dbm_err ignored = DBM_ERR_INIT;
		run_simple(conn, "ROLLBACK", &ignored);
		return -1;
	}
	return 0;
}

static int pg_commit(struct dbm_conn *base, struct dbm_err *err)
{
	struct pg_conn *conn = to_pg(base);
	PGresult *res = NULL;
	int ret = -1;

	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK. */
	bool failed = PQtransactionStatus(conn->pg) == PQTRANS_INERROR;
	res = PQexecParams(conn->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_exec_error(conn, conn->pg, res, err);
		goto done;
	}
	if (failed || strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		dbm_err_set(err, DBM_EFAIL,
			    "cannot commit: a statement of the transaction "
			    "failed, so it was rolled back");
		goto done;
	}
	ret = 0;
done:
	PQclear(res);
	return ret;
}

static int pg_rollback(struct dbm_conn *base, struct dbm_err *err)
{
	struct pg_conn *conn = to_pg(base);
	/*
	 * Nothing to undo outside a transaction; a lost session's
	 * transaction was rolled back by the server.
	 */
	if (PQstatus(conn->pg) == CONNECTION_BAD ||
	    PQtransactionStatus(conn->pg) == PQTRANS_IDLE)
		return 0;
	return run_simple(conn, "ROLLBACK", err);
}

static bool pg_in_transaction(struct dbm_conn *base)
{
	switch (PQtransactionStatus(to_pg(base)->pg)) {
	case PQTRANS_ACTIVE:
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		return true;
	default:
		return false;
	}
}

/* The run lock. */

/* FNV-1a, 64 bits: a key that stays the same across runs and builds. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* The run lock's key; with suffix ":transaction", the work session's. */
static int64_t lock_key(const char *database, const char *name,
			const char *suffix)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	h = fnv1a(h, "tacker-db-manage:");
	h = fnv1a(h, database);
	h = fnv1a(h, ":");
	h = fnv1a(h, name);
	h = fnv1a(h, suffix);
	int64_t key;
	memcpy(&key, &h, sizeof(key)); /* the bits as a bigint */
	return key;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_for(double seconds)
{
	struct timespec ts;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * The statement sql (pg_try_advisory_lock or its _xact_ form) for key on
 * pg: 1 taken, 0 held elsewhere, -1 error.
 */
static int try_lock(struct pg_conn *conn, PGconn *pg, const char *sql,
		    int64_t key, struct dbm_err *err)
{
	char text[32];
	const char *values[1] = {text};
	const Oid types[1] = {INT8OID};
	int ret = -1;

	snprintf(text, sizeof(text), "%" PRId64, key);
	PGresult *res = PQexecParams(pg, sql, 1, types, values, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1 || PQnfields(res) != 1) {
		set_exec_error(conn, pg, res, err);
		goto done;
	}
	ret = PQgetvalue(res, 0, 0)[0] == 't' ? 1 : 0;
done:
	PQclear(res);
	return ret;
}

/*
 * Who holds the advisory lock key, as "pid 1234 from 127.0.0.1", into out;
 * nothing when the server does not say. A bigint key is stored as classid
 * (high 32 bits) and objid (low 32 bits) with objsubid 1.
 */
static void describe_holder(struct dbm_buf *out, PGconn *pg, int64_t key)
{
	static const char sql[] =
	    "SELECT l.pid, host(a.client_addr) FROM pg_locks l "
	    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
	    "WHERE l.locktype = 'advisory' AND l.granted "
	    "AND l.database = (SELECT oid FROM pg_database "
	    "WHERE datname = current_database()) "
	    "AND l.classid = $1::oid AND l.objid = $2::oid "
	    "AND l.objsubid = 1 AND l.pid <> pg_backend_pid() "
	    "LIMIT 1";
	uint64_t bits;
	char hi[16], lo[16];
	const char *values[2] = {hi, lo};

	memcpy(&bits, &key, sizeof(bits));
	snprintf(hi, sizeof(hi), "%" PRIu32, (uint32_t)(bits >> 32));
	snprintf(lo, sizeof(lo), "%" PRIu32, (uint32_t)bits);
	PGresult *res = PQexecParams(pg, sql, 2, NULL, values, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) < 1 || PQgetisnull(res, 0, 0))
		goto done;
	dbm_buf_addf(out, "pid %s", PQgetvalue(res, 0, 0));
	if (!PQgetisnull(res, 0, 1))
		dbm_buf_addf(out, " from %s", PQgetvalue(res, 0, 1));
done:
	PQclear(res);
}

/*
 * Poll sql (see try_lock) for key on pg with back-off for up to timeout
 * seconds; when it stays held, the error names its holder.
 */
static int poll_lock(struct pg_conn *conn, PGconn *pg, const char *sql,
		     int64_t key, double timeout, struct dbm_err *err)
{
	struct dbm_buf holder = DBM_BUF_INIT;
	int ret = -1;

	if (!(timeout > 0)) /* also NaN */
		timeout = 0;
	double deadline = now() + timeout, pause = LOCK_PAUSE_MIN;
	for (;;) {
		int got = try_lock(conn, pg, sql, key, err);
		if (got < 0)
			goto done;
		if (got)
			break;
		double left = deadline - now();
		if (left <= 0) {
			describe_holder(&holder, pg, key);
			dbm_err_set(err, DBM_EFAIL,
				    "database is locked by another run "
				    "(waited %g s%s%s)",
				    timeout, holder.len ? "; held by " : "",
				    holder.buf);
			goto done;
		}
		pause_for(pause < left ? pause : left);
		pause = pause * 2 < LOCK_PAUSE_MAX ? pause * 2 : LOCK_PAUSE_MAX;
	}
	ret = 0;
done:
	dbm_buf_release(&holder);
	return ret;
}

static int pg_lock(struct dbm_conn *base, const char *name, double timeout,
		   struct dbm_err *err)
{
	struct pg_conn *conn = to_pg(base);
	PGconn *pg = NULL;
	int ret = -1;

	if (conn->lock_pg) {
		dbm_err_set(err, DBM_EFAIL,
			    "cannot take the run lock '%s': this connection "
			    "already holds '%s'",
			    name, conn->lock_name);
		goto done;
	}
	if (open_session(&pg, &conn->params, shown_url(conn), conn->password,
			 err) < 0)
		goto done;
	int64_t key = lock_key(PQdb(conn->pg), name, "");
	if (poll_lock(conn, pg, "SELECT pg_try_advisory_lock($1)", key, timeout,
		      err) < 0)
		goto done;
	conn->lock_pg = pg;
	pg = NULL;
	conn->lock_name = dbm_xstrdup(name);
	conn->lock_key = key;
	conn->tx_key = lock_key(PQdb(conn->pg), name, ":transaction");
	ret = 0;
done:
	PQfinish(pg); /* ends the session: nothing stays locked */
	return ret;
}

static int pg_unlock(struct dbm_conn *base, const char *name,
		     struct dbm_err *err)
{
	struct pg_conn *conn = to_pg(base);
	char text[32];
	const char *values[1] = {text};
	const Oid types[1] = {INT8OID};

	if (!conn->lock_pg)
		return 0; /* never taken, or already released */
	if (strcmp(name, conn->lock_name) != 0)
		return dbm_err_set(err, DBM_EFAIL,
				   "cannot release the run lock '%s': the "
				   "lock held is '%s'",
				   name, conn->lock_name);
	/*
	 * Say so, then end the session, which would free the lock anyway:
	 * the result of the unlock does not matter.
	 */
	snprintf(text, sizeof(text), "%" PRId64, conn->lock_key);
	PQclear(PQexecParams(conn->lock_pg, "SELECT pg_advisory_unlock($1)", 1,
			     types, values, NULL, NULL, 0));
	PQfinish(conn->lock_pg);
	conn->lock_pg = NULL;
	free(conn->lock_name);
	conn->lock_name = NULL;
	return 0;
}

const struct dbm_driver dbm_driver_postgresql = {
    .version = DBM_DRIVER_VERSION,
    .dialect = "postgresql",
    .connect = pg_connect,
    .close = pg_close,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .lock = pg_lock,
    .unlock = pg_unlock,
};
