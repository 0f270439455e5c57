#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <luaconf.h>

#include "buf.h"
#include "fs.h"
#include "luahost.h"
#include "mem.h"
#include "revcache.h"
#include "revscan.h"

bool dbm_scripts_valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 32)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* The path of a file in the versions directory. */
static void file_path(struct dbm_buf *out, const struct dbm_scripts *s,
		      const char *name)
{
	dbm_buf_adds(out, s->versions);
	dbm_buf_addch(out, '/');
	dbm_buf_adds(out, name);
}

/*
 * The chunk name Lua's messages show: "<dir>/versions/<file>" with dir's
 * last component, or shorter when Lua would cut it (LUA_IDSIZE) and so
 * hide the file name.
 */
static void chunk_name(struct dbm_buf *out, const char *path)
{
	const char *file = strrchr(path, '/');
	file = file ? file + 1 : path;
	const char *p = file;
	int slashes = 0;
	while (p > path && slashes < 3) {
		p--;
		if (*p == '/')
			slashes++;
	}
	if (*p == '/')
		p++;
	/* "@" + name must fit LUA_IDSIZE with room for the terminator. */
	while (strlen(p) > LUA_IDSIZE - 2 && p < file) {
		const char *next = strchr(p, '/');
		p = next ? next + 1 : file;
	}
	dbm_buf_adds(out, p);
}

/*
 * Field key of the table at idx as a list of strings: nil, a string or an
 * array of strings. Returns -1 (err set) for anything else.
 */
static int get_list(lua_State *L, int idx, const char *key, const char *path,
		    char ***out, size_t *n, struct dbm_err *err)
{
	*out = NULL;
	*n = 0;
	int t = lua_getfield(L, idx, key);
	int rc = 0;
	if (t == LUA_TSTRING) {
		*out = dbm_xcalloc(1, sizeof(char *));
		(*out)[0] = dbm_xstrdup(lua_tostring(L, -1));
		*n = 1;
	} else if (t == LUA_TTABLE) {
		size_t len = lua_rawlen(L, -1);
		*out = dbm_xcalloc(len + 1, sizeof(char *));
		for (size_t i = 1; i <= len; i++) {
			if (lua_rawgeti(L, -1, (lua_Integer)i) != LUA_TSTRING) {
				lua_pop(L, 1);
				rc = dbm_err_set(err, DBM_EUSAGE,
						 "'%s': field '%s' must be a "
						 "string or a list of strings",
						 path, key);
				break;
			}
			(*out)[(*n)++] = dbm_xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	} else if (t != LUA_TNIL) {
		rc = dbm_err_set(err, DBM_EUSAGE,
				 "'%s': field '%s' must be a string or a list "
				 "of strings, not %s",
				 path, key, lua_typename(L, t));
	}
	lua_pop(L, 1);
	return rc;
}

static int get_string(lua_State *L, int idx, const char *key, const char *path,
		      bool required, char **out, struct dbm_err *err)
{
	*out = NULL;
	int t = lua_getfield(L, idx, key);
	int rc = 0;
	if (t == LUA_TSTRING)
		*out = dbm_xstrdup(lua_tostring(L, -1));
	else if (t != LUA_TNIL || required)
		rc = dbm_err_set(err, DBM_EUSAGE,
				 "'%s': field '%s' must be a string, not %s",
				 path, key, lua_typename(L, t));
	lua_pop(L, 1);
	return rc;
}

/* Check the table a revision file returned and read its metadata. */
static int read_revision(lua_State *L, const char *path,
			 struct dbm_revision *rev, struct dbm_err *err)
{
	memset(rev, 0, sizeof(*rev));
	rev->path = dbm_xstrdup(path);
	if (!lua_istable(L, -1))
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s' must return a table, not %s", path,
				   luaL_typename(L, -1));
	/* A metatable's metamethods would run here, unprotected. */
	if (lua_getmetatable(L, -1)) {
		lua_pop(L, 1);
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s' must return a plain table, not one "
				   "with a metatable",
				   path);
	}
	int t = lua_gettop(L);
	if (get_string(L, t, "revision", path, true, &rev->id, err) < 0)
		return -1;
	if (!dbm_scripts_valid_id(rev->id))
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s': revision id '%s' must be 1 to 32 "
				   "letters, digits or '_'",
				   path, rev->id);
	if (get_list(L, t, "down_revision", path, &rev->down, &rev->ndown,
		     err) < 0 ||
	    get_list(L, t, "branch_labels", path, &rev->labels, &rev->nlabels,
		     err) < 0 ||
	    get_list(L, t, "depends_on", path, &rev->depends, &rev->ndepends,
		     err) < 0 ||
	    get_string(L, t, "message", path, false, &rev->message, err) < 0 ||
	    get_string(L, t, "create_date", path, false, &rev->create_date,
		       err) < 0)
		return -1;
	if (lua_getfield(L, t, "upgrade") != LUA_TFUNCTION) {
		lua_pop(L, 1);
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s': field 'upgrade' must be a function",
				   path);
	}
	lua_pop(L, 1);
	int dt = lua_getfield(L, t, "downgrade");
	lua_pop(L, 1);
	if (dt != LUA_TNIL && dt != LUA_TFUNCTION)
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s': field 'downgrade' must be a function",
				   path);
	return 0;
}

