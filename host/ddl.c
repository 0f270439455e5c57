/*
 * The dialect-independent half of the DDL layer: the dialect table, the
 * exec choke point (online: the driver; offline: the sink, with parameters
 * rendered inline), sa.text-style bind names, and rendering pieces shared
 * by the dialects.
 */
#include "ddl.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "mem.h"

/* Every dialect the host knows; postgresql and mysql join here. */
static const struct dbm_dialect *const dialects[] = {
    &dbm_dialect_sqlite,
    &dbm_dialect_postgresql,
    &dbm_dialect_mysql,
};

const struct dbm_dialect *dbm_dialect_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		if (strcmp(dialects[i]->name, name) == 0)
			return dialects[i];
	return NULL;
}

/* Lifecycle. */

void dbm_ddl_reset_applied(struct dbm_ddl *ddl)
{
	for (size_t i = 0; i < ddl->applied.len; i++)
		free(ddl->applied.items[i]);
	ddl->applied.len = 0;
}

int dbm_ddl_begin(struct dbm_ddl *ddl, struct dbm_err *err)
{
	if (ddl->conn)
		return ddl->conn->driver->begin(ddl->conn, true,
						ddl->lock_timeout, err);
	if (ddl->dialect->transactional_ddl)
		ddl->sink(ddl->sink_payload, "BEGIN");
	return 0;
}

int dbm_ddl_commit(struct dbm_ddl *ddl, struct dbm_err *err)
{
	if (ddl->conn)
		return ddl->conn->driver->commit(ddl->conn, err);
	if (ddl->dialect->transactional_ddl)
		ddl->sink(ddl->sink_payload, "COMMIT");
	return 0;
}

void dbm_ddl_release(struct dbm_ddl *ddl)
{
	dbm_ddl_reset_applied(ddl);
	dbm_vec_release(&ddl->applied);
	for (size_t i = 0; i < ddl->created_types.len; i++)
		free(ddl->created_types.items[i]);
	dbm_vec_release(&ddl->created_types);
	free(ddl->failed_sql);
	ddl->failed_sql = NULL;
	dbm_catalog_free(ddl->catalog);
	ddl->catalog = NULL;
}

int dbm_ddl_catalog_open(struct dbm_ddl *ddl, struct dbm_err *err)
{
	(void)err;
	if (dbm_ddl_offline(ddl) && ddl->dialect->offline_catalog &&
	    !ddl->catalog)
		ddl->catalog = dbm_catalog_new();
	return 0;
}

int dbm_ddl_schema_prepare(struct dbm_ddl *ddl, const char *table,
			   struct dbm_err *err)
{
	if (ddl->conn || !ddl->catalog)
		return 0;
	return dbm_catalog_need(ddl->catalog, table, err);
}

struct dbm_conn *dbm_ddl_schema_conn(const struct dbm_ddl *ddl)
{
	if (ddl->conn)
		return ddl->conn;
	return ddl->catalog ? dbm_catalog_conn(ddl->catalog) : NULL;
}

/* Scanning SQL text. */

static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * When s starts a string literal, a quoted identifier or a comment, the
 * end of it (an unterminated one runs to the end of the text); else NULL.
 */
