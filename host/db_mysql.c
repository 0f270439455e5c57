/*
 * The MySQL/MariaDB driver, on MariaDB Connector/C (the libmysqlclient API).
 *
 * Connections take what SQLAlchemy's mysqldb and pymysql URLs carry: user,
 * password, host, port, database and the query arguments in url_args
 * below; anything else is a usage error naming it. The connection charset
 * defaults to utf8mb4, autocommit is on (transactions are explicit, as on
 * SQLite), one statement per call (no CLIENT_MULTI_STATEMENTS), and the
 * client never reconnects behind our back: a lost connection is an error
 * that says so.
 *
 * A statement without parameters goes through the text protocol (every DDL
 * works there); with parameters it is a prepared statement, values bound
 * out of line. Both protocols map a result column the same way: integers
 * are DBM_V_INT (an unsigned BIGINT above INT64_MAX comes as its digits,
 * DBM_V_TEXT), FLOAT and DOUBLE are DBM_V_REAL, binary strings and blobs
 * (charset 63) are DBM_V_BLOB, everything else (DECIMAL, text, JSON,
 * dates) is DBM_V_TEXT as the server prints it.
 *
 * Error messages are the server's (or the client library's) text with the
 * error number at the end in parentheses, on one line:
 * "Table 'x.foo' doesn't exist (1146)".
 */
#include "db.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "buf.h"
#include "mem.h"

#define DEFAULT_CHARSET "utf8mb4"
/* Longest timeout a query argument or GET_LOCK may ask for: one year. */
#define MAX_WAIT_S 31536000
/* MySQL limits user-level lock names to 64 characters. */
#define LOCK_NAME_MAX 64
#define LOCK_PREFIX   "tacker-db-manage:"
/* Result buffers for values of unknown width start this big. */
#define MIN_CELL_BUF 64

struct mysql_conn {
	struct dbm_conn base;
	MYSQL *my;
	char *database; /* as given in the URL, "" when none: names the lock */
	bool lost;	/* the server closed the session */
};

static struct mysql_conn *to_mysql(struct dbm_conn *conn)
{
	return (struct mysql_conn *)conn;
}

/* ---- errors ---- */

/* Append msg with every control character (newlines too) as a space. */
static void add_one_line(struct dbm_buf *out, const char *msg)
{
	if (!msg || !*msg)
		msg = "unknown error";
	for (const char *p = msg; *p; p++)
		dbm_buf_addch(out, iscntrl((unsigned char)*p) ? ' ' : *p);
}

/* Error numbers that mean the session is gone. */
static bool is_lost(unsigned int no)
{
	return no == CR_SERVER_GONE_ERROR || no == CR_SERVER_LOST ||
	       no == CR_SERVER_LOST_EXTENDED || no == ER_CONNECTION_KILLED ||
	       no == ER_SERVER_SHUTDOWN;
}

/* Fill err from an error number and text of the library; return -1. */
static int fail_with(struct mysql_conn *conn, unsigned int no, const char *msg,
		     struct dbm_err *err)
{
	struct dbm_buf line = DBM_BUF_INIT;
	add_one_line(&line, msg);
	if (is_lost(no)) {
		conn->lost = true;
		dbm_err_set(err, DBM_EFAIL, "lost connection to '%s': %s (%u)",
			    conn->base.display ? conn->base.display : "mysql",
			    line.buf, no);
	} else {
		dbm_err_set(err, DBM_EFAIL, "%s (%u)", line.buf, no);
	}
	dbm_buf_release(&line);
	return -1;
}

static int conn_fail(struct mysql_conn *conn, struct dbm_err *err)
{
	return fail_with(conn, mysql_errno(conn->my), mysql_error(conn->my),
			 err);
}

static int stmt_fail(struct mysql_conn *conn, MYSQL_STMT *st,
		     struct dbm_err *err)
{
	return fail_with(conn, mysql_stmt_errno(st), mysql_stmt_error(st), err);
}

/* ---- connecting ---- */

enum tls_mode {
	TLS_UNSET, /* no TLS argument at all: the library's default (off) */
	TLS_DISABLED,
	TLS_PREFERRED,
	TLS_REQUIRED,
	TLS_VERIFY_CA,
	TLS_VERIFY_IDENTITY,
};

static const char *const tls_mode_names[] = {
    [TLS_DISABLED] = "DISABLED",
    [TLS_PREFERRED] = "PREFERRED",
    [TLS_REQUIRED] = "REQUIRED",
    [TLS_VERIFY_CA] = "VERIFY_CA",
    [TLS_VERIFY_IDENTITY] = "VERIFY_IDENTITY",
};

/* What the query arguments ask for; strings are borrowed from the URL. */
struct connect_opts {
	const char *password, *socket, *charset;
	/* Seconds; 0 when not given. */
	unsigned int connect_timeout, read_timeout, write_timeout;
	bool compress;
	const char *ssl_ca, *ssl_capath, *ssl_cert, *ssl_key, *ssl_cipher;
	enum tls_mode ssl_mode; /* ssl_mode=, TLS_UNSET when not given */
	int ssl;		/* ssl=, !ssl_disabled=: -1 unset, 0 or 1 */
	int verify_cert;	/* ssl_verify_cert=: -1 unset, 0 or 1 */
	int verify_identity;	/* ssl_verify_identity=, ssl_check_hostname= */
	enum tls_mode tls;	/* what all of that resolves to */
};

