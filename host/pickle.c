#include "pickle.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

/* Limits that keep a hostile pickle from exhausting memory or the stack. */
#define MAX_MEMO  (1u << 20)
#define MAX_DEPTH 1000
#define MAX_JSON  ((size_t)1 << 28)

/* ---- the unpickled values ---- */

enum kind {
	K_NONE,
	K_BOOL,
	K_INT,
	K_FLOAT,
	K_STR,
	K_BYTES,
	K_BYTEARRAY,
	K_LIST,
	K_TUPLE,
	K_DICT,
	K_SET,
	K_FROZENSET,
};

static const char *const kind_names[] = {
    [K_NONE] = "NoneType",	 [K_BOOL] = "bool", [K_INT] = "int",
    [K_FLOAT] = "float",	 [K_STR] = "str",   [K_BYTES] = "bytes",
    [K_BYTEARRAY] = "bytearray", [K_LIST] = "list", [K_TUPLE] = "tuple",
    [K_DICT] = "dict",		 [K_SET] = "set",   [K_FROZENSET] = "frozenset",
};

/*
 * A value. Containers are shared by reference, as Python objects are: the
 * memo hands out the same node, and a list changed after it was memoized
 * is changed everywhere. Strings (K_STR) hold UTF-8 in which surrogate
 * code points are allowed (Python's str may hold lone surrogates).
 */
struct pair {
	struct node *k, *v;
};

struct node {
	enum kind kind;
	bool busy;	   /* being rendered: met again, it is a cycle */
	size_t offset;	   /* the opcode that made it, for messages */
	struct node *next; /* every node of a run, for freeing */
	union {
		bool b;
		struct {
			bool neg; /* value = neg ? -mag : mag; 0 is never neg */
			uint64_t mag;
		} i;
		double f;
		struct {
			unsigned char *s;
			size_t n;
		} s;
		struct {
			struct node **v;
			size_t n, alloc;
		} seq;
		struct {
			struct pair *e;
			size_t n, alloc;
		} map;
	} u;
};

struct up {
	const unsigned char *p;
	size_t len, pos;
	size_t op; /* offset of the opcode being run */
	struct node **stack;
	size_t nstack, astack;
	size_t *marks;
	size_t nmarks, amarks;
	struct node **memo;  /* indexed by memo key; NULL: unset */
	size_t amemo, nmemo; /* nmemo: keys set, Python's len(memo) */
	struct node *all;
	struct dbm_err *err;
};

static int fail(struct up *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct up *u, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dbm_err_set(u->err, DBM_EFAIL, "%s", msg);
}

static int truncated(struct up *u)
{
	return fail(u, "truncated pickle at offset %zu", u->op);
}

static struct node *new_node(struct up *u, enum kind kind)
{
	struct node *n = dbm_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->offset = u->op;
	n->next = u->all;
	u->all = n;
	return n;
}

static void free_nodes(struct node *n)
{
	while (n) {
		struct node *next = n->next;
		switch (n->kind) {
		case K_STR:
		case K_BYTES:
		case K_BYTEARRAY:
			free(n->u.s.s);
			break;
		case K_LIST:
		case K_TUPLE:
		case K_SET:
		case K_FROZENSET:
			free(n->u.seq.v);
			break;
		case K_DICT:
			free(n->u.map.e);
			break;
		default:
			break;
		}
		free(n);
		n = next;
	}
}

/* ---- the stack, marks and memo ---- */

static void push(struct up *u, struct node *n)
{
	dbm_grow((void **)&u->stack, &u->astack, u->nstack + 1,
		 sizeof(*u->stack));
	u->stack[u->nstack++] = n;
}

/* The bottom of the part of the stack above the last mark. */
static size_t base(const struct up *u)
{
	return u->nmarks ? u->marks[u->nmarks - 1] : 0;
}

static struct node *pop(struct up *u)
{
	if (u->nstack <= base(u)) {
		fail(u, "pickle stack underflow at offset %zu", u->op);
		return NULL;
	}
	return u->stack[--u->nstack];
}

static struct node *top(struct up *u)
{
	if (u->nstack <= base(u)) {
		fail(u, "pickle stack underflow at offset %zu", u->op);
		return NULL;
	}
	return u->stack[u->nstack - 1];
}

/* Pop to the last mark: *first is where its items start on the stack. */
static int pop_mark(struct up *u, size_t *first)
{
	if (!u->nmarks)
		return fail(u, "no MARK before offset %zu", u->op);
	*first = u->marks[--u->nmarks];
	return 0;
}

static int memo_put(struct up *u, uint64_t key)
{
	struct node *n = top(u);
	if (!n)
		return -1;
	if (key >= MAX_MEMO)
		return fail(u, "memo key %llu too large at offset %zu",
			    (unsigned long long)key, u->op);
	if (key >= u->amemo) {
		size_t old = u->amemo;
		dbm_grow((void **)&u->memo, &u->amemo, (size_t)key + 1,
			 sizeof(*u->memo));
		memset(u->memo + old, 0, (u->amemo - old) * sizeof(*u->memo));
	}
	if (!u->memo[key])
		u->nmemo++;
	u->memo[key] = n;
	return 0;
}

