/*
 * The PostgreSQL driver against the real server of scripts/testdb: the
 * admin URL comes from DBM_PG_URL (and the socket from DBM_PG_SOCKET_DIR).
 * Without them the test fails: it never skips. Each run works in a
 * throw-away database of its own, dropped at the end.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "mem.h"
#include "t.h"

static struct dbm_url admin;   /* DBM_PG_URL, parsed */
static const char *socket_dir; /* DBM_PG_SOCKET_DIR */
static char dbname[64];	       /* this run's database */

/* Parse a URL made from fmt; dies on a parse error (a bug of the test). */
static void make_url(struct dbm_url *out, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	struct dbm_err err = DBM_ERR_INIT;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (dbm_url_parse(out, text, &err) < 0) {
		fprintf(stderr, "bad test url: %s\n", err.msg);
		exit(1);
	}
}

/* This run's database over TCP, with extra query text (or ""). */
static void test_url(struct dbm_url *out, const char *query)
{
	make_url(out, "postgresql://%s:%s@%s:%d/%s%s", admin.username,
		 admin.password, admin.host, admin.port, dbname, query);
}

static struct dbm_conn *connect_or_die(const struct dbm_url *url)
{
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_db_connect(&conn, url, &err) < 0) {
		fprintf(stderr, "connect: %s\n", err.msg);
		exit(1);
	}
	return conn;
}

static struct dbm_conn *connect_test_db(void)
{
	struct dbm_url url = DBM_URL_INIT;
	test_url(&url, "");
	struct dbm_conn *conn = connect_or_die(&url);
	dbm_url_release(&url);
	return conn;
}

static int exec0(struct dbm_conn *conn, const char *sql)
{
	struct dbm_err err = DBM_ERR_INIT;
	int rc = dbm_db_exec(conn, sql, NULL, 0, NULL, &err);
	if (rc < 0)
		fprintf(stderr, "exec '%s': %s\n", sql, err.msg);
	return rc;
}

/* The first cell of a query as text (static buffer), or "(error)". */
static const char *scalar(struct dbm_conn *conn, const char *sql)
{
	static char text[256];
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;
	snprintf(text, sizeof(text), "(error)");
	if (dbm_db_exec(conn, sql, NULL, 0, &res, &err) < 0) {
		fprintf(stderr, "exec '%s': %s\n", sql, err.msg);
		return text;
	}
	if (res->nrows < 1 || res->ncols < 1) {
		snprintf(text, sizeof(text), "(no rows)");
	} else {
		const struct dbm_value *v = dbm_result_cell(res, 0, 0);
		switch (v->kind) {
		case DBM_V_NULL:
			snprintf(text, sizeof(text), "(null)");
			break;
		case DBM_V_INT:
			snprintf(text, sizeof(text), "%" PRId64, v->i);
			break;
		case DBM_V_REAL:
			snprintf(text, sizeof(text), "%g", v->r);
			break;
		default:
			snprintf(text, sizeof(text), "%.*s", (int)v->n, v->s);
			break;
		}
	}
	dbm_result_free(res);
	return text;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A loopback TCP port nobody listens on. */
static int closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd); /* bound, never listened: refused from now on */
	return port;
}

/* A one-line message that never shows the password. */
static void check_masked(const char *msg)
{
	CHECK(strchr(msg, '\n') == NULL);
	CHECK(strstr(msg, admin.password) == NULL);
	CHECK(strstr(msg, "wrong-secret") == NULL);
}

