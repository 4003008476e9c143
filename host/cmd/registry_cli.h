/* registry_cli.h -- what the registry commands share on the command line. */
#ifndef OCOP_HOST_REGISTRY_CLI_H
#define OCOP_HOST_REGISTRY_CLI_H

#include "registry/registry.h"

/* Open the registry at path or print why not; an EXIT_ code. */
int regcli_open(const char *path, int readonly, sqlite3 **db);
/* A --date option: NULL means today; else it must be a real date. Prints
 * the error; 0 or EXIT_USAGE. */
int regcli_date(const char *given, const char *option, char out[11]);
/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int regcli_read_file(const char *path, size_t max, char **data, size_t *len);
/* Print a product as "field: value" lines. */
void regcli_print_product(const struct reg_product *p);

#endif
