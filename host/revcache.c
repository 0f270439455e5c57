#include "revcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "fs.h"
#include "mem.h"

/*
 * The file: MAGIC, an endianness mark, the versions directory's absolute
 * path, the number of records, the records. A record: the stamp (five
 * 64-bit numbers), then the strings name, id, message, create_date, then
 * the lists down_revision, branch_labels, depends_on. A string is a
 * 32-bit length (NO_STRING for nil), its bytes and a NUL; a list a
 * 32-bit count and its strings. Numbers are in the machine's order: the
 * index never leaves the machine.
 */
#define MAGIC	     "tacker-db-manage revision index 1\n"
#define ENDIAN_MARK  0x01020304u
#define NO_STRING    UINT32_MAX
#define STAMP_BYTES  (5 * sizeof(uint64_t))
#define CACHE_SUBDIR "tacker-db-manage"
/*
 * A file changed this recently may change again within the same tick of
 * the file system's clock and keep its stamp: it is not recorded until
 * it has been still for this long (git's "racily clean" entries).
 */
#define SETTLE_NS (2 * 1000000000LL)

struct stamp {
	uint64_t size, ino, dev;
	int64_t mtime_ns, ctime_ns;
};

/* A record, in the loaded file (fresh = false) or in c->fresh. */
struct entry {
	size_t off, len;
	bool fresh;
	bool keep; /* asked for and still valid: written back */
};

struct dbm_revcache {
	char *path;	/* the index file */
	char *versions; /* the directory it describes, absolute */
	struct dbm_buf loaded, fresh;
	struct entry *entries;
	size_t len, alloc;
	size_t *slots; /* open addressing on the name: entry + 1, 0 free */
	size_t nslots;
	size_t nloaded, nkept;
	int64_t settled_before;
};

/* ---- reading records ---- */

struct reader {
	const char *p, *end;
	bool bad;
};

