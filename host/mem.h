/* Allocation that never returns NULL: running out of memory aborts. */
#ifndef DBM_MEM_H
#define DBM_MEM_H

#include <stddef.h>

void *dbm_xmalloc(size_t n);
void *dbm_xcalloc(size_t count, size_t size);
void *dbm_xrealloc(void *p, size_t n);
char *dbm_xstrdup(const char *s);
char *dbm_xstrndup(const char *s, size_t n);

/* Grow *items (of *alloc elements of elem_size) to hold at least need. */
void dbm_grow(void **items, size_t *alloc, size_t need, size_t elem_size);

/* Impossible states, never user errors. */
#define DBM_BUG(msg) dbm_bug(__FILE__, __LINE__, (msg))
_Noreturn void dbm_bug(const char *file, int line, const char *msg);

#endif
