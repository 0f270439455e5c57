/*
 * The revision map, built in memory from a compact graph notation:
 * entries separated by commas, each "ID<-TOKENS" where a bare token is a
 * down revision, "~X" a depends_on entry and "@X" a branch label; "a<-" is
 * a base. A revision's path is "<position>_<id>.lua".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "revmap.h"
#include "t.h"

/* Like CHECK_STR, and on failure say which case it was. */
#define CHECK_CASE(got, want, ...)                                             \
	do {                                                                   \
		const char *gc_ = (got), *wc_ = (want);                        \
		if (strcmp(gc_, wc_) != 0) {                                   \
			fprintf(stderr, "case: ");                             \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
		CHECK_STR(gc_, wc_);                                           \
	} while (0)

static void push_str(char ***arr, size_t *n, const char *s)
{
	*arr = dbm_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = dbm_xstrdup(s);
}

static struct dbm_revision *parse_graph(const char *spec, size_t *out_n)
{
	char *copy = dbm_xstrdup(spec), *save = NULL;
	struct dbm_revision *revs = NULL;
	size_t n = 0;

	for (char *ent = strtok_r(copy, ",", &save); ent;
	     ent = strtok_r(NULL, ",", &save)) {
		char path[128], *save2 = NULL;
		revs = dbm_xrealloc(revs, (n + 1) * sizeof(*revs));
		struct dbm_revision *r = &revs[n];
		memset(r, 0, sizeof(*r));
		char *arrow = strstr(ent, "<-");
		if (arrow)
			*arrow = '\0';
		char *id = strtok_r(ent, " ", &save2);
		r->id = dbm_xstrdup(id ? id : "");
		snprintf(path, sizeof(path), "%zu_%s.lua", n, r->id);
		r->path = dbm_xstrdup(path);
		for (char *tok = arrow ? strtok_r(arrow + 2, " ", &save2)
				       : NULL;
		     tok; tok = strtok_r(NULL, " ", &save2)) {
			if (tok[0] == '~')
				push_str(&r->depends, &r->ndepends, tok + 1);
			else if (tok[0] == '@')
				push_str(&r->labels, &r->nlabels, tok + 1);
			else
				push_str(&r->down, &r->ndown, tok);
		}
		n++;
	}
	free(copy);
	*out_n = n;
	return revs;
}

/* The map under test. */
static struct dbm_revmap M = DBM_REVMAP_INIT;
static char M_spec[4096] = "\1";

static void use(const char *spec)
{
	struct dbm_err err = DBM_ERR_INIT;
	size_t n;

	if (!strcmp(spec, M_spec))
		return;
	dbm_revmap_release(&M);
	struct dbm_revision *revs = parse_graph(spec, &n);
	if (dbm_revmap_build(&M, revs, n, &err) < 0) {
		fprintf(stderr, "cannot build '%s': %s\n", spec, err.msg);
		exit(1);
	}
	snprintf(M_spec, sizeof(M_spec), "%s", spec);
}

static size_t idx(const char *id)
{
	long i = dbm_revmap_find(&M, id);
	if (i < 0) {
		fprintf(stderr, "no revision '%s' in the test graph\n", id);
		exit(1);
	}
	return (size_t)i;
}

/* The revisions named in "a b c"; "" is the empty set. */
static dbm_revset set_of(const char *ids)
{
	dbm_revset set = DBM_VEC_INIT;
	char *copy = dbm_xstrdup(ids), *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t;
	     t = strtok_r(NULL, " ", &save))
		dbm_vec_push(&set, idx(t));
	free(copy);
	return set;
}

/* "a b c" naming a set, in a ring of buffers. */
static const char *str_of(const dbm_revset *set)
{
	static char ring[4][4096];
	static unsigned k;
	char *b = ring[k++ % 4];
	size_t len = 0;
	b[0] = '\0';
	for (size_t i = 0; i < set->len && len < sizeof(ring[0]); i++)
		len += (size_t)snprintf(b + len, sizeof(ring[0]) - len, "%s%s",
					i ? " " : "", M.revs[set->items[i]].id);
	return b;
}

/* "!message" for an error (and a note when the class or out is wrong). */
static const char *result(int rc, const struct dbm_err *err,
			  const dbm_revset *out)
{
	static char buf[sizeof(((struct dbm_err *)0)->msg) + 64];
	if (rc < 0)
		snprintf(buf, sizeof(buf), "!%s%s%s", err->msg,
			 err->kind == DBM_EUSAGE ? "" : " [not EUSAGE]",
			 out->len ? " [out not empty]" : "");
	else if (err->kind != DBM_OK)
		snprintf(buf, sizeof(buf), "[err set on success] %s",
			 str_of(out));
	else
		snprintf(buf, sizeof(buf), "%s", str_of(out));
	return buf;
}

static const char *resolve(const char *current, const char *spec)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset cur = set_of(current), out = DBM_VEC_INIT;
	dbm_vec_push(&out, (size_t)0); /* must be reset */
	if (!M.len)
		out.len = 0;
	int rc = dbm_revmap_resolve(&M, spec, &cur, &out, &err);
	const char *s = result(rc, &err, &out);
	dbm_vec_release(&out);
	dbm_vec_release(&cur);
	return s;
}

/* -- graphs ---------------------------------------------------------------- */

#define LINEAR "a<-, b<-a, c<-b, d<-c"
#define BRANCH "a<-, b<-a, c1<-b, c2<-b, d1<-c1"
#define MERGE  "a<-, b<-a, c1<-b, c2<-b, m<-c1 c2, n<-m"
#define LABELS "a<- @core, b<-a, f1<-b @feat, f2<-f1, c<-b, v<-c @v-1"
#define DEPS   "a1<-, a2<-a1, b1<-, b2<-b1 ~a2, b3<-b2"
#define PREFIX                                                                 \
	"ae1027a6acf<-, ae1234567890<-ae1027a6acf, ae12ffff<-ae1234567890, "   \
	"ae13<-ae12ffff, bbbb<-ae13"
/* Alembic's own test graphs (test_version_traversal.py). */
#define KABOOM                                                                 \
	"a1<-, a2<-, a3<-, amerge<-a1 a2 a3, b1<-, b2<-, bmerge<-b1 b2, "      \
	"c1<-, c2<-, c3<-, cmerge<-c1 c2 c3, d1<- ~a3 ~b2 ~c1"
