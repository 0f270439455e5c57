/*
 * The schema model: types, columns, constraints, indexes and tables as the
 * op API declares them and as reflection reads them back. Pure data; the
 * ddl layer renders it per dialect.
 */
#ifndef DBM_SCHEMA_H
#define DBM_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "vec.h"

enum dbm_type_kind {
	DBM_T_STRING, /* sa.String(n), sa.VARCHAR(n), Tacker's Uuid */
	DBM_T_TEXT,   /* sa.Text, sa.TEXT(n), Tacker's Json */
	DBM_T_INTEGER,
	DBM_T_BIGINT,
	DBM_T_SMALLINT,
	DBM_T_BOOLEAN,
	DBM_T_DATETIME,
	DBM_T_DATE,
	DBM_T_TIME,
	DBM_T_FLOAT,
	DBM_T_NUMERIC,
	DBM_T_JSON,
	DBM_T_ENUM,
	DBM_T_LARGEBINARY,
	DBM_T_PICKLE,
	DBM_T_RAW, /* a reflected or hand-written type, rendered verbatim */
};

struct dbm_type {
	enum dbm_type_kind kind;
	int length;	      /* String/Text/LargeBinary; -1: none */
	int precision, scale; /* Float/Numeric; -1: none */
	bool timezone;	      /* DateTime/Time */
	bool uppercase;	      /* declared as sa.VARCHAR/sa.TEXT (same SQL) */
	char *collation;      /* or NULL */
	char *enum_name;      /* Enum: name= (PostgreSQL type name) */
	char **enum_values;   /* Enum */
	size_t nenum_values;
	bool native_enum; /* Enum: default true */
	char *raw;	  /* DBM_T_RAW: the SQL type text */
};

enum dbm_default_kind {
	DBM_DEFAULT_NONE,
	DBM_DEFAULT_LITERAL, /* server_default="0": rendered as a string literal
			      */
	DBM_DEFAULT_EXPR,    /* sa.text("now()"), sa.func.now(): verbatim */
};

struct dbm_default {
	enum dbm_default_kind kind;
	char *text;
};

/* A column-level sa.ForeignKey("table.column", ...). */
struct dbm_fkref {
	char *target; /* "table.column" */
	char *name;
	char *ondelete, *onupdate;
};

struct dbm_column {
	char *name;
	struct dbm_type type;
	int nullable; /* 1 or 0; SQLAlchemy's default is !primary_key */
	struct dbm_default server_default;
	bool primary_key;
	int autoincrement; /* -1 auto (SQLAlchemy's default), 0, 1 */
	bool unique;	   /* column-level unique=True */
	bool index;	   /* column-level index=True */
	char *computed;	   /* sa.Computed(sqltext) or NULL */
	int persisted;	   /* Computed persisted=: -1 unset, 0, 1 */
	char *comment;
	struct dbm_fkref *fks; /* column-level foreign keys */
	size_t nfks;
};

enum dbm_constraint_kind {
	DBM_C_PRIMARY,
	DBM_C_FOREIGN,
	DBM_C_UNIQUE,
	DBM_C_CHECK,
};

struct dbm_constraint {
	enum dbm_constraint_kind kind;
	char *name; /* NULL: let the database name it */
	char **columns;
	size_t ncolumns;
	char *ref_table;    /* FOREIGN */
	char **ref_columns; /* FOREIGN */
	size_t nref_columns;
	char *ondelete, *onupdate; /* FOREIGN */
	char *check;		   /* CHECK: the SQL expression */
};

struct dbm_index {
	char *name;
	char *table;
	char **columns; /* column names, or SQL expressions when expr[i] */
	bool *expr;
	size_t ncolumns;
	bool unique;
	/* Dialect options, key=value (mysql_length, postgresql_where...). */
	char **kwargs;
	size_t nkwargs; /* pairs: kwargs[2i] key, kwargs[2i+1] value */
};

struct dbm_table {
	char *name;
	DBM_VEC(struct dbm_column) columns;
	DBM_VEC(struct dbm_constraint) constraints; /* table-level */
	DBM_VEC(struct dbm_index) indexes;
	char **kwargs; /* mysql_engine, mysql_charset...: pairs as above */
	size_t nkwargs;
	char *comment;
};

/* Initializers set the "unset" markers (-1, nullable 1, native_enum). */
void dbm_type_init(struct dbm_type *t, enum dbm_type_kind kind);
void dbm_column_init(struct dbm_column *c);
void dbm_table_init(struct dbm_table *t);
void dbm_constraint_init(struct dbm_constraint *c,
			 enum dbm_constraint_kind kind);
void dbm_index_init(struct dbm_index *ix);
/* Free everything; the struct is left initialized, ready for reuse. */
void dbm_type_release(struct dbm_type *t);
void dbm_column_release(struct dbm_column *c);
void dbm_constraint_release(struct dbm_constraint *c);
void dbm_index_release(struct dbm_index *ix);
void dbm_table_release(struct dbm_table *t);
void dbm_default_release(struct dbm_default *d);

/* Deep copies into *out, which is overwritten (not released first). */
void dbm_type_copy(struct dbm_type *out, const struct dbm_type *t);
void dbm_column_copy(struct dbm_column *out, const struct dbm_column *c);
void dbm_constraint_copy(struct dbm_constraint *out,
			 const struct dbm_constraint *c);
void dbm_index_copy(struct dbm_index *out, const struct dbm_index *ix);
void dbm_table_copy(struct dbm_table *out, const struct dbm_table *t);
void dbm_default_copy(struct dbm_default *out, const struct dbm_default *d);

/* Lookups by name (borrowed), or NULL / -1. */
struct dbm_column *dbm_table_column(struct dbm_table *t, const char *name);
long dbm_table_column_index(const struct dbm_table *t, const char *name);
/* The value of a dialect option pair list, or NULL. */
const char *dbm_kwarg(char *const *kwargs, size_t n, const char *key);

#endif
