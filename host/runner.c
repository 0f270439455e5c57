#include "runner.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "buf.h"
#include "db.h"
#include "luahost.h"
#include "mem.h"

enum direction { UP, DOWN, STAMP };

/* One run's working state. */
struct session {
	struct dbm_run *run;
	const struct dbm_revmap *map;
	struct dbm_ddl ddl;
	dbm_revset heads; /* the version table's rows */
	bool in_tx;
	bool locked;
	bool replaying; /* offline: filling the catalog, output and logs off */
	bool table_known; /* the version table exists: no need to look again */
};

/* ---- offline output in Alembic's format ---- */

static void offline_statement(void *payload, const char *sql)
{
	struct dbm_run *run = payload;
	struct dbm_buf out = DBM_BUF_INIT;
	const char *p = sql, *tab;
	while ((tab = strchr(p, '\t')) != NULL) {
		dbm_buf_add(&out, p, (size_t)(tab - p));
		dbm_buf_adds(&out, "    ");
		p = tab + 1;
	}
	dbm_buf_adds(&out, p);
	while (out.len &&
	       (out.buf[out.len - 1] == '\n' || out.buf[out.len - 1] == ' '))
		dbm_buf_setlen(&out, out.len - 1);
	dbm_buf_adds(&out, ";\n\n");
	run->write(run->write_payload, out.buf);
	dbm_buf_release(&out);
}

static void offline_comment(struct session *s, const char *text)
{
	struct dbm_buf out = DBM_BUF_INIT;
	dbm_buf_addf(&out, "-- %s\n\n", text);
	s->run->write(s->run->write_payload, out.buf);
	dbm_buf_release(&out);
}

static bool offline(const struct session *s)
{
	return s->run->conn == NULL;
}

/* ---- transactions and the lock ---- */

static int begin(struct session *s, struct dbm_err *err)
{
	/* On SQLite the write lock is taken here, before the version is read.
	 */
	if (dbm_ddl_begin(&s->ddl, err) < 0)
		return -1;
	s->in_tx = true;
	return 0;
}

static int commit(struct session *s, struct dbm_err *err)
{
	s->in_tx = false;
	return dbm_ddl_commit(&s->ddl, err);
}

/*
 * The run lock of the servers (PostgreSQL advisory lock, MySQL GET_LOCK),
 * held from before the version table is read until the run ends.
 */
static int lock(struct session *s, struct dbm_err *err)
{
	struct dbm_conn *c = s->run->conn;
	if (!c || !c->driver->lock)
		return 0;
	if (c->driver->lock(c, s->run->version_table, s->run->lock_timeout,
			    err) < 0)
		return -1;
	s->locked = true;
	return 0;
}

static void unlock(struct session *s)
{
	if (!s->locked)
		return;
	s->locked = false;
	struct dbm_err ignored = DBM_ERR_INIT;
	s->run->conn->driver->unlock(s->run->conn, s->run->version_table,
				     &ignored);
}

static void rollback(struct session *s)
{
	if (!s->in_tx || offline(s))
		return;
	s->in_tx = false;
	struct dbm_err ignored = DBM_ERR_INIT;
	s->run->conn->driver->rollback(s->run->conn, &ignored);
}

/* ---- the version table ---- */

static int version_table_exists(struct session *s, bool *out,
				struct dbm_err *err)
{
	char **names = NULL;
	size_t n = 0;
	*out = false;
	if (s->run->dialect->table_names(&s->ddl, &names, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], s->run->version_table) == 0)
			*out = true;
		free(names[i]);
	}
	free(names);
	return 0;
}

static int create_version_table(struct session *s, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "CREATE TABLE ");
	s->run->dialect->quote(&sql, s->run->version_table);
	dbm_buf_addf(&sql,
		     " (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
		     "CONSTRAINT %s_pkc PRIMARY KEY (version_num)\n)",
		     s->run->version_table);
	int rc = dbm_ddl_exec(&s->ddl, sql.buf, NULL, 0, NULL, err);
	dbm_buf_release(&sql);
	return rc;
}

