/*
 * The MySQL/MariaDB driver against a real server. DBM_MYSQL_URL names an
 * admin account (scripts/testdb exports it); the test creates a database
 * of its own and drops it at the end. Without the variable the test fails:
 * it never skips.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "t.h"

static struct dbm_url admin; /* DBM_MYSQL_URL */
static char dbname[64];	     /* this run's database */

/* The admin URL for another database, borrowing admin's strings. */
static struct dbm_url url_for(char *database)
{
	struct dbm_url u = admin;
	u.database = database;
	u.query = NULL;
	u.nquery = 0;
	return u;
}

static struct dbm_conn *connect_or_die(const struct dbm_url *u)
{
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_db_connect(&conn, u, &err) < 0) {
		fprintf(stderr, "connect: %s\n", err.msg);
		exit(1);
	}
	return conn;
}

static struct dbm_conn *connect_test_db(void)
{
	struct dbm_url u = url_for(dbname);
	return connect_or_die(&u);
}

static int exec0(struct dbm_conn *conn, const char *sql)
{
	struct dbm_err err = DBM_ERR_INIT;
	int rc = dbm_db_exec(conn, sql, NULL, 0, NULL, &err);
	if (rc < 0)
		fprintf(stderr, "exec '%s': %s\n", sql, err.msg);
	return rc;
}

/* Rows of sql with params, or NULL (the error printed). */
static struct dbm_result *query(struct dbm_conn *conn, const char *sql,
				const struct dbm_value *params, size_t n)
{
	struct dbm_result *res = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_db_exec(conn, sql, params, n, &res, &err) < 0) {
		fprintf(stderr, "query '%s': %s\n", sql, err.msg);
		return NULL;
	}
	return res;
}

/* The one integer sql returns, or INT64_MIN. */
static int64_t query_int(struct dbm_conn *conn, const char *sql,
			 const struct dbm_value *params, size_t n)
{
	struct dbm_result *res = query(conn, sql, params, n);
	int64_t v = INT64_MIN;
	if (res && res->nrows == 1 && res->ncols >= 1 &&
	    dbm_result_cell(res, 0, 0)->kind == DBM_V_INT)
		v = dbm_result_cell(res, 0, 0)->i;
	dbm_result_free(res);
	return v;
}

