/* phone_report.c -- the phone page closes the loop: every verdict page
 * carries a "report this label" form (no script, no personal data), its
 * POST is stored by the collector, and each lookup is recorded (what was
 * asked, the hour, the verdict; never the client's address) for the
 * clone-suspect rules (docs/phone-page.md, "Reports").
 *
 * The form is public and carries no CSRF token (there is no session to
 * bind one to), so what stands in front of the store is: a token bucket
 * per client address (an IPv6 address counts by its /64, which one
 * client usually holds whole), a fixed-size table of buckets so no number
 * of addresses grows memory, size limits on every field and the photo,
 * a photo must start like a JPEG or PNG, the request's Origin (and
 * Sec-Fetch-Site) must be this site's, and the label is judged again
 * from the URL: nothing the form says about the label is believed. */
#include "collector/collector.h"
#include "serve/serve.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define BUCKETS 8192 /* per-address buckets, shared on collision */
#define REPORT_BODY_MAX (COLLECTOR_PHOTO_MAX + 16384)
#define SHORT_FIELD_MAX 128 /* bytes of province and shop */

typedef struct bucket {
    double tokens, last;
    int used;
} bucket;

typedef struct limiter {
    double rate, burst;
    bucket b[BUCKETS];
} limiter;

struct phone_reports {
    collector_phone *store;
    pthread_mutex_t mu;
    uint8_t salt[crypto_shorthash_KEYBYTES]; /* fresh per instance */
    limiter reports, lookups;
    serve_log_fn log;
    void *log_ctx;
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int phone_reports_open(const char *collector_path,
                       const phone_report_limits *lim, phone_reports **out,
                       char *err, size_t errsz)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errsz, "cannot start libsodium");
        return -1;
    }
    phone_reports *pr = calloc(1, sizeof *pr);
    if (!pr || pthread_mutex_init(&pr->mu, NULL)) {
        free(pr);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    if (collector_phone_open(collector_path, &pr->store, err, errsz)) {
        pthread_mutex_destroy(&pr->mu);
        free(pr);
        return -1;
    }
    randombytes_buf(pr->salt, sizeof pr->salt);
    phone_report_limits d = PHONE_REPORT_LIMITS_DEFAULT;
    if (lim)
        d = *lim;
    pr->reports.rate = d.reports_per_hour / 3600.0;
    pr->reports.burst = d.reports_burst ? d.reports_burst : 1;
    pr->lookups.rate = d.lookups_per_minute / 60.0;
    pr->lookups.burst = d.lookups_burst ? d.lookups_burst : 1;
    *out = pr;
    return 0;
}

void phone_reports_set_log(phone_reports *pr, serve_log_fn log, void *ctx)
{
    if (pr) {
        pr->log = log;
        pr->log_ctx = ctx;
    }
}

void phone_reports_close(phone_reports *pr)
{
    if (!pr)
        return;
    collector_phone_close(pr->store);
    pthread_mutex_destroy(&pr->mu);
    free(pr);
}

/* The bucket index of the client: its IPv4 address, or the /64 of its
 * IPv6 address, hashed with the instance's secret salt. */
static size_t client_slot(phone_reports *pr, struct MHD_Connection *conn)
{
    uint8_t key[16] = {0};
    size_t n = 0;
    const union MHD_ConnectionInfo *ci =
        conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS)
             : NULL;
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *a =
            (const struct sockaddr_in *)(const void *)ci->client_addr;
        memcpy(key, &a->sin_addr, 4);
        n = 4;
    } else if (ci && ci->client_addr &&
               ci->client_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a =
            (const struct sockaddr_in6 *)(const void *)ci->client_addr;
        memcpy(key, &a->sin6_addr, 8);
        n = 8;
    }
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key, n, pr->salt);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return (size_t)(v % BUCKETS);
}

/* Take a token: 1 allowed, 0 refused (*wait seconds until one). */
static int take(phone_reports *pr, limiter *l, size_t slot, double *wait)
{
    double now = mono();
    pthread_mutex_lock(&pr->mu);
    bucket *b = &l->b[slot];
    if (!b->used) {
        b->used = 1;
        b->tokens = l->burst;
        b->last = now;
    }
    b->tokens += (now - b->last) * l->rate;
    if (b->tokens > l->burst)
        b->tokens = l->burst;
    b->last = now;
    int ok = b->tokens >= 1;
    if (ok)
        b->tokens -= 1;
    else if (wait)
        *wait = l->rate > 0 ? (1 - b->tokens) / l->rate : 3600;
    pthread_mutex_unlock(&pr->mu);
    return ok;
}

