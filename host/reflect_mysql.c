/*
 * MySQL/MariaDB reflection, with the semantics of SQLAlchemy 1.4's MySQL
 * dialect, read from information_schema rather than by parsing SHOW
 * CREATE TABLE as SQLAlchemy does: the catalog gives each fact as its own
 * column (nullability, prefix lengths, key positions, referential rules,
 * generation expressions) through bound parameters, where SHOW CREATE
 * TABLE would need a tokenizer for quoted names, escaped comments and
 * defaults, parenthesized expressions, and a layout that varies between
 * MySQL and MariaDB versions. On MariaDB COLUMN_DEFAULT is already in the
 * form SHOW CREATE TABLE shows ('text' quoted, numbers and expressions
 * bare); MySQL's bare strings are put in quotes to match.
 *
 * What SQLAlchemy would report, and how it lands in the model:
 * - columns: COLUMN_TYPE verbatim as a raw type ("varchar(255)",
 *   "int(11)", "enum('a','b')"), with COLLATE when the column's collation
 *   is not the table's; autoincrement 1 for AUTO_INCREMENT, 0 for other
 *   integer columns, -1 otherwise; DEFAULT NULL is no default; generated
 *   columns with their expression and STORED/VIRTUAL (the expression as
 *   the catalog keeps it, without the parentheses SQLAlchemy's parser
 *   leaves around it, so that it renders back as it was);
 * - the primary key (MySQL names it PRIMARY: reported without a name);
 * - foreign keys with ON DELETE/UPDATE, RESTRICT (the default, which SHOW
 *   CREATE TABLE leaves out) reported as none;
 * - unique keys as unique constraints, other keys as indexes (with
 *   mysql_length "col=N,..." for prefix lengths, mysql_prefix for FULLTEXT
 *   and SPATIAL), including those MySQL adds for foreign keys;
 * - table-level CHECK constraints (MariaDB's column-level ones, such as
 *   the json_valid() check of a JSON column, are part of the column);
 * - table options mysql_engine, mysql_default_charset, mysql_collate and
 *   the comment.
 */
#include "reflect_mysql.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"

/* Result cells. */

/* A cell as an owned string, or NULL for SQL NULL. */
static char *cell_dup(const struct dbm_result *res, size_t row, size_t col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, col);
	struct dbm_buf b = DBM_BUF_INIT;
	switch (v->kind) {
	case DBM_V_TEXT:
	case DBM_V_BLOB:
		return dbm_xstrndup(v->s ? v->s : "", v->n);
	case DBM_V_INT:
		dbm_buf_addf(&b, "%lld", (long long)v->i);
		return dbm_buf_detach(&b);
	case DBM_V_REAL:
		dbm_buf_addf(&b, "%.17g", v->r);
		return dbm_buf_detach(&b);
	default:
		return NULL;
	}
}

static int64_t cell_int(const struct dbm_result *res, size_t row, size_t col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, col);
	char tmp[32];
	size_t n;
	switch (v->kind) {
	case DBM_V_INT:
		return v->i;
	case DBM_V_REAL:
		return (int64_t)v->r;
	case DBM_V_TEXT:
	case DBM_V_BLOB:
		n = v->n < sizeof(tmp) - 1 ? v->n : sizeof(tmp) - 1;
		memcpy(tmp, v->s ? v->s : "", n);
		tmp[n] = '\0';
		return strtoll(tmp, NULL, 10);
	default:
		return 0;
	}
}

static bool cell_is_null(const struct dbm_result *res, size_t row, size_t col)
{
	return dbm_result_cell(res, row, col)->kind == DBM_V_NULL;
}

/* Whether cell (row, col) holds exactly s. */
static bool cell_is(const struct dbm_result *res, size_t row, size_t col,
		    const char *s)
{
	char *v = cell_dup(res, row, col);
	bool same = v && strcmp(v, s) == 0;
	free(v);
	return same;
}

/*
 * Run a catalog query about one table: the parameter is its name, and the
 * first column of every row is TABLE_NAME, compared here byte for byte
 * (the catalog compares names without case).
 */
static int query_table(struct dbm_ddl *ddl, const char *sql, const char *table,
		       struct dbm_result **out, struct dbm_err *err)
{
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = table};
	if (dbm_db_exec(ddl->conn, sql, &p, 1, out, err) < 0)
		return -1;
	if ((*out)->ncols < 1)
		DBM_BUG("catalog query without columns");
	return 0;
}

static bool row_of(const struct dbm_result *res, size_t row, const char *table)
{
	return cell_is(res, row, 0, table);
}

/* Names in lists. */

