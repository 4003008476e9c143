/* upload.c -- one upload round: pending batch or new batch, POST, mark. */
#include "upload.h"

#include "mirror_version.h"
#include "sync_state.h"
#include "upload_batch.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_MAGIC "OCOP-UPLOAD-PENDING/1"
#define STATE_MAX (64 * 1024 * 1024)

static int fail(upload_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(upload_result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- HTTP -------------------------------------------------------------- */

typedef struct answer {
    char text[200];
    size_t len;
    long retry_after;
} answer;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    answer *a = ctx;
    size_t total = size * n;
    size_t room = sizeof a->text - 1 - a->len;
    size_t take = total < room ? total : room;
    memcpy(a->text + a->len, p, take);
    a->len += take;
    a->text[a->len] = '\0';
    return total;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    answer *a = ctx;
    size_t total = size * n;
    static const char name[] = "retry-after:";
    if (total > strlen(name) && !strncasecmp(p, name, strlen(name))) {
        /* Seconds only; an HTTP-date is left to our own backoff. */
        char v[32];
        size_t vl = total - strlen(name);
        if (vl >= sizeof v)
            vl = sizeof v - 1;
        memcpy(v, p + strlen(name), vl);
        v[vl] = '\0';
        char *end;
        long s = strtol(v, &end, 10);
        while (*end == ' ' || *end == '\r' || *end == '\n')
            end++;
        if (end != v && !*end && s >= 0)
            a->retry_after = s;
    }
    return total;
}

int upload_post(const upload_config *cfg, const char *body, size_t len,
                upload_result *res)
{
    res->http_status = 0;
    res->retry_after_s = -1;
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(res->message, sizeof res->message, "cannot start libcurl");
        return -1;
    }
    answer a = {.retry_after = -1};
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdr = curl_slist_append(
        NULL, "Content-Type: application/vnd.ocop.scans; charset=us-ascii");
    /* No 100-continue round trip: batches are small and the collector
     * refuses oversize ones by Content-Length anyway. */
    struct curl_slist *hdr2 = hdr ? curl_slist_append(hdr, "Expect:") : NULL;
    if (!hdr2) {
        curl_slist_free_all(hdr);
        curl_easy_cleanup(h);
        snprintf(res->message, sizeof res->message, "out of memory");
        return -1;
    }
    hdr = hdr2;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
    if (rc == CURLE_OK)                                                        \
    rc = curl_easy_setopt(h, opt, val)
    SET(CURLOPT_URL, cfg->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_POSTFIELDS, body);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    SET(CURLOPT_HTTPHEADER, hdr);
    SET(CURLOPT_CONNECTTIMEOUT,
        cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 10L);
    SET(CURLOPT_TIMEOUT, cfg->timeout_s > 0 ? cfg->timeout_s : 60L);
    /* A link that crawls below 100 bytes/s for 30 s is as good as down. */
    SET(CURLOPT_LOW_SPEED_LIMIT, 100L);
    SET(CURLOPT_LOW_SPEED_TIME, 30L);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &a);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, &a);
    SET(CURLOPT_ERRORBUFFER, curl_err);
    SET(CURLOPT_USERAGENT, "ocop-kiosk/1");
    if (cfg->ca_file)
        SET(CURLOPT_CAINFO, cfg->ca_file);
#undef SET
    if (rc == CURLE_OK)
        rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->http_status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        snprintf(res->message, sizeof res->message, "collector unreachable: %s",
                 curl_err[0] ? curl_err : curl_easy_strerror(rc));
        return -1;
    }
    res->retry_after_s = a.retry_after;
    while (a.len && (a.text[a.len - 1] == '\n' || a.text[a.len - 1] == '\r'))
        a.text[--a.len] = '\0';
    for (size_t i = 0; i < a.len; i++)
        if ((unsigned char)a.text[i] < 0x20)
            a.text[i] = ' ';
    snprintf(res->message, sizeof res->message, "HTTP %ld: %s",
             res->http_status, a.text);
    return res->http_status == 200 ? 0 : -1;
}

/* ---- The pending batch ------------------------------------------------- */

typedef struct pending {
    int64_t first, last; /* scan IDs; 0 when the batch has no scans */
    int scans;
    int64_t ffirst, flast; /* finding IDs (docs/inspectors.md) */
    int findings;
    char *batch; /* points into file */
    size_t len;
    char *file;
} pending;

