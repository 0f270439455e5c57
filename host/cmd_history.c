/* history [-r A:B] [--verbose]: the graph, newest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mem.h"

/* Resolve one end of a range; "" means open. */
static int resolve_end(const struct dbm_revmap *map, const char *spec,
		       dbm_revset *out, bool *open, struct dbm_err *err)
{
	dbm_revset none = DBM_VEC_INIT;
	*open = *spec == '\0';
	if (*open)
		return 0;
	return dbm_revmap_resolve(map, spec, &none, out, err);
}

int cmd_history(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	bool verbose = false;
	const char *range = NULL;
	const struct dbm_option opts[] = {
	    {DBM_OPT_STRING, 'r', "rev-range", &range, "A:B",
	     "only revisions from A to B (either may be left out)"},
	    {DBM_OPT_BOOL, 'v', "verbose", &verbose, NULL,
	     "show each revision in full"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	dbm_revset lower = DBM_VEC_INIT, upper = DBM_VEC_INIT,
		   revs = DBM_VEC_INIT;
	char *lo = NULL;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "history [-r A:B] [--verbose]",
			  &args, err) < 0)
		goto done;
	if (args.len) {
		dbm_err_set(err, DBM_EUSAGE, "history takes no arguments");
		goto done;
	}
	if (dbm_cli_load_scripts(cli, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	bool lower_open = true, upper_open = true;
	if (range) {
		const char *colon = strchr(range, ':');
		if (!colon) {
			dbm_err_set(err, DBM_EUSAGE,
				    "history range '%s' must be 'start:end'",
				    range);
			goto done;
		}
		lo = dbm_xstrndup(range, (size_t)(colon - range));
		if (resolve_end(map, lo, &lower, &lower_open, err) < 0 ||
		    resolve_end(map, colon + 1, &upper, &upper_open, err) < 0)
			goto done;
	}
	dbm_revmap_range(map, lower_open ? NULL : &lower,
			 upper_open ? NULL : &upper, &revs);
	for (size_t i = 0; i < revs.len; i++) {
		if (verbose)
			dbm_cli_print_revision(map, revs.items[i], false);
		else
			dbm_cli_print_revision_line(map, revs.items[i]);
	}
	rc = 0;
done:
	free(lo);
	dbm_vec_release(&revs);
	dbm_vec_release(&upper);
	dbm_vec_release(&lower);
	dbm_strlist_release(&args);
	return rc;
}
