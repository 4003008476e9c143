/* export.c -- ocop-host export: the registry's public part as a mirror. */
#include "cmd/cli.h"
#include "registry/registry.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},
        {"authority-key", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL, *out = NULL, *keypath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'o': out = optarg; break;
        case 'a': keypath = optarg; break;
        case 'h':
            puts("usage: ocop-host export --db REG.db --out MIRROR.db "
                 "[--authority-key AUTH.pub]\n"
                 "Write the mirror (docs/mirror.md) atomically with the next "
                 "feed_version.\n--authority-key is needed when the registry "
                 "was made without one, and\nmust match it otherwise.");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || !out || optind != argc) {
        cli_error("export needs --db REG.db and --out MIRROR.db");
        return LABELS_EXIT_USAGE;
    }
    labels_pubkey auth;
    if (keypath) {
        int rc = labels_pubkey_read(keypath, &auth);
        if (rc != LABELS_OK) {
            cli_error("cannot use authority key %s: %s%s%s", keypath,
                      labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                      rc == LABELS_ERR_IO ? strerror(errno) : "");
            return LABELS_EXIT_FAIL;
        }
    }
    char err[REG_ERR_MAX];
    long long version;
    if (registry_export(dbpath, out, keypath ? &auth : NULL, &version, err,
                        sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    printf("mirror %s written, feed_version %lld\n", out, version);
    return LABELS_EXIT_OK;
}
