#include "cli.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "buf.h"
#include "fs.h"
#include "luahost.h"
#include "mem.h"

#ifndef DBM_VERSION
#define DBM_VERSION "0.0.0"
#endif
#ifndef DBM_SCRIPT_LOCATION
#define DBM_SCRIPT_LOCATION "alembic_migrations"
#endif

#define DEFAULT_URL "sqlite:///tacker.sqlite"

struct command {
	const char *name;
	int (*fn)(struct dbm_cli *cli, int argc, char **argv,
		  struct dbm_err *err);
	const char *summary;
};

static const struct command commands[] = {
    {"current", cmd_current, "the revision(s) the database is at"},
    {"history", cmd_history, "the revision graph, newest first"},
    {"heads", cmd_heads, "the head revisions"},
    {"branches", cmd_branches, "the branch points"},
    {"show", cmd_show, "one revision in full"},
    {"check_migration", cmd_check_migration,
     "fail unless there is one head and versions/HEAD names it"},
    {"upgrade", cmd_upgrade, "run revisions up to a target"},
    {"downgrade", cmd_downgrade, "undo revisions down to a target"},
    {"stamp", cmd_stamp, "set the version table without running anything"},
    {"revision", cmd_revision, "write a new revision file"},
    {"merge", cmd_merge, "write a revision merging several heads"},
    {"purge_deleted", cmd_purge_deleted, "purge old soft-deleted rows"},
};

/* oslo.config's default files for project "tacker", the first found. */
static const char *const default_config_files[] = {
    "~/.tacker/tacker.conf",
    "~/tacker.conf",
    "/etc/tacker/tacker.conf",
    "/etc/tacker.conf",
};

/* ---- output ---- */

void dbm_cli_scrub(const struct dbm_cli *cli, struct dbm_buf *out,
		   const char *text)
{
	struct dbm_buf masked = DBM_BUF_INIT;
	dbm_url_mask_text(&masked, text);
	const char *pw = cli && cli->have_url ? cli->url.password : NULL;
	size_t n = pw ? strlen(pw) : 0;
	/* A server may quote the password back: never let it through. */
	for (const char *p = masked.buf; *p;) {
		if (n >= 3 && strncmp(p, pw, n) == 0) {
			dbm_buf_adds(out, "***");
			p += n;
		} else {
			dbm_buf_addch(out, *p++);
		}
	}
	dbm_buf_release(&masked);
}

static const char *level_name(enum dbm_log_level level)
{
	switch (level) {
	case DBM_LOG_DEBUG:
		return "DEBUG";
	case DBM_LOG_INFO:
		return "INFO";
	case DBM_LOG_WARNING:
		return "WARNI";
	case DBM_LOG_ERROR:
		return "ERROR";
	}
	return "?";
}

/*
 * Offline nothing waits on a server, so a line per revision written one by
 * one would be a system call per revision: such runs hold their log lines
 * and write them in blocks of this size (and before any error).
 */
#define LOG_BLOCK 16384

static void flush_log(struct dbm_cli *cli)
{
	fwrite(cli->log_held.buf, 1, cli->log_held.len, stderr);
	dbm_buf_reset(&cli->log_held);
}

/* Alembic's format: "%(levelname)-5.5s [%(name)s] %(message)s". */
static void log_line(void *payload, enum dbm_log_level level,
		     const char *logger, const char *msg)
{
	struct dbm_cli *cli = payload;
	if (cli->quiet && level < DBM_LOG_WARNING)
		return;
	if (!cli->verbose && level < DBM_LOG_INFO)
		return;
	struct dbm_buf text = DBM_BUF_INIT;
	dbm_cli_scrub(cli, &text, msg);
	if (cli->hold_log) {
		dbm_buf_addf(&cli->log_held, "%-5.5s [%s] %s\n",
			     level_name(level), logger, text.buf);
		if (cli->log_held.len >= LOG_BLOCK)
			flush_log(cli);
	} else {
		fprintf(stderr, "%-5.5s [%s] %s\n", level_name(level), logger,
			text.buf);
	}
	dbm_buf_release(&text);
}

static void write_stdout(void *payload, const char *text)
{
	(void)payload;
	fputs(text, stdout);
}

