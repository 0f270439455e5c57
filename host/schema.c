#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

static char *dup_or_null(const char *s)
{
	return s ? dbm_xstrdup(s) : NULL;
}

/* A copy of n strings (each may be NULL), or NULL when n is 0. */
static char **dup_strings(char *const *v, size_t n)
{
	if (!n)
		return NULL;
	char **out = dbm_xmalloc(n * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = dup_or_null(v[i]);
	return out;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Types. */

void dbm_type_init(struct dbm_type *t, enum dbm_type_kind kind)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->length = -1;
	t->precision = -1;
	t->scale = -1;
	t->native_enum = true;
}

void dbm_type_release(struct dbm_type *t)
{
	enum dbm_type_kind kind = t->kind;
	free(t->collation);
	free(t->enum_name);
	free_strings(t->enum_values, t->nenum_values);
	free(t->raw);
	dbm_type_init(t, kind);
}

void dbm_type_copy(struct dbm_type *out, const struct dbm_type *t)
{
	*out = *t;
	out->collation = dup_or_null(t->collation);
	out->enum_name = dup_or_null(t->enum_name);
	out->enum_values = dup_strings(t->enum_values, t->nenum_values);
	out->raw = dup_or_null(t->raw);
}

/* Defaults. */

void dbm_default_release(struct dbm_default *d)
{
	free(d->text);
	d->text = NULL;
	d->kind = DBM_DEFAULT_NONE;
}

void dbm_default_copy(struct dbm_default *out, const struct dbm_default *d)
{
	out->kind = d->kind;
	out->text = dup_or_null(d->text);
}

/* Columns. */

void dbm_column_init(struct dbm_column *c)
{
	memset(c, 0, sizeof(*c));
	dbm_type_init(&c->type, DBM_T_STRING);
	c->nullable = 1;
	c->server_default.kind = DBM_DEFAULT_NONE;
	c->autoincrement = -1;
	c->persisted = -1;
}

static void fkref_release(struct dbm_fkref *f)
{
	free(f->target);
	free(f->name);
	free(f->ondelete);
	free(f->onupdate);
}

static void fkref_copy(struct dbm_fkref *out, const struct dbm_fkref *f)
{
	out->target = dup_or_null(f->target);
	out->name = dup_or_null(f->name);
	out->ondelete = dup_or_null(f->ondelete);
	out->onupdate = dup_or_null(f->onupdate);
}

void dbm_column_release(struct dbm_column *c)
{
	free(c->name);
	dbm_type_release(&c->type);
	dbm_default_release(&c->server_default);
	free(c->computed);
	free(c->comment);
	for (size_t i = 0; i < c->nfks; i++)
		fkref_release(&c->fks[i]);
	free(c->fks);
	dbm_column_init(c);
}

void dbm_column_copy(struct dbm_column *out, const struct dbm_column *c)
{
	*out = *c;
	out->name = dup_or_null(c->name);
	dbm_type_copy(&out->type, &c->type);
	dbm_default_copy(&out->server_default, &c->server_default);
	out->computed = dup_or_null(c->computed);
	out->comment = dup_or_null(c->comment);
	out->fks = NULL;
	if (c->nfks) {
		out->fks = dbm_xmalloc(c->nfks * sizeof(*out->fks));
		for (size_t i = 0; i < c->nfks; i++)
			fkref_copy(&out->fks[i], &c->fks[i]);
	}
}

/* Constraints. */

void dbm_constraint_init(struct dbm_constraint *c,
			 enum dbm_constraint_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
}

void dbm_constraint_release(struct dbm_constraint *c)
{
	enum dbm_constraint_kind kind = c->kind;
	free(c->name);
	free_strings(c->columns, c->ncolumns);
	free(c->ref_table);
	free_strings(c->ref_columns, c->nref_columns);
	free(c->ondelete);
	free(c->onupdate);
	free(c->check);
	dbm_constraint_init(c, kind);
}

void dbm_constraint_copy(struct dbm_constraint *out,
			 const struct dbm_constraint *c)
{
	*out = *c;
	out->name = dup_or_null(c->name);
	out->columns = dup_strings(c->columns, c->ncolumns);
	out->ref_table = dup_or_null(c->ref_table);
	out->ref_columns = dup_strings(c->ref_columns, c->nref_columns);
	out->ondelete = dup_or_null(c->ondelete);
	out->onupdate = dup_or_null(c->onupdate);
	out->check = dup_or_null(c->check);
}

/* Indexes. */

void dbm_index_init(struct dbm_index *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void dbm_index_release(struct dbm_index *ix)
{
	free(ix->name);
	free(ix->table);
	free_strings(ix->columns, ix->ncolumns);
	free(ix->expr);
	free_strings(ix->kwargs, 2 * ix->nkwargs);
	dbm_index_init(ix);
}

void dbm_index_copy(struct dbm_index *out, const struct dbm_index *ix)
{
	*out = *ix;
	out->name = dup_or_null(ix->name);
	out->table = dup_or_null(ix->table);
	out->columns = dup_strings(ix->columns, ix->ncolumns);
	out->expr = NULL;
	if (ix->ncolumns && ix->expr) {
		out->expr = dbm_xmalloc(ix->ncolumns * sizeof(*out->expr));
		memcpy(out->expr, ix->expr, ix->ncolumns * sizeof(*out->expr));
	}
	out->kwargs = dup_strings(ix->kwargs, 2 * ix->nkwargs);
}

/* Tables. */

void dbm_table_init(struct dbm_table *t)
{
	memset(t, 0, sizeof(*t));
}

void dbm_table_release(struct dbm_table *t)
{
	free(t->name);
	for (size_t i = 0; i < t->columns.len; i++)
		dbm_column_release(&t->columns.items[i]);
	dbm_vec_release(&t->columns);
	for (size_t i = 0; i < t->constraints.len; i++)
		dbm_constraint_release(&t->constraints.items[i]);
	dbm_vec_release(&t->constraints);
	for (size_t i = 0; i < t->indexes.len; i++)
		dbm_index_release(&t->indexes.items[i]);
	dbm_vec_release(&t->indexes);
	free_strings(t->kwargs, 2 * t->nkwargs);
	free(t->comment);
	dbm_table_init(t);
}

/* Allocate exactly n elements of size sz for a vector copy. */
static void *vec_alloc(size_t n, size_t sz)
{
	return n ? dbm_xmalloc(n * sz) : NULL;
}

void dbm_table_copy(struct dbm_table *out, const struct dbm_table *t)
{
	dbm_table_init(out);
	out->name = dup_or_null(t->name);

	out->columns.items =
	    vec_alloc(t->columns.len, sizeof(*out->columns.items));
	out->columns.len = out->columns.alloc = t->columns.len;
	for (size_t i = 0; i < t->columns.len; i++)
		dbm_column_copy(&out->columns.items[i], &t->columns.items[i]);

	out->constraints.items =
	    vec_alloc(t->constraints.len, sizeof(*out->constraints.items));
	out->constraints.len = out->constraints.alloc = t->constraints.len;
	for (size_t i = 0; i < t->constraints.len; i++)
		dbm_constraint_copy(&out->constraints.items[i],
				    &t->constraints.items[i]);

	out->indexes.items =
	    vec_alloc(t->indexes.len, sizeof(*out->indexes.items));
	out->indexes.len = out->indexes.alloc = t->indexes.len;
	for (size_t i = 0; i < t->indexes.len; i++)
		dbm_index_copy(&out->indexes.items[i], &t->indexes.items[i]);

	out->kwargs = dup_strings(t->kwargs, 2 * t->nkwargs);
	out->nkwargs = t->nkwargs;
	out->comment = dup_or_null(t->comment);
}

/* Lookups. */

struct dbm_column *dbm_table_column(struct dbm_table *t, const char *name)
{
	long i = dbm_table_column_index(t, name);
	return i < 0 ? NULL : &t->columns.items[i];
}

long dbm_table_column_index(const struct dbm_table *t, const char *name)
{
	for (size_t i = 0; i < t->columns.len; i++) {
		const char *n = t->columns.items[i].name;
		if (n && strcmp(n, name) == 0)
			return (long)i;
	}
	return -1;
}

const char *dbm_kwarg(char *const *kwargs, size_t n, const char *key)
{
	const char *found = NULL;
	/* The last pair with the key wins, as a later setting overrides. */
	for (size_t i = 0; i < n; i++)
		if (kwargs[2 * i] && strcmp(kwargs[2 * i], key) == 0)
			found = kwargs[2 * i + 1];
	return found;
}
