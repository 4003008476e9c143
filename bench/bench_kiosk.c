/* bench_kiosk.c -- the kiosk service's start-to-ready time and idle
 * memory with a 100,000-product mirror, beside a baseline measured the
 * same way in the same run: a bare program that opens the same mirror
 * with SQLite, reads one row and says READY=1. Both are timed from fork
 * to the READY=1 datagram on a NOTIFY_SOCKET, and their RSS read from
 * /proc one second after.
 *
 * The network side runs in its own short-lived process (ocop-kiosk-net,
 * firmware/net_helper.h): its peak RSS for one round is measured too,
 * beside the curl command-line tool fetching the same URL.
 *
 * usage: bench_kiosk OCOP_KIOSK FEED_MKMIRROR [products [runs]]
 *        (defaults 100000 5; the mirror is made once in a temp folder)
 */
#include <labels.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* The baseline: open the mirror, touch it, be ready, wait. */
static int baseline(const char *mirror)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(mirror, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT code FROM products LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        fprintf(stderr, "bench_kiosk: baseline cannot read %s\n", mirror);
        return 3;
    }
    sqlite3_finalize(st);
    sd_notify(0, "READY=1");
    pause();
    sqlite3_close(db);
    return 0;
}

struct mem {
    long rss, pss, priv; /* kB: resident, proportional, private */
};

/* RSS counts every resident page of the shared libraries and mapped font
 * files; PSS shares them out among the processes using them, and the
 * private figure is what this process alone costs. */
static int mem_of(pid_t pid, struct mem *m)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(m, 0, sizeof *m);
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "Rss:", 4))
            m->rss = strtol(line + 4, NULL, 10);
        else if (!strncmp(line, "Pss:", 4))
            m->pss = strtol(line + 4, NULL, 10);
        else if (!strncmp(line, "Private_Clean:", 14))
            m->priv += strtol(line + 14, NULL, 10);
        else if (!strncmp(line, "Private_Dirty:", 14))
            m->priv += strtol(line + 14, NULL, 10);
    }
    fclose(f);
    return m->rss > 0 ? 0 : -1;
}

/* Read the notify socket for ms: as systemd does. A socket left full
 * (ten datagrams) blocks the kiosk's next sd_notify() and its loop. */
static void drain(int s, int ms)
{
    char buf[4096];
    double end = now_ms() + ms;
    for (double left = ms; left > 0; left = end - now_ms()) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, (int)left + 1) == 1 && recv(s, buf, sizeof buf, 0) < 0)
            break;
    }
}

/* Start argv with NOTIFY_SOCKET=sock_path; time to READY=1 and RSS. With
 * scans > 0, that many scanner lines go to its stdin after READY, a
 * verdict screen each, and the memory is read once it is idle again. */
static int measure(char *const argv[], const char *sock_path, double *ready,
                   struct mem *mem, int scans)
{
    int in[2] = {-1, -1};
    if (scans > 0 && pipe(in) != 0)
        return -1;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
    unlink(sock_path);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("bench_kiosk: notify socket");
        return -1;
    }
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NOTIFY_SOCKET", sock_path, 1);
        if (scans > 0) {
            dup2(in[0], 0);
            close(in[0]);
            close(in[1]);
        } else if (!freopen("/dev/null", "r", stdin)) {
            _exit(126);
        }
        if (!freopen("/dev/null", "w", stderr))
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0) {
        close(s);
        return -1;
    }
    *ready = -1;
    char buf[4096];
    while (now_ms() - t0 < 20000 && *ready < 0) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 100) != 1)
            continue;
        ssize_t n = recv(s, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        if (strstr(buf, "READY=1"))
            *ready = now_ms() - t0;
    }
    if (scans > 0) {
        close(in[0]);
        /* Not OCOP labels: each is still a verdict screen (red). */
        for (int i = 0; i < scans; i++) {
            static const char line[] = "HTTPS://EXAMPLE.COM/NOT-A-LABEL\n";
            if (write(in[1], line, sizeof line - 1) != (ssize_t)sizeof line - 1)
                break;
            drain(s, 300);
        }
        drain(s, 1500); /* verdict_seconds = 1: back to idle */
    } else if (scans < 0) {
        drain(s, 7500); /* 54 frames at 10 a second, then idle */
    }
    drain(s, 1000); /* idle */
    int mrc = mem_of(pid, mem);
    kill(pid, SIGTERM);
    if (in[1] >= 0)
        close(in[1]);
    int status;
    waitpid(pid, &status, 0);
    close(s);
    unlink(sock_path);
    return *ready < 0 || mrc != 0 ? -1 : 0;
}