#define CRISSCROSS "a1<-, a2<-a1, b1<-, b2<-b1 ~a2, b3<-b2, a3<-a2 ~b1"
#define NORMALIZED "a1<-, a2<-a1, a3<-a2, b1<-, b2<-b1 ~a3, b3<-b2, b4<-b3 ~a3"
#define DEPMERGE   "a1<-, b1<- ~a1, bmerge<-a1 b1"
#define DEPLABEL                                                               \
	"a1<- @lib1, b1<-a1, c1<-b1 @c1lib, a2<-, b2<-a2, c2<-b2 ~c1lib, "     \
	"d1<-c1, e1<-d1, f1<-e1"

#define FOUR                                                                   \
	"; please ensure at least four characters are present for partial "    \
	"revision identifier matches"
#define MULTIHEAD(arg)                                                         \
	"!multiple head revisions are present for given argument '" arg        \
	"'; please specify a specific target revision, '<branchname>@head' "   \
	"to narrow to a specific head, or 'heads' for all heads"

/* -- build ----------------------------------------------------------------- */

static void test_build_errors(void)
{
	static const struct {
		const char *graph, *want;
	} cases[] = {
	    {"a<-, b<-a, a<-b",
	     "revision 'a' is present more than once: '0_a.lua' and "
	     "'2_a.lua'"},
	    {"a<-, b<-x", "revision 'x' referenced from 'b' is not present"},
	    {"a<-, b<-a ~zz",
	     "revision 'zz' referenced from 'b' is not present"},
	    {"ab12<-, ab13<-, c<-ab12 ~ab1",
	     "depends_on of revision 'c': multiple revisions start with "
	     "'ab1': 'ab12', 'ab13'"},
	    {"x<-, a<-c, b<-a, c<-b, d<-c",
	     "cycle is detected in revisions ('a', 'b', 'c')"},
	    /* e sits between two cycles without being on one */
	    {"x<-, c<-b, a<-c, b<-a, e<-c, p<-q, q<-p e",
	     "cycle is detected in revisions ('a', 'b', 'c', 'p', 'q')"},
	    {"a<-a", "cycle is detected in revisions ('a')"},
	    {"a<-, b<-a ~b", "cycle is detected in revisions ('b')"},
	    {"a<- ~b, b<-a", "cycle is detected in revisions ('a', 'b')"},
	    {"c<-b, b<-a, a<-c",
	     "cycle is detected in revisions ('a', 'b', 'c')"},
	    {"a<- @x, b<-a @x",
	     "branch name 'x' in revision 'b' already used by revision "
	     "'a'"},
	    {"a<-, b<-a @a",
	     "branch name 'a' in revision 'b' already used by revision "
	     "'a'"},
	    {"a<- @x @x",
	     "branch name 'x' in revision 'a' already used by revision "
	     "'a'"},
	    {"a-1<-", "character '-' not allowed in revision identifier 'a-1'"},
	    {"a@b<-", "character '@' not allowed in revision identifier 'a@b'"},
	    {"a+<-", "character '+' not allowed in revision identifier 'a+'"},
	    {"a<-, <-a", "revision id in '1_.lua' is empty"},
	    {"a<-, b<-a a",
	     "revision 'b' names down revision 'a' more than once"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dbm_err err = DBM_ERR_INIT;
		struct dbm_revmap map = DBM_REVMAP_INIT;
		size_t n;
		struct dbm_revision *revs = parse_graph(cases[i].graph, &n);
		int rc = dbm_revmap_build(&map, revs, n, &err);
		CHECK(rc < 0);
		CHECK(err.kind == DBM_EUSAGE);
		CHECK(map.revs == NULL && map.len == 0);
		CHECK_CASE(err.msg, cases[i].want, "build '%s'",
			   cases[i].graph);
		dbm_revmap_release(&map);
	}

	/* A long cycle is listed in part. */
	char spec[1024];
	size_t len = 0;
	for (int i = 0; i < 12; i++)
		len += (size_t)snprintf(spec + len, sizeof(spec) - len,
					"%sn%02d<-n%02d", i ? ", " : "", i,
					(i + 11) % 12);
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_revmap map = DBM_REVMAP_INIT;
	size_t n;
	struct dbm_revision *revs = parse_graph(spec, &n);
	CHECK(dbm_revmap_build(&map, revs, n, &err) < 0);
	CHECK_STR(err.msg, "cycle is detected in revisions ('n00', 'n01', "
			   "'n02', 'n03', 'n04', 'n05', 'n06', 'n07', 'n08', "
			   "'n09', ...)");
}

static void test_build_links(void)
{
	use(MERGE);
	CHECK(M.len == 6);
	CHECK_STR(str_of(&M.heads), "n");
	CHECK_STR(str_of(&M.bases), "a");
	const struct dbm_revision *b = &M.revs[idx("b")],
				  *m = &M.revs[idx("m")];
	CHECK(b->is_branch_point && !b->is_merge_point && !b->is_head);
	CHECK(m->is_merge_point && !m->is_branch_point);
	CHECK(b->nchildren == 2 && b->children[0] == idx("c1") &&
	      b->children[1] == idx("c2"));
	CHECK(m->ndown == 2 && m->parents[0] == idx("c1") &&
	      m->parents[1] == idx("c2"));
	CHECK(M.revs[idx("a")].is_base && !M.revs[idx("b")].is_base);
	CHECK(M.revs[idx("n")].is_head);

	use(BRANCH);
	CHECK_STR(str_of(&M.heads), "c2 d1");

	/* Dependencies: an id, a unique prefix, a branch label. */
	use("abcd12<- @lib, b<- ~abcd, c<- ~lib, d<-c ~abcd12");
	CHECK(M.revs[idx("b")].deps[0] == idx("abcd12"));
	CHECK(M.revs[idx("c")].deps[0] == idx("abcd12"));
	CHECK(M.revs[idx("d")].deps[0] == idx("abcd12"));
	/* A dependency makes no child: abcd12 and b are heads still. */
	CHECK_STR(str_of(&M.heads), "abcd12 b d");
	CHECK_STR(str_of(&M.bases), "abcd12 b c");

	CHECK(dbm_revmap_find(&M, "abcd12") == 0);
	CHECK(dbm_revmap_find(&M, "abcd") == -1);
	CHECK(dbm_revmap_find(&M, "lib") == -1); /* ids only */

	/* The empty map. */
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_revmap map = DBM_REVMAP_INIT;
	CHECK(dbm_revmap_build(&map, NULL, 0, &err) == 0);
	CHECK(map.heads.len == 0 && map.bases.len == 0);
	CHECK(dbm_revmap_find(&map, "a") == -1);
	dbm_revmap_release(&map);
	dbm_revmap_release(&map); /* idempotent */
}

static const char *upgrade(const char *current, const char *target);

static void test_topological_order(void)
{
	/* Ties go to file order; parents and dependencies come first. */
	use("c<-b, b<-a, a<-, x<-");
	CHECK_STR(upgrade("", "c x"), "a b c x");
	use("b1<-, b2<-b1 ~a2, a1<-, a2<-a1");
	CHECK_STR(upgrade("", "b2"), "b1 a1 a2 b2");
	use("z<-, y<-, m<-z y, w<-");
	CHECK_STR(upgrade("", "m w"), "z y m w");
}

/* -- lookup and resolve ---------------------------------------------------- */

static void test_lookup(void)
{
	struct dbm_err err = DBM_ERR_INIT;
	size_t out = 99;

	use(LABELS);
	CHECK(dbm_revmap_lookup(&M, "feat", &out, &err) == 0 &&
	      out == idx("f1"));
	CHECK(dbm_revmap_lookup(&M, "f2", &out, &err) == 0 && out == idx("f2"));
	CHECK(dbm_revmap_lookup(&M, "v-1", &out, &err) == 0 && out == idx("v"));
	CHECK(dbm_revmap_lookup(&M, "f", &out, &err) < 0);
	CHECK_STR(err.msg, "multiple revisions start with 'f': 'f1', 'f2'");
	dbm_err_clear(&err);
	CHECK(dbm_revmap_lookup(&M, "head", &out, &err) < 0);
	CHECK_STR(err.msg, "no such revision or branch 'head'");

	use(PREFIX);
	dbm_err_clear(&err);
	CHECK(dbm_revmap_lookup(&M, "ae1234", &out, &err) == 0 &&
	      out == idx("ae1234567890"));
	CHECK(dbm_revmap_lookup(&M, "ae", &out, &err) < 0);
	CHECK_STR(err.msg, "multiple revisions start with 'ae': 'ae1027a6acf', "
			   "'ae1234567890', 'ae12ffff', ...");
}

static void test_resolve(void)
{
	static const struct {
		const char *graph, *current, *spec, *want;
	} cases[] = {
	    /* symbols, ids, relative steps on a line */
	    {LINEAR, "", "head", "d"},
	    {LINEAR, "", "heads", "d"},
	    {LINEAR, "b", "base", ""},
	    {LINEAR, "a c", "c", "c"},
	    {LINEAR, "", "+1", "a"},
	    {LINEAR, "", "+2", "b"},
	    {LINEAR, "b", "+1", "c"},
	    {LINEAR, "b", "+2", "d"},
	    {LINEAR, "b", "+3",
	     "!relative revision '+3' goes past the head 'd'"},
	    {LINEAR, "c", "-1", "b"},
	    {LINEAR, "c", "-2", "a"},
	    {LINEAR, "c", "-3", ""},
	    {LINEAR, "c", "-9", ""},
	    {LINEAR, "c", "-99999999999999999999999", ""},
	    {LINEAR, "", "+99999999999999999999999",
	     "!relative revision '+99999999999999999999999' goes past the "
	     "head 'd'"},
	    {LINEAR, "", "-1",
	     "!relative revision '-1' needs a current revision; there is "
	     "none"},
	    {LINEAR, "b", "+0", "b"},
	    {LINEAR, "", "b+2", "d"},
	    {LINEAR, "", "c-1", "b"},
	    {LINEAR, "", "head-2", "b"},
	    {LINEAR, "", "heads-1", "c"},
	    {LINEAR, "", "head+1",
	     "!relative revision 'head+1' goes past the head 'd'"},
	    {LINEAR, "", "base+1", "a"},
	    {LINEAR, "", "base-1", ""},
	    {LINEAR, "", "zz", "!no such revision or branch 'zz'" FOUR},
	    {LINEAR, "", "zzzzz", "!no such revision or branch 'zzzzz'"},
	    {LINEAR, "", "", "!no such revision or branch ''" FOUR},
	    {LINEAR, "", "zz+1", "!no such revision or branch 'zz'" FOUR},
	    {LINEAR, "", "+", "!no such revision or branch '+'" FOUR},
	    {LINEAR, "", "a@head", "d"},
	    {LINEAR, "", "a@heads", "d"},
	    {LINEAR, "d", "a@base", ""},
	    {LINEAR, "", "a@c", "c"},
	    {LINEAR, "", "c@a", "a"},
	    {LINEAR, "", "a@head-1", "c"},
	    {LINEAR, "", "a@zz", "!no such revision or branch 'zz'" FOUR},
	    {LINEAR, "", "zz@head", "!no such revision or branch 'zz'" FOUR},

	    /* a branch point */
	    {BRANCH, "", "head", MULTIHEAD("head")},
	    {BRANCH, "", "heads", "c2 d1"},
	    {BRANCH, "", "b@head", MULTIHEAD("b@head")},
	    {BRANCH, "", "b@heads", "c2 d1"},
	    {BRANCH, "", "c1@head", "d1"},
	    {BRANCH, "", "c2@head", "c2"},
	    {BRANCH, "b", "+1",
	     "!ambiguous walk from branch point 'b': children 'c1', 'c2'; "
	     "name the target"},
	    {BRANCH, "", "a+2",
	     "!ambiguous walk from branch point 'b': children 'c1', 'c2'; "
	     "name the target"},
	    {BRANCH, "c1", "+1", "d1"},
	    {BRANCH, "c2 d1", "+1",
	     "!relative revision '+1' is ambiguous: it starts from several "
	     "revisions 'c2', 'd1'"},
	    {BRANCH, "c2 d1", "-1",
	     "!relative revision '-1' is ambiguous: it starts from several "
	     "revisions 'c2', 'd1'"},
	    {BRANCH, "", "heads-1",
	     "!relative revision 'heads-1' is ambiguous: it starts from "
	     "several revisions 'c2', 'd1'"},
	    {BRANCH, "c2 d1", "-0", "c2 d1"},
	    {BRANCH, "", "d1-2", "b"},
	    {BRANCH, "", "c2+1",
	     "!relative revision 'c2+1' goes past the head 'c2'"},
	    {BRANCH, "", "c1@c2",
	     "!revision 'c2' is not a member of branch 'c1'"},
	    {BRANCH, "", "c1@b", "b"},
	    {BRANCH, "", "c1@+1",
	     "!branch-relative revision 'c1@+1' is not supported; name a "
	     "revision of the branch, as in 'REV+1'"},

	    /* a merge point */
	    {MERGE, "", "head", "n"},
	    {MERGE, "", "b@head", "n"},
	    {MERGE, "", "c1+1", "m"},
	    {MERGE, "", "c2+2", "n"},
	    {MERGE, "", "n-1", "m"},
	    {MERGE, "", "m-1",
	     "!ambiguous walk from merge point 'm': parents 'c1', 'c2'; "
	     "name the target"},
	    {MERGE, "n", "-2",
	     "!ambiguous walk from merge point 'm': parents 'c1', 'c2'; "
	     "name the target"},

	    /* branch labels */
	    {LABELS, "", "core", "a"},
	    {LABELS, "", "feat", "f1"},
	    {LABELS, "", "feat+1", "f2"},
	    {LABELS, "", "feat@head", "f2"},
	    {LABELS, "", "feat@head-1", "f1"},
	    {LABELS, "", "core@head", MULTIHEAD("core@head")},
	    {LABELS, "", "core@heads", "f2 v"},
	    {LABELS, "f2", "feat@base", ""},
	    {LABELS, "", "feat@b", "b"},
	    {LABELS, "", "feat@c",
	     "!revision 'c' is not a member of branch 'feat'"},
	    {LABELS, "", "nolabel@head",
	     "!no such revision or branch 'nolabel'"},
	    {LABELS, "", "fea", "!no such revision or branch 'fea'" FOUR},
	    {LABELS, "", "f", "!multiple revisions start with 'f': 'f1', 'f2'"},
	    /* an exact label wins over a relative reading */
	    {LABELS, "", "v-1", "v"},
	    {LABELS, "", "feat@+1",
	     "!branch-relative revision 'feat@+1' is not supported; name a "
	     "revision of the branch, as in 'REV+1'"},

	    /* dependencies: a2 is a head, but b3 depends on it */
	    {DEPS, "", "heads", "b3"},
	    {DEPS, "", "head", MULTIHEAD("head")},
	    {DEPS, "", "+1",
	     "!ambiguous walk from base: bases 'a1', 'b1'; name the "
	     "target"},
	    {DEPS, "", "b1+1", "b2"},
	    {DEPS, "", "b2-1", "b1"},
	    {DEPS, "", "a1@head", "a2"},

	    /* prefixes */
	    {PREFIX, "", "ae10", "ae1027a6acf"},
	    {PREFIX, "", "ae123", "ae1234567890"},
	    {PREFIX, "", "b", "bbbb"},
	    {PREFIX, "", "ae1",
	     "!multiple revisions start with 'ae1': 'ae1027a6acf', "
	     "'ae1234567890', 'ae12ffff', ..."},
	    {PREFIX, "", "ae12",
	     "!multiple revisions start with 'ae12': 'ae1234567890', "
	     "'ae12ffff'"},
	    {PREFIX, "", "ae12+1",
	     "!multiple revisions start with 'ae12': 'ae1234567890', "
	     "'ae12ffff'"},
	    {PREFIX, "", "ae10+1", "ae1234567890"},
	    {PREFIX, "", "ae10-1", ""},
	    {PREFIX, "ae12ffff", "-2", "ae1027a6acf"},

	    /* nothing at all */
	    {"", "", "head", ""},
	    {"", "", "heads", ""},
	    {"", "", "base", ""},
	    {"", "", "+1",
	     "!relative revision '+1' goes past the head: there are no "
	     "revisions"},
	    {"", "", "abcd", "!no such revision or branch 'abcd'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		use(cases[i].graph);
		CHECK_CASE(resolve(cases[i].current, cases[i].spec),
			   cases[i].want, "resolve '%s' from '%s' in '%s'",
			   cases[i].spec, cases[i].current, cases[i].graph);
	}

	/* current and out may be the same set */
	struct dbm_err err = DBM_ERR_INIT;
	use(LINEAR);
	dbm_revset set = set_of("b");
	CHECK(dbm_revmap_resolve(&M, "+1", &set, &set, &err) == 0);
	CHECK_STR(str_of(&set), "c");
	CHECK(dbm_revmap_resolve(&M, "-2", &set, &set, &err) == 0);
	CHECK_STR(str_of(&set), "a");
	dbm_vec_release(&set);
	/* current may be NULL */
	CHECK(dbm_revmap_resolve(&M, "+1", NULL, &set, &err) == 0);
	CHECK_STR(str_of(&set), "a");
	dbm_vec_release(&set);
}

/* -- steps ----------------------------------------------------------------- */

static const char *upgrade(const char *current, const char *target)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset cur = set_of(current), tgt = set_of(target);
	dbm_revset out = DBM_VEC_INIT;
	int rc = dbm_revmap_upgrade_steps(&M, &cur, &tgt, &out, &err);
	const char *s = result(rc, &err, &out);
	dbm_vec_release(&out);
	dbm_vec_release(&tgt);
	dbm_vec_release(&cur);
	return s;
}

static const char *downgrade(const char *current, const char *target)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset cur = set_of(current), tgt = set_of(target);
	dbm_revset out = DBM_VEC_INIT;
	int rc = dbm_revmap_downgrade_steps(&M, &cur, &tgt, &out, &err);
	const char *s = result(rc, &err, &out);
	dbm_vec_release(&out);
	dbm_vec_release(&tgt);
	dbm_vec_release(&cur);
	return s;
}