static void push_name(char ***v, size_t *n, const char *s)
{
	*v = dbm_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = dbm_xstrdup(s ? s : "");
	(*v)[*n] = NULL;
}

static void add_kwarg(char ***kwargs, size_t *n, const char *key,
		      const char *value)
{
	*kwargs = dbm_xrealloc(*kwargs, 2 * (*n + 1) * sizeof(**kwargs));
	(*kwargs)[2 * *n] = dbm_xstrdup(key);
	(*kwargs)[2 * *n + 1] = dbm_xstrdup(value);
	(*n)++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether s contains word, ignoring ASCII case. */
static bool contains_nocase(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (; s && *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return true;
	return false;
}

/* The server. */

int dbm_mysql_is_mariadb(struct dbm_ddl *ddl, bool *out, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	*out = false;
	if (!ddl->conn)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot ask the server its version offline");
	if (dbm_db_exec(ddl->conn, "SELECT VERSION()", NULL, 0, &res, err) < 0)
		return -1;
	char *v = res->nrows && res->ncols ? cell_dup(res, 0, 0) : NULL;
	*out = contains_nocase(v, "mariadb");
	free(v);
	dbm_result_free(res);
	return 0;
}

/* The table and its options. */

struct table_info {
	char *collation; /* the table's default collation, or NULL */
	char *database;	 /* DATABASE() */
};

static int reflect_options(struct dbm_ddl *ddl, struct dbm_table *t,
			   struct table_info *ti, struct dbm_err *err)
{
	static const char sql[] =
	    "SELECT t.TABLE_NAME, t.ENGINE, t.TABLE_COLLATION, "
	    "c.CHARACTER_SET_NAME, t.TABLE_COMMENT, DATABASE() "
	    "FROM information_schema.TABLES t "
	    "LEFT JOIN information_schema.COLLATIONS c "
	    "ON c.COLLATION_NAME = t.TABLE_COLLATION "
	    "WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ? "
	    "AND t.TABLE_TYPE = 'BASE TABLE'";
	struct dbm_result *res = NULL;
	int ret = -1;

	if (query_table(ddl, sql, t->name, &res, err) < 0)
		goto done;
	size_t r = 0;
	while (r < res->nrows && !row_of(res, r, t->name))
		r++;
	if (r == res->nrows) {
		dbm_err_set(err, DBM_EFAIL, "no such table '%s'", t->name);
		goto done;
	}
	char *engine = cell_dup(res, r, 1);
	char *charset = cell_dup(res, r, 3);
	char *comment = cell_dup(res, r, 4);
	ti->collation = cell_dup(res, r, 2);
	ti->database = cell_dup(res, r, 5);
	if (engine)
		add_kwarg(&t->kwargs, &t->nkwargs, "mysql_engine", engine);
	if (charset)
		add_kwarg(&t->kwargs, &t->nkwargs, "mysql_default_charset",
			  charset);
	if (ti->collation)
		add_kwarg(&t->kwargs, &t->nkwargs, "mysql_collate",
			  ti->collation);
	if (comment && *comment)
		t->comment = comment;
	else
		free(comment);
	free(charset);
	free(engine);
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* Columns. */

static bool has_word(const char *extra, const char *word)
{
	return contains_nocase(extra, word);
}

/* The first word of a COLUMN_TYPE names an integer type. */
static bool integer_type(const char *type)
{
	static const char *const ints[] = {"tinyint", "smallint", "mediumint",
					   "int",     "integer",  "bigint"};
	size_t n = strcspn(type, "( ");
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (strlen(ints[i]) == n && strncasecmp(type, ints[i], n) == 0)
			return true;
	return false;
}

static bool numeric_type(const char *type)
{
	static const char *const nums[] = {
	    "decimal", "numeric", "float", "double", "real", "bit", "year"};
	size_t n = strcspn(type, "( ");
	if (integer_type(type))
		return true;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (strlen(nums[i]) == n && strncasecmp(type, nums[i], n) == 0)
			return true;
	return false;
}

/*
 * COLUMN_DEFAULT as SHOW CREATE TABLE shows it, or NULL for none. MySQL
 * gives a string default bare: quote it (its expressions are flagged
 * DEFAULT_GENERATED).
 */
static char *column_default(char *dflt, const char *type, const char *extra,
			    bool mariadb)
{
	if (!dflt || strcmp(dflt, "NULL") == 0) {
		free(dflt);
		return NULL;
	}
	if (mariadb || has_word(extra, "DEFAULT_GENERATED") ||
	    numeric_type(type))
		return dflt;
	struct dbm_buf b = DBM_BUF_INIT;
	dbm_buf_add_sql_literal(&b, dflt, strlen(dflt));
	free(dflt);
	return dbm_buf_detach(&b);
}

static int reflect_columns(struct dbm_ddl *ddl, struct dbm_table *t,
			   const struct table_info *ti, bool mariadb,
			   struct dbm_err *err)
{
	static const char sql[] =
	    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
	    "COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, COLLATION_NAME, "
	    "COLUMN_COMMENT "
	    "FROM information_schema.COLUMNS "
	    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
	    "ORDER BY ORDINAL_POSITION";
	struct dbm_result *res = NULL;

	if (query_table(ddl, sql, t->name, &res, err) < 0)
		return -1;
	for (size_t r = 0; r < res->nrows; r++) {
		if (!row_of(res, r, t->name))
			continue;
		struct dbm_column c;
		char *type = cell_dup(res, r, 2);
		char *extra = cell_dup(res, r, 5);
		char *collation = cell_dup(res, r, 7);
		char *comment = cell_dup(res, r, 8);
		if (!type)
			type = dbm_xstrdup("");
		dbm_column_init(&c);
		c.name = cell_dup(res, r, 1);
		dbm_type_init(&c.type, DBM_T_RAW);
		c.type.raw = type;
		if (collation &&
		    (!ti->collation || strcmp(collation, ti->collation) != 0))
			c.type.collation = collation;
		else
			free(collation);
		c.nullable = cell_is(res, r, 3, "YES") ? 1 : 0;
		if (has_word(extra, "auto_increment"))
			c.autoincrement = 1;
		else if (integer_type(type))
			c.autoincrement = 0;
		if (has_word(extra, "VIRTUAL GENERATED") ||
		    has_word(extra, "STORED GENERATED")) {
			c.computed = cell_dup(res, r, 6);
			if (!c.computed)
				c.computed = dbm_xstrdup("");
			c.persisted = has_word(extra, "STORED GENERATED");
		} else {
			char *dflt = column_default(cell_dup(res, r, 4), type,
						    extra, mariadb);
			if (dflt) {
				c.server_default.kind = DBM_DEFAULT_EXPR;
				c.server_default.text = dflt;
			}
		}
		if (comment && *comment)
			c.comment = comment;
		else
			free(comment);
		free(extra);
		dbm_vec_push(&t->columns, c);
	}
	dbm_result_free(res);
	return 0;
}

/* Keys: the primary key, unique keys and plain indexes. */

struct key_part {
	int64_t seq;
	char *column; /* NULL: an expression (MySQL 8), not reflected */
	int64_t sub_part;
};

struct key {
	char *name;
	bool unique;
	char *index_type;
	DBM_VEC(struct key_part) parts;
};

static int cmp_part(const void *a, const void *b)
{
	const struct key_part *x = a, *y = b;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void key_release(struct key *k)
{
	for (size_t i = 0; i < k->parts.len; i++)
		free(k->parts.items[i].column);
	dbm_vec_release(&k->parts);
	free(k->index_type);
	free(k->name);
}

static bool key_has_expression(const struct key *k)
{
	for (size_t i = 0; i < k->parts.len; i++)
		if (!k->parts.items[i].column)
			return true;
	return false;
}

static char **key_columns(const struct key *k, size_t *n)
{
	char **v = NULL;
	*n = 0;
	for (size_t i = 0; i < k->parts.len; i++)
		push_name(&v, n, k->parts.items[i].column);
	return v;
}

static void add_key(struct dbm_table *t, struct key *k)
{
	if (key_has_expression(k))
		return;
	if (strcmp(k->name, "PRIMARY") == 0) {
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_PRIMARY);
		c.columns = key_columns(k, &c.ncolumns);
		for (size_t i = 0; i < c.ncolumns; i++) {
			struct dbm_column *col =
			    dbm_table_column(t, c.columns[i]);
			if (col)
				col->primary_key = true;
		}
		/* the key comes first, as SHOW CREATE TABLE lists it */
		dbm_vec_push(&t->constraints, c);
		memmove(&t->constraints.items[1], &t->constraints.items[0],
			(t->constraints.len - 1) * sizeof(c));
		t->constraints.items[0] = c;
		return;
	}
	if (k->unique) {
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_UNIQUE);
		c.name = dbm_xstrdup(k->name);
		c.columns = key_columns(k, &c.ncolumns);
		dbm_vec_push(&t->constraints, c);
		return;
	}
	struct dbm_index ix;
	struct dbm_buf length = DBM_BUF_INIT;
	dbm_index_init(&ix);
	ix.name = dbm_xstrdup(k->name);
	ix.table = dbm_xstrdup(t->name);
	ix.columns = key_columns(k, &ix.ncolumns);
	ix.expr = dbm_xcalloc(ix.ncolumns + 1, sizeof(*ix.expr));
	for (size_t i = 0; i < k->parts.len; i++)
		if (k->parts.items[i].sub_part > 0)
			dbm_buf_addf(&length, "%s%s=%lld",
				     length.len ? "," : "",
				     k->parts.items[i].column,
				     (long long)k->parts.items[i].sub_part);
	if (length.len)
		add_kwarg(&ix.kwargs, &ix.nkwargs, "mysql_length", length.buf);
	if (k->index_type && (strcmp(k->index_type, "FULLTEXT") == 0 ||
			      strcmp(k->index_type, "SPATIAL") == 0))
		add_kwarg(&ix.kwargs, &ix.nkwargs, "mysql_prefix",
			  k->index_type);
	dbm_buf_release(&length);
	dbm_vec_push(&t->indexes, ix);
}

static int reflect_keys(struct dbm_ddl *ddl, struct dbm_table *t,
			struct dbm_err *err)
{
	/* Rows come key by key in the table's key order. */
	static const char sql[] =
	    "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, "
	    "COLUMN_NAME, SUB_PART, INDEX_TYPE "
	    "FROM information_schema.STATISTICS "
	    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
	struct dbm_result *res = NULL;
	DBM_VEC(struct key) keys = DBM_VEC_INIT;

	if (query_table(ddl, sql, t->name, &res, err) < 0)
		return -1;
	for (size_t r = 0; r < res->nrows; r++) {
		if (!row_of(res, r, t->name))
			continue;
		char *name = cell_dup(res, r, 1);
		size_t k = 0;
		if (!name)
			continue;
		while (k < keys.len && strcmp(keys.items[k].name, name) != 0)
			k++;
		if (k == keys.len) {
			struct key nk;
			memset(&nk, 0, sizeof(nk));
			nk.name = name;
			nk.unique = cell_int(res, r, 2) == 0;
			nk.index_type = cell_dup(res, r, 6);
			dbm_vec_push(&keys, nk);
		} else {
			free(name);
		}
		struct key_part p = {
		    .seq = cell_int(res, r, 3),
		    .column = cell_dup(res, r, 4),
		    .sub_part =
			cell_is_null(res, r, 5) ? 0 : cell_int(res, r, 5),
		};
		dbm_vec_push(&keys.items[k].parts, p);
	}
	for (size_t k = 0; k < keys.len; k++) {
		struct key *key = &keys.items[k];
		qsort(key->parts.items, key->parts.len, sizeof(struct key_part),
		      cmp_part);
		add_key(t, key);
		key_release(key);
	}
	dbm_vec_release(&keys);
	dbm_result_free(res);
	return 0;
}

/* Foreign keys. */

/* A referential rule as SHOW CREATE TABLE shows it: RESTRICT is silent. */
static char *rule(char *r)
{
	if (r && strcmp(r, "RESTRICT") == 0) {
		free(r);
		return NULL;
	}
	return r;
}

static int cmp_constraint_name(const void *a, const void *b)
{
	const struct dbm_constraint *x = a, *y = b;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int reflect_foreign_keys(struct dbm_ddl *ddl, struct dbm_table *t,
				const struct table_info *ti,
				struct dbm_err *err)
{
	static const char sql[] =
	    "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
	    "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, "
	    "k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE "
	    "FROM information_schema.KEY_COLUMN_USAGE k "
	    "JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
	    "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
	    "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
	    "AND r.TABLE_NAME = k.TABLE_NAME "
	    "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? "
	    "AND k.REFERENCED_TABLE_NAME IS NOT NULL "
	    "ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
	DBM_VEC(struct dbm_constraint) fks = DBM_VEC_INIT;
	struct dbm_result *res = NULL;

	if (query_table(ddl, sql, t->name, &res, err) < 0)
		return -1;
	for (size_t r = 0; r < res->nrows; r++) {
		if (!row_of(res, r, t->name))
			continue;
		char *name = cell_dup(res, r, 1);
		char *column = cell_dup(res, r, 2);
		char *ref_column = cell_dup(res, r, 5);
		size_t k = 0;
		while (k < fks.len && strcmp(fks.items[k].name, name) != 0)
			k++;
		if (k == fks.len) {
			struct dbm_constraint c;
			char *schema = cell_dup(res, r, 3);
			char *ref = cell_dup(res, r, 4);
			dbm_constraint_init(&c, DBM_C_FOREIGN);
			c.name = name;
			name = NULL;
			if (schema && ti->database &&
			    strcmp(schema, ti->database) != 0) {
				struct dbm_buf b = DBM_BUF_INIT;
				dbm_buf_addf(&b, "%s.%s", schema,
					     ref ? ref : "");
				c.ref_table = dbm_buf_detach(&b);
				free(ref);
			} else {
				c.ref_table = ref;
			}
			free(schema);
			c.onupdate = rule(cell_dup(res, r, 6));
			c.ondelete = rule(cell_dup(res, r, 7));
			dbm_vec_push(&fks, c);
		}
		struct dbm_constraint *c = &fks.items[k];
		push_name(&c->columns, &c->ncolumns, column);
		push_name(&c->ref_columns, &c->nref_columns, ref_column);
		free(ref_column);
		free(column);
		free(name);
	}
	/* by name, byte order (the catalog's ORDER BY ignores case) */
	if (fks.len)
		qsort(fks.items, fks.len, sizeof(*fks.items),
		      cmp_constraint_name);
	for (size_t k = 0; k < fks.len; k++)
		dbm_vec_push(&t->constraints, fks.items[k]);
	dbm_vec_release(&fks);
	dbm_result_free(res);
	return 0;
}

/* CHECK constraints declared at table level. */
static int reflect_checks(struct dbm_ddl *ddl, struct dbm_table *t,
			  bool mariadb, struct dbm_err *err)
{
	static const char maria_sql[] =
	    "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL "
	    "FROM information_schema.CHECK_CONSTRAINTS "
	    "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?";
	static const char mysql_sql[] =
	    "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, "
	    "'Table' "
	    "FROM information_schema.TABLE_CONSTRAINTS tc "
	    "JOIN information_schema.CHECK_CONSTRAINTS cc "
	    "ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
	    "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
	    "WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = ? "
	    "AND tc.CONSTRAINT_TYPE = 'CHECK'";
	struct dbm_result *res = NULL;

	if (query_table(ddl, mariadb ? maria_sql : mysql_sql, t->name, &res,
			err) < 0)
		return -1;
	for (size_t r = 0; r < res->nrows; r++) {
		if (!row_of(res, r, t->name) || !cell_is(res, r, 3, "Table"))
			continue;
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_CHECK);
		c.name = cell_dup(res, r, 1);
		c.check = cell_dup(res, r, 2);
		if (!c.check)
			c.check = dbm_xstrdup("");
		dbm_vec_push(&t->constraints, c);
	}
	dbm_result_free(res);
	return 0;
}

int dbm_mysql_reflect_table(struct dbm_ddl *ddl, const char *table,
			    struct dbm_table *out, struct dbm_err *err)
{
	struct dbm_table t;
	struct table_info ti = {NULL, NULL};
	bool mariadb = false;
	int ret = -1;

	if (!ddl->conn)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot reflect table '%s' offline", table);
	dbm_table_init(&t);
	t.name = dbm_xstrdup(table);
	if (reflect_options(ddl, &t, &ti, err) < 0)
		goto done;
	if (dbm_mysql_is_mariadb(ddl, &mariadb, err) < 0 ||
	    reflect_columns(ddl, &t, &ti, mariadb, err) < 0 ||
	    reflect_foreign_keys(ddl, &t, &ti, err) < 0 ||
	    reflect_keys(ddl, &t, err) < 0 ||
	    reflect_checks(ddl, &t, mariadb, err) < 0) {
		dbm_err_prefix(err, "cannot reflect table '%s'", table);
		goto done;
	}
	dbm_table_release(out);
	*out = t;
	dbm_table_init(&t);
	ret = 0;
done:
	free(ti.collation);
	free(ti.database);
	dbm_table_release(&t);
	return ret;
}

int dbm_mysql_table_names(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			  struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	*out = NULL;
	*out_n = 0;
	if (!ddl->conn)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot list tables offline");
	if (dbm_db_exec(ddl->conn,
			"SELECT TABLE_NAME FROM information_schema.TABLES "
			"WHERE TABLE_SCHEMA = DATABASE() "
			"AND TABLE_TYPE = 'BASE TABLE'",
			NULL, 0, &res, err) < 0)
		goto done;
	*out = dbm_xcalloc(res->nrows + 1, sizeof(**out));
	for (size_t r = 0; r < res->nrows; r++) {
		char *name = cell_dup(res, r, 0);
		(*out)[r] = name ? name : dbm_xstrdup("");
	}
	*out_n = res->nrows;
	if (*out_n)
		qsort(*out, *out_n, sizeof(**out), cmp_str);
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}
