/*
 * The PostgreSQL dialect: types, quoting, CREATE TABLE and the ALTER
 * statements as SQLAlchemy 1.4's PostgreSQL DDL compiler and Alembic 1.8's
 * PostgresqlImpl print them. Every operation renders all of its statements
 * first (so a rendering error sends nothing), then creates the named enum
 * types it needs (once per run, as SQLAlchemy's _pg_enums memo does, and
 * online not when the database already has the type), then runs the
 * statements in order through dbm_ddl_exec.
 */
#include "ddl.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "reflect_postgresql.h"

/* PostgreSQL's NAMEDATALEN - 1, SQLAlchemy's max_identifier_length. */
#define MAX_IDENT 63

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

/* Code points in a UTF-8 string, as Python's len() counts them. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The byte offset of code point `chars` of s (or its end). */
static size_t utf8_offset(const char *s, size_t chars)
{
	size_t i = 0, seen = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == chars)
			break;
	return i;
}

static bool truthy(const char *v)
{
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Identifier quoting. */

/* SQLAlchemy 1.4's postgresql RESERVED_WORDS, sorted for bsearch. */
/* clang-format off */
static const char *const reserved_words[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc",
    "asymmetric", "authorization", "between", "binary", "both", "case",
    "cast", "check", "collate", "column", "constraint", "create", "cross",
    "current_catalog", "current_date", "current_role", "current_schema",
    "current_time", "current_timestamp", "current_user", "default",
    "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
    "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group",
    "having", "ilike", "in", "initially", "inner", "intersect", "into", "is",
    "isnull", "join", "leading", "left", "like", "limit", "localtime",
    "localtimestamp", "natural", "new", "not", "notnull", "null", "of", "off",
    "offset", "old", "on", "only", "or", "order", "outer", "over", "overlaps",
    "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "table", "then", "to",
    "trailing", "true", "union", "unique", "user", "using", "variadic",
    "verbose", "when", "where", "window", "with",
};
/* clang-format on */

static void pg_quote(struct dbm_buf *out, const char *ident)
{
	/* (A name with an upper-case letter is never reserved.) */
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

/* "schema.table": each part quoted on its own, as Alembic's quote_dotted. */
static void quote_dotted(struct dbm_buf *out, const char *name)
{
	const char *dot;
	while ((dot = strchr(name, '.')) != NULL) {
		char *part = dbm_xstrndup(name, (size_t)(dot - name));
		pg_quote(out, part);
		free(part);
		dbm_buf_addch(out, '.');
		name = dot + 1;
	}
	pg_quote(out, name);
}

static void pg_placeholder(struct dbm_buf *out, size_t n)
{
	dbm_buf_addf(out, "$%zu", n);
}

/* MD5 (RFC 1321), for SQLAlchemy's truncated index names. */

static uint32_t rotl(uint32_t x, unsigned c)
{
	return (x << c) | (x >> (32 - c));
}

static void md5_block(uint32_t h[4], const unsigned char *p, const uint32_t *k)
{
	static const unsigned char shift[16] = {7, 12, 17, 22, 5, 9,  14, 20,
						4, 11, 16, 23, 6, 10, 15, 21};
	uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];

	for (int i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 |
		       (uint32_t)p[4 * i + 3] << 24;
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int g;
		switch (i / 16) {
		case 0:
			f = (b & c) | (~b & d);
			g = i;
			break;
		case 1:
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		uint32_t next = d;
		d = c;
		c = b;
		b = b + rotl(a + f + k[i] + m[g], shift[(i / 16) * 4 + i % 4]);
		a = next;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

/* The MD5 of s as 32 lower-case hex digits (out: 33 bytes). */
static void md5_hex(const char *s, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t k[64], h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
	size_t n = strlen(s), total = ((n + 8) / 64 + 1) * 64;
	unsigned char *msg = dbm_xcalloc(total, 1);
	uint64_t bits = (uint64_t)n * 8;

	/* K[i] = floor(|sin(i + 1)| * 2^32): exact in double precision */
	for (int i = 0; i < 64; i++)
		k[i] = (uint32_t)(fabs(sin(i + 1.0)) * 4294967296.0);
	memcpy(msg, s, n);
	msg[n] = 0x80;
	for (int i = 0; i < 8; i++)
		msg[total - 8 + (size_t)i] = (unsigned char)(bits >> (8 * i));
	for (size_t off = 0; off < total; off += 64)
		md5_block(h, msg + off, k);
	for (int i = 0; i < 16; i++) {
		unsigned char byte = (unsigned char)(h[i / 4] >> (8 * (i % 4)));
		out[2 * i] = hex[byte >> 4];
		out[2 * i + 1] = hex[byte & 15];
	}
	out[32] = '\0';
	free(msg);
}

/*
 * A name SQLAlchemy made up (the index of an index=True column): too long,
 * it keeps its first 55 characters, "_" and 4 hex digits of its MD5.
 */
static char *truncated_name(const char *name)
{
	char digest[33];
	struct dbm_buf b = DBM_BUF_INIT;
	if (utf8_len(name) <= MAX_IDENT)
		return dbm_xstrdup(name);
	md5_hex(name, digest);
	dbm_buf_add(&b, name, utf8_offset(name, MAX_IDENT - 8));
	dbm_buf_addf(&b, "_%s", digest + 28);
	return dbm_buf_detach(&b);
}

/* A name given for a constraint or an index must fit, as SQLAlchemy says. */
static int check_name(const char *name, struct dbm_err *err)
{
	if (name && utf8_len(name) > MAX_IDENT)
		return dbm_err_set(err, DBM_EFAIL,
				   "identifier '%s' exceeds maximum length of "
				   "%d characters",
				   name, MAX_IDENT);
	return 0;
}

/* Literals. */

/* The shortest decimal form that reads back as the same double. */
static void add_real(struct dbm_buf *out, double r)
{
	char tmp[64];
	if (isnan(r) || isinf(r)) {
		dbm_buf_adds(out, isnan(r) ? "'NaN'"
				  : r > 0  ? "'Infinity'"
					   : "'-Infinity'");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, r);
		if (strtod(tmp, NULL) == r)
			break;
	}
	dbm_buf_adds(out, tmp);
	/* As Python's repr: a float always shows it is one. */
	if (!strpbrk(tmp, ".eE"))
		dbm_buf_adds(out, ".0");
}

/*
 * Strings as standard-conforming literals ('' doubled, backslashes kept:
 * the server runs with standard_conforming_strings on), bytea in hex.
 */
static void pg_literal(struct dbm_buf *out, const struct dbm_value *v)
{
	static const char hex[] = "0123456789abcdef";
	switch (v->kind) {
	case DBM_V_NULL:
		dbm_buf_adds(out, "NULL");
		break;
	case DBM_V_INT:
		dbm_buf_addf(out, "%" PRId64, v->i);
		break;
	case DBM_V_REAL:
		add_real(out, v->r);
		break;
	case DBM_V_TEXT: {
		const char *s = v->s ? v->s : "";
		dbm_buf_add_sql_literal(out, s, v->n ? v->n : strlen(s));
		break;
	}
	case DBM_V_BLOB:
		dbm_buf_adds(out, "'\\x");
		for (size_t i = 0; i < v->n; i++) {
			unsigned char c = (unsigned char)v->s[i];
			dbm_buf_addch(out, hex[c >> 4]);
			dbm_buf_addch(out, hex[c & 15]);
		}
		dbm_buf_addch(out, '\'');
		break;
	default:
		DBM_BUG("unknown value kind");
	}
}

static void add_string_literal(struct dbm_buf *out, const char *s)
{
	struct dbm_value v = {.kind = DBM_V_TEXT, .s = s};
	pg_literal(out, &v);
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

static void pg_type(struct dbm_buf *out, const struct dbm_type *t)
{
	switch (t->kind) {
	case DBM_T_STRING:
		string_type(out, "VARCHAR", t->length, t->collation);
		break;
	case DBM_T_TEXT:
		/* as SQLAlchemy prints it; the server refuses TEXT(n) */
		string_type(out, "TEXT", t->length, t->collation);
		break;
	case DBM_T_ENUM:
		if (t->native_enum) {
			/* a missing name is refused before rendering */
			pg_quote(out, t->enum_name ? t->enum_name : "");
		} else {
			/* VARCHAR as long as the longest value */
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
		}
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
		dbm_buf_adds(out, "BOOLEAN");
		break;
	case DBM_T_DATETIME:
		dbm_buf_adds(out, t->timezone ? "TIMESTAMP WITH TIME ZONE"
					      : "TIMESTAMP WITHOUT TIME ZONE");
		break;
	case DBM_T_DATE:
		dbm_buf_adds(out, "DATE");
		break;
	case DBM_T_TIME:
		dbm_buf_adds(out, t->timezone ? "TIME WITH TIME ZONE"
					      : "TIME WITHOUT TIME ZONE");
		break;
	case DBM_T_FLOAT:
		dbm_buf_adds(out, "FLOAT");
		if (t->precision > 0)
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
		dbm_buf_adds(out, "BYTEA");
		break;
	case DBM_T_RAW:
		dbm_buf_adds(out, t->raw ? t->raw : "");
		break;
	default:
		DBM_BUG("unknown type kind");
	}
}

static bool is_native_enum(const struct dbm_type *t)
{
	return t->kind == DBM_T_ENUM && t->native_enum;
}

static int check_type(const struct dbm_type *t, const char *column,
		      struct dbm_err *err)
{
	if (is_native_enum(t) && (!t->enum_name || !*t->enum_name))
		return dbm_err_set(err, DBM_EFAIL,
				   "column '%s': a native Enum needs a name on "
				   "postgresql",
				   column);
	return 0;
}

/* Statements: an operation renders them all, then runs them in order. */

typedef DBM_VEC(char *) stmt_vec;

static void stmt_add(stmt_vec *v, struct dbm_buf *b)
{
	dbm_vec_push(v, dbm_buf_detach(b));
}

static void stmts_release(stmt_vec *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	dbm_vec_release(v);
}

static int stmts_run(struct dbm_ddl *ddl, const stmt_vec *v,
		     struct dbm_err *err)
{
	for (size_t i = 0; i < v->len; i++)
		if (dbm_ddl_exec(ddl, v->items[i], NULL, 0, NULL, err) < 0)
			return -1;
	return 0;
}

/* Enum types. */

static bool type_created(const struct dbm_ddl *ddl, const char *name)
{
	for (size_t i = 0; i < ddl->created_types.len; i++)
		if (strcmp(ddl->created_types.items[i], name) == 0)
			return true;
	return false;
}

/* Whether the database has a type of that name on the search path. */
static int type_exists(struct dbm_ddl *ddl, const char *name, bool *out,
		       struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = name};
	*out = false;
	if (dbm_db_exec(ddl->conn,
			"SELECT 1 FROM pg_catalog.pg_type t "
			"WHERE t.typname = $1 "
			"AND pg_catalog.pg_type_is_visible(t.oid)",
			&p, 1, &res, err) < 0)
		return -1;
	*out = res->nrows > 0;
	dbm_result_free(res);
	return 0;
}

/*
 * CREATE TYPE for a named native enum, once per run (SQLAlchemy's memo:
 * a second Enum of the same name reuses the first one's type, values and
 * all) and, online, not when the database has the type already.
 */
static int create_enum(struct dbm_ddl *ddl, const struct dbm_type *t,
		       struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	bool exists = false;
	int ret = -1;

	if (!is_native_enum(t) || type_created(ddl, t->enum_name))
		return 0;
	dbm_vec_push(&ddl->created_types, dbm_xstrdup(t->enum_name));
	if (!dbm_ddl_offline(ddl) &&
	    type_exists(ddl, t->enum_name, &exists, err) < 0)
		goto done;
	if (!exists) {
		dbm_buf_adds(&sql, "CREATE TYPE ");
		pg_quote(&sql, t->enum_name);
		dbm_buf_adds(&sql, " AS ENUM (");
		for (size_t i = 0; i < t->nenum_values; i++) {
			if (i)
				dbm_buf_adds(&sql, ", ");
			add_string_literal(&sql, t->enum_values[i]);
		}
		dbm_buf_addch(&sql, ')');
		if (dbm_ddl_exec(ddl, sql.buf, NULL, 0, NULL, err) < 0)
			goto done;
	}
	ret = 0;
done:
	dbm_buf_release(&sql);
	return ret;
}

/* The primary key of a table. */

struct pk {
	const char *name;  /* constraint name or NULL */
	const char **cols; /* in rendering order; borrowed names */
	size_t n;
	long serial;  /* index of the SERIAL column in t->columns, or -1 */
	bool *member; /* per column of t: part of the key */
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

/* SQLAlchemy's integer and numeric affinities: the autoincrement types. */
static bool numeric_type(const struct dbm_type *t)
{
	switch (t->kind) {
	case DBM_T_INTEGER:
	case DBM_T_BIGINT:
	case DBM_T_SMALLINT:
	case DBM_T_NUMERIC:
	case DBM_T_FLOAT:
		return true;
	default:
		return false;
	}
}

static int no_column(const char *column, const char *table, struct dbm_err *err)
{
	return dbm_err_set(err, DBM_EFAIL, "no column '%s' on table '%s'",
			   column, table);
}

/*
 * SQLAlchemy's _autoincrement_column: with one key column, the column
 * itself when autoincrement=True, or when left "auto" and it is an integer
 * (or numeric) column without a server default or a foreign key; with
 * several, only the one marked autoincrement=True.
 */
static int find_serial(struct pk *pk, const struct dbm_table *t,
		       struct dbm_err *err)
{
	size_t members = 0;
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (!pk->member[i])
			continue;
		members++;
		if (c->autoincrement == 1 && !numeric_type(&c->type))
			return dbm_err_set(err, DBM_EFAIL,
					   "column '%s.%s': its type is not "
					   "compatible with autoincrement=True",
					   t->name, c->name);
		if (c->autoincrement == 1) {
			if (pk->serial >= 0)
				return dbm_err_set(
				    err, DBM_EFAIL,
				    "only one column may be marked "
				    "autoincrement=True, found both '%s' and "
				    "'%s'",
				    t->columns.items[pk->serial].name, c->name);
			pk->serial = (long)i;
		}
	}
	if (members == 1 && pk->serial < 0) {
		for (size_t i = 0; i < t->columns.len; i++) {
			const struct dbm_column *c = &t->columns.items[i];
			if (pk->member[i] && c->autoincrement == -1 &&
			    numeric_type(&c->type) &&
			    c->server_default.kind == DBM_DEFAULT_NONE &&
			    !column_has_fk(t, c))
				pk->serial = (long)i;
		}
	}
	return 0;
}

/*
 * The key: an explicit PrimaryKeyConstraint names its columns in its own
 * order (with none, it takes the primary_key columns); the primary_key
 * columns alone make SQLAlchemy's implicit key, its autoincrement column
 * first (columns_autoinc_first).
 */
static int pk_get(struct pk *out, const struct dbm_table *t,
		  struct dbm_err *err)
{
	const struct dbm_constraint *k = pk_constraint(t);
	size_t ncols = t->columns.len;

	memset(out, 0, sizeof(*out));
	out->serial = -1;
	out->cols = dbm_xcalloc(ncols + 1, sizeof(*out->cols));
	out->member = dbm_xcalloc(ncols + 1, sizeof(*out->member));
	if (k)
		out->name = k->name;
	if (k && k->ncolumns) {
		for (size_t j = 0; j < k->ncolumns; j++) {
			long i = dbm_table_column_index(t, k->columns[j]);
			if (i < 0)
				return no_column(k->columns[j], t->name, err);
			if (!out->member[i])
				out->cols[out->n++] = t->columns.items[i].name;
			out->member[i] = true;
		}
	} else {
		for (size_t i = 0; i < ncols; i++)
			out->member[i] = t->columns.items[i].primary_key;
	}
	if (find_serial(out, t, err) < 0)
		return -1;
	if (k && k->ncolumns)
		return 0;
	if (!k && out->serial >= 0)
		out->cols[out->n++] = t->columns.items[out->serial].name;
	for (size_t i = 0; i < ncols; i++)
		if (out->member[i] && (k || (long)i != out->serial))
			out->cols[out->n++] = t->columns.items[i].name;
	return 0;
}

static void pk_release(struct pk *pk)
{
	free(pk->cols);
	free(pk->member);
	memset(pk, 0, sizeof(*pk));
}

/* Columns. */

static int check_column(const struct dbm_column *c, struct dbm_err *err)
{
	if (check_type(&c->type, c->name, err) < 0)
		return -1;
	if (c->computed && c->persisted == 0)
		return dbm_err_set(err, DBM_EFAIL,
				   "column '%s': postgresql has no virtual "
				   "computed columns; leave persisted unset or "
				   "true",
				   c->name);
	return 0;
}

/*
 * SQLAlchemy's get_column_specification: name, SERIAL for the table's
 * autoincrement key column (then no type and no default), else the type
 * and DEFAULT; GENERATED ALWAYS AS; NOT NULL. A column named only in a
 * PrimaryKeyConstraint is NOT NULL as SQLAlchemy makes it (the model
 * cannot tell an explicit nullable=True from the default there).
 */
static void column_spec(struct dbm_ddl *ddl, struct dbm_buf *out,
			const struct dbm_column *c, bool serial, bool member)
{
	pg_quote(out, c->name);
	if (serial) {
		dbm_buf_adds(out, c->type.kind == DBM_T_BIGINT ? " BIGSERIAL"
				  : c->type.kind == DBM_T_SMALLINT
				      ? " SMALLSERIAL"
				      : " SERIAL");
	} else {
		dbm_buf_addch(out, ' ');
		pg_type(out, &c->type);
		if (c->server_default.kind != DBM_DEFAULT_NONE) {
			dbm_buf_adds(out, " DEFAULT ");
			dbm_ddl_default(ddl, out, &c->server_default);
		}
	}
	if (c->computed)
		dbm_buf_addf(out, " GENERATED ALWAYS AS (%s) STORED",
			     c->computed);
	if (c->nullable == 0 || (member && !c->primary_key))
		dbm_buf_adds(out, " NOT NULL");
}

/* Constraints. */

static int add_constraint_name(struct dbm_buf *out, const char *name,
			       struct dbm_err *err)
{
	if (!name)
		return 0;
	if (check_name(name, err) < 0)
		return -1;
	dbm_buf_adds(out, "CONSTRAINT ");
	pg_quote(out, name);
	dbm_buf_addch(out, ' ');
	return 0;
}

static void add_names(struct dbm_buf *out, char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dbm_buf_adds(out, ", ");
		pg_quote(out, names[i]);
	}
}

/* [CONSTRAINT n ]FOREIGN KEY(a) REFERENCES [schema.]t (b)[ ON ...] */
static int add_fk(struct dbm_buf *out, const char *name, char *const *cols,
		  size_t ncols, const char *ref_table, char *const *ref_cols,
		  size_t nref_cols, const char *ondelete, const char *onupdate,
		  struct dbm_err *err)
{
	if (dbm_ddl_check_fk_action(ondelete, "ondelete", err) < 0 ||
	    dbm_ddl_check_fk_action(onupdate, "onupdate", err) < 0)
		return -1;
	if (!ncols || ncols != nref_cols)
		return dbm_err_set(err, DBM_EFAIL,
				   "foreign key to '%s' has %zu columns and "
				   "%zu referenced columns",
				   ref_table ? ref_table : "", ncols,
				   nref_cols);
	if (add_constraint_name(out, name, err) < 0)
		return -1;
	dbm_buf_adds(out, "FOREIGN KEY(");
	add_names(out, cols, ncols);
	dbm_buf_adds(out, ") REFERENCES ");
	quote_dotted(out, ref_table ? ref_table : "");
	dbm_buf_adds(out, " (");
	add_names(out, ref_cols, nref_cols);
	dbm_buf_addch(out, ')');
	if (ondelete)
		dbm_buf_addf(out, " ON DELETE %s", ondelete);
	if (onupdate)
		dbm_buf_addf(out, " ON UPDATE %s", onupdate);
	return 0;
}

/* A column-level ForeignKey("[schema.]table.column"). */
static int add_column_fk(struct dbm_buf *out, const struct dbm_column *c,
			 const struct dbm_fkref *f, struct dbm_err *err)
{
	const char *target = f->target ? f->target : "";
	const char *dot = strrchr(target, '.');
	if (!dot || dot == target || !dot[1])
		return dbm_err_set(err, DBM_EFAIL,
				   "foreign key of column '%s' must name "
				   "'table.column', not '%s'",
				   c->name, target);
	char *table = dbm_xstrndup(target, (size_t)(dot - target));
	char *col = dbm_xstrdup(dot + 1);
	char *local = c->name;
	int ret = add_fk(out, f->name, &local, 1, table, &col, 1, f->ondelete,
			 f->onupdate, err);
	free(col);
	free(table);
	return ret;
}

/* A table-level constraint, as inside CREATE TABLE or after ADD. */
static int add_table_constraint(struct dbm_buf *out,
				const struct dbm_constraint *k,
				struct dbm_err *err)
{
	if (k->kind != DBM_C_CHECK && !k->ncolumns && k->name)
		return dbm_err_set(err, DBM_EFAIL,
				   "constraint '%s' has no columns", k->name);
	if (k->kind != DBM_C_CHECK && !k->ncolumns)
		return dbm_err_set(err, DBM_EFAIL,
				   "an unnamed constraint has no columns");
	switch (k->kind) {
	case DBM_C_PRIMARY:
		if (add_constraint_name(out, k->name, err) < 0)
			return -1;
		dbm_buf_adds(out, "PRIMARY KEY (");
		add_names(out, k->columns, k->ncolumns);
		dbm_buf_addch(out, ')');
		return 0;
	case DBM_C_FOREIGN:
		return add_fk(out, k->name, k->columns, k->ncolumns,
			      k->ref_table, k->ref_columns, k->nref_columns,
			      k->ondelete, k->onupdate, err);
	case DBM_C_UNIQUE:
		if (add_constraint_name(out, k->name, err) < 0)
			return -1;
		dbm_buf_adds(out, "UNIQUE (");
		add_names(out, k->columns, k->ncolumns);
		dbm_buf_addch(out, ')');
		return 0;
	case DBM_C_CHECK:
		if (add_constraint_name(out, k->name, err) < 0)
			return -1;
		dbm_buf_addf(out, "CHECK (%s)", k->check ? k->check : "");
		return 0;
	default:
		DBM_BUG("unknown constraint kind");
	}
}

/* CREATE TABLE. */

/* The postgresql_* table options of SQLAlchemy's post_create_table. */
static int table_options(struct dbm_buf *out, const struct dbm_table *t,
			 struct dbm_err *err)
{
	static const char *const known[] = {
	    "postgresql_inherits",   "postgresql_partition_by",
	    "postgresql_with_oids",  "postgresql_on_commit",
	    "postgresql_tablespace", "postgresql_ignore_search_path",
	};
	for (size_t i = 0; i < t->nkwargs; i++) {
		const char *key = t->kwargs[2 * i];
		bool ok = strncmp(key, "postgresql_", 11) != 0;
		for (size_t j = 0; !ok && j < sizeof(known) / sizeof(known[0]);
		     j++)
			ok = strcmp(key, known[j]) == 0;
		if (!ok)
			return dbm_err_set(err, DBM_EFAIL,
					   "unknown table option '%s' for "
					   "postgresql",
					   key);
	}
	const char *v = dbm_kwarg(t->kwargs, t->nkwargs, "postgresql_inherits");
	if (v) {
		dbm_buf_adds(out, "\n INHERITS ( ");
		pg_quote(out, v);
		dbm_buf_adds(out, " )");
	}
	v = dbm_kwarg(t->kwargs, t->nkwargs, "postgresql_partition_by");
	if (v)
		dbm_buf_addf(out, "\n PARTITION BY %s", v);
	v = dbm_kwarg(t->kwargs, t->nkwargs, "postgresql_with_oids");
	if (v)
		dbm_buf_adds(out,
			     truthy(v) ? "\n WITH OIDS" : "\n WITHOUT OIDS");
	v = dbm_kwarg(t->kwargs, t->nkwargs, "postgresql_on_commit");
	if (v) {
		dbm_buf_adds(out, "\n ON COMMIT ");
		for (const char *p = v; *p; p++)
			dbm_buf_addch(out, *p == '_'	  ? ' '
					   : is_lower(*p) ? (char)(*p - 32)
							  : *p);
	}
	v = dbm_kwarg(t->kwargs, t->nkwargs, "postgresql_tablespace");
	if (v) {
		dbm_buf_adds(out, "\n TABLESPACE ");
		pg_quote(out, v);
	}
	return 0;
}

static int check_columns_exist(const struct dbm_table *t, char *const *cols,
			       size_t n, const bool *expr, struct dbm_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (!(expr && expr[i]) &&
		    dbm_table_column_index(t, cols[i]) < 0)
			return no_column(cols[i], t->name, err);
	return 0;
}

/*
 * CREATE TABLE as SQLAlchemy prints it: the columns, the primary key, the
 * table's constraints in declaration order, then those the columns'
 * unique= and ForeignKey() made, column by column (SQLAlchemy creates
 * them last), then the postgresql_* options.
 */
static int render_create_table(struct dbm_ddl *ddl, struct dbm_buf *out,
			       const struct dbm_table *t, struct dbm_err *err)
{
	const char *sep = "\n";
	struct pk pk;
	int ret = -1;

	if (pk_get(&pk, t, err) < 0)
		goto done;
	dbm_buf_adds(out, "CREATE TABLE ");
	pg_quote(out, t->name);
	dbm_buf_adds(out, " (");
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (check_column(c, err) < 0)
			goto done;
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		column_spec(ddl, out, c, (long)i == pk.serial, pk.member[i]);
		sep = ", \n";
	}
	if (pk.n) {
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		if (add_constraint_name(out, pk.name, err) < 0)
			goto done;
		dbm_buf_adds(out, "PRIMARY KEY (");
		add_names(out, (char *const *)pk.cols, pk.n);
		dbm_buf_addch(out, ')');
		sep = ", \n";
	}
	for (size_t i = 0; i < t->constraints.len; i++) {
		const struct dbm_constraint *k = &t->constraints.items[i];
		if (k->kind == DBM_C_PRIMARY)
			continue;
		if (k->kind != DBM_C_CHECK &&
		    check_columns_exist(t, k->columns, k->ncolumns, NULL, err) <
			0)
			goto done;
		dbm_buf_adds(out, sep);
		dbm_buf_addch(out, '\t');
		if (add_table_constraint(out, k, err) < 0)
			goto done;
		sep = ", \n";
	}
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (c->unique && !c->index) {
			dbm_buf_adds(out, sep);
			dbm_buf_adds(out, "\tUNIQUE (");
			pg_quote(out, c->name);
			dbm_buf_addch(out, ')');
			sep = ", \n";
		}
		for (size_t j = 0; j < c->nfks; j++) {
			dbm_buf_adds(out, sep);
			dbm_buf_addch(out, '\t');
			if (add_column_fk(out, c, &c->fks[j], err) < 0)
				goto done;
			sep = ", \n";
		}
	}
	dbm_buf_adds(out, "\n)");
	if (table_options(out, t, err) < 0)
		goto done;
	ret = 0;
done:
	pk_release(&pk);
	return ret;
}