static void read_bytes(struct reader *r, void *out, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static uint32_t read_u32(struct reader *r)
{
	uint32_t v;
	read_bytes(r, &v, sizeof(v));
	return v;
}

/* A string in place (NUL-terminated in the record), or NULL for nil. */
static const char *read_str(struct reader *r)
{
	uint32_t n = read_u32(r);
	if (r->bad || n == NO_STRING)
		return NULL;
	if ((size_t)(r->end - r->p) <= n || r->p[n] != '\0') {
		r->bad = true;
		return NULL;
	}
	const char *s = r->p;
	r->p += (size_t)n + 1;
	return s;
}

static void read_stamp(struct reader *r, struct stamp *st)
{
	read_bytes(r, &st->size, sizeof(st->size));
	read_bytes(r, &st->ino, sizeof(st->ino));
	read_bytes(r, &st->dev, sizeof(st->dev));
	read_bytes(r, &st->mtime_ns, sizeof(st->mtime_ns));
	read_bytes(r, &st->ctime_ns, sizeof(st->ctime_ns));
}

/* Skip a list, or copy it into *out when out is set. */
static void read_list(struct reader *r, char ***out, size_t *n)
{
	uint32_t count = read_u32(r);
	if (out) {
		*out = NULL;
		*n = 0;
	}
	if (r->bad || count > (size_t)(r->end - r->p) / 5) {
		r->bad = true;
		return;
	}
	if (out)
		*out = dbm_xcalloc((size_t)count + 1, sizeof(char *));
	for (uint32_t i = 0; i < count && !r->bad; i++) {
		const char *s = read_str(r);
		if (!s)
			r->bad = true;
		else if (out)
			(*out)[(*n)++] = dbm_xstrdup(s);
	}
}

static char *dup_or_null(const char *s)
{
	return s ? dbm_xstrdup(s) : NULL;
}

/* ---- writing records ---- */

static void add_str(struct dbm_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : NO_STRING;
	dbm_buf_add(b, &n, sizeof(n));
	if (s)
		dbm_buf_add(b, s, (size_t)n + 1);
}

static void add_list(struct dbm_buf *b, char *const *items, size_t n)
{
	uint32_t count = (uint32_t)n;
	dbm_buf_add(b, &count, sizeof(count));
	for (size_t i = 0; i < n; i++)
		add_str(b, items[i]);
}

static struct stamp stamp_of(const struct stat *st)
{
	return (struct stamp){
	    .size = (uint64_t)st->st_size,
	    .ino = (uint64_t)st->st_ino,
	    .dev = (uint64_t)st->st_dev,
	    .mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL +
			st->st_mtim.tv_nsec,
	    .ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL +
			st->st_ctim.tv_nsec,
	};
}

/* ---- the name index ---- */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static const char *entry_base(const struct dbm_revcache *c,
			      const struct entry *e)
{
	return (e->fresh ? c->fresh.buf : c->loaded.buf) + e->off;
}

/* The name of an entry: the record's first string, after the stamp. */
static const char *entry_name(const struct dbm_revcache *c,
			      const struct entry *e)
{
	return entry_base(c, e) + STAMP_BYTES + sizeof(uint32_t);
}

static void index_entries(struct dbm_revcache *c)
{
	c->nslots = 16;
	while (c->nslots < c->len * 2)
		c->nslots *= 2;
	c->slots = dbm_xcalloc(c->nslots, sizeof(*c->slots));
	for (size_t i = 0; i < c->len; i++) {
		size_t at =
		    fnv1a(entry_name(c, &c->entries[i])) & (c->nslots - 1);
		while (c->slots[at])
			at = (at + 1) & (c->nslots - 1);
		c->slots[at] = i + 1;
	}
}

static struct entry *find(struct dbm_revcache *c, const char *name)
{
	if (!c->nslots)
		return NULL;
	size_t at = fnv1a(name) & (c->nslots - 1);
	for (; c->slots[at]; at = (at + 1) & (c->nslots - 1)) {
		struct entry *e = &c->entries[c->slots[at] - 1];
		if (strcmp(entry_name(c, e), name) == 0)
			return e;
	}
	return NULL;
}

/* ---- opening ---- */

/* Read the records of the loaded file; false (nothing kept) if corrupt. */
static bool parse(struct dbm_revcache *c)
{
	struct reader r = {c->loaded.buf, c->loaded.buf + c->loaded.len, false};
	char magic[sizeof(MAGIC) - 1];
	read_bytes(&r, magic, sizeof(magic));
	if (r.bad || memcmp(magic, MAGIC, sizeof(magic)) != 0 ||
	    read_u32(&r) != ENDIAN_MARK)
		return false;
	const char *dir = read_str(&r);
	if (!dir || strcmp(dir, c->versions) != 0)
		return false;
	uint32_t count = read_u32(&r);
	if (r.bad || count > c->loaded.len / STAMP_BYTES)
		return false;
	c->entries = dbm_xcalloc(count ? count : 1, sizeof(*c->entries));
	c->alloc = count ? count : 1;
	for (uint32_t i = 0; i < count; i++) {
		struct stamp st;
		const char *start = r.p;
		read_stamp(&r, &st);
		for (int s = 0; s < 4; s++)
			read_str(&r);
		for (int l = 0; l < 3; l++)
			read_list(&r, NULL, NULL);
		if (r.bad)
			return false;
		c->entries[c->len++] =
		    (struct entry){.off = (size_t)(start - c->loaded.buf),
				   .len = (size_t)(r.p - start)};
	}
	return r.p == r.end;
}

static void cache_dir(struct dbm_buf *out)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		dbm_buf_adds(out, xdg);
	else if (home && home[0] == '/')
		dbm_buf_addf(out, "%s/.cache", home);
}

bool dbm_revcache_wanted(void)
{
	const char *mode = getenv("DBM_REVISION_CACHE");
	if (mode && strcmp(mode, "off") == 0)
		return false;
	struct dbm_buf dir = DBM_BUF_INIT;
	cache_dir(&dir);
	bool known = dir.len > 0;
	dbm_buf_release(&dir);
	return known;
}

struct dbm_revcache *dbm_revcache_open(const char *versions)
{
	if (!dbm_revcache_wanted())
		return NULL;
	struct dbm_buf path = DBM_BUF_INIT;
	cache_dir(&path);
	char *abs = realpath(versions, NULL);
	if (!path.len || !abs) {
		free(abs);
		dbm_buf_release(&path);
		return NULL;
	}
	dbm_buf_addf(&path, "/" CACHE_SUBDIR "/%016llx.idx",
		     (unsigned long long)fnv1a(abs));

