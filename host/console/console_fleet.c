/* console_fleet.c -- the kiosk fleet (GET /console/kiosks): every enrolled
 * kiosk with its shop, province, last contact, the mirror version and data
 * age it reported, its scans and findings of the last 7 days and its
 * state; enrolling a kiosk's device key and retiring one (POST
 * /console/kiosks/enroll, POST /console/kiosks/KEY_ID/retire) through the
 * collector's own functions, as `ocop-host kiosk` does. */
#include "console_int.h"

#include "collector/collector.h"
#include "feed/feed.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FLEET_DAYS 7         /* today and the 6 Vietnam days before */
#define FLEET_SILENT_S 86400 /* no batch for this long: silent */
/* Rows per page: the counts cover every kiosk, the table one page of
 * them, so 10,000 kiosks are not 5 MB of HTML. */
#define FLEET_PAGE_ROWS 200

enum fleet_state { K_OK, K_STALE, K_SILENT, K_RETIRED, K_STATES };

static const int state_msg[K_STATES] = {T_K_OK, T_K_STALE, T_K_SILENT,
                                        T_K_RETIRED};
/* The ?state= values and the rows' class names. */
static const char *const state_key[K_STATES] = {"ok", "stale", "silent",
                                                "retired"};

/* The age past which a kiosk's data is stale: the window of the feed now
 * served (its expiry less its publish time), which is what each kiosk's
 * own stale flag counts from (sync_state_stale); the publisher's default
 * when this console serves no feed. */
static int64_t stale_limit(const console_config *cfg)
{
    int64_t lim = (int64_t)FEED_DEFAULT_EXPIRES_DAYS * 86400;
    struct feed_state fs;
    char err[CONSOLE_ERR_MAX];
    int64_t pub, exp;
    if (cfg && cfg->feed_dir &&
        feed_state_read(cfg->feed_dir, cfg->publish_status, (int64_t)time(NULL),
                        &fs, err, sizeof err) == 0 &&
        labels_time_iso_parse(fs.published, &pub) == LABELS_OK &&
        labels_time_iso_parse(fs.expires, &exp) == LABELS_OK && exp > pub)
        lim = exp - pub;
    return lim;
}

/* Retired first, then silent (nothing heard for a day), then stale: the
 * data age the kiosk last reported is past the limit, or it reported no
 * synced feed at all. A kiosk that never reported its mirror (older
 * software) is not called stale. */
static enum fleet_state state_of(const collector_fleet_kiosk *f, int64_t now,
                                 int64_t limit)
{
    if (f->k.revoked[0])
        return K_RETIRED;
    if (!f->last_contact || now - f->last_contact > FLEET_SILENT_S)
        return K_SILENT;
    if (f->reported && (f->data_age < 0 || f->data_age > limit))
        return K_STALE;
    return K_OK;
}

typedef struct fleet_page {
    const creq *r;
    html *h;
    int64_t now, limit;
    const char *want_state; /* "" or a state_key */
    const char *want_province;
    long long count[K_STATES];
    long long matched, first; /* rows the filters keep; first shown */
} fleet_page;

static void cell_time(html *h, int64_t t, console_lang lang)
{
    char iso[LABELS_TIME_ISO_SIZE];
    html_raw(h, "<td>");
    if (t > 0 && labels_time_iso(t, iso) == LABELS_OK)
        html_text(h, iso);
    else
        html_text(h, tr(lang, T_NEVER));
    html_raw(h, "</td>");
}

static void cell_num(html *h, long long v)
{
    html_raw(h, "<td class=\"num\">");
    html_int(h, v);
    html_raw(h, "</td>");
}

/* Data age in days with one decimal, "–" when unknown. */
static void cell_age(html *h, const collector_fleet_kiosk *f)
{
    html_raw(h, "<td class=\"num age\">");
    if (f->reported && f->data_age >= 0) {
        char b[32];
        snprintf(b, sizeof b, "%lld.%lld", (long long)(f->data_age / 86400),
                 (long long)(f->data_age % 86400 * 10 / 86400));
        html_text(h, b);
    } else {
        html_raw(h, "–");
    }
    html_raw(h, "</td>");
}

