/*
 * SQLite reflection, with the semantics of SQLAlchemy 1.4's SQLite dialect:
 * the PRAGMAs give columns, keys and indexes; constraint names, CHECK and
 * generated-column expressions exist only in the CREATE text kept in
 * sqlite_master, which a small tokenizer reads.
 *
 * Beyond SQLAlchemy 1.4: expression indexes are reflected (expr[i] set)
 * rather than skipped; a partial index keeps its WHERE as the index option
 * sqlite_where; column-level named constraints and CHECKs are found too;
 * AUTOINCREMENT and WITHOUT ROWID become the table options
 * sqlite_autoincrement=true and sqlite_with_rowid=false.
 *
 * Offline the same queries read the catalog's database
 * (dbm_ddl_schema_conn), built for the table at hand by
 * dbm_ddl_schema_prepare.
 */
#include "reflect_sqlite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

/* Tokens of SQL text. */

enum tok_kind {
	TK_WORD,   /* unquoted identifier, keyword or number */
	TK_QUOTED, /* "ident", `ident` or [ident] */
	TK_STRING, /* 'literal' */
	TK_PUNCT,  /* any other single character */
	TK_EOF,
};

struct tok {
	enum tok_kind kind;
	size_t start, end; /* byte offsets into the text */
};

/* The tokens of a text; the last one is always TK_EOF. */
struct toks {
	const char *sql;
	DBM_VEC(struct tok) v;
};

#define TOKS_INIT                                                              \
	{                                                                      \
		NULL, DBM_VEC_INIT                                             \
	}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y || !x)
			return x - y;
	}
}

/* The offset after a literal opened by quote q at i (doubled q escapes). */
static size_t skip_quoted(const char *s, size_t n, size_t i, char q)
{
	for (i++; i < n; i++) {
		if (s[i] != q)
			continue;
		if (i + 1 < n && s[i + 1] == q)
			i++;
		else
			return i + 1;
	}
	return n; /* unterminated: runs to the end */
}

static void tokenize(struct toks *ts, const char *sql)
{
	size_t n = strlen(sql), i = 0;
	ts->sql = sql;
	while (i < n) {
		unsigned char c = (unsigned char)sql[i];
		struct tok t = {TK_PUNCT, i, i + 1};
		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == '-' && sql[i + 1] == '-') {
			while (i < n && sql[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && sql[i + 1] == '*') {
			const char *e = strstr(sql + i + 2, "*/");
			i = e ? (size_t)(e - sql) + 2 : n;
			continue;
		}
		if (c == '\'') {
			t.kind = TK_STRING;
			t.end = skip_quoted(sql, n, i, '\'');
		} else if (c == '"' || c == '`') {
			t.kind = TK_QUOTED;
			t.end = skip_quoted(sql, n, i, (char)c);
		} else if (c == '[') {
			const char *e = strchr(sql + i, ']');
			t.kind = TK_QUOTED;
			t.end = e ? (size_t)(e - sql) + 1 : n;
		} else if (is_word_char(c)) {
			t.kind = TK_WORD;
			while (t.end < n &&
			       is_word_char((unsigned char)sql[t.end]))
				t.end++;
		}
		dbm_vec_push(&ts->v, t);
		i = t.end;
	}
	struct tok eof = {TK_EOF, n, n};
	dbm_vec_push(&ts->v, eof);
}

static void toks_release(struct toks *ts)
{
	dbm_vec_release(&ts->v);
}

static size_t eof_index(const struct toks *ts)
{
	return ts->v.len - 1;
}

/* Token i is the keyword kw (unquoted, any case), and i < end. */
static bool is_kw(const struct toks *ts, size_t i, size_t end, const char *kw)
{
	if (i >= end || i >= ts->v.len)
		return false;
	const struct tok *t = &ts->v.items[i];
	size_t n = strlen(kw);
	if (t->kind != TK_WORD || t->end - t->start != n)
		return false;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)ts->sql[t->start + k];
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c != (unsigned char)kw[k])
			return false;
	}
	return true;
}

static bool is_punct(const struct toks *ts, size_t i, size_t end, char ch)
{
	return i < end && i < ts->v.len && ts->v.items[i].kind == TK_PUNCT &&
	       ts->sql[ts->v.items[i].start] == ch;
}

/* The index of the ')' matching the '(' at i, or the EOF token. */
static size_t match_close(const struct toks *ts, size_t i)
{
	size_t depth = 0;
	for (size_t j = i; j < eof_index(ts); j++) {
		if (is_punct(ts, j, SIZE_MAX, '('))
			depth++;
		else if (is_punct(ts, j, SIZE_MAX, ')') && --depth == 0)
			return j;
	}
	return eof_index(ts);
}

/* The index after token i, skipping a whole (...) group. */
static size_t skip_one(const struct toks *ts, size_t i)
{
	if (is_punct(ts, i, SIZE_MAX, '(')) {
		size_t close = match_close(ts, i);
		return close < eof_index(ts) ? close + 1 : close;
	}
	return i < eof_index(ts) ? i + 1 : i;
}