static int read_rows(struct session *s, char ***out, size_t *out_n,
		     struct dbm_err *err)
{
	*out = NULL;
	*out_n = 0;
	/* Listing every table per revision would make long runs quadratic. */
	bool exists = s->table_known;
	if (!exists && version_table_exists(s, &exists, err) < 0)
		return -1;
	char **rows = dbm_xcalloc(1, sizeof(char *));
	if (!exists) {
		*out = rows;
		return 0;
	}
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "SELECT version_num FROM ");
	s->run->dialect->quote(&sql, s->run->version_table);
	struct dbm_result *res = NULL;
	int rc = dbm_db_exec(s->run->conn, sql.buf, NULL, 0, &res, err);
	dbm_buf_release(&sql);
	if (rc < 0) {
		free(rows);
		return -1;
	}
	rows = dbm_xrealloc(rows, (res->nrows + 1) * sizeof(char *));
	size_t n = 0;
	for (size_t r = 0; r < res->nrows; r++) {
		const struct dbm_value *v = dbm_result_cell(res, r, 0);
		if (v->kind == DBM_V_TEXT)
			rows[n++] = dbm_xstrndup(v->s, v->n);
	}
	rows[n] = NULL;
	dbm_result_free(res);
	*out = rows;
	*out_n = n;
	return 0;
}

void dbm_run_free_rows(char **rows)
{
	if (!rows)
		return;
	for (char **p = rows; *p; p++)
		free(*p);
	free(rows);
}

/* Read the rows and map them to revisions: heads is reset. */
static int read_heads(struct session *s, struct dbm_err *err)
{
	char **rows;
	size_t n;
	if (read_rows(s, &rows, &n, err) < 0)
		return -1;
	s->heads.len = 0;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		long at = dbm_revmap_find(s->map, rows[i]);
		if (at < 0) {
			rc = dbm_err_set(err, DBM_EUSAGE,
					 "the database is at revision '%s', "
					 "which is not in '%s'",
					 rows[i], s->run->scripts->versions);
			break;
		}
		dbm_vec_push(&s->heads, (size_t)at);
	}
	dbm_run_free_rows(rows);
	return rc;
}

static void add_id_literal(struct dbm_buf *sql, const char *id)
{
	dbm_buf_add_sql_literal(sql, id, strlen(id));
}

/*
 * Online, an UPDATE or DELETE of the version table must have matched one
 * row, as Alembic checks: anything else means the table changed under the
 * run (someone without the run lock) and the revision must not count.
 */
static int check_one_row(const struct session *s, const char *from,
			 const char *to, struct dbm_err *err)
{
	if (offline(s) || s->run->conn->changes == 1)
		return 0;
	if (to)
		return dbm_err_set(err, DBM_EFAIL,
				   "online migration expected to match one "
				   "row when updating '%s' to '%s' in '%s'; "
				   "%" PRId64 " found",
				   from, to, s->run->version_table,
				   s->run->conn->changes);
	return dbm_err_set(err, DBM_EFAIL,
			   "online migration expected to match one row when "
			   "deleting '%s' in '%s'; %" PRId64 " found",
			   from, s->run->version_table, s->run->conn->changes);
}

/* One statement on the version table (plain appends: one per revision). */
static int version_statement(struct session *s, const struct dbm_buf *table,
			     const char *from, const char *to,
			     struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	if (from && to) {
		dbm_buf_adds(&sql, "UPDATE ");
		dbm_buf_add(&sql, table->buf, table->len);
		dbm_buf_adds(&sql, " SET version_num=");
		add_id_literal(&sql, to);
	} else if (from) {
		dbm_buf_adds(&sql, "DELETE FROM ");
		dbm_buf_add(&sql, table->buf, table->len);
	}
	if (from) {
		dbm_buf_adds(&sql, " WHERE ");
		dbm_buf_add(&sql, table->buf, table->len);
		dbm_buf_adds(&sql, ".version_num = ");
		add_id_literal(&sql, from);
	} else {
		dbm_buf_adds(&sql, "INSERT INTO ");
		dbm_buf_add(&sql, table->buf, table->len);
		dbm_buf_adds(&sql, " (version_num) VALUES (");
		add_id_literal(&sql, to);
		dbm_buf_addch(&sql, ')');
		if (s->run->dialect->insert_returning) {
			dbm_buf_adds(&sql, " RETURNING ");
			dbm_buf_add(&sql, table->buf, table->len);
			dbm_buf_adds(&sql, ".version_num");
		}
	}
	int rc = dbm_ddl_exec(&s->ddl, sql.buf, NULL, 0, NULL, err);
	if (rc == 0 && from)
		rc = check_one_row(s, from, to, err);
	dbm_buf_release(&sql);
	return rc;
}

