/* Unit tests for url.c: parsing, errors, masking. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "t.h"
#include "url.h"

/* The query arguments as "k=v|k=v", in the order given, or NULL. */
static char *query_text(const struct dbm_url *url)
{
	struct dbm_buf b = DBM_BUF_INIT;
	if (!url->nquery)
		return NULL;
	for (size_t i = 0; i < url->nquery; i++)
		dbm_buf_addf(&b, "%s%s=%s", i ? "|" : "", url->query[i].key,
			     url->query[i].value);
	return dbm_buf_detach(&b);
}

/* clang-format off */
static const struct ok_case {
	const char *text;
	const char *dialect, *driver, *user, *pass, *host;
	int port;
	const char *db, *query, *masked;
} ok_cases[] = {
	/* text, dialect, driver, user, pass, host, port, db, query, masked */
	{ "sqlite://", "sqlite", NULL, NULL, NULL, NULL, 0, NULL, NULL, "sqlite://" },
	{ "sqlite:///:memory:", "sqlite", NULL, NULL, NULL, NULL, 0, NULL, NULL, "sqlite://" },
	{ "sqlite:///", "sqlite", NULL, NULL, NULL, NULL, 0, NULL, NULL, "sqlite://" },
	{ "sqlite:///relative/path.db", "sqlite", NULL, NULL, NULL, NULL, 0, "relative/path.db", NULL, "sqlite:///relative/path.db" },
	{ "sqlite:////abs/path.db", "sqlite", NULL, NULL, NULL, NULL, 0, "/abs/path.db", NULL, "sqlite:////abs/path.db" },
	{ "sqlite+pysqlite:///tacker.sqlite", "sqlite", "pysqlite", NULL, NULL, NULL, 0, "tacker.sqlite", NULL, "sqlite+pysqlite:///tacker.sqlite" },
	{ "sqlite:///a@b:c.db", "sqlite", NULL, NULL, NULL, NULL, 0, "a@b:c.db", NULL, "sqlite:///a@b:c.db" },
	{ "sqlite:///a%3Fb%20c.db", "sqlite", NULL, NULL, NULL, NULL, 0, "a?b c.db", NULL, "sqlite:///a%3Fb c.db" },
	{ "sqlite:///x.db?mode=ro&uri=true", "sqlite", NULL, NULL, NULL, NULL, 0, "x.db", "mode=ro|uri=true", "sqlite:///x.db?mode=ro&uri=true" },
	{ "postgresql+psycopg2://user:p%40ss@host:5432/db?sslmode=require", "postgresql", "psycopg2", "user", "p@ss", "host", 5432, "db", "sslmode=require", "postgresql+psycopg2://user:***@host:5432/db?sslmode=require" },
	{ "postgres://bob:hunter2@db.example.com/tacker", "postgresql", NULL, "bob", "hunter2", "db.example.com", 0, "tacker", NULL, "postgresql://bob:***@db.example.com/tacker" },
	{ "postgresql://host/db", "postgresql", NULL, NULL, NULL, "host", 0, "db", NULL, "postgresql://host/db" },
	{ "postgresql://u@h:5433", "postgresql", NULL, "u", NULL, "h", 5433, NULL, NULL, "postgresql://u@h:5433" },
	{ "postgresql://u:@h/db", "postgresql", NULL, "u", "", "h", 0, "db", NULL, "postgresql://u:***@h/db" },
	{ "postgresql://:s3cr3t@h/db", "postgresql", NULL, NULL, "s3cr3t", "h", 0, "db", NULL, "postgresql://:***@h/db" },
	{ "postgresql://:5432/db", "postgresql", NULL, NULL, NULL, NULL, 5432, "db", NULL, "postgresql://:5432/db" },
	{ "postgresql://h:/db", "postgresql", NULL, NULL, NULL, "h", 0, "db", NULL, "postgresql://h/db" },
	{ "postgresql://u:a%3Ab%40c%2Fd@h/db", "postgresql", NULL, "u", "a:b@c/d", "h", 0, "db", NULL, "postgresql://u:***@h/db" },
	{ "postgresql://us%40er%20x:pw12@h/my%20db", "postgresql", NULL, "us@er x", "pw12", "h", 0, "my db", NULL, "postgresql://us%40er x:***@h/my db" },
	{ "postgresql://u:100%@h/db", "postgresql", NULL, "u", "100%", "h", 0, "db", NULL, "postgresql://u:***@h/db" },
	{ "postgresql://u:p%zzq@h/db", "postgresql", NULL, "u", "p%zzq", "h", 0, "db", NULL, "postgresql://u:***@h/db" },
	{ "postgresql://h:5432/db@x", "postgresql", NULL, NULL, NULL, "h", 5432, "db@x", NULL, "postgresql://h:5432/db@x" },
	{ "postgresql://u:pw99@h/db@x", "postgresql", NULL, "u", "pw99", "h", 0, "db@x", NULL, "postgresql://u:***@h/db@x" },
	{ "postgresql://user@/db?host=/var/run/postgresql", "postgresql", NULL, "user", NULL, NULL, 0, "db", "host=/var/run/postgresql", "postgresql://user@/db?host=%2Fvar%2Frun%2Fpostgresql" },
	{ "postgresql:///db?host=/tmp&port=5433", "postgresql", NULL, NULL, NULL, NULL, 0, "db", "host=/tmp|port=5433", "postgresql:///db?host=%2Ftmp&port=5433" },
	{ "postgresql://h/db?host=a&port=1&host=b", "postgresql", NULL, NULL, NULL, "h", 0, "db", "host=a|port=1|host=b", "postgresql://h/db?host=a&host=b&port=1" },
	{ "postgresql://h/db?b=2&a=1&b=3", "postgresql", NULL, NULL, NULL, "h", 0, "db", "b=2|a=1|b=3", "postgresql://h/db?a=1&b=2&b=3" },
	{ "postgresql://h?sslmode=disable", "postgresql", NULL, NULL, NULL, "h", 0, NULL, "sslmode=disable", "postgresql://h?sslmode=disable" },
	{ "postgresql://[2001:db8::1]/db", "postgresql", NULL, NULL, NULL, "2001:db8::1", 0, "db", NULL, "postgresql://[2001:db8::1]/db" },
	{ "mysql+pymysql://user:pass@[::1]:3306/db?charset=utf8mb4", "mysql", "pymysql", "user", "pass", "::1", 3306, "db", "charset=utf8mb4", "mysql+pymysql://user:***@[::1]:3306/db?charset=utf8mb4" },
	{ "mysql://u:p4ss@/db?unix_socket=/tmp/my.sock", "mysql", NULL, "u", "p4ss", NULL, 0, "db", "unix_socket=/tmp/my.sock", "mysql://u:***@/db?unix_socket=%2Ftmp%2Fmy.sock" },
	{ "mariadb+pymysql://tacker:pw77@10.0.0.5/tacker", "mysql", "pymysql", "tacker", "pw77", "10.0.0.5", 0, "tacker", NULL, "mysql+pymysql://tacker:***@10.0.0.5/tacker" },
	{ "mariadb://h/db", "mysql", NULL, NULL, NULL, "h", 0, "db", NULL, "mysql://h/db" },
	{ "mysql://u:p@ss@h:3306/db", "mysql", NULL, "u", "p@ss", "h", 3306, "db", NULL, "mysql://u:***@h:3306/db" },
	{ "mysql://u:pa:ss@h/db", "mysql", NULL, "u", "pa:ss", "h", 0, "db", NULL, "mysql://u:***@h/db" },
	{ "mysql://u:pa/ss@h/db", "mysql", NULL, "u", "pa/ss", "h", 0, "db", NULL, "mysql://u:***@h/db" },
	{ "mysql://u:pa?ss@h/db", "mysql", NULL, "u", "pa?ss", "h", 0, "db", NULL, "mysql://u:***@h/db" },
	{ "mysql://u:se cr@t@h/db", "mysql", NULL, "u", "se cr@t", "h", 0, "db", NULL, "mysql://u:***@h/db" },
	{ "mysql://h/db?init_command=SET+x%3D1&k%20y=a%26b", "mysql", NULL, NULL, NULL, "h", 0, "db", "init_command=SET x=1|k y=a&b", "mysql://h/db?init_command=SET+x%3D1&k+y=a%26b" },
	{ "postgresql://u@h/db?sslmode=require&password=s3cret", "postgresql", NULL, "u", NULL, "h", 0, "db", "sslmode=require|password=s3cret", "postgresql://u@h/db?password=***&sslmode=require" },
	{ "mysql+mysqldb://h/db?passwd=s3cr%20t", "mysql", "mysqldb", NULL, NULL, "h", 0, "db", "passwd=s3cr t", "mysql+mysqldb://h/db?passwd=***" },
	{ "mysql://h/db?a=&b&c=1&", "mysql", NULL, NULL, NULL, "h", 0, "db", "c=1", "mysql://h/db?c=1" },
};
/* clang-format on */