/* 1 loaded, 0 none (or unusable, removed), -1 error. */
static int pending_load(const char *path, pending *p, upload_result *res)
{
    memset(p, 0, sizeof *p);
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT
                   ? 0
                   : fail(res, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 ||
        st.st_size > STATE_MAX) {
        fclose(f);
        goto unusable;
    }
    p->file = malloc((size_t)st.st_size + 1);
    if (!p->file) {
        fclose(f);
        return fail(res, "out of memory reading %s", path);
    }
    size_t n = fread(p->file, 1, (size_t)st.st_size, f);
    fclose(f);
    if (n != (size_t)st.st_size)
        goto unusable;
    p->file[n] = '\0';
    char *nl = memchr(p->file, '\n', n);
    long long first, last, ffirst = 0, flast = 0;
    int scans, findings = 0, used = 0;
    if (!nl)
        goto unusable;
    /* Without findings the header is the original three numbers. */
    if (sscanf(p->file, STATE_MAGIC " %lld %lld %d %lld %lld %d%n", &first,
               &last, &scans, &ffirst, &flast, &findings, &used) != 6 ||
        p->file + used != nl) {
        findings = 0;
        used = 0;
        if (sscanf(p->file, STATE_MAGIC " %lld %lld %d%n", &first, &last,
                   &scans, &used) != 3 ||
            p->file + used != nl)
            goto unusable;
    }
    if (scans < 0 || findings < 0 || scans + findings <= 0 ||
        (scans > 0 && (first <= 0 || last < first)) ||
        (findings > 0 && (ffirst <= 0 || flast < ffirst)))
        goto unusable;
    p->first = first;
    p->last = last;
    p->scans = scans;
    p->ffirst = ffirst;
    p->flast = flast;
    p->findings = findings;
    p->batch = nl + 1;
    p->len = n - (size_t)(p->batch - p->file);
    return p->len ? 1 : 0;
unusable:
    /* A torn or foreign file: the scans are still pending in the log and
     * go out in a new batch; the collector stores each scan once. */
    free(p->file);
    p->file = NULL;
    unlink(path);
    return 0;
}