static void test_connect(void)
{
	struct dbm_url url = DBM_URL_INIT;
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	char want[1024];

	test_url(&url, "");
	CHECK(dbm_db_connect(&conn, &url, &err) == 0);
	CHECK(conn != NULL);
	CHECK_STR(conn->driver->dialect, "postgresql");
	snprintf(want, sizeof(want), "postgresql://dbm:***@%s:%d/%s",
		 admin.host, admin.port, dbname);
	CHECK_STR(conn->display, want);
	CHECK(!conn->driver->in_transaction(conn));
	CHECK_STR(scalar(conn, "SELECT current_database()"), dbname);
	CHECK_STR(scalar(conn, "SHOW application_name"), "tacker-db-manage");
	CHECK_STR(scalar(conn, "SHOW client_encoding"), "UTF8");
	CHECK_STR(scalar(conn, "SELECT host(inet_client_addr())"), "127.0.0.1");
	dbm_db_close(conn);
	dbm_url_release(&url);

	/* Query arguments libpq knows go to libpq; a driver name is fine. */
	make_url(&url,
		 "postgresql+psycopg2://%s:%s@%s:%d/%s?application_name=x-y"
		 "&connect_timeout=5&sslmode=disable",
		 admin.username, admin.password, admin.host, admin.port,
		 dbname);
	CHECK(dbm_db_connect(&conn, &url, &err) == 0);
	CHECK_STR(scalar(conn, "SHOW application_name"), "x-y");
	CHECK_STR(scalar(conn, "SELECT ssl FROM pg_stat_ssl "
			       "WHERE pid = pg_backend_pid()"),
		  "0");
	dbm_db_close(conn);
	dbm_url_release(&url);

	/* A unix socket: ?host=/dir, no host in the URL. */
	make_url(&url, "postgresql://%s:%s@:%d/%s?host=%s", admin.username,
		 admin.password, admin.port, dbname, socket_dir);
	CHECK(dbm_db_connect(&conn, &url, &err) == 0);
	CHECK_STR(scalar(conn, "SELECT inet_client_addr()"), "(null)");
	CHECK_STR(scalar(conn, "SELECT current_database()"), dbname);
	dbm_db_close(conn);
	dbm_url_release(&url);
	CHECK(err.kind == DBM_OK);

	/* Unknown query arguments: a usage error naming them all. */
	test_url(&url, "?foo=1&sslmode=disable&bar=2&foo=3");
	conn = (struct dbm_conn *)&url; /* set NULL on entry */
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	CHECK(conn == NULL);
	CHECK(err.kind == DBM_EUSAGE);
	snprintf(want, sizeof(want),
		 "unknown query arguments 'foo', 'bar' in "
		 "'postgresql://dbm:***@%s:%d/%s?bar=2&foo=1&foo=3&"
		 "sslmode=disable': libpq does not take them",
		 admin.host, admin.port, dbname);
	CHECK_STR(err.msg, want);
	check_masked(err.msg);
	dbm_err_clear(&err);
	dbm_url_release(&url);
	test_url(&url, "?charset=utf8mb4");
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	snprintf(want, sizeof(want),
		 "unknown query argument 'charset' in "
		 "'postgresql://dbm:***@%s:%d/%s?charset=utf8mb4': libpq "
		 "does not take it",
		 admin.host, admin.port, dbname);
	CHECK_STR(err.msg, want);
	dbm_err_clear(&err);
	dbm_url_release(&url);

	/* A wrong password. */
	make_url(&url, "postgresql://%s:wrong-secret@%s:%d/%s", admin.username,
		 admin.host, admin.port, dbname);
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	CHECK(conn == NULL);
	CHECK(err.kind == DBM_EFAIL);
	snprintf(want, sizeof(want),
		 "cannot connect to 'postgresql://dbm:***@%s:%d/%s': "
		 "connection to server at \"%s\", port %d failed: FATAL: "
		 "password authentication failed for user \"dbm\"",
		 admin.host, admin.port, dbname, admin.host, admin.port);
	CHECK_STR(err.msg, want);
	check_masked(err.msg);
	dbm_err_clear(&err);
	dbm_url_release(&url);

	/* Nobody listens on the port. */
	int port = closed_port();
	CHECK(port > 0);
	make_url(&url, "postgresql://%s:%s@%s:%d/%s", admin.username,
		 admin.password, admin.host, port, dbname);
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	snprintf(want, sizeof(want),
		 "cannot connect to 'postgresql://dbm:***@%s:%d/%s': "
		 "connection to server at \"%s\", port %d failed: "
		 "Connection refused",
		 admin.host, port, dbname, admin.host, port);
	CHECK_STR(err.msg, want);
	check_masked(err.msg);
	dbm_err_clear(&err);
	dbm_url_release(&url);

	/* A database that does not exist. */
	make_url(&url, "postgresql://%s:%s@%s:%d/%s_missing", admin.username,
		 admin.password, admin.host, admin.port, dbname);
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	snprintf(want, sizeof(want),
		 "cannot connect to 'postgresql://dbm:***@%s:%d/%s_missing': "
		 "connection to server at \"%s\", port %d failed: FATAL: "
		 "database \"%s_missing\" does not exist",
		 admin.host, admin.port, dbname, admin.host, admin.port,
		 dbname);
	CHECK_STR(err.msg, want);
	check_masked(err.msg);
	dbm_err_clear(&err);
	dbm_url_release(&url);
}

