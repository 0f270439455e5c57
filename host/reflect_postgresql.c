/*
 * PostgreSQL reflection from pg_catalog, with the semantics of SQLAlchemy
 * 1.4's PostgreSQL dialect: column types as format_type() prints them
 * (kept verbatim as DBM_T_RAW), defaults as pg_get_expr() prints them,
 * serial and identity columns as autoincrement, generated columns as
 * computed; constraints with their names; the indexes that back no
 * constraint.
 *
 * Beyond SQLAlchemy 1.4: expression index elements are reflected (expr[i]
 * set) rather than skipped; a partial index keeps its predicate as the
 * index option postgresql_where and a non-btree index its method as
 * postgresql_using.
 *
 * Every query takes its values as bound parameters; the table is found on
 * the search path once and then named by its oid.
 */
#include "reflect_postgresql.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

/* Result cells, whatever kind the driver gives them. */

/* A cell as an owned string (numbers printed), or NULL for SQL NULL. */
static char *cell_dup(const struct dbm_result *res, size_t row, size_t col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, col);
	char tmp[64];
	switch (v->kind) {
	case DBM_V_TEXT:
		return dbm_xstrdup(v->s ? v->s : "");
	case DBM_V_BLOB:
		return dbm_xstrndup(v->s ? v->s : "", v->n);
	case DBM_V_INT:
		snprintf(tmp, sizeof(tmp), "%" PRId64, v->i);
		return dbm_xstrdup(tmp);
	case DBM_V_REAL:
		snprintf(tmp, sizeof(tmp), "%.17g", v->r);
		return dbm_xstrdup(tmp);
	default:
		return NULL;
	}
}

static bool cell_is_null(const struct dbm_result *res, size_t row, size_t col)
{
	return dbm_result_cell(res, row, col)->kind == DBM_V_NULL;
}

/* A number cell (the queries print flags as 0 or 1). */
static int64_t cell_int(const struct dbm_result *res, size_t row, size_t col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, col);
	switch (v->kind) {
	case DBM_V_INT:
		return v->i;
	case DBM_V_REAL:
		return (int64_t)v->r;
	case DBM_V_TEXT:
		return v->s ? strtoll(v->s, NULL, 10) : 0;
	default:
		return 0;
	}
}

/* Whether two cells hold the same text (both NULL counts). */
static bool cell_same(const struct dbm_result *res, size_t r1, size_t r2,
		      size_t col)
{
	char *a = cell_dup(res, r1, col), *b = cell_dup(res, r2, col);
	bool same = (!a && !b) || (a && b && strcmp(a, b) == 0);
	free(a);
	free(b);
	return same;
}

static int query(struct dbm_ddl *ddl, const char *sql, const char *param,
		 struct dbm_result **out, struct dbm_err *err)
{
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = param};
	return dbm_db_exec(ddl->conn, sql, param ? &p : NULL, param ? 1 : 0,
			   out, err);
}

static void push_name(char ***v, size_t *n, char *name)
{
	*v = dbm_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = name ? name : dbm_xstrdup("");
	(*v)[*n] = NULL;
}

/* The table. */

