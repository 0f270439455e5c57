/*
 * Log lines travel upward through a callback: the CLI prints them in
 * Alembic's format, the Lua module keeps them quiet or hands them to Lua.
 */
#ifndef DBM_LOG_H
#define DBM_LOG_H

enum dbm_log_level {
	DBM_LOG_DEBUG,
	DBM_LOG_INFO,
	DBM_LOG_WARNING,
	DBM_LOG_ERROR,
};

struct dbm_log {
	void (*fn)(void *payload, enum dbm_log_level level, const char *logger,
		   const char *msg);
	void *payload;
};

#define DBM_LOG_INIT                                                           \
	{                                                                      \
		0                                                              \
	}

/* Logger names, as Alembic's. */
#define DBM_LOGGER_MIGRATION "alembic.runtime.migration"
#define DBM_LOGGER_RUNNER    "tacker_db_manage.runner"
#define DBM_LOGGER_SCRIPT    "alembic.script"

void dbm_logf(const struct dbm_log *log, enum dbm_log_level level,
	      const char *logger, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
