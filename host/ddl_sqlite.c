/*
 * The SQLite dialect: types, quoting and CREATE TABLE as SQLAlchemy 1.4's
 * SQLite compiler prints them, and the operations SQLite's ALTER TABLE
 * cannot do (alter a column, add or drop a constraint, drop a column that
 * something depends on) done as Alembic's batch mode does them: reflect the
 * table, create _alembic_tmp_<table> with the new definition, copy the rows,
 * drop the old table, rename the new one, re-create the indexes. All of it
 * runs inside the caller's transaction, statement by statement through
 * dbm_ddl_exec. Offline (--sql) the table is reflected from the catalog,
 * the schema the script so far has built (see catalog.h), so a rebuild
 * renders the same statements as online.
 */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "reflect_sqlite.h"

/* Alembic cuts the temporary table name at 50 characters. */
#define TMP_PREFIX   "_alembic_tmp_"
#define TMP_NAME_MAX 50

/* Characters. */

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(unsigned char c)
{
	return is_lower((char)c) || is_upper((char)c) || is_digit((char)c) ||
	       c == '_' || c == '$' || c >= 0x80;
}

/* Code points in a UTF-8 string, as Python's len() counts them. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Identifier quoting. */

/* SQLAlchemy 1.4's SQLiteIdentifierPreparer.reserved_words, sorted. */
static const char *const reserved_words[] = {
    "add",	    "after",
    "all",	    "alter",
    "analyze",	    "and",
    "as",	    "asc",
    "attach",	    "autoincrement",
    "before",	    "begin",
    "between",	    "by",
    "cascade",	    "case",
    "cast",	    "check",
    "collate",	    "column",
    "commit",	    "conflict",
    "constraint",   "create",
    "cross",	    "current_date",
    "current_time", "current_timestamp",
    "database",	    "default",
    "deferrable",   "deferred",
    "delete",	    "desc",
    "detach",	    "distinct",
    "drop",	    "each",
    "else",	    "end",
    "escape",	    "except",
    "exclusive",    "exists",
    "explain",	    "fail",
    "false",	    "for",
    "foreign",	    "from",
    "full",	    "glob",
    "group",	    "having",
    "if",	    "ignore",
    "immediate",    "in",
    "index",	    "indexed",
    "initially",    "inner",
    "insert",	    "instead",
    "intersect",    "into",
    "is",	    "isnull",
    "join",	    "key",
    "left",	    "like",
    "limit",	    "match",
    "natural",	    "not",
    "notnull",	    "null",
    "of",	    "offset",
    "on",	    "or",
    "order",	    "outer",
    "plan",	    "pragma",
    "primary",	    "query",
    "raise",	    "references",
    "reindex",	    "rename",
    "replace",	    "restrict",
    "right",	    "rollback",
    "row",	    "select",
    "set",	    "table",
    "temp",	    "temporary",
    "then",	    "to",
    "transaction",  "trigger",
    "true",	    "union",
    "unique",	    "update",
    "using",	    "vacuum",
    "values",	    "view",
    "virtual",	    "when",
    "where",
};

static void sqlite_quote(struct dbm_buf *out, const char *ident)
{
	if (!dbm_ddl_needs_quotes(ident, reserved_words,
				  sizeof(reserved_words) /
				      sizeof(reserved_words[0]))) {
		dbm_buf_adds(out, ident);
		return;
	}
	dbm_buf_addch(out, '"');
	for (const char *p = ident; *p; p++) {
		if (*p == '"')
			dbm_buf_addch(out, '"');
		dbm_buf_addch(out, *p);
	}
	dbm_buf_addch(out, '"');
}

static void sqlite_placeholder(struct dbm_buf *out, size_t n)
{
	(void)n;
	dbm_buf_addch(out, '?');
}

/* Types. */

static void string_type(struct dbm_buf *out, const char *name, int length,
			const char *collation)
{
	dbm_buf_adds(out, name);
	if (length > 0)
		dbm_buf_addf(out, "(%d)", length);
	if (collation)
		dbm_buf_addf(out, " COLLATE \"%s\"", collation);
}

static void sqlite_type(struct dbm_buf *out, const struct dbm_type *t)
{
	switch (t->kind) {
	case DBM_T_STRING:
		string_type(out, "VARCHAR", t->length, t->collation);
		break;
	case DBM_T_TEXT:
		string_type(out, "TEXT", t->length, t->collation);
		break;
	case DBM_T_ENUM: {
		/* not native on SQLite: VARCHAR as long as the longest value */
		int length = t->length;
		if (length < 0) {
			length = 0;
			for (size_t i = 0; i < t->nenum_values; i++) {
				size_t n = utf8_len(t->enum_values[i]);
				if (n > (size_t)length)
					length = (int)n;
			}
		}
		string_type(out, "VARCHAR", length, t->collation);
		break;
	}
	case DBM_T_INTEGER:
		dbm_buf_adds(out, "INTEGER");
		break;
	case DBM_T_BIGINT:
		dbm_buf_adds(out, "BIGINT");
		break;
	case DBM_T_SMALLINT:
		dbm_buf_adds(out, "SMALLINT");
		break;
	case DBM_T_BOOLEAN:
		dbm_buf_adds(out, "BOOLEAN");
		break;
	case DBM_T_DATETIME:
		dbm_buf_adds(out, "DATETIME");
		break;
	case DBM_T_DATE:
		dbm_buf_adds(out, "DATE");
		break;
	case DBM_T_TIME:
		dbm_buf_adds(out, "TIME");
		break;
	case DBM_T_FLOAT:
		/* SQLAlchemy 1.4's generic FLOAT drops the precision. */
		dbm_buf_adds(out, "FLOAT");
		break;
	case DBM_T_NUMERIC:
		dbm_buf_adds(out, "NUMERIC");
		if (t->precision >= 0 && t->scale >= 0)
			dbm_buf_addf(out, "(%d, %d)", t->precision, t->scale);
		else if (t->precision >= 0)
			dbm_buf_addf(out, "(%d)", t->precision);
		break;
	case DBM_T_JSON:
		dbm_buf_adds(out, "JSON");
		break;
	case DBM_T_LARGEBINARY:
	case DBM_T_PICKLE:
		dbm_buf_adds(out, "BLOB");
		break;
	case DBM_T_RAW:
		dbm_buf_adds(out, t->raw ? t->raw : "");
		break;
	default:
		DBM_BUG("unknown type kind");
	}
}

/*
 * SQLAlchemy's _type_affinity: the generic family of a type. Alembic's
 * table rebuild casts a column's values only when the family changes.
 */
