/* SQLite reflection and the schema model's init/copy/release. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reflect_sqlite.h"
#include "t.h"

static const char *const rich_sql[] = {
    "CREATE TABLE parent (\n"
    "	id INTEGER NOT NULL,\n"
    "	code VARCHAR(36) NOT NULL,\n"
    "	CONSTRAINT pk_parent PRIMARY KEY (id),\n"
    "	CONSTRAINT uq_parent_code UNIQUE (code)\n"
    ")",
    "CREATE TABLE \"order\" (\n"
    "	\"Mixed Case\" VARCHAR(36) NOT NULL,\n"
    "	[line no] INTEGER NOT NULL,\n"
    "	`qty` INTEGER DEFAULT '0' NOT NULL,\n"
    "	price NUMERIC(10, 2) DEFAULT 1.5,\n"
    "	created_at DATETIME DEFAULT CURRENT_TIMESTAMP,\n"
    "	note TEXT DEFAULT (lower('A,B)')) /* comment ( */,\n"
    "	neg INTEGER DEFAULT -1,\n"
    "	parent_id INTEGER,\n"
    "	parent_code VARCHAR(36),\n"
    "	total INTEGER GENERATED ALWAYS AS (qty * 2) VIRTUAL,\n"
    "	\"stored one\" TEXT AS (upper(note)) STORED,\n"
    "	email TEXT UNIQUE, -- column-level, CONSTRAINT x CHECK (1)\n"
    "	PRIMARY KEY (\"Mixed Case\", [line no]),\n"
    "	CONSTRAINT fk_order_parent FOREIGN KEY (parent_id) "
    "REFERENCES parent (id) ON DELETE CASCADE,\n"
    "	FOREIGN KEY (parent_code) REFERENCES parent (code) "
    "ON UPDATE SET NULL,\n"
    "	CONSTRAINT \"uq order\" UNIQUE (parent_id, qty),\n"
    "	UNIQUE (price),\n"
    "	CONSTRAINT ck_qty CHECK (qty >= 0 AND (qty < 1000)),\n"
    "	CHECK (note != 'a)b' OR note IS NULL)\n"
    ")",
    "CREATE INDEX ix_order_lower ON \"order\" (lower(note), qty DESC)",
    "CREATE UNIQUE INDEX \"ix Mixed\" ON \"order\" (\"Mixed Case\")",
    "CREATE INDEX ix_partial ON \"order\" (qty) WHERE qty > 10",
    "CREATE TABLE child (\n"
    "	id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "	parent_id INTEGER REFERENCES parent ON DELETE CASCADE,\n"
    "	CONSTRAINT ck_child CHECK (id > 0)\n"
    ")",
    "CREATE TABLE line (\n"
    "	order_key VARCHAR(36) NOT NULL,\n"
    "	line_no INTEGER NOT NULL,\n"
    "	other INTEGER CONSTRAINT fk_other REFERENCES parent (id) "
    "ON UPDATE CASCADE,\n"
    "	CONSTRAINT pk_line PRIMARY KEY (line_no, order_key),\n"
    "	CONSTRAINT fk_line FOREIGN KEY (order_key, line_no) "
    "REFERENCES \"order\" (\"Mixed Case\", \"line no\") "
    "ON DELETE CASCADE ON UPDATE RESTRICT\n"
    ")",
    "CREATE TABLE solo (\n"
    "	id TEXT CONSTRAINT pk_solo PRIMARY KEY,\n"
    "	v TEXT CONSTRAINT uq_v UNIQUE CONSTRAINT ck_v "
    "CHECK (length(v) > 1)\n"
    ") WITHOUT ROWID",
    /* The tokenizer's odd corners. */
    "CREATE TABLE \"we\"\"ird\" ( -- a ( and CONSTRAINT bogus CHECK (0)\n"
    "	[select] INTEGER /* CHECK (1) */ CHECK (((\"select\" > 0))),\n"
    "	`from` TEXT DEFAULT 'it''s (' COLLATE NOCASE,\n"
    "	\"a,b\" TEXT,\n"
    "	untyped,\n"
    "	CONSTRAINT [ck weird] CHECK (\"a,b\" <> ')' /* ) */ "
    "AND `from` LIKE '%(%'),\n"
    "	CONSTRAINT \"uq \"\"q\"\"\" UNIQUE ([select], \"a,b\")\n"
    ")",
    "CREATE INDEX \"ix \"\"e\"\"\" ON \"we\"\"ird\" "
    "(`from` COLLATE NOCASE DESC, (\"select\" + 1) ASC, "
    "substr(\"a,b\", 1, 2))",
    "CREATE TABLE e (a TEXT, b TEXT DEFAULT 'x',\n"
    "	pid INTEGER DEFAULT 0 REFERENCES parent (id) "
    "ON DELETE SET DEFAULT CONSTRAINT uq_pid UNIQUE "
    "ON CONFLICT REPLACE,\n"
    "	g TEXT GENERATED ALWAYS AS (coalesce(a, 'x,)', b)) STORED,\n"
    "	CONSTRAINT uq_ab UNIQUE (a, b) "
    "CONSTRAINT ck_b CHECK (b <> 'UNIQUE (a)'),\n"
    "	UNIQUE (b COLLATE NOCASE))",
    "CREATE TABLE \"Zeta\" (z INTEGER)",
    ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
     "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"),
};

