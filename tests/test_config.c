/* Unit tests for config.c: oslo.config INI parsing, files, dirs, types. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "t.h"

static char tmpdir[] = "/tmp/dbm_test_config.XXXXXX";

/* Write n bytes to tmpdir/name; the full path goes to path. */
static void write_file(struct dbm_buf *path, const char *name, const char *data,
		       size_t n)
{
	dbm_buf_reset(path);
	dbm_buf_addf(path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path->buf, "wb");
	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		perror(path->buf);
		exit(2);
	}
}

static void remove_file(const char *name)
{
	struct dbm_buf path = DBM_BUF_INIT;
	dbm_buf_addf(&path, "%s/%s", tmpdir, name);
	remove(path.buf);
	dbm_buf_release(&path);
}

/* clang-format off */
static const struct get_case {
	const char *text, *section, *key, *want;
} get_cases[] = {
	/* text, section, key, want */
	{ "[database]\nconnection = sqlite://\n", "database", "connection", "sqlite://" },
	{ "[DEFAULT]\ndebug = true\n", "default", "debug", "true" },
	{ "[DEFAULT]\ndebug = true\n", "DEFAULT", "debug", "true" },
	{ "[Database]\nconnection=x\n", "database", "connection", "x" },
	{ "[ spaced ]\nk=v\n", "spaced", "k", "v" },
	{ "[database]\nconnection: mysql://u:p@h/db\n", "database", "connection", "mysql://u:p@h/db" },
	{ "[database]\nconnection = mysql://u:p=q@h/db\n", "database", "connection", "mysql://u:p=q@h/db" },
	{ "[a]\nk:v=w\n", "a", "k", "v=w" },
	{ "[a]\nk=v:w\n", "a", "k", "v:w" },
	{ "[a]\n  \t\nk \t=   v  \t\n", "a", "k", "v" },
	{ "[a]\nk =\n", "a", "k", "" },
	{ "[a]\nk = one\n  two\n\tthree\n", "a", "k", "one\ntwo\nthree" },
	{ "[a]\nk = one\n    two  words  \n", "a", "k", "one\ntwo  words" },
	{ "[a]\nk =\n  x\n", "a", "k", "\nx" },
	{ "[a]\nk = one\n  # skipped\n  two\n", "a", "k", "one\ntwo" },
	{ "[a]\nk = one\n\nj = two\n", "a", "k", "one" },
	{ "# c\n; c\n[a]\n# k = no\n; k = no\nk = v # not a comment\n", "a", "k", "v # not a comment" },
	{ "  # indented comment\n[a]\n\t; another\nk=v\n", "a", "k", "v" },
	{ "[a]\r\nk = v\r\n  w\r\n", "a", "k", "v\nw" },
	{ "[a]\nk = \"quoted value\"\n", "a", "k", "quoted value" },
	{ "[a]\nk = 'x'\n", "a", "k", "x" },
	{ "[a]\nk = \"x'\n", "a", "k", "\"x'" },
	{ "[a]\nk = \"\n", "a", "k", "" },
	{ "\xEF\xBB\xBF[a]\nk=v\n", "a", "k", "v" },
	{ "[a]\nk=v", "a", "k", "v" },
	{ "[a]\nk=1\nk=2\n", "a", "k", "2" },
	{ "[a]\nk=1\n[b]\nk=3\n[a]\nk=2\n", "a", "k", "2" },
	{ "[a]\nk=1\n[b]\nk=3\n[a]\nk=2\n", "b", "k", "3" },
	{ "[a]\nKey=v\n", "a", "Key", "v" },
	{ "[a]\nKey=v\n", "a", "key", NULL },
	{ "[a]\nk=v\n", "a", "nope", NULL },
	{ "[a]\nk=v\n", "b", "k", NULL },
	{ "", "a", "k", NULL },
};
/* clang-format on */

static void test_get(void)
{
	for (size_t i = 0; i < sizeof(get_cases) / sizeof(get_cases[0]); i++) {
		const struct get_case *c = &get_cases[i];
		struct dbm_config cfg = DBM_CONFIG_INIT;
		struct dbm_err err = DBM_ERR_INIT;
		int rc = dbm_config_load_text(&cfg, c->text, "t.conf", &err);
		if (rc != 0)
			fprintf(stderr, "case %zu: %s\n", i, err.msg);
		CHECK(rc == 0);
		CHECK_STR(dbm_config_get(&cfg, c->section, c->key), c->want);
		dbm_config_release(&cfg);
	}
}