static int memo_get(struct up *u, uint64_t key)
{
	if (key >= u->amemo || !u->memo[key])
		return fail(u, "memo key %llu not found at offset %zu",
			    (unsigned long long)key, u->op);
	push(u, u->memo[key]);
	return 0;
}

/* ---- containers ---- */

static void seq_add(struct node *n, struct node *item)
{
	dbm_grow((void **)&n->u.seq.v, &n->u.seq.alloc, n->u.seq.n + 1,
		 sizeof(*n->u.seq.v));
	n->u.seq.v[n->u.seq.n++] = item;
}

static bool is_number(const struct node *n)
{
	return n->kind == K_BOOL || n->kind == K_INT || n->kind == K_FLOAT;
}

/* An int or bool as sign and magnitude. */
static void int_of(const struct node *n, bool *neg, uint64_t *mag)
{
	if (n->kind == K_BOOL) {
		*neg = false;
		*mag = n->u.b;
	} else {
		*neg = n->u.i.neg;
		*mag = n->u.i.mag;
	}
}

/* Python's == on two dict keys (hashable values). */
static bool key_eq(const struct node *a, const struct node *b)
{
	if (a == b)
		return true;
	if (is_number(a) && is_number(b)) {
		bool neg, nb;
		uint64_t mag, mb;
		if (a->kind == K_FLOAT && b->kind == K_FLOAT)
			return a->u.f == b->u.f;
		if (a->kind != K_FLOAT && b->kind != K_FLOAT) {
			int_of(a, &neg, &mag);
			int_of(b, &nb, &mb);
			return neg == nb && mag == mb;
		}
		if (b->kind == K_FLOAT) {
			const struct node *t = a;
			a = b;
			b = t;
		}
		int_of(b, &neg, &mag);
		double f = a->u.f;
		if (isnan(f) || isinf(f) || f != floor(f) ||
		    fabs(f) >= 18446744073709551616.0)
			return false;
		return (uint64_t)fabs(f) == mag && (mag == 0 || (f < 0) == neg);
	}
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case K_NONE:
		return true;
	case K_STR:
	case K_BYTES:
		return a->u.s.n == b->u.s.n &&
		       memcmp(a->u.s.s, b->u.s.s, a->u.s.n) == 0;
	case K_TUPLE:
		if (a->u.seq.n != b->u.seq.n)
			return false;
		for (size_t i = 0; i < a->u.seq.n; i++)
			if (!key_eq(a->u.seq.v[i], b->u.seq.v[i]))
				return false;
		return true;
	default:
		return false;
	}
}

/* Whether n can be a dict key; tuples nested too deep count as not. */
static bool hashable(const struct node *n, int depth)
{
	switch (n->kind) {
	case K_LIST:
	case K_DICT:
	case K_SET:
	case K_BYTEARRAY:
		return false;
	case K_TUPLE:
		if (depth >= MAX_DEPTH)
			return false;
		for (size_t i = 0; i < n->u.seq.n; i++)
			if (!hashable(n->u.seq.v[i], depth + 1))
				return false;
		return true;
	default:
		return true;
	}
}

/* d[k] = v: an equal key keeps its place and takes the new value. */
static int dict_set(struct up *u, struct node *d, struct node *k,
		    struct node *v)
{
	if (!hashable(k, 0))
		return fail(u, "unhashable dict key of type '%s' at offset %zu",
			    kind_names[k->kind], u->op);
	for (size_t i = 0; i < d->u.map.n; i++) {
		if (key_eq(d->u.map.e[i].k, k)) {
			d->u.map.e[i].v = v;
			return 0;
		}
	}
	dbm_grow((void **)&d->u.map.e, &d->u.map.alloc, d->u.map.n + 1,
		 sizeof(*d->u.map.e));
	d->u.map.e[d->u.map.n].k = k;
	d->u.map.e[d->u.map.n].v = v;
	d->u.map.n++;
	return 0;
}

/* Set the items stack[first..] pairwise into d, then drop them. */
static int dict_fill(struct up *u, struct node *d, size_t first)
{
	if ((u->nstack - first) % 2)
		return fail(u, "odd number of items for a dict at offset %zu",
			    u->op);
	for (size_t i = first; i < u->nstack; i += 2)
		if (dict_set(u, d, u->stack[i], u->stack[i + 1]) < 0)
			return -1;
	u->nstack = first;
	return 0;
}

/* A new list, tuple or set of stack[first..], dropping them. */
static struct node *collect(struct up *u, enum kind kind, size_t first)
{
	struct node *n = new_node(u, kind);
	for (size_t i = first; i < u->nstack; i++)
		seq_add(n, u->stack[i]);
	u->nstack = first;
	return n;
}