/*
 * Render the version-table change as Alembic does: the rows removed
 * beyond those updated are deleted first (the first parents of a merge),
 * the rows added beyond them inserted (the first parents of an unmerge),
 * then the last ones of each are paired in UPDATEs.
 */
static int write_delta(struct session *s, const dbm_revset *removed,
		       const dbm_revset *added, struct dbm_err *err)
{
	const struct dbm_revision *revs = s->map->revs;
	struct dbm_buf table = DBM_BUF_INIT;
	s->run->dialect->quote(&table, s->run->version_table);
	size_t nup = removed->len < added->len ? removed->len : added->len;
	size_t ndel = removed->len - nup, nins = added->len - nup;
	int rc = 0;
	for (size_t i = 0; i < ndel && rc == 0; i++)
		rc = version_statement(s, &table, revs[removed->items[i]].id,
				       NULL, err);
	for (size_t i = 0; i < nins && rc == 0; i++)
		rc = version_statement(s, &table, NULL,
				       revs[added->items[i]].id, err);
	for (size_t i = 0; i < nup && rc == 0; i++)
		rc = version_statement(s, &table,
				       revs[removed->items[ndel + i]].id,
				       revs[added->items[nins + i]].id, err);
	dbm_buf_release(&table);
	return rc;
}

/* ---- running revisions ---- */

static void join_ids(struct dbm_buf *out, const struct dbm_revmap *map,
		     const dbm_revset *set)
{
	for (size_t i = 0; i < set->len; i++)
		dbm_buf_addf(out, "%s%s", i ? ", " : "",
			     map->revs[set->items[i]].id);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Where DDL commits implicitly (MySQL) a failed revision is half applied:
 * say which of its statements stay, on the same line.
 */
static void add_applied(struct dbm_err *err, const struct dbm_ddl *ddl)
{
	struct dbm_buf msg = DBM_BUF_INIT;
	dbm_buf_addf(&msg,
		     "%s; the database is left part-way through this "
		     "revision: %zu statement(s) already applied and "
		     "committed:",
		     err->msg, ddl->applied.len);
	for (size_t i = 0; i < ddl->applied.len; i++) {
		dbm_buf_adds(&msg, i ? "; " : " ");
		dbm_buf_add_oneline(&msg, ddl->applied.items[i]);
	}
	snprintf(err->msg, sizeof(err->msg), "%s", msg.buf);
	dbm_buf_release(&msg);
}

/* Call the revision's upgrade or downgrade function under the context. */
static int call_revision(struct session *s, size_t rev, bool up,
			 struct dbm_err *err)
{
	lua_State *L = s->run->L;
	const struct dbm_revision *r = &s->map->revs[rev];
	int top = lua_gettop(L);
	if (dbm_scripts_push(L, s->run->scripts, rev, err) < 0)
		return -1;
	if (lua_getfield(L, -1, up ? "upgrade" : "downgrade") !=
	    LUA_TFUNCTION) {
		lua_settop(L, top);
		return dbm_err_set(err, DBM_EFAIL,
				   "revision '%s' ('%s') has no downgrade",
				   r->id, r->path);
	}
	dbm_lua_push_op(L);
	dbm_lua_push_sa(L);
	/* [revtable, fn, op, sa] */
	static const struct dbm_log quiet = DBM_LOG_INIT;
	struct dbm_lua_ctx ctx = {s->replaying ? &quiet : s->run->log,
				  s->run->verbose, &s->ddl, r->id};
	struct dbm_lua_ctx *old = dbm_lua_set_ctx(L, &ctx);
	dbm_ddl_reset_applied(&s->ddl);
	int rc = dbm_lua_pcall(L, 2, 0, DBM_EFAIL, err);
	dbm_lua_set_ctx(L, old);
	lua_settop(L, top);
	/*
	 * Once a statement has committed the revision's transaction
	 * implicitly, the session runs in autocommit and every statement
	 * that ran stays. While that transaction is still open nothing has
	 * been committed: the rollback takes all of it back, and there is
	 * nothing to list. (Not exact after op.autocommit, whose block ends
	 * with a new transaction, nor when the session is lost.)
	 */
	if (rc < 0 && s->run->dialect->implicit_commit && s->ddl.applied.len &&
	    s->run->conn && !s->run->conn->driver->in_transaction(s->run->conn))
		add_applied(err, &s->ddl);
	if (rc < 0)
		dbm_err_prefix(err, "%s of revision '%s' failed",
			       up ? "upgrade" : "downgrade", r->id);
	return rc;
}

/* Does every step have a downgrade? Checked before anything runs. */
static int check_downgrades(struct session *s, const dbm_revset *steps,
			    struct dbm_err *err)
{
	lua_State *L = s->run->L;
	for (size_t i = 0; i < steps->len; i++) {
		const struct dbm_revision *r = &s->map->revs[steps->items[i]];
		int top = lua_gettop(L);
		if (dbm_scripts_push(L, s->run->scripts, steps->items[i], err) <
		    0)
			return -1;
		int t = lua_getfield(L, -1, "downgrade");
		lua_settop(L, top);
		if (t != LUA_TFUNCTION)
			return dbm_err_set(err, DBM_EFAIL,
					   "cannot downgrade: revision '%s' "
					   "('%s') has no downgrade",
					   r->id, r->path);
	}
	return 0;
}

static bool same_set(const dbm_revset *a, const dbm_revset *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++) {
		bool found = false;
		for (size_t j = 0; j < b->len && !found; j++)
			found = a->items[i] == b->items[j];
		if (!found)
			return false;
	}
	return true;
}