static int setup(struct dbm_conn *conn)
{
	struct dbm_err err = DBM_ERR_INIT;
	for (size_t i = 0; i < sizeof(rich_sql) / sizeof(rich_sql[0]); i++) {
		if (dbm_db_exec(conn, rich_sql[i], NULL, 0, NULL, &err) < 0) {
			fprintf(stderr, "setup %zu: %s\n", i, err.msg);
			return -1;
		}
	}
	return 0;
}

/* "a,b,c" (a static buffer: one use per CHECK_STR). */
static const char *join(char *const *v, size_t n)
{
	static char buf[1024];
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, v[i] ? v[i] : "(null)");
	}
	return buf;
}

static const struct dbm_constraint *
con(const struct dbm_table *t, enum dbm_constraint_kind kind, size_t nth)
{
	for (size_t i = 0; i < t->constraints.len; i++)
		if (t->constraints.items[i].kind == kind && nth-- == 0)
			return &t->constraints.items[i];
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

static int reflect(struct dbm_ddl *ddl, const char *name, struct dbm_table *t)
{
	struct dbm_err err = DBM_ERR_INIT;
	int rc = dbm_sqlite_reflect_table(ddl, name, t, &err);
	if (rc < 0)
		fprintf(stderr, "reflect '%s': %s\n", name, err.msg);
	return rc;
}

static void check_column(const struct dbm_column *c, const char *name,
			 const char *type, int nullable, const char *dflt)
{
	CHECK_STR(c->name, name);
	CHECK(c->type.kind == DBM_T_RAW);
	CHECK_STR(c->type.raw, type);
	CHECK(c->nullable == nullable);
	if (dflt) {
		CHECK(c->server_default.kind == DBM_DEFAULT_EXPR);
		CHECK_STR(c->server_default.text, dflt);
	} else {
		CHECK(c->server_default.kind == DBM_DEFAULT_NONE);
		CHECK(c->server_default.text == NULL);
	}
}

static void test_order(struct dbm_ddl *ddl, struct dbm_table *t)
{
	const struct dbm_constraint *c;

	CHECK_STR(t->name, "order");
	CHECK(t->columns.len == 12);
	if (t->columns.len != 12)
		return;
	const struct dbm_column *col = t->columns.items;
	check_column(&col[0], "Mixed Case", "VARCHAR(36)", 0, NULL);
	CHECK(col[0].primary_key);
	check_column(&col[1], "line no", "INTEGER", 0, NULL);
	CHECK(col[1].primary_key);
	check_column(&col[2], "qty", "INTEGER", 0, "'0'");
	CHECK(!col[2].primary_key);
	check_column(&col[3], "price", "NUMERIC(10, 2)", 1, "1.5");
	check_column(&col[4], "created_at", "DATETIME", 1, "CURRENT_TIMESTAMP");
	check_column(&col[5], "note", "TEXT", 1, "lower('A,B)')");
	check_column(&col[6], "neg", "INTEGER", 1, "-1");
	check_column(&col[7], "parent_id", "INTEGER", 1, NULL);
	check_column(&col[8], "parent_code", "VARCHAR(36)", 1, NULL);
	check_column(&col[9], "total", "INTEGER", 1, NULL);
	CHECK_STR(col[9].computed, "qty * 2");
	CHECK(col[9].persisted == 0);
	check_column(&col[10], "stored one", "TEXT", 1, NULL);
	CHECK_STR(col[10].computed, "upper(note)");
	CHECK(col[10].persisted == 1);
	check_column(&col[11], "email", "TEXT", 1, NULL);
	CHECK(col[11].computed == NULL && col[11].persisted == -1);
	for (size_t i = 0; i < 12; i++) {
		CHECK(col[i].autoincrement == -1);
		CHECK(col[i].nfks == 0 && !col[i].unique && !col[i].index);
	}

	CHECK(t->constraints.len == 8);
	c = con(t, DBM_C_PRIMARY, 0);
	CHECK(c && c->name == NULL);
	CHECK(c && c->ncolumns == 2);
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL,
		  "Mixed Case,line no");
	CHECK(count_kind(t, DBM_C_PRIMARY) == 1);

	CHECK(count_kind(t, DBM_C_FOREIGN) == 2);
	c = con(t, DBM_C_FOREIGN, 0);
	if (c) {
		CHECK_STR(c->name, "fk_order_parent");
		CHECK_STR(join(c->columns, c->ncolumns), "parent_id");
		CHECK_STR(c->ref_table, "parent");
		CHECK_STR(join(c->ref_columns, c->nref_columns), "id");
		CHECK_STR(c->ondelete, "CASCADE");
		CHECK_STR(c->onupdate, NULL);
	}
	c = con(t, DBM_C_FOREIGN, 1);
	if (c) {
		CHECK_STR(c->name, NULL);
		CHECK_STR(join(c->columns, c->ncolumns), "parent_code");
		CHECK_STR(c->ref_table, "parent");
		CHECK_STR(join(c->ref_columns, c->nref_columns), "code");
		CHECK_STR(c->ondelete, NULL);
		CHECK_STR(c->onupdate, "SET NULL");
	}

	/* Unique constraints in the order the text declares them. */
	CHECK(count_kind(t, DBM_C_UNIQUE) == 3);
	c = con(t, DBM_C_UNIQUE, 0);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "email");
	c = con(t, DBM_C_UNIQUE, 1);
	CHECK_STR(c ? c->name : NULL, "uq order");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "parent_id,qty");
	c = con(t, DBM_C_UNIQUE, 2);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "price");

	/* The comment's CHECK is not one. */
	CHECK(count_kind(t, DBM_C_CHECK) == 2);
	c = con(t, DBM_C_CHECK, 0);
	CHECK_STR(c ? c->name : NULL, "ck_qty");
	CHECK_STR(c ? c->check : NULL, "qty >= 0 AND (qty < 1000)");
	c = con(t, DBM_C_CHECK, 1);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? c->check : NULL, "note != 'a)b' OR note IS NULL");

	/* Indexes by name; autoindexes are not among them. */
	CHECK(t->indexes.len == 3);
	if (t->indexes.len == 3) {
		const struct dbm_index *ix = t->indexes.items;
		CHECK_STR(ix[0].name, "ix Mixed");
		CHECK_STR(ix[0].table, "order");
		CHECK(ix[0].unique);
		CHECK(ix[0].ncolumns == 1 && !ix[0].expr[0]);
		CHECK_STR(join(ix[0].columns, ix[0].ncolumns), "Mixed Case");
		CHECK(ix[0].nkwargs == 0);

		CHECK_STR(ix[1].name, "ix_order_lower");
		CHECK(!ix[1].unique);
		CHECK(ix[1].ncolumns == 2);
		CHECK_STR(join(ix[1].columns, ix[1].ncolumns),
			  "lower(note),qty");
		CHECK(ix[1].expr[0] && !ix[1].expr[1]);

		CHECK_STR(ix[2].name, "ix_partial");
		CHECK_STR(join(ix[2].columns, ix[2].ncolumns), "qty");
		CHECK_STR(
		    dbm_kwarg(ix[2].kwargs, ix[2].nkwargs, "sqlite_where"),
		    "qty > 10");
	}
	CHECK(t->nkwargs == 0);

	/* SQLite names are case-insensitive: the stored name comes back. */
	struct dbm_table again;
	dbm_table_init(&again);
	CHECK(reflect(ddl, "ORDER", &again) == 0);
	CHECK_STR(again.name, "order");
	CHECK(again.columns.len == 12);
	dbm_table_release(&again);
}

