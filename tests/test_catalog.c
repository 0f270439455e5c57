/*
 * The offline schema catalog: which statements it logs per table, which it
 * refuses as SQLite would, renames through a scratch database, and the
 * databases it builds for reflection.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "t.h"

/* "ok" or "error: <message>" (a static buffer). */
static const char *run(struct dbm_catalog *cat, const char *sql)
{
	static char out[4200];
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_catalog_exec(cat, sql, &err) < 0)
		snprintf(out, sizeof(out), "error: %s", err.msg);
	else
		snprintf(out, sizeof(out), "ok");
	return out;
}

#define RUN_OK(cat, sql) CHECK_STR(run((cat), (sql)), "ok")

#define CHECK_LOG(cat, table, want)                                            \
	do {                                                                   \
		char *log_ = dbm_catalog_log((cat), (table));                  \
		CHECK_STR(log_, (want));                                       \
		free(log_);                                                    \
	} while (0)

/* One text value per row of a query on the database last built. */
static char *column(struct dbm_catalog *cat, const char *sql)
{
	struct dbm_buf b = DBM_BUF_INIT;
	struct dbm_result *res = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	if (!dbm_catalog_conn(cat) ||
	    dbm_db_exec(dbm_catalog_conn(cat), sql, NULL, 0, &res, &err) < 0) {
		dbm_buf_addf(&b, "error: %s", err.msg);
		return dbm_buf_detach(&b);
	}
	for (size_t r = 0; r < res->nrows; r++) {
		const struct dbm_value *v = dbm_result_cell(res, r, 0);
		dbm_buf_addf(&b, "%s%s", r ? "|" : "",
			     v->kind == DBM_V_TEXT ? v->s : "?");
	}
	dbm_result_free(res);
	return dbm_buf_detach(&b);
}

#define CHECK_QUERY(cat, sql, want)                                            \
	do {                                                                   \
		char *got_ = column((cat), (sql));                             \
		CHECK_STR(got_, (want));                                       \
		free(got_);                                                    \
	} while (0)

static const char *const NAMES = "SELECT name FROM sqlite_master "
				 "WHERE name NOT LIKE 'sqlite%' ORDER BY name";

