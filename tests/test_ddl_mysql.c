/*
 * The MySQL dialect. Offline: golden SQL, first the exact statements
 * Alembic 1.8.1 + SQLAlchemy 1.4.46 printed for Tacker's chain
 * (fixtures/mysql/offline.txt, one block per op), then cases read off
 * Alembic's and SQLAlchemy's sources, one line of data each. Online,
 * against the MariaDB named by DBM_MYSQL_URL (missing: the test fails):
 * reflection of what the ops create, and Tacker's whole chain replayed op
 * by op (fixtures/mysql/chain.txt) with mysqldump compared to the dumps
 * Alembic's run left (fixtures/mysql/dump/), normalized as the reference
 * README says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "ddl.h"
#include "mem.h"
#include "reflect_mysql.h"
#include "t.h"
#include "url.h"

static char *sdup(const char *s)
{
	return s ? dbm_xstrdup(s) : NULL;
}

/* The fixtures directory, next to this file. */
static void fixture_path(struct dbm_buf *out, const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	if (slash)
		dbm_buf_add(out, __FILE__, (size_t)(slash - __FILE__ + 1));
	dbm_buf_addf(out, "fixtures/mysql/%s", name);
}

static char *read_file(const char *path)
{
	struct dbm_buf b = DBM_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		dbm_buf_add(&b, chunk, n);
	fclose(f);
	return dbm_buf_detach(&b);
}

static char *read_fixture(const char *name)
{
	struct dbm_buf path = DBM_BUF_INIT;
	fixture_path(&path, name);
	char *text = read_file(path.buf);
	if (!text)
		fprintf(stderr, "cannot read fixture '%s'\n", path.buf);
	dbm_buf_release(&path);
	return text;
}

/* The ops, written as the fixtures write them. */

struct words {
	char **v;
	size_t n;
	const char *line;
};

static void words_split(struct words *w, const char *line)
{
	w->v = NULL;
	w->n = 0;
	w->line = line;
	for (const char *p = line; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		w->v = dbm_xrealloc(w->v, (w->n + 2) * sizeof(*w->v));
		w->v[w->n++] = dbm_xstrndup(p, len);
		w->v[w->n] = NULL;
		p += len;
	}
}

