#include "revcache.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fs.h"
#include "mem.h"

/*
 * The file: MAGIC, an endianness mark, the kind, the versions directory's
 * absolute path, the number of records, the records. A record: the stamp
 * (five 64-bit numbers), the file name, the blob. A string is a 32-bit
 * length, its bytes and a NUL; a blob a 32-bit length and its bytes.
 * Numbers are in the machine's order: a cache never leaves the machine.
 */
#define MAGIC	     "tacker-db-manage cache 2\n"
#define ENDIAN_MARK  0x01020304u
#define STAMP_BYTES  (5 * sizeof(uint64_t))
#define CACHE_SUBDIR "tacker-db-manage"
#define SETTLE_NS    (2 * 1000000000LL)
#define NO_STRING    UINT32_MAX

/*
 * A record: in the mapped file, in c->fresh (fresh), or read on demand
 * (lazy): its head (stamp, name, blob length) in c->heads, its blob at
 * blob_off in the file.
 */
struct entry {
	size_t off, len;
	bool fresh, lazy;
	bool keep; /* confirmed by a get, or added: written back */
	uint32_t blob_len;
	off_t blob_off;
};

struct dbm_revcache {
	char *path;	/* the cache file */
	char *kind;	/* "index", "chunks" */
	char *versions; /* the directory it describes, absolute */
	const char *map;
	size_t map_len;
	int fd; /* blobs on demand: the file, else -1 */
	struct dbm_buf fresh, heads, scratch;
	struct entry *entries;
	size_t len, alloc;
	size_t *slots; /* open addressing on the name: entry + 1, 0 free */
	size_t nslots;
	size_t nloaded, nkept;
	int64_t settled_before;
};

/* ---- reading ---- */

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

/* A string in place (NUL-terminated in the file), or NULL when bad. */
static const char *read_str(struct reader *r)
{
	uint32_t n = read_u32(r);
	if (r->bad || (size_t)(r->end - r->p) <= n || r->p[n] != '\0') {
		r->bad = true;
		return NULL;
	}
	const char *s = r->p;
	r->p += (size_t)n + 1;
	return s;
}

static const void *read_blob(struct reader *r, size_t *len)
{
	uint32_t n = read_u32(r);
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	const void *b = r->p;
	r->p += n;
	*len = n;
	return b;
}

static void read_stamp(struct reader *r, struct dbm_revstamp *st)
{
	read_bytes(r, &st->size, sizeof(st->size));
	read_bytes(r, &st->ino, sizeof(st->ino));
	read_bytes(r, &st->dev, sizeof(st->dev));
	read_bytes(r, &st->mtime_ns, sizeof(st->mtime_ns));
	read_bytes(r, &st->ctime_ns, sizeof(st->ctime_ns));
}

/* A string or nil (NO_STRING). */
static const char *read_nstr(struct reader *r)
{
	const char *save = r->p;
	if (read_u32(r) == NO_STRING && !r->bad)
		return NULL;
	r->p = save;
	return read_str(r);
}

/* ---- writing ---- */

static void add_u32(struct dbm_buf *b, uint32_t v)
{
	dbm_buf_add(b, &v, sizeof(v));
}

static void add_str(struct dbm_buf *b, const char *s)
{
	size_t n = strlen(s);
	add_u32(b, (uint32_t)n);
	dbm_buf_add(b, s, n + 1);
}

static void add_nstr(struct dbm_buf *b, const char *s)
{
	if (s)
		add_str(b, s);
	else
		add_u32(b, NO_STRING);
}

static void add_list(struct dbm_buf *b, char *const *items, size_t n)
{
	add_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		add_str(b, items[i]);
}

