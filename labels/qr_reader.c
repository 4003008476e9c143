/* qr_reader.c -- QR codes out of real camera frames: ZBar's plain pass
 * first, then retries on processed copies of the regions where a code is
 * likely (reader_regions.c, image_ops.c). ZBar decodes every text; the
 * retries only change the pixels it sees.
 *
 * Live mode keeps each call near one plain pass: a frame where the plain
 * pass found nothing but a region looks like a code makes the next calls
 * spend their pass on retries instead (what a plain pass costs, timed on
 * this machine), taking the attempt list up where the last retry call
 * left it. Frames with no likely region pay only for the region search. */
#include "reader_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PIXELS 40000000u /* as labels_image_read's default cap */
#define MAX_CODES 16         /* distinct codes remembered per call */
#define MAX_SIDE 2048        /* longest side of a retry image */
#define UP_SIDE 800          /* longest side an enlarging attempt makes */
/* Live mode: retry calls after each plain pass that missed a likely
 * region. A plain pass on the same scene rarely succeeds where the last
 * one failed; it is there for scenes that change. */
#define RETRIES_PER_PLAIN 2
/* A retry call's budget, as a share of a plain pass: under one, as an
 * attempt's cost is only an estimate and may overrun. */
#define BUDGET 0.85

/* One processed copy of a region: what to do to it and how much to
 * enlarge it first (percent). */
typedef struct attempt {
    const char *name;
    int scale;
    int (*prep)(labels_image *img);
    int prep_cost; /* 1: a few passes over the pixels; more: deconvolution */
    int rectify;   /* warp the region's outline quadrilateral to a square */
} attempt;

/* Window radius for local operations: a few modules of a code that fills
 * the image (the region is the code plus a margin). */
static int local_r(const labels_image *img)
{
    int s = img->width < img->height ? img->width : img->height;
    int r = s / 14;
    return r < 4 ? 4 : r > 40 ? 40 : r;
}

static int prep_stretch(labels_image *img)
{
    rdops_stretch(img);
    return LABELS_OK;
}

static int prep_normalise(labels_image *img)
{
    return rdops_normalise(img, local_r(img), 4);
}

static int prep_binarise(labels_image *img)
{
    int rc = rdops_box_blur(img, 1);
    return rc != LABELS_OK ? rc : rdops_binarise(img, local_r(img), 6);
}

static int prep_sharpen(labels_image *img)
{
    int rc = rdops_sharpen(img, 2, 150);
    if (rc == LABELS_OK)
        rdops_stretch(img);
    return rc;
}

static int prep_sharp_binarise(labels_image *img)
{
    int rc = rdops_sharpen(img, 3, 200);
    return rc != LABELS_OK ? rc : rdops_binarise(img, local_r(img), 6);
}

static int prep_smooth(labels_image *img)
{
    int rc = rdops_box_blur(img, 1);
    if (rc == LABELS_OK)
        rc = rdops_box_blur(img, 1);
    if (rc == LABELS_OK)
        rdops_stretch(img);
    return rc;
}

/* Light modules on a dark ground: a code printed in white on dark or
 * kraft packaging, or shown on a screen in dark mode. ZBar reads only
 * dark on light; the signature does not care which way round. */
static int prep_invert(labels_image *img)
{
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = img->pixels + (size_t)y * (size_t)img->stride;
        for (int x = 0; x < img->width; x++)
            row[x] = (uint8_t)(255 - row[x]);
    }
    return LABELS_OK;
}

static int prep_invert_binarise(labels_image *img)
{
    prep_invert(img);
    return prep_binarise(img);
}

static int deblur_then_binarise(labels_image *img, int dx, int dy, int len)
{
    int rc = rdops_deblur(img, dx, dy, len, 6);
    if (rc == LABELS_OK)
        rc = rdops_box_blur(img, 1);
    return rc != LABELS_OK ? rc : rdops_binarise(img, local_r(img), 8);
}

