/* bench_import.c -- `ocop-host import` of N generated products (default
 * 100,000 and 1,000,000), then a 1 % change through `import --update`,
 * each beside a baseline measured in the same run: a bare SQLite insert
 * (or update) of the same rows, in one transaction, through one prepared
 * statement. Figures: wall and CPU seconds, bytes written (the child's
 * /proc/PID/io write_bytes, read before it is reaped) and the registry's
 * size on disk. docs/performance.md has the figures and the command.
 *
 * usage: bench_import OCOP-HOST WORKDIR [ROWS...] */
#define _GNU_SOURCE
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Provinces whose names the 2025 merger left as they were. */
static const char *const provinces[] = {"Hà Nội",  "Quảng Ninh", "Thanh Hóa",
                                        "Nghệ An", "Sơn La",     "Cao Bằng",
                                        "Hà Tĩnh", "Lạng Sơn"};
#define NPROV (sizeof provinces / sizeof provinces[0])
static const char *const groups[] = {"food",     "beverages", "herbal",
                                     "textiles", "souvenirs", "tourism"};

struct figures {
    double wall, cpu;
    long long written; /* bytes sent to storage */
    long long size;    /* the database's bytes on disk afterwards */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_self(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* write_bytes of /proc/PID/io ("self" for this process); -1 if unknown. */
static long long io_written(const char *pid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%s/io", pid);
    FILE *f = fopen(path, "r");
    long long v = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "write_bytes: %lld", &v) == 1)
            break;
    fclose(f);
    return v;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* The database and what SQLite keeps beside it. */
static long long db_size(const char *db)
{
    char side[4096];
    long long n = file_size(db);
    snprintf(side, sizeof side, "%s-wal", db);
    n += file_size(side);
    snprintf(side, sizeof side, "%s-journal", db);
    return n + file_size(side);
}

/* Run argv with its output thrown away; 0 with *fg set, or -1. */
static int run(char *const argv[], struct figures *fg)
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
    /* Wait without reaping, so /proc/PID/io is still there to read. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) != 0)
        if (errno != EINTR)
            return -1;
    fg->wall = now_s() - t0;
    char ps[32];
    snprintf(ps, sizeof ps, "%d", (int)pid);
    fg->written = io_written(ps);
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
        fprintf(stderr, "bench_import: %s %s failed\n", argv[0], argv[1]);
        return -1;
    }
    fg->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
              (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    return 0;
}

/* Row i's fields; version 1 is the changed row of the 1 % update. Codes
 * are spread so rows arrive in no particular order of code. */
struct row {
    char code[32], name[96], producer[32], pname[96], cert[48], certified[40];
    const char *province, *group;
    int stars;
};

static void make_row(long i, long n, int version, struct row *r)
{
    /* A permutation of 0..n-1 (n and 7919 coprime for the sizes used). */
    long k = (long)(((int64_t)i * 7919) % n);
    long prod = k / 10;
    snprintf(r->code, sizeof r->code, "B%07ld", k);
    snprintf(r->name, sizeof r->name, "Sản phẩm thử số %ld%s", k,
             version ? " (đổi tên)" : "");
    snprintf(r->producer, sizeof r->producer, "BP%06ld", prod);
    snprintf(r->pname, sizeof r->pname, "Hợp tác xã thử %ld", prod);
    snprintf(r->cert, sizeof r->cert, "%ld/QĐ-UBND", k);
    snprintf(r->certified, sizeof r->certified, "%04ld-%02ld-%02ld",
             2019 + prod % 6, 1 + prod % 12, 1 + prod % 28);
    r->province = provinces[prod % NPROV];
    r->group = groups[k % 6];
    r->stars = 3 + (int)(k % 3);
}

static const char header[] = "code,name,group,stars,province,producer,"
                             "producer_name,producer_kind,certificate,"
                             "certified\n";

/* rows 0..n-1 step `step` into path; 0 or -1. */
static int write_csv(const char *path, long n, long step, int version)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(header, f);
    struct row r;
    for (long i = 0; i < n; i += step) {
        make_row(i, n, version, &r);
        fprintf(f, "%s,%s,%s,%d,%s,%s,%s,cooperative,%s,%s\n", r.code, r.name,
                r.group, r.stars, r.province, r.producer, r.pname, r.cert,
                r.certified);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* The baseline: the same rows into a bare table of the same columns, one
 * transaction, one prepared statement (update: the same columns set by
 * code). SQLite's defaults otherwise. */
static int baseline(const char *path, long n, long step, int update,
                    struct figures *fg)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    double t0 = now_s(), c0 = cpu_self();
    long long w0 = io_written("self");
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    int rc = sqlite3_exec(db,
                          "CREATE TABLE IF NOT EXISTS products(code TEXT "
                          "PRIMARY KEY, name TEXT, grp TEXT, stars INTEGER, "
                          "province TEXT, producer TEXT, certificate TEXT, "
                          "certified TEXT) WITHOUT ROWID; BEGIN",
                          NULL, NULL, NULL);
    const char *sql = update ? "UPDATE products SET name=?2,grp=?3,stars=?4,"
                               "province=?5,producer=?6,certificate=?7,"
                               "certified=?8 WHERE code=?1"
                             : "INSERT INTO products VALUES(?1,?2,?3,?4,?5,"
                               "?6,?7,?8)";
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    struct row r;
    for (long i = 0; rc == SQLITE_OK && i < n; i += step) {
        make_row(i, n, update, &r);
        sqlite3_bind_text(st, 1, r.code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r.group, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, r.stars);
        sqlite3_bind_text(st, 5, r.province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r.producer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r.cert, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, r.certified, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "bench_import: baseline: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    fg->wall = now_s() - t0;
    fg->cpu = cpu_self() - c0;
    fg->written = io_written("self") - w0;
    fg->size = db_size(path);
    return rc == SQLITE_OK ? 0 : -1;
}

static void show(const char *what, const struct figures *f,
                 const struct figures *b)
{
    printf("  %-28s %8.2f s wall %8.2f s CPU %9.1f MB written %8.1f MB file",
           what, f->wall, f->cpu, f->written / 1e6, f->size / 1e6);
    if (b)
        printf("   ratio %.1fx wall, %.1fx CPU, %.1fx written",
               f->wall / b->wall, f->cpu / b->cpu,
               (double)f->written / (double)b->written);
    printf("\n");
}

static int one_size(const char *host, const char *dir, long n)
{
    char csv[4096], upd[4096], reg[4096], sec[4096], pub[4096], base[4096];
    snprintf(csv, sizeof csv, "%s/products-%ld.csv", dir, n);
    snprintf(upd, sizeof upd, "%s/update-%ld.csv", dir, n);
    snprintf(reg, sizeof reg, "%s/reg-%ld.db", dir, n);
    snprintf(sec, sizeof sec, "%s/auth-%ld.sec", dir, n);
    snprintf(pub, sizeof pub, "%s/auth-%ld.pub", dir, n);
    snprintf(base, sizeof base, "%s/baseline-%ld.db", dir, n);
    const char *const gone[] = {reg, sec, pub, base};
    for (size_t i = 0; i < 4; i++) {
        char side[4200];
        unlink(gone[i]);
        snprintf(side, sizeof side, "%s-wal", gone[i]);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", gone[i]);
        unlink(side);
    }
    if (write_csv(csv, n, 1, 0) || write_csv(upd, n, 100, 1)) {
        fprintf(stderr, "bench_import: cannot write %s\n", csv);
        return -1;
    }
    struct figures init, imp, up, bimp, bup;
    char *const init_argv[] = {(char *)host, "registry", "init", "--db",
                               reg,          "--secret", sec,    "--public",
                               pub,          NULL};
    char *const imp_argv[] = {(char *)host, "import", "--db", reg, csv, NULL};
    char *const up_argv[] = {(char *)host, "import", "--update", "--yes",
                             "--db",       reg,      upd,        NULL};
    if (run(init_argv, &init) || baseline(base, n, 1, 0, &bimp) ||
        run(imp_argv, &imp))
        return -1;
    imp.size = db_size(reg);
    if (baseline(base, n, 100, 1, &bup) || run(up_argv, &up))
        return -1;
    up.size = db_size(reg);
    printf("%ld products (CSV %.1f MB; update: %ld rows):\n", n,
           file_size(csv) / 1e6, (n + 99) / 100);
    show("baseline: bare insert", &bimp, NULL);
    show("ocop-host import", &imp, &bimp);
    printf("  %-28s %.2fx the final file (goal <= 2x)\n",
           "import bytes written", (double)imp.written / (double)imp.size);
    show("baseline: bare update 1 %", &bup, NULL);
    show("ocop-host import --update", &up, &bup);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_import OCOP-HOST WORKDIR [ROWS...]\n");
        return 2;
    }
    if (mkdir(argv[2], 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_import: cannot make %s\n", argv[2]);
        return 1;
    }
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("load average at start: %.2f %.2f %.2f\n", load[0], load[1],
               load[2]);
    static const long def[] = {100000, 1000000};
    int nsizes = argc > 3 ? argc - 3 : 2;
    for (int i = 0; i < nsizes; i++) {
        long n = argc > 3 ? atol(argv[3 + i]) : def[i];
        if (n < 100 || n % 7919 == 0 || one_size(argv[1], argv[2], n))
            return 1;
    }
    if (getloadavg(load, 3) == 3)
        printf("load average at end: %.2f %.2f %.2f\n", load[0], load[1],
               load[2]);
    return 0;
}
