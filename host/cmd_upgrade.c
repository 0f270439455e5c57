/* upgrade REV | --delta N [--sql] [--single-transaction] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mem.h"

/*
 * Split "A:B" (only with --sql) into start and target. *start_out is
 * owned by the caller (NULL when there is no start).
 */
int dbm_cli_split_range(const char *spec, bool sql, char **start_out,
			const char **target_out, struct dbm_err *err)
{
	*start_out = NULL;
	*target_out = spec;
	const char *colon = strchr(spec, ':');
	if (!colon)
		return 0;
	if (!sql)
		return dbm_err_set(err, DBM_EUSAGE,
				   "range '%s' is only allowed with --sql",
				   spec);
	*start_out = dbm_xstrndup(spec, (size_t)(colon - spec));
	*target_out = colon + 1;
	return 0;
}

/* Shared by upgrade and downgrade: they differ in direction only. */
int dbm_cli_migrate(struct dbm_cli *cli, int argc, char **argv, bool up,
		    struct dbm_err *err)
{
	bool sql = false, single = false;
	const char *delta = NULL;
	/* downgrade takes the same options but --delta (the last one) */
	struct dbm_option opts[] = {
	    {DBM_OPT_BOOL, 0, "sql", &sql, NULL,
	     "write the SQL to stdout instead of running it"},
	    {DBM_OPT_BOOL, 0, "single-transaction", &single, NULL,
	     "one transaction for the whole run"},
	    {DBM_OPT_STRING, 0, "delta", &delta, "N",
	     "upgrade N revisions from the current one"},
	    DBM_OPT_END_ENTRY,
	};
	if (!up)
		opts[2] = opts[3];
	const char *usage =
	    up ? "upgrade [--sql] [--single-transaction] (REV | --delta N)"
	       : "downgrade [--sql] [--single-transaction] (REV | -N)";
	struct dbm_strlist args = DBM_STRLIST_INIT;
	struct dbm_run run = DBM_RUN_INIT;
	struct dbm_buf target = DBM_BUF_INIT;
	char *start = NULL;
	const char *to = NULL;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, usage, &args, err) < 0)
		goto done;
	if (delta) {
		char *end;
		long n = strtol(delta, &end, 10);
		if (!up || *end || n <= 0 || args.len) {
			dbm_err_set(err, DBM_EUSAGE,
				    "--delta takes a positive number and no "
				    "revision: usage: %s",
				    usage);
			goto done;
		}
		dbm_buf_addf(&target, "+%ld", n);
	} else if (args.len == 1) {
		dbm_buf_adds(&target, args.items[0]);
	} else {
		dbm_err_set(err, DBM_EUSAGE,
			    "you must provide a revision or relative delta: "
			    "usage: %s",
			    usage);
		goto done;
	}
	if (dbm_cli_split_range(target.buf, sql, &start, &to, err) < 0 ||
	    dbm_cli_run_init(cli, &run, sql, err) < 0)
		goto done;
	if (single)
		run.transaction_per_migration = false;
	rc = up ? dbm_run_upgrade(&run, start, to, err)
		: dbm_run_downgrade(&run, start, to, err);
done:
	free(start);
	dbm_buf_release(&target);
	dbm_strlist_release(&args);
	return rc;
}

int cmd_upgrade(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	return dbm_cli_migrate(cli, argc, argv, true, err);
}
