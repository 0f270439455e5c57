/* show REV, and the revision formats the other listing commands share. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void print_down(const struct dbm_revision *r)
{
	if (r->ndown == 0) {
		fputs("<base>", stdout);
		return;
	}
	for (size_t i = 0; i < r->ndown; i++)
		printf("%s%s", i ? ", " : "", r->down[i]);
}

static void print_list(char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", items[i]);
}

/* Alembic's log_entry: the verbose form of a revision. */
void dbm_cli_print_revision(const struct dbm_revmap *map, size_t rev,
			    bool current)
{
	const struct dbm_revision *r = &map->revs[rev];
	printf("Rev: %s%s%s%s%s\n", r->id, r->is_head ? " (head)" : "",
	       r->is_branch_point ? " (branchpoint)" : "",
	       r->is_merge_point ? " (mergepoint)" : "",
	       current ? " (current)" : "");
	fputs(r->is_merge_point ? "Merges: " : "Parent: ", stdout);
	print_down(r);
	putchar('\n');
	if (r->ndepends) {
		fputs("Also depends on: ", stdout);
		print_list(r->depends, r->ndepends);
		putchar('\n');
	}
	if (r->is_branch_point) {
		fputs("Branches into: ", stdout);
		for (size_t i = 0; i < r->nchildren; i++)
			printf("%s%s", i ? ", " : "",
			       map->revs[r->children[i]].id);
		putchar('\n');
	}
	if (r->nlabels) {
		fputs("Branch names: ", stdout);
		print_list(r->labels, r->nlabels);
		putchar('\n');
	}
	printf("Path: %s\n\n", r->path);
	/* The docstring Alembic's template writes, rebuilt from the fields. */
	const char *msg = r->message ? r->message : "";
	for (const char *line = msg; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		printf("    %.*s\n", (int)n, line);
		line += n + (nl != NULL);
	}
	printf("    \n    Revision ID: %s\n    Revises: ", r->id);
	print_list(r->down, r->ndown);
	printf("\n    Create Date: %s\n\n",
	       r->create_date ? r->create_date : "");
}

/* Alembic's history line: "down -> rev (labels) (head)..., message". */
void dbm_cli_print_revision_line(const struct dbm_revmap *map, size_t rev)
{
	const struct dbm_revision *r = &map->revs[rev];
	print_down(r);
	if (r->ndepends) {
		fputs(" (", stdout);
		print_list(r->depends, r->ndepends);
		putchar(')');
	}
	printf(" -> %s", r->id);
	if (r->nlabels) {
		fputs(" (", stdout);
		print_list(r->labels, r->nlabels);
		putchar(')');
	}
	printf("%s%s%s, %s\n", r->is_head ? " (head)" : "",
	       r->is_branch_point ? " (branchpoint)" : "",
	       r->is_merge_point ? " (mergepoint)" : "",
	       r->message ? r->message : "");
	(void)map;
}

int cmd_show(struct dbm_cli *cli, int argc, char **argv, struct dbm_err *err)
{
	static const struct dbm_option opts[] = {DBM_OPT_END_ENTRY};
	struct dbm_strlist args = DBM_STRLIST_INIT;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv, "show REV", &args, err) < 0)
		goto done;
	if (args.len != 1) {
		dbm_err_set(err, DBM_EUSAGE, "usage: show REV");
		goto done;
	}
	if (dbm_cli_load_scripts(cli, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	dbm_revset revs = DBM_VEC_INIT;
	dbm_revset none = DBM_VEC_INIT;
	if (dbm_revmap_resolve(map, args.items[0], &none, &revs, err) == 0) {
		for (size_t i = 0; i < revs.len; i++)
			dbm_cli_print_revision(map, revs.items[i], false);
		rc = 0;
	}
	dbm_vec_release(&revs);
done:
	dbm_strlist_release(&args);
	return rc;
}
