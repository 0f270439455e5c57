/*
 * SQLAlchemy database URLs, read the way SQLAlchemy 1.4's make_url reads
 * them:
 *
 *   dialect[+driver]://[user[:password]@][host|[ipv6]][:port][/database][?query]
 *
 * The user info ends at the last '@' before the path ('/' or '?'), so a raw
 * '@' in a password works. When the part before the path has no '@' but
 * reads "user:x" where x is not a port number, and an '@' follows later,
 * the password is taken to run to that last '@' (SQLAlchemy's greedy
 * reading, for a raw '/' or '?' in a password). The masking code uses the
 * same rule, so what the parser would call a password is what gets masked.
 * The values of the query arguments "password" and "passwd" (which libpq
 * and MySQLdb accept) are masked too.
 *
 * Query arguments are decoded as Python's parse_qsl does: '+' is a space,
 * an argument without '=' or with an empty value is dropped. A repeated
 * argument keeps every value in url->query; dbm_url_query returns the last.
 */
#include "url.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* The names a URL may use, and the dialect each one means. */
/* clang-format off */
static const struct {
	const char *name;
	const char *dialect;
} dialects[] = {
	{ "sqlite", "sqlite" },
	{ "postgresql", "postgresql" },
	{ "postgres", "postgresql" },
	{ "mysql", "mysql" },
	{ "mariadb", "mysql" },
};
/* clang-format on */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The first of the bytes in set within s[0..n), or n. */
static size_t span_to(const char *s, size_t n, const char *set)
{
	size_t i = 0;
	while (i < n && !strchr(set, s[i]))
		i++;
	return i;
}

/* The last c within s[0..n), or -1. */
static long last_of(const char *s, size_t n, char c)
{
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == c)
			return (long)(i - 1);
	return -1;
}

static const char *find_scheme_end(const char *s, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return s + i;
	return NULL;
}

/*
 * s[0..n) is what follows "://". When it starts with user info, set *at
 * to the '@' that ends it and return true.
 */
static bool find_userinfo(const char *s, size_t n, size_t *at)
{
	size_t auth = span_to(s, n, "/?");
	long i = last_of(s, auth, '@');
	if (i >= 0) {
		*at = (size_t)i;
		return true;
	}
	if (auth == 0 || s[0] == '[')
		return false;
	const char *colon = memchr(s, ':', auth);
	if (!colon)
		return false;
	size_t c = (size_t)(colon - s), digits = 0;
	for (size_t k = c + 1; k < auth && is_digit(s[k]); k++)
		digits++;
	if (digits > 0 && c + 1 + digits == auth)
		return false; /* host:port */
	i = last_of(s + auth, n - auth, '@');
	if (i < 0)
		return false;
	*at = auth + (size_t)i;
	return true;
}

/*
 * Append s[0..n) with the password of every URL in it replaced by "***".
 * With whole, s is one URL (a password may hold spaces); otherwise a URL
 * ends at the first white space.
 */
static void mask_span(struct dbm_buf *out, const char *s, size_t n, bool whole)
{
	size_t i = 0;
	const char *p;
	while (i < n && (p = find_scheme_end(s + i, n - i)) != NULL) {
		size_t start = (size_t)(p - s) + 3, end = start, at;
		if (whole)
			end = n;
		else
			while (end < n && !is_space(s[end]))
				end++;
		dbm_buf_add(out, s + i, start - i);
		i = start;
		if (!find_userinfo(s + start, end - start, &at))
			continue;
		const char *colon = memchr(s + start, ':', at);
		if (!colon)
			continue;
		dbm_buf_add(out, s + start, (size_t)(colon - s) + 1 - start);
		dbm_buf_adds(out, "***");
		i = start + at;
	}
	if (whole && i == 0) {
		/* No "://" at all: "user:pass@host" still hides the password.
		 */
		long a = last_of(s, n, '@');
		const char *colon = a > 0 ? memchr(s, ':', (size_t)a) : NULL;
		if (colon) {
			dbm_buf_add(out, s, (size_t)(colon - s) + 1);
			dbm_buf_adds(out, "***");
			i = (size_t)a;
		}
	}
	dbm_buf_add(out, s + i, n - i);
}

/* A query argument that carries a password (libpq's, MySQLdb's). */
static bool is_password_key(const char *key, size_t n)
{
	return (n == 8 && !memcmp(key, "password", 8)) ||
	       (n == 6 && !memcmp(key, "passwd", 6));
}