enum affinity {
	AFF_NULL,
	AFF_INTEGER,
	AFF_STRING,
	AFF_NUMERIC,
	AFF_DATETIME,
	AFF_DATE,
	AFF_TIME,
	AFF_BOOLEAN,
	AFF_BINARY,
	AFF_JSON,
};

/* A declared type as SQLAlchemy's SQLite reflection resolves it. */
static enum affinity raw_affinity(const char *raw)
{
	static const struct {
		const char *name;
		enum affinity aff;
	} names[] = {
	    {"BIGINT", AFF_INTEGER},
	    {"BLOB", AFF_BINARY},
	    {"BOOL", AFF_BOOLEAN},
	    {"BOOLEAN", AFF_BOOLEAN},
	    {"CHAR", AFF_STRING},
	    {"DATE", AFF_DATE},
	    {"DATE_CHAR", AFF_DATE},
	    {"DATETIME", AFF_DATETIME},
	    {"DATETIME_CHAR", AFF_DATETIME},
	    {"DOUBLE", AFF_NUMERIC},
	    {"DECIMAL", AFF_NUMERIC},
	    {"FLOAT", AFF_NUMERIC},
	    {"INT", AFF_INTEGER},
	    {"INTEGER", AFF_INTEGER},
	    {"JSON", AFF_JSON},
	    {"NUMERIC", AFF_NUMERIC},
	    {"REAL", AFF_NUMERIC},
	    {"SMALLINT", AFF_INTEGER},
	    {"TEXT", AFF_STRING},
	    {"TIME", AFF_TIME},
	    {"TIME_CHAR", AFF_TIME},
	    {"TIMESTAMP", AFF_DATETIME},
	    {"VARCHAR", AFF_STRING},
	    {"NVARCHAR", AFF_STRING},
	    {"NCHAR", AFF_STRING},
	};
	char up[64];
	size_t n = 0;
	const char *p = raw ? raw : "";

	while (*p == ' ')
		p++;
	for (; *p && *p != '(' && n + 1 < sizeof(up); p++)
		up[n++] = is_lower(*p) ? (char)(*p - 'a' + 'A') : *p;
	while (n && up[n - 1] == ' ')
		n--;
	up[n] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, up) == 0)
			return names[i].aff;
	/* SQLite's own affinity rules, in its order. */
	if (strstr(up, "INT"))
		return AFF_INTEGER;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return AFF_STRING;
	if (!*up || strstr(up, "BLOB"))
		return AFF_NULL;
	return AFF_NUMERIC; /* REAL, FLOA, DOUB and everything else */
}

static enum affinity type_affinity(const struct dbm_type *t)
{
	switch (t->kind) {
	case DBM_T_STRING:
	case DBM_T_TEXT:
	case DBM_T_ENUM:
		return AFF_STRING;
	case DBM_T_INTEGER:
	case DBM_T_BIGINT:
	case DBM_T_SMALLINT:
		return AFF_INTEGER;
	case DBM_T_BOOLEAN:
		return AFF_BOOLEAN;
	case DBM_T_DATETIME:
		return AFF_DATETIME;
	case DBM_T_DATE:
		return AFF_DATE;
	case DBM_T_TIME:
		return AFF_TIME;
	case DBM_T_FLOAT:
	case DBM_T_NUMERIC:
		return AFF_NUMERIC;
	case DBM_T_JSON:
		return AFF_JSON;
	case DBM_T_LARGEBINARY:
	case DBM_T_PICKLE:
		return AFF_BINARY;
	case DBM_T_RAW:
		return raw_affinity(t->raw);
	default:
		DBM_BUG("unknown type kind");
	}
}

/* SQL text helpers. */

/* The end of the quoted token starting at s (its quote char q). */
static const char *quoted_end(const char *s, char q)
{
	const char *p = s + 1;
	while (*p) {
		if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p++;
		}
		p++;
	}
	return p;
}

/*
 * Whether the SQL expression expr names the identifier name (bare or
 * quoted; SQLite compares them without case). String literals don't count.
 */
static bool mentions(const char *expr, const char *name)
{
	size_t len = strlen(name);
	const char *p = expr ? expr : "";
	while (*p) {
		if (*p == '\'') {
			p = quoted_end(p, '\'');
		} else if (*p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			const char *end = quoted_end(p, close);
			size_t n = (size_t)(end - p);
			/* doubled quotes inside a name are left as they are */
			if (n >= 2 && n - 2 == len && end[-1] == close &&
			    strncasecmp(p + 1, name, len) == 0)
				return true;
			p = end;
		} else if (is_ident_char((unsigned char)*p) && !is_digit(*p)) {
			const char *start = p;
			while (is_ident_char((unsigned char)*p))
				p++;
			if ((size_t)(p - start) == len &&
			    strncasecmp(start, name, len) == 0)
				return true;
		} else if (is_digit(*p)) {
			while (is_ident_char((unsigned char)*p))
				p++;
		} else {
			p++;
		}
	}
	return false;
}

static bool word_is(const char *s, const char *word)
{
	return strcasecmp(s, word) == 0;
}

/*
 * A default ALTER TABLE ADD COLUMN accepts: a signed number, a string or
 * blob literal, NULL, TRUE, FALSE or a bare name (SQLite reads it as a
 * string). CURRENT_TIMESTAMP and anything in parentheses are refused.
 */
static bool constant_default(const char *s)
{
	const char *p = s;
	if (*p == '\'')
		return *quoted_end(p, '\'') == '\0';
	if ((*p == 'x' || *p == 'X') && p[1] == '\'')
		return *quoted_end(p + 1, '\'') == '\0';
	if (word_is(s, "CURRENT_TIME") || word_is(s, "CURRENT_DATE") ||
	    word_is(s, "CURRENT_TIMESTAMP"))
		return false;
	if (is_lower(*p) || is_upper(*p) || *p == '_') {
		while (is_lower(*p) || is_upper(*p) || is_digit(*p) ||
		       *p == '_')
			p++;
		return *p == '\0'; /* NULL, TRUE, FALSE or a bare name */
	}
	if (*p == '+' || *p == '-')
		p++;
	if (!is_digit(*p) && !(*p == '.' && is_digit(p[1])))
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		while (is_digit(*p) || (*p >= 'a' && *p <= 'f') ||
		       (*p >= 'A' && *p <= 'F'))
			p++;
		return *p == '\0';
	}
	while (is_digit(*p) || *p == '.')
		p++;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		while (is_digit(*p))
			p++;
	}
	return *p == '\0';
}