static void test_entries(void)
{
	struct dbm_config cfg = DBM_CONFIG_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(dbm_config_load_text(&cfg,
				   "# head\n[DEFAULT]\nx = 1\n\n[Alembic]\n"
				   "script_location = a\n  b\n",
				   "mem", &err) == 0);
	CHECK(cfg.len == 2);
	CHECK_STR(cfg.entries[0].section, "default");
	CHECK_STR(cfg.entries[0].key, "x");
	CHECK_STR(cfg.entries[0].origin, "mem:3");
	CHECK_STR(cfg.entries[1].section, "alembic");
	CHECK_STR(cfg.entries[1].value, "a\nb");
	CHECK_STR(cfg.entries[1].origin, "mem:6");
	dbm_config_release(&cfg);
	CHECK(cfg.len == 0 && cfg.entries == NULL);
	dbm_config_release(&cfg); /* idempotent */
}

/* clang-format off */
static const struct err_case {
	const char *text, *msg;
} err_cases[] = {
	{ "k = v\n", "'t.conf:1': option 'k' appears before any [section] header" },
	{ "# c\n\nconnection = sqlite://\n", "'t.conf:3': option 'connection' appears before any [section] header" },
	{ "[a]\ngarbage\n", "'t.conf:2': invalid line 'garbage': expected 'key = " "value', 'key: value' or '[section]'" },
	{ "[a]\nk = v\ngarbage here  \n", "'t.conf:3': invalid line 'garbage here': expected 'key = value', 'key: " "value' or '[section]'" },
	{ "[database\nk=v\n", "'t.conf:1': unterminated section header '[database'" },
	{ "[a]\n[b] x\n", "'t.conf:2': unterminated section header '[b] x'" },
	{ "[database] connection = mysql://u:s3cret@h/db\n", "'t.conf:1': unterminated section header '[database] connection = mysql://u:***@h/db'" },
	{ "[a]\n[]\n", "'t.conf:2': empty section name '[]'" },
	{ "[a]\n[  ]\n", "'t.conf:2': empty section name '[  ]'" },
	{ "[a]\n= s3cret\n", "'t.conf:2': missing option name before '='" },
	{ "[a]\n : s3cret\n", "'t.conf:2': unexpected indented line: a continuation " "line must follow an option" },
	{ "[a]\n: s3cret\n", "'t.conf:2': missing option name before ':'" },
	{ "  indented = 1\n", "'t.conf:1': unexpected indented line: a continuation " "line must follow an option" },
	{ "[a]\nk = v\n\n  more\n", "'t.conf:4': unexpected indented line: a " "continuation line must follow an option" },
	{ "[a]\n  k = v\n", "'t.conf:2': unexpected indented line: a continuation " "line must follow an option" },
};
/* clang-format on */

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		struct dbm_config cfg = DBM_CONFIG_INIT;
		struct dbm_err err = DBM_ERR_INIT;
		CHECK(dbm_config_load_text(&cfg, err_cases[i].text, "t.conf",
					   &err) == -1);
		CHECK(err.kind == DBM_EUSAGE);
		CHECK_STR(err.msg, err_cases[i].msg);
		CHECK(strstr(err.msg, "s3cret") == NULL);
		CHECK(cfg.len == 0);
		dbm_config_release(&cfg);
	}
}

static void test_failed_load_adds_nothing(void)
{
	struct dbm_config cfg = DBM_CONFIG_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(dbm_config_load_text(&cfg, "[a]\nk = good\n", "one", &err) == 0);
	CHECK(dbm_config_load_text(&cfg, "[a]\nk = bad\nj = 1\noops\n", "two",
				   &err) == -1);
	CHECK_STR(err.msg, "'two:4': invalid line 'oops': expected 'key = "
			   "value', 'key: value' or '[section]'");
	CHECK(cfg.len == 1);
	CHECK_STR(dbm_config_get(&cfg, "a", "k"), "good");
	CHECK_STR(dbm_config_get(&cfg, "a", "j"), NULL);
	dbm_config_release(&cfg);
}

