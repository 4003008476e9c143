/* cli.h -- what every ocop-host command shares: exit codes, messages. */
#ifndef OCOP_HOST_CLI_H
#define OCOP_HOST_CLI_H

#include <labels.h>

/* Exit codes are labels_exit (labels/labels_vocab.h), shared with
 * ocop-kiosk: 1 is reserved for "checked, and the answer is no", so
 * scripts can tell a forged label from a broken run. */

/* Print "ocop-host: <message>" and a newline to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A whole number of digits only, at most max: 0, or -1 for anything
 * else (signs, spaces, overflow, trailing characters). */
int cli_number(const char *s, unsigned long max, unsigned long *out);
/* buf to the file out (temporary file and rename; NULL: standard output);
 * an EXIT_ code, after saying why (what names the output on stdout). */
int cli_write_out(const char *out, const char *buf, size_t len,
                  const char *what);

int cmd_keygen(int argc, char **argv);
int cmd_label(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_registry(int argc, char **argv);
/* ocop-host registry migrate (cmd/registry_migrate.c). */
int registry_migrate_cmd(int argc, char **argv);
/* ocop-host provinces: the units and the names accepted. */
int cmd_provinces(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_product(int argc, char **argv);
int cmd_producer(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_kiosk(int argc, char **argv);
int cmd_collector(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_demo_scans(int argc, char **argv);
int cmd_badge(int argc, char **argv);
int cmd_user(int argc, char **argv);

#endif
