/* commands.h -- ocop-kiosk's and ocop-kiosk-net's commands, one file each
 * in cmd/ (docs/kiosk.md): each parses its options, calls the modules and
 * prints; returns an exit code (labels_exit, labels.h). */
#ifndef OCOP_KIOSK_COMMANDS_H
#define OCOP_KIOSK_COMMANDS_H

#include <labels.h> /* labels_exit: LABELS_EXIT_OK, _NO, _USAGE, _FAIL */

/* ocop-kiosk */
int cmd_scan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_device_key(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_status(int argc, char **argv);
/* sync and upload: handed whole to ocop-kiosk-net (net_helper.h). */
int cmd_net(int argc, char **argv);

/* ocop-kiosk-net */
int cmd_sync(int argc, char **argv);
int cmd_upload(int argc, char **argv);

#endif
