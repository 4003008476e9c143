/* phone.c -- GET /V/<payload>: the URL printed in every QR, for a
 * shopper whose phone camera opens it. The verdict comes from the same
 * labels_check() a kiosk runs, against the authority's mirror file.
 *
 * Mirror handles belong to one thread, and libmicrohttpd answers on a
 * pool of threads, so handles live in a small pool: a request borrows
 * one, checks, and gives it back. The export replaces the mirror by
 * rename; at most once a second a request stats the path, and a changed
 * file bumps a generation number so each pooled handle reopens on its
 * next use. */
#include "serve/serve.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

typedef struct slot {
    struct slot *next;
    labels_mirror *m;
    unsigned gen; /* the generation m was opened at */
    char published[32];
} slot;

struct phone {
    char *path;
    int fixed_today;
    uint16_t today;
    pthread_mutex_t lock;
    slot *free_slots;
    unsigned gen;
    double last_stat;
    struct stat seen;
    serve_log_fn log;
    void *log_ctx;
    phone_reports *reports; /* NULL: no report form, no lookups kept */
};

/* Every answer varies with the registry, so none may be cached; the page
 * needs nothing but its own inline style (no sniffing, no framing: the
 * front's headers, httpd_common_headers()). */
/* clang-format off */
const char *const phone_page_headers[] = {
    "Cache-Control", "no-store",
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options", "nosniff",
    "Referrer-Policy", "no-referrer",
    NULL,
};
/* clang-format on */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Open the mirror into sl (replacing its handle only on success, so a
 * failed reopen keeps answering from the previous export). */
static int slot_open(phone *p, slot *sl, unsigned gen)
{
    labels_mirror *m;
    if (labels_mirror_open(p->path, &m) != LABELS_OK)
        return -1;
    int64_t version;
    char published[32];
    if (labels_mirror_info(m, &version, published) != LABELS_OK)
        published[0] = '\0';
    labels_mirror_close(sl->m);
    sl->m = m;
    sl->gen = gen;
    memcpy(sl->published, published, sizeof published);
    return 0;
}

int phone_open(const char *mirror_path, const char *today_iso, phone **out,
               char *err, size_t errsz)
{
    *out = NULL;
    phone *p = calloc(1, sizeof *p);
    slot *sl = calloc(1, sizeof *sl);
    if (!p || !sl || !(p->path = strdup(mirror_path))) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    if (today_iso) {
        if (labels_date_parse(today_iso, &p->today) != LABELS_OK) {
            snprintf(err, errsz, "bad date '%s' (want YYYY-MM-DD)", today_iso);
            goto fail;
        }
        p->fixed_today = 1;
    }
    if (stat(mirror_path, &p->seen) != 0 || slot_open(p, sl, 0) != 0) {
        snprintf(err, errsz,
                 "cannot open the mirror %s (missing or not a "
                 "mirror)",
                 mirror_path);
        goto fail;
    }
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        snprintf(err, errsz, "cannot create a lock");
        labels_mirror_close(sl->m);
        goto fail;
    }
    p->last_stat = mono_s();
    p->free_slots = sl;
    *out = p;
    return 0;
fail:
    free(sl);
    if (p)
        free(p->path);
    free(p);
    return -1;
}

void phone_set_log(phone *p, serve_log_fn log, void *ctx)
{
    if (p) {
        p->log = log;
        p->log_ctx = ctx;
    }
}

void phone_close(phone *p)
{
    if (!p)
        return;
    while (p->free_slots) {
        slot *sl = p->free_slots;
        p->free_slots = sl->next;
        labels_mirror_close(sl->m);
        free(sl);
    }
    pthread_mutex_destroy(&p->lock);
    free(p->path);
    free(p);
}

/* A handle on the current mirror, or NULL (with nothing borrowed). */
static slot *borrow(phone *p)
{
    pthread_mutex_lock(&p->lock);
    double now = mono_s();
    if (now - p->last_stat >= 1.0) {
        struct stat st;
        p->last_stat = now;
        /* A mirror that vanished keeps being served from the open
         * handles: better the last export than no answer. */
        if (stat(p->path, &st) == 0 && !same_file(&st, &p->seen)) {
            p->seen = st;
            p->gen++;
        }
    }
    unsigned gen = p->gen;
    slot *sl = p->free_slots;
    if (sl)
        p->free_slots = sl->next;
    pthread_mutex_unlock(&p->lock);

    if (!sl) {
        /* More requests at once than handles so far: the pool grows to
         * the server's thread count and stays there. */
        sl = calloc(1, sizeof *sl);
        if (!sl)
            return NULL;
        if (slot_open(p, sl, gen) != 0) {
            free(sl);
            return NULL;
        }
    } else if (sl->gen != gen && slot_open(p, sl, gen) != 0 && p->log) {
        char line[4200];
        snprintf(line, sizeof line,
                 "cannot reopen the mirror %s; answering from the previous "
                 "one",
                 p->path);
        p->log(p->log_ctx, line);
    }
    return sl;
}