/* The one text sql returns, copied into buf ("(none)" if not text). */
static const char *query_text(struct dbm_conn *conn, const char *sql, char *buf,
			      size_t size)
{
	struct dbm_result *res = query(conn, sql, NULL, 0);
	snprintf(buf, size, "(none)");
	if (res && res->nrows == 1 &&
	    dbm_result_cell(res, 0, 0)->kind == DBM_V_TEXT)
		snprintf(buf, size, "%s", dbm_result_cell(res, 0, 0)->s);
	dbm_result_free(res);
	return buf;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "cannot connect to '<u masked>': " */
static void connect_prefix(char *out, size_t size, const struct dbm_url *u)
{
	struct dbm_buf shown = DBM_BUF_INIT;
	dbm_url_render_masked(&shown, u);
	snprintf(out, size, "cannot connect to '%s': ", shown.buf);
	dbm_buf_release(&shown);
}

/* Connect to u, expecting a failure; the message must hide the password. */
static void expect_connect_error(const struct dbm_url *u,
				 enum dbm_err_kind kind, const char *want)
{
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	char full[1024];
	connect_prefix(full, sizeof(full), u);
	strncat(full, want, sizeof(full) - strlen(full) - 1);
	CHECK(dbm_db_connect(&conn, u, &err) < 0);
	CHECK(conn == NULL);
	CHECK(err.kind == kind);
	CHECK_STR(err.msg, full);
	CHECK(strstr(err.msg, ":***@") != NULL || !u->password);
	CHECK(!admin.password || !strstr(err.msg, admin.password));
	CHECK(!u->password || !strstr(err.msg, u->password));
	CHECK(strchr(err.msg, '\n') == NULL);
	dbm_db_close(conn);
}

/* Connect to u with the query arguments given as key, value pairs. */
static int connect_with(struct dbm_conn **out, struct dbm_url u,
			const char *const *kv, size_t npairs,
			struct dbm_err *err)
{
	struct dbm_url_param q[8];
	for (size_t i = 0; i < npairs && i < 8; i++) {
		q[i].key = (char *)kv[2 * i];
		q[i].value = (char *)kv[2 * i + 1];
	}
	u.query = q;
	u.nquery = npairs;
	return dbm_db_connect(out, &u, err);
}

/* A TCP port on 127.0.0.1 that nobody listens on. */
static int unused_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void test_connect(void)
{
	struct dbm_conn *conn = connect_test_db();
	char buf[256], want[256];

	CHECK_STR(conn->driver->dialect, "mysql");
	snprintf(want, sizeof(want), "mysql://%s:***@%s:%d/%s", admin.username,
		 admin.host, admin.port, dbname);
	CHECK_STR(conn->display, want);
	CHECK_STR(query_text(conn, "SELECT DATABASE()", buf, sizeof(buf)),
		  dbname);
	CHECK_STR(
	    query_text(conn, "SELECT @@character_set_client", buf, sizeof(buf)),
	    "utf8mb4");
	CHECK(query_int(conn, "SELECT @@autocommit", NULL, 0) == 1);
	CHECK(!conn->driver->in_transaction(conn));
	dbm_db_close(conn);
	dbm_db_close(NULL); /* fine */
}

static void test_connect_errors(void)
{
	char msg[1024];
	struct dbm_url u = url_for(dbname);

	u.password = "wrong-secret-8Zq";
	snprintf(msg, sizeof(msg),
		 "Access denied for user '%s'@'%s' (using password: YES) "
		 "(1045)",
		 admin.username, admin.host);
	expect_connect_error(&u, DBM_EFAIL, msg);

	/* The library's errno in parentheses varies (111, 115): not it. */
	u = url_for(dbname);
	u.port = unused_port();
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	char want[512];
	connect_prefix(want, sizeof(want), &u);
	snprintf(msg, sizeof(msg), "%sCan't connect to server on '%s' (", want,
		 admin.host);
	CHECK(dbm_db_connect(&conn, &u, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK(!strncmp(err.msg, msg, strlen(msg)));
	size_t len = strlen(err.msg), tail = strlen(") (2002)");
	CHECK(len > tail && !strcmp(err.msg + len - tail, ") (2002)"));
	CHECK(!strstr(err.msg, admin.password));
	CHECK(strchr(err.msg, '\n') == NULL);

	u = url_for("no_such_db_8zq");
	expect_connect_error(&u, DBM_EFAIL,
			     "Unknown database 'no_such_db_8zq' (1049)");
}

static void test_connect_args(void)
{
	struct dbm_url u = url_for(dbname);
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	char buf[512], want[1024];

	/* Unknown arguments: a usage error naming each once. */
	const char *unknown[] = {"foo", "1", "charset", "utf8mb4",
				 "bar", "2", "foo",	"3"};
	CHECK(connect_with(&conn, u, unknown, 4, &err) < 0);
	CHECK(err.kind == DBM_EUSAGE);
	CHECK(strstr(err.msg, "': unknown query arguments 'foo', 'bar' "
			      "(known: charset, unix_socket, ") != NULL);
	CHECK(!strstr(err.msg, admin.password));

	const struct {
		const char *key, *value, *msg;
	} bad[] = {
	    {"connect_timeout", "soon",
	     "bad value 'soon' for 'connect_timeout': want whole seconds up "
	     "to 31536000"},
	    {"read_timeout", "-1",
	     "bad value '-1' for 'read_timeout': want whole seconds up to "
	     "31536000"},
	    {"ssl_mode", "sometimes",
	     "bad value 'sometimes' for 'ssl_mode': want DISABLED, "
	     "PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY"},
	    {"ssl_mode", "verify_ca",
	     "verifying the server's certificate authority (ssl_mode "
	     "VERIFY_CA) needs 'ssl_ca' or 'ssl_capath'"},
	    {"ssl_verify_cert", "maybe",
	     "bad value 'maybe' for 'ssl_verify_cert': want true or false"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *kv[] = {bad[i].key, bad[i].value};
		struct dbm_url shown = u;
		struct dbm_url_param q = {(char *)kv[0], (char *)kv[1]};
		shown.query = &q;
		shown.nquery = 1;
		connect_prefix(want, sizeof(want), &shown);
		strncat(want, bad[i].msg, sizeof(want) - strlen(want) - 1);
		dbm_err_clear(&err);
		CHECK(connect_with(&conn, u, kv, 1, &err) < 0);
		CHECK(err.kind == DBM_EUSAGE);
		CHECK_STR(err.msg, want);
	}

	/* charset, timeouts, compression, ignored Python-only arguments. */
	const char *latin[] = {"charset",  "latin1", "connect_timeout", "5",
			       "compress", "true",   "use_unicode",	"1"};
	dbm_err_clear(&err);
	CHECK(connect_with(&conn, u, latin, 4, &err) == 0);
	if (conn) {
		CHECK_STR(query_text(conn, "SELECT @@character_set_client", buf,
				     sizeof(buf)),
			  "latin1");
		dbm_db_close(conn);
		conn = NULL;
	}

	/* The password as a query argument (MySQLdb's passwd), masked. */
	const char *pw[] = {"passwd", admin.password};
	struct dbm_url nopw = u;
	nopw.password = NULL;
	dbm_err_clear(&err);
	CHECK(connect_with(&conn, nopw, pw, 1, &err) == 0);
	if (conn) {
		CHECK(strstr(conn->display, "passwd=***") != NULL);
		CHECK(!strstr(conn->display, admin.password));
		dbm_db_close(conn);
		conn = NULL;
	}

	/* unix_socket: the socket, whatever the host says. */
	struct dbm_conn *probe = connect_test_db();
	char sock[256];
	query_text(probe, "SELECT @@socket", sock, sizeof(sock));
	const char *viasock[] = {"unix_socket", sock};
	dbm_err_clear(&err);
	CHECK(connect_with(&conn, u, viasock, 1, &err) == 0);
	if (conn) {
		CHECK_STR(query_text(conn,
				     "SELECT HOST FROM "
				     "information_schema.PROCESSLIST "
				     "WHERE ID = CONNECTION_ID()",
				     buf, sizeof(buf)),
			  "localhost");
		dbm_db_close(conn);
		conn = NULL;
	} else {
		fprintf(stderr, "unix_socket: %s\n", err.msg);
	}

	/* TLS: DISABLED connects in plain text; REQUIRED insists on TLS. */
	const char *plain[] = {"ssl_mode", "DISABLED"};
	dbm_err_clear(&err);
	CHECK(connect_with(&conn, u, plain, 1, &err) == 0);
	if (conn) {
		struct dbm_result *res = query(
		    conn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'", NULL, 0);
		CHECK(res && res->nrows == 1 &&
		      dbm_result_cell(res, 0, 1)->kind == DBM_V_TEXT &&
		      !*dbm_result_cell(res, 0, 1)->s);
		dbm_result_free(res);
		dbm_db_close(conn);
		conn = NULL;
	}
	bool server_tls = !strcmp(
	    query_text(probe, "SELECT @@have_ssl", buf, sizeof(buf)), "YES");
	const char *required[] = {"ssl_mode", "REQUIRED"};
	dbm_err_clear(&err);
	int rc = connect_with(&conn, u, required, 1, &err);
	if (server_tls) {
		CHECK(rc == 0);
	} else {
		struct dbm_url shown = u;
		struct dbm_url_param q = {"ssl_mode", "REQUIRED"};
		shown.query = &q;
		shown.nquery = 1;
		connect_prefix(want, sizeof(want), &shown);
		strncat(want,
			"the server does not offer TLS, which ssl_mode "
			"'REQUIRED' requires",
			sizeof(want) - strlen(want) - 1);
		CHECK(rc < 0);
		CHECK(err.kind == DBM_EFAIL);
		CHECK_STR(err.msg, want);
		/* Verification fails in the library, before any query. */
		const char *ident[] = {"ssl", "true", "ssl_verify_identity",
				       "true"};
		dbm_err_clear(&err);
		CHECK(connect_with(&conn, u, ident, 2, &err) < 0);
		CHECK(strstr(err.msg, "SSL is required, but the server does "
				      "not support it (2026)") != NULL);
	}
	dbm_db_close(conn);
	dbm_db_close(probe);
}

static bool cell_is_text(const struct dbm_value *v, const char *s)
{
	return v->kind == DBM_V_TEXT && v->n == strlen(s) && !strcmp(v->s, s);
}

static bool cell_is_blob(const struct dbm_value *v, const void *p, size_t n)
{
	return v->kind == DBM_V_BLOB && v->n == n &&
	       (n == 0 || memcmp(v->s, p, n) == 0);
}

static void test_param_roundtrip(void)
{
	struct dbm_conn *conn = connect_test_db();
	static const char blob[] = {'\0', 'a', '\xff', '\0', '\x80', 'z'};
	const char *text = "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80";
	struct dbm_value p[] = {
	    {.kind = DBM_V_NULL},
	    {.kind = DBM_V_INT, .i = INT64_MIN},
	    {.kind = DBM_V_INT, .i = INT64_MAX},
	    {.kind = DBM_V_INT, .i = -1},
	    {.kind = DBM_V_REAL, .r = 3.141592653589793},
	    {.kind = DBM_V_REAL, .r = -1e300},
	    {.kind = DBM_V_TEXT, .s = text},
	    {.kind = DBM_V_BLOB, .s = blob, .n = sizeof(blob)},
	    {.kind = DBM_V_TEXT, .s = ""},
	    {.kind = DBM_V_BLOB, .s = NULL, .n = 0},
	};
	size_t n = sizeof(p) / sizeof(p[0]);
	struct dbm_result *res =
	    query(conn, "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? AS last", p, n);
	CHECK(res != NULL);
	if (res) {
		CHECK(res->nrows == 1 && res->ncols == n);
		CHECK_STR(res->names[n - 1], "last");
		CHECK(dbm_result_cell(res, 0, 0)->kind == DBM_V_NULL);
		CHECK(dbm_result_cell(res, 0, 1)->kind == DBM_V_INT);
		CHECK(dbm_result_cell(res, 0, 1)->i == INT64_MIN);
		CHECK(dbm_result_cell(res, 0, 2)->i == INT64_MAX);
		CHECK(dbm_result_cell(res, 0, 3)->i == -1);
		CHECK(dbm_result_cell(res, 0, 4)->kind == DBM_V_REAL);
		CHECK(dbm_result_cell(res, 0, 4)->r == 3.141592653589793);
		CHECK(dbm_result_cell(res, 0, 5)->r == -1e300);
		CHECK(cell_is_text(dbm_result_cell(res, 0, 6), text));
		CHECK(cell_is_blob(dbm_result_cell(res, 0, 7), blob,
				   sizeof(blob)));
		CHECK(cell_is_text(dbm_result_cell(res, 0, 8), ""));
		CHECK(cell_is_blob(dbm_result_cell(res, 0, 9), "", 0));
	}
	dbm_result_free(res);

	/* No rows: the columns still have names; rows not wanted: fine. */
	struct dbm_value zero = {.kind = DBM_V_INT, .i = 0};
	res = query(conn, "SELECT ? AS a, 2 AS b FROM DUAL WHERE 1 = 0", &zero,
		    1);
	CHECK(res && res->nrows == 0 && res->ncols == 2);
	CHECK(res && res->ncols == 2 && !strcmp(res->names[1], "b"));
	dbm_result_free(res);
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(dbm_db_exec(conn, "SELECT ?, REPEAT('x', 100000)", &zero, 1, NULL,
			  &err) == 0);
	CHECK(dbm_db_exec(conn, "SELECT 1 UNION SELECT 2", NULL, 0, NULL,
			  &err) == 0);
	CHECK(query_int(conn, "SELECT 41 + 1", NULL, 0) == 42);

	/* Parameters must match the placeholders. */
	CHECK(dbm_db_exec(conn, "SELECT ?, ?", p, 1, NULL, &err) < 0);
	CHECK_STR(err.msg, "statement takes 2 parameters, 1 given");
	dbm_db_close(conn);
}

/* Columns of the vals table, in order. */
#define VALS_COLS                                                              \
	"id, i, u, d, f, dec_, s, t, b, vb, dt, da, tm, j, bo, bits, n"

/* Check row r of a SELECT VALS_COLS FROM vals ORDER BY id. */
static void check_vals_row(const struct dbm_result *res, size_t r,
			   const char *big, size_t nbig, const char *bigblob,
			   size_t nbigblob)
{
#define C(col) dbm_result_cell(res, r, (col))
	CHECK(res->ncols == 17);
	CHECK_STR(res->names[5], "dec_");
	if (r == 0) {
		CHECK(C(0)->kind == DBM_V_INT && C(0)->i == 1);
		CHECK(C(1)->kind == DBM_V_INT && C(1)->i == -9007199254740993);
		CHECK(cell_is_text(C(2), "18446744073709551615"));
		CHECK(C(3)->kind == DBM_V_REAL && C(3)->r == 0.1 + 0.2);
		CHECK(C(4)->kind == DBM_V_REAL && C(4)->r == 0.1);
		CHECK(cell_is_text(C(5), "-12.345"));
		CHECK(cell_is_text(C(6), "caf\xc3\xa9"));
		CHECK(C(7)->kind == DBM_V_TEXT && C(7)->n == nbig &&
		      memcmp(C(7)->s, big, nbig) == 0);
		CHECK(cell_is_blob(C(8), bigblob, nbigblob));
		CHECK(cell_is_blob(C(9), "\0\1\0", 3));
		CHECK(cell_is_text(C(10), "2024-02-29 23:59:58.123456"));
		CHECK(cell_is_text(C(11), "2024-02-29"));
		CHECK(cell_is_text(C(12), "-01:02:03"));
		CHECK(cell_is_text(C(13), "{\"a\": [1, null]}"));
		CHECK(C(14)->kind == DBM_V_INT && C(14)->i == 1);
		CHECK(cell_is_blob(C(15), "\x01\x02", 2));
		CHECK(C(16)->kind == DBM_V_NULL);
	} else {
		CHECK(C(0)->i == 2);
		CHECK(C(1)->kind == DBM_V_INT && C(1)->i == INT64_MAX);
		CHECK(C(2)->kind == DBM_V_INT && C(2)->i == 5);
		CHECK(C(3)->kind == DBM_V_REAL && C(3)->r == -2.5e-300);
		for (size_t c = 4; c < 17; c++)
			CHECK(C(c)->kind == DBM_V_NULL);
	}
#undef C
}

static void test_table_roundtrip(void)
{
	struct dbm_conn *conn = connect_test_db();
	size_t nbig = 100 * 1024 + 3, nbigblob = 200 * 1024;
	char *big = malloc(nbig + 1), *bigblob = malloc(nbigblob);
	for (size_t k = 0; k < nbig - 3; k++)
		big[k] = (char)('a' + k % 26);
	memcpy(big + nbig - 3, "\xe2\x82\xac", 4); /* a euro sign, NUL */
	for (size_t k = 0; k < nbigblob; k++)
		bigblob[k] = (char)(k * 7 % 256);

	CHECK(exec0(conn, "CREATE TABLE vals (id INT PRIMARY KEY, i BIGINT, "
			  "u BIGINT UNSIGNED, d DOUBLE, f FLOAT, "
			  "dec_ DECIMAL(10,3), s VARCHAR(50), t LONGTEXT, "
			  "b LONGBLOB, vb VARBINARY(16), dt DATETIME(6), "
			  "da DATE, tm TIME, j JSON, bo BOOLEAN, bits BIT(16), "
			  "n INT NULL) ENGINE=InnoDB") == 0);
	struct dbm_value row1[] = {
	    {.kind = DBM_V_INT, .i = 1},
	    {.kind = DBM_V_INT, .i = -9007199254740993},
	    {.kind = DBM_V_TEXT, .s = "18446744073709551615"},
	    {.kind = DBM_V_REAL, .r = 0.1 + 0.2},
	    {.kind = DBM_V_REAL, .r = 0.1},
	    {.kind = DBM_V_TEXT, .s = "-12.345"},
	    {.kind = DBM_V_TEXT, .s = "caf\xc3\xa9"},
	    {.kind = DBM_V_TEXT, .s = big, .n = nbig},
	    {.kind = DBM_V_BLOB, .s = bigblob, .n = nbigblob},
	    {.kind = DBM_V_BLOB, .s = "\0\1\0", .n = 3},
	    {.kind = DBM_V_TEXT, .s = "2024-02-29 23:59:58.123456"},
	    {.kind = DBM_V_TEXT, .s = "2024-02-29"},
	    {.kind = DBM_V_TEXT, .s = "-01:02:03"},
	    {.kind = DBM_V_TEXT, .s = "{\"a\": [1, null]}"},
	    {.kind = DBM_V_INT, .i = 1},
	    {.kind = DBM_V_BLOB, .s = "\x01\x02", .n = 2},
	    {.kind = DBM_V_NULL},
	};
	struct dbm_value row2[] = {
	    {.kind = DBM_V_INT, .i = 2},
	    {.kind = DBM_V_INT, .i = INT64_MAX},
	    {.kind = DBM_V_INT, .i = 5},
	    {.kind = DBM_V_REAL, .r = -2.5e-300},
	};
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(dbm_db_exec(conn,
			  "INSERT INTO vals (" VALS_COLS ") VALUES (?, ?, ?, "
			  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  row1, 17, NULL, &err) == 0);
	CHECK(dbm_db_exec(conn,
			  "INSERT INTO vals (id, i, u, d) VALUES (?, ?, "
			  "?, ?);",
			  row2, 4, NULL, &err) == 0);
	if (err.kind)
		fprintf(stderr, "insert: %s\n", err.msg);

	/* The text protocol (no parameters) and the binary one agree. */
	struct dbm_result *res =
	    query(conn, "SELECT " VALS_COLS " FROM vals ORDER BY id", NULL, 0);
	CHECK(res && res->nrows == 2);
	if (res && res->nrows == 2) {
		check_vals_row(res, 0, big, nbig, bigblob, nbigblob);
		check_vals_row(res, 1, big, nbig, bigblob, nbigblob);
	}
	dbm_result_free(res);
	struct dbm_value from = {.kind = DBM_V_INT, .i = 0};
	res = query(conn,
		    "SELECT " VALS_COLS " FROM vals WHERE id > ? ORDER BY id",
		    &from, 1);
	CHECK(res && res->nrows == 2);
	if (res && res->nrows == 2) {
		check_vals_row(res, 0, big, nbig, bigblob, nbigblob);
		check_vals_row(res, 1, big, nbig, bigblob, nbigblob);
	}
	dbm_result_free(res);

	/* A short value after a long one in the same column, and back. */
	struct dbm_value sh[] = {{.kind = DBM_V_INT, .i = 3},
				 {.kind = DBM_V_TEXT, .s = "short"}};
	CHECK(dbm_db_exec(conn, "INSERT INTO vals (id, t) VALUES (?, ?)", sh, 2,
			  NULL, &err) == 0);
	res = query(conn, "SELECT t FROM vals WHERE id >= ? ORDER BY id DESC",
		    &from, 1);
	CHECK(res && res->nrows == 3);
	if (res && res->nrows == 3) {
		CHECK(cell_is_text(dbm_result_cell(res, 0, 0), "short"));
		CHECK(dbm_result_cell(res, 1, 0)->kind == DBM_V_NULL);
		CHECK(dbm_result_cell(res, 2, 0)->n == nbig);
	}
	dbm_result_free(res);

	/* Expressions: DECIMAL literals are text, a double stays one. */
	res = query(conn, "SELECT 1.50, 0.1e0, CAST(1 AS UNSIGNED), NULL", NULL,
		    0);
	CHECK(res && res->nrows == 1);
	if (res && res->nrows == 1) {
		CHECK(cell_is_text(dbm_result_cell(res, 0, 0), "1.50"));
		CHECK(dbm_result_cell(res, 0, 1)->kind == DBM_V_REAL);
		CHECK(dbm_result_cell(res, 0, 1)->r == 0.1);
		CHECK(dbm_result_cell(res, 0, 2)->kind == DBM_V_INT);
		CHECK(dbm_result_cell(res, 0, 3)->kind == DBM_V_NULL);
	}
	dbm_result_free(res);
	free(big);
	free(bigblob);
	dbm_db_close(conn);
}

static void test_ddl_and_errors(void)
{
	struct dbm_conn *conn = connect_test_db();
	struct dbm_err err = DBM_ERR_INIT;
	char want[256];

	CHECK(exec0(conn,
		    "CREATE TABLE ddl (id INT NOT NULL, name "
		    "VARCHAR(20), CONSTRAINT ddl_pk PRIMARY KEY (id));\n") ==
	      0);
	CHECK(exec0(conn, "ALTER TABLE ddl ADD COLUMN extra TEXT NULL") == 0);
	CHECK(exec0(conn, "CREATE UNIQUE INDEX ix_ddl_name ON ddl (name)") ==
	      0);
	CHECK(exec0(conn, "ALTER TABLE ddl MODIFY name VARCHAR(40) NOT NULL") ==
	      0);
	CHECK(exec0(conn, "RENAME TABLE ddl TO ddl2") == 0);
	struct dbm_result *res = query(
	    conn,
	    "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM "
	    "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
	    "TABLE_NAME = 'ddl2' ORDER BY ORDINAL_POSITION",
	    NULL, 0);
	CHECK(res && res->nrows == 3);
	if (res && res->nrows == 3) {
		CHECK_STR(res->names[0], "COLUMN_NAME");
		CHECK(cell_is_text(dbm_result_cell(res, 1, 0), "name"));
		CHECK(cell_is_text(dbm_result_cell(res, 1, 1), "varchar(40)"));
		CHECK(cell_is_text(dbm_result_cell(res, 1, 2), "NO"));
	}
	dbm_result_free(res);
	CHECK(exec0(conn, "DROP INDEX ix_ddl_name ON ddl2") == 0);

	/* SQL errors: the server's text and number, on one line. */
	snprintf(want, sizeof(want), "Table '%s.nope' doesn't exist (1146)",
		 dbname);
	CHECK(dbm_db_exec(conn, "SELECT * FROM nope", NULL, 0, NULL, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, want);
	struct dbm_value one = {.kind = DBM_V_INT, .i = 1};
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "SELECT * FROM nope WHERE id = ?", &one, 1,
			  NULL, &err) < 0);
	CHECK_STR(err.msg, want);

	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "SELECT *\nFROM\tddl2\nWHERE", NULL, 0, NULL,
			  &err) < 0);
	CHECK_STR(err.msg, "You have an error in your SQL syntax; check the "
			   "manual that corresponds to your MariaDB server "
			   "version for the right syntax to use near '' at "
			   "line 3 (1064)");
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "SELECT 1 FROM\nddl2 WHERE id =\n= 2", NULL, 0,
			  NULL, &err) < 0);
	CHECK(strchr(err.msg, '\n') == NULL);
	CHECK(strstr(err.msg, "near '= 2' at line 3 (1064)") != NULL);

	/* One statement per call. */
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "SELECT 1; SELECT 2", NULL, 0, NULL, &err) < 0);
	CHECK(strstr(err.msg, "(1064)") != NULL);

	struct dbm_value row[] = {{.kind = DBM_V_INT, .i = 1},
				  {.kind = DBM_V_TEXT, .s = "x"}};
	CHECK(dbm_db_exec(conn, "INSERT INTO ddl2 (id, name) VALUES (?, ?)",
			  row, 2, NULL, &err) == 0);
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "INSERT INTO ddl2 (id, name) VALUES (?, ?)",
			  row, 2, NULL, &err) < 0);
	CHECK_STR(err.msg, "Duplicate entry '1' for key 'PRIMARY' (1062)");

	/* The connection still works after errors. */
	CHECK(query_int(conn, "SELECT COUNT(*) FROM ddl2", NULL, 0) == 1);
	CHECK(exec0(conn, "DROP TABLE ddl2") == 0);
	dbm_db_close(conn);
}

