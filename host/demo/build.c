/* build.c -- the demo world in a folder: a complete world to try everything on.
 * An authority key and registry matching the January 2020 figures, producer
 * keys, the exported mirror, and sample labels with the verdict each must
 * get (DIR/labels/expected.tsv). */
#include "demo/demo.h"
#include "print/print.h"
#include "registry/registry.h"
#include "feed/feed.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_LEN 4096
#define SAMPLES DEMO_SAMPLES

struct demo_ctx {
    const char *dir;
    struct demo_world *w;
    labels_seckey *keys;   /* one per producer */
    labels_seckey old_key; /* the compromised one */
    labels_seckey stranger;
    char revoked_on[LABELS_DATE_SIZE];
    int compromised; /* producer index */
    struct demo_sample samples[SAMPLES];
    int imported, new_producers; /* what the CSV import added */
    char *err;                   /* why the build failed, errsz bytes */
    size_t errsz;
};

static void fail(struct demo_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct demo_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errsz, fmt, ap);
    va_end(ap);
}

struct buf {
    char *p;
    size_t len, cap;
    int oom;
};

static void buf_add(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void buf_add(struct buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL,
                          b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 65536) + (size_t)n;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
}

/* The world as the CSV an office would export from its spreadsheet, so
 * the demo goes through the same import path and leaves a sample file. */