/* Indexes. */

static const char *const index_options[] = {
    "postgresql_using",	       "postgresql_where",   "postgresql_tablespace",
    "postgresql_concurrently", "postgresql_include",
};

static int check_index_options(const struct dbm_index *ix, struct dbm_err *err)
{
	for (size_t i = 0; i < ix->nkwargs; i++) {
		const char *key = ix->kwargs[2 * i];
		bool ok = strncmp(key, "postgresql_", 11) != 0;
		for (size_t j = 0; !ok && j < sizeof(index_options) /
						  sizeof(index_options[0]);
		     j++)
			ok = strcmp(key, index_options[j]) == 0;
		if (!ok)
			return dbm_err_set(err, DBM_EFAIL,
					   "unknown index option '%s' for "
					   "postgresql",
					   key);
	}
	return 0;
}

/* An access method: SQLAlchemy's IDX_USING, a bare word, lower-cased. */
static int add_using(struct dbm_buf *out, const char *using,
		     struct dbm_err *err)
{
	if (!*using)
		goto bad;
	for (const char *p = using; *p; p++)
		if (!is_lower(*p) && !is_upper(*p) && !is_digit(*p) &&
		    *p != '_')
			goto bad;
	dbm_buf_adds(out, "USING ");
	for (const char *p = using; *p; p++)
		dbm_buf_addch(out, is_upper(*p) ? (char)(*p + 32) : *p);
	dbm_buf_addch(out, ' ');
	return 0;
bad:
	return dbm_err_set(err, DBM_EFAIL, "unexpected index method '%s'",
			   using);
}

