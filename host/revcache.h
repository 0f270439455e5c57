/*
 * Caches of what the host derives from revision files, so that a run need
 * not read, scan or compile every file again.
 *
 * A cache holds, for each file of a versions directory, what stat says of
 * it (size, modification and change times, inode, device) and a blob
 * derived from its bytes alone: the header fields (the index every
 * command reads) or the compiled chunk (for the revisions a run
 * executes). A blob is used only while the file's stat still matches, and
 * files changed in the last 2 s are not taken in: a file may change again
 * within one tick of the file system's clock and keep its stat (git's
 * "racily clean" entries).
 *
 * Each cache is one file per versions directory and kind in the user's
 * cache directory ($XDG_CACHE_HOME/tacker-db-manage, else
 * ~/.cache/tacker-db-manage), written through a rename and read only when
 * this user owns it and nobody else can write it. It is only ever a
 * shortcut: missing, unreadable, corrupt, stale or unwritable means the
 * files are read, never an error. DBM_REVISION_CACHE=off turns it off.
 * Every function takes a NULL cache and then does nothing.
 */
#ifndef DBM_REVCACHE_H
#define DBM_REVCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"
#include "revmap.h"

struct dbm_revcache;

/* What stat says of a file, as the caches compare it. */
struct dbm_revstamp {
	uint64_t size, ino, dev;
	int64_t mtime_ns, ctime_ns;
};

void dbm_revstamp_of(struct dbm_revstamp *out, const struct stat *st);

/* Is there a cache to use: not turned off, a cache directory known? */
bool dbm_revcache_wanted(void);

/*
 * The cache of kind ("index", "chunks") for the directory versions, or
 * NULL when off or out of reach. The file is mapped, or with
 * blobs_on_demand only its records' stamps and names are kept in memory
 * and each blob is read when asked for (chunks: megabytes, each used once
 * by a run).
 */
struct dbm_revcache *dbm_revcache_open(const char *versions, const char *kind,
				       bool blobs_on_demand);

/*
 * When the entry of file name matches st: true, and the blob in
 * *blob and *len (valid until the next get or close; either may be NULL
 * to only mark the entry as still good, to keep it).
 */
bool dbm_revcache_get(struct dbm_revcache *c, const char *name,
		      const struct dbm_revstamp *st, const void **blob,
		      size_t *len);

/*
 * Record the blob derived from file name, whose stat was st before it was
 * read (a change after that shows as a different stat next time).
 */
void dbm_revcache_put(struct dbm_revcache *c, const char *name,
		      const struct dbm_revstamp *st, const void *blob,
		      size_t len);

/*
 * Write the cache back when save is set and it changed (entries added, or
 * loaded ones not confirmed by a get), then free it. Entries not
 * confirmed are dropped.
 */
void dbm_revcache_close(struct dbm_revcache *c, bool save);

/*
 * The blob of the "index" cache: a revision's header fields (id, message,
 * create_date, down_revision, branch_labels, depends_on), and back into
 * rev (copies; path is left alone). Decoding fails on a bad blob.
 */
void dbm_revcache_encode_header(struct dbm_buf *out,
				const struct dbm_revision *rev);
bool dbm_revcache_decode_header(const void *blob, size_t len,
				struct dbm_revision *rev);

#endif