/* The identifier (or string used as one) at token i, or NULL. */
static char *tok_ident(const struct toks *ts, size_t i, size_t end)
{
	if (i >= end || i >= eof_index(ts))
		return NULL;
	const struct tok *t = &ts->v.items[i];
	const char *s = ts->sql + t->start;
	size_t n = t->end - t->start;
	if (t->kind == TK_WORD)
		return dbm_xstrndup(s, n);
	if (t->kind != TK_QUOTED && t->kind != TK_STRING)
		return NULL;
	char q = s[0], close = q == '[' ? ']' : q;
	size_t body = n >= 2 && s[n - 1] == close ? n - 2 : n - 1;
	struct dbm_buf b = DBM_BUF_INIT;
	for (size_t k = 1; k < 1 + body; k++) {
		dbm_buf_addch(&b, s[k]);
		if (q != '[' && s[k] == q && k + 1 < 1 + body && s[k + 1] == q)
			k++;
	}
	return dbm_buf_detach(&b);
}

/* The source text of tokens [a, b), verbatim. */
static char *span(const struct toks *ts, size_t a, size_t b)
{
	if (a >= b)
		return dbm_xstrdup("");
	size_t start = ts->v.items[a].start, end = ts->v.items[b - 1].end;
	return dbm_xstrndup(ts->sql + start, end - start);
}

struct range {
	size_t a, b;
};

typedef DBM_VEC(struct range) range_vec;

/* The comma-separated elements between the parentheses open and close. */
static void split_list(const struct toks *ts, size_t open, size_t close,
		       range_vec *out)
{
	size_t depth = 0, a = open + 1;
	for (size_t j = open + 1; j < close; j++) {
		if (is_punct(ts, j, close, '('))
			depth++;
		else if (is_punct(ts, j, close, ')') && depth)
			depth--;
		else if (is_punct(ts, j, close, ',') && depth == 0) {
			struct range r = {a, j};
			dbm_vec_push(out, r);
			a = j + 1;
		}
	}
	if (open + 1 < close) {
		struct range r = {a, close};
		dbm_vec_push(out, r);
	}
}

/* Column names of a "(a, b COLLATE x DESC)" list at open. */
static size_t column_list(const struct toks *ts, size_t open, size_t end,
			  char ***out, size_t *n)
{
	size_t close = match_close(ts, open);
	if (close > end)
		close = end;
	range_vec rs = DBM_VEC_INIT;
	split_list(ts, open, close, &rs);
	*out = rs.len ? dbm_xmalloc(rs.len * sizeof(**out)) : NULL;
	*n = rs.len;
	for (size_t k = 0; k < rs.len; k++) {
		char *name = tok_ident(ts, rs.items[k].a, rs.items[k].b);
		(*out)[k] = name ? name : dbm_xstrdup("");
	}
	dbm_vec_release(&rs);
	return close < end ? close + 1 : close;
}

static char **one_name(const char *name, size_t *n)
{
	char **v = dbm_xmalloc(sizeof(*v));
	v[0] = dbm_xstrdup(name);
	*n = 1;
	return v;
}

/* What the CREATE TABLE text says beyond the PRAGMAs. */

struct computed_expr {
	char *column;
	char *expr;
};

struct create_info {
	/* Constraints in text order, column-level ones included. */
	DBM_VEC(struct dbm_constraint) cons;
	DBM_VEC(struct computed_expr) computed;
	bool autoincrement, without_rowid;
};

#define CREATE_INFO_INIT                                                       \
	{                                                                      \
		DBM_VEC_INIT, DBM_VEC_INIT, false, false                       \
	}

static void create_info_release(struct create_info *ci)
{
	for (size_t i = 0; i < ci->cons.len; i++)
		dbm_constraint_release(&ci->cons.items[i]);
	dbm_vec_release(&ci->cons);
	for (size_t i = 0; i < ci->computed.len; i++) {
		free(ci->computed.items[i].column);
		free(ci->computed.items[i].expr);
	}
	dbm_vec_release(&ci->computed);
}

/* REFERENCES tbl [(cols)] at i into c; the index after it. */
static size_t parse_references(const struct toks *ts, size_t i, size_t end,
			       struct dbm_constraint *c)
{
	i++;
	c->ref_table = tok_ident(ts, i, end);
	if (c->ref_table)
		i++;
	if (is_punct(ts, i, end, '('))
		i = column_list(ts, i, end, &c->ref_columns, &c->nref_columns);
	return i;
}

/*
 * The constraints in tokens [i, end): a table constraint (column NULL) or
 * the constraints of a column definition after its name.
 */