/*
 * Hide the values of "?password=" and "&password=" (or passwd) in
 * out->buf from offset from on; a value ends at '&' (or white space
 * unless whole).
 */
static void mask_query_passwords(struct dbm_buf *out, size_t from, bool whole)
{
	struct dbm_buf tmp = DBM_BUF_INIT;
	const char *s = out->buf + from, *end = out->buf + out->len;
	bool changed = false;
	while (s < end) {
		const char *p = s;
		while (p < end && *p != '?' && *p != '&')
			p++;
		if (p == end)
			break;
		const char *key = p + 1, *eq = key;
		while (eq < end && *eq != '=' && *eq != '&' && !is_space(*eq))
			eq++;
		dbm_buf_add(&tmp, s, (size_t)(key - s));
		s = key;
		if (eq == end || *eq != '=' ||
		    !is_password_key(key, (size_t)(eq - key)))
			continue;
		const char *v = eq + 1;
		while (v < end && *v != '&' && (whole || !is_space(*v)))
			v++;
		dbm_buf_add(&tmp, key, (size_t)(eq + 1 - key));
		dbm_buf_adds(&tmp, "***");
		s = v;
		changed = true;
	}
	if (changed) {
		dbm_buf_add(&tmp, s, (size_t)(end - s));
		dbm_buf_setlen(out, from);
		dbm_buf_add(out, tmp.buf, tmp.len);
	}
	dbm_buf_release(&tmp);
}

static void mask(struct dbm_buf *out, const char *s, size_t n, bool whole)
{
	size_t from = out->len;
	mask_span(out, s, n, whole);
	mask_query_passwords(out, from, whole);
}

void dbm_url_mask_text(struct dbm_buf *out, const char *text)
{
	mask(out, text, strlen(text), false);
}

static int url_error(struct dbm_err *err, const char *text, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

static int url_error(struct dbm_err *err, const char *text, const char *fmt,
		     ...)
{
	struct dbm_buf masked = DBM_BUF_INIT, detail = DBM_BUF_INIT;
	va_list ap;
	mask(&masked, text, strlen(text), true);
	va_start(ap, fmt);
	dbm_buf_vaddf(&detail, fmt, ap);
	va_end(ap);
	dbm_err_set(err, DBM_EUSAGE, "invalid database URL '%s': %s",
		    masked.buf, detail.buf);
	dbm_buf_release(&detail);
	dbm_buf_release(&masked);
	return -1;
}

/*
 * Percent-decode s[0..n) into *out (and '+' as a space with plus). Invalid
 * escapes stay as they are, as Python's unquote leaves them. A decoded NUL
 * fails.
 */
static int decode(char **out, const char *s, size_t n, bool plus)
{
	struct dbm_buf b = DBM_BUF_INIT;
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n &&
		    (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			if (hi == 0 && lo == 0) {
				dbm_buf_release(&b);
				return -1;
			}
			dbm_buf_addch(&b, (char)(hi * 16 + lo));
			i += 2;
		} else if (plus && s[i] == '+') {
			dbm_buf_addch(&b, ' ');
		} else {
			dbm_buf_addch(&b, s[i]);
		}
	}
	*out = dbm_buf_detach(&b);
	return 0;
}

static void add_param(struct dbm_url *url, size_t *alloc, char *key,
		      char *value)
{
	dbm_grow((void **)&url->query, alloc, url->nquery + 1,
		 sizeof(*url->query));
	url->query[url->nquery].key = key;
	url->query[url->nquery].value = value;
	url->nquery++;
}

