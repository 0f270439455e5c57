#include "options.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

void dbm_strlist_push(struct dbm_strlist *l, const char *s)
{
	size_t alloc = (size_t)l->alloc;
	dbm_grow((void **)&l->items, &alloc, (size_t)l->len + 1,
		 sizeof(*l->items));
	l->alloc = (int)alloc;
	l->items[l->len++] = s;
}

void dbm_strlist_release(struct dbm_strlist *l)
{
	free(l->items);
	l->items = NULL;
	l->len = l->alloc = 0;
}

static bool is_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static const struct dbm_option *find_long(const struct dbm_option *opts,
					  const char *name, size_t n)
{
	for (; opts->type != DBM_OPT_END; opts++)
		if (opts->long_name && strlen(opts->long_name) == n &&
		    strncmp(opts->long_name, name, n) == 0)
			return opts;
	return NULL;
}

static const struct dbm_option *find_short(const struct dbm_option *opts,
					   char c)
{
	for (; opts->type != DBM_OPT_END; opts++)
		if (opts->short_name == c)
			return opts;
	return NULL;
}

static bool takes_arg(const struct dbm_option *o)
{
	return o->type == DBM_OPT_STRING || o->type == DBM_OPT_LIST;
}

static void set_value(const struct dbm_option *o, const char *arg)
{
	switch (o->type) {
	case DBM_OPT_BOOL:
		*(bool *)o->value = true;
		break;
	case DBM_OPT_COUNT:
		(*(int *)o->value)++;
		break;
	case DBM_OPT_STRING:
		*(const char **)o->value = arg;
		break;
	case DBM_OPT_LIST:
		dbm_strlist_push(o->value, arg);
		break;
	case DBM_OPT_END:
		DBM_BUG("set_value on the end marker");
	}
}

int dbm_parse_options(const struct dbm_option *opts, int argc, char **argv,
		      bool keep_unknown, struct dbm_strlist *positional,
		      struct dbm_err *err)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				dbm_strlist_push(positional, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0' || is_number(a)) {
			dbm_strlist_push(positional, a);
			continue;
		}
		const struct dbm_option *o;
		const char *arg = NULL;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			o = find_long(opts, name, n);
			if (o && eq) {
				if (!takes_arg(o))
					return dbm_err_set(
					    err, DBM_EUSAGE,
					    "option '--%s' takes no value",
					    o->long_name);
				arg = eq + 1;
			}
		} else {
			o = find_short(opts, a[1]);
			if (o && a[2]) {
				if (!takes_arg(o))
					return dbm_err_set(
					    err, DBM_EUSAGE,
					    "option '-%c' takes no value",
					    a[1]);
				arg = a + 2;
			}
		}
		if (!o) {
			if (keep_unknown) {
				dbm_strlist_push(positional, a);
				continue;
			}
			return dbm_err_set(err, DBM_EUSAGE,
					   "unknown option '%s'", a);
		}
		if (takes_arg(o) && !arg) {
			if (i + 1 >= argc)
				return dbm_err_set(err, DBM_EUSAGE,
						   "option '%s' needs a value",
						   a);
			arg = argv[++i];
		}
		set_value(o, arg);
	}
	return 0;
}

void dbm_options_help(const struct dbm_option *opts, void *file)
{
	FILE *f = file;
	for (; opts->type != DBM_OPT_END; opts++) {
		char left[64];
		int n = 0;
		if (opts->short_name && opts->long_name)
			n = snprintf(left, sizeof(left), "-%c, --%s",
				     opts->short_name, opts->long_name);
		else if (opts->long_name)
			n = snprintf(left, sizeof(left), "--%s",
				     opts->long_name);
		else
			n = snprintf(left, sizeof(left), "-%c",
				     opts->short_name);
		if (opts->argname && n >= 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s",
				 opts->argname);
		fprintf(f, "  %-28s %s\n", left, opts->help);
	}
}
