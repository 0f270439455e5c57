/*
 * oslo.config's INI dialect, as its iniparser reads it:
 *
 * - trailing white space is dropped from every line; a blank line ends a
 *   multi-line value;
 * - "[name]" starts a section (kept lowercased, so [DEFAULT] is "default");
 * - "key = value" or "key: value", split at whichever of '=' and ':' comes
 *   first; key and value are trimmed, and one pair of matching quotes around
 *   the value is removed;
 * - a line starting with a space or a tab continues the value above, joined
 *   with "\n";
 * - a line whose first non-blank byte is '#' or ';' is a comment (oslo only
 *   knows them at column 0; here an indented one is a comment too, never a
 *   continuation).
 *
 * A file that fails to parse adds nothing: its entries are taken back.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "fs.h"
#include "mem.h"
#include "url.h"

struct parser {
	struct dbm_config *cfg;
	const char *origin;
	char *section; /* the current section, or NULL before the first */
	char *key;     /* the option being read, or NULL */
	struct dbm_buf value; /* its value so far */
	int keyline;	      /* the line it started on */
};

#define PARSER_INIT                                                            \
	{                                                                      \
		NULL, NULL, NULL, NULL, DBM_BUF_INIT, 0                        \
	}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Trim white space around s[*start..*end). */
static void trim(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && is_space(s[*start]))
		(*start)++;
	while (*end > *start && is_space(s[*end - 1]))
		(*end)--;
}

static void entry_release(struct dbm_config_entry *e)
{
	free(e->section);
	free(e->key);
	free(e->value);
	free(e->origin);
}

/* Take back the entries after the first len. */
static void truncate_entries(struct dbm_config *cfg, size_t len)
{
	while (cfg->len > len)
		entry_release(&cfg->entries[--cfg->len]);
}

/* Add the pending option, if any, to the configuration. */
static void flush(struct parser *p)
{
	if (!p->key)
		return;
	struct dbm_config *cfg = p->cfg;
	struct dbm_buf origin = DBM_BUF_INIT;
	dbm_buf_addf(&origin, "%s:%d", p->origin, p->keyline);
	dbm_grow((void **)&cfg->entries, &cfg->alloc, cfg->len + 1,
		 sizeof(*cfg->entries));
	struct dbm_config_entry *e = &cfg->entries[cfg->len++];
	e->section = dbm_xstrdup(p->section);
	e->key = p->key;
	e->value = dbm_buf_detach(&p->value);
	e->origin = dbm_buf_detach(&origin);
	p->key = NULL;
}