static void give_back(phone *p, slot *sl)
{
    pthread_mutex_lock(&p->lock);
    sl->next = p->free_slots;
    p->free_slots = sl;
    pthread_mutex_unlock(&p->lock);
}

/* Worth a look-up: letters and digits only (a payload is uppercase
 * base32; a lowercased one gets the engine's own answer). Anything else
 * never reaches the engine. */
static int payload_shaped(const char *s, size_t len)
{
    if (len == 0 || len > LABELS_PARSE_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

void phone_set_reports(phone *p, phone_reports *pr)
{
    if (p)
        p->reports = pr;
}

phone_reports *phone_get_reports(phone *p) { return p ? p->reports : NULL; }

/* The facts for text (len bytes; shaped: worth a look-up) from the
 * current mirror: 0, or -1 when the mirror or the date cannot be read. */
static int text_facts(phone *p, const char *text, size_t len, int shaped,
                      labels_facts *facts, char published[32])
{
    memset(facts, 0, sizeof *facts);
    if (!shaped) {
        facts->verdict = LABELS_V_NOT_OCOP;
        facts->parse_error = LABELS_ERR_NOT_LABEL;
        return 0;
    }
    uint16_t today = p->today;
    slot *sl = NULL;
    if (!(p->fixed_today || labels_date_today(&today) == LABELS_OK) ||
        !(sl = borrow(p)))
        return -1;
    int rc = labels_check(sl->m, text, len, today, facts) == LABELS_OK;
    if (published)
        memcpy(published, sl->published, sizeof sl->published);
    give_back(p, sl);
    return rc ? 0 : -1;
}

int phone_facts(phone *p, const char *payload, labels_facts *facts,
                char published[32])
{
    size_t len = strlen(payload);
    return text_facts(p, payload, len, payload_shaped(payload, len), facts,
                      published);
}

static labels_lang page_lang(const char *lang)
{
    return labels_lang_from_code(lang) == LABELS_LANG_EN ? LABELS_LANG_EN
                                                         : LABELS_LANG_VI;
}

/* r->body (a rendered page) as HTML with headers, or a plain 500 when
 * rendering ran out of memory. */
static void page_reply(serve_reply *r, const char *const *headers)
{
    if (!r->body) {
        r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        r->content_type = "text/plain; charset=utf-8";
        snprintf(r->text, sizeof r->text, "out of memory");
        return;
    }
    r->content_type = "text/html; charset=utf-8";
    r->headers = headers;
}

/* The verdict page for text (len bytes; shaped: worth a look-up); conn
 * (may be NULL) gets the report form and the recorded lookup. */
static void verdict_page(phone *p, const char *text, size_t len, int shaped,
                         labels_lang L, struct MHD_Connection *conn,
                         serve_reply *r)
{
    labels_facts facts;
    char published[32] = "";
    const labels_facts *shown =
        text_facts(p, text, len, shaped, &facts, published) == 0 ? &facts
                                                                 : NULL;
    r->fd = -1;
    r->status = MHD_HTTP_OK;
    if (!shown) {
        r->status = MHD_HTTP_SERVICE_UNAVAILABLE;
        r->retry_after = 60;
    } else if (facts.verdict == LABELS_V_NOT_OCOP) {
        r->status = MHD_HTTP_NOT_FOUND;
    }
    r->body = phone_page_render(shown, L, published, &r->body_len);
    page_reply(r, phone_page_headers);
    if (r->body && conn)
        phone_reports_on_page(p->reports, shown, L, conn, r);
}

void serve_phone_page(phone *p, const char *payload, const char *lang,
                      struct MHD_Connection *conn, serve_reply *r)
{
    size_t len = strlen(payload);
    verdict_page(p, payload, len, payload_shaped(payload, len), page_lang(lang),
                 conn, r);
}

/* The home page posts its form here (GET, no script); only this page
 * needs a form-action of its own. */
/* clang-format off */
static const char *const home_headers[] = {
    "Cache-Control", "no-store",
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options", "nosniff",
    "Referrer-Policy", "no-referrer",
    "X-Frame-Options", "DENY",
    NULL,
};
/* clang-format on */

void serve_phone_home(phone *p, const char *code, const char *lang,
                      serve_reply *r)
{
    labels_lang L = page_lang(lang);
    if (code && code[0]) {
        /* A code typed or pasted by hand: white space dropped (a line
         * break copied from a QR reader app), then judged whole, host
         * included, exactly as a kiosk judges the same text. */
        char text[LABELS_PARSE_MAX + 1];
        size_t n = 0;
        int fits = 1;
        for (const char *c = code; *c; c++) {
            if (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n')
                continue;
            if (n == LABELS_PARSE_MAX) {
                fits = 0;
                break;
            }
            text[n++] = *c;
        }
        text[n] = '\0';
        verdict_page(p, text, n, fits && n > 0, L, NULL, r);
        return;
    }
    r->fd = -1;
    r->status = MHD_HTTP_OK;
    r->body = phone_home_render(L, &r->body_len);
    page_reply(r, home_headers);
}