static void retire_form(html *h, const creq *r, const char *key_id)
{
    html_raw(h, "<form method=\"post\" class=\"inline\" "
                "action=\"/console/kiosks/");
    html_url(h, key_id);
    html_raw(h, "/retire\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<button>");
    html_text(h, tr(r->lang, T_RETIRE));
    html_raw(h, "</button></form>");
}

static int fleet_row(void *ctx, const collector_fleet_kiosk *f)
{
    fleet_page *p = ctx;
    const console_user *u = &p->r->session->user;
    if (!may_read_fleet(u, f->k.province))
        return 0;
    enum fleet_state s = state_of(f, p->now, p->limit);
    p->count[s]++;
    if ((p->want_state[0] && strcmp(p->want_state, state_key[s])) ||
        (p->want_province[0] && strcmp(p->want_province, f->k.province)))
        return 0;
    long long at = p->matched++;
    if (at < p->first || at >= p->first + FLEET_PAGE_ROWS)
        return 0;
    html *h = p->h;
    html_raw(h, "<tr class=\"");
    html_raw(h, state_key[s]);
    html_raw(h, "\" id=\"kiosk-");
    html_attr(h, f->k.key_id);
    html_raw(h, "\"><td><code>");
    html_text(h, f->k.key_id);
    html_raw(h, "</code></td><td>");
    html_text(h, f->k.shop);
    html_raw(h, "</td><td>");
    html_text(h, f->k.province);
    html_raw(h, "</td>");
    cell_time(h, f->last_contact, h->lang);
    html_raw(h, "<td class=\"num mirror\">");
    if (f->mirror_version >= 0)
        html_int(h, f->mirror_version);
    else
        html_raw(h, "–");
    html_raw(h, "</td>");
    cell_age(h, f);
    cell_num(h, f->scans);
    cell_num(h, f->findings);
    html_raw(h, "<td class=\"state\">");
    html_text(h, tr(h->lang, state_msg[s]));
    html_raw(h, "</td><td>");
    if (s != K_RETIRED && may_manage_kiosk(u, f->k.province))
        retire_form(h, p->r, f->k.key_id);
    html_raw(h, "</td></tr>");
    return 0;
}

static void enrol_form(html *h, const creq *r)
{
    const console_user *u = &r->session->user;
    html_raw(h, "<h2>");
    html_text(h, tr(r->lang, T_ENROL_KIOSK));
    html_raw(h, "</h2><form method=\"post\" action=\"/console/kiosks/enroll\" "
                "enctype=\"multipart/form-data\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<label>");
    html_text(h, tr(r->lang, T_KIOSK_KEY_FILE));
    html_raw(h, " <input type=\"file\" name=\"public_key\" required></label> "
                "<label>");
    html_text(h, tr(r->lang, T_PROVINCE));
    html_raw(h, " <input name=\"province\" required value=\"");
    html_attr(h, u->role == CONSOLE_PROVINCE ? u->province : "");
    html_raw(h, "\"></label> <label>");
    html_text(h, tr(r->lang, T_SHOP));
    html_raw(h, " <input name=\"shop\" required></label> <button>");
    html_text(h, tr(r->lang, T_ENROL_KIOSK));
    html_raw(h, "</button></form>");
}

static void fleet_head(html *h, console_lang lang)
{
    static const int cols[] = {T_KEY_ID,       T_SHOP,           T_PROVINCE,
                               T_LAST_CONTACT, T_MIRROR_VERSION, T_DATA_AGE,
                               T_SCANS_7D,     T_FINDINGS_7D,    T_STATE};
    html_raw(h, "<table id=\"kiosks\"><thead><tr>");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "<th></th></tr></thead><tbody>");
}

/* The counts per state, each a link to the kiosks in it. */
static void fleet_counts(html *h, const fleet_page *p)
{
    html_raw(h, "<p class=\"counts\">");
    for (int s = 0; s < K_STATES; s++) {
        html_raw(h, "<a href=\"/console/kiosks?state=");
        html_raw(h, state_key[s]);
        html_raw(h, "\">");
        html_text(h, tr(h->lang, state_msg[s]));
        html_raw(h, ": <b id=\"count-");
        html_raw(h, state_key[s]);
        html_raw(h, "\">");
        html_int(h, p->count[s]);
        html_raw(h, "</b></a> ");
    }
    html_raw(h, "</p><p class=\"help\">");
    html_text(h, tr(h->lang, T_FLEET_HELP));
    html_raw(h, "</p>");
}

