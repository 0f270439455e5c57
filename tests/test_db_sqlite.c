/* The SQLite driver and the db layer: results, exec, errors, transactions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "t.h"

static char tmpdir[] = "/tmp/dbm_test_db_XXXXXX";

static struct dbm_url sqlite_url(char *database)
{
	struct dbm_url url = DBM_URL_INIT;
	url.dialect = "sqlite";
	url.database = database;
	return url;
}

static struct dbm_conn *connect_or_die(char *database)
{
	struct dbm_url url = sqlite_url(database);
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_db_connect(&conn, &url, &err) < 0) {
		fprintf(stderr, "connect: %s\n", err.msg);
		exit(1);
	}
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_result_helpers(void)
{
	struct dbm_result *res = dbm_result_new(3);
	char text[] = "hello";
	char blob[] = {'a', '\0', 'b'};
	struct dbm_value row[3] = {
	    {.kind = DBM_V_TEXT, .s = text},
	    {.kind = DBM_V_BLOB, .s = blob, .n = sizeof(blob)},
	    {.kind = DBM_V_INT, .i = -7},
	};
	dbm_result_set_name(res, 0, "t");
	dbm_result_set_name(res, 1, "b");
	dbm_result_set_name(res, 2, "old");
	dbm_result_set_name(res, 2, "i"); /* replaces */
	dbm_result_add_row(res, row);
	text[0] = 'J'; /* the result owns a copy */
	blob[0] = 'z';
	row[0].s = "";
	row[1].n = 0;
	row[2].kind = DBM_V_NULL;
	dbm_result_add_row(res, row);
	for (int k = 0; k < 20; k++) /* grow */
		dbm_result_add_row(res, row);

	CHECK(res->ncols == 3);
	CHECK(res->nrows == 22);
	CHECK_STR(res->names[0], "t");
	CHECK_STR(res->names[2], "i");
	CHECK_STR(dbm_result_cell(res, 0, 0)->s, "hello");
	CHECK(dbm_result_cell(res, 0, 0)->n == 5);
	CHECK(dbm_result_cell(res, 0, 1)->n == 3);
	CHECK(memcmp(dbm_result_cell(res, 0, 1)->s, "a\0b", 3) == 0);
	CHECK(dbm_result_cell(res, 0, 2)->i == -7);
	CHECK_STR(dbm_result_cell(res, 1, 0)->s, "");
	CHECK(dbm_result_cell(res, 1, 1)->kind == DBM_V_BLOB);
	CHECK(dbm_result_cell(res, 1, 1)->n == 0);
	CHECK(dbm_result_cell(res, 21, 2)->kind == DBM_V_NULL);
	dbm_result_free(res);
	dbm_result_free(NULL);

	/* No columns: rows are counted, nothing stored. */
	res = dbm_result_new(0);
	dbm_result_add_row(res, NULL);
	CHECK(res->nrows == 1);
	dbm_result_free(res);
}

static void test_connect(void)
{
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_conn *conn = NULL;
	struct dbm_url url = sqlite_url(NULL);

	CHECK(dbm_db_connect(&conn, &url, &err) == 0);
	CHECK(conn && conn->driver == &dbm_driver_sqlite);
	CHECK_STR(conn->display, "sqlite://");
	CHECK(!conn->driver->in_transaction(conn));
	dbm_db_close(conn);
	dbm_db_close(NULL);

	url = sqlite_url(":memory:");
	CHECK(dbm_db_connect(&conn, &url, &err) == 0);
	CHECK_STR(conn->display, "sqlite:///:memory:");
	dbm_db_close(conn);

	url.dialect = "oracle";
	conn = (struct dbm_conn *)&url; /* set NULL on entry */
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	CHECK(conn == NULL);
	CHECK(err.kind == DBM_EUSAGE);
	CHECK_STR(err.msg, "no driver for dialect 'oracle' in this build");
	dbm_err_clear(&err);

	/* A directory that does not exist: the error shows the URL. */
	char path[256], want[512];
	snprintf(path, sizeof(path), "%s/missing/y.db", tmpdir);
	url = sqlite_url(path);
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	snprintf(want, sizeof(want),
		 "cannot open database 'sqlite:///%s': "
		 "unable to open database file",
		 path);
	CHECK_STR(err.msg, want);
	dbm_err_clear(&err);

	/* The relative form of the brief, from inside tmpdir. */
	char cwd[512];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir(tmpdir) == 0);
	url = sqlite_url("x/y.db");
	CHECK(dbm_db_connect(&conn, &url, &err) < 0);
	CHECK_STR(err.msg, "cannot open database 'sqlite:///x/y.db': "
			   "unable to open database file");
	dbm_err_clear(&err);
	CHECK(chdir(cwd) == 0);

	/* A missing file is created, as SQLAlchemy does. */
	snprintf(path, sizeof(path), "%s/new.db", tmpdir);
	url = sqlite_url(path);
	CHECK(access(path, F_OK) != 0);
	CHECK(dbm_db_connect(&conn, &url, &err) == 0);
	CHECK(exec0(conn, "CREATE TABLE t (a INTEGER)") == 0);
	dbm_db_close(conn);
	CHECK(access(path, F_OK) == 0);
	unlink(path);
}