static void words_release(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* The text of the line after its first k words. */
static const char *rest(const struct words *w, size_t k)
{
	const char *p = w->line;
	for (size_t i = 0; i < k; i++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	return p;
}

/* "a,b" -> {a, b}, NULL-terminated. */
static char **split(const char *csv, size_t *n)
{
	char **v = dbm_xcalloc(strlen(csv) + 2, sizeof(*v));
	*n = 0;
	for (const char *p = csv;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		v[(*n)++] = dbm_xstrndup(p, len);
		if (!comma)
			break;
		p = comma + 1;
	}
	return v;
}

/* "key=value": the value when the word has that key, else NULL. */
static const char *kv(const char *word, const char *key)
{
	size_t n = strlen(key);
	return strncmp(word, key, n) == 0 && word[n] == '=' ? word + n + 1
							    : NULL;
}

/* An ON DELETE/UPDATE phrase, written SET_NULL for SET NULL. */
static char *phrase(const char *v)
{
	char *s = sdup(v);
	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

/*
 * A type: Name, Name(args) and Name(args)@collation. String(36),
 * VARCHAR(255), Text, TEXT(65535), Integer, BigInteger, SmallInteger,
 * Boolean, DateTime, Date, Time, Float(p), Numeric(p,s), JSON,
 * LargeBinary(n), PickleType, Uuid, Json, Enum(a,b) and VEnum(a,b) (not
 * native), Raw(text).
 */
static void parse_type(struct dbm_type *t, const char *spec)
{
	static const struct {
		const char *name;
		enum dbm_type_kind kind;
	} names[] = {
	    {"String", DBM_T_STRING},
	    {"VARCHAR", DBM_T_STRING},
	    {"Uuid", DBM_T_STRING},
	    {"Text", DBM_T_TEXT},
	    {"TEXT", DBM_T_TEXT},
	    {"Json", DBM_T_TEXT},
	    {"Integer", DBM_T_INTEGER},
	    {"BigInteger", DBM_T_BIGINT},
	    {"SmallInteger", DBM_T_SMALLINT},
	    {"Boolean", DBM_T_BOOLEAN},
	    {"DateTime", DBM_T_DATETIME},
	    {"Date", DBM_T_DATE},
	    {"Time", DBM_T_TIME},
	    {"Float", DBM_T_FLOAT},
	    {"Numeric", DBM_T_NUMERIC},
	    {"JSON", DBM_T_JSON},
	    {"LargeBinary", DBM_T_LARGEBINARY},
	    {"PickleType", DBM_T_PICKLE},
	    {"Enum", DBM_T_ENUM},
	    {"VEnum", DBM_T_ENUM},
	    {"Raw", DBM_T_RAW},
	};
	size_t len = strcspn(spec, "(@");
	const char *tail = spec + len;
	char *args = NULL;
	size_t k = 0;

	while (k < sizeof(names) / sizeof(names[0]) &&
	       (strlen(names[k].name) != len ||
		strncmp(names[k].name, spec, len) != 0))
		k++;
	if (k == sizeof(names) / sizeof(names[0])) {
		fprintf(stderr, "test: unknown type '%s'\n", spec);
		abort();
	}
	dbm_type_init(t, names[k].kind);
	if (*tail == '(') {
		const char *close = strrchr(spec, ')');
		args = dbm_xstrndup(tail + 1, (size_t)(close - tail - 1));
		tail = close + 1;
	}
	if (strcmp(names[k].name, "Uuid") == 0)
		t->length = 36;
	if (strcmp(names[k].name, "VARCHAR") == 0 ||
	    strcmp(names[k].name, "TEXT") == 0)
		t->uppercase = true;
	if (strcmp(names[k].name, "VEnum") == 0)
		t->native_enum = false;
	if (args && t->kind == DBM_T_ENUM) {
		t->enum_values = split(args, &t->nenum_values);
	} else if (args && t->kind == DBM_T_RAW) {
		t->raw = sdup(args);
	} else if (args &&
		   (t->kind == DBM_T_FLOAT || t->kind == DBM_T_NUMERIC)) {
		char *comma = strchr(args, ',');
		t->precision = atoi(args);
		if (comma)
			t->scale = atoi(comma + 1);
	} else if (args) {
		t->length = atoi(args);
	}
	if (*tail == '@')
		t->collation = sdup(tail + 1);
	free(args);
}

/*
 * "c name type flags... [AS expr]": NN, NULL, PK, AI (autoincrement=True),
 * NOAI (False), UQ, IX, D'text' (a literal default), X=expr (a SQL
 * default), FK=table.col, ONDELETE=x (of the last FK), STORED, VIRTUAL,
 * COMMENT=text, then AS and a generated column's expression.
 */
static void parse_column(struct dbm_column *c, const char *line)
{
	struct words w;
	int nullable = -1;
	words_split(&w, line);
	dbm_column_init(c);
	c->name = sdup(w.v[1]);
	parse_type(&c->type, w.v[2]);
	for (size_t i = 3; i < w.n; i++) {
		const char *a = w.v[i], *v;
		if (strcmp(a, "AS") == 0) {
			c->computed = sdup(rest(&w, i + 1));
			break;
		} else if (strcmp(a, "NN") == 0) {
			nullable = 0;
		} else if (strcmp(a, "NULL") == 0) {
			nullable = 1;
		} else if (strcmp(a, "PK") == 0) {
			c->primary_key = true;
		} else if (strcmp(a, "AI") == 0) {
			c->autoincrement = 1;
		} else if (strcmp(a, "NOAI") == 0) {
			c->autoincrement = 0;
		} else if (strcmp(a, "UQ") == 0) {
			c->unique = true;
		} else if (strcmp(a, "IX") == 0) {
			c->index = true;
		} else if (strcmp(a, "STORED") == 0) {
			c->persisted = 1;
		} else if (strcmp(a, "VIRTUAL") == 0) {
			c->persisted = 0;
		} else if (a[0] == 'D' && a[1] == '\'') {
			c->server_default.kind = DBM_DEFAULT_LITERAL;
			c->server_default.text =
			    dbm_xstrndup(a + 2, strlen(a + 2) - 1);
		} else if ((v = kv(a, "X"))) {
			c->server_default.kind = DBM_DEFAULT_EXPR;
			c->server_default.text = sdup(v);
		} else if ((v = kv(a, "FK"))) {
			c->fks = dbm_xrealloc(c->fks,
					      (c->nfks + 1) * sizeof(*c->fks));
			memset(&c->fks[c->nfks], 0, sizeof(*c->fks));
			c->fks[c->nfks++].target = sdup(v);
		} else if ((v = kv(a, "ONDELETE"))) {
			c->fks[c->nfks - 1].ondelete = phrase(v);
		} else if ((v = kv(a, "COMMENT"))) {
			c->comment = sdup(v);
		} else {
			fprintf(stderr, "test: bad column flag '%s'\n", a);
			abort();
		}
	}
	c->nullable = nullable >= 0 ? nullable : !c->primary_key;
	words_release(&w);
}

static void add_kw(char ***kwargs, size_t *n, const char *word)
{
	const char *eq = strchr(word, '=');
	*kwargs = dbm_xrealloc(*kwargs, 2 * (*n + 1) * sizeof(**kwargs));
	(*kwargs)[2 * *n] = dbm_xstrndup(word, (size_t)(eq - word));
	(*kwargs)[2 * *n + 1] = sdup(eq + 1);
	(*n)++;
}

/* Constraint words from index `from`: name=, ondelete=, onupdate=. */
static void constraint_opts(struct dbm_constraint *k, const struct words *w,
			    size_t from)
{
	for (size_t i = from; i < w->n; i++) {
		const char *v;
		if ((v = kv(w->v[i], "name")))
			k->name = sdup(v);
		else if ((v = kv(w->v[i], "ondelete")))
			k->ondelete = phrase(v);
		else if ((v = kv(w->v[i], "onupdate")))
			k->onupdate = phrase(v);
		else
			k->name = sdup(w->v[i]);
	}
}

/*
 * An index: its name at word `at`, its columns at `cols`, then "unique"
 * and key=value options; a column written {...} is an expression.
 */
static void parse_index(struct dbm_index *ix, const struct words *w, size_t at,
			const char *table, size_t cols)
{
	dbm_index_init(ix);
	ix->name = sdup(w->v[at]);
	ix->table = sdup(table);
	ix->columns = split(w->v[cols], &ix->ncolumns);
	ix->expr = dbm_xcalloc(ix->ncolumns + 1, sizeof(*ix->expr));
	for (size_t i = 0; i < ix->ncolumns; i++) {
		char *c = ix->columns[i];
		if (c[0] == '{') {
			memmove(c, c + 1, strlen(c));
			c[strlen(c) - 1] = '\0';
			ix->expr[i] = true;
		}
	}
	for (size_t i = cols + 1; i < w->n; i++) {
		if (strcmp(w->v[i], "unique") == 0)
			ix->unique = true;
		else
			add_kw(&ix->kwargs, &ix->nkwargs, w->v[i]);
	}
}

/* A create_table block: "t name [key=value]..." then its lines. */
static void parse_table(struct dbm_table *t, const char *block)
{
	char *copy = sdup(block);
	char *save = NULL;
	dbm_table_init(t);
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct words w;
		words_split(&w, line);
		const char *kind = w.v[0];
		if (strcmp(kind, "t") == 0) {
			t->name = sdup(w.v[1]);
			for (size_t i = 2; i < w.n; i++) {
				const char *v = kv(w.v[i], "comment");
				if (v)
					t->comment = sdup(v);
				else
					add_kw(&t->kwargs, &t->nkwargs, w.v[i]);
			}
		} else if (strcmp(kind, "c") == 0) {
			struct dbm_column c;
			parse_column(&c, line);
			dbm_vec_push(&t->columns, c);
		} else if (strcmp(kind, "i") == 0) {
			struct dbm_index ix;
			parse_index(&ix, &w, 1, t->name, 2);
			dbm_vec_push(&t->indexes, ix);
		} else {
			struct dbm_constraint k;
			dbm_constraint_init(&k, DBM_C_PRIMARY);
			if (strcmp(kind, "p") == 0) {
				k.columns = split(w.v[1], &k.ncolumns);
				constraint_opts(&k, &w, 2);
			} else if (strcmp(kind, "u") == 0) {
				k.kind = DBM_C_UNIQUE;
				k.columns = split(w.v[1], &k.ncolumns);
				constraint_opts(&k, &w, 2);
			} else if (strcmp(kind, "f") == 0) {
				k.kind = DBM_C_FOREIGN;
				k.columns = split(w.v[1], &k.ncolumns);
				k.ref_table = sdup(w.v[2]);
				k.ref_columns = split(w.v[3], &k.nref_columns);
				constraint_opts(&k, &w, 4);
			} else if (strcmp(kind, "k") == 0) {
				k.kind = DBM_C_CHECK;
				if (strcmp(w.v[1], "-") != 0)
					k.name = sdup(w.v[1]);
				k.check = sdup(rest(&w, 2));
			} else {
				fprintf(stderr, "test: bad line '%s'\n", line);
				abort();
			}
			dbm_vec_push(&t->constraints, k);
		}
		words_release(&w);
	}
	free(copy);
}

/* alter_column's default= and existing_default=: 'text', X:expr, none. */
static void parse_default(struct dbm_default *d, const char *v)
{
	d->text = NULL;
	d->kind = DBM_DEFAULT_NONE;
	if (v[0] == '\'') {
		d->kind = DBM_DEFAULT_LITERAL;
		d->text = dbm_xstrndup(v + 1, strlen(v + 1) - 1);
	} else if (strncmp(v, "X:", 2) == 0) {
		d->kind = DBM_DEFAULT_EXPR;
		d->text = sdup(v + 2);
	}
}

struct alter_store {
	struct dbm_type type, existing_type;
	struct dbm_default existing_default;
};

static int run_alter(struct dbm_ddl *ddl, const struct words *w,
		     struct dbm_err *err)
{
	struct dbm_alter_column a;
	struct alter_store s;
	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	a.table = w->v[1];
	a.column = w->v[2];
	a.nullable = a.existing_nullable = a.autoincrement = -1;
	for (size_t i = 3; i < w->n; i++) {
		const char *x = w->v[i], *v;
		if ((v = kv(x, "nullable")))
			a.nullable = atoi(v);
		else if ((v = kv(x, "existing_nullable")))
			a.existing_nullable = atoi(v);
		else if ((v = kv(x, "autoincrement")))
			a.autoincrement = atoi(v);
		else if ((v = kv(x, "type"))) {
			parse_type(&s.type, v);
			a.type = &s.type;
		} else if ((v = kv(x, "existing_type"))) {
			parse_type(&s.existing_type, v);
			a.existing_type = &s.existing_type;
		} else if ((v = kv(x, "default"))) {
			a.set_default = true;
			parse_default(&a.server_default, v);
		} else if ((v = kv(x, "existing_default"))) {
			parse_default(&s.existing_default, v);
			a.existing_server_default = &s.existing_default;
		} else if ((v = kv(x, "new_name")))
			a.new_name = v;
		else if ((v = kv(x, "comment")))
			a.comment = v;
		else {
			fprintf(stderr, "test: bad alter_column '%s'\n", x);
			abort();
		}
	}
	int rc = ddl->dialect->alter_column(ddl, &a, err);
	dbm_default_release(&a.server_default);
	dbm_default_release(&s.existing_default);
	if (a.type)
		dbm_type_release(&s.type);
	if (a.existing_type)
		dbm_type_release(&s.existing_type);
	return rc;
}

static const char *dash_null(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

/* Run one op block through the dialect. */
static int run_op(struct dbm_ddl *ddl, const char *block, struct dbm_err *err)
{
	const struct dbm_dialect *d = ddl->dialect;
	struct words w;
	int rc = -1;
	const char *nl = strchr(block, '\n');
	char *first =
	    nl ? dbm_xstrndup(block, (size_t)(nl - block)) : sdup(block);
	words_split(&w, first);
	const char *op = w.v[0];

	if (strcmp(op, "t") == 0) {
		struct dbm_table t;
		parse_table(&t, block);
		rc = d->create_table(ddl, &t, err);
		dbm_table_release(&t);
	} else if (strcmp(op, "add_column") == 0) {
		struct dbm_column c;
		parse_column(&c, nl + 1);
		rc = d->add_column(ddl, w.v[1], &c, err);
		dbm_column_release(&c);
	} else if (strcmp(op, "drop_column") == 0) {
		rc = d->drop_column(ddl, w.v[1], w.v[2], err);
	} else if (strcmp(op, "drop_table") == 0) {
		rc = d->drop_table(ddl, w.v[1], err);
	} else if (strcmp(op, "rename_table") == 0) {
		rc = d->rename_table(ddl, w.v[1], w.v[2], err);
	} else if (strcmp(op, "alter_column") == 0) {
		rc = run_alter(ddl, &w, err);
	} else if (strcmp(op, "drop_constraint") == 0) {
		rc =
		    d->drop_constraint(ddl, w.v[1], w.v[2],
				       w.n > 3 ? dash_null(w.v[3]) : NULL, err);
	} else if (strcmp(op, "create_index") == 0) {
		struct dbm_index ix;
		parse_index(&ix, &w, 1, w.v[2], 3);
		rc = d->create_index(ddl, &ix, err);
		dbm_index_release(&ix);
	} else if (strcmp(op, "drop_index") == 0) {
		rc = d->drop_index(ddl, w.v[1], dash_null(w.v[2]), err);
	} else if (strcmp(op, "create_foreign_key") == 0) {
		struct dbm_constraint k;
		dbm_constraint_init(&k, DBM_C_FOREIGN);
		k.name = sdup(dash_null(w.v[1]));
		k.ref_table = sdup(w.v[3]);
		k.columns = split(w.v[4], &k.ncolumns);
		k.ref_columns = split(w.v[5], &k.nref_columns);
		constraint_opts(&k, &w, 6);
		rc = d->add_constraint(ddl, w.v[2], &k, err);
		dbm_constraint_release(&k);
	} else if (strcmp(op, "create_unique_constraint") == 0 ||
		   strcmp(op, "create_primary_key") == 0) {
		struct dbm_constraint k;
		dbm_constraint_init(&k, op[7] == 'u' ? DBM_C_UNIQUE
						     : DBM_C_PRIMARY);
		k.name = sdup(dash_null(w.v[1]));
		k.columns = split(w.v[3], &k.ncolumns);
		rc = d->add_constraint(ddl, w.v[2], &k, err);
		dbm_constraint_release(&k);
	} else if (strcmp(op, "create_check_constraint") == 0) {
		struct dbm_constraint k;
		dbm_constraint_init(&k, DBM_C_CHECK);
		k.name = sdup(dash_null(w.v[1]));
		k.check = sdup(rest(&w, 3));
		rc = d->add_constraint(ddl, w.v[2], &k, err);
		dbm_constraint_release(&k);
	} else if (strcmp(op, "execute") == 0) {
		rc = dbm_ddl_exec(ddl, rest(&w, 1), NULL, 0, NULL, err);
	} else {
		fprintf(stderr, "test: unknown op '%s'\n", op);
		abort();
	}
	words_release(&w);
	free(first);
	return rc;
}

/* Offline runs. */

/*
 * A sink printing what Alembic's offline script prints for a statement:
 * tabs as four spaces, then ";", statements apart by a blank line.
 */
static void collect(void *payload, const char *sql)
{
	struct dbm_buf *b = payload;
	if (b->len)
		dbm_buf_adds(b, "\n\n");
	for (const char *p = sql; *p; p++) {
		if (*p == '\t')
			dbm_buf_adds(b, "    ");
		else
			dbm_buf_addch(b, *p);
	}
	dbm_buf_addch(b, ';');
}

struct offline {
	struct dbm_ddl ddl;
	struct dbm_buf out;
	struct dbm_err err;
};

static void offline_init(struct offline *o)
{
	struct dbm_ddl ddl = DBM_DDL_INIT;
	o->ddl = ddl;
	o->ddl.dialect = &dbm_dialect_mysql;
	o->ddl.sink = collect;
	dbm_buf_init(&o->out);
	o->ddl.sink_payload = &o->out;
	dbm_err_clear(&o->err);
}

static void offline_release(struct offline *o)
{
	dbm_ddl_release(&o->ddl);
	dbm_buf_release(&o->out);
}

/* The statements, or "error: <message>" when rc failed. */
static const char *outcome(struct offline *o, int rc)
{
	if (rc < 0) {
		dbm_buf_reset(&o->out);
		dbm_buf_addf(&o->out, "error: %s", o->err.msg);
	}
	return o->out.buf;
}

/* Run one op block offline and compare; label names it on failure. */
static void check_offline(const char *label, const char *block,
			  const char *want)
{
	struct offline o;
	offline_init(&o);
	const char *got = outcome(&o, run_op(&o.ddl, block, &o.err));
	if (strcmp(got, want) != 0)
		fprintf(stderr, "case %s:\n%s\n", label, block);
	CHECK_STR(got, want);
	offline_release(&o);
}

/* Golden: what Alembic printed for Tacker's chain. */

static void test_reference_offline(void)
{
	char *text = read_fixture("offline.txt");
	size_t ncases = 0;
	CHECK(text != NULL);
	if (!text)
		return;
	char *p = strstr(text, "\n@ ");
	while (p) {
		char *header = p + 1;
		char *eol = strchr(header, '\n');
		char *sep = strstr(eol, "\n>\n");
		char *next = strstr(sep + 3, "\n@ ");
		char *end = next ? next : sep + 3 + strlen(sep + 3);
		*eol = '\0';
		*sep = '\0';
		while (end > sep + 3 && end[-1] == '\n')
			end--;
		char save = *end;
		*end = '\0';
		check_offline(header + 2, eol + 1, sep + 3);
		*end = save;
		ncases++;
		p = next;
	}
	/* every op of the offline script that the dialect renders */
	CHECK(ncases == 182);
	free(text);
}

/* Golden: cases read off SQLAlchemy's and Alembic's sources. */

static void test_dialect_table(void)
{
	const struct dbm_dialect *d = dbm_dialect_find("mysql");
	struct dbm_buf b = DBM_BUF_INIT;
	CHECK(d == &dbm_dialect_mysql);
	CHECK_STR(d->name, "mysql");
	CHECK_STR(d->impl_name, "MySQLImpl");
	CHECK(d->version == 1);
	CHECK(!d->transactional_ddl);
	CHECK(d->implicit_commit);
	CHECK(!d->insert_returning);
	d->placeholder(&b, 1);
	d->placeholder(&b, 2);
	CHECK_STR(b.buf, "??");
	dbm_buf_release(&b);
}

static void test_types(void)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
	    {"String(36)", "VARCHAR(36)"},
	    {"VARCHAR(255)", "VARCHAR(255)"},
	    {"Uuid", "VARCHAR(36)"},
	    {"String(36)@utf8mb4_bin", "VARCHAR(36) COLLATE utf8mb4_bin"},
	    {"Text", "TEXT"},
	    {"Json", "TEXT"},
	    {"TEXT(65535)", "TEXT(65535)"},
	    {"Text@utf8mb4_bin", "TEXT COLLATE utf8mb4_bin"},
	    {"Integer", "INTEGER"},
	    {"BigInteger", "BIGINT"},
	    {"SmallInteger", "SMALLINT"},
	    {"Boolean", "BOOL"},
	    {"DateTime", "DATETIME"},
	    {"Date", "DATE"},
	    {"Time", "TIME"},
	    {"Float", "FLOAT"},
	    {"Float(10)", "FLOAT(10)"},
	    {"Float(10,2)", "FLOAT(10)"},
	    {"Numeric", "NUMERIC"},
	    {"Numeric(10)", "NUMERIC(10)"},
	    {"Numeric(10,2)", "NUMERIC(10, 2)"},
	    {"JSON", "JSON"},
	    {"LargeBinary", "BLOB"},
	    {"LargeBinary(65536)", "BLOB(65536)"},
	    {"PickleType", "BLOB"},
	    {"Enum(FULL,SHORT)", "ENUM('FULL','SHORT')"},
	    {"Enum(it's,a\\b)", "ENUM('it''s','a\\b')"},
	    {"Enum(a,b)@utf8mb4_bin", "ENUM('a','b') COLLATE utf8mb4_bin"},
	    {"VEnum(a,bbb,cc)", "VARCHAR(3)"},
	    {"VEnum(\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9,ab)", "VARCHAR(4)"},
	    {"Raw(mediumtext)", "mediumtext"},
	    {"Raw(varchar(10))@utf8mb4_bin", "varchar(10) COLLATE utf8mb4_bin"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dbm_buf b = DBM_BUF_INIT;
		struct dbm_type t;
		parse_type(&t, cases[i].spec);
		dbm_dialect_mysql.type(&b, &t);
		CHECK_STR(b.buf, cases[i].want);
		dbm_type_release(&t);
		dbm_buf_release(&b);
	}
}

/* The vtable's quoting: MySQL's reserved words and MariaDB's. */
static void test_quote(void)
{
	static const struct {
		const char *ident, *want;
	} cases[] = {
	    {"id", "id"},
	    {"vnf_id", "vnf_id"},
	    {"_metadata", "_metadata"},
	    {"a$b", "a$b"},
	    {"timestamp", "timestamp"},
	    {"type", "type"},
	    {"filter", "filter"},
	    {"metadata", "metadata"},
	    {"key", "`key`"},
	    {"index", "`index`"},
	    {"role", "`role`"},			/* MySQL only */
	    {"current_role", "`current_role`"}, /* MariaDB only */
	    {"offset", "`offset`"},		/* MariaDB only */
	    {"callbackUri", "`callbackUri`"},
	    {"VnfInstanceV2", "`VnfInstanceV2`"},
	    {"KEY", "`KEY`"},
	    {"my col", "`my col`"},
	    {"a-b", "`a-b`"},
	    {"1abc", "`1abc`"},
	    {"$x", "`$x`"},
	    {"we`ird", "`we``ird`"},
	    {"caf\xc3\xa9", "`caf\xc3\xa9`"},
	    {"", "``"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dbm_buf b = DBM_BUF_INIT;
		dbm_dialect_mysql.quote(&b, cases[i].ident);
		CHECK_STR(b.buf, cases[i].want);
		dbm_buf_release(&b);
	}
}

/* Parameters rendered inline offline, and literal defaults. */
static void test_literals(void)
{
	static const unsigned char blob[] = {0x00, 0xff};
	const struct dbm_value v[] = {
	    {.kind = DBM_V_NULL},
	    {.kind = DBM_V_INT, .i = -5},
	    {.kind = DBM_V_REAL, .r = 1.5},
	    {.kind = DBM_V_TEXT, .s = "it's a\\b"},
	    {.kind = DBM_V_BLOB, .s = (const char *)blob, .n = 2},
	};
	struct offline o;
	offline_init(&o);
	int rc = dbm_ddl_exec(&o.ddl, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", v,
			      5, NULL, &o.err);
	CHECK_STR(outcome(&o, rc),
		  "INSERT INTO t VALUES (NULL, -5, 1.5, 'it''s a\\\\b', "
		  "X'00FF');");
	offline_release(&o);

	offline_init(&o);
	struct dbm_default d = {DBM_DEFAULT_LITERAL, (char *)"O'Neil\\"};
	dbm_ddl_default(&o.ddl, &o.out, &d);
	CHECK_STR(o.out.buf, "'O''Neil\\\\'");
	offline_release(&o);
}

static const struct {
	const char *op, *want;
} source_cases[] = {
    /* MySQLImpl.alter_column: MODIFY restates the column; unknown
     * nullability is NULL (the reference's Surprise 4) */
    {"alter_column t c type=String(20)",
     "ALTER TABLE t MODIFY c VARCHAR(20) NULL;"},
    {"alter_column t c type=String(20) existing_nullable=0",
     "ALTER TABLE t MODIFY c VARCHAR(20) NOT NULL;"},
    {"alter_column t c type=String(20) existing_nullable=1",
     "ALTER TABLE t MODIFY c VARCHAR(20) NULL;"},
    {"alter_column t c nullable=1 existing_type=String(20) "
     "existing_nullable=0",
     "ALTER TABLE t MODIFY c VARCHAR(20) NULL;"},
    {"alter_column t c type=Integer existing_default='5'",
     "ALTER TABLE t MODIFY c INTEGER NULL DEFAULT '5';"},
    {"alter_column t c type=Integer default=X:7 existing_default='5'",
     "ALTER TABLE t MODIFY c INTEGER NULL DEFAULT 7;"},
    {"alter_column t c type=Integer default=none existing_default='5'",
     "ALTER TABLE t MODIFY c INTEGER NULL;"},
    {"alter_column t id autoincrement=1 existing_type=Integer "
     "existing_nullable=0",
     "ALTER TABLE t MODIFY id INTEGER NOT NULL AUTO_INCREMENT;"},
    {"alter_column t id autoincrement=0 existing_type=Integer "
     "existing_nullable=0",
     "ALTER TABLE t MODIFY id INTEGER NOT NULL;"},
    {"alter_column t c comment=hello existing_type=String(10)",
     "ALTER TABLE t MODIFY c VARCHAR(10) NULL COMMENT 'hello';"},
    {"alter_column t key nullable=1 type=String(10)",
     "ALTER TABLE t MODIFY `key` VARCHAR(10) NULL;"},
    /* only the default: ALTER COLUMN SET/DROP DEFAULT */
    {"alter_column t c default='x'",
     "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x';"},
    {"alter_column t c default=X:false existing_type=Boolean",
     "ALTER TABLE t ALTER COLUMN c SET DEFAULT false;"},
    {"alter_column t c default=none",
     "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;"},
    /* renames and the DateTime family take CHANGE */
    {"alter_column t c new_name=d existing_type=Integer "
     "existing_nullable=0 existing_default='0'",
     "ALTER TABLE t CHANGE c d INTEGER NOT NULL DEFAULT '0';"},
    {"alter_column t c new_name=c existing_type=Integer",
     "ALTER TABLE t CHANGE c c INTEGER NULL;"},
    {"alter_column t c default=X:CURRENT_TIMESTAMP existing_type=DateTime",
     "ALTER TABLE t CHANGE c c DATETIME NULL DEFAULT CURRENT_TIMESTAMP;"},
    {"alter_column t c nullable=0 existing_type=DateTime",
     "ALTER TABLE t CHANGE c c DATETIME NOT NULL;"},
    {"alter_column t c nullable=0 existing_type=Raw(timestamp)",
     "ALTER TABLE t CHANGE c c timestamp NOT NULL;"},
    {"alter_column t c default=none existing_type=DateTime",
     "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;"},
    {"alter_column t c nullable=0 default=none existing_type=DateTime",
     "ALTER TABLE t MODIFY c DATETIME NOT NULL;"},
    /* nothing to do, and what Alembic refuses */
    {"alter_column t c", ""},
    {"alter_column t c existing_type=Integer existing_nullable=0", ""},
    {"alter_column t c nullable=0",
     "error: alter_column of column 'c' on table 't': all MySQL "
     "CHANGE/MODIFY COLUMN operations require the existing type"},
    {"alter_column t c new_name=d",
     "error: alter_column of column 'c' on table 't': all MySQL "
     "CHANGE/MODIFY COLUMN operations require the existing type"},
    {"alter_column t c type=String",
     "error: column 'c' of table 't': VARCHAR requires a length on "
     "dialect mysql"},

    /* drop_constraint by type */
    {"drop_constraint t fk1 foreignkey", "ALTER TABLE t DROP FOREIGN KEY fk1;"},
    {"drop_constraint t uq1 unique", "ALTER TABLE t DROP INDEX uq1;"},
    {"drop_constraint t pk1 primary", "ALTER TABLE t DROP PRIMARY KEY;"},
    {"drop_constraint t ck1 check", "ALTER TABLE t DROP CHECK ck1;"},
    {"drop_constraint Vnf Key unique", "ALTER TABLE `Vnf` DROP INDEX `Key`;"},
    {"drop_constraint t x -",
     "error: no generic 'DROP CONSTRAINT' in MySQL: drop_constraint of "
     "'x' on table 't' needs type_ (foreignkey, unique, primary or "
     "check)"},
    {"drop_constraint t x bogus", "error: unknown constraint type 'bogus'"},

    /* the other operations */
    {"rename_table devices vnf", "ALTER TABLE devices RENAME TO vnf;"},
    {"rename_table a Index", "ALTER TABLE a RENAME TO `Index`;"},
    {"drop_table offset", "DROP TABLE offset;"}, /* MySQL's words offline */
    {"drop_table role", "DROP TABLE `role`;"},
    {"drop_column vims status", "ALTER TABLE vims DROP COLUMN status;"},
    {"drop_index ix t", "DROP INDEX ix ON t;"},
    {"drop_index ix -",
     "error: drop_index of index 'ix' needs table_name on mysql"},
    {"create_index ix_a t a,b", "CREATE INDEX ix_a ON t (a, b);"},
    {"create_index ux t a unique", "CREATE UNIQUE INDEX ux ON t (a);"},
    {"create_index ix t a,b mysql_length=10",
     "CREATE INDEX ix ON t (a(10), b(10));"},
    {"create_index ix t a,b mysql_length=b=20",
     "CREATE INDEX ix ON t (a, b(20));"},
    {"create_index ix t a,b mysql_length=a=5,b=20",
     "CREATE INDEX ix ON t (a(5), b(20));"},
    {"create_index ix t a mysql_length=table:0x1",
     "error: mysql_length of index 'ix': expected a number or "
     "'column=length,...', got 'table:0x1'"},
    {"create_index ix t body mysql_prefix=FULLTEXT "
     "mysql_with_parser=ngram",
     "CREATE FULLTEXT INDEX ix ON t (body) WITH PARSER ngram;"},
    {"create_index ix t a mysql_using=btree",
     "CREATE INDEX ix ON t (a) USING btree;"},
    {"create_index ix t {lower(name)},key",
     "CREATE INDEX ix ON t (lower(name), `key`);"},
    {"create_unique_constraint uq t a,key",
     "ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a, `key`);"},
    {"create_unique_constraint - t a", "ALTER TABLE t ADD UNIQUE (a);"},
    {"create_primary_key pk t a,b",
     "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (a, b);"},
    {"create_check_constraint ck t a > 0 AND b <> ''",
     "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0 AND b <> '');"},
    {"create_foreign_key fk t other.p a id ondelete=CASCADE "
     "onupdate=RESTRICT",
     "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY(a) REFERENCES other.p "
     "(id) ON DELETE CASCADE ON UPDATE RESTRICT;"},
    {"create_foreign_key - t p a,b x,y",
     "ALTER TABLE t ADD FOREIGN KEY(a, b) REFERENCES p (x, y);"},
    {"create_foreign_key fk t p a id ondelete=EXPLODE",
     "error: unexpected ondelete action 'EXPLODE'"},

    /* add_column: the column alone in a table, then its extras */
    {"add_column t\nc c String(10) NN D'x'",
     "ALTER TABLE t ADD COLUMN c VARCHAR(10) NOT NULL DEFAULT 'x';"},
    {"add_column t\nc c String(10) D'it's\\b'",
     "ALTER TABLE t ADD COLUMN c VARCHAR(10) DEFAULT 'it''s\\\\b';"},
    {"add_column t\nc id Integer PK",
     "ALTER TABLE t ADD COLUMN id INTEGER NOT NULL AUTO_INCREMENT;"},
    {"add_column t\nc n Integer COMMENT=count",
     "ALTER TABLE t ADD COLUMN n INTEGER COMMENT 'count';"},
    {"add_column t\nc x Integer STORED AS a + 1",
     "ALTER TABLE t ADD COLUMN x INTEGER GENERATED ALWAYS AS (a + 1) "
     "STORED;"},
    {"add_column t\nc vim_id String(36) UQ FK=vims.id ONDELETE=CASCADE",
     "ALTER TABLE t ADD COLUMN vim_id VARCHAR(36);\n\n"
     "ALTER TABLE t ADD UNIQUE (vim_id);\n\n"
     "ALTER TABLE t ADD FOREIGN KEY(vim_id) REFERENCES vims (id) ON "
     "DELETE CASCADE;"},
    {"add_column t\nc code String(8) UQ IX",
     "ALTER TABLE t ADD COLUMN code VARCHAR(8);\n\n"
     "CREATE UNIQUE INDEX ix_t_code ON t (code);"},
    {"add_column t\nc code String",
     "error: column 'code' of table 't': VARCHAR requires a length on "
     "dialect mysql"},

    /* CREATE TABLE: AUTO_INCREMENT as _autoincrement_column decides */
    {"t pairs\nc a String(10) PK\nc b Integer PK AI",
     "CREATE TABLE pairs (\n    a VARCHAR(10) NOT NULL, \n"
     "    b INTEGER NOT NULL AUTO_INCREMENT, \n"
     "    PRIMARY KEY (b, a)\n);"},
    {"t pairs\nc a String(10) NN\nc b Integer NN AI\np a,b",
     "CREATE TABLE pairs (\n    a VARCHAR(10) NOT NULL, \n"
     "    b INTEGER NOT NULL AUTO_INCREMENT, \n"
     "    PRIMARY KEY (a, b)\n);"},
    {"t pairs\nc a Integer PK\nc b Integer PK",
     "CREATE TABLE pairs (\n    a INTEGER NOT NULL, \n"
     "    b INTEGER NOT NULL, \n    PRIMARY KEY (a, b)\n);"},
    {"t t\nc id Integer PK FK=p.id",
     "CREATE TABLE t (\n    id INTEGER NOT NULL, \n"
     "    PRIMARY KEY (id), \n    FOREIGN KEY(id) REFERENCES p (id)\n);"},
    {"t t\nc id Integer PK AI FK=p.id",
     "CREATE TABLE t (\n    id INTEGER NOT NULL AUTO_INCREMENT, \n"
     "    PRIMARY KEY (id), \n    FOREIGN KEY(id) REFERENCES p (id)\n);"},
    {"t t\nc id Integer PK D'1'",
     "CREATE TABLE t (\n    id INTEGER NOT NULL DEFAULT '1', \n"
     "    PRIMARY KEY (id)\n);"},
    {"t t\nc id Integer PK NOAI",
     "CREATE TABLE t (\n    id INTEGER NOT NULL, \n"
     "    PRIMARY KEY (id)\n);"},
    {"t t\nc id BigInteger PK",
     "CREATE TABLE t (\n    id BIGINT NOT NULL AUTO_INCREMENT, \n"
     "    PRIMARY KEY (id)\n);"},
    {"t t\nc id Numeric(10) PK",
     "CREATE TABLE t (\n    id NUMERIC(10) NOT NULL AUTO_INCREMENT, \n"
     "    PRIMARY KEY (id)\n);"},
    {"t t\nc id Boolean PK",
     "CREATE TABLE t (\n    id BOOL NOT NULL, \n    PRIMARY KEY (id)\n);"},
    {"t t\nc id String(10) PK AI",
     "error: column type VARCHAR(10) on column 't.id' is not compatible "
     "with autoincrement=True"},
    {"t t\nc a Integer PK AI\nc b Integer PK AI",
     "error: only one column may be marked autoincrement=True, found both "
     "'a' and 'b'"},
    /* constraints, column flags, indexes */
    {"t Vnf mysql_engine=InnoDB\n"
     "c id Integer PK\n"
     "c vnfd_id String(36) NN FK=vnfd.id ONDELETE=CASCADE\n"
     "c status String(255) NN IX D'ACTIVE'\n"
     "c Name String(255) UQ\n"
     "c vim_id String(36) FK=other.vims.id\n"
     "c code String(8) UQ IX\n"
     "u Name,status name=uniq_vnf0name0status\n"
     "k ck_status status <> ''\n"
     "f vnfd_id Vnf id name=fk_self onupdate=CASCADE\n"
     "k - id > 0\n"
     "i ix_vnf_status_name status,Name mysql_length=Name=10",
     "CREATE TABLE `Vnf` (\n"
     "    id INTEGER NOT NULL AUTO_INCREMENT, \n"
     "    vnfd_id VARCHAR(36) NOT NULL, \n"
     "    status VARCHAR(255) NOT NULL DEFAULT 'ACTIVE', \n"
     "    `Name` VARCHAR(255), \n"
     "    vim_id VARCHAR(36), \n"
     "    code VARCHAR(8), \n"
     "    PRIMARY KEY (id), \n"
     "    CONSTRAINT uniq_vnf0name0status UNIQUE (`Name`, status), \n"
     "    CONSTRAINT ck_status CHECK (status <> ''), \n"
     "    CONSTRAINT fk_self FOREIGN KEY(vnfd_id) REFERENCES `Vnf` (id) "
     "ON UPDATE CASCADE, \n"
     "    CHECK (id > 0), \n"
     "    FOREIGN KEY(vnfd_id) REFERENCES vnfd (id) ON DELETE CASCADE, \n"
     "    UNIQUE (`Name`), \n"
     "    FOREIGN KEY(vim_id) REFERENCES other.vims (id)\n"
     ")ENGINE=InnoDB;\n\n"
     "CREATE INDEX `ix_Vnf_status` ON `Vnf` (status);\n\n"
     "CREATE UNIQUE INDEX `ix_Vnf_code` ON `Vnf` (code);\n\n"
     "CREATE INDEX ix_vnf_status_name ON `Vnf` (status, `Name`(10));"},
    {"t alembic_version\nc version_num String(32) NN\n"
     "p version_num name=alembic_version_pkc",
     "CREATE TABLE alembic_version (\n"
     "    version_num VARCHAR(32) NOT NULL, \n"
     "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);"},
    /* generated columns, comments, a nullable TIMESTAMP */
    {"t calc\nc a Integer\nc b Integer STORED AS a * 2\n"
     "c c Integer NN VIRTUAL AS a * 3\nc d Integer AS a + 1\n"
     "c ts Raw(TIMESTAMP)\nc n Integer COMMENT=it's",
     "CREATE TABLE calc (\n    a INTEGER, \n"
     "    b INTEGER GENERATED ALWAYS AS (a * 2) STORED, \n"
     "    c INTEGER GENERATED ALWAYS AS (a * 3) VIRTUAL NOT NULL, \n"
     "    d INTEGER GENERATED ALWAYS AS (a + 1), \n"
     "    ts TIMESTAMP NULL, \n"
     "    n INTEGER COMMENT 'it''s'\n);"},
    /* table options (SQLAlchemy's order is a set's: see the dialect) */
    {"t o mysql_engine=InnoDB mysql_charset=utf8mb4 "
     "mysql_collate=utf8mb4_bin comment=it's\nc a Integer",
     "CREATE TABLE o (\n    a INTEGER\n)ENGINE=InnoDB CHARSET=utf8mb4 "
     "COMMENT='it''s' COLLATE utf8mb4_bin;"},
    {"t o mysql_default_charset=utf8 mysql_key_block_size=8 "
     "mysql_character_set=latin1 mysql_partitions=4 "
     "mysql_partition_by=HASH(a) mysql_comment=x\nc a Integer",
     "CREATE TABLE o (\n    a INTEGER\n)CHARACTER SET latin1 COMMENT='x' "
     "DEFAULT CHARSET=utf8 KEY_BLOCK_SIZE=8 PARTITION BY HASH(a) "
     "PARTITIONS 4;"},
    {"t o postgresql_with=x sqlite_autoincrement=true\nc a Integer",
     "CREATE TABLE o (\n    a INTEGER\n);"},
    {"t t\nc x Integer FK=y.id ONDELETE=EXPLODE",
     "error: unexpected ondelete action 'EXPLODE'"},
    {"t t\nc x Integer FK=nodot", "error: foreign key of column 'x' must "
				  "name 'table.column', not 'nodot'"},
};

static void test_source_cases(void)
{
	for (size_t i = 0; i < sizeof(source_cases) / sizeof(source_cases[0]);
	     i++) {
		char label[32];
		snprintf(label, sizeof(label), "source #%zu", i);
		check_offline(label, source_cases[i].op, source_cases[i].want);
	}
}

/* Online: a throw-away database on the server DBM_MYSQL_URL names. */

struct online {
	struct dbm_url url;
	struct dbm_conn *conn;
	struct dbm_ddl ddl;
	char db[64];
};

static int exec_plain(struct dbm_conn *conn, const char *sql)
{
	struct dbm_err err = DBM_ERR_INIT;
	int rc = dbm_db_exec(conn, sql, NULL, 0, NULL, &err);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", sql, err.msg);
	return rc;
}

/* Connect and create a fresh database; false (a failed check) if not. */
static bool online_open(struct online *o, const char *tag)
{
	const char *text = getenv("DBM_MYSQL_URL");
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_buf sql = DBM_BUF_INIT;
	struct dbm_ddl ddl = DBM_DDL_INIT;
	struct dbm_url url = DBM_URL_INIT;
	bool ok = false;

	o->url = url;
	o->conn = NULL;
	o->ddl = ddl;
	snprintf(o->db, sizeof(o->db), "dbm_t_%s_%ld", tag, (long)getpid());
	if (!text || !*text) {
		fprintf(stderr, "DBM_MYSQL_URL is not set: the online MySQL "
				"tests need a MariaDB server (scripts/testdb "
				"starts one)\n");
		CHECK(!"DBM_MYSQL_URL is set");
		return false;
	}
	if (dbm_url_parse(&o->url, text, &err) < 0 ||
	    dbm_db_connect(&o->conn, &o->url, &err) < 0) {
		fprintf(stderr, "cannot connect to DBM_MYSQL_URL: %s\n",
			err.msg);
		CHECK(!"connected");
		return false;
	}
	dbm_buf_addf(&sql, "DROP DATABASE IF EXISTS %s", o->db);
	if (exec_plain(o->conn, sql.buf) < 0)
		goto done;
	dbm_buf_reset(&sql);
	dbm_buf_addf(&sql,
		     "CREATE DATABASE %s CHARACTER SET utf8mb4 "
		     "COLLATE utf8mb4_general_ci",
		     o->db);
	if (exec_plain(o->conn, sql.buf) < 0)
		goto done;
	dbm_buf_reset(&sql);
	dbm_buf_addf(&sql, "USE %s", o->db);
	if (exec_plain(o->conn, sql.buf) < 0)
		goto done;
	o->ddl.dialect = &dbm_dialect_mysql;
	o->ddl.conn = o->conn;
	ok = true;
done:
	CHECK(ok);
	dbm_buf_release(&sql);
	return ok;
}

static void online_close(struct online *o)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	if (o->conn) {
		dbm_buf_addf(&sql, "DROP DATABASE IF EXISTS %s", o->db);
		exec_plain(o->conn, sql.buf);
	}
	dbm_ddl_release(&o->ddl);
	dbm_db_close(o->conn);
	dbm_url_release(&o->url);
	dbm_buf_release(&sql);
}

/* Run op blocks (separated by blank lines); false at the first failure. */
static bool run_online(struct online *o, const char *blocks)
{
	char *copy = sdup(blocks);
	bool ok = true;
	for (char *p = copy; ok && p && *p;) {
		char *end = strstr(p, "\n\n");
		if (end)
			*end = '\0';
		size_t len = strlen(p);
		while (len && p[len - 1] == '\n')
			p[--len] = '\0';
		if (!len) {
			p = end ? end + 2 : NULL;
			continue;
		}
		struct dbm_err err = DBM_ERR_INIT;
		if (run_op(&o->ddl, p, &err) < 0) {
			fprintf(stderr, "op failed: %s\n%s\n[SQL: %s]\n",
				err.msg, p,
				o->ddl.failed_sql ? o->ddl.failed_sql : "");
			ok = false;
		}
		p = end ? end + 2 : NULL;
	}
	free(copy);
	CHECK(ok);
	return ok;
}

static const struct dbm_column *column(const struct dbm_table *t,
				       const char *name)
{
	return dbm_table_column((struct dbm_table *)t, name);
}

static const char *type_text(struct dbm_buf *b, const struct dbm_column *c)
{
	dbm_buf_reset(b);
	if (c)
		dbm_dialect_mysql.type(b, &c->type);
	return b->buf;
}

static const struct dbm_constraint *
find_constraint(const struct dbm_table *t, enum dbm_constraint_kind kind,
		const char *name)
{
	for (size_t i = 0; i < t->constraints.len; i++) {
		const struct dbm_constraint *k = &t->constraints.items[i];
		if (k->kind == kind &&
		    (!name || (k->name && strcmp(k->name, name) == 0)))
			return k;
	}
	return NULL;
}

static size_t count_kind(const struct dbm_table *t,
			 enum dbm_constraint_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < t->constraints.len; i++)
		n += t->constraints.items[i].kind == kind;
	return n;
}

static const char *joined(struct dbm_buf *b, char *const *v, size_t n)
{
	dbm_buf_reset(b);
	for (size_t i = 0; i < n; i++)
		dbm_buf_addf(b, "%s%s", i ? "," : "", v[i]);
	return b->buf;
}

static const char *default_text(const struct dbm_column *c)
{
	return c && c->server_default.kind != DBM_DEFAULT_NONE
		   ? c->server_default.text
		   : NULL;
}

static void test_reflect(void)
{
	struct online o;
	struct dbm_buf b = DBM_BUF_INIT;
	struct dbm_table t;
	struct dbm_err err = DBM_ERR_INIT;

	dbm_table_init(&t);
	if (!online_open(&o, "reflect"))
		goto done;
	if (!run_online(&o, "t parent mysql_engine=InnoDB\n"
			    "c id Integer PK\n"
			    "c name String(64) NN D'x'\n"
			    "c code String(8) UQ\n"
			    "u name,code name=uq_name_code\n"
			    "i ix_parent_name name mysql_length=10\n\n"
			    "t child mysql_engine=InnoDB comment=kids\n"
			    "c id BigInteger PK\n"
			    "c parent_id Integer NN FK=parent.id "
			    "ONDELETE=CASCADE\n"
			    "c label String(20)@utf8mb4_bin\n"
			    "c doc JSON\n"
			    "c created DateTime X=CURRENT_TIMESTAMP\n"
			    "c n Integer COMMENT=it's\n"
			    "c m Integer\n"
			    "c z Integer\n"
			    "c twice Integer STORED AS m * 2\n"
			    "c kind Enum(a,b) NN D'a'\n"
			    "c key String(10) D'a\\b'\n"
			    "k ck_n n > 0\n\n"
			    "t Zeta\nc a Integer PK NOAI\n\n"
			    "create_foreign_key fk_zeta child Zeta z a "
			    "ondelete=SET_NULL"))
		goto done;

	/* table_names: sorted byte by byte */
	char **names = NULL;
	size_t n = 0;
	CHECK(dbm_dialect_mysql.table_names(&o.ddl, &names, &n, &err) == 0);
	CHECK_STR(joined(&b, names, n), "Zeta,child,parent");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);

	CHECK(dbm_dialect_mysql.reflect_table(&o.ddl, "child", &t, &err) == 0);
	CHECK_STR(t.name, "child");
	CHECK(t.columns.len == 11);
	const struct dbm_column *c = column(&t, "id");
	CHECK_STR(type_text(&b, c), "bigint(20)");
	CHECK(c && c->primary_key && !c->nullable && c->autoincrement == 1);
	c = column(&t, "parent_id");
	CHECK_STR(type_text(&b, c), "int(11)");
	CHECK(c && !c->nullable && c->autoincrement == 0 && !c->primary_key);
	c = column(&t, "label");
	CHECK_STR(type_text(&b, c), "varchar(20) COLLATE utf8mb4_bin");
	CHECK(c && c->nullable && c->autoincrement == -1);
	CHECK_STR(default_text(c), NULL);
	c = column(&t, "doc");
	CHECK_STR(type_text(&b, c), "longtext COLLATE utf8mb4_bin");
	c = column(&t, "created");
	CHECK_STR(type_text(&b, c), "datetime");
	CHECK_STR(default_text(c), "current_timestamp()");
	c = column(&t, "n");
	CHECK_STR(c ? c->comment : NULL, "it's");
	c = column(&t, "twice");
	CHECK_STR(c ? c->computed : NULL, "`m` * 2");
	CHECK(c && c->persisted == 1);
	CHECK_STR(default_text(c), NULL);
	c = column(&t, "kind");
	CHECK_STR(type_text(&b, c), "enum('a','b')");
	CHECK_STR(default_text(c), "'a'");
	CHECK(c && !c->nullable);
	c = column(&t, "key");
	CHECK_STR(default_text(c), "'a\\\\b'");

	const struct dbm_constraint *k =
	    find_constraint(&t, DBM_C_PRIMARY, NULL);
	CHECK(t.constraints.len > 0 &&
	      t.constraints.items[0].kind == DBM_C_PRIMARY);
	CHECK(k && !k->name);
	CHECK_STR(k ? joined(&b, k->columns, k->ncolumns) : NULL, "id");
	CHECK(count_kind(&t, DBM_C_FOREIGN) == 2);
	k = find_constraint(&t, DBM_C_FOREIGN, "child_ibfk_1");
	CHECK_STR(k ? joined(&b, k->columns, k->ncolumns) : NULL, "parent_id");
	CHECK_STR(k ? k->ref_table : NULL, "parent");
	CHECK_STR(k ? joined(&b, k->ref_columns, k->nref_columns) : NULL, "id");
	CHECK_STR(k ? k->ondelete : NULL, "CASCADE");
	CHECK_STR(k ? k->onupdate : NULL, NULL);
	k = find_constraint(&t, DBM_C_FOREIGN, "fk_zeta");
	CHECK_STR(k ? k->ref_table : NULL, "Zeta");
	CHECK_STR(k ? k->ondelete : NULL, "SET NULL");
	/* the JSON column's json_valid() check belongs to the column */
	CHECK(count_kind(&t, DBM_C_CHECK) == 1);
	k = find_constraint(&t, DBM_C_CHECK, "ck_n");
	CHECK_STR(k ? k->check : NULL, "`n` > 0");
	CHECK(count_kind(&t, DBM_C_UNIQUE) == 0);
	/* the keys MySQL made for the foreign keys */
	CHECK_STR(t.indexes.len == 2 ? t.indexes.items[0].name : NULL,
		  "parent_id");
	CHECK_STR(t.indexes.len == 2 ? t.indexes.items[1].name : NULL,
		  "fk_zeta");
	CHECK_STR(dbm_kwarg(t.kwargs, t.nkwargs, "mysql_engine"), "InnoDB");
	CHECK_STR(dbm_kwarg(t.kwargs, t.nkwargs, "mysql_default_charset"),
		  "utf8mb4");
	CHECK_STR(dbm_kwarg(t.kwargs, t.nkwargs, "mysql_collate"),
		  "utf8mb4_general_ci");
	CHECK_STR(t.comment, "kids");

	dbm_table_release(&t);
	dbm_table_init(&t);
	CHECK(dbm_dialect_mysql.reflect_table(&o.ddl, "parent", &t, &err) == 0);
	c = column(&t, "id");
	CHECK(c && c->autoincrement == 1 && c->primary_key);
	CHECK_STR(default_text(column(&t, "name")), "'x'");
	CHECK(count_kind(&t, DBM_C_UNIQUE) == 2);
	k = find_constraint(&t, DBM_C_UNIQUE, "code");
	CHECK_STR(k ? joined(&b, k->columns, k->ncolumns) : NULL, "code");
	k = find_constraint(&t, DBM_C_UNIQUE, "uq_name_code");
	CHECK_STR(k ? joined(&b, k->columns, k->ncolumns) : NULL, "name,code");
	CHECK(t.indexes.len == 1);
	if (t.indexes.len == 1) {
		const struct dbm_index *ix = &t.indexes.items[0];
		CHECK_STR(ix->name, "ix_parent_name");
		CHECK_STR(ix->table, "parent");
		CHECK(!ix->unique);
		CHECK_STR(joined(&b, ix->columns, ix->ncolumns), "name");
		CHECK_STR(dbm_kwarg(ix->kwargs, ix->nkwargs, "mysql_length"),
			  "name=10");
	}

	/* names are compared byte for byte */
	dbm_table_release(&t);
	dbm_table_init(&t);
	dbm_err_clear(&err);
	CHECK(dbm_dialect_mysql.reflect_table(&o.ddl, "zeta", &t, &err) < 0);
	CHECK_STR(err.msg, "no such table 'zeta'");
	dbm_err_clear(&err);
	CHECK(dbm_dialect_mysql.reflect_table(&o.ddl, "nope", &t, &err) < 0);
	CHECK_STR(err.msg, "no such table 'nope'");
	dbm_err_clear(&err);
	CHECK(dbm_dialect_mysql.reflect_table(&o.ddl, "Zeta", &t, &err) == 0);
	c = column(&t, "a");
	CHECK(c && c->autoincrement == 0 && !c->nullable && c->primary_key);
done:
	dbm_table_release(&t);
	dbm_buf_release(&b);
	online_close(&o);
}