static void test_keys(struct dbm_ddl *ddl)
{
	struct dbm_table t;
	const struct dbm_constraint *c;
	dbm_table_init(&t);

	CHECK(reflect(ddl, "parent", &t) == 0);
	c = con(&t, DBM_C_PRIMARY, 0);
	CHECK_STR(c ? c->name : NULL, "pk_parent");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "id");
	c = con(&t, DBM_C_UNIQUE, 0);
	CHECK_STR(c ? c->name : NULL, "uq_parent_code");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "code");
	CHECK(t.constraints.len == 2 && t.indexes.len == 0);
	dbm_table_release(&t);

	/* Unnamed PK; REFERENCES with no columns means the parent's PK. */
	CHECK(reflect(ddl, "child", &t) == 0);
	CHECK(t.columns.len == 2);
	c = con(&t, DBM_C_PRIMARY, 0);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "id");
	c = con(&t, DBM_C_FOREIGN, 0);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "parent_id");
	CHECK_STR(c ? c->ref_table : NULL, "parent");
	CHECK_STR(c ? join(c->ref_columns, c->nref_columns) : NULL, "id");
	CHECK_STR(c ? c->ondelete : NULL, "CASCADE");
	c = con(&t, DBM_C_CHECK, 0);
	CHECK_STR(c ? c->name : NULL, "ck_child");
	CHECK_STR(c ? c->check : NULL, "id > 0");
	CHECK(t.constraints.len == 3);
	CHECK_STR(dbm_kwarg(t.kwargs, t.nkwargs, "sqlite_autoincrement"),
		  "true");
	dbm_table_release(&t);

	/* Composite PK in key order, composite and column-level FKs. */
	CHECK(reflect(ddl, "line", &t) == 0);
	c = con(&t, DBM_C_PRIMARY, 0);
	CHECK_STR(c ? c->name : NULL, "pk_line");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL,
		  "line_no,order_key");
	CHECK(t.columns.len == 3 && t.columns.items[0].primary_key &&
	      t.columns.items[1].primary_key &&
	      !t.columns.items[2].primary_key);
	CHECK(count_kind(&t, DBM_C_FOREIGN) == 2);
	c = con(&t, DBM_C_FOREIGN, 0);
	CHECK_STR(c ? c->name : NULL, "fk_other");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "other");
	CHECK_STR(c ? c->onupdate : NULL, "CASCADE");
	CHECK(c && c->ondelete == NULL);
	c = con(&t, DBM_C_FOREIGN, 1);
	CHECK_STR(c ? c->name : NULL, "fk_line");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL,
		  "order_key,line_no");
	CHECK_STR(c ? c->ref_table : NULL, "order");
	CHECK_STR(c ? join(c->ref_columns, c->nref_columns) : NULL,
		  "Mixed Case,line no");
	CHECK_STR(c ? c->ondelete : NULL, "CASCADE");
	CHECK_STR(c ? c->onupdate : NULL, "RESTRICT");
	dbm_table_release(&t);

	/* Column-level named constraints; WITHOUT ROWID. */
	CHECK(reflect(ddl, "solo", &t) == 0);
	c = con(&t, DBM_C_PRIMARY, 0);
	CHECK_STR(c ? c->name : NULL, "pk_solo");
	c = con(&t, DBM_C_UNIQUE, 0);
	CHECK_STR(c ? c->name : NULL, "uq_v");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "v");
	c = con(&t, DBM_C_CHECK, 0);
	CHECK_STR(c ? c->name : NULL, "ck_v");
	CHECK_STR(c ? c->check : NULL, "length(v) > 1");
	CHECK(t.constraints.len == 3);
	CHECK_STR(dbm_kwarg(t.kwargs, t.nkwargs, "sqlite_with_rowid"), "false");
	CHECK(dbm_kwarg(t.kwargs, t.nkwargs, "sqlite_autoincrement") == NULL);
	dbm_table_release(&t);

	/* The version table: its PK name, nothing excluded. */
	CHECK(reflect(ddl, "alembic_version", &t) == 0);
	c = con(&t, DBM_C_PRIMARY, 0);
	CHECK_STR(c ? c->name : NULL, "alembic_version_pkc");
	check_column(&t.columns.items[0], "version_num", "VARCHAR(32)", 0,
		     NULL);
	dbm_table_release(&t);
}