/* Schema statements go to their table's log, whatever the quoting. */
static void test_logs(void)
{
	struct dbm_catalog *cat = dbm_catalog_new();

	RUN_OK(cat, "CREATE TABLE t (id INTEGER NOT NULL)");
	RUN_OK(cat, "ALTER TABLE t ADD COLUMN a VARCHAR(10)");
	RUN_OK(cat, "alter table T add b INTEGER");
	RUN_OK(cat, "CREATE UNIQUE INDEX IF NOT EXISTS ix_t_a ON t (a)");
	RUN_OK(cat, "DROP INDEX ix_t_a");
	RUN_OK(cat, "ALTER TABLE t DROP COLUMN b");
	/* rows are not the schema: checked, not logged */
	RUN_OK(cat, "INSERT INTO t (id) VALUES (1)");
	RUN_OK(cat, "UPDATE OR IGNORE t SET a = 'x'");
	RUN_OK(cat, "DELETE FROM \"T\" WHERE id = 1");
	RUN_OK(cat, "SELECT 1");
	RUN_OK(cat, "BEGIN");
	RUN_OK(cat, "COMMIT");
	/* an existing table with IF NOT EXISTS: nothing happens */
	RUN_OK(cat, "CREATE TABLE IF NOT EXISTS t (other INTEGER)");
	CHECK_LOG(cat, "T",
		  "CREATE TABLE t (id INTEGER NOT NULL);\n"
		  "ALTER TABLE t ADD COLUMN a VARCHAR(10);\n"
		  "alter table T add b INTEGER;\n"
		  "CREATE UNIQUE INDEX IF NOT EXISTS ix_t_a ON t (a);\n"
		  "DROP INDEX ix_t_a;\n"
		  "ALTER TABLE t DROP COLUMN b;\n");

	RUN_OK(cat, "/* c */ create  table \"My\"\"T\" -- c\n ( x )");
	RUN_OK(cat, "CREATE TABLE [b r] (x)");
	RUN_OK(cat, "CREATE TABLE `q` (x)");
	RUN_OK(cat, "ALTER TABLE \"b r\" ADD y");
	RUN_OK(cat, "CREATE INDEX \"ix q\" ON q (x);");
	CHECK_LOG(cat, "my\"t",
		  "/* c */ create  table \"My\"\"T\" -- c\n ( x );\n");
	CHECK_LOG(cat, "B R",
		  "CREATE TABLE [b r] (x);\nALTER TABLE \"b r\" ADD y;\n");
	CHECK_LOG(cat, "q",
		  "CREATE TABLE `q` (x);\nCREATE INDEX \"ix q\" ON q (x);;\n");

	/* A dropped table takes its indexes along: both names are free. */
	RUN_OK(cat, "DROP TABLE q");
	CHECK_LOG(cat, "q", NULL);
	RUN_OK(cat, "DROP TABLE IF EXISTS q");
	RUN_OK(cat, "DROP INDEX IF EXISTS \"ix q\"");
	RUN_OK(cat, "CREATE TABLE q (z)");
	RUN_OK(cat, "CREATE INDEX \"ix q\" ON q (z)");
	CHECK_LOG(cat, "q",
		  "CREATE TABLE q (z);\nCREATE INDEX \"ix q\" ON q (z);\n");

	/* What the logs leave to SQLite, which then gives their logs. */
	RUN_OK(cat, "CREATE TABLE main.m (x)");
	CHECK_LOG(cat, "m", "CREATE TABLE m (x);\n");
	RUN_OK(cat, "CREATE TABLE s AS SELECT x FROM m");
	CHECK_LOG(cat, "s", "CREATE TABLE s(x);\n");
	dbm_catalog_free(cat);
}

/* What SQLite refuses at once, in its words. */
static void test_errors(void)
{
	static const struct {
		const char *sql, *want;
	} cases[] = {
	    {"INSERT INTO nope (id) VALUES (1)", "no such table: nope"},
	    {"INSERT OR REPLACE INTO \"nope\" VALUES (1)",
	     "no such table: nope"},
	    {"REPLACE INTO nope VALUES (1)", "no such table: nope"},
	    {"UPDATE nope SET a = 1", "no such table: nope"},
	    {"DELETE FROM [nope]", "no such table: nope"},
	    {"CREATE TABLE \"t\" (x)", "table \"t\" already exists"},
	    {"create table T (x)", "table T already exists"},
	    {"CREATE TABLE ix (x)", "there is already an index named ix"},
	    {"ALTER TABLE nope ADD COLUMN x", "no such table: nope"},
	    {"ALTER TABLE nope RENAME TO x", "no such table: nope"},
	    {"ALTER TABLE t RENAME TO U", "there is already another table or "
					  "index with this name: U"},
	    {"ALTER TABLE t RENAME TO ix", "there is already another table or "
					   "index with this name: ix"},
	    {"ALTER TABLE t RENAME COLUMN nope TO x",
	     "no such column: \"nope\""},
	    {"CREATE INDEX i ON nope (a)", "no such table: main.nope"},
	    {"CREATE INDEX IF NOT EXISTS ix ON nope (a)",
	     "no such table: main.nope"},
	    {"CREATE INDEX u ON t (a)", "there is already a table named u"},
	    {"CREATE INDEX ix ON t (a)", "index ix already exists"},
	    {"DROP INDEX nope", "no such index: nope"},
	    {"DROP TABLE nope", "no such table: nope"},
	    {"DROP TABLE ix", "no such table: ix"},
	    {"CREATE TABLE a (x); CREATE TABLE b (x)",
	     "only one statement per call: 'CREATE TABLE b (x)'"},
	    {"CREATE TRIGGER tr AFTER INSERT ON nope BEGIN SELECT 1; END",
	     "no such table: main.nope"},
	};
	struct dbm_catalog *cat = dbm_catalog_new();
	char want[4200];

	RUN_OK(cat, "CREATE TABLE t (a)");
	RUN_OK(cat, "CREATE TABLE u (a)");
	RUN_OK(cat, "CREATE INDEX ix ON t (a)");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "error: %s", cases[i].want);
		CHECK_STR(run(cat, cases[i].sql), want);
	}
	/* nothing changed */
	CHECK_LOG(cat, "t", "CREATE TABLE t (a);\nCREATE INDEX ix ON t (a);\n");
	CHECK_LOG(cat, "u", "CREATE TABLE u (a);\n");
	CHECK(dbm_catalog_need(cat, NULL, &(struct dbm_err)DBM_ERR_INIT) == 0);
	CHECK_QUERY(cat, NAMES, "ix|t|u");
	dbm_catalog_free(cat);
}

