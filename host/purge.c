/*
 * Tacker's purge_deleted, read from tacker/db/migration/purge_tables.py:
 *
 * - a resource (vnf, vnfd, vims) names its table; its rows with
 *   deleted_at at or before the cutoff go, and first the rows of every
 *   table that points at it through a foreign key, unless that table is
 *   itself pointed at by some foreign key (Tacker's association map drops
 *   those: purging vnfd never deletes vnf rows);
 * - events: every event of a resource that has a DELETE event with a
 *   timestamp at or before the cutoff;
 * - all: events, then vnf, vnfd and vims, in that order.
 *
 * Where this differs from Tacker, on purpose: a live row (deleted_at NULL
 * or Tacker's datetime.min) is never purged; a resource row that rows of a
 * table not purged along still point at (a kept vnf's vnfd) is kept, with
 * its associated rows, and reported, instead of failing on the foreign
 * key; and everything happens in one transaction.
 */
#include "purge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "schema.h"

/* 0001-01-02 00:00:00 UTC (DBM_PURGE_DELETED_SINCE) in Unix time. */
#define DELETED_SINCE_EPOCH (-62135510400LL)
#define NOTHING_CUTOFF	    "0001-01-01 00:00:00.000000"

static const char *const resources[] = {"all", "events", "vnf", "vnfd", "vims"};

/* The resource tables of "all", in Tacker's order (after events). */
static const char *const resource_tables[] = {"vnf", "vnfd", "vims"};

static const struct {
	const char *name;
	int64_t seconds;
} granularities[] = {
    {"days", 86400},
    {"hours", 3600},
    {"minutes", 60},
    {"seconds", 1},
};

#define COUNT_OF(a) (sizeof(a) / sizeof(*(a)))

/* ---- arguments ---- */

bool dbm_purge_resource_valid(const char *resource)
{
	for (size_t i = 0; i < COUNT_OF(resources); i++)
		if (strcmp(resources[i], resource) == 0)
			return true;
	return false;
}

static int64_t granularity_seconds(const char *granularity)
{
	for (size_t i = 0; i < COUNT_OF(granularities); i++)
		if (strcmp(granularities[i].name, granularity) == 0)
			return granularities[i].seconds;
	return 0;
}

int dbm_purge_age_seconds(int64_t *out, const char *age,
			  const char *granularity, struct dbm_err *err)
{
	*out = 0;
	int64_t unit = granularity_seconds(granularity);
	if (unit == 0)
		return dbm_err_set(err, DBM_EUSAGE,
				   "argument -g/--granularity: invalid choice: "
				   "'%s' (choose from 'days', 'hours', "
				   "'minutes', 'seconds')",
				   granularity);
	const char *p = age;
	bool negative = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s' - age should be an integer", age);
	int64_t value = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return dbm_err_set(err, DBM_EUSAGE,
					   "'%s' - age should be an integer",
					   age);
		int digit = *p - '0';
		if (value > (INT64_MAX - digit) / 10)
			value = INT64_MAX; /* older than anything: saturate */
		else
			value = value * 10 + digit;
	}
	if (negative && value != 0)
		return dbm_err_set(err, DBM_EUSAGE,
				   "'%s' - age should be a positive integer",
				   age);
	*out = value > INT64_MAX / unit ? INT64_MAX : value * unit;
	return 0;
}

void dbm_purge_cutoff(char out[DBM_PURGE_TS_SIZE], const struct timespec *now,
		      int64_t seconds)
{
	int64_t now_s = (int64_t)now->tv_sec;
	if (seconds < 0 || seconds > now_s - DELETED_SINCE_EPOCH) {
		memcpy(out, NOTHING_CUTOFF, sizeof(NOTHING_CUTOFF));
		return;
	}
	time_t t = (time_t)(now_s - seconds);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		memcpy(out, NOTHING_CUTOFF, sizeof(NOTHING_CUTOFF));
		return;
	}
	long usec = now->tv_nsec / 1000;
	int n = snprintf(out, DBM_PURGE_TS_SIZE,
			 "%04d-%02d-%02d %02d:%02d:%02d.%06ld",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	if (n != DBM_PURGE_TS_SIZE - 1)
		DBM_BUG("a cutoff timestamp of the wrong length");
}

