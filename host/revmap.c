/*
 * The revision map: pure graph logic, no I/O.
 *
 * Private layout, so the public struct stays as declared:
 *   map->slots  2 * nslots words of open-addressing hash (per slot: the
 *               revision index, then 0 for its id or j + 1 for its label
 *               j; an empty slot has NONE as revision), followed by len
 *               revision indexes sorted by id (for prefix lookups).
 *   map->topo   len indexes in topological order, followed by len words
 *               giving each revision's position in that order.
 *
 * Every walk over the graph is a single pass with a mark array (a sparse
 * set in step_down, whose walk is cut short), so each public operation is
 * O(n + edges); building is O(n log n).
 */
#include "revmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define NONE SIZE_MAX
/* How many names an error message lists before "...". */
#define MAX_NAMES	 10
#define MAX_PREFIX_NAMES 3

/* Bits in a mark array; each function says what it uses them for. */
enum {
	M_A = 1,
	M_B = 2,
	M_C = 4,
};

/* -- small helpers -------------------------------------------------------- */

static const char *pathof(const struct dbm_revision *rev)
{
	return rev->path ? rev->path : rev->id;
}

static void check_index(const struct dbm_revmap *map, size_t i)
{
	if (i >= map->len)
		DBM_BUG("revision index out of range");
}

static void check_set(const struct dbm_revmap *map, const dbm_revset *set)
{
	for (size_t i = 0; set && i < set->len; i++)
		check_index(map, set->items[i]);
}

static unsigned char *marks_new(const struct dbm_revmap *map)
{
	return dbm_xcalloc(map->len ? map->len : 1, 1);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static void sort_indexes(dbm_revset *set)
{
	if (set->len > 1)
		qsort(set->items, set->len, sizeof(*set->items), cmp_size);
}

/* An id, with its first 8 bytes as a number that sorts as they do. */
struct id_pair {
	uint64_t prefix;
	const char *id;
	size_t idx;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct id_pair *x = a, *y = b;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sort items[0..n) by revision id. */
static void sort_by_id(const struct dbm_revmap *map, size_t *items, size_t n)
{
	if (n < 2)
		return;
	struct id_pair *pairs = dbm_xmalloc(n * sizeof(*pairs));
	for (size_t i = 0; i < n; i++) {
		pairs[i].id = map->revs[items[i]].id;
		pairs[i].prefix = dbm_str_prefix64(pairs[i].id);
		pairs[i].idx = items[i];
	}
	qsort(pairs, n, sizeof(*pairs), cmp_pair);
	for (size_t i = 0; i < n; i++)
		items[i] = pairs[i].idx;
	free(pairs);
}

/* Append "'a', 'b', ..." naming revisions items[0..n). */
static void add_names(struct dbm_buf *b, const struct dbm_revmap *map,
		      const size_t *items, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++)
		dbm_buf_addf(b, "%s'%s'", i ? ", " : "",
			     map->revs[items[i]].id);
	if (n > max)
		dbm_buf_adds(b, ", ...");
}

static bool set_has(const dbm_revset *set, size_t v)
{
	for (size_t i = 0; set && i < set->len; i++)
		if (set->items[i] == v)
			return true;
	return false;
}

static size_t *sorted_ids(const struct dbm_revmap *map)
{
	return map->slots + 2 * map->nslots;
}

static size_t *topo_pos(const struct dbm_revmap *map)
{
	return map->topo + map->len;
}

/* -- the hash index over ids and branch labels ---------------------------- */

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return (size_t)(h ^ (h >> 29));
}

static const char *slot_key(const struct dbm_revmap *map, size_t slot)
{
	const struct dbm_revision *rev = &map->revs[map->slots[2 * slot]];
	size_t which = map->slots[2 * slot + 1];
	return which ? rev->labels[which - 1] : rev->id;
}

/*
 * The slot holding key (an id, or with ids_only false also a label), or
 * the empty slot where it would go.
 */
static size_t probe(const struct dbm_revmap *map, const char *key,
		    bool ids_only)
{
	size_t mask = map->nslots - 1;
	size_t i = hash_str(key) & mask;
	for (;; i = (i + 1) & mask) {
		if (map->slots[2 * i] == NONE)
			return i;
		if (ids_only && map->slots[2 * i + 1] != 0)
			continue;
		if (strcmp(slot_key(map, i), key) == 0)
			return i;
	}
}

/* The revision whose id (or label) is key, or NONE. */
static size_t find_key(const struct dbm_revmap *map, const char *key,
		       bool ids_only)
{
	if (!map->nslots)
		return NONE;
	return map->slots[2 * probe(map, key, ids_only)];
}

/*
 * Revisions whose id starts with prefix, in id order: up to max of them
 * into found, and how many there are in all (counting stops at max + 1).
 */
static size_t find_prefix(const struct dbm_revmap *map, const char *prefix,
			  size_t *found, size_t max)
{
	const size_t *sorted = sorted_ids(map);
	size_t plen = strlen(prefix), lo = 0, hi = map->len, count = 0;
	if (!plen)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(map->revs[sorted[mid]].id, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < map->len && count <= max; lo++) {
		if (strncmp(map->revs[sorted[lo]].id, prefix, plen) != 0)
			break;
		if (count < max)
			found[count] = sorted[lo];
		count++;
	}
	return count;
}

