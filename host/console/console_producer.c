/* console_producer.c -- a producer helps itself: its products with status
 * and stars, its keys and pending requests, the print bundle (a mirror
 * fresh from the registry and the authority's verify address, ready for
 * `ocop-host print`), and the serial ranges it printed per lot, uploaded
 * from print's local record (`<key>.printed`, docs/printing.md) when it
 * chooses to, with overlapping ranges flagged. */
#include "console_int.h"

#include "registry/registry.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PRINTED_MAGIC "# ocop printed ranges v1"
#define PRINTED_MAX_LINES 10000

void sql_table(sqlite3 *db, html *h, const char *sql, const char *arg,
               const int *cols, int n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    html_raw(h, "<table><thead><tr>");
    for (int i = 0; i < n; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(h->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    while (sqlite3_step(st) == SQLITE_ROW) {
        html_raw(h, "<tr>");
        for (int i = 0; i < n; i++) {
            html_raw(h, "<td>");
            const char *v = (const char *)sqlite3_column_text(st, i);
            /* Stored keys (statuses, request states) are shown as words. */
            html_text(h, console_word(h->lang, v ? v : ""));
            html_raw(h, "</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table>");
    sqlite3_finalize(st);
}

static void heading(html *h, int msg)
{
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, msg));
    html_raw(h, "</h2>");
}

static void mine_page(struct console_ctx *c, const creq *r, creply *rep)
{
    const char *pc = r->session->user.producer;
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_MINE));
    heading(h, T_PRODUCTS);
    static const int pcols[] = {T_CODE,   T_NAME,   T_STARS,
                                T_STATUS, T_REASON, T_EXPIRES};
    sql_table(c->db, h,
              "SELECT code, name, CASE WHEN proposed5 THEN '4 → 5' ELSE"
              " stars END, status, status_reason, expires FROM products"
              " WHERE producer=?1 ORDER BY code",
              pc, pcols, 6);
    heading(h, T_KEYS);
    static const int kcols[] = {T_KEY_ID, T_ENROLLED, T_REVOKED, T_REASON};
    sql_table(c->db, h,
              "SELECT key_id, enrolled, ifnull(revoked,''),"
              " ifnull(revoke_reason,'') FROM keys WHERE producer=?1"
              " ORDER BY enrolled, key_id",
              pc, kcols, 4);
    heading(h, T_PENDING);
    static const int rcols[] = {T_KEY_ID, T_CREATED, T_STATUS};
    sql_table(c->db, h,
              "SELECT key_id, requested, state FROM console_key_requests"
              " WHERE producer=?1 ORDER BY id DESC",
              pc, rcols, 3);
    heading(h, T_BUNDLE);
    html_raw(h, "<p>");
    html_text(h, tr(r->lang, T_BUNDLE_HELP));
    html_raw(h, "</p><p><a class=\"button\" href=\"/console/mine/bundle\">");
    html_text(h, tr(r->lang, T_DOWNLOAD));
    html_raw(h, "</a></p>");
    heading(h, T_PRINTED);
    static const int gcols[] = {T_CODE, T_LOT,    T_FIRST,
                                T_LAST, T_ISSUED, T_OVERLAP};
    sql_table(c->db, h,
              "SELECT a.product, a.lot, a.first, a.last, a.issued,"
              " (SELECT group_concat(b.first || '-' || b.last, ', ') FROM"
              " printed_ranges b WHERE b.product=a.product AND b.lot=a.lot"
              " AND b.id<>a.id AND b.first<=a.last AND b.last>=a.first)"
              " FROM printed_ranges a WHERE a.producer=?1"
              " ORDER BY a.product, a.lot, a.first",
              pc, gcols, 6);
    html_raw(h, "<form method=\"post\" action=\"/console/mine/printed\" "
                "enctype=\"multipart/form-data\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<label>");
    html_text(h, tr(r->lang, T_CODE));
    html_raw(h, " <input name=\"product\" required maxlength=\"12\"></label> "
                "<label>");
    html_text(h, tr(r->lang, T_PRINTED_FILE));
    html_raw(h, " <input type=\"file\" name=\"printed\" required></label> "
                "<button>");
    html_text(h, tr(r->lang, T_UPLOAD));
    html_raw(h, "</button></form>");
    page_end(h);
}

/* ---- The print bundle: a ustar archive --------------------------------- */

/* Append n bytes to a download being built. */
static int html_bytes(html *t, const void *data, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 65536;
        while (cap < t->len + n)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p)
            return -1;
        t->p = p;
        t->cap = cap;
    }
    if (n)
        memcpy(t->p + t->len, data, n);
    t->len += n;
    return 0;
}