enum url_arg {
	ARG_CHARSET,
	ARG_UNIX_SOCKET,
	ARG_CONNECT_TIMEOUT,
	ARG_READ_TIMEOUT,
	ARG_WRITE_TIMEOUT,
	ARG_COMPRESS,
	ARG_PASSWORD,
	ARG_SSL_CA,
	ARG_SSL_CAPATH,
	ARG_SSL_CERT,
	ARG_SSL_KEY,
	ARG_SSL_CIPHER,
	ARG_SSL_MODE,
	ARG_SSL,
	ARG_SSL_DISABLED,
	ARG_SSL_VERIFY_CERT,
	ARG_SSL_VERIFY_IDENTITY,
	ARG_IGNORED, /* only changes what a Python driver returns */
};

/* The query arguments understood: MySQLdb's and PyMySQL's names. */
static const struct {
	const char *key;
	enum url_arg arg;
} url_args[] = {
    {"charset", ARG_CHARSET},
    {"unix_socket", ARG_UNIX_SOCKET},
    {"connect_timeout", ARG_CONNECT_TIMEOUT},
    {"read_timeout", ARG_READ_TIMEOUT},
    {"write_timeout", ARG_WRITE_TIMEOUT},
    {"compress", ARG_COMPRESS},
    {"password", ARG_PASSWORD},
    {"passwd", ARG_PASSWORD},
    {"ssl_ca", ARG_SSL_CA},
    {"ssl_capath", ARG_SSL_CAPATH},
    {"ssl_cert", ARG_SSL_CERT},
    {"ssl_key", ARG_SSL_KEY},
    {"ssl_cipher", ARG_SSL_CIPHER},
    {"ssl_mode", ARG_SSL_MODE},
    {"ssl", ARG_SSL},
    {"ssl_disabled", ARG_SSL_DISABLED},
    {"ssl_verify_cert", ARG_SSL_VERIFY_CERT},
    {"ssl_verify_identity", ARG_SSL_VERIFY_IDENTITY},
    {"ssl_check_hostname", ARG_SSL_VERIFY_IDENTITY},
    {"use_unicode", ARG_IGNORED},
    {"binary_prefix", ARG_IGNORED},
};

#define N_URL_ARGS (sizeof(url_args) / sizeof(url_args[0]))

static int find_url_arg(const char *key)
{
	for (size_t i = 0; i < N_URL_ARGS; i++)
		if (!strcmp(url_args[i].key, key))
			return (int)i;
	return -1;
}

/* SQLAlchemy's asbool: 1 for true, 0 for false, -1 for neither. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = {"true", "yes", "on", "y", "t", "1"};
	static const char *const no[] = {"false", "no", "off", "n", "f", "0"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

static int parse_seconds(unsigned int *out, const char *key, const char *s,
			 struct dbm_err *err)
{
	unsigned long v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9' && v <= MAX_WAIT_S; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (p == s || *p || v > MAX_WAIT_S)
		return dbm_err_set(err, DBM_EUSAGE,
				   "bad value '%s' for '%s': want whole "
				   "seconds up to %d",
				   s, key, MAX_WAIT_S);
	*out = (unsigned int)v;
	return 0;
}

static int parse_flag(int *out, const char *key, const char *s,
		      struct dbm_err *err)
{
	int v = parse_bool(s);
	if (v < 0)
		return dbm_err_set(
		    err, DBM_EUSAGE,
		    "bad value '%s' for '%s': want true or false", s, key);
	*out = v;
	return 0;
}

static int parse_tls_mode(enum tls_mode *out, const char *s,
			  struct dbm_err *err)
{
	for (int m = TLS_DISABLED; m <= TLS_VERIFY_IDENTITY; m++)
		if (!strcasecmp(s, tls_mode_names[m])) {
			*out = (enum tls_mode)m;
			return 0;
		}
	return dbm_err_set(err, DBM_EUSAGE,
			   "bad value '%s' for 'ssl_mode': want DISABLED, "
			   "PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY",
			   s);
}

/* Name every query argument this driver does not know, at once. */
static int check_unknown_args(const struct dbm_url *url, struct dbm_err *err)
{
	struct dbm_buf names = DBM_BUF_INIT, known = DBM_BUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < url->nquery; i++) {
		const char *key = url->query[i].key;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(url->query[j].key, key);
		if (seen || find_url_arg(key) >= 0)
			continue;
		dbm_buf_addf(&names, "%s'%s'", n ? ", " : "", key);
		n++;
	}
	if (n) {
		for (size_t i = 0; i < N_URL_ARGS; i++)
			dbm_buf_addf(&known, "%s%s", i ? ", " : "",
				     url_args[i].key);
		dbm_err_set(err, DBM_EUSAGE,
			    "unknown query argument%s %s (known: %s)",
			    n > 1 ? "s" : "", names.buf, known.buf);
	}
	dbm_buf_release(&names);
	dbm_buf_release(&known);
	return n ? -1 : 0;
}