static bool table_has(struct online *o, const char *name)
{
	char **names = NULL;
	size_t n = 0;
	bool found = false;
	struct dbm_err err = DBM_ERR_INIT;
	if (dbm_dialect_mysql.table_names(&o->ddl, &names, &n, &err) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		found = found || strcmp(names[i], name) == 0;
		free(names[i]);
	}
	free(names);
	return found;
}

/* Reflect table into t (released first); false on failure. */
static bool reflect(struct online *o, const char *table, struct dbm_table *t)
{
	struct dbm_err err = DBM_ERR_INIT;
	dbm_table_release(t);
	if (dbm_dialect_mysql.reflect_table(&o->ddl, table, t, &err) == 0)
		return true;
	fprintf(stderr, "reflect '%s': %s\n", table, err.msg);
	return false;
}

static const char *last_applied(struct online *o)
{
	return o->ddl.applied.len ? o->ddl.applied.items[o->ddl.applied.len - 1]
				  : NULL;
}

static void test_online_ops(void)
{
	struct online o;
	struct dbm_table t;
	struct dbm_err err = DBM_ERR_INIT;
	const struct dbm_column *c;

	dbm_table_init(&t);
	if (!online_open(&o, "ops"))
		goto done;
	/* MariaDB's own reserved words are quoted online */
	if (!run_online(&o, "t a mysql_engine=InnoDB\nc id Integer PK\n"
			    "c status String(20) NN D'new'\n"
			    "c current_role String(10)\nc n Integer\n"
			    "k ck_a n > 0"))
		goto done;
	CHECK(reflect(&o, "a", &t));
	CHECK(column(&t, "current_role") != NULL);
	CHECK(count_kind(&t, DBM_C_CHECK) == 1);

	/* a CHECK is dropped with DROP CONSTRAINT on MariaDB */
	CHECK(run_online(&o, "drop_constraint a ck_a check"));
	CHECK_STR(last_applied(&o), "ALTER TABLE a DROP CONSTRAINT ck_a");
	CHECK(reflect(&o, "a", &t));
	CHECK(count_kind(&t, DBM_C_CHECK) == 0);

	/* MODIFY without existing_*: NOT NULL and the default are gone */
	CHECK(run_online(&o, "alter_column a status type=String(40)"));
	CHECK_STR(last_applied(&o), "ALTER TABLE a MODIFY status VARCHAR(40) "
				    "NULL");
	CHECK(reflect(&o, "a", &t));
	c = column(&t, "status");
	CHECK(c && c->nullable);
	CHECK_STR(default_text(c), NULL);
	struct dbm_buf b = DBM_BUF_INIT;
	CHECK_STR(type_text(&b, c), "varchar(40)");
	dbm_buf_release(&b);

	/* and with them, kept */
	CHECK(run_online(&o,
			 "alter_column a n nullable=0 existing_type=Integer "
			 "existing_default='3'"));
	CHECK(run_online(&o, "alter_column a n new_name=m "
			     "existing_type=Integer existing_nullable=0 "
			     "existing_default='3'"));
	CHECK_STR(last_applied(&o),
		  "ALTER TABLE a CHANGE n m INTEGER NOT NULL DEFAULT '3'");
	CHECK(reflect(&o, "a", &t));
	CHECK(column(&t, "n") == NULL);
	c = column(&t, "m");
	CHECK(c && !c->nullable);
	CHECK_STR(default_text(c), "3");

	/* only the default */
	CHECK(run_online(&o, "alter_column a status default='old'"));
	CHECK(reflect(&o, "a", &t));
	CHECK_STR(default_text(column(&t, "status")), "'old'");
	CHECK(run_online(&o, "alter_column a status default=none"));
	CHECK_STR(last_applied(&o), "ALTER TABLE a ALTER COLUMN status DROP "
				    "DEFAULT");
	CHECK(reflect(&o, "a", &t));
	CHECK_STR(default_text(column(&t, "status")), NULL);

	/* rename, indexes, constraints, columns */
	CHECK(run_online(&o, "rename_table a b"));
	CHECK(table_has(&o, "b") && !table_has(&o, "a"));
	CHECK(run_online(&o, "create_index ix_b_status b status\n\n"
			     "create_unique_constraint uq_b b status,m\n\n"
			     "t p\nc id Integer PK\n\n"
			     "create_foreign_key fk_b_p b p m id "
			     "ondelete=CASCADE\n\n"
			     "add_column b\nc extra JSON\n\n"
			     "add_column b\nc code String(8) UQ IX"));
	CHECK(reflect(&o, "b", &t));
	CHECK(find_constraint(&t, DBM_C_UNIQUE, "uq_b") != NULL);
	CHECK(find_constraint(&t, DBM_C_FOREIGN, "fk_b_p") != NULL);
	CHECK(column(&t, "extra") != NULL);
	/* index=True with unique=True: a unique index, reported as unique */
	CHECK(find_constraint(&t, DBM_C_UNIQUE, "ix_b_code") != NULL);
	CHECK(t.indexes.len == 2); /* ix_b_status and fk_b_p's key */
	CHECK(run_online(&o, "drop_index ix_b_status b\n\n"
			     "drop_constraint b uq_b unique\n\n"
			     "drop_constraint b fk_b_p foreignkey\n\n"
			     "drop_column b extra"));
	CHECK(reflect(&o, "b", &t));
	CHECK(find_constraint(&t, DBM_C_UNIQUE, "uq_b") == NULL);
	CHECK(find_constraint(&t, DBM_C_FOREIGN, NULL) == NULL);
	CHECK(column(&t, "extra") == NULL);
	CHECK(t.indexes.len == 1); /* the foreign key's key stays */

	/* a failure keeps the statement and says what the server said */
	size_t applied = o.ddl.applied.len;
	CHECK(run_op(&o.ddl, "drop_table nope", &err) < 0);
	CHECK_STR(o.ddl.failed_sql, "DROP TABLE nope");
	CHECK(strstr(err.msg, "nope") != NULL);
	CHECK(o.ddl.applied.len == applied);
done:
	dbm_table_release(&t);
	online_close(&o);
}