static int prep_deblur(labels_image *img)
{
    return deblur_then_binarise(img, 0, 0, 3);
}

/* Deconvolve along the estimated motion. Longer lines and fewer rounds
 * than the true blur read best: a short PSF under-corrects, many rounds
 * amplify the noise. */
static int motion(labels_image *img, int len, int iters)
{
    int dx, dy;
    if (rdops_blur_dir(img, &dx, &dy) != 0)
        return LABELS_ERR_IMAGE; /* no motion: nothing to try */
    return rdops_deblur(img, dx, dy, len, iters);
}

static int prep_motion11(labels_image *img) { return motion(img, 11, 3); }

static int prep_motion9(labels_image *img) { return motion(img, 9, 3); }

static int prep_motion11_6(labels_image *img) { return motion(img, 11, 6); }

/* The rectified square (rdops_warp_quad) has a margin of a tenth of the
 * code's side round it: a twelfth of the image. */
static int uncurve(labels_image *img, int vertical, int deg)
{
    int rc = rdops_uncurve(img, img->width / 12, vertical, deg);
    if (rc == LABELS_OK)
        rdops_stretch(img);
    return rc;
}

static int prep_cyl_h40(labels_image *img) { return uncurve(img, 0, 40); }

static int prep_cyl_v40(labels_image *img) { return uncurve(img, 1, 40); }

static int prep_cyl_h55(labels_image *img) { return uncurve(img, 0, 55); }

static int prep_cyl_v55(labels_image *img) { return uncurve(img, 1, 55); }

/* In the order live mode tries them: most reads per millisecond first
 * (measured on bench_reader's frames, docs/performance.md). */
static const attempt attempts[] = {
    {"bin", 100, prep_binarise, 1, 0},
    {"up2-sharp", 200, prep_sharpen, 1, 0},
    {"rect", 100, prep_stretch, 1, 1},
    {"cyl-h40", 150, prep_cyl_h40, 1, 1},
    {"motion11", 100, prep_motion11, 10, 0},
    {"sharp-bin", 100, prep_sharp_binarise, 1, 0},
    {"stretch", 100, prep_stretch, 1, 0},
    {"up3-sharp", 300, prep_sharpen, 1, 0},
    {"norm", 100, prep_normalise, 1, 0},
    {"rect-up2", 200, prep_sharpen, 1, 1},
    {"up2-bin", 200, prep_binarise, 1, 0},
    {"smooth", 100, prep_smooth, 1, 0},
    {"rect-bin", 100, prep_binarise, 1, 1},
    {"down2", 50, prep_stretch, 1, 0},
    {"deblur", 100, prep_deblur, 10, 0},
    {"motion9", 100, prep_motion9, 10, 0},
    {"motion11-6", 100, prep_motion11_6, 10, 0},
    {"cyl-v40", 150, prep_cyl_v40, 1, 1},
    {"cyl-h55", 150, prep_cyl_h55, 1, 1},
    {"cyl-v55", 150, prep_cyl_v55, 1, 1},
    {"invert", 100, prep_invert, 1, 0},
    {"invert-bin", 100, prep_invert_binarise, 1, 0},
};
#define N_ATTEMPTS ((int)(sizeof attempts / sizeof attempts[0]))
#define MAX_ATTEMPTS 32 /* room in labels_reader for their costs */
_Static_assert(sizeof attempts / sizeof attempts[0] <= MAX_ATTEMPTS,
               "attempt_ns_px is too small for the attempt list");

struct labels_reader {
    labels_decoder *dec;
    /* live mode: what the next call does */
    int retry_pending; /* retry calls due before the next plain pass */
    int next_attempt;  /* where retries take the attempt list up */
    int sticky;        /* attempt that last read something, or -1 */
    int search_skip;   /* the last search found nothing: skip one */
    rd_region reg[RD_MAX_REGIONS]; /* the last search's regions */
    int nreg, reg_w, reg_h;        /* how many, and in what frame size */
    const char *last_hit;
    /* what things cost on this machine, learnt as it goes (nanoseconds,
     * moving averages): a plain pass per pixel, and each attempt per
     * pixel of region */
    double plain_ns_px;
    double attempt_ns_px[MAX_ATTEMPTS];
};