static int index_ids(struct dbm_revmap *map, struct dbm_err *err)
{
	size_t nkeys = map->len;
	for (size_t i = 0; i < map->len; i++)
		nkeys += map->revs[i].nlabels;
	map->nslots = 8;
	while (map->nslots < 2 * nkeys)
		map->nslots *= 2;
	map->slots =
	    dbm_xmalloc((2 * map->nslots + map->len) * sizeof(*map->slots));
	for (size_t i = 0; i < map->nslots; i++)
		map->slots[2 * i] = NONE;

	for (size_t i = 0; i < map->len; i++) {
		const struct dbm_revision *rev = &map->revs[i];
		if (!rev->id)
			DBM_BUG("revision without an id");
		if (!*rev->id)
			return dbm_err_set(err, DBM_EUSAGE,
					   "revision id in '%s' is empty",
					   pathof(rev));
		const char *bad = strpbrk(rev->id, "@+-");
		if (bad)
			return dbm_err_set(err, DBM_EUSAGE,
					   "character '%c' not allowed in "
					   "revision identifier '%s'",
					   *bad, rev->id);
		size_t s = probe(map, rev->id, true);
		if (map->slots[2 * s] != NONE)
			return dbm_err_set(
			    err, DBM_EUSAGE,
			    "revision '%s' is present more than once: "
			    "'%s' and '%s'",
			    rev->id, pathof(&map->revs[map->slots[2 * s]]),
			    pathof(rev));
		map->slots[2 * s] = i;
		map->slots[2 * s + 1] = 0;
	}

	size_t *sorted = sorted_ids(map);
	for (size_t i = 0; i < map->len; i++)
		sorted[i] = i;
	sort_by_id(map, sorted, map->len);
	return 0;
}

static int index_labels(struct dbm_revmap *map, struct dbm_err *err)
{
	for (size_t i = 0; i < map->len; i++) {
		const struct dbm_revision *rev = &map->revs[i];
		for (size_t j = 0; j < rev->nlabels; j++) {
			size_t s = probe(map, rev->labels[j], false);
			if (map->slots[2 * s] != NONE)
				return dbm_err_set(
				    err, DBM_EUSAGE,
				    "branch name '%s' in revision '%s' "
				    "already used by revision '%s'",
				    rev->labels[j], rev->id,
				    map->revs[map->slots[2 * s]].id);
			map->slots[2 * s] = i;
			map->slots[2 * s + 1] = j + 1;
		}
	}
	return 0;
}

/* -- linking and ordering ------------------------------------------------- */

static int link_revisions(struct dbm_revmap *map, struct dbm_err *err)
{
	for (size_t i = 0; i < map->len; i++) {
		struct dbm_revision *rev = &map->revs[i];
		if (rev->ndown)
			rev->parents =
			    dbm_xmalloc(rev->ndown * sizeof(*rev->parents));
		for (size_t j = 0; j < rev->ndown; j++) {
			size_t p = find_key(map, rev->down[j], true);
			if (p == NONE)
				return dbm_err_set(err, DBM_EUSAGE,
						   "revision '%s' referenced "
						   "from '%s' is not present",
						   rev->down[j], rev->id);
			for (size_t k = 0; k < j; k++)
				if (rev->parents[k] == p)
					return dbm_err_set(
					    err, DBM_EUSAGE,
					    "revision '%s' names down "
					    "revision '%s' more than once",
					    rev->id, rev->down[j]);
			rev->parents[j] = p;
		}
		if (rev->ndepends)
			rev->deps =
			    dbm_xmalloc(rev->ndepends * sizeof(*rev->deps));
		for (size_t j = 0; j < rev->ndepends; j++) {
			size_t found[MAX_PREFIX_NAMES];
			size_t d = find_key(map, rev->depends[j], false);
			if (d == NONE) {
				size_t n =
				    find_prefix(map, rev->depends[j], found, 1);
				if (n == 0)
					return dbm_err_set(
					    err, DBM_EUSAGE,
					    "revision '%s' referenced "
					    "from '%s' is not present",
					    rev->depends[j], rev->id);
				if (n > 1) {
					struct dbm_err sub = DBM_ERR_INIT;
					size_t out;
					dbm_revmap_lookup(map, rev->depends[j],
							  &out, &sub);
					dbm_err_set(err, DBM_EUSAGE,
						    "depends_on of revision "
						    "'%s': %s",
						    rev->id, sub.msg);
					return -1;
				}
				d = found[0];
			}
			rev->deps[j] = d;
		}
	}

	/* Children, each list in index order. */
	for (size_t i = 0; i < map->len; i++)
		for (size_t j = 0; j < map->revs[i].ndown; j++)
			map->revs[map->revs[i].parents[j]].nchildren++;
	for (size_t i = 0; i < map->len; i++) {
		struct dbm_revision *rev = &map->revs[i];
		if (rev->nchildren)
			rev->children = dbm_xmalloc(rev->nchildren *
						    sizeof(*rev->children));
		rev->nchildren = 0;
	}
	for (size_t i = 0; i < map->len; i++)
		for (size_t j = 0; j < map->revs[i].ndown; j++) {
			struct dbm_revision *p =
			    &map->revs[map->revs[i].parents[j]];
			p->children[p->nchildren++] = i;
		}
	return 0;
}

/* A binary min-heap of indexes. */
static void heap_push(size_t *h, size_t *len, size_t v)
{
	size_t i = (*len)++;
	while (i) {
		size_t p = (i - 1) / 2;
		if (h[p] <= v)
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = v;
}

static size_t heap_pop(size_t *h, size_t *len)
{
	size_t top = h[0], v = h[--*len], n = *len, i = 0;
	if (!n)
		return top;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1] < h[c])
			c++;
		if (v <= h[c])
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = v;
	return top;
}