/* ---- reading arguments ---- */

static bool have(const struct up *u, uint64_t n)
{
	return n <= u->len - u->pos;
}

static uint64_t read_le(struct up *u, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)u->p[u->pos + i] << (8 * i);
	u->pos += n;
	return v;
}

/* A protocol-0 argument line, without its newline. */
static int read_line(struct up *u, const unsigned char **s, size_t *n)
{
	const unsigned char *start = u->p + u->pos;
	const unsigned char *nl = memchr(start, '\n', u->len - u->pos);
	*s = NULL;
	*n = 0;
	if (!nl)
		return truncated(u);
	*s = start;
	*n = (size_t)(nl - start);
	u->pos += *n + 1;
	return 0;
}

/*
 * A decimal integer as Python's int() reads it (surrounding blanks, a
 * sign, digits): 0, or -1 when malformed, -2 when it does not fit.
 */
static int parse_int(const unsigned char *s, size_t n, bool *neg, uint64_t *mag)
{
	size_t i = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*neg = false;
	*mag = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		*neg = s[i++] == '-';
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = s[i] - '0';
		if (*mag > (UINT64_MAX - d) / 10)
			return -2;
		*mag = *mag * 10 + d;
	}
	if (*neg && *mag > (uint64_t)1 << 63)
		return -2;
	if (*mag == 0)
		*neg = false;
	return 0;
}

static int too_big(struct up *u)
{
	return fail(u, "integer at offset %zu does not fit in 64 bits", u->op);
}

static struct node *new_int(struct up *u, bool neg, uint64_t mag)
{
	struct node *n = new_node(u, K_INT);
	n->u.i.neg = neg && mag != 0;
	n->u.i.mag = mag;
	return n;
}

