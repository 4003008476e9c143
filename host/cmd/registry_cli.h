/* registry_cli.h -- what the registry commands share on the command line. */
#ifndef OCOP_HOST_REGISTRY_CLI_H
#define OCOP_HOST_REGISTRY_CLI_H

#include "registry/registry.h"

/* Who the audit names for a command: "cli:" and the login name. */
void regcli_actor(char *out, size_t outsz);
/* Open the registry at path or print why not; an EXIT_ code. Read-write,
 * every audit row its changes make names regcli_actor. */
int regcli_open(const char *path, int readonly, sqlite3 **db);
/* A --date option: NULL means today; else it must be a real date. Prints
 * the error; 0 or LABELS_EXIT_USAGE. */
int regcli_date(const char *given, const char *option,
                char out[LABELS_DATE_SIZE]);
/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int regcli_read_file(const char *path, size_t max, char **data, size_t *len);
/* Print a product as "field: value" lines. */
void regcli_print_product(const struct reg_product *p);

/* The options key, clone and history share (one table, so they spell
 * them alike). */
enum {
    K_DB = 256,
    K_PRODUCER,
    K_PUBLIC,
    K_DATE,
    K_KEY_ID,
    K_REASON,
    K_PRODUCT,
    K_LOT,
    K_SERIAL,
    K_LIMIT,
    K_HELP
};
struct kargs {
    const char *v[K_HELP - K_DB];
    int help;
};
#define KARG(a, o) ((a)->v[(o)-K_DB])
/* Parse them (--db required unless --help); prints why not. An EXIT_ code. */
int regcli_parse_kargs(int argc, char **argv, struct kargs *a);
/* After a registry change: close db; print err when failed. An EXIT_ code. */
int regcli_finish(sqlite3 *db, int failed, const char *err);

#endif
