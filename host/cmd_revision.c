/* revision -m MSG [--head H] [--depends-on R] [--branch-label L] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fs.h"
#include "mem.h"

/* A Lua string literal for s. */
static void add_lua_string(struct dbm_buf *out, const char *s)
{
	dbm_buf_addch(out, '"');
	for (; *s; s++) {
		switch (*s) {
		case '"':
			dbm_buf_adds(out, "\\\"");
			break;
		case '\\':
			dbm_buf_adds(out, "\\\\");
			break;
		case '\n':
			dbm_buf_adds(out, "\\n");
			break;
		case '\r':
			dbm_buf_adds(out, "\\r");
			break;
		default:
			dbm_buf_addch(out, *s);
		}
	}
	dbm_buf_addch(out, '"');
}

/* nil, "a", or { "a", "b" } */
static void add_lua_list(struct dbm_buf *out, const char *const *items,
			 size_t n)
{
	if (n == 0) {
		dbm_buf_adds(out, "nil");
		return;
	}
	if (n == 1) {
		add_lua_string(out, items[0]);
		return;
	}
	dbm_buf_adds(out, "{ ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			dbm_buf_adds(out, ", ");
		add_lua_string(out, items[i]);
	}
	dbm_buf_adds(out, " }");
}

/* Alembic's slug: the message's words, lowercased, at most 40 chars. */
static void add_slug(struct dbm_buf *out, const char *message)
{
	size_t start = out->len;
	bool gap = false;
	for (const char *p = message; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_';
		if (!word) {
			gap = out->len > start;
			continue;
		}
		if (gap)
			dbm_buf_addch(out, '_');
		gap = false;
		dbm_buf_addch(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
	/* As Alembic: slug[:40].rsplit("_", 1)[0] + "_" */
	if (out->len - start > 40) {
		dbm_buf_setlen(out, start + 40);
		char *cut = strrchr(out->buf + start, '_');
		if (cut)
			dbm_buf_setlen(out, (size_t)(cut - out->buf));
		dbm_buf_addch(out, '_');
	}
}

/* 12 random hex digits, as Alembic's uuid4().hex[-12:]. */
static int new_revision_id(char out[13], struct dbm_err *err)
{
	unsigned char bytes[6];
	int fd = open("/dev/urandom", O_RDONLY);
	if (fd < 0 || read(fd, bytes, sizeof(bytes)) != sizeof(bytes)) {
		if (fd >= 0)
			close(fd);
		return dbm_err_set(
		    err, DBM_EFAIL,
		    "cannot read /dev/urandom for a revision id");
	}
	close(fd);
	for (int i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

/* Replace each ${name} in tmpl by the value of the matching pair. */
static void render(struct dbm_buf *out, const char *tmpl,
		   const char *const *pairs)
{
	for (const char *p = tmpl; *p;) {
		const char *open = strstr(p, "${");
		if (!open) {
			dbm_buf_adds(out, p);
			break;
		}
		dbm_buf_add(out, p, (size_t)(open - p));
		const char *close = strchr(open, '}');
		bool done = false;
		for (const char *const *kv = pairs; close && *kv; kv += 2) {
			size_t n = strlen(kv[0]);
			if ((size_t)(close - open - 2) == n &&
			    strncmp(open + 2, kv[0], n) == 0) {
				dbm_buf_adds(out, kv[1]);
				done = true;
				break;
			}
		}
		if (!done) {
			dbm_buf_add(out, open, 2);
			p = open + 2;
			continue;
		}
		p = close + 1;
	}
}

int dbm_cli_write_revision(struct dbm_cli *cli, const char *message,
			   const dbm_revset *down, const char *label,
			   const struct dbm_strlist *depends,
			   struct dbm_err *err)
{
	const struct dbm_revmap *map = &cli->scripts.map;
	struct dbm_buf tmpl_path = DBM_BUF_INIT, tmpl = DBM_BUF_INIT;
	struct dbm_buf rev = DBM_BUF_INIT, downs = DBM_BUF_INIT,
		       labels = DBM_BUF_INIT, deps = DBM_BUF_INIT,
		       msg = DBM_BUF_INIT, date = DBM_BUF_INIT,
		       comment = DBM_BUF_INIT, path = DBM_BUF_INIT,
		       text = DBM_BUF_INIT;
	const char **ids = dbm_xcalloc(down->len + 1, sizeof(char *));
	char id[13];
	int rc = -1;

	do {
		if (new_revision_id(id, err) < 0)
			goto done;
	} while (dbm_revmap_find(map, id) >= 0);
	dbm_buf_addf(&tmpl_path, "%s/script.lua.tmpl", cli->scripts.dir);
	if (dbm_fs_read(&tmpl, tmpl_path.buf, err) < 0)
		goto done;
	add_lua_string(&rev, id);
	for (size_t i = 0; i < down->len; i++)
		ids[i] = map->revs[down->items[i]].id;
	add_lua_list(&downs, ids, down->len);
	add_lua_list(&labels, &label, label ? 1 : 0);
	add_lua_list(&deps, depends->items, (size_t)depends->len);
	add_lua_string(&msg, message);
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	add_lua_string(&date, stamp);
	for (const char *p = message; *p; p++)
		dbm_buf_addch(&comment, *p == '\n' ? ' ' : *p);
	const char *pairs[] = {
	    "up_revision", rev.buf,	    "down_revision",
	    downs.buf,	   "branch_labels", labels.buf,
	    "depends_on",  deps.buf,	    "message",
	    msg.buf,	   "create_date",   date.buf,
	    "comment",	   comment.buf,	    NULL,
	};
	render(&text, tmpl.buf, pairs);
	dbm_buf_addf(&path, "%s/%s_", cli->scripts.versions, id);
	add_slug(&path, message);
	dbm_buf_adds(&path, ".lua");
	printf("  Generating %s ...", path.buf);
	fflush(stdout);
	if (dbm_fs_write(path.buf, text.buf, text.len, err) < 0) {
		puts("  FAILED");
		goto done;
	}
	puts("  done");
	/* The new revision is the only head when it builds on every head. */
	bool sole_head = down->len == map->heads.len;
	for (size_t i = 0; i < down->len && sole_head; i++)
		sole_head = map->revs[down->items[i]].is_head;
	if (sole_head || map->len == 0) {
		dbm_buf_reset(&tmpl_path);
		dbm_buf_addf(&tmpl_path, "%s/HEAD", cli->scripts.versions);
		dbm_buf_reset(&text);
		dbm_buf_addf(&text, "%s\n", id);
		if (dbm_fs_write(tmpl_path.buf, text.buf, text.len, err) < 0)
			goto done;
	}
	rc = 0;
done:
	free(ids);
	dbm_buf_release(&text);
	dbm_buf_release(&path);
	dbm_buf_release(&comment);
	dbm_buf_release(&date);
	dbm_buf_release(&msg);
	dbm_buf_release(&deps);
	dbm_buf_release(&labels);
	dbm_buf_release(&downs);
	dbm_buf_release(&rev);
	dbm_buf_release(&tmpl);
	dbm_buf_release(&tmpl_path);
	return rc;
}

int cmd_revision(struct dbm_cli *cli, int argc, char **argv,
		 struct dbm_err *err)
{
	const char *message = NULL, *head = "head", *label = NULL;
	bool autogenerate = false, sql = false;
	struct dbm_strlist depends = DBM_STRLIST_INIT;
	const struct dbm_option opts[] = {
	    {DBM_OPT_STRING, 'm', "message", &message, "MSG",
	     "what the revision does"},
	    {DBM_OPT_STRING, 0, "head", &head, "REV",
	     "the revision to build on (default: head)"},
	    {DBM_OPT_LIST, 0, "depends-on", &depends, "REV",
	     "a revision this one depends on (repeatable)"},
	    {DBM_OPT_STRING, 0, "branch-label", &label, "LABEL",
	     "a branch label for the new revision"},
	    {DBM_OPT_BOOL, 0, "autogenerate", &autogenerate, NULL,
	     "not supported: there are no declared models to compare"},
	    {DBM_OPT_BOOL, 0, "sql", &sql, NULL,
	     "not supported: only meaningful with --autogenerate"},
	    DBM_OPT_END_ENTRY,
	};
	struct dbm_strlist args = DBM_STRLIST_INIT, dep_ids = DBM_STRLIST_INIT;
	dbm_revset down = DBM_VEC_INIT, none = DBM_VEC_INIT, dep = DBM_VEC_INIT;
	int rc = -1;
	if (dbm_cli_parse(cli, opts, argc, argv,
			  "revision -m MSG [--head REV] [--depends-on REV] "
			  "[--branch-label LABEL]",
			  &args, err) < 0)
		goto done;
	if (autogenerate || sql) {
		dbm_err_set(err, DBM_EUSAGE,
			    "--autogenerate and --sql are not supported: this "
			    "host has no declared models; write the upgrade "
			    "by hand");
		goto done;
	}
	if (!message || args.len) {
		dbm_err_set(err, DBM_EUSAGE,
			    "usage: revision -m MSG [--head REV] "
			    "[--depends-on REV] [--branch-label LABEL]");
		goto done;
	}
	if (dbm_cli_load_scripts(cli, err) < 0)
		goto done;
	const struct dbm_revmap *map = &cli->scripts.map;
	if (map->len > 0 &&
	    dbm_revmap_resolve(map, head, &none, &down, err) < 0)
		goto done;
	for (int i = 0; i < depends.len; i++) {
		size_t at;
		if (dbm_revmap_lookup(map, depends.items[i], &at, err) < 0)
			goto done;
		dbm_strlist_push(&dep_ids, map->revs[at].id);
	}
	rc = dbm_cli_write_revision(cli, message, &down, label, &dep_ids, err);
done:
	dbm_vec_release(&dep);
	dbm_vec_release(&down);
	dbm_strlist_release(&dep_ids);
	dbm_strlist_release(&depends);
	dbm_strlist_release(&args);
	return rc;
}
