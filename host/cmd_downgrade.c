/* downgrade REV | -N [--sql]: through revisions that define downgrade. */
#include "cli.h"

int cmd_downgrade(struct dbm_cli *cli, int argc, char **argv,
		  struct dbm_err *err)
{
	return dbm_cli_migrate(cli, argc, argv, false, err);
}