static void test_exec_params(void)
{
	struct dbm_conn *conn = connect_or_die(NULL);
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;
	static const char blob[] = {0, 1, 2, (char)0xff};

	CHECK(exec0(conn, "CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, "
			  "r REAL, t TEXT, b BLOB, n TEXT)") == 0);
	struct dbm_value p[5] = {
	    {.kind = DBM_V_INT, .i = INT64_MIN},
	    {.kind = DBM_V_REAL, .r = 2.5},
	    {.kind = DBM_V_TEXT, .s = "h\xc3\xa9llo 'x'"},
	    {.kind = DBM_V_BLOB, .s = blob, .n = sizeof(blob)},
	    {.kind = DBM_V_NULL},
	};
	const char *ins =
	    "INSERT INTO v (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)";
	CHECK(dbm_db_exec(conn, ins, p, 5, NULL, &err) == 0);
	/* All NULLs, then empty text and blob, then max int. */
	struct dbm_value nulls[5] = {{.kind = DBM_V_NULL},
				     {.kind = DBM_V_NULL},
				     {.kind = DBM_V_NULL},
				     {.kind = DBM_V_NULL},
				     {.kind = DBM_V_NULL}};
	CHECK(dbm_db_exec(conn, ins, nulls, 5, NULL, &err) == 0);
	struct dbm_value empty[5] = {
	    {.kind = DBM_V_INT, .i = INT64_MAX},
	    {.kind = DBM_V_REAL, .r = -0.125},
	    {.kind = DBM_V_TEXT, .s = ""},
	    {.kind = DBM_V_BLOB, .s = NULL, .n = 0},
	    {.kind = DBM_V_TEXT, .s = "abcdef", .n = 3},
	};
	CHECK(dbm_db_exec(conn, ins, empty, 5, NULL, &err) == 0);
	CHECK(err.kind == DBM_OK);

	res = (struct dbm_result *)&err; /* set NULL on entry */
	CHECK(dbm_db_exec(conn,
			  "SELECT id, i, r, t, b, n, typeof(b) AS tb FROM v "
			  "ORDER BY id",
			  NULL, 0, &res, &err) == 0);
	CHECK(res && res->ncols == 7 && res->nrows == 3);
	CHECK_STR(res->names[0], "id");
	CHECK_STR(res->names[6], "tb");
	const struct dbm_value *c = dbm_result_cell(res, 0, 1);
	CHECK(c->kind == DBM_V_INT && c->i == INT64_MIN);
	c = dbm_result_cell(res, 0, 2);
	CHECK(c->kind == DBM_V_REAL && c->r == 2.5);
	c = dbm_result_cell(res, 0, 3);
	CHECK(c->kind == DBM_V_TEXT);
	CHECK_STR(c->s, "h\xc3\xa9llo 'x'");
	CHECK(c->n == strlen("h\xc3\xa9llo 'x'"));
	c = dbm_result_cell(res, 0, 4);
	CHECK(c->kind == DBM_V_BLOB && c->n == 4 && memcmp(c->s, blob, 4) == 0);
	CHECK(dbm_result_cell(res, 0, 5)->kind == DBM_V_NULL);
	for (size_t k = 1; k < 6; k++)
		CHECK(dbm_result_cell(res, 1, k)->kind == DBM_V_NULL);
	c = dbm_result_cell(res, 2, 1);
	CHECK(c->kind == DBM_V_INT && c->i == INT64_MAX);
	CHECK(dbm_result_cell(res, 2, 2)->r == -0.125);
	CHECK_STR(dbm_result_cell(res, 2, 3)->s, "");
	c = dbm_result_cell(res, 2, 4);
	CHECK(c->kind == DBM_V_BLOB && c->n == 0);
	CHECK_STR(dbm_result_cell(res, 2, 6)->s, "blob");
	CHECK_STR(dbm_result_cell(res, 2, 5)->s, "abc");
	dbm_result_free(res);

	/* A bound parameter in a WHERE clause, numbered placeholders. */
	struct dbm_value key = {.kind = DBM_V_REAL, .r = 2.5};
	CHECK(dbm_db_exec(conn,
			  "SELECT ?1 AS a, count(*) AS n FROM v "
			  "WHERE r = ?1",
			  &key, 1, &res, &err) == 0);
	CHECK(res->nrows == 1);
	CHECK(dbm_result_cell(res, 0, 0)->r == 2.5);
	CHECK(dbm_result_cell(res, 0, 1)->i == 1);
	dbm_result_free(res);

	/* A statement without rows still gives a result when asked. */
	CHECK(dbm_db_exec(conn, "UPDATE v SET n = 'x'", NULL, 0, &res, &err) ==
	      0);
	CHECK(res && res->ncols == 0 && res->nrows == 0);
	dbm_result_free(res);

	/* A query with no rows has its columns. */
	CHECK(dbm_db_exec(conn, "SELECT i, t FROM v WHERE 0", NULL, 0, &res,
			  &err) == 0);
	CHECK(res->ncols == 2 && res->nrows == 0);
	CHECK_STR(res->names[1], "t");
	dbm_result_free(res);

	/* Trailing semicolons, white space and comments are one statement. */
	CHECK(dbm_db_exec(conn, "SELECT 1; ;\n -- done\n /* c */ ", NULL, 0,
			  &res, &err) == 0);
	CHECK(res->nrows == 1 && dbm_result_cell(res, 0, 0)->i == 1);
	dbm_result_free(res);
	/* Nothing at all is fine too. */
	CHECK(dbm_db_exec(conn, "  -- nothing\n", NULL, 0, &res, &err) == 0);
	CHECK(res && res->ncols == 0 && res->nrows == 0);
	dbm_result_free(res);
	CHECK(err.kind == DBM_OK);
	dbm_db_close(conn);
}

