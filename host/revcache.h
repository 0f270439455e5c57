/*
 * An index of revision headers, so that commands need not open every
 * revision file on every run.
 *
 * For each file of a versions directory the index keeps what stat says
 * of it (size, modification and change times, inode, device) and the
 * header fields revscan read from its text. A file whose stat still
 * matches is not opened; any other is read and scanned again. Only
 * headers revscan read go in: they depend on the file's bytes alone,
 * where a header Lua computes might not.
 *
 * The index is one file per versions directory in the user's cache
 * directory ($XDG_CACHE_HOME/tacker-db-manage, else
 * ~/.cache/tacker-db-manage), written through a rename. It is only ever a
 * shortcut: missing, unreadable, corrupt, stale or unwritable means the
 * files are read, never an error. DBM_REVISION_CACHE=off turns it off.
 * Every function takes a NULL index and then does nothing.
 */
#ifndef DBM_REVCACHE_H
#define DBM_REVCACHE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "revmap.h"

struct dbm_revcache;

/* Is there an index to use: not turned off, a cache directory known? */
bool dbm_revcache_wanted(void);

/* The index of the directory versions (NULL when off or out of reach). */
struct dbm_revcache *dbm_revcache_open(const char *versions);

/*
 * When the entry of file name matches st, fill rev's header fields
 * (copies; path is left to the caller) and return true.
 */
bool dbm_revcache_get(struct dbm_revcache *c, const char *name,
		      const struct stat *st, struct dbm_revision *rev);

/*
 * Record the header revscan read from file name, whose stat was st before
 * it was read (a change after that shows as a different stat next time).
 */
void dbm_revcache_put(struct dbm_revcache *c, const char *name,
		      const struct stat *st, const struct dbm_revision *rev);

/*
 * Write the index back when save is set and it changed (files new, gone
 * or read again), then free it. Entries not asked for are dropped.
 */
void dbm_revcache_close(struct dbm_revcache *c, bool save);

#endif