/*
 * PyMySQL's rules, which Tacker's URLs are written for: any certificate
 * argument asks for TLS; a CA asks to verify the server's certificate and
 * host name unless ssl_verify_cert / ssl_check_hostname say otherwise.
 * ssl_mode, MySQL's own switch, overrides them all.
 */
static int resolve_tls(struct connect_opts *o, struct dbm_err *err)
{
	bool has_ca = o->ssl_ca || o->ssl_capath;
	bool material = has_ca || o->ssl_cert || o->ssl_key || o->ssl_cipher;

	if (o->ssl_mode != TLS_UNSET) {
		o->tls = o->ssl_mode;
	} else if (o->ssl == 0) {
		o->tls = TLS_DISABLED;
	} else {
		bool verify = o->verify_cert >= 0 ? o->verify_cert : has_ca;
		bool identity = o->verify_identity >= 0 ? o->verify_identity
							: verify && has_ca;
		if (identity)
			o->tls = TLS_VERIFY_IDENTITY;
		else if (verify)
			o->tls = TLS_VERIFY_CA;
		else if (o->ssl == 1 || material)
			o->tls = TLS_REQUIRED;
		else
			o->tls = TLS_UNSET;
	}
	/* Connector/C checks a chain without the host name only from a CA. */
	if (o->tls == TLS_VERIFY_CA && !has_ca)
		return dbm_err_set(err, DBM_EUSAGE,
				   "verifying the server's certificate "
				   "authority (ssl_mode VERIFY_CA) needs "
				   "'ssl_ca' or 'ssl_capath'");
	return 0;
}

static int read_opts(struct connect_opts *o, const struct dbm_url *url,
		     struct dbm_err *err)
{
	memset(o, 0, sizeof(*o));
	o->password = url->password;
	o->charset = DEFAULT_CHARSET;
	o->ssl_mode = TLS_UNSET;
	o->ssl = o->verify_cert = o->verify_identity = -1;
	if (check_unknown_args(url, err) < 0)
		return -1;

	/* In order: a repeated argument's last value wins. */
	for (size_t i = 0; i < url->nquery; i++) {
		const char *key = url->query[i].key, *val = url->query[i].value;
		int flag = 0, rc = 0;
		switch (url_args[find_url_arg(key)].arg) {
		case ARG_CHARSET:
			o->charset = val;
			break;
		case ARG_UNIX_SOCKET:
			o->socket = val;
			break;
		case ARG_CONNECT_TIMEOUT:
			rc = parse_seconds(&o->connect_timeout, key, val, err);
			break;
		case ARG_READ_TIMEOUT:
			rc = parse_seconds(&o->read_timeout, key, val, err);
			break;
		case ARG_WRITE_TIMEOUT:
			rc = parse_seconds(&o->write_timeout, key, val, err);
			break;
		case ARG_COMPRESS:
			rc = parse_flag(&flag, key, val, err);
			o->compress = flag == 1;
			break;
		case ARG_PASSWORD:
			o->password = val;
			break;
		case ARG_SSL_CA:
			o->ssl_ca = val;
			break;
		case ARG_SSL_CAPATH:
			o->ssl_capath = val;
			break;
		case ARG_SSL_CERT:
			o->ssl_cert = val;
			break;
		case ARG_SSL_KEY:
			o->ssl_key = val;
			break;
		case ARG_SSL_CIPHER:
			o->ssl_cipher = val;
			break;
		case ARG_SSL_MODE:
			rc = parse_tls_mode(&o->ssl_mode, val, err);
			break;
		case ARG_SSL:
			rc = parse_flag(&o->ssl, key, val, err);
			break;
		case ARG_SSL_DISABLED:
			rc = parse_flag(&flag, key, val, err);
			o->ssl = !flag;
			break;
		case ARG_SSL_VERIFY_CERT:
			rc = parse_flag(&o->verify_cert, key, val, err);
			break;
		case ARG_SSL_VERIFY_IDENTITY:
			rc = parse_flag(&o->verify_identity, key, val, err);
			break;
		case ARG_IGNORED:
			break;
		}
		if (rc < 0)
			return -1;
	}
	return resolve_tls(o, err);
}

static int set_str(MYSQL *my, enum mysql_option opt, const char *v,
		   struct dbm_err *err)
{
	if (v && mysql_options(my, opt, v))
		return dbm_err_set(err, DBM_EFAIL, "%s", mysql_error(my));
	return 0;
}

static int set_uint(MYSQL *my, enum mysql_option opt, unsigned int v,
		    struct dbm_err *err)
{
	if (v && mysql_options(my, opt, &v))
		return dbm_err_set(err, DBM_EFAIL, "%s", mysql_error(my));
	return 0;
}

static int set_flag(MYSQL *my, enum mysql_option opt, my_bool v,
		    struct dbm_err *err)
{
	if (mysql_options(my, opt, &v))
		return dbm_err_set(err, DBM_EFAIL, "%s", mysql_error(my));
	return 0;
}

