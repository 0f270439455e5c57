/* heads [--verbose]: the revisions nothing builds on yet. */
#include <stdio.h>

#include "cli.h"

int cmd_heads(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	bool verbose = false;
	const struct dbm_option opts[] = {
	    {DBM_OPT_BOOL, 'v', "verbose", &verbose, NULL,
	     "show each revision in full"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "heads [--verbose]", &args,
			  err) < 0)
		goto done;
	if (args.len) {
		dbm_err_set(err, DBM_EUSAGE, "heads takes no arguments");
		goto done;
	}
	if (dbm_cli_load_scripts(cli, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	for (size_t i = 0; i < map->heads.len; i++) {
		size_t h = map->heads.items[i];
		const struct dbm_revision *r = &map->revs[h];
		if (verbose) {
			dbm_cli_print_revision(map, h, false);
			continue;
		}
		fputs(r->id, stdout);
		if (r->nlabels) {
			fputs(" (", stdout);
			for (size_t j = 0; j < r->nlabels; j++)
				printf("%s%s", j ? ", " : "", r->labels[j]);
			putchar(')');
		}
		puts(" (head)");
	}
	rc = 0;
done:
	dbm_strlist_release(&args);
	return rc;
}
