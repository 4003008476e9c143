/* bench_reader.c -- decode rate and time per frame on camera-like frames:
 * ZBar's plain pass, the labels reader (one-shot and live), zxing-cpp.
 *
 *   bench_reader [--per-level N] [--seed S] [--live-frames K] [--dir DIR]
 *                [--only CATEGORY] [--workers N] [--set classic|new|all]
 *
 * A frame of several labels (multi) counts as read when every one was.
 *
 * Live mode (LABELS_EFFORT_FRAME) sees each scene for K successive frames,
 * as a held camera does, and counts a read if any of them yields it. */
#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rd_last_hit(): which attempt read a frame */
#include "reader_zxing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { M_PLAIN, M_FULL, M_LIVE, M_ZXING, M_COUNT };
static const char *const mname[M_COUNT] = {"zbar", "full", "live", "zxing"};

typedef struct stat {
    int frames, ok, wrong;
    double secs, cpu; /* wall-clock; CPU of every thread of the process */
    long calls;
} stat;

/* What a frame holds: every label's text; a read counts when all of them
 * were reported (ok), any other text is wrong. */
typedef struct want {
    int n;
    const char *text[FG_MAX_LABELS];
    size_t len[FG_MAX_LABELS];
    int seen[FG_MAX_LABELS];
    int ok, wrong;
} want;

#define MAX_CALLS 100000
static double plain_t[MAX_CALLS], live_t[MAX_CALLS];
static int nplain, nlive;

/* The frames the one-shot and live readers missed, by name (category,
 * level, index; for several labels, how many of them were read): where
 * to look next. */
static char missed[M_COUNT][8192];
/* Frames the one-shot reader missed that ZBar's plain pass or zxing-cpp
 * read (the goal: at least as good as the better of the two). */
static char beaten[8192];

static void note_miss(int m, int cat, int level, int idx, const want *r)
{
    size_t used;
    if (m == M_COUNT) { /* the one-shot reader's miss that another read */
        used = strlen(beaten);
        if (used + 40 < sizeof beaten)
            snprintf(beaten + used, sizeof beaten - used, " %s_%d_%d",
                     fg_category_name(cat), level, idx);
        return;
    }
    used = strlen(missed[m]);
    int seen = 0;
    for (int k = 0; k < r->n; k++)
        seen += r->seen[k];
    if (used + 40 < sizeof missed[m])
        snprintf(missed[m] + used, sizeof missed[m] - used, " %s_%d_%d%s",
                 fg_category_name(cat), level, idx,
                 r->n > 1 ? (seen ? "(some)" : "(none)") : "");
}