static struct node *new_signed(struct up *u, int64_t v)
{
	return new_int(u, v < 0,
		       v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

/* LONG1/LONG4: n bytes of little-endian two's complement. */
static int read_long(struct up *u, uint64_t n)
{
	if (!have(u, n))
		return truncated(u);
	const unsigned char *b = u->p + u->pos;
	u->pos += n;
	if (n == 0) {
		push(u, new_int(u, false, 0));
		return 0;
	}
	bool neg = b[n - 1] & 0x80;
	for (uint64_t i = 8; i < n; i++)
		if (b[i] != (neg ? 0xff : 0x00))
			return too_big(u);
	uint64_t raw = 0;
	for (uint64_t i = 0; i < n && i < 8; i++)
		raw |= (uint64_t)b[i] << (8 * i);
	if (!neg) {
		push(u, new_int(u, false, raw));
		return 0;
	}
	if (n < 8)
		raw |= UINT64_MAX << (8 * n); /* sign-extend */
	else if (!(raw >> 63))
		return too_big(u); /* below -2**63 */
	push(u, new_int(u, true, (uint64_t)0 - raw));
	return 0;
}

/* ---- strings ---- */

static void put_cp(struct dbm_buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		dbm_buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		dbm_buf_addch(b, (char)(0xc0 | (cp >> 6)));
		dbm_buf_addch(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		dbm_buf_addch(b, (char)(0xe0 | (cp >> 12)));
		dbm_buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		dbm_buf_addch(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		dbm_buf_addch(b, (char)(0xf0 | (cp >> 18)));
		dbm_buf_addch(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		dbm_buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		dbm_buf_addch(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Decode one UTF-8 sequence at s[0..n): its length, or 0 when invalid.
 * With surrogates, encoded U+D800..U+DFFF pass (Python's surrogatepass).
 */
static size_t utf8_next(const unsigned char *s, size_t n, bool surrogates,
			uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff ||
	    (!surrogates && v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static bool utf8_valid(const unsigned char *s, size_t n, bool surrogates)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_next(s + i, n - i, surrogates, &cp);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

static struct node *new_bytes(struct up *u, enum kind kind,
			      const unsigned char *s, size_t n)
{
	struct node *node = new_node(u, kind);
	node->u.s.s = dbm_xmalloc(n + 1);
	memcpy(node->u.s.s, s, n);
	node->u.s.s[n] = 0;
	node->u.s.n = n;
	return node;
}

static struct node *str_from_buf(struct up *u, struct dbm_buf *b)
{
	struct node *node = new_node(u, K_STR);
	node->u.s.n = b->len;
	node->u.s.s = (unsigned char *)dbm_buf_detach(b);
	return node;
}

/* BINUNICODE and friends: UTF-8 with surrogates allowed. */
static int push_utf8(struct up *u, uint64_t n)
{
	if (!have(u, n))
		return truncated(u);
	const unsigned char *s = u->p + u->pos;
	u->pos += n;
	if (!utf8_valid(s, n, true))
		return fail(u, "invalid UTF-8 in the string at offset %zu",
			    u->op);
	push(u, new_bytes(u, K_STR, s, n));
	return 0;
}

/*
 * A Python 2 str (STRING, BINSTRING, SHORT_BINSTRING): Python 3's
 * pickle.loads decodes it as ASCII by default.
 */
static int push_ascii(struct up *u, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return fail(u,
				    "non-ASCII byte 0x%02x in the Python 2 str "
				    "at offset %zu",
				    s[i], u->op);
	push(u, new_bytes(u, K_STR, s, n));
	return 0;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* STRING: a quoted repr, undone as codecs.escape_decode does. */
static int op_string(struct up *u)
{
	const unsigned char *s = NULL;
	size_t n = 0;
	if (read_line(u, &s, &n) < 0)
		return -1;
	if (n < 2 || s[0] != s[n - 1] || (s[0] != '\'' && s[0] != '"'))
		return fail(u,
			    "the STRING argument at offset %zu is not quoted",
			    u->op);
	s++, n -= 2;
	struct dbm_buf b = DBM_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			dbm_buf_addch(&b, (char)s[i]);
			continue;
		}
		if (++i == n) {
			dbm_buf_release(&b);
			return fail(u,
				    "trailing \\ in the STRING at offset %zu",
				    u->op);
		}
		static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
		const char *m = NULL;
		for (size_t k = 0; k < sizeof(simple) - 1; k += 2)
			if (simple[k] == (char)s[i])
				m = &simple[k + 1];
		if (m) {
			dbm_buf_addch(&b, *m);
		} else if (s[i] == '\n') {
			/* an escaped newline is dropped */
		} else if (s[i] >= '0' && s[i] <= '7') {
			unsigned v = s[i] - '0';
			for (int k = 0; k < 2 && i + 1 < n && s[i + 1] >= '0' &&
					s[i + 1] <= '7';
			     k++)
				v = v * 8 + (s[++i] - '0');
			dbm_buf_addch(&b, (char)(v & 0xff));
		} else if (s[i] == 'x') {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				dbm_buf_release(&b);
				return fail(u,
					    "invalid \\x escape in the STRING "
					    "at offset %zu",
					    u->op);
			}
			dbm_buf_addch(&b, (char)(hi * 16 + lo));
			i += 2;
		} else {
			dbm_buf_addch(&b, '\\');
			dbm_buf_addch(&b, (char)s[i]);
		}
	}
	int ret = push_ascii(u, (const unsigned char *)b.buf, b.len);
	dbm_buf_release(&b);
	return ret;
}

/*
 * UNICODE: raw-unicode-escape. Bytes are Latin-1 code points; \uXXXX and
 * \UXXXXXXXX are escapes only after an odd run of backslashes.
 */
static int op_unicode(struct up *u)
{
	const unsigned char *s = NULL;
	size_t n = 0;
	if (read_line(u, &s, &n) < 0)
		return -1;
	struct dbm_buf b = DBM_BUF_INIT;
	for (size_t i = 0; i < n;) {
		if (s[i] != '\\') {
			put_cp(&b, s[i++]);
			continue;
		}
		size_t run = 0;
		while (i < n && s[i] == '\\') {
			dbm_buf_addch(&b, '\\');
			i++, run++;
		}
		if (run % 2 == 0 || i == n || (s[i] != 'u' && s[i] != 'U'))
			continue;
		dbm_buf_setlen(&b, b.len - 1);
		size_t digits = s[i] == 'u' ? 4 : 8;
		uint32_t cp = 0;
		i++;
		for (size_t k = 0; k < digits; k++, i++) {
			int h = i < n ? hexval(s[i]) : -1;
			if (h < 0) {
				dbm_buf_release(&b);
				return fail(u,
					    "truncated \\u escape in the "
					    "UNICODE at offset %zu",
					    u->op);
			}
			cp = cp * 16 + (uint32_t)h;
		}
		if (cp > 0x10ffff) {
			dbm_buf_release(&b);
			return fail(u,
				    "\\U escape out of range in the UNICODE "
				    "at offset %zu",
				    u->op);
		}
		put_cp(&b, cp);
	}
	push(u, str_from_buf(u, &b));
	return 0;
}

/* ---- the machine ---- */

static int op_float_text(struct up *u)
{
	const unsigned char *s = NULL;
	size_t n = 0;
	if (read_line(u, &s, &n) < 0)
		return -1;
	char text[64];
	if (n == 0 || n >= sizeof(text) || memchr(s, 'x', n) ||
	    memchr(s, 'X', n))
		return fail(u, "invalid FLOAT argument at offset %zu", u->op);
	memcpy(text, s, n);
	text[n] = 0;
	char *end;
	double f = strtod(text, &end);
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (end == text || *end)
		return fail(u, "invalid FLOAT argument at offset %zu", u->op);
	struct node *node = new_node(u, K_FLOAT);
	node->u.f = f;
	push(u, node);
	return 0;
}

/* INT and LONG (protocol 0): "I01" and "I00" are True and False. */
static int op_int_text(struct up *u, bool is_long)
{
	const unsigned char *s = NULL;
	size_t n = 0;
	if (read_line(u, &s, &n) < 0)
		return -1;
	if (!is_long && n == 2 && s[0] == '0' && (s[1] == '0' || s[1] == '1')) {
		struct node *b = new_node(u, K_BOOL);
		b->u.b = s[1] == '1';
		push(u, b);
		return 0;
	}
	if (is_long && n && s[n - 1] == 'L')
		n--;
	bool neg;
	uint64_t mag;
	int rc = parse_int(s, n, &neg, &mag);
	if (rc == -2)
		return too_big(u);
	if (rc < 0)
		return fail(u, "invalid %s argument at offset %zu",
			    is_long ? "LONG" : "INT", u->op);
	push(u, new_int(u, neg, mag));
	return 0;
}

/* PUT and GET (protocol 0): the memo key as a decimal line. */
static int op_memo_text(struct up *u, bool put)
{
	const unsigned char *s = NULL;
	size_t n = 0;
	if (read_line(u, &s, &n) < 0)
		return -1;
	bool neg;
	uint64_t key;
	if (parse_int(s, n, &neg, &key) < 0 || neg)
		return fail(u, "invalid memo key at offset %zu", u->op);
	return put ? memo_put(u, key) : memo_get(u, key);
}

static int unsupported(struct up *u, unsigned char op)
{
	if (op >= 0x20 && op < 0x7f)
		return fail(u,
			    "unsupported pickle opcode 0x%02x ('%c') at "
			    "offset %zu",
			    op, op, u->op);
	return fail(u, "unsupported pickle opcode 0x%02x at offset %zu", op,
		    u->op);
}

/* Append stack[first..] to the list below them. */
static int extend_list(struct up *u, size_t first)
{
	if (first <= base(u))
		return fail(u, "pickle stack underflow at offset %zu", u->op);
	struct node *list = u->stack[first - 1];
	if (list->kind != K_LIST)
		return fail(u, "APPEND to a value of type '%s' at offset %zu",
			    kind_names[list->kind], u->op);
	for (size_t i = first; i < u->nstack; i++)
		seq_add(list, u->stack[i]);
	u->nstack = first;
	return 0;
}

static int run(struct up *u, struct node **result)
{
	for (;;) {
		u->op = u->pos;
		if (u->pos >= u->len)
			return truncated(u);
		unsigned char op = u->p[u->pos++];
		struct node *n, *k, *v;
		size_t first = 0;
		uint64_t len;
		switch (op) {
		case '(': /* MARK */
			dbm_grow((void **)&u->marks, &u->amarks, u->nmarks + 1,
				 sizeof(*u->marks));
			u->marks[u->nmarks++] = u->nstack;
			break;
		case '.': /* STOP */
			if (!(*result = pop(u)))
				return -1;
			return 0;
		case '0': /* POP */
			if (u->nstack > base(u))
				u->nstack--;
			else if (pop_mark(u, &first) < 0)
				return -1;
			break;
		case '1': /* POP_MARK */
			if (pop_mark(u, &first) < 0)
				return -1;
			u->nstack = first;
			break;
		case '2': /* DUP */
			if (!(n = top(u)))
				return -1;
			push(u, n);
			break;
		case 'F': /* FLOAT */
			if (op_float_text(u) < 0)
				return -1;
			break;
		case 'G': /* BINFLOAT */
			if (!have(u, 8))
				return truncated(u);
			n = new_node(u, K_FLOAT);
			{
				uint64_t bits = 0;
				for (int i = 0; i < 8; i++)
					bits = (bits << 8) | u->p[u->pos++];
				memcpy(&n->u.f, &bits, sizeof(bits));
			}
			push(u, n);
			break;
		case 'I': /* INT */
		case 'L': /* LONG */
			if (op_int_text(u, op == 'L') < 0)
				return -1;
			break;
		case 'J': /* BININT */
			if (!have(u, 4))
				return truncated(u);
			push(u,
			     new_signed(u, (int32_t)(uint32_t)read_le(u, 4)));
			break;
		case 'K': /* BININT1 */
		case 'M': /* BININT2 */
			if (!have(u, op == 'K' ? 1 : 2))
				return truncated(u);
			push(u,
			     new_int(u, false, read_le(u, op == 'K' ? 1 : 2)));
			break;
		case 0x8a: /* LONG1 */
			if (!have(u, 1))
				return truncated(u);
			if (read_long(u, read_le(u, 1)) < 0)
				return -1;
			break;
		case 0x8b: /* LONG4 */
			if (!have(u, 4))
				return truncated(u);
			len = read_le(u, 4);
			if (len >> 31)
				return fail(u,
					    "negative LONG4 size at offset %zu",
					    u->op);
			if (read_long(u, len) < 0)
				return -1;
			break;
		case 'N': /* NONE */
			push(u, new_node(u, K_NONE));
			break;
		case 0x88: /* NEWTRUE */
		case 0x89: /* NEWFALSE */
			n = new_node(u, K_BOOL);
			n->u.b = op == 0x88;
			push(u, n);
			break;
		case 'S': /* STRING */
			if (op_string(u) < 0)
				return -1;
			break;
		case 'T': /* BINSTRING */
		case 'U': /* SHORT_BINSTRING */
			if (!have(u, op == 'T' ? 4 : 1))
				return truncated(u);
			len = read_le(u, op == 'T' ? 4 : 1);
			if (op == 'T' && len >> 31)
				return fail(u,
					    "negative BINSTRING size at offset "
					    "%zu",
					    u->op);
			if (!have(u, len))
				return truncated(u);
			u->pos += len;
			if (push_ascii(u, u->p + u->pos - len, len) < 0)
				return -1;
			break;
		case 'V': /* UNICODE */
			if (op_unicode(u) < 0)
				return -1;
			break;
		case 'X':  /* BINUNICODE */
		case 0x8c: /* SHORT_BINUNICODE */
		case 0x8d: /* BINUNICODE8 */
			len = op == 'X' ? 4 : op == 0x8c ? 1 : 8;
			if (!have(u, len))
				return truncated(u);
			if (push_utf8(u, read_le(u, len)) < 0)
				return -1;
			break;
		case 'B':  /* BINBYTES */
		case 'C':  /* SHORT_BINBYTES */
		case 0x8e: /* BINBYTES8 */
		case 0x96: /* BYTEARRAY8 */
			len = op == 'B' ? 4 : op == 'C' ? 1 : 8;
			if (!have(u, len))
				return truncated(u);
			len = read_le(u, len);
			if (!have(u, len))
				return truncated(u);
			push(u, new_bytes(u, op == 0x96 ? K_BYTEARRAY : K_BYTES,
					  u->p + u->pos, len));
			u->pos += len;
			break;
		case ']': /* EMPTY_LIST */
			push(u, new_node(u, K_LIST));
			break;
		case ')': /* EMPTY_TUPLE */
			push(u, new_node(u, K_TUPLE));
			break;
		case '}': /* EMPTY_DICT */
			push(u, new_node(u, K_DICT));
			break;
		case 0x8f: /* EMPTY_SET */
			push(u, new_node(u, K_SET));
			break;
		case 'l':  /* LIST */
		case 't':  /* TUPLE */
		case 0x91: /* FROZENSET */
			if (pop_mark(u, &first) < 0)
				return -1;
			push(u, collect(u,
					op == 'l'   ? K_LIST
					: op == 't' ? K_TUPLE
						    : K_FROZENSET,
					first));
			break;
		case 0x85: /* TUPLE1 */
		case 0x86: /* TUPLE2 */
		case 0x87: /* TUPLE3 */
			len = op - 0x84u;
			if (u->nstack - base(u) < len)
				return fail(u,
					    "pickle stack underflow at offset "
					    "%zu",
					    u->op);
			push(u, collect(u, K_TUPLE, u->nstack - (size_t)len));
			break;
		case 'd': /* DICT */
			if (pop_mark(u, &first) < 0)
				return -1;
			n = new_node(u, K_DICT);
			if (dict_fill(u, n, first) < 0)
				return -1;
			push(u, n);
			break;
		case 'a': /* APPEND */
			if (u->nstack - base(u) < 2)
				return fail(u,
					    "pickle stack underflow at offset "
					    "%zu",
					    u->op);
			if (extend_list(u, u->nstack - 1) < 0)
				return -1;
			break;
		case 'e': /* APPENDS */
			if (pop_mark(u, &first) < 0 ||
			    extend_list(u, first) < 0)
				return -1;
			break;
		case 's': /* SETITEM */
			if (!(v = pop(u)) || !(k = pop(u)) || !(n = top(u)))
				return -1;
			if (n->kind != K_DICT)
				return fail(u,
					    "SETITEM on a value of type '%s' "
					    "at offset %zu",
					    kind_names[n->kind], u->op);
			if (dict_set(u, n, k, v) < 0)
				return -1;
			break;
		case 'u': /* SETITEMS */
			if (pop_mark(u, &first) < 0)
				return -1;
			if (first <= base(u))
				return fail(u,
					    "pickle stack underflow at offset "
					    "%zu",
					    u->op);
			n = u->stack[first - 1];
			if (n->kind != K_DICT)
				return fail(u,
					    "SETITEMS on a value of type '%s' "
					    "at offset %zu",
					    kind_names[n->kind], u->op);
			if (dict_fill(u, n, first) < 0)
				return -1;
			break;
		case 0x90: /* ADDITEMS */
			if (pop_mark(u, &first) < 0)
				return -1;
			if (first <= base(u) ||
			    u->stack[first - 1]->kind != K_SET)
				return fail(u,
					    "ADDITEMS without a set at "
					    "offset %zu",
					    u->op);
			n = u->stack[first - 1];
			for (size_t i = first; i < u->nstack; i++)
				seq_add(n, u->stack[i]);
			u->nstack = first;
			break;
		case 'p': /* PUT */
		case 'g': /* GET */
			if (op_memo_text(u, op == 'p') < 0)
				return -1;
			break;
		case 'q': /* BINPUT */
		case 'r': /* LONG_BINPUT */
		case 'h': /* BINGET */
		case 'j': /* LONG_BINGET */
			len = (op == 'q' || op == 'h') ? 1 : 4;
			if (!have(u, len))
				return truncated(u);
			len = read_le(u, len);
			if ((op == 'q' || op == 'r') ? memo_put(u, len) < 0
						     : memo_get(u, len) < 0)
				return -1;
			break;
		case 0x94: /* MEMOIZE */
			if (memo_put(u, u->nmemo) < 0)
				return -1;
			break;
		case 0x80: /* PROTO */
			if (!have(u, 1))
				return truncated(u);
			if (u->p[u->pos] > 5)
				return fail(u,
					    "unsupported pickle protocol %d at "
					    "offset %zu",
					    u->p[u->pos], u->op);
			u->pos++;
			break;
		case 0x95: /* FRAME: only its length is checked */
			if (!have(u, 8))
				return truncated(u);
			if (!have(u, read_le(u, 8)))
				return truncated(u);
			break;
		default:
			return unsupported(u, op);
		}
	}
}

/* ---- JSON ---- */

struct out {
	struct dbm_buf b;
	struct dbm_err *err;
};

static void json_string(struct dbm_buf *b, const unsigned char *s, size_t n)
{
	dbm_buf_addch(b, '"');
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_next(s + i, n - i, true, &cp);
		if (!len) /* cannot happen: strings are checked when read */
			DBM_BUG("invalid UTF-8 in a checked string");
		i += len;
		switch (cp) {
		case '"':
			dbm_buf_adds(b, "\\\"");
			continue;
		case '\\':
			dbm_buf_adds(b, "\\\\");
			continue;
		case '\n':
			dbm_buf_adds(b, "\\n");
			continue;
		case '\r':
			dbm_buf_adds(b, "\\r");
			continue;
		case '\t':
			dbm_buf_adds(b, "\\t");
			continue;
		case '\b':
			dbm_buf_adds(b, "\\b");
			continue;
		case '\f':
			dbm_buf_adds(b, "\\f");
			continue;
		default:
			break;
		}
		if (cp >= 0x20 && cp < 0x7f) {
			dbm_buf_addch(b, (char)cp);
		} else if (cp < 0x10000) {
			dbm_buf_addf(b, "\\u%04x", (unsigned)cp);
		} else {
			cp -= 0x10000;
			dbm_buf_addf(b, "\\u%04x\\u%04x",
				     (unsigned)(0xd800 | (cp >> 10)),
				     (unsigned)(0xdc00 | (cp & 0x3ff)));
		}
	}
	dbm_buf_addch(b, '"');
}

static void json_int(struct dbm_buf *b, const struct node *n)
{
	bool neg;
	uint64_t mag;
	int_of(n, &neg, &mag);
	dbm_buf_addf(b, "%s%llu", neg ? "-" : "", (unsigned long long)mag);
}

/* repr(float): the shortest text that reads back as the same double. */
static void json_float(struct dbm_buf *b, double x)
{
	if (isnan(x)) {
		dbm_buf_adds(b, "NaN");
		return;
	}
	if (isinf(x)) {
		dbm_buf_adds(b, x < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (x == 0) {
		dbm_buf_adds(b, signbit(x) ? "-0.0" : "0.0");
		return;
	}
	char tmp[48];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	const char *p = tmp;
	if (*p == '-') {
		dbm_buf_addch(b, '-');
		p++;
	}
	char digits[32];
	int nd = 0;
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	int e = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	int decpt = e + 1; /* digits[0] is before the point at decpt = 1 */
	if (decpt <= -4 || decpt > 16) {
		dbm_buf_addch(b, digits[0]);
		if (nd > 1) {
			dbm_buf_addch(b, '.');
			dbm_buf_add(b, digits + 1, (size_t)nd - 1);
		}
		dbm_buf_addf(b, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	} else if (decpt <= 0) {
		dbm_buf_adds(b, "0.");
		for (int i = 0; i < -decpt; i++)
			dbm_buf_addch(b, '0');
		dbm_buf_add(b, digits, (size_t)nd);
	} else if (decpt >= nd) {
		dbm_buf_add(b, digits, (size_t)nd);
		for (int i = nd; i < decpt; i++)
			dbm_buf_addch(b, '0');
		dbm_buf_adds(b, ".0");
	} else {
		dbm_buf_add(b, digits, (size_t)decpt);
		dbm_buf_addch(b, '.');
		dbm_buf_add(b, digits + decpt, (size_t)(nd - decpt));
	}
}

static int render_fail(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int render_fail(struct out *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dbm_err_set(o->err, DBM_EFAIL, "%s", msg);
}

/* bytes: oslo's to_primitive decodes them as UTF-8 (strictly). */
static int json_bytes(struct out *o, const struct node *n)
{
	if (!utf8_valid(n->u.s.s, n->u.s.n, false))
		return render_fail(o,
				   "the bytes at offset %zu are not UTF-8 "
				   "text",
				   n->offset);
	json_string(&o->b, n->u.s.s, n->u.s.n);
	return 0;
}

/* A dict key as json.dumps turns it into a string. */
static int json_key(struct out *o, const struct node *k)
{
	switch (k->kind) {
	case K_STR:
		json_string(&o->b, k->u.s.s, k->u.s.n);
		return 0;
	case K_NONE:
		dbm_buf_adds(&o->b, "\"null\"");
		return 0;
	case K_BOOL:
		dbm_buf_adds(&o->b, k->u.b ? "\"true\"" : "\"false\"");
		return 0;
	case K_INT:
		dbm_buf_addch(&o->b, '"');
		json_int(&o->b, k);
		dbm_buf_addch(&o->b, '"');
		return 0;
	case K_FLOAT:
		dbm_buf_addch(&o->b, '"');
		json_float(&o->b, k->u.f);
		dbm_buf_addch(&o->b, '"');
		return 0;
	default:
		return render_fail(o,
				   "the dict key at offset %zu is a %s: keys "
				   "must be str, int, float, bool or None",
				   k->offset, kind_names[k->kind]);
	}
}

static int render(struct out *o, struct node *n, int depth)
{
	if (o->b.len > MAX_JSON)
		return render_fail(o, "the JSON text is larger than %zu bytes",
				   MAX_JSON);
	switch (n->kind) {
	case K_NONE:
		dbm_buf_adds(&o->b, "null");
		return 0;
	case K_BOOL:
		dbm_buf_adds(&o->b, n->u.b ? "true" : "false");
		return 0;
	case K_INT:
		json_int(&o->b, n);
		return 0;
	case K_FLOAT:
		json_float(&o->b, n->u.f);
		return 0;
	case K_STR:
		json_string(&o->b, n->u.s.s, n->u.s.n);
		return 0;
	case K_BYTES:
		return json_bytes(o, n);
	case K_SET:
	case K_FROZENSET:
		return render_fail(o,
				   "the %s at offset %zu has no reproducible "
				   "JSON order",
				   kind_names[n->kind], n->offset);
	default:
		break;
	}
	if (depth >= MAX_DEPTH)
		return render_fail(o, "values nested deeper than %d levels",
				   MAX_DEPTH);
	if (n->busy)
		return render_fail(o,
				   "circular reference: the %s at offset %zu "
				   "contains itself",
				   kind_names[n->kind], n->offset);
	n->busy = true;
	int rc = 0;
	if (n->kind == K_BYTEARRAY) { /* to_primitive lists its ints */
		dbm_buf_addch(&o->b, '[');
		for (size_t i = 0; i < n->u.s.n; i++)
			dbm_buf_addf(&o->b, "%s%u", i ? ", " : "",
				     (unsigned)n->u.s.s[i]);
		dbm_buf_addch(&o->b, ']');
	} else if (n->kind == K_DICT) {
		dbm_buf_addch(&o->b, '{');
		for (size_t i = 0; rc == 0 && i < n->u.map.n; i++) {
			if (i)
				dbm_buf_adds(&o->b, ", ");
			rc = json_key(o, n->u.map.e[i].k);
			if (rc == 0) {
				dbm_buf_adds(&o->b, ": ");
				rc = render(o, n->u.map.e[i].v, depth + 1);
			}
		}
		dbm_buf_addch(&o->b, '}');
	} else { /* list, tuple */
		dbm_buf_addch(&o->b, '[');
		for (size_t i = 0; rc == 0 && i < n->u.seq.n; i++) {
			if (i)
				dbm_buf_adds(&o->b, ", ");
			rc = render(o, n->u.seq.v[i], depth + 1);
		}
		dbm_buf_addch(&o->b, ']');
	}
	n->busy = false;
	return rc;
}

int dbm_pickle_to_json(const void *data, size_t len, char **out,
		       size_t *out_len, struct dbm_err *err)
{
	struct up u = {0};
	u.p = data;
	u.len = data ? len : 0;
	u.err = err;
	*out = NULL;
	struct node *result = NULL;
	int rc = run(&u, &result);
	if (rc == 0) {
		struct out o = {DBM_BUF_INIT, err};
		rc = render(&o, result, 0);
		if (rc == 0) {
			if (out_len)
				*out_len = o.b.len;
			*out = dbm_buf_detach(&o.b);
		} else {
			dbm_buf_release(&o.b);
		}
	}
	free_nodes(u.all);
	free(u.stack);
	free(u.marks);
	free(u.memo);
	return rc < 0 ? -1 : 0;
}