static void test_odd(struct dbm_ddl *ddl)
{
	struct dbm_table t;
	const struct dbm_constraint *c;
	dbm_table_init(&t);

	CHECK(reflect(ddl, "we\"ird", &t) == 0);
	CHECK_STR(t.name, "we\"ird");
	CHECK(t.columns.len == 4);
	if (t.columns.len == 4) {
		check_column(&t.columns.items[0], "select", "INTEGER", 1, NULL);
		check_column(&t.columns.items[1], "from", "TEXT", 1,
			     "'it''s ('");
		check_column(&t.columns.items[2], "a,b", "TEXT", 1, NULL);
		check_column(&t.columns.items[3], "untyped", "", 1, NULL);
	}
	CHECK(count_kind(&t, DBM_C_PRIMARY) == 0);
	CHECK(count_kind(&t, DBM_C_CHECK) == 2);
	c = con(&t, DBM_C_CHECK, 0);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? c->check : NULL, "((\"select\" > 0))");
	c = con(&t, DBM_C_CHECK, 1);
	CHECK_STR(c ? c->name : NULL, "ck weird");
	CHECK_STR(c ? c->check : NULL,
		  "\"a,b\" <> ')' /* ) */ AND `from` LIKE '%(%'");
	c = con(&t, DBM_C_UNIQUE, 0);
	CHECK_STR(c ? c->name : NULL, "uq \"q\"");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "select,a,b");
	CHECK(t.constraints.len == 3);

	CHECK(t.indexes.len == 1);
	if (t.indexes.len == 1) {
		const struct dbm_index *ix = &t.indexes.items[0];
		CHECK_STR(ix->name, "ix \"e\"");
		CHECK_STR(ix->table, "we\"ird");
		CHECK(ix->ncolumns == 3);
		if (ix->ncolumns == 3) {
			CHECK_STR(ix->columns[0], "from");
			CHECK(!ix->expr[0]);
			CHECK_STR(ix->columns[1], "(\"select\" + 1)");
			CHECK(ix->expr[1]);
			CHECK_STR(ix->columns[2], "substr(\"a,b\", 1, 2)");
			CHECK(ix->expr[2]);
		}
	}
	dbm_table_release(&t);

	/* Keywords inside clauses, commas in a generated expression,
	 * constraints with no comma between them. */
	CHECK(reflect(ddl, "e", &t) == 0);
	CHECK(t.columns.len == 4);
	if (t.columns.len == 4) {
		check_column(&t.columns.items[1], "b", "TEXT", 1, "'x'");
		check_column(&t.columns.items[2], "pid", "INTEGER", 1, "0");
		CHECK_STR(t.columns.items[3].computed, "coalesce(a, 'x,)', b)");
		CHECK(t.columns.items[3].persisted == 1);
	}
	c = con(&t, DBM_C_FOREIGN, 0);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? c->ondelete : NULL, "SET DEFAULT");
	CHECK(c && c->onupdate == NULL);
	c = con(&t, DBM_C_UNIQUE, 0);
	CHECK_STR(c ? c->name : NULL, "uq_pid");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "pid");
	c = con(&t, DBM_C_UNIQUE, 1);
	CHECK_STR(c ? c->name : NULL, "uq_ab");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "a,b");
	c = con(&t, DBM_C_UNIQUE, 2);
	CHECK(c && c->name == NULL);
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "b");
	c = con(&t, DBM_C_CHECK, 0);
	CHECK_STR(c ? c->name : NULL, "ck_b");
	CHECK_STR(c ? c->check : NULL, "b <> 'UNIQUE (a)'");
	CHECK(t.constraints.len == 5);
	dbm_table_release(&t);
}

