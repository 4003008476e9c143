/* main.c -- ocop-host: pick a command and run it. */
#include "cli.h"

#include <labels.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ocop-host: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"keygen", cmd_keygen, "make a key pair (secret file 0600, public file)"},
    {"label", cmd_label, "sign one label: print its QR text, write PNG/SVG"},
    {"verify", cmd_verify, "check a QR text or label image against a key"},
    {"serve", cmd_serve, "HTTP: receive kiosk scan batches, serve the feed"},
    {"kiosk", cmd_kiosk, "enroll, revoke or list kiosk device keys"},
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
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (labels_init() != LABELS_OK) {
        cli_error("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return EXIT_FAILURE_;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