/* postgresql_include: column names separated by commas. */
static void add_include(struct dbm_buf *out, const char *list)
{
	const char *p = list, *sep = "";
	dbm_buf_adds(out, " INCLUDE (");
	while (*p) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && p[n - 1] == ' ')
			n--;
		char *name = dbm_xstrndup(p, n);
		dbm_buf_adds(out, sep);
		pg_quote(out, name);
		free(name);
		sep = ", ";
		p = end ? end + 1 : p + strlen(p);
	}
	dbm_buf_addch(out, ')');
}

/*
 * CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table [USING m] (cols)
 * [INCLUDE (...)] [TABLESPACE t] [WHERE ...]. `made_up`: the name came
 * from SQLAlchemy's naming convention (no length check: it is cut).
 */
static int render_index(struct dbm_buf *out, const struct dbm_index *ix,
			const char *table, bool made_up, struct dbm_err *err)
{
	if (!ix->name)
		return dbm_err_set(err, DBM_EFAIL,
				   "an index on table '%s' needs a name",
				   table);
	if (!ix->ncolumns)
		return dbm_err_set(err, DBM_EFAIL,
				   "index '%s' on table '%s' has no columns",
				   ix->name, table);
	if ((!made_up && check_name(ix->name, err) < 0) ||
	    check_index_options(ix, err) < 0)
		return -1;
	dbm_buf_adds(out,
		     ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if (truthy(
		dbm_kwarg(ix->kwargs, ix->nkwargs, "postgresql_concurrently")))
		dbm_buf_adds(out, "CONCURRENTLY ");
	pg_quote(out, ix->name);
	dbm_buf_adds(out, " ON ");
	pg_quote(out, table);
	dbm_buf_addch(out, ' ');
	const char *using =
	    dbm_kwarg(ix->kwargs, ix->nkwargs, "postgresql_using");
	if (using && add_using(out, using, err) < 0)
		return -1;
	dbm_buf_addch(out, '(');
	for (size_t i = 0; i < ix->ncolumns; i++) {
		if (i)
			dbm_buf_adds(out, ", ");
		if (ix->expr && ix->expr[i])
			dbm_buf_adds(out, ix->columns[i]);
		else
			pg_quote(out, ix->columns[i]);
	}
	dbm_buf_addch(out, ')');
	const char *v =
	    dbm_kwarg(ix->kwargs, ix->nkwargs, "postgresql_include");
	if (v)
		add_include(out, v);
	v = dbm_kwarg(ix->kwargs, ix->nkwargs, "postgresql_tablespace");
	if (v) {
		dbm_buf_adds(out, " TABLESPACE ");
		pg_quote(out, v);
	}
	v = dbm_kwarg(ix->kwargs, ix->nkwargs, "postgresql_where");
	if (v)
		dbm_buf_addf(out, " WHERE %s", v);
	return 0;
}

/* The index of an index=True column: ix_<table>_<column>, cut to fit. */
static int column_index(stmt_vec *stmts, const char *table,
			const struct dbm_column *c, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT, name = DBM_BUF_INIT;
	char *col = c->name;
	struct dbm_index ix = {.columns = &col, .ncolumns = 1};
	int ret;

	dbm_buf_addf(&name, "ix_%s_%s", table, c->name);
	ix.name = truncated_name(name.buf);
	ix.unique = c->unique;
	ret = render_index(&sql, &ix, table, true, err);
	if (ret == 0)
		stmt_add(stmts, &sql);
	free(ix.name);
	dbm_buf_release(&name);
	dbm_buf_release(&sql);
	return ret;
}

/* COMMENT ON. */

static void comment_on_column(stmt_vec *stmts, const char *table,
			      const char *column, const char *comment)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "COMMENT ON COLUMN ");
	pg_quote(&sql, table);
	dbm_buf_addch(&sql, '.');
	pg_quote(&sql, column);
	dbm_buf_adds(&sql, " IS ");
	add_string_literal(&sql, comment);
	stmt_add(stmts, &sql);
}