static void test_result_types(void)
{
	struct dbm_conn *conn = connect_test_db();
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = (struct dbm_result *)&err;

	CHECK(dbm_db_exec(conn,
			  "SELECT 7::int2 AS a, -8::int4 AS b, "
			  "9223372036854775807::int8 AS c, 4000000000::oid AS "
			  "d, 1.5::float4 AS e, 0.1::float8 AS f, true AS g, "
			  "false AS h, '\\x00ff41'::bytea AS i, 1.50::numeric "
			  "AS j, 'h\xc3\xa9'::text AS k, 'v'::varchar(3) AS l, "
			  "'{\"x\": 1}'::json AS m, "
			  "'2024-02-29 13:14:15'::timestamp AS n, "
			  "'2024-02-29'::date AS o, NULL::int4 AS p, "
			  "NULL::text AS q, NULL::bytea AS r, "
			  "'-Infinity'::float8 AS s, ''::bytea AS t, "
			  "''::text AS u",
			  NULL, 0, &res, &err) == 0);
	CHECK(err.kind == DBM_OK);
	if (!res || res->nrows != 1 || res->ncols != 21) {
		CHECK(!"one row of 21 columns");
		dbm_result_free(res);
		dbm_db_close(conn);
		return;
	}
	CHECK_STR(res->names[0], "a");
	CHECK_STR(res->names[20], "u");
	const struct dbm_value *v = res->cells;
	CHECK(v[0].kind == DBM_V_INT && v[0].i == 7);
	CHECK(v[1].kind == DBM_V_INT && v[1].i == -8);
	CHECK(v[2].kind == DBM_V_INT && v[2].i == INT64_MAX);
	CHECK(v[3].kind == DBM_V_INT && v[3].i == 4000000000);
	CHECK(v[4].kind == DBM_V_REAL && v[4].r == 1.5);
	CHECK(v[5].kind == DBM_V_REAL && v[5].r == 0.1);
	CHECK(v[6].kind == DBM_V_INT && v[6].i == 1);
	CHECK(v[7].kind == DBM_V_INT && v[7].i == 0);
	CHECK(v[8].kind == DBM_V_BLOB && v[8].n == 3 &&
	      memcmp(v[8].s,
		     "\x00\xff"
		     "A",
		     3) == 0);
	CHECK(v[9].kind == DBM_V_TEXT);
	CHECK_STR(v[9].s, "1.50");
	CHECK(v[10].kind == DBM_V_TEXT && v[10].n == 3);
	CHECK_STR(v[10].s, "h\xc3\xa9");
	CHECK_STR(v[11].s, "v");
	CHECK(v[12].kind == DBM_V_TEXT);
	CHECK_STR(v[12].s, "{\"x\": 1}");
	CHECK_STR(v[13].s, "2024-02-29 13:14:15");
	CHECK_STR(v[14].s, "2024-02-29");
	CHECK(v[15].kind == DBM_V_NULL);
	CHECK(v[16].kind == DBM_V_NULL);
	CHECK(v[17].kind == DBM_V_NULL);
	CHECK(v[18].kind == DBM_V_REAL && isinf(v[18].r) && v[18].r < 0);
	CHECK(v[19].kind == DBM_V_BLOB && v[19].n == 0);
	CHECK(v[20].kind == DBM_V_TEXT && v[20].n == 0);
	CHECK_STR(v[20].s, "");
	dbm_result_free(res);

	/* No rows; a statement without a result; an empty statement. */
	CHECK(dbm_db_exec(conn, "SELECT 1 AS x WHERE false", NULL, 0, &res,
			  &err) == 0);
	CHECK(res && res->nrows == 0 && res->ncols == 1);
	dbm_result_free(res);
	CHECK(dbm_db_exec(conn, "CREATE TABLE rt (a int)", NULL, 0, &res,
			  &err) == 0);
	CHECK(res && res->nrows == 0 && res->ncols == 0);
	dbm_result_free(res);
	CHECK(dbm_db_exec(conn, "", NULL, 0, NULL, &err) == 0);
	CHECK(exec0(conn, "DROP TABLE rt") == 0);
	dbm_db_close(conn);
}