static void parse_constraints(struct create_info *ci, const struct toks *ts,
			      size_t i, size_t end, const char *column)
{
	char *pending = NULL; /* CONSTRAINT name for the next constraint */
	while (i < end) {
		struct dbm_constraint c = {0};
		bool have = false;
		if (is_kw(ts, i, end, "CONSTRAINT")) {
			free(pending);
			pending = tok_ident(ts, i + 1, end);
			i += 2;
			continue;
		}
		if (is_kw(ts, i, end, "PRIMARY") &&
		    is_kw(ts, i + 1, end, "KEY")) {
			dbm_constraint_init(&c, DBM_C_PRIMARY);
			have = true;
			i += 2;
			if (is_punct(ts, i, end, '('))
				i = column_list(ts, i, end, &c.columns,
						&c.ncolumns);
			else if (column)
				c.columns = one_name(column, &c.ncolumns);
		} else if (is_kw(ts, i, end, "UNIQUE")) {
			dbm_constraint_init(&c, DBM_C_UNIQUE);
			have = true;
			i++;
			if (is_punct(ts, i, end, '('))
				i = column_list(ts, i, end, &c.columns,
						&c.ncolumns);
			else if (column)
				c.columns = one_name(column, &c.ncolumns);
		} else if (is_kw(ts, i, end, "CHECK") &&
			   is_punct(ts, i + 1, end, '(')) {
			size_t close = match_close(ts, i + 1);
			if (close > end)
				close = end;
			dbm_constraint_init(&c, DBM_C_CHECK);
			have = true;
			c.check = span(ts, i + 2, close);
			i = close < end ? close + 1 : close;
		} else if (is_kw(ts, i, end, "FOREIGN") &&
			   is_kw(ts, i + 1, end, "KEY")) {
			dbm_constraint_init(&c, DBM_C_FOREIGN);
			have = true;
			i += 2;
			if (is_punct(ts, i, end, '('))
				i = column_list(ts, i, end, &c.columns,
						&c.ncolumns);
			if (is_kw(ts, i, end, "REFERENCES"))
				i = parse_references(ts, i, end, &c);
		} else if (column && is_kw(ts, i, end, "REFERENCES")) {
			dbm_constraint_init(&c, DBM_C_FOREIGN);
			have = true;
			c.columns = one_name(column, &c.ncolumns);
			i = parse_references(ts, i, end, &c);
		} else if (column && is_kw(ts, i, end, "AS") &&
			   is_punct(ts, i + 1, end, '(')) {
			size_t close = match_close(ts, i + 1);
			if (close > end)
				close = end;
			struct computed_expr ce = {dbm_xstrdup(column),
						   span(ts, i + 2, close)};
			dbm_vec_push(&ci->computed, ce);
			i = close < end ? close + 1 : close;
		} else if (is_kw(ts, i, end, "DEFAULT")) {
			/* One term: a literal, a signed number, a (expr). */
			i++;
			if (is_punct(ts, i, end, '-') ||
			    is_punct(ts, i, end, '+'))
				i++;
			i = skip_one(ts, i);
		} else if (is_kw(ts, i, end, "COLLATE") ||
			   is_kw(ts, i, end, "SET")) {
			/* COLLATE name; ON DELETE SET DEFAULT is no DEFAULT. */
			i += 2;
		} else if (is_kw(ts, i, end, "AUTOINCREMENT")) {
			ci->autoincrement = true;
			i++;
		} else {
			i = skip_one(ts, i);
		}
		if (have) {
			c.name = pending;
			pending = NULL;
			dbm_vec_push(&ci->cons, c);
		}
		free(pending);
		pending = NULL;
	}
	free(pending);
}

static bool starts_table_constraint(const struct toks *ts, size_t i, size_t end)
{
	return is_kw(ts, i, end, "CONSTRAINT") ||
	       is_kw(ts, i, end, "PRIMARY") || is_kw(ts, i, end, "UNIQUE") ||
	       is_kw(ts, i, end, "CHECK") || is_kw(ts, i, end, "FOREIGN");
}

static void parse_create_table(struct create_info *ci, const char *sql)
{
	struct toks ts = TOKS_INIT;
	range_vec defs = DBM_VEC_INIT;
	size_t open = 0, close;

	tokenize(&ts, sql);
	while (open < eof_index(&ts) && !is_punct(&ts, open, SIZE_MAX, '('))
		open++;
	if (open == eof_index(&ts))
		goto done;
	close = match_close(&ts, open);
	split_list(&ts, open, close, &defs);
	for (size_t k = 0; k < defs.len; k++) {
		size_t a = defs.items[k].a, b = defs.items[k].b;
		if (a >= b)
			continue;
		if (starts_table_constraint(&ts, a, b)) {
			parse_constraints(ci, &ts, a, b, NULL);
		} else {
			char *name = tok_ident(&ts, a, b);
			if (name)
				parse_constraints(ci, &ts, a + 1, b, name);
			free(name);
		}
	}
	for (size_t j = close; j < eof_index(&ts); j++)
		if (is_kw(&ts, j, SIZE_MAX, "WITHOUT") &&
		    is_kw(&ts, j + 1, SIZE_MAX, "ROWID"))
			ci->without_rowid = true;
done:
	dbm_vec_release(&defs);
	toks_release(&ts);
}

/* What the CREATE INDEX text says: each element's text, the WHERE. */
struct index_sql {
	DBM_VEC(char *) elems;
	char *where;
};

#define INDEX_SQL_INIT                                                         \
	{                                                                      \
		DBM_VEC_INIT, NULL                                             \
	}

static void index_sql_release(struct index_sql *is)
{
	for (size_t i = 0; i < is->elems.len; i++)
		free(is->elems.items[i]);
	dbm_vec_release(&is->elems);
	free(is->where);
	is->where = NULL;
}