/*
 * Mark in on_cycle the revisions that lie on a cycle: members of a
 * strongly connected component of 2+ nodes, or with an edge to
 * themselves. Only nodes with alive set take part (Tarjan, iterative).
 */
static void find_cycles(size_t n, const size_t *estart, const size_t *edges,
			const unsigned char *alive, unsigned char *on_cycle)
{
	size_t *num = dbm_xmalloc((n ? n : 1) * sizeof(*num));
	size_t *low = dbm_xmalloc((n ? n : 1) * sizeof(*low));
	size_t *stack = dbm_xmalloc((n ? n : 1) * sizeof(*stack));
	size_t *call_v = dbm_xmalloc((n ? n : 1) * sizeof(*call_v));
	size_t *call_e = dbm_xmalloc((n ? n : 1) * sizeof(*call_e));
	unsigned char *on_stack = dbm_xcalloc(n ? n : 1, 1);
	size_t counter = 0, sp = 0, csp = 0;

	for (size_t v = 0; v < n; v++)
		num[v] = NONE;
	for (size_t s = 0; s < n; s++) {
		if (!alive[s] || num[s] != NONE)
			continue;
		num[s] = low[s] = counter++;
		stack[sp++] = s;
		on_stack[s] = 1;
		call_v[csp] = s;
		call_e[csp++] = estart[s];
		while (csp) {
			size_t v = call_v[csp - 1];
			if (call_e[csp - 1] < estart[v + 1]) {
				size_t w = edges[call_e[csp - 1]++];
				if (!alive[w])
					continue;
				if (num[w] == NONE) {
					num[w] = low[w] = counter++;
					stack[sp++] = w;
					on_stack[w] = 1;
					call_v[csp] = w;
					call_e[csp++] = estart[w];
				} else if (on_stack[w] && num[w] < low[v]) {
					low[v] = num[w];
				}
				continue;
			}
			csp--;
			if (csp && low[v] < low[call_v[csp - 1]])
				low[call_v[csp - 1]] = low[v];
			if (low[v] != num[v])
				continue;
			size_t first = sp;
			do
				first--;
			while (stack[first] != v);
			bool cycle = sp - first > 1;
			for (size_t e = estart[v]; !cycle && e < estart[v + 1];
			     e++)
				cycle = edges[e] == v;
			for (size_t k = first; k < sp; k++) {
				on_stack[stack[k]] = 0;
				if (cycle)
					on_cycle[stack[k]] = 1;
			}
			sp = first;
		}
	}
	free(on_stack);
	free(call_e);
	free(call_v);
	free(stack);
	free(low);
	free(num);
}

/*
 * Order revisions with Kahn's algorithm over parent->child and
 * dependency->dependent edges, always taking the lowest ready index.
 */
static int order_revisions(struct dbm_revmap *map, struct dbm_err *err)
{
	size_t n = map->len;
	size_t *estart = dbm_xcalloc(n + 1, sizeof(*estart));
	size_t *indeg = dbm_xcalloc(n ? n : 1, sizeof(*indeg));
	size_t *heap = dbm_xmalloc((n ? n : 1) * sizeof(*heap));
	size_t *edges = NULL, nedges = 0, hlen = 0, done = 0;
	unsigned char *alive = NULL, *on_cycle = NULL;
	struct dbm_buf msg = DBM_BUF_INIT;
	int rc = -1;

	/* Out-edges in CSR form: estart[v]..estart[v + 1]. */
	for (size_t i = 0; i < n; i++) {
		const struct dbm_revision *rev = &map->revs[i];
		for (size_t j = 0; j < rev->ndown; j++)
			estart[rev->parents[j] + 1]++;
		for (size_t j = 0; j < rev->ndepends; j++)
			estart[rev->deps[j] + 1]++;
		indeg[i] = rev->ndown + rev->ndepends;
		nedges += rev->ndown + rev->ndepends;
	}
	for (size_t i = 0; i < n; i++)
		estart[i + 1] += estart[i];
	edges = dbm_xmalloc((nedges ? nedges : 1) * sizeof(*edges));
	{
		size_t *fill = dbm_xmalloc((n ? n : 1) * sizeof(*fill));
		memcpy(fill, estart, n * sizeof(*fill));
		for (size_t i = 0; i < n; i++) {
			const struct dbm_revision *rev = &map->revs[i];
			for (size_t j = 0; j < rev->ndown; j++)
				edges[fill[rev->parents[j]]++] = i;
			for (size_t j = 0; j < rev->ndepends; j++)
				edges[fill[rev->deps[j]]++] = i;
		}
		free(fill);
	}

	map->topo = dbm_xmalloc((n ? 2 * n : 1) * sizeof(*map->topo));
	for (size_t i = 0; i < n; i++)
		if (!indeg[i])
			heap_push(heap, &hlen, i);
	while (hlen) {
		size_t v = heap_pop(heap, &hlen);
		topo_pos(map)[v] = done;
		map->topo[done++] = v;
		for (size_t e = estart[v]; e < estart[v + 1]; e++)
			if (--indeg[edges[e]] == 0)
				heap_push(heap, &hlen, edges[e]);
	}
	if (done < n) {
		alive = dbm_xcalloc(n, 1);
		on_cycle = dbm_xcalloc(n, 1);
		for (size_t i = 0; i < n; i++)
			alive[i] = indeg[i] != 0;
		find_cycles(n, estart, edges, alive, on_cycle);
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (on_cycle[i])
				heap[k++] = i;
		sort_by_id(map, heap, k);
		add_names(&msg, map, heap, k, MAX_NAMES);
		dbm_err_set(err, DBM_EUSAGE,
			    "cycle is detected in revisions (%s)", msg.buf);
		goto done;
	}
	rc = 0;
done:
	dbm_buf_release(&msg);
	free(on_cycle);
	free(alive);
	free(edges);
	free(heap);
	free(indeg);
	free(estart);
	return rc;
}