/*
 * A rename runs in SQLite on the table and the tables whose logs name it:
 * their foreign keys follow, as in the database the script runs in.
 */
static void test_rename(void)
{
	struct dbm_catalog *cat = dbm_catalog_new();

	RUN_OK(cat, "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT)");
	RUN_OK(cat, "CREATE INDEX ix_p ON p (code)");
	RUN_OK(cat, "CREATE TABLE c (id INTEGER, p_id INTEGER REFERENCES p)");
	RUN_OK(cat, "ALTER TABLE c ADD COLUMN p_code TEXT REFERENCES p (code)");
	RUN_OK(cat, "CREATE TABLE other (x)");
	RUN_OK(cat, "ALTER TABLE other ADD y");
	RUN_OK(cat, "ALTER TABLE p RENAME TO p2");
	CHECK_LOG(cat, "p", NULL);
	CHECK_LOG(cat, "p2",
		  "CREATE TABLE \"p2\" (id INTEGER PRIMARY KEY, code TEXT);\n"
		  "CREATE INDEX ix_p ON \"p2\" (code);\n");
	CHECK_LOG(cat, "c",
		  "CREATE TABLE c (id INTEGER, p_id INTEGER REFERENCES \"p2\", "
		  "p_code TEXT REFERENCES \"p2\" (code));\n");
	/* a table that does not name p keeps its log as it was */
	CHECK_LOG(cat, "other",
		  "CREATE TABLE other (x);\nALTER TABLE other "
		  "ADD y;\n");
	RUN_OK(cat, "ALTER TABLE p2 RENAME COLUMN code TO kode");
	CHECK_LOG(cat, "c",
		  "CREATE TABLE c (id INTEGER, p_id INTEGER REFERENCES \"p2\", "
		  "p_code TEXT REFERENCES \"p2\" (kode));\n");
	/* the index moved with its table */
	RUN_OK(cat, "DROP INDEX ix_p");
	RUN_OK(cat, "CREATE INDEX ix_p ON c (p_code)");

	/* a rebuild's last step: the new table takes the old name */
	RUN_OK(cat, "CREATE TABLE _alembic_tmp_c (id INTEGER NOT NULL)");
	RUN_OK(cat, "INSERT INTO _alembic_tmp_c (id) SELECT c.id FROM c");
	RUN_OK(cat, "DROP TABLE c");
	RUN_OK(cat, "ALTER TABLE _alembic_tmp_c RENAME TO c");
	CHECK_LOG(cat, "c", "CREATE TABLE \"c\" (id INTEGER NOT NULL);\n");
	CHECK_LOG(cat, "_alembic_tmp_c", NULL);
	/* the index went with the dropped table */
	RUN_OK(cat, "CREATE INDEX ix_p ON c (id)");
	dbm_catalog_free(cat);
}