/* mysqldump of the test database, normalized as the reference README. */

static void shell_quote(struct dbm_buf *b, const char *s)
{
	dbm_buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			dbm_buf_adds(b, "'\\''");
		else
			dbm_buf_addch(b, *s);
	}
	dbm_buf_addch(b, '\'');
}

static char *mysqldump(struct online *o)
{
	struct dbm_buf cmd = DBM_BUF_INIT, out = DBM_BUF_INIT;
	const char *sock = dbm_url_query(&o->url, "unix_socket");
	char chunk[4096];
	size_t n;

	if (!sock)
		sock = dbm_url_query(&o->url, "host");
	/* the password travels in the environment, never on a command line */
	if (o->url.password)
		setenv("MYSQL_PWD", o->url.password, 1);
	dbm_buf_adds(&cmd, "mysqldump --no-defaults");
	if (sock) {
		dbm_buf_adds(&cmd, " --socket=");
		shell_quote(&cmd, sock);
	} else {
		dbm_buf_adds(&cmd, " --protocol=tcp --host=");
		shell_quote(&cmd, o->url.host ? o->url.host : "127.0.0.1");
		dbm_buf_addf(&cmd, " --port=%d",
			     o->url.port ? o->url.port : 3306);
	}
	if (o->url.username) {
		dbm_buf_adds(&cmd, " --user=");
		shell_quote(&cmd, o->url.username);
	}
	dbm_buf_adds(&cmd, " --no-data --skip-comments --compact "
			   "--skip-add-drop-table ");
	shell_quote(&cmd, o->db);
	dbm_buf_adds(&cmd, " 2>&1");
	FILE *p = popen(cmd.buf, "r");
	if (p) {
		while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
			dbm_buf_add(&out, chunk, n);
		if (pclose(p) != 0)
			fprintf(stderr, "mysqldump failed: %s\n", out.buf);
	}
	unsetenv("MYSQL_PWD");
	dbm_buf_release(&cmd);
	return dbm_buf_detach(&out);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort runs[0..n) of "  KEY " lines, commas re-placed. */
static void sort_keys(struct dbm_buf *out, char **run, size_t n)
{
	bool last_comma = n && run[n - 1][strlen(run[n - 1]) - 1] == ',';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(run[i]);
		if (len && run[i][len - 1] == ',')
			run[i][len - 1] = '\0';
	}
	if (n)
		qsort(run, n, sizeof(*run), cmp_line);
	for (size_t i = 0; i < n; i++) {
		dbm_buf_adds(out, run[i]);
		if (i + 1 < n || last_comma)
			dbm_buf_addch(out, ',');
		dbm_buf_addch(out, '\n');
		free(run[i]);
	}
}