/* clang-format off */
static const struct bool_case {
	const char *value;
	int want; /* 1 true, 0 false, -1 an error */
} bool_cases[] = {
	{ "true", 1 },
	{ "TRUE", 1 },
	{ "True", 1 },
	{ "yes", 1 },
	{ "Yes", 1 },
	{ "on", 1 },
	{ "ON", 1 },
	{ "1", 1 },
	{ "false", 0 },
	{ "False", 0 },
	{ "no", 0 },
	{ "NO", 0 },
	{ "off", 0 },
	{ "Off", 0 },
	{ "0", 0 },
	{ "maybe", -1 },
	{ "", -1 },
	{ "2", -1 },
	{ "t", -1 },
	{ "truee", -1 },
	{ "y", -1 },
	{ "01", -1 },
	{ "true false", -1 },
};
/* clang-format on */

static void test_bool(void)
{
	for (size_t i = 0; i < sizeof(bool_cases) / sizeof(bool_cases[0]);
	     i++) {
		const struct bool_case *c = &bool_cases[i];
		struct dbm_config cfg = DBM_CONFIG_INIT;
		struct dbm_err err = DBM_ERR_INIT;
		struct dbm_buf text = DBM_BUF_INIT, want = DBM_BUF_INIT;
		dbm_buf_addf(&text,
			     "[alembic]\ntransaction_per_migration = %s\n",
			     c->value);
		CHECK(dbm_config_load_text(&cfg, text.buf, "t.conf", &err) ==
		      0);
		bool got = c->want != 1; /* the opposite, or a marker */
		bool before = got;
		int rc = dbm_config_get_bool(
		    &cfg, "alembic", "transaction_per_migration", &got, &err);
		if (c->want < 0) {
			dbm_buf_addf(&want,
				     "invalid value '%s' for option "
				     "'transaction_per_migration' in [alembic] "
				     "(t.conf:2): expected a boolean",
				     c->value);
			CHECK(rc == -1);
			CHECK(err.kind == DBM_EUSAGE);
			CHECK_STR(err.msg, want.buf);
			CHECK(got == before);
		} else {
			CHECK(rc == 0);
			CHECK(got == (c->want == 1));
		}
		dbm_buf_release(&want);
		dbm_buf_release(&text);
		dbm_config_release(&cfg);
	}

	/* An absent option leaves *out alone, whatever it was. */
	struct dbm_config cfg = DBM_CONFIG_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	bool b = true;
	CHECK(dbm_config_get_bool(&cfg, "alembic", "x", &b, &err) == 0);
	CHECK(b == true);
	b = false;
	CHECK(dbm_config_get_bool(&cfg, "alembic", "x", &b, &err) == 0);
	CHECK(b == false);
	CHECK(err.kind == DBM_OK);

	/* The last value set counts, and the error names where it was set. */
	CHECK(dbm_config_load_text(&cfg, "[Alembic]\nflag = yes\n", "one.conf",
				   &err) == 0);
	CHECK(dbm_config_load_text(&cfg, "\n[alembic]\n\nflag = sometimes\n",
				   "two.conf", &err) == 0);
	CHECK(dbm_config_get_bool(&cfg, "ALEMBIC", "flag", &b, &err) == -1);
	CHECK_STR(err.msg, "invalid value 'sometimes' for option 'flag' in "
			   "[alembic] (two.conf:4): expected a boolean");
	dbm_config_release(&cfg);
}

/* clang-format off */
static const struct seconds_case {
	const char *value;
	double want; /* < 0: an error */
} seconds_cases[] = {
	{ "30", 30 },
	{ "0", 0 },
	{ "2.5", 2.5 },
	{ ".5", 0.5 },
	{ "1.", 1 },
	{ "0.3", 0.3 },
	{ "600", 600 },
	{ "-1", -1 },
	{ "", -1 },
	{ "abc", -1 },
	{ "1e3", -1 },
	{ "1.2.3", -1 },
	{ "+5", -1 },
	{ "inf", -1 },
	{ "nan", -1 },
	{ ".", -1 },
	{ "5s", -1 },
	{ "0x10", -1 },
	{ "1,5", -1 },
};
/* clang-format on */