static int tar_add(html *t, const char *name, const void *data, size_t len)
{
    unsigned char hd[512];
    memset(hd, 0, sizeof hd);
    snprintf((char *)hd, 100, "%s", name);
    snprintf((char *)hd + 100, 8, "%07o", 0644);
    snprintf((char *)hd + 108, 8, "%07o", 0);
    snprintf((char *)hd + 116, 8, "%07o", 0);
    snprintf((char *)hd + 124, 12, "%011lo", (unsigned long)len);
    snprintf((char *)hd + 136, 12, "%011lo", (unsigned long)time(NULL));
    hd[156] = '0';
    memcpy(hd + 257, "ustar", 6);
    memcpy(hd + 263, "00", 2);
    memset(hd + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof hd; i++)
        sum += hd[i];
    snprintf((char *)hd + 148, 8, "%06o", sum);
    static const char zeros[512];
    size_t pad = (512 - len % 512) % 512;
    return html_bytes(t, (const char *)hd, sizeof hd) ||
           html_bytes(t, data, len) || html_bytes(t, zeros, pad);
}

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    *out = NULL;
    if (!f || fstat(fileno(f), &st) || st.st_size < 0 ||
        !(*out = malloc((size_t)st.st_size + 1)) ||
        fread(*out, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        if (f)
            fclose(f);
        free(*out);
        *out = NULL;
        return -1;
    }
    fclose(f);
    *len = (size_t)st.st_size;
    return 0;
}

/* mirror.db (the published mirror), verify-host.txt, PRINT.txt. */
static int bundle_build(struct console_ctx *c, const creq *r, html *t,
                        char *err, size_t errsz)
{
    char *mirror = NULL, hosts[512] = "";
    size_t mlen = 0;
    if (read_file(c->cfg->bundle_mirror, &mirror, &mlen)) {
        snprintf(err, errsz, "cannot read the mirror %s",
                 c->cfg->bundle_mirror);
        return -1;
    }
    if (registry_meta_get(c->db, "verify_hosts", hosts, sizeof hosts) < 0)
        hosts[0] = '\0';
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(hosts, " "), hosts);
    char text[2048];
    snprintf(text, sizeof text,
             "%s\n\nocop-host print --mirror mirror.db --key %s.sec "
             "--product CODE --lot LOT --serials 1-100 --format pdf "
             "--out labels.pdf%s%s\n",
             tr(r->lang, T_BUNDLE_HELP), r->session->user.producer,
             first[0] ? " --host " : "", first);
    char hostline[520];
    snprintf(hostline, sizeof hostline, "%s\n", hosts);
    /* Two zero blocks end the archive. */
    static const char end[1024];
    int rc =
        tar_add(t, "ocop-bundle/mirror.db", mirror, mlen) ||
        tar_add(t, "ocop-bundle/verify-host.txt", hostline, strlen(hostline)) ||
        tar_add(t, "ocop-bundle/PRINT.txt", text, strlen(text)) ||
        html_bytes(t, end, sizeof end);
    free(mirror);
    if (rc)
        snprintf(err, errsz, "out of memory");
    return rc ? -1 : 0;
}

/* ---- Printed ranges ------------------------------------------------------ */

struct range {
    char lot[LABELS_CODE_MAX + 1], issued[LABELS_TIME_ISO_SIZE];
    unsigned long long first, last;
};

static int parse_serial(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return *s >= '1' && *s <= '9' && !*end && !errno && *v <= UINT32_MAX ? 0
                                                                         : -1;
}

