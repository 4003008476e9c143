/* bench_print.c -- label printing throughput, against bare QR encoding.
 *
 *   bench_print [N] [RSS-COUNTS]
 *
 * Signs and writes N labels (default 2000) in each output format through
 * print_batch(), the code `ocop-host print` runs, on one pinned core, and
 * prints labels per second beside two baselines measured in the same run
 * on the same label texts: libqrencode's QRcode_encodeString() alone, and
 * the `qrencode` command run once per label. Then writes one PDF of each
 * count in RSS-COUNTS (default 1000,10000,100000) in a child process and
 * reports its peak RSS, to show memory does not grow with the batch. */
#define _GNU_SOURCE /* sched_setaffinity */
#include "print/print.h"

#include <errno.h>
#include <qrencode.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Rates are per second of this process's CPU time: the machine is shared,
 * so wall time would measure the neighbours. Wall time is shown too. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static labels_product product;
static labels_seckey sec;
static char dir[] = "/tmp/bench_print.XXXXXX";

static void make_product(void)
{
    memset(&product, 0, sizeof product);
    snprintf(product.code, sizeof product.code, "HONEY-01");
    snprintf(product.name, sizeof product.name, "Mật ong rừng U Minh Hạ");
    snprintf(product.producer_code, sizeof product.producer_code, "DT-P0001");
    snprintf(product.producer_name, sizeof product.producer_name,
             "Hợp tác xã Nông nghiệp Đồng Tháp");
    snprintf(product.status, sizeof product.status, "rated");
    product.stars = 4;
}

static void job_for(print_job *job, print_format f, uint32_t n, const char *out)
{
    memset(job, 0, sizeof *job);
    job->product = &product;
    job->lot = "L2026/11";
    job->stars = 4;
    labels_date_parse("2026-11-29", &job->issued);
    job->first = 1;
    job->last = n;
    job->format = f;
    job->out = out;
    job->geom.w_mm = PRINT_LABEL_W_MM;
    job->geom.h_mm = PRINT_LABEL_H_MM;
    job->geom.dpi =
        f == PRINT_ZPL || f == PRINT_TSPL ? PRINT_THERMAL_DPI : PRINT_PNG_DPI;
    print_sheet_defaults(&job->sheet);
    job->sheet.crop_marks = 1;
}

/* The texts print_batch signs for serials 1..n, for the baselines. */
static char **label_texts(uint32_t n)
{
    char **t = calloc(n, sizeof *t);
    labels_label lab;
    memset(&lab, 0, sizeof lab);
    snprintf(lab.product, sizeof lab.product, "HONEY-01");
    snprintf(lab.lot, sizeof lab.lot, "L2026/11");
    lab.stars = 4;
    labels_date_parse("2026-11-29", &lab.issued);
    for (uint32_t i = 0; t && i < n; i++) {
        lab.serial = i + 1;
        t[i] = malloc(LABELS_TEXT_MAX);
        if (!t[i] || labels_sign(&lab, &sec) != LABELS_OK ||
            labels_format(&lab, NULL, t[i], LABELS_TEXT_MAX, NULL) != LABELS_OK)
            exit(1);
    }
    return t;
}

static double bare_encode(char **texts, uint32_t n)
{
    double t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        QRcode *c =
            QRcode_encodeString(texts[i], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!c)
            exit(1);
        QRcode_free(c);
    }
    return n / (now() - t0);
}

static double child_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* CPU time of the forks and the qrencode processes, plus our own. */
static double qrencode_cmd(char **texts, uint32_t n)
{
    double t0 = now() + child_cpu();
    for (uint32_t i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execlp("qrencode", "qrencode", "-l", "M", "-o", "/dev/null",
                   texts[i], (char *)NULL);
            _exit(127);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
            WEXITSTATUS(st)) {
            fprintf(stderr, "bench_print: qrencode failed\n");
            return 0;
        }
    }
    return n / (now() + child_cpu() - t0);
}