/* ALTER TABLE <t> : the common start. */
static void alter_table(struct dbm_buf *sql, const char *table)
{
	dbm_buf_adds(sql, "ALTER TABLE ");
	pg_quote(sql, table);
	dbm_buf_addch(sql, ' ');
}

/* Operations. */

static int pg_create_table(struct dbm_ddl *ddl, const struct dbm_table *t,
			   struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	stmt_vec stmts = DBM_VEC_INIT;
	int ret = -1;

	if (render_create_table(ddl, &sql, t, err) < 0)
		goto done;
	stmt_add(&stmts, &sql);
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (c->index && column_index(&stmts, t->name, c, err) < 0)
			goto done;
	}
	for (size_t i = 0; i < t->indexes.len; i++) {
		const struct dbm_index *ix = &t->indexes.items[i];
		if (check_columns_exist(t, ix->columns, ix->ncolumns, ix->expr,
					err) < 0 ||
		    render_index(&sql, ix, t->name, false, err) < 0)
			goto done;
		stmt_add(&stmts, &sql);
	}
	if (t->comment) {
		dbm_buf_adds(&sql, "COMMENT ON TABLE ");
		pg_quote(&sql, t->name);
		dbm_buf_adds(&sql, " IS ");
		add_string_literal(&sql, t->comment);
		stmt_add(&stmts, &sql);
	}
	for (size_t i = 0; i < t->columns.len; i++) {
		const struct dbm_column *c = &t->columns.items[i];
		if (c->comment)
			comment_on_column(&stmts, t->name, c->name, c->comment);
	}
	/* The types first, in column order: SQLAlchemy's before_create. */
	for (size_t i = 0; i < t->columns.len; i++)
		if (create_enum(ddl, &t->columns.items[i].type, err) < 0)
			goto done;
	ret = stmts_run(ddl, &stmts, err);
