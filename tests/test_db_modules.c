/*
 * Loading the PostgreSQL and MySQL driver modules: found next to the
 * program, kept once loaded, and a one-line DBM_EFAIL error naming the
 * file, never a crash, when one is missing, not a shared object, without
 * its driver, or of another version. No server is needed: a refused
 * connection proves the module loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "t.h"

#define PG_URL	  "postgresql://u:secret@127.0.0.1:1/x"
#define MYSQL_URL "mysql://u:secret@127.0.0.1:1/x"

static char tmpdir[] = "/tmp/dbm_test_db_modules.XXXXXX";

/* Connect and close; whatever the outcome, the error is one clean line. */
static int try_connect(const char *text, struct dbm_err *err)
{
	struct dbm_url url = DBM_URL_INIT;
	struct dbm_conn *conn = NULL;
	if (dbm_url_parse(&url, text, err) < 0) {
		fprintf(stderr, "bad test url: %s\n", err->msg);
		exit(2);
	}
	int rc = dbm_db_connect(&conn, &url, err);
	CHECK((rc == 0) == (conn != NULL));
	dbm_db_close(conn);
	dbm_url_release(&url);
	CHECK(strchr(err->msg, '\n') == NULL);
	CHECK(strstr(err->msg, "secret") == NULL);
	return rc;
}

/* The driver of url was loaded: the connection failed, not the load. */
static void check_loaded(const char *url, const char *display)
{
	struct dbm_err err = DBM_ERR_INIT;
	char want[256];
	snprintf(want, sizeof(want), "cannot connect to '%s': ", display);
	CHECK(try_connect(url, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK(strncmp(err.msg, want, strlen(want)) == 0);
}

static void check_load_error(const char *url, const char *dialect,
			     const char *dir, const char *why)
{
	struct dbm_err err = DBM_ERR_INIT;
	char want[1024];
	snprintf(want, sizeof(want),
		 "cannot load the %s driver '%s/dbm_%s.so': %s", dialect, dir,
		 dialect, why);
	CHECK(try_connect(url, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, want);
}

static void write_junk(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	for (int i = 0; f && i < 10; i++)
		fputs("not a shared object, only text\n", f);
	if (!f || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void remove_junk(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (unlink(path) != 0)
		perror(path);
}

static void test_load_errors(void)
{
	struct dbm_err err = DBM_ERR_INIT;
	char why[128];

	/* An empty directory: SQLite is built in, the others are missing. */
	dbm_db_set_driver_dir(tmpdir);
	CHECK(try_connect("sqlite://", &err) == 0);
	check_load_error(PG_URL, "postgresql", tmpdir,
			 "cannot open shared object file: No such file or "
			 "directory");
	check_load_error(MYSQL_URL, "mysql", tmpdir,
			 "cannot open shared object file: No such file or "
			 "directory");

	write_junk("dbm_postgresql.so");
	check_load_error(PG_URL, "postgresql", tmpdir, "invalid ELF header");
	remove_junk("dbm_postgresql.so");

	/* dbm_mysql.so there is a copy of the PostgreSQL one. */
	dbm_db_set_driver_dir(DBM_TEST_DRIVER_NEXT_DIR);
	snprintf(why, sizeof(why),
		 "it is version %d, this program needs version %d",
		 DBM_DRIVER_VERSION + 1, DBM_DRIVER_VERSION);
	check_load_error(PG_URL, "postgresql", DBM_TEST_DRIVER_NEXT_DIR, why);
	check_load_error(MYSQL_URL, "mysql", DBM_TEST_DRIVER_NEXT_DIR,
			 "undefined symbol: dbm_driver_mysql");
}

static void test_load(void)
{
	/* The default: the modules next to this program, the build dir. */
	dbm_db_set_driver_dir(NULL);
	check_loaded(PG_URL, "postgresql://u:***@127.0.0.1:1/x");
	check_loaded(MYSQL_URL, "mysql://u:***@127.0.0.1:1/x");

	/* Loaded once: a directory without modules changes nothing now. */
	dbm_db_set_driver_dir(tmpdir);
	check_loaded(PG_URL, "postgresql://u:***@127.0.0.1:1/x");
	check_loaded(MYSQL_URL, "mysql://u:***@127.0.0.1:1/x");
	dbm_db_set_driver_dir(NULL);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	test_load_errors();
	test_load();
	if (rmdir(tmpdir) != 0)
		perror(tmpdir);
	return t_done();
}