static int set_options(MYSQL *my, const struct connect_opts *o,
		       struct dbm_err *err)
{
	if (set_flag(my, MYSQL_OPT_RECONNECT, 0, err) < 0 ||
	    set_str(my, MYSQL_SET_CHARSET_NAME, o->charset, err) < 0 ||
	    set_uint(my, MYSQL_OPT_CONNECT_TIMEOUT, o->connect_timeout, err) <
		0 ||
	    set_uint(my, MYSQL_OPT_READ_TIMEOUT, o->read_timeout, err) < 0 ||
	    set_uint(my, MYSQL_OPT_WRITE_TIMEOUT, o->write_timeout, err) < 0)
		return -1;
	if (o->compress && mysql_options(my, MYSQL_OPT_COMPRESS, NULL))
		return dbm_err_set(err, DBM_EFAIL, "%s", mysql_error(my));
	if (o->tls == TLS_UNSET || o->tls == TLS_DISABLED)
		return 0;
	/*
	 * Connector/C 3.3 falls back to plain text when the server has no
	 * TLS unless it verifies the certificate: REQUIRED and VERIFY_CA
	 * are checked after connecting (check_tls).
	 */
	if (set_str(my, MYSQL_OPT_SSL_KEY, o->ssl_key, err) < 0 ||
	    set_str(my, MYSQL_OPT_SSL_CERT, o->ssl_cert, err) < 0 ||
	    set_str(my, MYSQL_OPT_SSL_CA, o->ssl_ca, err) < 0 ||
	    set_str(my, MYSQL_OPT_SSL_CAPATH, o->ssl_capath, err) < 0 ||
	    set_str(my, MYSQL_OPT_SSL_CIPHER, o->ssl_cipher, err) < 0 ||
	    set_flag(my, MYSQL_OPT_SSL_ENFORCE, 1, err) < 0)
		return -1;
	if (o->tls == TLS_VERIFY_IDENTITY &&
	    set_flag(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, 1, err) < 0)
		return -1;
	return 0;
}

static int check_tls(MYSQL *my, const struct connect_opts *o,
		     struct dbm_err *err)
{
	if (o->tls < TLS_REQUIRED || mysql_get_ssl_cipher(my))
		return 0;
	return dbm_err_set(err, DBM_EFAIL,
			   "the server does not offer TLS, which ssl_mode "
			   "'%s' requires",
			   tls_mode_names[o->tls]);
}

static int drv_connect(struct dbm_conn **out, const struct dbm_url *url,
		       struct dbm_err *err)
{
	struct mysql_conn *conn = NULL;
	struct connect_opts o;
	struct dbm_buf shown = DBM_BUF_INIT, line = DBM_BUF_INIT;
	MYSQL *my = NULL;
	int ret = -1;

	*out = NULL;
	if (read_opts(&o, url, err) < 0)
		goto done;
	my = mysql_init(NULL);
	if (!my) {
		dbm_err_set(err, DBM_EFAIL, "out of memory");
		goto done;
	}
	if (set_options(my, &o, err) < 0)
		goto done;
	/*
	 * A socket path means the socket, whatever host the URL names. Found
	 * rows, as SQLAlchemy asks: an UPDATE counts the rows it matched.
	 */
	if (!mysql_real_connect(my, o.socket ? "localhost" : url->host,
				url->username, o.password, url->database,
				(unsigned int)url->port, o.socket,
				CLIENT_FOUND_ROWS)) {
		add_one_line(&line, mysql_error(my));
		dbm_err_set(err, DBM_EFAIL, "%s (%u)", line.buf,
			    mysql_errno(my));
		goto done;
	}
	if (check_tls(my, &o, err) < 0)
		goto done;
	if (mysql_autocommit(my, 1)) {
		add_one_line(&line, mysql_error(my));
		dbm_err_set(err, DBM_EFAIL, "%s (%u)", line.buf,
			    mysql_errno(my));
		goto done;
	}

	conn = dbm_xcalloc(1, sizeof(*conn));
	conn->base.driver = &dbm_driver_mysql;
	conn->my = my;
	conn->database = dbm_xstrdup(url->database ? url->database : "");
	my = NULL;
	*out = &conn->base;
	ret = 0;
done:
	if (ret < 0) {
		dbm_url_render_masked(&shown, url);
		dbm_err_prefix(err, "cannot connect to '%s'", shown.buf);
	}
	dbm_buf_release(&line);
	dbm_buf_release(&shown);
	if (my)
		mysql_close(my);
	return ret;
}

static void drv_close(struct dbm_conn *base)
{
	struct mysql_conn *conn = to_mysql(base);
	mysql_close(conn->my);
	free(conn->database);
	free(conn->base.display);
	free(conn);
}

/* ---- results ---- */

enum col_kind {
	COL_INT,
	COL_UINT,
	COL_DOUBLE,
	COL_FLOAT, /* fetched as the server prints it, then read as a double */
	COL_TEXT,
	COL_BLOB,
};

static enum col_kind classify(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_YEAR:
		return (f->flags & UNSIGNED_FLAG) ? COL_UINT : COL_INT;
	case MYSQL_TYPE_DOUBLE:
		return COL_DOUBLE;
	case MYSQL_TYPE_FLOAT:
		return COL_FLOAT;
	case MYSQL_TYPE_BIT:
		return COL_BLOB;
	case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_GEOMETRY:
		return f->charsetnr == 63 ? COL_BLOB : COL_TEXT;
	default:
		return COL_TEXT; /* DECIMAL, dates, JSON, ENUM, SET, NULL */
	}
}