/* Run a revision file's text through Lua and read the table it returns. */
static int load_revision(lua_State *L, const struct dbm_buf *text,
			 const char *path, struct dbm_revision *rev,
			 struct dbm_err *err)
{
	struct dbm_buf name = DBM_BUF_INIT;
	chunk_name(&name, path);
	int rc = dbm_lua_run_buffer(L, text->buf, text->len, name.buf, err);
	dbm_buf_release(&name);
	if (rc < 0) {
		memset(rev, 0, sizeof(*rev));
		return -1;
	}
	return read_revision(L, path, rev, err);
}

static bool same_list(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int dbm_scripts_check(lua_State *L, const struct dbm_scripts *s,
		      struct dbm_err *err)
{
	struct dbm_buf text = DBM_BUF_INIT;
	int rc = 0, top = lua_gettop(L);
	for (size_t i = 0; i < s->map.len && rc == 0; i++) {
		const struct dbm_revision *want = &s->map.revs[i];
		struct dbm_revision got;
		dbm_buf_reset(&text);
		rc = dbm_fs_read(&text, want->path, err);
		if (rc == 0)
			rc = load_revision(L, &text, want->path, &got, err);
		lua_settop(L, top);
		if (rc == 0 &&
		    !(same_string(got.id, want->id) &&
		      same_list(got.down, got.ndown, want->down, want->ndown) &&
		      same_list(got.labels, got.nlabels, want->labels,
				want->nlabels) &&
		      same_list(got.depends, got.ndepends, want->depends,
				want->ndepends) &&
		      same_string(got.message, want->message) &&
		      same_string(got.create_date, want->create_date)))
			rc = dbm_err_set(err, DBM_EUSAGE,
					 "'%s': the header fields differ from "
					 "what the file's Lua returns",
					 want->path);
		dbm_revision_release(&got);
	}
	dbm_buf_release(&text);
	return rc;
}

struct dbm_file_stat {
	struct dbm_revstamp st;
	bool ok;
};

/*
 * Stat every revision file for the index. The path lookups are most of a
 * listing command's time with thousands of files, and they scale across
 * cores, as git's preload-index found for its lstat calls: helper threads
 * and this one take batches of files in turn from a shared counter. This
 * thread reads the index meanwhile and uses the stats in file order,
 * taking the next free batch itself when it gets ahead, so a helper that
 * starts late (a busy or sleeping core) never makes it wait long.
 */
enum {
	MAX_STAT_HELPERS = 3,
	STAT_BATCH = 128,
	MIN_FILES_PER_THREAD = 1000,
};

struct stat_pool {
	int dirfd;
	char **names;
	struct dbm_file_stat *stats;
	size_t count, nbatches;
	atomic_size_t next; /* the next batch nobody has taken */
	atomic_bool *done;  /* per batch: its stats are there */
	pthread_t helpers[MAX_STAT_HELPERS];
	size_t nhelpers;
};

static void stat_batch(struct stat_pool *p, size_t b)
{
	struct stat st;
	size_t end = (b + 1) * STAT_BATCH;
	for (size_t i = b * STAT_BATCH; i < end && i < p->count; i++) {
		p->stats[i].ok = fstatat(p->dirfd, p->names[i], &st, 0) == 0;
		if (p->stats[i].ok)
			dbm_revstamp_of(&p->stats[i].st, &st);
	}
	atomic_store_explicit(&p->done[b], true, memory_order_release);
}

/* Take the next free batch and stat it; false when none is left. */
static bool take_batch(struct stat_pool *p)
{
	size_t b = atomic_fetch_add(&p->next, 1);
	if (b >= p->nbatches)
		return false;
	stat_batch(p, b);
	return true;
}

static void *stat_helper(void *arg)
{
	while (take_batch(arg))
		;
	return NULL;
}

static void stats_begin(struct stat_pool *p, int dirfd, char **names,
			size_t count, struct dbm_file_stat *stats)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	p->dirfd = dirfd;
	p->names = names;
	p->stats = stats;
	p->count = count;
	p->nbatches = (count + STAT_BATCH - 1) / STAT_BATCH;
	atomic_init(&p->next, 0);
	p->done = dbm_xcalloc(p->nbatches + 1, sizeof(*p->done));
	for (size_t b = 0; b < p->nbatches; b++)
		atomic_init(&p->done[b], false);
	size_t want = count / MIN_FILES_PER_THREAD;
	if (want > 0)
		want--; /* this thread is one of them */
	if (cpus > 0 && want > (size_t)cpus - 1)
		want = (size_t)cpus - 1;
	if (want > MAX_STAT_HELPERS)
		want = MAX_STAT_HELPERS;
	p->nhelpers = 0;
	while (p->nhelpers < want && pthread_create(&p->helpers[p->nhelpers],
						    NULL, stat_helper, p) == 0)
		p->nhelpers++;
}