static int write_csv(struct demo_ctx *c, const char *path, struct buf *out)
{
    const struct demo_world *w = c->w;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fail(c, "out of memory");
        return -1;
    }
    fputs("code,name,group,stars,province,producer,producer_name,"
          "producer_kind,certificate,certified,expires,status,"
          "status_reason,status_date\n",
          f);
    /* The province column as the 2020 spreadsheets wrote it (Hà Giang):
     * the import stores the 2025 unit and keeps the certifying one. */
    for (int i = 0; i < DEMO_PRODUCTS; i++) {
        const struct reg_product *p = &w->products[i].r;
        const struct reg_producer *q = &w->producers[w->products[i].producer].r;
        const char *stars = p->proposed5    ? "proposed 5"
                            : p->stars == 4 ? "4"
                                            : "3";
        const char *cols[] = {
            p->code,           p->name,       p->grp,     stars,
            p->certified_unit, p->producer,   q->name,    q->kind,
            p->certificate,    p->certified,  p->expires, p->status,
            p->status_reason,  p->status_date};
        csv_write_row(f, cols, sizeof cols / sizeof cols[0]);
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    int rc = bad || !text ? LABELS_ERR_NOMEM
                          : labels_file_write_atomic(path, text, len, 0644, 0);
    if (rc != LABELS_OK) {
        free(text);
        fail(c, "cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    out->p = text;
    out->len = len;
    return 0;
}

/* The import's first message that stops it, as the build's error. */
static void import_said(void *ctx, int line, int severe, const char *msg)
{
    struct demo_ctx *c = ctx;
    if (severe && !c->err[0])
        fail(c, "demo: products.csv:%d: %s", line, msg);
}

static int dir_usable(struct demo_ctx *c, const char *dir)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno != EEXIST) {
        fail(c, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fail(c, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    if (!empty) {
        fail(c,
             "%s is not empty; the demo builds a fresh world in a new "
             "or empty folder",
             dir);
        return -1;
    }
    return 0;
}

static int write_key_pair(struct demo_ctx *c, const char *dir, const char *name,
                          const labels_seckey *sec, const char *comment)
{
    char path[PATH_LEN];
    labels_pubkey pub;
    labels_seckey_public(sec, &pub);
    snprintf(path, sizeof path, "%s/%s.sec", dir, name);
    int rc = labels_seckey_write(path, sec, comment);
    if (rc == LABELS_OK) {
        snprintf(path, sizeof path, "%s/%s.pub", dir, name);
        rc = labels_pubkey_write(path, &pub, comment);
    }
    if (rc != LABELS_OK) {
        fail(c, "cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return 0;
}

/* The sample's label, signed by sec on the given day. */
static int sign_sample(struct demo_sample *s, const char *file,
                       labels_verdict verdict, const struct demo_world *w,
                       int product, const char *code, int stars,
                       const char *lot, uint32_t serial, const char *issued,
                       const labels_seckey *sec)
{
    memset(s, 0, sizeof *s);
    snprintf(s->file, sizeof s->file, "%s", file);
    s->verdict = labels_verdict_word(verdict);
    s->have_label = 1;
    labels_label *l = &s->label;
    snprintf(l->product, sizeof l->product, "%s",
             code ? code : w->products[product].r.code);
    snprintf(l->lot, sizeof l->lot, "%s", lot);
    l->stars = (uint8_t)stars;
    l->serial = serial;
    if (labels_date_parse(issued, &l->issued) != LABELS_OK)
        return -1;
    if (product >= 0) {
        s->have_product = 1;
        s->product = w->products[product].r;
        snprintf(s->producer_name, sizeof s->producer_name, "%s",
                 w->producers[w->products[product].producer].r.name);
    }
    if (labels_sign(l, sec) != LABELS_OK)
        return -1;
    return labels_format(l, NULL, s->text, sizeof s->text, &s->len) == LABELS_OK
               ? 0
               : -1;
}

/* Re-encode a sample's (tampered) fields without signing again. */
static int reformat(struct demo_sample *s)
{
    return labels_format(&s->label, NULL, s->text, sizeof s->text, &s->len) ==
                   LABELS_OK
               ? 0
               : -1;
}

/* First product matching the wish whose producer no other sample uses. */
static int find_product(const struct demo_world *w, const char *status,
                        int stars, int proposed5, const char *alive_after,
                        unsigned char *used)
{
    for (int i = 0; i < DEMO_PRODUCTS; i++) {
        const struct reg_product *r = &w->products[i].r;
        if (used[w->products[i].producer] || strcmp(r->status, status) ||
            (stars && r->stars != stars) ||
            (proposed5 >= 0 && r->proposed5 != proposed5) ||
            (alive_after && strcmp(r->expires, alive_after) <= 0))
            continue;
        used[w->products[i].producer] = 1;
        return i;
    }
    return -1;
}

static int make_samples(struct demo_ctx *c, unsigned char *used)
{
    struct demo_world *w = c->w;
    struct demo_sample *s = c->samples;
    char far[LABELS_DATE_SIZE], recent[LABELS_DATE_SIZE],
        issued[LABELS_DATE_SIZE];
    regdate_add_days(w->today, 365, far);
    regdate_add_days(w->today, -7, recent);
    int g3 = -1, sib = -1;
    for (int i = 0; i < DEMO_PRODUCTS && sib < 0; i++) {
        const struct reg_product *r = &w->products[i].r;
        if (used[w->products[i].producer] || strcmp(r->status, "rated") ||
            r->stars != 3 || r->proposed5 || strcmp(r->expires, far) <= 0)
            continue;
        for (int j = 0; j < DEMO_PRODUCTS && sib < 0; j++) {
            const struct reg_product *q = &w->products[j].r;
            if (j != i && w->products[j].producer == w->products[i].producer &&
                !strcmp(q->status, "rated") && q->stars == 3 && !q->proposed5 &&
                strcmp(q->expires, far) > 0) {
                g3 = i;
                sib = j;
            }
        }
    }
    if (g3 >= 0)
        used[w->products[g3].producer] = 1;
    int g4 = find_product(w, "rated", 4, 0, far, used);
    int p5 = find_product(w, "rated", 4, 1, far, used);
    int rc3 = find_product(w, "rated", 3, 0, far, used);
    int ex = find_product(w, "expired", 0, -1, NULL, used);
    int su = find_product(w, "suspended", 0, -1, NULL, used);
    int rv = find_product(w, "revoked", 0, -1, NULL, used);
    if (g3 < 0 || sib < 0 || g4 < 0 || p5 < 0 || rc3 < 0 || ex < 0 || su < 0 ||
        rv < 0)
        return -1;
    const labels_seckey *k3 = &c->keys[w->products[g3].producer];
    const labels_seckey *k4 = &c->keys[w->products[g4].producer];
    int x = -1;
    for (int i = 0; i < DEMO_PRODUCTS && x < 0; i++)
        if (w->products[i].producer == c->compromised &&
            !strcmp(w->products[i].r.status, "rated") &&
            strcmp(w->products[i].r.expires, far) > 0)
            x = i;
    if (x < 0)
        return -1;
    char unknown_code[LABELS_CODE_MAX + 1];
    const char *g3code = w->products[g3].r.code;
    snprintf(unknown_code, sizeof unknown_code, "%.*s-9999",
             (int)strcspn(g3code, "-"), g3code);

    int bad = 0;
    bad |= sign_sample(&s[0], "01-genuine-3-stars.png", LABELS_V_GENUINE, w, g3,
                       NULL, 3, "L2611-01", 1, recent, k3);
    bad |= sign_sample(&s[1], "02-genuine-4-stars.png", LABELS_V_GENUINE, w, g4,
                       NULL, 4, "L2611-02", 17, recent, k4);
    bad |= sign_sample(&s[2], "03-genuine-proposed-5.png", LABELS_V_GENUINE, w,
                       p5, NULL, 4, "L2611-03", 5, recent,
                       &c->keys[w->products[p5].producer]);
    bad |= sign_sample(&s[3], "04-rating-changed.png", LABELS_V_RATING_CHANGED,
                       w, rc3, NULL, 4, "L2501-01", 3, recent,
                       &c->keys[w->products[rc3].producer]);
    regdate_add_days(w->products[ex].r.expires, -30, issued);
    bad |= sign_sample(&s[4], "05-expired.png", LABELS_V_EXPIRED, w, ex, NULL,
                       w->products[ex].r.stars, "L2308-01", 9, issued,
                       &c->keys[w->products[ex].producer]);
    regdate_add_days(w->products[su].r.status_date, -10, issued);
    bad |= sign_sample(&s[5], "06-suspended.png", LABELS_V_SUSPENDED, w, su,
                       NULL, w->products[su].r.stars, "L2610-01", 2, issued,
                       &c->keys[w->products[su].producer]);
    regdate_add_days(w->products[rv].r.status_date, -10, issued);
    bad |= sign_sample(&s[6], "07-revoked-product.png", LABELS_V_REVOKED, w, rv,
                       NULL, w->products[rv].r.stars, "L2610-02", 4, issued,
                       &c->keys[w->products[rv].producer]);
    bad |=
        sign_sample(&s[7], "08-unknown-product.png", LABELS_V_UNKNOWN_PRODUCT,
                    w, -1, unknown_code, 3, "L2611-01", 1, recent, k3);
    bad |= sign_sample(&s[8], "09-unenrolled-key.png", LABELS_V_UNKNOWN_SIGNER,
                       w, g3, NULL, 3, "L2611-01", 2, recent, &c->stranger);
    bad |= sign_sample(&s[9], "10-signer-revoked.png", LABELS_V_SIGNER_REVOKED,
                       w, x, NULL, w->products[x].r.stars, "L2611-01", 3,
                       recent, &c->old_key);
    bad |= sign_sample(&s[10], "11-other-producers-key.png",
                       LABELS_V_SIGNER_NOT_ENROLLED, w, g3, NULL, 3, "L2611-01",
                       4, recent, k4);
    /* Three forgeries of the first genuine label: a star added, another
     * product's code, and its signature pasted onto other fields. */
    bad |= sign_sample(&s[11], "12-forged-stars.png", LABELS_V_FORGED, w, g3,
                       NULL, 3, "L2611-01", 1, recent, k3);
    s[11].label.stars = 5;
    bad |= reformat(&s[11]);
    bad |= sign_sample(&s[12], "13-forged-product.png", LABELS_V_FORGED, w, sib,
                       NULL, 3, "L2611-01", 1, recent, k3);
    memcpy(s[12].label.sig, s[0].label.sig, LABELS_SIG_BYTES);
    memcpy(s[12].label.key_id, s[0].label.key_id, LABELS_KEY_ID_BYTES);
    bad |= reformat(&s[12]);
    bad |=
        sign_sample(&s[13], "14-forged-copied-signature.png", LABELS_V_FORGED,
                    w, g3, NULL, 3, "L2611-01", 999, recent, k3);
    memcpy(s[13].label.sig, s[0].label.sig, LABELS_SIG_BYTES);
    bad |= reformat(&s[13]);
    bad |= sign_sample(&s[14], "15-clone-reported.png", LABELS_V_CLONE_REPORTED,
                       w, g4, NULL, 4, "L2611-02", 18, recent, k4);
    s[15] = s[0];
    snprintf(s[15].file, sizeof s[15].file, "16-malformed.png");
    s[15].verdict = labels_verdict_word(LABELS_V_MALFORMED);
    s[15].len -= 10; /* a payload cut short: our shape, not a label */
    s[15].text[s[15].len] = '\0';
    memset(&s[16], 0, sizeof s[16]);
    snprintf(s[16].file, sizeof s[16].file, "17-not-ocop.png");
    s[16].verdict = labels_verdict_word(LABELS_V_NOT_OCOP);
    s[16].len = (size_t)snprintf(s[16].text, sizeof s[16].text,
                                 "HTTPS://SHOP.EXAMPLE/SAN-PHAM/12345");
    return bad ? -1 : 0;
}

/* Keys for every producer, one compromised and replaced, one confirmed
 * clone: a single transaction. */
static int enroll_keys(struct demo_ctx *c, const char *dbpath)
{
    struct demo_world *w = c->w;
    sqlite3 *db;
    char err[REG_ERR_MAX] = "";
    if (registry_open(dbpath, 0, &db, err, sizeof err)) {
        fail(c, "%s", err);
        return -1;
    }
    int failed = registry_begin(db, err, sizeof err);
    labels_pubkey pub;
    for (int i = 0; i < DEMO_PRODUCERS && !failed; i++) {
        failed = labels_keygen(&pub, &c->keys[i]) != LABELS_OK;
        if (failed)
            snprintf(err, sizeof err, "key generation failed");
        else
            failed = reg_key_insert(db, &pub, w->producers[i].r.code,
                                    w->producers[i].first_certified, err,
                                    sizeof err);
    }
    /* The compromised key: a producer enrolled long enough ago, with a
     * product whose labels still sell. */
    char old_enough[LABELS_DATE_SIZE];
    regdate_add_days(w->today, -400, old_enough);
    regdate_add_days(w->today, -60, c->revoked_on);
    c->compromised = -1;
    char far[LABELS_DATE_SIZE];
    regdate_add_days(w->today, 365, far);
    for (int i = DEMO_PRODUCTS - 1; i >= 0 && c->compromised < 0; i--) {
        const struct demo_product *p = &w->products[i];
        if (strcmp(w->producers[p->producer].first_certified, old_enough) < 0 &&
            !strcmp(p->r.status, "rated") && strcmp(p->r.expires, far) > 0)
            c->compromised = p->producer;
    }
    if (!failed && c->compromised < 0) {
        snprintf(err, sizeof err, "no producer to compromise");
        failed = 1;
    }
    if (!failed) {
        char hex[LABELS_KEY_ID_HEX_SIZE], sql[256];
        c->old_key = c->keys[c->compromised];
        labels_key_id_hex(c->old_key.id, hex);
        snprintf(sql, sizeof sql,
                 "UPDATE keys SET revoked='%s', revoke_reason='compromised' "
                 "WHERE key_id='%s'",
                 c->revoked_on, hex);
        failed = registry_exec(db, sql, err, sizeof err) ||
                 labels_keygen(&pub, &c->keys[c->compromised]) != LABELS_OK ||
                 reg_key_insert(db, &pub, w->producers[c->compromised].r.code,
                                c->revoked_on, err, sizeof err);
    }
    if (!failed)
        failed = labels_keygen(&pub, &c->stranger) != LABELS_OK;
    if (!failed)
        failed = registry_commit(db, err, sizeof err);
    if (failed) {
        registry_rollback(db);
        fail(c, "demo: %s", err[0] ? err : "key generation failed");
    }
    registry_close(db);
    return failed ? -1 : 0;
}

static int record_clone(struct demo_ctx *c, const char *dbpath,
                        const struct demo_sample *s, const char *today)
{
    sqlite3 *db;
    char err[REG_ERR_MAX] = "", hex[LABELS_KEY_ID_HEX_SIZE];
    if (registry_open(dbpath, 0, &db, err, sizeof err)) {
        fail(c, "%s", err);
        return -1;
    }
    labels_key_id_hex(s->label.key_id, hex);
    sqlite3_stmt *st = NULL;
    int failed =
        registry_begin(db, err, sizeof err) ||
        sqlite3_prepare_v2(db, "INSERT INTO clones VALUES(?1,?2,?3,?4,?5)", -1,
                           &st, NULL) != SQLITE_OK;
    if (!failed) {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s->label.product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, s->label.lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, s->label.serial);
        sqlite3_bind_text(st, 5, today, -1, SQLITE_STATIC);
        failed = sqlite3_step(st) != SQLITE_DONE;
        if (failed)
            registry_db_error(db, "cannot record clone", err, sizeof err);
    }
    sqlite3_finalize(st);
    if (!failed)
        failed = registry_commit(db, err, sizeof err);
    if (failed) {
        registry_rollback(db);
        fail(c, "demo: %s", err[0] ? err : sqlite3_errmsg(db));
    }
    registry_close(db);
    return failed ? -1 : 0;
}

static int write_keys(struct demo_ctx *c, const unsigned char *used)
{
    char dir[PATH_LEN];
    snprintf(dir, sizeof dir, "%s/producers", c->dir);
    if (mkdir(dir, 0700) != 0) {
        fail(c, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < DEMO_PRODUCERS; i++)
        if ((used[i] || i == c->compromised) &&
            write_key_pair(c, dir, c->w->producers[i].r.code, &c->keys[i],
                           c->w->producers[i].r.name))
            return -1;
    char name[64];
    snprintf(name, sizeof name, "%s-compromised",
             c->w->producers[c->compromised].r.code);
    if (write_key_pair(c, dir, name, &c->old_key, "revoked: compromised") ||
        write_key_pair(c, dir, "unenrolled", &c->stranger,
                       "never enrolled in the registry"))
        return -1;
    return 0;
}

static int publish_feed(struct demo_ctx *c, const char *mirror);

static int build(struct demo_ctx *c, const char *dbpath)
{
    /* The demo world's labels lead to the demo host, so it is the demo
     * registry's verify address (ocop-host print allows it nowhere else). */
    static const char *const demo_hosts[] = {LABELS_DEMO_HOST};
    struct demo_world *w = c->w;
    char path[PATH_LEN], err[REG_ERR_MAX];
    sqlite3 *db;
    labels_pubkey auth;
    labels_seckey asec;
    if (labels_keygen(&auth, &asec) != LABELS_OK)
        return -1;
    int failed =
        write_key_pair(c, c->dir, "authority", &asec, "OCOP authority");
    labels_seckey_wipe(&asec);
    if (failed)
        return -1;
    char b64[LABELS_PUBKEY_B64_MAX];
    if (registry_create(dbpath, &db, err, sizeof err) ||
        labels_pubkey_to_base64(&auth, b64, sizeof b64) != LABELS_OK ||
        registry_begin(db, err, sizeof err) ||
        registry_meta_set(db, "authority_key", b64, err, sizeof err) ||
        registry_commit(db, err, sizeof err) ||
        registry_hosts_set(db, demo_hosts, 1, err, sizeof err)) {
        fail(c, "demo: %s", err);
        registry_close(db);
        return -1;
    }
    registry_close(db);

    snprintf(path, sizeof path, "%s/products.csv", c->dir);
    struct buf csv = {0};
    if (write_csv(c, path, &csv))
        return -1;
    struct registry_import_diag d = {import_said, c, NULL, NULL};
    failed = registry_import(dbpath, csv.p, csv.len, &d, &c->imported,
                             &c->new_producers);
    free(csv.p);
    if (failed)
        return -1;
    if (enroll_keys(c, dbpath))
        return -1;

    unsigned char *used = calloc(DEMO_PRODUCERS, 1);
    if (!used)
        return -1;
    used[c->compromised] = 1;
    failed = make_samples(c, used);
    if (failed)
        fail(c, "demo: cannot make the sample labels");
    if (!failed)
        failed = record_clone(c, dbpath, &c->samples[14], w->today) ||
                 write_keys(c, used);
    free(used);
    if (failed)
        return -1;

    long long version;
    snprintf(path, sizeof path, "%s/mirror.db", c->dir);
    if (registry_export(dbpath, path, NULL, &version, err, sizeof err)) {
        fail(c, "demo: %s", err);
        return -1;
    }

    char mirror[4096];
    snprintf(mirror, sizeof mirror, "%s", path);
    snprintf(path, sizeof path, "%s/labels", c->dir);
    if (mkdir(path, 0755) != 0) {
        fail(c, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (demo_labels_write(path, mirror, c->samples, SAMPLES, err, sizeof err)) {
        fail(c, "demo: %s", err);
        return -1;
    }
    struct buf b = {0};
    for (int i = 0; i < SAMPLES; i++)
        buf_add(&b, "%s\t%s\n", c->samples[i].file, c->samples[i].verdict);
    snprintf(path, sizeof path, "%s/labels/expected.tsv", c->dir);
    int rc = b.oom ? LABELS_ERR_NOMEM
                   : labels_file_write_atomic(path, b.p, b.len, 0644, 0);
    free(b.p);
    if (rc != LABELS_OK) {
        fail(c, "cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return publish_feed(c, mirror);
}

/* Publish the mirror as the world's feed (DIR/feed), signed with the
 * authority key as its owner would, and write DIR/kiosk.conf for a kiosk
 * that syncs it straight from the folder (a file:// URL: no server). */
/* dir + "/" + name into out, or -1 if it does not fit. */
static int in_dir(char *out, size_t outsz, const char *dir, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

static int publish_feed(struct demo_ctx *c, const char *mirror)
{
    const char *dir = c->dir;
    char abs[PATH_MAX], path[PATH_LEN], feed_dir[PATH_LEN], url[PATH_LEN];
    char data[PATH_LEN], err[512];
    if (!realpath(dir, abs)) {
        fail(c, "demo: %s: %s", dir, strerror(errno));
        return -1;
    }
    if (in_dir(path, sizeof path, abs, "authority.sec") ||
        in_dir(feed_dir, sizeof feed_dir, abs, "feed") ||
        in_dir(url, sizeof url, "file:/", feed_dir) ||
        in_dir(data, sizeof data, abs, "kiosk")) {
        fail(c, "demo: folder name too long: %s", abs);
        return -1;
    }
    labels_seckey sec;
    labels_pubkey pub;
    int rc = labels_seckey_read(path, &sec);
    if (rc != LABELS_OK) {
        fail(c, "demo: %s: %s", path, labels_strerror(rc));
        return -1;
    }
    labels_seckey_public(&sec, &pub);
    struct feed_publish_opts o = {.mirror = mirror,
                                  .feed_dir = feed_dir,
                                  .key = &sec,
                                  .expires_days = FEED_DEFAULT_EXPIRES_DAYS,
                                  .keep_deltas = FEED_DEFAULT_KEEP_DELTAS};
    struct feed_publish_result res;
    rc = feed_publish(&o, &res, err, sizeof err);
    labels_seckey_wipe(&sec);
    if (rc != LABELS_OK) {
        fail(c, "demo: publishing the feed: %s", err);
        return -1;
    }
    /* The URL names the folder: a trailing slash, files are relative. */
    size_t n = strlen(url);
    if (n + 1 >= sizeof url || in_dir(path, sizeof path, abs, "kiosk.conf")) {
        fail(c, "demo: folder name too long: %s", abs);
        return -1;
    }
    url[n] = '/';
    url[n + 1] = '\0';
    rc = feed_kiosk_conf_write(path, url, &pub, data);
    if (rc != LABELS_OK) {
        fail(c, "demo: cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return 0;
}

int demo_build(const char *dir, const char *today, int imported[2], char *err,
               size_t errsz)
{
    struct demo_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.dir = dir;
    ctx.err = err;
    ctx.errsz = errsz;
    err[0] = '\0';
    if (dir_usable(&ctx, ctx.dir))
        return -1;
    ctx.w = malloc(sizeof *ctx.w);
    ctx.keys = calloc(DEMO_PRODUCERS, sizeof *ctx.keys);
    if (!ctx.w || !ctx.keys) {
        free(ctx.w);
        free(ctx.keys);
        fail(&ctx, "out of memory");
        return -1;
    }
    demo_world_generate(ctx.w, today);
    char dbpath[PATH_LEN];
    snprintf(dbpath, sizeof dbpath, "%s/registry.db", ctx.dir);
    int rc = build(&ctx, dbpath);
    imported[0] = ctx.imported;
    imported[1] = ctx.new_producers;
    for (int i = 0; i < DEMO_PRODUCERS; i++)
        labels_seckey_wipe(&ctx.keys[i]);
    labels_seckey_wipe(&ctx.old_key);
    labels_seckey_wipe(&ctx.stranger);
    free(ctx.keys);
    free(ctx.w);
    print_cleanup();
    return rc ? -2 : 0;
}
