#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dbm_err_set(struct dbm_err *err, enum dbm_err_kind kind, const char *fmt,
		...)
{
	if (!err || err->kind != DBM_OK)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->kind = kind;
	return -1;
}

void dbm_err_prefix(struct dbm_err *err, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	size_t p = strlen(prefix), m = strlen(err->msg);
	size_t room = sizeof(err->msg) - 1;
	if (p + 2 > room)
		p = room - 2;
	if (p + 2 + m > room)
		m = room - p - 2; /* the tail of the old message is cut */
	memmove(err->msg + p + 2, err->msg, m);
	memcpy(err->msg, prefix, p);
	err->msg[p] = ':';
	err->msg[p + 1] = ' ';
	err->msg[p + 2 + m] = '\0';
}

void dbm_err_clear(struct dbm_err *err)
{
	err->kind = DBM_OK;
	err->msg[0] = '\0';
}