void dbm_revstamp_of(struct dbm_revstamp *out, const struct stat *st)
{
	*out = (struct dbm_revstamp){
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
	return (e->fresh  ? c->fresh.buf
		: e->lazy ? c->heads.buf
			  : c->map) +
	       e->off;
}

/* The name of an entry: the record's string after the stamp. */
static const char *entry_name(const struct dbm_revcache *c,
			      const struct entry *e)
{
	return entry_base(c, e) + STAMP_BYTES + sizeof(uint32_t);
}

static void slot_insert(struct dbm_revcache *c, size_t i)
{
	size_t at = fnv1a(entry_name(c, &c->entries[i])) & (c->nslots - 1);
	while (c->slots[at])
		at = (at + 1) & (c->nslots - 1);
	c->slots[at] = i + 1;
}

/* Room for one more entry in the index (at most half full). */
static void slots_reserve(struct dbm_revcache *c, size_t n)
{
	if (c->nslots >= 2 * n)
		return;
	free(c->slots);
	c->nslots = 16;
	while (c->nslots < 2 * n)
		c->nslots *= 2;
	c->slots = dbm_xcalloc(c->nslots, sizeof(*c->slots));
	for (size_t i = 0; i < c->len; i++)
		slot_insert(c, i);
}

/* The newest entry for name (a fresh one replaces a loaded one). */
static struct entry *find(struct dbm_revcache *c, const char *name)
{
	struct entry *found = NULL;
	if (!c->nslots)
		return NULL;
	size_t at = fnv1a(name) & (c->nslots - 1);
	for (; c->slots[at]; at = (at + 1) & (c->nslots - 1)) {
		struct entry *e = &c->entries[c->slots[at] - 1];
		if (strcmp(entry_name(c, e), name) == 0 &&
		    (!found || e > found))
			found = e;
	}
	return found;
}

/* ---- opening ---- */

/* The file's header: its kind and directory must be this cache's. */
static bool parse_header(struct dbm_revcache *c, struct reader *r,
			 uint32_t *count, size_t file_size)
{
	char magic[sizeof(MAGIC) - 1];
	read_bytes(r, magic, sizeof(magic));
	if (r->bad || memcmp(magic, MAGIC, sizeof(magic)) != 0 ||
	    read_u32(r) != ENDIAN_MARK)
		return false;
	const char *kind = read_str(r);
	const char *dir = read_str(r);
	if (!kind || strcmp(kind, c->kind) != 0 || !dir ||
	    strcmp(dir, c->versions) != 0)
		return false;
	*count = read_u32(r);
	if (r->bad || *count > file_size / STAMP_BYTES)
		return false;
	c->alloc = *count ? *count : 1;
	c->entries = dbm_xcalloc(c->alloc, sizeof(*c->entries));
	return true;
}

/* Read the records of the mapped file; false (nothing kept) if corrupt. */
static bool parse_mapped(struct dbm_revcache *c)
{
	struct reader r = {c->map, c->map + c->map_len, false};
	uint32_t count;
	if (!parse_header(c, &r, &count, c->map_len))
		return false;
	for (uint32_t i = 0; i < count; i++) {
		const char *start = r.p;
		struct dbm_revstamp st;
		size_t len;
		read_stamp(&r, &st);
		read_str(&r);
		read_blob(&r, &len);
		if (r.bad)
			return false;
		c->entries[c->len++] =
		    (struct entry){.off = (size_t)(start - c->map),
				   .len = (size_t)(r.p - start)};
	}
	return r.p == r.end;
}

/*
 * Read the records' heads from the file through a small window, skipping
 * the blobs: only what the index of names needs is read into memory.
 */
#define WINDOW 65536

struct window {
	int fd;
	off_t size, at; /* the file's size; where buf starts */
	char buf[WINDOW];
	size_t len;
};

/* A reader over [pos, pos + want) or less at the end of the file. */
static struct reader window_at(struct window *w, off_t pos, size_t want)
{
	if (pos + (off_t)want > w->size)
		want = pos < w->size ? (size_t)(w->size - pos) : 0;
	if (pos < w->at || pos + (off_t)want > w->at + (off_t)w->len) {
		ssize_t n = pread(w->fd, w->buf, WINDOW, pos);
		w->at = pos;
		w->len = n > 0 ? (size_t)n : 0;
	}
	const char *p = w->buf + (pos - w->at);
	return (struct reader){p, w->buf + w->len, false};
}

static bool parse_heads(struct dbm_revcache *c, int fd, off_t size)
{
	struct window *w = dbm_xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->size = size;
	struct reader r = window_at(w, 0, WINDOW);
	uint32_t count;
	bool ok = parse_header(c, &r, &count, (size_t)size);
	off_t pos = w->at + (r.p - w->buf);
	for (uint32_t i = 0; ok && i < count; i++) {
		/* A head: stamp, name (at most NAME_MAX), blob length. */
		r = window_at(w, pos, STAMP_BYTES + 2 * sizeof(uint32_t) + 256);
		const char *start = r.p;
		struct dbm_revstamp st;
		read_stamp(&r, &st);
		read_str(&r);
		uint32_t blob_len = read_u32(&r);
		size_t head = (size_t)(r.p - start);
		if (r.bad || pos + (off_t)head + blob_len > size) {
			ok = false;
			break;
		}
		c->entries[c->len++] =
		    (struct entry){.off = c->heads.len,
				   .len = head,
				   .lazy = true,
				   .blob_len = blob_len,
				   .blob_off = pos + (off_t)head};
		dbm_buf_add(&c->heads, start, head);
		pos += (off_t)head + blob_len;
	}
	free(w);
	return ok && pos == size;
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

/*
 * Read the cache file when this user owns it and nobody else may write it:
 * what it holds is trusted as the host's own work (compiled chunks).
 * Mapped, or with blobs on demand read for its heads, the file kept open.
 */
static void load_file(struct dbm_revcache *c, bool on_demand)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	bool ok = false;
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    st.st_size <= 0)
		goto done;
	if (on_demand) {
		ok = parse_heads(c, fd, st.st_size);
		if (ok) {
			c->fd = fd;
			fd = -1;
		}
		goto done;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		goto done;
	c->map = p;
	c->map_len = (size_t)st.st_size;
	ok = parse_mapped(c);
done:
	if (fd >= 0)
		close(fd);
	if (!ok) {
		free(c->entries);
		c->entries = NULL;
		c->len = c->alloc = 0;
		dbm_buf_reset(&c->heads);
	}
}

/* The blob of a lazy entry, read into c->scratch; NULL when it cannot. */
static const void *read_lazy_blob(struct dbm_revcache *c, const struct entry *e)
{
	dbm_buf_reset(&c->scratch);
	dbm_buf_grow(&c->scratch, e->blob_len);
	ssize_t n = pread(c->fd, c->scratch.buf, e->blob_len, e->blob_off);
	return n == (ssize_t)e->blob_len ? c->scratch.buf : NULL;
}

struct dbm_revcache *dbm_revcache_open(const char *versions, const char *kind,
				       bool blobs_on_demand)
{
	if (!dbm_revcache_wanted())
		return NULL;
	char *abs = realpath(versions, NULL);
	if (!abs)
		return NULL;
	struct dbm_buf path = DBM_BUF_INIT;
	cache_dir(&path);
	dbm_buf_addf(&path, "/" CACHE_SUBDIR "/%016llx.%s",
		     (unsigned long long)fnv1a(abs), kind);

	struct dbm_revcache *c = dbm_xcalloc(1, sizeof(*c));
	c->path = dbm_buf_detach(&path);
	c->kind = dbm_xstrdup(kind);
	c->versions = abs;
	c->fd = -1;
	dbm_buf_init(&c->fresh);
	dbm_buf_init(&c->heads);
	dbm_buf_init(&c->scratch);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	c->settled_before =
	    (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec - SETTLE_NS;

	load_file(c, blobs_on_demand);
	c->nloaded = c->len;
	slots_reserve(c, c->len + 1);
	return c;
}

/* ---- use ---- */

bool dbm_revcache_get(struct dbm_revcache *c, const char *name,
		      const struct dbm_revstamp *st, const void **blob,
		      size_t *len)
{
	struct entry *e = c ? find(c, name) : NULL;
	if (!e)
		return false;
	const char *base = entry_base(c, e);
	struct reader r = {base, base + e->len, false};
	struct dbm_revstamp have;
	size_t n = 0;
	read_stamp(&r, &have);
	if (memcmp(&have, st, sizeof(have)) != 0)
		return false;
	read_str(&r);
	const void *b = NULL;
	if (!e->lazy) {
		b = read_blob(&r, &n);
	} else if (blob) {
		b = read_lazy_blob(c, e);
		n = e->blob_len;
		if (!b)
			return false;
	}
	if (blob)
		*blob = b;
	if (len)
		*len = n;
	if (!e->keep)
		c->nkept++;
	e->keep = true;
	return true;
}

void dbm_revcache_put(struct dbm_revcache *c, const char *name,
		      const struct dbm_revstamp *st, const void *blob,
		      size_t len)
{
	if (!c || len > UINT32_MAX)
		return;
	struct dbm_revstamp s = *st;
	if (s.mtime_ns >= c->settled_before || s.ctime_ns >= c->settled_before)
		return;
	size_t off = c->fresh.len;
	dbm_buf_add(&c->fresh, &s.size, sizeof(s.size));
	dbm_buf_add(&c->fresh, &s.ino, sizeof(s.ino));
	dbm_buf_add(&c->fresh, &s.dev, sizeof(s.dev));
	dbm_buf_add(&c->fresh, &s.mtime_ns, sizeof(s.mtime_ns));
	dbm_buf_add(&c->fresh, &s.ctime_ns, sizeof(s.ctime_ns));
	add_str(&c->fresh, name);
	add_u32(&c->fresh, (uint32_t)len);
	dbm_buf_add(&c->fresh, blob, len);
	/* An older entry of the same name is left out of the file. */
	struct entry *old = find(c, name);
	if (old && old->keep) {
		old->keep = false;
		c->nkept--;
	}
	dbm_grow((void **)&c->entries, &c->alloc, c->len + 1,
		 sizeof(*c->entries));
	c->entries[c->len++] = (struct entry){
	    .off = off, .len = c->fresh.len - off, .fresh = true, .keep = true};
	c->nkept++;
	slots_reserve(c, c->len + 1);
	slot_insert(c, c->len - 1);
}

/* Written through a small buffer: a chunks' file is megabytes. */
#define SAVE_BLOCK 65536

static void save(struct dbm_revcache *c)
{
	struct dbm_buf block = DBM_BUF_INIT, dir = DBM_BUF_INIT;
	struct dbm_err ignored = DBM_ERR_INIT;
	struct dbm_fs_out out;
	/* The cache directory and its parent (~/.cache) may not exist yet. */
	cache_dir(&dir);
	mkdir(dir.buf, 0700);
	dbm_buf_adds(&dir, "/" CACHE_SUBDIR);
	mkdir(dir.buf, 0700);
	dbm_buf_release(&dir);
	if (dbm_fs_out_open(&out, c->path, 0600, &ignored) < 0)
		return;
	dbm_buf_add(&block, MAGIC, sizeof(MAGIC) - 1);
	add_u32(&block, ENDIAN_MARK);
	add_str(&block, c->kind);
	add_str(&block, c->versions);
	add_u32(&block, (uint32_t)c->nkept);
	for (size_t i = 0; i < c->len; i++) {
		const struct entry *e = &c->entries[i];
		if (!e->keep)
			continue;
		if (block.len + e->len + e->blob_len > SAVE_BLOCK) {
			dbm_fs_out_write(&out, block.buf, block.len);
			dbm_buf_reset(&block);
		}
		dbm_buf_add(&block, entry_base(c, e), e->len);
		if (e->lazy) {
			const void *b = read_lazy_blob(c, e);
			if (!b)
				out.failed = true; /* no partial cache */
			else
				dbm_buf_add(&block, b, e->blob_len);
		}
	}
	dbm_fs_out_write(&out, block.buf, block.len);
	dbm_fs_out_commit(&out, &ignored);
	dbm_buf_release(&block);
}

void dbm_revcache_close(struct dbm_revcache *c, bool save_it)
{
	if (!c)
		return;
	/* Unchanged: every loaded entry confirmed and nothing added. */
	bool changed = c->len != c->nloaded || c->nkept != c->nloaded;
	if (save_it && changed)
		save(c);
	if (c->map)
		munmap((void *)c->map, c->map_len);
	if (c->fd >= 0)
		close(c->fd);
	dbm_buf_release(&c->heads);
	dbm_buf_release(&c->scratch);
	free(c->slots);
	free(c->entries);
	dbm_buf_release(&c->fresh);
	free(c->versions);
	free(c->kind);
	free(c->path);
	free(c);
}

/* ---- the index's blobs ---- */

void dbm_revcache_encode_header(struct dbm_buf *out,
				const struct dbm_revision *rev)
{
	add_str(out, rev->id);
	add_nstr(out, rev->message);
	add_nstr(out, rev->create_date);
	add_list(out, rev->down, rev->ndown);
	add_list(out, rev->labels, rev->nlabels);
	add_list(out, rev->depends, rev->ndepends);
}

/*
 * Walk a header blob: with block NULL, count what it needs (*size bytes:
 * the lists' pointer arrays, then the strings); else fill rev from it,
 * everything in block.
 */
static bool walk_header(const void *blob, size_t len, struct dbm_revision *rev,
			char *block, size_t *size)
{
	struct reader r = {blob, (const char *)blob + len, false};
	char **lists[3] = {NULL, NULL, NULL};
	size_t *counts[3] = {&rev->ndown, &rev->nlabels, &rev->ndepends};
	size_t ptrs = 0, text = 0;
	const char *fields[3];
	for (int f = 0; f < 3; f++) {
		fields[f] = f ? read_nstr(&r) : read_str(&r);
		text += fields[f] ? strlen(fields[f]) + 1 : 0;
	}
	const char *lists_at = r.p;
	for (int l = 0; l < 3; l++) {
		uint32_t n = read_u32(&r);
		for (uint32_t i = 0; i < n && !r.bad; i++) {
			const char *str = read_str(&r);
			text += str ? strlen(str) + 1 : 0;
		}
		ptrs += n;
	}
	if (r.bad || r.p != r.end || !fields[0])
		return false;
	*size = ptrs * sizeof(char *) + text;
	if (!block)
		return true;

	char **slot = (char **)(void *)block;
	char *out = block + ptrs * sizeof(char *);
	char **targets[3] = {&rev->id, &rev->message, &rev->create_date};
	for (int f = 0; f < 3; f++) {
		if (!fields[f])
			continue;
		size_t n = strlen(fields[f]) + 1;
		*targets[f] = memcpy(out, fields[f], n);
		out += n;
	}
	r.p = lists_at;
	for (int l = 0; l < 3; l++) {
		uint32_t n = read_u32(&r);
		lists[l] = n ? slot : NULL;
		for (uint32_t i = 0; i < n; i++) {
			const char *str = read_str(&r);
			size_t k = strlen(str) + 1;
			*slot++ = memcpy(out, str, k);
			out += k;
		}
		*counts[l] = n;
	}
	rev->down = lists[0];
	rev->labels = lists[1];
	rev->depends = lists[2];
	rev->block = block;
	return true;
}

bool dbm_revcache_decode_header(const void *blob, size_t len,
				struct dbm_revision *rev)
{
	size_t size;
	memset(rev, 0, sizeof(*rev));
	if (!walk_header(blob, len, rev, NULL, &size))
		return false;
	memset(rev, 0, sizeof(*rev));
	return walk_header(blob, len, rev, dbm_xmalloc(size), &size);
}
