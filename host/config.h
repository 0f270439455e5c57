/*
 * oslo.config INI files: [section] headers, "key = value" or "key: value",
 * continuation lines (indented), comments ('#' or ';') at line start.
 * Several files may be loaded: a key set by a later file wins.
 */
#ifndef DBM_CONFIG_H
#define DBM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct dbm_config_entry {
	char *section; /* lowercased */
	char *key;
	char *value;
	char *origin; /* "file:line" where it was set */
};

struct dbm_config {
	struct dbm_config_entry *entries;
	size_t len, alloc;
};

#define DBM_CONFIG_INIT                                                        \
	{                                                                      \
		0                                                              \
	}

int dbm_config_load_file(struct dbm_config *cfg, const char *path,
			 struct dbm_err *err);
/* Every "*.conf" in dir, in name order. */
int dbm_config_load_dir(struct dbm_config *cfg, const char *dir,
			struct dbm_err *err);
/* Parse text as if read from a file called origin (for tests). */
int dbm_config_load_text(struct dbm_config *cfg, const char *text,
			 const char *origin, struct dbm_err *err);
void dbm_config_release(struct dbm_config *cfg);

/* The value of [section] key, or NULL (borrowed, valid until release). */
const char *dbm_config_get(const struct dbm_config *cfg, const char *section,
			   const char *key);
/*
 * A boolean option (true/false, yes/no, on/off, 1/0, any case); *out keeps
 * its value when the key is absent. A bad value is a usage error naming the
 * key, the value and where it was set.
 */
int dbm_config_get_bool(const struct dbm_config *cfg, const char *section,
			const char *key, bool *out, struct dbm_err *err);
/* A number of seconds (non-negative, decimals allowed); as get_bool. */
int dbm_config_get_seconds(const struct dbm_config *cfg, const char *section,
			   const char *key, double *out, struct dbm_err *err);

#endif
