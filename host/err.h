/*
 * Errors are values until a front end prints them. A failing function
 * returns a negative int and fills the struct dbm_err it was given (last
 * argument) once, where the problem is understood.
 */
#ifndef DBM_ERR_H
#define DBM_ERR_H

/* The class of an error decides the process exit code. */
enum dbm_err_kind {
	DBM_OK = 0,
	DBM_EFAIL = 1,	/* the operation failed: SQL, lock, script error */
	DBM_EUSAGE = 2, /* usage, config or revision-graph error */
};

struct dbm_err {
	enum dbm_err_kind kind;
	char msg[4096];
};

#define DBM_ERR_INIT                                                           \
	{                                                                      \
		DBM_OK,                                                        \
		{                                                              \
			0                                                      \
		}                                                              \
	}

/* Fill err (if it is still empty) and return -1. */
int dbm_err_set(struct dbm_err *err, enum dbm_err_kind kind, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
/* Put context in front of an existing message: "<prefix>: <old>". */
void dbm_err_prefix(struct dbm_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dbm_err_clear(struct dbm_err *err);

#endif