static void copy_set(dbm_revset *out, const dbm_revset *in)
{
	out->len = 0;
	for (size_t i = 0; i < in->len; i++)
		dbm_vec_push(out, in->items[i]);
}

static int plan(struct session *s, enum direction dir, const dbm_revset *target,
		dbm_revset *steps, struct dbm_err *err)
{
	if (dir == UP)
		return dbm_revmap_upgrade_steps(s->map, &s->heads, target,
						steps, err);
	return dbm_revmap_downgrade_steps(s->map, &s->heads, target, steps,
					  err);
}

/*
 * Put the revision's parents in set in down_revision order (then its
 * depends_on), as Alembic lists them when it merges or unmerges rows; the
 * revision map gives them in file order.
 */
static void parents_first(const struct dbm_revision *r, dbm_revset *set)
{
	size_t placed = 0;
	for (size_t j = 0; j < r->ndown + r->ndepends; j++) {
		size_t p = j < r->ndown ? r->parents[j] : r->deps[j - r->ndown];
		for (size_t k = placed; k < set->len; k++) {
			if (set->items[k] != p)
				continue;
			set->items[k] = set->items[placed];
			set->items[placed++] = p;
			break;
		}
	}
}

/* Apply one step: log, run, move the version rows. */
static int apply_step(struct session *s, enum direction dir, size_t rev,
		      dbm_revset *removed, dbm_revset *added,
		      struct dbm_err *err)
{
	const struct dbm_revision *r = &s->map->revs[rev];
	struct dbm_buf from = DBM_BUF_INIT, line = DBM_BUF_INIT;
	for (size_t i = 0; i < r->ndown; i++)
		dbm_buf_addf(&from, "%s%s", i ? ", " : "", r->down[i]);
	if (dir == UP)
		dbm_buf_addf(&line, "Running upgrade %s -> %s", from.buf,
			     r->id);
	else
		dbm_buf_addf(&line, "Running downgrade %s -> %s", r->id,
			     from.buf);
	dbm_logf(s->run->log, DBM_LOG_INFO, DBM_LOGGER_MIGRATION, "%s%s%s",
		 line.buf, r->message ? ", " : "",
		 r->message ? r->message : "");
	if (offline(s))
		offline_comment(s, line.buf);
	double t0 = now_ms();
	int rc = call_revision(s, rev, dir == UP, err);
	if (rc == 0) {
		if (dir == UP) {
			dbm_revmap_step_up(s->map, &s->heads, rev, removed,
					   added);
			parents_first(r, removed);
		} else {
			dbm_revmap_step_down(s->map, &s->heads, rev, removed,
					     added);
			parents_first(r, added);
		}
		rc = write_delta(s, removed, added, err);
	}
	if (rc == 0 && s->run->verbose)
		dbm_logf(s->run->log, DBM_LOG_INFO, DBM_LOGGER_MIGRATION,
			 "Finished %s in %.1f ms", line.buf + 8, now_ms() - t0);
	dbm_buf_release(&line);
	dbm_buf_release(&from);
	return rc;
}