/* Whether s is one parenthesized expression: "(a) + (b)" is not. */
static bool parenthesized(const char *s)
{
	int depth = 0;
	if (*s != '(')
		return false;
	for (const char *p = s; *p;) {
		if (*p == '\'' || *p == '"') {
			p = quoted_end(p, *p);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p[1] == '\0';
		p++;
	}
	return false;
}

/*
 * Whether a reflected default can follow DEFAULT as it is. SQLite's
 * PRAGMA table_info gives "(datetime('now'))" back without its
 * parentheses, and a bare expression there is a syntax error.
 */
static bool bare_default_ok(const char *s)
{
	return constant_default(s) || word_is(s, "CURRENT_TIME") ||
	       word_is(s, "CURRENT_DATE") || word_is(s, "CURRENT_TIMESTAMP") ||
	       parenthesized(s);
}

/* Small collection helpers. */

static bool names_have(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] && strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void remove_column_at(struct dbm_table *t, size_t i)
{
	dbm_column_release(&t->columns.items[i]);
	memmove(&t->columns.items[i], &t->columns.items[i + 1],
		(t->columns.len - i - 1) * sizeof(t->columns.items[0]));
	t->columns.len--;
}

static void remove_constraint_at(struct dbm_table *t, size_t i)
{
	dbm_constraint_release(&t->constraints.items[i]);
	memmove(&t->constraints.items[i], &t->constraints.items[i + 1],
		(t->constraints.len - i - 1) * sizeof(t->constraints.items[0]));
	t->constraints.len--;
}

static void remove_index_at(struct dbm_table *t, size_t i)
{
	dbm_index_release(&t->indexes.items[i]);
	memmove(&t->indexes.items[i], &t->indexes.items[i + 1],
		(t->indexes.len - i - 1) * sizeof(t->indexes.items[0]));
	t->indexes.len--;
}

static bool truthy(const char *v)
{
	return v && (word_is(v, "true") || strcmp(v, "1") == 0);
}

/* The table's primary key. */

struct pk {
	const char *name;  /* constraint name or NULL */
	const char **cols; /* borrowed names, owned array */
	size_t n;
	bool autoincrement; /* sqlite_autoincrement: inline on the column */
};

static const struct dbm_constraint *pk_constraint(const struct dbm_table *t)
{
	for (size_t i = 0; i < t->constraints.len; i++)
		if (t->constraints.items[i].kind == DBM_C_PRIMARY)
			return &t->constraints.items[i];
	return NULL;
}

static bool has_pk(const struct dbm_table *t)
{
	if (pk_constraint(t))
		return true;
	for (size_t i = 0; i < t->columns.len; i++)
		if (t->columns.items[i].primary_key)
			return true;
	return false;
}

static bool column_has_fk(const struct dbm_table *t, const struct dbm_column *c)
{
	if (c->nfks)
		return true;
	for (size_t i = 0; i < t->constraints.len; i++) {
		const struct dbm_constraint *k = &t->constraints.items[i];
		if (k->kind == DBM_C_FOREIGN &&
		    names_have(k->columns, k->ncolumns, c->name))
			return true;
	}
	return false;
}

static bool is_integer_column(const struct dbm_table *t, const char *name)
{
	long i = dbm_table_column_index(t, name);
	return i >= 0 &&
	       type_affinity(&t->columns.items[i].type) == AFF_INTEGER;
}

/*
 * An explicit PrimaryKeyConstraint wins; otherwise the primary_key columns
 * in table order, an autoincrement=True integer column first (SQLAlchemy's
 * columns_autoinc_first).
 */
static void pk_get(struct pk *out, const struct dbm_table *t)
{
	const struct dbm_constraint *k = pk_constraint(t);
	memset(out, 0, sizeof(*out));
	out->cols = dbm_xcalloc(t->columns.len + (k ? k->ncolumns : 0) + 1,
				sizeof(*out->cols));
	if (k) {
		out->name = k->name;
		for (size_t i = 0; i < k->ncolumns; i++)
			out->cols[out->n++] = k->columns[i];
	} else {
		long first = -1;
		size_t flagged = 0;
		for (size_t i = 0; i < t->columns.len; i++)
			if (t->columns.items[i].primary_key)
				flagged++;
		for (size_t i = 0; i < t->columns.len && flagged > 1; i++) {
			const struct dbm_column *c = &t->columns.items[i];
			if (c->primary_key && c->autoincrement == 1 &&
			    type_affinity(&c->type) == AFF_INTEGER) {
				first = (long)i;
				break;
			}
		}
		if (first >= 0)
			out->cols[out->n++] = t->columns.items[first].name;
		for (size_t i = 0; i < t->columns.len; i++)
			if (t->columns.items[i].primary_key && (long)i != first)
				out->cols[out->n++] = t->columns.items[i].name;
	}
	if (out->n == 1 &&
	    truthy(dbm_kwarg(t->kwargs, t->nkwargs, "sqlite_autoincrement")) &&
	    is_integer_column(t, out->cols[0])) {
		long i = dbm_table_column_index(t, out->cols[0]);
		out->autoincrement = !column_has_fk(t, &t->columns.items[i]);
	}
}

static void pk_release(struct pk *pk)
{
	free(pk->cols);
	memset(pk, 0, sizeof(*pk));
}

/* CREATE TABLE. */

static void add_constraint_name(struct dbm_ddl *ddl, struct dbm_buf *out,
				const char *name)
{
	if (!name)
		return;
	dbm_buf_adds(out, "CONSTRAINT ");
	ddl->dialect->quote(out, name);
	dbm_buf_addch(out, ' ');
}

static int add_fk(struct dbm_ddl *ddl, struct dbm_buf *out, const char *name,
		  char *const *cols, size_t ncols, const char *ref_table,
		  size_t ref_table_len, char *const *ref_cols, size_t nref_cols,
		  const char *ondelete, const char *onupdate,
		  struct dbm_err *err)
{
	if (dbm_ddl_check_fk_action(ondelete, "ondelete", err) < 0 ||
	    dbm_ddl_check_fk_action(onupdate, "onupdate", err) < 0)
		return -1;
	char *table = dbm_xstrndup(ref_table, ref_table_len);
	add_constraint_name(ddl, out, name);
	dbm_buf_adds(out, "FOREIGN KEY(");
	dbm_ddl_column_list(ddl, out, cols, ncols);
	dbm_buf_adds(out, ") REFERENCES ");
	ddl->dialect->quote(out, table);
	dbm_buf_adds(out, " (");
	dbm_ddl_column_list(ddl, out, ref_cols, nref_cols);
	dbm_buf_addch(out, ')');
	if (ondelete)
		dbm_buf_addf(out, " ON DELETE %s", ondelete);
	if (onupdate)
		dbm_buf_addf(out, " ON UPDATE %s", onupdate);
	free(table);
	return 0;
}

static int add_table_constraint(struct dbm_ddl *ddl, struct dbm_buf *out,
				const struct dbm_constraint *k,
				struct dbm_err *err)
{
	switch (k->kind) {
	case DBM_C_PRIMARY:
		DBM_BUG("primary key rendered with the constraints");
	case DBM_C_FOREIGN:
		return add_fk(ddl, out, k->name, k->columns, k->ncolumns,
			      k->ref_table, strlen(k->ref_table),
			      k->ref_columns, k->nref_columns, k->ondelete,
			      k->onupdate, err);
	case DBM_C_UNIQUE:
		add_constraint_name(ddl, out, k->name);
		dbm_buf_adds(out, "UNIQUE (");
		dbm_ddl_column_list(ddl, out, k->columns, k->ncolumns);
		dbm_buf_addch(out, ')');
		return 0;
	case DBM_C_CHECK:
		add_constraint_name(ddl, out, k->name);
		dbm_buf_addf(out, "CHECK (%s)", k->check ? k->check : "");
		return 0;
	default:
		DBM_BUG("unknown constraint kind");
	}
}

/* A column-level ForeignKey("[schema.]table.column"). */
static int add_column_fk(struct dbm_ddl *ddl, struct dbm_buf *out,
			 const struct dbm_column *c, const struct dbm_fkref *f,
			 struct dbm_err *err)
{
	const char *target = f->target ? f->target : "";
	const char *dot = strrchr(target, '.');
	if (!dot || dot == target || !dot[1])
		return dbm_err_set(err, DBM_EFAIL,
				   "foreign key of column '%s' must name "
				   "'table.column', not '%s'",
				   c->name, target);
	const char *table = target;
	for (const char *p = target; p < dot; p++)
		if (*p == '.')
			table =
			    p + 1; /* the schema is not rendered on SQLite */
	char *col = dbm_xstrdup(dot + 1);
	char *local = c->name;
	int ret =
	    add_fk(ddl, out, f->name, &local, 1, table, (size_t)(dot - table),
		   &col, 1, f->ondelete, f->onupdate, err);
	free(col);
	return ret;
}

static void column_spec(struct dbm_ddl *ddl, struct dbm_buf *out,
			const struct dbm_column *c, bool inline_pk)
{
	struct dbm_buf type = DBM_BUF_INIT;
	ddl->dialect->quote(out, c->name);
	sqlite_type(&type, &c->type);
	if (type.len) {
		dbm_buf_addch(out, ' ');
		dbm_buf_adds(out, type.buf);
	}
	if (c->server_default.kind != DBM_DEFAULT_NONE) {
		dbm_buf_adds(out, " DEFAULT ");
		dbm_ddl_default(ddl, out, &c->server_default);
	}
	if (c->nullable == 0)
		dbm_buf_adds(out, " NOT NULL");
	if (inline_pk)
		dbm_buf_adds(out, " PRIMARY KEY AUTOINCREMENT");
	if (c->computed) {
		dbm_buf_addf(out, " GENERATED ALWAYS AS (%s)", c->computed);
		if (c->persisted == 1)
			dbm_buf_adds(out, " STORED");
		else if (c->persisted == 0)
			dbm_buf_adds(out, " VIRTUAL");
	}
	dbm_buf_release(&type);
}

/*
 * The CREATE TABLE statement for t under the name `name`, as SQLAlchemy
 * prints it: columns, then the primary key, the table's constraints in
 * declaration order, then those the columns' unique= and ForeignKey()
 * made, column by column (SQLAlchemy creates them last).
 */
static int render_create_table(struct dbm_ddl *ddl, struct dbm_buf *out,
			       const struct dbm_table *t, const char *name,
			       struct dbm_err *err)
{
	const char *sep = "\n";
	struct pk pk;
	int ret = -1;

	pk_get(&pk, t);
	dbm_buf_adds(out, "CREATE TABLE ");
	ddl->dialect->quote(out, name);
	dbm_buf_adds(out, " (");
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		column_spec(ddl, out, c,
			    pk.autoincrement &&
				strcmp(c->name, pk.cols[0]) == 0);
		sep = ", \n";
	}
	if (pk.n && !pk.autoincrement) {
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		add_constraint_name(ddl, out, pk.name);
		dbm_buf_adds(out, "PRIMARY KEY (");
		dbm_ddl_column_list(ddl, out, (char *const *)pk.cols, pk.n);
		dbm_buf_addch(out, ')');
		sep = ", \n";
	}
	for (size_t i = 0; i < t->constraints.len; i++) {
		const struct dbm_constraint *k = &t->constraints.items[i];
		if (k->kind == DBM_C_PRIMARY)
			continue;
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		if (add_table_constraint(ddl, out, k, err) < 0)
			goto done;
		sep = ", \n";
	}
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (c->unique && !c->index) {
			dbm_buf_adds(out, sep);
			dbm_buf_adds(out, "\tUNIQUE (");
			ddl->dialect->quote(out, c->name);
			dbm_buf_addch(out, ')');
			sep = ", \n";
		}
		for (size_t j = 0; j < c->nfks; j++) {
			dbm_buf_adds(out, sep);
			dbm_buf_addch(out, '\t');
			if (add_column_fk(ddl, out, c, &c->fks[j], err) < 0)
				goto done;
			sep = ", \n";
		}
	}
	dbm_buf_adds(out, "\n)");
	const char *rowid =
	    dbm_kwarg(t->kwargs, t->nkwargs, "sqlite_with_rowid");
	if (rowid && !truthy(rowid))
		dbm_buf_adds(out, "\n WITHOUT ROWID");
	ret = 0;