static void test_params(void)
{
	struct dbm_conn *conn = connect_test_db();
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;
	static const char blob[] = {0, 1, 2, (char)0xff, '\\', 'x'};

	CHECK(exec0(conn, "CREATE TABLE v (id serial PRIMARY KEY, i bigint, "
			  "s smallint, r float8, t text, b bytea, n text, "
			  "f boolean, c varchar(10), m numeric(10, 2), "
			  "j json, ts timestamp)") == 0);
	const char *ins = "INSERT INTO v (i, s, r, t, b, n, f, c, m, j, ts) "
			  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
			  "$11)";
	struct dbm_value p[11] = {
	    {.kind = DBM_V_INT, .i = INT64_MIN},
	    {.kind = DBM_V_INT, .i = -3},
	    {.kind = DBM_V_REAL, .r = 2.5},
	    {.kind = DBM_V_TEXT, .s = "h\xc3\xa9llo 'x' $1 \\"},
	    {.kind = DBM_V_BLOB, .s = blob, .n = sizeof(blob)},
	    {.kind = DBM_V_NULL},
	    {.kind = DBM_V_INT, .i = 1},
	    {.kind = DBM_V_TEXT, .s = "abcdef", .n = 3},
	    {.kind = DBM_V_TEXT, .s = "12.345"},
	    {.kind = DBM_V_TEXT, .s = "[1, \"two\"]"},
	    {.kind = DBM_V_TEXT, .s = "2001-02-03 04:05:06"},
	};
	CHECK(dbm_db_exec(conn, ins, p, 11, NULL, &err) == 0);
	struct dbm_value q[11];
	for (int k = 0; k < 11; k++)
		q[k] = (struct dbm_value){.kind = DBM_V_NULL};
	CHECK(dbm_db_exec(conn, ins, q, 11, NULL, &err) == 0);
	q[0] = (struct dbm_value){.kind = DBM_V_INT, .i = INT64_MAX};
	q[2] = (struct dbm_value){.kind = DBM_V_REAL, .r = -0.1};
	q[3] = (struct dbm_value){.kind = DBM_V_TEXT, .s = ""};
	q[4] = (struct dbm_value){.kind = DBM_V_BLOB, .s = NULL, .n = 0};
	q[6] = (struct dbm_value){.kind = DBM_V_INT, .i = 0};
	CHECK(dbm_db_exec(conn, ins, q, 11, NULL, &err) == 0);
	CHECK(err.kind == DBM_OK);
	if (err.kind != DBM_OK)
		fprintf(stderr, "insert: %s\n", err.msg);

	CHECK(dbm_db_exec(conn,
			  "SELECT i, s, r, t, b, n, f, c, m, j, ts FROM v "
			  "ORDER BY id",
			  NULL, 0, &res, &err) == 0);
	CHECK(res && res->nrows == 3 && res->ncols == 11);
	if (res && res->nrows == 3 && res->ncols == 11) {
		const struct dbm_value *r0 = &res->cells[0];
		const struct dbm_value *r1 = &res->cells[11];
		const struct dbm_value *r2 = &res->cells[22];
		CHECK(r0[0].kind == DBM_V_INT && r0[0].i == INT64_MIN);
		CHECK(r0[1].kind == DBM_V_INT && r0[1].i == -3);
		CHECK(r0[2].kind == DBM_V_REAL && r0[2].r == 2.5);
		CHECK_STR(r0[3].s, "h\xc3\xa9llo 'x' $1 \\");
		CHECK(r0[4].kind == DBM_V_BLOB && r0[4].n == sizeof(blob) &&
		      memcmp(r0[4].s, blob, sizeof(blob)) == 0);
		CHECK(r0[5].kind == DBM_V_NULL);
		CHECK(r0[6].kind == DBM_V_INT && r0[6].i == 1);
		CHECK_STR(r0[7].s, "abc");
		CHECK_STR(r0[8].s, "12.35");
		CHECK_STR(r0[9].s, "[1, \"two\"]");
		CHECK_STR(r0[10].s, "2001-02-03 04:05:06");
		int nulls = 0;
		for (int k = 0; k < 11; k++)
			nulls += r1[k].kind == DBM_V_NULL;
		CHECK(nulls == 11);
		CHECK(r2[0].kind == DBM_V_INT && r2[0].i == INT64_MAX);
		CHECK(r2[2].kind == DBM_V_REAL && r2[2].r == -0.1);
		CHECK(r2[3].kind == DBM_V_TEXT && r2[3].n == 0);
		CHECK(r2[4].kind == DBM_V_BLOB && r2[4].n == 0);
		CHECK(r2[6].kind == DBM_V_INT && r2[6].i == 0);
	}
	dbm_result_free(res);
	res = NULL;

	/* Parameters in expressions and WHERE clauses, types inferred. */
	struct dbm_value w[2] = {
	    {.kind = DBM_V_INT, .i = -3},
	    {.kind = DBM_V_TEXT, .s = "abc"},
	};
	CHECK(dbm_db_exec(conn,
			  "SELECT count(*) FROM v WHERE s = $1 AND c = $2", w,
			  2, &res, &err) == 0);
	CHECK(res && res->nrows == 1 && res->cells[0].kind == DBM_V_INT &&
	      res->cells[0].i == 1);
	dbm_result_free(res);
	res = NULL;
	struct dbm_value e[3] = {
	    {.kind = DBM_V_INT, .i = 41},
	    {.kind = DBM_V_REAL, .r = 1.0 / 3.0},
	    {.kind = DBM_V_REAL, .r = INFINITY},
	};
	CHECK(dbm_db_exec(conn,
			  "SELECT $1::int8 + 1, $2::float8, $3::float8, "
			  "$1::text",
			  e, 3, &res, &err) == 0);
	CHECK(res && res->nrows == 1 && res->ncols == 4);
	if (res && res->nrows == 1 && res->ncols == 4) {
		CHECK(res->cells[0].kind == DBM_V_INT && res->cells[0].i == 42);
		CHECK(res->cells[1].kind == DBM_V_REAL &&
		      res->cells[1].r == 1.0 / 3.0);
		CHECK(res->cells[2].kind == DBM_V_REAL &&
		      isinf(res->cells[2].r) && res->cells[2].r > 0);
		CHECK_STR(res->cells[3].s, "41");
	}
	dbm_result_free(res);
	res = NULL;

	/* A blob compared in SQL, and the bytes of every value of a byte. */
	char all[256];
	for (int k = 0; k < 256; k++)
		all[k] = (char)k;
	struct dbm_value b[1] = {{.kind = DBM_V_BLOB, .s = all, .n = 256}};
	CHECK(dbm_db_exec(conn, "SELECT $1::bytea, length($1::bytea)", b, 1,
			  &res, &err) == 0);
	CHECK(res && res->nrows == 1 && res->cells[0].kind == DBM_V_BLOB &&
	      res->cells[0].n == 256 &&
	      memcmp(res->cells[0].s, all, 256) == 0 && res->cells[1].i == 256);
	dbm_result_free(res);
	CHECK(exec0(conn, "DROP TABLE v") == 0);
	CHECK(err.kind == DBM_OK);
	dbm_db_close(conn);
}