static void test_exec_errors(void)
{
	struct dbm_conn *conn = connect_or_die(NULL);
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;

	CHECK(dbm_db_exec(conn, "SELEC 1", NULL, 0, &res, &err) < 0);
	CHECK(res == NULL);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, "near \"SELEC\": syntax error");
	dbm_err_clear(&err);

	CHECK(dbm_db_exec(conn, "SELECT * FROM foo", NULL, 0, &res, &err) < 0);
	CHECK_STR(err.msg, "no such table: foo");
	dbm_err_clear(&err);

	/* Two statements: nothing runs. */
	CHECK(dbm_db_exec(conn,
			  "CREATE TABLE a (x INTEGER); CREATE TABLE b (y)",
			  NULL, 0, NULL, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, "only one statement per call: 'CREATE TABLE b (y)'");
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "SELECT * FROM a", NULL, 0, NULL, &err) < 0);
	CHECK_STR(err.msg, "no such table: a");
	dbm_err_clear(&err);
	/* A long second statement is abbreviated. */
	CHECK(dbm_db_exec(
		  conn,
		  "SELECT 1;\n  SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';",
		  NULL, 0, NULL, &err) < 0);
	/* 60 bytes: "SELECT '" and 52 a's. */
	CHECK_STR(err.msg, "only one statement per call: 'SELECT "
			   "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			   "aaa...'");
	dbm_err_clear(&err);

	/* Runtime errors come from step. */
	CHECK(exec0(conn, "CREATE TABLE u (x INTEGER NOT NULL UNIQUE)") == 0);
	CHECK(exec0(conn, "INSERT INTO u VALUES (1)") == 0);
	CHECK(dbm_db_exec(conn, "INSERT INTO u VALUES (1)", NULL, 0, &res,
			  &err) < 0);
	CHECK(res == NULL);
	CHECK_STR(err.msg, "UNIQUE constraint failed: u.x");
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "INSERT INTO u VALUES (NULL)", NULL, 0, NULL,
			  &err) < 0);
	CHECK_STR(err.msg, "NOT NULL constraint failed: u.x");
	dbm_err_clear(&err);

	/* Parameter count mismatches. */
	struct dbm_value one = {.kind = DBM_V_INT, .i = 1};
	CHECK(dbm_db_exec(conn, "SELECT ?, ?", &one, 1, NULL, &err) < 0);
	CHECK_STR(err.msg, "statement takes 2 parameters, 1 given");
	dbm_err_clear(&err);
	CHECK(dbm_db_exec(conn, "SELECT 1", &one, 1, NULL, &err) < 0);
	CHECK_STR(err.msg, "statement takes 0 parameters, 1 given");
	dbm_err_clear(&err);

	/* The connection is still usable. */
	CHECK(dbm_db_exec(conn, "SELECT count(*) FROM u", NULL, 0, &res,
			  &err) == 0);
	CHECK(dbm_result_cell(res, 0, 0)->i == 1);
	dbm_result_free(res);
	dbm_db_close(conn);
}