/* The console's collector (either engine), or NULL after a 409 page. */
static collector *fleet_open(const struct console_ctx *c, const creq *r,
                             creply *rep)
{
    const char *path = c->cfg ? c->cfg->collector_path : NULL;
    char err[CONSOLE_ERR_MAX] = "";
    collector *col = NULL;
    if (!path || collector_open(path, &col, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_CONFLICT, T_ERROR,
                   path ? err : tr(r->lang, T_NO_COLLECTOR));
        return NULL;
    }
    return col;
}

/* A link to page n of the same filters. */
static void pager_link(html *h, const fleet_page *p, long long n, int msg)
{
    html_raw(h, "<a class=\"pager\" href=\"/console/kiosks?page=");
    html_int(h, n);
    html_raw(h, "&amp;state=");
    html_url(h, p->want_state);
    html_raw(h, "&amp;province=");
    html_url(h, p->want_province);
    html_raw(h, "\">");
    html_text(h, tr(h->lang, msg));
    html_raw(h, "</a> ");
}

static void fleet_pager(html *h, const fleet_page *p)
{
    long long page = p->first / FLEET_PAGE_ROWS;
    html_raw(h, "<p>");
    if (page > 0)
        pager_link(h, p, page - 1, T_PREV);
    if (p->matched > p->first + FLEET_PAGE_ROWS)
        pager_link(h, p, page + 1, T_NEXT);
    html_raw(h, "</p>");
}

static void fleet_list(const struct console_ctx *c, const creq *r, creply *rep)
{
    char err[CONSOLE_ERR_MAX] = "";
    collector *col = fleet_open(c, r, rep);
    if (!col)
        return;
    const char *st = r->arg(r, "state"), *pv = r->arg(r, "province");
    fleet_page p = {.r = r,
                    .now = (int64_t)time(NULL),
                    .limit = stale_limit(c->cfg),
                    .want_state = st ? st : "",
                    .want_province = pv ? pv : ""};
    const char *pg = r->arg(r, "page");
    long long page = pg ? strtoll(pg, NULL, 10) : 0;
    if (page > 0 && page < INT64_MAX / FLEET_PAGE_ROWS)
        p.first = page * FLEET_PAGE_ROWS;
    /* The rows go to a buffer of their own: the counts above the table
     * are known only after every row. */
    html rows = {.lang = r->lang};
    p.h = &rows;
    int64_t since = COLLECTOR_VN_DAY(p.now) - (FLEET_DAYS - 1);
    int rc = collector_fleet(col, since, fleet_row, &p, err, sizeof err);
    collector_close(col);
    if (rc || rows.oom) {
        free(rows.p);
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR,
                   rc ? err : NULL);
        return;
    }
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_KIOSKS));
    fleet_counts(h, &p);
    fleet_head(h, r->lang);
    if (rows.p)
        html_raw(h, rows.p);
    free(rows.p);
    html_raw(h, "</tbody></table>");
    fleet_pager(h, &p);
    const console_user *u = &r->session->user;
    if (u->role == CONSOLE_CENTRAL || u->role == CONSOLE_PROVINCE)
        enrol_form(h, r);
    page_end(h);
}

/* An audit row in the registry naming who changed the fleet: the
 * collector keeps no history of its own. */
static void fleet_audit(const struct console_ctx *c, const creq *r,
                        const char *key_id, const char *field,
                        const char *value, char *err, size_t errsz)
{
    char who[CONSOLE_NAME_MAX + 16];
    console_who(r, who, sizeof who);
    if (console_begin(c->db, err, errsz))
        return;
    if (console_audit_add(c->db, who, "kiosk", key_id, field, NULL, value, err,
                          errsz) ||
        console_commit(c->db, err, errsz))
        console_rollback(c->db);
}