done:
	pk_release(&pk);
	return ret;
}

/* Indexes. */

static int render_index(struct dbm_ddl *ddl, struct dbm_buf *out,
			const struct dbm_index *ix, const char *table,
			struct dbm_err *err)
{
	if (!ix->name)
		return dbm_err_set(err, DBM_EFAIL,
				   "an index on table '%s' needs a name",
				   table);
	if (!ix->ncolumns)
		return dbm_err_set(err, DBM_EFAIL,
				   "index '%s' on table '%s' has no columns",
				   ix->name, table);
	dbm_buf_adds(out,
		     ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	ddl->dialect->quote(out, ix->name);
	dbm_buf_adds(out, " ON ");
	ddl->dialect->quote(out, table);
	dbm_buf_adds(out, " (");
	for (size_t i = 0; i < ix->ncolumns; i++) {
		if (i)
			dbm_buf_adds(out, ", ");
		if (ix->expr && ix->expr[i])
			dbm_buf_adds(out, ix->columns[i]);
		else
			ddl->dialect->quote(out, ix->columns[i]);
	}
	dbm_buf_addch(out, ')');
	const char *where = dbm_kwarg(ix->kwargs, ix->nkwargs, "sqlite_where");
	if (where)
		dbm_buf_addf(out, " WHERE %s", where);
	return 0;
}

static int exec_sql(struct dbm_ddl *ddl, const struct dbm_buf *sql,
		    struct dbm_err *err)
{
	return dbm_ddl_exec(ddl, sql->buf, NULL, 0, NULL, err);
}

/* CREATE INDEX ix_<table>_<column> for a column declared index=True. */
static int create_column_index(struct dbm_ddl *ddl, const char *table,
			       const struct dbm_column *c, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT, name = DBM_BUF_INIT;
	char *col = c->name;
	struct dbm_index ix = {.columns = &col, .ncolumns = 1};
	int ret;

	dbm_buf_addf(&name, "ix_%s_%s", table, c->name);
	ix.name = name.buf;
	ix.unique = c->unique;
	ret = render_index(ddl, &sql, &ix, table, err);
	if (ret == 0)
		ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&name);
	dbm_buf_release(&sql);
	return ret;
}