static void test_upgrade_steps(void)
{
	static const struct {
		const char *graph, *current, *target, *want;
	} cases[] = {
	    {LINEAR, "", "d", "a b c d"},
	    {LINEAR, "b", "d", "c d"},
	    {LINEAR, "d", "b", ""},
	    {LINEAR, "b", "", ""},
	    {BRANCH, "c2", "d1", "c1 d1"},
	    {BRANCH, "", "c2 d1", "a b c1 c2 d1"},
	    {BRANCH, "d1", "c2", "c2"},
	    {MERGE, "c1", "n", "c2 m n"},
	    {MERGE, "c1 c2", "m", "m"},
	    {DEPS, "", "b3", "a1 a2 b1 b2 b3"},
	    {DEPS, "b1", "b3", "a1 a2 b2 b3"},
	    {DEPS, "a2", "b2", "b1 b2"},
	    {DEPLABEL, "a2", "c2", "a1 b1 c1 b2 c2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		use(cases[i].graph);
		CHECK_CASE(upgrade(cases[i].current, cases[i].target),
			   cases[i].want, "upgrade '%s' -> '%s' in '%s'",
			   cases[i].current, cases[i].target, cases[i].graph);
	}
}

static void test_downgrade_steps(void)
{
	static const struct {
		const char *graph, *current, *target, *want;
	} cases[] = {
	    {LINEAR, "d", "b", "d c"},
	    {LINEAR, "d", "", "d c b a"},
	    {LINEAR, "d", "d", ""},
	    {LINEAR, "", "", ""},
	    {LINEAR, "b", "d",
	     "!revision 'd' is not an ancestor of the current revision(s) "
	     "'b'"},
	    {LINEAR, "", "a",
	     "!revision 'a' is not an ancestor of the current revision(s) "
	     "(none)"},
	    /* other branches stay, as Alembic */
	    {BRANCH, "c2 d1", "c1", "d1"},
	    {BRANCH, "c2 d1", "b", "d1 c2 c1"},
	    {BRANCH, "c2 d1", "a", "d1 c2 c1 b"},
	    {BRANCH, "c2 d1", "", "d1 c2 c1 b a"},
	    {BRANCH, "d1", "c2",
	     "!revision 'c2' is not an ancestor of the current revision(s) "
	     "'d1'"},
	    {MERGE, "n", "m", "n"},
	    {MERGE, "n", "c1", "n m"},
	    {MERGE, "n", "b", "n m c2 c1"},
	    {DEPS, "b3", "a1", "b3 b2 a2"},
	    {DEPS, "b3", "b1", "b3 b2"},
	    {KABOOM, "amerge bmerge cmerge d1", "b2", "bmerge"},
	    {CRISSCROSS, "a3 b2", "b1", "b2"},
	    {NORMALIZED, "b4", "b3", "b4"},
	    {DEPMERGE, "bmerge", "a1", "bmerge"},
	    {DEPMERGE, "bmerge", "b1", "bmerge"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		use(cases[i].graph);
		CHECK_CASE(downgrade(cases[i].current, cases[i].target),
			   cases[i].want, "downgrade '%s' -> '%s' in '%s'",
			   cases[i].current, cases[i].target, cases[i].graph);
	}
}

static void test_version_deltas(void)
{
	static const struct {
		const char *graph, *heads;
		char dir;
		const char *rev, *removed, *added, *after;
	} cases[] = {
	    /* plain update */
	    {LINEAR, "b", 'u', "c", "b", "c", "c"},
	    {LINEAR, "c", 'd', "c", "c", "b", "b"},
	    /* insert at a base; delete going down to base */
	    {LINEAR, "", 'u', "a", "", "a", "a"},
	    {LINEAR, "a", 'd', "a", "a", "", ""},
	    /* already a row */
	    {LINEAR, "c", 'u', "c", "", "", "c"},
	    /* merge: two rows become one; and back */
	    {MERGE, "c1 c2", 'u', "m", "c1 c2", "m", "m"},
	    {MERGE, "m", 'd', "m", "m", "c1 c2", "c1 c2"},
	    {MERGE, "c2", 'u', "c1", "", "c1", "c2 c1"},
	    /* a second branch from an advanced branch point: insert */
	    {BRANCH, "d1", 'u', "c2", "", "c2", "d1 c2"},
	    {BRANCH, "b", 'u', "c1", "b", "c1", "c1"},
	    {BRANCH, "c1", 'u', "c2", "", "c2", "c1 c2"},
	    /* going down one branch: the branch point is still implied */
	    {BRANCH, "d1 c2", 'd', "c2", "c2", "", "d1"},
	    {BRANCH, "c1 c2", 'd', "c1", "c1", "", "c2"},
	    {BRANCH, "c1", 'd', "c1", "c1", "b", "b"},
	    /* dependencies imply rows, as Alembic */
	    {KABOOM, "amerge bmerge cmerge d1", 'd', "bmerge", "bmerge", "b1",
	     "amerge cmerge d1 b1"},
	    {KABOOM, "amerge d1 b1 cmerge", 'd', "d1", "d1", "b2",
	     "amerge b1 cmerge b2"},
	    {CRISSCROSS, "a3 b2", 'd', "b2", "b2", "", "a3"},
	    {NORMALIZED, "b4", 'd', "b4", "b4", "b3", "b3"},
	    {DEPMERGE, "a1", 'u', "b1", "a1", "b1", "b1"},
	    {DEPMERGE, "b1", 'u', "bmerge", "b1", "bmerge", "bmerge"},
	    {DEPMERGE, "bmerge", 'd', "bmerge", "bmerge", "b1", "b1"},
	    {DEPLABEL, "c1 b2", 'u', "c2", "c1 b2", "c2", "c2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		use(cases[i].graph);
		dbm_revset heads = set_of(cases[i].heads);
		dbm_revset removed = DBM_VEC_INIT, added = DBM_VEC_INIT;
		dbm_vec_push(&removed, (size_t)0); /* must be reset */
		dbm_vec_push(&added, (size_t)0);
		size_t rev = idx(cases[i].rev);
		if (cases[i].dir == 'u')
			dbm_revmap_step_up(&M, &heads, rev, &removed, &added);
		else
			dbm_revmap_step_down(&M, &heads, rev, &removed, &added);
		const char *ctx = "step %c '%s' from '%s' in '%s'";
		CHECK_CASE(str_of(&removed), cases[i].removed, ctx,
			   cases[i].dir, cases[i].rev, cases[i].heads,
			   cases[i].graph);
		CHECK_CASE(str_of(&added), cases[i].added, ctx, cases[i].dir,
			   cases[i].rev, cases[i].heads, cases[i].graph);
		CHECK_CASE(str_of(&heads), cases[i].after, ctx, cases[i].dir,
			   cases[i].rev, cases[i].heads, cases[i].graph);
		dbm_vec_release(&heads);
		dbm_vec_release(&removed);
		dbm_vec_release(&added);
	}
}

/* Run steps against rows, as the runner does, and name the final rows. */
static const char *run_steps(const char *rows, const char *steps, char dir)
{
	dbm_revset heads = set_of(rows), list = set_of(steps);
	dbm_revset removed = DBM_VEC_INIT, added = DBM_VEC_INIT;
	for (size_t i = 0; i < list.len; i++)
		if (dir == 'u')
			dbm_revmap_step_up(&M, &heads, list.items[i], &removed,
					   &added);
		else
			dbm_revmap_step_down(&M, &heads, list.items[i],
					     &removed, &added);
	const char *s = str_of(&heads);
	dbm_vec_release(&heads);
	dbm_vec_release(&list);
	dbm_vec_release(&removed);
	dbm_vec_release(&added);
	return s;
}

static void test_runs(void)
{
	use(MERGE);
	CHECK_STR(run_steps("", upgrade("", "n"), 'u'), "n");
	CHECK_STR(run_steps("n", downgrade("n", "c1"), 'd'), "c1 c2");
	CHECK_STR(run_steps("n", downgrade("n", ""), 'd'), "");
	use(BRANCH);
	CHECK_STR(run_steps("c2", upgrade("c2", "d1"), 'u'), "c2 d1");
	CHECK_STR(run_steps("c2 d1", downgrade("c2 d1", "b"), 'd'), "b");
	use(DEPLABEL);
	CHECK_STR(run_steps("a2", upgrade("a2", "c2"), 'u'), "c2");
	use(KABOOM);
	CHECK_STR(run_steps("", upgrade("", "amerge bmerge cmerge d1"), 'u'),
		  "amerge bmerge cmerge d1");
	CHECK_STR(run_steps("amerge b1 b2 cmerge",
			    downgrade("amerge b1 b2 cmerge", ""), 'd'),
		  "");
}

static void test_is_ancestor_and_range(void)
{
	use(LINEAR);
	CHECK(dbm_revmap_is_ancestor(&M, idx("a"), idx("d")));
	CHECK(!dbm_revmap_is_ancestor(&M, idx("d"), idx("a")));
	CHECK(dbm_revmap_is_ancestor(&M, idx("c"), idx("c")));
	use(BRANCH);
	CHECK(!dbm_revmap_is_ancestor(&M, idx("c1"), idx("c2")));
	CHECK(!dbm_revmap_is_ancestor(&M, idx("c2"), idx("d1")));
	CHECK(dbm_revmap_is_ancestor(&M, idx("b"), idx("d1")));
	use(DEPS);
	CHECK(dbm_revmap_is_ancestor(&M, idx("a2"), idx("b3")));
	CHECK(dbm_revmap_is_ancestor(&M, idx("a1"), idx("b2")));
	CHECK(!dbm_revmap_is_ancestor(&M, idx("b3"), idx("a2")));
	CHECK(!dbm_revmap_is_ancestor(&M, idx("a2"), idx("b1")));

	static const struct {
		const char *graph, *lower, *upper, *want;
	} cases[] = {
	    {LINEAR, "b", "d", "d c b"},    {LINEAR, NULL, NULL, "d c b a"},
	    {LINEAR, "", "c", "c b a"},	    {LINEAR, "c", NULL, "d c"},
	    {LINEAR, "d", "b", ""},	    {BRANCH, "c1", NULL, "d1 c2 c1"},
	    {BRANCH, "b", "d1", "d1 c1 b"}, {DEPS, "a2", "b3", "b3 b2 b1 a2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		use(cases[i].graph);
		dbm_revset lower = set_of(cases[i].lower ? cases[i].lower : "");
		dbm_revset upper = set_of(cases[i].upper ? cases[i].upper : "");
		dbm_revset out = DBM_VEC_INIT;
		dbm_revmap_range(&M, cases[i].lower ? &lower : NULL,
				 cases[i].upper ? &upper : NULL, &out);
		CHECK_CASE(str_of(&out), cases[i].want, "range %s:%s in '%s'",
			   cases[i].lower ? cases[i].lower : "(null)",
			   cases[i].upper ? cases[i].upper : "(null)",
			   cases[i].graph);
		dbm_vec_release(&out);
		dbm_vec_release(&upper);
		dbm_vec_release(&lower);
	}
}

/* -- big graphs ------------------------------------------------------------ */

#define BIG 10000

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void set_id(struct dbm_revision *r, const char *prefix, size_t i)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s%05zu", prefix, i);
	r->id = dbm_xstrdup(buf);
	snprintf(buf, sizeof(buf), "%s%05zu.lua", prefix, i);
	r->path = dbm_xstrdup(buf);
}

/* Revision i goes at file position (i * 7919) % BIG: shuffled. */
static size_t file_pos(size_t i)
{
	return (i * 7919) % BIG;
}

static void build_big(struct dbm_revision *revs)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revmap_release(&M);
	M_spec[0] = '\1';
	CHECK(dbm_revmap_build(&M, revs, BIG, &err) == 0);
	if (err.kind)
		fprintf(stderr, "big graph: %s\n", err.msg);
}

/* Do the rows stand for exactly `applied` revisions? */
static size_t applied_count(const dbm_revset *rows)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset all = DBM_VEC_INIT, missing = DBM_VEC_INIT;
	for (size_t i = 0; i < M.len; i++)
		dbm_vec_push(&all, i);
	dbm_revmap_upgrade_steps(&M, rows, &all, &missing, &err);
	size_t n = M.len - missing.len;
	dbm_vec_release(&all);
	dbm_vec_release(&missing);
	return n;
}

/* Every parent and dependency comes before (up) or after (down). */
static bool ordered(const dbm_revset *list, bool up)
{
	size_t *pos = dbm_xmalloc(M.len * sizeof(*pos));
	bool ok = true;
	for (size_t i = 0; i < M.len; i++)
		pos[i] = SIZE_MAX;
	for (size_t i = 0; i < list->len; i++)
		pos[list->items[i]] = i;
	for (size_t i = 0; i < list->len && ok; i++) {
		const struct dbm_revision *r = &M.revs[list->items[i]];
		for (size_t j = 0; j < r->ndown + r->ndepends; j++) {
			size_t p = j < r->ndown ? r->parents[j]
						: r->deps[j - r->ndown];
			if (pos[p] == SIZE_MAX ||
			    (up ? pos[p] > i : pos[p] < i))
				ok = false;
		}
	}
	free(pos);
	return ok;
}

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Upgrade to every head and back to base: the steps are in order; with
 * by_step, also run every step on the rows, checking what they imply.
 */
static void simulate(bool by_step)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset none = DBM_VEC_INIT, target = DBM_VEC_INIT;
	dbm_revset steps = DBM_VEC_INIT, rows = DBM_VEC_INIT;
	dbm_revset removed = DBM_VEC_INIT, added = DBM_VEC_INIT;

	CHECK(dbm_revmap_resolve(&M, "heads", &none, &target, &err) == 0);
	CHECK(dbm_revmap_upgrade_steps(&M, &none, &target, &steps, &err) == 0);
	CHECK(steps.len == M.len);
	CHECK(ordered(&steps, true));
	if (!by_step) {
		rows.len = 0;
		for (size_t i = 0; i < target.len; i++)
			dbm_vec_push(&rows, target.items[i]);
	}
	bool ok = true;
	for (size_t k = 0; by_step && k < steps.len; k++) {
		dbm_revmap_step_up(&M, &rows, steps.items[k], &removed, &added);
		if (k % 1000 == 999 && applied_count(&rows) != k + 1)
			ok = false;
	}
	CHECK(ok);
	qsort(rows.items, rows.len, sizeof(*rows.items), cmp_index);
	CHECK(rows.len == target.len &&
	      !memcmp(rows.items, target.items, rows.len * sizeof(size_t)));

	CHECK(dbm_revmap_downgrade_steps(&M, &rows, &none, &steps, &err) == 0);
	CHECK(steps.len == M.len);
	CHECK(ordered(&steps, false));
	ok = true;
	for (size_t k = 0; by_step && k < steps.len; k++) {
		dbm_revmap_step_down(&M, &rows, steps.items[k], &removed,
				     &added);
		if (k % 1000 == 999 && applied_count(&rows) != M.len - k - 1)
			ok = false;
	}
	CHECK(ok);
	CHECK(!by_step || rows.len == 0);

	dbm_revset all = DBM_VEC_INIT;
	dbm_revmap_range(&M, NULL, NULL, &all);
	CHECK(all.len == M.len && ordered(&all, false));
	dbm_vec_release(&all);
	dbm_vec_release(&none);
	dbm_vec_release(&target);
	dbm_vec_release(&steps);
	dbm_vec_release(&rows);
	dbm_vec_release(&removed);
	dbm_vec_release(&added);
}