/*
 * A cell from the server's text (not NUL-terminated: n bytes, and s[n] is
 * readable). Text is borrowed; num holds the digits of a huge unsigned.
 */
static void text_cell(struct dbm_value *v, enum col_kind kind, const char *s,
		      size_t n)
{
	char num[32];
	memset(v, 0, sizeof(*v));
	if (!s) {
		v->kind = DBM_V_NULL;
		return;
	}
	switch (kind) {
	case COL_INT:
	case COL_UINT:
	case COL_DOUBLE:
	case COL_FLOAT:
		if (n >= sizeof(num))
			n = sizeof(num) - 1; /* numbers never are that long */
		memcpy(num, s, n);
		num[n] = '\0';
		if (kind == COL_INT) {
			v->kind = DBM_V_INT;
			v->i = (int64_t)strtoll(num, NULL, 10);
		} else if (kind == COL_UINT) {
			unsigned long long u = strtoull(num, NULL, 10);
			if (u > (unsigned long long)INT64_MAX) {
				v->kind = DBM_V_TEXT;
				v->s = s;
				v->n = n;
			} else {
				v->kind = DBM_V_INT;
				v->i = (int64_t)u;
			}
		} else {
			v->kind = DBM_V_REAL;
			v->r = strtod(num, NULL);
		}
		break;
	case COL_TEXT:
		v->kind = DBM_V_TEXT;
		v->s = n ? s : "";
		v->n = n;
		break;
	case COL_BLOB:
		v->kind = DBM_V_BLOB;
		v->s = s;
		v->n = n;
		break;
	}
}

static struct dbm_result *new_result(MYSQL_FIELD *fields, unsigned int ncols)
{
	struct dbm_result *res = dbm_result_new(ncols);
	for (unsigned int i = 0; i < ncols; i++)
		dbm_result_set_name(res, i, fields[i].name);
	return res;
}

/* Read and drop the result sets after the first (a CALL makes them). */
static int drain_results(struct mysql_conn *conn, struct dbm_err *err)
{
	while (mysql_more_results(conn->my)) {
		int rc = mysql_next_result(conn->my);
		if (rc > 0)
			return conn_fail(conn, err);
		if (rc < 0)
			break;
		MYSQL_RES *rs = mysql_store_result(conn->my);
		if (!rs && mysql_field_count(conn->my))
			return conn_fail(conn, err);
		mysql_free_result(rs);
	}
	return 0;
}

static int exec_text(struct mysql_conn *conn, const char *sql, size_t len,
		     struct dbm_result **out, struct dbm_err *err)
{
	MYSQL_RES *rs = NULL;
	struct dbm_result *res = NULL;
	struct dbm_value *row = NULL;
	enum col_kind *kinds = NULL;
	int ret = -1;

	if (mysql_real_query(conn->my, sql, len)) {
		conn_fail(conn, err);
		goto done;
	}
	rs = mysql_store_result(conn->my);
	if (!rs && mysql_field_count(conn->my)) {
		conn_fail(conn, err);
		goto done;
	}
	conn->base.changes = (int64_t)mysql_affected_rows(conn->my);
	if (out && rs) {
		unsigned int ncols = mysql_num_fields(rs);
		MYSQL_FIELD *fields = mysql_fetch_fields(rs);
		MYSQL_ROW r;
		res = new_result(fields, ncols);
		row = dbm_xcalloc(ncols, sizeof(*row));
		kinds = dbm_xcalloc(ncols, sizeof(*kinds));
		for (unsigned int i = 0; i < ncols; i++)
			kinds[i] = classify(&fields[i]);
		while ((r = mysql_fetch_row(rs))) {
			unsigned long *lens = mysql_fetch_lengths(rs);
			for (unsigned int i = 0; i < ncols; i++)
				text_cell(&row[i], kinds[i], r[i], lens[i]);
			dbm_result_add_row(res, row);
		}
	} else if (out) {
		res = dbm_result_new(0);
	}
	if (drain_results(conn, err) < 0)
		goto done;
	if (out) {
		*out = res;
		res = NULL;
	}
	ret = 0;
done:
	free(kinds);
	free(row);
	dbm_result_free(res);
	mysql_free_result(rs); /* NULL is a no-op */
	return ret;
}

/* One result column of a prepared statement and its fetch buffers. */
struct col {
	enum col_kind kind;
	long long i;
	double r;
	char *buf; /* FLOAT, TEXT, BLOB: cap bytes */
	unsigned long cap, len;
	char *big; /* a value longer than cap, fetched again */
	unsigned long big_cap;
	my_bool is_null, error;
	char digits[32]; /* an unsigned BIGINT above INT64_MAX */
};

static void bind_col(MYSQL_BIND *b, struct col *c, const MYSQL_FIELD *f)
{
	memset(b, 0, sizeof(*b));
	c->kind = classify(f);
	b->is_null = &c->is_null;
	b->error = &c->error;
	b->length = &c->len;
	switch (c->kind) {
	case COL_INT:
	case COL_UINT:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &c->i;
		b->is_unsigned = c->kind == COL_UINT;
		break;
	case COL_DOUBLE:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &c->r;
		break;
	case COL_FLOAT:
	case COL_TEXT:
	case COL_BLOB:
		c->cap =
		    f->max_length > MIN_CELL_BUF ? f->max_length : MIN_CELL_BUF;
		c->buf = dbm_xmalloc(c->cap + 1);
		b->buffer_type =
		    c->kind == COL_BLOB ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
		b->buffer = c->buf;
		b->buffer_length = c->cap;
		break;
	}
}

