/*
 * Declarative command-line options, git's parse-options in miniature:
 * an array of struct dbm_option ending with DBM_OPT_END.
 */
#ifndef DBM_OPTIONS_H
#define DBM_OPTIONS_H

#include <stdbool.h>

#include "err.h"

enum dbm_opt_type {
	DBM_OPT_END,
	DBM_OPT_BOOL,	/* bool *: set to true */
	DBM_OPT_STRING, /* const char **: the argument */
	DBM_OPT_LIST,	/* struct dbm_strlist *: each argument appended */
	DBM_OPT_COUNT,	/* int *: incremented */
};

struct dbm_strlist {
	const char **items;
	int len, alloc;
};

#define DBM_STRLIST_INIT                                                       \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void dbm_strlist_push(struct dbm_strlist *l, const char *s);
void dbm_strlist_release(struct dbm_strlist *l);

struct dbm_option {
	enum dbm_opt_type type;
	char short_name; /* 0: none */
	const char *long_name;
	void *value;
	const char *argname; /* for help: "FILE" */
	const char *help;
};

#define DBM_OPT_END_ENTRY                                                      \
	{                                                                      \
		DBM_OPT_END, 0, NULL, NULL, NULL, NULL                         \
	}

/*
 * Parse argv[0..argc) against opts. Arguments that are not options (and
 * "-N" numbers, as `downgrade -1` needs) are appended to positional in
 * order; "--" ends option parsing. With keep_unknown, unknown options are
 * kept as positionals (for a second pass), else they are a usage error.
 */
int dbm_parse_options(const struct dbm_option *opts, int argc, char **argv,
		      bool keep_unknown, struct dbm_strlist *positional,
		      struct dbm_err *err);
/* Print the options' help lines, aligned. */
void dbm_options_help(const struct dbm_option *opts, void *file);

#endif