static int line_error(const struct parser *p, int lineno, struct dbm_err *err,
		      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int line_error(const struct parser *p, int lineno, struct dbm_err *err,
		      const char *fmt, ...)
{
	struct dbm_buf msg = DBM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	dbm_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	dbm_err_set(err, DBM_EUSAGE, "'%s:%d': %s", p->origin, lineno, msg.buf);
	dbm_buf_release(&msg);
	return -1;
}

static int parse_section(struct parser *p, const char *line, size_t n,
			 int lineno, struct dbm_err *err)
{
	if (line[n - 1] != ']') {
		/* The line might hold a whole "connection = URL". */
		struct dbm_buf text = DBM_BUF_INIT, masked = DBM_BUF_INIT;
		dbm_buf_add(&text, line, n);
		dbm_url_mask_text(&masked, text.buf);
		line_error(p, lineno, err, "unterminated section header '%s'",
			   masked.buf);
		dbm_buf_release(&masked);
		dbm_buf_release(&text);
		return -1;
	}
	size_t start = 1, end = n - 1;
	trim(line, &start, &end);
	if (start == end)
		return line_error(p, lineno, err, "empty section name '%.*s'",
				  (int)n, line);
	free(p->section);
	p->section = dbm_xstrndup(line + start, end - start);
	for (char *c = p->section; *c; c++)
		*c = lower(*c);
	return 0;
}

static int parse_option(struct parser *p, const char *line, size_t n,
			int lineno, struct dbm_err *err)
{
	size_t sep = 0;
	while (sep < n && line[sep] != '=' && line[sep] != ':')
		sep++;
	if (sep == n)
		return line_error(p, lineno, err,
				  "invalid line '%.*s': expected 'key = "
				  "value', 'key: value' or '[section]'",
				  (int)n, line);
	size_t kstart = 0, kend = sep, vstart = sep + 1, vend = n;
	trim(line, &kstart, &kend);
	trim(line, &vstart, &vend);
	if (kstart == kend)
		return line_error(p, lineno, err,
				  "missing option name before '%c'", line[sep]);
	if (!p->section)
		return line_error(p, lineno, err,
				  "option '%.*s' appears before any [section] "
				  "header",
				  (int)(kend - kstart), line + kstart);
	/* oslo drops one pair of matching quotes around the value. */
	if (vend > vstart && (line[vstart] == '"' || line[vstart] == '\'') &&
	    line[vend - 1] == line[vstart]) {
		vstart++;
		if (vend > vstart)
			vend--;
	}
	p->key = dbm_xstrndup(line + kstart, kend - kstart);
	p->keyline = lineno;
	dbm_buf_reset(&p->value);
	dbm_buf_add(&p->value, line + vstart, vend - vstart);
	return 0;
}

static int parse_line(struct parser *p, const char *line, size_t n, int lineno,
		      struct dbm_err *err)
{
	size_t start = 0;
	while (n > 0 && is_space(line[n - 1]))
		n--;
	if (n == 0) {
		flush(p); /* a blank line ends a multi-line value */
		return 0;
	}
	while (start < n && (line[start] == ' ' || line[start] == '\t'))
		start++;
	if (line[start] == '#' || line[start] == ';')
		return 0;
	if (start > 0) {
		if (!p->key)
			return line_error(p, lineno, err,
					  "unexpected indented line: a "
					  "continuation line must follow an "
					  "option");
		dbm_buf_addch(&p->value, '\n');
		while (start < n && is_space(line[start]))
			start++;
		dbm_buf_add(&p->value, line + start, n - start);
		return 0;
	}
	flush(p);
	if (line[0] == '[')
		return parse_section(p, line, n, lineno, err);
	return parse_option(p, line, n, lineno, err);
}

static int parse(struct dbm_config *cfg, const char *text, size_t len,
		 const char *origin, struct dbm_err *err)
{
	struct parser p = PARSER_INIT;
	int rc = -1, lineno = 0;
	size_t before = cfg->len, i = 0;
	p.cfg = cfg;
	p.origin = origin;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3; /* a UTF-8 byte order mark */
	while (i < len) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		lineno++;
		if (memchr(line, '\0', n)) {
			line_error(&p, lineno, err, "unexpected NUL byte");
			goto done;
		}
		if (parse_line(&p, line, n, lineno, err) < 0)
			goto done;
		i += n + (nl ? 1 : 0);
	}
	flush(&p);
	rc = 0;
done:
	if (rc < 0)
		truncate_entries(cfg, before);
	dbm_buf_release(&p.value);
	free(p.key);
	free(p.section);
	return rc;
}

int dbm_config_load_text(struct dbm_config *cfg, const char *text,
			 const char *origin, struct dbm_err *err)
{
	return parse(cfg, text, strlen(text), origin, err);
}

static int read_file(struct dbm_buf *out, const char *path, struct dbm_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot read config file '%s': %s", path,
				   strerror(errno));
	char chunk[8192];
	size_t n;
	errno = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		dbm_buf_add(out, chunk, n);
	int failed = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (failed)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot read config file '%s': %s", path,
				   strerror(failed));
	return 0;
}

