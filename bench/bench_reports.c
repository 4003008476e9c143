/* bench_reports.c -- how long each `ocop-host report` kind takes over a
 * collector of N scans (default one million, made by `ocop-host
 * demo-scans`), beside the baseline of a bare
 * `SELECT verdict, count(*) FROM scans GROUP BY verdict` on the same
 * database in the same run. Report times are whole processes (start,
 * open both databases, query, render, atomic write): what a user waits.
 *
 * usage: bench_reports OCOP-HOST WORKDIR [SCANS] */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DATE "2026-11-20"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double last_cpu; /* CPU seconds (user + system) of the last run */

/* Run argv quietly; wall seconds taken, or -1 if it failed. The machine
 * may be shared, so the child's CPU time is kept too (last_cpu). */
static double run(char *const argv[])
{
    fflush(stdout);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        return -1;
    last_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    return now_s() - t0;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Best of three, in CPU seconds (wall time in *wall). */
static double baseline(sqlite3 *db, const char *sql, long *rows, double *wall)
{
    double best = 1e9;
    *wall = 1e9;
    for (int i = 0; i < 3; i++) {
        sqlite3_stmt *st;
        double t0 = cpu_s(), w0 = now_s();
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            return -1;
        long n = 0;
        while (sqlite3_step(st) == SQLITE_ROW)
            n += sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
        double t = cpu_s() - t0, w = now_s() - w0;
        if (t < best)
            best = t;
        if (w < *wall)
            *wall = w;
        *rows = n;
    }
    return best;
}

static void plan(sqlite3 *db, const char *what, const char *sql)
{
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return;
    printf("  plan %-10s", what);
    while (sqlite3_step(st) == SQLITE_ROW)
        printf(" | %s", (const char *)sqlite3_column_text(st, 3));
    putchar('\n');
    sqlite3_finalize(st);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: bench_reports OCOP-HOST WORKDIR [SCANS]\n", stderr);
        return 2;
    }
    char *host = argv[1], *count = argc > 3 ? argv[3] : "1000000";
    char world[4096], coll[4200], out[4200];
    snprintf(world, sizeof world, "%s/world-%s", argv[2], count);
    snprintf(coll, sizeof coll, "%s/collector.db", world);
    char *mk[] = {"/bin/mkdir", "-p", argv[2], NULL};
    char *rm[] = {"/bin/rm", "-rf", world, NULL};
    char *demo[] = {host, "demo", world, "--date", DATE, NULL};
    char *scans[] = {host, "demo-scans", "--world", world, "--date",
                     DATE, "--count",    count,     NULL};
    if (run(mk) < 0 || run(rm) < 0 || run(demo) < 0) {
        fprintf(stderr, "cannot make the demo world in %s\n", world);
        return 1;
    }
    double gen = run(scans);
    if (gen < 0) {
        fprintf(stderr, "demo-scans failed\n");
        return 1;
    }
    /* The first report open builds nothing more (demo-scans opened the
     * collector, so the indexes exist); run one to warm the page cache. */
    snprintf(out, sizeof out, "%s/warm.csv", world);
    char *warm[] = {host, "report",   "stats", "--world", world, "--today",
                    DATE, "--format", "csv",   "--out",   out,   NULL};
    run(warm);

    sqlite3 *db;
    if (sqlite3_open_v2(coll, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", coll);
        return 1;
    }
    long rows = 0, rows2 = 0;
    double bw, tw;
    double base = baseline(
        db, "SELECT verdict, count(*) FROM scans GROUP BY verdict", &rows, &bw);
    double table = baseline(db,
                            "SELECT verdict, count(*) FROM scans NOT INDEXED "
                            "GROUP BY verdict",
                            &rows2, &tw);
    printf("reports over %ld scans (demo-scans wrote them in %.2f s)\n", rows,
           gen);
    printf("baseline (CPU s, wall s)\n");
    printf("  GROUP BY verdict (index)      %8.3f %8.3f\n", base, bw);
    printf("  GROUP BY verdict (table scan) %8.3f %8.3f\n", table, tw);
    plan(db, "verdicts",
         "SELECT kiosk, verdict, count(*) FROM scans INDEXED BY "
         "scans_verdict WHERE time >= 0 AND "
         "time < 9e18 GROUP BY verdict, kiosk");
    plan(db, "days",
         "SELECT time, verdict, kiosk FROM scans INDEXED BY scans_time "
         "WHERE time >= 0 AND time < 9e18 ORDER BY time");
    plan(db, "clones",
         "SELECT signer, product, lot, serial, count(*) FROM scans INDEXED "
         "BY scans_label WHERE serial > 0 AND signer <> '_' AND verdict IN "
         "('genuine','expired') GROUP BY signer, product, lot, serial "
         "HAVING min(kiosk) <> max(kiosk) OR count(*) > 20");
    plan(db, "reinspect",
         "SELECT product, verdict, kiosk, count(*) FROM scans WHERE verdict "
         "IN ('rating_changed','expired') GROUP BY product, verdict, kiosk "
         "ORDER BY product");
    sqlite3_close(db);

    static const char *const kinds[] = {"verdicts", "hotspots",  "clones",
                                        "findings", "reinspect", "expiring",
                                        "stats",    "all",       NULL};
    printf("%-22s %9s %9s %11s\n", "report (whole process)", "CPU s", "wall s",
           "CPU ratio");
    for (int i = 0; kinds[i]; i++) {
        int all = !strcmp(kinds[i], "all");
        snprintf(out, sizeof out, "%s/report-%s.%s", world, kinds[i],
                 all ? "html" : "csv");
        char *argvr[] = {
            host, "report",   (char *)kinds[i],     "--world", world, "--today",
            DATE, "--format", all ? "html" : "csv", "--out",   out,   NULL};
        double best = 1e9, bestw = 1e9;
        for (int r = 0; r < 3; r++) {
            double t = run(argvr);
            if (t < 0) {
                fprintf(stderr, "report %s failed\n", kinds[i]);
                return 1;
            }
            if (last_cpu < best)
                best = last_cpu;
            if (t < bestw)
                bestw = t;
        }
        printf("%-22s %9.3f %9.3f %10.1fx\n", kinds[i], best, bestw,
               best / base);
    }
    return 0;
}