void dbm_revision_release(struct dbm_revision *rev)
{
	if (rev->block) {
		free(rev->block);
	} else {
		free(rev->id);
		for (size_t i = 0; i < rev->ndown; i++)
			free(rev->down[i]);
		free(rev->down);
		for (size_t i = 0; i < rev->nlabels; i++)
			free(rev->labels[i]);
		free(rev->labels);
		for (size_t i = 0; i < rev->ndepends; i++)
			free(rev->depends[i]);
		free(rev->depends);
		free(rev->message);
		free(rev->create_date);
	}
	free(rev->path);
	free(rev->parents);
	free(rev->deps);
	free(rev->children);
	memset(rev, 0, sizeof(*rev));
}

void dbm_revmap_release(struct dbm_revmap *map)
{
	for (size_t i = 0; i < map->len; i++)
		dbm_revision_release(&map->revs[i]);
	free(map->revs);
	dbm_vec_release(&map->heads);
	dbm_vec_release(&map->bases);
	free(map->slots);
	free(map->topo);
	*map = (struct dbm_revmap)DBM_REVMAP_INIT;
}

int dbm_revmap_build(struct dbm_revmap *out, struct dbm_revision *revs,
		     size_t n, struct dbm_err *err)
{
	struct dbm_revmap map = DBM_REVMAP_INIT;
	int rc = -1;

	*out = (struct dbm_revmap)DBM_REVMAP_INIT;
	map.revs = revs;
	map.len = n;
	if (index_ids(&map, err) < 0 || index_labels(&map, err) < 0 ||
	    link_revisions(&map, err) < 0 || order_revisions(&map, err) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		struct dbm_revision *rev = &map.revs[i];
		rev->is_head = rev->nchildren == 0;
		rev->is_base = rev->ndown == 0;
		rev->is_branch_point = rev->nchildren > 1;
		rev->is_merge_point = rev->ndown > 1;
		if (rev->is_head)
			dbm_vec_push(&map.heads, i);
		if (rev->is_base)
			dbm_vec_push(&map.bases, i);
	}
	*out = map;
	map = (struct dbm_revmap)DBM_REVMAP_INIT;
	rc = 0;
done:
	dbm_revmap_release(&map);
	return rc;
}

long dbm_revmap_find(const struct dbm_revmap *map, const char *id)
{
	size_t i = find_key(map, id, true);
	return i == NONE ? -1 : (long)i;
}

/* -- walks ---------------------------------------------------------------- */

/*
 * Set bit in mark for every ancestor of starts through parents and
 * dependencies: the starts themselves too, unless strict. Revisions before
 * position floor in the topological order are left out (0: none is).
 */
static void mark_ancestors(const struct dbm_revmap *map, const size_t *starts,
			   size_t nstarts, unsigned char *mark,
			   unsigned char bit, bool strict, size_t floor)
{
	const size_t *pos = topo_pos(map);
	dbm_revset stack = DBM_VEC_INIT;
	for (size_t i = 0; i < nstarts; i++) {
		const struct dbm_revision *rev = &map->revs[starts[i]];
		if (!strict) {
			dbm_vec_push(&stack, starts[i]);
			continue;
		}
		for (size_t j = 0; j < rev->ndown + rev->ndepends; j++)
			dbm_vec_push(&stack, j < rev->ndown
						 ? rev->parents[j]
						 : rev->deps[j - rev->ndown]);
	}
	while (stack.len) {
		size_t v = stack.items[--stack.len];
		if ((mark[v] & bit) || pos[v] < floor)
			continue;
		mark[v] |= bit;
		const struct dbm_revision *rev = &map->revs[v];
		for (size_t j = 0; j < rev->ndown + rev->ndepends; j++) {
			size_t w = j < rev->ndown ? rev->parents[j]
						  : rev->deps[j - rev->ndown];
			if (!(mark[w] & bit) && pos[w] >= floor)
				dbm_vec_push(&stack, w);
		}
	}
	dbm_vec_release(&stack);
}

/*
 * Extend bit from the revisions already carrying it to all their
 * descendants through children and dependents: one pass in topological
 * order.
 */
static void mark_descendants(const struct dbm_revmap *map, unsigned char *mark,
			     unsigned char bit)
{
	for (size_t k = 0; k < map->len; k++) {
		size_t v = map->topo[k];
		const struct dbm_revision *rev = &map->revs[v];
		for (size_t j = 0; !(mark[v] & bit) && j < rev->ndown; j++)
			if (mark[rev->parents[j]] & bit)
				mark[v] |= bit;
		for (size_t j = 0; !(mark[v] & bit) && j < rev->ndepends; j++)
			if (mark[rev->deps[j]] & bit)
				mark[v] |= bit;
	}
}

