/* bench_collector.c -- uploads per second and latency percentiles for
 * the collector on loopback, and the same measure for GETs of a static
 * file (nginx, the baseline run by bench/collector.sh). Each thread is a
 * client with one kept-alive connection; batches are built and signed
 * before the clock starts, so only the server is measured. */
#include "device_key.h"
#include "scan_log.h"
#include "upload_batch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct job {
    const char *url;
    int n;
    char **bodies; /* NULL for GET */
    size_t *lens;
    double *lat; /* seconds per request */
    int errors;
} job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return s * n;
}

static void *run(void *arg)
{
    job *j = arg;
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Expect:");
    if (!h || !hdr) {
        j->errors = j->n;
        curl_slist_free_all(hdr);
        curl_easy_cleanup(h);
        return NULL;
    }
    curl_easy_setopt(h, CURLOPT_URL, j->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    for (int i = 0; i < j->n; i++) {
        if (j->bodies) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->bodies[i]);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)j->lens[i]);
        }
        double t0 = now_s();
        long code = 0;
        if (curl_easy_perform(h) != CURLE_OK ||
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
            code != 200)
            j->errors++;
        j->lat[i] = now_s() - t0;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Run threads x n requests; print one line of figures. */
static int measure(const char *what, const char *url, int threads, int n,
                   char ***bodies, size_t **lens)
{
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    double *all = calloc((size_t)threads * (size_t)n, sizeof *all);
    if (!jobs || !th || !all)
        return 3;
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){url,
                        n,
                        bodies ? bodies[t] : NULL,
                        lens ? lens[t] : NULL,
                        all + (size_t)t * (size_t)n,
                        0};
    }
    double t0 = now_s();
    for (int t = 0; t < threads; t++)
        if (pthread_create(&th[t], NULL, run, &jobs[t]))
            return 3;
    int errors = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        errors += jobs[t].errors;
    }
    double wall = now_s() - t0;
    size_t total = (size_t)threads * (size_t)n;
    qsort(all, total, sizeof *all, cmp_d);
    printf("%s requests %zu errors %d per_s %.0f p50_ms %.2f p99_ms %.2f\n",
           what, total, errors, (double)total / wall, all[total / 2] * 1e3,
           all[(size_t)((double)total * 0.99)] * 1e3);
    free(jobs);
    free(th);
    free(all);
    return errors ? 1 : 0;
}

static void fake(scan_record *r, long id)
{
    memset(r, 0, sizeof *r);
    r->id = id;
    r->time = 1790000000 + id;
    snprintf(r->verdict, sizeof r->verdict, "genuine");
    snprintf(r->product, sizeof r->product, "HN-%04ld", id % 1000);
    snprintf(r->key_id, sizeof r->key_id, "0123456789ABCDEF");
    snprintf(r->lot, sizeof r->lot, "L%ld", id % 9);
    r->serial = (uint32_t)id;
    scan_log_hash_text((const char *)&id, sizeof id, r->text_hash);
}

int main(int argc, char **argv)
{
    if (labels_init() != LABELS_OK || curl_global_init(CURL_GLOBAL_DEFAULT))
        return 3;
    char err[256];
    if (argc == 4 && !strcmp(argv[1], "keys")) {
        for (int i = 0; i < atoi(argv[3]); i++) {
            char dir[4096];
            labels_seckey sec;
            labels_pubkey pub;
            snprintf(dir, sizeof dir, "%s/k%03d", argv[2], i);
            if (mkdir(dir, 0700) || device_key_load_or_create(
                                        dir, &sec, &pub, NULL, err, sizeof err))
                return 3;
            labels_seckey_wipe(&sec);
            printf("%s/%s\n", dir, DEVICE_KEY_PUBLIC);
        }
        return 0;
    }
    if (argc == 7 && !strcmp(argv[1], "upload")) {
        int threads = atoi(argv[4]), n = atoi(argv[5]), scans = atoi(argv[6]);
        if (threads < 1 || n < 1 || scans < 1 || scans > UPLOAD_BATCH_MAX_SCANS)
            return 2;
        char ***bodies = calloc((size_t)threads, sizeof *bodies);
        size_t **lens = calloc((size_t)threads, sizeof *lens);
        scan_record *recs = calloc((size_t)scans, sizeof *recs);
        if (!bodies || !lens || !recs)
            return 3;
        for (int t = 0; t < threads; t++) {
            char dir[4096];
            labels_seckey sec;
            labels_pubkey pub;
            snprintf(dir, sizeof dir, "%s/k%03d", argv[3], t);
            if (device_key_load_or_create(dir, &sec, &pub, NULL, err,
                                          sizeof err))
                return 3;
            bodies[t] = calloc((size_t)n, sizeof **bodies);
            lens[t] = calloc((size_t)n, sizeof **lens);
            if (!bodies[t] || !lens[t])
                return 3;
            for (int i = 0; i < n; i++) {
                uint8_t id[UPLOAD_BATCH_ID_BYTES];
                randombytes_buf(id, sizeof id);
                for (int s = 0; s < scans; s++)
                    fake(&recs[s], (long)i * scans + s + 1);
                if (upload_batch_build(&sec, id, 1790000000, recs,
                                       (size_t)scans, &bodies[t][i],
                                       &lens[t][i]))
                    return 3;
            }
            labels_seckey_wipe(&sec);
        }
        printf("batch_bytes %zu\n", lens[0][0]);
        fflush(stdout);
        int rc = measure("collector", argv[2], threads, n, bodies, lens);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < n; i++)
                free(bodies[t][i]);
            free(bodies[t]);
            free(lens[t]);
        }
        free(bodies);
        free(lens);
        free(recs);
        return rc;
    }
    if (argc == 5 && !strcmp(argv[1], "get"))
        return measure("static", argv[2], atoi(argv[3]), atoi(argv[4]), NULL,
                       NULL);
    fputs("usage: bench_collector keys DIR N\n"
          "       bench_collector upload URL KEYDIR THREADS PER_THREAD SCANS\n"
          "       bench_collector get URL THREADS PER_THREAD\n",
          stderr);
    return 2;
}
