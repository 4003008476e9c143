/* main.c -- ocop-host: pick a command and run it. */
#include "cmd/cli.h"

#include <labels.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"keygen", cmd_keygen, "make a key pair (secret file 0600, public file)"},
    {"label", cmd_label, "sign one label: print its QR text, write PNG/SVG"},
    {"print", cmd_print,
     "sign a batch of labels (PNG, SVG, PDF sheets, ZPL, TSPL)"},
    {"verify", cmd_verify, "check a QR text or label image against a key"},
    {"check", cmd_check,
     "the verdict for QR texts or label images, from a mirror"},
    {"registry", cmd_registry, "create the authority's registry (and key)"},
    {"import", cmd_import, "import products from CSV: all rows or none"},
    {"product", cmd_product, "add, edit, set-status, show, list products"},
    {"producer", cmd_producer, "add, edit, show, list producers"},
    {"key", cmd_key, "enroll, revoke, list producer keys"},
    {"clone", cmd_clone, "record a label serial confirmed as cloned"},
    {"history", cmd_history, "the registry's audit history"},
    {"stats", cmd_stats, "products by province, stars, group; expiring"},
    {"provinces", cmd_provinces, "the 34 provinces of 2025 and the 63 of 2020"},
    {"export", cmd_export, "write the mirror (docs/mirror.md) atomically"},
    {"demo", cmd_demo, "build a complete demo world in a folder"},
    {"publish", cmd_publish, "sign and publish the next mirror feed version"},
    {"serve", cmd_serve, "HTTP: receive kiosk scan batches, serve the feed"},
    {"kiosk", cmd_kiosk, "enroll, revoke or list kiosk device keys"},
    {"collector", cmd_collector,
     "PostgreSQL collector: import a SQLite one, drop old months"},
    {"report", cmd_report, "scan reports: table, CSV or one HTML file"},
    {"demo-scans", cmd_demo_scans, "fill a demo world's collector with scans"},
    {"badge", cmd_badge, "issue, revoke, list inspectors' badges"},
    {"user", cmd_user, "add, list, disable console accounts; set passwords"},
};

static void usage(FILE *f)
{
    fputs("usage: ocop-host COMMAND [OPTIONS]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fputs("\n'ocop-host COMMAND --help' for a command's options.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LABELS_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return LABELS_EXIT_OK;
    }
    if (labels_init() != LABELS_OK) {
        cli_error("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return LABELS_EXIT_FAIL;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return LABELS_EXIT_USAGE;
}