/* ---- configuration ---- */

static char *expand_home(const char *path)
{
	if (path[0] != '~')
		return dbm_xstrdup(path);
	const char *home = getenv("HOME");
	struct dbm_buf b = DBM_BUF_INIT;
	dbm_buf_addf(&b, "%s%s", home ? home : "", path + 1);
	return dbm_buf_detach(&b);
}

static int load_config(struct dbm_cli *cli, struct dbm_err *err)
{
	for (int i = 0; i < cli->config_files.len; i++)
		if (dbm_config_load_file(&cli->config,
					 cli->config_files.items[i], err) < 0)
			return -1;
	if (cli->config_dir &&
	    dbm_config_load_dir(&cli->config, cli->config_dir, err) < 0)
		return -1;
	if (cli->config_files.len || cli->config_dir)
		return 0;
	size_t n = sizeof(default_config_files) / sizeof(*default_config_files);
	for (size_t i = 0; i < n; i++) {
		char *path = expand_home(default_config_files[i]);
		int rc = 0;
		bool found = dbm_fs_exists(path);
		if (found)
			rc = dbm_config_load_file(&cli->config, path, err);
		free(path);
		if (found)
			return rc;
	}
	return 0;
}

/* "tacker.db.migration:alembic_migrations" names the shipped chain. */
static const char *script_location(const struct dbm_cli *cli)
{
	const char *loc = cli->script_location;
	if (!loc)
		loc =
		    dbm_config_get(&cli->config, "alembic", "script_location");
	if (!loc || strchr(loc, ':'))
		loc = DBM_SCRIPT_LOCATION;
	return loc;
}

static int resolve_settings(struct dbm_cli *cli, struct dbm_err *err)
{
	const char *env = getenv("OS_DATABASE__CONNECTION");
	if (cli->database_connection)
		cli->url_text = cli->database_connection;
	else if (env && *env)
		cli->url_text = env;
	else
		cli->url_text =
		    dbm_config_get(&cli->config, "database", "connection");
	if (cli->url_text && !*cli->url_text)
		cli->url_text = NULL;
	cli->engine = cli->database_engine
			  ? cli->database_engine
			  : dbm_config_get(&cli->config, "database", "engine");
	if (cli->url_text) {
		if (dbm_url_parse(&cli->url, cli->url_text, err) < 0)
			return -1;
		cli->have_url = true;
	}
	cli->version_table =
	    dbm_config_get(&cli->config, "alembic", "version_table");
	if (!cli->version_table)
		cli->version_table = "alembic_version";
	if (!dbm_scripts_valid_id(cli->version_table))
		return dbm_err_set(err, DBM_EUSAGE,
				   "invalid [alembic] version_table '%s'",
				   cli->version_table);
	cli->transaction_per_migration = true;
	if (dbm_config_get_bool(&cli->config, "alembic",
				"transaction_per_migration",
				&cli->transaction_per_migration, err) < 0)
		return -1;
	cli->lock_seconds = 60.0;
	if (dbm_config_get_seconds(&cli->config, "database", "lock_timeout",
				   &cli->lock_seconds, err) < 0)
		return -1;
	if (cli->lock_timeout) {
		char *end;
		double s = strtod(cli->lock_timeout, &end);
		if (*end || s < 0 || end == cli->lock_timeout)
			return dbm_err_set(err, DBM_EUSAGE,
					   "--lock-timeout takes a number of "
					   "seconds, not '%s'",
					   cli->lock_timeout);
		cli->lock_seconds = s;
	}
	return 0;
}

/* ---- what commands need ---- */

int dbm_cli_load_scripts(struct dbm_cli *cli, struct dbm_err *err)
{
	if (cli->scripts_loaded)
		return 0;
	if (!cli->L) {
		cli->L = dbm_lua_newstate();
		if (!cli->L)
			return dbm_err_set(err, DBM_EFAIL,
					   "cannot create a Lua state");
	}
	if (dbm_scripts_load(&cli->scripts, cli->L, script_location(cli), err) <
	    0)
		return -1;
	cli->scripts_loaded = true;
	return 0;
}

