/*
 * The revision caches: entries go by name and stamp, survive a save and a
 * reopen, and a damaged cache file (every truncation, every flipped byte)
 * is either read right or ignored, never trusted wrongly or crashed on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fs.h"
#include "revcache.h"
#include "t.h"

static char root[] = "/tmp/test_revcache.XXXXXX";
static struct dbm_buf versions = DBM_BUF_INIT, cache_file = DBM_BUF_INIT;
/* Read entries with their blobs on demand (pread), not mapped. */
static bool on_demand;

/* A stamp of a file left alone for long (the cache takes it). */
static struct dbm_revstamp old_stamp(uint64_t size)
{
	return (struct dbm_revstamp){.size = size,
				     .ino = 7,
				     .dev = 8,
				     .mtime_ns = 1000000000LL,
				     .ctime_ns = 2000000000LL};
}

static struct dbm_revision header(const char *id, const char *down)
{
	static char *downs[1];
	downs[0] = (char *)down;
	struct dbm_revision r;
	memset(&r, 0, sizeof(r));
	r.id = (char *)id;
	r.message = (char *)"a message";
	r.down = down ? downs : NULL;
	r.ndown = down ? 1 : 0;
	return r;
}

static void write_cache(void)
{
	struct dbm_revcache *c =
	    dbm_revcache_open(versions.buf, "index", false);
	struct dbm_buf blob = DBM_BUF_INIT;
	struct dbm_revstamp st = old_stamp(10);
	struct dbm_revision r = header("aa01", NULL);
	dbm_revcache_encode_header(&blob, &r);
	dbm_revcache_put(c, "a1.lua", &st, blob.buf, blob.len);
	dbm_buf_reset(&blob);
	st = old_stamp(20);
	r = header("bb02", "aa01");
	dbm_revcache_encode_header(&blob, &r);
	dbm_revcache_put(c, "b2.lua", &st, blob.buf, blob.len);
	dbm_revcache_close(c, true);
	dbm_buf_release(&blob);
}

/* Read b2.lua's entry: 1 right, 0 absent, -1 wrong. */
static int read_b2(void)
{
	struct dbm_revcache *c =
	    dbm_revcache_open(versions.buf, "index", on_demand);
	struct dbm_revstamp st = old_stamp(20);
	const void *blob;
	size_t len;
	int got = 0;
	if (dbm_revcache_get(c, "b2.lua", &st, &blob, &len)) {
		struct dbm_revision r;
		got = -1;
		if (dbm_revcache_decode_header(blob, len, &r)) {
			if (strcmp(r.id, "bb02") == 0 && r.ndown == 1 &&
			    strcmp(r.down[0], "aa01") == 0 && r.message &&
			    strcmp(r.message, "a message") == 0 &&
			    !r.create_date && !r.nlabels && !r.ndepends)
				got = 1;
			dbm_revision_release(&r);
		}
	}
	dbm_revcache_close(c, false);
	return got;
}

