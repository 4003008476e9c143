/* demo.c -- ocop-host demo DIR: a complete world to try everything on. An
 * authority key and registry matching the January 2020 figures, producer
 * keys, the exported mirror, and sample labels with the verdict each must
 * get (DIR/labels/expected.tsv). */
#include "cli.h"
#include "demo_labels.h"
#include "print.h"
#include "demo_world.h"
#include "export.h"
#include "feed.h"
#include "registry_cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_LEN 4096
#define SAMPLES 17

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

static void csv_add(struct buf *b, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        buf_add(b, "\"");
        for (; *s; s++)
            buf_add(b, *s == '"' ? "\"\"" : "%c", *s);
        buf_add(b, "\"");
    } else {
        buf_add(b, "%s", s);
    }
    buf_add(b, last ? "\n" : ",");
}

/* The world as the CSV an office would export from its spreadsheet, so
 * the demo goes through the same import path and leaves a sample file. */
static int write_csv(const struct demo_world *w, const char *path)
{
    struct buf b = {0};
    buf_add(&b, "code,name,group,stars,province,producer,producer_name,"
                "producer_kind,certificate,certified,expires,status,"
                "status_reason,status_date\n");
    for (int i = 0; i < DEMO_PRODUCTS; i++) {
        const struct reg_product *p = &w->products[i].r;
        const struct reg_producer *q = &w->producers[w->products[i].producer].r;
        char stars[16];
        snprintf(stars, sizeof stars, "%s",
                 p->proposed5    ? "proposed 5"
                 : p->stars == 4 ? "4"
                                 : "3");
        const char *cols[] = {
            p->code,          p->name,       p->grp,     stars,
            p->province,      p->producer,   q->name,    q->kind,
            p->certificate,   p->certified,  p->expires, p->status,
            p->status_reason, p->status_date};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            csv_add(&b, cols[c], c == sizeof cols / sizeof cols[0] - 1);
    }
    int rc = b.oom ? LABELS_ERR_NOMEM
                   : labels_file_write_atomic(path, b.p, b.len, 0644, 0);
    free(b.p);
    if (rc != LABELS_OK) {
        cli_error("cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return 0;
}

static int dir_usable(const char *dir)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno != EEXIST) {
        cli_error("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_error("cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    if (!empty) {
        cli_error("%s is not empty; the demo builds a fresh world in a new "
                  "or empty folder",
                  dir);
        return -1;
    }
    return 0;
}

static int write_key_pair(const char *dir, const char *name,
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
        cli_error("cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return 0;
}

/* The sample's label, signed by sec on the given day. */
static int sign_sample(struct demo_sample *s, const char *file,
                       const char *verdict, const struct demo_world *w,
                       int product, const char *code, int stars,
                       const char *lot, uint32_t serial, const char *issued,
                       const labels_seckey *sec)
{
    memset(s, 0, sizeof *s);
    snprintf(s->file, sizeof s->file, "%s", file);
    s->verdict = verdict;
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

struct demo_ctx {
    const char *dir;
    struct demo_world *w;
    labels_seckey *keys;   /* one per producer */
    labels_seckey old_key; /* the compromised one */
    labels_seckey stranger;
    char revoked_on[11];
    int compromised; /* producer index */
    struct demo_sample samples[SAMPLES];
};

static int make_samples(struct demo_ctx *c, unsigned char *used)
{
    struct demo_world *w = c->w;
    struct demo_sample *s = c->samples;
    char far[11], recent[11], issued[11];
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
    bad |= sign_sample(&s[0], "01-genuine-3-stars.png", "genuine", w, g3, NULL,
                       3, "L2611-01", 1, recent, k3);
    bad |= sign_sample(&s[1], "02-genuine-4-stars.png", "genuine", w, g4, NULL,
                       4, "L2611-02", 17, recent, k4);
    bad |= sign_sample(&s[2], "03-genuine-proposed-5.png", "genuine", w, p5,
                       NULL, 4, "L2611-03", 5, recent,
                       &c->keys[w->products[p5].producer]);
    bad |= sign_sample(&s[3], "04-rating-changed.png", "rating_changed", w, rc3,
                       NULL, 4, "L2501-01", 3, recent,
                       &c->keys[w->products[rc3].producer]);
    regdate_add_days(w->products[ex].r.expires, -30, issued);
    bad |= sign_sample(&s[4], "05-expired.png", "expired", w, ex, NULL,
                       w->products[ex].r.stars, "L2308-01", 9, issued,
                       &c->keys[w->products[ex].producer]);
    regdate_add_days(w->products[su].r.status_date, -10, issued);
    bad |= sign_sample(&s[5], "06-suspended.png", "suspended", w, su, NULL,
                       w->products[su].r.stars, "L2610-01", 2, issued,
                       &c->keys[w->products[su].producer]);
    regdate_add_days(w->products[rv].r.status_date, -10, issued);
    bad |= sign_sample(&s[6], "07-revoked-product.png", "revoked", w, rv, NULL,
                       w->products[rv].r.stars, "L2610-02", 4, issued,
                       &c->keys[w->products[rv].producer]);
    bad |= sign_sample(&s[7], "08-unknown-product.png", "unknown_product", w,
                       -1, unknown_code, 3, "L2611-01", 1, recent, k3);
    bad |= sign_sample(&s[8], "09-unenrolled-key.png", "unknown_signer", w, g3,
                       NULL, 3, "L2611-01", 2, recent, &c->stranger);
    bad |= sign_sample(&s[9], "10-signer-revoked.png", "signer_revoked", w, x,
                       NULL, w->products[x].r.stars, "L2611-01", 3, recent,
                       &c->old_key);
    bad |=
        sign_sample(&s[10], "11-other-producers-key.png", "signer_not_enrolled",
                    w, g3, NULL, 3, "L2611-01", 4, recent, k4);
    /* Three forgeries of the first genuine label: a star added, another
     * product's code, and its signature pasted onto other fields. */
    bad |= sign_sample(&s[11], "12-forged-stars.png", "forged", w, g3, NULL, 3,
                       "L2611-01", 1, recent, k3);
    s[11].label.stars = 5;
    bad |= reformat(&s[11]);
    bad |= sign_sample(&s[12], "13-forged-product.png", "forged", w, sib, NULL,
                       3, "L2611-01", 1, recent, k3);
    memcpy(s[12].label.sig, s[0].label.sig, LABELS_SIG_BYTES);
    memcpy(s[12].label.key_id, s[0].label.key_id, LABELS_KEY_ID_BYTES);
    bad |= reformat(&s[12]);
    bad |= sign_sample(&s[13], "14-forged-copied-signature.png", "forged", w,
                       g3, NULL, 3, "L2611-01", 999, recent, k3);
    memcpy(s[13].label.sig, s[0].label.sig, LABELS_SIG_BYTES);
    bad |= reformat(&s[13]);
    bad |= sign_sample(&s[14], "15-clone-reported.png", "clone_reported", w, g4,
                       NULL, 4, "L2611-02", 18, recent, k4);
    s[15] = s[0];
    snprintf(s[15].file, sizeof s[15].file, "16-malformed.png");
    s[15].verdict = "malformed";
    s[15].len -= 10; /* a payload cut short: our shape, not a label */
    s[15].text[s[15].len] = '\0';
    memset(&s[16], 0, sizeof s[16]);
    snprintf(s[16].file, sizeof s[16].file, "17-not-ocop.png");
    s[16].verdict = "not_ocop";
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
    if (regcli_open(dbpath, 0, &db) != EXIT_OK)
        return -1;
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
    char old_enough[11];
    regdate_add_days(w->today, -400, old_enough);
    regdate_add_days(w->today, -60, c->revoked_on);
    c->compromised = -1;
    char far[11];
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
        char hex[17], sql[256];
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
        cli_error("demo: %s", err[0] ? err : "key generation failed");
    }
    registry_close(db);
    return failed ? -1 : 0;
}

static int record_clone(const char *dbpath, const struct demo_sample *s,
                        const char *today)
{
    sqlite3 *db;
    char err[REG_ERR_MAX] = "", hex[17];
    if (regcli_open(dbpath, 0, &db) != EXIT_OK)
        return -1;
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
        cli_error("demo: %s", err[0] ? err : sqlite3_errmsg(db));
    }
    registry_close(db);
    return failed ? -1 : 0;
}

static int write_keys(struct demo_ctx *c, const unsigned char *used)
{
    char dir[PATH_LEN];
    snprintf(dir, sizeof dir, "%s/producers", c->dir);
    if (mkdir(dir, 0700) != 0) {
        cli_error("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < DEMO_PRODUCERS; i++)
        if ((used[i] || i == c->compromised) &&
            write_key_pair(dir, c->w->producers[i].r.code, &c->keys[i],
                           c->w->producers[i].r.name))
            return -1;
    char name[64];
    snprintf(name, sizeof name, "%s-compromised",
             c->w->producers[c->compromised].r.code);
    if (write_key_pair(dir, name, &c->old_key, "revoked: compromised") ||
        write_key_pair(dir, "unenrolled", &c->stranger,
                       "never enrolled in the registry"))
        return -1;
    return 0;
}

static int publish_feed(const char *dir, const char *mirror);

static int build(struct demo_ctx *c, const char *dbpath)
{
    struct demo_world *w = c->w;
    char path[PATH_LEN], err[REG_ERR_MAX];
    sqlite3 *db;
    labels_pubkey auth;
    labels_seckey asec;
    if (labels_keygen(&auth, &asec) != LABELS_OK)
        return -1;
    int failed = write_key_pair(c->dir, "authority", &asec, "OCOP authority");
    labels_seckey_wipe(&asec);
    if (failed)
        return -1;
    char b64[LABELS_PUBKEY_B64_MAX];
    if (registry_create(dbpath, &db, err, sizeof err) ||
        labels_pubkey_to_base64(&auth, b64, sizeof b64) != LABELS_OK ||
        registry_begin(db, err, sizeof err) ||
        registry_meta_set(db, "authority_key", b64, err, sizeof err) ||
        registry_commit(db, err, sizeof err)) {
        cli_error("demo: %s", err);
        registry_close(db);
        return -1;
    }
    registry_close(db);

    snprintf(path, sizeof path, "%s/products.csv", c->dir);
    if (write_csv(w, path))
        return -1;
    char *import_argv[] = {"import", "--db", (char *)dbpath, path, NULL};
    if (cmd_import(4, import_argv) != EXIT_OK)
        return -1;
    if (enroll_keys(c, dbpath))
        return -1;

    unsigned char *used = calloc(DEMO_PRODUCERS, 1);
    if (!used)
        return -1;
    used[c->compromised] = 1;
    failed = make_samples(c, used);
    if (failed)
        cli_error("demo: cannot make the sample labels");
    if (!failed)
        failed = record_clone(dbpath, &c->samples[14], w->today) ||
                 write_keys(c, used);
    free(used);
    if (failed)
        return -1;

    long long version;
    snprintf(path, sizeof path, "%s/mirror.db", c->dir);
    if (registry_export(dbpath, path, NULL, &version, err, sizeof err)) {
        cli_error("demo: %s", err);
        return -1;
    }

    char mirror[4096];
    snprintf(mirror, sizeof mirror, "%s", path);
    snprintf(path, sizeof path, "%s/labels", c->dir);
    if (mkdir(path, 0755) != 0) {
        cli_error("cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (demo_labels_write(path, mirror, c->samples, SAMPLES, err, sizeof err)) {
        cli_error("demo: %s", err);
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
        cli_error("cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return publish_feed(c->dir, mirror);
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

static int publish_feed(const char *dir, const char *mirror)
{
    char abs[PATH_MAX], path[PATH_LEN], feed_dir[PATH_LEN], url[PATH_LEN];
    char data[PATH_LEN], err[512];
    if (!realpath(dir, abs)) {
        cli_error("demo: %s: %s", dir, strerror(errno));
        return -1;
    }
    if (in_dir(path, sizeof path, abs, "authority.sec") ||
        in_dir(feed_dir, sizeof feed_dir, abs, "feed") ||
        in_dir(url, sizeof url, "file:/", feed_dir) ||
        in_dir(data, sizeof data, abs, "kiosk")) {
        cli_error("demo: folder name too long: %s", abs);
        return -1;
    }
    labels_seckey sec;
    labels_pubkey pub;
    int rc = labels_seckey_read(path, &sec);
    if (rc != LABELS_OK) {
        cli_error("demo: %s: %s", path, labels_strerror(rc));
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
        cli_error("demo: publishing the feed: %s", err);
        return -1;
    }
    /* The URL names the folder: a trailing slash, files are relative. */
    size_t n = strlen(url);
    if (n + 1 >= sizeof url || in_dir(path, sizeof path, abs, "kiosk.conf")) {
        cli_error("demo: folder name too long: %s", abs);
        return -1;
    }
    url[n] = '/';
    url[n + 1] = '\0';
    rc = feed_kiosk_conf_write(path, url, &pub, data);
    if (rc != LABELS_OK) {
        cli_error("demo: cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *date_opt = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': date_opt = optarg; break;
        case 'h':
            puts("usage: ocop-host demo DIR [--date YYYY-MM-DD]\n"
                 "Build a demo world in DIR (new or empty) as of --date "
                 "(default today):\nauthority key, registry.db with the "
                 "January 2020 figures (1,129 products,\n752 producers, 24 "
                 "provinces), products.csv, producer keys, mirror.db,\nand "
                 "sample labels in labels/ with labels/expected.tsv.");
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("demo needs one folder: ocop-host demo DIR");
        return EXIT_USAGE;
    }
    struct demo_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.dir = argv[optind];
    char today[11];
    int rc = regcli_date(date_opt, "--date", today);
    if (rc != EXIT_OK)
        return rc;
    uint16_t labelday;
    char earliest[11];
    /* Labels carry dates from 2020 on; the oldest sample is ~3.4 years
     * before the demo date. */
    regdate_add_days(today, -1300, earliest);
    if (labels_date_parse(earliest, &labelday) != LABELS_OK) {
        cli_error("--date must be 2023-07-25 or later (labels date from "
                  "2020)");
        return EXIT_USAGE;
    }
    if (dir_usable(ctx.dir))
        return EXIT_FAILURE_;
    ctx.w = malloc(sizeof *ctx.w);
    ctx.keys = calloc(DEMO_PRODUCERS, sizeof *ctx.keys);
    if (!ctx.w || !ctx.keys) {
        free(ctx.w);
        free(ctx.keys);
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    demo_world_generate(ctx.w, today);
    char dbpath[PATH_LEN];
    snprintf(dbpath, sizeof dbpath, "%s/registry.db", ctx.dir);
    rc = build(&ctx, dbpath);
    for (int i = 0; i < DEMO_PRODUCERS; i++)
        labels_seckey_wipe(&ctx.keys[i]);
    labels_seckey_wipe(&ctx.old_key);
    labels_seckey_wipe(&ctx.stranger);
    free(ctx.keys);
    free(ctx.w);
    print_cleanup();
    if (rc) {
        cli_error("demo: %s is incomplete; remove it and try again", ctx.dir);
        return EXIT_FAILURE_;
    }
    printf("demo world in %s as of %s: %d products of %d producers in %d "
           "provinces\n(%d proposed 5, %d 4-star, %d 3-star), mirror.db, "
           "%d sample labels in labels/\n",
           ctx.dir, today, DEMO_PRODUCTS, DEMO_PRODUCERS, DEMO_PROVINCES,
           DEMO_PROPOSED5, DEMO_STARS4, DEMO_STARS3, SAMPLES);
    return EXIT_OK;
}