static void test_errors(void)
{
	struct dbm_conn *conn = connect_test_db();
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = (struct dbm_result *)&err;
	struct dbm_value one = {.kind = DBM_V_INT, .i = 1};

	CHECK(dbm_db_exec(conn, "SELECT * FROM foo", NULL, 0, &res, &err) < 0);
	CHECK(res == NULL);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, "relation \"foo\" does not exist");
	dbm_err_clear(&err);

	CHECK(dbm_db_exec(conn, "SELEC 1", NULL, 0, NULL, &err) < 0);
	CHECK_STR(err.msg, "syntax error at or near \"SELEC\"");
	dbm_err_clear(&err);

	/* Never more than one statement per call. */
	CHECK(dbm_db_exec(conn,
			  "CREATE TABLE e1 (a int); CREATE TABLE e2 "
			  "(a int)",
			  NULL, 0, NULL, &err) < 0);
	CHECK_STR(err.msg,
		  "cannot insert multiple commands into a prepared statement");
	dbm_err_clear(&err);
	CHECK_STR(scalar(conn, "SELECT to_regclass('e1') IS NULL"), "1");

	CHECK(dbm_db_exec(conn, "SELECT $1::int, $2::int", &one, 1, NULL,
			  &err) < 0);
	CHECK_STR(err.msg, "bind message supplies 1 parameters, but prepared "
			   "statement \"\" requires 2");
	dbm_err_clear(&err);

	CHECK(exec0(conn, "CREATE TABLE u (a int PRIMARY KEY, b text NOT "
			  "NULL)") == 0);
	CHECK(dbm_db_exec(conn, "INSERT INTO u VALUES ($1, 'x')", &one, 1, NULL,
			  &err) == 0);
	CHECK(dbm_db_exec(conn, "INSERT INTO u VALUES ($1, 'x')", &one, 1, NULL,
			  &err) < 0);
	CHECK_STR(err.msg, "duplicate key value violates unique constraint "
			   "\"u_pkey\"");
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "INSERT INTO u VALUES (2, NULL)", NULL, 0, NULL,
			  &err) < 0);
	CHECK_STR(err.msg, "null value in column \"b\" of relation \"u\" "
			   "violates not-null constraint");
	dbm_err_clear(&err);
	struct dbm_value bad = {.kind = DBM_V_TEXT, .s = "x1"};
	CHECK(dbm_db_exec(conn, "INSERT INTO u VALUES ($1, 'x')", &bad, 1, NULL,
			  &err) < 0);
	CHECK_STR(err.msg, "invalid input syntax for type integer: \"x1\"");
	dbm_err_clear(&err);

	/* The connection is still fine; a NOTICE is not printed. */
	CHECK_STR(scalar(conn, "SELECT count(*) FROM u"), "1");
	fflush(stderr);
	int saved = dup(2);
	char path[] = "/tmp/dbm_test_pg_XXXXXX";
	int fd = mkstemp(path);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	int rc = exec0(conn, "DROP TABLE IF EXISTS no_such_table");
	int rc2 = exec0(conn, "DO $$ BEGIN RAISE NOTICE 'hello'; "
			      "RAISE WARNING 'careful'; END $$");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK(rc == 0 && rc2 == 0);
	CHECK(lseek(fd, 0, SEEK_END) == 0);
	close(fd);
	unlink(path);
	CHECK(exec0(conn, "DROP TABLE u") == 0);
	dbm_db_close(conn);
}

