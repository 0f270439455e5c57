/* current [--verbose]: the revision(s) the database is at. */
#include <stdio.h>

#include "cli.h"

int cmd_current(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	bool verbose = false;
	const struct dbm_option opts[] = {
	    {DBM_OPT_BOOL, 'v', "verbose", &verbose, NULL,
	     "show each revision in full"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	struct dbm_run run = DBM_RUN_INIT;
	char **rows = NULL;
	size_t n = 0;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "current [--verbose]", &args,
			  err) < 0)
		goto done;
	if (args.len) {
		dbm_err_set(err, DBM_EUSAGE, "current takes no arguments");
		goto done;
	}
	if (dbm_cli_run_init(cli, &run, false, err) < 0 ||
	    dbm_run_current(&run, &rows, &n, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	if (verbose)
		printf("Current revision(s) for %s:\n", cli->conn->display);
	for (size_t i = 0; i < n; i++) {
		long at = dbm_revmap_find(map, rows[i]);
		if (at < 0) {
			dbm_err_set(err, DBM_EUSAGE,
				    "the database is at revision '%s', which "
				    "is not in '%s'",
				    rows[i], cli->scripts.versions);
			goto done;
		}
		if (verbose)
			dbm_cli_print_revision(map, (size_t)at, false);
		else
			printf("%s%s%s%s\n", rows[i],
			       map->revs[at].is_head ? " (head)" : "",
			       map->revs[at].is_branch_point ? " (branchpoint)"
							     : "",
			       map->revs[at].is_merge_point ? " (mergepoint)"
							    : "");
	}
	rc = 0;
done:
	dbm_run_free_rows(rows);
	dbm_strlist_release(&args);
	return rc;
}
