/*
 * The SQLite dialect: golden SQL offline (one line of data per case where
 * possible), then the operations on a real in-memory database, table
 * rebuilds above all: rows kept, schema as expected, indexes kept, foreign
 * keys of other tables intact, failures rolled back.
 */
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "mem.h"
#include "reflect_sqlite.h"
#include "t.h"
#include "url.h"

/* Building schema objects. */

/* A NULL-terminated CSV split into owned strings: "a,b" -> {a, b}. */
static char **split(const char *csv, size_t *n)
{
	char **v = NULL;
	*n = 0;
	if (!csv || !*csv)
		return NULL;
	v = dbm_xcalloc(strlen(csv) + 1, sizeof(*v));
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

static char *dup(const char *s)
{
	return s ? dbm_xstrdup(s) : NULL;
}

enum {
	NN = 1,	     /* nullable=False */
	PK = 2,	     /* primary_key=True */
	UQ = 4,	     /* unique=True */
	IX = 8,	     /* index=True */
	AUTOINC = 16 /* autoincrement=True */
};

static struct dbm_type type_of(enum dbm_type_kind kind, int length)
{
	struct dbm_type t;
	dbm_type_init(&t, kind);
	t.length = length;
	return t;
}

static struct dbm_column *add_col(struct dbm_table *t, const char *name,
				  enum dbm_type_kind kind, int length,
				  unsigned flags)
{
	struct dbm_column c;
	dbm_column_init(&c);
	c.name = dup(name);
	c.type = type_of(kind, length);
	c.nullable = flags & NN ? 0 : 1;
	c.primary_key = flags & PK;
	c.unique = flags & UQ;
	c.index = flags & IX;
	c.autoincrement = flags & AUTOINC ? 1 : -1;
	dbm_vec_push(&t->columns, c);
	return &t->columns.items[t->columns.len - 1];
}

static void set_default(struct dbm_column *c, enum dbm_default_kind kind,
			const char *text)
{
	dbm_default_release(&c->server_default);
	c->server_default.kind = kind;
	c->server_default.text = dup(text);
}

static void add_fkref(struct dbm_column *c, const char *target,
		      const char *name, const char *ondelete)
{
	c->fks = dbm_xrealloc(c->fks, (c->nfks + 1) * sizeof(*c->fks));
	struct dbm_fkref *f = &c->fks[c->nfks++];
	memset(f, 0, sizeof(*f));
	f->target = dup(target);
	f->name = dup(name);
	f->ondelete = dup(ondelete);
}

static struct dbm_constraint con(enum dbm_constraint_kind kind,
				 const char *name, const char *cols,
				 const char *ref_table, const char *ref_cols)
{
	struct dbm_constraint c;
	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.name = dup(name);
	if (kind == DBM_C_CHECK)
		c.check = dup(cols);
	else
		c.columns = split(cols, &c.ncolumns);
	c.ref_table = dup(ref_table);
	c.ref_columns = split(ref_cols, &c.nref_columns);
	return c;
}

static struct dbm_constraint *
add_con(struct dbm_table *t, enum dbm_constraint_kind kind, const char *name,
	const char *cols, const char *ref_table, const char *ref_cols)
{
	dbm_vec_push(&t->constraints,
		     con(kind, name, cols, ref_table, ref_cols));
	return &t->constraints.items[t->constraints.len - 1];
}

/* An index; a column written "(...)" is an expression. */
static struct dbm_index idx(const char *name, const char *table, bool unique,
			    const char *cols)
{
	struct dbm_index ix;
	memset(&ix, 0, sizeof(ix));
	ix.name = dup(name);
	ix.table = dup(table);
	ix.unique = unique;
	ix.columns = split(cols, &ix.ncolumns);
	ix.expr = dbm_xcalloc(ix.ncolumns + 1, sizeof(*ix.expr));
	for (size_t i = 0; i < ix.ncolumns; i++) {
		char *c = ix.columns[i];
		if (c[0] == '(') {
			memmove(c, c + 1, strlen(c));
			c[strlen(c) - 1] = '\0';
			ix.expr[i] = true;
		}
	}
	return ix;
}

static void add_kw(char ***kwargs, size_t *n, const char *k, const char *v)
{
	*kwargs = dbm_xrealloc(*kwargs, 2 * (*n + 1) * sizeof(**kwargs));
	(*kwargs)[2 * *n] = dup(k);
	(*kwargs)[2 * *n + 1] = dup(v);
	(*n)++;
}

static struct dbm_table table(const char *name)
{
	struct dbm_table t;
	dbm_table_init(&t);
	t.name = dup(name);
	return t;
}

/* Offline runs: a sink that joins the statements with ";\n". */

static void collect(void *payload, const char *sql)
{
	struct dbm_buf *b = payload;
	if (b->len)
		dbm_buf_adds(b, ";\n");
	dbm_buf_adds(b, sql);
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
	o->ddl.dialect = &dbm_dialect_sqlite;
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

/* Golden: types. */

static void test_types(void)
{
	static const struct {
		enum dbm_type_kind kind;
		int length, precision, scale;
		const char *collation, *want;
	} cases[] = {
	    {DBM_T_STRING, 36, -1, -1, NULL, "VARCHAR(36)"},
	    {DBM_T_STRING, -1, -1, -1, NULL, "VARCHAR"},
	    {DBM_T_STRING, 0, -1, -1, NULL, "VARCHAR"},
	    {DBM_T_STRING, 10, -1, -1, "NOCASE",
	     "VARCHAR(10) COLLATE \"NOCASE\""},
	    {DBM_T_TEXT, -1, -1, -1, NULL, "TEXT"},
	    {DBM_T_TEXT, 65535, -1, -1, NULL, "TEXT(65535)"},
	    {DBM_T_INTEGER, -1, -1, -1, NULL, "INTEGER"},
	    {DBM_T_BIGINT, -1, -1, -1, NULL, "BIGINT"},
	    {DBM_T_SMALLINT, -1, -1, -1, NULL, "SMALLINT"},
	    {DBM_T_BOOLEAN, -1, -1, -1, NULL, "BOOLEAN"},
	    {DBM_T_DATETIME, -1, -1, -1, NULL, "DATETIME"},
	    {DBM_T_DATE, -1, -1, -1, NULL, "DATE"},
	    {DBM_T_TIME, -1, -1, -1, NULL, "TIME"},
	    {DBM_T_FLOAT, -1, -1, -1, NULL, "FLOAT"},
	    {DBM_T_FLOAT, -1, 53, -1, NULL, "FLOAT"},
	    {DBM_T_NUMERIC, -1, -1, -1, NULL, "NUMERIC"},
	    {DBM_T_NUMERIC, -1, 10, -1, NULL, "NUMERIC(10)"},
	    {DBM_T_NUMERIC, -1, 10, 2, NULL, "NUMERIC(10, 2)"},
	    {DBM_T_JSON, -1, -1, -1, NULL, "JSON"},
	    {DBM_T_LARGEBINARY, -1, -1, -1, NULL, "BLOB"},
	    {DBM_T_LARGEBINARY, 100, -1, -1, NULL, "BLOB"},
	    {DBM_T_PICKLE, -1, -1, -1, NULL, "BLOB"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dbm_buf b = DBM_BUF_INIT;
		struct dbm_type t = type_of(cases[i].kind, cases[i].length);
		t.precision = cases[i].precision;
		t.scale = cases[i].scale;
		t.collation = dup(cases[i].collation);
		dbm_dialect_sqlite.type(&b, &t);
		CHECK_STR(b.buf, cases[i].want);
		dbm_type_release(&t);
		dbm_buf_release(&b);
	}

	/* Enum: VARCHAR as long as the longest value, in characters. */
	static const struct {
		const char *values;
		int length;
		const char *want;
	} enums[] = {
	    {"a,bbb,cc", -1, "VARCHAR(3)"},
	    {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9,ab", -1, "VARCHAR(4)"},
	    {"", -1, "VARCHAR"},
	    {"a,b", 20, "VARCHAR(20)"},
	};
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		struct dbm_buf b = DBM_BUF_INIT;
		struct dbm_type t = type_of(DBM_T_ENUM, enums[i].length);
		t.enum_values = split(enums[i].values, &t.nenum_values);
		dbm_dialect_sqlite.type(&b, &t);
		CHECK_STR(b.buf, enums[i].want);
		dbm_type_release(&t);
		dbm_buf_release(&b);
	}

	struct dbm_buf b = DBM_BUF_INIT;
	struct dbm_type raw = type_of(DBM_T_RAW, -1);
	raw.raw = dup("DOUBLE PRECISION");
	dbm_dialect_sqlite.type(&b, &raw);
	CHECK_STR(b.buf, "DOUBLE PRECISION");
	dbm_type_release(&raw);
	dbm_buf_release(&b);
}

/* Golden: identifier quoting. */

static void test_quote(void)
{
	static const struct {
		const char *ident, *want;
	} cases[] = {
	    {"id", "id"},
	    {"vnf_id", "vnf_id"},
	    {"_x", "_x"},
	    {"a$b", "a$b"},
	    {"col2", "col2"},
	    {"user", "user"}, /* not reserved on SQLite */
	    {"key", "\"key\""},
	    {"order", "\"order\""},
	    {"values", "\"values\""},
	    {"true", "\"true\""},
	    {"current_timestamp", "\"current_timestamp\""},
	    {"Name", "\"Name\""},
	    {"KEY", "\"KEY\""},
	    {"my col", "\"my col\""},
	    {"a-b", "\"a-b\""},
	    {"1abc", "\"1abc\""},
	    {"$x", "\"$x\""},
	    {"we\"ird", "\"we\"\"ird\""},
	    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
	    {"", "\"\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dbm_buf b = DBM_BUF_INIT;
		dbm_dialect_sqlite.quote(&b, cases[i].ident);
		CHECK_STR(b.buf, cases[i].want);
		dbm_buf_release(&b);
	}
}

/* Golden: :name binds to positional ones. */

static void test_bind_names(void)
{
	static const struct {
		const char *sql, *want, *names;
	} cases[] = {
	    {"UPDATE t SET a = :a WHERE b = :b_2",
	     "UPDATE t SET a = ? WHERE b = ?", "a,b_2"},
	    {"SELECT :a, :a", "SELECT ?, ?", "a,a"},
	    {"SELECT ':x', \":y\", `:w` FROM t WHERE c = :c",
	     "SELECT ':x', \":y\", `:w` FROM t WHERE c = ?", "c"},
	    {"SELECT 'it''s :x', :y", "SELECT 'it''s :x', ?", "y"},
	    {"SELECT 1 -- :z\nFROM t WHERE d=:d",
	     "SELECT 1 -- :z\nFROM t WHERE d=?", "d"},
	    {"SELECT /* :n */ :m", "SELECT /* :n */ ?", "m"},
	    {"SELECT a::text, b::int FROM t", "SELECT a::text, b::int FROM t",
	     ""},
	    {"SELECT CAST(:v AS TEXT)::varchar",
	     "SELECT CAST(? AS TEXT)::varchar", "v"},
	    {"SELECT x\\:y, '10\\:30'", "SELECT x:y, '10:30'", ""},
	    {"SELECT a:b", "SELECT a:b", ""},
	    {"SELECT :abc:", "SELECT :abc:", ""},
	    {"SELECT :1x, (:p)", "SELECT ?, (?)", "1x,p"},
	    {"SELECT ':unterminated", "SELECT ':unterminated", ""},
	    {"SELECT : a", "SELECT : a", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dbm_buf out = DBM_BUF_INIT, got = DBM_BUF_INIT;
		char **names;
		size_t n;
		dbm_ddl_bind_names(&dbm_dialect_sqlite, &out, cases[i].sql,
				   &names, &n);
		CHECK_STR(out.buf, cases[i].want);
		for (size_t k = 0; k < n; k++) {
			dbm_buf_addf(&got, "%s%s", k ? "," : "", names[k]);
			free(names[k]);
		}
		free(names);
		CHECK_STR(got.buf, cases[i].names);
		dbm_buf_release(&got);
		dbm_buf_release(&out);
	}
}

/* Golden: parameters rendered inline offline. */

static void test_literals(void)
{
	static const unsigned char blob[] = {0x00, 0xff, 0x10};
	const struct dbm_value v[] = {
	    {.kind = DBM_V_NULL},
	    {.kind = DBM_V_INT, .i = -5},
	    {.kind = DBM_V_REAL, .r = 1.5},
	    {.kind = DBM_V_TEXT, .s = "it's"},
	    {.kind = DBM_V_BLOB, .s = (const char *)blob, .n = 3},
	    {.kind = DBM_V_REAL, .r = 1.0},
	    {.kind = DBM_V_REAL, .r = 0.1},
	    {.kind = DBM_V_REAL, .r = 1e20},
	    {.kind = DBM_V_INT, .i = INT64_MIN},
	    {.kind = DBM_V_TEXT, .s = "a?b"},
	};
	static const struct {
		const char *sql;
		size_t first, n;
		const char *want;
	} cases[] = {
	    {"INSERT INTO t VALUES (?, ?, ?, ?, ?)", 0, 5,
	     "INSERT INTO t VALUES (NULL, -5, 1.5, 'it''s', X'00FF10')"},
	    {"SELECT ?, ?, ?", 5, 3, "SELECT 1.0, 0.1, 1e+20"},
	    {"SELECT ?", 8, 1, "SELECT -9223372036854775808"},
	    {"SELECT '?', \"?\", ? -- ?\n/* ? */", 9, 1,
	     "SELECT '?', \"?\", 'a?b' -- ?\n/* ? */"},
	    {"SELECT 1", 0, 0, "SELECT 1"},
	    {"SELECT ?, ?", 0, 1,
	     "error: statement takes 2 parameters, 1 given"},
	    {"SELECT 1", 0, 1, "error: statement takes 0 parameters, 1 given"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct offline o;
		offline_init(&o);
		struct dbm_result *res = (struct dbm_result *)&o;
		int rc = dbm_ddl_exec(&o.ddl, cases[i].sql, v + cases[i].first,
				      cases[i].n, &res, &o.err);
		CHECK(res == NULL);
		CHECK_STR(outcome(&o, rc), cases[i].want);
		CHECK_STR(o.ddl.failed_sql, rc < 0 ? cases[i].sql : NULL);
		CHECK(o.ddl.applied.len == 0);
		offline_release(&o);
	}

	/* A literal server default goes through the same renderer. */
	struct offline o;
	struct dbm_default d = {DBM_DEFAULT_LITERAL, (char *)"O'Neil"};
	offline_init(&o);
	dbm_ddl_default(&o.ddl, &o.out, &d);
	CHECK_STR(o.out.buf, "'O''Neil'");
	dbm_buf_reset(&o.out);
	d.kind = DBM_DEFAULT_EXPR;
	d.text = (char *)"CURRENT_TIMESTAMP";
	dbm_ddl_default(&o.ddl, &o.out, &d);
	CHECK_STR(o.out.buf, "CURRENT_TIMESTAMP");
	offline_release(&o);
}

/* Golden: CREATE TABLE. */

static void check_create(struct dbm_table *t, const char *want)
{
	struct offline o;
	offline_init(&o);
	int rc = dbm_dialect_sqlite.create_table(&o.ddl, t, &o.err);
	CHECK_STR(outcome(&o, rc), want);
	offline_release(&o);
	dbm_table_release(t);
}

static void test_create_table(void)
{
	struct dbm_table t = table("devicetemplateattributes");
	add_col(&t, "id", DBM_T_STRING, 36, NN);
	add_col(&t, "template_id", DBM_T_STRING, 36, NN);
	add_col(&t, "key", DBM_T_STRING, 255, NN);
	add_col(&t, "value", DBM_T_STRING, 4096, 0);
	add_con(&t, DBM_C_FOREIGN, NULL, "template_id", "devicetemplates",
		"id");
	add_con(&t, DBM_C_PRIMARY, NULL, "id", NULL, NULL);
	add_kw(&t.kwargs, &t.nkwargs, "mysql_engine", "InnoDB");
	/* the reference dump of Alembic's run on SQLite */
	check_create(&t, "CREATE TABLE devicetemplateattributes (\n"
			 "\tid VARCHAR(36) NOT NULL, \n"
			 "\ttemplate_id VARCHAR(36) NOT NULL, \n"
			 "\t\"key\" VARCHAR(255) NOT NULL, \n"
			 "\tvalue VARCHAR(4096), \n"
			 "\tPRIMARY KEY (id), \n"
			 "\tFOREIGN KEY(template_id) REFERENCES "
			 "devicetemplates (id)\n"
			 ")");

	/* Column flags: PK, unique, index, ForeignKey; defaults. */
	t = table("Vnf");
	add_col(&t, "id", DBM_T_INTEGER, -1, PK | NN);
	struct dbm_column *c = add_col(&t, "vnfd_id", DBM_T_STRING, 36, NN);
	add_fkref(c, "vnfd.id", NULL, "CASCADE");
	c = add_col(&t, "status", DBM_T_STRING, 255, NN | IX);
	set_default(c, DBM_DEFAULT_LITERAL, "ACTIVE");
	c = add_col(&t, "created_at", DBM_T_DATETIME, -1, 0);
	set_default(c, DBM_DEFAULT_EXPR, "CURRENT_TIMESTAMP");
	add_col(&t, "Name", DBM_T_STRING, 255, UQ);
	c = add_col(&t, "vim_id", DBM_T_STRING, 36, 0);
	add_fkref(c, "public.vims.id", "fk_vim", NULL);
	c->fks[0].onupdate = dup("SET NULL");
	add_col(&t, "code", DBM_T_STRING, 8, UQ | IX);
	add_con(&t, DBM_C_UNIQUE, "uniq_vnf0name0status", "Name,status", NULL,
		NULL);
	add_con(&t, DBM_C_CHECK, "ck_status", "status <> ''", NULL, NULL);
	add_con(&t, DBM_C_FOREIGN, "fk_self", "vnfd_id", "Vnf", "id");
	add_con(&t, DBM_C_CHECK, NULL, "id > 0", NULL, NULL);
	dbm_vec_push(&t.indexes, idx("ix_vnf_created", "Vnf", false,
				     "created_at,(lower(\"Name\"))"));
	check_create(&t,
		     "CREATE TABLE \"Vnf\" (\n"
		     "\tid INTEGER NOT NULL, \n"
		     "\tvnfd_id VARCHAR(36) NOT NULL, \n"
		     "\tstatus VARCHAR(255) DEFAULT 'ACTIVE' NOT NULL, \n"
		     "\tcreated_at DATETIME DEFAULT CURRENT_TIMESTAMP, \n"
		     "\t\"Name\" VARCHAR(255), \n"
		     "\tvim_id VARCHAR(36), \n"
		     "\tcode VARCHAR(8), \n"
		     "\tPRIMARY KEY (id), \n"
		     "\tCONSTRAINT uniq_vnf0name0status UNIQUE (\"Name\", "
		     "status), \n"
		     "\tCONSTRAINT ck_status CHECK (status <> ''), \n"
		     "\tCONSTRAINT fk_self FOREIGN KEY(vnfd_id) REFERENCES "
		     "\"Vnf\" (id), \n"
		     "\tCHECK (id > 0), \n"
		     "\tFOREIGN KEY(vnfd_id) REFERENCES vnfd (id) ON DELETE "
		     "CASCADE, \n"
		     "\tUNIQUE (\"Name\"), \n"
		     "\tCONSTRAINT fk_vim FOREIGN KEY(vim_id) REFERENCES vims "
		     "(id) ON UPDATE SET NULL\n"
		     ");\n"
		     "CREATE INDEX \"ix_Vnf_status\" ON \"Vnf\" (status);\n"
		     "CREATE UNIQUE INDEX \"ix_Vnf_code\" ON \"Vnf\" (code);\n"
		     "CREATE INDEX ix_vnf_created ON \"Vnf\" (created_at, "
		     "lower(\"Name\"))");

	/* A named PrimaryKeyConstraint wins over the column flags. */
	t = table("alembic_version");
	add_col(&t, "version_num", DBM_T_STRING, 32, NN);
	add_con(&t, DBM_C_PRIMARY, "alembic_version_pkc", "version_num", NULL,
		NULL);
	check_create(&t, "CREATE TABLE alembic_version (\n"
			 "\tversion_num VARCHAR(32) NOT NULL, \n"
			 "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
			 "(version_num)\n"
			 ")");

	/* Composite key from flags: an autoincrement=True integer first. */
	t = table("pairs");
	add_col(&t, "a", DBM_T_STRING, 10, PK | NN);
	add_col(&t, "b", DBM_T_INTEGER, -1, PK | NN | AUTOINC);
	check_create(&t, "CREATE TABLE pairs (\n"
			 "\ta VARCHAR(10) NOT NULL, \n"
			 "\tb INTEGER NOT NULL, \n"
			 "\tPRIMARY KEY (b, a)\n"
			 ")");

	/* sqlite_autoincrement and sqlite_with_rowid. */
	t = table("counters");
	add_col(&t, "id", DBM_T_INTEGER, -1, PK | NN);
	add_col(&t, "n", DBM_T_BIGINT, -1, 0);
	add_kw(&t.kwargs, &t.nkwargs, "sqlite_autoincrement", "true");
	check_create(&t, "CREATE TABLE counters (\n"
			 "\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n"
			 "\tn BIGINT\n"
			 ")");
	t = table("kv");
	add_col(&t, "k", DBM_T_TEXT, -1, PK | NN);
	add_kw(&t.kwargs, &t.nkwargs, "sqlite_with_rowid", "false");
	check_create(&t, "CREATE TABLE kv (\n"
			 "\tk TEXT NOT NULL, \n"
			 "\tPRIMARY KEY (k)\n"
			 ")\n WITHOUT ROWID");

	/* Computed columns and an expression default. */
	t = table("calc");
	add_col(&t, "a", DBM_T_INTEGER, -1, 0);
	c = add_col(&t, "twice", DBM_T_INTEGER, -1, 0);
	c->computed = dup("a * 2");
	c->persisted = 1;
	c = add_col(&t, "thrice", DBM_T_INTEGER, -1, 0);
	c->computed = dup("a * 3");
	c = add_col(&t, "at", DBM_T_TEXT, -1, NN);
	set_default(c, DBM_DEFAULT_EXPR, "(datetime('now'))");
	check_create(&t,
		     "CREATE TABLE calc (\n"
		     "\ta INTEGER, \n"
		     "\ttwice INTEGER GENERATED ALWAYS AS (a * 2) STORED, \n"
		     "\tthrice INTEGER GENERATED ALWAYS AS (a * 3), \n"
		     "\tat TEXT DEFAULT (datetime('now')) NOT NULL\n"
		     ")");

	/* Errors. */
	t = table("bad");
	c = add_col(&t, "x", DBM_T_INTEGER, -1, 0);
	add_fkref(c, "y.id", NULL, "EXPLODE");
	check_create(&t, "error: unexpected ondelete action 'EXPLODE'");
	t = table("bad");
	c = add_col(&t, "x", DBM_T_INTEGER, -1, 0);
	add_fkref(c, "noDot", NULL, NULL);
	check_create(&t, "error: foreign key of column 'x' must name "
			 "'table.column', not 'noDot'");
	t = table("bad");
	add_col(&t, "x", DBM_T_INTEGER, -1, 0);
	dbm_vec_push(&t.indexes, idx(NULL, "bad", false, "x"));
	check_create(&t, "error: an index on table 'bad' needs a name");
}

/* Golden: the other operations, one line each. */

enum op {
	DROP_TABLE,	 /* a */
	RENAME_TABLE,	 /* a -> b */
	DROP_COLUMN,	 /* table a, column b */
	DROP_INDEX,	 /* name a, table b */
	CREATE_INDEX,	 /* name a, table b, columns c; d: see run_op */
	RENAME_COLUMN,	 /* table a: b -> c */
	ALTER_NULL,	 /* table a, column b: nullable=False */
	ALTER_COMMENT,	 /* table a, column b: comment= only */
	ADD_COLUMN,	 /* table a, column b VARCHAR(10), flags in d */
	ADD_UNIQUE,	 /* table a, name b, columns c */
	ADD_FK,		 /* table a, name b */
	DROP_CONSTRAINT, /* table a, name b, type_ c */
};

static int run_op(struct dbm_ddl *ddl, enum op op, const char *a, const char *b,
		  const char *c, const char *d, struct dbm_err *err)
{
	const struct dbm_dialect *s = &dbm_dialect_sqlite;
	int rc = -1;
	switch (op) {
	case DROP_TABLE:
		return s->drop_table(ddl, a, err);
	case RENAME_TABLE:
		return s->rename_table(ddl, a, b, err);
	case DROP_COLUMN:
		return s->drop_column(ddl, a, b, err);
	case DROP_INDEX:
		return s->drop_index(ddl, a, b, err);
	case CREATE_INDEX: {
		/* d: "unique", or the WHERE of a partial index */
		bool unique = d && strcmp(d, "unique") == 0;
		struct dbm_index ix = idx(a, b, unique, c);
		if (d && !unique)
			add_kw(&ix.kwargs, &ix.nkwargs, "sqlite_where", d);
		rc = s->create_index(ddl, &ix, err);
		dbm_index_release(&ix);
		return rc;
	}
	case RENAME_COLUMN:
	case ALTER_NULL:
	case ALTER_COMMENT: {
		struct dbm_alter_column ac = {
		    .table = a,
		    .column = b,
		    .nullable = op == ALTER_NULL ? 0 : -1,
		    .new_name = op == RENAME_COLUMN ? c : NULL,
		    .existing_nullable = -1,
		    .autoincrement = -1,
		    .comment = op == ALTER_COMMENT ? "hello" : NULL,
		};
		return s->alter_column(ddl, &ac, err);
	}
	case ADD_COLUMN: {
		struct dbm_table t = table(a);
		unsigned flags = 0;
		for (const char *p = d ? d : ""; *p; p++)
			flags |= *p == 'N'   ? NN
				 : *p == 'U' ? UQ
				 : *p == 'I' ? IX
				 : *p == 'P' ? PK
					     : 0;
		struct dbm_column *col =
		    add_col(&t, b, DBM_T_STRING, 10, flags);
		if (d && strchr(d, 'D'))
			set_default(col, DBM_DEFAULT_LITERAL, "x");
		if (d && strchr(d, 'E'))
			set_default(col, DBM_DEFAULT_EXPR, c);
		if (d && strchr(d, 'F'))
			add_fkref(col, "other.id", NULL, NULL);
		rc = s->add_column(ddl, a, col, err);
		dbm_table_release(&t);
		return rc;
	}
	case ADD_UNIQUE:
	case ADD_FK: {
		struct dbm_constraint k =
		    op == ADD_UNIQUE
			? con(DBM_C_UNIQUE, b, c, NULL, NULL)
			: con(DBM_C_FOREIGN, b, "x", "other", "id");
		rc = s->add_constraint(ddl, a, &k, err);
		dbm_constraint_release(&k);
		return rc;
	}
	case DROP_CONSTRAINT:
		return s->drop_constraint(ddl, a, b, c, err);
	}
	return rc;
}

/* Offline without a catalog, a rebuild has no schema to start from. */
#define OFFLINE_REBUILD(op, t)                                                 \
	"error: operation '" op "' on table '" t "' rebuilds the table: "      \
	"offline that needs the schema catalog"

static void test_ops_offline(void)
{
	static const struct {
		enum op op;
		const char *a, *b, *c, *d, *want;
	} cases[] = {
	    {DROP_TABLE, "vnf", NULL, NULL, NULL, "DROP TABLE vnf"},
	    {DROP_TABLE, "order", NULL, NULL, NULL, "DROP TABLE \"order\""},
	    {RENAME_TABLE, "devices", "vnf", NULL, NULL,
	     "ALTER TABLE devices RENAME TO vnf"},
	    {RENAME_TABLE, "a", "Group", NULL, NULL,
	     "ALTER TABLE a RENAME TO \"Group\""},
	    {DROP_COLUMN, "vnf", "status", NULL, NULL,
	     "ALTER TABLE vnf DROP COLUMN status"},
	    {DROP_COLUMN, "t", "key", NULL, NULL,
	     "ALTER TABLE t DROP COLUMN \"key\""},
	    {DROP_INDEX, "ix_vnf_status", "vnf", NULL, NULL,
	     "DROP INDEX ix_vnf_status"},
	    {DROP_INDEX, "Ix", "vnf", NULL, NULL, "DROP INDEX \"Ix\""},
	    {CREATE_INDEX, "ix_a", "t", "a", NULL,
	     "CREATE INDEX ix_a ON t (a)"},
	    {CREATE_INDEX, "uq_t", "t", "a,Key", "unique",
	     "CREATE UNIQUE INDEX uq_t ON t (a, \"Key\")"},
	    {CREATE_INDEX, "ix_l", "t", "(lower(name)),id", NULL,
	     "CREATE INDEX ix_l ON t (lower(name), id)"},
	    {CREATE_INDEX, "ix_p", "t", "a", "deleted = 0",
	     "CREATE INDEX ix_p ON t (a) WHERE deleted = 0"},
	    {CREATE_INDEX, NULL, "t", "a", NULL,
	     "error: an index on table 't' needs a name"},
	    {RENAME_COLUMN, "vnf", "old", "new", NULL,
	     "ALTER TABLE vnf RENAME COLUMN old TO new"},
	    {RENAME_COLUMN, "t", "a", "Key", NULL,
	     "ALTER TABLE t RENAME COLUMN a TO \"Key\""},
	    {RENAME_COLUMN, "t", "a", "a", NULL, ""},
	    {ALTER_COMMENT, "t", "a", NULL, NULL, ""},
	    {ALTER_NULL, "t", "a", NULL, NULL,
	     OFFLINE_REBUILD("alter_column", "t")},
	    {ADD_COLUMN, "vnf", "c", NULL, NULL,
	     "ALTER TABLE vnf ADD COLUMN c VARCHAR(10)"},
	    {ADD_COLUMN, "vnf", "c", NULL, "ND",
	     "ALTER TABLE vnf ADD COLUMN c VARCHAR(10) DEFAULT 'x' NOT NULL"},
	    {ADD_COLUMN, "vnf", "c", "0", "E",
	     "ALTER TABLE vnf ADD COLUMN c VARCHAR(10) DEFAULT 0"},
	    {ADD_COLUMN, "vnf", "c", NULL, "I",
	     "ALTER TABLE vnf ADD COLUMN c VARCHAR(10);\n"
	     "CREATE INDEX ix_vnf_c ON vnf (c)"},
	    {ADD_COLUMN, "vnf", "c", NULL, "UI",
	     "ALTER TABLE vnf ADD COLUMN c VARCHAR(10);\n"
	     "CREATE UNIQUE INDEX ix_vnf_c ON vnf (c)"},
	    {ADD_COLUMN, "vnf", "c", NULL, "U",
	     OFFLINE_REBUILD("add_column", "vnf")},
	    {ADD_COLUMN, "vnf", "c", NULL, "F",
	     OFFLINE_REBUILD("add_column", "vnf")},
	    {ADD_COLUMN, "vnf", "c", NULL, "P",
	     OFFLINE_REBUILD("add_column", "vnf")},
	    {ADD_COLUMN, "vnf", "c", NULL, "N",
	     OFFLINE_REBUILD("add_column", "vnf")},
	    {ADD_COLUMN, "vnf", "c", "CURRENT_TIMESTAMP", "E",
	     OFFLINE_REBUILD("add_column", "vnf")},
	    {ADD_COLUMN, "vnf", "c", "(1 + 1)", "E",
	     OFFLINE_REBUILD("add_column", "vnf")},
	    {ADD_UNIQUE, "vnf", "uq", "a", NULL,
	     OFFLINE_REBUILD("create_unique_constraint", "vnf")},
	    {ADD_FK, "vnf", "fk", NULL, NULL,
	     OFFLINE_REBUILD("create_foreign_key", "vnf")},
	    {DROP_CONSTRAINT, "vnf", "fk", "foreignkey", NULL,
	     OFFLINE_REBUILD("drop_constraint", "vnf")},
	    {DROP_CONSTRAINT, "vnf", "fk", "index", NULL,
	     "error: unknown constraint type 'index'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct offline o;
		offline_init(&o);
		int rc = run_op(&o.ddl, cases[i].op, cases[i].a, cases[i].b,
				cases[i].c, cases[i].d, &o.err);
		CHECK_STR(outcome(&o, rc), cases[i].want);
		offline_release(&o);
	}
}

/* The seam for numbered placeholders ("$n"), as PostgreSQL will use. */
static void dollar_placeholder(struct dbm_buf *out, size_t n)
{
	dbm_buf_addf(out, "$%zu", n);
}

static void test_numbered_placeholders(void)
{
	struct dbm_dialect d = dbm_dialect_sqlite;
	d.placeholder = dollar_placeholder;

	struct dbm_buf out = DBM_BUF_INIT;
	char **names;
	size_t n;
	dbm_ddl_bind_names(&d, &out, "SELECT :a, :b, x::text, '$1'", &names,
			   &n);
	CHECK_STR(out.buf, "SELECT $1, $2, x::text, '$1'");
	CHECK(n == 2);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	dbm_buf_release(&out);

	const struct dbm_value v[] = {
	    {.kind = DBM_V_TEXT, .s = "x"},
	    {.kind = DBM_V_INT, .i = 2},
	};
	static const struct {
		const char *sql;
		size_t n;
		const char *want;
	} cases[] = {
	    {"SELECT $2, $1, $1, '$1', $$body$$", 2,
	     "SELECT 2, 'x', 'x', '$1', $$body$$"},
	    {"SELECT $1", 2, "error: statement takes 1 parameters, 2 given"},
	    {"SELECT $3", 2,
	     "error: statement refers to parameter '$3', 2 "
	     "given"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct offline o;
		offline_init(&o);
		o.ddl.dialect = &d;
		int rc = dbm_ddl_exec(&o.ddl, cases[i].sql, v, cases[i].n, NULL,
				      &o.err);
		CHECK_STR(outcome(&o, rc), cases[i].want);
		offline_release(&o);
	}
}

static void test_dialect_table(void)
{
	CHECK(dbm_dialect_find("sqlite") == &dbm_dialect_sqlite);
	CHECK(dbm_dialect_find("oracle") == NULL);
	CHECK(dbm_dialect_find(NULL) == NULL);
	CHECK_STR(dbm_dialect_sqlite.impl_name, "SQLiteImpl");
	CHECK(!dbm_dialect_sqlite.transactional_ddl);
	CHECK(dbm_dialect_sqlite.version == 1);
	struct dbm_buf b = DBM_BUF_INIT;
	dbm_dialect_sqlite.placeholder(&b, 3);
	CHECK_STR(b.buf, "?");
	dbm_buf_release(&b);
}

/* Online: a real in-memory SQLite database. */

struct online {
	struct dbm_conn *conn;
	struct dbm_ddl ddl;
	struct dbm_err err;
};

static void online_open(struct online *o)
{
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_url url = DBM_URL_INIT;
	struct dbm_ddl ddl = DBM_DDL_INIT;

	o->ddl = ddl;
	o->conn = NULL;
	CHECK(dbm_url_parse(&url, "sqlite://", &err) == 0);
	CHECK(dbm_db_connect(&o->conn, &url, &err) == 0);
	dbm_url_release(&url);
	if (!o->conn) {
		fprintf(stderr, "cannot open an in-memory database: %s\n",
			err.msg);
		exit(1);
	}
	o->ddl.dialect = &dbm_dialect_sqlite;
	o->ddl.conn = o->conn;
	dbm_err_clear(&o->err);
}

static void online_close(struct online *o)
{
	dbm_ddl_release(&o->ddl);
	dbm_db_close(o->conn);
}

/* Run SQL on the connection, outside the ddl layer; 0 or -1. */
static int run_sql(struct online *o, const char *sql, struct dbm_err *err)
{
	return dbm_db_exec(o->conn, sql, NULL, 0, NULL, err);
}

static void run(struct online *o, const char *sql)
{
	struct dbm_err err = DBM_ERR_INIT;
	int rc = run_sql(o, sql, &err);
	if (rc < 0)
		fprintf(stderr, "setup '%s' failed: %s\n", sql, err.msg);
	CHECK(rc == 0);
}

/* A query's rows: cells joined by '|', rows by '\n' (malloc'd). */
static char *rows(struct online *o, const char *sql)
{
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_result *res = NULL;
	struct dbm_buf b = DBM_BUF_INIT;

	if (dbm_db_exec(o->conn, sql, NULL, 0, &res, &err) < 0) {
		dbm_buf_addf(&b, "error: %s", err.msg);
		return dbm_buf_detach(&b);
	}
	for (size_t r = 0; r < res->nrows; r++) {
		if (r)
			dbm_buf_addch(&b, '\n');
		for (size_t c = 0; c < res->ncols; c++) {
			const struct dbm_value *v = dbm_result_cell(res, r, c);
			if (c)
				dbm_buf_addch(&b, '|');
			switch (v->kind) {
			case DBM_V_NULL:
				dbm_buf_adds(&b, "NULL");
				break;
			case DBM_V_INT:
				dbm_buf_addf(&b, "%lld", (long long)v->i);
				break;
			case DBM_V_REAL:
				dbm_buf_addf(&b, "%g", v->r);
				break;
			case DBM_V_TEXT:
				dbm_buf_adds(&b, v->s);
				break;
			case DBM_V_BLOB:
				dbm_buf_adds(&b, "<blob>");
				break;
			}
		}
	}
	dbm_result_free(res);
	return dbm_buf_detach(&b);
}

#define CHECK_ROWS(o, sql, want)                                               \
	do {                                                                   \
		char *got_ = rows((o), (sql));                                 \
		CHECK_STR(got_, (want));                                       \
		free(got_);                                                    \
	} while (0)

/* The CREATE text SQLite keeps for an object. */
#define CHECK_MASTER(o, name, want)                                            \
	CHECK_ROWS((o),                                                        \
		   "SELECT sql FROM sqlite_master WHERE name = '" name "'",    \
		   (want))

/* No broken reference anywhere. */
#define CHECK_FKS_CLEAN(o) CHECK_ROWS((o), "PRAGMA foreign_key_check", "")

static void add_names(struct dbm_buf *b, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dbm_buf_addf(b, "%s%s", i ? "," : "", v[i]);
}

/*
 * The reflected table on one line: "id INTEGER NN PK, v VARCHAR(10) D=0 |
 * PRIMARY(id) UNIQUE uq(v) FOREIGN fk(r)->p(id) CHECK ck[n > 0] | ix(a)
 * UNIQUE uix(b)".
 */
static char *describe(struct online *o, const char *name)
{
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_table t;
	struct dbm_buf b = DBM_BUF_INIT;
	static const char *const kinds[] = {"PRIMARY", "FOREIGN", "UNIQUE",
					    "CHECK"};

	dbm_table_init(&t);
	if (dbm_sqlite_reflect_table(&o->ddl, name, &t, &err) < 0) {
		dbm_buf_addf(&b, "error: %s", err.msg);
		return dbm_buf_detach(&b);
	}
	for (size_t i = 0; i < t.columns.len; i++) {
		const struct dbm_column *c = &t.columns.items[i];
		dbm_buf_addf(&b, "%s%s %s", i ? ", " : "", c->name,
			     c->type.raw ? c->type.raw : "?");
		if (!c->nullable)
			dbm_buf_adds(&b, " NN");
		if (c->primary_key)
			dbm_buf_adds(&b, " PK");
		if (c->server_default.kind != DBM_DEFAULT_NONE)
			dbm_buf_addf(&b, " D=%s", c->server_default.text);
		if (c->computed)
			dbm_buf_addf(&b, " AS[%s]", c->computed);
	}
	dbm_buf_adds(&b, " |");
	for (size_t i = 0; i < t.constraints.len; i++) {
		const struct dbm_constraint *k = &t.constraints.items[i];
		dbm_buf_addf(&b, " %s", kinds[k->kind]);
		if (k->name)
			dbm_buf_addf(&b, " %s", k->name);
		if (k->kind == DBM_C_CHECK) {
			dbm_buf_addf(&b, "[%s]", k->check);
			continue;
		}
		dbm_buf_addch(&b, '(');
		add_names(&b, k->columns, k->ncolumns);
		dbm_buf_addch(&b, ')');
		if (k->kind == DBM_C_FOREIGN) {
			dbm_buf_addf(&b, "->%s(", k->ref_table);
			add_names(&b, k->ref_columns, k->nref_columns);
			dbm_buf_addch(&b, ')');
			if (k->ondelete)
				dbm_buf_addf(&b, " ondelete=%s", k->ondelete);
		}
	}
	dbm_buf_adds(&b, " |");
	for (size_t i = 0; i < t.indexes.len; i++) {
		const struct dbm_index *ix = &t.indexes.items[i];
		dbm_buf_addf(&b, " %s%s(", ix->unique ? "UNIQUE " : "",
			     ix->name);
		add_names(&b, ix->columns, ix->ncolumns);
		dbm_buf_addch(&b, ')');
	}
	dbm_table_release(&t);
	return dbm_buf_detach(&b);
}

#define CHECK_TABLE(o, name, want)                                             \
	do {                                                                   \
		char *got_ = describe((o), (name));                            \
		CHECK_STR(got_, (want));                                       \
		free(got_);                                                    \
	} while (0)

/* The statements run since the last call, joined by ";\n". */
static char *applied(struct online *o)
{
	struct dbm_buf b = DBM_BUF_INIT;
	for (size_t i = 0; i < o->ddl.applied.len; i++)
		dbm_buf_addf(&b, "%s%s", i ? ";\n" : "",
			     o->ddl.applied.items[i]);
	dbm_ddl_reset_applied(&o->ddl);
	return dbm_buf_detach(&b);
}

#define CHECK_APPLIED(o, want)                                                 \
	do {                                                                   \
		char *got_ = applied(o);                                       \
		CHECK_STR(got_, (want));                                       \
		free(got_);                                                    \
	} while (0)

/* Check an operation worked (printing why not). */
#define CHECK_OK(o, call)                                                      \
	do {                                                                   \
		dbm_err_clear(&(o)->err);                                      \
		int rc_ = (call);                                              \
		if (rc_ < 0)                                                   \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__,     \
				(o)->err.msg);                                 \
		CHECK(rc_ == 0);                                               \
	} while (0)

/* Check an operation failed with this message. */
#define CHECK_FAILS(o, call, want)                                             \
	do {                                                                   \
		dbm_err_clear(&(o)->err);                                      \
		int rc_ = (call);                                              \
		CHECK(rc_ < 0);                                                \
		CHECK_STR((o)->err.msg, (want));                               \
	} while (0)

static void begin(struct online *o)
{
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(o->conn->driver->begin(o->conn, true, 1.0, &err) == 0);
}

static void rollback(struct online *o)
{
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(o->conn->driver->rollback(o->conn, &err) == 0);
	CHECK(!o->conn->driver->in_transaction(o->conn));
}

static void commit(struct online *o)
{
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(o->conn->driver->commit(o->conn, &err) == 0);
}

/* alter_column with nothing set. */
static struct dbm_alter_column alter(const char *table, const char *column)
{
	struct dbm_alter_column a = {
	    .table = table,
	    .column = column,
	    .nullable = -1,
	    .existing_nullable = -1,
	    .autoincrement = -1,
	};
	return a;
}

static const struct dbm_dialect *const S = &dbm_dialect_sqlite;

/*
 * A parent table with a unique column and an index, and a child table
 * pointing at it. Each rebuild of the parent must leave the child's
 * foreign key pointing at the new parent.
 */
static void setup_parent_child(struct online *o)
{
	run(o, "CREATE TABLE parent (\n\tid INTEGER NOT NULL, \n"
	       "\tcode VARCHAR(10), \n\tname VARCHAR(20), \n"
	       "\tPRIMARY KEY (id), \n\tUNIQUE (code)\n)");
	run(o, "CREATE INDEX ix_parent_name ON parent (name)");
	run(o, "CREATE TABLE child (\n\tid INTEGER NOT NULL, \n"
	       "\tparent_id INTEGER, \n\tPRIMARY KEY (id), \n"
	       "\tFOREIGN KEY(parent_id) REFERENCES parent (id)\n)");
	run(o, "INSERT INTO parent VALUES (1, '5', 'a'), (2, 'x', 'b')");
	run(o, "INSERT INTO child VALUES (10, 1), (11, 2)");
}

/* The child's key still reaches the parent: enforce it and try. */
static void check_child_reaches_parent(struct online *o)
{
	struct dbm_err err = DBM_ERR_INIT;
	CHECK_FKS_CLEAN(o);
	CHECK_MASTER(o, "child",
		     "CREATE TABLE child (\n\tid INTEGER NOT NULL, \n"
		     "\tparent_id INTEGER, \n\tPRIMARY KEY (id), \n"
		     "\tFOREIGN KEY(parent_id) REFERENCES parent (id)\n)");
	run(o, "PRAGMA foreign_keys = ON");
	CHECK(run_sql(o, "INSERT INTO child VALUES (12, 99)", &err) < 0);
	CHECK_STR(err.msg, "FOREIGN KEY constraint failed");
	run(o, "INSERT INTO child VALUES (12, 2)");
	dbm_err_clear(&err);
	CHECK(run_sql(o, "DELETE FROM parent WHERE id = 1", &err) < 0);
	CHECK_STR(err.msg, "FOREIGN KEY constraint failed");
	run(o, "DELETE FROM child WHERE id = 12");
	run(o, "PRAGMA foreign_keys = OFF");
}

static void test_alter_type(void)
{
	struct online o;
	online_open(&o);
	setup_parent_child(&o);

	struct dbm_type integer = type_of(DBM_T_INTEGER, -1);
	struct dbm_alter_column a = alter("parent", "code");
	a.type = &integer;
	begin(&o);
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	commit(&o);
	CHECK_APPLIED(&o, "CREATE TABLE _alembic_tmp_parent (\n"
			  "\tid INTEGER NOT NULL, \n"
			  "\tcode INTEGER, \n"
			  "\tname VARCHAR(20), \n"
			  "\tPRIMARY KEY (id), \n"
			  "\tUNIQUE (code)\n"
			  ");\n"
			  "INSERT INTO _alembic_tmp_parent (id, code, name) "
			  "SELECT parent.id, CAST(parent.code AS INTEGER) AS "
			  "code, parent.name \nFROM parent;\n"
			  "DROP TABLE parent;\n"
			  "ALTER TABLE _alembic_tmp_parent RENAME TO parent;\n"
			  "CREATE INDEX ix_parent_name ON parent (name)");
	/* SQLite's CAST makes 'x' a 0, where PostgreSQL would fail */
	CHECK_ROWS(&o, "SELECT id, code, typeof(code), name FROM parent",
		   "1|5|integer|a\n2|0|integer|b");
	CHECK_TABLE(&o, "parent",
		    "id INTEGER NN PK, code INTEGER, name VARCHAR(20) | "
		    "PRIMARY(id) UNIQUE(code) | ix_parent_name(name)");
	CHECK_ROWS(&o, "SELECT name FROM sqlite_master WHERE name LIKE '%tmp%'",
		   "");
	check_child_reaches_parent(&o);

	/* Same family (VARCHAR to a longer VARCHAR): no CAST. */
	struct dbm_type str = type_of(DBM_T_STRING, 50);
	a = alter("parent", "name");
	a.type = &str;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	char *got = applied(&o);
	CHECK(strstr(got, "SELECT parent.id, parent.code, parent.name \n"
			  "FROM parent") != NULL);
	free(got);
	CHECK_TABLE(&o, "parent",
		    "id INTEGER NN PK, code INTEGER, name VARCHAR(50) | "
		    "PRIMARY(id) UNIQUE(code) | ix_parent_name(name)");
	check_child_reaches_parent(&o);
	online_close(&o);
}

static void test_alter_nullable(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE t (\n\tid INTEGER NOT NULL, \n"
		"\tv VARCHAR(10), \n\tPRIMARY KEY (id)\n)");
	run(&o, "CREATE UNIQUE INDEX uix_t_v ON t (v)");
	run(&o, "INSERT INTO t VALUES (1, 'a'), (2, NULL)");

	/* NOT NULL over a NULL fails as SQLite says; nothing changes. */
	struct dbm_alter_column a = alter("t", "v");
	a.nullable = 0;
	begin(&o);
	CHECK_FAILS(&o, S->alter_column(&o.ddl, &a, &o.err),
		    "NOT NULL constraint failed: _alembic_tmp_t.v");
	CHECK(o.ddl.failed_sql &&
	      strncmp(o.ddl.failed_sql, "INSERT INTO _alembic_tmp_t (id, v)",
		      34) == 0);
	rollback(&o);
	CHECK_MASTER(&o, "t",
		     "CREATE TABLE t (\n\tid INTEGER NOT NULL, \n"
		     "\tv VARCHAR(10), \n\tPRIMARY KEY (id)\n)");
	CHECK_ROWS(&o, "SELECT * FROM t ORDER BY id", "1|a\n2|NULL");
	CHECK_ROWS(&o, "SELECT count(*) FROM sqlite_master", "2");
	CHECK_TABLE(&o, "t",
		    "id INTEGER NN PK, v VARCHAR(10) | PRIMARY(id) | UNIQUE "
		    "uix_t_v(v)");
	dbm_ddl_reset_applied(&o.ddl);

	/* Without a transaction, the temporary table is dropped again. */
	CHECK_FAILS(&o, S->alter_column(&o.ddl, &a, &o.err),
		    "NOT NULL constraint failed: _alembic_tmp_t.v");
	CHECK_ROWS(&o, "SELECT count(*) FROM sqlite_master", "2");
	CHECK_APPLIED(&o, "CREATE TABLE _alembic_tmp_t (\n"
			  "\tid INTEGER NOT NULL, \n"
			  "\tv VARCHAR(10) NOT NULL, \n"
			  "\tPRIMARY KEY (id)\n"
			  ");\n"
			  "DROP TABLE _alembic_tmp_t");
	CHECK(strncmp(o.ddl.failed_sql, "INSERT", 6) == 0);

	run(&o, "UPDATE t SET v = 'b' WHERE id = 2");
	begin(&o);
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	commit(&o);
	CHECK_TABLE(&o, "t",
		    "id INTEGER NN PK, v VARCHAR(10) NN | PRIMARY(id) | "
		    "UNIQUE uix_t_v(v)");
	CHECK_MASTER(&o, "t",
		     "CREATE TABLE \"t\" (\n\tid INTEGER NOT NULL, \n"
		     "\tv VARCHAR(10) NOT NULL, \n\tPRIMARY KEY (id)\n)");
	CHECK_MASTER(&o, "uix_t_v", "CREATE UNIQUE INDEX uix_t_v ON t (v)");

	a.nullable = 1;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_TABLE(&o, "t",
		    "id INTEGER NN PK, v VARCHAR(10) | PRIMARY(id) | UNIQUE "
		    "uix_t_v(v)");
	run(&o, "INSERT INTO t VALUES (3, NULL)");
	CHECK_ROWS(&o, "SELECT * FROM t ORDER BY id", "1|a\n2|b\n3|NULL");
	online_close(&o);
}

static void test_alter_default(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE t (id INTEGER NOT NULL, v VARCHAR(10), "
		"at TEXT DEFAULT (datetime('now')), n INTEGER DEFAULT -1, "
		"PRIMARY KEY (id))");
	run(&o, "INSERT INTO t (id, v) VALUES (1, 'a')");

	struct dbm_alter_column a = alter("t", "v");
	a.set_default = true;
	a.server_default.kind = DBM_DEFAULT_LITERAL;
	a.server_default.text = (char *)"it's";
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	/* the reflected expression default gets its parentheses back */
	CHECK_MASTER(&o, "t",
		     "CREATE TABLE \"t\" (\n\tid INTEGER NOT NULL, \n"
		     "\tv VARCHAR(10) DEFAULT 'it''s', \n"
		     "\tat TEXT DEFAULT (datetime('now')), \n"
		     "\tn INTEGER DEFAULT -1, \n\tPRIMARY KEY (id)\n)");
	run(&o, "INSERT INTO t (id) VALUES (2)");
	CHECK_ROWS(&o, "SELECT id, v, at IS NOT NULL, n FROM t ORDER BY id",
		   "1|a|1|-1\n2|it's|1|-1");

	a.server_default.kind = DBM_DEFAULT_EXPR;
	a.server_default.text = (char *)"CURRENT_TIMESTAMP";
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_TABLE(&o, "t",
		    "id INTEGER NN PK, v VARCHAR(10) D=CURRENT_TIMESTAMP, at "
		    "TEXT D=datetime('now'), n INTEGER D=-1 | PRIMARY(id) |");

	/* server_default=None drops it */
	a.server_default.kind = DBM_DEFAULT_NONE;
	a.server_default.text = NULL;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_TABLE(&o, "t",
		    "id INTEGER NN PK, v VARCHAR(10), at TEXT "
		    "D=datetime('now'), n INTEGER D=-1 | PRIMARY(id) |");
	run(&o, "INSERT INTO t (id) VALUES (3)");
	CHECK_ROWS(&o, "SELECT id, v FROM t ORDER BY id",
		   "1|a\n2|it's\n3|NULL");

	/* comment= alone: SQLite keeps none, nothing runs */
	a = alter("t", "v");
	a.comment = "a comment";
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	dbm_ddl_reset_applied(&o.ddl);
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_APPLIED(&o, "");

	a = alter("t", "nope");
	a.nullable = 0;
	CHECK_FAILS(&o, S->alter_column(&o.ddl, &a, &o.err),
		    "no column 'nope' on table 't'");
	a = alter("nope", "v");
	a.nullable = 0;
	CHECK_FAILS(&o, S->alter_column(&o.ddl, &a, &o.err),
		    "no such table 'nope'");
	online_close(&o);
}

static void test_rename_column(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE p (id INTEGER NOT NULL, old VARCHAR(10), "
		"PRIMARY KEY (id), CONSTRAINT ck_old CHECK (old <> ''), "
		"CONSTRAINT uq_old UNIQUE (old))");
	run(&o, "CREATE INDEX ix_p_old ON p (old)");
	run(&o, "CREATE TABLE c (id INTEGER NOT NULL, p_old VARCHAR(10), "
		"PRIMARY KEY (id), FOREIGN KEY(p_old) REFERENCES p (old))");
	run(&o, "INSERT INTO p VALUES (1, '7'), (2, 'x')");
	run(&o, "INSERT INTO c VALUES (1, '7')");

	/* rename alone: SQLite's own statement */
	struct dbm_alter_column a = alter("p", "old");
	a.new_name = "mid";
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_APPLIED(&o, "ALTER TABLE p RENAME COLUMN old TO mid");

	/* rename with a type and nullable change: rename, then rebuild */
	struct dbm_type str = type_of(DBM_T_STRING, 20);
	a = alter("p", "mid");
	a.new_name = "new";
	a.type = &str;
	a.nullable = 0;
	begin(&o);
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	commit(&o);
	char *got = applied(&o);
	CHECK(strncmp(got,
		      "ALTER TABLE p RENAME COLUMN mid TO new;\n"
		      "CREATE TABLE _alembic_tmp_p (",
		      68) == 0);
	free(got);
	CHECK_TABLE(&o, "p",
		    "id INTEGER NN PK, new VARCHAR(20) NN | PRIMARY(id) "
		    "UNIQUE uq_old(new) CHECK ck_old[new <> ''] | "
		    "ix_p_old(new)");
	CHECK_ROWS(&o, "SELECT * FROM p ORDER BY id", "1|7\n2|x");
	/* the other table's key follows the rename */
	CHECK_TABLE(&o, "c",
		    "id INTEGER NN PK, p_old VARCHAR(10) | PRIMARY(id) "
		    "FOREIGN(p_old)->p(new) |");
	CHECK_FKS_CLEAN(&o);
	online_close(&o);
}

static void test_drop_column(void)
{
	struct online o;
	online_open(&o);
	setup_parent_child(&o);
	run(&o, "CREATE TABLE d (id INTEGER NOT NULL, a VARCHAR(10), "
		"b VARCHAR(10), r INTEGER, keep VARCHAR(10), plain INTEGER, "
		"g INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL, "
		"PRIMARY KEY (id), UNIQUE (b), "
		"CONSTRAINT fk_r FOREIGN KEY(r) REFERENCES parent (id), "
		"CONSTRAINT ck_a CHECK (a <> 'bad'))");
	run(&o, "CREATE INDEX ix_d_a ON d (a)");
	run(&o, "CREATE INDEX ix_d_keep ON d (keep, plain)");
	run(&o, "CREATE INDEX ix_d_r ON d (r)");
	run(&o, "INSERT INTO d (id, a, b, r, keep, plain) VALUES "
		"(1, 'a1', 'b1', 1, 'k1', 10), (2, 'a2', 'b2', 2, 'k2', 20)");

	/* used by an index and a CHECK: rebuild, both go */
	CHECK_OK(&o, S->drop_column(&o.ddl, "d", "a", &o.err));
	char *got = applied(&o);
	CHECK(strstr(got, "CREATE TABLE _alembic_tmp_d (") != NULL);
	CHECK(strstr(got, "INSERT INTO _alembic_tmp_d (id, b, r, keep, plain) "
			  "SELECT d.id, d.b, d.r, d.keep, d.plain \nFROM d") !=
	      NULL);
	free(got);
	CHECK_TABLE(&o, "d",
		    "id INTEGER NN PK, b VARCHAR(10), r INTEGER, keep "
		    "VARCHAR(10), plain INTEGER, g INTEGER AS[id * 2] | "
		    "PRIMARY(id) FOREIGN fk_r(r)->parent(id) UNIQUE(b) | "
		    "ix_d_keep(keep,plain) ix_d_r(r)");
	CHECK_ROWS(&o, "SELECT * FROM d ORDER BY id",
		   "1|b1|1|k1|10|2\n2|b2|2|k2|20|4");

	/* in a UNIQUE constraint */
	CHECK_OK(&o, S->drop_column(&o.ddl, "d", "b", &o.err));
	CHECK_TABLE(&o, "d",
		    "id INTEGER NN PK, r INTEGER, keep VARCHAR(10), plain "
		    "INTEGER, g INTEGER AS[id * 2] | PRIMARY(id) FOREIGN "
		    "fk_r(r)->parent(id) | ix_d_keep(keep,plain) ix_d_r(r)");

	/* in a foreign key (and an index) */
	CHECK_OK(&o, S->drop_column(&o.ddl, "d", "r", &o.err));
	CHECK_TABLE(&o, "d",
		    "id INTEGER NN PK, keep VARCHAR(10), plain INTEGER, g "
		    "INTEGER AS[id * 2] | PRIMARY(id) | ix_d_keep(keep,plain)");

	/* one column of a two-column index: the index goes */
	CHECK_OK(&o, S->drop_column(&o.ddl, "d", "plain", &o.err));
	CHECK_TABLE(&o, "d",
		    "id INTEGER NN PK, keep VARCHAR(10), g INTEGER AS[id * 2] "
		    "| PRIMARY(id) |");
	dbm_ddl_reset_applied(&o.ddl);

	/* nothing depends on it: SQLite's own DROP COLUMN */
	CHECK_OK(&o, S->drop_column(&o.ddl, "d", "keep", &o.err));
	CHECK_APPLIED(&o, "ALTER TABLE d DROP COLUMN keep");
	CHECK_ROWS(&o, "SELECT * FROM d ORDER BY id", "1|2\n2|4");

	/* a generated column uses it */
	CHECK_FAILS(&o, S->drop_column(&o.ddl, "d", "id", &o.err),
		    "cannot drop column 'id' of table 'd': generated column "
		    "'g' uses it");
	CHECK_FAILS(&o, S->drop_column(&o.ddl, "d", "zz", &o.err),
		    "no column 'zz' on table 'd'");
	CHECK_APPLIED(&o, "");

	/* a primary key loses the column, as in Alembic's batch mode */
	run(&o, "CREATE TABLE two (a INTEGER NOT NULL, b INTEGER NOT NULL, "
		"c INTEGER, CONSTRAINT pk_two PRIMARY KEY (a, b))");
	run(&o, "INSERT INTO two VALUES (1, 2, 3)");
	CHECK_OK(&o, S->drop_column(&o.ddl, "two", "a", &o.err));
	CHECK_TABLE(&o, "two",
		    "b INTEGER NN PK, c INTEGER | PRIMARY pk_two(b) |");
	CHECK_ROWS(&o, "SELECT * FROM two", "2|3");
	CHECK_OK(&o, S->drop_column(&o.ddl, "two", "b", &o.err));
	CHECK_FAILS(&o, S->drop_column(&o.ddl, "two", "c", &o.err),
		    "cannot drop column \"c\": no other columns exist");
	CHECK_ROWS(&o, "SELECT * FROM two", "3");

	check_child_reaches_parent(&o);
	online_close(&o);
}

static void test_foreign_keys(void)
{
	struct online o;
	online_open(&o);
	setup_parent_child(&o);
	run(&o, "CREATE TABLE o (id INTEGER NOT NULL, parent_id INTEGER, "
		"PRIMARY KEY (id))");
	run(&o, "INSERT INTO o VALUES (1, 1), (2, NULL)");

	struct dbm_constraint fk =
	    con(DBM_C_FOREIGN, "fk_o_parent", "parent_id", "parent", "id");
	fk.ondelete = dup("CASCADE");
	begin(&o);
	CHECK_OK(&o, S->add_constraint(&o.ddl, "o", &fk, &o.err));
	commit(&o);
	CHECK_MASTER(&o, "o",
		     "CREATE TABLE \"o\" (\n\tid INTEGER NOT NULL, \n"
		     "\tparent_id INTEGER, \n\tPRIMARY KEY (id), \n"
		     "\tCONSTRAINT fk_o_parent FOREIGN KEY(parent_id) "
		     "REFERENCES parent (id) ON DELETE CASCADE\n)");
	CHECK_TABLE(&o, "o",
		    "id INTEGER NN PK, parent_id INTEGER | PRIMARY(id) "
		    "FOREIGN fk_o_parent(parent_id)->parent(id) "
		    "ondelete=CASCADE |");
	CHECK_ROWS(&o, "SELECT * FROM o ORDER BY id", "1|1\n2|NULL");
	CHECK_FKS_CLEAN(&o);
	CHECK_FAILS(&o, S->add_constraint(&o.ddl, "o", &fk, &o.err),
		    "constraint 'fk_o_parent' already exists on table 'o'");
	dbm_constraint_release(&fk);

	/* a key on a missing column */
	fk = con(DBM_C_FOREIGN, "fk2", "nope", "parent", "id");
	CHECK_FAILS(&o, S->add_constraint(&o.ddl, "o", &fk, &o.err),
		    "no column 'nope' on table 'o'");
	dbm_constraint_release(&fk);

	CHECK_FAILS(
	    &o,
	    S->drop_constraint(&o.ddl, "o", "fk_o_parent", "unique", &o.err),
	    "constraint 'fk_o_parent' on table 'o' has type "
	    "'foreignkey', not 'unique'");
	CHECK_OK(&o, S->drop_constraint(&o.ddl, "o", "fk_o_parent",
					"foreignkey", &o.err));
	CHECK_TABLE(&o, "o",
		    "id INTEGER NN PK, parent_id INTEGER | "
		    "PRIMARY(id) |");
	CHECK_FAILS(
	    &o, S->drop_constraint(&o.ddl, "o", "fk_o_parent", NULL, &o.err),
	    "no constraint 'fk_o_parent' on table 'o'");

	/* a self-referencing table keeps pointing at itself */
	run(&o, "CREATE TABLE node (id INTEGER NOT NULL, up INTEGER, "
		"label VARCHAR(5), PRIMARY KEY (id), "
		"FOREIGN KEY(up) REFERENCES node (id))");
	run(&o, "INSERT INTO node VALUES (1, NULL, 'r'), (2, 1, 'c')");
	struct dbm_type text = type_of(DBM_T_TEXT, -1);
	struct dbm_alter_column a = alter("node", "label");
	a.type = &text;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_TABLE(&o, "node",
		    "id INTEGER NN PK, up INTEGER, label TEXT | PRIMARY(id) "
		    "FOREIGN(up)->node(id) |");
	CHECK_FKS_CLEAN(&o);
	run(&o, "PRAGMA foreign_keys = ON");
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(run_sql(&o, "INSERT INTO node VALUES (3, 42, 'x')", &err) < 0);
	run(&o, "INSERT INTO node VALUES (3, 2, 'x')");

	/* SQLite enforcing keys inside a transaction: refuse to rebuild */
	begin(&o);
	a = alter("node", "label");
	a.nullable = 0;
	CHECK_FAILS(&o, S->alter_column(&o.ddl, &a, &o.err),
		    "cannot rebuild table 'node' while PRAGMA foreign_keys "
		    "is on: dropping it would delete the rows that refer to "
		    "it");
	rollback(&o);
	run(&o, "PRAGMA foreign_keys = OFF");
	CHECK_ROWS(&o, "SELECT count(*) FROM node", "3");

	/* rebuilding the parent keeps the child's key */
	CHECK_OK(&o, S->drop_column(&o.ddl, "parent", "code", &o.err));
	CHECK_TABLE(&o, "parent",
		    "id INTEGER NN PK, name VARCHAR(20) | PRIMARY(id) | "
		    "ix_parent_name(name)");
	check_child_reaches_parent(&o);
	online_close(&o);
}

static void test_unique_check(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE u (id INTEGER NOT NULL, v VARCHAR(10), "
		"n INTEGER, PRIMARY KEY (id))");
	run(&o, "CREATE INDEX ix_u_n ON u (n)");
	run(&o, "INSERT INTO u VALUES (1, 'a', 1), (2, 'a', -1)");

	struct dbm_constraint uq = con(DBM_C_UNIQUE, "uq_v", "v", NULL, NULL);
	begin(&o);
	CHECK_FAILS(&o, S->add_constraint(&o.ddl, "u", &uq, &o.err),
		    "UNIQUE constraint failed: _alembic_tmp_u.v");
	rollback(&o);
	CHECK_TABLE(&o, "u",
		    "id INTEGER NN PK, v VARCHAR(10), n INTEGER | "
		    "PRIMARY(id) | ix_u_n(n)");
	run(&o, "UPDATE u SET v = 'b' WHERE id = 2");
	CHECK_OK(&o, S->add_constraint(&o.ddl, "u", &uq, &o.err));
	CHECK_TABLE(&o, "u",
		    "id INTEGER NN PK, v VARCHAR(10), n INTEGER | "
		    "PRIMARY(id) UNIQUE uq_v(v) | ix_u_n(n)");
	dbm_constraint_release(&uq);

	struct dbm_constraint ck =
	    con(DBM_C_CHECK, "ck_pos", "n > 0", NULL, NULL);
	begin(&o);
	CHECK_FAILS(&o, S->add_constraint(&o.ddl, "u", &ck, &o.err),
		    "CHECK constraint failed: ck_pos");
	rollback(&o);
	run(&o, "UPDATE u SET n = 2 WHERE id = 2");
	CHECK_OK(&o, S->add_constraint(&o.ddl, "u", &ck, &o.err));
	CHECK_TABLE(&o, "u",
		    "id INTEGER NN PK, v VARCHAR(10), n INTEGER | PRIMARY(id) "
		    "UNIQUE uq_v(v) CHECK ck_pos[n > 0] | ix_u_n(n)");
	struct dbm_err err = DBM_ERR_INIT;
	CHECK(run_sql(&o, "INSERT INTO u VALUES (3, 'c', 0)", &err) < 0);
	dbm_constraint_release(&ck);

	CHECK_FAILS(&o,
		    S->drop_constraint(&o.ddl, "u", "uq_v", "check", &o.err),
		    "constraint 'uq_v' on table 'u' has type 'unique', not "
		    "'check'");
	CHECK_OK(&o, S->drop_constraint(&o.ddl, "u", "uq_v", "unique", &o.err));
	CHECK_OK(&o, S->drop_constraint(&o.ddl, "u", "ck_pos", NULL, &o.err));
	CHECK_TABLE(&o, "u",
		    "id INTEGER NN PK, v VARCHAR(10), n INTEGER | "
		    "PRIMARY(id) | ix_u_n(n)");
	run(&o, "INSERT INTO u VALUES (3, 'a', 0)");
	CHECK_ROWS(&o, "SELECT * FROM u ORDER BY id", "1|a|1\n2|b|2\n3|a|0");
	online_close(&o);
}

static void test_primary_key(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE k (a VARCHAR(10), b INTEGER)");
	run(&o, "INSERT INTO k VALUES ('x', 1), (NULL, 2)");

	struct dbm_constraint pk = con(DBM_C_PRIMARY, "pk_k", "a", NULL, NULL);
	/* as on PostgreSQL, the key's columns become NOT NULL */
	begin(&o);
	CHECK_FAILS(&o, S->add_constraint(&o.ddl, "k", &pk, &o.err),
		    "NOT NULL constraint failed: _alembic_tmp_k.a");
	rollback(&o);
	run(&o, "UPDATE k SET a = 'y' WHERE b = 2");
	begin(&o);
	CHECK_OK(&o, S->add_constraint(&o.ddl, "k", &pk, &o.err));
	commit(&o);
	CHECK_MASTER(&o, "k",
		     "CREATE TABLE \"k\" (\n\ta VARCHAR(10) NOT NULL, \n"
		     "\tb INTEGER, \n\tCONSTRAINT pk_k PRIMARY KEY (a)\n)");
	CHECK_TABLE(&o, "k",
		    "a VARCHAR(10) NN PK, b INTEGER | PRIMARY "
		    "pk_k(a) |");
	dbm_constraint_release(&pk);
	pk = con(DBM_C_PRIMARY, "pk_k2", "b", NULL, NULL);
	CHECK_FAILS(&o, S->add_constraint(&o.ddl, "k", &pk, &o.err),
		    "table 'k' already has a primary key");
	dbm_constraint_release(&pk);

	CHECK_OK(&o,
		 S->drop_constraint(&o.ddl, "k", "pk_k", "primary", &o.err));
	CHECK_TABLE(&o, "k", "a VARCHAR(10) NN, b INTEGER | |");
	CHECK_ROWS(&o, "SELECT * FROM k ORDER BY b", "x|1\ny|2");
	online_close(&o);
}

static void test_add_column(void)
{
	struct online o;
	online_open(&o);
	setup_parent_child(&o);
	run(&o, "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY "
		"AUTOINCREMENT, v TEXT)");
	run(&o, "INSERT INTO a (v) VALUES ('one'), ('two')");

	/* plain: SQLite's ALTER TABLE, with the index after it */
	struct dbm_table t = table("a");
	struct dbm_column *c = add_col(&t, "n", DBM_T_INTEGER, -1, NN | IX);
	set_default(c, DBM_DEFAULT_LITERAL, "0");
	CHECK_OK(&o, S->add_column(&o.ddl, "a", c, &o.err));
	CHECK_APPLIED(&o, "ALTER TABLE a ADD COLUMN n INTEGER DEFAULT '0' NOT "
			  "NULL;\nCREATE INDEX ix_a_n ON a (n)");
	dbm_table_release(&t);

	/* a foreign key: rebuild; AUTOINCREMENT survives it */
	t = table("a");
	c = add_col(&t, "parent_id", DBM_T_INTEGER, -1, 0);
	add_fkref(c, "parent.id", "fk_a_parent", NULL);
	CHECK_OK(&o, S->add_column(&o.ddl, "a", c, &o.err));
	CHECK_APPLIED(
	    &o, "CREATE TABLE _alembic_tmp_a (\n"
		"\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n"
		"\tv TEXT, \n"
		"\tn INTEGER DEFAULT '0' NOT NULL, \n"
		"\tparent_id INTEGER, \n"
		"\tCONSTRAINT fk_a_parent FOREIGN KEY(parent_id) REFERENCES "
		"parent (id)\n"
		");\n"
		"INSERT INTO _alembic_tmp_a (id, v, n) SELECT a.id, a.v, a.n "
		"\nFROM a;\n"
		"DROP TABLE a;\n"
		"ALTER TABLE _alembic_tmp_a RENAME TO a;\n"
		"CREATE INDEX ix_a_n ON a (n)");
	dbm_table_release(&t);
	run(&o, "INSERT INTO a (v) VALUES ('three')");
	CHECK_ROWS(&o, "SELECT * FROM a ORDER BY id",
		   "1|one|0|NULL\n2|two|0|NULL\n3|three|0|NULL");
	CHECK_ROWS(&o, "SELECT seq FROM sqlite_sequence WHERE name = 'a'", "3");

	/* unique, and a default SQLite's ALTER refuses */
	t = table("a");
	c = add_col(&t, "code", DBM_T_STRING, 8, UQ);
	c = add_col(&t, "at", DBM_T_TEXT, -1, NN);
	set_default(c, DBM_DEFAULT_EXPR, "CURRENT_TIMESTAMP");
	CHECK_OK(&o, S->add_column(&o.ddl, "a", &t.columns.items[0], &o.err));
	CHECK_OK(&o, S->add_column(&o.ddl, "a", &t.columns.items[1], &o.err));
	dbm_table_release(&t);
	CHECK_TABLE(&o, "a",
		    "id INTEGER NN PK, v TEXT, n INTEGER NN D='0', parent_id "
		    "INTEGER, code VARCHAR(8), at TEXT NN D=CURRENT_TIMESTAMP "
		    "| PRIMARY(id) FOREIGN fk_a_parent(parent_id)->parent(id) "
		    "UNIQUE(code) | ix_a_n(n)");
	CHECK_ROWS(&o, "SELECT count(*) FROM a WHERE at IS NOT NULL", "3");

	/* NOT NULL without a default over existing rows fails */
	t = table("a");
	c = add_col(&t, "must", DBM_T_INTEGER, -1, NN);
	begin(&o);
	CHECK_FAILS(&o, S->add_column(&o.ddl, "a", c, &o.err),
		    "NOT NULL constraint failed: _alembic_tmp_a.must");
	rollback(&o);
	dbm_table_release(&t);

	/* a second primary key */
	t = table("a");
	c = add_col(&t, "id2", DBM_T_INTEGER, -1, NN | PK);
	CHECK_FAILS(&o, S->add_column(&o.ddl, "a", c, &o.err),
		    "table 'a' already has a primary key");
	dbm_table_release(&t);
	CHECK_ROWS(&o, "SELECT id, v FROM a ORDER BY id",
		   "1|one\n2|two\n3|three");
	check_child_reaches_parent(&o);
	online_close(&o);
}

/* create_table and the small operations, online. */
static void test_simple_online(void)
{
	struct online o;
	online_open(&o);
	struct dbm_table t = table("order");
	add_col(&t, "id", DBM_T_INTEGER, -1, PK | NN);
	add_col(&t, "Total", DBM_T_NUMERIC, -1, IX);
	struct dbm_column *c = add_col(&t, "st", DBM_T_ENUM, -1, NN);
	c->type.enum_values = split("new,shipped", &c->type.nenum_values);
	dbm_vec_push(&t.indexes, idx("ix_st", "order", true, "st,(lower(st))"));
	CHECK_OK(&o, S->create_table(&o.ddl, &t, &o.err));
	dbm_table_release(&t);
	CHECK_TABLE(&o, "order",
		    "id INTEGER NN PK, Total NUMERIC, st VARCHAR(7) NN | "
		    "PRIMARY(id) | ix_order_Total(Total) UNIQUE "
		    "ix_st(st,lower(st))");
	run(&o, "INSERT INTO \"order\" VALUES (1, 2.5, 'new')");

	/* a rebuild keeps an expression index */
	struct dbm_alter_column a = alter("order", "Total");
	a.nullable = 0;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_TABLE(&o, "order",
		    "id INTEGER NN PK, Total NUMERIC NN, st VARCHAR(7) NN | "
		    "PRIMARY(id) | ix_order_Total(Total) UNIQUE "
		    "ix_st(st,lower(st))");

	CHECK_OK(&o, S->rename_table(&o.ddl, "order", "orders", &o.err));
	struct dbm_index ix = idx("ix_o_st", "orders", false, "st");
	CHECK_OK(&o, S->create_index(&o.ddl, &ix, &o.err));
	dbm_index_release(&ix);
	CHECK_OK(&o, S->drop_index(&o.ddl, "ix_o_st", "orders", &o.err));
	CHECK_FAILS(&o, S->drop_index(&o.ddl, "ix_o_st", "orders", &o.err),
		    "no such index: ix_o_st");
	CHECK_STR(o.ddl.failed_sql, "DROP INDEX ix_o_st");

	char **names = NULL;
	size_t n = 0;
	CHECK_OK(&o, S->table_names(&o.ddl, &names, &n, &o.err));
	CHECK(n == 1 && strcmp(names[0], "orders") == 0);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);

	CHECK_OK(&o, S->drop_table(&o.ddl, "orders", &o.err));
	CHECK_APPLIED(
	    &o, "CREATE TABLE \"order\" (\n\tid INTEGER NOT NULL, \n"
		"\t\"Total\" NUMERIC, \n\tst VARCHAR(7) NOT NULL, \n"
		"\tPRIMARY KEY (id)\n);\n"
		"CREATE INDEX \"ix_order_Total\" ON \"order\" "
		"(\"Total\");\n"
		"CREATE UNIQUE INDEX ix_st ON \"order\" (st, lower(st));\n"
		"CREATE TABLE _alembic_tmp_order (\n"
		"\tid INTEGER NOT NULL, \n"
		"\t\"Total\" NUMERIC NOT NULL, \n"
		"\tst VARCHAR(7) NOT NULL, \n\tPRIMARY KEY (id)\n);\n"
		"INSERT INTO _alembic_tmp_order (id, \"Total\", st) "
		"SELECT \"order\".id, \"order\".\"Total\", \"order\".st "
		"\nFROM \"order\";\n"
		"DROP TABLE \"order\";\n"
		"ALTER TABLE _alembic_tmp_order RENAME TO \"order\";\n"
		"CREATE INDEX \"ix_order_Total\" ON \"order\" "
		"(\"Total\");\n"
		"CREATE UNIQUE INDEX ix_st ON \"order\" (st, "
		"lower(st));\n"
		"ALTER TABLE \"order\" RENAME TO orders;\n"
		"CREATE INDEX ix_o_st ON orders (st);\n"
		"DROP INDEX ix_o_st;\n"
		"DROP TABLE orders");

	/* bound parameters online */
	run(&o, "CREATE TABLE p (a INTEGER, b TEXT, c BLOB)");
	const struct dbm_value v[] = {
	    {.kind = DBM_V_INT, .i = 7},
	    {.kind = DBM_V_TEXT, .s = "it's"},
	    {.kind = DBM_V_BLOB, .s = "\x01\x02", .n = 2},
	};
	CHECK_OK(&o, dbm_ddl_exec(&o.ddl, "INSERT INTO p VALUES (?, ?, ?)", v,
				  3, NULL, &o.err));
	struct dbm_result *res = NULL;
	CHECK_OK(&o, dbm_ddl_exec(&o.ddl, "SELECT a, b, hex(c) FROM p", NULL, 0,
				  &res, &o.err));
	CHECK(res && res->nrows == 1);
	if (res && res->nrows == 1)
		CHECK_STR(dbm_result_cell(res, 0, 1)->s, "it's");
	dbm_result_free(res);
	/* The INSERT is recorded as applied; the SELECT changed nothing. */
	CHECK(o.ddl.applied.len == 1);
	online_close(&o);
}

/* A changed type family is CAST (a bare type: no COLLATE there). */
static void test_cast_collation(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE c (id INTEGER NOT NULL, n INTEGER, "
		"PRIMARY KEY (id))");
	run(&o, "INSERT INTO c VALUES (1, 42)");
	struct dbm_type str = type_of(DBM_T_STRING, 10);
	str.collation = dup("NOCASE");
	struct dbm_alter_column a = alter("c", "n");
	a.type = &str;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	dbm_type_release(&str);
	char *got = applied(&o);
	CHECK(strstr(got, "\tn VARCHAR(10) COLLATE \"NOCASE\", \n") != NULL);
	CHECK(strstr(got, "SELECT c.id, CAST(c.n AS VARCHAR(10)) AS n \nFROM "
			  "c") != NULL);
	free(got);
	CHECK_ROWS(&o, "SELECT n, typeof(n) FROM c WHERE n = '42'", "42|text");

	/* a STORED generated column: ALTER refuses it, the rebuild not */
	struct dbm_table t = table("c");
	struct dbm_column *col = add_col(&t, "twice", DBM_T_INTEGER, -1, 0);
	col->computed = dup("id * 2");
	col->persisted = 1;
	CHECK_OK(&o, S->add_column(&o.ddl, "c", col, &o.err));
	dbm_table_release(&t);
	CHECK_ROWS(&o, "SELECT id, twice FROM c", "1|2");
	/* and a later rebuild does not copy into it */
	a = alter("c", "n");
	a.nullable = 0;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	CHECK_ROWS(&o, "SELECT id, n, twice FROM c", "1|42|2");
	online_close(&o);
}

/* The temporary name is Alembic's, cut at 50 characters. */
static void test_long_name(void)
{
	struct online o;
	online_open(&o);
	run(&o, "CREATE TABLE a_table_with_a_really_long_name_for_sqlite_x "
		"(id INTEGER NOT NULL, v INTEGER, PRIMARY KEY (id))");
	struct dbm_alter_column a =
	    alter("a_table_with_a_really_long_name_for_sqlite_x", "v");
	a.nullable = 0;
	CHECK_OK(&o, S->alter_column(&o.ddl, &a, &o.err));
	char *got = applied(&o);
	CHECK(strncmp(got,
		      "CREATE TABLE _alembic_tmp_a_table_with_a_really_long_"
		      "name_for_s (",
		      63) == 0);
	free(got);
	online_close(&o);
}

/*
 * Offline with the catalog: every operation, rebuilds included, renders
 * the statements an online run executes, because both reflect the same
 * schema (the catalog is the schema the script has built so far).
 */

/* The statements sent to the sink since the last call, as applied(). */
static char *emitted(struct offline *o)
{
	char *s = dbm_xstrdup(o->out.buf);
	dbm_buf_reset(&o->out);
	return s;
}

/* Run the same operation offline and online; both must give the same SQL. */
#define CHECK_SAME(off, on, call_off, call_on)                                 \
	do {                                                                   \
		CHECK_OK((off), (call_off));                                   \
		CHECK_OK((on), (call_on));                                     \
		char *want_ = applied(on);                                     \
		char *got_ = emitted(off);                                     \
		CHECK_STR(got_, want_);                                        \
		free(got_);                                                    \
		free(want_);                                                   \
	} while (0)

static void test_offline_catalog(void)
{
	struct offline off;
	struct online on;
	struct dbm_table parent = table("parent"), t = table("t");

	offline_init(&off);
	online_open(&on);
	CHECK(dbm_ddl_catalog_open(&off.ddl, &off.err) == 0);
	CHECK(off.ddl.catalog != NULL);

	add_col(&parent, "id", DBM_T_STRING, 36, PK | NN);
	add_col(&t, "id", DBM_T_INTEGER, -1, PK | NN);
	add_col(&t, "v", DBM_T_STRING, 10, IX);
	struct dbm_column *p = add_col(&t, "parent_id", DBM_T_STRING, 36, 0);
	add_fkref(p, "parent.id", NULL, "CASCADE");
	add_con(&t, DBM_C_UNIQUE, "uq_t_v", "v", NULL, NULL);
	CHECK_SAME(&off, &on, S->create_table(&off.ddl, &parent, &off.err),
		   S->create_table(&on.ddl, &parent, &on.err));
	CHECK_SAME(&off, &on, S->create_table(&off.ddl, &t, &off.err),
		   S->create_table(&on.ddl, &t, &on.err));

	/* A rebuild: the catalog gives the table its reflected shape. */
	struct dbm_alter_column a = alter("t", "v");
	a.nullable = 0;
	CHECK_SAME(&off, &on, S->alter_column(&off.ddl, &a, &off.err),
		   S->alter_column(&on.ddl, &a, &on.err));
	CHECK_SAME(
	    &off, &on,
	    S->drop_constraint(&off.ddl, "t", "uq_t_v", "unique", &off.err),
	    S->drop_constraint(&on.ddl, "t", "uq_t_v", "unique", &on.err));
	/* v is indexed: SQLite's DROP COLUMN would refuse it, so a rebuild */
	CHECK_SAME(&off, &on, S->drop_column(&off.ddl, "t", "v", &off.err),
		   S->drop_column(&on.ddl, "t", "v", &on.err));
	CHECK_SAME(&off, &on, S->rename_table(&off.ddl, "t", "t2", &off.err),
		   S->rename_table(&on.ddl, "t", "t2", &on.err));
	/* the catalog follows the rename */
	a = alter("t2", "parent_id");
	a.nullable = 0;
	CHECK_SAME(&off, &on, S->alter_column(&off.ddl, &a, &off.err),
		   S->alter_column(&on.ddl, &a, &on.err));
	struct online view = on;
	view.ddl = off.ddl;
	char *want = describe(&on, "t2");
	char *got = describe(&view, "t2");
	CHECK_STR(got, want);
	CHECK_STR(got, "id INTEGER NN PK, parent_id VARCHAR(36) NN | "
		       "PRIMARY(id) FOREIGN(parent_id)->parent(id) "
		       "ondelete=CASCADE |");
	free(got);
	free(want);

	/* The catalog refuses what SQLite refuses; nothing reaches the sink. */
	CHECK_FAILS(&off, S->create_table(&off.ddl, &parent, &off.err),
		    "table parent already exists");
	CHECK_STR(off.out.buf, "");
	CHECK(off.ddl.failed_sql &&
	      strncmp(off.ddl.failed_sql, "CREATE TABLE parent", 19) == 0);
	a = alter("t", "v");
	a.nullable = 0;
	CHECK_FAILS(&off, S->alter_column(&off.ddl, &a, &off.err),
		    "no such table 't'");

	/* Only offline SQLite keeps a catalog. */
	struct offline pg;
	offline_init(&pg);
	pg.ddl.dialect = &dbm_dialect_postgresql;
	CHECK(dbm_ddl_catalog_open(&pg.ddl, &pg.err) == 0);
	CHECK(pg.ddl.catalog == NULL);
	offline_release(&pg);
	CHECK(dbm_ddl_catalog_open(&on.ddl, &on.err) == 0);
	CHECK(on.ddl.catalog == NULL);

	dbm_table_release(&t);
	dbm_table_release(&parent);
	online_close(&on);
	offline_release(&off);
}

static void test_online(void)
{
	test_alter_type();
	test_alter_nullable();
	test_alter_default();
	test_rename_column();
	test_drop_column();
	test_foreign_keys();
	test_unique_check();
	test_primary_key();
	test_add_column();
	test_simple_online();
	test_cast_collation();
	test_long_name();
}

int main(void)
{
	test_dialect_table();
	test_numbered_placeholders();
	test_types();
	test_quote();
	test_bind_names();
	test_literals();
	test_create_table();
	test_ops_offline();
	test_online();
	test_offline_catalog();
	return t_done();
}
