/* net_helper.c -- find, exec and spawn ocop-kiosk-net (net_helper.h). */
#define _GNU_SOURCE /* pipe2 */
#include "net_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int net_helper_path(char *out, size_t outsz, char *err, size_t errsz)
{
    const char *env = getenv(NET_HELPER_ENV);
    if (env && *env) {
        if ((size_t)snprintf(out, outsz, "%s", env) >= outsz) {
            snprintf(err, errsz, "%s is too long", NET_HELPER_ENV);
            return -1;
        }
        return 0;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(err, errsz, "cannot find this program (/proc/self/exe): %s",
                 strerror(errno));
        return -1;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    if ((size_t)snprintf(out, outsz, "%s/%s", slash ? self : ".",
                         NET_HELPER_NAME) >= outsz) {
        snprintf(err, errsz, "the path of %s is too long", NET_HELPER_NAME);
        return -1;
    }
    return 0;
}

int net_helper_exec(int argc, char **argv, char *err, size_t errsz)
{
    char path[4096];
    if (net_helper_path(path, sizeof path, err, errsz) != 0)
        return -1;
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (!args) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    args[0] = path;
    for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    fflush(NULL);
    execv(path, args);
    snprintf(err, errsz, "cannot run %s: %s", path, strerror(errno));
    free(args);
    return -1;
}

int net_helper_spawn(const char *cmd, const char *config, pid_t *pid,
                     int *out_fd, char *err, size_t errsz)
{
    char path[4096];
    if (net_helper_path(path, sizeof path, err, errsz) != 0)
        return -1;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(err, errsz, "cannot make a pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int fa_ok = posix_spawn_file_actions_init(&fa) == 0;
    int at_ok = posix_spawnattr_init(&at) == 0;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    /* The service blocks its signals for its signalfd; the helper must
     * die of SIGTERM like any program, and hold nothing of the
     * service's (camera, display, databases) open. */
    int rc =
        !fa_ok || !at_ok ||
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
        posix_spawn_file_actions_adddup2(&fa, p[1], 1) ||
        posix_spawn_file_actions_addclosefrom_np(&fa, 3) ||
        posix_spawnattr_setsigmask(&at, &none) ||
        posix_spawnattr_setsigdefault(&at, &all) ||
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
                                          POSIX_SPAWN_SETSIGDEF);
    if (rc) {
        snprintf(err, errsz, "cannot prepare to start %s", path);
    } else {
        char *args[] = {path, (char *)cmd, "--config", (char *)config, NULL};
        rc = posix_spawn(pid, path, &fa, &at, args, environ);
        if (rc)
            snprintf(err, errsz, "cannot start %s: %s", path, strerror(rc));
    }
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (at_ok)
        posix_spawnattr_destroy(&at);
    close(p[1]);
    if (rc) {
        close(p[0]);
        return -1;
    }
    *out_fd = p[0];
    return 0;
}

int net_helper_wait(pid_t pid, int fd, char *line, size_t linesz)
{
    size_t used = 0;
    int eol = 0;
    char buf[512];
    line[0] = '\0';
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n && !eol; i++) {
            if (buf[i] == '\n')
                eol = 1;
            else if (used + 1 < linesz)
                line[used++] = buf[i];
        }
        line[used] = '\0';
    }
    close(fd);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) != 0)
        if (errno != EINTR)
            return -1;
    return si.si_code == CLD_EXITED ? si.si_status : -1;
}

void net_helper_reap(pid_t pid)
{
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}
