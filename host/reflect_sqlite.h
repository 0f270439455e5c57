/*
 * SQLite reflection: the live schema read back into the schema model from
 * PRAGMAs and from the CREATE statements in sqlite_master (constraint
 * names, CHECK and computed expressions exist only there).
 */
#ifndef DBM_REFLECT_SQLITE_H
#define DBM_REFLECT_SQLITE_H

#include "ddl.h"

/* User tables (no sqlite_* tables), sorted by name. */
int dbm_sqlite_table_names(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			   struct dbm_err *err);
int dbm_sqlite_reflect_table(struct dbm_ddl *ddl, const char *table,
			     struct dbm_table *out, struct dbm_err *err);

#endif
