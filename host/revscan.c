#include "revscan.h"

#include <string.h>

#include "buf.h"
#include "mem.h"

enum tok {
	T_END,	 /* end of text */
	T_BAD,	 /* something the scanner does not handle */
	T_NAME,	 /* a name or keyword */
	T_STR,	 /* a short string, decoded into the scanner's buffer */
	T_LSTR,	 /* a long string [[...]] */
	T_NUM,	 /* a number */
	T_PUNCT, /* one punctuation character (or "==" etc. as T_OP) */
	T_OP,	 /* a two- or three-character operator */
};

struct scan {
	const char *p, *end;
	enum tok tok;
	const char *start; /* the token's text */
	size_t len;
	struct dbm_buf str; /* T_STR's decoded value */
};

/* The level of a long bracket at p ("[==[" is 2), or -1. */
static int long_bracket(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return -1;
	int level = 0;
	for (p++; p < end && *p == '='; p++)
		level++;
	return p < end && *p == '[' ? level : -1;
}

/* Skip past the "]==]" closing a long bracket of level; false if none. */
static bool skip_long(struct scan *s, int level)
{
	for (const char *p = s->p; p < s->end; p++) {
		if (*p != ']')
			continue;
		const char *q = p + 1;
		int n = 0;
		while (q < s->end && *q == '=') {
			n++;
			q++;
		}
		if (n == level && q < s->end && *q == ']') {
			s->p = q + 1;
			return true;
		}
	}
	return false;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* A short string; only the common escapes are decoded, else T_BAD. */
static enum tok short_string(struct scan *s)
{
	char quote = *s->p++;
	dbm_buf_reset(&s->str);
	while (s->p < s->end) {
		char c = *s->p++;
		if (c == quote)
			return T_STR;
		if (c == '\n' || c == '\r')
			return T_BAD;
		if (c != '\\') {
			dbm_buf_addch(&s->str, c);
			continue;
		}
		if (s->p >= s->end)
			return T_BAD;
		switch (*s->p++) {
		case 'n':
			dbm_buf_addch(&s->str, '\n');
			break;
		case 't':
			dbm_buf_addch(&s->str, '\t');
			break;
		case 'r':
			dbm_buf_addch(&s->str, '\r');
			break;
		case '\\':
			dbm_buf_addch(&s->str, '\\');
			break;
		case '"':
			dbm_buf_addch(&s->str, '"');
			break;
		case '\'':
			dbm_buf_addch(&s->str, '\'');
			break;
		default:
			return T_BAD; /* \x, \ddd, \z, \u{...}: Lua decides */
		}
	}
	return T_BAD;
}

static enum tok next(struct scan *s)
{
	for (;;) {
		while (s->p < s->end &&
		       (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' ||
			*s->p == '\r' || *s->p == '\f' || *s->p == '\v'))
			s->p++;
		if (s->end - s->p >= 2 && s->p[0] == '-' && s->p[1] == '-') {
			s->p += 2;
			int level = long_bracket(s->p, s->end);
			if (level >= 0) {
				s->p += level + 2;
				if (!skip_long(s, level))
					return s->tok = T_BAD;
			} else {
				while (s->p < s->end && *s->p != '\n')
					s->p++;
			}
			continue;
		}
		break;
	}
	s->start = s->p;
	if (s->p >= s->end)
		return s->tok = T_END;
	char c = *s->p;
	if (is_name_char(c) && !(c >= '0' && c <= '9')) {
		while (s->p < s->end && is_name_char(*s->p))
			s->p++;
		s->tok = T_NAME;
	} else if ((c >= '0' && c <= '9') ||
		   (c == '.' && s->p + 1 < s->end && s->p[1] >= '0' &&
		    s->p[1] <= '9')) {
		while (s->p < s->end && (is_name_char(*s->p) || *s->p == '.' ||
					 ((*s->p == '+' || *s->p == '-') &&
					  strchr("eEpP", s->p[-1]))))
			s->p++;
		s->tok = T_NUM;
	} else if (c == '"' || c == '\'') {
		s->tok = short_string(s);
	} else if (long_bracket(s->p, s->end) >= 0) {
		int level = long_bracket(s->p, s->end);
		s->p += level + 2;
		s->tok = skip_long(s, level) ? T_LSTR : T_BAD;
	} else {
		/* Operators of two or three characters; the rest are one. */
		size_t left = (size_t)(s->end - s->p), n = 1;
		char d = left > 1 ? s->p[1] : '\0';
		if (c == '.' && d == '.')
			n = left > 2 && s->p[2] == '.' ? 3 : 2;
		else if (d == '=' && strchr("=~<>", c))
			n = 2;
		else if (d == c && strchr("/:<>", c))
			n = 2;
		s->p += n;
		s->tok = n > 1 ? T_OP : T_PUNCT;
	}
	s->len = (size_t)(s->p - s->start);
	return s->tok;
}

static bool is(const struct scan *s, enum tok tok, const char *text)
{
	return s->tok == tok && s->len == strlen(text) &&
	       memcmp(s->start, text, s->len) == 0;
}

/* The metadata fields, and where each goes. */
enum field { F_REVISION, F_DOWN, F_LABELS, F_DEPENDS, F_MESSAGE, F_DATE };

static const char *const field_names[] = {
    "revision",	  "down_revision", "branch_labels",
    "depends_on", "message",	   "create_date",
};

#define NFIELDS (sizeof(field_names) / sizeof(*field_names))

struct found {
	bool seen[NFIELDS];
	char *str[NFIELDS]; /* string values */
	char **list[NFIELDS];
	size_t nlist[NFIELDS];
};

static void found_release(struct found *f)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		free(f->str[i]);
		for (size_t j = 0; j < f->nlist[i]; j++)
			free(f->list[i][j]);
		free(f->list[i]);
	}
}

