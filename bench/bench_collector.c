/* bench_collector.c -- uploads per second and latency percentiles for
 * the collector on loopback, and the same measure for GETs of a static
 * file (nginx, the baseline run by bench/collector.sh). Each thread is a
 * client with one kept-alive connection; batches are built and signed
 * before the clock starts, so only the server is measured.
 *
 * Closed loop (upload, get): each client sends its next request when the
 * last is answered, so at saturation the latency is the queue. Open loop
 * (open): batches arrive at a given mean rate from many kiosks (Poisson
 * arrivals, as kiosks uploading every few minutes), whatever the server
 * does; each latency runs from the arrival's scheduled time, so a late
 * send counts against the server (no coordinated omission). */
#include "device_key.h"
#include "scan_log.h"
#include "upload_batch.h"

#include <curl/curl.h>
#include <math.h>
#include <stdint.h>
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

/* A client with one kept-alive connection to url; NULL if curl fails. */
static CURL *client_new(const char *url, struct curl_slist **hdr)
{
    CURL *h = curl_easy_init();
    *hdr = curl_slist_append(NULL, "Expect:");
    if (!h || !*hdr) {
        curl_slist_free_all(*hdr);
        curl_easy_cleanup(h);
        return NULL;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    return h;
}

/* One request (a POST of body when there is one, else a GET): 0 if 200. */
static int request(CURL *h, const char *body, size_t len)
{
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    long code = 0;
    return curl_easy_perform(h) == CURLE_OK &&
                   curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) ==
                       CURLE_OK &&
                   code == 200
               ? 0
               : -1;
}

