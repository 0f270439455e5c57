/*
 * The offline schema catalog: per-table statement logs, a scratch SQLite
 * database built from them on demand (see catalog.h).
 */
#include "catalog.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "url.h"
#include "vec.h"

/* Names: SQLite folds ASCII letters only. */

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same_name(const char *a, const char *b)
{
	for (; *a && fold(*a) == fold(*b); a++, b++)
		;
	return *a == *b;
}

static bool starts_with_fold(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (fold(*s) != fold(*prefix))
			return false;
	return true;
}

/* Whether name occurs in text, ignoring ASCII case. */
static bool mentions(const char *text, const char *name)
{
	for (; *text; text++)
		if (starts_with_fold(text, name))
			return true;
	return false;
}

/* A hash map from names (any ASCII case) to pointers, chained. */

struct entry {
	char *key;
	void *value;
	struct entry *next;
};

struct map {
	struct entry **buckets;
	size_t nbuckets; /* a power of two, or 0 */
	size_t len;
};

static size_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)fold(*s)) * 1099511628211u;
	return (size_t)h;
}

static struct entry **map_slot(const struct map *m, const char *key)
{
	struct entry **e = &m->buckets[hash_name(key) & (m->nbuckets - 1)];
	while (*e && !same_name((*e)->key, key))
		e = &(*e)->next;
	return e;
}

static void *map_get(const struct map *m, const char *key)
{
	if (!m->len)
		return NULL;
	struct entry *e = *map_slot(m, key);
	return e ? e->value : NULL;
}

static void map_grow(struct map *m)
{
	size_t n = m->nbuckets ? 2 * m->nbuckets : 64;
	struct entry **b = dbm_xcalloc(n, sizeof(*b));
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct entry *e = m->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			size_t k = hash_name(e->key) & (n - 1);
			e->next = b[k];
			b[k] = e;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

/* Add key (not there yet). */
static void map_put(struct map *m, const char *key, void *value)
{
	if (m->len >= m->nbuckets)
		map_grow(m);
	struct entry **slot = map_slot(m, key);
	if (*slot)
		DBM_BUG("catalog map key added twice");
	struct entry *e = dbm_xmalloc(sizeof(*e));
	e->key = dbm_xstrdup(key);
	e->value = value;
	e->next = NULL;
	*slot = e;
	m->len++;
}

static void map_del(struct map *m, const char *key)
{
	if (!m->len)
		return;
	struct entry **slot = map_slot(m, key), *e = *slot;
	if (!e)
		return;
	*slot = e->next;
	free(e->key);
	free(e);
	m->len--;
}

static void map_release(struct map *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct entry *e = m->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	}
	free(m->buckets);
	memset(m, 0, sizeof(*m));
}

/* The catalog. */

struct table_log {
	char *name;		       /* as sqlite_master spells it */
	DBM_VEC(char *) stmts;	       /* its CREATE TABLE first */
	DBM_VEC(char *) indexes;       /* the names of its indexes */
	bool compact;		       /* CREATE statements only */
	struct table_log *prev, *next; /* in creation order */
};

struct dbm_catalog {
	struct map tables;  /* name -> struct table_log */
	struct map indexes; /* index name -> the table_log of its table */
	struct table_log *first, *last;
	/* The last database built, or the whole schema once full. */
	struct dbm_conn *scratch;
	/*
	 * The schema holds what the logs do not model (views, triggers,
	 * temporary objects): every statement runs in scratch.
	 */
	bool full;
};

typedef DBM_VEC(struct table_log *) table_set;

struct dbm_catalog *dbm_catalog_new(void)
{
	return dbm_xcalloc(1, sizeof(struct dbm_catalog));
}

static struct table_log *add_table(struct dbm_catalog *cat, const char *name,
				   const char *create)
{
	struct table_log *t = dbm_xcalloc(1, sizeof(*t));
	t->name = dbm_xstrdup(name);
	dbm_vec_push(&t->stmts, dbm_xstrdup(create));
	t->compact = true;
	t->prev = cat->last;
	if (cat->last)
		cat->last->next = t;
	else
		cat->first = t;
	cat->last = t;
	map_put(&cat->tables, name, t);
	return t;
}

