/*
 * The MySQL/MariaDB dialect: types, quoting, CREATE TABLE and every
 * operation as SQLAlchemy 1.4's MySQL DDL compiler and Alembic 1.8's
 * MySQLImpl print them. MySQL has no transactional DDL: each statement
 * commits on its own, so nothing here is rebuilt or emulated; every
 * statement goes straight through dbm_ddl_exec.
 *
 * Identifiers are quoted as SQLAlchemy's MySQL preparer does. Offline the
 * script is the one Alembic writes for dialect_name "mysql" (MySQL's
 * reserved words); online the words MariaDB reserves are quoted as well
 * (MariaDB refuses current_role unquoted), so the statement is valid on
 * either server; quoting never changes the schema. A CHECK is dropped
 * with DROP CONSTRAINT on MariaDB and DROP CHECK on MySQL and offline, as
 * Alembic decides from the server.
 *
 * Where SQLAlchemy's output is not a function of its input, or is an
 * artifact of its Python drivers, this file decides:
 * - table options come in a fixed order (see opt_rank), not a set's;
 * - '%' is never doubled (pyformat drivers need that, ours does not);
 * - the statements Alembic adds for a new column's unique=, ForeignKey()
 *   and index=True come in that order, not a set's;
 * - drop_index without table_name is an error, not "ON no_table";
 * - mysql_length is a number for every column or "col=N,col=N" (the
 *   dict form); names made from index=True are not cut to 64 characters.
 */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "reflect_mysql.h"

/* Identifier quoting. */

/* SQLAlchemy 1.4's RESERVED_WORDS_MYSQL, sorted for bsearch. */
/* clang-format off */
static const char *const mysql_words[] = {
    "accessible", "add", "admin", "all", "alter", "analyze", "and", "array",
    "as", "asc", "asensitive", "before", "between", "bigint", "binary",
    "blob", "both", "by", "call", "cascade", "case", "change", "char",
    "character", "check", "collate", "column", "condition", "constraint",
    "continue", "convert", "create", "cross", "cube", "cume_dist",
    "current_date", "current_time", "current_timestamp", "current_user",
    "cursor", "database", "databases", "day_hour", "day_microsecond",
    "day_minute", "day_second", "dec", "decimal", "declare", "default",
    "delayed", "delete", "dense_rank", "desc", "describe", "deterministic",
    "distinct", "distinctrow", "div", "double", "drop", "dual", "each",
    "else", "elseif", "empty", "enclosed", "escaped", "except", "exists",
    "exit", "explain", "false", "fetch", "first_value", "float", "float4",
    "float8", "for", "force", "foreign", "from", "fulltext", "function",
    "general", "generated", "get", "get_master_public_key", "grant", "group",
    "grouping", "groups", "having", "high_priority", "hour_microsecond",
    "hour_minute", "hour_second", "if", "ignore", "ignore_server_ids", "in",
    "index", "infile", "inner", "inout", "insensitive", "insert", "int",
    "int1", "int2", "int3", "int4", "int8", "integer", "interval", "into",
    "io_after_gtids", "io_before_gtids", "is", "iterate", "join",
    "json_table", "key", "keys", "kill", "lag", "last_value", "lateral",
    "lead", "leading", "leave", "left", "like", "limit", "linear", "lines",
    "load", "localtime", "localtimestamp", "lock", "long", "longblob",
    "longtext", "loop", "low_priority", "master_bind",
    "master_heartbeat_period", "master_ssl_verify_server_cert", "match",
    "maxvalue", "mediumblob", "mediumint", "mediumtext", "member",
    "middleint", "minute_microsecond", "minute_second", "mod", "modifies",
    "natural", "no_write_to_binlog", "not", "nth_value", "ntile", "null",
    "numeric", "of", "on", "optimize", "optimizer_costs", "option",
    "optionally", "or", "order", "out", "outer", "outfile", "over",
    "parse_gcol_expr", "partition", "percent_rank", "persist", "persist_only",
    "precision", "primary", "procedure", "purge", "range", "rank", "read",
    "read_write", "reads", "real", "recursive", "references", "regexp",
    "release", "rename", "repeat", "replace", "require", "resignal",
    "restrict", "return", "revoke", "right", "rlike", "role", "row",
    "row_number", "rows", "schema", "schemas", "second_microsecond", "select",
    "sensitive", "separator", "set", "show", "signal", "slow", "smallint",
    "spatial", "specific", "sql", "sql_after_gtids", "sql_before_gtids",
    "sql_big_result", "sql_calc_found_rows", "sql_small_result",
    "sqlexception", "sqlstate", "sqlwarning", "ssl", "starting", "stored",
    "straight_join", "system", "table", "terminated", "then", "tinyblob",
    "tinyint", "tinytext", "to", "trailing", "trigger", "true", "undo",
    "union", "unique", "unlock", "unsigned", "update", "usage", "use",
    "using", "utc_date", "utc_time", "utc_timestamp", "values", "varbinary",
    "varchar", "varcharacter", "varying", "virtual", "when", "where", "while",
    "window", "with", "write", "xor", "year_month", "zerofill",
};
/* RESERVED_WORDS_MARIADB minus the MySQL ones, sorted. */
static const char *const mariadb_words[] = {
    "body", "current_role", "do_domain_ids", "elsif", "goto", "history",
    "ignore_domain_ids", "intersect", "offset", "others", "package",
    "page_checksum", "parse_vcol_expr", "period", "position", "raise",
    "ref_system_id", "returning", "rowtype", "stats_auto_recalc",
    "stats_persistent", "stats_sample_pages", "system_time", "versioning",
    "without",
};
/* clang-format on */

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * SQLAlchemy's rule (dbm_ddl_needs_quotes); mariadb adds MariaDB's reserved
 * words to MySQL's.
 */