static int64_t count_rows(struct dbm_conn *conn, const char *table)
{
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (dbm_db_exec(conn, sql, NULL, 0, &res, &err) < 0)
		return -1; /* no such table */
	int64_t n = dbm_result_cell(res, 0, 0)->i;
	dbm_result_free(res);
	return n;
}

static void test_transactions(void)
{
	struct dbm_conn *conn = connect_or_die(NULL);
	const struct dbm_driver *d = conn->driver;
	struct dbm_err err = DBM_ERR_INIT;

	CHECK(exec0(conn, "CREATE TABLE t (x INTEGER)") == 0);
	CHECK(d->begin(conn, true, 1.0, &err) == 0);
	CHECK(d->in_transaction(conn));
	CHECK(exec0(conn, "INSERT INTO t VALUES (1)") == 0);
	CHECK(d->rollback(conn, &err) == 0);
	CHECK(!d->in_transaction(conn));
	CHECK(count_rows(conn, "t") == 0);

	CHECK(d->begin(conn, false, 0, &err) == 0);
	CHECK(d->in_transaction(conn));
	CHECK(exec0(conn, "INSERT INTO t VALUES (2)") == 0);
	CHECK(d->commit(conn, &err) == 0);
	CHECK(!d->in_transaction(conn));
	CHECK(count_rows(conn, "t") == 1);

	/* DDL is transactional in SQLite. */
	CHECK(d->begin(conn, true, 0, &err) == 0);
	CHECK(exec0(conn, "CREATE TABLE t2 (y INTEGER)") == 0);
	CHECK(d->rollback(conn, &err) == 0);
	CHECK(count_rows(conn, "t2") == -1);

	/* Rollback with nothing open is harmless; commit is an error. */
	CHECK(d->rollback(conn, &err) == 0);
	CHECK(d->commit(conn, &err) < 0);
	CHECK_STR(err.msg, "cannot commit - no transaction is active");
	dbm_err_clear(&err);
	CHECK(d->begin(conn, false, 0, &err) == 0);
	CHECK(d->begin(conn, true, 0, &err) < 0);
	CHECK_STR(err.msg, "cannot start a transaction within a transaction");
	dbm_err_clear(&err);
	CHECK(d->rollback(conn, &err) == 0);
	dbm_db_close(conn);
}

static void test_lock_timeout(void)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/lock.db", tmpdir);
	struct dbm_conn *a = connect_or_die(path);
	struct dbm_conn *b = connect_or_die(path);
	const struct dbm_driver *d = a->driver;
	struct dbm_err err = DBM_ERR_INIT;

	CHECK(exec0(a, "CREATE TABLE t (x INTEGER)") == 0);
	CHECK(d->begin(a, true, 0.2, &err) == 0);
	CHECK(exec0(a, "INSERT INTO t VALUES (1)") == 0);

	double t0 = now();
	CHECK(d->begin(b, true, 0.2, &err) < 0);
	double waited = now() - t0;
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, "database is locked by another run (waited 0.2 s)");
	CHECK(waited >= 0.15 && waited < 5.0);
	CHECK(!d->in_transaction(b));
	dbm_err_clear(&err);

	/* Readers still see the last committed state meanwhile. */
	CHECK(count_rows(b, "t") == 0);

	/* No wait at all with timeout 0. */
	t0 = now();
	CHECK(d->begin(b, true, 0, &err) < 0);
	CHECK(now() - t0 < 0.15);
	CHECK_STR(err.msg, "database is locked by another run (waited 0 s)");
	dbm_err_clear(&err);

	CHECK(d->commit(a, &err) == 0);
	CHECK(d->begin(b, true, 0.2, &err) == 0);
	CHECK(count_rows(b, "t") == 1);
	CHECK(d->commit(b, &err) == 0);
	CHECK(err.kind == DBM_OK);

	dbm_db_close(a);
	dbm_db_close(b);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_result_helpers();
	test_connect();
	test_exec_params();
	test_exec_errors();
	test_transactions();
	test_lock_timeout();
	rmdir(tmpdir);
	return t_done();
}