static void test_transactions(void)
{
	struct dbm_conn *a = connect_test_db(), *b = connect_test_db();
	const struct dbm_driver *d = a->driver;
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_value v = {.kind = DBM_V_INT};
	const char *count = "SELECT COUNT(*) FROM tx";

	CHECK(exec0(a, "CREATE TABLE tx (id INT PRIMARY KEY) ENGINE=InnoDB") ==
	      0);
	CHECK(d->rollback(a, &err) == 0); /* none open: nothing to do */

	CHECK(d->begin(a, true, 1.0, &err) == 0);
	CHECK(d->in_transaction(a));
	v.i = 1;
	CHECK(dbm_db_exec(a, "INSERT INTO tx VALUES (?)", &v, 1, NULL, &err) ==
	      0);
	CHECK(query_int(a, count, NULL, 0) == 1);
	CHECK(query_int(b, count, NULL, 0) == 0);
	CHECK(d->rollback(a, &err) == 0);
	CHECK(!d->in_transaction(a));
	CHECK(query_int(a, count, NULL, 0) == 0);

	CHECK(d->begin(a, true, 1.0, &err) == 0);
	CHECK(dbm_db_exec(a, "INSERT INTO tx VALUES (?)", &v, 1, NULL, &err) ==
	      0);
	/* A failing statement leaves the transaction open. */
	CHECK(dbm_db_exec(a, "INSERT INTO tx VALUES (?)", &v, 1, NULL, &err) <
	      0);
	CHECK(d->in_transaction(a));
	CHECK(d->commit(a, &err) == 0);
	CHECK(!d->in_transaction(a));
	CHECK(query_int(b, count, NULL, 0) == 1);

	/* DDL commits implicitly, and in_transaction says so. */
	dbm_err_clear(&err);
	CHECK(d->begin(a, false, 0, &err) == 0);
	v.i = 2;
	CHECK(dbm_db_exec(a, "INSERT INTO tx VALUES (?)", &v, 1, NULL, &err) ==
	      0);
	CHECK(d->in_transaction(a));
	CHECK(exec0(a, "CREATE TABLE tx2 (id INT)") == 0);
	CHECK(!d->in_transaction(a));
	CHECK(query_int(b, count, NULL, 0) == 2);
	CHECK(d->rollback(a, &err) == 0);
	CHECK(query_int(b, count, NULL, 0) == 2);

	dbm_db_close(a);
	dbm_db_close(b);
}