static bool needs_quotes(const char *s, bool mariadb)
{
	size_t nmaria = sizeof(mariadb_words) / sizeof(mariadb_words[0]);
	return dbm_ddl_needs_quotes(s, mysql_words,
				    sizeof(mysql_words) /
					sizeof(mysql_words[0])) ||
	       (mariadb && dbm_ddl_is_word(s, mariadb_words, nmaria));
}

static void quote_ident(struct dbm_buf *out, const char *ident, bool mariadb)
{
	if (!needs_quotes(ident, mariadb)) {
		dbm_buf_adds(out, ident);
		return;
	}
	dbm_buf_addch(out, '`');
	for (const char *p = ident; *p; p++) {
		if (*p == '`')
			dbm_buf_addch(out, '`');
		dbm_buf_addch(out, *p);
	}
	dbm_buf_addch(out, '`');
}

/* The vtable's quoting knows no run: valid on both servers. */
static void mysql_quote(struct dbm_buf *out, const char *ident)
{
	quote_ident(out, ident, true);
}

/* The quoting of a run: Alembic's offline MySQL words, or both online. */
static void quote(struct dbm_ddl *ddl, struct dbm_buf *out, const char *ident)
{
	quote_ident(out, ident, !dbm_ddl_offline(ddl));
}

static void quote_list(struct dbm_ddl *ddl, struct dbm_buf *out,
		       char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dbm_buf_adds(out, ", ");
		quote(ddl, out, names[i]);
	}
}

/* "schema.table" as `schema`.`table`, each part quoted on its own. */
static void quote_dotted(struct dbm_ddl *ddl, struct dbm_buf *out,
			 const char *name, size_t len)
{
	const char *p = name, *end = name + len;
	for (;;) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		char *part = dbm_xstrndup(p, (size_t)((dot ? dot : end) - p));
		quote(ddl, out, part);
		free(part);
		if (!dot)
			break;
		dbm_buf_addch(out, '.');
		p = dot + 1;
	}
}

static void mysql_placeholder(struct dbm_buf *out, size_t n)
{
	(void)n;
	dbm_buf_addch(out, '?');
}

/*
 * String literals as SQLAlchemy's MySQL compiler renders them: quotes
 * doubled and, since the server reads backslash escapes, backslashes
 * doubled. Other values as standard SQL.
 */
static void mysql_literal(struct dbm_buf *out, const struct dbm_value *v)
{
	if (v->kind != DBM_V_TEXT) {
		dbm_ddl_std_literal(out, v);
		return;
	}
	const char *s = v->s ? v->s : "";
	size_t n = v->n ? v->n : strlen(s);
	dbm_buf_addch(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			dbm_buf_addch(out, s[i]);
		dbm_buf_addch(out, s[i]);
	}
	dbm_buf_addch(out, '\'');
}

static void add_literal(struct dbm_buf *out, const char *s)
{
	struct dbm_value v = {.kind = DBM_V_TEXT, .s = s};
	mysql_literal(out, &v);
}

/* Types. */

/* Code points in a UTF-8 string, as Python's len() counts them. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A non-native Enum is a VARCHAR as long as its longest value. */
static int enum_length(const struct dbm_type *t)
{
	size_t longest = 0;
	if (t->length >= 0)
		return t->length;
	for (size_t i = 0; i < t->nenum_values; i++) {
		size_t n = utf8_len(t->enum_values[i]);
		if (n > longest)
			longest = n;
	}
	return (int)longest;
}

static void with_length(struct dbm_buf *out, const char *name, int length)
{
	dbm_buf_adds(out, name);
	if (length > 0)
		dbm_buf_addf(out, "(%d)", length);
}

static void mysql_type(struct dbm_buf *out, const struct dbm_type *t)
{
	switch (t->kind) {
	case DBM_T_STRING:
		with_length(out, "VARCHAR", t->length);
		break;
	case DBM_T_TEXT:
		with_length(out, "TEXT", t->length);
		break;
	case DBM_T_ENUM:
		if (!t->native_enum) {
			with_length(out, "VARCHAR", enum_length(t));
			break;
		}
		/* values quoted with '' doubled, no space after the commas */
		dbm_buf_adds(out, "ENUM(");
		for (size_t i = 0; i < t->nenum_values; i++) {
			if (i)
				dbm_buf_addch(out, ',');
			dbm_buf_add_sql_literal(out, t->enum_values[i],
						strlen(t->enum_values[i]));
		}
		dbm_buf_addch(out, ')');
		break;
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
		dbm_buf_adds(out, "BOOL");
		break;
	case DBM_T_DATETIME:
		/* timezone= has no MySQL spelling: SQLAlchemy drops it */
		dbm_buf_adds(out, "DATETIME");
		break;
	case DBM_T_DATE:
		dbm_buf_adds(out, "DATE");
		break;
	case DBM_T_TIME:
		dbm_buf_adds(out, "TIME");
		break;
	case DBM_T_FLOAT:
		/* the generic Float keeps its precision, never a scale */
		dbm_buf_adds(out, "FLOAT");
		if (t->precision >= 0)
			dbm_buf_addf(out, "(%d)", t->precision);
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
		with_length(out, "BLOB", t->length);
		break;
	case DBM_T_RAW:
		dbm_buf_adds(out, t->raw ? t->raw : "");
		break;
	default:
		DBM_BUG("unknown type kind");
	}
	/* String types carry their collation: COLLATE name, unquoted. */
	if (t->collation && (t->kind == DBM_T_STRING || t->kind == DBM_T_TEXT ||
			     t->kind == DBM_T_ENUM || t->kind == DBM_T_RAW))
		dbm_buf_addf(out, " COLLATE %s", t->collation);
}