static void test_seconds(void)
{
	for (size_t i = 0; i < sizeof(seconds_cases) / sizeof(seconds_cases[0]);
	     i++) {
		const struct seconds_case *c = &seconds_cases[i];
		struct dbm_config cfg = DBM_CONFIG_INIT;
		struct dbm_err err = DBM_ERR_INIT;
		struct dbm_buf text = DBM_BUF_INIT, want = DBM_BUF_INIT;
		dbm_buf_addf(&text, "[database]\n\nlock_timeout = %s\n",
			     c->value);
		CHECK(dbm_config_load_text(&cfg, text.buf, "s.conf", &err) ==
		      0);
		double got = 42;
		int rc = dbm_config_get_seconds(&cfg, "database",
						"lock_timeout", &got, &err);
		if (c->want < 0) {
			dbm_buf_addf(
			    &want,
			    "invalid value '%s' for option "
			    "'lock_timeout' in [database] (s.conf:3): "
			    "expected a non-negative number of seconds",
			    c->value);
			CHECK(rc == -1);
			CHECK_STR(err.msg, want.buf);
			CHECK(got == 42);
		} else {
			CHECK(rc == 0);
			CHECK(got == c->want);
		}
		dbm_buf_release(&want);
		dbm_buf_release(&text);
		dbm_config_release(&cfg);
	}
	struct dbm_config cfg = DBM_CONFIG_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	double d = 7.5;
	CHECK(dbm_config_get_seconds(&cfg, "database", "lock_timeout", &d,
				     &err) == 0);
	CHECK(d == 7.5);
}

static void test_files(void)
{
	struct dbm_config cfg = DBM_CONFIG_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_buf a = DBM_BUF_INIT, b = DBM_BUF_INIT, want = DBM_BUF_INIT;
	static const char ta[] = "[database]\nconnection = sqlite:///a.db\n"
				 "[alembic]\nscript_location = here\n";
	static const char tb[] = "# override\n[DATABASE]\n"
				 "connection = mysql://u:p@h/db\n";
	write_file(&a, "a.conf", ta, sizeof(ta) - 1);
	write_file(&b, "b.conf", tb, sizeof(tb) - 1);

	/* Later files win; what they do not set stays. */
	CHECK(dbm_config_load_file(&cfg, a.buf, &err) == 0);
	CHECK(dbm_config_load_file(&cfg, b.buf, &err) == 0);
	CHECK_STR(dbm_config_get(&cfg, "database", "connection"),
		  "mysql://u:p@h/db");
	CHECK_STR(dbm_config_get(&cfg, "alembic", "script_location"), "here");
	dbm_buf_addf(&want, "%s:3", b.buf);
	CHECK_STR(cfg.entries[cfg.len - 1].origin, want.buf);
	dbm_config_release(&cfg);

	/* The other order. */
	CHECK(dbm_config_load_file(&cfg, b.buf, &err) == 0);
	CHECK(dbm_config_load_file(&cfg, a.buf, &err) == 0);
	CHECK_STR(dbm_config_get(&cfg, "database", "connection"),
		  "sqlite:///a.db");
	dbm_config_release(&cfg);

	/* A missing file. */
	dbm_buf_reset(&want);
	dbm_buf_addf(&want,
		     "cannot read config file '%s/missing.conf': No such "
		     "file or directory",
		     tmpdir);
	dbm_buf_reset(&a);
	dbm_buf_addf(&a, "%s/missing.conf", tmpdir);
	CHECK(dbm_config_load_file(&cfg, a.buf, &err) == -1);
	CHECK(err.kind == DBM_EUSAGE);
	CHECK_STR(err.msg, want.buf);

	/* A directory is not a file. */
	dbm_err_clear(&err);
	dbm_buf_reset(&want);
	dbm_buf_addf(&want, "cannot read config file '%s': Is a directory",
		     tmpdir);
	CHECK(dbm_config_load_file(&cfg, tmpdir, &err) == -1);
	CHECK_STR(err.msg, want.buf);

	/* A syntax error names the file and the line. */
	static const char bad[] = "[a]\nk = v\nbroken\n";
	write_file(&a, "bad.conf", bad, sizeof(bad) - 1);
	dbm_err_clear(&err);
	dbm_buf_reset(&want);
	dbm_buf_addf(&want,
		     "'%s:3': invalid line 'broken': expected 'key = "
		     "value', 'key: value' or '[section]'",
		     a.buf);
	CHECK(dbm_config_load_file(&cfg, a.buf, &err) == -1);
	CHECK_STR(err.msg, want.buf);
	CHECK(cfg.len == 0);

	/* A NUL byte in a file. */
	static const char nul[] = "[a]\nk = v\0w\n";
	write_file(&a, "nul.conf", nul, sizeof(nul) - 1);
	dbm_err_clear(&err);
	dbm_buf_reset(&want);
	dbm_buf_addf(&want, "'%s:2': unexpected NUL byte", a.buf);
	CHECK(dbm_config_load_file(&cfg, a.buf, &err) == -1);
	CHECK_STR(err.msg, want.buf);

	remove_file("a.conf");
	remove_file("b.conf");
	remove_file("bad.conf");
	remove_file("nul.conf");
	dbm_config_release(&cfg);
	dbm_buf_release(&want);
	dbm_buf_release(&b);
	dbm_buf_release(&a);
}

