/* http.c -- libcurl transfers for the feed. Every body is capped at the
 * size the caller expects, so an endless or oversized response costs at
 * most that many bytes; transient failures are retried with exponential
 * backoff and jitter, honouring Retry-After. */
#include "http.h"

#include "log.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_REDIRECTS 3

static uint64_t wire_bytes;

uint64_t http_wire_bytes(void) { return wire_bytes; }

struct xfer {
    CURL *curl;
    /* memory mode */
    struct http_buf *buf;
    size_t max;
    /* file mode */
    FILE *f;
    uint64_t have, size;
    uint64_t discarded; /* bytes of error pages read and dropped */
    int too_big;
    int write_failed;
    char etag[256];
};

/* A body worth keeping: an HTTP 2xx, or a file:// read (no status). */
static int is_2xx(CURL *c)
{
    long code = 0;
    char *scheme = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300)
        return 1;
    return code == 0 &&
           curl_easy_getinfo(c, CURLINFO_SCHEME, &scheme) == CURLE_OK &&
           scheme && strcasecmp(scheme, "file") == 0;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = sz * n;
    if (!is_2xx(x->curl)) {
        /* An error page: read and drop it, but not forever. */
        x->discarded += len;
        return x->discarded > 65536 ? 0 : len;
    }
    if (x->f) {
        if (x->have + len > x->size) {
            x->too_big = 1;
            return 0;
        }
        if (fwrite(p, 1, len, x->f) != len) {
            x->write_failed = 1;
            return 0;
        }
        x->have += len;
        return len;
    }
    if (x->buf->len + len > x->max) {
        x->too_big = 1;
        return 0;
    }
    char *d = realloc(x->buf->data, x->buf->len + len + 1);
    if (!d)
        return 0;
    memcpy(d + x->buf->len, p, len);
    x->buf->data = d;
    x->buf->len += len;
    d[x->buf->len] = 0;
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = sz * n;
    if (len > 5 && !strncasecmp(p, "etag:", 5)) {
        size_t i = 5;
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        size_t j = len;
        while (j > i &&
               (p[j - 1] == '\r' || p[j - 1] == '\n' || p[j - 1] == ' '))
            j--;
        if (j - i < sizeof x->etag) {
            memcpy(x->etag, p + i, j - i);
            x->etag[j - i] = 0;
        }
    }
    return len;
}

/* Host (and port) of a URL, for the same-host redirect rule. */
static int url_host(const char *url, char *out, size_t outsz)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    int rc = -1;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
            CURLUE_OK) {
        snprintf(out, outsz, "%s:%s", host, port);
        rc = 0;
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* REDIRECT only between attempt()'s helpers: a same-host redirect. */
enum outcome { DONE, RETRY, FAIL, NOT_MODIFIED, TOO_BIG, REDIRECT, GONE };

/* The transfer's options for one hop to cur. The settings that make the
 * transfer safe must take, or the request is not made at all: -1. */
static int set_options(CURL *c, const struct kiosk_config *cfg, const char *cur,
                       int is_file, struct xfer *x, struct curl_slist *hdrs)
{
    if (curl_easy_setopt(c, CURLOPT_URL, cur) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                         is_file ? "file" : "http,https") != CURLE_OK ||
        (cfg->ca_file[0] &&
         curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file) != CURLE_OK) ||
        (cfg->pin[0] &&
         curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, cfg->pin) != CURLE_OK))
        return -1;
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ocop-kiosk/1");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->timeout);
    if (cfg->low_speed_limit > 0) {
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, cfg->low_speed_limit);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, cfg->low_speed_time);
    }
    if (hdrs)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    if (x->f) {
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                         (curl_off_t)(x->size - x->have));
        if (x->have)
            curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->have);
    } else {
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
    }
    return 0;
}

/* What one hop to cur came to: curl's result cc, the HTTP code and the
 * redirect target next ("" none). REDIRECT: follow next (same host). */