static void log_context(struct session *s)
{
	dbm_logf(s->run->log, DBM_LOG_INFO, DBM_LOGGER_MIGRATION,
		 "Context impl %s.", s->run->dialect->impl_name);
	if (offline(s))
		dbm_logf(s->run->log, DBM_LOG_INFO, DBM_LOGGER_MIGRATION,
			 "Generating static SQL");
	dbm_logf(s->run->log, DBM_LOG_INFO, DBM_LOGGER_MIGRATION,
		 "Will assume %stransactional DDL.",
		 s->run->dialect->transactional_ddl ? "" : "non-");
}

/* Where an online run starts: the version rows (the table made if need be). */
static int start_heads(struct session *s, const char *start,
		       struct dbm_err *err)
{
	if (start)
		return dbm_err_set(err, DBM_EUSAGE,
				   "a starting revision ('%s:') is "
				   "only allowed with --sql",
				   start);
	bool exists;
	if (version_table_exists(s, &exists, err) < 0)
		return -1;
	if (!exists && create_version_table(s, err) < 0)
		return -1;
	s->table_known = true;
	return read_heads(s, err);
}

/*
 * stamp --purge: empty the version table (created when missing) without
 * reading it, so rows naming unknown revisions go too. Online only.
 */
static int purge_version_table(struct session *s, const char *start,
			       struct dbm_err *err)
{
	if (start)
		return dbm_err_set(err, DBM_EUSAGE,
				   "a starting revision ('%s:') is only "
				   "allowed with --sql",
				   start);
	bool exists;
	if (version_table_exists(s, &exists, err) < 0)
		return -1;
	if (!exists)
		return create_version_table(s, err);
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "DELETE FROM ");
	s->run->dialect->quote(&sql, s->run->version_table);
	int rc = dbm_ddl_exec(&s->ddl, sql.buf, NULL, 0, NULL, err);
	dbm_buf_release(&sql);
	s->heads.len = 0;
	return rc;
}

static void session_init(struct session *s, struct dbm_run *run)
{
	memset(s, 0, sizeof(*s));
	s->run = run;
	s->map = run->scripts ? &run->scripts->map : NULL;
	s->ddl.dialect = run->dialect;
	s->ddl.conn = run->conn;
	s->ddl.lock_timeout = run->lock_timeout;
	if (!run->conn) {
		s->ddl.sink = offline_statement;
		s->ddl.sink_payload = run;
	}
}

static void session_release(struct session *s)
{
	rollback(s);
	unlock(s);
	dbm_ddl_release(&s->ddl);
	dbm_vec_release(&s->heads);
}

/* What stamp changes: the rows become the target, in as few statements. */
static void stamp_delta(const struct session *s, const dbm_revset *target,
			dbm_revset *removed, dbm_revset *added)
{
	removed->len = added->len = 0;
	for (size_t i = 0; i < s->heads.len; i++) {
		bool keep = false;
		for (size_t j = 0; j < target->len; j++)
			keep |= s->heads.items[i] == target->items[j];
		if (!keep)
			dbm_vec_push(removed, s->heads.items[i]);
	}
	for (size_t j = 0; j < target->len; j++) {
		bool have = false;
		for (size_t i = 0; i < s->heads.len; i++)
			have |= s->heads.items[i] == target->items[j];
		if (!have)
			dbm_vec_push(added, target->items[j]);
	}
}

/* The one step of stamp: log (and comment offline), move the rows. */
static int stamp_step(struct session *s, const dbm_revset *target,
		      const dbm_revset *removed, const dbm_revset *added,
		      struct dbm_err *err)
{
	struct dbm_buf line = DBM_BUF_INIT;
	dbm_buf_adds(&line, "Running stamp_revision ");
	join_ids(&line, s->map, &s->heads);
	dbm_buf_adds(&line, " -> ");
	join_ids(&line, s->map, target);
	dbm_logf(s->run->log, DBM_LOG_INFO, DBM_LOGGER_MIGRATION, "%s",
		 line.buf);
	if (offline(s))
		offline_comment(s, line.buf);
	dbm_buf_release(&line);
	if (write_delta(s, removed, added, err) < 0)
		return -1;
	copy_set(&s->heads, target);
	return 0;
}

