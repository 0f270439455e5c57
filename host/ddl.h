/*
 * DDL: one vtable per dialect renders each operation to SQL and sends every
 * statement, online or offline, through one choke point (dbm_ddl_exec), so
 * the two modes cannot drift apart.
 */
#ifndef DBM_DDL_H
#define DBM_DDL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "err.h"
#include "schema.h"

struct dbm_ddl;
struct dbm_catalog;

/* alter_column's arguments, Alembic's names; unset fields are NULL / -1. */
struct dbm_alter_column {
	const char *table;
	const char *column;
	int nullable;			   /* -1: leave as is */
	const struct dbm_type *type;	   /* NULL: leave as is */
	bool set_default;		   /* server_default= was given */
	struct dbm_default server_default; /* kind NONE with set: drop it */
	const char *new_name;		   /* new_column_name= */
	const struct dbm_type *existing_type;
	int existing_nullable;				   /* -1: unknown */
	const struct dbm_default *existing_server_default; /* NULL: unknown */
	int autoincrement;				   /* -1: unset */
	const char *comment;				   /* NULL: unset */
	/* Dialect options (postgresql_using...): pairs as in dbm_index. */
	char *const *kwargs;
	size_t nkwargs;
};

struct dbm_dialect {
	int version;	  /* 1 */
	const char *name; /* "sqlite", "postgresql", "mysql" */
	const char
	    *impl_name; /* "SQLiteImpl": for Alembic's "Context impl" log */
	bool transactional_ddl;
	/* DDL commits implicitly (MySQL): a failed revision stays half done. */
	bool implicit_commit;
	/* INSERT of the version row says RETURNING (SQLAlchemy on PostgreSQL).
	 */
	bool insert_returning;
	/* A real BOOLEAN type: Lua booleans bind as 'true'/'false', not 1/0. */
	bool native_boolean;
	/*
	 * Offline, keep the schema in a catalog (see dbm_ddl_catalog_open):
	 * the dialect reflects tables to rebuild them (SQLite).
	 */
	bool offline_catalog;

	/* Rendering helpers. */
	void (*quote)(struct dbm_buf *out, const char *ident);
	void (*type)(struct dbm_buf *out, const struct dbm_type *t);
	/* The n-th (1-based) positional placeholder: "?" or "$n". */
	void (*placeholder)(struct dbm_buf *out, size_t n);
	/*
	 * A value as an inline SQL literal (offline SQL, literal defaults).
	 * NULL: standard SQL, strings in '' with '' doubled, blobs X'..'.
	 */
	void (*literal)(struct dbm_buf *out, const struct dbm_value *v);

	/* Operations: render and run through dbm_ddl_exec. */
	int (*create_table)(struct dbm_ddl *ddl, const struct dbm_table *t,
			    struct dbm_err *err);
	int (*drop_table)(struct dbm_ddl *ddl, const char *table,
			  struct dbm_err *err);
	int (*rename_table)(struct dbm_ddl *ddl, const char *from,
			    const char *to, struct dbm_err *err);
	int (*add_column)(struct dbm_ddl *ddl, const char *table,
			  const struct dbm_column *col, struct dbm_err *err);
	int (*drop_column)(struct dbm_ddl *ddl, const char *table,
			   const char *column, struct dbm_err *err);
	int (*alter_column)(struct dbm_ddl *ddl,
			    const struct dbm_alter_column *a,
			    struct dbm_err *err);
	int (*create_index)(struct dbm_ddl *ddl, const struct dbm_index *ix,
			    struct dbm_err *err);
	int (*drop_index)(struct dbm_ddl *ddl, const char *name,
			  const char *table, struct dbm_err *err);
	int (*add_constraint)(struct dbm_ddl *ddl, const char *table,
			      const struct dbm_constraint *c,
			      struct dbm_err *err);
	/* type_: "foreignkey", "unique", "primary", "check" or NULL. */
	int (*drop_constraint)(struct dbm_ddl *ddl, const char *table,
			       const char *name, const char *type_,
			       struct dbm_err *err);

	/*
	 * Reflection: online from the database, offline from the catalog
	 * (dialects with offline_catalog); else an error.
	 */
	int (*table_names)(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			   struct dbm_err *err);
	/* Fill out (initialized by the caller) from the table; error
	 * "no such table 'x'" when it is missing. */
	int (*reflect_table)(struct dbm_ddl *ddl, const char *table,
			     struct dbm_table *out, struct dbm_err *err);
};

extern const struct dbm_dialect dbm_dialect_sqlite;
extern const struct dbm_dialect dbm_dialect_postgresql;
extern const struct dbm_dialect dbm_dialect_mysql;

/* The dialect for a URL's dialect name, or NULL. */
const struct dbm_dialect *dbm_dialect_find(const char *name);

/* Where offline SQL goes. */
typedef void (*dbm_sql_sink)(void *payload, const char *sql);