static char *normalize_dump(const char *dump)
{
	struct dbm_buf out = DBM_BUF_INIT;
	DBM_VEC(char *) run = DBM_VEC_INIT;
	for (const char *p = dump; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		struct dbm_buf line = DBM_BUF_INIT;
		dbm_buf_add(&line, p, len);
		p += len + (eol ? 1 : 0);
		if (strncmp(line.buf, "/*M!999999", 10) == 0) {
			dbm_buf_release(&line);
			continue;
		}
		/* " AUTO_INCREMENT=N" of the table options */
		char *ai = strstr(line.buf, " AUTO_INCREMENT=");
		if (ai) {
			char *end = ai + 16;
			while (*end >= '0' && *end <= '9')
				end++;
			memmove(ai, end, strlen(end) + 1);
			line.len = strlen(line.buf);
		}
		if (strncmp(line.buf, "  KEY ", 6) == 0) {
			dbm_vec_push(&run, dbm_buf_detach(&line));
			continue;
		}
		sort_keys(&out, run.items, run.len);
		run.len = 0;
		dbm_buf_adds(&out, line.buf);
		dbm_buf_addch(&out, '\n');
		dbm_buf_release(&line);
	}
	sort_keys(&out, run.items, run.len);
	dbm_vec_release(&run);
	return dbm_buf_detach(&out);
}