/* The heads reachable from rev through children, in index order. */
static void heads_above(const struct dbm_revmap *map, size_t rev,
			dbm_revset *out)
{
	unsigned char *mark = marks_new(map);
	dbm_revset stack = DBM_VEC_INIT;
	dbm_vec_push(&stack, rev);
	mark[rev] = 1;
	while (stack.len) {
		const struct dbm_revision *r =
		    &map->revs[stack.items[--stack.len]];
		if (!r->nchildren)
			dbm_vec_push(out, (size_t)(r - map->revs));
		for (size_t j = 0; j < r->nchildren; j++)
			if (!mark[r->children[j]]) {
				mark[r->children[j]] = 1;
				dbm_vec_push(&stack, r->children[j]);
			}
	}
	sort_indexes(out);
	dbm_vec_release(&stack);
	free(mark);
}

/* Is to reachable from from through down revisions only (up: children)? */
static bool reaches(const struct dbm_revmap *map, size_t from, size_t to,
		    bool up)
{
	unsigned char *mark = marks_new(map);
	dbm_revset stack = DBM_VEC_INIT;
	bool found = false;
	dbm_vec_push(&stack, from);
	mark[from] = 1;
	while (stack.len && !found) {
		size_t v = stack.items[--stack.len];
		const struct dbm_revision *r = &map->revs[v];
		const size_t *next = up ? r->children : r->parents;
		size_t nnext = up ? r->nchildren : r->ndown;
		found = v == to;
		for (size_t j = 0; j < nnext; j++)
			if (!mark[next[j]]) {
				mark[next[j]] = 1;
				dbm_vec_push(&stack, next[j]);
			}
	}
	dbm_vec_release(&stack);
	free(mark);
	return found;
}

bool dbm_revmap_is_ancestor(const struct dbm_revmap *map, size_t a, size_t b)
{
	check_index(map, a);
	check_index(map, b);
	if (a == b)
		return true;
	const size_t *pos = topo_pos(map);
	if (pos[a] > pos[b])
		return false;
	unsigned char *mark = marks_new(map);
	dbm_revset stack = DBM_VEC_INIT;
	bool found = false;
	dbm_vec_push(&stack, b);
	while (stack.len && !found) {
		size_t v = stack.items[--stack.len];
		const struct dbm_revision *r = &map->revs[v];
		found = v == a;
		/* Nothing before a in the order can lead down to a. */
		for (size_t j = 0; j < r->ndown + r->ndepends; j++) {
			size_t w = j < r->ndown ? r->parents[j]
						: r->deps[j - r->ndown];
			if (!mark[w] && pos[w] >= pos[a]) {
				mark[w] = 1;
				dbm_vec_push(&stack, w);
			}
		}
	}
	dbm_vec_release(&stack);
	free(mark);
	return found;
}

/* -- resolving ------------------------------------------------------------ */

int dbm_revmap_lookup(const struct dbm_revmap *map, const char *ident,
		      size_t *out, struct dbm_err *err)
{
	size_t found[MAX_PREFIX_NAMES];
	size_t i = find_key(map, ident, false);
	if (i != NONE) {
		*out = i;
		return 0;
	}
	size_t n =
	    map->len ? find_prefix(map, ident, found, MAX_PREFIX_NAMES) : 0;
	if (n == 1) {
		*out = found[0];
		return 0;
	}
	if (n == 0)
		return dbm_err_set(
		    err, DBM_EUSAGE, "no such revision or branch '%s'%s", ident,
		    strlen(ident) < 4
			? "; please ensure at least four characters "
			  "are present for partial revision "
			  "identifier matches"
			: "");
	struct dbm_buf names = DBM_BUF_INIT;
	add_names(&names, map, found, n, MAX_PREFIX_NAMES);
	dbm_err_set(err, DBM_EUSAGE, "multiple revisions start with '%s': %s",
		    ident, names.buf);
	dbm_buf_release(&names);
	return -1;
}

static int multiple_heads(const char *argument, struct dbm_err *err)
{
	return dbm_err_set(err, DBM_EUSAGE,
			   "multiple head revisions are present for given "
			   "argument '%s'; please specify a specific target "
			   "revision, '<branchname>@head' to narrow to a "
			   "specific head, or 'heads' for all heads",
			   argument);
}

/* heads, less those another revision depends on (Alembic's real heads). */
static void real_heads(const struct dbm_revmap *map, dbm_revset *out)
{
	unsigned char *depended = marks_new(map);
	for (size_t i = 0; i < map->len; i++)
		for (size_t j = 0; j < map->revs[i].ndepends; j++)
			depended[map->revs[i].deps[j]] = 1;
	for (size_t i = 0; i < map->heads.len; i++)
		if (!depended[map->heads.items[i]])
			dbm_vec_push(out, map->heads.items[i]);
	free(depended);
}

/* BRANCH@WHAT: WHAT is head, heads, base or a revision on the branch. */
static int resolve_at(const struct dbm_revmap *map, const char *spec,
		      const char *at, dbm_revset *out, struct dbm_err *err)
{
	char *label = dbm_xstrndup(spec, (size_t)(at - spec));
	const char *what = at + 1;
	size_t branch, rev;
	int rc = -1;

	if (dbm_revmap_lookup(map, label, &branch, err) < 0)
		goto done;
	if (!strcmp(what, "head") || !strcmp(what, "heads")) {
		heads_above(map, branch, out);
		if (out->len > 1 && !strcmp(what, "head")) {
			multiple_heads(spec, err);
			goto done;
		}
	} else if (!strcmp(what, "base")) {
		/* the empty set */
	} else {
		if (dbm_revmap_lookup(map, what, &rev, err) < 0)
			goto done;
		if (!reaches(map, branch, rev, true) &&
		    !reaches(map, branch, rev, false)) {
			dbm_err_set(err, DBM_EUSAGE,
				    "revision '%s' is not a member of branch "
				    "'%s'",
				    map->revs[rev].id, label);
			goto done;
		}
		dbm_vec_push(out, rev);
	}
	rc = 0;
done:
	free(label);
	return rc;
}

