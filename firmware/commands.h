/* commands.h -- ocop-kiosk's commands and exit codes (docs/kiosk.md). */
#ifndef OCOP_KIOSK_COMMANDS_H
#define OCOP_KIOSK_COMMANDS_H

/* As ocop-host's: 0 ok, 1 checked and not genuine / refused / stale,
 * 2 usage, 3 anything else (not ready, I/O). */
enum { K_OK = 0, K_REJECTED = 1, K_USAGE = 2, K_FAILURE = 3 };

int cmd_scan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_device_key(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

#endif
