/* net_helper.h -- running ocop-kiosk-net, the kiosk's network side.
 *
 * Everything that talks to the network (feed sync, scan upload) lives in
 * a separate program, ocop-kiosk-net, so that the scanning process never
 * links libcurl and its TLS, LDAP and Kerberos libraries: about 7.5 MB of
 * resident pages a kiosk would otherwise carry all day for a few seconds
 * of work an hour (docs/performance.md, "Kiosk service"). The service
 * starts one helper per round and reads its one-line report; `ocop-kiosk
 * sync` and `ocop-kiosk upload` exec it. */
#ifndef OCOP_KIOSK_NET_HELPER_H
#define OCOP_KIOSK_NET_HELPER_H

#include <stddef.h>
#include <sys/types.h>

#define NET_HELPER_NAME "ocop-kiosk-net"
/* Overrides where the helper is: for tests and unusual installs. */
#define NET_HELPER_ENV "OCOP_KIOSK_NET"

/* The helper's path: $OCOP_KIOSK_NET, else ocop-kiosk-net beside the
 * running program. 0, or -1 with err set. */
int net_helper_path(char *out, size_t outsz, char *err, size_t errsz);

/* Replace this process with the helper running argv[0] (its command)
 * and the rest of argv. Returns only on failure, with err set. */
int net_helper_exec(int argc, char **argv, char *err, size_t errsz);

/* Start `ocop-kiosk-net CMD --config CONFIG` with stdin on /dev/null,
 * stdout on a pipe (*out_fd, close-on-exec), stderr shared, default
 * signal dispositions, an empty signal mask and no other descriptors. */
int net_helper_spawn(const char *cmd, const char *config, pid_t *pid,
                     int *out_fd, char *err, size_t errsz);

/* Read the helper's first output line into line (the rest is read and
 * dropped), close fd and wait until the helper has ended, without
 * reaping it: the pid stays valid for a kill() until net_helper_reap.
 * Returns its exit status, or -1 if a signal ended it. */
int net_helper_wait(pid_t pid, int fd, char *line, size_t linesz);
void net_helper_reap(pid_t pid);

#endif