/* Make sure the stat of file i is there. */
static void stats_ready(struct stat_pool *p, size_t i)
{
	size_t b = i / STAT_BATCH;
	while (!atomic_load_explicit(&p->done[b], memory_order_acquire))
		if (!take_batch(p))
			sched_yield(); /* a helper is on it */
}

/* Wait for the helpers (every batch is then done) and free the pool. */
static void stats_end(struct stat_pool *p)
{
	while (take_batch(p))
		;
	for (size_t t = 0; t < p->nhelpers; t++)
		pthread_join(p->helpers[t], NULL);
	free(p->done);
}

int dbm_scripts_load(struct dbm_scripts *out, lua_State *L, const char *dir,
		     struct dbm_err *err)
{
	dbm_scripts_release(out);
	struct dbm_buf versions = DBM_BUF_INIT, path = DBM_BUF_INIT,
		       text = DBM_BUF_INIT;
	char **names = NULL;
	size_t count = 0, n = 0;
	struct dbm_revision *revs = NULL;
	struct dbm_revcache *cache = NULL;
	struct dbm_file_stat *stats = NULL;
	struct stat_pool pool;
	int rc = -1, dirfd = -1;

	dbm_buf_addf(&versions, "%s/versions", dir);
	if (!dbm_fs_is_dir(dir)) {
		dbm_err_set(err, DBM_EUSAGE,
			    "script location '%s' is not a directory", dir);
		goto done;
	}
	if (dbm_fs_list(&names, &count, versions.buf, ".lua", err) < 0)
		goto done;
	out->dir = dbm_xstrdup(dir);
	out->versions = dbm_buf_detach(&versions);
	revs = dbm_xcalloc(count + 1, sizeof(*revs));
	dirfd = open(out->versions, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		dbm_err_set(err, DBM_EUSAGE, "cannot open directory '%s': %s",
			    out->versions, strerror(errno));
		goto done;
	}
	if (dbm_revcache_wanted()) {
		stats = dbm_xcalloc(count + 1, sizeof(*stats));
		stats_begin(&pool, dirfd, names, count, stats);
		cache = dbm_revcache_open(out->versions, "index", false);
	}
	int top = lua_gettop(L);
	for (; n < count; n++) {
		dbm_buf_reset(&path);
		file_path(&path, out, names[n]);
		/* A file the index knows unchanged is not opened. */
		if (stats)
			stats_ready(&pool, n);
		struct dbm_revstamp *st = stats ? &stats[n].st : NULL;
		bool stamped = cache && stats[n].ok;
		const void *blob;
		size_t blob_len;
		if (stamped &&
		    dbm_revcache_get(cache, names[n], st, &blob, &blob_len) &&
		    dbm_revcache_decode_header(blob, blob_len, &revs[n])) {
			revs[n].path = dbm_xstrdup(path.buf);
			continue;
		}
		dbm_buf_reset(&text);
		if (dbm_fs_read_at(&text, dirfd, names[n], path.buf, err) < 0)
			goto done;
		/* The usual header is read as text; Lua runs the rest. */
		if (dbm_revscan(text.buf, text.len, &revs[n])) {
			revs[n].path = dbm_xstrdup(path.buf);
			if (!dbm_scripts_valid_id(revs[n].id)) {
				dbm_err_set(err, DBM_EUSAGE,
					    "'%s': revision id '%s' must be 1 "
					    "to 32 letters, digits or '_'",
					    path.buf, revs[n].id);
				n++;
				goto done;
			}
			if (stamped) {
				dbm_buf_reset(&text);
				dbm_revcache_encode_header(&text, &revs[n]);
				dbm_revcache_put(cache, names[n], st, text.buf,
						 text.len);
			}
			continue;
		}
		if (load_revision(L, &text, path.buf, &revs[n], err) < 0) {
			n++; /* release the partly read one too */
			lua_settop(L, top);
			goto done;
		}
		lua_settop(L, top);
	}
	rc = dbm_revmap_build(&out->map, revs, count, err);
	revs = NULL; /* owned by the map, even on error */
done:
	if (stats)
		stats_end(&pool); /* no thread outlives the call */
	dbm_revcache_close(cache, rc == 0);
	if (rc == 0 && cache)
		out->stats = stats; /* the chunks' cache goes by them */
	else
		free(stats);
	if (revs) {
		for (size_t i = 0; i < n; i++)
			dbm_revision_release(&revs[i]);
		free(revs);
	}
	if (rc == 0) {
		/* Kept for reading revisions again when they run. */
		out->dirfd = dirfd;
		out->dir_open = true;
	} else if (dirfd >= 0) {
		close(dirfd);
	}
	dbm_fs_names_free(names);
	dbm_buf_release(&text);
	dbm_buf_release(&path);
	dbm_buf_release(&versions);
	return rc;
}