/* The label as the collector stores it (product "" and signer "_" when
 * no label was read). */
static void label_of(const labels_facts *f, collector_lookup *l)
{
    memset(l, 0, sizeof *l);
    snprintf(l->verdict, sizeof l->verdict, "%s",
             labels_verdict_word(f->verdict));
    snprintf(l->signer, sizeof l->signer, "_");
    if (f->have_label) {
        labels_key_id_hex(f->label.key_id, l->signer);
        snprintf(l->product, sizeof l->product, "%s", f->label.product);
        snprintf(l->lot, sizeof l->lot, "%s", f->label.lot);
        l->serial = f->label.serial;
    }
}

/* ---- The form on every verdict page ------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

/* Every string below is the module's own (labels/ words, no request
 * text), so none needs escaping. */
static void form_html(sbuf *b, labels_lang L)
{
    char line[512];
    put(b, "<section class=\"report\"><h2>");
    put(b, labels_report_text(LABELS_RM_TITLE, L));
    put(b, "</h2><p class=\"m\">");
    put(b, labels_report_text(LABELS_RM_INTRO, L));
    /* No action: the form posts to this very URL (payload and ?lang=). */
    put(b, "</p><form method=\"post\" enctype=\"multipart/form-data\">"
           "<p><label>");
    put(b, labels_report_text(LABELS_RM_WHAT, L));
    put(b, "<br><select name=\"what\" required>");
    for (int i = 0; i < LABELS_REPORT_COUNT_; i++) {
        snprintf(line, sizeof line, "<option value=\"%s\">%s</option>",
                 labels_report_reason_word((labels_report_reason)i),
                 labels_report_reason_text((labels_report_reason)i, L));
        put(b, line);
    }
    put(b, "</select></label></p><p><label>");
    put(b, labels_report_text(LABELS_RM_NOTE, L));
    snprintf(line, sizeof line,
             "<br><textarea name=\"note\" maxlength=\"%d\" rows=\"3\">"
             "</textarea></label></p><p><label>",
             COLLECTOR_NOTE_MAX);
    put(b, line);
    put(b, labels_report_text(LABELS_RM_PROVINCE, L));
    snprintf(line, sizeof line,
             "<br><input name=\"province\" maxlength=\"%d\"></label></p>"
             "<p><label>",
             SHORT_FIELD_MAX / 2);
    put(b, line);
    put(b, labels_report_text(LABELS_RM_SHOP, L));
    snprintf(line, sizeof line,
             "<br><input name=\"shop\" maxlength=\"%d\"></label></p>"
             "<p><label>",
             SHORT_FIELD_MAX / 2);
    put(b, line);
    put(b, labels_report_text(LABELS_RM_PHOTO, L));
    put(b, "<br><input type=\"file\" name=\"photo\" "
           "accept=\"image/jpeg,image/png\"></label></p><p><button>");
    put(b, labels_report_text(LABELS_RM_SEND, L));
    put(b, "</button></p></form></section>");
}

void phone_reports_on_page(phone_reports *pr, const labels_facts *facts,
                           labels_lang lang, struct MHD_Connection *conn,
                           serve_reply *r)
{
    if (!pr || !facts || !r->body)
        return;
    /* A lookup over its client's budget is answered, not recorded: a
     * flood of look-ups cannot make a genuine label a clone suspect. */
    if (facts->have_label &&
        take(pr, &pr->lookups, client_slot(pr, conn), NULL)) {
        collector_lookup l;
        char err[256];
        label_of(facts, &l);
        l.time = (int64_t)time(NULL);
        if (collector_phone_lookup(pr->store, &l, err, sizeof err) && pr->log)
            pr->log(pr->log_ctx, err);
    }
    char *at = strstr(r->body, "<footer>");
    if (!at)
        return;
    sbuf f = {0};
    form_html(&f, lang);
    size_t head = (size_t)(at - r->body);
    char *body = f.oom ? NULL : malloc(r->body_len + f.len + 1);
    if (body) {
        memcpy(body, r->body, head);
        memcpy(body + head, f.p, f.len);
        memcpy(body + head + f.len, at, r->body_len - head + 1);
        free(r->body);
        r->body = body;
        r->body_len += f.len;
    }
    free(f.p);
}