static void test_lock(void)
{
	struct dbm_conn *a = connect_test_db(), *b = connect_test_db();
	const struct dbm_driver *d = a->driver;
	struct dbm_err err = DBM_ERR_INIT;
	char key[128], want[256];

	int64_t a_id = query_int(a, "SELECT CONNECTION_ID()", NULL, 0);
	CHECK(d->lock(a, "upgrade", 1.0, &err) == 0);
	snprintf(key, sizeof(key), "tacker-db-manage:%s:upgrade", dbname);
	struct dbm_value kv = {.kind = DBM_V_TEXT, .s = key};
	CHECK(query_int(b, "SELECT IS_USED_LOCK(?)", &kv, 1) == a_id);

	/* Another session waits, then names the holder. */
	double t0 = now();
	CHECK(d->lock(b, "upgrade", 0.5, &err) < 0);
	double waited = now() - t0;
	CHECK(waited >= 0.45 && waited < 3.0);
	CHECK(err.kind == DBM_EFAIL);
	snprintf(want, sizeof(want),
		 "database is locked by another run (waited 0.5 s; held by "
		 "connection %lld from %s)",
		 (long long)a_id, admin.host);
	CHECK_STR(err.msg, want);
	dbm_err_clear(&err);
	t0 = now();
	CHECK(d->lock(b, "upgrade", -1, &err) < 0); /* no wait */
	CHECK(now() - t0 < 0.4);
	CHECK(strstr(err.msg, "(waited 0 s; held by connection") != NULL);

	/* Other names are other locks; unlock checks who holds what. */
	dbm_err_clear(&err);
	CHECK(d->lock(b, "other", 0, &err) == 0);
	CHECK(d->unlock(b, "other", &err) == 0);
	CHECK(d->unlock(b, "other", &err) < 0);
	snprintf(want, sizeof(want),
		 "cannot release the lock 'tacker-db-manage:%s:other': it is "
		 "not held",
		 dbname);
	CHECK_STR(err.msg, want);
	dbm_err_clear(&err);
	CHECK(d->unlock(b, "upgrade", &err) < 0);
	CHECK(strstr(err.msg, "another connection holds it") != NULL);

	/* Long names fit MySQL's 64 characters and stay distinct. */
	char long1[201], long2[201];
	memset(long1, 'n', 200);
	long1[200] = '\0';
	memcpy(long2, long1, sizeof(long1));
	long2[199] = 'm';
	dbm_err_clear(&err);
	CHECK(d->lock(a, long1, 0, &err) == 0);
	CHECK(d->lock(b, long2, 0, &err) == 0);
	CHECK(d->lock(b, long1, 0, &err) < 0);
	CHECK(strstr(err.msg, "held by connection") != NULL);
	dbm_err_clear(&err);
	CHECK(d->unlock(b, long2, &err) == 0);

	/* The lock dies with its session. */
	dbm_db_close(a);
	t0 = now();
	CHECK(d->lock(b, "upgrade", 5.0, &err) == 0);
	CHECK(now() - t0 < 4.0);
	CHECK(query_int(b, "SELECT IS_USED_LOCK(?)", &kv, 1) ==
	      query_int(b, "SELECT CONNECTION_ID()", NULL, 0));
	CHECK(d->unlock(b, "upgrade", &err) == 0);
	CHECK(query_int(b, "SELECT IS_FREE_LOCK(?)", &kv, 1) == 1);
	if (err.kind)
		fprintf(stderr, "lock: %s\n", err.msg);
	dbm_db_close(b);
}

