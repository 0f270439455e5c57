/*
 * The command-line front end: global options, configuration, and what
 * every command needs set up (scripts, connection, log). One cmd_<verb>.c
 * per command; only the front end prints.
 */
#ifndef DBM_CLI_H
#define DBM_CLI_H

#include <stdbool.h>

#include <lua.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "ddl.h"
#include "err.h"
#include "log.h"
#include "options.h"
#include "runner.h"
#include "script.h"
#include "url.h"

struct dbm_cli {
	/* Global options. */
	struct dbm_strlist config_files;
	const char *config_dir;
	const char *database_connection;
	const char *database_engine;
	const char *script_location;
	const char *lock_timeout;
	int verbose, quiet;

	/* Resolved settings. */
	struct dbm_config config;
	const char *url_text; /* borrowed from options, env or config */
	struct dbm_url url;
	bool have_url;
	const char *engine; /* dialect name for --sql without a URL */
	const char *version_table;
	bool transaction_per_migration;
	double lock_seconds;

	/* Set up on demand. */
	lua_State *L;
	struct dbm_scripts scripts;
	bool scripts_loaded;
	struct dbm_conn *conn;
	struct dbm_log log;
	/* Log lines held back (offline runs), written in blocks. */
	struct dbm_buf log_held;
	bool hold_log;
};

/* Load the revision graph (once). */
int dbm_cli_load_scripts(struct dbm_cli *cli, struct dbm_err *err);
/* Connect to the configured database (once). */
int dbm_cli_connect(struct dbm_cli *cli, struct dbm_err *err);
/*
 * Prepare a run: online (connects) or, with sql, offline to stdout for
 * the URL's dialect or the configured engine.
 */
int dbm_cli_run_init(struct dbm_cli *cli, struct dbm_run *run, bool sql,
		     struct dbm_err *err);
/* Parse a command's own options; --help prints usage and exits 0. */
int dbm_cli_parse(struct dbm_cli *cli, const struct dbm_option *opts, int argc,
		  char **argv, const char *usage,
		  struct dbm_strlist *positional, struct dbm_err *err);
/* Scrub the password from text that may quote it. */
void dbm_cli_scrub(const struct dbm_cli *cli, struct dbm_buf *out,
		   const char *text);

/* The commands: argv[0] is the command name. */
int cmd_current(struct dbm_cli *cli, int argc, char **argv,
		struct dbm_err *err);
int cmd_history(struct dbm_cli *cli, int argc, char **argv,
		struct dbm_err *err);
int cmd_heads(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err);
int cmd_branches(struct dbm_cli *cli, int argc, char **argv,
		 struct dbm_err *err);
int cmd_show(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err);
int cmd_check_migration(struct dbm_cli *cli, int argc, char **argv,
			struct dbm_err *err);
int cmd_upgrade(struct dbm_cli *cli, int argc, char **argv,
		struct dbm_err *err);
int cmd_downgrade(struct dbm_cli *cli, int argc, char **argv,
		  struct dbm_err *err);
int cmd_stamp(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err);
int cmd_revision(struct dbm_cli *cli, int argc, char **argv,
		 struct dbm_err *err);
int cmd_merge(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err);
int cmd_purge_deleted(struct dbm_cli *cli, int argc, char **argv,
		      struct dbm_err *err);

/* upgrade and downgrade share one implementation. */
int dbm_cli_migrate(struct dbm_cli *cli, int argc, char **argv, bool up,
		    struct dbm_err *err);
/* Split "A:B" (allowed with --sql only); *start_out owned by the caller. */
int dbm_cli_split_range(const char *spec, bool sql, char **start_out,
			const char **target_out, struct dbm_err *err);
/*
 * Write a new revision file from the script directory's template and
 * update versions/HEAD; prints "Generating PATH ...  done".
 */
int dbm_cli_write_revision(struct dbm_cli *cli, const char *message,
			   const dbm_revset *down, const char *label,
			   const struct dbm_strlist *depends,
			   struct dbm_err *err);

/* Entry point for main(). Returns the exit code. */
int dbm_cli_main(int argc, char **argv);

/* Printing a revision, shared by current/history/heads/show. */
void dbm_cli_print_revision(const struct dbm_revmap *map, size_t rev,
			    bool current);
void dbm_cli_print_revision_line(const struct dbm_revmap *map, size_t rev);

#endif