/* The name of revision rev's file in versions/. */
static const char *file_name(const struct dbm_scripts *s, size_t rev)
{
	const char *path = s->map.revs[rev].path;
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

void dbm_scripts_release(struct dbm_scripts *s)
{
	/* Chunks of files that have not changed stay for the next run. */
	for (size_t i = 0; s->chunks && i < s->map.len; i++)
		if (s->stats[i].ok)
			dbm_revcache_get(s->chunks, file_name(s, i),
					 &s->stats[i].st, NULL, NULL);
	dbm_revcache_close(s->chunks, true);
	s->chunks = NULL;
	s->chunks_opened = false;
	free(s->stats);
	s->stats = NULL;
	if (s->dir_open)
		close(s->dirfd);
	s->dir_open = false;
	free(s->dir);
	free(s->versions);
	dbm_revmap_release(&s->map);
	s->dir = s->versions = NULL;
}

/*
 * Push revision rev's compiled chunk: from the chunks' cache when its
 * file has not changed, else compiled from the file (and cached). The
 * cache's blob is the chunk name, a NUL, and the chunk: the name must
 * match, since it is what messages show.
 */
static int load_chunk(lua_State *L, struct dbm_scripts *s, size_t rev,
		      const char *chunkname, struct dbm_err *err)
{
	const char *path = s->map.revs[rev].path;
	const char *name = file_name(s, rev);
	if (s->stats && !s->chunks_opened) {
		s->chunks = dbm_revcache_open(s->versions, "chunks", true);
		s->chunks_opened = true;
	}
	struct dbm_revstamp *st =
	    s->chunks && s->stats[rev].ok ? &s->stats[rev].st : NULL;
	const void *blob;
	size_t len, nlen = strlen(chunkname) + 1;
	if (st && dbm_revcache_get(s->chunks, name, st, &blob, &len) &&
	    len > nlen && memcmp(blob, chunkname, nlen) == 0 &&
	    dbm_lua_load_compiled(L, (const char *)blob + nlen, len - nlen))
		return 0;

	struct dbm_buf text = DBM_BUF_INIT;
	int rc = s->dir_open ? dbm_fs_read_at(&text, s->dirfd, name, path, err)
			     : dbm_fs_read(&text, path, err);
	if (rc == 0)
		rc = dbm_lua_load_text(L, text.buf, text.len, chunkname, err);
	if (rc == 0 && st) {
		dbm_buf_reset(&text);
		dbm_buf_add(&text, chunkname, nlen);
		dbm_lua_dump(L, &text);
		dbm_revcache_put(s->chunks, name, st, text.buf, text.len);
	}
	dbm_buf_release(&text);
	return rc;
}

int dbm_scripts_push(lua_State *L, struct dbm_scripts *s, size_t rev,
		     struct dbm_err *err)
{
	const char *path = s->map.revs[rev].path;
	struct dbm_buf name = DBM_BUF_INIT;
	chunk_name(&name, path);
	int rc = load_chunk(L, s, rev, name.buf, err);
	dbm_buf_release(&name);
	if (rc == 0)
		rc = dbm_lua_run_loaded(L, err);
	/* As when loaded: a plain table (the runner reads it unprotected). */
	if (rc == 0) {
		bool plain = lua_istable(L, -1);
		if (plain && lua_getmetatable(L, -1)) {
			lua_pop(L, 1); /* the metatable */
			plain = false;
		}
		if (!plain) {
			lua_pop(L, 1);
			rc =
			    dbm_err_set(err, DBM_EUSAGE,
					"'%s' must return a plain table", path);
		}
	}
	return rc;
}

char *dbm_scripts_read_head_file(const struct dbm_scripts *s,
				 struct dbm_err *err)
{
	struct dbm_buf path = DBM_BUF_INIT, text = DBM_BUF_INIT;
	char *id = NULL;
	dbm_buf_addf(&path, "%s/HEAD", s->versions);
	if (dbm_fs_read(&text, path.buf, err) == 0) {
		size_t b = 0, e = text.len;
		while (b < e && isspace((unsigned char)text.buf[b]))
			b++;
		while (e > b && isspace((unsigned char)text.buf[e - 1]))
			e--;
		id = dbm_xstrndup(text.buf + b, e - b);
	}
	dbm_buf_release(&text);
	dbm_buf_release(&path);
	return id;
}