struct killer {
	struct dbm_conn *admin;
	int64_t victim;
	double delay;
	int rc;
};

static void *kill_later(void *arg)
{
	struct killer *k = arg;
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_value id = {.kind = DBM_V_INT, .i = k->victim};
	usleep((useconds_t)(k->delay * 1e6));
	k->rc = dbm_db_exec(k->admin, "KILL CONNECTION ?", &id, 1, NULL, &err);
	if (k->rc < 0)
		fprintf(stderr, "kill: %s\n", err.msg);
	return NULL;
}

/*
 * err says conn was lost, with one of the messages in tails (NULL-ended):
 * which one the library sees first after a kill depends on timing.
 */
static void check_lost(const struct dbm_conn *conn, const struct dbm_err *err,
		       const char *const *tails)
{
	char want[512];
	bool found = false;
	for (; *tails && !found; tails++) {
		snprintf(want, sizeof(want), "lost connection to '%s': %s",
			 conn->display, *tails);
		found = !strcmp(err->msg, want);
	}
	if (!found)
		fprintf(stderr, "unexpected: %s\n", err->msg);
	CHECK(found);
	CHECK(err->kind == DBM_EFAIL);
	CHECK(strstr(err->msg, ":***@") != NULL);
	CHECK(!strstr(err->msg, admin.password));
}