static int migrate_offline(struct dbm_run *run, enum direction dir,
			   const char *start, const char *target_spec,
			   bool purge, struct dbm_err *err);

static int migrate(struct dbm_run *run, enum direction dir, const char *start,
		   const char *target_spec, bool purge, struct dbm_err *err)
{
	if (!run->conn)
		return migrate_offline(run, dir, start, target_spec, purge,
				       err);
	struct session s;
	session_init(&s, run);
	dbm_revset target = DBM_VEC_INIT, steps = DBM_VEC_INIT;
	dbm_revset removed = DBM_VEC_INIT, added = DBM_VEC_INIT;
	dbm_revset expected = DBM_VEC_INIT;
	int rc = -1;

	log_context(&s);
	if (lock(&s, err) < 0 || begin(&s, err) < 0)
		goto done;
	if (dir == STAMP && purge) {
		/* As Alembic: the rows are not read, so unknown ones go too. */
		if (purge_version_table(&s, start, err) < 0)
			goto done;
	} else if (start_heads(&s, start, err) < 0) {
		goto done;
	}
	if (dbm_revmap_resolve(s.map, target_spec, &s.heads, &target, err) < 0)
		goto done;

	if (dir == STAMP) {
		stamp_delta(&s, &target, &removed, &added);
		if (stamp_step(&s, &target, &removed, &added, err) < 0)
			goto done;
	} else {
		if (plan(&s, dir, &target, &steps, err) < 0)
			goto done;
		if (dir == DOWN && check_downgrades(&s, &steps, err) < 0)
			goto done;
		for (size_t i = 0; i < steps.len; i++) {
			if (i > 0 && run->transaction_per_migration) {
				if (commit(&s, err) < 0)
					goto done;
				if (begin(&s, err) < 0)
					goto done;
				/*
				 * Without a run lock (SQLite) another run may
				 * have moved on meanwhile; under one, the row
				 * checks of write_delta are enough.
				 */
				copy_set(&expected, &s.heads);
				if (!s.locked && read_heads(&s, err) < 0)
					goto done;
				if (!same_set(&expected, &s.heads)) {
					if (plan(&s, dir, &target, &steps,
						 err) < 0)
						goto done;
					i = (size_t)-1;
					continue;
				}
			}
			if (apply_step(&s, dir, steps.items[i], &removed,
				       &added, err) < 0)
				goto done;
		}
	}
	if (commit(&s, err) < 0)
		goto done;
	rc = 0;
done:
	session_release(&s);
	dbm_vec_release(&expected);
	dbm_vec_release(&added);
	dbm_vec_release(&removed);
	dbm_vec_release(&steps);
	dbm_vec_release(&target);
	return rc;
}

/* ---- offline (--sql) ---- */

static void null_sink(void *payload, const char *sql)
{
	(void)payload;
	(void)sql;
}

/*
 * Bring the catalog (SQLite's) to the start of an A:B range: run base -> A
 * with the output going nowhere and nothing logged, so that the schema
 * the rest of the run reflects is the schema of a database at A.
 */
static int replay(struct session *s, const char *start, struct dbm_err *err)
{
	dbm_revset none = DBM_VEC_INIT, steps = DBM_VEC_INIT;
	dbm_sql_sink sink = s->ddl.sink;
	int rc = -1;

	if (!s->ddl.catalog || s->heads.len == 0)
		return 0;
	if (dbm_revmap_upgrade_steps(s->map, &none, &s->heads, &steps, err) < 0)
		goto done;
	s->ddl.sink = null_sink;
	s->replaying = true;
	if (create_version_table(s, err) < 0)
		goto done;
	for (size_t i = 0; i < steps.len; i++)
		if (call_revision(s, steps.items[i], true, err) < 0)
			goto done;
	rc = 0;
done:
	if (rc < 0)
		dbm_err_prefix(err, "cannot track the schema up to '%s'",
			       start);
	s->replaying = false;
	s->ddl.sink = sink;
	dbm_vec_release(&steps);
	return rc;
}