static double now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void learn(double *avg, double sample)
{
    *avg = *avg <= 0 ? sample : 0.8 * *avg + 0.2 * sample;
}

/* One labels_read() call: its callback, and the codes already reported. */
typedef struct call {
    labels_code_fn fn;
    void *ctx;
    int found, stop;
    int n;
    char *text[MAX_CODES];
    size_t len[MAX_CODES];
} call;

static int on_code(void *vctx, const char *data, size_t len)
{
    call *c = vctx;
    for (int i = 0; i < c->n; i++)
        if (c->len[i] == len && memcmp(c->text[i], data, len) == 0)
            return 0;
    if (c->n < MAX_CODES) {
        char *copy = malloc(len ? len : 1);
        if (copy) {
            memcpy(copy, data, len);
            c->text[c->n] = copy;
            c->len[c->n++] = len;
        }
    }
    c->found++;
    if (c->fn && c->fn(c->ctx, data, len))
        c->stop = 1;
    return c->stop;
}

labels_reader *labels_reader_new(void)
{
    labels_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return NULL;
    rd->dec = labels_decoder_new();
    if (!rd->dec) {
        free(rd);
        return NULL;
    }
    rd->sticky = -1;
    /* first guesses; measured costs replace them after one use */
    rd->plain_ns_px = 40;
    for (int a = 0; a < N_ATTEMPTS; a++)
        rd->attempt_ns_px[a] =
            50.0 * attempts[a].scale * attempts[a].scale / 10000;
    return rd;
}

void labels_reader_free(labels_reader *rd)
{
    if (!rd)
        return;
    labels_decoder_free(rd->dec);
    free(rd);
}

void labels_reader_reset(labels_reader *rd)
{
    if (!rd)
        return;
    rd->retry_pending = 0;
    rd->next_attempt = 0;
    rd->sticky = -1;
    rd->last_hit = NULL;
    rd->search_skip = 0;
    rd->nreg = 0;
}

_Static_assert(sizeof((labels_reader *)0)->attempt_ns_px / sizeof(double) >=
                   sizeof attempts / sizeof attempts[0],
               "one cost per attempt");

const char *rd_last_hit(const labels_reader *rd)
{
    return rd ? rd->last_hit : NULL;
}