static int parse_query(struct dbm_url *url, const char *text, const char *q,
		       struct dbm_err *err)
{
	size_t alloc = 0;
	while (*q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		if (eq && eq + 1 < q + len) {
			char *key, *value;
			if (decode(&key, q, (size_t)(eq - q), true) < 0)
				return url_error(err, text,
						 "NUL byte (%%00) in a query "
						 "argument name");
			if (decode(&value, eq + 1, (size_t)(q + len - eq - 1),
				   true) < 0) {
				int rc = url_error(err, text,
						   "NUL byte (%%00) in query "
						   "argument '%s'",
						   key);
				free(key);
				return rc;
			}
			add_param(url, &alloc, key, value);
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return 0;
}

/* hostport is what lies between the user info and the path. */
static int parse_hostport(struct dbm_url *url, const char *text, const char *hp,
			  size_t n, struct dbm_err *err)
{
	const char *port = NULL;
	size_t hostlen, portlen = 0;
	if (n > 0 && hp[0] == '[') {
		const char *close = memchr(hp, ']', n);
		if (!close)
			return url_error(err, text,
					 "missing ']' in host '%.*s'", (int)n,
					 hp);
		hostlen = (size_t)(close - hp) - 1;
		if (hostlen == 0 || (close + 1 < hp + n && close[1] != ':'))
			return url_error(err, text, "invalid host '%.*s'",
					 (int)n, hp);
		url->host = dbm_xstrndup(hp + 1, hostlen);
		if (close + 1 < hp + n) {
			port = close + 2;
			portlen = (size_t)(hp + n - port);
		}
	} else {
		const char *colon = memchr(hp, ':', n);
		hostlen = colon ? (size_t)(colon - hp) : n;
		if (hostlen > 0)
			url->host = dbm_xstrndup(hp, hostlen);
		if (colon) {
			port = colon + 1;
			portlen = (size_t)(hp + n - port);
		}
	}
	if (!port || portlen == 0)
		return 0;
	long value = 0;
	for (size_t i = 0; i < portlen; i++) {
		if (!is_digit(port[i]))
			return url_error(err, text,
					 "port '%.*s' is not a number",
					 (int)portlen, port);
		if (value <= 65535)
			value = value * 10 + (port[i] - '0');
	}
	if (value < 1 || value > 65535)
		return url_error(err, text,
				 "port '%.*s' is out of range 1-65535",
				 (int)portlen, port);
	url->port = (int)value;
	return 0;
}

static int parse_scheme(struct dbm_url *url, const char *text, size_t n,
			struct dbm_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(text[i]) && text[i] != '_' && text[i] != '+')
			return url_error(err, text, "expected dialect://...");
	size_t namelen = span_to(text, n, "+");
	if (namelen == 0)
		return url_error(err, text, "expected dialect://...");
	if (namelen < n) {
		const char *drv = text + namelen + 1;
		size_t drvlen = n - namelen - 1;
		if (drvlen == 0 || memchr(drv, '+', drvlen))
			return url_error(err, text,
					 "invalid driver name '%.*s'",
					 (int)drvlen, drv);
		url->driver = dbm_xstrndup(drv, drvlen);
	}
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
		if (strlen(dialects[i].name) == namelen &&
		    !memcmp(dialects[i].name, text, namelen)) {
			url->dialect = dbm_xstrdup(dialects[i].dialect);
			return 0;
		}
	}
	struct dbm_buf masked = DBM_BUF_INIT;
	mask(&masked, text, strlen(text), true);
	dbm_err_set(err, DBM_EUSAGE,
		    "unsupported database dialect '%.*s' in URL '%s': "
		    "supported are sqlite, postgresql (or postgres), mysql "
		    "and mariadb",
		    (int)namelen, text, masked.buf);
	dbm_buf_release(&masked);
	return -1;
}

static int parse(struct dbm_url *url, const char *text, struct dbm_err *err)
{
	size_t n = strlen(text);
	const char *sep = find_scheme_end(text, n);
	if (!sep)
		return url_error(err, text, "expected dialect://...");
	if (parse_scheme(url, text, (size_t)(sep - text), err) < 0)
		return -1;

	const char *s = sep + 3;
	size_t len = strlen(s), at;
	if (find_userinfo(s, len, &at)) {
		const char *colon = memchr(s, ':', at);
		size_t ulen = colon ? (size_t)(colon - s) : at;
		if (ulen > 0 && decode(&url->username, s, ulen, false) < 0)
			return url_error(err, text,
					 "NUL byte (%%00) in the user name");
		if (colon && decode(&url->password, colon + 1,
				    (size_t)(s + at - colon - 1), false) < 0)
			return url_error(err, text,
					 "NUL byte (%%00) in the password");
		s += at + 1;
		len -= at + 1;
	}

	size_t hplen = span_to(s, len, "/?");
	if (parse_hostport(url, text, s, hplen, err) < 0)
		return -1;
	s += hplen;

	if (*s == '/') {
		size_t dblen = strcspn(s + 1, "?");
		if (dblen > 0 &&
		    decode(&url->database, s + 1, dblen, false) < 0)
			return url_error(
			    err, text, "NUL byte (%%00) in the database name");
		s += 1 + dblen;
	}
	if (*s == '?' && parse_query(url, text, s + 1, err) < 0)
		return -1;

	if (!strcmp(url->dialect, "sqlite")) {
		if (url->username || url->password || url->host || url->port)
			return url_error(err, text,
					 "a sqlite URL takes no user, host or "
					 "port: use sqlite:///relative/path or "
					 "sqlite:////absolute/path");
		if (url->database && !strcmp(url->database, ":memory:")) {
			free(url->database);
			url->database = NULL;
		}
	}
	return 0;
}

