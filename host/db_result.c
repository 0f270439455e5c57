/*
 * Query results, apart from db.c: the driver modules link this file (and
 * the helpers it uses) into themselves, since a module cannot call into
 * the program that loads it.
 */
#include "db.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct dbm_result *dbm_result_new(size_t ncols)
{
	struct dbm_result *res = dbm_xcalloc(1, sizeof(*res));
	res->ncols = ncols;
	res->names = ncols ? dbm_xcalloc(ncols, sizeof(*res->names)) : NULL;
	return res;
}

static void value_release(struct dbm_value *v)
{
	if (v->kind == DBM_V_TEXT || v->kind == DBM_V_BLOB)
		free((char *)v->s);
}

void dbm_result_free(struct dbm_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nrows * res->ncols; i++)
		value_release(&res->cells[i]);
	free(res->cells);
	for (size_t i = 0; i < res->ncols; i++)
		free(res->names[i]);
	free(res->names);
	free(res);
}

void dbm_result_set_name(struct dbm_result *res, size_t col, const char *name)
{
	if (col >= res->ncols)
		DBM_BUG("result column out of range");
	free(res->names[col]);
	res->names[col] = dbm_xstrdup(name ? name : "");
}

/*
 * Copy one value. TEXT: n bytes when n is set, else strlen(s); the copy is
 * NUL-terminated and n is set. BLOB: n bytes.
 */
static void value_copy(struct dbm_value *out, const struct dbm_value *v)
{
	*out = *v;
	if (v->kind == DBM_V_TEXT) {
		const char *s = v->s ? v->s : "";
		size_t n = v->n ? v->n : strlen(s);
		out->s = dbm_xstrndup(s, n);
		out->n = n;
	} else if (v->kind == DBM_V_BLOB) {
		char *p = dbm_xmalloc(v->n ? v->n : 1);
		if (v->n)
			memcpy(p, v->s, v->n);
		out->s = p;
	} else {
		out->s = NULL;
		out->n = 0;
	}
}

void dbm_result_add_row(struct dbm_result *res, const struct dbm_value *row)
{
	if (!res->ncols) {
		res->nrows++;
		return;
	}
	dbm_grow((void **)&res->cells, &res->alloc, res->nrows + 1,
		 res->ncols * sizeof(*res->cells));
	struct dbm_value *dst = &res->cells[res->nrows * res->ncols];
	for (size_t i = 0; i < res->ncols; i++)
		value_copy(&dst[i], &row[i]);
	res->nrows++;
}

const struct dbm_value *dbm_result_cell(const struct dbm_result *res,
					size_t row, size_t col)
{
	if (row >= res->nrows || col >= res->ncols)
		DBM_BUG("result cell out of range");
	return &res->cells[row * res->ncols + col];
}