static void test_ok(void)
{
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct dbm_url url = DBM_URL_INIT;
		struct dbm_err err = DBM_ERR_INIT;
		struct dbm_buf masked = DBM_BUF_INIT;
		int rc = dbm_url_parse(&url, c->text, &err);
		if (rc != 0)
			fprintf(stderr, "case '%s': %s\n", c->text, err.msg);
		CHECK(rc == 0);
		CHECK(err.kind == DBM_OK);
		CHECK_STR(url.dialect, c->dialect);
		CHECK_STR(url.driver, c->driver);
		CHECK_STR(url.username, c->user);
		CHECK_STR(url.password, c->pass);
		CHECK_STR(url.host, c->host);
		CHECK(url.port == c->port);
		CHECK_STR(url.database, c->db);
		char *q = query_text(&url);
		CHECK_STR(q, c->query);
		free(q);
		dbm_url_render_masked(&masked, &url);
		CHECK_STR(masked.buf, c->masked);
		if (c->pass && strlen(c->pass) >= 4)
			CHECK(strstr(masked.buf, c->pass) == NULL);
		CHECK(strstr(masked.buf, "s3cr") == NULL);
		/* The rendering reads back as the same URL, password aside. */
		struct dbm_url again = DBM_URL_INIT;
		CHECK(dbm_url_parse(&again, masked.buf, &err) == 0);
		CHECK_STR(again.database, url.database);
		CHECK_STR(again.username, url.username);
		CHECK(again.nquery == url.nquery);
		dbm_url_release(&again);
		dbm_buf_release(&masked);
		dbm_url_release(&url);
	}
}