int dbm_cli_connect(struct dbm_cli *cli, struct dbm_err *err)
{
	if (cli->conn)
		return 0;
	if (!cli->have_url) {
		if (dbm_url_parse(&cli->url, DEFAULT_URL, err) < 0)
			DBM_BUG("the default URL does not parse");
		cli->have_url = true;
		dbm_logf(&cli->log, DBM_LOG_INFO, "tacker_db_manage",
			 "no database connection configured: using the "
			 "embedded default %s",
			 DEFAULT_URL);
	}
	return dbm_db_connect(&cli->conn, &cli->url, err);
}

struct connect_job {
	struct dbm_cli *cli;
	struct dbm_err err;
	int rc;
};

static void *connect_in_background(void *arg)
{
	struct connect_job *job = arg;
	job->rc = dbm_cli_connect(job->cli, &job->err);
	return NULL;
}

/*
 * Load the scripts and, for an online run on a server, connect meanwhile:
 * the connection (a process forked by the server, a password exchange)
 * takes as long as reading thousands of revision files, and neither waits
 * for the other. Errors keep their order: the scripts' first. SQLite opens
 * a file, at once, and only once the scripts have loaded.
 */
static int load_and_connect(struct dbm_cli *cli, bool sql, struct dbm_err *err)
{
	struct connect_job job = {cli, DBM_ERR_INIT, 0};
	pthread_t thread;
	bool server = !sql && cli->have_url && !cli->conn &&
		      strcmp(cli->url.dialect, "sqlite") != 0;
	bool started =
	    server &&
	    pthread_create(&thread, NULL, connect_in_background, &job) == 0;
	int rc = dbm_cli_load_scripts(cli, err);
	if (started) {
		pthread_join(thread, NULL);
		if (rc == 0 && job.rc < 0) {
			*err = job.err;
			rc = -1;
		}
	}
	if (rc == 0 && !sql)
		rc = dbm_cli_connect(cli, err);
	return rc;
}

int dbm_cli_run_init(struct dbm_cli *cli, struct dbm_run *run, bool sql,
		     struct dbm_err *err)
{
	if (load_and_connect(cli, sql, err) < 0)
		return -1;
	const char *dialect_name;
	if (sql) {
		dialect_name = cli->have_url ? cli->url.dialect
			       : cli->engine ? cli->engine
					     : "sqlite";
	} else {
		dialect_name = cli->url.dialect;
	}
	const struct dbm_dialect *d = dbm_dialect_find(dialect_name);
	if (!d)
		return dbm_err_set(err, DBM_EUSAGE,
				   "unknown database engine '%s'",
				   dialect_name);
	run->L = cli->L;
	run->scripts = &cli->scripts;
	run->dialect = d;
	run->conn = sql ? NULL : cli->conn;
	cli->hold_log = sql;
	run->write = write_stdout;
	run->write_payload = NULL;
	run->version_table = cli->version_table;
	run->transaction_per_migration = cli->transaction_per_migration;
	run->lock_timeout = cli->lock_seconds;
	run->verbose = cli->verbose > 0;
	run->log = &cli->log;
	return 0;
}

int dbm_cli_parse(struct dbm_cli *cli, const struct dbm_option *opts, int argc,
		  char **argv, const char *usage,
		  struct dbm_strlist *positional, struct dbm_err *err)
{
	(void)cli;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: tacker-db-manage [global options] %s\n",
			       usage);
			if (opts[0].type != DBM_OPT_END) {
				puts("\noptions:");
				dbm_options_help(opts, stdout);
			}
			exit(0);
		}
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	return dbm_parse_options(opts, argc - 1, argv + 1, false, positional,
				 err);
}

/* ---- main ---- */

static void usage(FILE *f, const struct dbm_option *globals)
{
	fputs("usage: tacker-db-manage [global options] COMMAND [ARGS]\n\n"
	      "global options:\n",
	      f);
	dbm_options_help(globals, f);
	fputs("\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(f, "  %-28s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\n'tacker-db-manage COMMAND --help' shows a command's options\n",
	      f);
}

static void cli_release(struct dbm_cli *cli)
{
	dbm_db_close(cli->conn);
	dbm_scripts_release(&cli->scripts);
	if (cli->L)
		lua_close(cli->L);
	dbm_url_release(&cli->url);
	dbm_config_release(&cli->config);
	dbm_strlist_release(&cli->config_files);
	dbm_buf_release(&cli->log_held);
}

