/* upload_driver.c -- drives the kiosk's upload code for the end-to-end
 * tests (tests/upload_e2e.sh, tests/upload_load.sh): the same library
 * ocop-kiosk links, against a real ocop-host serve. */
#include "device_key.h"
#include "scan_log.h"
#include "upload.h"
#include "upload_backoff.h"
#include "upload_batch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
    fputs(
        "usage: upload_driver keygen DIR | pubkey DIR\n"
        "       upload_driver scan LOG N\n"
        "       upload_driver stats LOG\n"
        "       upload_driver upload DIR LOG URL [BATCH_MAX] [die-after-post]\n"
        "       upload_driver batch DIR OUT N FIRST_ID [BATCH_ID_HEX]\n"
        "       upload_driver sign DIR IN OUT\n"
        "       upload_driver loadkeys DIR KIOSKS\n"
        "       upload_driver load URL DIR KIOSKS BATCHES SCANS\n",
        stderr);
    return 2;
}

static int load_key(const char *dir, labels_seckey *sec)
{
    labels_pubkey pub;
    char err[256];
    if (device_key_load_or_create(dir, sec, &pub, NULL, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int open_log(const char *path, scan_log **log)
{
    char err[256];
    /* Tests of the log's bound set it small. */
    const char *max = getenv("UPLOAD_LOG_MAX_ROWS");
    if (scan_log_open(path, max ? atoll(max) : 0, log, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

/* A plausible scan: genuine product labels with increasing serials. */
static void fake_scan(scan_record *r, long i)
{
    memset(r, 0, sizeof *r);
    r->time = 1790000000 + i;
    snprintf(r->verdict, sizeof r->verdict, "%s", i % 7 ? "genuine" : "forged");
    snprintf(r->product, sizeof r->product, "HN-%04ld", i % 100);
    snprintf(r->key_id, sizeof r->key_id, "0123456789ABCDEF");
    snprintf(r->lot, sizeof r->lot, "L%ld", i % 9);
    r->serial = (uint32_t)(i + 1);
    char text[64];
    int n = snprintf(text, sizeof text, "scan-%ld", i);
    scan_log_hash_text(text, (size_t)n, r->text_hash);
}

static void die_hook(void *ctx, long status)
{
    (void)ctx;
    if (status == 200)
        raise(SIGKILL); /* between the collector's 200 and the mark */
}

static int cmd_upload(int argc, char **argv)
{
    if (argc < 5)
        return usage();
    labels_seckey sec;
    scan_log *log;
    if (load_key(argv[2], &sec) || open_log(argv[3], &log))
        return 3;
    upload_config cfg = {.url = argv[4],
                         .state_dir = argv[2],
                         .connect_timeout_s = 3,
                         .timeout_s = 10};
    /* The slow-collector test gives up sooner. */
    if (getenv("UPLOAD_TIMEOUT_S"))
        cfg.timeout_s = atol(getenv("UPLOAD_TIMEOUT_S"));
    cfg.ca_file = getenv("UPLOAD_CA_FILE"); /* the HTTPS test's own CA */
    if (argc > 5)
        cfg.batch_max = atoi(argv[5]);
    if (argc > 6 && !strcmp(argv[6], "die-after-post"))
        cfg.after_post = die_hook;
    int rc = 0, rounds = 0;
    for (;;) {
        upload_result res;
        if (upload_round(&cfg, log, &sec, &res) != 0) {
            fprintf(stderr, "error: %s\n", res.message);
            rc = 3;
            break;
        }
        if (res.outcome == UPLOAD_IDLE) {
            printf("idle after %d rounds\n", rounds);
            break;
        }
        rounds++;
        if (res.outcome == UPLOAD_FAILED) {
            printf(
                "failed: %d scans kept: %s (retry-after %ld, backoff %ld s)\n",
                res.scans, res.message, res.retry_after_s,
                upload_backoff(1, res.retry_after_s, 0));
            rc = 1;
            break;
        }
        printf("sent %d scans%s: %s\n", res.scans,
               res.resent ? " (resent)" : "", res.message);
    }
    labels_seckey_wipe(&sec);
    scan_log_close(log);
    return rc;
}

static int parse_hex(const char *hex, uint8_t *out, size_t n)
{
    size_t got;
    return strlen(hex) == 2 * n &&
                   sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 &&
                   got == n
               ? 0
               : -1;
}

static int cmd_batch(int argc, char **argv)
{
    if (argc < 6)
        return usage();
    labels_seckey sec;
    if (load_key(argv[2], &sec))
        return 3;
    long n = atol(argv[4]), first = atol(argv[5]);
    uint8_t id[UPLOAD_BATCH_ID_BYTES];
    randombytes_buf(id, sizeof id);
    if (argc > 6 && parse_hex(argv[6], id, sizeof id))
        return usage();
    if (n < 1 || n > UPLOAD_BATCH_MAX_SCANS || first < 1)
        return usage();
    scan_record *recs = calloc((size_t)n, sizeof *recs);
    if (!recs)
        return 3;
    for (long i = 0; i < n; i++) {
        fake_scan(&recs[i], first + i);
        recs[i].id = first + i;
    }
    char *body;
    size_t len;
    int rc =
        upload_batch_build(&sec, id, 1790000000, recs, (size_t)n, &body, &len);
    labels_seckey_wipe(&sec);
    free(recs);
    if (rc)
        return 3;
    rc = labels_file_write_atomic(argv[3], body, len, 0644, 0);
    free(body);
    return rc == LABELS_OK ? 0 : 3;
}

/* "sign DIR IN OUT": IN is a batch without its sig line (any records,
 * any times); OUT is IN plus the sig line by DIR's device key, so the
 * tests can send a correctly signed batch the kiosk would never build. */
static int cmd_sign(int argc, char **argv)
{
    if (argc != 5)
        return usage();
    labels_seckey sec;
    if (load_key(argv[2], &sec))
        return 3;
    static char body[1 << 20];
    FILE *f = fopen(argv[3], "rb");
    if (!f) {
        labels_seckey_wipe(&sec);
        return 3;
    }
    size_t n = fread(body, 1, sizeof body - 200, f);
    fclose(f);
    uint8_t sig[LABELS_SIG_BYTES];
    int rc = labels_sign_detached(LABELS_DOMAIN_SCANS, &sec, body, n, sig);
    labels_seckey_wipe(&sec);
    if (rc != LABELS_OK)
        return 3;
    memcpy(body + n, "sig ", 4);
    n += 4;
    for (size_t i = 0; i < sizeof sig; i++, n += 2)
        snprintf(body + n, 3, "%02x", sig[i]);
    body[n++] = '\n';
    return labels_file_write_atomic(argv[4], body, n, 0644, 0) == LABELS_OK ? 0
                                                                            : 3;
}

/* ---- Load: many kiosks at once ----------------------------------------- */

typedef struct kiosk_job {
    const char *url;
    char dir[4096];
    int batches, scans;
    int stored, duplicates, retries, failed;
} kiosk_job;

static int post_retrying(kiosk_job *j, const char *body, size_t len)
{
    upload_config cfg = {
        .url = j->url, .connect_timeout_s = 10, .timeout_s = 30};
    for (int attempt = 0; attempt < 20; attempt++) {
        upload_result res;
        if (upload_post(&cfg, body, len, &res) == 0) {
            if (strstr(res.message, "already stored"))
                j->duplicates++;
            else
                j->stored++;
            return 0;
        }
        j->retries++;
        usleep(res.retry_after_s > 0 ? 200000 : 50000);
    }
    j->failed++;
    return -1;
}

static void *kiosk_thread(void *arg)
{
    kiosk_job *j = arg;
    labels_seckey sec;
    if (load_key(j->dir, &sec)) {
        j->failed = j->batches;
        return NULL;
    }
    scan_record *recs = calloc((size_t)j->scans, sizeof *recs);
    char *body = NULL;
    size_t len = 0;
    for (int b = 0; recs && b < j->batches; b++) {
        for (int i = 0; i < j->scans; i++) {
            long id = (long)b * j->scans + i + 1;
            fake_scan(&recs[i], id);
            recs[i].id = id;
        }
        uint8_t bid[UPLOAD_BATCH_ID_BYTES];
        randombytes_buf(bid, sizeof bid);
        free(body);
        body = NULL;
        if (upload_batch_build(&sec, bid, (int64_t)time(NULL), recs,
                               (size_t)j->scans, &body, &len)) {
            j->failed++;
            continue;
        }
        post_retrying(j, body, len);
    }
    /* A replay of the last batch, as after a lost answer. */
    if (body)
        post_retrying(j, body, len);
    free(body);
    free(recs);
    labels_seckey_wipe(&sec);
    return NULL;
}

static int cmd_loadkeys(int argc, char **argv)
{
    if (argc < 4)
        return usage();
    int n = atoi(argv[3]);
    for (int i = 0; i < n; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/k%03d", argv[2], i);
        if (mkdir(dir, 0700) != 0)
            return 3;
        labels_seckey sec;
        if (load_key(dir, &sec))
            return 3;
        labels_seckey_wipe(&sec);
        printf("%s/%s\n", dir, DEVICE_KEY_PUBLIC);
    }
    return 0;
}

static int cmd_load(int argc, char **argv)
{
    if (argc < 7)
        return usage();
    int n = atoi(argv[4]);
    if (n < 1 || n > 1000)
        return usage();
    kiosk_job *jobs = calloc((size_t)n, sizeof *jobs);
    pthread_t *th = calloc((size_t)n, sizeof *th);
    if (!jobs || !th)
        return 3;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++) {
        jobs[i].url = argv[2];
        snprintf(jobs[i].dir, sizeof jobs[i].dir, "%s/k%03d", argv[3], i);
        jobs[i].batches = atoi(argv[5]);
        jobs[i].scans = atoi(argv[6]);
        if (pthread_create(&th[i], NULL, kiosk_thread, &jobs[i]) != 0)
            return 3;
    }
    int stored = 0, dup = 0, retries = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        stored += jobs[i].stored;
        dup += jobs[i].duplicates;
        retries += jobs[i].retries;
        failed += jobs[i].failed;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("kiosks %d stored %d duplicates %d retries %d failed %d in %.2f s\n",
           n, stored, dup, retries, failed,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(jobs);
    free(th);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (labels_init() != LABELS_OK ||
        curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 3;
    const char *cmd = argv[1];
    int rc;
    if (!strcmp(cmd, "keygen") && argc == 3) {
        labels_seckey sec;
        labels_pubkey pub;
        char err[256], hex[17];
        int created;
        rc = device_key_load_or_create(argv[2], &sec, &pub, &created, err,
                                       sizeof err);
        if (rc) {
            fprintf(stderr, "%s\n", err);
            rc = 3;
        } else {
            labels_key_id_hex(pub.id, hex);
            printf("%s %s\n", created ? "created" : "loaded", hex);
            labels_seckey_wipe(&sec);
        }
    } else if (!strcmp(cmd, "pubkey") && argc == 3) {
        char err[256];
        rc = device_key_print_public(argv[2], stdout, err, sizeof err) ? 3 : 0;
        if (rc)
            fprintf(stderr, "%s\n", err);
    } else if (!strcmp(cmd, "scan") && argc == 4) {
        scan_log *log = NULL;
        rc = open_log(argv[2], &log) ? 3 : 0;
        scan_log_stats st = {0};
        if (!rc)
            rc = scan_log_get_stats(log, &st) ? 3 : 0;
        long base = (long)st.rows + st.dropped;
        for (long i = 0; !rc && i < atol(argv[3]); i++) {
            scan_record r;
            fake_scan(&r, base + i);
            if (scan_log_append(log, &r))
                rc = 3;
        }
        if (log)
            scan_log_close(log);
    } else if (!strcmp(cmd, "stats") && argc == 3) {
        scan_log *log;
        scan_log_stats st;
        rc = open_log(argv[2], &log) || scan_log_get_stats(log, &st) ? 3 : 0;
        if (!rc) {
            printf("rows %lld pending %lld dropped %lld\n", (long long)st.rows,
                   (long long)st.pending, (long long)st.dropped);
            scan_log_close(log);
        }
    } else if (!strcmp(cmd, "upload")) {
        rc = cmd_upload(argc, argv);
    } else if (!strcmp(cmd, "sign")) {
        rc = cmd_sign(argc, argv);
    } else if (!strcmp(cmd, "batch")) {
        rc = cmd_batch(argc, argv);
    } else if (!strcmp(cmd, "loadkeys")) {
        rc = cmd_loadkeys(argc, argv);
    } else if (!strcmp(cmd, "load")) {
        rc = cmd_load(argc, argv);
    } else {
        rc = usage();
    }
    curl_global_cleanup();
    return rc;
}