/* Share of calls slower than twice the mean plain pass. */
static double share_over(const double *t, int n, double limit)
{
    int over = 0;
    for (int i = 0; i < n; i++)
        over += t[i] > limit;
    return n ? 100.0 * over / n : 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of the whole process (the reader's workers included): what a
 * frame costs the machine, whatever else runs on it. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int on_code(void *ctx, const char *data, size_t len)
{
    want *w = ctx;
    int k = 0;
    while (k < w->n &&
           !(len == w->len[k] && memcmp(data, w->text[k], len) == 0))
        k++;
    if (k == w->n) {
        w->wrong++;
        return 0;
    }
    w->seen[k] = 1;
    int all = 1;
    for (int i = 0; i < w->n; i++)
        all &= w->seen[i];
    w->ok = w->n > 0 && all;
    return 0;
}

static void on_zx(void *ctx, const char *data, size_t len)
{
    on_code(ctx, data, len);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_reader [--per-level N] [--seed S] "
                    "[--live-frames K] [--dir DIR] [--only CATEGORY] "
                    "[--workers N] [--set classic|new|all]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int per_level = 4, live_frames = 6, workers = -1;
    const char *set = "all"; /* classic: issue 5's categories; new: 15's */
    unsigned long long seed = 1;
    const char *dir = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--per-level"))
            per_level = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--seed"))
            seed = strtoull(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--live-frames"))
            live_frames = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--dir"))
            dir = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--only"))
            only = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--workers"))
            workers = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--set"))
            set = argv[++i];
        else
            usage();
    }
    if (per_level < 1 || per_level > 1000 || live_frames < 1 ||
        live_frames > 100)
        usage();
    int known = !only;
    for (int cat = 0; cat < FG_CATEGORY_COUNT && !known; cat++)
        known = !strcmp(only, fg_category_name(cat));
    if (!known)
        usage();
    labels_pubkey pub;
    labels_seckey sec;
    labels_decoder *dec = labels_decoder_new();
    labels_reader *rd = labels_reader_new();
    if (fg_keys(seed, &pub, &sec) != LABELS_OK || !dec || !rd ||
        (workers >= 0 && rd_set_workers(rd, workers) != LABELS_OK)) {
        fprintf(stderr, "bench_reader: setup failed\n");
        return 3;
    }
    stat st[FG_CATEGORY_COUNT][M_COUNT];
    memset(st, 0, sizeof st);
    /* which attempt made the one-shot reads, per category */
    const char *hit_name[32] = {0};
    int hits[FG_CATEGORY_COUNT][32];
    memset(hits, 0, sizeof hits);
    int lvl_ok[FG_CATEGORY_COUNT][FG_LEVELS][M_COUNT];
    memset(lvl_ok, 0, sizeof lvl_ok);
    for (int cat = 0; cat < FG_CATEGORY_COUNT; cat++) {
        /* --only CATEGORY measures one category, and the empty frames the
         * time ratios need */
        if (only && strcmp(only, fg_category_name(cat)) && cat != FG_EMPTY)
            continue;
        if (cat != FG_EMPTY &&
            ((!strcmp(set, "classic") && cat >= FG_CLASSIC) ||
             (!strcmp(set, "new") && cat < FG_CLASSIC)))
            continue;
        for (int level = 0; level < FG_LEVELS; level++) {
            for (int idx = 0; idx < per_level; idx++) {
                char text[FG_MAX_LABELS][LABELS_TEXT_MAX + 1];
                want w;
                memset(&w, 0, sizeof w);
                w.n = fg_label_count(cat, level);
                for (int k = 0; k < w.n; k++) {
                    if (fg_label_text_k(&sec, cat, level, idx, k, text[k],
                                        sizeof text[k],
                                        &w.len[k]) != LABELS_OK) {
                        fprintf(stderr, "bench_reader: label failed\n");
                        return 3;
                    }
                    w.text[k] = text[k];
                }
                labels_image img;
                if (fg_make_n(cat, level, idx, seed, w.text, w.len, w.n, &img,
                              NULL, NULL) != LABELS_OK) {
                    fprintf(stderr, "bench_reader: frame failed\n");
                    return 3;
                }
                if (dir) {
                    char path[4096];
                    snprintf(path, sizeof path, "%s/%s_%d_%d.pgm", dir,
                             fg_category_name(cat), level, idx);
                    if (fg_pgm_write(path, &img) != 0)
                        fprintf(stderr, "bench_reader: cannot write %s\n",
                                path);
                }
                int read_by[M_COUNT] = {0};
                for (int m = 0; m < M_COUNT; m++) {
                    want r = w;
                    double t0 = now(), c0 = cpu_now();
                    long calls = 1;
                    int rc = LABELS_OK;
                    if (m == M_PLAIN) {
                        rc = labels_decode(dec, &img, on_code, &r, NULL);
                    } else if (m == M_FULL) {
                        rc = labels_read(rd, &img, LABELS_EFFORT_FULL, on_code,
                                         &r, NULL);
                        const char *h = rd_last_hit(rd);
                        for (int k = 0; h && k < 32; k++)
                            if (!hit_name[k] || !strcmp(hit_name[k], h)) {
                                hit_name[k] = h;
                                hits[cat][k]++;
                                break;
                            }
                    } else if (m == M_LIVE) {
                        labels_reader_reset(rd);
                        calls = 0;
                        for (int k = 0; k < live_frames; k++) {
                            calls++;
                            double c0 = now();
                            rc = labels_read(rd, &img, LABELS_EFFORT_FRAME,
                                             on_code, &r, NULL);
                            double cd = now() - c0;
                            if (nlive < MAX_CALLS)
                                live_t[nlive++] = cd;
                            /* a held camera keeps going after a read, but
                             * what matters is whether it came */
                            if (rc != LABELS_OK || r.ok || r.wrong)
                                break;
                        }
                    } else {
                        if (zx_decode(img.pixels, img.width, img.height,
                                      img.stride, on_zx, &r) < 0)
                            rc = LABELS_ERR_DECODER;
                    }
                    double dt = now() - t0, dc = cpu_now() - c0;
                    if (rc != LABELS_OK) {
                        fprintf(stderr, "bench_reader: %s failed on %s: %s\n",
                                mname[m], fg_category_name(cat),
                                labels_strerror(rc));
                        return 3;
                    }
                    stat *s = &st[cat][m];
                    if (m == M_PLAIN && nplain < MAX_CALLS)
                        plain_t[nplain++] = dt;
                    s->frames++;
                    s->ok += r.ok;
                    s->wrong += r.wrong > 0;
                    s->secs += dt;
                    s->cpu += dc;
                    s->calls += calls;
                    lvl_ok[cat][level][m] += r.ok;
                    if (!r.ok && cat != FG_EMPTY)
                        note_miss(m, cat, level, idx, &r);
                    read_by[m] = r.ok;
                }
                if (!read_by[M_FULL] && (read_by[M_PLAIN] || read_by[M_ZXING]))
                    note_miss(M_COUNT, cat, level, idx, &w);
                labels_image_free(&img);
            }
        }
    }

    printf("QR reader benchmark: %d frames per category (%d levels x %d), "
           "640x480 grey, seed %llu; live = %d frames per scene\n\n",
           FG_LEVELS * per_level, FG_LEVELS, per_level, seed, live_frames);
    printf("%-13s %13s %13s %13s %13s   %s\n", "category", "zbar plain", "full",
           "live", "zxing-cpp", "reads by level zbar/full/live/zxing");
    stat tot[M_COUNT];
    memset(tot, 0, sizeof tot);
    for (int cat = 0; cat < FG_CATEGORY_COUNT; cat++) {
        printf("%-13s", fg_category_name(cat));
        for (int m = 0; m < M_COUNT; m++) {
            stat *s = &st[cat][m];
            if (s->frames == 0)
                printf(" %13s", "-");
            else if (cat == FG_EMPTY)
                printf(" %4d false %5.1fms", s->wrong,
                       1e3 * s->secs / (double)s->calls);
            else
                printf(" %5.1f%% %5.1fms", 100.0 * s->ok / s->frames,
                       1e3 * s->secs / (double)s->calls);
            if (cat != FG_EMPTY) {
                tot[m].frames += s->frames;
                tot[m].ok += s->ok;
                tot[m].wrong += s->wrong;
            }
        }
        printf("  ");
        for (int l = 0; cat != FG_EMPTY && l < FG_LEVELS; l++)
            printf(" %d/%d/%d/%d", lvl_ok[cat][l][0], lvl_ok[cat][l][1],
                   lvl_ok[cat][l][2], lvl_ok[cat][l][3]);
        printf("\n");
    }
    /* issue 5's categories and issue 15's, each together */
    for (int part = 0; part < 2; part++) {
        printf("%-13s", part ? "ALL new" : "ALL classic");
        for (int m = 0; m < M_COUNT; m++) {
            int fr = 0, ok = 0;
            for (int cat = part ? FG_CLASSIC : 0;
                 cat < (part ? FG_EMPTY : FG_CLASSIC); cat++) {
                fr += st[cat][m].frames;
                ok += st[cat][m].ok;
            }
            printf(" %5.1f%% %6s", fr ? 100.0 * ok / fr : 0.0, "");
        }
        printf("\n");
    }
    printf("%-13s", "ALL (codes)");
    for (int m = 0; m < M_COUNT; m++)
        printf(" %5.1f%% %6s",
               tot[m].frames ? 100.0 * tot[m].ok / tot[m].frames : 0.0, "");
    printf("\nwrong texts reported (frames): zbar %d, full %d, live %d, zxing "
           "%d\n",
           tot[0].wrong, tot[1].wrong, tot[2].wrong, tot[3].wrong);

    for (int m = M_FULL; m <= M_LIVE; m++)
        printf("\n%s missed:%s", mname[m], missed[m]);
    printf("\nfull missed, zbar or zxing read:%s\n", beaten);
    printf("\none-shot reads by attempt:\n");
    for (int cat = 0; cat < FG_CATEGORY_COUNT; cat++) {
        printf("  %-13s", fg_category_name(cat));
        for (int k = 0; k < 32 && hit_name[k]; k++)
            if (hits[cat][k])
                printf(" %s:%d", hit_name[k], hits[cat][k]);
        printf("\n");
    }

    /* Time per call, live vs plain: empty frames and frames with a code. */
    double pe = st[FG_EMPTY][M_PLAIN].secs / st[FG_EMPTY][M_PLAIN].calls;
    double le = st[FG_EMPTY][M_LIVE].secs / st[FG_EMPTY][M_LIVE].calls;
    double ps = 0, ls = 0, fs = 0;
    long pc = 0, lc = 0, fc = 0;
    for (int cat = 0; cat < FG_EMPTY; cat++) {
        ps += st[cat][M_PLAIN].secs;
        pc += st[cat][M_PLAIN].calls;
        ls += st[cat][M_LIVE].secs;
        lc += st[cat][M_LIVE].calls;
        fs += st[cat][M_FULL].secs;
        fc += st[cat][M_FULL].calls;
    }
    printf("\ntime per 640x480 frame   zbar plain   live (ratio)        full "
           "(ratio)\n");
    printf("empty frames            %7.2f ms  %7.2f ms (%.3fx)  %7.2f ms "
           "(%.2fx)\n",
           pe * 1e3, le * 1e3, le / pe,
           1e3 * st[FG_EMPTY][M_FULL].secs / st[FG_EMPTY][M_FULL].calls,
           st[FG_EMPTY][M_FULL].secs / st[FG_EMPTY][M_FULL].calls / pe);
    /* --only empty measures no frame with a code. */
    if (pc && lc && fc)
        printf("frames with a code      %7.2f ms  %7.2f ms (%.3fx)  %7.2f ms "
               "(%.2fx)\n",
               ps / pc * 1e3, ls / lc * 1e3, (ls / lc) / (ps / pc),
               fs / fc * 1e3, (fs / fc) / (ps / pc));
    double pce = st[FG_EMPTY][M_PLAIN].cpu / st[FG_EMPTY][M_PLAIN].calls;
    double lce = st[FG_EMPTY][M_LIVE].cpu / st[FG_EMPTY][M_LIVE].calls;
    double pcs = 0, lcs = 0, fcs = 0;
    for (int cat = 0; cat < FG_EMPTY; cat++) {
        pcs += st[cat][M_PLAIN].cpu;
        lcs += st[cat][M_LIVE].cpu;
        fcs += st[cat][M_FULL].cpu;
    }
    printf("CPU time (all threads): empty %.2f ms plain, %.2f ms live "
           "(%.3fx)",
           pce * 1e3, lce * 1e3, lce / pce);
    if (pc && lc && fc)
        printf("; code %.2f ms plain, %.2f ms live (%.3fx), %.2f ms full "
               "(%.2fx)",
               pcs / pc * 1e3, lcs / lc * 1e3, (lcs / lc) / (pcs / pc),
               fcs / fc * 1e3, (fcs / fc) / (pcs / pc));
    printf("\n");
    /* Does each live frame stay within a plain pass? The share of calls
     * over twice the mean plain pass, plain's own share next to it (the
     * machine's hiccups and ZBar's slow frames land in both). */
    double all_plain = 0;
    for (int i = 0; i < nplain; i++)
        all_plain += plain_t[i];
    all_plain /= nplain ? nplain : 1;
    printf("calls over 2x the mean plain pass: plain %.1f%%, live %.1f%%\n",
           share_over(plain_t, nplain, 2 * all_plain),
           share_over(live_t, nlive, 2 * all_plain));
    labels_reader_free(rd);
    labels_decoder_free(dec);
    labels_seckey_wipe(&sec);
    return 0;
}