/* The per-run DDL context: online (conn) or offline (sink). */
struct dbm_ddl {
	const struct dbm_dialect *dialect;
	struct dbm_conn *conn; /* NULL when offline */
	dbm_sql_sink sink;     /* offline: receives each statement */
	void *sink_payload;
	/* Statements run for the current revision, for error reports. */
	DBM_VEC(char *) applied;
	/* The last statement that failed (owned), for error reports. */
	char *failed_sql;
	/* Enum types created in this run (PostgreSQL), as SQLAlchemy's memo. */
	DBM_VEC(char *) created_types;
	/* How long begin waits for SQLite's write lock, in seconds. */
	double lock_timeout;
	/*
	 * Offline: the catalog, the schema the script has built so far, or
	 * NULL. Every statement sent to the sink also goes through it (owned;
	 * freed by dbm_ddl_release).
	 */
	struct dbm_catalog *catalog;
};

/*
 * Transaction control through the same choke point: online the driver's
 * begin (a write transaction) and commit; offline "BEGIN" and "COMMIT"
 * statements where the dialect has transactional DDL, else nothing.
 */
int dbm_ddl_begin(struct dbm_ddl *ddl, struct dbm_err *err);
int dbm_ddl_commit(struct dbm_ddl *ddl, struct dbm_err *err);

#define DBM_DDL_INIT                                                           \
	{                                                                      \
		0                                                              \
	}

void dbm_ddl_release(struct dbm_ddl *ddl);
/*
 * Offline, open the catalog when the dialect keeps one (offline_catalog),
 * else do nothing. Every statement of the script then also goes through
 * it, so the dialect's reflection answers offline what the database would
 * answer after the script so far: SQLite's table rebuilds and
 * op.get_inspector() read the schema from there.
 */
int dbm_ddl_catalog_open(struct dbm_ddl *ddl, struct dbm_err *err);
/* Whether reflection can answer: online, or offline with a catalog. */
static inline bool dbm_ddl_can_reflect(const struct dbm_ddl *ddl)
{
	return ddl->conn || ddl->catalog;
}
/*
 * Make dbm_ddl_schema_conn show table (NULL: every table): offline the
 * catalog builds it; online there is nothing to do.
 */
int dbm_ddl_schema_prepare(struct dbm_ddl *ddl, const char *table,
			   struct dbm_err *err);
/*
 * The connection reflection reads (borrowed): the database, else the
 * catalog's database as the last dbm_ddl_schema_prepare built it.
 */
struct dbm_conn *dbm_ddl_schema_conn(const struct dbm_ddl *ddl);
/*
 * SQLAlchemy's rule for quoting an identifier: quote a name that is
 * empty, starts with a digit or '$', holds a character outside
 * [a-z0-9_$], or is one of the n reserved words (sorted by strcmp).
 */
bool dbm_ddl_needs_quotes(const char *name, const char *const *reserved,
			  size_t n);
/* Whether name is one of the n words (sorted by strcmp). */
bool dbm_ddl_is_word(const char *name, const char *const *words, size_t n);
/* Forget the statements recorded for the previous revision. */
void dbm_ddl_reset_applied(struct dbm_ddl *ddl);
static inline bool dbm_ddl_offline(const struct dbm_ddl *ddl)
{
	return ddl->conn == NULL;
}

/*
 * The choke point: run (online) or emit (offline) one statement written in
 * the dialect's placeholder style. Offline, parameters are rendered inline
 * as literals, and the statement goes through the catalog (when there is
 * one) before it reaches the sink. out may be NULL; offline it is always set
 * to NULL. On failure the statement is kept in ddl->failed_sql and err
 * says what the database (or the catalog) said.
 */
int dbm_ddl_exec(struct dbm_ddl *ddl, const char *sql,
		 const struct dbm_value *params, size_t nparams,
		 struct dbm_result **out, struct dbm_err *err);

/*
 * Rewrite SQL with :name binds (as sa.text) into the dialect's positional
 * style; names[] receives the bind names in order (owned by the caller,
 * freed with free each). Quoted strings, identifiers, comments and "::"
 * casts are left alone.
 */
void dbm_ddl_bind_names(const struct dbm_dialect *d, struct dbm_buf *out,
			const char *sql, char ***names, size_t *nnames);

/* Shared rendering pieces for the dialects. */
void dbm_ddl_default(struct dbm_ddl *ddl, struct dbm_buf *out,
		     const struct dbm_default *d);
void dbm_ddl_column_list(struct dbm_ddl *ddl, struct dbm_buf *out,
			 char *const *names, size_t n);
/* A value as a standard SQL literal (what a NULL literal hook means). */
void dbm_ddl_std_literal(struct dbm_buf *out, const struct dbm_value *v);
/*
 * SQLAlchemy's check of an ON DELETE / ON UPDATE phrase (what: "ondelete"
 * or "onupdate"); NULL is fine.
 */
int dbm_ddl_check_fk_action(const char *phrase, const char *what,
			    struct dbm_err *err);

#endif