/*
 * Tacker's chain replayed op by op, as Alembic ran it on an empty
 * MariaDB, the dump compared after each revision a fixture exists for.
 */
static void test_chain(void)
{
	struct online o;
	char *text = NULL;
	size_t nrevs = 0, ndumps = 0;

	if (!online_open(&o, "chain"))
		goto done;
	text = read_fixture("chain.txt");
	CHECK(text != NULL);
	if (!text)
		goto done;
	for (char *p = strstr(text, "\n@ "); p;) {
		char *header = p + 1;
		char *eol = strchr(header, '\n');
		char *next = strstr(eol, "\n@ ");
		/* a revision without ops: its header line ends at next */
		const char *ops = next == eol ? "" : eol + 1;
		*eol = '\0';
		if (next && next != eol)
			*next = '\0';
		nrevs++;
		if (!run_online(&o, ops)) {
			fprintf(stderr, "chain stopped at revision %s\n",
				header + 2);
			break;
		}
		/* "@ 001 1c6b0d82afcd" -> dump/001_1c6b0d82afcd.sql */
		struct dbm_buf name = DBM_BUF_INIT;
		dbm_buf_addf(&name, "dump/%.3s_%s.sql", header + 2, header + 6);
		struct dbm_buf path = DBM_BUF_INIT;
		fixture_path(&path, name.buf);
		char *want = read_file(path.buf);
		if (want) {
			char *dump = mysqldump(&o);
			char *got = normalize_dump(dump);
			if (strcmp(got, want) != 0)
				fprintf(stderr, "dump after %s differs\n",
					header + 2);
			CHECK_STR(got, want);
			free(got);
			free(dump);
			free(want);
			ndumps++;
		}
		dbm_buf_release(&path);
		dbm_buf_release(&name);
		p = next;
		if (next)
			*next = '\n';
	}
	CHECK(nrevs == 72);
	CHECK(ndumps == 15);
done:
	free(text);
	online_close(&o);
}

