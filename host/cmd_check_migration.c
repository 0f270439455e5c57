/* check_migration: one head, and versions/HEAD names it (Tacker's check). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_check_migration(struct dbm_cli *cli, int argc, char **argv,
			struct dbm_err *err)
{
	static const struct dbm_option opts[] = {DBM_OPT_END_ENTRY};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	char *head_file = NULL;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "check_migration", &args,
			  err) < 0 ||
	    dbm_cli_load_scripts(cli, err) < 0 ||
	    dbm_scripts_check(cli->L, &cli->scripts, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	if (map->heads.len != 1) {
		struct dbm_buf ids = DBM_BUF_INIT;
		for (size_t i = 0; i < map->heads.len; i++)
			dbm_buf_addf(&ids, "%s'%s'", i ? ", " : "",
				     map->revs[map->heads.items[i]].id);
		dbm_err_set(err, DBM_EFAIL,
			    "the migration timeline has %zu heads (%s): merge "
			    "them",
			    map->heads.len, ids.buf);
		dbm_buf_release(&ids);
		goto done;
	}
	const char *head = map->revs[map->heads.items[0]].id;
	head_file = dbm_scripts_read_head_file(&cli->scripts, err);
	if (!head_file) {
		err->kind = DBM_EFAIL;
		goto done;
	}
	if (strcmp(head_file, head) != 0) {
		dbm_err_set(err, DBM_EFAIL,
			    "HEAD file does not match migration timeline "
			    "head: '%s/HEAD' names '%s', expected '%s'",
			    cli->scripts.versions, head_file, head);
		goto done;
	}
	dbm_logf(&cli->log, DBM_LOG_INFO, DBM_LOGGER_SCRIPT,
		 "HEAD file matches the migration timeline head '%s'", head);
	rc = 0;
done:
	free(head_file);
	dbm_strlist_release(&args);
	return rc;
}