static void parse_create_index(struct index_sql *is, const char *sql)
{
	struct toks ts = TOKS_INIT;
	range_vec rs = DBM_VEC_INIT;
	size_t i = 0, close, eof;

	tokenize(&ts, sql);
	eof = eof_index(&ts);
	while (i < eof && !is_kw(&ts, i, eof, "ON"))
		i++;
	while (i < eof && !is_punct(&ts, i, eof, '('))
		i++;
	if (i == eof)
		goto done;
	close = match_close(&ts, i);
	split_list(&ts, i, close, &rs);
	for (size_t k = 0; k < rs.len; k++) {
		size_t a = rs.items[k].a, b = rs.items[k].b;
		while (b > a && (is_kw(&ts, b - 1, b, "ASC") ||
				 is_kw(&ts, b - 1, b, "DESC")))
			b--;
		dbm_vec_push(&is->elems, span(&ts, a, b));
	}
	if (close < eof && is_kw(&ts, close + 1, eof, "WHERE")) {
		size_t end = eof;
		while (end > close + 2 && is_punct(&ts, end - 1, eof, ';'))
			end--;
		is->where = span(&ts, close + 2, end);
	}
done:
	dbm_vec_release(&rs);
	toks_release(&ts);
}

/* Queries. */

static void add_quoted_ident(struct dbm_buf *b, const char *ident)
{
	dbm_buf_addch(b, '"');
	for (const char *p = ident; *p; p++) {
		if (*p == '"')
			dbm_buf_addch(b, '"');
		dbm_buf_addch(b, *p);
	}
	dbm_buf_addch(b, '"');
}

/* PRAGMA main.<name>("<arg>"). */
static int run_pragma(struct dbm_ddl *ddl, const char *name, const char *arg,
		      struct dbm_result **out, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_addf(&sql, "PRAGMA main.%s(", name);
	add_quoted_ident(&sql, arg);
	dbm_buf_addch(&sql, ')');
	int ret =
	    dbm_db_exec(dbm_ddl_schema_conn(ddl), sql.buf, NULL, 0, out, err);
	dbm_buf_release(&sql);
	return ret;
}

/*
 * The indexes of the named columns of a PRAGMA's result in idx[]; an error
 * naming the pragma when one is missing (an SQLite too old).
 */
static int result_columns(const struct dbm_result *res,
			  const char *const *names, long *idx, size_t n,
			  const char *pragma, struct dbm_err *err)
{
	for (size_t k = 0; k < n; k++) {
		idx[k] = -1;
		for (size_t c = 0; c < res->ncols; c++)
			if (strcmp(res->names[c], names[k]) == 0)
				idx[k] = (long)c;
		if (idx[k] < 0 && res->nrows)
			return dbm_err_set(err, DBM_EFAIL,
					   "no column '%s' in the output of "
					   "'PRAGMA %s'",
					   names[k], pragma);
	}
	return 0;
}

/* A cell as text (borrowed), or NULL for SQL NULL and numbers. */
static const char *cell_text(const struct dbm_result *res, size_t row, long col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, (size_t)col);
	return v->kind == DBM_V_TEXT ? v->s : NULL;
}

static bool cell_is_null(const struct dbm_result *res, size_t row, long col)
{
	return dbm_result_cell(res, row, (size_t)col)->kind == DBM_V_NULL;
}

static int64_t cell_int(const struct dbm_result *res, size_t row, long col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, (size_t)col);
	switch (v->kind) {
	case DBM_V_INT:
		return v->i;
	case DBM_V_REAL:
		return (int64_t)v->r;
	case DBM_V_TEXT:
		return strtoll(v->s, NULL, 10);
	default:
		return 0;
	}
}

/* The primary key columns of a table, in key order (PRAGMA table_info). */
static int pk_columns(struct dbm_ddl *ddl, const char *table, char ***out,
		      size_t *n, struct dbm_err *err)
{
	static const char *const names[] = {"name", "pk"};
	struct dbm_result *res = NULL;
	long idx[2];
	int ret = -1;

	*out = NULL;
	*n = 0;
	if (run_pragma(ddl, "table_info", table, &res, err) < 0 ||
	    result_columns(res, names, idx, 2, "table_info", err) < 0)
		goto done;
	/* Key positions are 1..n: place each column at its position. */
	for (size_t r = 0; r < res->nrows; r++)
		if (cell_int(res, r, idx[1]) > 0)
			(*n)++;
	*out = *n ? dbm_xcalloc(*n, sizeof(**out)) : NULL;
	for (size_t r = 0; r < res->nrows; r++) {
		int64_t pk = cell_int(res, r, idx[1]);
		const char *name = cell_text(res, r, idx[0]);
		if (pk > 0 && (size_t)pk <= *n && !(*out)[pk - 1])
			(*out)[pk - 1] = dbm_xstrdup(name ? name : "");
	}
	for (size_t k = 0; k < *n; k++)
		if (!(*out)[k])
			(*out)[k] = dbm_xstrdup("");
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

/* Reflection, step by step into a table being built. */

static bool same_columns(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t k = 0; k < na; k++)
		if (ascii_casecmp(a[k], b[k]) != 0)
			return false;
	return true;
}

