/*
 * PostgreSQL reflection: the live schema read back into the schema model
 * from pg_catalog, as SQLAlchemy 1.4's PostgreSQL dialect reflects it.
 */
#ifndef DBM_REFLECT_POSTGRESQL_H
#define DBM_REFLECT_POSTGRESQL_H

#include "ddl.h"

/* Tables (and partitioned tables) of the current schema, sorted by name. */
int dbm_postgresql_table_names(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			       struct dbm_err *err);
/* Fill out (initialized by the caller) from the table on the search path;
 * "no such table 'x'" when there is none. */
int dbm_postgresql_reflect_table(struct dbm_ddl *ddl, const char *table,
				 struct dbm_table *out, struct dbm_err *err);

#endif