/* The bytes of a string column of the current row (fetched again if cut). */
static int col_bytes(struct mysql_conn *conn, MYSQL_STMT *st,
		     const MYSQL_BIND *b, struct col *c, unsigned int at,
		     const char **s, struct dbm_err *err)
{
	if (c->len <= c->cap) {
		*s = c->buf;
		return 0;
	}
	if (c->len + 1 > c->big_cap) {
		free(c->big);
		c->big_cap = c->len + 1;
		c->big = dbm_xmalloc(c->big_cap);
	}
	MYSQL_BIND one;
	unsigned long got = 0;
	my_bool is_null = 0, error = 0;
	memset(&one, 0, sizeof(one));
	one.buffer_type = b->buffer_type;
	one.buffer = c->big;
	one.buffer_length = c->len;
	one.length = &got;
	one.is_null = &is_null;
	one.error = &error;
	if (mysql_stmt_fetch_column(st, &one, at, 0))
		return stmt_fail(conn, st, err);
	if (got != c->len)
		DBM_BUG("a column changed its length between fetches");
	*s = c->big;
	return 0;
}

static int read_cell(struct mysql_conn *conn, MYSQL_STMT *st,
		     const MYSQL_BIND *b, struct col *c, unsigned int at,
		     struct dbm_value *v, struct dbm_err *err)
{
	const char *s = NULL;
	memset(v, 0, sizeof(*v));
	if (c->is_null) {
		v->kind = DBM_V_NULL;
		return 0;
	}
	switch (c->kind) {
	case COL_INT:
		v->kind = DBM_V_INT;
		v->i = (int64_t)c->i;
		break;
	case COL_UINT:
		if ((unsigned long long)c->i > (unsigned long long)INT64_MAX) {
			snprintf(c->digits, sizeof(c->digits), "%llu",
				 (unsigned long long)c->i);
			v->kind = DBM_V_TEXT;
			v->s = c->digits;
			v->n = strlen(c->digits);
		} else {
			v->kind = DBM_V_INT;
			v->i = (int64_t)c->i;
		}
		break;
	case COL_DOUBLE:
		v->kind = DBM_V_REAL;
		v->r = c->r;
		break;
	case COL_FLOAT:
	case COL_TEXT:
	case COL_BLOB:
		if (col_bytes(conn, st, b, c, at, &s, err) < 0)
			return -1;
		text_cell(v, c->kind, s, c->len);
		break;
	}
	return 0;
}

/* The numbers of bound parameters, kept while the statement runs. */
union num {
	long long i;
	double r;
};

static void bind_params(MYSQL_BIND *pb, union num *nums,
			const struct dbm_value *params, size_t nparams)
{
	static char empty[1];
	for (size_t i = 0; i < nparams; i++) {
		const struct dbm_value *v = &params[i];
		MYSQL_BIND *b = &pb[i];
		memset(b, 0, sizeof(*b));
		switch (v->kind) {
		case DBM_V_NULL:
			b->buffer_type = MYSQL_TYPE_NULL;
			break;
		case DBM_V_INT:
			nums[i].i = (long long)v->i;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &nums[i].i;
			break;
		case DBM_V_REAL:
			nums[i].r = v->r;
			b->buffer_type = MYSQL_TYPE_DOUBLE;
			b->buffer = &nums[i].r;
			break;
		case DBM_V_TEXT: {
			const char *s = v->s ? v->s : "";
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = *s ? (char *)s : empty;
			b->buffer_length = v->n ? v->n : strlen(s);
			break;
		}
		case DBM_V_BLOB:
			/* A BLOB parameter is binary to the server. */
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = v->n ? (char *)v->s : empty;
			b->buffer_length = v->n;
			break;
		default:
			DBM_BUG("unknown value kind");
		}
	}
}

static int exec_stmt(struct mysql_conn *conn, const char *sql, size_t len,
		     const struct dbm_value *params, size_t nparams,
		     struct dbm_result **out, struct dbm_err *err)
{
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta = NULL;
	MYSQL_BIND *pb = NULL, *rb = NULL;
	union num *nums = NULL;
	struct col *cols = NULL;
	struct dbm_result *res = NULL;
	struct dbm_value *row = NULL;
	unsigned int ncols = 0;
	int rc, ret = -1;

	st = mysql_stmt_init(conn->my);
	if (!st) {
		conn_fail(conn, err);
		goto done;
	}
	if (mysql_stmt_prepare(st, sql, len)) {
		stmt_fail(conn, st, err);
		goto done;
	}
	size_t want = mysql_stmt_param_count(st);
	if (want != nparams) {
		dbm_err_set(err, DBM_EFAIL,
			    "statement takes %zu parameters, %zu given", want,
			    nparams);
		goto done;
	}
	pb = dbm_xcalloc(nparams, sizeof(*pb));
	nums = dbm_xcalloc(nparams, sizeof(*nums));
	bind_params(pb, nums, params, nparams);
	if (mysql_stmt_bind_param(st, pb) || mysql_stmt_execute(st)) {
		stmt_fail(conn, st, err);
		goto done;
	}
	conn->base.changes = (int64_t)mysql_stmt_affected_rows(st);