/* clang-format off */
static const struct err_case {
	const char *text, *secret, *msg;
} err_cases[] = {
	{ "foo", NULL, "invalid database URL 'foo': expected dialect://..." },
	{ "", NULL, "invalid database URL '': expected dialect://..." },
	{ "sqlite:relative.db", NULL, "invalid database URL 'sqlite:relative.db': expected dialect://..." },
	{ "://h/db", NULL, "invalid database URL '://h/db': expected dialect://..." },
	{ "+drv://h/db", NULL, "invalid database URL '+drv://h/db': expected dialect://..." },
	{ "my sql://u:s3cret@h/db", "s3cret", "invalid database URL 'my sql://u:***@h/db': expected dialect://..." },
	{ "u:s3cret@h/db", "s3cret", "invalid database URL 'u:***@h/db': expected dialect://..." },
	{ "postgresql:/u:s3cret@h/db", "s3cret", "invalid database URL 'postgresql:***@h/db': expected dialect://..." },
	{ "postgresql://bob:s3cret@host:x/db", "s3cret", "invalid database URL 'postgresql://bob:***@host:x/db': port 'x' is not a " "number" },
	{ "postgresql://bob:s3cret@host:54x2/db", "s3cret", "invalid database URL 'postgresql://bob:***@host:54x2/db': port '54x2' is " "not a number" },
	{ "postgresql://host:-1/db", NULL, "invalid database URL 'postgresql://host:-1/db': port '-1' is not a " "number" },
	{ "postgresql://h:70000/db", NULL, "invalid database URL 'postgresql://h:70000/db': port '70000' is out of " "range 1-65535" },
	{ "postgresql://h:99999999999999999999/db", NULL, "invalid database URL 'postgresql://h:99999999999999999999/db': port " "'99999999999999999999' is out of range 1-65535" },
	{ "postgresql://h:0/db", NULL, "invalid database URL 'postgresql://h:0/db': port '0' is out of range " "1-65535" },
	{ "mysql://u:se cret@h:x/db", "se cret", "invalid database URL 'mysql://u:***@h:x/db': port 'x' is not a number" },
	{ "mysql://u:a/s3cret@h:x/db", "s3cret", "invalid database URL 'mysql://u:***@h:x/db': port 'x' is not a number" },
	{ "mysql://u:s3c@ret@h:x/db", "s3c@ret", "invalid database URL 'mysql://u:***@h:x/db': port 'x' is not a number" },
	{ "mysql://u@h:x/db?passwd=s3cret&charset=utf8", "s3cret", "invalid database URL 'mysql://u@h:x/db?passwd=***&charset=utf8': port 'x' is not a number" },
	{ "postgresql://h:x/db?password=se cret", "se cret", "invalid database URL 'postgresql://h:x/db?password=***': port 'x' is not a number" },
	{ "oracle://scott:tiger@h/db", "tiger", "unsupported database dialect 'oracle' in URL 'oracle://scott:***@h/db': " "supported are sqlite, postgresql (or postgres), mysql and mariadb" },
	{ "mssql+pyodbc://h/db", NULL, "unsupported database dialect 'mssql' in URL 'mssql+pyodbc://h/db': " "supported are sqlite, postgresql (or postgres), mysql and mariadb" },
	{ "PostgreSQL://h/db", NULL, "unsupported database dialect 'PostgreSQL' in URL 'PostgreSQL://h/db': " "supported are sqlite, postgresql (or postgres), mysql and mariadb" },
	{ "postgresql+://h/db", NULL, "invalid database URL 'postgresql+://h/db': invalid driver name ''" },
	{ "mysql+a+b://h/db", NULL, "invalid database URL 'mysql+a+b://h/db': invalid driver name 'a+b'" },
	{ "postgresql://u:s3cret@[::1/db", "s3cret", "invalid database URL 'postgresql://u:***@[::1/db': missing ']' in host " "'[::1'" },
	{ "postgresql://[::1]x/db", NULL, "invalid database URL 'postgresql://[::1]x/db': invalid host '[::1]x'" },
	{ "postgresql://[]/db", NULL, "invalid database URL 'postgresql://[]/db': invalid host '[]'" },
	{ "postgresql://[::1]:x/db", NULL, "invalid database URL 'postgresql://[::1]:x/db': port 'x' is not a " "number" },
	{ "sqlite://host/db", NULL, "invalid database URL 'sqlite://host/db': a sqlite URL takes no user, " "host or port: use sqlite:///relative/path or sqlite:////absolute/path" },
	{ "sqlite://u:s3cret@/x.db", "s3cret", "invalid database URL 'sqlite://u:***@/x.db': a sqlite URL takes no user, " "host or port: use sqlite:///relative/path or sqlite:////absolute/path" },
	{ "sqlite://:5/x.db", NULL, "invalid database URL 'sqlite://:5/x.db': a sqlite URL takes no user, " "host or port: use sqlite:///relative/path or sqlite:////absolute/path" },
	{ "postgresql://u:s3c%00ret@h/db", "s3c", "invalid database URL 'postgresql://u:***@h/db': NUL byte (%00) in the " "password" },
	{ "postgresql://u%00v:pw@h/db", NULL, "invalid database URL 'postgresql://u%00v:***@h/db': NUL byte (%00) in " "the user name" },
	{ "postgresql://h/d%00b", NULL, "invalid database URL 'postgresql://h/d%00b': NUL byte (%00) in the " "database name" },
	{ "postgresql://h/db?a=%00", NULL, "invalid database URL 'postgresql://h/db?a=%00': NUL byte (%00) in query " "argument 'a'" },
	{ "postgresql://h/db?%00=1", NULL, "invalid database URL 'postgresql://h/db?%00=1': NUL byte (%00) in a " "query argument name" },
};
/* clang-format on */

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct dbm_url url = DBM_URL_INIT;
		struct dbm_err err = DBM_ERR_INIT;
		CHECK(dbm_url_parse(&url, c->text, &err) == -1);
		CHECK(err.kind == DBM_EUSAGE);
		CHECK_STR(err.msg, c->msg);
		CHECK(strchr(err.msg, '\n') == NULL);
		if (c->secret)
			CHECK(strstr(err.msg, c->secret) == NULL);
		/* A failed parse leaves nothing behind. */
		CHECK(url.dialect == NULL && url.host == NULL &&
		      url.password == NULL && url.query == NULL);
		dbm_url_release(&url);
	}
}