/* Reflection's databases; they compact the logs they replay. */
static void test_need(void)
{
	struct dbm_catalog *cat = dbm_catalog_new();
	struct dbm_err err = DBM_ERR_INIT;

	CHECK(dbm_catalog_conn(cat) == NULL);
	RUN_OK(cat, "CREATE TABLE p (id INTEGER PRIMARY KEY)");
	RUN_OK(cat, "CREATE TABLE t (id INTEGER, p_id INTEGER)");
	RUN_OK(cat, "ALTER TABLE t ADD COLUMN ref INTEGER REFERENCES P");
	RUN_OK(cat, "CREATE INDEX ix_t ON t (id)");
	RUN_OK(cat, "ALTER TABLE t DROP COLUMN p_id");
	RUN_OK(cat, "CREATE TABLE lone (x)");
	for (int i = 0; i < 50; i++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "ALTER TABLE lone ADD c%d INT", i);
		RUN_OK(cat, sql);
	}

	/* t and the table it refers to, nothing else */
	CHECK(dbm_catalog_need(cat, "T", &err) == 0);
	CHECK_QUERY(cat, NAMES, "ix_t|p|t");
	CHECK_LOG(cat, "t",
		  "CREATE TABLE t (id INTEGER, ref INTEGER REFERENCES P);\n"
		  "CREATE INDEX ix_t ON t (id);\n");
	CHECK_LOG(cat, "p", "CREATE TABLE p (id INTEGER PRIMARY KEY);\n");

	CHECK(dbm_catalog_need(cat, "nope", &err) == 0);
	CHECK_QUERY(cat, NAMES, "");

	/* every table; a long log is compacted first */
	CHECK(dbm_catalog_need(cat, NULL, &err) == 0);
	CHECK_QUERY(cat, NAMES, "ix_t|lone|p|t");
	CHECK_QUERY(cat,
		    "SELECT name FROM pragma_table_info('lone') "
		    "WHERE cid IN (0, 50)",
		    "x|c49");
	char *log = dbm_catalog_log(cat, "lone");
	CHECK(log && strncmp(log, "CREATE TABLE lone (x, c0 INT,", 29) == 0 &&
	      strstr(log, ";\n") == log + strlen(log) - 2);
	free(log);

	/* A log SQLite refuses on replay names its table. */
	RUN_OK(cat, "ALTER TABLE p ADD COLUMN id TEXT");
	CHECK(dbm_catalog_need(cat, "p", &err) < 0);
	CHECK_STR(err.msg, "cannot replay the offline schema of table 'p': "
			   "duplicate column name: id");
	dbm_catalog_free(cat);
}

/* Views and triggers: the catalog runs every statement from then on. */
static void test_full(void)
{
	struct dbm_catalog *cat = dbm_catalog_new();
	struct dbm_err err = DBM_ERR_INIT;

	RUN_OK(cat, "CREATE TABLE t (a)");
	RUN_OK(cat, "ALTER TABLE t ADD b");
	RUN_OK(cat, "CREATE VIEW v AS SELECT a, b FROM t");
	CHECK_LOG(cat, "t", NULL);
	RUN_OK(cat, "INSERT INTO t (a) VALUES (1)");
	CHECK_STR(run(cat, "INSERT INTO nope VALUES (1)"),
		  "error: no such table: nope");
	/* SQLite checks the view: the column is in use */
	CHECK_STR(
	    run(cat, "ALTER TABLE t DROP COLUMN b"),
	    "error: error in view v after drop column: no such column: b");
	RUN_OK(cat, "ALTER TABLE t RENAME TO t2");
	CHECK(dbm_catalog_need(cat, "t2", &err) == 0);
	CHECK_QUERY(cat, "SELECT sql FROM sqlite_master WHERE name = 'v'",
		    "CREATE VIEW v AS SELECT a, b FROM \"t2\"");
	CHECK_QUERY(cat, "SELECT a FROM t2", "?");
	dbm_catalog_free(cat);
}

int main(void)
{
	test_logs();
	test_errors();
	test_rename();
	test_need();
	test_full();
	return t_done();
}