void dbm_purge_report_release(struct dbm_purge_report *report)
{
	for (size_t i = 0; i < report->deleted.len; i++)
		free(report->deleted.items[i].table);
	dbm_vec_release(&report->deleted);
	for (size_t i = 0; i < report->held.len; i++) {
		free(report->held.items[i].table);
		free(report->held.items[i].referrer);
	}
	dbm_vec_release(&report->held);
}

static void report_deleted(struct dbm_purge_report *report, const char *table,
			   int64_t rows)
{
	for (size_t i = 0; i < report->deleted.len; i++) {
		if (strcmp(report->deleted.items[i].table, table) == 0) {
			report->deleted.items[i].rows += rows;
			return;
		}
	}
	struct dbm_purge_count c = {dbm_xstrdup(table), rows};
	dbm_vec_push(&report->deleted, c);
}

/* ---- the live schema, as the inspector sees it ---- */

struct schema {
	DBM_VEC(struct dbm_table) tables;
};

#define SCHEMA_INIT                                                            \
	{                                                                      \
		DBM_VEC_INIT                                                   \
	}

static void schema_release(struct schema *s)
{
	for (size_t i = 0; i < s->tables.len; i++)
		dbm_table_release(&s->tables.items[i]);
	dbm_vec_release(&s->tables);
}