static void add_index(struct dbm_catalog *cat, struct table_log *t,
		      const char *name, const char *create)
{
	dbm_vec_push(&t->stmts, dbm_xstrdup(create));
	dbm_vec_push(&t->indexes, dbm_xstrdup(name));
	map_put(&cat->indexes, name, t);
}

static void drop_index(struct dbm_catalog *cat, struct table_log *t,
		       const char *name, const char *drop)
{
	for (size_t i = 0; i < t->indexes.len; i++) {
		if (!same_name(t->indexes.items[i], name))
			continue;
		free(t->indexes.items[i]);
		t->indexes.items[i] = t->indexes.items[--t->indexes.len];
		break;
	}
	map_del(&cat->indexes, name);
	dbm_vec_push(&t->stmts, dbm_xstrdup(drop));
	t->compact = false;
}

static void forget_table(struct dbm_catalog *cat, struct table_log *t)
{
	for (size_t i = 0; i < t->indexes.len; i++) {
		map_del(&cat->indexes, t->indexes.items[i]);
		free(t->indexes.items[i]);
	}
	dbm_vec_release(&t->indexes);
	for (size_t i = 0; i < t->stmts.len; i++)
		free(t->stmts.items[i]);
	dbm_vec_release(&t->stmts);
	map_del(&cat->tables, t->name);
	if (t->prev)
		t->prev->next = t->next;
	else
		cat->first = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		cat->last = t->prev;
	free(t->name);
	free(t);
}

static void forget_all(struct dbm_catalog *cat)
{
	while (cat->first)
		forget_table(cat, cat->first);
	map_release(&cat->tables);
	map_release(&cat->indexes);
}

void dbm_catalog_free(struct dbm_catalog *cat)
{
	if (!cat)
		return;
	forget_all(cat);
	dbm_db_close(cat->scratch);
	free(cat);
}

struct dbm_conn *dbm_catalog_conn(const struct dbm_catalog *cat)
{
	return cat->scratch;
}

char *dbm_catalog_log(const struct dbm_catalog *cat, const char *table)
{
	const struct table_log *t = map_get(&cat->tables, table);
	struct dbm_buf b = DBM_BUF_INIT;
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->stmts.len; i++)
		dbm_buf_addf(&b, "%s;\n", t->stmts.items[i]);
	return dbm_buf_detach(&b);
}

/* Reading the leading tokens of a statement. */

enum tok_kind { TK_END, TK_WORD, TK_QUOTED, TK_STRING, TK_PUNCT };

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t n;
};

static bool is_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