/* What SQLAlchemy refuses to compile: a VARCHAR without a length. */
static int check_type(const struct dbm_type *t, const char *table,
		      const char *column, struct dbm_err *err)
{
	bool varchar = t->kind == DBM_T_STRING ||
		       (t->kind == DBM_T_ENUM && !t->native_enum);
	int length = t->kind == DBM_T_ENUM ? enum_length(t) : t->length;
	if (varchar && length <= 0)
		return dbm_err_set(err, DBM_EFAIL,
				   "column '%s' of table '%s': VARCHAR "
				   "requires a length on dialect mysql",
				   column, table);
	return 0;
}

/* The first word of a raw type, lower-cased, into buf. */
static const char *raw_word(const struct dbm_type *t, char *buf, size_t size)
{
	size_t n = 0;
	const char *p = t->raw ? t->raw : "";
	while (*p == ' ')
		p++;
	for (; *p && *p != '(' && *p != ' ' && n + 1 < size; p++)
		buf[n++] =
		    (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	buf[n] = '\0';
	return buf;
}

/* SQLAlchemy's Integer and Numeric families: what may autoincrement. */
static bool numeric_family(const struct dbm_type *t)
{
	static const char *const raw_numeric[] = {
	    "bigint", "dec",	  "decimal", "double",	  "fixed",
	    "float",  "int",	  "integer", "mediumint", "numeric",
	    "real",   "smallint", "tinyint",
	};
	char word[32];
	switch (t->kind) {
	case DBM_T_INTEGER:
	case DBM_T_BIGINT:
	case DBM_T_SMALLINT:
	case DBM_T_FLOAT:
	case DBM_T_NUMERIC:
		return true;
	case DBM_T_RAW:
		raw_word(t, word, sizeof(word));
		for (size_t i = 0;
		     i < sizeof(raw_numeric) / sizeof(*raw_numeric); i++)
			if (strcmp(word, raw_numeric[i]) == 0)
				return true;
		return false;
	default:
		return false;
	}
}

/* SQLAlchemy's DateTime family (DATETIME and TIMESTAMP). */
static bool datetime_family(const struct dbm_type *t)
{
	char word[32];
	if (t->kind == DBM_T_DATETIME)
		return true;
	if (t->kind != DBM_T_RAW)
		return false;
	raw_word(t, word, sizeof(word));
	return strcmp(word, "datetime") == 0 || strcmp(word, "timestamp") == 0;
}

static bool is_timestamp(const struct dbm_type *t)
{
	char word[32];
	return t->kind == DBM_T_RAW &&
	       strcmp(raw_word(t, word, sizeof(word)), "timestamp") == 0;
}

/* The table's primary key and its AUTO_INCREMENT column. */

struct pk {
	const char *name;  /* constraint name or NULL */
	const char **cols; /* borrowed names, owned array */
	size_t n;
	long autoinc; /* column index of table._autoincrement_column, or -1 */
};

static const struct dbm_constraint *pk_constraint(const struct dbm_table *t)
{
	for (size_t i = 0; i < t->constraints.len; i++)
		if (t->constraints.items[i].kind == DBM_C_PRIMARY)
			return &t->constraints.items[i];
	return NULL;
}

static bool names_have(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] && strcmp(v[i], s) == 0)
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

/* A computed column's default slot holds its expression. */
static bool has_server_default(const struct dbm_column *c)
{
	return c->server_default.kind != DBM_DEFAULT_NONE || c->computed;
}

static int autoinc_type_error(const struct dbm_table *t,
			      const struct dbm_column *c, struct dbm_err *err)
{
	struct dbm_buf type = DBM_BUF_INIT;
	mysql_type(&type, &c->type);
	dbm_err_set(err, DBM_EFAIL,
		    "column type %s on column '%s.%s' is not compatible with "
		    "autoincrement=True",
		    type.buf, t->name ? t->name : "", c->name);
	dbm_buf_release(&type);
	return -1;
}

/*
 * SQLAlchemy's PrimaryKeyConstraint._autoincrement_column: a lone key
 * column of the Integer or Numeric family with no default and no foreign
 * key, unless autoincrement=False; among several, the one marked
 * autoincrement=True.
 */
static int find_autoinc(struct pk *pk, const struct dbm_table *t,
			struct dbm_err *err)
{
	pk->autoinc = -1;
	for (size_t k = 0; k < pk->n; k++) {
		long i = dbm_table_column_index(t, pk->cols[k]);
		if (i < 0)
			return dbm_err_set(err, DBM_EFAIL,
					   "primary key of table '%s' names "
					   "no column '%s'",
					   t->name ? t->name : "", pk->cols[k]);
		const struct dbm_column *c = &t->columns.items[i];
		if (c->autoincrement == 1) {
			if (!numeric_family(&c->type))
				return autoinc_type_error(t, c, err);
			if (pk->autoinc >= 0)
				return dbm_err_set(
				    err, DBM_EFAIL,
				    "only one column may be marked "
				    "autoincrement=True, found both '%s' and "
				    "'%s'",
				    t->columns.items[pk->autoinc].name,
				    c->name);
			pk->autoinc = i;
		} else if (pk->n == 1 && c->autoincrement == -1 &&
			   numeric_family(&c->type) && !has_server_default(c) &&
			   !column_has_fk(t, c)) {
			pk->autoinc = i;
		}
	}
	return 0;
}