int dbm_cli_main(int argc, char **argv)
{
	struct dbm_cli cli;
	memset(&cli, 0, sizeof(cli));
	dbm_buf_init(&cli.log_held);
	cli.log.fn = log_line;
	cli.log.payload = &cli;
	bool help = false, version = false;
	const struct dbm_option globals[] = {
	    {DBM_OPT_LIST, 0, "config-file", &cli.config_files, "FILE",
	     "an oslo.config file (repeatable; later files win)"},
	    {DBM_OPT_STRING, 0, "config-dir", &cli.config_dir, "DIR",
	     "read DIR/*.conf in name order"},
	    {DBM_OPT_STRING, 0, "database-connection", &cli.database_connection,
	     "URL", "the database URL (overrides [database] connection)"},
	    {DBM_OPT_STRING, 0, "database-engine", &cli.database_engine,
	     "DIALECT", "the dialect for --sql when there is no URL"},
	    {DBM_OPT_STRING, 0, "script-location", &cli.script_location, "DIR",
	     "the migration script directory"},
	    {DBM_OPT_STRING, 0, "lock-timeout", &cli.lock_timeout, "SECONDS",
	     "how long to wait for another run (default 60)"},
	    {DBM_OPT_COUNT, 'v', "verbose", &cli.verbose, NULL,
	     "more log output, timings and tracebacks"},
	    {DBM_OPT_COUNT, 'q', "quiet", &cli.quiet, NULL,
	     "only warnings and errors on stderr"},
	    {DBM_OPT_BOOL, 'h', "help", &help, NULL, "show this help"},
	    {DBM_OPT_BOOL, 0, "version", &version, NULL, "show the version"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_strlist pos = DBM_STRLIST_INIT;
	int code = 0;

	/* Global options come before the command, as with oslo's parser. */
	int cmd_at = 1;
	while (cmd_at < argc && argv[cmd_at][0] == '-' &&
	       strcmp(argv[cmd_at], "--") != 0) {
		const char *a = argv[cmd_at];
		bool takes = false;
		for (const struct dbm_option *o = globals; o->type; o++)
			if (o->long_name && strncmp(a, "--", 2) == 0 &&
			    strcmp(a + 2, o->long_name) == 0)
				takes = o->type == DBM_OPT_STRING ||
					o->type == DBM_OPT_LIST;
		cmd_at += takes ? 2 : 1;
	}
	if (cmd_at > argc)
		cmd_at = argc;
	if (dbm_parse_options(globals, cmd_at - 1, argv + 1, false, &pos,
			      &err) < 0)
		goto done;
	if (help || version) {
		if (version)
			printf("tacker-db-manage %s\n", DBM_VERSION);
		else
			usage(stdout, globals);
		goto done;
	}
	if (cmd_at >= argc) {
		usage(stderr, globals);
		code = DBM_EUSAGE;
		goto done;
	}
	const struct command *cmd = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(commands[i].name, argv[cmd_at]) == 0)
			cmd = &commands[i];
	if (!cmd) {
		dbm_err_set(&err, DBM_EUSAGE,
			    "unknown command '%s' (see --help)", argv[cmd_at]);
		goto done;
	}
	if (load_config(&cli, &err) < 0 || resolve_settings(&cli, &err) < 0)
		goto done;
	if (cmd->fn(&cli, argc - cmd_at, argv + cmd_at, &err) < 0 &&
	    err.kind == DBM_OK)
		dbm_err_set(&err, DBM_EFAIL, "'%s' failed", cmd->name);
done:
	flush_log(&cli);
	if (err.kind != DBM_OK) {
		struct dbm_buf text = DBM_BUF_INIT;
		dbm_cli_scrub(&cli, &text, err.msg);
		fflush(stdout);
		fprintf(stderr, "ERROR [tacker_db_manage] %s\n", text.buf);
		dbm_buf_release(&text);
		code = err.kind;
	}
	dbm_strlist_release(&pos);
	cli_release(&cli);
	if (fflush(stdout) != 0 && code == 0)
		code = DBM_EFAIL;
	return code;
}