/* The first unused parsed constraint of kind with these columns. */
static struct dbm_constraint *find_parsed(struct create_info *ci,
					  enum dbm_constraint_kind kind,
					  char *const *cols, size_t ncols,
					  const char *ref_table, bool *used)
{
	for (size_t k = 0; k < ci->cons.len; k++) {
		struct dbm_constraint *c = &ci->cons.items[k];
		if (c->kind != kind || used[k] ||
		    !same_columns(c->columns, c->ncolumns, cols, ncols))
			continue;
		if (ref_table && (!c->ref_table ||
				  ascii_casecmp(c->ref_table, ref_table) != 0))
			continue;
		used[k] = true;
		return c;
	}
	return NULL;
}

/* SQLAlchemy's rule: drop the words GENERATED and ALWAYS from the type. */
static char *generated_type(const char *type)
{
	struct dbm_buf b = DBM_BUF_INIT;
	bool dropped = false;
	const char *p = type;
	while (*p) {
		while (is_space((unsigned char)*p))
			p++;
		const char *w = p;
		size_t depth = 0;
		while (*p && (depth || !is_space((unsigned char)*p))) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && depth)
				depth--;
			p++;
		}
		if (p == w)
			break;
		char *word = dbm_xstrndup(w, (size_t)(p - w));
		if (ascii_casecmp(word, "GENERATED") == 0 ||
		    ascii_casecmp(word, "ALWAYS") == 0) {
			dropped = true;
		} else {
			if (b.len)
				dbm_buf_addch(&b, ' ');
			dbm_buf_adds(&b, word);
		}
		free(word);
	}
	if (!dropped) {
		dbm_buf_release(&b);
		return dbm_xstrdup(type);
	}
	return dbm_buf_detach(&b);
}

struct pk_part {
	int64_t pos;
	const char *name;
};

static int cmp_pk_part(const void *a, const void *b)
{
	const struct pk_part *x = a, *y = b;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int reflect_columns(struct dbm_ddl *ddl, struct dbm_table *t,
			   struct create_info *ci, bool *used,
			   struct dbm_err *err)
{
	static const char *const names[] = {
	    "name", "type", "notnull", "dflt_value", "pk", "hidden",
	};
	struct dbm_result *res = NULL;
	struct pk_part *pk = NULL;
	size_t npk = 0;
	long idx[6];
	int ret = -1;

	if (run_pragma(ddl, "table_xinfo", t->name, &res, err) < 0 ||
	    result_columns(res, names, idx, 6, "table_xinfo", err) < 0)
		goto done;
	pk = dbm_xcalloc(res->nrows ? res->nrows : 1, sizeof(*pk));
	for (size_t r = 0; r < res->nrows; r++) {
		int64_t hidden = cell_int(res, r, idx[5]);
		const char *name = cell_text(res, r, idx[0]);
		const char *type = cell_text(res, r, idx[1]);
		const char *dflt = cell_text(res, r, idx[3]);
		if (hidden == 1 || !name)
			continue;
		struct dbm_column c;
		dbm_column_init(&c);
		c.name = dbm_xstrdup(name);
		dbm_type_init(&c.type, DBM_T_RAW);
		c.nullable = cell_int(res, r, idx[2]) ? 0 : 1;
		if (dflt) {
			c.server_default.kind = DBM_DEFAULT_EXPR;
			c.server_default.text = dbm_xstrdup(dflt);
		}
		if (hidden == 2 || hidden == 3) {
			c.type.raw = generated_type(type ? type : "");
			c.persisted = hidden == 3;
			for (size_t k = 0; k < ci->computed.len; k++)
				if (ascii_casecmp(ci->computed.items[k].column,
						  name) == 0) {
					c.computed = dbm_xstrdup(
					    ci->computed.items[k].expr);
					break;
				}
			if (!c.computed)
				c.computed = dbm_xstrdup("");
		} else {
			c.type.raw = dbm_xstrdup(type ? type : "");
		}
		int64_t pos = cell_int(res, r, idx[4]);
		if (pos > 0) {
			c.primary_key = true;
			pk[npk].pos = pos;
			pk[npk].name = name;
			npk++;
		}
		dbm_vec_push(&t->columns, c);
	}

	if (npk) {
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_PRIMARY);
		qsort(pk, npk, sizeof(*pk), cmp_pk_part);
		c.columns = dbm_xmalloc(npk * sizeof(*c.columns));
		for (size_t k = 0; k < npk; k++)
			c.columns[k] = dbm_xstrdup(pk[k].name);
		c.ncolumns = npk;
		/* The key is the one PRIMARY KEY the text declares. */
		for (size_t k = 0; k < ci->cons.len; k++) {
			if (ci->cons.items[k].kind != DBM_C_PRIMARY)
				continue;
			used[k] = true;
			if (ci->cons.items[k].name)
				c.name = dbm_xstrdup(ci->cons.items[k].name);
			break;
		}
		dbm_vec_push(&t->constraints, c);
	}
	ret = 0;
done:
	free(pk);
	dbm_result_free(res);
	return ret;
}

/* One FOREIGN KEY as the PRAGMA lists it: the rows of one id. */
struct fk_rows {
	int64_t id;
	DBM_VEC(size_t) rows;
};

static int cmp_fk_rows(const void *a, const void *b)
{
	const struct fk_rows *x = a, *y = b;
	/* SQLite numbers the last declared key 0: restore text order. */
	return (x->id < y->id) - (x->id > y->id);
}