/*
 * An explicit PrimaryKeyConstraint wins, its columns in its order;
 * otherwise the primary_key=True columns in table order with the
 * AUTO_INCREMENT column first (SQLAlchemy's columns_autoinc_first).
 */
static int pk_get(struct pk *out, const struct dbm_table *t,
		  struct dbm_err *err)
{
	const struct dbm_constraint *k = pk_constraint(t);
	bool implicit = !k;
	memset(out, 0, sizeof(*out));
	out->autoinc = -1;
	out->cols = dbm_xcalloc(t->columns.len + (k ? k->ncolumns : 0) + 1,
				sizeof(*out->cols));
	if (k) {
		out->name = k->name;
		for (size_t i = 0; i < k->ncolumns; i++)
			out->cols[out->n++] = k->columns[i];
	} else {
		for (size_t i = 0; i < t->columns.len; i++)
			if (t->columns.items[i].primary_key)
				out->cols[out->n++] = t->columns.items[i].name;
	}
	if (find_autoinc(out, t, err) < 0)
		return -1;
	if (implicit && out->autoinc >= 0) {
		const char *first = t->columns.items[out->autoinc].name;
		size_t at = 0;
		while (at < out->n && out->cols[at] != first)
			at++;
		memmove(&out->cols[1], &out->cols[0], at * sizeof(*out->cols));
		out->cols[0] = first;
	}
	return 0;
}

static void pk_release(struct pk *pk)
{
	free(pk->cols);
	memset(pk, 0, sizeof(*pk));
}

/* Column specifications. */

/*
 * MySQLDDLCompiler.get_column_specification: name, type, GENERATED,
 * NOT NULL (NULL for a nullable TIMESTAMP), COMMENT, then AUTO_INCREMENT
 * or DEFAULT.
 */
static void column_spec(struct dbm_ddl *ddl, struct dbm_buf *out,
			const struct dbm_column *c, bool autoinc)
{
	quote(ddl, out, c->name);
	dbm_buf_addch(out, ' ');
	mysql_type(out, &c->type);
	if (c->computed) {
		dbm_buf_addf(out, " GENERATED ALWAYS AS (%s)", c->computed);
		if (c->persisted == 1)
			dbm_buf_adds(out, " STORED");
		else if (c->persisted == 0)
			dbm_buf_adds(out, " VIRTUAL");
	}
	if (c->nullable == 0)
		dbm_buf_adds(out, " NOT NULL");
	else if (is_timestamp(&c->type))
		dbm_buf_adds(out, " NULL");
	if (c->comment) {
		dbm_buf_adds(out, " COMMENT ");
		add_literal(out, c->comment);
	}
	if (autoinc && c->server_default.kind == DBM_DEFAULT_NONE &&
	    !c->computed) {
		dbm_buf_adds(out, " AUTO_INCREMENT");
	} else if (c->server_default.kind != DBM_DEFAULT_NONE && !c->computed) {
		dbm_buf_adds(out, " DEFAULT ");
		dbm_ddl_default(ddl, out, &c->server_default);
	}
}

/* Constraints, as SQLAlchemy's base DDL compiler prints them. */

static void add_constraint_name(struct dbm_ddl *ddl, struct dbm_buf *out,
				const char *name)
{
	if (!name)
		return;
	dbm_buf_adds(out, "CONSTRAINT ");
	quote(ddl, out, name);
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
	add_constraint_name(ddl, out, name);
	dbm_buf_adds(out, "FOREIGN KEY(");
	quote_list(ddl, out, cols, ncols);
	dbm_buf_adds(out, ") REFERENCES ");
	quote_dotted(ddl, out, ref_table, ref_table_len);
	dbm_buf_adds(out, " (");
	quote_list(ddl, out, ref_cols, nref_cols);
	dbm_buf_addch(out, ')');
	if (ondelete)
		dbm_buf_addf(out, " ON DELETE %s", ondelete);
	if (onupdate)
		dbm_buf_addf(out, " ON UPDATE %s", onupdate);
	return 0;
}