static enum outcome hop_outcome(struct xfer *x, CURLcode cc, long code,
                                const char *cur, const char *next,
                                const char *etag_in, int is_file, char *err,
                                size_t errsz)
{
    if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errsz, "%s: response larger than the %llu bytes expected",
                 cur, (unsigned long long)(x->f ? x->size : x->max));
        return TOO_BIG;
    }
    if (x->write_failed) {
        snprintf(err, errsz, "%s: cannot write the download: %s", cur,
                 strerror(errno));
        return FAIL;
    }
    if (cc == CURLE_RANGE_ERROR && x->f) {
        /* The server ignored our Range: start the file over. */
        if (ftruncate(fileno(x->f), 0) != 0 || fseek(x->f, 0, SEEK_SET))
            return FAIL;
        x->have = 0;
        snprintf(err, errsz, "%s: server cannot resume", cur);
        return RETRY;
    }
    if (cc == CURLE_FILE_COULDNT_READ_FILE && is_file) {
        snprintf(err, errsz, "%s: no such file", cur);
        return GONE;
    }
    if (cc != CURLE_OK) {
        snprintf(err, errsz, "%s: %s", cur, curl_easy_strerror(cc));
        return cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
                       cc == CURLE_PEER_FAILED_VERIFICATION ||
                       cc == CURLE_UNSUPPORTED_PROTOCOL ||
                       cc == CURLE_URL_MALFORMAT
                   ? FAIL
                   : RETRY;
    }
    if (code == 304) {
        if (etag_in && *etag_in)
            return NOT_MODIFIED;
        snprintf(err, errsz, "%s: HTTP 304 to an unconditional request", cur);
        return FAIL;
    }
    if ((code >= 200 && code < 300) || is_file)
        return DONE;
    if (next[0]) {
        char h1[300], h2[300];
        if (url_host(cur, h1, sizeof h1) || url_host(next, h2, sizeof h2) ||
            strcmp(h1, h2)) {
            snprintf(err, errsz, "%s: refused redirect to another host (%s)",
                     cur, next);
            return FAIL;
        }
        return REDIRECT;
    }
    snprintf(err, errsz, "%s: HTTP %ld", cur, code);
    if (code == 404 || code == 410)
        return GONE;
    return code >= 500 || code == 429 || code == 408 ? RETRY : FAIL;
}

/* One request, following same-host redirects. */
static enum outcome attempt(const struct kiosk_config *cfg, const char *url,
                            struct xfer *x, const char *etag_in,
                            long *retry_after, char *err, size_t errsz)
{
    char cur[KIOSK_URL_MAX];
    snprintf(cur, sizeof cur, "%s", url);
    /* A file:// feed (a local folder: the demo, a USB stick) is allowed
     * only when configured as such; nothing can redirect to one. */
    int is_file = strncmp(url, "file://", 7) == 0;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        CURL *c = curl_easy_init();
        if (!c) {
            snprintf(err, errsz, "cannot start libcurl");
            return FAIL;
        }
        x->curl = c;
        if (x->buf)
            x->buf->len = 0; /* a retry starts the body over */
        x->too_big = x->write_failed = 0;
        x->discarded = 0;
        x->etag[0] = 0;
        struct curl_slist *hdrs = NULL;
        char inm[300];
        if (etag_in && *etag_in) {
            snprintf(inm, sizeof inm, "If-None-Match: %s", etag_in);
            hdrs = curl_slist_append(hdrs, inm);
        }
        if (set_options(c, cfg, cur, is_file, x, hdrs) != 0) {
            snprintf(err, errsz,
                     "%s: libcurl refused the URL, protocol, CA "
                     "or pin settings",
                     cur);
            curl_slist_free_all(hdrs);
            curl_easy_cleanup(c);
            return FAIL;
        }
        CURLcode cc = curl_easy_perform(c);
        long code = 0;
        curl_off_t ra = -1, down = 0;
        long hsize = 0, rsize = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra);
        curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hsize);
        curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &rsize);
        curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
        wire_bytes += (uint64_t)hsize + (uint64_t)rsize + (uint64_t)down;
        char *loc = NULL;
        char next[KIOSK_URL_MAX] = "";
        if (code >= 300 && code < 400 && code != 304 &&
            curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
            loc)
            snprintf(next, sizeof next, "%s", loc);
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        x->curl = NULL;
        *retry_after = ra > 0 ? (long)ra : 0;
        enum outcome o =
            hop_outcome(x, cc, code, cur, next, etag_in, is_file, err, errsz);
        if (o != REDIRECT)
            return o;
        snprintf(cur, sizeof cur, "%s", next);
    }
    snprintf(err, errsz, "%s: too many redirects", url);
    return FAIL;
}

