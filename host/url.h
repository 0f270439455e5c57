/*
 * SQLAlchemy database URLs: dialect[+driver]://user:pass@host:port/db?k=v.
 * Parsing only; no connection is made here.
 */
#ifndef DBM_URL_H
#define DBM_URL_H

#include "buf.h"
#include "err.h"

struct dbm_url_param {
	char *key;
	char *value;
};

struct dbm_url {
	char *
	    dialect; /* "sqlite", "postgresql" or "mysql" (mariadb maps here) */
	char *driver;	/* the "+driver" part ("pymysql"), or NULL */
	char *username; /* percent-decoded, or NULL */
	char *password; /* percent-decoded, or NULL */
	char *host;	/* without IPv6 brackets, or NULL */
	int port;	/* 0 when not given */
	char *database; /* db name; for sqlite the file path, NULL for memory */
	struct dbm_url_param *query;
	size_t nquery;
};

#define DBM_URL_INIT                                                           \
	{                                                                      \
		0                                                              \
	}

/*
 * Parse text into out (released first). Errors never contain the password:
 * they quote the URL masked, as dbm_url_mask_text does.
 */
int dbm_url_parse(struct dbm_url *out, const char *text, struct dbm_err *err);
void dbm_url_release(struct dbm_url *url);
/* The value of query argument key, or NULL (borrowed). */
const char *dbm_url_query(const struct dbm_url *url, const char *key);
/* The URL back as text with the password replaced by "***". */
void dbm_url_render_masked(struct dbm_buf *out, const struct dbm_url *url);
/* Mask the password of URL-like text that may not parse. */
void dbm_url_mask_text(struct dbm_buf *out, const char *text);

#endif