static void test_missing_and_names(struct dbm_ddl *ddl)
{
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_table t;
	dbm_table_init(&t);

	CHECK(dbm_sqlite_reflect_table(ddl, "nope", &t, &err) < 0);
	CHECK(err.kind == DBM_EFAIL);
	CHECK_STR(err.msg, "no such table 'nope'");
	CHECK(t.name == NULL && t.columns.len == 0);
	dbm_err_clear(&err);
	/* An index is not a table. */
	CHECK(dbm_sqlite_reflect_table(ddl, "ix_partial", &t, &err) < 0);
	CHECK_STR(err.msg, "no such table 'ix_partial'");
	dbm_err_clear(&err);

	char **names = (char **)&err; /* set NULL on entry */
	size_t n = 99;
	CHECK(dbm_sqlite_table_names(ddl, &names, &n, &err) == 0);
	/* Byte order; sqlite_sequence (from AUTOINCREMENT) left out. */
	CHECK(n == 9);
	CHECK_STR(join(names, n), "Zeta,alembic_version,child,e,line,order,"
				  "parent,solo,we\"ird");
	CHECK(names[n] == NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);

	/* Offline: no connection to read. */
	struct dbm_ddl offline = DBM_DDL_INIT;
	CHECK(dbm_sqlite_table_names(&offline, &names, &n, &err) < 0);
	CHECK(names == NULL && n == 0);
	CHECK(err.kind == DBM_EUSAGE);
	dbm_err_clear(&err);
}