static int by_name(const void *a, const void *b)
{
	const struct dbm_table *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* Every table, reflected, in name order (the same on every dialect). */
static int schema_load(struct schema *s, struct dbm_ddl *ddl,
		       struct dbm_err *err)
{
	char **names = NULL;
	size_t n = 0, i = 0;
	int rc = -1;
	if (ddl->dialect->table_names(ddl, &names, &n, err) < 0)
		return -1;
	for (; i < n; i++) {
		struct dbm_table t;
		dbm_table_init(&t);
		if (ddl->dialect->reflect_table(ddl, names[i], &t, err) < 0) {
			dbm_table_release(&t);
			goto done;
		}
		if (!t.name)
			t.name = dbm_xstrdup(names[i]);
		dbm_vec_push(&s->tables, t);
	}
	if (s->tables.len > 1)
		qsort(s->tables.items, s->tables.len, sizeof(*s->tables.items),
		      by_name);
	rc = 0;
done:
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	return rc;
}

static const struct dbm_table *schema_table(const struct schema *s,
					    const char *name)
{
	for (size_t i = 0; i < s->tables.len; i++)
		if (strcmp(s->tables.items[i].name, name) == 0)
			return &s->tables.items[i];
	return NULL;
}

static bool is_fk_to(const struct dbm_constraint *c, const char *table)
{
	return c->kind == DBM_C_FOREIGN && c->ref_table &&
	       strcmp(c->ref_table, table) == 0;
}

/* Does any foreign key point at table? */
static bool schema_referenced(const struct schema *s, const char *table)
{
	for (size_t i = 0; i < s->tables.len; i++) {
		const struct dbm_table *t = &s->tables.items[i];
		for (size_t k = 0; k < t->constraints.len; k++)
			if (is_fk_to(&t->constraints.items[k], table))
				return true;
	}
	return false;
}

/*
 * Rows of child that point at table go with the purged rows (Tacker's
 * association tables) unless child is itself pointed at; then they hold
 * the rows they point at.
 */
static bool is_association(const struct schema *s, const char *child)
{
	return !schema_referenced(s, child);
}

static bool has_column(const struct dbm_table *t, const char *column)
{
	return dbm_table_column_index(t, column) >= 0;
}

/* ---- statements ---- */

struct stmt {
	const struct dbm_dialect *d;
	struct dbm_buf sql;
	DBM_VEC(struct dbm_value) params;
};

static void stmt_init(struct stmt *s, const struct dbm_dialect *d)
{
	s->d = d;
	dbm_buf_init(&s->sql);
	s->params.items = NULL;
	s->params.len = s->params.alloc = 0;
}

static void stmt_release(struct stmt *s)
{
	dbm_buf_release(&s->sql);
	dbm_vec_release(&s->params);
}

static void add(struct stmt *s, const char *text)
{
	dbm_buf_adds(&s->sql, text);
}

static void ident(struct stmt *s, const char *name)
{
	s->d->quote(&s->sql, name);
}

/* qual.column, both quoted where needed. */
static void column(struct stmt *s, const char *qual, const char *name)
{
	ident(s, qual);
	add(s, ".");
	ident(s, name);
}

/* A text parameter (not copied: it must outlive the statement). */
static void bind(struct stmt *s, const char *text)
{
	struct dbm_value v = {.kind = DBM_V_TEXT, .s = text};
	dbm_vec_push(&s->params, v);
	s->d->placeholder(&s->sql, s->params.len);
}

struct purge {
	struct dbm_ddl *ddl;
	const struct schema *schema;
	const char *cutoff;
	struct dbm_purge_report *report;
};

/* child_qual.c1 = parent_qual.r1 AND ... for a foreign key child -> parent.
 */
static void add_join(struct stmt *s, const struct dbm_constraint *fk,
		     const char *child_qual, const char *parent_qual)
{
	for (size_t i = 0; i < fk->ncolumns; i++) {
		if (i)
			add(s, " AND ");
		column(s, child_qual, fk->columns[i]);
		add(s, " = ");
		column(s, parent_qual, fk->ref_columns[i]);
	}
}

/* qual (a row of table) was deleted at or before the cutoff. */
static void add_deleted(struct stmt *s, const struct purge *p, const char *qual)
{
	column(s, qual, "deleted_at");
	add(s, " >= ");
	bind(s, DBM_PURGE_DELETED_SINCE);
	add(s, " AND ");
	column(s, qual, "deleted_at");
	add(s, " <= ");
	bind(s, p->cutoff);
}

/* ... and no row of a table that is not purged along points at it. */
static void add_purgeable(struct stmt *s, const struct purge *p,
			  const char *table, const char *qual)
{
	add_deleted(s, p, qual);
	const struct schema *schema = p->schema;
	for (size_t i = 0; i < schema->tables.len; i++) {
		const struct dbm_table *t = &schema->tables.items[i];
		if (is_association(schema, t->name))
			continue;
		for (size_t k = 0; k < t->constraints.len; k++) {
			const struct dbm_constraint *fk =
			    &t->constraints.items[k];
			if (!is_fk_to(fk, table))
				continue;
			add(s, " AND NOT EXISTS (SELECT 1 FROM ");
			ident(s, t->name);
			add(s, " purge_ref WHERE ");
			add_join(s, fk, "purge_ref", qual);
			add(s, ")");
		}
	}
}

static int64_t cell_int(const struct dbm_value *v)
{
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

/* Run s, a SELECT COUNT(*). */
static int count_rows(struct dbm_ddl *ddl, const struct stmt *s, int64_t *out,
		      struct dbm_err *err)
{
	struct dbm_result *res = NULL;
	*out = 0;
	if (dbm_ddl_exec(ddl, s->sql.buf, s->params.items, s->params.len, &res,
			 err) < 0)
		return -1;
	if (res && res->nrows == 1 && res->ncols >= 1)
		*out = cell_int(dbm_result_cell(res, 0, 0));
	dbm_result_free(res);
	return 0;
}

/* Renders the WHERE clause of a purge statement on table. */
typedef void (*where_fn)(struct stmt *s, const struct purge *p,
			 const void *arg);

/*
 * Count, then delete, the rows of table where(...) selects, and report
 * the count under table. Both statements run in the one transaction, so
 * they see the same rows.
 */
static int purge_rows(struct purge *p, const char *table, where_fn where,
		      const void *arg, struct dbm_err *err)
{
	const struct dbm_dialect *d = p->ddl->dialect;
	struct stmt count, del;
	int64_t n = 0;
	int rc = -1;
	stmt_init(&count, d);
	stmt_init(&del, d);
	add(&count, "SELECT COUNT(*) FROM ");
	ident(&count, table);
	add(&count, " WHERE ");
	where(&count, p, arg);
	if (count_rows(p->ddl, &count, &n, err) < 0)
		goto done;
	if (n > 0) {
		add(&del, "DELETE FROM ");
		ident(&del, table);
		add(&del, " WHERE ");
		where(&del, p, arg);
		if (dbm_ddl_exec(p->ddl, del.sql.buf, del.params.items,
				 del.params.len, NULL, err) < 0)
			goto done;
	}
	report_deleted(p->report, table, n);
	rc = 0;
done:
	stmt_release(&del);
	stmt_release(&count);
	return rc;
}

/* ---- events ---- */

static void where_events(struct stmt *s, const struct purge *p, const void *arg)
{
	(void)arg;
	/* The inner SELECT is wrapped: MySQL refuses to read the table a
	 * DELETE deletes from in a plain subquery. */
	column(s, "events", "resource_id");
	add(s, " IN (SELECT purge_ids.resource_id FROM (SELECT ");
	column(s, "purge_events", "resource_id");
	add(s, " FROM ");
	ident(s, "events");
	add(s, " purge_events WHERE ");
	column(s, "purge_events", "event_type");
	add(s, " = ");
	bind(s, "DELETE");
	add(s, " AND ");
	column(s, "purge_events", "timestamp");
	add(s, " <= ");
	bind(s, p->cutoff);
	add(s, ") purge_ids)");
}

/* ---- resources ---- */

static void where_resource(struct stmt *s, const struct purge *p,
			   const void *arg)
{
	const char *table = arg;
	add_purgeable(s, p, table, table);
}

struct association {
	const char *table; /* the resource table */
	const char *child;
	const struct dbm_constraint *fk; /* child -> table */
};

static void where_association(struct stmt *s, const struct purge *p,
			      const void *arg)
{
	const struct association *a = arg;
	add(s, "EXISTS (SELECT 1 FROM ");
	ident(s, a->table);
	add(s, " purge_parent WHERE ");
	add_join(s, a->fk, a->child, "purge_parent");
	add(s, " AND ");
	add_purgeable(s, p, a->table, "purge_parent");
	add(s, ")");
}

static void where_held(struct stmt *s, const struct purge *p, const void *arg)
{
	const struct association *a = arg;
	add_deleted(s, p, "purge_parent");
	add(s, " AND EXISTS (SELECT 1 FROM ");
	ident(s, a->child);
	add(s, " purge_ref WHERE ");
	add_join(s, a->fk, "purge_ref", "purge_parent");
	add(s, ")");
}

/* Rows of table deleted in time but still pointed at from a->child. */
static int count_held(struct purge *p, const struct association *a,
		      struct dbm_err *err)
{
	struct stmt s;
	int64_t n = 0;
	stmt_init(&s, p->ddl->dialect);
	add(&s, "SELECT COUNT(*) FROM ");
	ident(&s, a->table);
	add(&s, " purge_parent WHERE ");
	where_held(&s, p, a);
	int rc = count_rows(p->ddl, &s, &n, err);
	stmt_release(&s);
	if (rc < 0 || n == 0)
		return rc;
	for (size_t i = 0; i < p->report->held.len; i++) {
		struct dbm_purge_held *h = &p->report->held.items[i];
		if (strcmp(h->table, a->table) == 0 &&
		    strcmp(h->referrer, a->child) == 0) {
			if (n > h->rows)
				h->rows = n;
			return 0;
		}
	}
	struct dbm_purge_held h = {dbm_xstrdup(a->table), dbm_xstrdup(a->child),
				   n};
	dbm_vec_push(&p->report->held, h);
	return 0;
}

static int purge_resource(struct purge *p, const char *table,
			  struct dbm_err *err)
{
	const struct schema *schema = p->schema;
	/* The tables that point at table, in the inspector's order. */
	for (size_t i = 0; i < schema->tables.len; i++) {
		const struct dbm_table *t = &schema->tables.items[i];
		for (size_t k = 0; k < t->constraints.len; k++) {
			const struct dbm_constraint *fk =
			    &t->constraints.items[k];
			if (!is_fk_to(fk, table))
				continue;
			struct association a = {table, t->name, fk};
			int rc = is_association(schema, t->name)
				     ? purge_rows(p, t->name, where_association,
						  &a, err)
				     : count_held(p, &a, err);
			if (rc < 0)
				return -1;
		}
	}
	return purge_rows(p, table, where_resource, table, err);
}

/* ---- checks and the whole run ---- */

static int need_columns(const struct schema *s, const char *resource,
			const char *table, const char *const *columns,
			struct dbm_err *err)
{
	const struct dbm_table *t = schema_table(s, table);
	if (!t)
		return dbm_err_set(err, DBM_EFAIL,
				   "cannot purge '%s': table '%s' does not "
				   "exist (is the database at head?)",
				   resource, table);
	for (; *columns; columns++)
		if (!has_column(t, *columns))
			return dbm_err_set(err, DBM_EFAIL,
					   "cannot purge '%s': table '%s' has "
					   "no column '%s' (is the database at "
					   "head?)",
					   resource, table, *columns);
	return 0;
}

/* Every foreign key into table must pair its columns. */
static int check_foreign_keys(const struct schema *s, const char *table,
			      struct dbm_err *err)
{
	for (size_t i = 0; i < s->tables.len; i++) {
		const struct dbm_table *t = &s->tables.items[i];
		for (size_t k = 0; k < t->constraints.len; k++) {
			const struct dbm_constraint *fk =
			    &t->constraints.items[k];
			if (is_fk_to(fk, table) &&
			    (fk->ncolumns == 0 ||
			     fk->ncolumns != fk->nref_columns))
				return dbm_err_set(
				    err, DBM_EFAIL,
				    "cannot read the foreign key '%s' of "
				    "table '%s' to table '%s'",
				    fk->name ? fk->name : "", t->name, table);
		}
	}
	return 0;
}

static int check_schema(const struct schema *s, const char *resource,
			const char *const *tables, size_t n,
			struct dbm_err *err)
{
	static const char *const event_columns[] = {"resource_id", "event_type",
						    "timestamp", NULL};
	static const char *const resource_columns[] = {"deleted_at", NULL};
	for (size_t i = 0; i < n; i++) {
		bool events = strcmp(tables[i], "events") == 0;
		if (need_columns(s, resource, tables[i],
				 events ? event_columns : resource_columns,
				 err) < 0)
			return -1;
		if (!events && check_foreign_keys(s, tables[i], err) < 0)
			return -1;
	}
	return 0;
}

/* A statement failed: say what was purged, and the statement. */
static int sql_failed(const struct purge *p, const char *resource,
		      struct dbm_err *err)
{
	dbm_err_prefix(err, "cannot purge '%s'", resource);
	if (p->ddl->failed_sql) {
		size_t len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, " [SQL: %s]",
			 p->ddl->failed_sql);
	}
	return -1;
}

/* The purge itself, inside the transaction. */
static int purge_tables(struct purge *p, const char *resource,
			const char *const *tables, size_t n,
			struct schema *schema, struct dbm_err *err)
{
	if (schema_load(schema, p->ddl, err) < 0)
		return sql_failed(p, resource, err);
	if (check_schema(schema, resource, tables, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int rc = strcmp(tables[i], "events") == 0
			     ? purge_rows(p, "events", where_events, NULL, err)
			     : purge_resource(p, tables[i], err);
		if (rc < 0)
			return sql_failed(p, resource, err);
	}
	return 0;
}

int dbm_purge_deleted(struct dbm_purge_report *report, struct dbm_ddl *ddl,
		      const char *resource, const char *cutoff,
		      struct dbm_err *err)
{
	struct schema schema = SCHEMA_INIT;
	struct purge p = {ddl, &schema, cutoff, report};
	const char *tables[1 + COUNT_OF(resource_tables)];
	size_t n = 0;
	bool in_tx = false;
	int rc = -1;

	if (dbm_ddl_offline(ddl))
		DBM_BUG("purge without a connection");
	if (!dbm_purge_resource_valid(resource)) {
		dbm_err_set(err, DBM_EUSAGE, "cannot purge '%s'", resource);
		goto done;
	}
	if (strcmp(resource, "all") == 0) {
		tables[n++] = "events";
		for (size_t i = 0; i < COUNT_OF(resource_tables); i++)
			tables[n++] = resource_tables[i];
	} else {
		tables[n++] = resource;
	}

	if (dbm_ddl_begin(ddl, err) < 0)
		goto done;
	in_tx = true;
	if (purge_tables(&p, resource, tables, n, &schema, err) < 0)
		goto done;
	if (dbm_ddl_commit(ddl, err) < 0) {
		sql_failed(&p, resource, err);
		goto done;
	}
	in_tx = false;
	rc = 0;
done:
	if (rc < 0) {
		if (in_tx) {
			struct dbm_err ignored = DBM_ERR_INIT;
			ddl->conn->driver->rollback(ddl->conn, &ignored);
		}
		dbm_purge_report_release(report);
	}
	schema_release(&schema);
	return rc;
}