	ncols = mysql_stmt_field_count(st);
	if (ncols) {
		/* All rows at once, with the longest value of each column. */
		my_bool on = 1;
		if (mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on) ||
		    mysql_stmt_store_result(st) ||
		    !(meta = mysql_stmt_result_metadata(st))) {
			stmt_fail(conn, st, err);
			goto done;
		}
		MYSQL_FIELD *fields = mysql_fetch_fields(meta);
		cols = dbm_xcalloc(ncols, sizeof(*cols));
		rb = dbm_xcalloc(ncols, sizeof(*rb));
		row = dbm_xcalloc(ncols, sizeof(*row));
		for (unsigned int i = 0; i < ncols; i++)
			bind_col(&rb[i], &cols[i], &fields[i]);
		if (mysql_stmt_bind_result(st, rb)) {
			stmt_fail(conn, st, err);
			goto done;
		}
		if (out)
			res = new_result(fields, ncols);
		while ((rc = mysql_stmt_fetch(st)) != MYSQL_NO_DATA) {
			if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
				stmt_fail(conn, st, err);
				goto done;
			}
			if (!res)
				continue;
			for (unsigned int i = 0; i < ncols; i++)
				if (read_cell(conn, st, &rb[i], &cols[i], i,
					      &row[i], err) < 0)
					goto done;
			dbm_result_add_row(res, row);
		}
	} else if (out) {
		res = dbm_result_new(0);
	}
	if (out) {
		*out = res;
		res = NULL;
	}
	ret = 0;
done:
	for (unsigned int i = 0; cols && i < ncols; i++) {
		free(cols[i].buf);
		free(cols[i].big);
	}
	free(cols);
	free(row);
	free(rb);
	free(nums);
	free(pb);
	dbm_result_free(res);
	mysql_free_result(meta);
	if (st)
		mysql_stmt_close(st);
	return ret;
}

/* The length of sql without trailing blanks and semicolons. */
static size_t trimmed_len(const char *sql)
{
	size_t n = strlen(sql);
	while (n && (isspace((unsigned char)sql[n - 1]) || sql[n - 1] == ';'))
		n--;
	return n;
}

static int drv_exec(struct dbm_conn *base, const char *sql,
		    const struct dbm_value *params, size_t nparams,
		    struct dbm_result **out, struct dbm_err *err)
{
	struct mysql_conn *conn = to_mysql(base);
	if (out)
		*out = NULL;
	if (nparams)
		return exec_stmt(conn, sql, trimmed_len(sql), params, nparams,
				 out, err);
	return exec_text(conn, sql, trimmed_len(sql), out, err);
}

/* ---- transactions ---- */

static int run_simple(struct mysql_conn *conn, const char *sql,
		      struct dbm_err *err)
{
	return exec_text(conn, sql, strlen(sql), NULL, err);
}

/*
 * MySQL has no write lock to take up front: the run lock (GET_LOCK) is
 * what keeps two runs apart, so timeout is not used here. DDL commits
 * the transaction implicitly; in_transaction tells when that happened.
 */
static int drv_begin(struct dbm_conn *base, bool write, double timeout,
		     struct dbm_err *err)
{
	(void)write;
	(void)timeout;
	return run_simple(to_mysql(base), "START TRANSACTION", err);
}

static int drv_commit(struct dbm_conn *base, struct dbm_err *err)
{
	return run_simple(to_mysql(base), "COMMIT", err);
}

static bool drv_in_transaction(struct dbm_conn *base)
{
	struct mysql_conn *conn = to_mysql(base);
	unsigned int status = 0;
	if (conn->lost ||
	    mariadb_get_infov(conn->my, MARIADB_CONNECTION_SERVER_STATUS,
			      &status))
		return false;
	return (status & SERVER_STATUS_IN_TRANS) != 0;
}

static int drv_rollback(struct dbm_conn *base, struct dbm_err *err)
{
	struct mysql_conn *conn = to_mysql(base);
	/* A lost session took its transaction with it: nothing to undo. */
	if (!drv_in_transaction(base))
		return 0;
	return run_simple(conn, "ROLLBACK", err);
}

/* ---- the run lock ---- */

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/*
 * The server-side name of lock name for database: "tacker-db-manage:" +
 * database + ":" + name. A longer one than MySQL takes keeps its start
 * and ends in "~" and 16 hex digits of a hash of the whole, so every host
 * computes the same name.
 */
static void lock_key(struct dbm_buf *out, const char *database,
		     const char *name)
{
	dbm_buf_addf(out, "%s%s:%s", LOCK_PREFIX, database, name);
	if (out->len <= LOCK_NAME_MAX)
		return;
	uint64_t h = fnv1a64(out->buf, out->len);
	size_t keep = LOCK_NAME_MAX - 17;
	while (keep && ((unsigned char)out->buf[keep] & 0xC0) == 0x80)
		keep--; /* never cut a UTF-8 sequence */
	dbm_buf_setlen(out, keep);
	dbm_buf_addf(out, "~%016" PRIx64, h);
}

