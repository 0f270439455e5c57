#include "fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

int dbm_fs_read_at(struct dbm_buf *out, int dirfd, const char *name,
		   const char *path, struct dbm_err *err)
{
	/* openat/read straight into the buffer: thousands of revision files
	 * are read per run, so no stdio stream and no path walk per file. */
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dbm_err_set(err, DBM_EUSAGE, "cannot read '%s': %s",
				   path, strerror(errno));
	for (;;) {
		/* Doubling: a big file takes a few reads, not one per 16 KiB.
		 */
		dbm_buf_grow(out, out->len < 16384 ? 16384 : out->len);
		size_t room = out->alloc - out->len - 1;
		ssize_t n = read(fd, out->buf + out->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return dbm_err_set(err, DBM_EUSAGE,
					   "cannot read '%s': %s", path,
					   strerror(e));
		}
		out->len += (size_t)n;
		out->buf[out->len] = '\0';
		/* A regular file reads short only at its end. */
		if ((size_t)n < room)
			break;
	}
	close(fd);
	return 0;
}

int dbm_fs_read(struct dbm_buf *out, const char *path, struct dbm_err *err)
{
	return dbm_fs_read_at(out, AT_FDCWD, path, path, err);
}

int dbm_fs_out_open(struct dbm_fs_out *out, const char *path, mode_t mode,
		    struct dbm_err *err)
{
	struct dbm_buf tmp = DBM_BUF_INIT;
	dbm_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid());
	out->fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out->fd < 0) {
		dbm_buf_release(&tmp);
		return dbm_err_set(err, DBM_EFAIL, "cannot write '%s': %s",
				   path, strerror(errno));
	}
	out->tmp = dbm_buf_detach(&tmp);
	out->path = dbm_xstrdup(path);
	out->failed = false;
	return 0;
}

void dbm_fs_out_write(struct dbm_fs_out *out, const void *data, size_t n)
{
	const char *p = data;
	while (n && !out->failed) {
		ssize_t w = write(out->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			out->failed = true;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
}

int dbm_fs_out_commit(struct dbm_fs_out *out, struct dbm_err *err)
{
	int rc = -1;
	if (close(out->fd) != 0 || out->failed)
		dbm_err_set(err, DBM_EFAIL, "cannot write '%s'", out->path);
	else if (rename(out->tmp, out->path) != 0)
		dbm_err_set(err, DBM_EFAIL, "cannot write '%s': %s", out->path,
			    strerror(errno));
	else
		rc = 0;
	if (rc < 0)
		remove(out->tmp);
	free(out->tmp);
	free(out->path);
	return rc;
}

int dbm_fs_write_mode(const char *path, const char *data, size_t n, mode_t mode,
		      struct dbm_err *err)
{
	struct dbm_fs_out out;
	if (dbm_fs_out_open(&out, path, mode, err) < 0)
		return -1;
	dbm_fs_out_write(&out, data, n);
	return dbm_fs_out_commit(&out, err);
}

int dbm_fs_write(const char *path, const char *data, size_t n,
		 struct dbm_err *err)
{
	return dbm_fs_write_mode(path, data, n, 0666, err);
}

/* A name with its first 8 bytes as a number that sorts as they do. */
struct sort_key {
	uint64_t prefix;
	char *name;
};

static int compare_keys(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Sort by strcmp. Thousands of revision files are listed per run; most
 * pairs differ in their first 8 bytes, compared here as one number.
 */
static void sort_names(char **names, size_t n)
{
	struct sort_key *keys = dbm_xcalloc(n ? n : 1, sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		keys[i] =
		    (struct sort_key){dbm_str_prefix64(names[i]), names[i]};
	qsort(keys, n, sizeof(*keys), compare_keys);
	for (size_t i = 0; i < n; i++)
		names[i] = keys[i].name;
	free(keys);
}

int dbm_fs_list(char ***out_names, size_t *out_count, const char *dir,
		const char *suffix, struct dbm_err *err)
{
	*out_names = NULL;
	*out_count = 0;
	DIR *d = opendir(dir);
	if (!d)
		return dbm_err_set(err, DBM_EUSAGE,
				   "cannot open directory '%s': %s", dir,
				   strerror(errno));
	size_t len = 0, alloc = 0, slen = strlen(suffix);
	char **names = NULL;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < slen ||
		    strcmp(e->d_name + n - slen, suffix) != 0)
			continue;
		dbm_grow((void **)&names, &alloc, len + 2, sizeof(*names));
		names[len++] = dbm_xstrdup(e->d_name);
	}
	closedir(d);
	dbm_grow((void **)&names, &alloc, len + 1, sizeof(*names));
	names[len] = NULL;
	sort_names(names, len);
	*out_names = names;
	*out_count = len;
	return 0;
}

void dbm_fs_names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

bool dbm_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool dbm_fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}