static void fleet_enrol(const struct console_ctx *c, const creq *r, creply *rep,
                        collector *col)
{
    const console_user *u = &r->session->user;
    const char *province = form_get(r, "province", NULL);
    const char *shop = form_get(r, "shop", NULL);
    size_t len = 0;
    const char *file = form_get(r, "public_key", &len);
    char err[CONSOLE_ERR_MAX] = "";
    const char *unit = collector_place(province, shop, err, sizeof err);
    /* Central for any province, a clerk for its own: asked before the
     * key file is even read. */
    if (!may_manage_kiosk(u, unit ? unit : "")) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    labels_pubkey pub;
    if (!unit || !file || labels_pubkey_parse(file, len, &pub) != LABELS_OK) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST,
                   unit ? "not a public key file (the kiosk's device.pub)"
                        : err);
        return;
    }
    int rc = collector_enroll_at(col, &pub, 1, unit, shop, err, sizeof err);
    if (rc) {
        page_error(rep, r, rc == -2 ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_CONFLICT,
                   T_ERROR, err);
        return;
    }
    char hex[LABELS_KEY_ID_HEX_SIZE], what[2 * COLLECTOR_PLACE_MAX + 4];
    labels_key_id_hex(pub.id, hex);
    snprintf(what, sizeof what, "%s, %s", unit, shop);
    err[0] = '\0';
    fleet_audit(c, r, hex, "enrolled", what, err, sizeof err);
    if (err[0])
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
    else
        reply_redirect(rep, "/console/kiosks");
}

typedef struct find_kiosk {
    const char *key_id;
    collector_kiosk k;
    int found;
} find_kiosk;

static int find_one(void *ctx, const collector_kiosk *k)
{
    find_kiosk *f = ctx;
    if (strcmp(k->key_id, f->key_id))
        return 0;
    f->k = *k;
    f->found = 1;
    return 1;
}

static void fleet_retire(const struct console_ctx *c, const creq *r,
                         creply *rep, collector *col, const char *key_id)
{
    char err[CONSOLE_ERR_MAX] = "";
    find_kiosk f = {.key_id = key_id};
    if (collector_list(col, find_one, &f, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    if (!f.found) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    if (!may_manage_kiosk(&r->session->user, f.k.province)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if (!f.k.revoked[0]) {
        if (collector_revoke(col, key_id, err, sizeof err) != 0) {
            page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
            return;
        }
        fleet_audit(c, r, key_id, "revoked", "revoked", err, sizeof err);
    }
    if (err[0])
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
    else
        reply_redirect(rep, "/console/kiosks");
}

/* POST /kiosks/enroll and /kiosks/KEY_ID/retire (rest after "/kiosks"). */
static void fleet_change(const struct console_ctx *c, const creq *r,
                         creply *rep, const char *rest)
{
    const console_user *u = &r->session->user;
    char key_id[LABELS_KEY_ID_HEX_SIZE];
    size_t n = strlen(rest);
    int enrol = !strcmp(rest, "/enroll");
    int retire = n == 1 + 16 + 7 && !strcmp(rest + 17, "/retire");
    uint8_t id[LABELS_KEY_ID_BYTES];
    if (retire) {
        memcpy(key_id, rest + 1, 16);
        key_id[16] = '\0';
    }
    if ((!enrol && !retire) ||
        (retire && labels_key_id_parse(key_id, id) != LABELS_OK)) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    if (u->role != CONSOLE_CENTRAL && u->role != CONSOLE_PROVINCE) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    collector *col = fleet_open(c, r, rep);
    if (!col)
        return;
    if (enrol) {
        fleet_enrol(c, r, rep, col);
    } else {
        labels_key_id_hex(id, key_id); /* as stored: upper case */
        fleet_retire(c, r, rep, col, key_id);
    }
    collector_close(col);
}

void route_kiosks(struct console_ctx *c, const creq *r, creply *rep,
                  const char *rest)
{
    if (r->session->user.role == CONSOLE_PRODUCER) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    int at = route_index(r, rep, rest);
    if (at) {
        if (at > 0)
            fleet_list(c, r, rep);
        return;
    }
    if (strcmp(r->method, "POST")) {
        page_error(rep, r, MHD_HTTP_METHOD_NOT_ALLOWED, T_BAD_REQUEST, NULL);
        return;
    }
    fleet_change(c, r, rep, rest);
}