static double run_format(print_format f, const char *name, uint32_t n,
                         double *wall_rate)
{
    char out[256];
    snprintf(out, sizeof out, "%s/out.%s", dir, name);
    print_job job;
    job_for(&job, f, n, out);
    double t0 = now(), w0 = wall();
    int rc = print_batch(&job, &sec);
    double t = now() - t0;
    *wall_rate = n / (wall() - w0);
    if (rc != LABELS_OK) {
        fprintf(stderr, "bench_print: %s: %s\n", name, labels_strerror(rc));
        exit(1);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_print: cannot clean %s\n", out);
    return n / t;
}

static void rss_run(uint32_t n)
{
    char out[256];
    snprintf(out, sizeof out, "%s/rss.pdf", dir);
    double w0 = wall();
    pid_t pid = fork();
    if (pid == 0) {
        print_job job;
        job_for(&job, PRINT_PDF, n, out);
        _exit(print_batch(&job, &sec) == LABELS_OK ? 0 : 1);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) ||
        WEXITSTATUS(st)) {
        fprintf(stderr, "bench_print: PDF of %lu failed\n", (unsigned long)n);
        return;
    }
    double w = wall() - w0;
    double t = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
               ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    struct stat sb;
    long long size = stat(out, &sb) == 0 ? (long long)sb.st_size : -1;
    printf("  %7lu labels: peak RSS %6ld KiB, CPU %6.1f s (%5.0f labels/s), "
           "wall %6.1f s, PDF %lld KiB (%.0f B/label)\n",
           (unsigned long)n, ru.ru_maxrss, t, n / t, w, size / 1024,
           (double)size / n);
    unlink(out);
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 2000;
    const char *counts = argc > 2 ? argv[2] : "1000,10000,100000";
    if (n < 10 || labels_init() != LABELS_OK || !mkdtemp(dir))
        return 2;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0)
        fprintf(stderr, "bench_print: not pinned: %s\n", strerror(errno));
    labels_pubkey pub;
    if (labels_keygen(&pub, &sec) != LABELS_OK)
        return 1;
    make_product();

    char **texts = label_texts(n);
    printf("label printing, %lu labels of %zu-character URLs, one core\n",
           (unsigned long)n, strlen(texts[0]));
    double enc = bare_encode(texts, n);
    uint32_t ncmd = n < 300 ? n : 300;
    double cmd = qrencode_cmd(texts, ncmd);
    printf("%-34s %9.0f labels/s   1.000x  (per CPU second)\n",
           "baseline QRcode_encodeString", enc);
    printf("%-34s %9.0f labels/s  %6.3fx  (%lu runs)\n",
           "baseline qrencode command", cmd, cmd / enc, (unsigned long)ncmd);

    static const struct {
        print_format f;
        const char *name, *goal;
    } fmts[] = {
        {PRINT_ZPL, "zpl", ">= 0.8x"}, {PRINT_TSPL, "tspl", ">= 0.8x"},
        {PRINT_PDF, "pdf", ">= 0.3x"}, {PRINT_PNG, "png", ""},
        {PRINT_SVG, "svg", ""},
    };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        double wr;
        double r = run_format(fmts[i].f, fmts[i].name, n, &wr);
        char label[64];
        snprintf(label, sizeof label, "print --format %s (sign+write)",
                 fmts[i].name);
        printf("%-34s %9.0f labels/s  %6.3fx  %-8s (wall %.0f/s)\n", label, r,
               r / enc, fmts[i].goal, wr);
    }
    for (uint32_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);

    printf("PDF sheets, one process per count:\n");
    const char *p = counts;
    while (*p) {
        char *end;
        unsigned long c = strtoul(p, &end, 10);
        if (end == p)
            break;
        if (c > 0 && c <= 10000000)
            rss_run((uint32_t)c);
        p = *end == ',' ? end + 1 : end;
    }
    labels_seckey_wipe(&sec);
    rmdir(dir);
    return 0;
}