static void test_big_linear(void)
{
	struct dbm_revision *revs = dbm_xcalloc(BIG, sizeof(*revs));
	for (size_t i = 0; i < BIG; i++) {
		struct dbm_revision *r = &revs[file_pos(i)];
		set_id(r, "r", i);
		if (i) {
			char buf[32];
			snprintf(buf, sizeof(buf), "r%05zu", i - 1);
			push_str(&r->down, &r->ndown, buf);
		}
	}
	build_big(revs);
	CHECK_STR(str_of(&M.heads), "r09999");
	CHECK_STR(str_of(&M.bases), "r00000");
	CHECK_STR(resolve("", "head"), "r09999");
	CHECK_STR(resolve("", "r00000+9999"), "r09999");
	CHECK_STR(resolve("", "r00000@head"), "r09999");
	CHECK_STR(resolve("r09999", "-5000"), "r04999");
	CHECK_STR(resolve("r09999", "-10000"), "");
	CHECK_STR(resolve("", "+10000"), "r09999");
	CHECK_STR(resolve("", "+10001"),
		  "!relative revision '+10001' goes past the head 'r09999'");
	CHECK_STR(resolve("", "r0500"),
		  "!multiple revisions start with 'r0500': 'r05000', "
		  "'r05001', 'r05002', ...");
	CHECK_STR(resolve("", "r07777"), "r07777");
	CHECK(dbm_revmap_is_ancestor(&M, idx("r00000"), idx("r09999")));
	CHECK(!dbm_revmap_is_ancestor(&M, idx("r09999"), idx("r00000")));

	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset none = DBM_VEC_INIT, head = set_of("r09999");
	dbm_revset steps = DBM_VEC_INIT;
	CHECK(dbm_revmap_upgrade_steps(&M, &none, &head, &steps, &err) == 0);
	bool ok = steps.len == BIG;
	for (size_t i = 0; ok && i < BIG; i++) {
		char want[32];
		snprintf(want, sizeof(want), "r%05zu", i);
		ok = !strcmp(M.revs[steps.items[i]].id, want);
	}
	CHECK(ok);
	dbm_vec_release(&steps);
	dbm_vec_release(&head);
	dbm_vec_release(&none);
	simulate(true);
}