/* The indexes of t on table `table`: index=True columns, then t->indexes. */
static int create_indexes(struct dbm_ddl *ddl, const struct dbm_table *t,
			  const char *table, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (c->index && create_column_index(ddl, table, c, err) < 0)
			goto done;
	}
	for (size_t i = 0; i < t->indexes.len; i++) {
		dbm_buf_reset(&sql);
		if (render_index(ddl, &sql, &t->indexes.items[i], table, err))
			goto done;
		if (exec_sql(ddl, &sql, err) < 0)
			goto done;
	}
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

/* The table rebuild. */

/* Where a column of the new table takes its values from. */
struct xfer {
	const char *src; /* column of the old table (borrowed), or NULL */
	bool cast;	 /* CAST to the new type: its family changed */
};

struct rebuild {
	struct dbm_table old, new; /* new: old with the change applied */
	DBM_VEC(struct xfer) xfer; /* parallel to new.columns */
	const char *table;	   /* as the caller named it */
};

static void rebuild_remove_column(struct rebuild *rb, size_t i)
{
	remove_column_at(&rb->new, i);
	memmove(&rb->xfer.items[i], &rb->xfer.items[i + 1],
		(rb->xfer.len - i - 1) * sizeof(rb->xfer.items[0]));
	rb->xfer.len--;
}

static long rebuild_column(struct rebuild *rb, const char *name,
			   struct dbm_err *err)
{
	long i = dbm_table_column_index(&rb->new, name);
	if (i < 0)
		dbm_err_set(err, DBM_EFAIL, "no column '%s' on table '%s'",
			    name, rb->table);
	return i;
}

static int offline_error(const char *op, const char *table, struct dbm_err *err)
{
	return dbm_err_set(err, DBM_EFAIL,
			   "operation '%s' on table '%s' rebuilds the table: "
			   "offline that needs the schema catalog",
			   op, table);
}

/*
 * Dropping the old table while SQLite enforces foreign keys would delete
 * (or cascade to) the rows of the tables that point at it, and the pragma
 * cannot change inside a transaction.
 */
static int check_foreign_keys_off(struct dbm_ddl *ddl, const char *table,
				  struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	const char *sql = "PRAGMA foreign_keys";
	if (dbm_db_exec(ddl->conn, sql, NULL, 0, &res, err) < 0)
		goto done;
	const struct dbm_value *v =
	    res->nrows ? dbm_result_cell(res, 0, 0) : NULL;
	if (v && v->kind == DBM_V_INT && v->i != 0) {
		dbm_err_set(err, DBM_EFAIL,
			    "cannot rebuild table '%s' while PRAGMA "
			    "foreign_keys is on: dropping it would delete the "
			    "rows that refer to it",
			    table);
		goto done;
	}
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* The temporary table: Alembic's name, cut at 50 characters. */
static char *tmp_name(const char *table)
{
	struct dbm_buf b = DBM_BUF_INIT;
	size_t chars = 0, i = 0;
	dbm_buf_adds(&b, TMP_PREFIX);
	dbm_buf_adds(&b, table);
	for (; i < b.len; i++)
		if (((unsigned char)b.buf[i] & 0xC0) != 0x80 &&
		    ++chars > TMP_NAME_MAX)
			break;
	dbm_buf_setlen(&b, i);
	return dbm_buf_detach(&b);
}

/* INSERT INTO tmp (new names) SELECT old.src [CAST] ... FROM old */
static void render_copy(struct dbm_ddl *ddl, struct dbm_buf *out,
			const struct rebuild *rb, const char *tmp)
{
	const char *sep = "";
	dbm_buf_adds(out, "INSERT INTO ");
	ddl->dialect->quote(out, tmp);
	dbm_buf_adds(out, " (");
	for (size_t i = 0; i < rb->new.columns.len; i++) {
		if (!rb->xfer.items[i].src)
			continue;
		dbm_buf_adds(out, sep);
		ddl->dialect->quote(out, rb->new.columns.items[i].name);
		sep = ", ";
	}
	dbm_buf_adds(out, ") SELECT ");
	sep = "";
	for (size_t i = 0; i < rb->new.columns.len; i++) {
		const struct xfer *x = &rb->xfer.items[i];
		if (!x->src)
			continue;
		dbm_buf_adds(out, sep);
		if (x->cast)
			dbm_buf_adds(out, "CAST(");
		ddl->dialect->quote(out, rb->old.name);
		dbm_buf_addch(out, '.');
		ddl->dialect->quote(out, x->src);
		if (x->cast) {
			/* CAST takes a bare type name: no COLLATE */
			struct dbm_type bare = rb->new.columns.items[i].type;
			bare.collation = NULL;
			dbm_buf_adds(out, " AS ");
			sqlite_type(out, &bare);
			dbm_buf_adds(out, ") AS ");
			ddl->dialect->quote(out, x->src);
		}
		sep = ", ";
	}
	dbm_buf_adds(out, " \nFROM ");
	ddl->dialect->quote(out, rb->old.name);
}

static void drop_quietly(struct dbm_ddl *ddl, const char *table)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	struct dbm_err ignored = DBM_ERR_INIT;
	char *failed = ddl->failed_sql;

	/* Keep the statement that failed as the one to report. */
	ddl->failed_sql = NULL;
	dbm_buf_adds(&sql, "DROP TABLE ");
	ddl->dialect->quote(&sql, table);
	exec_sql(ddl, &sql, &ignored);
	free(ddl->failed_sql);
	ddl->failed_sql = failed;
	dbm_buf_release(&sql);
}