/* Run attempt a on region r of img. */
static int try_attempt(labels_reader *rd, call *c, const labels_image *img,
                       const rd_region *r, int a)
{
    double t0 = now_ns();
    labels_image crop = {0}, big = {0};
    int rc;
    if (attempts[a].rectify) {
        if (!r->has_quad)
            return LABELS_OK;
        /* The square gets the quad's longest side, scaled, plus room for
         * the quiet zone. */
        double side = 0;
        for (int k = 0; k < 4; k++) {
            double dx = r->qx[(k + 1) % 4] - r->qx[k],
                   dy = r->qy[(k + 1) % 4] - r->qy[k];
            double d2 = dx * dx + dy * dy;
            if (d2 > side)
                side = d2;
        }
        double len = side > 1 ? side / 2 : 1;
        for (int it = 0; it < 40; it++)
            len = 0.5 * (len + side / len);
        len = len * attempts[a].scale / 100;
        if (len < 40)
            len = 40;
        if (len > MAX_SIDE * 0.8)
            len = MAX_SIDE * 0.8;
        rc = rdops_warp_quad(img, r->qx, r->qy, (int)len, (int)len / 10, &crop);
        if (rc != LABELS_OK)
            return rc == LABELS_ERR_IMAGE ? LABELS_OK : rc;
    } else {
        rc = rdops_crop(img, r->x, r->y, r->w, r->h, &crop);
        if (rc != LABELS_OK)
            return rc;
    }
    labels_image *work = &crop;
    int scale = attempts[a].rectify ? 100 : attempts[a].scale;
    long ow = (long)crop.width * scale / 100;
    long oh = (long)crop.height * scale / 100;
    /* Enlarging is for small codes: a region already big enough is only
     * enlarged up to UP_SIDE, which keeps the attempt near one plain
     * pass's cost for live mode. */
    if (scale > 100 && (ow > UP_SIDE || oh > UP_SIDE)) {
        long big_side = ow > oh ? ow : oh;
        long lim = crop.width > crop.height ? crop.width : crop.height;
        lim = lim > UP_SIDE ? lim : UP_SIDE;
        ow = ow * lim / big_side;
        oh = oh * lim / big_side;
    }
    while (ow > MAX_SIDE || oh > MAX_SIDE) {
        ow = ow * 3 / 4;
        oh = oh * 3 / 4;
    }
    if (ow < 1)
        ow = 1;
    if (oh < 1)
        oh = 1;
    if (ow != crop.width || oh != crop.height) {
        rc = rdops_resize(&crop, (int)ow, (int)oh, &big);
        labels_image_free(&crop);
        if (rc != LABELS_OK)
            return rc;
        work = &big;
    }
    rc = attempts[a].prep(work);
    if (rc == LABELS_ERR_IMAGE) {
        rc = LABELS_OK; /* the attempt does not apply to this image */
    } else if (rc == LABELS_OK) {
        int before = c->found;
        rc = labels_decode(rd->dec, work, on_code, c, NULL);
        if (rc == LABELS_OK && c->found > before) {
            if (!rd->last_hit)
                rd->last_hit = attempts[a].name;
            rd->sticky = a;
        }
    }
    labels_image_free(&crop);
    labels_image_free(&big);
    if (r->w > 0 && r->h > 0)
        learn(&rd->attempt_ns_px[a], (now_ns() - t0) / ((double)r->w * r->h));
    return rc;
}

static int plain(labels_reader *rd, call *c, const labels_image *img)
{
    int before = c->found;
    double t0 = now_ns();
    int rc = labels_decode(rd->dec, img, on_code, c, NULL);
    learn(&rd->plain_ns_px,
          (now_ns() - t0) / ((double)img->width * (double)img->height));
    if (rc == LABELS_OK && c->found > before && !rd->last_hit)
        rd->last_hit = "plain";
    return rc;
}

/* One-shot: every attempt on every region (the whole image when nothing
 * stands out), stopping after the first attempt that reads something. */
static int read_full(labels_reader *rd, call *c, const labels_image *img)
{
    int rc = plain(rd, c, img);
    if (rc != LABELS_OK || c->found || c->stop)
        return rc;
    rd_region reg[RD_MAX_REGIONS];
    int n = rd_find_regions(img, reg, RD_MAX_REGIONS);
    if (n < 0)
        return n;
    int whole = n == 0;
    if (whole) {
        reg[0].x = reg[0].y = 0;
        reg[0].w = img->width;
        reg[0].h = img->height;
        reg[0].score = 0;
        reg[0].has_quad = 0;
        n = 1;
    }
    for (int a = 0; a < N_ATTEMPTS && !c->found && !c->stop; a++)
        for (int i = 0; i < n && !c->stop; i++) {
            /* Nothing stood out: a faint code may still be there, but
             * deconvolving a whole frame costs seconds for little hope. */
            if (whole && (attempts[a].prep_cost > 1 || attempts[a].scale > 100))
                continue;
            rc = try_attempt(rd, c, img, &reg[i], a);
            if (rc != LABELS_OK)
                return rc;
        }
    return LABELS_OK;
}

/* Live: one plain pass, or about one plain pass worth of retries. The
 * region search runs only after a plain pass that found nothing, and at
 * most every other such frame while it keeps finding no likely code; the
 * retry calls reuse its regions (the scene moves little in two frames). */