static const char *action(const char *a)
{
	return a && strcmp(a, "NO ACTION") != 0 ? a : NULL;
}

static int reflect_foreign_keys(struct dbm_ddl *ddl, struct dbm_table *t,
				struct create_info *ci, bool *used,
				struct dbm_err *err)
{
	static const char *const names[] = {
	    "id", "table", "from", "to", "on_update", "on_delete",
	};
	struct dbm_result *res = NULL;
	DBM_VEC(struct fk_rows) fks = DBM_VEC_INIT;
	long idx[6];
	int ret = -1;

	if (run_pragma(ddl, "foreign_key_list", t->name, &res, err) < 0 ||
	    result_columns(res, names, idx, 6, "foreign_key_list", err) < 0)
		goto done;
	/* Rows come grouped by id, in seq order within an id. */
	for (size_t r = 0; r < res->nrows; r++) {
		int64_t id = cell_int(res, r, idx[0]);
		struct fk_rows *g = NULL;
		for (size_t k = 0; k < fks.len; k++)
			if (fks.items[k].id == id)
				g = &fks.items[k];
		if (!g) {
			struct fk_rows fresh = {id, DBM_VEC_INIT};
			dbm_vec_push(&fks, fresh);
			g = &fks.items[fks.len - 1];
		}
		dbm_vec_push(&g->rows, r);
	}
	if (fks.len)
		qsort(fks.items, fks.len, sizeof(*fks.items), cmp_fk_rows);

	for (size_t k = 0; k < fks.len; k++) {
		struct fk_rows *g = &fks.items[k];
		size_t first = g->rows.items[0], n = g->rows.len;
		bool to_pk = false;
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_FOREIGN);
		const char *ref = cell_text(res, first, idx[1]);
		c.ref_table = dbm_xstrdup(ref ? ref : "");
		c.columns = dbm_xmalloc(n * sizeof(*c.columns));
		c.ncolumns = n;
		for (size_t j = 0; j < n; j++) {
			const char *from =
			    cell_text(res, g->rows.items[j], idx[2]);
			c.columns[j] = dbm_xstrdup(from ? from : "");
			if (cell_is_null(res, g->rows.items[j], idx[3]))
				to_pk = true;
		}
		if (to_pk) {
			/* REFERENCES t with no columns: t's primary key. */
			if (pk_columns(ddl, c.ref_table, &c.ref_columns,
				       &c.nref_columns, err) < 0) {
				dbm_constraint_release(&c);
				goto done;
			}
		} else {
			c.ref_columns = dbm_xmalloc(n * sizeof(*c.ref_columns));
			c.nref_columns = n;
			for (size_t j = 0; j < n; j++) {
				const char *to =
				    cell_text(res, g->rows.items[j], idx[3]);
				c.ref_columns[j] = dbm_xstrdup(to ? to : "");
			}
		}
		const char *onupdate = action(cell_text(res, first, idx[4]));
		const char *ondelete = action(cell_text(res, first, idx[5]));
		c.onupdate = onupdate ? dbm_xstrdup(onupdate) : NULL;
		c.ondelete = ondelete ? dbm_xstrdup(ondelete) : NULL;
		struct dbm_constraint *p =
		    find_parsed(ci, DBM_C_FOREIGN, c.columns, c.ncolumns,
				c.ref_table, used);
		if (p && p->name)
			c.name = dbm_xstrdup(p->name);
		dbm_vec_push(&t->constraints, c);
	}
	ret = 0;
done:
	for (size_t k = 0; k < fks.len; k++)
		dbm_vec_release(&fks.items[k].rows);
	dbm_vec_release(&fks);
	dbm_result_free(res);
	return ret;
}

/* An index_list row, for sorting. */
struct index_row {
	const char *name;
	long order; /* autoindex number, or the row for others */
	bool unique, partial;
};

static int cmp_index_order(const void *a, const void *b)
{
	const struct index_row *x = a, *y = b;
	return (x->order > y->order) - (x->order < y->order);
}