static const char *const gone[] = {"Server has gone away (2006)", NULL};
static const char *const killed[] = {
    "Lost connection to server during query (2013)",
    "Connection was killed (1927)", "Server has gone away (2006)", NULL};

static void test_kill(void)
{
	struct dbm_conn *k = connect_test_db(), *a = connect_test_db();
	const struct dbm_driver *d = a->driver;
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_value v = {.kind = DBM_V_INT, .i = 1};

	/* Killed between statements, inside a transaction. */
	CHECK(exec0(k, "CREATE TABLE killed (id INT) ENGINE=InnoDB") == 0);
	struct killer now_ = {
	    k, query_int(a, "SELECT CONNECTION_ID()", NULL, 0), 0, -1};
	CHECK(d->begin(a, true, 0, &err) == 0);
	CHECK(dbm_db_exec(a, "INSERT INTO killed VALUES (?)", &v, 1, NULL,
			  &err) == 0);
	kill_later(&now_);
	CHECK(now_.rc == 0);
	CHECK(dbm_db_exec(a, "SELECT 1", NULL, 0, NULL, &err) < 0);
	check_lost(a, &err, killed);
	/* No reconnect, ever: the next statement fails the same way. */
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(a, "SELECT CONNECTION_ID()", &v, 0, NULL, &err) < 0);
	check_lost(a, &err, gone);
	dbm_err_clear(&err);
	CHECK(d->commit(a, &err) < 0);
	check_lost(a, &err, gone);
	CHECK(!d->in_transaction(a));
	CHECK(d->rollback(a, &err) == 0);
	CHECK(query_int(k, "SELECT COUNT(*) FROM killed", NULL, 0) == 0);
	dbm_db_close(a);

	/* Killed while a query runs. */
	a = connect_test_db();
	struct killer later = {
	    k, query_int(a, "SELECT CONNECTION_ID()", NULL, 0), 0.3, -1};
	pthread_t th;
	CHECK(pthread_create(&th, NULL, kill_later, &later) == 0);
	double t0 = now();
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(a, "SELECT SLEEP(20)", NULL, 0, NULL, &err) < 0);
	CHECK(now() - t0 < 10.0);
	pthread_join(th, NULL);
	CHECK(later.rc == 0);
	check_lost(a, &err, killed);
	dbm_err_clear(&err);
	CHECK(d->lock(a, "upgrade", 0, &err) < 0);
	check_lost(a, &err, gone);
	dbm_db_close(a);
	dbm_db_close(k);
}