/* Create the new table, copy the rows, swap the tables, index again. */
static int rebuild_run(struct dbm_ddl *ddl, struct rebuild *rb,
		       struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	char *tmp = tmp_name(rb->old.name);
	size_t copied = 0;
	int ret = -1;

	for (size_t i = 0; i < rb->xfer.len; i++)
		if (rb->xfer.items[i].src)
			copied++;
	if (!copied) {
		dbm_err_set(err, DBM_EFAIL,
			    "table '%s' would keep no column to copy",
			    rb->table);
		goto done;
	}

	if (render_create_table(ddl, &sql, &rb->new, tmp, err) < 0 ||
	    exec_sql(ddl, &sql, err) < 0)
		goto done;

	dbm_buf_reset(&sql);
	render_copy(ddl, &sql, rb, tmp);
	if (exec_sql(ddl, &sql, err) < 0) {
		drop_quietly(ddl, tmp);
		goto done;
	}

	dbm_buf_reset(&sql);
	dbm_buf_adds(&sql, "DROP TABLE ");
	ddl->dialect->quote(&sql, rb->old.name);
	if (exec_sql(ddl, &sql, err) < 0) {
		drop_quietly(ddl, tmp);
		goto done;
	}

	dbm_buf_reset(&sql);
	dbm_buf_adds(&sql, "ALTER TABLE ");
	ddl->dialect->quote(&sql, tmp);
	dbm_buf_adds(&sql, " RENAME TO ");
	ddl->dialect->quote(&sql, rb->old.name);
	if (exec_sql(ddl, &sql, err) < 0)
		goto done;

	if (create_indexes(ddl, &rb->new, rb->old.name, err) < 0)
		goto done;
	ret = 0;
done:
	free(tmp);
	dbm_buf_release(&sql);
	return ret;
}

typedef int (*rebuild_fn)(struct rebuild *rb, const void *arg,
			  struct dbm_err *err);

/*
 * Rebuild `table` with the change `apply` makes to its reflected model.
 * `op` names the operation for the offline error.
 */
static int rebuild(struct dbm_ddl *ddl, const char *op, const char *table,
		   rebuild_fn apply, const void *arg, struct dbm_err *err)
{
	struct rebuild rb;
	int ret = -1;

	memset(&rb, 0, sizeof(rb));
	dbm_table_init(&rb.old);
	dbm_table_init(&rb.new);
	rb.table = table;
	if (!dbm_ddl_can_reflect(ddl)) {
		offline_error(op, table, err);
		goto done;
	}
	/*
	 * Offline there is no connection to ask: PRAGMA foreign_keys is that
	 * of the client the script runs in (off in the sqlite3 tool).
	 */
	if (!dbm_ddl_offline(ddl) &&
	    check_foreign_keys_off(ddl, table, err) < 0)
		goto done;
	if (dbm_sqlite_reflect_table(ddl, table, &rb.old, err) < 0)
		goto done;
	if (!rb.old.name)
		rb.old.name = dbm_xstrdup(table);
	for (size_t i = 0; i < rb.old.columns.len; i++) {
		struct dbm_default *d = &rb.old.columns.items[i].server_default;
		if (d->kind == DBM_DEFAULT_EXPR && d->text &&
		    !bare_default_ok(d->text)) {
			struct dbm_buf b = DBM_BUF_INIT;
			dbm_buf_addf(&b, "(%s)", d->text);
			free(d->text);
			d->text = dbm_buf_detach(&b);
		}
	}
	dbm_table_copy(&rb.new, &rb.old);
	for (size_t i = 0; i < rb.new.columns.len; i++) {
		const struct dbm_column *c = &rb.old.columns.items[i];
		/* a generated column computes its values itself */
		struct xfer x = {c->computed ? NULL : c->name, false};
		dbm_vec_push(&rb.xfer, x);
	}
	if (apply(&rb, arg, err) < 0)
		goto done;
	if (rebuild_run(ddl, &rb, err) < 0)
		goto done;
	ret = 0;
done:
	dbm_vec_release(&rb.xfer);
	dbm_table_release(&rb.new);
	dbm_table_release(&rb.old);
	return ret;
}

/* The changes a rebuild applies. */

static int apply_alter(struct rebuild *rb, const void *arg, struct dbm_err *err)
{
	const struct dbm_alter_column *a = arg;
	long i = rebuild_column(rb, a->column, err);
	if (i < 0)
		return -1;
	struct dbm_column *c = &rb->new.columns.items[i];
	if (a->type) {
		enum affinity to = type_affinity(a->type);
		/* Alembic's SQLite rule: no CAST into JSON */
		if (type_affinity(&c->type) != to && to != AFF_JSON)
			rb->xfer.items[i].cast = true;
		dbm_type_release(&c->type);
		dbm_type_copy(&c->type, a->type);
	}
	if (a->nullable != -1)
		c->nullable = a->nullable ? 1 : 0;
	if (a->set_default) {
		dbm_default_release(&c->server_default);
		dbm_default_copy(&c->server_default, &a->server_default);
	}
	return 0;
}

static int apply_add_column(struct rebuild *rb, const void *arg,
			    struct dbm_err *err)
{
	const struct dbm_column *c = arg;
	struct dbm_column copy;
	struct xfer x = {NULL, false};

	if (c->primary_key && has_pk(&rb->new))
		return dbm_err_set(err, DBM_EFAIL,
				   "table '%s' already has a primary key",
				   rb->table);
	dbm_column_copy(&copy, c);
	dbm_vec_push(&rb->new.columns, copy);
	dbm_vec_push(&rb->xfer, x);
	return 0;
}

/*
 * Drop a column with what depends on it, as PostgreSQL does: constraints
 * and indexes naming it go, a primary key loses the column (as Alembic's
 * batch mode does); a generated column that uses it stops the drop.
 */