/*
 * A field's literal value, the current token being its first: a string,
 * nil, or (for the list fields) { "a", "b" }. Leaves the token after it.
 */
static bool read_value(struct scan *s, enum field f, struct found *out)
{
	bool list_field = f == F_DOWN || f == F_LABELS || f == F_DEPENDS;
	if (s->tok == T_STR) {
		if (list_field) {
			out->list[f] = dbm_xcalloc(1, sizeof(char *));
			out->list[f][0] = dbm_xstrndup(s->str.buf, s->str.len);
			out->nlist[f] = 1;
		} else {
			out->str[f] = dbm_xstrndup(s->str.buf, s->str.len);
		}
	} else if (is(s, T_NAME, "nil")) {
		/* absent */
	} else if (list_field && is(s, T_PUNCT, "{")) {
		size_t alloc = 0;
		while (next(s) == T_STR) {
			dbm_grow((void **)&out->list[f], &alloc,
				 out->nlist[f] + 1, sizeof(char *));
			out->list[f][out->nlist[f]++] =
			    dbm_xstrndup(s->str.buf, s->str.len);
			if (next(s) != T_PUNCT ||
			    !(is(s, T_PUNCT, ",") || is(s, T_PUNCT, ";")))
				break;
		}
		if (!is(s, T_PUNCT, "}"))
			return false;
	} else {
		return false;
	}
	next(s);
	/* "a" .. "b" and the like are expressions: Lua decides. */
	return is(s, T_PUNCT, ",") || is(s, T_PUNCT, ";") ||
	       is(s, T_PUNCT, "}");
}

static bool scan_table(struct scan *s, struct found *f, bool *has_upgrade)
{
	if (next(s) != T_NAME || !is(s, T_NAME, "return") ||
	    next(s) != T_PUNCT || !is(s, T_PUNCT, "{"))
		return false;
	int brackets = 1, blocks = 0;
	bool key_position = true;
	next(s);
	while (brackets > 0) {
		if (s->tok == T_END || s->tok == T_BAD)
			return false;
		bool top = brackets == 1 && blocks == 0;
		if (top && key_position && s->tok == T_NAME) {
			const char *name = s->start;
			size_t n = s->len;
			next(s);
			if (!is(s, T_PUNCT, "="))
				return false; /* a positional value: odd */
			size_t i = 0;
			while (i < NFIELDS && (strlen(field_names[i]) != n ||
					       memcmp(field_names[i], name, n)))
				i++;
			if (n == 7 && memcmp(name, "upgrade", 7) == 0)
				*has_upgrade = true;
			next(s);
			if (i < NFIELDS) {
				if (f->seen[i])
					return false; /* the last one wins: Lua
						       */
				f->seen[i] = true;
				if (!read_value(s, (enum field)i, f))
					return false;
			}
			key_position = false;
			continue;
		}
		if (top && key_position && is(s, T_PUNCT, "["))
			return false; /* a computed key */
		key_position = false;
		if (s->tok == T_PUNCT) {
			char c = *s->start;
			if (c == '{' || c == '(' || c == '[')
				brackets++;
			else if (c == '}' || c == ')' || c == ']')
				brackets--;
			else if (top && (c == ',' || c == ';'))
				key_position = true;
		} else if (s->tok == T_NAME) {
			if (is(s, T_NAME, "function") || is(s, T_NAME, "do") ||
			    is(s, T_NAME, "if") || is(s, T_NAME, "repeat"))
				blocks++;
			else if (is(s, T_NAME, "end") || is(s, T_NAME, "until"))
				blocks--;
			if (blocks < 0)
				return false;
		}
		next(s);
	}
	/* Only an optional ";" may follow the table. */
	if (is(s, T_PUNCT, ";"))
		next(s);
	return s->tok == T_END;
}

bool dbm_revscan(const char *text, size_t len, struct dbm_revision *out)
{
	struct scan s = {text, text + len, T_END, text, 0, DBM_BUF_INIT};
	struct found f;
	memset(&f, 0, sizeof(f));
	bool has_upgrade = false;
	bool ok = scan_table(&s, &f, &has_upgrade) && has_upgrade &&
		  f.str[F_REVISION];
	if (ok) {
		out->id = f.str[F_REVISION];
		out->message = f.str[F_MESSAGE];
		out->create_date = f.str[F_DATE];
		out->down = f.list[F_DOWN];
		out->ndown = f.nlist[F_DOWN];
		out->labels = f.list[F_LABELS];
		out->nlabels = f.nlist[F_LABELS];
		out->depends = f.list[F_DEPENDS];
		out->ndepends = f.nlist[F_DEPENDS];
	} else {
		found_release(&f);
	}
	dbm_buf_release(&s.str);
	return ok;
}
