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

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIXELS 40000000u /* as labels_image_read's default cap */
#define MAX_CODES 16         /* distinct codes remembered per call */
#define MAX_SIDE 2048        /* longest side of a retry image */
#define UP_SIDE 800          /* longest side an enlarging attempt makes */
#define FINDER_WIN 12        /* local threshold's window radius for finders */

/* One processed copy of a region: what to do to it and how much to
 * enlarge it first (percent). */
typedef struct attempt {
    const char *name;
    int scale;
    int (*prep)(labels_image *img);
    int prep_cost; /* 1: a few passes over the pixels; more: deconvolution */
    int rectify;   /* warp the region's outline quadrilateral to a square:
                      1 as the region search drew it, FIT fitted first */
} attempt;

#define FIT 2
#define FINDERS 3 /* the outline drawn from the code's finder patterns */

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

/* Defocus (a fixed-focus camera held close): the disc it blurs each
 * point into, its radius estimated from the region's own edges, undone
 * by deconvolution. Nothing to do (and no ZBar pass) on a sharp region:
 * a camera in focus draws edges about 1.2-1.5 pixels wide. (At half
 * size, a quarter of the pixels, it read 2 of 5 frames that full size
 * reads: shrinking blurs too.) */
static int prep_defocus(labels_image *img)
{
    int r10 = rdops_defocus_radius(img);
    if (r10 < 18)
        return LABELS_ERR_IMAGE;
    return rdops_deblur_disc(img, r10, 4);
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

/* Motion blur or a soft lens undone in the frequency domain (Wiener): a
 * line along the blur's direction, as long as the region's own edges say
 * (rdops_motion_psf); where the blur has no direction, a Gaussian as wide
 * as its steepest edges say. Van Cittert's rounds (motion11) diverge at
 * the frequencies a line's spectrum turns negative, which for a blur of
 * 1.5-2 modules are the modules' own (a code's finest pattern, one light
 * module between dark ones). */
static int prep_wiener(labels_image *img)
{
    int dx, dy;
    if (rdops_blur_dir(img, &dx, &dy) == 0) {
        int len10 = rdops_motion_psf(img, &dx, &dy);
        return len10 < 5 ? LABELS_ERR_IMAGE : rdops_wiener(img, dx, dy, len10);
    }
    /* Sharp: nothing to undo (prep_defocus). A Gaussian's steepest slope
     * is C / (sigma sqrt(2 pi)), a disc's 2 C / (pi R): sigma = R pi /
     * (2 sqrt(2 pi)) = 0.627 R. */
    int r10 = rdops_defocus_radius(img);
    if (r10 < 18)
        return LABELS_ERR_IMAGE;
    return rdops_wiener(img, 0, 0, r10 * 627 / 1000);
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

/* A crumpled or curved pouch: the module grid measured on a mesh and
 * flattened (reader_mesh.c); two rounds, the second on what the first
 * left (a node's window averages a bend over its 8 modules). */
static int prep_mesh(labels_image *img)
{
    int rc = rdops_unwarp_mesh(img, img->width / 12, 2);
    if (rc == LABELS_OK)
        rdops_stretch(img);
    return rc;
}

/* In the order both modes try them: most reads per millisecond first
 * (measured attempt by attempt on bench_reader's frames the plain pass
 * misses, docs/performance.md). */
static const attempt attempts[] = {
    {"bin", 100, prep_binarise, 1, 0},
    {"motion11", 100, prep_motion11, 10, 0},
    {"sharp-bin", 100, prep_sharp_binarise, 1, 0},
    {"up2-sharp", 200, prep_sharpen, 1, 0},
    {"defocus", 100, prep_defocus, 10, 0},
    {"rect", 100, prep_stretch, 1, 1},
    {"cyl-h40", 150, prep_cyl_h40, 1, 1},
    {"rect-bin", 100, prep_binarise, 1, 1},
    {"smooth", 100, prep_smooth, 1, 0},
    {"down2", 50, prep_stretch, 1, 0},
    {"sharp", 100, prep_sharpen, 1, 0},
    {"up15-bin", 150, prep_binarise, 1, 0},
    {"stretch", 100, prep_stretch, 1, 0},
    {"norm", 100, prep_normalise, 1, 0},
    {"deblur", 100, prep_deblur, 10, 0},
    {"rect-up2", 200, prep_sharpen, 1, 1},
    {"fit-sharp-bin", 200, prep_sharp_binarise, 1, FIT},
    {"fit-up2", 200, prep_sharpen, 1, FIT},
    {"fit-sb-175", 175, prep_sharp_binarise, 1, FIT},
    {"fit-sb-150", 150, prep_sharp_binarise, 1, FIT},
    {"up3-sharp", 300, prep_sharpen, 1, 0},
    {"motion11-6", 100, prep_motion11_6, 10, 0},
    {"cyl-h55", 150, prep_cyl_h55, 1, 1},
    {"cyl-v40", 150, prep_cyl_v40, 1, 1},
    {"cyl-v55", 150, prep_cyl_v55, 1, 1},
    {"motion9", 100, prep_motion9, 10, 0},
    {"invert", 100, prep_invert, 1, 0},
    {"invert-bin", 100, prep_invert_binarise, 1, 0},
    /* last: one frame more read in 1020 (seeds 1-3), and live mode's budget
     * would reach the cylinder's attempts later */
    {"finder-sb", 200, prep_sharp_binarise, 1, FINDERS},
    {"finder-up2", 200, prep_sharpen, 1, FINDERS},
    /* a can's curve undone from the outline fitted to the code's edges:
     * the blob's outline is pixels off a code on a can (seed 2's
     * cylinder_3_0, shaded dark at the can's edge) */
    {"fit-cyl-h40", 150, prep_cyl_h40, 1, FIT},
    {"fit-cyl-v40", 150, prep_cyl_v40, 1, FIT},
    {"wiener", 100, prep_wiener, 10, 0},
    /* a crumpled pouch: its print moved smoothly but by no perspective
     * or cylinder; the grid measured tile by tile from the finders'
     * outline, at twice the size (a module of 4 pixels and more, for
     * its phase) */
    {"finder-mesh", 200, prep_mesh, 10, FINDERS},
};
#define N_ATTEMPTS ((int)(sizeof attempts / sizeof attempts[0]))
#define MAX_ATTEMPTS 40 /* room in labels_reader for their costs */
_Static_assert(sizeof attempts / sizeof attempts[0] <= MAX_ATTEMPTS,
               "attempt_ns_px is too small for the attempt list");

#define MAX_TRACK 4 /* codes followed from one frame to the next */
/* Live mode: each call earns this share of what a plain ZBar pass over
 * the whole frame costs (timed on this machine) and spends no more than
 * it has earned, so calls cost at most this much on average. Credit
 * unspent (a label read at once, an empty scene with nothing left to
 * try) is saved up to CREDIT_MAX passes, for the retries on the next
 * hard label; no one call spends more than CALL_MAX passes. */
#define LIVE_BUDGET 0.35
#define CREDIT_MAX 3.0
#define CALL_MAX 1.5
#define DEBT_MAX -0.5
/* Live mode enlarges only regions narrower than this: enlarging is for
 * modules of under about 3 pixels, and costs the square of the scale.
 * (A code of 45 modules, version 7, spans 200 pixels at 4.4 a module.) */
#define LIVE_UP_MAX 200
/* While every code followed reads again, the region search (which finds
 * a new label coming into view) runs only on every SEARCH_EVERY-th
 * call. */
#define SEARCH_EVERY 4
/* Every COARSE_EVERY-th call that has read nothing, a whole-frame pass
 * at half size: for codes the region search cannot see (one filling the
 * frame is all "activity", so none of it stands out). */
#define COARSE_EVERY 8

typedef struct box {
    int x0, y0, x1, y1; /* x1, y1 exclusive */
} box;

struct labels_reader {
    rd_zbar *dec;
    /* workers for live retries (started at the first), and theirs */
    rd_pool *pool;
    rd_zbar *wdec[RD_POOL_MAX];
    int pool_tried, workers_max; /* workers_max -1: one per spare core */
    int frame_w, frame_h;        /* size of the frames the state below is for */
    /* live mode: what the next call does */
    box track[MAX_TRACK]; /* where the last call read its codes */
    int ntrack;
    rd_region reg[RD_MAX_REGIONS]; /* the last search's regions */
    int nreg;
    /* CPU time live calls may still spend, ns: [0] this thread's, [w]
     * worker w's (each a core of its own). Kept across
     * labels_reader_reset: it is accounting, not scene. */
    double credit[1 + RD_POOL_MAX];
    int next_attempt;          /* where retries take the attempt list up */
    int tried;                 /* attempts run on this scene's regions */
    int sticky;                /* attempt that last read something, or -1 */
    int hinted;                /* this scene's hinted attempts have all run */
    int hint_done;             /* how many of them have */
    int new_scene;             /* the last search found another scene */
    unsigned long calls, idle; /* calls; calls in a row that read nothing */
    const char *last_hit;
    double last_px; /* pixels the last call gave ZBar */
    /* what things cost on this machine, learnt as it goes (nanoseconds,
     * moving averages): a ZBar pass per pixel, and each attempt per
     * pixel of region */
    double plain_ns_px;
    double attempt_ns_px[MAX_ATTEMPTS];
};

/* This thread's CPU time: what the reader itself spends, whatever else
 * the machine runs (another process preempting it is not its cost, and
 * would otherwise make it skip work under load). */
static double now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0 &&
        clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A moving average that one odd sample (a page fault storm, a frame
 * ZBar finds many finder candidates in) moves only so far. */
static void learn(double *avg, double sample)
{
    if (*avg > 0 && sample > 2 * *avg)
        sample = 2 * *avg;
    if (*avg > 0 && sample < *avg / 2)
        sample = *avg / 2;
    *avg = *avg <= 0 ? sample : 0.8 * *avg + 0.2 * sample;
}

/* One labels_read() call: its callback, the codes already reported and
 * where in the frame each was read. */
typedef struct call {
    labels_code_fn fn;
    void *ctx;
    int found, stop;
    int got;        /* codes ZBar returned, repeats included */
    double zbar_px; /* pixels given to ZBar */
    int n;
    char *text[MAX_CODES];
    size_t len[MAX_CODES];
    box where[MAX_CODES];
    /* where code i lies for painting it out (the box round its corners,
     * or a rectified read's outline), if placed[i]; where[i] of a
     * rectified read is the whole region it was read in */
    box paint[MAX_CODES];
    unsigned char placed[MAX_CODES];
    /* how the image being decoded maps onto the frame: frame = o + s *
     * image; or, for warped images, every code is at `fixed` */
    double ox, oy, sx, sy;
    int use_fixed;
    box fixed;
} call;

static int on_code(void *vctx, const char *data, size_t len, const int b[4])
{
    call *c = vctx;
    c->got++;
    for (int i = 0; i < c->n; i++)
        if (c->len[i] == len && memcmp(c->text[i], data, len) == 0)
            return 0;
    if (c->n < MAX_CODES) {
        char *copy = malloc(len ? len : 1);
        if (copy) {
            memcpy(copy, data, len);
            c->text[c->n] = copy;
            c->len[c->n] = len;
            c->placed[c->n] = !c->use_fixed;
            box *w = &c->where[c->n++];
            if (c->use_fixed) {
                *w = c->fixed;
            } else {
                w->x0 = (int)(c->ox + c->sx * b[0]);
                w->y0 = (int)(c->oy + c->sy * b[1]);
                w->x1 = (int)(c->ox + c->sx * b[2] + 0.999);
                w->y1 = (int)(c->oy + c->sy * b[3] + 0.999);
            }
            c->paint[c->n - 1] = *w;
        }
    }
    c->found++;
    if (c->fn && c->fn(c->ctx, data, len))
        c->stop = 1;
    return c->stop;
}

/* Decode work, a copy of the frame's rectangle at (ox, oy) scaled by
 * s (frame pixels per work pixel). */
static int decode_at(labels_reader *rd, call *c, const labels_image *work,
                     double ox, double oy, double sx, double sy)
{
    c->ox = ox;
    c->oy = oy;
    c->sx = sx;
    c->sy = sy;
    c->use_fixed = 0;
    c->zbar_px += (double)work->width * work->height;
    return rd_zbar_decode(rd->dec, work, on_code, c, NULL);
}

labels_reader *labels_reader_new(void)
{
    labels_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return NULL;
    rd->dec = rd_zbar_new();
    if (!rd->dec) {
        free(rd);
        return NULL;
    }
    rd->sticky = -1;
    rd->workers_max = -1;
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
    rd_pool_free(rd->pool);
    for (int i = 0; i < RD_POOL_MAX; i++)
        rd_zbar_free(rd->wdec[i]);
    rd_zbar_free(rd->dec);
    free(rd);
}

void labels_reader_reset(labels_reader *rd)
{
    if (!rd)
        return;
    rd->ntrack = 0;
    rd->nreg = 0;
    rd->next_attempt = 0;
    rd->tried = 0;
    rd->hinted = 0;
    rd->hint_done = 0;
    rd->sticky = -1;
    rd->calls = rd->idle = 0;
    rd->last_hit = NULL;
}

_Static_assert(sizeof((labels_reader *)0)->attempt_ns_px / sizeof(double) >=
                   sizeof attempts / sizeof attempts[0],
               "one cost per attempt");

const char *rd_last_hit(const labels_reader *rd)
{
    return rd ? rd->last_hit : NULL;
}

double rd_last_pixels(const labels_reader *rd) { return rd ? rd->last_px : 0; }

int rd_set_workers(labels_reader *rd, int n)
{
    if (!rd || rd->pool_tried)
        return LABELS_ERR_ARG;
    rd->workers_max = n < 0 ? 0 : n;
    return LABELS_OK;
}

static void note_hit(labels_reader *rd, const char *name)
{
    if (!rd->last_hit)
        rd->last_hit = name;
}

/* The part of img an attempt on region r works on: the blob and a
 * tenth more each side (the quiet zone's start, room for local
 * windows). Every pixel more costs as much as one of the code. */
static void attempt_rect(const labels_image *img, const rd_region *r, int *x,
                         int *y, int *w, int *h)
{
    int mx = r->bw / 10 + 4, my = r->bh / 10 + 4;
    int x0 = r->bx - mx, y0 = r->by - my;
    int x1 = r->bx + r->bw + mx, y1 = r->by + r->bh + my;
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > img->width ? img->width : x1;
    y1 = y1 > img->height ? img->height : y1;
    *x = x0;
    *y = y0;
    *w = x1 > x0 ? x1 - x0 : 0;
    *h = y1 > y0 ? y1 - y0 : 0;
}

/* What one attempt read: each code's bytes and box in the frame. An
 * attempt runs on any thread; only the caller's thread reports. */
#define OUT_CODES 4
typedef struct attempt_out {
    int got; /* codes ZBar returned */
    int n;
    char *text[OUT_CODES];
    size_t len[OUT_CODES];
    box where[OUT_CODES];
    double ns; /* CPU time it took, on its thread */
    double px; /* pixels ZBar scanned */
    int ran;
} attempt_out;

typedef struct collect_ctx {
    attempt_out *o;
    double ox, oy, sx, sy;
    int use_fixed;
    box fixed;
} collect_ctx;

static int collect(void *vctx, const char *data, size_t len, const int b[4])
{
    collect_ctx *k = vctx;
    attempt_out *o = k->o;
    o->got++;
    if (o->n < OUT_CODES) {
        char *copy = malloc(len ? len : 1);
        if (copy) {
            memcpy(copy, data, len);
            o->text[o->n] = copy;
            o->len[o->n] = len;
            box *w = &o->where[o->n++];
            if (k->use_fixed) {
                *w = k->fixed;
            } else {
                w->x0 = (int)(k->ox + k->sx * b[0]);
                w->y0 = (int)(k->oy + k->sy * b[1]);
                w->x1 = (int)(k->ox + k->sx * b[2] + 0.999);
                w->y1 = (int)(k->oy + k->sy * b[3] + 0.999);
            }
        }
    }
    return 0;
}

static void out_free(attempt_out *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->text[i]);
    o->n = 0;
}

/* The region search draws a code's outline from 4-pixel cells and a
 * guess at how far its activity spreads past the edge: a few pixels
 * off, which under strong perspective is a module or more. Fitting it to
 * the code's edges reads steep codes the blob's outline does not. */
static int fit_outline(const labels_image *img, double qx[4], double qy[4])
{
    double lo = 1e30;
    for (int k = 0; k < 4; k++) {
        double dx = qx[(k + 1) % 4] - qx[k], dy = qy[(k + 1) % 4] - qy[k];
        double d2 = dx * dx + dy * dy;
        lo = d2 < lo ? d2 : lo;
    }
    int reach = 6;
    while (reach < 32 && 25.0 * (reach + 1) * (reach + 1) <= lo)
        reach++; /* a fifth of the shortest side (corners seen 15 px off) */
    return rdops_fit_quad(img, qx, qy, reach);
}

static int finder_outline(const labels_image *img, const rd_region *r,
                          double qx[4], double qy[4]);

/* Run attempt a on region r of img with decoder dec, into *o, enlarging
 * big regions to at most up_side pixels a side. Touches nothing else, so
 * it may run on a worker thread. */
static int run_attempt(rd_zbar *dec, const labels_image *img,
                       const rd_region *r, int a, int up_side, attempt_out *o)
{
    double t0 = now_ns();
    memset(o, 0, sizeof *o);
    o->ran = 1;
    labels_image crop = {0}, big = {0};
    int rc;
    int rx, ry, rw, rh;
    attempt_rect(img, r, &rx, &ry, &rw, &rh);
    if (attempts[a].rectify) {
        double qx[4], qy[4];
        if (attempts[a].rectify == FINDERS) {
            rc = finder_outline(img, r, qx, qy);
            if (rc != LABELS_OK || fit_outline(img, qx, qy) != 0) {
                o->ran = 0; /* no three finders: nothing to draw */
                o->ns = now_ns() - t0;
                return rc == LABELS_ERR_IMAGE ? LABELS_OK : rc;
            }
        } else if (!r->has_quad) {
            return LABELS_OK;
        } else {
            memcpy(qx, r->qx, sizeof qx);
            memcpy(qy, r->qy, sizeof qy);
        }
        if (attempts[a].rectify == FIT && fit_outline(img, qx, qy) != 0) {
            o->ran = 0; /* no edge to fit: nothing `rect` does not do */
            o->ns = now_ns() - t0;
            return LABELS_OK;
        }
        /* The square gets the quad's longest side, scaled, plus room for
         * the quiet zone. */
        double side = 0;
        for (int k = 0; k < 4; k++) {
            double dx = qx[(k + 1) % 4] - qx[k], dy = qy[(k + 1) % 4] - qy[k];
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
        rc = rdops_warp_quad(img, qx, qy, (int)len, (int)len / 10, &crop);
        if (rc != LABELS_OK)
            return rc == LABELS_ERR_IMAGE ? LABELS_OK : rc;
    } else {
        rc = rdops_crop(img, rx, ry, rw, rh, &crop);
        if (rc != LABELS_OK)
            return rc;
    }
    labels_image *work = &crop;
    int scale = attempts[a].rectify ? 100 : attempts[a].scale;
    long ow = (long)crop.width * scale / 100;
    long oh = (long)crop.height * scale / 100;
    /* Enlarging is for small codes: live mode enlarges a region already
     * big enough only up to UP_SIDE, which keeps the attempt near one
     * plain pass's cost; the one-shot mode as far as MAX_SIDE (labels
     * side by side make one big region of small codes). */
    if (scale > 100 && (ow > up_side || oh > up_side)) {
        long big_side = ow > oh ? ow : oh;
        long lim = crop.width > crop.height ? crop.width : crop.height;
        lim = lim > up_side ? lim : up_side;
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
        if (rc != LABELS_OK) {
            labels_image_free(&crop);
            return rc;
        }
        work = &big;
    }
    rc = attempts[a].prep(work);
    if (rc == LABELS_ERR_IMAGE) {
        /* the attempt does not apply to this image; what that cost says
         * nothing of what it costs where it does */
        rc = LABELS_OK;
        o->ran = 0;
    } else if (rc == LABELS_OK) {
        collect_ctx k = {o,
                         rx,
                         ry,
                         (double)crop.width / work->width,
                         (double)crop.height / work->height,
                         attempts[a].rectify,
                         {rx, ry, rx + rw, ry + rh}};
        o->px = (double)work->width * work->height;
        rc = rd_zbar_decode(dec, work, collect, &k, NULL);
    }
    labels_image_free(&crop);
    labels_image_free(&big);
    o->ns = now_ns() - t0;
    return rc;
}

/* Report what attempt a read on region r (on the caller's thread), and
 * learn what it cost. Frees o's texts. */
/* The box round r's outline in *b; 0 if r has none. */
static int quad_box(const rd_region *r, box *b)
{
    if (!r->has_quad)
        return 0;
    double x0 = r->qx[0], y0 = r->qy[0], x1 = x0, y1 = y0;
    for (int k = 1; k < 4; k++) {
        x0 = r->qx[k] < x0 ? r->qx[k] : x0;
        x1 = r->qx[k] > x1 ? r->qx[k] : x1;
        y0 = r->qy[k] < y0 ? r->qy[k] : y0;
        y1 = r->qy[k] > y1 ? r->qy[k] : y1;
    }
    b->x0 = (int)x0;
    b->y0 = (int)y0;
    b->x1 = (int)(x1 + 0.999);
    b->y1 = (int)(y1 + 0.999);
    return 1;
}

static void merge(labels_reader *rd, call *c, const labels_image *img,
                  const rd_region *r, int a, attempt_out *o)
{
    int rx, ry, rw, rh;
    attempt_rect(img, r, &rx, &ry, &rw, &rh);
    double px = (double)rw * rh;
    if (o->ran && px >= 1)
        learn(&rd->attempt_ns_px[a], o->ns / px);
    int got = c->got + o->got;
    c->zbar_px += o->px;
    for (int i = 0; i < o->n && !c->stop; i++) {
        c->use_fixed = 1;
        c->fixed = o->where[i];
        int b[4] = {0, 0, 0, 0}, before = c->n;
        on_code(c, o->text[i], o->len[i], b);
        if (c->n > before)
            c->placed[before] =
                !attempts[a].rectify || quad_box(r, &c->paint[before]);
    }
    c->got = got;
    if (o->got) {
        note_hit(rd, attempts[a].name);
        rd->sticky = a;
    }
    out_free(o);
}

/* Run attempt a on region r of img on this thread and report. */
static int try_attempt(labels_reader *rd, call *c, const labels_image *img,
                       const rd_region *r, int a, int up_side)
{
    attempt_out o;
    int rc = run_attempt(rd->dec, img, r, a, up_side, &o);
    merge(rd, c, img, r, a, &o);
    return rc;
}

/* A plain ZBar pass over the w x h rectangle of img at (x, y) (clipped),
 * shrunk by `shrink` (1 or 2). Learns what a ZBar pass costs a pixel. */
static int plain_at(labels_reader *rd, call *c, const labels_image *img, box b,
                    int shrink)
{
    b.x0 = b.x0 < 0 ? 0 : b.x0;
    b.y0 = b.y0 < 0 ? 0 : b.y0;
    b.x1 = b.x1 > img->width ? img->width : b.x1;
    b.y1 = b.y1 > img->height ? img->height : b.y1;
    if (b.x1 - b.x0 < 8 || b.y1 - b.y0 < 8)
        return LABELS_OK;
    double t0 = now_ns();
    int whole = b.x0 == 0 && b.y0 == 0 && b.x1 == img->width &&
                b.y1 == img->height && shrink == 1;
    labels_image crop = {0}, small = {0};
    const labels_image *work = img;
    int rc = LABELS_OK;
    if (!whole) {
        rc = rdops_crop(img, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0, &crop);
        work = &crop;
        if (rc == LABELS_OK && shrink > 1) {
            rc = rdops_resize(&crop, crop.width / shrink, crop.height / shrink,
                              &small);
            work = &small;
        }
    }
    if (rc == LABELS_OK) {
        int before = c->got;
        rc = decode_at(rd, c, work, b.x0, b.y0,
                       (double)(b.x1 - b.x0) / work->width,
                       (double)(b.y1 - b.y0) / work->height);
        if (rc == LABELS_OK && c->got > before)
            note_hit(rd, shrink > 1 ? "coarse" : whole ? "plain" : "crop");
        if (shrink == 1)
            learn(&rd->plain_ns_px,
                  (now_ns() - t0) / ((double)work->width * work->height));
    }
    labels_image_free(&crop);
    labels_image_free(&small);
    return rc;
}

static box whole_frame(const labels_image *img)
{
    box b = {0, 0, img->width, img->height};
    return b;
}

/* Has a code read in this call (from `from` on) landed in region r? Its
 * box's centre in the region's blob, or the blob's centre in its box. */
static int covered(const call *c, int from, const rd_region *r)
{
    for (int i = from; i < c->n; i++) {
        const box *w = &c->where[i];
        int cx = (w->x0 + w->x1) / 2, cy = (w->y0 + w->y1) / 2;
        int rx = r->bx + r->bw / 2, ry = r->by + r->bh / 2;
        if ((cx >= r->bx && cx < r->bx + r->bw && cy >= r->by &&
             cy < r->by + r->bh) ||
            (rx >= w->x0 && rx < w->x1 && ry >= w->y0 && ry < w->y1))
            return 1;
    }
    return 0;
}

/* Have the codes read in this call filled region r's blob? Labels side
 * by side make one blob, and a code read in it leaves the others to find
 * (one-shot mode). One code is a label and its text (a printed label's
 * blob is at most about 6 times its code's box: the code, then the
 * text beside it), unless the blob is more than 8 times the box (room
 * for a second label: seed 2's multi_3_0, 16 times, a sheet of four
 * whose plain pass read one); two or more show labels side by side,
 * and while their boxes leave room for another code, there may be one
 * more. */
static int filled(const call *c, const rd_region *r)
{
    if (!covered(c, 0, r))
        return 0;
    long in = 0, k = 0;
    for (int i = 0; i < c->n; i++) {
        const box *w = &c->where[i];
        int x0 = w->x0 > r->bx ? w->x0 : r->bx;
        int y0 = w->y0 > r->by ? w->y0 : r->by;
        int x1 = w->x1 < r->bx + r->bw ? w->x1 : r->bx + r->bw;
        int y1 = w->y1 < r->by + r->bh ? w->y1 : r->by + r->bh;
        if (x1 > x0 && y1 > y0) {
            in += (long)(x1 - x0) * (y1 - y0);
            k++;
        }
    }
    long area = (long)r->bw * r->bh;
    if (k < 2)
        return area <= 8 * in;
    return (area - in) * k < 2 * in;
}

/* Fill box w (a code read) in img with its quiet zone round it (an
 * eighth of its side, 2 pixels at least) in the mean grey of the ring
 * just outside: the code's finders are gone, its label's print stays. */
static void paint_out(labels_image *img, const box *w)
{
    int m = (w->x1 - w->x0 > w->y1 - w->y0 ? w->x1 - w->x0 : w->y1 - w->y0);
    m = m / 8 + 2;
    int x0 = w->x0 - m, y0 = w->y0 - m, x1 = w->x1 + m, y1 = w->y1 + m;
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > img->width ? img->width : x1;
    y1 = y1 > img->height ? img->height : y1;
    if (x1 - x0 < 2 || y1 - y0 < 2)
        return;
    long sum = 0, k = 0;
    for (int x = x0; x < x1; x++) {
        sum += img->pixels[(size_t)y0 * img->stride + x] +
               img->pixels[(size_t)(y1 - 1) * img->stride + x];
        k += 2;
    }
    for (int y = y0; y < y1; y++) {
        sum += img->pixels[(size_t)y * img->stride + x0] +
               img->pixels[(size_t)y * img->stride + x1 - 1];
        k += 2;
    }
    for (int y = y0; y < y1; y++)
        memset(img->pixels + (size_t)y * img->stride + x0, (int)(sum / k),
               (size_t)(x1 - x0));
}

/* Are the five runs r (dark, light, dark, light, dark) a finder
 * pattern's 1:1:3:1:1, each within half a module? */
static int finder_runs(const int r[5])
{
    int t = r[0] + r[1] + r[2] + r[3] + r[4];
    if (t < 7)
        return 0;
    for (int k = 0; k < 5; k++) {
        int want = k == 2 ? 3 * t : t, d = 7 * r[k] - want;
        if ((d < 0 ? -d : d) * 2 >= (k == 2 ? 3 * t : t))
            return 0;
    }
    return 1;
}

/* Count of pixels from (x, y) along (dx, dy) while img's dark-or-light
 * (dark: below thr) equals `dark`, at most lim. */
static int run_from(const labels_image *img, int x, int y, int dx, int dy,
                    int thr, int dark, int lim)
{
    int n = 0;
    while (n < lim && x >= 0 && y >= 0 && x < img->width && y < img->height &&
           (img->pixels[(size_t)y * img->stride + x] < thr) == dark) {
        x += dx;
        y += dy;
        n++;
    }
    return n;
}

/* Does the line through (x, y) along (dx, dy), (x, y) the middle of a
 * row's finder-like runs of total length t, show the same pattern (a
 * finder is concentric squares: down the column, text rarely is both
 * ways; along a diagonal, see group_marks)? */
static int finder_line(const labels_image *img, int x, int y, int dx, int dy,
                       int thr, int t)
{
    int r[5], lim = 2 * t;
    int a = run_from(img, x, y, -dx, -dy, thr, 1, lim);
    int b = run_from(img, x, y, dx, dy, thr, 1, lim);
    r[2] = a + b - 1;
    r[1] = run_from(img, x - a * dx, y - a * dy, -dx, -dy, thr, 0, lim);
    r[0] = run_from(img, x - (a + r[1]) * dx, y - (a + r[1]) * dy, -dx, -dy,
                    thr, 1, lim);
    r[3] = run_from(img, x + b * dx, y + b * dy, dx, dy, thr, 0, lim);
    r[4] = run_from(img, x + (b + r[3]) * dx, y + (b + r[3]) * dy, dx, dy, thr,
                    1, lim);
    int v = r[0] + r[1] + r[2] + r[3] + r[4];
    /* a row and a line at another angle through a finder seen at a slant
     * differ by up to 1 / cos(tilt): 2 at 60 degrees, more with the
     * perspective's own stretch */
    return finder_runs(r) && 3 * v > t && v < 3 * t;
}

#define MAX_MARKS 64
typedef struct mark_set {
    int n; /* rows crossing a finder-like mark */
    int x[MAX_MARKS], y[MAX_MARKS], t[MAX_MARKS]; /* the first MAX_MARKS */
    int diag[MAX_MARKS];
} mark_set;

/* The rows of img (r's blob, binarised: dark below 128) that cross a
 * finder-pattern-like mark (1:1:3:1:1 along the row and down the
 * column), each with the mark's centre and width, into *mk. */
static void finder_marks(const labels_image *img, mark_set *mk)
{
    int marks = 0, thr = 128;
    for (int y = 0; y < img->height; y++) {
        const uint8_t *p = img->pixels + (size_t)y * img->stride;
        int r5[5] = {0}, k = 0, x = 0;
        while (x < img->width) { /* runs, the first dark one first */
            int dark = p[x] < thr, n = 0;
            while (x < img->width && (p[x] < thr) == dark) {
                x++;
                n++;
            }
            if (k == 0 && !dark)
                continue;
            if (k < 5) {
                r5[k++] = n;
            } else {
                memmove(r5, r5 + 1, 4 * sizeof r5[0]);
                r5[4] = n;
            }
            if (k == 5 && dark && finder_runs(r5)) {
                int t = r5[0] + r5[1] + r5[2] + r5[3] + r5[4];
                int cx = x - r5[4] - r5[3] - (r5[2] + 1) / 2;
                if (finder_line(img, cx, y, 0, 1, thr, t)) {
                    if (marks < MAX_MARKS) {
                        mk->x[marks] = cx;
                        mk->y[marks] = y;
                        mk->t[marks] = t;
                        mk->diag[marks] =
                            finder_line(img, cx, y, 1, 1, thr, t) ||
                            finder_line(img, cx, y, 1, -1, thr, t);
                    }
                    marks++;
                }
            }
        }
    }
    mk->n = marks;
}

/* Rows crossing one finder-like mark (centres within half its width
 * across and its width down, widths within a third): one mark. It is a
 * finder when one of its rows also shows 1:1:3:1:1 along a diagonal:
 * any line through the centre of concentric squares does, at any turn
 * of the code, where print rarely does (a dark badge round light
 * letters made a mark of five rows, none of them diagonal). */
typedef struct finder {
    double x, y; /* mean centre */
    int t, rows; /* width of its first row; rows */
    int diag;    /* a row of it has the pattern along a diagonal */
} finder;

static int group_marks(const mark_set *mk, finder *f, int max)
{
    int nf = 0, n = mk->n < MAX_MARKS ? mk->n : MAX_MARKS;
    for (int k = 0; k < n; k++) {
        int j = 0;
        while (j < nf &&
               !(2 * (mk->x[k] - f[j].x) <= f[j].t &&
                 2 * (f[j].x - mk->x[k]) <= f[j].t &&
                 mk->y[k] - f[j].y <= f[j].t && 3 * mk->t[k] <= 4 * f[j].t &&
                 4 * mk->t[k] >= 3 * f[j].t))
            j++;
        if (j == nf) {
            if (nf == max)
                continue;
            f[nf++] = (finder){mk->x[k], mk->y[k], mk->t[k], 0, 0};
        }
        f[j].x = (f[j].x * f[j].rows + mk->x[k]) / (f[j].rows + 1);
        f[j].y = (f[j].y * f[j].rows + mk->y[k]) / (f[j].rows + 1);
        f[j].rows++;
        f[j].diag |= mk->diag[k];
    }
    int kept = 0;
    for (int j = 0; j < nf; j++)
        if (f[j].diag)
            f[kept++] = f[j];
    return kept;
}

/* The finders (at most 16, in *nf) in the w x h rectangle of img at (x,
 * y), thresholded against the mean grey round each pixel (FINDER_WIN: a
 * finder of 2-4 pixel modules, which paint and the light across labels
 * do not shift); their centres relative to (x, y). */
static int finders_in(const labels_image *img, int x, int y, int w, int h,
                      finder f[16], int *nf)
{
    labels_image crop;
    mark_set mk = {0};
    *nf = 0;
    int rc = rdops_crop(img, x, y, w, h, &crop);
    if (rc == LABELS_OK)
        rc = rdops_binarise(&crop, FINDER_WIN, 24);
    if (rc == LABELS_OK)
        finder_marks(&crop, &mk);
    labels_image_free(&crop);
    if (rc == LABELS_OK)
        *nf = group_marks(&mk, f, 16);
    return rc;
}

/* Grow *u (empty when *n is 0) to hold the rectangle x0..x1, y0..y1. */
static void box_add(box *u, int *n, double x0, double y0, double x1, double y1)
{
    box p = {(int)x0, (int)y0, (int)x1 + 1, (int)y1 + 1};
    if (!(*n)++) {
        *u = p;
        return;
    }
    u->x0 = p.x0 < u->x0 ? p.x0 : u->x0;
    u->y0 = p.y0 < u->y0 ? p.y0 : u->y0;
    u->x1 = p.x1 > u->x1 ? p.x1 : u->x1;
    u->y1 = p.y1 > u->y1 ? p.y1 : u->y1;
}

/* Where finders f[0..nf) say codes may lie, into *u (frame pixels, the
 * blob at bx, by); how many rectangles that took. A code's finders have
 * one width t (7 modules) and lie N - 7 modules apart, N = 21 (version
 * 1) to 57 (version 10): 2 to 8 widths. Every module of the code lies
 * within 1.45 times that distance and a finder of each of a pair (the
 * far corner, on the diagonal); of a finder alone (its partners too
 * small or blurred to show), within 8.5 widths across and down. */
static int finder_boxes(const finder *f, int nf, int bx, int by, box *u)
{
    int n = 0;
    for (int a = 0; a < nf; a++) {
        int paired = 0;
        for (int b = 0; b < nf; b++) {
            double t = (f[a].t + f[b].t) / 2.0, dx = f[a].x - f[b].x,
                   dy = f[a].y - f[b].y, d2 = dx * dx + dy * dy;
            if (b == a || d2 < 4 * t * t || d2 > 64 * t * t ||
                2 * f[a].t > 3 * f[b].t || 2 * f[b].t > 3 * f[a].t)
                continue;
            paired = 1;
            if (b < a)
                continue; /* that pair's rectangle is in */
            double d = t;
            for (int it = 0; it < 30; it++)
                d = 0.5 * (d + d2 / d);
            double reach = 1.45 * d + t;
            box_add(u, &n, bx + (f[a].x > f[b].x ? f[a].x : f[b].x) - reach,
                    by + (f[a].y > f[b].y ? f[a].y : f[b].y) - reach,
                    bx + (f[a].x < f[b].x ? f[a].x : f[b].x) + reach,
                    by + (f[a].y < f[b].y ? f[a].y : f[b].y) + reach);
        }
        if (!paired)
            box_add(u, &n, bx + f[a].x - 8.5 * f[a].t,
                    by + f[a].y - 8.5 * f[a].t, bx + f[a].x + 8.5 * f[a].t,
                    by + f[a].y + 8.5 * f[a].t);
    }
    return n;
}

/* Where in r's blob (finders_in) a code may be left: *left 0 when no
 * finder shows, else 1 and the rectangle in *where (frame pixels). */
static int region_left(const labels_image *img, const rd_region *r, int *left,
                       box *where)
{
    *left = 0;
    finder f[16];
    int nf, rc = finders_in(img, r->bx, r->by, r->bw, r->bh, f, &nf);
    if (rc == LABELS_OK)
        *left = finder_boxes(f, nf, r->bx, r->by, where) > 0;
    return rc;
}

/* Distance from a finder's centre (x, y) of bin (binarised: dark below
 * 128) along the unit (dx, dy) to its outer edge: the third change from
 * dark to light on the way out (the centre, the light ring, the dark
 * ring), or -1 when it does not show within lim pixels. */
static double finder_edge(const labels_image *bin, double x, double y,
                          double dx, double dy, double lim)
{
    int changes = 0, dark = 1;
    for (double s = 0; s < lim; s += 0.25) {
        int px = (int)(x + s * dx + 0.5), py = (int)(y + s * dy + 0.5);
        if (px < 0 || py < 0 || px >= bin->width || py >= bin->height)
            return -1;
        int d = bin->pixels[(size_t)py * bin->stride + px] < 128;
        if (d != dark) {
            dark = d;
            if (++changes == 3)
                return s;
        }
    }
    return -1;
}

/* A code's outline from its three finder patterns (region r of img, as
 * region_left finds them): the corner finder has the other two at like
 * distances, near a right angle (as far as a 60-degree slant bends
 * them); the code's corners lie half a finder outside the finders'
 * centres along both arms (measured out to each finder's edge), the
 * fourth where the parallelogram puts it (rdops_fit_quad then moves it
 * onto the edges under perspective). LABELS_ERR_IMAGE when no such three
 * show. */
static int finder_outline(const labels_image *img, const rd_region *r,
                          double qx[4], double qy[4])
{
    int x, y, w, h, nf;
    attempt_rect(img, r, &x, &y, &w, &h);
    /* A quarter more each side: the blob may hold only part of the code
     * (the rest in a shadow, where its grey changes less, or lost to
     * blur), and finders are what shows where the code lies. */
    int gx = w / 4, gy = h / 4;
    int x1 = x + w + gx > img->width ? img->width : x + w + gx;
    int y1 = y + h + gy > img->height ? img->height : y + h + gy;
    x = x - gx < 0 ? 0 : x - gx;
    y = y - gy < 0 ? 0 : y - gy;
    w = x1 - x;
    h = y1 - y;
    finder f[16];
    int rc = finders_in(img, x, y, w, h, f, &nf);
    if (rc != LABELS_OK)
        return rc;
    int best = -1, bc = 0, ba = 0, bb = 0;
    for (int c = 0; c < nf; c++)
        for (int a = 0; a < nf; a++)
            for (int b = a + 1; b < nf; b++) {
                if (a == c || b == c)
                    continue;
                double ux = f[a].x - f[c].x, uy = f[a].y - f[c].y;
                double vx = f[b].x - f[c].x, vy = f[b].y - f[c].y;
                double u2 = ux * ux + uy * uy, v2 = vx * vx + vy * vy;
                double t = (f[a].t + f[b].t + f[c].t) / 3.0,
                       dot = ux * vx + uy * vy;
                int lo = f[a].t < f[b].t ? f[a].t : f[b].t;
                int hi = f[a].t > f[b].t ? f[a].t : f[b].t;
                lo = f[c].t < lo ? f[c].t : lo;
                hi = f[c].t > hi ? f[c].t : hi;
                /* Versions 1 to 10 along the shorter arm; a tilt of up
                 * to 60 degrees (and the perspective's own stretch)
                 * shortens one arm to half the other, bends the right
                 * angle to 53 degrees (cos^2 0.36) and makes the finder
                 * nearer the camera up to twice as wide as another. */
                if (hi > 2 * lo || u2 < 4 * t * t || v2 < 4 * t * t ||
                    (u2 < v2 ? u2 : v2) > 64 * t * t || u2 > 4.5 * v2 ||
                    v2 > 4.5 * u2 || dot * dot > 0.4 * u2 * v2)
                    continue;
                int rows = f[a].rows + f[b].rows + f[c].rows;
                if (rows > best) {
                    best = rows;
                    bc = c;
                    ba = a;
                    bb = b;
                }
            }
    if (best < 0)
        return LABELS_ERR_IMAGE;
    double ux = f[ba].x - f[bc].x, uy = f[ba].y - f[bc].y;
    double vx = f[bb].x - f[bc].x, vy = f[bb].y - f[bc].y;
    if (ux * vy - uy * vx < 0) { /* a to the right of c, b below */
        double tx = ux, ty = uy;
        ux = vx;
        uy = vy;
        vx = tx;
        vy = ty;
    }
    double m = (f[ba].t + f[bb].t + f[bc].t) / 21.0; /* a module */
    double lu = ux * ux + uy * uy, lv = vx * vx + vy * vy;
    double su = lu / 2, sv = lv / 2;
    for (int it = 0; it < 30; it++) {
        su = 0.5 * (su + lu / su);
        sv = 0.5 * (sv + lv / sv);
    }
    double ex = ux / su, ey = uy / su, nx = vx / sv, ny = vy / sv;
    /* Each corner half a finder outside its finder's centre along both
     * arms, measured on the finder itself (at a slant a row's width says
     * nothing of the module along an arm); a module from the rows'
     * widths where the finder's edge does not show. */
    labels_image bin = {0};
    rc = rdops_crop(img, x, y, w, h, &bin);
    if (rc == LABELS_OK)
        rc = rdops_binarise(&bin, FINDER_WIN, 24);
    if (rc != LABELS_OK) {
        labels_image_free(&bin);
        return rc;
    }
    const finder *fc = &f[bc], *fa = &f[ba], *fb = &f[bb];
    double lim = 4.0 * (fa->t > fb->t ? fa->t : fb->t);
    double dcu = finder_edge(&bin, fc->x, fc->y, -ex, -ey, lim);
    double dcv = finder_edge(&bin, fc->x, fc->y, -nx, -ny, lim);
    double dau = finder_edge(&bin, fa->x, fa->y, ex, ey, lim);
    double dav = finder_edge(&bin, fa->x, fa->y, -nx, -ny, lim);
    double dbu = finder_edge(&bin, fb->x, fb->y, -ex, -ey, lim);
    double dbv = finder_edge(&bin, fb->x, fb->y, nx, ny, lim);
    labels_image_free(&bin);
    double d[6] = {dcu, dcv, dau, dav, dbu, dbv};
    for (int k = 0; k < 6; k++) /* a slant changes it by 2 at most */
        if (d[k] < 3.5 * m / 2.5 || d[k] > 3.5 * m * 2.5)
            d[k] = 3.5 * m;
    qx[0] = x + fc->x - d[0] * ex - d[1] * nx;
    qy[0] = y + fc->y - d[0] * ey - d[1] * ny;
    qx[1] = x + fa->x + d[2] * ex - d[3] * nx;
    qy[1] = y + fa->y + d[2] * ey - d[3] * ny;
    qx[3] = x + fb->x - d[4] * ex + d[5] * nx;
    qy[3] = y + fb->y - d[4] * ey + d[5] * ny;
    qx[2] = qx[1] + qx[3] - qx[0];
    qy[2] = qy[1] + qy[3] - qy[0];
    return LABELS_OK;
}

/* Is r's outline the perspective of a rectangle (opposite sides within
 * a half of each other), not the hull of an L of labels? */
static int sheet_outline(const rd_region *r)
{
    if (!r->has_quad)
        return 0;
    double s[4];
    for (int k = 0; k < 4; k++) {
        double dx = r->qx[(k + 1) % 4] - r->qx[k];
        double dy = r->qy[(k + 1) % 4] - r->qy[k];
        s[k] = dx * dx + dy * dy;
    }
    return s[0] < 2.25 * s[2] && s[2] < 2.25 * s[0] && s[1] < 2.25 * s[3] &&
           s[3] < 2.25 * s[1];
}

static int boxes_meet(const box *w, const rd_region *r)
{
    return w->x0 < r->bx + r->bw && r->bx < w->x1 && w->y0 < r->by + r->bh &&
           r->by < w->y1;
}

/* Labels side by side (one-shot mode): a region codes were read in whose
 * boxes leave room for another keeps its retries, though most such blobs
 * hold only labels already read and their print (17x the CPU of a plain
 * pass, docs/performance.md). Paint the codes read out of a copy of img:
 * a region whose blob then shows no finder (region_left) holds no code
 * left to read (the region search cannot tell: a label's text is as
 * busy as a code), and is done; one that does is retried only where
 * that code can lie, in work[i] (a blob of labels side by side is several
 * codes big, and enlarging it costs the square). A region holding a read
 * with no place of its own keeps its retries, on all of it. */
static int drop_read(const call *c, const labels_image *img,
                     const rd_region *reg, int n, int *done, int *left,
                     rd_region *work)
{
    int ask = 0;
    for (int i = 0; i < n; i++)
        ask |= !done[i] && covered(c, 0, &reg[i]);
    if (!ask)
        return LABELS_OK;
    labels_image copy;
    int rc = rdops_crop(img, 0, 0, img->width, img->height, &copy);
    if (rc != LABELS_OK)
        return rc;
    for (int k = 0; k < c->n; k++)
        if (c->placed[k])
            paint_out(&copy, &c->paint[k]);
    for (int i = 0; i < n; i++) {
        if (done[i] || !covered(c, 0, &reg[i]))
            continue;
        int keep = 0;
        for (int k = 0; k < c->n && !keep; k++)
            keep = !c->placed[k] && boxes_meet(&c->where[k], &reg[i]);
        work[i] = reg[i];
        if (keep)
            continue;
        box b = {0, 0, 0, 0};
        int code_left;
        rc = region_left(&copy, &reg[i], &code_left, &b);
        if (rc != LABELS_OK)
            break;
        if (!code_left) {
            done[i] = 1;
            (*left)--;
            continue;
        }
        rd_region *s = &work[i]; /* b within the blob */
        int x0 = b.x0 > s->bx ? b.x0 : s->bx, y0 = b.y0 > s->by ? b.y0 : s->by;
        int x1 = b.x1 < s->bx + s->bw ? b.x1 : s->bx + s->bw;
        int y1 = b.y1 < s->by + s->bh ? b.y1 : s->by + s->bh;
        s->x = s->bx = x0;
        s->y = s->by = y0;
        s->w = s->bw = x1 - x0;
        s->h = s->bh = y1 - y0;
        /* Labels side by side share a surface and its perspective: the
         * outline of a sheet of them (a grid: opposite sides within a
         * half of each other), cut to the rectangle, is that part's. */
        double rx[2] = {x0, x1}, ry[2] = {y0, y1};
        s->has_quad = sheet_outline(&reg[i]) &&
                      rdops_sub_quad(reg[i].qx, reg[i].qy, rx, ry, s->qx,
                                     s->qy) == LABELS_OK;
    }
    labels_image_free(&copy);
    return rc;
}

/* Two regions (of successive frames, or searches) are the same if they overlap
 * by more than half of the smaller one. */
static int same_region(const rd_region *a, const rd_region *b)
{
    int x0 = a->bx > b->bx ? a->bx : b->bx;
    int y0 = a->by > b->by ? a->by : b->by;
    int x1 = a->bx + a->bw < b->bx + b->bw ? a->bx + a->bw : b->bx + b->bw;
    int y1 = a->by + a->bh < b->by + b->bh ? a->by + a->bh : b->by + b->bh;
    if (x1 <= x0 || y1 <= y0)
        return 0;
    long in = (long)(x1 - x0) * (y1 - y0);
    long sa = (long)a->bw * a->bh, sb = (long)b->bw * b->bh;
    return 2 * in > (sa < sb ? sa : sb);
}

/* Every attempt on each region of reg[0..n) not done, in the list's
 * order, until each has given a code or every attempt has run. whole:
 * the one region is the whole image (nothing stood out). */
static int full_attempts(labels_reader *rd, call *c, const labels_image *img,
                         const rd_region *reg, int n, int *done, int whole)
{
    int left = 0;
    rd_region work[RD_MAX_REGIONS]; /* where each region's retries look */
    memcpy(work, reg, (size_t)n * sizeof *reg);
    for (int i = 0; i < n; i++)
        left += !done[i];
    int rc = drop_read(c, img, reg, n, done, &left, work);
    if (rc != LABELS_OK)
        return rc;
    for (int a = 0; a < N_ATTEMPTS && left && !c->stop; a++)
        for (int i = 0; i < n && !c->stop; i++) {
            /* Nothing stood out: a faint code may still be there, but
             * deconvolving a whole frame costs seconds for little hope. */
            if (done[i] || (whole && (attempts[a].prep_cost > 1 ||
                                      attempts[a].scale > 100)))
                continue;
            /* A region that gave codes already holds labels side by side,
             * which share the focus and the motion their codes read
             * through: no deconvolution, and enlarging only as far as
             * live mode does (the region is several labels big). */
            int part = covered(c, 0, &reg[i]);
            if (part && attempts[a].prep_cost > 1)
                continue;
            /* The rectangle round a code's finders (drop_read) is one
             * code big: enlarged as far as any. */
            int one = work[i].bw != reg[i].bw || work[i].bh != reg[i].bh;
            int before = c->n;
            rc = try_attempt(rd, c, img, &work[i], a,
                             part && !one ? UP_SIDE : MAX_SIDE);
            if (rc != LABELS_OK)
                return rc;
            for (int j = 0; j < n && c->n > before; j++)
                if (!done[j] && filled(c, &reg[j])) {
                    done[j] = 1;
                    left--;
                }
            if (c->n > before && left) {
                rc = drop_read(c, img, reg, n, done, &left, work);
                if (rc != LABELS_OK)
                    return rc;
            }
        }
    return LABELS_OK;
}

/* One-shot: the plain pass, then every attempt on every region no code
 * was read in (the whole image when nothing stands out), until each
 * region has given a code or every attempt has been tried. */
static int read_full(labels_reader *rd, call *c, const labels_image *img)
{
    int rc = plain_at(rd, c, img, whole_frame(img), 1);
    if (rc != LABELS_OK || c->stop)
        return rc;
    rd_region reg[RD_MAX_REGIONS];
    int n = rd_find_regions(img, reg, RD_MAX_REGIONS, NULL);
    if (n < 0)
        return n;
    int whole = n == 0;
    if (whole) {
        if (c->found)
            return LABELS_OK;
        memset(&reg[0], 0, sizeof reg[0]);
        reg[0].w = reg[0].bw = img->width;
        reg[0].h = reg[0].bh = img->height;
        n = 1;
    }
    int done[RD_MAX_REGIONS];
    for (int i = 0; i < n; i++)
        done[i] = filled(c, &reg[i]);
    return full_attempts(rd, c, img, reg, n, done, whole);
}

/* Squared distance between corners j and k of r's quadrilateral. */
static double quad_d2(const rd_region *r, int j, int k)
{
    double dx = r->qx[j] - r->qx[k], dy = r->qy[j] - r->qy[k];
    return dx * dx + dy * dy;
}

/* Live mode's budget goes to attempts that can help this region: no
 * enlarging of a code that is big already (enlarging is for modules of
 * under about 3 pixels, and costs the square of the scale; a code of 45
 * modules, version 7, spans 200 pixels at 4.4 a module), no rectifying
 * of an outline that is a square already (sides within a sixth of each
 * other and equal diagonals: only turned in the image plane, which ZBar
 * handles). */
/* Is r's outline far from a square: sides more than a sixth apart or
 * diagonals more than a tenth (squared ratios below)? A code turned only
 * in the image plane is a square, which ZBar handles as it is. */
static int skewed(const rd_region *r)
{
    if (!r->has_quad)
        return 0;
    double lo = quad_d2(r, 0, 1), hi = lo;
    for (int k = 1; k < 4; k++) {
        double d = quad_d2(r, k, (k + 1) % 4);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    double d1 = quad_d2(r, 0, 2), d2 = quad_d2(r, 1, 3);
    double dr = d1 < d2 ? d2 / (d1 > 1 ? d1 : 1) : d1 / (d2 > 1 ? d2 : 1);
    return !(hi < 1.36 * lo && dr < 1.21);
}

static int worth_live(const attempt *at, const rd_region *r)
{
    int side = r->bw < r->bh ? r->bw : r->bh;
    if ((at->prep == prep_invert || at->prep == prep_invert_binarise) &&
        !r->dark_ring)
        return 0;
    if (at->scale > 100 && !at->rectify && side >= LIVE_UP_MAX)
        return 0;
    if (at->rectify && at->prep != prep_cyl_h40 && at->prep != prep_cyl_h55 &&
        at->prep != prep_cyl_v40 && at->prep != prep_cyl_v55 && !skewed(r))
        return 0;
    /* Outlines fitted before a cylinder is undone, or drawn from the
     * finders, each read a frame or two in 1000 (one-shot) and cost more
     * than the attempts before them: a held camera's share buys more
     * with the others (with them, seed 1's printed labels read 10 and
     * then 16 of 20 live, without 18). */
    if (at->rectify == FINDERS)
        return 0;
    /* Deconvolution runs live where the region looks blurred (a hint,
     * hint_rank); elsewhere, the list's last, it would spend a pass of
     * the next scene's credit on a region it does not read. */
    if (at->prep == prep_wiener)
        return 0;
    if (at->rectify == FIT && at->prep != prep_stretch &&
        at->prep != prep_sharpen && at->prep != prep_sharp_binarise)
        return 0;
    return 1;
}

/* How region r of img looks blurred (a fraction of a millisecond):
 * BLUR_MOTION when its edges along the direction it has least gradient
 * in are smeared over 4.5 pixels or more (perspective alone leaves them
 * at 2-4; a blur of more than a module gives 5.4 and more), BLUR_SOFT
 * when they are as soft as a disc of radius 1.8 leaves them, else 0. */
enum { BLUR_MOTION = 1, BLUR_SOFT };
static int blurred(const labels_image *img, const rd_region *r)
{
    int x, y, w, h, dx, dy, got = 0;
    attempt_rect(img, r, &x, &y, &w, &h);
    /* the region in place: these only read */
    labels_image view = {w, h, img->stride,
                         img->pixels + (size_t)y * img->stride + x};
    int dir = rdops_blur_dir(&view, &dx, &dy);
    if (dir == 0 && rdops_blur_length(&view, dx, dy) >= 45)
        got = BLUR_MOTION;
    else if (dir < 0 && rdops_defocus_radius(&view) >= 18)
        got = BLUR_SOFT;
    return got;
}

/* Where attempt at goes among the hints for region r, whose blur is
 * blur (blurred()): 1 first, 2, 3; 0 not a hint. Only deconvolution reads a
 * motion blur of a module and more, and it costs about a plain pass: it
 * goes first, not after thirty attempts that cannot read it (and before
 * the rectifying ones: the blur smears the outline they go by). A soft
 * blur, sharpening reads at a fifth of the cost, and deconvolution the
 * softest. */
static int hint_rank(const attempt *at, const rd_region *r, int blur)
{
    if (at->prep == prep_sharp_binarise && !at->rectify && at->scale == 100)
        return blur == BLUR_SOFT ? 1 : 0;
    if (at->prep == prep_wiener)
        return blur ? 2 : 0;
    if (at->prep == prep_invert || at->prep == prep_invert_binarise)
        return r->dark_ring ? 3 : 0;
    if (at->rectify == 1 &&
        (at->prep == prep_stretch || at->prep == prep_cyl_h40))
        return skewed(r) ? 3 : 0;
    return 0;
}

/* Live retries as a batch of (attempt, region) jobs in the attempt
 * list's order from where the last call left it, taken by this thread
 * and the workers alike; each thread takes jobs while they fit its own
 * share of the budget (CPU time). Codes are reported afterwards, on
 * this thread, in job order. */
#define MAX_JOBS (MAX_ATTEMPTS * RD_MAX_REGIONS)
typedef struct batch {
    labels_reader *rd;
    const labels_image *img;
    const rd_region *reg;
    int done[RD_MAX_REGIONS]; /* a job read a code in this region */
    int na;                   /* attempts in the batch */
    int njobs, next;          /* jobs; the first nobody took */
    int ja[MAX_JOBS], ji[MAX_JOBS], jk[MAX_JOBS]; /* attempt, region, rank */
    attempt_out out[MAX_JOBS];
    int rc[MAX_JOBS];
    double budget[1 + RD_POOL_MAX]; /* each thread's, ns */
    double spent[1 + RD_POOL_MAX];
    double never;              /* a cost that never fits a call */
    int full[1 + RD_POOL_MAX]; /* that thread's credit is at its cap */
    pthread_mutex_t mu;
} batch;

static void batch_work(void *ctx, int w)
{
    batch *b = ctx;
    labels_reader *rd = b->rd;
    rd_zbar *dec = w == 0 ? rd->dec : rd->wdec[w - 1];
    double t0 = now_ns();
    int ran = 0;
    if (pthread_mutex_lock(&b->mu) != 0)
        return;
    while (b->next < b->njobs) {
        int j = b->next, a = b->ja[j], i = b->ji[j];
        if (b->done[i]) {
            b->next++;
            continue;
        }
        int x, y, ww, hh;
        attempt_rect(b->img, &b->reg[i], &x, &y, &ww, &hh);
        double cost = rd->attempt_ns_px[a] * ww * (double)hh;
        if (cost > b->never) { /* for the one-shot mode */
            b->next++;
            continue;
        }
        if (now_ns() - t0 + cost > b->budget[w] && !(b->full[w] && !ran))
            break; /* for another thread, or the next call */
        ran = 1;
        b->next++;
        pthread_mutex_unlock(&b->mu);
        int rc = run_attempt(dec, b->img, &b->reg[i], a, UP_SIDE, &b->out[j]);
        if (pthread_mutex_lock(&b->mu) != 0) {
            b->rc[j] = rc;
            return;
        }
        b->rc[j] = rc;
        if (b->out[j].got)
            b->done[i] = 1;
    }
    b->spent[w] = now_ns() - t0;
    pthread_mutex_unlock(&b->mu);
}

/* Start the workers the first time retries run: one per spare core, at
 * most RD_POOL_MAX, each with its own ZBar scanner. None on one core,
 * or when they cannot start (then this thread does every job). */
static void pool_start(labels_reader *rd)
{
    if (rd->pool_tried)
        return;
    rd->pool_tried = 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int want = rd->workers_max >= 0 ? rd->workers_max
               : cores > 1          ? (int)(cores - 1)
                                    : 0;
    want = want > RD_POOL_MAX ? RD_POOL_MAX : want;
    int nd = 0;
    while (nd < want && (rd->wdec[nd] = rd_zbar_new()) != NULL)
        nd++;
    rd->pool = nd > 0 ? rd_pool_new(nd) : NULL;
    if (!rd->pool)
        for (int i = 0; i < nd; i++) {
            rd_zbar_free(rd->wdec[i]);
            rd->wdec[i] = NULL;
        }
}

static int retry_batch(labels_reader *rd, call *c, const labels_image *img,
                       const rd_region *reg, int n, int *done, double budget,
                       double call_max)
{
    batch *b = calloc(1, sizeof *b);
    if (!b)
        return LABELS_ERR_NOMEM;
    b->rd = rd;
    b->img = img;
    b->reg = reg;
    /* A job costing more than a call may spend never runs live; one that
     * fits a call but not what this one has left after the search runs
     * first when a thread's credit is full, or it would wait forever. */
    b->never = call_max;
    b->budget[0] = budget;
    b->full[0] = rd->credit[0] >= call_max;
    for (int w = 1; w <= RD_POOL_MAX; w++) {
        b->budget[w] = rd->credit[w] < call_max ? rd->credit[w] : call_max;
        b->full[w] = rd->credit[w] >= call_max;
    }
    memcpy(b->done, done, sizeof b->done);
    /* Once a scene, what a region's look says first (hint_rank): a blur
     * wants deconvolution, light modules on dark (a dark ring round it)
     * the inverting attempts, an outline far from square (perspective, a
     * curve) the rectifying ones. */
    int nhint = 0, skip = rd->hint_done;
    /* A blur is the camera's, over the whole frame: the likeliest code
     * shows it or nothing does (the small print of a label beside a
     * sharp code measures soft). */
    int blur0 = !rd->hinted && n > 0 ? blurred(img, &reg[0]) : 0;
    for (int i = 0; i < n && !rd->hinted; i++) {
        if (done[i])
            continue;
        int blur = i == 0 || !blur0 ? blur0 : blurred(img, &reg[i]);
        for (int rank = 1; rank <= 3; rank++)
            for (int a = 0; a < N_ATTEMPTS; a++) {
                if (hint_rank(&attempts[a], &reg[i], blur) != rank)
                    continue;
                if (skip > 0) { /* ran in an earlier call */
                    skip--;
                    continue;
                }
                b->ja[b->njobs] = a;
                b->ji[b->njobs] = i;
                b->jk[b->njobs++] = 0;
            }
    }
    nhint = b->njobs;
    b->na = N_ATTEMPTS - rd->tried;
    for (int k = 0; k < b->na; k++) {
        int a = (rd->next_attempt + k) % N_ATTEMPTS;
        for (int i = 0; i < n; i++)
            if (!done[i] && worth_live(&attempts[a], &reg[i])) {
                b->ja[b->njobs] = a;
                b->ji[b->njobs] = i;
                b->jk[b->njobs++] = k;
            }
    }
    pool_start(rd);
    if (pthread_mutex_init(&b->mu, NULL) != 0) {
        free(b);
        return LABELS_ERR_NOMEM;
    }
    rd_pool_run(rd->pool, batch_work, b);
    pthread_mutex_destroy(&b->mu);
    for (int w = 1; w <= RD_POOL_MAX; w++)
        rd->credit[w] -= b->spent[w];
    int rc = LABELS_OK;
    for (int j = 0; j < b->next; j++) {
        if (rc == LABELS_OK && b->rc[j] != LABELS_OK)
            rc = b->rc[j];
        if (!b->out[j].ran)
            continue;
        int i = b->ji[j];
        if (b->out[j].got && !done[i])
            done[i] = 1;
        if (!c->stop)
            merge(rd, c, img, &reg[i], b->ja[j], &b->out[j]);
        out_free(&b->out[j]);
    }
    /* The hints go first until each has run (over several calls when
     * the budget is small: a sanitiser build, a slow board). */
    rd->hint_done += b->next < nhint ? b->next : nhint;
    if (b->next >= nhint)
        rd->hinted = 1;
    /* Take the list up next call at the first attempt not run (all of
     * it again on every region: simpler, and costs little). */
    if (b->next <= nhint) {
        /* within the hints: the list is where it was */
    } else if (b->next >= b->njobs) {
        rd->tried = N_ATTEMPTS;
    } else {
        rd->tried += b->jk[b->next];
        rd->next_attempt = b->ja[b->next];
    }
    free(b);
    return rc;
}

/* Live mode's search: candidate regions, a plain pass on each new one
 * (the blob and a little more: ZBar needs only a few pixels of the quiet
 * zone to see the finder patterns' edges), and now and then a half-size
 * pass over the whole frame. done[i]: region i gave a code or is not
 * worth retries; *left: how many are not done. */
static int search_and_crop(labels_reader *rd, call *c, const labels_image *img,
                           double pass, rd_region *reg, int *np, int *done,
                           int *leftp)
{
    int busy, rc, left = 0;
    int n = rd_find_regions(img, reg, RD_MAX_REGIONS, &busy);
    *np = 0;
    *leftp = 0;
    if (n < 0)
        return n;
    /* Nothing stands out from a busy frame: a code filling it (a label
     * held close) is all there is to see. A scene's first call (or the
     * first after a read) gets the pass; later ones while nothing reads
     * only when the credit holds a whole pass (every third call or so):
     * a busy scene with no code (a patterned cloth, a shelf of print)
     * would otherwise cost a whole pass every call. */
    if (n == 0 && busy && (rd->idle == 0 || rd->credit[0] >= pass)) {
        rc = plain_at(rd, c, img, whole_frame(img), 1);
        if (rc != LABELS_OK || c->got)
            return rc;
    }
    int scene = n > 0 && rd->nreg > 0 && same_region(&reg[0], &rd->reg[0]);
    rd->new_scene = !scene;
    if (!scene) {
        rd->tried = 0; /* a new scene: every attempt may be worth it */
        rd->next_attempt = 0;
        rd->hinted = 0;
        rd->hint_done = 0;
    }
    for (int i = 0; i < n; i++) {
        done[i] = c->stop || covered(c, 0, &reg[i]);
        if (done[i])
            continue;
        /* A region the last call's plain pass missed is for the retries. */
        int seen = 0;
        for (int j = 0; j < rd->nreg && scene; j++)
            seen |= same_region(&reg[i], &rd->reg[j]);
        if (seen) {
            left++;
            continue;
        }
        int m = (reg[i].bw > reg[i].bh ? reg[i].bw : reg[i].bh) / 20 + 4;
        box b = {reg[i].bx - m, reg[i].by - m, reg[i].bx + reg[i].bw + m,
                 reg[i].by + reg[i].bh + m};
        int before = c->got;
        rc = plain_at(rd, c, img, b, 1);
        if (rc != LABELS_OK)
            return rc;
        done[i] = c->got > before;
        left += !done[i];
    }
    memcpy(rd->reg, reg, sizeof rd->reg);
    rd->nreg = n;
    /* A code's blob outscores the box corners and print a frame also
     * holds many times over (docs/reader.md): live retries go to the
     * likely codes only; the one-shot mode tries every region. */
    for (int i = 1; i < n; i++)
        if (!done[i] && reg[i].score * 8 < reg[0].score) {
            done[i] = 1;
            left--;
        }
    if (!c->got && !c->stop && ++rd->idle % COARSE_EVERY == 0) {
        rc = plain_at(rd, c, img, whole_frame(img), 2);
        if (rc != LABELS_OK)
            return rc;
        for (int i = 0; i < n; i++)
            if (!done[i] && covered(c, 0, &reg[i])) {
                done[i] = 1;
                left--;
            }
    }
    *np = n;
    *leftp = left;
    return LABELS_OK;
}

/* Live: ZBar only where a code can be, within LIVE_BUDGET of a plain
 * pass. First the codes read last call, each in its box grown by a
 * quarter (a held label moves little between frames); if all read
 * again, that is the call. Otherwise the region search, a plain pass
 * on each candidate region, now and then a half-size pass over the
 * whole frame, and retries on the candidates nothing was read in, the
 * attempt list taken up where the last call left it and tried once per
 * scene. */
static int read_frame(labels_reader *rd, call *c, const labels_image *img)
{
    double t0 = now_ns();
    if (rd->frame_w != img->width || rd->frame_h != img->height) {
        labels_reader_reset(rd); /* another camera or size */
        rd->frame_w = img->width;
        rd->frame_h = img->height;
    }
    rd->calls++;
    double pass = rd->plain_ns_px * img->width * (double)img->height;
    for (int w = 0; w <= RD_POOL_MAX; w++) {
        rd->credit[w] += LIVE_BUDGET * pass;
        if (rd->credit[w] > CREDIT_MAX * pass)
            rd->credit[w] = CREDIT_MAX * pass;
        /* A debt (an attempt dearer than its estimate, a new scene's
         * plain passes) is paid back, but not at the price of a whole
         * second of frames that try nothing. */
        if (rd->credit[w] < DEBT_MAX * pass)
            rd->credit[w] = DEBT_MAX * pass;
    }
    double budget =
        rd->credit[0] < CALL_MAX * pass ? rd->credit[0] : CALL_MAX * pass;
    int rc = LABELS_OK, lost = 0, ntr = rd->ntrack;
    for (int i = 0; i < ntr && !c->stop; i++) {
        box b = rd->track[i];
        int gx = (b.x1 - b.x0) / 4 + 8, gy = (b.y1 - b.y0) / 4 + 8;
        b.x0 -= gx;
        b.y0 -= gy;
        b.x1 += gx;
        b.y1 += gy;
        int before = c->got;
        rc = plain_at(rd, c, img, b, 1);
        if (rc != LABELS_OK)
            return rc;
        lost |= c->got == before;
    }
    if (c->stop)
        goto out;
    rd_region reg[RD_MAX_REGIONS];
    int done[RD_MAX_REGIONS], left = 0, n;
    if (ntr > 0 && !lost && rd->calls % SEARCH_EVERY != 0) {
        /* Every code followed read again: no search this call, but the
         * last one's other likely codes keep their retries. */
        n = rd->nreg;
        memcpy(reg, rd->reg, sizeof reg);
        rd->new_scene = 0;
        for (int i = 0; i < n; i++) {
            done[i] = covered(c, 0, &reg[i]) ||
                      (i > 0 && reg[i].score * 8 < reg[0].score);
            left += !done[i];
        }
    } else {
        rc = search_and_crop(rd, c, img, pass, reg, &n, done, &left);
        if (rc != LABELS_OK)
            return rc;
    }
    /* A scene seen for the first time gets its plain passes only: the
     * retries wait for it to hold still for a frame (a shopper holding a
     * label; a camera sweeping past a shelf changes every frame), and the
     * credit is still there then. */
    if (rd->new_scene)
        left = 0;
    /* The attempt that worked last is likely to work on this scene again. */
    if (left && rd->sticky >= 0 && !c->stop) {
        int before = c->got;
        for (int i = 0; i < n && !c->stop; i++) {
            if (done[i])
                continue;
            int got = c->got;
            rc = try_attempt(rd, c, img, &reg[i], rd->sticky, UP_SIDE);
            if (rc != LABELS_OK)
                return rc;
            if (c->got > got) {
                done[i] = 1;
                left--;
            }
        }
        if (c->got == before)
            rd->sticky = -1;
    }
    if (left && rd->tried < N_ATTEMPTS && !c->stop) {
        rc = retry_batch(rd, c, img, reg, n, done, budget - (now_ns() - t0),
                         CALL_MAX * pass);
        if (rc != LABELS_OK)
            return rc;
    }
out:
    rd->credit[0] -= now_ns() - t0;
    /* Follow what this call read (nothing: the next call searches). */
    rd->ntrack = 0;
    for (int i = 0; i < c->n && rd->ntrack < MAX_TRACK; i++)
        rd->track[rd->ntrack++] = c->where[i];
    if (c->got)
        rd->idle = 0;
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
    rd->last_px = c.zbar_px;
    if (found)
        *found = c.found;
    return rc;
}