static int run(const struct kiosk_config *cfg, const char *url, struct xfer *x,
               const char *etag_in, char *err, size_t errsz)
{
    for (long i = 0;; i++) {
        long retry_after = 0;
        enum outcome o =
            attempt(cfg, url, x, etag_in, &retry_after, err, errsz);
        if (o == DONE)
            return HTTP_OK;
        if (o == NOT_MODIFIED)
            return HTTP_NOT_MODIFIED;
        if (o == TOO_BIG)
            return HTTP_TOO_BIG;
        if (o == GONE)
            return HTTP_GONE;
        if (o == FAIL || i >= cfg->retries)
            return HTTP_FAILED;
        /* Exponential backoff with jitter in [base/2, base], so kiosks
         * that lost the network together do not return together. In
         * long long: long is 32 bits on some kiosk boards. */
        long long cap = (long long)cfg->max_backoff * 1000;
        long long base = cfg->backoff_ms;
        for (long k = 0; k < i && base < cap; k++)
            base *= 2;
        if (base > cap)
            base = cap;
        long long wait =
            base / 2 + randombytes_uniform((uint32_t)(base / 2 + 1));
        long long ra = retry_after > 0 ? (long long)retry_after * 1000 : 0;
        if (ra > wait)
            wait = ra > cap ? cap : ra;
        kiosk_log("sync: %s; retry %ld of %ld in %lld ms", err, i + 1,
                  cfg->retries, wait);
        pause_ms((long)wait);
    }
}

int http_get(const struct kiosk_config *cfg, const char *url,
             const char *etag_in, size_t max, struct http_buf *out,
             char etag_out[256], char *err, size_t errsz)
{
    out->data = NULL;
    out->len = 0;
    struct xfer x = {.buf = out, .max = max};
    int rc = run(cfg, url, &x, etag_in, err, errsz);
    if (rc == HTTP_OK && etag_out)
        memcpy(etag_out, x.etag, sizeof x.etag);
    if (rc != HTTP_OK) {
        free(out->data);
        out->data = NULL;
        out->len = 0;
    }
    return rc;
}

int http_download(const struct kiosk_config *cfg, const char *url,
                  const char *part_path, uint64_t size, char *err, size_t errsz)
{
    /* Our own part file: a link planted in its place is removed, never
     * appended through (issue 12). */
    int fd = -1;
    int lr = labels_file_open_own(part_path, O_WRONLY | O_CREAT | O_APPEND,
                                  0644, &fd);
    FILE *f = lr == LABELS_OK ? fdopen(fd, "ab") : NULL;
    if (!f) {
        snprintf(err, errsz, "cannot write %s: %s", part_path,
                 lr == LABELS_OK || lr == LABELS_ERR_IO ? strerror(errno)
                                                        : labels_strerror(lr));
        if (fd >= 0)
            close(fd);
        return HTTP_FAILED;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return HTTP_FAILED;
    }
    uint64_t have = (uint64_t)st.st_size;
    if (have > size) {
        if (ftruncate(fileno(f), 0) != 0) {
            fclose(f);
            return HTTP_FAILED;
        }
        have = 0;
    }
    int rc = HTTP_OK;
    if (have > 0 && have < size)
        kiosk_log("sync: resuming %s at byte %llu of %llu", url,
                  (unsigned long long)have, (unsigned long long)size);
    if (have < size) {
        struct xfer x = {.f = f, .have = have, .size = size, .max = 65536};
        rc = run(cfg, url, &x, NULL, err, errsz);
        if (rc == HTTP_OK && x.have != size) {
            snprintf(err, errsz, "%s: truncated at %llu of %llu bytes", url,
                     (unsigned long long)x.have, (unsigned long long)size);
            rc = HTTP_FAILED;
        }
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        if (rc == HTTP_OK)
            snprintf(err, errsz, "cannot write %s: %s", part_path,
                     strerror(errno));
        rc = HTTP_FAILED;
    }
    if (fclose(f) != 0 && rc == HTTP_OK) {
        snprintf(err, errsz, "cannot write %s: %s", part_path, strerror(errno));
        rc = HTTP_FAILED;
    }
    return rc;
}