static void test_schema_model(struct dbm_table *order)
{
	struct dbm_column col;
	struct dbm_type ty;
	struct dbm_table t, copy;

	dbm_column_init(&col);
	CHECK(col.nullable == 1 && col.autoincrement == -1 &&
	      col.persisted == -1);
	CHECK(col.type.length == -1 && col.type.precision == -1 &&
	      col.type.scale == -1 && col.type.native_enum);
	CHECK(col.server_default.kind == DBM_DEFAULT_NONE);

	dbm_type_init(&ty, DBM_T_ENUM);
	ty.enum_name = strdup("status");
	ty.enum_values = malloc(2 * sizeof(char *));
	ty.enum_values[0] = strdup("ACTIVE");
	ty.enum_values[1] = strdup("ERROR");
	ty.nenum_values = 2;
	ty.collation = strdup("utf8_bin");
	col.name = strdup("status");
	dbm_type_copy(&col.type, &ty);
	dbm_type_release(&ty);
	CHECK(ty.kind == DBM_T_ENUM && ty.enum_values == NULL &&
	      ty.length == -1 && ty.native_enum);
	col.fks = calloc(1, sizeof(*col.fks));
	col.fks[0].target = strdup("parent.id");
	col.fks[0].ondelete = strdup("CASCADE");
	col.nfks = 1;
	col.server_default.kind = DBM_DEFAULT_LITERAL;
	col.server_default.text = strdup("ACTIVE");

	/* A table built by hand, copied, compared, released. */
	dbm_table_init(&t);
	t.name = strdup("vims");
	dbm_vec_push(&t.columns, col);
	dbm_column_init(&col);
	col.name = strdup("id");
	col.primary_key = true;
	dbm_vec_push(&t.columns, col);
	t.kwargs = malloc(4 * sizeof(char *));
	t.kwargs[0] = strdup("mysql_engine");
	t.kwargs[1] = strdup("MyISAM");
	t.kwargs[2] = strdup("mysql_engine");
	t.kwargs[3] = strdup("InnoDB");
	t.nkwargs = 2;
	CHECK_STR(dbm_kwarg(t.kwargs, t.nkwargs, "mysql_engine"), "InnoDB");
	CHECK(dbm_kwarg(t.kwargs, t.nkwargs, "mysql_charset") == NULL);
	CHECK(dbm_kwarg(NULL, 0, "x") == NULL);

	dbm_table_copy(&copy, &t);
	dbm_table_release(&t);
	CHECK(t.name == NULL && t.columns.len == 0 && t.kwargs == NULL);
	CHECK_STR(copy.name, "vims");
	CHECK(dbm_table_column_index(&copy, "id") == 1);
	CHECK(dbm_table_column_index(&copy, "ID") == -1);
	struct dbm_column *st = dbm_table_column(&copy, "status");
	CHECK(st == &copy.columns.items[0]);
	CHECK(dbm_table_column(&copy, "nope") == NULL);
	if (st) {
		CHECK(st->type.kind == DBM_T_ENUM);
		CHECK_STR(join(st->type.enum_values, st->type.nenum_values),
			  "ACTIVE,ERROR");
		CHECK_STR(st->type.enum_name, "status");
		CHECK_STR(st->type.collation, "utf8_bin");
		CHECK(st->nfks == 1);
		CHECK_STR(st->fks[0].target, "parent.id");
		CHECK_STR(st->fks[0].ondelete, "CASCADE");
		CHECK(st->fks[0].name == NULL);
		CHECK_STR(st->server_default.text, "ACTIVE");
		CHECK(st->server_default.kind == DBM_DEFAULT_LITERAL);
	}
	CHECK_STR(dbm_kwarg(copy.kwargs, copy.nkwargs, "mysql_engine"),
		  "InnoDB");
	/* Reuse after release. */
	dbm_table_release(&copy);
	copy.name = strdup("again");
	dbm_table_release(&copy);
	dbm_table_release(&copy);

	/* A deep copy of the reflected table matches it. */
	dbm_table_copy(&copy, order);
	CHECK(copy.columns.len == order->columns.len);
	CHECK(copy.constraints.len == order->constraints.len);
	CHECK(copy.indexes.len == order->indexes.len);
	CHECK(copy.name != order->name);
	CHECK_STR(copy.name, order->name);
	for (size_t i = 0; i < copy.columns.len; i++) {
		CHECK_STR(copy.columns.items[i].name,
			  order->columns.items[i].name);
		CHECK_STR(copy.columns.items[i].type.raw,
			  order->columns.items[i].type.raw);
		CHECK_STR(copy.columns.items[i].computed,
			  order->columns.items[i].computed);
	}
	for (size_t i = 0; i < copy.constraints.len; i++) {
		const struct dbm_constraint *a = &copy.constraints.items[i],
					    *b = &order->constraints.items[i];
		CHECK(a->kind == b->kind);
		CHECK_STR(a->name, b->name);
		CHECK_STR(a->check, b->check);
		CHECK(a->ncolumns == b->ncolumns);
		CHECK(a->nref_columns == b->nref_columns);
		CHECK(a->ncolumns == 0 || a->columns != b->columns);
	}
	const struct dbm_index *ix = &copy.indexes.items[2];
	CHECK_STR(dbm_kwarg(ix->kwargs, ix->nkwargs, "sqlite_where"),
		  "qty > 10");
	CHECK(copy.indexes.items[1].expr != order->indexes.items[1].expr);
	CHECK(copy.indexes.items[1].expr[0]);
	dbm_table_release(&copy);

	/* Constraint and index init/release. */
	struct dbm_constraint k;
	dbm_constraint_init(&k, DBM_C_CHECK);
	k.check = strdup("x > 0");
	k.name = strdup("ck");
	dbm_constraint_release(&k);
	CHECK(k.kind == DBM_C_CHECK && k.check == NULL && k.name == NULL);
	struct dbm_index i2;
	dbm_index_init(&i2);
	CHECK(i2.name == NULL && i2.ncolumns == 0 && !i2.unique);
	dbm_index_release(&i2);
}

