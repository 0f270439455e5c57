/*
 * The offline schema catalog (SQLite, --sql): the schema the script so far
 * has built, for the table rebuilds and op.get_inspector() that reflect it.
 *
 * Executing every statement in one in-memory database made a chain
 * quadratic: SQLite parses its whole schema again after each ALTER TABLE.
 * So the catalog keeps, per table, the schema statements that shaped it,
 * checks them cheaply for what SQLite would refuse at once (an unknown or
 * existing table or index), and runs nothing. Only when a table is
 * reflected does it build a scratch in-memory database holding that table
 * (and the tables its foreign keys refer to); only the statements the logs
 * cannot follow (a rename, anything unrecognised) run against a database
 * with the tables they may touch, whose schema then replaces their logs.
 * A schema with views, triggers or temporary objects makes the catalog
 * fall back to one database that runs every statement.
 */
#ifndef DBM_CATALOG_H
#define DBM_CATALOG_H

#include "db.h"
#include "err.h"

struct dbm_catalog;

/* An empty schema (owned; dbm_catalog_free). */
struct dbm_catalog *dbm_catalog_new(void);
void dbm_catalog_free(struct dbm_catalog *cat);

/*
 * Follow one statement of the script, as the client will run it (literals
 * inline). Fails with SQLite's own words when the statement names a table
 * or index that does (not) exist, or when a statement that does run fails.
 */
int dbm_catalog_exec(struct dbm_catalog *cat, const char *sql,
		     struct dbm_err *err);

/*
 * Build the scratch database dbm_catalog_conn returns: table and the
 * tables its foreign keys refer to, or every table when table is NULL. A
 * table the catalog does not know is simply absent.
 */
int dbm_catalog_need(struct dbm_catalog *cat, const char *table,
		     struct dbm_err *err);

/* The database the last dbm_catalog_need built (borrowed), or NULL. */
struct dbm_conn *dbm_catalog_conn(const struct dbm_catalog *cat);

/*
 * The statements kept for table, each followed by ";\n" (owned by the
 * caller), or NULL when the catalog has no log for it: for tests.
 */
char *dbm_catalog_log(const struct dbm_catalog *cat, const char *table);

#endif
