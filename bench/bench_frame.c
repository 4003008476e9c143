/* bench_frame.c -- time per 640x480 camera frame: ZBar's plain pass alone
 * against the kiosk's whole path (reader in live mode, then for a code
 * newly in view: parse, verify, mirror lookup, durable scan log), in the
 * same run on the same frames.
 *
 * A shopper's session is simulated: empty frames (the common case), then
 * a label held under the camera for HOLD frames (reported and logged
 * once, as the kiosk does), then empty again.
 *
 * usage: bench_frame [ROUNDS [WORKERS]]   (default 3 rounds; the reader's
 * own choice of worker threads, or at most WORKERS)
 */
#include "frames_gen.h"
#include "reader_int.h" /* rd_set_workers */
#include "verdict_pipeline.h"

#include <labels.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zbar.h>

#define EMPTY_FRAMES 30
#define HOLD 30
#define SEED 7

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int plain(zbar_image_scanner_t *sc, const labels_image *img)
{
    zbar_image_t *z = zbar_image_create();
    zbar_image_set_format(z, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(z, (unsigned)img->width, (unsigned)img->height);
    zbar_image_set_data(z, img->pixels,
                        (unsigned long)img->width * (unsigned long)img->height,
                        NULL);
    int n = zbar_scan_image(sc, z);
    zbar_image_destroy(z);
    return n;
}

struct kiosk_ctx {
    struct kiosk_verdicts *v;
    char last[LABELS_TEXT_MAX]; /* the code in view in the last frame */
    size_t last_len;
    int seen_now;
    int genuine, logged;
};

static int on_code(void *vctx, const char *text, size_t len)
{
    struct kiosk_ctx *k = vctx;
    k->seen_now = 1;
    if (len == k->last_len && len < sizeof k->last &&
        memcmp(text, k->last, len) == 0)
        return 0; /* still the same code in view: reported already */
    struct kiosk_verdict kv;
    if (verdicts_check(k->v, text, len, &kv) != 0) {
        fprintf(stderr, "bench_frame: not ready: %s\n", k->v->not_ready);
        exit(1);
    }
    k->genuine += kv.facts.verdict == LABELS_V_GENUINE;
    k->logged += kv.scan_id > 0;
    if (len < sizeof k->last) {
        memcpy(k->last, text, len);
        k->last_len = len;
    }
    return 0;
}

/* A mirror that knows the generator's key and products: every frame's
 * label is genuine, so the whole path is taken. */
static int make_mirror(const char *path, const labels_pubkey *pub)
{
    sqlite3 *db;
    char hex[17], sql[512];
    labels_key_id_hex(pub->id, hex);
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, labels_mirror_schema(), NULL, NULL, NULL) ||
        sqlite3_exec(
            db,
            "BEGIN; INSERT INTO meta VALUES ('schema_version','1'),"
            "('feed_version','1'),('published','2020-01-01T00:00:00Z'),"
            "('authority','0000000000000000');"
            "INSERT INTO producers VALUES ('B-P1','Bench','cooperative',"
            "'Hà Nội');",
            NULL, NULL, NULL))
        return -1;
    for (int c = 0; c < FG_CATEGORY_COUNT; c++)
        for (int l = 0; l < FG_LEVELS; l++) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO products VALUES ('P-%02d%d','Bench %d',"
                     "'food','B-P1','Hà Nội',%d,0,'rated','','','C1',"
                     "'2020-01-01','2199-01-01')",
                     c, l, c, 3 + c % 3); /* as fg_label_text prints */
            if (sqlite3_exec(db, sql, NULL, NULL, NULL))
                return -1;
        }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO keys VALUES (?,'B-P1',?,'2020-01-01',"
                           "'','')",
                           -1, &st, NULL))
        return -1;
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, pub->pk, LABELS_PUBKEY_BYTES, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
        return -1;
    return sqlite3_close(db) == SQLITE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    int workers = argc > 2 ? atoi(argv[2]) : -1;
    if (rounds < 1 || labels_init() != LABELS_OK)
        return 2;
    char dir[] = "/tmp/bench-frame-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    labels_pubkey pub;
    labels_seckey sec;
    if (fg_keys(SEED, &pub, &sec) != LABELS_OK)
        return 1;
    struct kiosk_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.mirror, sizeof cfg.mirror, "%s/mirror.db", dir);
    snprintf(cfg.state, sizeof cfg.state, "%s/sync.state", dir);
    snprintf(cfg.scans, sizeof cfg.scans, "%s/scans.db", dir);
    cfg.scans_max = 100000;
    if (make_mirror(cfg.mirror, &pub) != 0) {
        fprintf(stderr, "bench_frame: cannot make the mirror\n");
        return 1;
    }
    struct kiosk_verdicts v;
    verdicts_open(&v, &cfg);
    if (!v.mirror || !v.log) {
        fprintf(stderr, "bench_frame: %s%s\n", v.not_ready, v.log_problem);
        return 1;
    }

    /* Frames: empty scenes, and each category's mildest code frame. */
    /* every category of one label (multi holds several) */
    enum { CODE_CATS = FG_MULTI };
    labels_image empty[EMPTY_FRAMES], code[CODE_CATS];
    for (int i = 0; i < EMPTY_FRAMES; i++)
        if (fg_make(FG_EMPTY, i % FG_LEVELS, i, SEED, NULL, 0, &empty[i], NULL,
                    NULL) != LABELS_OK)
            return 1;
    for (int c = 0; c < CODE_CATS; c++) {
        char text[LABELS_TEXT_MAX];
        size_t len;
        if (fg_label_text(&sec, c, 0, 0, text, sizeof text, &len) ||
            fg_make(c, 0, 0, SEED, text, len, &code[c], NULL, NULL))
            return 1;
    }
    labels_seckey_wipe(&sec);

    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    labels_reader *rd = labels_reader_new();
    if (!rd || (workers >= 0 && rd_set_workers(rd, workers) != LABELS_OK)) {
        fprintf(stderr, "bench_frame: cannot make the reader\n");
        return 1;
    }
    struct kiosk_ctx k = {.v = &v};

    /* Interleave the two in small batches so both see the same load. */
    double t_plain_e = 0, t_pipe_e = 0, t_plain_c = 0, t_pipe_c = 0;
    long n_e = 0, n_c = 0, plain_reads = 0;
    for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < CODE_CATS; c++) {
            double t0 = now_s();
            for (int i = 0; i < EMPTY_FRAMES; i++)
                plain(sc, &empty[i]);
            double t1 = now_s();
            for (int i = 0; i < EMPTY_FRAMES; i++) {
                k.seen_now = 0;
                labels_read(rd, &empty[i], LABELS_EFFORT_FRAME, on_code, &k,
                            NULL);
                if (!k.seen_now)
                    k.last_len = 0;
            }
            double t2 = now_s();
            for (int i = 0; i < HOLD; i++)
                plain_reads += plain(sc, &code[c]) > 0;
            double t3 = now_s();
            for (int i = 0; i < HOLD; i++) {
                k.seen_now = 0;
                labels_read(rd, &code[c], LABELS_EFFORT_FRAME, on_code, &k,
                            NULL);
                if (!k.seen_now)
                    k.last_len = 0;
            }
            double t4 = now_s();
            t_plain_e += t1 - t0;
            t_pipe_e += t2 - t1;
            t_plain_c += t3 - t2;
            t_pipe_c += t4 - t3;
            n_e += EMPTY_FRAMES;
            n_c += HOLD;
        }
    }
    printf("frames: %ld empty, %ld with a code (%d categories, held %d "
           "frames each); %d scans logged, %d genuine; plain read %ld of "
           "the code frames\n",
           n_e, n_c, CODE_CATS, HOLD, k.logged, k.genuine, plain_reads);
    printf("%-28s %12s %12s %8s %s\n", "per 640x480 frame", "ZBar plain",
           "kiosk path", "ratio", "goal");
    printf("%-28s %10.3f ms %10.3f ms %7.2fx %s\n", "empty (no code)",
           1e3 * t_plain_e / (double)n_e, 1e3 * t_pipe_e / (double)n_e,
           t_pipe_e / t_plain_e, "<= 0.4x");
    printf("%-28s %10.3f ms %10.3f ms %7.2fx %s\n", "holding a code",
           1e3 * t_plain_c / (double)n_c, 1e3 * t_pipe_c / (double)n_c,
           t_pipe_c / t_plain_c, "<= 0.4x");

    for (int i = 0; i < EMPTY_FRAMES; i++)
        labels_image_free(&empty[i]);
    for (int c = 0; c < CODE_CATS; c++)
        labels_image_free(&code[c]);
    labels_reader_free(rd);
    zbar_image_scanner_destroy(sc);
    verdicts_close(&v);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