static const char *skip_quoted(const char *s)
{
	if (*s == '\'' || *s == '"' || *s == '`') {
		char q = *s;
		const char *p = s + 1;
		while (*p) {
			if (*p == q) {
				if (p[1] != q)
					return p + 1;
				p++; /* a doubled quote stands for itself */
			}
			p++;
		}
		return p;
	}
	if (s[0] == '-' && s[1] == '-') {
		const char *p = s + 2;
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (s[0] == '/' && s[1] == '*') {
		const char *end = strstr(s + 2, "*/");
		return end ? end + 2 : s + strlen(s);
	}
	return NULL;
}

void dbm_ddl_bind_names(const struct dbm_dialect *d, struct dbm_buf *out,
			const char *sql, char ***names, size_t *nnames)
{
	DBM_VEC(char *) found = DBM_VEC_INIT;
	const char *p = sql;
	unsigned char prev = '\0';

	*names = NULL;
	*nnames = 0;
	while (*p) {
		const char *end = skip_quoted(p);
		if (end && *p == '\'') {
			/* A string: only \: is undone, as sa.text does */
			for (const char *q = p; q < end; q++) {
				if (q[0] == '\\' && q[1] == ':' && q + 1 < end)
					q++;
				dbm_buf_addch(out, *q);
			}
		} else if (end) {
			dbm_buf_add(out, p, (size_t)(end - p));
		} else if (p[0] == '\\' && p[1] == ':') {
			dbm_buf_addch(out, ':');
			end = p + 2;
		} else if (p[0] == ':' && p[1] == ':') {
			/* A cast ("x::text") or any run of colons. */
			end = p;
			while (*end == ':')
				end++;
			dbm_buf_add(out, p, (size_t)(end - p));
		} else if (p[0] == ':' && is_word((unsigned char)p[1]) &&
			   !is_word(prev)) {
			end = p + 1;
			while (is_word((unsigned char)*end))
				end++;
			if (*end == ':') {
				/* "a:b:" style text, not a bind */
				dbm_buf_add(out, p, (size_t)(end - p));
			} else {
				dbm_vec_push(
				    &found,
				    dbm_xstrndup(p + 1, (size_t)(end - p - 1)));
				d->placeholder(out, found.len);
			}
		} else {
			dbm_buf_addch(out, *p);
			end = p + 1;
		}
		prev = (unsigned char)end[-1];
		p = end;
	}
	*names = found.items;
	*nnames = found.len;
}

/* Literals. */

/* The shortest decimal form that reads back as the same double. */
static void add_real(struct dbm_buf *out, double r)
{
	char tmp[64];
	if (isnan(r) || isinf(r)) {
		/* No SQL literal exists; SQLite reads 9e999 as infinity. */
		dbm_buf_adds(out, isnan(r) ? "NULL"
				  : r > 0  ? "9e999"
					   : "-9e999");
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

void dbm_ddl_std_literal(struct dbm_buf *out, const struct dbm_value *v)
{
	static const char hex[] = "0123456789ABCDEF";
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
		dbm_buf_adds(out, "X'");
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

static void add_literal(const struct dbm_dialect *d, struct dbm_buf *out,
			const struct dbm_value *v)
{
	if (d->literal)
		d->literal(out, v);
	else
		dbm_ddl_std_literal(out, v);
}

/* How many times marker occurs in sql outside quotes and comments. */
static size_t count_markers(const char *sql, const char *marker)
{
	size_t n = 0, len = strlen(marker);
	const char *p = sql, *end;
	while (*p) {
		if ((end = skip_quoted(p))) {
			p = end;
		} else if (strncmp(p, marker, len) == 0) {
			n++;
			p += len;
		} else {
			p++;
		}
	}
	return n;
}

/*
 * Copy sql into out with each placeholder replaced by its parameter as a
 * literal. Dialects whose placeholders all look alike ("?") are filled in
 * order; numbered ones ("$2") by their number.
 */
static int render_inline(const struct dbm_dialect *d, struct dbm_buf *out,
			 const char *sql, const struct dbm_value *params,
			 size_t nparams, struct dbm_err *err)
{
	struct dbm_buf first = DBM_BUF_INIT, second = DBM_BUF_INIT;
	size_t used = 0, plen;
	bool numbered;
	const char *p = sql, *end;
	int ret = -1;

	d->placeholder(&first, 1);
	d->placeholder(&second, 2);
	numbered = strcmp(first.buf, second.buf) != 0;
	if (numbered) {
		plen = 0; /* the common prefix: "$" */
		while (first.buf[plen] && first.buf[plen] == second.buf[plen])
			plen++;
		dbm_buf_setlen(&first, plen);
	} else {
		plen = first.len;
		size_t want = count_markers(sql, first.buf);
		if (want != nparams) {
			dbm_err_set(err, DBM_EFAIL,
				    "statement takes %zu parameters, %zu given",
				    want, nparams);
			goto done;
		}
	}
	if (!plen)
		DBM_BUG("dialect placeholder has no fixed prefix");

	/* What may start a quote, a comment or a placeholder. */
	char stops[8] = "'\"`-/";
	stops[strlen(stops)] = first.buf[0];
	while (*p) {
		size_t plain = strcspn(p, stops);
		if (plain) {
			dbm_buf_add(out, p, plain);
			p += plain;
		} else if ((end = skip_quoted(p))) {
			dbm_buf_add(out, p, (size_t)(end - p));
			p = end;
		} else if (strncmp(p, first.buf, plen) != 0 ||
			   (numbered && !is_digit(p[plen]))) {
			dbm_buf_addch(out, *p++);
		} else if (!numbered) {
			add_literal(d, out, &params[used++]);
			p += plen;
		} else {
			char *stop;
			unsigned long n = strtoul(p + plen, &stop, 10);
			if (n < 1 || n > nparams) {
				dbm_err_set(err, DBM_EFAIL,
					    "statement refers to parameter "
					    "'%.*s', %zu given",
					    (int)(stop - p), p, nparams);
				goto done;
			}
			add_literal(d, out, &params[n - 1]);
			if (n > used)
				used = n;
			p = stop;
		}
	}
	if (used != nparams) {
		dbm_err_set(err, DBM_EFAIL,
			    "statement takes %zu parameters, %zu given", used,
			    nparams);
		goto done;
	}
	ret = 0;
done:
	dbm_buf_release(&second);
	dbm_buf_release(&first);
	return ret;
}

/* The choke point. */

static void keep_failed(struct dbm_ddl *ddl, const char *sql)
{
	free(ddl->failed_sql);
	ddl->failed_sql = dbm_xstrdup(sql);
}

int dbm_ddl_exec(struct dbm_ddl *ddl, const char *sql,
		 const struct dbm_value *params, size_t nparams,
		 struct dbm_result **out, struct dbm_err *err)
{
	struct dbm_buf inline_sql = DBM_BUF_INIT;
	int ret = -1;

	if (out)
		*out = NULL;
	if (!dbm_ddl_offline(ddl)) {
		if (dbm_db_exec(ddl->conn, sql, params, nparams, out, err) <
		    0) {
			keep_failed(ddl, sql);
			goto done;
		}
		/* What changed the database, for a partial-revision report:
		 * queries that read rows changed nothing. */
		if (!out)
			dbm_vec_push(&ddl->applied, dbm_xstrdup(sql));
		ret = 0;
		goto done;
	}

	if (!ddl->sink)
		DBM_BUG("offline ddl without a sink");
	if (render_inline(ddl->dialect, &inline_sql, sql, params, nparams,
			  err) < 0) {
		keep_failed(ddl, sql);
		goto done;
	}
	/* The catalog follows the script's own text: what the client runs. */
	if (ddl->catalog &&
	    dbm_catalog_exec(ddl->catalog, inline_sql.buf, err) < 0) {
		keep_failed(ddl, inline_sql.buf);
		goto done;
	}
	ddl->sink(ddl->sink_payload, inline_sql.buf);
	ret = 0;
done:
	dbm_buf_release(&inline_sql);
	return ret;
}

/* Shared rendering pieces. */

void dbm_ddl_default(struct dbm_ddl *ddl, struct dbm_buf *out,
		     const struct dbm_default *d)
{
	const char *text = d->text ? d->text : "";
	switch (d->kind) {
	case DBM_DEFAULT_NONE:
		break;
	case DBM_DEFAULT_LITERAL: {
		struct dbm_value v = {.kind = DBM_V_TEXT, .s = text};
		add_literal(ddl->dialect, out, &v);
		break;
	}
	case DBM_DEFAULT_EXPR:
		dbm_buf_adds(out, text);
		break;
	default:
		DBM_BUG("unknown default kind");
	}
}

static int cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool dbm_ddl_is_word(const char *name, const char *const *words, size_t n)
{
	return bsearch(name, words, n, sizeof(*words), cmp_word) != NULL;
}

bool dbm_ddl_needs_quotes(const char *name, const char *const *reserved,
			  size_t n)
{
	if (!*name || is_digit(name[0]) || name[0] == '$')
		return true;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !is_digit(*p) && *p != '_' &&
		    *p != '$')
			return true;
	return dbm_ddl_is_word(name, reserved, n);
}

/* SQLAlchemy accepts only these phrases after ON DELETE / ON UPDATE. */
int dbm_ddl_check_fk_action(const char *phrase, const char *what,
			    struct dbm_err *err)
{
	static const char *const ok[] = {"RESTRICT", "CASCADE", "SET NULL",
					 "NO ACTION", "SET DEFAULT"};
	if (!phrase)
		return 0;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(phrase, ok[i]) == 0)
			return 0;
	return dbm_err_set(err, DBM_EFAIL, "unexpected %s action '%s'", what,
			   phrase);
}

void dbm_ddl_column_list(struct dbm_ddl *ddl, struct dbm_buf *out,
			 char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dbm_buf_adds(out, ", ");
		ddl->dialect->quote(out, names[i]);
	}
}
