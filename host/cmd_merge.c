/* merge -m MSG REV...: a revision whose parents are the given heads. */
#include "cli.h"

int cmd_merge(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	const char *message = NULL, *label = NULL;
	const struct dbm_option opts[] = {
	    {DBM_OPT_STRING, 'm', "message", &message, "MSG",
	     "what the merge is for"},
	    {DBM_OPT_STRING, 0, "branch-label", &label, "LABEL",
	     "a branch label for the merge revision"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT, deps = DBM_STRLIST_INIT;
	dbm_revset down = DBM_VEC_INIT, one = DBM_VEC_INIT, none = DBM_VEC_INIT;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "merge -m MSG REV...", &args,
			  err) < 0)
		goto done;
	if (!message || args.len == 0) {
		dbm_err_set(err, DBM_EUSAGE, "usage: merge -m MSG REV...");
		goto done;
	}
	if (dbm_cli_load_scripts(cli, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	for (int i = 0; i < args.len; i++) {
		if (dbm_revmap_resolve(map, args.items[i], &none, &one, err) <
		    0)
			goto done;
		for (size_t j = 0; j < one.len; j++) {
			bool dup = false;
			for (size_t k = 0; k < down.len; k++)
				dup |= down.items[k] == one.items[j];
			if (!dup)
				dbm_vec_push(&down, one.items[j]);
		}
	}
	if (down.len < 2) {
		dbm_err_set(err, DBM_EUSAGE,
			    "merge needs at least two distinct revisions");
		goto done;
	}
	rc = dbm_cli_write_revision(cli, message, &down, label, &deps, err);
done:
	dbm_vec_release(&one);
	dbm_vec_release(&down);
	dbm_strlist_release(&deps);
	dbm_strlist_release(&args);
	return rc;
}
