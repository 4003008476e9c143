/* keygen.c -- ocop-host keygen. */
#include "cmd/cli.h"

#include <errno.h>
#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"secret", required_argument, NULL, 's'},
        {"public", required_argument, NULL, 'p'},
        {"comment", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *secpath = NULL, *pubpath = NULL, *comment = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:p:c:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': secpath = optarg; break;
        case 'p': pubpath = optarg; break;
        case 'c': comment = optarg; break;
        case 'h':
            puts("usage: ocop-host keygen --secret FILE --public FILE "
                 "[--comment TEXT]");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!secpath || !pubpath || optind != argc) {
        cli_error("keygen needs --secret FILE and --public FILE");
        return LABELS_EXIT_USAGE;
    }
    labels_pubkey pub;
    labels_seckey sec;
    int rc = labels_keygen(&pub, &sec);
    if (rc == LABELS_OK) {
        rc = labels_seckey_write(secpath, &sec, NULL);
        if (rc != LABELS_OK)
            cli_error("cannot write secret key %s: %s%s%s", secpath,
                      labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                      rc == LABELS_ERR_IO ? strerror(errno) : "");
    }
    labels_seckey_wipe(&sec);
    if (rc != LABELS_OK)
        return LABELS_EXIT_FAIL;
    rc = labels_pubkey_write(pubpath, &pub, comment);
    if (rc != LABELS_OK) {
        cli_error("cannot write public key %s: %s", pubpath,
                  labels_strerror(rc));
        /* A secret key without its public half is useless: remove it so a
         * retry starts clean. */
        unlink(secpath);
        return LABELS_EXIT_FAIL;
    }
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(pub.id, hex);
    printf("key %s\n", hex);
    return LABELS_EXIT_OK;
}