static void test_dir(void)
{
	struct dbm_config cfg = DBM_CONFIG_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_buf p = DBM_BUF_INIT, want = DBM_BUF_INIT;
	static const char t10[] = "[database]\nconnection = from-10\n";
	static const char t02[] = "[database]\nconnection = from-02\n"
				  "[alembic]\nversion_table = vt\n";
	static const char txt[] = "not an ini file at all\n";
	static const char hidden[] = "[database]\nconnection = hidden\n";
	write_file(&p, "10-x.conf", t10, sizeof(t10) - 1);
	write_file(&p, "02-y.conf", t02, sizeof(t02) - 1);
	write_file(&p, "notes.txt", txt, sizeof(txt) - 1);
	write_file(&p, ".hidden.conf", hidden, sizeof(hidden) - 1);

	/* Name order: 02-y.conf, then 10-x.conf wins. */
	CHECK(dbm_config_load_dir(&cfg, tmpdir, &err) == 0);
	CHECK_STR(dbm_config_get(&cfg, "database", "connection"), "from-10");
	CHECK_STR(dbm_config_get(&cfg, "alembic", "version_table"), "vt");
	CHECK(cfg.len == 3);

	/* A file given after the dir wins over it. */
	static const char last[] = "[database]\nconnection = from-file\n";
	write_file(&p, "last.ini", last, sizeof(last) - 1);
	CHECK(dbm_config_load_file(&cfg, p.buf, &err) == 0);
	CHECK_STR(dbm_config_get(&cfg, "database", "connection"), "from-file");
	remove_file("last.ini");

	/* A bad file in the dir fails the dir and adds nothing. */
	static const char bad[] = "[database]\nconnection = no\n[x\n";
	write_file(&p, "50-bad.conf", bad, sizeof(bad) - 1);
	size_t before = cfg.len;
	dbm_buf_addf(&want, "'%s:3': unterminated section header '[x'", p.buf);
	CHECK(dbm_config_load_dir(&cfg, tmpdir, &err) == -1);
	CHECK_STR(err.msg, want.buf);
	CHECK(cfg.len == before);
	CHECK_STR(dbm_config_get(&cfg, "database", "connection"), "from-file");
	remove_file("50-bad.conf");

	/* A missing dir, and a file given as a dir. */
	dbm_err_clear(&err);
	dbm_buf_reset(&p);
	dbm_buf_addf(&p, "%s/nope", tmpdir);
	dbm_buf_reset(&want);
	dbm_buf_addf(&want,
		     "cannot read config directory '%s': No such file or "
		     "directory",
		     p.buf);
	CHECK(dbm_config_load_dir(&cfg, p.buf, &err) == -1);
	CHECK(err.kind == DBM_EUSAGE);
	CHECK_STR(err.msg, want.buf);

	dbm_err_clear(&err);
	dbm_buf_reset(&p);
	dbm_buf_addf(&p, "%s/notes.txt", tmpdir);
	dbm_buf_reset(&want);
	dbm_buf_addf(
	    &want, "cannot read config directory '%s': Not a directory", p.buf);
	CHECK(dbm_config_load_dir(&cfg, p.buf, &err) == -1);
	CHECK_STR(err.msg, want.buf);

	/* An empty dir (no *.conf) is fine. */
	remove_file("10-x.conf");
	remove_file("02-y.conf");
	remove_file(".hidden.conf");
	before = cfg.len;
	CHECK(dbm_config_load_dir(&cfg, tmpdir, &err) == 0);
	CHECK(cfg.len == before);
	remove_file("notes.txt");

	dbm_buf_release(&want);
	dbm_buf_release(&p);
	dbm_config_release(&cfg);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	test_get();
	test_entries();
	test_errors();
	test_failed_load_adds_nothing();
	test_bool();
	test_seconds();
	test_files();
	test_dir();
	if (rmdir(tmpdir) != 0)
		perror(tmpdir);
	return t_done();
}
