/* console_driver.c -- runs the authority console for its tests until
 * ocop-host serve --console does: "serve" starts console_start() and
 * prints the port, "useradd" adds an account (password on stdin). */
#include "console/console.h"
#include "registry/registry.h"

#include <signal.h>
#include <sodium.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned num(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > 100000000UL) {
        fprintf(stderr, "console_driver: bad number '%s'\n", s);
        exit(2);
    }
    return (unsigned)v;
}

static int serve(int argc, char **argv)
{
    console_config cfg = {.db_path = argv[2], .listen = "127.0.0.1:0"};
    for (int i = 3; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--listen"))
            cfg.listen = v;
        else if (!strcmp(o, "--tls-cert"))
            cfg.tls_cert = v;
        else if (!strcmp(o, "--tls-key"))
            cfg.tls_key = v;
        else if (!strcmp(o, "--idle"))
            cfg.limits.idle_s = num(v);
        else if (!strcmp(o, "--lifetime"))
            cfg.limits.lifetime_s = num(v);
        else if (!strcmp(o, "--user-failures"))
            cfg.limits.user_failures = num(v);
        else if (!strcmp(o, "--addr-failures"))
            cfg.limits.addr_failures = num(v);
        else if (!strcmp(o, "--lock"))
            cfg.limits.lock_s = num(v);
        else if (!strcmp(o, "--feed"))
            cfg.feed_dir = v;
        else if (!strcmp(o, "--status"))
            cfg.publish_status = v;
        else if (!strcmp(o, "--mirror"))
            cfg.publish_mirror = v;
        else if (!strcmp(o, "--collector"))
            cfg.collector_path = v;
        else if (!strcmp(o, "--key"))
            cfg.feed_key = v;
        else if (!strcmp(o, "--collector"))
            cfg.collector_path = v;
        else {
            fprintf(stderr, "console_driver: unknown option %s\n", o);
            return 2;
        }
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    console *c;
    unsigned port;
    char err[CONSOLE_ERR_MAX];
    if (console_start(&cfg, &c, &port, err, sizeof err)) {
        fprintf(stderr, "console_driver: %s\n", err);
        return 3;
    }
    printf("port %u\n", port);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    console_stop(c);
    return 0;
}

static int useradd(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: console_driver useradd DB NAME ROLE "
                        "PROVINCE PRODUCER < password\n");
        return 2;
    }
    char pw[CONSOLE_PASSWORD_MAX + 2];
    size_t n = fread(pw, 1, sizeof pw - 1, stdin);
    while (n && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
        n--;
    console_role role;
    if (console_role_parse(argv[4], &role)) {
        fprintf(stderr, "console_driver: unknown role %s\n", argv[4]);
        return 2;
    }
    sqlite3 *db;
    char err[CONSOLE_ERR_MAX];
    if (registry_open(argv[2], 0, &db, err, sizeof err)) {
        fprintf(stderr, "console_driver: %s\n", err);
        return 3;
    }
    int rc = console_user_add(db, NULL, "cli:test", argv[3], role, argv[5],
                              argv[6], pw, n, err, sizeof err);
    memset(pw, 0, sizeof pw);
    registry_close(db);
    if (rc) {
        fprintf(stderr, "console_driver: %s\n", err);
        return 3;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* What one login costs: Argon2id verifications at the console's cost. */
static int pwcost(int argc, char **argv)
{
    unsigned n = argc > 2 ? num(argv[2]) : 10;
    if (n < 1 || n > 1000 || sodium_init() < 0)
        return 2;
    char hash[crypto_pwhash_STRBYTES];
    const char pw[] = "correct horse battery staple";
    if (crypto_pwhash_str(hash, pw, sizeof pw - 1, CONSOLE_PWHASH_OPSLIMIT,
                          CONSOLE_PWHASH_MEMLIMIT) != 0)
        return 3;
    double *ms = calloc(n, sizeof *ms);
    if (!ms)
        return 3;
    /* Wall time waits for a shared machine's other work; the CPU time is
     * what the hash costs a core. */
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    for (unsigned i = 0; i < n; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (crypto_pwhash_str_verify(hash, pw, sizeof pw - 1) != 0) {
            free(ms);
            return 3;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu =
        ((c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6) / n;
    qsort(ms, n, sizeof *ms, cmp_double);
    printf("argon2id opslimit %llu memlimit %llu MiB: %u verifications, "
           "wall min %.1f ms, median %.1f ms, max %.1f ms; CPU %.1f ms "
           "each\n",
           (unsigned long long)CONSOLE_PWHASH_OPSLIMIT,
           (unsigned long long)(CONSOLE_PWHASH_MEMLIMIT >> 20), n, ms[0],
           ms[n / 2], ms[n - 1], cpu);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "pwcost"))
        return pwcost(argc, argv);
    if (argc >= 3 && !strcmp(argv[1], "serve"))
        return serve(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "useradd"))
        return useradd(argc, argv);
    fprintf(stderr, "usage: console_driver serve DB [--listen A] [--idle S] "
                    "[--lifetime S] [--user-failures N] [--addr-failures N] "
                    "[--lock S] [--tls-cert F --tls-key F]\n"
                    "       console_driver useradd DB NAME ROLE PROVINCE "
                    "PRODUCER < password\n"
                    "       console_driver pwcost [N]\n");
    return 2;
}