/* Every form but the relative ones. */
static int resolve_abs(const struct dbm_revmap *map, const char *spec,
		       dbm_revset *out, struct dbm_err *err)
{
	size_t rev;
	const char *at;

	if (!strcmp(spec, "head")) {
		if (map->heads.len > 1)
			return multiple_heads(spec, err);
		if (map->heads.len)
			dbm_vec_push(out, map->heads.items[0]);
		return 0;
	}
	if (!strcmp(spec, "heads")) {
		real_heads(map, out);
		return 0;
	}
	if (!strcmp(spec, "base"))
		return 0;
	rev = find_key(map, spec, false);
	if (rev == NONE && (at = strchr(spec, '@')))
		return resolve_at(map, spec, at, out, err);
	if (rev == NONE && dbm_revmap_lookup(map, spec, &rev, err) < 0)
		return -1;
	dbm_vec_push(out, rev);
	return 0;
}

/*
 * Walk steps up (children) or down (parents) from start (the base when
 * empty). spec names the whole argument in messages.
 */
static int walk(const struct dbm_revmap *map, const char *spec,
		const dbm_revset *start, bool up, size_t steps,
		bool from_current, dbm_revset *out, struct dbm_err *err)
{
	struct dbm_buf names = DBM_BUF_INIT;
	bool at_base = start->len == 0;
	size_t cur = at_base ? 0 : start->items[0];
	int rc = -1;

	if (steps == 0) {
		for (size_t i = 0; i < start->len; i++)
			dbm_vec_push(out, start->items[i]);
		return 0;
	}
	if (start->len > 1) {
		add_names(&names, map, start->items, start->len, MAX_NAMES);
		dbm_err_set(err, DBM_EUSAGE,
			    "relative revision '%s' is ambiguous: it starts "
			    "from several revisions %s",
			    spec, names.buf);
		goto done;
	}
	if (!up && at_base && from_current) {
		dbm_err_set(err, DBM_EUSAGE,
			    "relative revision '%s' needs a current revision; "
			    "there is none",
			    spec);
		goto done;
	}
	for (size_t s = 0; s < steps; s++) {
		const struct dbm_revision *r = at_base ? NULL : &map->revs[cur];
		if (up && at_base) {
			if (map->bases.len == 0) {
				dbm_err_set(err, DBM_EUSAGE,
					    "relative revision '%s' goes past "
					    "the head: there are no revisions",
					    spec);
				goto done;
			}
			if (map->bases.len > 1) {
				add_names(&names, map, map->bases.items,
					  map->bases.len, MAX_NAMES);
				dbm_err_set(err, DBM_EUSAGE,
					    "ambiguous walk from base: bases "
					    "%s; name the target",
					    names.buf);
				goto done;
			}
			cur = map->bases.items[0];
			at_base = false;
		} else if (up) {
			if (r->nchildren == 0) {
				dbm_err_set(err, DBM_EUSAGE,
					    "relative revision '%s' goes past "
					    "the head '%s'",
					    spec, r->id);
				goto done;
			}
			if (r->nchildren > 1) {
				add_names(&names, map, r->children,
					  r->nchildren, MAX_NAMES);
				dbm_err_set(err, DBM_EUSAGE,
					    "ambiguous walk from branch point "
					    "'%s': children %s; name the "
					    "target",
					    r->id, names.buf);
				goto done;
			}
			cur = r->children[0];
		} else if (at_base) {
			break; /* below the base is the base */
		} else if (r->ndown == 0) {
			at_base = true;
		} else if (r->ndown > 1) {
			add_names(&names, map, r->parents, r->ndown, MAX_NAMES);
			dbm_err_set(err, DBM_EUSAGE,
				    "ambiguous walk from merge point '%s': "
				    "parents %s; name the target",
				    r->id, names.buf);
			goto done;
		} else {
			cur = r->parents[0];
		}
	}
	if (!at_base)
		dbm_vec_push(out, cur);
	rc = 0;
done:
	dbm_buf_release(&names);
	return rc;
}

/*
 * Split SPEC into a base and a trailing [+-]digits. Returns false when
 * there is no such suffix.
 */
static bool parse_relative(const char *spec, size_t *base_len, bool *up,
			   size_t *steps)
{
	size_t len = strlen(spec), i = len;
	while (i > 0 && spec[i - 1] >= '0' && spec[i - 1] <= '9')
		i--;
	if (i == len || i == 0 || (spec[i - 1] != '+' && spec[i - 1] != '-'))
		return false;
	*up = spec[i - 1] == '+';
	*base_len = i - 1;
	*steps = 0;
	for (; i < len; i++) {
		size_t d = (size_t)(spec[i] - '0');
		if (*steps > (SIZE_MAX - d) / 10) {
			*steps = SIZE_MAX;
			break;
		}
		*steps = *steps * 10 + d;
	}
	return true;
}