/* One line "LOT FIRST LAST ISSUED_ISO", fields by single spaces. */
static int parse_range(char *line, struct range *g)
{
    char *f[5];
    int n = 0;
    for (char *p = line; n < 5;) {
        f[n++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    int64_t t;
    uint16_t day;
    if (n != 4 || !registry_code_valid(f[0]) || parse_serial(f[1], &g->first) ||
        parse_serial(f[2], &g->last) || g->first > g->last ||
        strlen(f[3]) >= sizeof g->issued ||
        (labels_time_iso_parse(f[3], &t) != 0 &&
         labels_date_parse(f[3], &day) != LABELS_OK))
        return -1;
    snprintf(g->lot, sizeof g->lot, "%s", f[0]);
    snprintf(g->issued, sizeof g->issued, "%s", f[3]);
    return 0;
}

/* The whole file checked before anything is stored: 0, or the number of
 * the first bad line (1 for a missing header). */
static int parse_printed(char *data, size_t len, struct range **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (memchr(data, '\0', len) || len < sizeof PRINTED_MAGIC - 1 ||
        strncmp(data, PRINTED_MAGIC, sizeof PRINTED_MAGIC - 1) ||
        (data[sizeof PRINTED_MAGIC - 1] != '\n' &&
         data[sizeof PRINTED_MAGIC - 1] != '\0'))
        return 1;
    struct range *g = calloc(PRINTED_MAX_LINES, sizeof *g);
    if (!g)
        return 1;
    int line = 1;
    for (char *p = strchr(data, '\n'); p && p[1];) {
        char *s = p + 1;
        p = strchr(s, '\n');
        if (p)
            *p = '\0';
        line++;
        if (!*s)
            continue;
        if (*n == PRINTED_MAX_LINES || parse_range(s, &g[*n])) {
            free(g);
            return line;
        }
        (*n)++;
    }
    *out = g;
    return 0;
}

static int ranges_store(struct console_ctx *c, const creq *r,
                        const char *product, const struct range *g, size_t n,
                        char *err, size_t errsz)
{
    char who[CONSOLE_NAME_MAX + 16], now[LABELS_TIME_ISO_SIZE];
    console_who(r, who, sizeof who);
    regtime_now(now);
    if (console_begin(c->db, err, errsz))
        return -1;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(c->db,
                                "INSERT OR IGNORE INTO printed_ranges(producer,"
                                "product,lot,first,last,issued,uploaded,who)"
                                " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                                -1, &st, NULL) == SQLITE_OK
                 ? 0
                 : -1;
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, r->session->user.producer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, g[i].lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)g[i].first);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)g[i].last);
        sqlite3_bind_text(st, 6, g[i].issued, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, who, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    char count[32];
    snprintf(count, sizeof count, "%zu ranges", n);
    if (rc)
        console_db_error(c->db, "cannot store the ranges", err, errsz);
    else
        rc = console_audit_add(c->db, who, "product", product, "printed_ranges",
                               NULL, count, err, errsz);
    if (rc) {
        console_rollback(c->db);
        return -1;
    }
    return console_commit(c->db, err, errsz);
}

static void printed_upload(struct console_ctx *c, const creq *r, creply *rep)
{
    size_t len = 0;
    const char *product = form_get(r, "product", NULL);
    const char *file = form_get(r, "printed", &len);
    struct reg_product p;
    char err[CONSOLE_ERR_MAX] = "";
    int have = product && registry_code_valid(product)
                   ? reg_product_load(c->db, product, &p, err, sizeof err)
                   : 0;
    if (have < 0) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    /* Own products only: another producer's code is refused like an
     * unknown one would let it probe which codes exist. */
    if (!have || strcmp(p.producer, r->session->user.producer)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    struct range *g = NULL;
    size_t n = 0;
    char *copy = file ? malloc(len + 1) : NULL;
    int bad = 1;
    if (copy) {
        memcpy(copy, file, len);
        copy[len] = '\0';
        bad = parse_printed(copy, len, &g, &n);
    }
    free(copy);
    if (bad) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s %d", tr(r->lang, T_BAD_REQUEST), bad);
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, msg);
        return;
    }
    int rc = ranges_store(c, r, product, g, n, err, sizeof err);
    free(g);
    if (rc)
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
    else
        reply_redirect(rep, "/console/mine");
}

void route_mine(struct console_ctx *c, const creq *r, creply *rep,
                const char *rest)
{
    int post = !strcmp(r->method, "POST");
    if (r->session->user.role != CONSOLE_PRODUCER) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if ((!rest[0] || !strcmp(rest, "/")) && !post) {
        mine_page(c, r, rep);
        return;
    }
    if (!strcmp(rest, "/printed") && post) {
        printed_upload(c, r, rep);
        return;
    }
    if (strcmp(rest, "/bundle") || post) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    html t = {0};
    char err[CONSOLE_ERR_MAX] = "";
    /* The bundle is the mirror the authority published: a console
     * started without one (no world, no --mirror) has none to give. */
    if (!c->cfg || !c->cfg->bundle_mirror) {
        page_error(rep, r, MHD_HTTP_CONFLICT, T_ERROR,
                   "the console was started without a published mirror");
        return;
    }
    if (bundle_build(c, r, &t, err, sizeof err)) {
        free(t.p);
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    free(rep->body.p);
    rep->body = t;
    rep->status = MHD_HTTP_OK;
    rep->content_type = "application/x-tar";
    snprintf(rep->disposition, sizeof rep->disposition,
             "attachment; filename=\"ocop-bundle-%s.tar\"",
             r->session->user.producer);
}