/* One table-level constraint; a primary key with mysql_using. */
static int add_table_constraint(struct dbm_ddl *ddl, struct dbm_buf *out,
				const struct dbm_constraint *k,
				struct dbm_err *err)
{
	switch (k->kind) {
	case DBM_C_PRIMARY:
		add_constraint_name(ddl, out, k->name);
		dbm_buf_adds(out, "PRIMARY KEY (");
		quote_list(ddl, out, k->columns, k->ncolumns);
		dbm_buf_addch(out, ')');
		return 0;
	case DBM_C_FOREIGN: {
		const char *ref = k->ref_table ? k->ref_table : "";
		return add_fk(ddl, out, k->name, k->columns, k->ncolumns, ref,
			      strlen(ref), k->ref_columns, k->nref_columns,
			      k->ondelete, k->onupdate, err);
	}
	case DBM_C_UNIQUE:
		add_constraint_name(ddl, out, k->name);
		dbm_buf_adds(out, "UNIQUE (");
		quote_list(ddl, out, k->columns, k->ncolumns);
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
	char *col = dbm_xstrdup(dot + 1);
	char *local = c->name;
	int ret =
	    add_fk(ddl, out, f->name, &local, 1, target, (size_t)(dot - target),
		   &col, 1, f->ondelete, f->onupdate, err);
	free(col);
	return ret;
}

/* Table options (post_create_table). */

struct table_opt {
	char *name; /* upper-cased, after "mysql_" */
	const char *value;
};

/*
 * SQLAlchemy takes the options from a set, so its order varies from one
 * process to the next: ours is ENGINE first, then by name, COLLATE after
 * the character sets, and the partition options last in their own order.
 */
static int opt_rank(const char *name)
{
	static const char *const parts[] = {"PARTITION_BY", "PARTITIONS",
					    "SUBPARTITION_BY", "SUBPARTITIONS"};
	if (strcmp(name, "ENGINE") == 0)
		return 0;
	if (strcmp(name, "COLLATE") == 0)
		return 2;
	for (int i = 0; i < 4; i++)
		if (strcmp(name, parts[i]) == 0)
			return 3 + i;
	return 1;
}

static int cmp_opt(const void *a, const void *b)
{
	const struct table_opt *x = a, *y = b;
	int rx = opt_rank(x->name), ry = opt_rank(y->name);
	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

static bool opt_is(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(name, *set) == 0)
			return true;
	return false;
}

static void render_table_options(struct dbm_buf *out, const struct dbm_table *t)
{
	static const char *const literal[] = {"COMMENT", "PASSWORD",
					      "CONNECTION", NULL};
	static const char *const spaced[] = {"DATA_DIRECTORY",
					     "INDEX_DIRECTORY",
					     "DEFAULT_CHARACTER_SET",
					     "CHARACTER_SET",
					     "DEFAULT_CHARSET",
					     "DEFAULT_COLLATE",
					     "PARTITION_BY",
					     "PARTITIONS",
					     "SUBPARTITION_BY",
					     "SUBPARTITIONS",
					     NULL};
	static const char *const blank_joined[] = {
	    "TABLESPACE",      "DEFAULT_CHARACTER_SET", "CHARACTER_SET",
	    "COLLATE",	       "PARTITION_BY",		"PARTITIONS",
	    "SUBPARTITION_BY", "SUBPARTITIONS",		NULL};
	struct table_opt *opts = dbm_xcalloc(t->nkwargs + 1, sizeof(*opts));
	size_t n = 0;

	for (size_t i = 0; i < t->nkwargs; i++) {
		const char *key = t->kwargs[2 * i];
		if (!key || strncmp(key, "mysql_", 6) != 0 || !key[6])
			continue;
		char *name = dbm_xstrdup(key + 6);
		for (char *p = name; *p; p++)
			if (is_lower(*p))
				*p = (char)(*p - 'a' + 'A');
		/* a repeated key: the last value wins, as in a dict */
		size_t at = 0;
		while (at < n && strcmp(opts[at].name, name) != 0)
			at++;
		if (at < n)
			free(name);
		else
			opts[n++].name = name;
		opts[at].value =
		    t->kwargs[2 * i + 1] ? t->kwargs[2 * i + 1] : "";
	}
	if (t->comment) {
		size_t at = 0;
		while (at < n && strcmp(opts[at].name, "COMMENT") != 0)
			at++;
		if (at == n)
			opts[n++].name = dbm_xstrdup("COMMENT");
		opts[at].value = t->comment;
	}
	qsort(opts, n, sizeof(*opts), cmp_opt);
	for (size_t i = 0; i < n; i++) {
		const char *name = opts[i].name;
		if (i)
			dbm_buf_addch(out, ' ');
		for (const char *p = name; *p; p++)
			dbm_buf_addch(
			    out, *p == '_' && opt_is(name, spaced) ? ' ' : *p);
		dbm_buf_addch(out, opt_is(name, blank_joined) ? ' ' : '=');
		if (opt_is(name, literal))
			add_literal(out, opts[i].value);
		else
			dbm_buf_adds(out, opts[i].value);
		free(opts[i].name);
	}
	free(opts);
}

/*
 * CREATE TABLE as SQLAlchemy prints it: the columns, the primary key, the
 * table's constraints in declaration order, then those the columns'
 * unique= and ForeignKey() made, column by column, and the table options
 * right after the closing parenthesis.
 */
static int render_create_table(struct dbm_ddl *ddl, struct dbm_buf *out,
			       const struct dbm_table *t, struct dbm_err *err)
{
	const char *sep = "\n";
	struct pk pk;
	int ret = -1;

	for (size_t i = 0; i < t->columns.len; i++)
		if (check_type(&t->columns.items[i].type, t->name,
			       t->columns.items[i].name, err) < 0)
			return -1;
	if (pk_get(&pk, t, err) < 0)
		goto done;
	dbm_buf_adds(out, "CREATE TABLE ");
	quote(ddl, out, t->name);
	dbm_buf_adds(out, " (");
	for (size_t i = 0; i < t->columns.len; i++) {
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		column_spec(ddl, out, &t->columns.items[i],
			    (long)i == pk.autoinc);
		sep = ", \n";
	}
	if (pk.n) {
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		add_constraint_name(ddl, out, pk.name);
		dbm_buf_adds(out, "PRIMARY KEY (");
		for (size_t i = 0; i < pk.n; i++) {
			if (i)
				dbm_buf_adds(out, ", ");
			quote(ddl, out, pk.cols[i]);
		}
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
			quote(ddl, out, c->name);
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
	render_table_options(out, t);
	ret = 0;
done:
	pk_release(&pk);
	return ret;
}

/* Indexes. */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_digit(*s))
			return false;
	return true;
}