done:
	stmts_release(&stmts);
	dbm_buf_release(&sql);
	return ret;
}

static int run_one(struct dbm_ddl *ddl, struct dbm_buf *sql,
		   struct dbm_err *err)
{
	int ret = dbm_ddl_exec(ddl, sql->buf, NULL, 0, NULL, err);
	dbm_buf_release(sql);
	return ret;
}

static int pg_drop_table(struct dbm_ddl *ddl, const char *table,
			 struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "DROP TABLE ");
	pg_quote(&sql, table);
	return run_one(ddl, &sql, err);
}

static int pg_rename_table(struct dbm_ddl *ddl, const char *from,
			   const char *to, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	alter_table(&sql, from);
	dbm_buf_adds(&sql, "RENAME TO ");
	pg_quote(&sql, to);
	return run_one(ddl, &sql, err);
}

/*
 * Alembic's add_column: ADD COLUMN (the column alone in a table, so a
 * lone integer primary_key column is SERIAL), then what the column's
 * flags make, as ALTER TABLE ADD: its unique constraint (Alembic walks a
 * set: this order is one of its orders), its foreign keys, its index, its
 * comment. Beyond Alembic: a named native enum type is created first.
 */
static int pg_add_column(struct dbm_ddl *ddl, const char *table,
			 const struct dbm_column *col, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	stmt_vec stmts = DBM_VEC_INIT;
	struct dbm_table alone;
	struct pk pk;
	int ret = -1;

	memset(&pk, 0, sizeof(pk));
	dbm_table_init(&alone);
	alone.name = (char *)table;
	alone.columns.items = (struct dbm_column *)col;
	alone.columns.len = 1;
	if (check_column(col, err) < 0 || pk_get(&pk, &alone, err) < 0)
		goto done;
	alter_table(&sql, table);
	dbm_buf_adds(&sql, "ADD COLUMN ");
	column_spec(ddl, &sql, col, pk.serial == 0, false);
	stmt_add(&stmts, &sql);
	if (col->unique && !col->index) {
		alter_table(&sql, table);
		dbm_buf_adds(&sql, "ADD UNIQUE (");
		pg_quote(&sql, col->name);
		dbm_buf_addch(&sql, ')');
		stmt_add(&stmts, &sql);
	}
	for (size_t i = 0; i < col->nfks; i++) {
		alter_table(&sql, table);
		dbm_buf_adds(&sql, "ADD ");
		if (add_column_fk(&sql, col, &col->fks[i], err) < 0)
			goto done;
		stmt_add(&stmts, &sql);
	}
	if (col->index && column_index(&stmts, table, col, err) < 0)
		goto done;
	if (col->comment)
		comment_on_column(&stmts, table, col->name, col->comment);
	if (create_enum(ddl, &col->type, err) < 0)
		goto done;
	ret = stmts_run(ddl, &stmts, err);
done:
	pk_release(&pk);
	stmts_release(&stmts);
	dbm_buf_release(&sql);
	return ret;
}