	struct dbm_revcache *c = dbm_xcalloc(1, sizeof(*c));
	c->path = dbm_buf_detach(&path);
	c->versions = abs;
	dbm_buf_init(&c->loaded);
	dbm_buf_init(&c->fresh);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	c->settled_before =
	    (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec - SETTLE_NS;

	struct dbm_err ignored = DBM_ERR_INIT;
	if (dbm_fs_read(&c->loaded, c->path, &ignored) == 0 && !parse(c)) {
		free(c->entries);
		c->entries = NULL;
		c->len = c->alloc = 0;
	}
	c->nloaded = c->len;
	index_entries(c);
	return c;
}

/* ---- use ---- */

bool dbm_revcache_get(struct dbm_revcache *c, const char *name,
		      const struct stat *st, struct dbm_revision *rev)
{
	struct entry *e = c ? find(c, name) : NULL;
	if (!e || e->keep)
		return false;
	const char *base = entry_base(c, e);
	struct reader r = {base, base + e->len, false};
	struct stamp have, want = stamp_of(st);
	read_stamp(&r, &have);
	if (memcmp(&have, &want, sizeof(have)) != 0)
		return false;
	read_str(&r); /* the name */
	const char *id = read_str(&r);
	const char *message = read_str(&r);
	const char *create_date = read_str(&r);
	memset(rev, 0, sizeof(*rev));
	rev->id = dup_or_null(id);
	rev->message = dup_or_null(message);
	rev->create_date = dup_or_null(create_date);
	read_list(&r, &rev->down, &rev->ndown);
	read_list(&r, &rev->labels, &rev->nlabels);
	read_list(&r, &rev->depends, &rev->ndepends);
	e->keep = true;
	c->nkept++;
	return true;
}

void dbm_revcache_put(struct dbm_revcache *c, const char *name,
		      const struct stat *st, const struct dbm_revision *rev)
{
	if (!c)
		return;
	struct stamp s = stamp_of(st);
	if (s.mtime_ns >= c->settled_before || s.ctime_ns >= c->settled_before)
		return;
	size_t off = c->fresh.len;
	dbm_buf_add(&c->fresh, &s.size, sizeof(s.size));
	dbm_buf_add(&c->fresh, &s.ino, sizeof(s.ino));
	dbm_buf_add(&c->fresh, &s.dev, sizeof(s.dev));
	dbm_buf_add(&c->fresh, &s.mtime_ns, sizeof(s.mtime_ns));
	dbm_buf_add(&c->fresh, &s.ctime_ns, sizeof(s.ctime_ns));
	add_str(&c->fresh, name);
	add_str(&c->fresh, rev->id);
	add_str(&c->fresh, rev->message);
	add_str(&c->fresh, rev->create_date);
	add_list(&c->fresh, rev->down, rev->ndown);
	add_list(&c->fresh, rev->labels, rev->nlabels);
	add_list(&c->fresh, rev->depends, rev->ndepends);
	dbm_grow((void **)&c->entries, &c->alloc, c->len + 1,
		 sizeof(*c->entries));
	c->entries[c->len++] = (struct entry){
	    .off = off, .len = c->fresh.len - off, .fresh = true, .keep = true};
	c->nkept++;
}

static void save(struct dbm_revcache *c)
{
	struct dbm_buf out = DBM_BUF_INIT, dir = DBM_BUF_INIT;
	uint32_t mark = ENDIAN_MARK, count = (uint32_t)c->nkept;
	dbm_buf_grow(&out, c->loaded.len + c->fresh.len + 256);
	dbm_buf_add(&out, MAGIC, sizeof(MAGIC) - 1);
	dbm_buf_add(&out, &mark, sizeof(mark));
	add_str(&out, c->versions);
	dbm_buf_add(&out, &count, sizeof(count));
	for (size_t i = 0; i < c->len; i++)
		if (c->entries[i].keep)
			dbm_buf_add(&out, entry_base(c, &c->entries[i]),
				    c->entries[i].len);
	/* The cache directory and its parent (~/.cache) may not exist yet. */
	cache_dir(&dir);
	mkdir(dir.buf, 0700);
	dbm_buf_adds(&dir, "/" CACHE_SUBDIR);
	mkdir(dir.buf, 0700);
	struct dbm_err ignored = DBM_ERR_INIT;
	dbm_fs_write(c->path, out.buf, out.len, &ignored);
	dbm_buf_release(&dir);
	dbm_buf_release(&out);
}

void dbm_revcache_close(struct dbm_revcache *c, bool save_it)
{
	if (!c)
		return;
	/* Unchanged: every loaded entry was used and nothing was added. */
	bool changed = c->len != c->nloaded || c->nkept != c->nloaded;
	if (save_it && changed)
		save(c);
	free(c->slots);
	free(c->entries);
	dbm_buf_release(&c->loaded);
	dbm_buf_release(&c->fresh);
	free(c->versions);
	free(c->path);
	free(c);
}