int dbm_config_load_file(struct dbm_config *cfg, const char *path,
			 struct dbm_err *err)
{
	struct dbm_buf text = DBM_BUF_INIT;
	int rc = -1;
	if (read_file(&text, path, err) < 0)
		goto done;
	rc = parse(cfg, text.buf, text.len, path, err);
done:
	dbm_buf_release(&text);
	return rc;
}

int dbm_config_load_dir(struct dbm_config *cfg, const char *dir,
			struct dbm_err *err)
{
	struct dbm_buf path = DBM_BUF_INIT;
	char **names = NULL;
	size_t count = 0, before = cfg->len;
	int rc = -1;
	struct stat st;
	if (stat(dir, &st) != 0) {
		dbm_err_set(err, DBM_EUSAGE,
			    "cannot read config directory '%s': %s", dir,
			    strerror(errno));
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		dbm_err_set(err, DBM_EUSAGE,
			    "cannot read config directory '%s': %s", dir,
			    strerror(ENOTDIR));
		goto done;
	}
	if (dbm_fs_list(&names, &count, dir, ".conf", err) < 0)
		goto done;
	for (size_t i = 0; i < count; i++) {
		dbm_buf_reset(&path);
		dbm_buf_addf(&path, "%s/%s", dir, names[i]);
		if (dbm_config_load_file(cfg, path.buf, err) < 0)
			goto done;
	}
	rc = 0;
done:
	if (rc < 0)
		truncate_entries(cfg, before);
	dbm_fs_names_free(names);
	dbm_buf_release(&path);
	return rc;
}

void dbm_config_release(struct dbm_config *cfg)
{
	truncate_entries(cfg, 0);
	free(cfg->entries);
	*cfg = (struct dbm_config)DBM_CONFIG_INIT;
}

/* The entry that sets [section] key last, or NULL. */
static const struct dbm_config_entry *find(const struct dbm_config *cfg,
					   const char *section, const char *key)
{
	for (size_t i = cfg->len; i > 0; i--) {
		const struct dbm_config_entry *e = &cfg->entries[i - 1];
		if (!strcasecmp(e->section, section) && !strcmp(e->key, key))
			return e;
	}
	return NULL;
}

const char *dbm_config_get(const struct dbm_config *cfg, const char *section,
			   const char *key)
{
	const struct dbm_config_entry *e = find(cfg, section, key);
	return e ? e->value : NULL;
}

static int bad_value(const struct dbm_config_entry *e, const char *expected,
		     struct dbm_err *err)
{
	return dbm_err_set(err, DBM_EUSAGE,
			   "invalid value '%s' for option '%s' in [%s] (%s): "
			   "expected %s",
			   e->value, e->key, e->section, e->origin, expected);
}

int dbm_config_get_bool(const struct dbm_config *cfg, const char *section,
			const char *key, bool *out, struct dbm_err *err)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	const struct dbm_config_entry *e = find(cfg, section, key);
	if (!e)
		return 0;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(e->value, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(e->value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return bad_value(e, "a boolean", err);
}

/*
 * Digits with an optional fraction ("30", "2.5", ".5", "1."); no sign, no
 * exponent. Read by hand so the locale's decimal point does not matter.
 */
static bool parse_seconds(double *out, const char *s)
{
	double mantissa = 0, scale = 1;
	bool dot = false;
	size_t digits = 0;
	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
		} else if (*s >= '0' && *s <= '9') {
			mantissa = mantissa * 10 + (*s - '0');
			if (dot)
				scale *= 10;
			digits++;
		} else {
			return false;
		}
	}
	if (digits == 0 || !isfinite(mantissa) || !isfinite(scale))
		return false;
	*out = mantissa / scale;
	return true;
}

int dbm_config_get_seconds(const struct dbm_config *cfg, const char *section,
			   const char *key, double *out, struct dbm_err *err)
{
	const struct dbm_config_entry *e = find(cfg, section, key);
	double value;
	if (!e)
		return 0;
	if (!parse_seconds(&value, e->value))
		return bad_value(e, "a non-negative number of seconds", err);
	*out = value;
	return 0;
}
