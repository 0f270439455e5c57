/* branches [--verbose]: each branch point and where it leads. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Alembic's short form: "id (labels) (head) (branchpoint) (mergepoint)". */
static void print_short(const struct dbm_revision *r)
{
	fputs(r->id, stdout);
	if (r->nlabels) {
		fputs(" (", stdout);
		for (size_t j = 0; j < r->nlabels; j++)
			printf("%s%s", j ? ", " : "", r->labels[j]);
		putchar(')');
	}
	printf("%s%s%s", r->is_head ? " (head)" : "",
	       r->is_branch_point ? " (branchpoint)" : "",
	       r->is_merge_point ? " (mergepoint)" : "");
}

int cmd_branches(struct dbm_cli *cli, int argc, char **argv,
		 struct dbm_err *err)
{
	bool verbose = false;
	const struct dbm_option opts[] = {
	    {DBM_OPT_BOOL, 'v', "verbose", &verbose, NULL,
	     "show each revision in full"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "branches [--verbose]", &args,
			  err) < 0)
		goto done;
	if (dbm_cli_load_scripts(cli, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	dbm_revset all = DBM_VEC_INIT;
	dbm_revmap_range(map, NULL, NULL, &all);
	for (size_t i = 0; i < all.len; i++) {
		const struct dbm_revision *r = &map->revs[all.items[i]];
		if (!r->is_branch_point)
			continue;
		if (verbose) {
			dbm_cli_print_revision(map, all.items[i], false);
		} else {
			print_short(r);
			putchar('\n');
		}
		for (size_t c = 0; c < r->nchildren; c++) {
			const struct dbm_revision *k =
			    &map->revs[r->children[c]];
			printf("%*s -> ", (int)strlen(r->id), "");
			print_short(k);
			if (verbose)
				printf(", %s", k->message ? k->message : "");
			putchar('\n');
		}
		putchar('\n');
	}
	dbm_vec_release(&all);
	rc = 0;
done:
	dbm_strlist_release(&args);
	return rc;
}
