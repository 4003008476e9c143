/* cli_args.h -- the options the kiosk programs' commands share. */
#ifndef OCOP_KIOSK_CLI_ARGS_H
#define OCOP_KIOSK_CLI_ARGS_H

#include "config.h"

/* --config FILE (and --feed URL where feed is not NULL) and nothing else.
 * Returns 0, -1 after printing usage for --help, or LABELS_EXIT_USAGE. */
int kiosk_cli_args(int argc, char **argv, const char *usage,
                   const char **config, const char **feed);

/* Load the configuration or log why not. 0 or -1. */
int kiosk_cli_load(const char *path, struct kiosk_config *cfg);

#endif
