/* stamp REV [--sql] [--purge]: set the version table, run nothing. */
#include <stdlib.h>

#include "cli.h"

int cmd_stamp(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	bool sql = false, purge = false;
	const struct dbm_option opts[] = {
	    {DBM_OPT_BOOL, 0, "sql", &sql, NULL,
	     "write the SQL to stdout instead of running it"},
	    {DBM_OPT_BOOL, 0, "purge", &purge, NULL,
	     "delete every row of the version table first"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	struct dbm_run run = DBM_RUN_INIT;
	char *start = NULL;
	const char *to = NULL;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "stamp [--sql] [--purge] REV",
			  &args, err) < 0)
		goto done;
	if (sql && purge) {
		dbm_err_set(err, DBM_EUSAGE,
			    "--purge cannot be used with --sql");
		goto done;
	}
	if (args.len != 1) {
		dbm_err_set(err, DBM_EUSAGE,
			    "usage: stamp [--sql] [--purge] REV");
		goto done;
	}
	if (dbm_cli_split_range(args.items[0], sql, &start, &to, err) < 0 ||
	    dbm_cli_run_init(cli, &run, sql, err) < 0)
		goto done;
	rc = dbm_run_stamp(&run, start, to, purge, err);
done:
	free(start);
	dbm_strlist_release(&args);
	return rc;
}
