/*
 * The revision map: pure graph logic over revisions, with no I/O.
 *
 * Revisions are referred to by their index in the map (size_t). A revision's
 * parents are its down_revisions; depends_on adds edges that order and
 * imply (a dependency runs first and counts as an ancestor) but does not
 * make children, heads or branch points. In the version table a row
 * implies its dependencies as it implies its parents, as Alembic: upgrading
 * a revision absorbs a dependency's row, downgrading it brings that row
 * back unless another row still implies it.
 */
#ifndef DBM_REVMAP_H
#define DBM_REVMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "vec.h"

/* What a script file declares. All strings are owned by the revision. */
struct dbm_revision {
	char *id;
	char **down; /* down_revision ids (0 for a base, 2+ for a merge) */
	size_t ndown;
	char **labels; /* branch_labels */
	size_t nlabels;
	char **depends; /* depends_on: ids, unique prefixes or branch labels */
	size_t ndepends;
	char *message;	   /* may be NULL */
	char *create_date; /* may be NULL */
	char *path;	   /* the file it came from, for messages */
	/*
	 * When set, id, message, create_date and the three lists with their
	 * strings all live in this one allocation (the revision caches
	 * decode a header so), and only it is freed.
	 */
	char *block;

	/* Filled by dbm_revmap_build: */
	size_t *parents; /* indexes of down */
	size_t *deps;	 /* indexes of depends */
	size_t *children;
	size_t nchildren;
	bool is_head, is_base, is_branch_point, is_merge_point;
};

void dbm_revision_release(struct dbm_revision *rev);

typedef DBM_VEC(size_t) dbm_revset;

struct dbm_revmap {
	struct dbm_revision *revs;
	size_t len;
	dbm_revset heads; /* sorted by index */
	dbm_revset bases;
	/* Private: the id hash index and the topological order. */
	size_t *slots;
	size_t nslots;
	size_t *topo; /* every revision, parents (and deps) before children */
};

#define DBM_REVMAP_INIT                                                        \
	{                                                                      \
		0                                                              \
	}

/*
 * Take ownership of revs[0..n) (the array itself too, allocated with
 * malloc) and build the map: index ids, link parents and children, find
 * heads, bases, branch and merge points, and order revisions
 * topologically, ties broken by file order (index). Errors (usage class)
 * name the culprit:
 *   revision 'X' is present more than once: 'a.lua' and 'b.lua'
 *   revision 'X' referenced from 'Y' is not present
 *   cycle is detected in revisions ('a', 'b', 'c')
 *   branch name 'x' in revision 'B' already used by revision 'A'
 *   character '-' not allowed in revision identifier 'a-b'  (also @ +)
 *   revision 'Y' names down revision 'X' more than once
 * On error the revisions are released all the same.
 */
int dbm_revmap_build(struct dbm_revmap *out, struct dbm_revision *revs,
		     size_t n, struct dbm_err *err);
void dbm_revmap_release(struct dbm_revmap *map);

/* Exact id lookup: the index, or -1. */
long dbm_revmap_find(const struct dbm_revmap *map, const char *id);

/*
 * Resolve one revision identifier (no ranges, no relative steps): a full
 * id, a unique prefix of an id, or a branch label (meaning the revision
 * carrying that label). Errors:
 *   no such revision or branch 'X'
 *   multiple revisions start with 'ae': 'ae10...', 'ae12...'
 */
int dbm_revmap_lookup(const struct dbm_revmap *map, const char *ident,
		      size_t *out, struct dbm_err *err);

/*
 * Resolve a target as upgrade/downgrade/stamp take it, relative to the
 * current heads (the version table rows) where it needs them. Forms:
 *   head       the single head (error when there are several:
 *              multiple head revisions are present for given argument
 *              'head'; please specify a specific target revision,
 *              '<branchname>@head' to narrow to a specific head, or
 *              'heads' for all heads)
 *   heads      all heads but those another revision depends on
 *   base       the empty set (before every base)
 *   ID         an id, unique prefix or branch label
 *   label@head the head above revision/label `label` (same error as head,
 *              naming 'label@head', when there are several)
 *   label@heads every head above it
 *   label@ID   ID, checked to be on the branch (above or below label)
 *   label@base the empty set: the branch is not kept, so downgrade and
 *              stamp treat it as plain base
 *   +N / -N    N steps up/down from the current heads (one current head
 *              needed for -N, at most one for +N; +N from nothing starts
 *              at the base)
 *   ID+N ID-N  N steps up/down from ID
 *   heads+N heads-N, head+N head-N  likewise
 * Going up from a branch point needs a single way on: more than one is an
 * error naming the branch point; likewise down from a merge point. Going
 * down past a base gives base; going up past a head is an error. An exact
 * id or label always wins over these forms. Out is reset first and holds
 * indexes.
 */
int dbm_revmap_resolve(const struct dbm_revmap *map, const char *spec,
		       const dbm_revset *current, dbm_revset *out,
		       struct dbm_err *err);

/*
 * The revisions to run to go from the current heads up to target: every
 * ancestor of target (itself included; dependencies count as ancestors)
 * that is not an ancestor of current, in topological order. out is reset.
 */
int dbm_revmap_upgrade_steps(const struct dbm_revmap *map,
			     const dbm_revset *current,
			     const dbm_revset *target, dbm_revset *out,
			     struct dbm_err *err);
/*
 * The revisions to undo to go down from current to target, as Alembic:
 * the applied revisions (ancestors of current) that descend, through
 * children and dependents, from a child of target, less target and its
 * ancestors; with an empty target (base), every applied revision. Other
 * branches stay. Children first. Error when target is not below current:
 *   revision 'X' is not an ancestor of the current revision(s) 'a', 'b'
 * out is reset.
 */
int dbm_revmap_downgrade_steps(const struct dbm_revmap *map,
			       const dbm_revset *current,
			       const dbm_revset *target, dbm_revset *out,
			       struct dbm_err *err);

/*
 * How the version table changes when one step runs, given the rows before
 * it in heads (updated in place: the rows kept stay in order, added ones
 * go at the end). Upgrade of rev: its down revisions and dependencies that
 * are rows go away, rev comes in. Downgrade of rev: rev goes away, each
 * parent and dependency comes in unless it is already an ancestor of a
 * remaining row or of another one coming in. removed/added are reset and
 * filled with indexes, sorted by index.
 */
void dbm_revmap_step_up(const struct dbm_revmap *map, dbm_revset *heads,
			size_t rev, dbm_revset *removed, dbm_revset *added);
void dbm_revmap_step_down(const struct dbm_revmap *map, dbm_revset *heads,
			  size_t rev, dbm_revset *removed, dbm_revset *added);

/* Is a an ancestor of b (or a == b)? Dependencies count as edges. */
bool dbm_revmap_is_ancestor(const struct dbm_revmap *map, size_t a, size_t b);

/*
 * The revisions between two resolved endpoints for `history -r A:B`:
 * ancestors of upper (or of every head when upper is NULL) that are not
 * strict ancestors of lower (everything when lower is NULL), newest first.
 */
void dbm_revmap_range(const struct dbm_revmap *map, const dbm_revset *lower,
		      const dbm_revset *upper, dbm_revset *out);

#endif