static void test_transactions(void)
{
	struct dbm_conn *conn = connect_test_db();
	struct dbm_conn *other = connect_test_db();
	const struct dbm_driver *d = conn->driver;
	struct dbm_err err = DBM_ERR_INIT;

	CHECK(exec0(conn, "CREATE TABLE tx (a int)") == 0);
	CHECK(!d->in_transaction(conn));
	CHECK(d->rollback(conn, &err) == 0); /* nothing to undo */

	CHECK(d->begin(conn, true, 1.0, &err) == 0);
	CHECK(d->in_transaction(conn));
	CHECK(exec0(conn, "INSERT INTO tx VALUES (1)") == 0);
	CHECK_STR(scalar(other, "SELECT count(*) FROM tx"), "0");
	CHECK(d->rollback(conn, &err) == 0);
	CHECK(!d->in_transaction(conn));
	CHECK_STR(scalar(conn, "SELECT count(*) FROM tx"), "0");

	CHECK(d->begin(conn, false, 0, &err) == 0);
	CHECK(d->begin(conn, false, 0, &err) < 0);
	CHECK_STR(err.msg, "cannot start a transaction within a transaction");
	dbm_err_clear(&err);
	CHECK(exec0(conn, "INSERT INTO tx VALUES (2)") == 0);
	CHECK(d->commit(conn, &err) == 0);
	CHECK(!d->in_transaction(conn));
	CHECK_STR(scalar(other, "SELECT count(*) FROM tx"), "1");

	/* DDL is transactional: all of it goes with a rollback. */
	CHECK(d->begin(conn, true, 1.0, &err) == 0);
	CHECK(exec0(conn, "CREATE TABLE ddl_x (a int)") == 0);
	CHECK(exec0(conn, "ALTER TABLE tx ADD COLUMN b text") == 0);
	CHECK(exec0(conn, "CREATE INDEX ix_tx_a ON tx (a)") == 0);
	CHECK_STR(scalar(conn, "SELECT to_regclass('ddl_x') IS NOT NULL"), "1");
	CHECK(d->rollback(conn, &err) == 0);
	CHECK_STR(scalar(conn, "SELECT to_regclass('ddl_x') IS NULL"), "1");
	CHECK_STR(scalar(conn, "SELECT to_regclass('ix_tx_a') IS NULL"), "1");
	CHECK_STR(scalar(conn, "SELECT count(*) FROM information_schema."
			       "columns WHERE table_name = 'tx'"),
		  "1");

	/* A failed statement dooms the transaction: commit says so. */
	CHECK(d->begin(conn, true, 1.0, &err) == 0);
	CHECK(exec0(conn, "INSERT INTO tx VALUES (3)") == 0);
	CHECK(dbm_db_exec(conn, "SELECT * FROM nope", NULL, 0, NULL, &err) < 0);
	dbm_err_clear(&err);
	CHECK(d->in_transaction(conn));
	CHECK(dbm_db_exec(conn, "SELECT 1", NULL, 0, NULL, &err) < 0);
	CHECK_STR(err.msg, "current transaction is aborted, commands ignored "
			   "until end of transaction block");
	dbm_err_clear(&err);
	CHECK(d->commit(conn, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, "cannot commit: a statement of the transaction "
			   "failed, so it was rolled back");
	dbm_err_clear(&err);
	CHECK(!d->in_transaction(conn));
	CHECK_STR(scalar(conn, "SELECT count(*) FROM tx"), "1");

	/* COMMIT with no transaction is only a warning (silenced). */
	CHECK(d->commit(conn, &err) == 0);
	CHECK(exec0(conn, "DROP TABLE tx") == 0);
	dbm_db_close(other);
	dbm_db_close(conn);
}

/* The key the driver must use: FNV-1a 64 of "tacker-db-manage:db:name". */
static uint64_t expected_key(const char *name)
{
	char text[256];
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	snprintf(text, sizeof(text), "tacker-db-manage:%s:%s", dbname, name);
	for (const char *s = text; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* The pid holding advisory key, seen from conn, or "(no rows)". */
static const char *holder_of(struct dbm_conn *conn, uint64_t key)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND "
		 "granted AND classid = %" PRIu32 " AND objid = %" PRIu32
		 " AND objsubid = 1 AND database = (SELECT oid FROM "
		 "pg_database WHERE datname = current_database())",
		 (uint32_t)(key >> 32), (uint32_t)key);
	return scalar(conn, sql);
}

static void test_lock(void)
{
	struct dbm_conn *a = connect_test_db(), *b = connect_test_db();
	struct dbm_conn *watch = connect_test_db();
	const struct dbm_driver *d = a->driver;
	struct dbm_err err = DBM_ERR_INIT;
	char pid[64], want[256];
	uint64_t key = expected_key("upgrade");

	CHECK(d->lock != NULL && d->unlock != NULL);
	CHECK_STR(holder_of(watch, key), "(no rows)");
	CHECK(d->lock(a, "upgrade", 1.0, &err) == 0);
	snprintf(pid, sizeof(pid), "%s", holder_of(watch, key));
	CHECK(atoi(pid) > 0);
	/* Held by a session of its own, not by the main connection. */
	CHECK(strcmp(pid, scalar(a, "SELECT pg_backend_pid()")) != 0);

	/* Another run waits, then fails naming the holder. */
	double t0 = now();
	CHECK(d->lock(b, "upgrade", 0.5, &err) < 0);
	double waited = now() - t0;
	CHECK(waited >= 0.45 && waited < 3.0);
	CHECK(err.kind == DBM_EFAIL);
	snprintf(want, sizeof(want),
		 "database is locked by another run (waited 0.5 s; held by "
		 "pid %s from 127.0.0.1)",
		 pid);
	CHECK_STR(err.msg, want);
	dbm_err_clear(&err);
	t0 = now();
	CHECK(d->lock(b, "upgrade", 0, &err) < 0); /* one try */
	CHECK(now() - t0 < 0.5);
	snprintf(want, sizeof(want),
		 "database is locked by another run (waited 0 s; held by "
		 "pid %s from 127.0.0.1)",
		 pid);
	CHECK_STR(err.msg, want);
	dbm_err_clear(&err);
	/* A failed try leaves nothing behind. */
	/* (this database's: other tests' runs take locks of their own) */
	CHECK_STR(scalar(watch, "SELECT count(*) FROM pg_locks WHERE "
				"locktype = 'advisory' AND database = (SELECT "
				"oid FROM pg_database WHERE datname = "
				"current_database())"),
		  "1");

	/* Another name is another lock; one lock per connection. */
	CHECK(d->lock(b, "other", 0.5, &err) == 0);
	CHECK(d->lock(b, "third", 0.5, &err) < 0);
	CHECK_STR(err.msg, "cannot take the run lock 'third': this "
			   "connection already holds 'other'");
	dbm_err_clear(&err);
	CHECK(d->unlock(b, "upgrade", &err) < 0);
	CHECK_STR(err.msg, "cannot release the run lock 'upgrade': the lock "
			   "held is 'other'");
	dbm_err_clear(&err);
	CHECK(d->unlock(b, "other", &err) == 0);
	CHECK(d->unlock(b, "other", &err) == 0); /* released already */

	/* The main connection's transactions do not touch the lock. */
	CHECK(d->begin(a, true, 1.0, &err) == 0);
	CHECK(exec0(a, "CREATE TABLE lk (a int)") == 0);
	CHECK(d->rollback(a, &err) == 0);
	CHECK_STR(holder_of(watch, key), pid);

	/*
	 * CREATE INDEX CONCURRENTLY waits for every other transaction: the
	 * lock's session holds none, so it does not wait for it.
	 */
	CHECK(exec0(a, "CREATE TABLE lk (a int)") == 0);
	CHECK(exec0(a, "SET statement_timeout = '20s'") == 0);
	CHECK(exec0(a, "CREATE INDEX CONCURRENTLY ix_lk_a ON lk (a)") == 0);
	CHECK(exec0(a, "RESET statement_timeout") == 0);

	/* unlock, then another connection takes it. */
	CHECK(d->unlock(a, "upgrade", &err) == 0);
	CHECK_STR(holder_of(watch, key), "(no rows)");
	t0 = now();
	CHECK(d->lock(b, "upgrade", 0.5, &err) == 0);
	CHECK(now() - t0 < 0.5);
	CHECK(d->lock(a, "upgrade", 0.2, &err) < 0);
	dbm_err_clear(&err);

	/* Closing the holder frees the lock: a waiter gets it. */
	dbm_db_close(b);
	t0 = now();
	CHECK(d->lock(a, "upgrade", 5.0, &err) == 0);
	CHECK(now() - t0 < 5.0);
	CHECK(err.kind == DBM_OK);
	CHECK(atoi(holder_of(watch, key)) > 0);

	/* Closing with the lock held frees it too. */
	dbm_db_close(a);
	b = connect_test_db();
	CHECK(d->lock(b, "upgrade", 5.0, &err) == 0);
	CHECK(d->unlock(b, "upgrade", &err) == 0);
	CHECK(err.kind == DBM_OK);
	CHECK(exec0(watch, "DROP TABLE lk") == 0);
	dbm_db_close(b);
	dbm_db_close(watch);
}

/* A session ended under the host: a clear error, then a clean close. */
static void test_lost_connection(void)
{
	struct dbm_conn *conn = connect_test_db();
	struct dbm_conn *killer = connect_test_db();
	const struct dbm_driver *d = conn->driver;
	struct dbm_err err = DBM_ERR_INIT;
	char sql[128], want[512];

	CHECK(d->begin(conn, true, 1.0, &err) == 0);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%s)",
		 scalar(conn, "SELECT pg_backend_pid()"));
	CHECK_STR(scalar(killer, sql), "1");
	usleep(100000);
	CHECK(dbm_db_exec(conn, "SELECT 1", NULL, 0, NULL, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	snprintf(want, sizeof(want),
		 "lost the connection to '%s': ", conn->display);
	CHECK(strncmp(err.msg, want, strlen(want)) == 0);
	check_masked(err.msg);
	dbm_err_clear(&err);
	CHECK(!d->in_transaction(conn));
	CHECK(d->rollback(conn, &err) == 0);
	CHECK(dbm_db_exec(conn, "SELECT 1", NULL, 0, NULL, &err) < 0);
	CHECK(strncmp(err.msg, want, strlen(want)) == 0);
	check_masked(err.msg);
	dbm_err_clear(&err);
	CHECK(d->commit(conn, &err) < 0);
	CHECK(strncmp(err.msg, want, strlen(want)) == 0);
	dbm_err_clear(&err);
	dbm_db_close(conn);
	dbm_db_close(killer);
}

int main(void)
{
	struct dbm_err err = DBM_ERR_INIT;
	const char *text = getenv("DBM_PG_URL");
	socket_dir = getenv("DBM_PG_SOCKET_DIR");
	if (!text || !*text || !socket_dir || !*socket_dir) {
		fprintf(stderr,
			"DBM_PG_URL and DBM_PG_SOCKET_DIR are not set: this "
			"test needs the PostgreSQL server of scripts/testdb "
			"(scripts/test starts it; by hand: eval \"$(scripts/"
			"testdb start)\")\n");
		CHECK(!"a PostgreSQL server");
		return t_done();
	}
	if (dbm_url_parse(&admin, text, &err) < 0 || !admin.password ||
	    !admin.host || !admin.port || !admin.username) {
		fprintf(stderr, "DBM_PG_URL: %s\n",
			err.msg[0] ? err.msg
				   : "user, password, host and port "
				     "are needed");
		CHECK(!"a usable DBM_PG_URL");
		return t_done();
	}

	struct dbm_conn *root = NULL;
	if (dbm_db_connect(&root, &admin, &err) < 0) {
		fprintf(stderr, "DBM_PG_URL: %s\n", err.msg);
		CHECK(!"a PostgreSQL server accepting DBM_PG_URL");
		dbm_url_release(&admin);
		return t_done();
	}
	snprintf(dbname, sizeof(dbname), "dbm_test_pg_%ld_%ld", (long)getpid(),
		 (long)time(NULL));
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
		 dbname);
	if (exec0(root, sql) < 0) {
		CHECK(!"a throw-away database");
	} else {
		test_connect();
		test_result_types();
		test_params();
		test_errors();
		test_transactions();
		test_lock();
		test_lost_connection();
		snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)",
			 dbname);
		CHECK(exec0(root, sql) == 0);
	}
	dbm_db_close(root);
	dbm_url_release(&admin);
	return t_done();
}