static int drop_version_table(struct session *s, struct dbm_err *err)
{
	struct dbm_buf sql = DBM_BUF_INIT;
	dbm_buf_adds(&sql, "DROP TABLE ");
	s->run->dialect->quote(&sql, s->run->version_table);
	int rc = dbm_ddl_exec(&s->ddl, sql.buf, NULL, 0, NULL, err);
	dbm_buf_release(&sql);
	return rc;
}

/*
 * The script of a run, as Alembic writes it: everything is resolved and
 * planned before the first line. Where DDL is transactional, BEGIN/COMMIT
 * go around each step (transaction_per_migration) or around the whole
 * run. A step that starts with no version row first creates the table; a
 * run that started with rows and ends with none drops it, after the last
 * step (inside the run's transaction when there is one).
 */
static int migrate_offline(struct dbm_run *run, enum direction dir,
			   const char *start, const char *target_spec,
			   bool purge, struct dbm_err *err)
{
	struct session s;
	session_init(&s, run);
	dbm_revset none = DBM_VEC_INIT, target = DBM_VEC_INIT;
	dbm_revset steps = DBM_VEC_INIT, removed = DBM_VEC_INIT;
	dbm_revset added = DBM_VEC_INIT;
	bool per_step = run->transaction_per_migration;
	int rc = -1;

	log_context(&s);
	if (purge) {
		dbm_err_set(err, DBM_EUSAGE,
			    "--purge cannot be used with --sql");
		goto done;
	}
	if (dir == DOWN && !start) {
		dbm_err_set(err, DBM_EUSAGE,
			    "downgrade with --sql requires <fromrev>:<torev>");
		goto done;
	}
	if (start && dbm_revmap_resolve(s.map, start, &none, &s.heads, err) < 0)
		goto done;
	bool had_rows = s.heads.len > 0;
	if (dbm_revmap_resolve(s.map, target_spec, &s.heads, &target, err) < 0)
		goto done;
	size_t nsteps;
	if (dir == STAMP) {
		stamp_delta(&s, &target, &removed, &added);
		nsteps = removed.len || added.len ? 1 : 0;
	} else {
		if (plan(&s, dir, &target, &steps, err) < 0)
			goto done;
		if (dir == DOWN && check_downgrades(&s, &steps, err) < 0)
			goto done;
		nsteps = steps.len;
		/* Stamping runs nothing: only revisions need the catalog. */
		if (dbm_ddl_catalog_open(&s.ddl, err) < 0 ||
		    replay(&s, start, err) < 0)
			goto done;
	}

	if (!per_step && begin(&s, err) < 0)
		goto done;
	for (size_t i = 0; i < nsteps; i++) {
		if (per_step && begin(&s, err) < 0)
			goto done;
		if (s.heads.len == 0 && create_version_table(&s, err) < 0)
			goto done;
		if (dir == STAMP
			? stamp_step(&s, &target, &removed, &added, err) < 0
			: apply_step(&s, dir, steps.items[i], &removed, &added,
				     err) < 0)
			goto done;
		if (per_step && commit(&s, err) < 0)
			goto done;
	}
	if (had_rows && s.heads.len == 0 && drop_version_table(&s, err) < 0)
		goto done;
	if (!per_step && commit(&s, err) < 0)
		goto done;
	rc = 0;
done:
	session_release(&s);
	dbm_vec_release(&added);
	dbm_vec_release(&removed);
	dbm_vec_release(&steps);
	dbm_vec_release(&target);
	dbm_vec_release(&none);
	return rc;
}

int dbm_run_upgrade(struct dbm_run *run, const char *start, const char *target,
		    struct dbm_err *err)
{
	return migrate(run, UP, start, target, false, err);
}

int dbm_run_downgrade(struct dbm_run *run, const char *start,
		      const char *target, struct dbm_err *err)
{
	return migrate(run, DOWN, start, target, false, err);
}

int dbm_run_stamp(struct dbm_run *run, const char *start, const char *target,
		  bool purge, struct dbm_err *err)
{
	return migrate(run, STAMP, start, target, purge, err);
}

int dbm_run_current(struct dbm_run *run, char ***out, size_t *out_n,
		    struct dbm_err *err)
{
	struct session s;
	session_init(&s, run);
	int rc = read_rows(&s, out, out_n, err);
	session_release(&s);
	return rc;
}