static const char *skip_blank(const char *p)
{
	for (;;) {
		if (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/* The token at *p; *p moves past it. An unterminated quote ends the text. */
static struct tok next_tok(const char **p)
{
	const char *s = skip_blank(*p), *e = s;
	struct tok t = {TK_PUNCT, s, 0};

	if (!*s) {
		t.kind = TK_END;
	} else if (is_ident_char((unsigned char)*s)) {
		while (is_ident_char((unsigned char)*e))
			e++;
		t.kind = TK_WORD;
	} else if (*s == '"' || *s == '`' || *s == '\'' || *s == '[') {
		char close = *s == '[' ? ']' : *s;
		for (e = s + 1; *e; e++) {
			if (*e != close)
				continue;
			if (close == ']' || e[1] != close)
				break;
			e++; /* a doubled quote stands for itself */
		}
		if (!*e) {
			t.kind = TK_END;
			e = s + strlen(s);
		} else {
			e++;
			t.kind = *s == '\'' ? TK_STRING : TK_QUOTED;
		}
	} else {
		e = s + 1;
	}
	t.n = (size_t)(e - s);
	*p = e;
	return t;
}

static bool is_kw(struct tok t, const char *kw)
{
	size_t i = 0;
	if (t.kind != TK_WORD)
		return false;
	for (; i < t.n && kw[i]; i++)
		if (fold(t.p[i]) != fold(kw[i]))
			return false;
	return i == t.n && !kw[i];
}

static bool is_punct(struct tok t, char c)
{
	return t.kind == TK_PUNCT && *t.p == c;
}

/* Take the next token when it is keyword kw. */
static bool accept_kw(const char **p, const char *kw)
{
	const char *q = *p;
	if (!is_kw(next_tok(&q), kw))
		return false;
	*p = q;
	return true;
}

/* An identifier as SQLite stores it: quotes removed, doubled ones undone. */
static char *dequote(struct tok t)
{
	struct dbm_buf b = DBM_BUF_INIT;
	if (t.kind == TK_WORD)
		return dbm_xstrndup(t.p, t.n);
	for (size_t i = 1; i + 1 < t.n; i++) {
		dbm_buf_addch(&b, t.p[i]);
		if (*t.p != '[' && t.p[i] == *t.p)
			i++;
	}
	return dbm_buf_detach(&b);
}

/*
 * An unqualified table or index name the logs can follow, or NULL: a
 * schema-qualified name, a string used as a name or SQLite's own sqlite_*
 * objects are left to SQLite.
 */
static char *read_name(const char **p, struct tok *out)
{
	struct tok t = next_tok(p);
	const char *q = *p;
	if ((t.kind != TK_WORD && t.kind != TK_QUOTED) ||
	    is_punct(next_tok(&q), '.'))
		return NULL;
	char *name = dequote(t);
	if (starts_with_fold(name, "sqlite_")) {
		free(name);
		return NULL;
	}
	if (out)
		*out = t;
	return name;
}

/* Whether text holds a second statement after a ';'. */
static bool several_statements(const char *p)
{
	struct tok t;
	while ((t = next_tok(&p)).kind != TK_END)
		if (is_punct(t, ';'))
			for (;;) {
				t = next_tok(&p);
				if (t.kind == TK_END)
					return false;
				if (!is_punct(t, ';'))
					return true;
			}
	return false;
}

enum stmt_kind {
	S_OTHER,	/* run against every table, read back */
	S_NOTHING,	/* transaction control: nothing to follow */
	S_ROWS,		/* DML: the table (if named) must exist */
	S_CREATE_TABLE, /* name (token: as written), maybe if_exists */
	S_CREATE_INDEX, /* name ON table */
	S_DROP_TABLE,
	S_DROP_INDEX,
	S_ALTER,  /* ADD / DROP COLUMN: the table's own business */
	S_RENAME, /* RENAME [COLUMN] / RENAME TO new_name */
};

struct stmt {
	enum stmt_kind kind;
	char *name;	/* the table, or the index */
	struct tok tok; /* name as written */
	char *table;	/* CREATE INDEX: the table */
	char *new_name; /* RENAME TO */
	bool if_exists; /* IF [NOT] EXISTS */
};

static void stmt_release(struct stmt *st)
{
	free(st->name);
	free(st->table);
	free(st->new_name);
}

static void classify_create(struct stmt *st, const char *p)
{
	bool unique = accept_kw(&p, "UNIQUE");
	if (!unique && accept_kw(&p, "TABLE")) {
		st->if_exists = accept_kw(&p, "IF") && accept_kw(&p, "NOT") &&
				accept_kw(&p, "EXISTS");
		st->name = read_name(&p, &st->tok);
		/* AS SELECT reads other tables: leave it to SQLite */
		if (st->name && is_punct(next_tok(&p), '('))
			st->kind = S_CREATE_TABLE;
	} else if (accept_kw(&p, "INDEX")) {
		st->if_exists = accept_kw(&p, "IF") && accept_kw(&p, "NOT") &&
				accept_kw(&p, "EXISTS");
		st->name = read_name(&p, &st->tok);
		if (st->name && accept_kw(&p, "ON") &&
		    (st->table = read_name(&p, NULL)) &&
		    is_punct(next_tok(&p), '('))
			st->kind = S_CREATE_INDEX;
	}
}

static void classify_alter(struct stmt *st, const char *p)
{
	if (!accept_kw(&p, "TABLE") || !(st->name = read_name(&p, &st->tok)))
		return;
	struct tok t = next_tok(&p);
	if (is_kw(t, "ADD") || is_kw(t, "DROP")) {
		st->kind = S_ALTER;
	} else if (is_kw(t, "RENAME")) {
		if (accept_kw(&p, "TO")) {
			st->new_name = read_name(&p, NULL);
			if (!st->new_name)
				return;
		}
		st->kind = S_RENAME;
	}
}

static void classify_drop(struct stmt *st, const char *p)
{
	bool table = accept_kw(&p, "TABLE");
	if (!table && !accept_kw(&p, "INDEX"))
		return;
	st->if_exists = accept_kw(&p, "IF") && accept_kw(&p, "EXISTS");
	st->name = read_name(&p, &st->tok);
	struct tok t = next_tok(&p);
	if (st->name && (t.kind == TK_END || is_punct(t, ';')))
		st->kind = table ? S_DROP_TABLE : S_DROP_INDEX;
}

/* INSERT [OR x] INTO t, REPLACE INTO t, UPDATE [OR x] t, DELETE FROM t. */
static void classify_rows(struct stmt *st, struct tok verb, const char *p)
{
	st->kind = S_ROWS;
	if (!is_kw(verb, "REPLACE") && accept_kw(&p, "OR"))
		next_tok(&p);
	if ((is_kw(verb, "INSERT") || is_kw(verb, "REPLACE")) &&
	    !accept_kw(&p, "INTO"))
		return;
	if (is_kw(verb, "DELETE") && !accept_kw(&p, "FROM"))
		return;
	st->name = read_name(&p, &st->tok);
}

static void classify(struct stmt *st, const char *sql)
{
	static const char *const tx[] = {"BEGIN",    "COMMIT",	  "END",
					 "ROLLBACK", "SAVEPOINT", "RELEASE"};
	static const char *const rows[] = {"INSERT", "REPLACE", "UPDATE",
					   "DELETE"};
	const char *p = sql;
	struct tok verb = next_tok(&p);

	memset(st, 0, sizeof(*st));
	st->kind = S_OTHER;
	if (several_statements(sql))
		return; /* SQLite's own error */
	if (is_kw(verb, "CREATE"))
		classify_create(st, p);
	else if (is_kw(verb, "ALTER"))
		classify_alter(st, p);
	else if (is_kw(verb, "DROP"))
		classify_drop(st, p);
	else if (is_kw(verb, "SELECT") || is_kw(verb, "WITH") ||
		 is_kw(verb, "VALUES"))
		st->kind = S_ROWS;
	for (size_t i = 0; i < sizeof(tx) / sizeof(tx[0]); i++)
		if (is_kw(verb, tx[i]))
			st->kind = S_NOTHING;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (is_kw(verb, rows[i]))
			classify_rows(st, verb, p);
	if (st->kind == S_OTHER) {
		/* half-read names are not the statement's */
		stmt_release(st);
		memset(st, 0, sizeof(*st));
	}
}

/* Scratch databases. */

static int open_scratch(struct dbm_catalog *cat, struct dbm_err *err)
{
	struct dbm_url url = DBM_URL_INIT;
	int ret = -1;

	dbm_db_close(cat->scratch);
	cat->scratch = NULL;
	if (dbm_url_parse(&url, "sqlite://", err) < 0)
		DBM_BUG("the in-memory SQLite URL does not parse");
	if (dbm_db_connect(&cat->scratch, &url, err) < 0) {
		dbm_err_prefix(err, "cannot open the offline schema catalog");
		goto done;
	}
	ret = 0;
done:
	dbm_url_release(&url);
	return ret;
}

static int replay(struct dbm_catalog *cat, const struct table_log *t,
		  struct dbm_err *err)
{
	for (size_t i = 0; i < t->stmts.len; i++)
		if (dbm_db_exec(cat->scratch, t->stmts.items[i], NULL, 0, NULL,
				err) < 0) {
			dbm_err_prefix(err,
				       "cannot replay the offline schema of "
				       "table '%s'",
				       t->name);
			return -1;
		}
	return 0;
}

/* A fresh scratch database with the tables of set. */
static int build(struct dbm_catalog *cat, const table_set *set,
		 struct dbm_err *err)
{
	if (open_scratch(cat, err) < 0)
		return -1;
	for (size_t i = 0; i < set->len; i++)
		if (replay(cat, set->items[i], err) < 0)
			return -1;
	return 0;
}

static const char *cell(const struct dbm_result *res, size_t row, size_t col)
{
	const struct dbm_value *v = dbm_result_cell(res, row, col);
	return v->kind == DBM_V_TEXT ? v->s : NULL;
}

/* Keep scratch as the whole schema from now on; the logs are done. */
static void go_full(struct dbm_catalog *cat)
{
	forget_all(cat);
	cat->full = true;
}

/*
 * Replace the logs of the tables of set, all built into scratch and maybe
 * changed there, by what scratch now holds. Objects the logs cannot model
 * make the catalog full: only when set is every table (all).
 */
static int read_back(struct dbm_catalog *cat, table_set *set, bool all,
		     struct dbm_err *err)
{
	struct dbm_result *res = NULL, *temp = NULL;
	bool modelled = true;
	int ret = -1;

	if (dbm_db_exec(
		cat->scratch,
		"SELECT type, name, tbl_name, sql FROM main.sqlite_master "
		"WHERE name NOT LIKE 'sqlite~_%' ESCAPE '~' "
		"ORDER BY type <> 'table', rowid",
		NULL, 0, &res, err) < 0 ||
	    dbm_db_exec(cat->scratch, "SELECT 1 FROM temp.sqlite_master", NULL,
			0, &temp, err) < 0)
		goto done;
	modelled = temp->nrows == 0;
	for (size_t r = 0; r < res->nrows && modelled; r++) {
		const char *type = cell(res, r, 0), *sql = cell(res, r, 3);
		modelled = type && sql &&
			   ((strcmp(type, "table") == 0 &&
			     starts_with_fold(sql, "CREATE TABLE")) ||
			    strcmp(type, "index") == 0);
	}
	if (!modelled) {
		if (!all)
			DBM_BUG(
			    "catalog: a table alone holds a view or trigger");
		go_full(cat);
		ret = 0;
		goto done;
	}
	for (size_t i = 0; i < set->len; i++)
		forget_table(cat, set->items[i]);
	set->len = 0;
	for (size_t r = 0; r < res->nrows; r++) {
		const char *name = cell(res, r, 1), *sql = cell(res, r, 3);
		if (strcmp(cell(res, r, 0), "table") == 0) {
			dbm_vec_push(set, add_table(cat, name, sql));
			continue;
		}
		struct table_log *t = map_get(&cat->tables, cell(res, r, 2));
		if (!t)
			DBM_BUG("catalog: an index without its table");
		add_index(cat, t, name, sql);
	}
	ret = 0;
done:
	dbm_result_free(temp);
	dbm_result_free(res);
	return ret;
}

static void every_table(const struct dbm_catalog *cat, table_set *set)
{
	for (struct table_log *t = cat->first; t; t = t->next)
		dbm_vec_push(set, t);
}

/*
 * Shorten each log that holds more than CREATE statements to its table's
 * CREATE TABLE and CREATE INDEX: replaying the whole schema then costs no
 * ALTER TABLE, each of which makes SQLite parse all of it again.
 */
static int compact_all(struct dbm_catalog *cat, struct dbm_err *err)
{
	table_set one = DBM_VEC_INIT;
	int ret = 0;
	for (struct table_log *t = cat->first, *next; t && ret == 0; t = next) {
		next = t->next;
		if (t->compact)
			continue;
		one.len = 0;
		dbm_vec_push(&one, t);
		ret = build(cat, &one, err);
		if (ret == 0)
			ret = read_back(cat, &one, false, err);
	}
	dbm_vec_release(&one);
	return ret;
}

/*
 * Run sql in a database built from set (every table when all) and take
 * the schema it leaves as the logs of those tables.
 */
static int run_on(struct dbm_catalog *cat, table_set *set, bool all,
		  const char *sql, struct dbm_err *err)
{
	if (all) {
		if (compact_all(cat, err) < 0)
			return -1;
		set->len = 0;
		every_table(cat, set);
	}
	if (build(cat, set, err) < 0 ||
	    dbm_db_exec(cat->scratch, sql, NULL, 0, NULL, err) < 0 ||
	    read_back(cat, set, all, err) < 0)
		return -1;
	if (!cat->full) {
		dbm_db_close(cat->scratch);
		cat->scratch = NULL;
	}
	return 0;
}

/*
 * ALTER TABLE t RENAME rewrites t and the foreign keys of other tables
 * that name t (or its column): run it on t and every table whose log
 * mentions t's name, or on all tables when the name holds quote marks.
 */
static int run_rename(struct dbm_catalog *cat, struct table_log *t,
		      const char *sql, struct dbm_err *err)
{
	table_set set = DBM_VEC_INIT;
	bool all = strpbrk(t->name, "\"'`[]") != NULL;
	int ret;

	dbm_vec_push(&set, t);
	for (struct table_log *o = cat->first; o && !all; o = o->next)
		for (size_t i = 0; o != t && i < o->stmts.len; i++)
			if (mentions(o->stmts.items[i], t->name)) {
				dbm_vec_push(&set, o);
				break;
			}
	ret = run_on(cat, &set, all, sql, err);
	dbm_vec_release(&set);
	return ret;
}

static int no_such_table(const char *name, struct dbm_err *err)
{
	return dbm_err_set(err, DBM_EFAIL, "no such table: %s", name);
}

static int create_table(struct dbm_catalog *cat, const struct stmt *st,
			const char *sql, struct dbm_err *err)
{
	if (map_get(&cat->tables, st->name))
		return st->if_exists ? 0
				     : dbm_err_set(err, DBM_EFAIL,
						   "table %.*s already exists",
						   (int)st->tok.n, st->tok.p);
	if (map_get(&cat->indexes, st->name))
		return dbm_err_set(err, DBM_EFAIL,
				   "there is already an index named %s",
				   st->name);
	add_table(cat, st->name, sql);
	return 0;
}

static int create_index(struct dbm_catalog *cat, const struct stmt *st,
			const char *sql, struct dbm_err *err)
{
	struct table_log *t = map_get(&cat->tables, st->table);
	if (!t)
		return dbm_err_set(err, DBM_EFAIL, "no such table: main.%s",
				   st->table);
	if (map_get(&cat->tables, st->name))
		return dbm_err_set(err, DBM_EFAIL,
				   "there is already a table named %s",
				   st->name);
	if (map_get(&cat->indexes, st->name))
		return st->if_exists
			   ? 0
			   : dbm_err_set(err, DBM_EFAIL,
					 "index %s already exists", st->name);
	add_index(cat, t, st->name, sql);
	return 0;
}

static int follow(struct dbm_catalog *cat, const struct stmt *st,
		  const char *sql, struct dbm_err *err)
{
	struct table_log *t = st->name ? map_get(&cat->tables, st->name) : NULL;
	table_set all = DBM_VEC_INIT;
	int ret;

	switch (st->kind) {
	case S_NOTHING:
		return 0;
	case S_ROWS:
		return st->name && !t ? no_such_table(st->name, err) : 0;
	case S_CREATE_TABLE:
		return create_table(cat, st, sql, err);
	case S_CREATE_INDEX:
		return create_index(cat, st, sql, err);
	case S_DROP_TABLE:
		if (t)
			forget_table(cat, t);
		return t || st->if_exists ? 0 : no_such_table(st->name, err);
	case S_DROP_INDEX:
		t = map_get(&cat->indexes, st->name);
		if (t)
			drop_index(cat, t, st->name, sql);
		return t || st->if_exists
			   ? 0
			   : dbm_err_set(err, DBM_EFAIL, "no such index: %s",
					 st->name);
	case S_ALTER:
		if (!t)
			return no_such_table(st->name, err);
		dbm_vec_push(&t->stmts, dbm_xstrdup(sql));
		t->compact = false;
		return 0;
	case S_RENAME:
		if (!t)
			return no_such_table(st->name, err);
		if (st->new_name && (map_get(&cat->tables, st->new_name) ||
				     map_get(&cat->indexes, st->new_name)))
			return dbm_err_set(err, DBM_EFAIL,
					   "there is already another table or "
					   "index with this name: %s",
					   st->new_name);
		return run_rename(cat, t, sql, err);
	case S_OTHER:
		ret = run_on(cat, &all, true, sql, err);
		dbm_vec_release(&all);
		return ret;
	}
	DBM_BUG("unknown statement kind");
}

int dbm_catalog_exec(struct dbm_catalog *cat, const char *sql,
		     struct dbm_err *err)
{
	struct stmt st;
	int ret;

	if (cat->full)
		return dbm_db_exec(cat->scratch, sql, NULL, 0, NULL, err);
	classify(&st, sql);
	ret = follow(cat, &st, sql, err);
	stmt_release(&st);
	return ret;
}

/* Add to set, and replay into scratch, the known tables t refers to. */
static int add_referred(struct dbm_catalog *cat, table_set *set,
			struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	struct dbm_buf sql = DBM_BUF_INIT;
	int ret = -1;

	/* PRAGMA takes no parameters: the name as a quoted identifier */
	dbm_buf_adds(&sql, "PRAGMA main.foreign_key_list(\"");
	for (const char *p = set->items[0]->name; *p; p++) {
		if (*p == '"')
			dbm_buf_addch(&sql, '"');
		dbm_buf_addch(&sql, *p);
	}
	dbm_buf_adds(&sql, "\")");
	if (dbm_db_exec(cat->scratch, sql.buf, NULL, 0, &res, err) < 0)
		goto done;
	for (size_t r = 0; r < res->nrows; r++) {
		const char *name = cell(res, r, 2); /* id, seq, table, ... */
		struct table_log *t = name ? map_get(&cat->tables, name) : NULL;
		bool have = false;
		for (size_t i = 0; t && i < set->len && !have; i++)
			have = set->items[i] == t;
		if (!t || have)
			continue;
		if (replay(cat, t, err) < 0)
			goto done;
		dbm_vec_push(set, t);
	}
	ret = 0;
done:
	dbm_buf_release(&sql);
	dbm_result_free(res);
	return ret;
}

int dbm_catalog_need(struct dbm_catalog *cat, const char *table,
		     struct dbm_err *err)
{
	table_set set = DBM_VEC_INIT;
	int ret = -1;

	if (cat->full)
		return 0;
	if (!table) {
		if (compact_all(cat, err) < 0)
			goto done;
		every_table(cat, &set);
		ret = build(cat, &set, err);
		goto done;
	}
	struct table_log *t = map_get(&cat->tables, table);
	if (t)
		dbm_vec_push(&set, t);
	/* Compact what was built: the next build replays less. */
	if (build(cat, &set, err) < 0 ||
	    (t && add_referred(cat, &set, err) < 0) ||
	    read_back(cat, &set, false, err) < 0)
		goto done;
	ret = 0;
done:
	dbm_vec_release(&set);
	return ret;
}