int dbm_url_parse(struct dbm_url *out, const char *text, struct dbm_err *err)
{
	struct dbm_url url = DBM_URL_INIT;
	dbm_url_release(out);
	if (parse(&url, text, err) < 0) {
		dbm_url_release(&url);
		return -1;
	}
	*out = url;
	return 0;
}

void dbm_url_release(struct dbm_url *url)
{
	free(url->dialect);
	free(url->driver);
	free(url->username);
	free(url->password);
	free(url->host);
	free(url->database);
	for (size_t i = 0; i < url->nquery; i++) {
		free(url->query[i].key);
		free(url->query[i].value);
	}
	free(url->query);
	*url = (struct dbm_url)DBM_URL_INIT;
}

const char *dbm_url_query(const struct dbm_url *url, const char *key)
{
	for (size_t i = url->nquery; i > 0; i--)
		if (!strcmp(url->query[i - 1].key, key))
			return url->query[i - 1].value;
	return NULL;
}

/* Append s with every byte outside safe (and alphanumerics) as %XX. */
static void add_quoted(struct dbm_buf *out, const char *s, const char *safe,
		       bool plus)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (is_alnum((char)c) || strchr(safe, c))
			dbm_buf_addch(out, (char)c);
		else if (plus && c == ' ')
			dbm_buf_addch(out, '+');
		else
			dbm_buf_addf(out, "%%%02X", c);
	}
}

/* Append s with only the bytes in unsafe as %XX. */
static void add_escaped(struct dbm_buf *out, const char *s, const char *unsafe)
{
	for (; *s; s++) {
		if (strchr(unsafe, *s))
			dbm_buf_addf(out, "%%%02X", (unsigned char)*s);
		else
			dbm_buf_addch(out, *s);
	}
}

void dbm_url_render_masked(struct dbm_buf *out, const struct dbm_url *url)
{
	dbm_buf_adds(out, url->dialect ? url->dialect : "");
	if (url->driver)
		dbm_buf_addf(out, "+%s", url->driver);
	dbm_buf_adds(out, "://");
	if (url->username || url->password) {
		if (url->username)
			add_escaped(out, url->username, ":@/%");
		if (url->password)
			dbm_buf_adds(out, ":***");
		dbm_buf_addch(out, '@');
	}
	if (url->host && strchr(url->host, ':'))
		dbm_buf_addf(out, "[%s]", url->host);
	else if (url->host)
		dbm_buf_adds(out, url->host);
	if (url->port)
		dbm_buf_addf(out, ":%d", url->port);
	if (url->database) {
		dbm_buf_addch(out, '/');
		add_escaped(out, url->database, "?%");
	}
	/* Keys in order, the values of a key as given (SQLAlchemy's repr). */
	bool *done =
	    url->nquery ? dbm_xcalloc(url->nquery, sizeof(*done)) : NULL;
	for (size_t k = 0; k < url->nquery; k++) {
		size_t min = url->nquery;
		for (size_t i = 0; i < url->nquery; i++)
			if (!done[i] && (min == url->nquery ||
					 strcmp(url->query[i].key,
						url->query[min].key) < 0))
				min = i;
		done[min] = true;
		dbm_buf_addch(out, k == 0 ? '?' : '&');
		add_quoted(out, url->query[min].key, "_.-~", true);
		dbm_buf_addch(out, '=');
		if (is_password_key(url->query[min].key,
				    strlen(url->query[min].key)))
			dbm_buf_adds(out, "***");
		else
			add_quoted(out, url->query[min].value, "_.-~", true);
	}
	free(done);
}