static int cmp_index_name(const void *a, const void *b)
{
	const struct index_row *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* N of "sqlite_autoindex_<table>_N": the order of the constraints. */
static long autoindex_number(const char *name, long fallback)
{
	const char *u = strrchr(name, '_');
	if (!u || !u[1])
		return fallback;
	char *end;
	long n = strtol(u + 1, &end, 10);
	return *end ? fallback : n;
}

/* The key columns of index ix (PRAGMA index_info), in order. */
static int index_columns(struct dbm_ddl *ddl, const char *ix, char ***out,
			 size_t *n, struct dbm_err *err)
{
	static const char *const names[] = {"name"};
	struct dbm_result *res = NULL;
	long idx[1];
	int ret = -1;

	*out = NULL;
	*n = 0;
	if (run_pragma(ddl, "index_info", ix, &res, err) < 0 ||
	    result_columns(res, names, idx, 1, "index_info", err) < 0)
		goto done;
	/* Rows come in seqno order. */
	*out = res->nrows ? dbm_xcalloc(res->nrows, sizeof(**out)) : NULL;
	*n = res->nrows;
	for (size_t r = 0; r < res->nrows; r++) {
		const char *name = cell_text(res, r, idx[0]);
		(*out)[r] = dbm_xstrdup(name ? name : "");
	}
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

static int reflect_uniques(struct dbm_ddl *ddl, struct dbm_table *t,
			   const struct dbm_result *list, const long *idx,
			   struct create_info *ci, bool *used,
			   struct dbm_err *err)
{
	struct index_row *rows = NULL;
	size_t n = 0;
	int ret = -1;

	rows = dbm_xcalloc(list->nrows ? list->nrows : 1, sizeof(*rows));
	for (size_t r = 0; r < list->nrows; r++) {
		const char *origin = cell_text(list, r, idx[2]);
		const char *name = cell_text(list, r, idx[0]);
		if (!origin || strcmp(origin, "u") != 0 || !name)
			continue;
		rows[n].name = name;
		rows[n].order = autoindex_number(name, (long)r);
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_index_order);
	for (size_t k = 0; k < n; k++) {
		struct dbm_constraint c;
		dbm_constraint_init(&c, DBM_C_UNIQUE);
		if (index_columns(ddl, rows[k].name, &c.columns, &c.ncolumns,
				  err) < 0) {
			dbm_constraint_release(&c);
			goto done;
		}
		struct dbm_constraint *p = find_parsed(
		    ci, DBM_C_UNIQUE, c.columns, c.ncolumns, NULL, used);
		if (p && p->name)
			c.name = dbm_xstrdup(p->name);
		dbm_vec_push(&t->constraints, c);
	}
	ret = 0;
done:
	free(rows);
	return ret;
}

/* The CREATE INDEX text of ix, or NULL in *out when there is none. */
static int index_sql_text(char **out, struct dbm_ddl *ddl, const char *ix,
			  struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = ix};

	*out = NULL;
	if (dbm_db_exec(dbm_ddl_schema_conn(ddl),
			"SELECT sql FROM main.sqlite_master "
			"WHERE type = 'index' AND name = ?",
			&p, 1, &res, err) < 0)
		return -1;
	if (res->nrows && cell_text(res, 0, 0))
		*out = dbm_xstrdup(cell_text(res, 0, 0));
	dbm_result_free(res);
	return 0;
}

/* One explicit (CREATE INDEX) index of t into ix. */
static int reflect_index(struct dbm_ddl *ddl, const struct dbm_table *t,
			 const struct index_row *row, struct dbm_index *ix,
			 struct dbm_err *err)
{
	static const char *const names[] = {"seqno", "cid", "name", "key"};
	struct dbm_result *res = NULL;
	struct index_sql is = INDEX_SQL_INIT;
	char *sql = NULL;
	long idx[4];
	int ret = -1;

	ix->name = dbm_xstrdup(row->name);
	ix->table = dbm_xstrdup(t->name);
	ix->unique = row->unique;
	if (index_sql_text(&sql, ddl, row->name, err) < 0)
		goto done;
	if (sql)
		parse_create_index(&is, sql);
	if (run_pragma(ddl, "index_xinfo", row->name, &res, err) < 0 ||
	    result_columns(res, names, idx, 4, "index_xinfo", err) < 0)
		goto done;
	/* Rows come in seqno order; the key columns come first. */
	ix->columns =
	    dbm_xcalloc(res->nrows ? res->nrows : 1, sizeof(*ix->columns));
	ix->expr = dbm_xcalloc(res->nrows ? res->nrows : 1, sizeof(*ix->expr));
	for (size_t r = 0; r < res->nrows; r++) {
		if (!cell_int(res, r, idx[3]))
			continue;
		size_t k = ix->ncolumns++;
		int64_t cid = cell_int(res, r, idx[1]);
		const char *name = cell_text(res, r, idx[2]);
		const char *text = k < is.elems.len ? is.elems.items[k] : "";
		if (cid == -2) {
			ix->columns[k] = dbm_xstrdup(text);
			ix->expr[k] = true;
		} else {
			/* cid -1 is the rowid: use the name as written. */
			ix->columns[k] = dbm_xstrdup(name ? name : text);
		}
	}
	if (row->partial && is.where) {
		ix->kwargs = dbm_xmalloc(2 * sizeof(*ix->kwargs));
		ix->kwargs[0] = dbm_xstrdup("sqlite_where");
		ix->kwargs[1] = dbm_xstrdup(is.where);
		ix->nkwargs = 1;
	}
	ret = 0;
done:
	dbm_result_free(res);
	index_sql_release(&is);
	free(sql);
	return ret;
}

static int reflect_indexes(struct dbm_ddl *ddl, struct dbm_table *t,
			   struct create_info *ci, bool *used,
			   struct dbm_err *err)
{
	static const char *const names[] = {
	    "name",
	    "unique",
	    "origin",
	    "partial",
	};
	struct dbm_result *res = NULL;
	struct index_row *rows = NULL;
	size_t n = 0;
	long idx[4];
	int ret = -1;

	if (run_pragma(ddl, "index_list", t->name, &res, err) < 0 ||
	    result_columns(res, names, idx, 4, "index_list", err) < 0)
		goto done;
	if (reflect_uniques(ddl, t, res, idx, ci, used, err) < 0)
		goto done;

	rows = dbm_xcalloc(res->nrows ? res->nrows : 1, sizeof(*rows));
	for (size_t r = 0; r < res->nrows; r++) {
		const char *origin = cell_text(res, r, idx[2]);
		const char *name = cell_text(res, r, idx[0]);
		if (!origin || strcmp(origin, "c") != 0 || !name)
			continue;
		rows[n].name = name;
		rows[n].unique = cell_int(res, r, idx[1]) != 0;
		rows[n].partial = cell_int(res, r, idx[3]) != 0;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_index_name);
	for (size_t k = 0; k < n; k++) {
		struct dbm_index ix;
		dbm_index_init(&ix);
		if (reflect_index(ddl, t, &rows[k], &ix, err) < 0) {
			dbm_index_release(&ix);
			goto done;
		}
		dbm_vec_push(&t->indexes, ix);
	}
	ret = 0;
done:
	free(rows);
	dbm_result_free(res);
	return ret;
}

static void add_kwarg(struct dbm_table *t, const char *key, const char *value)
{
	t->kwargs =
	    dbm_xrealloc(t->kwargs, 2 * (t->nkwargs + 1) * sizeof(*t->kwargs));
	t->kwargs[2 * t->nkwargs] = dbm_xstrdup(key);
	t->kwargs[2 * t->nkwargs + 1] = dbm_xstrdup(value);
	t->nkwargs++;
}

/* The stored name and CREATE text of a table, or "no such table". */
static int table_sql(struct dbm_ddl *ddl, const char *table, char **name,
		     char **sql, struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = table};
	int ret = -1;

	*name = *sql = NULL;
	/* SQLite's names are case-insensitive, as in its PRAGMAs. */
	if (dbm_db_exec(dbm_ddl_schema_conn(ddl),
			"SELECT name, sql FROM main.sqlite_master "
			"WHERE type = 'table' AND name = ? COLLATE NOCASE",
			&p, 1, &res, err) < 0)
		goto done;
	if (!res->nrows || !cell_text(res, 0, 0)) {
		dbm_err_set(err, DBM_EFAIL, "no such table '%s'", table);
		goto done;
	}
	*name = dbm_xstrdup(cell_text(res, 0, 0));
	*sql = dbm_xstrdup(cell_text(res, 0, 1) ? cell_text(res, 0, 1) : "");
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}