static int pg_drop_column(struct dbm_ddl *ddl, const char *table,
			  const char *column, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	alter_table(&sql, table);
	dbm_buf_adds(&sql, "DROP COLUMN ");
	pg_quote(&sql, column);
	return run_one(ddl, &sql, err);
}

static void alter_column_start(struct dbm_buf *sql,
			       const struct dbm_alter_column *a)
{
	alter_table(sql, a->table);
	dbm_buf_adds(sql, "ALTER COLUMN ");
	pg_quote(sql, a->column);
	dbm_buf_addch(sql, ' ');
}

/*
 * PostgresqlImpl.alter_column: TYPE (USING postgresql_using), then the
 * generic order: NULL-ness, default, comment, and the new name last.
 * Unlike add_column, a new enum type is not created (as Alembic).
 */
static int pg_alter_column(struct dbm_ddl *ddl,
			   const struct dbm_alter_column *a,
			   struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	stmt_vec stmts = DBM_VEC_INIT;
	const char *using =
	    dbm_kwarg(a->kwargs, a->nkwargs, "postgresql_using");
	int ret = -1;

	if (using && !a->type) {
		dbm_err_set(err, DBM_EFAIL,
			    "postgresql_using must be used with the type_ "
			    "parameter");
		goto done;
	}
	if (a->type) {
		if (check_type(a->type, a->column, err) < 0)
			goto done;
		alter_column_start(&sql, a);
		dbm_buf_adds(&sql, "TYPE ");
		pg_type(&sql, a->type);
		if (using)
			dbm_buf_addf(&sql, " USING %s", using);
		stmt_add(&stmts, &sql);
	}
	if (a->nullable != -1) {
		alter_column_start(&sql, a);
		dbm_buf_adds(&sql,
			     a->nullable ? "DROP NOT NULL" : "SET NOT NULL");
		stmt_add(&stmts, &sql);
	}
	if (a->set_default) {
		alter_column_start(&sql, a);
		if (a->server_default.kind == DBM_DEFAULT_NONE) {
			dbm_buf_adds(&sql, "DROP DEFAULT");
		} else {
			dbm_buf_adds(&sql, "SET DEFAULT ");
			dbm_ddl_default(ddl, &sql, &a->server_default);
		}
		stmt_add(&stmts, &sql);
	}
	if (a->comment)
		comment_on_column(&stmts, a->table, a->column, a->comment);
	if (a->new_name) {
		alter_table(&sql, a->table);
		dbm_buf_adds(&sql, "RENAME ");
		pg_quote(&sql, a->column);
		dbm_buf_adds(&sql, " TO ");
		pg_quote(&sql, a->new_name);
		stmt_add(&stmts, &sql);
	}
	ret = stmts_run(ddl, &stmts, err);
done:
	stmts_release(&stmts);
	dbm_buf_release(&sql);
	return ret;
}

