/*
 * purge_deleted {all,events,vnf,vnfd,vims} [-a AGE] [-g GRANULARITY]:
 * Tacker's purge of soft-deleted rows older than AGE (default 90 days),
 * with their associated rows, in one transaction; one count per table on
 * stdout.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "purge.h"

#define LOGGER "tacker_db_manage.purge"
#define USAGE                                                                  \
	"purge_deleted {all,events,vnf,vnfd,vims} [-a AGE] [-g "               \
	"{days,hours,minutes,seconds}]"

int cmd_purge_deleted(struct dbm_cli *cli, int argc, char **argv,
		      struct dbm_err *err)
{
	const char *age = "90", *granularity = "days";
	const struct dbm_option opts[] = {
	    {DBM_OPT_STRING, 'a', "age", &age, "AGE",
	     "how long to keep deleted rows (default 90)"},
	    {DBM_OPT_STRING, 'g', "granularity", &granularity, "UNIT",
	     "the unit of AGE: days, hours, minutes or seconds (default "
	     "days)"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	struct dbm_ddl ddl = DBM_DDL_INIT;
	struct dbm_purge_report report = DBM_PURGE_REPORT_INIT;
	char cutoff[DBM_PURGE_TS_SIZE];
	int64_t seconds = 0;
	int rc = -1;

	if (dbm_cli_parse(cli, opts, argc, argv, USAGE, &args, err) < 0)
		goto done;
	if (args.len == 0) {
		dbm_err_set(err, DBM_EUSAGE,
			    "the following arguments are required: resource "
			    "(usage: " USAGE ")");
		goto done;
	}
	if (!dbm_purge_resource_valid(args.items[0])) {
		dbm_err_set(err, DBM_EUSAGE,
			    "argument resource: invalid choice: '%s' (choose "
			    "from 'all', 'events', 'vnf', 'vnfd', 'vims')",
			    args.items[0]);
		goto done;
	}
	if (args.len > 1) {
		dbm_err_set(err, DBM_EUSAGE, "unrecognized arguments: '%s'",
			    args.items[1]);
		goto done;
	}
	if (dbm_purge_age_seconds(&seconds, age, granularity, err) < 0)
		goto done;

	if (dbm_cli_connect(cli, err) < 0)
		goto done;
	ddl.dialect = dbm_dialect_find(cli->url.dialect);
	if (!ddl.dialect) {
		dbm_err_set(err, DBM_EUSAGE, "unknown database engine '%s'",
			    cli->url.dialect);
		goto done;
	}
	ddl.conn = cli->conn;
	ddl.lock_timeout = cli->lock_seconds;

	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	dbm_purge_cutoff(cutoff, &now, seconds);
	dbm_logf(&cli->log, DBM_LOG_INFO, LOGGER,
		 "purging '%s': rows deleted at or before %s UTC",
		 args.items[0], cutoff);
	if (dbm_purge_deleted(&report, &ddl, args.items[0], cutoff, err) < 0)
		goto done;

	for (size_t i = 0; i < report.held.len; i++) {
		const struct dbm_purge_held *h = &report.held.items[i];
		dbm_logf(&cli->log, DBM_LOG_WARNING, LOGGER,
			 "kept %" PRId64 " row%s of table '%s' deleted at or "
			 "before the cutoff: rows of table '%s' still refer "
			 "to them",
			 h->rows, h->rows == 1 ? "" : "s", h->table,
			 h->referrer);
	}
	for (size_t i = 0; i < report.deleted.len; i++) {
		const struct dbm_purge_count *c = &report.deleted.items[i];
		printf("Deleted %" PRId64 " row%s from table '%s'\n", c->rows,
		       c->rows == 1 ? "" : "s", c->table);
	}
	rc = 0;
done:
	dbm_purge_report_release(&report);
	dbm_ddl_release(&ddl);
	dbm_strlist_release(&args);
	return rc;
}