/* What MariaDB makes of the types and options the chain does not use. */
static void test_small_dump(void)
{
	struct online o;
	if (!online_open(&o, "small"))
		goto done;
	if (!run_online(&o,
			"t s1 mysql_engine=InnoDB mysql_charset=utf8mb4 "
			"comment=small\n"
			"c id Integer PK\n"
			"c name String(64)@utf8mb4_bin NN\n"
			"c body Text\n"
			"c kind VEnum(aa,b) D'aa'\n"
			"c state Enum(on,off)\n"
			"c flag Boolean NN X=true\n"
			"c big TEXT(65535)\n"
			"c price Numeric(10,2)\n"
			"c ratio Float\n"
			"c ts Raw(TIMESTAMP)\n"
			"c d Date\n"
			"c t Time\n"
			"c data LargeBinary\n"
			"c n SmallInteger COMMENT=count\n"
			"k ck_price price >= 0\n"
			"i ix_s1_name name mysql_length=8\n"
			"i ft_s1_body body mysql_prefix=FULLTEXT\n\n"
			"alter_column s1 big type=Text existing_nullable=0\n\n"
			"alter_column s1 name new_name=title "
			"existing_type=String(64)@utf8mb4_bin "
			"existing_nullable=0"))
		goto done;
	char *dump = mysqldump(&o);
	char *got = normalize_dump(dump);
	CHECK_STR(got,
		  "/*!40101 SET @saved_cs_client     = @@character_set_client "
		  "*/;\n"
		  "/*!40101 SET character_set_client = utf8mb4 */;\n"
		  "CREATE TABLE `s1` (\n"
		  "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
		  "  `title` varchar(64) CHARACTER SET utf8mb4 COLLATE "
		  "utf8mb4_bin NOT NULL,\n"
		  "  `body` text DEFAULT NULL,\n"
		  "  `kind` varchar(2) DEFAULT 'aa',\n"
		  "  `state` enum('on','off') DEFAULT NULL,\n"
		  "  `flag` tinyint(1) NOT NULL DEFAULT 1,\n"
		  "  `big` text NOT NULL,\n"
		  "  `price` decimal(10,2) DEFAULT NULL,\n"
		  "  `ratio` float DEFAULT NULL,\n"
		  "  `ts` timestamp NULL DEFAULT NULL,\n"
		  "  `d` date DEFAULT NULL,\n"
		  "  `t` time DEFAULT NULL,\n"
		  "  `data` blob DEFAULT NULL,\n"
		  "  `n` smallint(6) DEFAULT NULL COMMENT 'count',\n"
		  "  PRIMARY KEY (`id`),\n"
		  "  KEY `ix_s1_name` (`title`(8)),\n"
		  "  FULLTEXT KEY `ft_s1_body` (`body`),\n"
		  "  CONSTRAINT `ck_price` CHECK (`price` >= 0)\n"
		  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
		  "COLLATE=utf8mb4_general_ci COMMENT='small';\n"
		  "/*!40101 SET character_set_client = @saved_cs_client */;\n");
	free(got);
	free(dump);
done:
	online_close(&o);
}

int main(void)
{
	test_dialect_table();
	test_types();
	test_quote();
	test_literals();
	test_reference_offline();
	test_source_cases();
	test_reflect();
	test_online_ops();
	test_small_dump();
	test_chain();
	return t_done();
}