/*
 * The prefix length mysql_length gives a column: one number for every
 * column, or "name=N,name=N" (SQLAlchemy's dict form) per column. 0: none.
 */
static int index_length(const struct dbm_index *ix, const char *spec,
			const char *column, long *out, struct dbm_err *err)
{
	*out = 0;
	if (all_digits(spec)) {
		*out = strtol(spec, NULL, 10);
		return 0;
	}
	for (const char *p = spec; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		char *num =
		    eq ? dbm_xstrndup(eq + 1, len - (size_t)(eq + 1 - p))
		       : NULL;
		bool ok = eq && eq > p && all_digits(num);
		if (ok && (size_t)(eq - p) == strlen(column) &&
		    strncmp(p, column, (size_t)(eq - p)) == 0)
			*out = strtol(num, NULL, 10);
		free(num);
		if (!ok)
			return dbm_err_set(err, DBM_EFAIL,
					   "mysql_length of index '%s': "
					   "expected a number or "
					   "'column=length,...', got '%s'",
					   ix->name ? ix->name : "", spec);
		p = end ? end + 1 : p + len;
	}
	return 0;
}

/* MySQLDDLCompiler.visit_create_index, for table `table`. */
static int render_index(struct dbm_ddl *ddl, struct dbm_buf *out,
			const struct dbm_index *ix, const char *table,
			struct dbm_err *err)
{
	const char *length = dbm_kwarg(ix->kwargs, ix->nkwargs, "mysql_length");
	const char *prefix = dbm_kwarg(ix->kwargs, ix->nkwargs, "mysql_prefix");
	const char *parser =
	    dbm_kwarg(ix->kwargs, ix->nkwargs, "mysql_with_parser");
	const char *using = dbm_kwarg(ix->kwargs, ix->nkwargs, "mysql_using");

	if (!ix->name)
		return dbm_err_set(err, DBM_EFAIL,
				   "an index on table '%s' needs a name",
				   table);
	if (!ix->ncolumns)
		return dbm_err_set(err, DBM_EFAIL,
				   "index '%s' on table '%s' has no columns",
				   ix->name, table);
	dbm_buf_adds(out, ix->unique ? "CREATE UNIQUE " : "CREATE ");
	if (prefix && *prefix)
		dbm_buf_addf(out, "%s ", prefix);
	dbm_buf_adds(out, "INDEX ");
	quote(ddl, out, ix->name);
	dbm_buf_adds(out, " ON ");
	quote(ddl, out, table);
	dbm_buf_adds(out, " (");
	for (size_t i = 0; i < ix->ncolumns; i++) {
		long n = 0;
		if (i)
			dbm_buf_adds(out, ", ");
		if (ix->expr && ix->expr[i])
			dbm_buf_adds(out, ix->columns[i]);
		else
			quote(ddl, out, ix->columns[i]);
		if (length &&
		    index_length(ix, length, ix->columns[i], &n, err) < 0)
			return -1;
		if (n > 0)
			dbm_buf_addf(out, "(%ld)", n);
	}
	dbm_buf_addch(out, ')');
	if (parser)
		dbm_buf_addf(out, " WITH PARSER %s", parser);
	if (using) {
		dbm_buf_adds(out, " USING ");
		quote(ddl, out, using);
	}
	return 0;
}

static int exec_sql(struct dbm_ddl *ddl, const struct dbm_buf *sql,
		    struct dbm_err *err)
{
	return dbm_ddl_exec(ddl, sql->buf, NULL, 0, NULL, err);
}

