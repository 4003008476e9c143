/* scans.c -- for ocop-host demo-scans: fill a demo world's collector
 * with made-up scans and inspector findings so the reports have
 * something to show (docs/reports.md). This is demo data written
 * straight into the database, not signed kiosk batches: its batch_id is
 * "demo". The same registry, seed, date and count give the same scans. */
#include "collector/collector.h"
#include "demo/demo.h"
#include "report/report.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng_state;

/* splitmix64: small, seedable, the same on every machine. */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rnd01(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static size_t rnd_below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

struct prod {
    char code[16];
    char producer[32];
    char key[LABELS_KEY_ID_HEX_SIZE];
    char status[16];
    int expired;
};

struct dk {
    char id[LABELS_KEY_ID_HEX_SIZE];
    size_t province;
    int64_t next_scan, next_finding;
};

struct world {
    char (*provinces)[128];
    size_t np;
    struct prod *p;
    size_t n;
    size_t *rated, nrated; /* rated, not expired */
    size_t *expired, nexpired;
    size_t *susp, nsusp;
    size_t *revk, nrevk;
    char revoked_key[LABELS_KEY_ID_HEX_SIZE];
    struct dk *k;
    size_t nk;
};

static void free_world(struct world *w)
{
    free(w->provinces);
    free(w->p);
    free(w->rated);
    free(w->expired);
    free(w->susp);
    free(w->revk);
    free(w->k);
}

static int load_registry(sqlite3 *db, const char *date, struct world *w)
{
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_ERROR;
    size_t cap = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT DISTINCT province FROM products "
                           "ORDER BY province",
                           -1, &st, NULL) == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (w->np == cap) {
                cap = cap ? cap * 2 : 32;
                void *n = realloc(w->provinces, cap * sizeof *w->provinces);
                if (!n) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                w->provinces = n;
            }
            snprintf(w->provinces[w->np++], 128, "%s",
                     (const char *)sqlite3_column_text(st, 0));
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE)
        return -1;
    cap = 0;
    rc = SQLITE_ERROR;
    if (sqlite3_prepare_v2(
            db,
            "SELECT p.code, p.status, p.expires < ?1, (SELECT key_id FROM "
            "keys k WHERE k.producer = p.producer AND k.revoked = '' ORDER BY "
            "key_id LIMIT 1), p.producer FROM products p ORDER BY p.code",
            -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (sqlite3_column_type(st, 3) == SQLITE_NULL)
                continue;
            if (w->n == cap) {
                cap = cap ? cap * 2 : 256;
                void *n = realloc(w->p, cap * sizeof *w->p);
                if (!n) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                w->p = n;
            }
            struct prod *p = &w->p[w->n++];
            snprintf(p->code, sizeof p->code, "%s",
                     (const char *)sqlite3_column_text(st, 0));
            snprintf(p->status, sizeof p->status, "%s",
                     (const char *)sqlite3_column_text(st, 1));
            p->expired = sqlite3_column_int(st, 2);
            snprintf(p->producer, sizeof p->producer, "%s",
                     (const char *)sqlite3_column_text(st, 4));
            snprintf(p->key, sizeof p->key, "%s",
                     (const char *)sqlite3_column_text(st, 3));
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE || !w->n)
        return -1;
    w->rated = calloc(w->n, sizeof *w->rated);
    w->expired = calloc(w->n, sizeof *w->expired);
    w->susp = calloc(w->n, sizeof *w->susp);
    w->revk = calloc(w->n, sizeof *w->revk);
    if (!w->rated || !w->expired || !w->susp || !w->revk)
        return -1;
    for (size_t i = 0; i < w->n; i++) {
        const struct prod *p = &w->p[i];
        if (!strcmp(p->status, "expired") ||
            (!strcmp(p->status, "rated") && p->expired))
            w->expired[w->nexpired++] = i;
        else if (!strcmp(p->status, "rated"))
            w->rated[w->nrated++] = i;
        else if (!strcmp(p->status, "suspended"))
            w->susp[w->nsusp++] = i;
        else if (!strcmp(p->status, "revoked"))
            w->revk[w->nrevk++] = i;
    }
    if (!w->nrated)
        return -1;
    snprintf(w->revoked_key, sizeof w->revoked_key, "0000000000000001");
    if (sqlite3_prepare_v2(db,
                           "SELECT key_id FROM keys WHERE revoked <> '' "
                           "ORDER BY key_id LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(w->revoked_key, sizeof w->revoked_key, "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return 0;
}

/* Kiosks: two or three per province, keys derived from the seed so the
 * same world gets the same kiosk IDs. */
static int enroll_kiosks(collector *c, struct world *w, uint64_t seed,
                         char *errbuf, size_t errsz)
{
    w->k = calloc(w->np * 3, sizeof *w->k);
    if (!w->k)
        return -1;
    static const char *const shops[] = {"Cửa hàng OCOP", "Siêu thị",
                                        "Chợ trung tâm"};
    for (size_t i = 0; i < w->np; i++) {
        for (size_t j = 0; j < 2 + i % 2; j++) {
            uint8_t in[32], sd[crypto_sign_SEEDBYTES];
            uint8_t sk[crypto_sign_SECRETKEYBYTES];
            labels_pubkey pub;
            memset(in, 0, sizeof in);
            memcpy(in, "ocop-demo-kiosk", 15);
            memcpy(in + 16, &seed, 8);
            in[24] = (uint8_t)i;
            in[25] = (uint8_t)j;
            crypto_generichash(sd, sizeof sd, in, sizeof in, NULL, 0);
            crypto_sign_seed_keypair(pub.pk, sk, sd);
            sodium_memzero(sk, sizeof sk);
            labels_key_id(pub.pk, pub.id);
            char shop[COLLECTOR_PLACE_MAX];
            snprintf(shop, sizeof shop, "%s %s %zu", shops[j], w->provinces[i],
                     j + 1);
            if (collector_enroll(c, &pub, 1, w->provinces[i], shop, errbuf,
                                 errsz))
                return -1;
            struct dk *k = &w->k[w->nk++];
            labels_key_id_hex(pub.id, k->id);
            k->province = i;
            k->next_scan = k->next_finding = 1;
        }
    }
    return 0;
}

struct out {
    sqlite3_stmt *scan, *finding;
    long rows;
};

static int put_scan(struct out *o, struct dk *k, int64_t t, labels_verdict v,
                    const char *product, const char *signer, const char *lot,
                    uint32_t serial)
{
    const char *verdict = labels_verdict_word(v);
    uint8_t h[16];
    char text[128], hex[33];
    snprintf(text, sizeof text, "demo|%s|%s|%s|%u|%s", product, signer, lot,
             serial, verdict);
    crypto_generichash(h, sizeof h, (const uint8_t *)text, strlen(text), NULL,
                       0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    sqlite3_stmt *st = o->scan;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, k->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, k->next_scan++);
    sqlite3_bind_int64(st, 3, t);
    sqlite3_bind_text(st, 4, verdict, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, signer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, serial);
    sqlite3_bind_text(st, 9, hex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 10, rnd01() < 0.01);
    sqlite3_bind_text(st, 11, "demo", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, t + 60 + (int64_t)rnd_below(3600));
    if (sqlite3_step(st) != SQLITE_DONE)
        return -1;
    o->rows++;
    return 0;
}

static int put_finding(struct out *o, struct dk *k, int64_t t,
                       const char *inspector, const struct prod *p,
                       const char *finding, const char *note)
{
    sqlite3_stmt *st = o->finding;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, k->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, k->next_finding++);
    sqlite3_bind_int64(st, 3, t);
    sqlite3_bind_text(st, 4, inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, "L2405", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, 0);
    sqlite3_bind_text(st, 8, finding, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, "demo", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, t);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* Popular products are scanned far more often than the rest. */
static const struct prod *popular(const struct world *w)
{
    double u = rnd01();
    return &w->p[w->rated[(size_t)(u * u * u * (double)w->nrated)]];
}

#define MISLABELLED 4
#define HOTSPOTS 2

static int generate(struct out *o, struct world *w, long count, int64_t start,
                    int64_t span)
{
    size_t hot[HOTSPOTS] = {3 % w->np, 14 % w->np};
    const struct prod *mis[MISLABELLED];
    for (int i = 0; i < MISLABELLED; i++)
        mis[i] = &w->p[w->rated[(w->nrated / MISLABELLED) * (size_t)i +
                                w->nrated / 9]];
    uint32_t pack = 100000;
    char lot[16];
    for (long i = 0; i < count;) {
        struct dk *k = &w->k[rnd_below(w->nk)];
        int64_t t = start + (int64_t)rnd_below((size_t)span);
        /* The hotspot is one shop: the first kiosk of the province. */
        int hotk = (k->province == hot[0] || k->province == hot[1]) &&
                   (k == w->k || k[-1].province != k->province);
        double r = rnd01();
        const struct prod *p = popular(w);
        int rc = 0;
        snprintf(lot, sizeof lot, "L%u", 2401 + (unsigned)rnd_below(12));
        if (hotk && r < 0.12) {
            rc = put_scan(o, k, t, LABELS_V_FORGED, p->code, p->key, lot,
                          (uint32_t)(1 + rnd_below(999999)));
        } else if (hotk && r < 0.18) {
            rc = put_scan(o, k, t, LABELS_V_UNKNOWN_SIGNER, p->code,
                          "5EED5EED5EED5EED", lot,
                          (uint32_t)(1 + rnd_below(999999)));
        } else if ((r = rnd01()) < 0.002) {
            rc = put_scan(o, k, t, LABELS_V_FORGED, p->code, p->key, lot,
                          (uint32_t)(1 + rnd_below(999999)));
        } else if (r < 0.004) {
            rc = put_scan(o, k, t, LABELS_V_UNKNOWN_SIGNER, p->code,
                          "0BADC0DE0BADC0DE", lot,
                          (uint32_t)(1 + rnd_below(999999)));
        } else if (r < 0.024) {
            p = mis[rnd_below(MISLABELLED)];
            rc = put_scan(o, k, t, LABELS_V_RATING_CHANGED, p->code, p->key,
                          lot, pack++);
        } else if (r < 0.034 && w->nexpired) {
            p = &w->p[w->expired[rnd_below(w->nexpired)]];
            rc = put_scan(o, k, t, LABELS_V_EXPIRED, p->code, p->key, lot,
                          pack++);
        } else if (r < 0.037 && w->nsusp) {
            p = &w->p[w->susp[rnd_below(w->nsusp)]];
            rc = put_scan(o, k, t, LABELS_V_SUSPENDED, p->code, p->key, lot,
                          pack++);
        } else if (r < 0.039 && w->nrevk) {
            p = &w->p[w->revk[rnd_below(w->nrevk)]];
            rc = put_scan(o, k, t, LABELS_V_REVOKED, p->code, p->key, lot,
                          pack++);
        } else if (r < 0.049) {
            rc = put_scan(o, k, t, LABELS_V_UNKNOWN_PRODUCT, "ZZ-404", p->key,
                          lot, (uint32_t)(1 + rnd_below(999)));
        } else if (r < 0.051) {
            rc = put_scan(o, k, t, LABELS_V_SIGNER_REVOKED, p->code,
                          w->revoked_key, lot,
                          (uint32_t)(1 + rnd_below(999999)));
        } else if (r < 0.054) {
            const struct prod *q = popular(w);
            rc = put_scan(o, k, t, LABELS_V_SIGNER_NOT_ENROLLED, p->code,
                          q->key, lot, (uint32_t)(1 + rnd_below(999999)));
        } else if (r < 0.084) {
            rc = put_scan(o, k, t, LABELS_V_NOT_OCOP, "_", "_", "_", 0);
        } else if (r < 0.094) {
            rc = put_scan(o, k, t, LABELS_V_MALFORMED, "_", "_", "_", 0);
        } else {
            /* A real pack: scanned once, sometimes twice by the same
             * shopper at the same kiosk. */
            uint32_t serial = pack++;
            rc = put_scan(o, k, t, LABELS_V_GENUINE, p->code, p->key, lot,
                          serial);
            if (!rc && rnd01() < 0.15 && i + 1 < count) {
                rc = put_scan(o, k, t + 30 + (int64_t)rnd_below(600),
                              LABELS_V_GENUINE, p->code, p->key, lot, serial);
                i++;
            }
        }
        if (rc)
            return -1;
        i++;
    }
    return 0;
}

/* The planted clone: one real label copied and sold in six provinces;
 * and a pack a shopper scanned three times at one kiosk (not a clone). */
static int plant(struct out *o, struct world *w, int64_t end, const char *world,
                 const struct prod **clone)
{
    /* In a demo world, a product whose producer's key pair is in
     * DIR/producers, so the cloned label can be printed and checked. */
    const struct prod *p = &w->p[w->rated[2 % w->nrated]];
    for (size_t i = 0; world && i < w->nrated; i++) {
        char path[4200];
        const struct prod *q = &w->p[w->rated[i]];
        snprintf(path, sizeof path, "%s/producers/%s.sec", world, q->producer);
        if (access(path, R_OK) == 0) {
            p = q;
            break;
        }
    }
    *clone = p;
    for (int i = 0; i < 36; i++) {
        /* Six provinces spread over the np there are (20 units of 2025
         * in the demo; 24 provinces of 2020 before). */
        size_t prov = (size_t)(i % 6) * (w->np >= 6 ? w->np / 6 : 1) % w->np;
        struct dk *k = w->k;
        while (k->province != prov)
            k++;
        int64_t t =
            end - 10 * 86400 + (int64_t)i * 6 * 3600 + (int64_t)rnd_below(3600);
        if (put_scan(o, k, t, LABELS_V_GENUINE, p->code, p->key, "L2406", 4242))
            return -1;
    }
    const struct prod *q = &w->p[w->rated[5 % w->nrated]];
    for (int i = 0; i < 3; i++)
        if (put_scan(o, &w->k[1], end - 7 * 86400 + i * 86400, LABELS_V_GENUINE,
                     q->code, q->key, "L2406", 5151))
            return -1;
    return 0;
}

static int findings(struct out *o, struct world *w, int64_t start, int64_t span)
{
    static const char *const inspectors[] = {"TTR-01", "TTR-02", "QLTT-07"};
    int bad = 0;
    for (int i = 0; i < 8 && !bad; i++) {
        const struct prod *p = &w->p[w->rated[(w->nrated / MISLABELLED) *
                                                  (size_t)(i % MISLABELLED) +
                                              w->nrated / 9]];
        bad = put_finding(o, &w->k[rnd_below(w->nk)],
                          start + (int64_t)rnd_below((size_t)span),
                          inspectors[i % 3], p, "label_misuse",
                          "Tem in 4 sao, sản phẩm được công nhận 3 sao");
    }
    for (size_t i = 0; i < w->nexpired && !bad; i++)
        bad = put_finding(o, &w->k[rnd_below(w->nk)],
                          start + (int64_t)rnd_below((size_t)span),
                          inspectors[i % 3], &w->p[w->expired[i]],
                          "expired_on_sale",
                          "Chứng nhận hết hạn vẫn bày bán <kệ 3>");
    for (int i = 0; i < 3 && !bad; i++)
        bad = put_finding(o, &w->k[0], start + (int64_t)rnd_below((size_t)span),
                          "QLTT-07", popular(w), "suspected_counterfeit",
                          "Bao bì khác mẫu, tem mờ & \"lạ\"");
    for (int i = 0; i < 12 && !bad; i++)
        bad = put_finding(o, &w->k[rnd_below(w->nk)],
                          start + (int64_t)rnd_below((size_t)span),
                          inspectors[i % 3], popular(w), "compliant", "");
    return bad ? -1 : 0;
}

/* The scans into the open collector database, one transaction. */
static int write_all(sqlite3 *db, struct world *w,
                     const struct demo_scans_opts *o, int64_t end,
                     struct demo_scans_result *r)
{
    struct out out = {NULL, NULL, 0};
    const struct prod *clone = NULL;
    int64_t span = o->days * 86400;
    int bad = sqlite3_exec(db,
                           "PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536;"
                           "BEGIN IMMEDIATE",
                           NULL, NULL, NULL) ||
              sqlite3_prepare_v2(db,
                                 "INSERT OR IGNORE INTO scans VALUES "
                                 "(?,?,?,?,?,?,?,?,?,?,?,?)",
                                 -1, &out.scan, NULL) ||
              sqlite3_prepare_v2(db,
                                 "INSERT OR IGNORE INTO findings VALUES "
                                 "(?,?,?,?,?,?,?,?,?,?,?)",
                                 -1, &out.finding, NULL) ||
              generate(&out, w, o->count, end - span, span) ||
              plant(&out, w, end, o->world, &clone) ||
              findings(&out, w, end - span, span) ||
              sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(out.scan);
    sqlite3_finalize(out.finding);
    if (!bad) {
        r->rows = out.rows;
        snprintf(r->clone_key, sizeof r->clone_key, "%s", clone->key);
        snprintf(r->clone_code, sizeof r->clone_code, "%s", clone->code);
    }
    return bad ? -1 : 0;
}

int demo_scans_write(const struct demo_scans_opts *o,
                     struct demo_scans_result *r, char *err, size_t errsz)
{
    memset(r, 0, sizeof *r);
    sqlite3 *rdb;
    if (registry_open(o->registry, 1, &rdb, err, errsz))
        return -1;
    struct world w;
    memset(&w, 0, sizeof w);
    int bad = load_registry(rdb, o->date, &w);
    registry_close(rdb);
    if (bad) {
        snprintf(err, errsz,
                 "registry %s has no rated products with keys to scan",
                 o->registry);
        free_world(&w);
        return -1;
    }
    rng_state = o->seed;
    collector *col;
    if (collector_open(o->collector, &col, err, errsz)) {
        free_world(&w);
        return -1;
    }
    bad = enroll_kiosks(col, &w, o->seed, err, errsz);
    collector_close(col);
    sqlite3 *db = NULL;
    int64_t end = report_day_start(o->date) + 86400;
    if (!bad) {
        bad = sqlite3_open_v2(o->collector, &db, SQLITE_OPEN_READWRITE, NULL) ||
              write_all(db, &w, o, end, r);
        if (bad && db)
            snprintf(err, errsz, "cannot write demo scans to %s: %s",
                     o->collector, sqlite3_errmsg(db));
    }
    sqlite3_close(db); /* an open transaction rolls back */
    if (!bad) {
        report_day(end - o->days * 86400, r->first);
        r->kiosks = w.nk;
        r->provinces = w.np;
        snprintf(r->hotspot[0], sizeof r->hotspot[0], "%s",
                 w.provinces[3 % w.np]);
        snprintf(r->hotspot[1], sizeof r->hotspot[1], "%s",
                 w.provinces[14 % w.np]);
    }
    free_world(&w);
    return bad ? -1 : 0;
}