/* Heads and bases against a brute-force count. */
static void check_heads_and_bases(void)
{
	unsigned char *has_child = dbm_xcalloc(M.len, 1);
	size_t nheads = 0, nbases = 0;
	for (size_t i = 0; i < M.len; i++)
		for (size_t j = 0; j < M.revs[i].ndown; j++)
			has_child[M.revs[i].parents[j]] = 1;
	for (size_t i = 0; i < M.len; i++) {
		nheads += !has_child[i];
		nbases += M.revs[i].ndown == 0;
	}
	free(has_child);
	CHECK(M.heads.len == nheads && nheads > 1);
	CHECK(M.bases.len == nbases && nbases > 1);
}

/*
 * A mainline with feature branches that mostly merge back, a few other
 * bases, labels on branch starts and dependencies across: thousands of
 * steps run one by one on the version rows.
 */
static void test_big_merging(void)
{
	struct dbm_revision *revs = dbm_xcalloc(BIG, sizeof(*revs));
	struct {
		size_t tip, left;
	} open[64];
	size_t nopen = 0, main_tip = 0;
	char buf[32];

	rng_state = 0x2545f4914f6cdd1du;
	set_id(&revs[file_pos(0)], "m", 0);
	for (size_t i = 1; i < BIG; i++) {
		struct dbm_revision *r = &revs[file_pos(i)];
		uint64_t roll = rng();
		set_id(r, "m", i);
		if (roll % 997 == 0 && nopen < 64) {
			/* another base, merged in later like a branch */
			open[nopen].tip = i;
			open[nopen++].left = 1 + rng() % 10;
		} else if (roll % 20 == 0 && nopen < 64) {
			snprintf(buf, sizeof(buf), "m%05zu", main_tip);
			push_str(&r->down, &r->ndown, buf);
			snprintf(buf, sizeof(buf), "L%zu", i);
			push_str(&r->labels, &r->nlabels, buf);
			open[nopen].tip = i;
			open[nopen++].left = rng() % 10;
		} else if (nopen && roll % 3 == 0) {
			size_t b = (size_t)(rng() % nopen);
			if (open[b].left) {
				snprintf(buf, sizeof(buf), "m%05zu",
					 open[b].tip);
				push_str(&r->down, &r->ndown, buf);
				open[b].tip = i;
				open[b].left--;
				continue;
			}
			/* done: merge it, or abandon it (its tip a head) */
			if (rng() % 5) {
				snprintf(buf, sizeof(buf), "m%05zu",
					 open[b].tip);
				push_str(&r->down, &r->ndown, buf);
			}
			snprintf(buf, sizeof(buf), "m%05zu", main_tip);
			push_str(&r->down, &r->ndown, buf);
			main_tip = i;
			open[b] = open[--nopen];
		} else {
			snprintf(buf, sizeof(buf), "m%05zu", main_tip);
			push_str(&r->down, &r->ndown, buf);
			main_tip = i;
		}
		if (i > 1 && rng() % 50 == 0) {
			snprintf(buf, sizeof(buf), "m%05zu",
				 (size_t)(rng() % (i - 1)));
			push_str(&r->depends, &r->ndepends, buf);
		}
	}
	build_big(revs);
	check_heads_and_bases();
	CHECK(M.heads.len < 200);
	simulate(true);
}