/* Whether the pending batch names this device key. */
static int signed_by(const pending *p, const labels_seckey *sec)
{
    static const char head[] = "OCOP-SCANS/1\nkiosk ";
    char kid[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(sec->id, kid);
    size_t hl = strlen(head);
    return p->len > hl + 16 && !memcmp(p->batch, head, hl) &&
           !memcmp(p->batch + hl, kid, 16) && p->batch[hl + 16] == '\n';
}

typedef struct collect {
    scan_record *recs;
    int n;
} collect;

static int collect_one(void *ctx, const scan_record *rec)
{
    collect *c = ctx;
    c->recs[c->n++] = *rec;
    return 0;
}

typedef struct collect_f {
    finding_record *recs;
    int n;
} collect_f;

static int collect_finding(void *ctx, const finding_record *rec)
{
    collect_f *c = ctx;
    c->recs[c->n++] = *rec;
    return 0;
}

/* The mirror's version and its data's age for the batch's `mirror` line:
 * the age counts from the publish time of the feed the kiosk holds (what
 * its expiry, and so its stale verdicts, count from); unknown (-1) before
 * the first sync or while the clock is not set. A mirror that cannot be
 * read reports version 0 rather than holding up the upload. */
static upload_mirror_report mirror_report(const upload_config *cfg, int64_t now)
{
    upload_mirror_report m = {0, -1};
    char err[KIOSK_PATH_MAX + 64];
    int64_t v = mirror_version(cfg->mirror, err, sizeof err);
    m.version = v > 0 ? v : 0;
    struct sync_state st;
    if (cfg->sync_state && sync_state_read(cfg->sync_state, &st) == 0 &&
        st.published > 0 && now >= (int64_t)st.published)
        m.data_age = now - (int64_t)st.published;
    return m;
}

/* Build a new batch from the log and write it as the pending file. 1
 * made, 0 nothing pending, -1 error. */
static int pending_make(const upload_config *cfg, const char *path,
                        scan_log *log, const labels_seckey *sec, pending *p,
                        upload_result *res)
{
    int max = cfg->batch_max > 0 ? cfg->batch_max : 200;
    if (max > UPLOAD_BATCH_MAX_SCANS)
        max = UPLOAD_BATCH_MAX_SCANS;
    collect c = {calloc((size_t)max, sizeof(scan_record)), 0};
    if (!c.recs)
        return fail(res, "out of memory");
    if (scan_log_pending(log, max, collect_one, &c) < 0) {
        free(c.recs);
        return fail(res, "%s", scan_log_error(log));
    }
    /* Inspectors' findings ride along in the room the scans left. */
    collect_f cf = {NULL, 0};
    if (c.n < max) {
        cf.recs = calloc((size_t)(max - c.n), sizeof(finding_record));
        if (!cf.recs) {
            free(c.recs);
            return fail(res, "out of memory");
        }
        if (scan_log_findings_pending(log, max - c.n, collect_finding, &cf) <
            0) {
            free(c.recs);
            free(cf.recs);
            return fail(res, "%s", scan_log_error(log));
        }
    }
    if (c.n == 0 && cf.n == 0) {
        free(c.recs);
        free(cf.recs);
        return 0;
    }
    uint8_t id[UPLOAD_BATCH_ID_BYTES];
    randombytes_buf(id, sizeof id);
    char *batch;
    size_t blen;
    int64_t now = (int64_t)time(NULL);
    upload_mirror_report mr =
        cfg->mirror ? mirror_report(cfg, now) : (upload_mirror_report){0, -1};
    if (upload_batch_build_mirror(sec, id, now, cfg->mirror ? &mr : NULL,
                                  c.recs, (size_t)c.n, cf.recs, (size_t)cf.n,
                                  &batch, &blen) != 0) {
        free(c.recs);
        free(cf.recs);
        return fail(res, "cannot build a scan batch");
    }
    char head[160];
    int hl;
    p->first = c.n ? c.recs[0].id : 0;
    p->last = c.n ? c.recs[c.n - 1].id : 0;
    p->scans = c.n;
    p->ffirst = cf.n ? cf.recs[0].id : 0;
    p->flast = cf.n ? cf.recs[cf.n - 1].id : 0;
    p->findings = cf.n;
    if (cf.n == 0)
        hl = snprintf(head, sizeof head, STATE_MAGIC " %lld %lld %d\n",
                      (long long)p->first, (long long)p->last, c.n);
    else
        hl = snprintf(head, sizeof head,
                      STATE_MAGIC " %lld %lld %d %lld %lld %d\n",
                      (long long)p->first, (long long)p->last, c.n,
                      (long long)p->ffirst, (long long)p->flast, cf.n);
    free(c.recs);
    free(cf.recs);
    p->file = malloc((size_t)hl + blen);
    if (!p->file) {
        free(batch);
        return fail(res, "out of memory");
    }
    memcpy(p->file, head, (size_t)hl);
    memcpy(p->file + hl, batch, blen);
    free(batch);
    p->batch = p->file + hl;
    p->len = blen;
    int rc =
        labels_file_write_atomic(path, p->file, (size_t)hl + blen, 0600, 0);
    if (rc != LABELS_OK) {
        free(p->file);
        p->file = NULL;
        return fail(res, "cannot write %s: %s", path,
                    rc == LABELS_ERR_IO ? strerror(errno)
                                        : labels_strerror(rc));
    }
    return 1;
}

int upload_round(const upload_config *cfg, scan_log *log,
                 const labels_seckey *sec, upload_result *res)
{
    memset(res, 0, sizeof *res);
    res->retry_after_s = -1;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", cfg->state_dir,
                         UPLOAD_PENDING_FILE) >= sizeof path)
        return fail(res, "state directory path too long");
    pending p;
    int have = pending_load(path, &p, res);
    if (have < 0)
        return -1;
    if (have && !signed_by(&p, sec)) {
        /* Made under a device key since replaced: it could never be
         * accepted. Its scans are still pending in the log. */
        free(p.file);
        unlink(path);
        have = 0;
    }
    if (have)
        res->resent = 1;
    else if ((have = pending_make(cfg, path, log, sec, &p, res)) <= 0)
        return have; /* 0: idle, -1: error */
    res->scans = p.scans;
    res->findings = p.findings;
    int ok = upload_post(cfg, p.batch, p.len, res) == 0;
    if (cfg->after_post)
        cfg->after_post(cfg->hook_ctx, res->http_status);
    if (!ok) {
        free(p.file);
        /* 409: the collector holds other bytes under this batch ID; a
         * fresh ID next round resolves it (scans are stored once). */
        if (res->http_status == 409)
            unlink(path);
        res->outcome = UPLOAD_FAILED;
        return 0;
    }
    /* Mark first, then forget the batch: a crash in between resends it
     * and the collector answers "already stored". */
    if ((p.scans > 0 && scan_log_mark_uploaded(log, p.first, p.last) != 0) ||
        (p.findings > 0 &&
         scan_log_findings_mark_uploaded(log, p.ffirst, p.flast) != 0)) {
        free(p.file);
        return fail(res, "%s", scan_log_error(log));
    }
    free(p.file);
    if (unlink(path) != 0 && errno != ENOENT)
        return fail(res, "cannot remove %s: %s", path, strerror(errno));
    res->outcome = UPLOAD_SENT;
    return 0;
}