/* Its oid (as text) and stored name and comment, or "no such table". */
static int find_table(struct dbm_ddl *ddl, const char *table, char **oid,
		      struct dbm_table *t, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	*oid = NULL;
	if (query(ddl,
		  "SELECT c.oid::text, c.relname, "
		  "pg_catalog.obj_description(c.oid, 'pg_class') "
		  "FROM pg_catalog.pg_class c "
		  "WHERE c.relname = $1 "
		  "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
		  "AND pg_catalog.pg_table_is_visible(c.oid)",
		  table, &res, err) < 0)
		goto done;
	if (!res->nrows) {
		dbm_err_set(err, DBM_EFAIL, "no such table '%s'", table);
		goto done;
	}
	*oid = cell_dup(res, 0, 0);
	t->name = cell_dup(res, 0, 1);
	t->comment = cell_dup(res, 0, 2);
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* Whether a reflected default is a sequence's nextval (a serial column). */
static bool is_nextval(const char *dflt)
{
	return dflt && strncmp(dflt, "nextval('", 9) == 0;
}

static bool integer_type(const char *type)
{
	return type &&
	       (strcmp(type, "integer") == 0 || strcmp(type, "bigint") == 0 ||
		strcmp(type, "smallint") == 0);
}

static int reflect_columns(struct dbm_ddl *ddl, const char *oid,
			   struct dbm_table *t, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	/* name, type, default, not null, generated expr, kind, identity,
	 * comment */
	if (query(ddl,
		  "SELECT a.attname, "
		  "pg_catalog.format_type(a.atttypid, a.atttypmod), "
		  "CASE WHEN a.attgenerated = '' "
		  "THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, "
		  "CASE WHEN a.attnotnull THEN 1 ELSE 0 END, "
		  "CASE WHEN a.attgenerated <> '' "
		  "THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, "
		  "a.attgenerated::text, a.attidentity::text, "
		  "pg_catalog.col_description(a.attrelid, a.attnum) "
		  "FROM pg_catalog.pg_attribute a "
		  "LEFT JOIN pg_catalog.pg_attrdef d "
		  "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
		  "WHERE a.attrelid = $1::oid AND a.attnum > 0 "
		  "AND NOT a.attisdropped "
		  "ORDER BY a.attnum",
		  oid, &res, err) < 0)
		goto done;
	for (size_t r = 0; r < res->nrows; r++) {
		struct dbm_column c;
		dbm_column_init(&c);
		c.name = cell_dup(res, r, 0);
		dbm_type_init(&c.type, DBM_T_RAW);
		c.type.raw = cell_dup(res, r, 1);
		if (!c.type.raw)
			c.type.raw = dbm_xstrdup("");
		c.nullable = cell_int(res, r, 3) ? 0 : 1;
		char *dflt = cell_dup(res, r, 2);
		if (dflt) {
			c.server_default.kind = DBM_DEFAULT_EXPR;
			c.server_default.text = dflt;
		}
		if (!cell_is_null(res, r, 4)) {
			char *kind = cell_dup(res, r, 5);
			c.computed = cell_dup(res, r, 4);
			c.persisted = kind && strcmp(kind, "s") == 0;
			free(kind);
		}
		char *identity = cell_dup(res, r, 6);
		c.autoincrement =
		    (identity && *identity) ||
		    (is_nextval(dflt) && integer_type(c.type.raw));
		free(identity);
		c.comment = cell_dup(res, r, 7);
		dbm_vec_push(&t->columns, c);
	}
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* Constraints. */

/* The key columns of the constraints of one type, constraint by constraint:
 * conname, column, ordinality. */
static const char keyed_sql[] =
    "SELECT con.conname, a.attname "
    "FROM pg_catalog.pg_constraint con "
    "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
    "JOIN pg_catalog.pg_attribute a "
    "ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
    "WHERE con.conrelid = $1::oid AND con.contype = '%c' "
    "ORDER BY con.conname, k.ord";

/* PRIMARY KEY (one) or UNIQUE constraints (by name). */
static int reflect_keyed(struct dbm_ddl *ddl, const char *oid, char type,
			 enum dbm_constraint_kind kind, struct dbm_table *t,
			 struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	dbm_buf_addf(&sql, keyed_sql, type);
	if (query(ddl, sql.buf, oid, &res, err) < 0)
		goto done;
	for (size_t r = 0; r < res->nrows;) {
		struct dbm_constraint c;
		dbm_constraint_init(&c, kind);
		c.name = cell_dup(res, r, 0);
		size_t first = r;
		for (; r < res->nrows && cell_same(res, first, r, 0); r++) {
			char *col = cell_dup(res, r, 1);
			if (kind == DBM_C_PRIMARY) {
				struct dbm_column *tc =
				    dbm_table_column(t, col ? col : "");
				if (tc)
					tc->primary_key = true;
			}
			push_name(&c.columns, &c.ncolumns, col);
		}
		dbm_vec_push(&t->constraints, c);
	}
	ret = 0;
done:
	dbm_buf_release(&sql);
	dbm_result_free(res);
	return ret;
}

/* pg_constraint's action letters; NO ACTION (the default) is NULL. */
static char *fk_action(const struct dbm_result *res, size_t row, size_t col)
{
	char *a = cell_dup(res, row, col);
	const char *s = NULL;
	if (a && strcmp(a, "r") == 0)
		s = "RESTRICT";
	else if (a && strcmp(a, "c") == 0)
		s = "CASCADE";
	else if (a && strcmp(a, "n") == 0)
		s = "SET NULL";
	else if (a && strcmp(a, "d") == 0)
		s = "SET DEFAULT";
	free(a);
	return s ? dbm_xstrdup(s) : NULL;
}

static int reflect_foreign_keys(struct dbm_ddl *ddl, const char *oid,
				struct dbm_table *t, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	/* name, column, referred column, referred table (with its schema
	 * when it is not on the search path), on update, on delete */
	if (query(ddl,
		  "SELECT con.conname, la.attname, ra.attname, "
		  "CASE WHEN pg_catalog.pg_table_is_visible(rc.oid) "
		  "THEN rc.relname::text "
		  "ELSE rn.nspname || '.' || rc.relname END, "
		  "con.confupdtype::text, con.confdeltype::text "
		  "FROM pg_catalog.pg_constraint con "
		  "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
		  "JOIN pg_catalog.pg_namespace rn "
		  "ON rn.oid = rc.relnamespace "
		  "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) "
		  "WITH ORDINALITY AS k(l, r, ord) "
		  "JOIN pg_catalog.pg_attribute la "
		  "ON la.attrelid = con.conrelid AND la.attnum = k.l "
		  "JOIN pg_catalog.pg_attribute ra "
		  "ON ra.attrelid = con.confrelid AND ra.attnum = k.r "
		  "WHERE con.conrelid = $1::oid AND con.contype = 'f' "
		  "ORDER BY con.conname, k.ord",
		  oid, &res, err) < 0)
		goto done;
	for (size_t r = 0; r < res->nrows;) {
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_FOREIGN);
		c.name = cell_dup(res, r, 0);
		c.ref_table = cell_dup(res, r, 3);
		c.onupdate = fk_action(res, r, 4);
		c.ondelete = fk_action(res, r, 5);
		size_t first = r;
		for (; r < res->nrows && cell_same(res, first, r, 0); r++) {
			push_name(&c.columns, &c.ncolumns, cell_dup(res, r, 1));
			push_name(&c.ref_columns, &c.nref_columns,
				  cell_dup(res, r, 2));
		}
		dbm_vec_push(&t->constraints, c);
	}
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* The index after the group opened at s[i] ('('), quotes skipped. */
static size_t group_end(const char *s, size_t i)
{
	size_t depth = 0;
	for (; s[i]; i++) {
		if (s[i] == '\'' || s[i] == '"') {
			char q = s[i];
			for (i++; s[i] && s[i] != q; i++)
				;
			if (!s[i])
				break;
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return i;
}

/*
 * The expression of "CHECK (<expr>)[ NOT VALID]", without the outer
 * parentheses PostgreSQL puts around it ("CHECK ((a > 0))" -> "a > 0"),
 * as SQLAlchemy gives it.
 */
static char *check_expr(const char *def)
{
	const char *p = def ? def : "";
	if (strncmp(p, "CHECK ", 6) == 0)
		p += 6;
	while (*p == ' ')
		p++;
	if (*p != '(')
		return dbm_xstrdup(p);
	size_t end = group_end(p, 0);
	char *expr = dbm_xstrndup(p + 1, end >= 2 ? end - 2 : 0);
	size_t n = strlen(expr);
	if (n >= 2 && expr[0] == '(' && group_end(expr, 0) == n) {
		char *inner = dbm_xstrndup(expr + 1, n - 2);
		free(expr);
		expr = inner;
	}
	return expr;
}

static int reflect_checks(struct dbm_ddl *ddl, const char *oid,
			  struct dbm_table *t, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	if (query(
		ddl,
		"SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid) "
		"FROM pg_catalog.pg_constraint con "
		"WHERE con.conrelid = $1::oid AND con.contype = 'c' "
		"ORDER BY con.conname",
		oid, &res, err) < 0)
		goto done;
	for (size_t r = 0; r < res->nrows; r++) {
		struct dbm_constraint c;
		char *def = cell_dup(res, r, 1);
		dbm_constraint_init(&c, DBM_C_CHECK);
		c.name = cell_dup(res, r, 0);
		c.check = check_expr(def);
		free(def);
		dbm_vec_push(&t->constraints, c);
	}
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* Indexes. */

static void add_kwarg(struct dbm_index *ix, const char *key, char *value)
{
	ix->kwargs =
	    dbm_xrealloc(ix->kwargs, 2 * (ix->nkwargs + 1) * sizeof(char *));
	ix->kwargs[2 * ix->nkwargs] = dbm_xstrdup(key);
	ix->kwargs[2 * ix->nkwargs + 1] = value;
	ix->nkwargs++;
}

static int reflect_indexes(struct dbm_ddl *ddl, const char *oid,
			   struct dbm_table *t, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	/* name, unique, element (column or expression), is expression,
	 * method, predicate: key columns only, in key order */
	if (query(
		ddl,
		"SELECT i.relname, CASE WHEN ix.indisunique THEN 1 ELSE 0 END, "
		"CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef("
		"ix.indexrelid, k.ord::int, true) ELSE a.attname::text END, "
		"CASE WHEN k.attnum = 0 THEN 1 ELSE 0 END, am.amname, "
		"pg_catalog.pg_get_expr(ix.indpred, ix.indrelid) "
		"FROM pg_catalog.pg_index ix "
		"JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
		"JOIN pg_catalog.pg_am am ON am.oid = i.relam "
		"CROSS JOIN LATERAL unnest(ix.indkey) "
		"WITH ORDINALITY AS k(attnum, ord) "
		"LEFT JOIN pg_catalog.pg_attribute a "
		"ON a.attrelid = ix.indrelid AND a.attnum = k.attnum "
		"WHERE ix.indrelid = $1::oid AND k.ord <= ix.indnkeyatts "
		"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
		"WHERE c.conrelid = ix.indrelid "
		"AND c.conindid = ix.indexrelid "
		"AND c.contype IN ('p', 'u', 'x')) "
		"ORDER BY i.relname, k.ord",
		oid, &res, err) < 0)
		goto done;
	for (size_t r = 0; r < res->nrows;) {
		struct dbm_index ix;
		size_t first = r, n = 0;
		dbm_index_init(&ix);
		ix.name = cell_dup(res, r, 0);
		ix.table = dbm_xstrdup(t->name ? t->name : "");
		ix.unique = cell_int(res, r, 1) != 0;
		while (n < res->nrows - first &&
		       cell_same(res, first, r + n, 0))
			n++;
		ix.columns = dbm_xcalloc(n + 1, sizeof(*ix.columns));
		ix.expr = dbm_xcalloc(n + 1, sizeof(*ix.expr));
		for (size_t k = 0; k < n; k++, r++) {
			char *elem = cell_dup(res, r, 2);
			ix.columns[k] = elem ? elem : dbm_xstrdup("");
			ix.expr[k] = cell_int(res, r, 3) != 0;
		}
		ix.ncolumns = n;
		char *method = cell_dup(res, first, 4);
		if (method && strcmp(method, "btree") != 0)
			add_kwarg(&ix, "postgresql_using", method);
		else
			free(method);
		char *where = cell_dup(res, first, 5);
		if (where)
			add_kwarg(&ix, "postgresql_where", where);
		dbm_vec_push(&t->indexes, ix);
	}
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

int dbm_postgresql_reflect_table(struct dbm_ddl *ddl, const char *table,
				 struct dbm_table *out, struct dbm_err *err)
{
	struct dbm_table t;
	char *oid = NULL;
	int ret = -1;

	dbm_table_init(&t);
	if (!ddl->conn)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot reflect table '%s' offline", table);
	if (find_table(ddl, table, &oid, &t, err) < 0)
		goto done;
	if (reflect_columns(ddl, oid, &t, err) < 0 ||
	    reflect_keyed(ddl, oid, 'p', DBM_C_PRIMARY, &t, err) < 0 ||
	    reflect_foreign_keys(ddl, oid, &t, err) < 0 ||
	    reflect_keyed(ddl, oid, 'u', DBM_C_UNIQUE, &t, err) < 0 ||
	    reflect_checks(ddl, oid, &t, err) < 0 ||
	    reflect_indexes(ddl, oid, &t, err) < 0) {
		dbm_err_prefix(err, "cannot reflect table '%s'", table);
		goto done;
	}
	dbm_table_release(out);
	*out = t;
	dbm_table_init(&t);
	ret = 0;
done:
	free(oid);
	dbm_table_release(&t);
	return ret;
}

int dbm_postgresql_table_names(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			       struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	*out = NULL;
	*out_n = 0;
	if (!ddl->conn)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot list tables offline");
	if (query(ddl,
		  "SELECT c.relname FROM pg_catalog.pg_class c "
		  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		  "WHERE n.nspname = current_schema() "
		  "AND c.relkind IN ('r', 'p') "
		  "ORDER BY c.relname",
		  NULL, &res, err) < 0)
		goto done;
	*out = dbm_xcalloc(res->nrows + 1, sizeof(**out));
	for (size_t r = 0; r < res->nrows; r++) {
		char *name = cell_dup(res, r, 0);
		(*out)[r] = name ? name : dbm_xstrdup("");
	}
	*out_n = res->nrows;
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}