/* "; held by connection 12 from 127.0.0.1", as far as the server tells. */
static void describe_holder(struct mysql_conn *conn, struct dbm_buf *out,
			    const char *key)
{
	struct dbm_result *res = NULL;
	struct dbm_err ignored = DBM_ERR_INIT;
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = key};

	if (drv_exec(&conn->base, "SELECT IS_USED_LOCK(?)", &p, 1, &res,
		     &ignored) < 0 ||
	    dbm_result_cell(res, 0, 0)->kind != DBM_V_INT)
		goto done;
	int64_t id = dbm_result_cell(res, 0, 0)->i;
	dbm_buf_addf(out, "; held by connection %" PRId64, id);
	dbm_result_free(res);
	res = NULL;

	p.kind = DBM_V_INT;
	p.i = id;
	if (drv_exec(&conn->base,
		     "SELECT HOST FROM information_schema.PROCESSLIST "
		     "WHERE ID = ?",
		     &p, 1, &res, &ignored) < 0 ||
	    res->nrows != 1 || dbm_result_cell(res, 0, 0)->kind != DBM_V_TEXT)
		goto done;
	const char *host = dbm_result_cell(res, 0, 0)->s;
	size_t n = strlen(host);
	const char *colon = strrchr(host, ':');
	if (colon && colon[1] &&
	    strspn(colon + 1, "0123456789") == strlen(colon + 1))
		n = (size_t)(colon - host); /* the client's port */
	if (n)
		dbm_buf_addf(out, " from %.*s", (int)n, host);
done:
	dbm_result_free(res);
}

static int drv_lock(struct dbm_conn *base, const char *name, double timeout,
		    struct dbm_err *err)
{
	struct mysql_conn *conn = to_mysql(base);
	struct dbm_buf key = DBM_BUF_INIT, holder = DBM_BUF_INIT;
	struct dbm_result *res = NULL;
	int ret = -1;

	/* GET_LOCK takes fractions of a second; negative means forever. */
	double wait = timeout > 0 ? timeout : 0; /* NaN too */
	if (wait > MAX_WAIT_S)
		wait = MAX_WAIT_S;
	lock_key(&key, conn->database, name);
	struct dbm_value p[2] = {
	    {.kind = DBM_V_TEXT, .s = key.buf, .n = key.len},
	    {.kind = DBM_V_REAL, .r = wait},
	};
	if (drv_exec(base, "SELECT GET_LOCK(?, ?)", p, 2, &res, err) < 0)
		goto done;
	const struct dbm_value *v = dbm_result_cell(res, 0, 0);
	if (v->kind == DBM_V_INT && v->i == 1) {
		ret = 0;
	} else if (v->kind == DBM_V_INT && v->i == 0) {
		describe_holder(conn, &holder, key.buf);
		dbm_err_set(err, DBM_EFAIL,
			    "database is locked by another run (waited %g s%s)",
			    wait, holder.buf);
	} else {
		dbm_err_set(err, DBM_EFAIL,
			    "cannot take the lock '%s': the server failed "
			    "GET_LOCK",
			    key.buf);
	}
done:
	dbm_result_free(res);
	dbm_buf_release(&holder);
	dbm_buf_release(&key);
	return ret;
}

static int drv_unlock(struct dbm_conn *base, const char *name,
		      struct dbm_err *err)
{
	struct mysql_conn *conn = to_mysql(base);
	struct dbm_buf key = DBM_BUF_INIT;
	struct dbm_result *res = NULL;
	int ret = -1;

	lock_key(&key, conn->database, name);
	struct dbm_value p = {.kind = DBM_V_TEXT, .s = key.buf, .n = key.len};
	if (drv_exec(base, "SELECT RELEASE_LOCK(?)", &p, 1, &res, err) < 0)
		goto done;
	const struct dbm_value *v = dbm_result_cell(res, 0, 0);
	if (v->kind == DBM_V_INT && v->i == 1)
		ret = 0;
	else if (v->kind == DBM_V_INT)
		dbm_err_set(err, DBM_EFAIL,
			    "cannot release the lock '%s': another connection "
			    "holds it",
			    key.buf);
	else
		dbm_err_set(err, DBM_EFAIL,
			    "cannot release the lock '%s': it is not held",
			    key.buf);
done:
	dbm_result_free(res);
	dbm_buf_release(&key);
	return ret;
}

/*
 * The client library's global state (set up by the first mysql_init) ends
 * with the code that uses it: at exit, since db.c never unloads this
 * module. Otherwise a leak checker would find it allocated at exit.
 */
__attribute__((destructor)) static void library_end(void)
{
	mysql_library_end();
}

const struct dbm_driver dbm_driver_mysql = {
    .version = DBM_DRIVER_VERSION,
    .dialect = "mysql",
    .connect = drv_connect,
    .close = drv_close,
    .exec = drv_exec,
    .begin = drv_begin,
    .commit = drv_commit,
    .rollback = drv_rollback,
    .in_transaction = drv_in_transaction,
    .lock = drv_lock,
    .unlock = drv_unlock,
};