static int read_frame(labels_reader *rd, call *c, const labels_image *img)
{
    double t0 = now_ns();
    if (rd->nreg > 0 && (rd->reg_w != img->width || rd->reg_h != img->height)) {
        rd->nreg = 0; /* another camera or size: the regions mean nothing */
        rd->retry_pending = 0;
    }
    if (!rd->retry_pending || rd->nreg == 0) {
        int rc = plain(rd, c, img);
        if (rc != LABELS_OK)
            return rc;
        rd->retry_pending = 0;
        if (c->found) {
            rd->next_attempt = 0;
            rd->search_skip = 0;
            return LABELS_OK;
        }
        if (rd->search_skip) {
            rd->search_skip = 0;
            return LABELS_OK;
        }
        int n = rd_find_regions(img, rd->reg, RD_MAX_REGIONS);
        if (n < 0)
            return n;
        rd->nreg = n;
        rd->reg_w = img->width;
        rd->reg_h = img->height;
        rd->retry_pending = n > 0 ? RETRIES_PER_PLAIN : 0;
        rd->search_skip = n == 0;
        return LABELS_OK;
    }
    const rd_region *reg = rd->reg;
    int n = rd->nreg;
    rd->retry_pending--;
    /* The budget: a share of what a plain pass costs. */
    double budget = BUDGET * rd->plain_ns_px * img->width * (double)img->height;
    /* The attempt that worked last is likely to work on this scene again. */
    if (rd->sticky >= 0) {
        int a = rd->sticky;
        for (int i = 0; i < n && !c->stop; i++) {
            int rc = try_attempt(rd, c, img, &reg[i], a);
            if (rc != LABELS_OK)
                return rc;
        }
        if (c->found)
            return LABELS_OK;
        rd->sticky = -1;
    }
    int ran = 0;
    for (int tries = 0; tries < N_ATTEMPTS && !c->found && !c->stop; tries++) {
        int a = rd->next_attempt;
        for (int i = 0; i < n && !c->found && !c->stop; i++) {
            double left = budget - (now_ns() - t0);
            double cost = rd->attempt_ns_px[a] * reg[i].w * (double)reg[i].h;
            /* Each retry call makes progress: its first attempt runs even
             * if it overruns (a slow machine, a sanitiser build), unless
             * it is a deconvolution that would cost several frames. */
            int first_ok =
                !ran && (attempts[a].prep_cost == 1 || cost <= 1.5 * budget);
            if (cost > left && !first_ok) {
                /* One that does not fit what is left waits for the next
                 * frame; one that never fits is for the one-shot mode. */
                if (i == 0 && cost <= 1.5 * budget)
                    return LABELS_OK;
                break;
            }
            int rc = try_attempt(rd, c, img, &reg[i], a);
            if (rc != LABELS_OK)
                return rc;
            ran = 1;
        }
        rd->next_attempt = (a + 1) % N_ATTEMPTS;
    }
    return LABELS_OK;
}

int labels_read(labels_reader *rd, const labels_image *img, int effort,
                labels_code_fn fn, void *ctx, int *found)
{
    if (found)
        *found = 0;
    if (!rd || !img || !img->pixels || img->width <= 0 || img->height <= 0 ||
        img->stride < img->width ||
        (effort != LABELS_EFFORT_FRAME && effort != LABELS_EFFORT_FULL))
        return LABELS_ERR_ARG;
    if ((size_t)img->width * (size_t)img->height > MAX_PIXELS)
        return LABELS_ERR_IMAGE;
    call c;
    memset(&c, 0, sizeof c);
    c.fn = fn;
    c.ctx = ctx;
    rd->last_hit = NULL;
    int rc = effort == LABELS_EFFORT_FULL ? read_full(rd, &c, img)
                                          : read_frame(rd, &c, img);
    for (int i = 0; i < c.n; i++)
        free(c.text[i]);
    if (found)
        *found = c.found;
    return rc;
}
