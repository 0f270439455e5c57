/* Small file-system helpers; errors name the path. */
#ifndef DBM_FS_H
#define DBM_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/* Append the whole file to out. */
int dbm_fs_read(struct dbm_buf *out, const char *path, struct dbm_err *err);
/* The same for name in the directory open as dirfd; path for messages. */
int dbm_fs_read_at(struct dbm_buf *out, int dirfd, const char *name,
		   const char *path, struct dbm_err *err);
/* Write data to path through a temporary file and a rename. */
int dbm_fs_write(const char *path, const char *data, size_t n,
		 struct dbm_err *err);
/* The same, the file created with mode (before the umask). */
int dbm_fs_write_mode(const char *path, const char *data, size_t n, mode_t mode,
		      struct dbm_err *err);
/*
 * The same in pieces: open a temporary file beside path, write to it (a
 * failure is kept for the commit), then commit: close and rename, or
 * remove the temporary file when anything failed.
 */
struct dbm_fs_out {
	int fd;
	char *tmp, *path;
	bool failed;
};
int dbm_fs_out_open(struct dbm_fs_out *out, const char *path, mode_t mode,
		    struct dbm_err *err);
void dbm_fs_out_write(struct dbm_fs_out *out, const void *data, size_t n);
int dbm_fs_out_commit(struct dbm_fs_out *out, struct dbm_err *err);
/*
 * The names in dir ending in suffix, sorted by strcmp; *out_names is a
 * NULL-terminated array the caller frees with dbm_fs_names_free.
 */
int dbm_fs_list(char ***out_names, size_t *out_count, const char *dir,
		const char *suffix, struct dbm_err *err);
void dbm_fs_names_free(char **names);
bool dbm_fs_is_dir(const char *path);
bool dbm_fs_exists(const char *path);

#endif