static int exec_index(struct dbm_ddl *ddl, const struct dbm_index *ix,
		      const char *table, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = render_index(ddl, &sql, ix, table, err);
	if (ret == 0)
		ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

/* CREATE INDEX ix_<table>_<column> for a column declared index=True. */
static int create_column_index(struct dbm_ddl *ddl, const char *table,
			       const struct dbm_column *c, struct dbm_err *err)
{
	struct dbm_buf name = DBM_BUF_INIT;
	char *col = c->name;
	struct dbm_index ix = {.columns = &col, .ncolumns = 1};
	dbm_buf_addf(&name, "ix_%s_%s", table, c->name);
	ix.name = name.buf;
	ix.unique = c->unique;
	int ret = exec_index(ddl, &ix, table, err);
	dbm_buf_release(&name);
	return ret;
}

/* The column-level constraints and index of a column added to table. */
static int column_extras(struct dbm_ddl *ddl, const char *table,
			 const struct dbm_column *c, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	if (c->unique && !c->index) {
		dbm_buf_adds(&sql, "ALTER TABLE ");
		quote(ddl, &sql, table);
		dbm_buf_adds(&sql, " ADD UNIQUE (");
		quote(ddl, &sql, c->name);
		dbm_buf_addch(&sql, ')');
		if (exec_sql(ddl, &sql, err) < 0)
			goto done;
	}
	for (size_t j = 0; j < c->nfks; j++) {
		dbm_buf_reset(&sql);
		dbm_buf_adds(&sql, "ALTER TABLE ");
		quote(ddl, &sql, table);
		dbm_buf_adds(&sql, " ADD ");
		if (add_column_fk(ddl, &sql, c, &c->fks[j], err) < 0 ||
		    exec_sql(ddl, &sql, err) < 0)
			goto done;
	}
	if (c->index && create_column_index(ddl, table, c, err) < 0)
		goto done;
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

/* Operations. */

static int mysql_create_table(struct dbm_ddl *ddl, const struct dbm_table *t,
			      struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	if (render_create_table(ddl, &sql, t, err) < 0 ||
	    exec_sql(ddl, &sql, err) < 0)
		goto done;
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (c->index && create_column_index(ddl, t->name, c, err) < 0)
			goto done;
	}
	for (size_t i = 0; i < t->indexes.len; i++)
		if (exec_index(ddl, &t->indexes.items[i], t->name, err) < 0)
			goto done;
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

static int mysql_drop_table(struct dbm_ddl *ddl, const char *table,
			    struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "DROP TABLE ");
	quote(ddl, &sql, table);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

static int mysql_rename_table(struct dbm_ddl *ddl, const char *from,
			      const char *to, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "ALTER TABLE ");
	quote(ddl, &sql, from);
	dbm_buf_adds(&sql, " RENAME TO ");
	quote(ddl, &sql, to);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

/*
 * ALTER TABLE t ADD COLUMN <spec>, the column standing alone in a table
 * (a lone integer primary key gets AUTO_INCREMENT), then what Alembic
 * adds for it: its UNIQUE, its foreign keys, its index.
 */
static int mysql_add_column(struct dbm_ddl *ddl, const char *table,
			    const struct dbm_column *col, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	struct dbm_table alone;
	struct pk pk;
	int ret = -1;

	memset(&pk, 0, sizeof(pk));
	if (check_type(&col->type, table, col->name, err) < 0)
		goto done;
	/* a borrowing view: never released */
	dbm_table_init(&alone);
	alone.name = (char *)table;
	alone.columns.items = (struct dbm_column *)col;
	alone.columns.len = 1;
	if (pk_get(&pk, &alone, err) < 0)
		goto done;
	dbm_buf_adds(&sql, "ALTER TABLE ");
	quote(ddl, &sql, table);
	dbm_buf_adds(&sql, " ADD COLUMN ");
	column_spec(ddl, &sql, col, pk.autoinc == 0);
	if (exec_sql(ddl, &sql, err) < 0 ||
	    column_extras(ddl, table, col, err) < 0)
		goto done;
	ret = 0;
done:
	pk_release(&pk);
	dbm_buf_release(&sql);
	return ret;
}

static int mysql_drop_column(struct dbm_ddl *ddl, const char *table,
			     const char *column, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "ALTER TABLE ");
	quote(ddl, &sql, table);
	dbm_buf_adds(&sql, " DROP COLUMN ");
	quote(ddl, &sql, column);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

/*
 * Alembic's _mysql_colspec: the whole column restated. Unknown
 * nullability is NULL: an alter_column without existing_nullable makes a
 * NOT NULL column nullable, as Alembic does on MySQL.
 */
static void alter_spec(struct dbm_ddl *ddl, struct dbm_buf *out,
		       const struct dbm_alter_column *a,
		       const struct dbm_type *type)
{
	int nullable = a->nullable != -1	    ? a->nullable
		       : a->existing_nullable != -1 ? a->existing_nullable
						    : 1;
	const struct dbm_default *dflt =
	    a->set_default ? &a->server_default : a->existing_server_default;
	mysql_type(out, type);
	dbm_buf_adds(out, nullable ? " NULL" : " NOT NULL");
	if (a->autoincrement == 1)
		dbm_buf_adds(out, " AUTO_INCREMENT");
	if (dflt && dflt->kind != DBM_DEFAULT_NONE) {
		dbm_buf_adds(out, " DEFAULT ");
		dbm_ddl_default(ddl, out, dflt);
	}
	if (a->comment && *a->comment) {
		dbm_buf_adds(out, " COMMENT ");
		add_literal(out, a->comment);
	}
}

/*
 * Alembic's MySQLImpl.alter_column: CHANGE when the column is renamed or
 * its type is of the DateTime family (unless the default is being
 * dropped); MODIFY when nullability, type, autoincrement or comment
 * change; ALTER COLUMN SET/DROP DEFAULT when only the default does.
 * CHANGE and MODIFY restate the column from the new and existing_*
 * values.
 */
static int mysql_alter_column(struct dbm_ddl *ddl,
			      const struct dbm_alter_column *a,
			      struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	const struct dbm_type *type = a->type ? a->type : a->existing_type;
	bool dropping_default =
	    a->set_default && a->server_default.kind == DBM_DEFAULT_NONE;
	bool change =
	    a->new_name || (type && datetime_family(type) && !dropping_default);
	bool modify = a->nullable != -1 || a->type || a->autoincrement != -1 ||
		      a->comment;
	int ret = -1;

	if (!change && !modify && !a->set_default)
		return 0;
	dbm_buf_adds(&sql, "ALTER TABLE ");
	quote(ddl, &sql, a->table);
	if (change || modify) {
		if (!type) {
			dbm_err_set(err, DBM_EFAIL,
				    "alter_column of column '%s' on table "
				    "'%s': all MySQL CHANGE/MODIFY COLUMN "
				    "operations require the existing type",
				    a->column, a->table);
			goto done;
		}
		if (check_type(type, a->table, a->column, err) < 0)
			goto done;
		dbm_buf_adds(&sql, change ? " CHANGE " : " MODIFY ");
		quote(ddl, &sql, a->column);
		dbm_buf_addch(&sql, ' ');
		if (change) {
			quote(ddl, &sql, a->new_name ? a->new_name : a->column);
			dbm_buf_addch(&sql, ' ');
		}
		alter_spec(ddl, &sql, a, type);
	} else {
		dbm_buf_adds(&sql, " ALTER COLUMN ");
		quote(ddl, &sql, a->column);
		if (dropping_default) {
			dbm_buf_adds(&sql, " DROP DEFAULT");
		} else {
			dbm_buf_adds(&sql, " SET DEFAULT ");
			dbm_ddl_default(ddl, &sql, &a->server_default);
		}
	}
	ret = exec_sql(ddl, &sql, err);
done:
	dbm_buf_release(&sql);
	return ret;
}

static int mysql_create_index(struct dbm_ddl *ddl, const struct dbm_index *ix,
			      struct dbm_err *err)
{
	if (!ix->table)
		return dbm_err_set(err, DBM_EFAIL, "index '%s' names no table",
				   ix->name ? ix->name : "");
	return exec_index(ddl, ix, ix->table, err);
}

/* DROP INDEX name ON table: MySQL needs the table. */
static int mysql_drop_index(struct dbm_ddl *ddl, const char *name,
			    const char *table, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	if (!table)
		return dbm_err_set(err, DBM_EFAIL,
				   "drop_index of index '%s' needs table_name "
				   "on mysql",
				   name);
	dbm_buf_adds(&sql, "DROP INDEX ");
	quote(ddl, &sql, name);
	dbm_buf_adds(&sql, " ON ");
	quote(ddl, &sql, table);
	int ret = exec_sql(ddl, &sql, err);
	dbm_buf_release(&sql);
	return ret;
}

/* ALTER TABLE t ADD <constraint> */
static int mysql_add_constraint(struct dbm_ddl *ddl, const char *table,
				const struct dbm_constraint *c,
				struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	dbm_buf_adds(&sql, "ALTER TABLE ");
	quote(ddl, &sql, table);
	dbm_buf_adds(&sql, " ADD ");
	if (add_table_constraint(ddl, &sql, c, err) < 0)
		goto done;
	ret = exec_sql(ddl, &sql, err);
done:
	dbm_buf_release(&sql);
	return ret;
}

/*
 * By type, as Alembic's MySQL drop_constraint: DROP FOREIGN KEY, DROP
 * PRIMARY KEY, DROP INDEX for a unique constraint, and for a CHECK,
 * DROP CONSTRAINT on MariaDB (online) or DROP CHECK on MySQL (and
 * offline, where Alembic's dialect is plain mysql). Without a type MySQL
 * has no statement.
 */
static int mysql_drop_constraint(struct dbm_ddl *ddl, const char *table,
				 const char *name, const char *type_,
				 struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	const char *what = NULL;
	bool named = true;
	int ret = -1;

	if (!type_) {
		return dbm_err_set(
		    err, DBM_EFAIL,
		    "no generic 'DROP CONSTRAINT' in MySQL: "
		    "drop_constraint of '%s' on table '%s' needs "
		    "type_ (foreignkey, unique, primary or "
		    "check)",
		    name, table);
	} else if (strcmp(type_, "foreignkey") == 0) {
		what = "FOREIGN KEY ";
	} else if (strcmp(type_, "primary") == 0) {
		what = "PRIMARY KEY";
		named = false;
	} else if (strcmp(type_, "unique") == 0) {
		what = "INDEX ";
	} else if (strcmp(type_, "check") == 0) {
		bool mariadb = false;
		if (!dbm_ddl_offline(ddl) &&
		    dbm_mysql_is_mariadb(ddl, &mariadb, err) < 0)
			goto done;
		what = mariadb ? "CONSTRAINT " : "CHECK ";
	} else {
		return dbm_err_set(err, DBM_EFAIL,
				   "unknown constraint type '%s'", type_);
	}
	dbm_buf_adds(&sql, "ALTER TABLE ");
	quote(ddl, &sql, table);
	dbm_buf_adds(&sql, " DROP ");
	dbm_buf_adds(&sql, what);
	if (named)
		quote(ddl, &sql, name);
	ret = exec_sql(ddl, &sql, err);
done:
	dbm_buf_release(&sql);
	return ret;
}

const struct dbm_dialect dbm_dialect_mysql = {
    .version = 1,
    .name = "mysql",
    .impl_name = "MySQLImpl",
    .transactional_ddl = false,
    .implicit_commit = true,
    .insert_returning = false,
    .quote = mysql_quote,
    .type = mysql_type,
    .placeholder = mysql_placeholder,
    .literal = mysql_literal,
    .create_table = mysql_create_table,
    .drop_table = mysql_drop_table,
    .rename_table = mysql_rename_table,
    .add_column = mysql_add_column,
    .drop_column = mysql_drop_column,
    .alter_column = mysql_alter_column,
    .create_index = mysql_create_index,
    .drop_index = mysql_drop_index,
    .add_constraint = mysql_add_constraint,
    .drop_constraint = mysql_drop_constraint,
    .table_names = dbm_mysql_table_names,
    .reflect_table = dbm_mysql_reflect_table,
};