/* ---- The report's POST -------------------------------------------------- */

struct form {
    char what[24], note[COLLECTOR_NOTE_MAX + 1];
    char province[SHORT_FIELD_MAX], shop[SHORT_FIELD_MAX];
    unsigned char *photo;
    size_t photo_len;
    int bad;
};

/* Append data to a bounded text field; too long is refused, not cut. */
static void field_add(char *dst, size_t cap, uint64_t off, const char *data,
                      size_t size, int *bad)
{
    if (off + size + 1 > cap) {
        *bad = 1;
        return;
    }
    memcpy(dst + off, data, size);
    dst[off + size] = '\0';
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind,
                               const char *key, const char *filename,
                               const char *content_type,
                               const char *transfer_encoding, const char *data,
                               uint64_t off, size_t size)
{
    (void)kind;
    (void)filename;
    (void)content_type;
    (void)transfer_encoding;
    struct form *f = cls;
    if (!strcmp(key, "what"))
        field_add(f->what, sizeof f->what, off, data, size, &f->bad);
    else if (!strcmp(key, "note"))
        field_add(f->note, sizeof f->note, off, data, size, &f->bad);
    else if (!strcmp(key, "province"))
        field_add(f->province, sizeof f->province, off, data, size, &f->bad);
    else if (!strcmp(key, "shop"))
        field_add(f->shop, sizeof f->shop, off, data, size, &f->bad);
    else if (!strcmp(key, "photo") && size) {
        if (off != f->photo_len || off + size > COLLECTOR_PHOTO_MAX) {
            f->bad = 1;
        } else {
            unsigned char *p = realloc(f->photo, f->photo_len + size);
            if (!p) {
                f->bad = 1;
            } else {
                memcpy(p + f->photo_len, data, size);
                f->photo = p;
                f->photo_len += size;
            }
        }
    }
    return f->bad ? MHD_NO : MHD_YES;
}

/* The photo's type from its first bytes, or NULL. */
static const char *photo_type(const unsigned char *p, size_t n)
{
    static const unsigned char png[8] = {0x89, 'P',  'N',  'G',
                                         '\r', '\n', 0x1a, '\n'};
    if (n >= 8 && !memcmp(p, png, 8))
        return "image/png";
    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "image/jpeg";
    return NULL;
}

/* A browser's Sec-Fetch-Site says whether the form came from this site
 * (same-origin; none for a typed address); a form on another site, or in
 * a sandboxed frame of one, says cross-site or same-site. Without it (an
 * older browser, a script) Origin, when sent, must name the Host asked.
 * The page's Referrer-Policy no-referrer makes browsers send "Origin:
 * null" with the form, so "null" is decided by Sec-Fetch-Site alone. */
static int same_site(struct MHD_Connection *conn)
{
    const char *origin =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_HOST);
    const char *site =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
    if (site)
        return !strcmp(site, "same-origin") || !strcmp(site, "none");
    if (!origin)
        return 1;
    const char *sep = strstr(origin, "://");
    return host && sep && !strcasecmp(sep + 3, host);
}

/* Text fields hold UTF-8 without control characters; a note's line
 * breaks become spaces first (a stored report is one line per field). */