int dbm_revmap_resolve(const struct dbm_revmap *map, const char *spec,
		       const dbm_revset *current, dbm_revset *out,
		       struct dbm_err *err)
{
	dbm_revset start = DBM_VEC_INIT;
	size_t base_len, steps;
	bool up;
	char *base = NULL;
	int rc = -1;

	/* current may be out itself: take a copy before resetting out. */
	check_set(map, current);
	for (size_t i = 0; current && i < current->len; i++)
		dbm_vec_push(&start, current->items[i]);
	out->len = 0;
	if (!strcmp(spec, "head") || !strcmp(spec, "heads") ||
	    !strcmp(spec, "base") || find_key(map, spec, false) != NONE ||
	    !parse_relative(spec, &base_len, &up, &steps)) {
		rc = resolve_abs(map, spec, out, err);
		goto done;
	}
	base = dbm_xstrndup(spec, base_len);
	if (base_len && base[base_len - 1] == '@') {
		dbm_err_set(err, DBM_EUSAGE,
			    "branch-relative revision '%s' is not supported; "
			    "name a revision of the branch, as in 'REV%s'",
			    spec, spec + base_len);
		goto done;
	}
	if (base_len) {
		start.len = 0;
		if (resolve_abs(map, base, &start, err) < 0)
			goto done;
	}
	rc = walk(map, spec, &start, up, steps, !base_len, out, err);
done:
	if (rc < 0)
		out->len = 0;
	free(base);
	dbm_vec_release(&start);
	return rc;
}

/* -- steps ---------------------------------------------------------------- */

int dbm_revmap_upgrade_steps(const struct dbm_revmap *map,
			     const dbm_revset *current,
			     const dbm_revset *target, dbm_revset *out,
			     struct dbm_err *err)
{
	(void)err;
	out->len = 0;
	check_set(map, current);
	check_set(map, target);
	/* M_A: needed by target; M_B: applied already. */
	unsigned char *mark = marks_new(map);
	if (target)
		mark_ancestors(map, target->items, target->len, mark, M_A,
			       false, 0);
	if (current)
		mark_ancestors(map, current->items, current->len, mark, M_B,
			       false, 0);
	for (size_t k = 0; k < map->len; k++) {
		size_t v = map->topo[k];
		if ((mark[v] & (M_A | M_B)) == M_A)
			dbm_vec_push(out, v);
	}
	free(mark);
	return 0;
}

int dbm_revmap_downgrade_steps(const struct dbm_revmap *map,
			       const dbm_revset *current,
			       const dbm_revset *target, dbm_revset *out,
			       struct dbm_err *err)
{
	static const dbm_revset none = DBM_VEC_INIT;
	struct dbm_buf names = DBM_BUF_INIT;
	unsigned char *mark = marks_new(map);
	int rc = -1;

	out->len = 0;
	if (!current)
		current = &none;
	if (!target)
		target = &none;
	check_set(map, current);
	check_set(map, target);
	/* M_A: applied; M_B: kept (target and below); M_C: above target. */
	mark_ancestors(map, current->items, current->len, mark, M_A, false, 0);
	mark_ancestors(map, target->items, target->len, mark, M_B, false, 0);
	for (size_t i = 0; i < target->len; i++) {
		size_t t = target->items[i];
		if (mark[t] & M_A)
			continue;
		if (current->len)
			add_names(&names, map, current->items, current->len,
				  MAX_NAMES);
		else
			dbm_buf_adds(&names, "(none)");
		dbm_err_set(err, DBM_EUSAGE,
			    "revision '%s' is not an ancestor of the current "
			    "revision(s) %s",
			    map->revs[t].id, names.buf);
		goto done;
	}
	if (target->len) {
		for (size_t i = 0; i < target->len; i++) {
			const struct dbm_revision *t =
			    &map->revs[target->items[i]];
			for (size_t j = 0; j < t->nchildren; j++)
				mark[t->children[j]] |= M_C;
		}
		mark_descendants(map, mark, M_C);
	} else {
		for (size_t v = 0; v < map->len; v++)
			mark[v] |= M_C;
	}
	for (size_t k = map->len; k-- > 0;) {
		size_t v = map->topo[k];
		if ((mark[v] & (M_A | M_B | M_C)) == (M_A | M_C))
			dbm_vec_push(out, v);
	}
	rc = 0;
done:
	dbm_buf_release(&names);
	free(mark);
	return rc;
}

/*
 * A set of indexes (open addressing), for walks that touch few revisions
 * of a big map: its cost follows what is visited, not the map's size.
 */
struct idxset {
	size_t *slots;
	size_t cap, len;
};

static size_t idxset_slot(const struct idxset *s, size_t v)
{
	size_t mask = s->cap - 1;
	size_t i = (size_t)(((uint64_t)v * 0x9e3779b97f4a7c15u) >> 24) & mask;
	while (s->slots[i] != NONE && s->slots[i] != v)
		i = (i + 1) & mask;
	return i;
}

static bool idxset_has(const struct idxset *s, size_t v)
{
	return s->cap && s->slots[idxset_slot(s, v)] == v;
}

/* Add v; was it new? */
static bool idxset_add(struct idxset *s, size_t v)
{
	if (2 * (s->len + 1) > s->cap) {
		struct idxset old = *s;
		s->cap = old.cap ? 2 * old.cap : 16;
		s->len = 0;
		s->slots = dbm_xmalloc(s->cap * sizeof(*s->slots));
		for (size_t i = 0; i < s->cap; i++)
			s->slots[i] = NONE;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i] != NONE)
				idxset_add(s, old.slots[i]);
		free(old.slots);
	}
	size_t i = idxset_slot(s, v);
	if (s->slots[i] == v)
		return false;
	s->slots[i] = v;
	s->len++;
	return true;
}