/* clang-format off */
static const struct mask_case {
	const char *text, *want;
} mask_cases[] = {
	{ "", "" },
	{ "no password here", "no password here" },
	{ "sqlite:///x.db", "sqlite:///x.db" },
	{ "sqlite:////a:b@c.db", "sqlite:////a:b@c.db" },
	{ "mysql://u@h/db", "mysql://u@h/db" },
	{ "postgresql://bob:s3cret@h/db", "postgresql://bob:***@h/db" },
	{ "postgresql://:s3cret@h/db", "postgresql://:***@h/db" },
	{ "mysql://u:p@ss@h/db", "mysql://u:***@h/db" },
	{ "mysql://u:pa/ss@h/db", "mysql://u:***@h/db" },
	{ "mysql://u:p%40ss@h:x/db", "mysql://u:***@h:x/db" },
	{ "error connecting to mysql+pymysql://u:s3cr3t@h:3306/db: timed out", "error connecting to mysql+pymysql://u:***@h:3306/db: timed out" },
	{ "from postgresql://a:pw1@h1/x to mysql://b:pw2@h2/y", "from postgresql://a:***@h1/x to mysql://b:***@h2/y" },
	{ "postgresql://u:pw@h/db?x=http://a:pw2@b/c", "postgresql://u:***@h/db?x=http://a:***@b/c" },
	{ "see http://example.com:8080/path or mail me@example.com", "see http://example.com:8080/path or mail me@example.com" },
	{ "http://example.com:8080/a@b", "http://example.com:8080/a@b" },
	{ "connect postgresql://h/db?sslmode=require&password=s3cret failed", "connect postgresql://h/db?sslmode=require&password=*** failed" },
	{ "postgresql://h/db?password=&x=1", "postgresql://h/db?password=***&x=1" },
	{ "a?passwordx=1&mypassword=2", "a?passwordx=1&mypassword=2" },
	{ "'oracle://scott:tiger@h/db': unsupported", "'oracle://scott:***@h/db': unsupported" },
	{ "user:s3cret@host/db", "user:s3cret@host/db" },
	{ "://", "://" },
};
/* clang-format on */