static int pg_create_index(struct dbm_ddl *ddl, const struct dbm_index *ix,
			   struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	if (!ix->table) {
		dbm_err_set(err, DBM_EFAIL, "index '%s' names no table",
			    ix->name ? ix->name : "");
		dbm_buf_release(&sql);
		return -1;
	}
	if (render_index(&sql, ix, ix->table, false, err) < 0) {
		dbm_buf_release(&sql);
		return -1;
	}
	return run_one(ddl, &sql, err);
}

static int pg_drop_index(struct dbm_ddl *ddl, const char *name,
			 const char *table, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	(void)table;
	if (check_name(name, err) < 0)
		return -1;
	dbm_buf_adds(&sql, "DROP INDEX ");
	pg_quote(&sql, name);
	return run_one(ddl, &sql, err);
}

static int pg_add_constraint(struct dbm_ddl *ddl, const char *table,
			     const struct dbm_constraint *c,
			     struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	alter_table(&sql, table);
	dbm_buf_adds(&sql, "ADD ");
	if (add_table_constraint(&sql, c, err) < 0) {
		dbm_buf_release(&sql);
		return -1;
	}
	return run_one(ddl, &sql, err);
}

static int pg_drop_constraint(struct dbm_ddl *ddl, const char *table,
			      const char *name, const char *type_,
			      struct dbm_err *err)
{
	static const char *const types[] = {"foreignkey", "unique", "primary",
					    "check"};
	struct dbm_buf sql = DBM_BUF_INIT;
	bool known = !type_;
	for (size_t i = 0; !known && i < sizeof(types) / sizeof(types[0]); i++)
		known = strcmp(type_, types[i]) == 0;
	if (!known)
		return dbm_err_set(err, DBM_EFAIL,
				   "unknown constraint type '%s'", type_);
	if (check_name(name, err) < 0)
		return -1;
	alter_table(&sql, table);
	dbm_buf_adds(&sql, "DROP CONSTRAINT ");
	pg_quote(&sql, name);
	return run_one(ddl, &sql, err);
}

const struct dbm_dialect dbm_dialect_postgresql = {
    .version = 1,
    .name = "postgresql",
    .impl_name = "PostgresqlImpl",
    .transactional_ddl = true,
    .implicit_commit = false,
    .insert_returning = true,
    .native_boolean = true,
    .quote = pg_quote,
    .type = pg_type,
    .placeholder = pg_placeholder,
    .literal = pg_literal,
    .create_table = pg_create_table,
    .drop_table = pg_drop_table,
    .rename_table = pg_rename_table,
    .add_column = pg_add_column,
    .drop_column = pg_drop_column,
    .alter_column = pg_alter_column,
    .create_index = pg_create_index,
    .drop_index = pg_drop_index,
    .add_constraint = pg_add_constraint,
    .drop_constraint = pg_drop_constraint,
    .table_names = dbm_postgresql_table_names,
    .reflect_table = dbm_postgresql_reflect_table,
};