int main(void)
{
	const char *text = getenv("DBM_MYSQL_URL");
	struct dbm_err err = DBM_ERR_INIT;
	if (!text || !*text) {
		fprintf(stderr, "DBM_MYSQL_URL is not set: this test needs a "
				"MariaDB server; start one with "
				"eval \"$(scripts/testdb start)\"\n");
		CHECK(!"DBM_MYSQL_URL is set");
		return t_done();
	}
	if (dbm_url_parse(&admin, text, &err) < 0) {
		fprintf(stderr, "DBM_MYSQL_URL: %s\n", err.msg);
		CHECK(!"DBM_MYSQL_URL parses");
		return t_done();
	}
	if (!admin.dialect || strcmp(admin.dialect, "mysql") ||
	    !admin.password || !admin.host) {
		fprintf(stderr, "DBM_MYSQL_URL: want "
				"mysql://user:password@host:port/db\n");
		CHECK(!"DBM_MYSQL_URL is a mysql URL with a password");
		dbm_url_release(&admin);
		return t_done();
	}
	snprintf(dbname, sizeof(dbname), "dbm_test_db_mysql_%ld",
		 (long)getpid());

	/* Identifiers cannot be bound: the name is ours, digits and '_'. */
	struct dbm_conn *root = connect_or_die(&admin);
	char sql[128];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", dbname);
	exec0(root, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE `%s`", dbname);
	if (exec0(root, sql) < 0) {
		CHECK(!"the test database is created");
		dbm_db_close(root);
		dbm_url_release(&admin);
		return t_done();
	}

	test_connect();
	test_connect_errors();
	test_connect_args();
	test_param_roundtrip();
	test_table_roundtrip();
	test_ddl_and_errors();
	test_transactions();
	test_lock();
	test_kill();

	snprintf(sql, sizeof(sql), "DROP DATABASE `%s`", dbname);
	CHECK(exec0(root, sql) == 0);
	dbm_db_close(root);
	dbm_url_release(&admin);
	return t_done();
}