static void test_round_trip(void)
{
	write_cache();
	CHECK(read_b2() == 1);

	struct dbm_revcache *c =
	    dbm_revcache_open(versions.buf, "index", false);
	struct dbm_revstamp st = old_stamp(10);
	CHECK(dbm_revcache_get(c, "a1.lua", &st, NULL, NULL));
	/* Any other stamp: not this entry. */
	st.ctime_ns++;
	CHECK(!dbm_revcache_get(c, "a1.lua", &st, NULL, NULL));
	CHECK(!dbm_revcache_get(c, "c3.lua", &st, NULL, NULL));
	/* A stamp of just now is not taken in. */
	struct stat now;
	CHECK(stat(versions.buf, &now) == 0);
	dbm_revstamp_of(&st, &now);
	dbm_revcache_put(c, "c3.lua", &st, "x", 1);
	CHECK(!dbm_revcache_get(c, "c3.lua", &st, NULL, NULL));
	dbm_revcache_close(c, true);

	/* Entries not asked for are dropped at a save: b2 went above. */
	c = dbm_revcache_open(versions.buf, "index", false);
	st = old_stamp(20);
	CHECK(!dbm_revcache_get(c, "b2.lua", &st, NULL, NULL));
	st = old_stamp(10);
	CHECK(dbm_revcache_get(c, "a1.lua", &st, NULL, NULL));
	st = old_stamp(30);
	dbm_revcache_put(c, "d4.lua", &st, "y", 1);
	dbm_revcache_close(c, true);
	c = dbm_revcache_open(versions.buf, "index", false);
	st = old_stamp(30);
	const void *blob = NULL;
	size_t len = 0;
	CHECK(dbm_revcache_get(c, "d4.lua", &st, &blob, &len) && len == 1 &&
	      memcmp(blob, "y", 1) == 0);
	st = old_stamp(10);
	CHECK(dbm_revcache_get(c, "a1.lua", &st, NULL, NULL));
	dbm_revcache_close(c, false);

	/* Kinds are apart. */
	c = dbm_revcache_open(versions.buf, "chunks", true);
	CHECK(!dbm_revcache_get(c, "d4.lua", &st, NULL, NULL));
	dbm_revcache_close(c, false);
}

static void test_damage(void)
{
	struct dbm_buf good = DBM_BUF_INIT;
	struct dbm_err err = DBM_ERR_INIT;
	write_cache();
	CHECK(dbm_fs_read(&good, cache_file.buf, &err) == 0);
	int wrong = 0, right = 0;
	for (size_t n = 0; n < good.len; n++) {
		dbm_fs_write_mode(cache_file.buf, good.buf, n, 0600, &err);
		int got = read_b2();
		wrong += got < 0;
		right += got > 0;
	}
	CHECK(wrong == 0 && right == 0); /* a truncated file is ignored */
	for (size_t i = 0; i < good.len; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			good.buf[i] ^= (char)(1u << bit);
			dbm_fs_write_mode(cache_file.buf, good.buf, good.len,
					  0600, &err);
			/* Whatever a flip makes of the entry, reading it
			 * stays in bounds (the sanitizer build checks). */
			(void)read_b2();
			good.buf[i] ^= (char)(1u << bit);
		}
	}
	dbm_fs_write_mode(cache_file.buf, good.buf, good.len, 0600, &err);
	CHECK(read_b2() == 1);
	/* Writable by others: not read. */
	CHECK(chmod(cache_file.buf, 0620) == 0);
	CHECK(read_b2() == 0);
	dbm_buf_release(&good);
}

int main(void)
{
	if (!mkdtemp(root))
		return 1;
	dbm_buf_addf(&versions, "%s/versions", root);
	mkdir(versions.buf, 0700);
	struct dbm_buf cache_home = DBM_BUF_INIT;
	dbm_buf_addf(&cache_home, "%s/cache", root);
	setenv("XDG_CACHE_HOME", cache_home.buf, 1);
	unsetenv("DBM_REVISION_CACHE");
	CHECK(dbm_revcache_wanted());

	write_cache();
	/* The one file of kind index in the cache directory. */
	struct dbm_buf ls = DBM_BUF_INIT;
	char **names;
	size_t count;
	struct dbm_err err = DBM_ERR_INIT;
	dbm_buf_addf(&ls, "%s/tacker-db-manage", cache_home.buf);
	CHECK(dbm_fs_list(&names, &count, ls.buf, ".index", &err) == 0 &&
	      count == 1);
	if (count == 1)
		dbm_buf_addf(&cache_file, "%s/%s", ls.buf, names[0]);
	dbm_fs_names_free(names);

	test_round_trip();
	test_damage();
	on_demand = true;
	CHECK(chmod(cache_file.buf, 0600) == 0);
	test_damage();

	setenv("DBM_REVISION_CACHE", "off", 1);
	CHECK(!dbm_revcache_wanted());
	CHECK(dbm_revcache_open(versions.buf, "index", false) == NULL);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	dbm_buf_release(&ls);
	dbm_buf_release(&cache_home);
	dbm_buf_release(&versions);
	dbm_buf_release(&cache_file);
	return t_done();
}
