/* bench_phone.c -- GET requests per second and latency percentiles over
 * loopback: the phone page of ocop-host serve, and (run by bench/phone.sh
 * in the same run) nginx serving a static file of the same size, the
 * baseline. Each thread is a client with one kept-alive connection that
 * fetches its URLs in turn; every answer's status and size are checked,
 * so a fast error page cannot pass for a fast page.
 *
 * usage: bench_phone THREADS PER_THREAD URL...
 * prints: get per_s N p50_ms N p99_ms N bytes N errors N */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct job {
    char **urls;
    int nurls;
    int n;
    double *lat; /* seconds per request */
    int errors;
    size_t bytes; /* body size of the last answer */
} job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t count(char *p, size_t s, size_t n, void *ctx)
{
    (void)p;
    *(size_t *)ctx += s * n;
    return s * n;
}

static void *run(void *arg)
{
    job *j = arg;
    CURL *h = curl_easy_init();
    if (!h) {
        j->errors = j->n;
        return NULL;
    }
    size_t got = 0;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, count);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    for (int i = 0; i < j->n; i++) {
        curl_easy_setopt(h, CURLOPT_URL, j->urls[i % j->nurls]);
        got = 0;
        double t0 = now_s();
        CURLcode rc = curl_easy_perform(h);
        j->lat[i] = now_s() - t0;
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200 || got == 0)
            j->errors++;
        j->bytes = got;
    }
    curl_easy_cleanup(h);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: bench_phone THREADS PER_THREAD URL...\n", stderr);
        return 2;
    }
    int threads = atoi(argv[1]), per = atoi(argv[2]);
    if (threads < 1 || threads > 256 || per < 1 || per > 1000000) {
        fputs("bench_phone: bad THREADS or PER_THREAD\n", stderr);
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 3;
    size_t total = (size_t)threads * (size_t)per;
    double *lat = calloc(total, sizeof *lat);
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    if (!lat || !jobs || !th) {
        fputs("bench_phone: out of memory\n", stderr);
        return 3;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t].urls = argv + 3;
        jobs[t].nurls = argc - 3;
        jobs[t].n = per;
        jobs[t].lat = lat + (size_t)t * (size_t)per;
    }
    double t0 = now_s();
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&th[started], NULL, run, &jobs[started]))
            break;
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    double wall = now_s() - t0;
    if (started < threads) {
        fputs("bench_phone: cannot start threads\n", stderr);
        return 3;
    }
    int errors = 0;
    for (int t = 0; t < threads; t++)
        errors += jobs[t].errors;
    qsort(lat, total, sizeof *lat, cmp);
    printf("get per_s %.0f p50_ms %.2f p99_ms %.2f bytes %zu errors %d\n",
           (double)total / wall, lat[total / 2] * 1e3,
           lat[total * 99 / 100] * 1e3, jobs[0].bytes, errors);
    free(lat);
    free(jobs);
    free(th);
    curl_global_cleanup();
    return errors ? 1 : 0;
}