static int apply_drop_column(struct rebuild *rb, const void *arg,
			     struct dbm_err *err)
{
	const char *name = arg;
	struct dbm_table *t = &rb->new;
	long at = rebuild_column(rb, name, err);
	if (at < 0)
		return -1;
	if (t->columns.len == 1)
		return dbm_err_set(err, DBM_EFAIL,
				   "cannot drop column '%s': it is the only "
				   "column of table '%s'",
				   name, rb->table);
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if ((long)i != at && c->computed && mentions(c->computed, name))
			return dbm_err_set(
			    err, DBM_EFAIL,
			    "cannot drop column '%s' of table "
			    "'%s': generated column '%s' uses it",
			    name, rb->table, c->name);
	}
	for (size_t i = t->constraints.len; i-- > 0;) {
		struct dbm_constraint *k = &t->constraints.items[i];
		bool drop = false;
		if (k->kind == DBM_C_CHECK) {
			drop = mentions(k->check, name);
		} else if (k->kind == DBM_C_PRIMARY) {
			size_t n = 0;
			for (size_t j = 0; j < k->ncolumns; j++) {
				if (strcmp(k->columns[j], name) == 0)
					free(k->columns[j]);
				else
					k->columns[n++] = k->columns[j];
			}
			k->ncolumns = n;
			drop = n == 0;
		} else {
			drop = names_have(k->columns, k->ncolumns, name);
		}
		if (drop)
			remove_constraint_at(t, i);
	}
	for (size_t i = t->indexes.len; i-- > 0;) {
		const struct dbm_index *ix = &t->indexes.items[i];
		bool drop = mentions(
		    dbm_kwarg(ix->kwargs, ix->nkwargs, "sqlite_where"), name);
		for (size_t j = 0; j < ix->ncolumns && !drop; j++)
			drop = ix->expr && ix->expr[j]
				   ? mentions(ix->columns[j], name)
				   : strcmp(ix->columns[j], name) == 0;
		if (drop)
			remove_index_at(t, i);
	}
	rebuild_remove_column(rb, (size_t)at);
	return 0;
}

static int apply_add_constraint(struct rebuild *rb, const void *arg,
				struct dbm_err *err)
{
	const struct dbm_constraint *k = arg;
	struct dbm_table *t = &rb->new;
	struct dbm_constraint copy;

	for (size_t i = 0; i < k->ncolumns; i++)
		if (rebuild_column(rb, k->columns[i], err) < 0)
			return -1;
	for (size_t i = 0; k->name && i < t->constraints.len; i++) {
		const char *other = t->constraints.items[i].name;
		if (other && strcmp(other, k->name) == 0)
			return dbm_err_set(err, DBM_EFAIL,
					   "constraint '%s' already exists on "
					   "table '%s'",
					   k->name, rb->table);
	}
	if (k->kind == DBM_C_PRIMARY) {
		if (has_pk(t))
			return dbm_err_set(err, DBM_EFAIL,
					   "table '%s' already has a primary "
					   "key",
					   rb->table);
		/* as on PostgreSQL, a primary key makes its columns NOT NULL */
		for (size_t i = 0; i < k->ncolumns; i++)
			dbm_table_column(t, k->columns[i])->nullable = 0;
	}
	dbm_constraint_copy(&copy, k);
	dbm_vec_push(&t->constraints, copy);
	return 0;
}

struct drop_constraint {
	const char *name;
	const char *type_;
};

static const char *const constraint_types[] = {
    [DBM_C_PRIMARY] = "primary",
    [DBM_C_FOREIGN] = "foreignkey",
    [DBM_C_UNIQUE] = "unique",
    [DBM_C_CHECK] = "check",
};

static int apply_drop_constraint(struct rebuild *rb, const void *arg,
				 struct dbm_err *err)
{
	const struct drop_constraint *d = arg;
	struct dbm_table *t = &rb->new;

	for (size_t i = 0; i < t->constraints.len; i++) {
		const struct dbm_constraint *k = &t->constraints.items[i];
		if (!k->name || strcmp(k->name, d->name) != 0)
			continue;
		if (d->type_ && strcmp(d->type_, constraint_types[k->kind]))
			return dbm_err_set(err, DBM_EFAIL,
					   "constraint '%s' on table '%s' has "
					   "type '%s', not '%s'",
					   d->name, rb->table,
					   constraint_types[k->kind], d->type_);
		if (k->kind == DBM_C_PRIMARY)
			for (size_t j = 0; j < t->columns.len; j++)
				t->columns.items[j].primary_key = false;
		remove_constraint_at(t, i);
		return 0;
	}
	return dbm_err_set(err, DBM_EFAIL, "no constraint '%s' on table '%s'",
			   d->name, rb->table);
}

/* Operations. */