/*
 * Like mark_ancestors, into a sparse set: the ancestors of starts (the
 * starts too unless strict) at or after position floor.
 */
static void collect_ancestors(const struct dbm_revmap *map,
			      const size_t *starts, size_t nstarts,
			      struct idxset *seen, bool strict, size_t floor)
{
	const size_t *pos = topo_pos(map);
	dbm_revset stack = DBM_VEC_INIT;
	for (size_t i = 0; i < nstarts; i++) {
		const struct dbm_revision *rev = &map->revs[starts[i]];
		if (!strict) {
			dbm_vec_push(&stack, starts[i]);
			continue;
		}
		for (size_t j = 0; j < rev->ndown + rev->ndepends; j++)
			dbm_vec_push(&stack, j < rev->ndown
						 ? rev->parents[j]
						 : rev->deps[j - rev->ndown]);
	}
	while (stack.len) {
		size_t v = stack.items[--stack.len];
		if (pos[v] < floor || !idxset_add(seen, v))
			continue;
		const struct dbm_revision *rev = &map->revs[v];
		for (size_t j = 0; j < rev->ndown + rev->ndepends; j++) {
			size_t w = j < rev->ndown ? rev->parents[j]
						  : rev->deps[j - rev->ndown];
			if (pos[w] >= floor && !idxset_has(seen, w))
				dbm_vec_push(&stack, w);
		}
	}
	dbm_vec_release(&stack);
}

/* Remove every occurrence of v from set; was it there? */
static bool set_remove(dbm_revset *set, size_t v)
{
	size_t k = 0;
	for (size_t i = 0; i < set->len; i++)
		if (set->items[i] != v)
			set->items[k++] = set->items[i];
	bool found = k != set->len;
	set->len = k;
	return found;
}

void dbm_revmap_step_up(const struct dbm_revmap *map, dbm_revset *heads,
			size_t rev, dbm_revset *removed, dbm_revset *added)
{
	check_index(map, rev);
	check_set(map, heads);
	const struct dbm_revision *r = &map->revs[rev];
	removed->len = added->len = 0;
	for (size_t j = 0; j < r->ndown + r->ndepends; j++) {
		size_t p = j < r->ndown ? r->parents[j] : r->deps[j - r->ndown];
		if (!set_has(removed, p) && set_remove(heads, p))
			dbm_vec_push(removed, p);
	}
	sort_indexes(removed);
	if (!set_has(heads, rev)) {
		dbm_vec_push(heads, rev);
		dbm_vec_push(added, rev);
	}
}

void dbm_revmap_step_down(const struct dbm_revmap *map, dbm_revset *heads,
			  size_t rev, dbm_revset *removed, dbm_revset *added)
{
	check_index(map, rev);
	check_set(map, heads);
	const struct dbm_revision *r = &map->revs[rev];
	removed->len = added->len = 0;
	if (set_remove(heads, rev))
		dbm_vec_push(removed, rev);

	/*
	 * A candidate stays out when a remaining row implies it, or when it
	 * is strictly below another candidate (which implies it).
	 */
	dbm_revset cands = DBM_VEC_INIT;
	for (size_t j = 0; j < r->ndown + r->ndepends; j++) {
		size_t p = j < r->ndown ? r->parents[j] : r->deps[j - r->ndown];
		if (!set_has(&cands, p))
			dbm_vec_push(&cands, p);
	}
	if (cands.len) {
		/* Nothing before the lowest candidate can lead to one. */
		const size_t *pos = topo_pos(map);
		size_t floor = pos[cands.items[0]];
		for (size_t i = 1; i < cands.len; i++)
			if (pos[cands.items[i]] < floor)
				floor = pos[cands.items[i]];
		struct idxset implied = {NULL, 0, 0}, below = {NULL, 0, 0};
		collect_ancestors(map, heads->items, heads->len, &implied,
				  false, floor);
		if (cands.len > 1)
			collect_ancestors(map, cands.items, cands.len, &below,
					  true, floor);
		for (size_t i = 0; i < cands.len; i++)
			if (!idxset_has(&implied, cands.items[i]) &&
			    !idxset_has(&below, cands.items[i]))
				dbm_vec_push(added, cands.items[i]);
		sort_indexes(added);
		for (size_t i = 0; i < added->len; i++)
			dbm_vec_push(heads, added->items[i]);
		free(below.slots);
		free(implied.slots);
	}
	dbm_vec_release(&cands);
}

void dbm_revmap_range(const struct dbm_revmap *map, const dbm_revset *lower,
		      const dbm_revset *upper, dbm_revset *out)
{
	unsigned char *mark = marks_new(map);
	out->len = 0;
	check_set(map, lower);
	check_set(map, upper);
	/* M_A: below upper; M_B: strictly below lower. */
	if (upper)
		mark_ancestors(map, upper->items, upper->len, mark, M_A, false,
			       0);
	else
		for (size_t v = 0; v < map->len; v++)
			mark[v] |= M_A;
	if (lower)
		mark_ancestors(map, lower->items, lower->len, mark, M_B, true,
			       0);
	for (size_t k = map->len; k-- > 0;) {
		size_t v = map->topo[k];
		if ((mark[v] & (M_A | M_B)) == M_A)
			dbm_vec_push(out, v);
	}
	free(mark);
}