/*
 * A wide graph: random near parents, merges and dependencies leave
 * thousands of heads. Built, resolved and ordered.
 */
static void test_big_branchy(void)
{
	struct dbm_revision *revs = dbm_xcalloc(BIG, sizeof(*revs));
	rng_state = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < BIG; i++) {
		struct dbm_revision *r = &revs[file_pos(i)];
		char buf[32];
		set_id(r, "x", i);
		if (i == 0 || rng() % 97 == 0)
			continue; /* a base */
		size_t span = i < 8 ? i : 8;
		size_t p1 = i - 1 - rng() % span;
		snprintf(buf, sizeof(buf), "x%05zu", p1);
		push_str(&r->down, &r->ndown, buf);
		if (rng() % 6 == 0) {
			size_t span2 = i < 16 ? i : 16;
			size_t p2 = i - 1 - rng() % span2;
			if (p2 != p1) {
				snprintf(buf, sizeof(buf), "x%05zu", p2);
				push_str(&r->down, &r->ndown, buf);
			}
		}
		if (i > 1 && rng() % 40 == 0) {
			snprintf(buf, sizeof(buf), "x%05zu",
				 (size_t)(rng() % i));
			push_str(&r->depends, &r->ndepends, buf);
		}
		if (rng() % 500 == 0) {
			snprintf(buf, sizeof(buf), "L%zu", i);
			push_str(&r->labels, &r->nlabels, buf);
		}
	}
	build_big(revs);
	check_heads_and_bases();

	/* each head is its own label@head; labels resolve */
	bool ok = true;
	for (size_t i = 0; i < M.heads.len && i < 50; i++) {
		char spec[64];
		const char *id = M.revs[M.heads.items[i]].id;
		snprintf(spec, sizeof(spec), "%s@head", id);
		ok = ok && !strcmp(resolve("", spec), id);
	}
	CHECK(ok);
	for (size_t i = 0; i < M.len; i++)
		if (M.revs[i].nlabels) {
			CHECK_STR(resolve("", M.revs[i].labels[0]),
				  M.revs[i].id);
			break;
		}

	/* is_ancestor against upgrade_steps on random pairs */
	struct dbm_err err = DBM_ERR_INIT;
	dbm_revset none = DBM_VEC_INIT, one = DBM_VEC_INIT;
	dbm_revset steps = DBM_VEC_INIT;
	ok = true;
	for (int k = 0; k < 200; k++) {
		size_t b = (size_t)(rng() % M.len), a = (size_t)(rng() % M.len);
		one.len = 0;
		dbm_vec_push(&one, b);
		dbm_revmap_upgrade_steps(&M, &none, &one, &steps, &err);
		bool brute = false;
		for (size_t i = 0; i < steps.len; i++)
			brute = brute || steps.items[i] == a;
		ok = ok && brute == dbm_revmap_is_ancestor(&M, a, b);
	}
	CHECK(ok);
	dbm_vec_release(&steps);
	dbm_vec_release(&one);
	dbm_vec_release(&none);
	simulate(false);
}

int main(void)
{
	test_build_errors();
	test_build_links();
	test_topological_order();
	test_lookup();
	test_resolve();
	test_upgrade_steps();
	test_downgrade_steps();
	test_version_deltas();
	test_runs();
	test_is_ancestor_and_range();
	test_big_linear();
	test_big_branchy();
	test_big_merging();
	dbm_revmap_release(&M);
	return t_done();
}
