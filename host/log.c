#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void dbm_logf(const struct dbm_log *log, enum dbm_log_level level,
	      const char *logger, const char *fmt, ...)
{
	if (!log || !log->fn)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->fn(log->payload, level, logger, msg);
}
