/*
 * A growable string buffer, git's strbuf in spirit: buf is never NULL and
 * always NUL-terminated, so it can be passed to C string functions at once.
 */
#ifndef DBM_BUF_H
#define DBM_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct dbm_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char dbm_buf_empty[];
#define DBM_BUF_INIT                                                           \
	{                                                                      \
		dbm_buf_empty, 0, 0                                            \
	}

void dbm_buf_init(struct dbm_buf *b);
void dbm_buf_release(struct dbm_buf *b);
/* Give the string to the caller (to free) and reset the buffer. */
char *dbm_buf_detach(struct dbm_buf *b);
void dbm_buf_reset(struct dbm_buf *b);
void dbm_buf_setlen(struct dbm_buf *b, size_t len);
void dbm_buf_grow(struct dbm_buf *b, size_t extra);
void dbm_buf_add(struct dbm_buf *b, const void *data, size_t n);
void dbm_buf_adds(struct dbm_buf *b, const char *s);
void dbm_buf_addch(struct dbm_buf *b, char c);
void dbm_buf_addf(struct dbm_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dbm_buf_vaddf(struct dbm_buf *b, const char *fmt, va_list ap);
/* Append s on one line: each run of white space becomes one space,
 * none at the start or the end (SQL quoted in a one-line message). */
void dbm_buf_add_oneline(struct dbm_buf *b, const char *s);
/*
 * The first 8 bytes of s (padded with NULs) as a number whose order is
 * strcmp's: sorts compare it before calling strcmp.
 */
uint64_t dbm_str_prefix64(const char *s);
/* Append s as a SQL string literal: 'it''s'. */
void dbm_buf_add_sql_literal(struct dbm_buf *b, const char *s, size_t n);

#endif