static void test_mask_text(void)
{
	for (size_t i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]);
	     i++) {
		struct dbm_buf out = DBM_BUF_INIT;
		dbm_url_mask_text(&out, mask_cases[i].text);
		CHECK_STR(out.buf, mask_cases[i].want);
		dbm_buf_release(&out);
	}
	/* It appends. */
	struct dbm_buf out = DBM_BUF_INIT;
	dbm_buf_adds(&out, "url: ");
	dbm_url_mask_text(&out, "mysql://u:pw@h/db");
	CHECK_STR(out.buf, "url: mysql://u:***@h/db");
	dbm_buf_release(&out);
}

static void test_query_and_reuse(void)
{
	struct dbm_url url = DBM_URL_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(dbm_url_parse(&url, "postgresql://h/db?host=a&port=1&host=b",
			    &err) == 0);
	CHECK_STR(dbm_url_query(&url, "host"), "b");
	CHECK_STR(dbm_url_query(&url, "port"), "1");
	CHECK_STR(dbm_url_query(&url, "sslmode"), NULL);
	CHECK(url.nquery == 3);

	/* Parsing again releases the old contents first (ASan checks). */
	CHECK(dbm_url_parse(&url, "mysql://u:pw@h/other", &err) == 0);
	CHECK_STR(url.dialect, "mysql");
	CHECK_STR(url.database, "other");
	CHECK(url.nquery == 0);
	CHECK_STR(dbm_url_query(&url, "host"), NULL);

	/* A failed parse leaves the output released. */
	CHECK(dbm_url_parse(&url, "bogus", &err) == -1);
	CHECK(url.dialect == NULL && url.database == NULL);

	/* Release is idempotent. */
	dbm_url_release(&url);
	dbm_url_release(&url);
	CHECK(url.nquery == 0 && url.query == NULL);
}

static void test_render_built(void)
{
	/* A URL put together by hand renders too. */
	struct dbm_url_param q[] = {{"z", "a b"}, {"a", "x/y"}};
	struct dbm_url url = {"postgresql", "psycopg2", "a:b", "pw", "fe80::1",
			      5432,	    "db",	q,     2};
	struct dbm_buf out = DBM_BUF_INIT;
	dbm_url_render_masked(&out, &url);
	CHECK_STR(out.buf, "postgresql+psycopg2://a%3Ab:***@[fe80::1]:5432/"
			   "db?a=x%2Fy&z=a+b");
	dbm_buf_release(&out);
}

int main(void)
{
	test_ok();
	test_errors();
	test_mask_text();
	test_query_and_reuse();
	test_render_built();
	return t_done();
}
