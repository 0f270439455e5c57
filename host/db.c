/*
 * The db layer's entry points: find the driver of a URL's dialect, loading
 * its module when it is not built in, and dispatch through its vtable.
 */
#include "db.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"

/*
 * SQLite is built in. The PostgreSQL and MySQL drivers are modules,
 * dbm_<dialect>.so in the driver directory, loaded on the first connect of
 * their dialect: a run that never talks to a server does not pay for
 * loading libpq, libmariadb and the libraries behind them. A loaded module
 * stays for the life of the process (libpq and libmariadb leave exit
 * handlers and threads behind), so it is never closed. Connections are
 * opened from one thread: the table below has no lock.
 */
static struct driver_module {
	const char *dialect;
	const struct dbm_driver *driver; /* NULL until loaded */
} modules[] = {
    {"postgresql", NULL},
    {"mysql", NULL},
};

/*
 * Empty: the running program's directory. Not on the heap: the Lua module,
 * which sets it, can be unloaded, and the string would then be leaked.
 */
static char driver_dir[PATH_MAX];

void dbm_db_set_driver_dir(const char *dir)
{
	if (!dir)
		dir = "";
	if (strlen(dir) >= sizeof(driver_dir))
		DBM_BUG("driver directory longer than PATH_MAX");
	strcpy(driver_dir, dir);
}

static int add_program_dir(struct dbm_buf *out, struct dbm_err *err)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n < 0)
		return dbm_err_set(err, DBM_EFAIL,
				   "cannot find the directory of this program: "
				   "%s",
				   strerror(errno));
	path[n] = '\0';
	*strrchr(path, '/') = '\0'; /* the kernel gives an absolute path */
	dbm_buf_adds(out, path);
	return 0;
}

/* dlerror() without the file name it starts with: ours names it already. */
static const char *load_error(const char *path)
{
	const char *why = dlerror();
	size_t n = strlen(path);
	if (!why)
		return "unknown error";
	if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		return why + n + 2;
	return why;
}

static int load_driver(struct driver_module *m, struct dbm_err *err)
{
	struct dbm_buf path = DBM_BUF_INIT, symbol = DBM_BUF_INIT;
	int rc = 0;
	if (driver_dir[0])
		dbm_buf_adds(&path, driver_dir);
	else if ((rc = add_program_dir(&path, err)) < 0)
		goto done;
	dbm_buf_addf(&path, "/dbm_%s.so", m->dialect);
	dbm_buf_addf(&symbol, "dbm_driver_%s", m->dialect);

	/* A handle that fails below is left open too: see above. */
	void *handle = dlopen(path.buf, RTLD_NOW | RTLD_LOCAL);
	const struct dbm_driver *driver =
	    handle ? dlsym(handle, symbol.buf) : NULL;
	if (!driver) {
		rc = dbm_err_set(err, DBM_EFAIL,
				 "cannot load the %s driver '%s': %s",
				 m->dialect, path.buf, load_error(path.buf));
		goto done;
	}
	if (driver->version != DBM_DRIVER_VERSION) {
		rc = dbm_err_set(err, DBM_EFAIL,
				 "cannot load the %s driver '%s': it is "
				 "version %d, this program needs version %d",
				 m->dialect, path.buf, driver->version,
				 DBM_DRIVER_VERSION);
		goto done;
	}
	m->driver = driver;
done:
	dbm_buf_release(&symbol);
	dbm_buf_release(&path);
	return rc;
}

static int find_driver(const struct dbm_driver **out, const char *dialect,
		       struct dbm_err *err)
{
	if (strcmp(dialect, dbm_driver_sqlite.dialect) == 0) {
		*out = &dbm_driver_sqlite;
		return 0;
	}
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		struct driver_module *m = &modules[i];
		if (strcmp(m->dialect, dialect) != 0)
			continue;
		if (!m->driver && load_driver(m, err) < 0)
			return -1;
		*out = m->driver;
		return 0;
	}
	return dbm_err_set(err, DBM_EUSAGE,
			   "no driver for dialect '%s' in this build", dialect);
}

int dbm_db_connect(struct dbm_conn **out, const struct dbm_url *url,
		   struct dbm_err *err)
{
	*out = NULL;
	if (!url->dialect)
		return dbm_err_set(err, DBM_EUSAGE,
				   "no dialect in the database url");
	const struct dbm_driver *driver = NULL;
	if (find_driver(&driver, url->dialect, err) < 0)
		return -1;

	struct dbm_conn *conn = NULL;
	if (driver->connect(&conn, url, err) < 0)
		return -1;
	conn->driver = driver;
	struct dbm_buf display = DBM_BUF_INIT;
	dbm_url_render_masked(&display, url);
	free(conn->display);
	conn->display = dbm_buf_detach(&display);
	*out = conn;
	return 0;
}

void dbm_db_close(struct dbm_conn *conn)
{
	if (!conn)
		return;
	conn->driver->close(conn); /* frees display too */
}

int dbm_db_exec(struct dbm_conn *conn, const char *sql,
		const struct dbm_value *params, size_t nparams,
		struct dbm_result **out, struct dbm_err *err)
{
	if (out)
		*out = NULL;
	return conn->driver->exec(conn, sql, params, nparams, out, err);
}