/* Run argv to its end; its peak RSS in kB (wait4), or -1. */
static long peak_rss(char *const argv[])
{
    fflush(stdout); /* or the child's freopen writes it again */
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "r", stdin) ||
            !freopen("/dev/null", "w", stdout) ||
            !freopen("/dev/null", "w", stderr))
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) >= 126)
        return -1;
    return ru.ru_maxrss;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--baseline"))
        return baseline(argv[2]);
    if (argc < 3) {
        fprintf(stderr, "usage: bench_kiosk OCOP_KIOSK FEED_MKMIRROR "
                        "[products [runs]]\n");
        return 2;
    }
    long products = argc > 3 ? atol(argv[3]) : 100000;
    int runs = argc > 4 ? atoi(argv[4]) : 5;
    if (products < 1 || runs < 1 || runs > 50 || labels_init() != LABELS_OK)
        return 2;
    char dir[] = "/tmp/bench-kiosk.XXXXXX";
    if (!mkdtemp(dir))
        return 3;
    char mirror[256], conf[256], sock[256], png[256], cmd[2600];
    snprintf(mirror, sizeof mirror, "%s/mirror.db", dir);
    snprintf(conf, sizeof conf, "%s/kiosk.conf", dir);
    snprintf(sock, sizeof sock, "%s/notify", dir);
    snprintf(png, sizeof png, "%s/screen.png", dir);
    snprintf(cmd, sizeof cmd, "'%s' '%s' %ld >/dev/null", argv[2], mirror,
             products);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_kiosk: %s failed\n", argv[2]);
        return 3;
    }
    labels_pubkey pub;
    labels_seckey sec;
    char b64[LABELS_PUBKEY_B64_MAX];
    if (labels_keygen(&pub, &sec) != LABELS_OK ||
        labels_pubkey_to_base64(&pub, b64, sizeof b64) != LABELS_OK)
        return 3;
    labels_seckey_wipe(&sec);
    /* A feed that is not there: the sync round fails and the service
     * idles on the mirror it has, as a kiosk offline would. once.conf
     * is the same without retries, for timing one network round. */
    /* once.conf: the same without retries, for timing one network round;
     * cam.conf: the camera plays the benchmark's camera-like frames
     * (bench/frames_gen, one per category and level: labels of every
     * kind, then empty scenes) at 10 a second, then stops. */
    char once[300], cam[300], frames[300];
    snprintf(once, sizeof once, "%s/once.conf", dir);
    snprintf(cam, sizeof cam, "%s/cam.conf", dir);
    snprintf(frames, sizeof frames, "%s/frames", dir);
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(i == 0 ? conf : i == 1 ? once : cam, "w");
        if (!f)
            return 3;
        fprintf(f,
                "[feed]\nurl = file://%s/no-feed/\nauthority_key = %s\n%s"
                "[data]\nmirror = %s\nstate = %s/sync.state\n"
                "[camera]\ndevice = %s%s\n[scanner]\ndevice = -\n"
                "[screen]\noutput = png:%s\nsize = 800x480\n"
                "verdict_seconds = 1\n",
                dir, b64, i == 1 ? "retries = 0\n" : "", mirror, dir,
                i == 2 ? "frames:" : "none", i == 2 ? frames : "", png);
        if (fclose(f) != 0)
            return 3;
    }

    char *kiosk_argv[] = {argv[1], "run", "--config", conf, NULL};
    char *base_argv[] = {"/proc/self/exe", "--baseline", mirror, NULL};
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 3;
    self[n] = '\0';
    base_argv[0] = self;

    double kr[50], br[50];
    struct mem km_max = {0}, bm_max = {0};
    for (int i = 0; i < runs; i++) {
        struct mem m1, m2;
        if (measure(kiosk_argv, sock, &kr[i], &m1, 0) != 0 ||
            measure(base_argv, sock, &br[i], &m2, 0) != 0) {
            fprintf(stderr, "bench_kiosk: a run did not get ready\n");
            return 3;
        }
        if (m1.rss > km_max.rss)
            km_max = m1;
        if (m2.rss > bm_max.rss)
            bm_max = m2;
    }
    qsort(kr, (size_t)runs, sizeof kr[0], cmp);
    qsort(br, (size_t)runs, sizeof br[0], cmp);
    double km = kr[runs / 2], bm = br[runs / 2];
    printf("kiosk service, %ld-product mirror, median of %d starts\n", products,
           runs);
    printf("  start to READY=1: ocop-kiosk run %.1f ms, baseline (sqlite3 "
           "open + one row + READY=1) %.1f ms, ratio %.1fx (goal <= 300 ms)\n",
           km, bm, km / bm);
    printf("  idle RSS (max):   ocop-kiosk run %.1f MB, baseline %.1f MB, "
           "ratio %.1fx (goal <= 20 MB)\n",
           km_max.rss / 1024.0, bm_max.rss / 1024.0,
           (double)km_max.rss / (double)bm_max.rss);
    printf("  idle PSS:         ocop-kiosk run %.1f MB, baseline %.1f MB, "
           "ratio %.1fx\n",
           km_max.pss / 1024.0, bm_max.pss / 1024.0,
           (double)km_max.pss / (double)bm_max.pss);
    printf("  idle private:     ocop-kiosk run %.1f MB, baseline %.1f MB, "
           "ratio %.1fx\n",
           km_max.priv / 1024.0, bm_max.priv / 1024.0,
           (double)km_max.priv / (double)bm_max.priv);
    /* Idle again after serving scans: the verdict screens' memory must
     * not stay behind. */
    struct mem after;
    double unused;
    if (measure(kiosk_argv, sock, &unused, &after, 5) == 0)
        printf("  idle RSS after 5 verdict screens: ocop-kiosk run %.1f MB, "
               "baseline %.1f MB, ratio %.1fx (goal <= 20 MB)\n",
               after.rss / 1024.0, bm_max.rss / 1024.0,
               (double)after.rss / (double)bm_max.rss);
    else
        printf("  idle RSS after 5 verdict screens: not measured\n");
    /* Idle again after the camera saw labels of every kind: the reader's
     * retry images must not stay behind. */
    char gen[1100];
    snprintf(gen, sizeof gen, "%s", self);
    char *gslash = strrchr(gen, '/');
    size_t gat = gslash ? (size_t)(gslash + 1 - gen) : 0;
    snprintf(gen + gat, sizeof gen - gat, "frames_gen");
    snprintf(cmd, sizeof cmd, "'%s' '%s' --per-level 1 >/dev/null", gen,
             frames);
    char *cam_argv[] = {argv[1], "run", "--config", cam, NULL};
    if (system(cmd) == 0 && measure(cam_argv, sock, &unused, &after, -1) == 0)
        printf("  idle RSS after 54 camera frames (42 labels): ocop-kiosk "
               "run %.1f MB, baseline %.1f MB, ratio %.1fx (goal <= 20 MB)\n",
               after.rss / 1024.0, bm_max.rss / 1024.0,
               (double)after.rss / (double)bm_max.rss);
    else
        printf("  idle RSS after camera frames: not measured (%s)\n", gen);
    /* One network round (the feed is not there, no retries), as the
     * service starts it, beside curl fetching the same URL. */
    char net[1100], url[300];
    snprintf(net, sizeof net, "%s", argv[1]);
    char *slash = strrchr(net, '/');
    size_t at = slash ? (size_t)(slash + 1 - net) : 0;
    snprintf(net + at, sizeof net - at, "ocop-kiosk-net");
    snprintf(url, sizeof url, "file://%s/no-feed/manifest", dir);
    char *net_argv[] = {net, "sync", "--config", once, NULL};
    char *curl_argv[] = {"/usr/bin/curl", "-s", url, NULL};
    long net_kb = peak_rss(net_argv);
    long curl_kb = peak_rss(curl_argv);
    if (net_kb > 0 && curl_kb > 0)
        printf("  network round:    ocop-kiosk-net sync peak RSS %.1f MB, "
               "curl CLI %.1f MB, ratio %.2fx (a separate process, gone "
               "after the round)\n",
               net_kb / 1024.0, curl_kb / 1024.0, (double)net_kb / curl_kb);
    else
        printf("  network round:    not measured (%s or curl did not run)\n",
               net);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 3;
    return 0;
}