static void *run(void *arg)
{
    job *j = arg;
    struct curl_slist *hdr;
    CURL *h = client_new(j->url, &hdr);
    if (!h) {
        j->errors = j->n;
        return NULL;
    }
    for (int i = 0; i < j->n; i++) {
        double t0 = now_s();
        if (request(h, j->bodies ? j->bodies[i] : NULL,
                    j->bodies ? j->lens[i] : 0))
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

/* A kiosk's scan: its label (serial) mixed from the kiosk and the ID, so
 * two kiosks never scan the same pack (a real fleet's labels repeat
 * rarely; identical IDs at every kiosk made every label a clone suspect
 * seen at every kiosk). */
static void fake(scan_record *r, int kiosk, long id)
{
    uint64_t z = (uint64_t)id * 0x9E3779B97F4A7C15u ^ (uint64_t)kiosk << 40;
    z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9u;
    z = (z ^ z >> 27) * 0x94D049BB133111EBu;
    memset(r, 0, sizeof *r);
    r->id = id;
    r->time = 1790000000 + id;
    snprintf(r->verdict, sizeof r->verdict, "genuine");
    snprintf(r->product, sizeof r->product, "HN-%04ld", id % 1000);
    snprintf(r->key_id, sizeof r->key_id, "0123456789ABCDEF");
    snprintf(r->lot, sizeof r->lot, "L%ld", id % 9);
    r->serial = (uint32_t)(z ^ z >> 31) | 1;
    scan_log_hash_text((const char *)&id, sizeof id, r->text_hash);
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

/* ---- Open loop ---------------------------------------------------------- */

#define OPEN_CLIENTS 256 /* senders: enough that none waits at these rates */

typedef struct arrival {
    double at;  /* seconds after the start */
    char *body; /* NULL: a GET */
    size_t len;
    double lat; /* from `at` to the answer */
    int failed;
} arrival;

typedef struct open_run {
    const char *url;
    arrival *a;
    size_t n, next;
    pthread_mutex_t mu;
    double t0;
} open_run;

static void sleep_until(double t)
{
    struct timespec ts = {(time_t)t, (long)((t - (double)(time_t)t) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
        ; /* EINTR: sleep on */
}

/* Take the next arrival, wait for its time, send it; a sender that is
 * late (all busy) still counts from the scheduled time. */
static void *open_sender(void *arg)
{
    open_run *o = arg;
    struct curl_slist *hdr;
    CURL *h = client_new(o->url, &hdr);
    for (;;) {
        pthread_mutex_lock(&o->mu);
        size_t i = o->next++;
        pthread_mutex_unlock(&o->mu);
        if (i >= o->n)
            break;
        arrival *a = &o->a[i];
        double due = o->t0 + a->at;
        sleep_until(due);
        a->failed = !h || request(h, a->body, a->len);
        a->lat = now_s() - due;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return NULL;
}

/* Poisson arrivals at rate per second for seconds, each from a kiosk drawn
 * at random (kiosks each uploading at rate / kiosks: the same process).
 * With a key folder, each is a signed batch of that kiosk's next scans,
 * IDs from first_id up; without, a GET. NULL on failure. */
static arrival *open_schedule(const char *keydir, int kiosks, double rate,
                              double seconds, int scans, long first_id,
                              size_t *n)
{
    size_t cap = (size_t)(rate * seconds * 1.5) + 16;
    arrival *a = calloc(cap, sizeof *a);
    labels_seckey *sec = keydir ? calloc((size_t)kiosks, sizeof *sec) : NULL;
    long *seq = calloc((size_t)kiosks, sizeof *seq);
    scan_record *recs = calloc((size_t)scans, sizeof *recs);
    char err[256];
    int bad = !a || (keydir && !sec) || !seq || !recs;
    for (int k = 0; !bad && keydir && k < kiosks; k++) {
        char dir[4096];
        labels_pubkey pub;
        snprintf(dir, sizeof dir, "%s/k%03d", keydir, k);
        bad = device_key_load_or_create(dir, &sec[k], &pub, NULL, err,
                                        sizeof err) != 0;
    }
    double t = 0;
    *n = 0;
    while (!bad) {
        /* 1 - U in (0, 1]: the log is finite. */
        t += -log(1.0 - randombytes_uniform(1u << 30) / (double)(1u << 30)) /
             rate;
        if (t >= seconds || *n == cap)
            break;
        arrival *x = &a[(*n)++];
        x->at = t;
        if (!keydir)
            continue;
        int k = (int)randombytes_uniform((uint32_t)kiosks);
        uint8_t id[UPLOAD_BATCH_ID_BYTES];
        randombytes_buf(id, sizeof id);
        for (int s = 0; s < scans; s++) {
            fake(&recs[s], k, first_id + seq[k] * scans + s + 1);
            /* Inside the collector's time window whatever the IDs. */
            recs[s].time = 1790000000 + seq[k] * scans + s;
        }
        seq[k]++;
        bad = upload_batch_build(&sec[k], id, 1790000000, recs, (size_t)scans,
                                 &x->body, &x->len) != 0;
    }
    for (int k = 0; sec && k < kiosks; k++)
        labels_seckey_wipe(&sec[k]);
    free(sec);
    free(seq);
    free(recs);
    if (bad) {
        for (size_t i = 0; a && i < *n; i++)
            free(a[i].body);
        free(a);
        return NULL;
    }
    return a;
}

/* open URL KEYDIR|- KIOSKS RATE SECONDS SCANS FIRST_ID: one line of
 * figures; the scans sent go to stdout for the caller's count check. */
static int open_loop(char **argv)
{
    const char *keydir = strcmp(argv[3], "-") ? argv[3] : NULL;
    int kiosks = atoi(argv[4]), scans = atoi(argv[7]);
    double rate = atof(argv[5]), seconds = atof(argv[6]);
    long first_id = atol(argv[8]);
    if (kiosks < 1 || rate <= 0 || seconds <= 0 || scans < 1 ||
        scans > UPLOAD_BATCH_MAX_SCANS || first_id < 0)
        return 2;
    size_t n;
    arrival *a =
        open_schedule(keydir, kiosks, rate, seconds, scans, first_id, &n);
    if (!a || n == 0)
        return 3;
    open_run o = {argv[2], a, n, 0, PTHREAD_MUTEX_INITIALIZER, 0};
    pthread_t th[OPEN_CLIENTS];
    int started = 0;
    o.t0 = now_s() + 0.5; /* every sender ready before the first arrival */
    while (started < OPEN_CLIENTS &&
           pthread_create(&th[started], NULL, open_sender, &o) == 0)
        started++;
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double wall = now_s() - o.t0;
    double *lat = calloc(n, sizeof *lat);
    int errors = 0;
    for (size_t i = 0; lat && i < n; i++) {
        lat[i] = a[i].lat;
        errors += a[i].failed;
        free(a[i].body);
    }
    free(a);
    if (!lat || started == 0)
        return 3;
    qsort(lat, n, sizeof *lat, cmp_d);
    printf("%s open rate %.1f kiosks %d sent %zu scans %zu errors %d per_s "
           "%.1f p50_ms %.1f p99_ms %.1f max_ms %.1f\n",
           keydir ? "collector" : "static", rate, kiosks, n,
           keydir ? n * (size_t)scans : 0, errors, (double)n / wall,
           lat[n / 2] * 1e3, lat[(size_t)((double)n * 0.99)] * 1e3,
           lat[n - 1] * 1e3);
    free(lat);
    return errors ? 1 : 0;
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
                    fake(&recs[s], t, (long)i * scans + s + 1);
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
    if (argc == 9 && !strcmp(argv[1], "open"))
        return open_loop(argv);
    fputs("usage: bench_collector keys DIR N\n"
          "       bench_collector upload URL KEYDIR THREADS PER_THREAD SCANS\n"
          "       bench_collector get URL THREADS PER_THREAD\n"
          "       bench_collector open URL KEYDIR|- KIOSKS RATE SECONDS SCANS "
          "FIRST_ID\n",
          stderr);
    return 2;
}
