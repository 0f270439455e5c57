#include "buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

char dbm_buf_empty[1];

void dbm_buf_init(struct dbm_buf *b)
{
	b->buf = dbm_buf_empty;
	b->len = b->alloc = 0;
}

void dbm_buf_release(struct dbm_buf *b)
{
	if (b->alloc)
		free(b->buf);
	dbm_buf_init(b);
}

char *dbm_buf_detach(struct dbm_buf *b)
{
	char *s = b->alloc ? b->buf : dbm_xstrdup("");
	dbm_buf_init(b);
	return s;
}

void dbm_buf_reset(struct dbm_buf *b)
{
	dbm_buf_setlen(b, 0);
}

void dbm_buf_setlen(struct dbm_buf *b, size_t len)
{
	if (len > b->len)
		DBM_BUG("dbm_buf_setlen beyond the end");
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

void dbm_buf_grow(struct dbm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	char *p = b->alloc ? b->buf : NULL;
	p = dbm_xrealloc(p, n);
	if (!b->alloc)
		p[0] = '\0';
	b->buf = p;
	b->alloc = n;
}

void dbm_buf_add(struct dbm_buf *b, const void *data, size_t n)
{
	dbm_buf_grow(b, n);
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void dbm_buf_adds(struct dbm_buf *b, const char *s)
{
	dbm_buf_add(b, s, strlen(s));
}

void dbm_buf_addch(struct dbm_buf *b, char c)
{
	dbm_buf_grow(b, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void dbm_buf_vaddf(struct dbm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		DBM_BUG("vsnprintf failed");
	dbm_buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void dbm_buf_addf(struct dbm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dbm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void dbm_buf_add_oneline(struct dbm_buf *b, const char *s)
{
	bool space = false, any = false;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			space = any;
			continue;
		}
		if (space)
			dbm_buf_addch(b, ' ');
		space = false;
		any = true;
		dbm_buf_addch(b, *s);
	}
}

void dbm_buf_add_sql_literal(struct dbm_buf *b, const char *s, size_t n)
{
	dbm_buf_addch(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			dbm_buf_addch(b, '\'');
		dbm_buf_addch(b, s[i]);
	}
	dbm_buf_addch(b, '\'');
}

uint64_t dbm_str_prefix64(const char *s)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++) {
		v = v << 8 | (unsigned char)*s;
		if (*s)
			s++;
	}
	return v;
}
