/*
 * MySQL/MariaDB reflection: the live schema of the connection's current
 * database read back into the schema model from information_schema.
 */
#ifndef DBM_REFLECT_MYSQL_H
#define DBM_REFLECT_MYSQL_H

#include <stdbool.h>

#include "ddl.h"

/* Base tables of the current database, sorted by name (byte order). */
int dbm_mysql_table_names(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			  struct dbm_err *err);
int dbm_mysql_reflect_table(struct dbm_ddl *ddl, const char *table,
			    struct dbm_table *out, struct dbm_err *err);
/* Whether the server is MariaDB (its VERSION() says so). Online only. */
int dbm_mysql_is_mariadb(struct dbm_ddl *ddl, bool *out, struct dbm_err *err);

#endif
