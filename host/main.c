/* tacker-db-manage: the command-line front end. */
#include "cli.h"

int main(int argc, char **argv)
{
	return dbm_cli_main(argc, argv);
}