static int sqlite_create_table(struct dbm_ddl *ddl, const struct dbm_table *t,
			       struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	if (render_create_table(ddl, &sql, t, t->name, err) < 0 ||
	    exec_sql(ddl, &sql, err) < 0 ||
	    create_indexes(ddl, t, t->name, err) < 0)
		goto done;
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

static int sqlite_drop_table(struct dbm_ddl *ddl, const char *table,
			     struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "DROP TABLE ");
	sqlite_quote(&sql, table);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

static int sqlite_rename_table(struct dbm_ddl *ddl, const char *from,
			       const char *to, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "ALTER TABLE ");
	sqlite_quote(&sql, from);
	dbm_buf_adds(&sql, " RENAME TO ");
	sqlite_quote(&sql, to);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

/* What SQLite's ALTER TABLE ADD COLUMN refuses. */
static bool add_needs_rebuild(const struct dbm_column *c)
{
	const struct dbm_default *d = &c->server_default;
	return c->primary_key || (c->unique && !c->index) || c->nfks ||
	       (c->nullable == 0 && d->kind == DBM_DEFAULT_NONE &&
		!c->computed) ||
	       (c->computed && c->persisted == 1) ||
	       (d->kind == DBM_DEFAULT_EXPR &&
		!constant_default(d->text ? d->text : ""));
}

static int sqlite_add_column(struct dbm_ddl *ddl, const char *table,
			     const struct dbm_column *col, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	if (add_needs_rebuild(col)) {
		/* an index=True column gets its index after the rename */
		ret = rebuild(ddl, "add_column", table, apply_add_column, col,
			      err);
		goto done;
	}
	dbm_buf_adds(&sql, "ALTER TABLE ");
	sqlite_quote(&sql, table);
	dbm_buf_adds(&sql, " ADD COLUMN ");
	column_spec(ddl, &sql, col, false);
	if (exec_sql(ddl, &sql, err) < 0)
		goto done;
	if (col->index && create_column_index(ddl, table, col, err) < 0)
		goto done;
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

/* Whether SQLite's ALTER TABLE DROP COLUMN would refuse the column. */
static bool column_is_used(const struct dbm_table *t, const char *name)
{
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (strcmp(c->name, name) == 0) {
			if (c->primary_key || c->unique || c->nfks || c->index)
				return true;
		} else if (c->computed && mentions(c->computed, name)) {
			return true;
		}
	}
	for (size_t i = 0; i < t->constraints.len; i++) {
		const struct dbm_constraint *k = &t->constraints.items[i];
		if (k->kind == DBM_C_CHECK
			? mentions(k->check, name)
			: names_have(k->columns, k->ncolumns, name))
			return true;
	}
	for (size_t i = 0; i < t->indexes.len; i++) {
		const struct dbm_index *ix = &t->indexes.items[i];
		if (mentions(dbm_kwarg(ix->kwargs, ix->nkwargs, "sqlite_where"),
			     name))
			return true;
		for (size_t j = 0; j < ix->ncolumns; j++)
			if (ix->expr && ix->expr[j]
				? mentions(ix->columns[j], name)
				: strcmp(ix->columns[j], name) == 0)
				return true;
	}
	return false;
}

static int sqlite_drop_column(struct dbm_ddl *ddl, const char *table,
			      const char *column, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	struct dbm_table t;
	int ret = -1;

	dbm_table_init(&t);
	if (dbm_ddl_can_reflect(ddl)) {
		/* Look first: SQLite refuses columns in use. */
		if (dbm_sqlite_reflect_table(ddl, table, &t, err) < 0)
			goto done;
		if (dbm_table_column_index(&t, column) < 0) {
			dbm_err_set(err, DBM_EFAIL,
				    "no column '%s' on table '%s'", column,
				    table);
			goto done;
		}
		if (column_is_used(&t, column)) {
			ret = rebuild(ddl, "drop_column", table,
				      apply_drop_column, column, err);
			goto done;
		}
	}
	dbm_buf_adds(&sql, "ALTER TABLE ");
	sqlite_quote(&sql, table);
	dbm_buf_adds(&sql, " DROP COLUMN ");
	sqlite_quote(&sql, column);
	ret = exec_sql(ddl, &sql, err);
done:
	dbm_table_release(&t);
	dbm_buf_release(&sql);
	return ret;
}

static int sqlite_alter_column(struct dbm_ddl *ddl,
			       const struct dbm_alter_column *a,
			       struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	bool rename = a->new_name && strcmp(a->new_name, a->column) != 0;
	bool other = a->nullable != -1 || a->type || a->set_default;
	int ret = -1;

	/* comment= and autoincrement= mean nothing to SQLite */
	if (other && !dbm_ddl_can_reflect(ddl)) {
		offline_error("alter_column", a->table, err);
		goto done;
	}
	/*
	 * Rename first, with SQLite's own statement: it also rewrites the
	 * indexes, CHECK constraints and the foreign keys of other tables
	 * that name the column, which a copy cannot.
	 */
	if (rename) {
		dbm_buf_adds(&sql, "ALTER TABLE ");
		sqlite_quote(&sql, a->table);
		dbm_buf_adds(&sql, " RENAME COLUMN ");
		sqlite_quote(&sql, a->column);
		dbm_buf_adds(&sql, " TO ");
		sqlite_quote(&sql, a->new_name);
		if (exec_sql(ddl, &sql, err) < 0)
			goto done;
	}
	if (other) {
		struct dbm_alter_column renamed = *a;
		if (rename)
			renamed.column = a->new_name;
		renamed.new_name = NULL;
		if (rebuild(ddl, "alter_column", a->table, apply_alter,
			    &renamed, err) < 0)
			goto done;
	}
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

static int sqlite_create_index(struct dbm_ddl *ddl, const struct dbm_index *ix,
			       struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	if (!ix->table) {
		dbm_err_set(err, DBM_EFAIL, "index '%s' names no table",
			    ix->name ? ix->name : "");
		goto done;
	}
	if (render_index(ddl, &sql, ix, ix->table, err) < 0)
		goto done;
	ret = exec_sql(ddl, &sql, err);
done:
	dbm_buf_release(&sql);
	return ret;
}

static int sqlite_drop_index(struct dbm_ddl *ddl, const char *name,
			     const char *table, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	(void)table;
	dbm_buf_adds(&sql, "DROP INDEX ");
	sqlite_quote(&sql, name);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

static int sqlite_add_constraint(struct dbm_ddl *ddl, const char *table,
				 const struct dbm_constraint *c,
				 struct dbm_err *err)
{
	static const char *const ops[] = {
	    [DBM_C_PRIMARY] = "create_primary_key",
	    [DBM_C_FOREIGN] = "create_foreign_key",
	    [DBM_C_UNIQUE] = "create_unique_constraint",
	    [DBM_C_CHECK] = "create_check_constraint",
	};
	return rebuild(ddl, ops[c->kind], table, apply_add_constraint, c, err);
}

static int sqlite_drop_constraint(struct dbm_ddl *ddl, const char *table,
				  const char *name, const char *type_,
				  struct dbm_err *err)
{
	struct drop_constraint d = {name, type_};
	bool known = !type_;
	for (size_t i = 0; !known && i < sizeof(constraint_types) /
					     sizeof(constraint_types[0]);
	     i++)
		known = strcmp(type_, constraint_types[i]) == 0;
	if (!known)
		return dbm_err_set(err, DBM_EFAIL,
				   "unknown constraint type '%s'", type_);
	return rebuild(ddl, "drop_constraint", table, apply_drop_constraint, &d,
		       err);
}

const struct dbm_dialect dbm_dialect_sqlite = {
    .version = 1,
    .name = "sqlite",
    .impl_name = "SQLiteImpl",
    .transactional_ddl = false,
    .implicit_commit = false,
    .insert_returning = false,
    .offline_catalog = true,
    .quote = sqlite_quote,
    .type = sqlite_type,
    .placeholder = sqlite_placeholder,
    .literal = NULL, /* standard SQL literals, X'..' blobs */
    .create_table = sqlite_create_table,
    .drop_table = sqlite_drop_table,
    .rename_table = sqlite_rename_table,
    .add_column = sqlite_add_column,
    .drop_column = sqlite_drop_column,
    .alter_column = sqlite_alter_column,
    .create_index = sqlite_create_index,
    .drop_index = sqlite_drop_index,
    .add_constraint = sqlite_add_constraint,
    .drop_constraint = sqlite_drop_constraint,
    .table_names = dbm_sqlite_table_names,
    .reflect_table = dbm_sqlite_reflect_table,
};