int dbm_sqlite_reflect_table(struct dbm_ddl *ddl, const char *table,
			     struct dbm_table *out, struct dbm_err *err)
{
	struct dbm_table t;
	struct create_info ci = CREATE_INFO_INIT;
	char *sql = NULL;
	bool *used = NULL;
	int ret = -1;

	dbm_table_init(&t);
	if (!dbm_ddl_can_reflect(ddl))
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot reflect table '%s' offline", table);
	if (dbm_ddl_schema_prepare(ddl, table, err) < 0 ||
	    table_sql(ddl, table, &t.name, &sql, err) < 0)
		goto done;
	parse_create_table(&ci, sql);
	used = dbm_xcalloc(ci.cons.len ? ci.cons.len : 1, sizeof(*used));

	if (reflect_columns(ddl, &t, &ci, used, err) < 0 ||
	    reflect_foreign_keys(ddl, &t, &ci, used, err) < 0 ||
	    reflect_indexes(ddl, &t, &ci, used, err) < 0) {
		dbm_err_prefix(err, "cannot reflect table '%s'", table);
		goto done;
	}
	for (size_t k = 0; k < ci.cons.len; k++) {
		if (ci.cons.items[k].kind != DBM_C_CHECK)
			continue;
		/* Move it: the parsed constraint is released empty. */
		dbm_vec_push(&t.constraints, ci.cons.items[k]);
		dbm_constraint_init(&ci.cons.items[k], DBM_C_CHECK);
	}
	if (ci.autoincrement)
		add_kwarg(&t, "sqlite_autoincrement", "true");
	if (ci.without_rowid)
		add_kwarg(&t, "sqlite_with_rowid", "false");

	dbm_table_release(out);
	*out = t;
	dbm_table_init(&t);
	ret = 0;
done:
	free(used);
	free(sql);
	create_info_release(&ci);
	dbm_table_release(&t);
	return ret;
}

int dbm_sqlite_table_names(struct dbm_ddl *ddl, char ***out, size_t *out_n,
			   struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	int ret = -1;

	*out = NULL;
	*out_n = 0;
	if (!dbm_ddl_can_reflect(ddl))
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot list tables offline");
	if (dbm_ddl_schema_prepare(ddl, NULL, err) < 0)
		return -1;
	/* The '_' escaped: it is a LIKE wildcard. */
	if (dbm_db_exec(dbm_ddl_schema_conn(ddl),
			"SELECT name FROM main.sqlite_master "
			"WHERE type = 'table' "
			"AND name NOT LIKE 'sqlite~_%' ESCAPE '~' "
			"ORDER BY name",
			NULL, 0, &res, err) < 0)
		goto done;
	*out = dbm_xcalloc(res->nrows + 1, sizeof(**out));
	for (size_t r = 0; r < res->nrows; r++) {
		const char *name = cell_text(res, r, 0);
		(*out)[r] = dbm_xstrdup(name ? name : "");
	}
	*out_n = res->nrows;
	ret = 0;
done:
	dbm_result_free(res);
	return ret;
}