/* Reflection through a second connection to a file database. */
static void test_file(void)
{
	char dir[] = "/tmp/dbm_test_reflect_XXXXXX", path[128];
	struct dbm_err err = DBM_ERR_INIT;
	struct dbm_conn *a = NULL, *b = NULL;
	struct dbm_url url = DBM_URL_INIT;

	if (!mkdtemp(dir)) {
		CHECK(0 /* mkdtemp failed */);
		return;
	}
	snprintf(path, sizeof(path), "%s/r.db", dir);
	url.dialect = "sqlite";
	url.database = path;
	CHECK(dbm_db_connect(&a, &url, &err) == 0);
	CHECK(dbm_db_exec(a,
			  "CREATE TABLE \"Mixed Case\" (\"Id\" INTEGER "
			  "CONSTRAINT \"PK Mixed\" PRIMARY KEY)",
			  NULL, 0, NULL, &err) == 0);
	dbm_db_close(a);
	CHECK(dbm_db_connect(&b, &url, &err) == 0);
	struct dbm_ddl ddl = DBM_DDL_INIT;
	ddl.conn = b;
	struct dbm_table t;
	dbm_table_init(&t);
	CHECK(reflect(&ddl, "Mixed Case", &t) == 0);
	CHECK_STR(t.name, "Mixed Case");
	CHECK(t.columns.len == 1 && t.columns.items[0].primary_key);
	const struct dbm_constraint *c = con(&t, DBM_C_PRIMARY, 0);
	CHECK_STR(c ? c->name : NULL, "PK Mixed");
	CHECK_STR(c ? join(c->columns, c->ncolumns) : NULL, "Id");
	dbm_table_release(&t);
	dbm_db_close(b);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	struct dbm_url url = DBM_URL_INIT;
	struct dbm_conn *conn = NULL;
	struct dbm_err err = DBM_ERR_INIT;
	url.dialect = "sqlite";
	if (dbm_db_connect(&conn, &url, &err) < 0 || setup(conn) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 1;
	}
	struct dbm_ddl ddl = DBM_DDL_INIT;
	ddl.conn = conn;

	struct dbm_table order;
	dbm_table_init(&order);
	CHECK(reflect(&ddl, "order", &order) == 0);
	test_order(&ddl, &order);
	test_keys(&ddl);
	test_odd(&ddl);
	test_missing_and_names(&ddl);
	test_schema_model(&order);
	dbm_table_release(&order);
	test_file();

	dbm_db_close(conn);
	return t_done();
}