static int text_ok(char *s, int lines)
{
    for (char *p = s; lines && *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return labels_utf8_text_ok(s, strlen(s));
}

static void answer(serve_reply *r, unsigned status, labels_lang L,
                   labels_report_msg title, labels_report_msg text)
{
    sbuf b = {0};
    char head[512];
    snprintf(head, sizeof head,
             "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width,"
             "initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
             "<title>",
             labels_lang_code(L));
    put(&b, head);
    put(&b, labels_report_text(title, L));
    put(&b, "</title></head><body><main><h1>");
    put(&b, labels_report_text(title, L));
    put(&b, "</h1><p>");
    put(&b, labels_report_text(text, L));
    /* Back to the same URL by GET: nothing from the request is echoed. */
    put(&b, "</p><p><a href=\"\">");
    put(&b, labels_report_text(LABELS_RM_BACK, L));
    put(&b, "</a></p></main></body></html>\n");
    r->status = status;
    if (b.oom) {
        free(b.p);
        r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        r->content_type = "text/plain; charset=utf-8";
        snprintf(r->text, sizeof r->text, "out of memory");
        return;
    }
    r->body = b.p;
    r->body_len = b.len;
    r->content_type = "text/html; charset=utf-8";
}

/* The form's fields parsed and checked into rep; 0, or -1 (refused). */
static int read_form(struct MHD_Connection *conn, const char *body, size_t len,
                     struct form *f, collector_report *rep)
{
    struct MHD_PostProcessor *pp =
        len <= REPORT_BODY_MAX
            ? MHD_create_post_processor(conn, 16384, on_part, f)
            : NULL;
    if (!pp)
        return -1;
    int ok = MHD_post_process(pp, body, len) == MHD_YES && !f->bad;
    MHD_destroy_post_processor(pp);
    int reason = labels_report_reason_from_word(f->what);
    const char *type = f->photo_len ? photo_type(f->photo, f->photo_len) : "";
    if (!ok || reason < 0 || !type || !text_ok(f->note, 1) ||
        !text_ok(f->province, 0) || !text_ok(f->shop, 0))
        return -1;
    snprintf(rep->what, sizeof rep->what, "%s", f->what);
    snprintf(rep->note, sizeof rep->note, "%s", f->note);
    snprintf(rep->province, sizeof rep->province, "%s", f->province);
    snprintf(rep->shop, sizeof rep->shop, "%s", f->shop);
    snprintf(rep->photo_type, sizeof rep->photo_type, "%s", type);
    rep->photo = f->photo;
    rep->photo_len = f->photo_len;
    return 0;
}

void serve_phone_report(phone *p, struct MHD_Connection *conn,
                        const char *payload, const char *lang, const char *body,
                        size_t len, serve_reply *r)
{
    labels_lang L = labels_lang_from_code(lang) == LABELS_LANG_EN
                        ? LABELS_LANG_EN
                        : LABELS_LANG_VI;
    phone_reports *pr = phone_get_reports(p);
    r->fd = -1;
    r->headers = phone_page_headers;
    if (!pr) {
        answer(r, MHD_HTTP_NOT_FOUND, L, LABELS_RM_TITLE, LABELS_RM_REFUSED);
        return;
    }
    if (!same_site(conn)) {
        answer(r, MHD_HTTP_FORBIDDEN, L, LABELS_RM_TITLE, LABELS_RM_REFUSED);
        return;
    }
    double wait = 0;
    if (!take(pr, &pr->reports, client_slot(pr, conn), &wait)) {
        answer(r, MHD_HTTP_TOO_MANY_REQUESTS, L, LABELS_RM_TITLE,
               LABELS_RM_LIMITED);
        r->retry_after = (unsigned)wait + 1;
        return;
    }
    labels_facts facts;
    if (phone_facts(p, payload, &facts, NULL) != 0) {
        answer(r, MHD_HTTP_SERVICE_UNAVAILABLE, L, LABELS_RM_TITLE,
               LABELS_RM_REFUSED);
        r->retry_after = 60;
        return;
    }
    struct form f;
    collector_report rep;
    memset(&f, 0, sizeof f);
    memset(&rep, 0, sizeof rep);
    if (read_form(conn, body, len, &f, &rep) != 0) {
        free(f.photo);
        answer(r, MHD_HTTP_BAD_REQUEST, L, LABELS_RM_TITLE, LABELS_RM_REFUSED);
        return;
    }
    label_of(&facts, &rep.label);
    rep.time = (int64_t)time(NULL);
    int64_t id;
    char err[256];
    int rc = collector_phone_report(pr->store, &rep, &id, err, sizeof err);
    free(f.photo);
    if (rc) {
        if (pr->log)
            pr->log(pr->log_ctx, err);
        answer(r, MHD_HTTP_INTERNAL_SERVER_ERROR, L, LABELS_RM_TITLE,
               LABELS_RM_REFUSED);
        return;
    }
    answer(r, MHD_HTTP_OK, L, LABELS_RM_THANKS, LABELS_RM_THANKS_TEXT);
}
