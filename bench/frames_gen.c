/* frames_gen.c -- camera-like frames of real labels: a physical model
 * (label on a textured scene, seen through a pinhole camera) followed by
 * the sensor's faults (blur, noise, light, JPEG). */
#include "frames_gen.h"

#include <stdio.h> /* before jpeglib.h, which needs FILE */

#include <jpeglib.h>
#include <math.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char *const names[FG_CATEGORY_COUNT] = {
    "blur",      "motion_blur",  "noise",   "rotation", "tilt",  "cylinder",
    "low_light", "low_contrast", "glare",   "shadow",   "jpeg",  "small",
    "printed",   "steep",        "defocus", "crumpled", "multi", "empty",
};

const char *fg_category_name(int cat)
{
    return cat >= 0 && cat < FG_CATEGORY_COUNT ? names[cat] : "?";
}

/* splitmix64: tiny, seedable, and the same everywhere. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double runi(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rnext(r) >> 11) / 9007199254740992.0;
}

static double rgauss(rng *r)
{
    double u = runi(r, 1e-12, 1.0), v = runi(r, 0.0, 1.0);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

int fg_keys(uint64_t seed, labels_pubkey *pub, labels_seckey *sec)
{
    uint8_t s[crypto_sign_SEEDBYTES] = {0};
    for (int i = 0; i < 8; i++)
        s[i] = (uint8_t)(seed >> (8 * i));
    memcpy(s + 8, "ocop-bench-frames", 17);
    if (labels_init() != LABELS_OK ||
        crypto_sign_seed_keypair(pub->pk, sec->sk, s) != 0)
        return LABELS_ERR_CRYPTO;
    labels_key_id(pub->pk, pub->id);
    memcpy(sec->id, pub->id, sizeof sec->id);
    return LABELS_OK;
}

static const int multi_count[FG_LEVELS] = {2, 2, 3, 4};

int fg_label_count(int cat, int level)
{
    if (cat == FG_EMPTY)
        return 0;
    if (cat == FG_MULTI && level >= 0 && level < FG_LEVELS)
        return multi_count[level];
    return 1;
}

int fg_label_text(const labels_seckey *sec, int cat, int level, int index,
                  char *text, size_t textsz, size_t *len)
{
    return fg_label_text_k(sec, cat, level, index, 0, text, textsz, len);
}

int fg_label_text_k(const labels_seckey *sec, int cat, int level, int index,
                    int k, char *text, size_t textsz, size_t *len)
{
    if (k < 0 || k >= FG_MAX_LABELS)
        return LABELS_ERR_ARG;
    labels_label lab;
    memset(&lab, 0, sizeof lab);
    snprintf(lab.product, sizeof lab.product, "P-%02d%d", cat, level);
    if (k == 0)
        snprintf(lab.lot, sizeof lab.lot, "L%d", index);
    else
        snprintf(lab.lot, sizeof lab.lot, "L%d-%d", index, k);
    lab.stars = (uint8_t)(3 + (cat + index) % 3);
    lab.serial = (uint32_t)(1000000u * (unsigned)cat + 1000u * (unsigned)level +
                            (unsigned)index + 1u + 100u * (unsigned)k);
    lab.issued = (uint16_t)(2000 + index);
    int rc = labels_sign(&lab, sec);
    if (rc != LABELS_OK)
        return rc;
    return labels_format(&lab, NULL, text, textsz, len);
}

/* ---- Scene ------------------------------------------------------------ */

#define GRID1 64 /* value-noise cell sizes, pixels */
#define GRID2 16
#define MAX_RECTS 48

#define TEX 4 /* texels per module of a printed label's texture */

/* One label in the scene: a code on white paper (classic: a square of
 * paper round it; printed: the layout of ocop-host print, the code on
 * the left and its text on the right, drawn into a texture). */
typedef struct label {
    const uint8_t *modules;
    int n;             /* modules per side */
    double minv[9];    /* screen (x, y, 1) -> plane (u, v, w) in modules */
    double cyl_r;      /* cylinder radius in modules, 0 = flat */
    double paper_half; /* classic: half side of the white label, modules */
    int printed;
    double pu0, pu1, pv0, pv1; /* printed: the paper, modules */
    uint8_t *tex;              /* printed: reflectance x 255, TEX/module */
    int tw, th;
} label;

typedef struct scene {
    /* value noise grids, reflectance offsets */
    float g1[(FG_WIDTH / GRID1 + 2) * (FG_HEIGHT / GRID1 + 2)];
    float g2[(FG_WIDTH / GRID2 + 2) * (FG_HEIGHT / GRID2 + 2)];
    float base;
    int nrect;
    float rect[MAX_RECTS][5]; /* x0 y0 x1 y1 reflectance */
    int have_code;
    int nlab;
    label lab[FG_MAX_LABELS];
    /* a crumpled pouch: smooth waves over the label plane that move the
     * print (modules) and tilt the surface (shading, gloss) */
    double crumple, gloss;
    double wave[4][4]; /* fu, fv (radians a module), phase, amplitude */
} scene;

static float lerpgrid(const float *g, int gw, int cell, double x, double y)
{
    double fx = x / cell, fy = y / cell;
    int ix = (int)fx, iy = (int)fy;
    double tx = fx - ix, ty = fy - iy;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    const float *p = g + iy * gw + ix;
    return (float)((p[0] * (1 - tx) + p[1] * tx) * (1 - ty) +
                   (p[gw] * (1 - tx) + p[gw + 1] * tx) * ty);
}

static float background(const scene *s, double x, double y)
{
    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    if (x > FG_WIDTH - 1)
        x = FG_WIDTH - 1;
    if (y > FG_HEIGHT - 1)
        y = FG_HEIGHT - 1;
    float v = s->base + lerpgrid(s->g1, FG_WIDTH / GRID1 + 2, GRID1, x, y) +
              lerpgrid(s->g2, FG_WIDTH / GRID2 + 2, GRID2, x, y);
    for (int i = 0; i < s->nrect; i++) {
        const float *r = s->rect[i];
        if (x >= r[0] && x < r[2] && y >= r[1] && y < r[3])
            v = r[4];
    }
    return v < 0.02f ? 0.02f : v > 0.95f ? 0.95f : v;
}

/* Crumpled pouch: (u, v) moved by the waves, and the light the surface
 * there gets (with a glossy highlight where it faces the light). */
static void crumple(const scene *s, double *u, double *v, float *shade,
                    float *spec)
{
    double du = 0, dv = 0, g = 0;
    for (int k = 0; k < 4; k++) {
        const double *w = s->wave[k];
        double t = w[0] * *u + w[1] * *v + w[2];
        double sn = sin(t), cs = cos(t);
        du += w[3] * sn;
        dv += w[3] * cs;
        /* slope along the light's direction (from the upper left) */
        g += w[3] * cs * (0.7 * w[0] + 0.7 * w[1]);
    }
    /* crumple is the strain: how much the print stretches or shrinks
     * locally at most, per wave; the creases' slopes shade it */
    *u += s->crumple * du;
    *v += s->crumple * dv;
    g *= 3 * s->crumple;
    g = g > 1 ? 1 : g < -1 ? -1 : g;
    *shade *= (float)(0.85 + 0.15 * g);
    double hi = g > 0 ? g * g * g * g : 0;
    *spec += (float)(s->gloss * hi);
}

/* Reflectance at screen point (x, y): the label where it is, else -1 for
 * the scene behind it (which the caller samples once per pixel: it is
 * smooth, and the label's edges are what need the supersampling). */
static float reflect(const scene *s, double x, double y, float *shade)
{
    *shade = 1.0f;
    if (!s->have_code)
        return -1.0f;
    for (int k = 0; k < s->nlab; k++) {
        const label *L = &s->lab[k];
        const double *m = L->minv;
        double w = m[6] * x + m[7] * y + m[8];
        if (w <= 1e-9)
            continue;
        double u = (m[0] * x + m[1] * y + m[2]) / w;
        double v = (m[3] * x + m[4] * y + m[5]) / w;
        float sh = 1.0f, spec = 0.0f;
        if (L->cyl_r > 0) {
            /* The label is wrapped round a vertical can: u is the
             * projected offset, the arc length behind it is r asin(u /
             * r). */
            double q = u / L->cyl_r;
            if (q <= -1.0 || q >= 1.0)
                continue;
            double a = asin(q);
            u = L->cyl_r * a;
            sh = (float)(0.55 + 0.45 * cos(a));
            /* issue 5's frames shade the scene behind a classic label on
             * a can too: kept, so that those frames stay the same */
            if (!L->printed)
                *shade = sh;
        }
        if (s->crumple > 0)
            crumple(s, &u, &v, &sh, &spec);
        double half = L->n / 2.0;
        if (!L->printed) {
            if (fabs(u) > L->paper_half || fabs(v) > L->paper_half)
                continue;
        } else if (u < L->pu0 || u >= L->pu1 || v < L->pv0 || v >= L->pv1) {
            continue;
        }
        *shade = sh;
        int i = (int)floor(u + half), j = (int)floor(v + half);
        if (i >= 0 && j >= 0 && i < L->n && j < L->n)
            return (L->modules[j * L->n + i] ? 0.07f : 0.86f) + spec;
        if (!L->printed)
            return 0.86f + spec;
        int tx = (int)((u - L->pu0) * TEX), ty = (int)((v - L->pv0) * TEX);
        tx = tx < 0 ? 0 : tx >= L->tw ? L->tw - 1 : tx;
        ty = ty < 0 ? 0 : ty >= L->th ? L->th - 1 : ty;
        return L->tex[(size_t)ty * L->tw + tx] / 255.0f + spec;
    }
    return -1.0f;
}

static int inv3(const double a[9], double o[9])
{
    double det = a[0] * (a[4] * a[8] - a[5] * a[7]) -
                 a[1] * (a[3] * a[8] - a[5] * a[6]) +
                 a[2] * (a[3] * a[7] - a[4] * a[6]);
    if (fabs(det) < 1e-12)
        return -1;
    o[0] = (a[4] * a[8] - a[5] * a[7]) / det;
    o[1] = (a[2] * a[7] - a[1] * a[8]) / det;
    o[2] = (a[1] * a[5] - a[2] * a[4]) / det;
    o[3] = (a[5] * a[6] - a[3] * a[8]) / det;
    o[4] = (a[0] * a[8] - a[2] * a[6]) / det;
    o[5] = (a[2] * a[3] - a[0] * a[5]) / det;
    o[6] = (a[3] * a[7] - a[4] * a[6]) / det;
    o[7] = (a[1] * a[6] - a[0] * a[7]) / det;
    o[8] = (a[0] * a[4] - a[1] * a[3]) / det;
    return 0;
}

/* Pose the label: module size mpx (pixels at the centre), in-plane angle
 * rot, tilts ax (about the label's horizontal axis) and ay (vertical),
 * centred at (cx, cy). A pinhole camera of focal length F. */
static int pose(label *s, double mpx, double rot, double ax, double ay,
                double cx, double cy)
{
    const double F = 800.0;
    double cr = cos(rot), sr = sin(rot), ca = cos(ax), sa = sin(ax),
           cb = cos(ay), sb = sin(ay);
    /* R = Rz(rot) * Ry(ay) * Rx(ax); only its first two columns matter. */
    double ry[9] = {cb, 0, sb, 0, 1, 0, -sb, 0, cb};
    double rx[9] = {1, 0, 0, 0, ca, -sa, 0, sa, ca};
    double rz[9] = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
    double t[9], r[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            t[i * 3 + j] = 0;
            for (int k = 0; k < 3; k++)
                t[i * 3 + j] += ry[i * 3 + k] * rx[k * 3 + j];
        }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            r[i * 3 + j] = 0;
            for (int k = 0; k < 3; k++)
                r[i * 3 + j] += rz[i * 3 + k] * t[k * 3 + j];
        }
    /* Columns: m*r1, m*r2, C with C = (cx - W/2, cy - H/2, F). */
    double c[3] = {cx - FG_WIDTH / 2.0, cy - FG_HEIGHT / 2.0, F};
    double p[9];
    for (int i = 0; i < 3; i++) {
        p[i * 3 + 0] = mpx * r[i * 3 + 0];
        p[i * 3 + 1] = mpx * r[i * 3 + 1];
        p[i * 3 + 2] = c[i];
    }
    /* K * P, K = [F 0 W/2; 0 F H/2; 0 0 1]. */
    double h[9];
    for (int j = 0; j < 3; j++) {
        h[0 * 3 + j] = F * p[0 * 3 + j] + FG_WIDTH / 2.0 * p[2 * 3 + j];
        h[1 * 3 + j] = F * p[1 * 3 + j] + FG_HEIGHT / 2.0 * p[2 * 3 + j];
        h[2 * 3 + j] = p[2 * 3 + j];
    }
    return inv3(h, s->minv);
}

static void make_background(scene *s, rng *r, int clutter)
{
    s->base = (float)runi(r, 0.3, 0.6);
    size_t n1 = sizeof s->g1 / sizeof s->g1[0];
    size_t n2 = sizeof s->g2 / sizeof s->g2[0];
    double a1 = runi(r, 0.05, 0.2), a2 = runi(r, 0.02, clutter ? 0.15 : 0.08);
    for (size_t i = 0; i < n1; i++)
        s->g1[i] = (float)runi(r, -a1, a1);
    for (size_t i = 0; i < n2; i++)
        s->g2[i] = (float)runi(r, -a2, a2);
    /* Boxes, and rows of glyph-like bars: the edges a shelf shows. */
    s->nrect = 0;
    int boxes = clutter ? 6 : 3;
    for (int i = 0; i < boxes && s->nrect < MAX_RECTS; i++) {
        float x0 = (float)runi(r, -100, FG_WIDTH),
              y0 = (float)runi(r, -100, FG_HEIGHT);
        float *q = s->rect[s->nrect++];
        q[0] = x0;
        q[1] = y0;
        q[2] = x0 + (float)runi(r, 40, 300);
        q[3] = y0 + (float)runi(r, 30, 200);
        q[4] = (float)runi(r, 0.1, 0.9);
    }
    int lines = clutter ? 4 : 1;
    for (int l = 0; l < lines; l++) {
        float y = (float)runi(r, 0, FG_HEIGHT - 20), x = (float)runi(r, 0, 300);
        float h = (float)runi(r, 6, 16);
        float ink = (float)runi(r, 0.05, 0.3);
        while (x < FG_WIDTH && s->nrect < MAX_RECTS) {
            float wdt = (float)runi(r, 2, h * 0.8);
            float *q = s->rect[s->nrect++];
            q[0] = x;
            q[1] = y;
            q[2] = x + wdt;
            q[3] = y + h;
            q[4] = ink;
            x += wdt + (float)runi(r, 2, h);
            if (runi(r, 0, 1) < 0.08)
                break;
        }
    }
}

/* ---- Sensor ------------------------------------------------------------ */

static int gauss_blur(float *img, int w, int h, double sigma)
{
    if (sigma < 0.2)
        return 0;
    int rad = (int)ceil(3 * sigma);
    float *k = malloc(sizeof(float) * (2 * rad + 1));
    float *tmp = malloc(sizeof(float) * (size_t)w * h);
    if (!k || !tmp) {
        free(k);
        free(tmp);
        return -1;
    }
    double sum = 0;
    for (int i = -rad; i <= rad; i++)
        sum += k[i + rad] = (float)exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * rad; i++)
        k[i] = (float)(k[i] / sum);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float a = 0;
            for (int i = -rad; i <= rad; i++) {
                int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                a += k[i + rad] * img[(size_t)y * w + xx];
            }
            tmp[(size_t)y * w + x] = a;
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float a = 0;
            for (int i = -rad; i <= rad; i++) {
                int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
                a += k[i + rad] * tmp[(size_t)yy * w + x];
            }
            img[(size_t)y * w + x] = a;
        }
    free(k);
    free(tmp);
    return 0;
}

static float bilinear(const float *img, int w, int h, double x, double y)
{
    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    if (x > w - 1.001)
        x = w - 1.001;
    if (y > h - 1.001)
        y = h - 1.001;
    int ix = (int)x, iy = (int)y;
    double tx = x - ix, ty = y - iy;
    const float *p = img + (size_t)iy * w + ix;
    return (float)((p[0] * (1 - tx) + p[1] * tx) * (1 - ty) +
                   (p[w] * (1 - tx) + p[w + 1] * tx) * ty);
}

static int motion_blur(float *img, int w, int h, double len, double ang)
{
    float *out = malloc(sizeof(float) * (size_t)w * h);
    if (!out)
        return -1;
    int taps = (int)ceil(len) + 1;
    double dx = cos(ang), dy = sin(ang);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float a = 0;
            for (int t = 0; t < taps; t++) {
                double o = -len / 2 + len * t / (taps - 1);
                a += bilinear(img, w, h, x + o * dx, y + o * dy);
            }
            out[(size_t)y * w + x] = a / taps;
        }
    memcpy(img, out, sizeof(float) * (size_t)w * h);
    free(out);
    return 0;
}

struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
};

static void jpeg_fail(j_common_ptr cinfo)
{
    longjmp(((struct jerr *)cinfo->err)->jump, 1);
}

/* Compress img at quality into *buf, then decode it back into img. */
static int jpeg_roundtrip(labels_image *img, int quality, uint8_t **buf,
                          size_t *buflen)
{
    struct jpeg_compress_struct c;
    struct jerr err;
    unsigned char *volatile mem = NULL;
    unsigned long memlen = 0;
    c.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_fail;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&c);
        free(mem);
        return -1;
    }
    jpeg_create_compress(&c);
    unsigned char *m = NULL;
    jpeg_mem_dest(&c, &m, &memlen);
    c.image_width = (JDIMENSION)img->width;
    c.image_height = (JDIMENSION)img->height;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = img->pixels + (size_t)c.next_scanline * img->stride;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    mem = m;

    struct jpeg_decompress_struct d;
    d.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_fail;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&d);
        free(mem);
        return -1;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, mem, memlen);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&d);
    if ((int)d.output_width != img->width ||
        (int)d.output_height != img->height)
        longjmp(err.jump, 1);
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = img->pixels + (size_t)d.output_scanline * img->stride;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    if (buf) {
        *buf = mem;
        *buflen = memlen;
    } else {
        free(mem);
    }
    return 0;
}

int fg_pgm_write(const char *path, const labels_image *img)
{
    if (!path || !img || !img->pixels || img->width <= 0 || img->height <= 0)
        return -1;
    char head[64];
    int hn = snprintf(head, sizeof head, "P5\n%d %d\n255\n", img->width,
                      img->height);
    if (hn <= 0 || (size_t)hn >= sizeof head)
        return -1;
    size_t n = (size_t)hn + (size_t)img->width * img->height;
    uint8_t *buf = malloc(n);
    if (!buf)
        return -1;
    memcpy(buf, head, (size_t)hn);
    for (int y = 0; y < img->height; y++)
        memcpy(buf + hn + (size_t)y * img->width,
               img->pixels + (size_t)y * img->stride, (size_t)img->width);
    int rc = labels_file_write_atomic(path, buf, n, 0644, 0);
    free(buf);
    return rc == LABELS_OK ? 0 : -1;
}

/* ---- Frames ------------------------------------------------------------ */

/* Strength ladders, mildest first. */
static const double blur_sigma[FG_LEVELS] = {1.2, 1.5, 1.8, 2.1};
static const double motion_len[FG_LEVELS] = {4, 5, 6, 7.5};
static const double noise_sigma[FG_LEVELS] = {18, 28, 38, 50};
static const double rot_deg[FG_LEVELS] = {20, 45, 110, 160};
static const double tilt_deg[FG_LEVELS] = {30, 40, 50, 58};
static const double cyl_k[FG_LEVELS] = {1.9, 1.5, 1.25, 1.1};
static const double light_gain[FG_LEVELS] = {0.20, 0.12, 0.08, 0.05};
static const double contrast_dn[FG_LEVELS] = {40, 26, 18, 12};
static const double glare_amp[FG_LEVELS] = {90, 140, 180, 210};
static const double shadow_k[FG_LEVELS] = {0.5, 0.35, 0.22, 0.13};
static const int jpeg_q[FG_LEVELS] = {25, 15, 10, 6};
static const double small_mpx[FG_LEVELS] = {2.2, 1.9, 1.7, 1.55};

/* issue 15's ladders */
static const double printed_mpx[FG_LEVELS] = {2.5, 2.1, 1.8, 1.6};
static const double steep_deg[FG_LEVELS] = {35, 45, 52, 60};
static const double steep_mpx[FG_LEVELS] = {3.0, 2.8, 2.6, 2.4};
static const double defocus_r[FG_LEVELS] = {2.0, 2.75, 3.5, 4.5};
static const double crumple_amp[FG_LEVELS] = {0.04, 0.07, 0.1, 0.14};
static const double multi_mpx[FG_LEVELS] = {3.2, 2.8, 2.6, 2.3};

static void fill(label *L, double u0, double v0, double u1, double v1,
                 uint8_t val)
{
    int x0 = (int)((u0 - L->pu0) * TEX), x1 = (int)((u1 - L->pu0) * TEX);
    int y0 = (int)((v0 - L->pv0) * TEX), y1 = (int)((v1 - L->pv0) * TEX);
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > L->tw ? L->tw : x1;
    y1 = y1 > L->th ? L->th : y1;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            L->tex[(size_t)y * L->tw + x] = val;
}

/* A line of glyph-like marks from u0 to at most u1, cap height h, at
 * baseline-top v: each glyph a few strokes in its box, words apart. */
static void text_line(label *L, rng *r, double u0, double u1, double v,
                      double h, int bold, uint8_t ink)
{
    double gw = 0.62 * h, st = (bold ? 0.2 : 0.13) * h;
    double end = u0 + (u1 - u0) * runi(r, 0.55, 1.0);
    for (double u = u0; u + gw < end;) {
        if (runi(r, 0, 1) < 0.7)
            fill(L, u, v, u + st, v + h, ink);
        if (runi(r, 0, 1) < 0.5)
            fill(L, u + gw - st, v, u + gw, v + h, ink);
        if (runi(r, 0, 1) < 0.45)
            fill(L, u, v, u + gw, v + st, ink);
        if (runi(r, 0, 1) < 0.5)
            fill(L, u, v + h / 2 - st / 2, u + gw, v + h / 2 + st / 2, ink);
        if (runi(r, 0, 1) < 0.45)
            fill(L, u, v + h - st, u + gw, v + h, ink);
        u += gw * 1.18;
        if (runi(r, 0, 1) < 0.16)
            u += gw * 0.7; /* a space between words */
    }
}

/* ocop-host print's layout (host/print_layout.c, docs/printing.md): a
 * 3:2 label, the code with its quiet zone a square on the left as tall
 * as half the width... of the label's width; on the right the OCOP mark
 * (light letters on red), the stars, the product name in bold on two
 * lines, the producer on two, then lot and serial. Sizes as fractions
 * of the label, as the layout scales them. */
static int make_print(label *L, rng *r)
{
    double q = L->n + 2.0 * LABELS_QUIET_MODULES;
    double w = 2 * q, h = w * 2 / 3;
    L->printed = 1;
    L->pu0 = -q / 2;
    L->pu1 = L->pu0 + w;
    L->pv0 = -h / 2;
    L->pv1 = h / 2;
    L->tw = (int)(w * TEX) + 1;
    L->th = (int)(h * TEX) + 1;
    L->tex = malloc((size_t)L->tw * (size_t)L->th);
    if (!L->tex)
        return -1;
    memset(L->tex, 219, (size_t)L->tw * (size_t)L->th); /* 0.86 */
    double tx0 = q / 2, tx1 = L->pu1 - 0.03 * w, top = L->pv0;
    fill(L, tx0, top + 0.05 * h, tx0 + 0.22 * w, top + 0.19 * h, 64);
    text_line(L, r, tx0 + 0.02 * w, tx0 + 0.2 * w, top + 0.08 * h, 0.08 * h, 1,
              200);
    for (int k = 0; k < 4 + (int)runi(r, 0, 2); k++) {
        double u = tx0 + 0.24 * w + k * 0.055 * w;
        fill(L, u, top + 0.09 * h, u + 0.045 * w, top + 0.155 * h, 150);
    }
    for (int k = 0; k < 2; k++)
        text_line(L, r, tx0, tx1, top + (0.27 + 0.11 * k) * h, 0.065 * h, 1,
                  20);
    for (int k = 0; k < 2; k++)
        text_line(L, r, tx0, tx1, top + (0.50 + 0.08 * k) * h, 0.045 * h, 0,
                  80);
    for (int k = 0; k < 2; k++)
        text_line(L, r, tx0, tx0 + 0.3 * w, top + (0.79 + 0.09 * k) * h,
                  0.05 * h, 1, 25);
    return 0;
}

/* The disc a fixed-focus lens blurs an out-of-focus point into, radius
 * rad pixels, edges anti-aliased. */
static int disc_blur(float *img, int w, int h, double rad)
{
    int R = (int)ceil(rad);
    int side = 2 * R + 1;
    float *k = malloc(sizeof(float) * (size_t)side * side);
    float *out = malloc(sizeof(float) * (size_t)w * h);
    if (!k || !out) {
        free(k);
        free(out);
        return -1;
    }
    double sum = 0;
    for (int y = -R; y <= R; y++)
        for (int x = -R; x <= R; x++) {
            /* coverage of the pixel by the disc, 4x4 samples */
            int in = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) {
                    double px = x - 0.5 + (sx + 0.5) / 4,
                           py = y - 0.5 + (sy + 0.5) / 4;
                    in += px * px + py * py <= rad * rad;
                }
            k[(y + R) * side + x + R] = (float)(in / 16.0);
            sum += in / 16.0;
        }
    for (int i = 0; i < side * side; i++)
        k[i] = (float)(k[i] / sum);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float a = 0;
            for (int dy = -R; dy <= R; dy++) {
                int yy = y + dy < 0 ? 0 : y + dy >= h ? h - 1 : y + dy;
                const float *row = img + (size_t)yy * w;
                const float *kr = k + (dy + R) * side + R;
                for (int dx = -R; dx <= R; dx++) {
                    int xx = x + dx < 0 ? 0 : x + dx >= w ? w - 1 : x + dx;
                    a += kr[dx] * row[xx];
                }
            }
            out[(size_t)y * w + x] = a;
        }
    memcpy(img, out, sizeof(float) * (size_t)w * h);
    free(k);
    free(out);
    return 0;
}

int fg_make(int cat, int level, int index, uint64_t seed, const char *text,
            size_t len, labels_image *out, uint8_t **jpeg, size_t *jpeg_len)
{
    return fg_make_n(cat, level, index, seed, &text, &len, text ? 1 : 0, out,
                     jpeg, jpeg_len);
}

int fg_make_n(int cat, int level, int index, uint64_t seed,
              const char *const *texts, const size_t *lens, int ntexts,
              labels_image *out, uint8_t **jpeg, size_t *jpeg_len)
{
    if (jpeg)
        *jpeg = NULL;
    if (!out || cat < 0 || cat >= FG_CATEGORY_COUNT || level < 0 ||
        level >= FG_LEVELS || !texts || !lens ||
        ntexts < fg_label_count(cat, level) || ntexts > FG_MAX_LABELS)
        return LABELS_ERR_ARG;
    for (int k = 0; k < fg_label_count(cat, level); k++)
        if (!texts[k])
            return LABELS_ERR_ARG;
    memset(out, 0, sizeof *out);
    /* Issue 5's categories (empty was number 12 then) keep their random
     * streams, so their frames stay the same; the new ones get their own. */
    uint64_t rcat = cat == FG_EMPTY    ? 12
                    : cat < FG_CLASSIC ? (uint64_t)cat
                                       : 100 + (uint64_t)cat;
    rng r = {seed ^ (rcat << 48) ^ ((uint64_t)level << 40) ^
             (uint64_t)index * 0x51ed27ull};
    rnext(&r);
    scene *s = calloc(1, sizeof *s);
    float *f = malloc(sizeof(float) * FG_WIDTH * FG_HEIGHT);
    labels_qr qr[FG_MAX_LABELS];
    memset(qr, 0, sizeof qr);
    int rc = LABELS_ERR_NOMEM;
    if (!s || !f)
        goto done;
    make_background(s, &r, cat == FG_EMPTY);

    /* Camera-like defaults every code frame has; the category pushes one
     * of them far out. */
    double mpx = runi(&r, 3.4, 4.6), rot = runi(&r, -10, 10) * M_PI / 180;
    double ax = runi(&r, -8, 8) * M_PI / 180, ay = runi(&r, -8, 8) * M_PI / 180;
    double blur = 0.6, noise = 2.5, gain = 1.0, contrast = 0;
    double vignette = runi(&r, 0.0, 0.15);
    double defocus = 0;
    if (cat != FG_EMPTY) {
        s->have_code = 1;
        s->nlab = fg_label_count(cat, level);
        for (int k = 0; k < s->nlab; k++) {
            rc = labels_qr_encode(texts[k], lens[k], &qr[k]);
            if (rc != LABELS_OK)
                goto done;
            s->lab[k].modules = qr[k].modules;
            s->lab[k].n = qr[k].width;
            s->lab[k].paper_half = qr[k].width / 2.0 + LABELS_QUIET_MODULES + 2;
        }
        label *L = &s->lab[0];
        switch (cat) {
        case FG_ROTATION:
            rot = (rot_deg[level] + runi(&r, -8, 8)) * M_PI / 180 *
                  (runi(&r, 0, 1) < 0.5 ? -1 : 1);
            break;
        case FG_TILT: {
            double t = (tilt_deg[level] + runi(&r, -3, 3)) * M_PI / 180;
            double mix = runi(&r, 0, 2 * M_PI);
            ax = t * cos(mix);
            ay = t * sin(mix);
            mpx *= 1.15;
            break;
        }
        case FG_CYLINDER:
            L->cyl_r =
                cyl_k[level] * (qr[0].width / 2.0 + LABELS_QUIET_MODULES);
            ax = ay = 0;
            mpx *= 1.1;
            break;
        case FG_SMALL: mpx = small_mpx[level] * runi(&r, 0.95, 1.05); break;
        case FG_PRINTED: mpx = printed_mpx[level] * runi(&r, 0.95, 1.05); break;
        case FG_STEEP: {
            double t = (steep_deg[level] + runi(&r, -2, 2)) * M_PI / 180;
            double mix = runi(&r, 0, 2 * M_PI);
            ax = t * cos(mix);
            ay = t * sin(mix);
            mpx = steep_mpx[level] * runi(&r, 0.95, 1.05);
            break;
        }
        case FG_DEFOCUS:
            /* close up: big modules, the lens focused farther away */
            mpx = runi(&r, 5.0, 6.0);
            defocus = defocus_r[level] * runi(&r, 0.95, 1.05);
            blur = 0;
            break;
        case FG_CRUMPLED:
            s->crumple = crumple_amp[level];
            s->gloss = runi(&r, 0.2, 0.5);
            for (int k = 0; k < 4; k++) {
                double wl = runi(&r, 25, 60), dir = runi(&r, 0, 2 * M_PI);
                s->wave[k][0] = 2 * M_PI / wl * cos(dir);
                s->wave[k][1] = 2 * M_PI / wl * sin(dir);
                s->wave[k][2] = runi(&r, 0, 2 * M_PI);
                /* amplitude (modules) for a strain of 1 at weight 1 */
                s->wave[k][3] = runi(&r, 0.5, 1.0) / 2 * wl / (2 * M_PI);
            }
            /* a pouch is round as well as creased */
            L->cyl_r =
                runi(&r, 2.2, 3.2) * (qr[0].width / 2.0 + LABELS_QUIET_MODULES);
            ax = ay = 0;
            break;
        default: break;
        }
        if (cat >= FG_CLASSIC)
            for (int k = 0; k < s->nlab; k++)
                if ((cat == FG_PRINTED || cat == FG_MULTI ||
                     cat == FG_CRUMPLED) &&
                    make_print(&s->lab[k], &r) != 0) {
                    rc = LABELS_ERR_NOMEM;
                    goto done;
                }
        if (cat == FG_MULTI) {
            /* a grid of labels, as on a shelf: as many columns as fit */
            mpx = multi_mpx[level] * runi(&r, 0.95, 1.05);
            double q = L->n + 2.0 * LABELS_QUIET_MODULES;
            double lw = 2 * q * mpx, lh = lw * 2 / 3;
            int cols = s->nlab;
            while (cols > 1 && cols * lw > FG_WIDTH - 20)
                cols--;
            int rows = (s->nlab + cols - 1) / cols;
            for (int k = 0; k < s->nlab; k++) {
                int cx0 = k % cols, cy0 = k / cols;
                double cx = FG_WIDTH / 2.0 + (cx0 - (cols - 1) / 2.0) * lw;
                double cy = FG_HEIGHT / 2.0 + (cy0 - (rows - 1) / 2.0) * lh;
                /* the code sits a quarter of the label left of its middle */
                cx += -lw / 4 + runi(&r, -8, 8);
                cy += runi(&r, -8, 8);
                double kr = runi(&r, -6, 6) * M_PI / 180;
                double kx = runi(&r, -8, 8) * M_PI / 180,
                       ky = runi(&r, -8, 8) * M_PI / 180;
                if (pose(&s->lab[k], mpx, kr, kx, ky, cx, cy) != 0) {
                    rc = LABELS_ERR_ARG;
                    goto done;
                }
            }
        } else {
            double side = L->paper_half * 2 * mpx * 0.75;
            double cx = runi(&r, side, FG_WIDTH - side),
                   cy = runi(&r, side, FG_HEIGHT - side);
            if (side * 2 > FG_HEIGHT) {
                cx = FG_WIDTH / 2.0;
                cy = FG_HEIGHT / 2.0;
            }
            if (L->printed) {
                /* the whole label in view: its text to the code's right */
                double q = L->n + 2.0 * LABELS_QUIET_MODULES;
                double lw = 2 * q * mpx, lh = lw * 2 / 3;
                cx = runi(&r, lw / 4 + 10, FG_WIDTH - lw * 3 / 4 - 10);
                cy = runi(&r, lh / 2 + 10, FG_HEIGHT - lh / 2 - 10);
                if (lw + 20 > FG_WIDTH)
                    cx = FG_WIDTH / 2.0 - lw / 4;
                if (lh + 20 > FG_HEIGHT)
                    cy = FG_HEIGHT / 2.0;
            }
            if (pose(L, mpx, rot, ax, ay, cx, cy) != 0) {
                rc = LABELS_ERR_ARG;
                goto done;
            }
        }
    }

    /* Light falling on the scene: a gentle vignette, then the category's
     * lighting fault. */
    double gcx = runi(&r, 0, FG_WIDTH), gcy = runi(&r, 0, FG_HEIGHT);
    double glare_a = 0, glare_r = runi(&r, 40, 90);
    double sh_nx = 0, sh_ny = 0, sh_d = 0, sh_k = 1, sh_soft = runi(&r, 3, 12);
    if (s->have_code) {
        /* centre of the code on the screen, for aiming glare and shadow */
        double h[9];
        inv3(s->lab[0].minv, h);
        gcx = h[2] / h[8] + runi(&r, -25, 25);
        gcy = h[5] / h[8] + runi(&r, -25, 25);
    }
    switch (cat) {
    case FG_BLUR: blur = blur_sigma[level]; break;
    case FG_NOISE: noise = noise_sigma[level]; break;
    case FG_LOW_LIGHT:
        gain = light_gain[level];
        noise = 1.2;
        break;
    case FG_LOW_CONTRAST: contrast = contrast_dn[level]; break;
    case FG_GLARE: glare_a = glare_amp[level]; break;
    case FG_SHADOW: {
        double a = runi(&r, 0, 2 * M_PI);
        sh_nx = cos(a);
        sh_ny = sin(a);
        sh_d = sh_nx * gcx + sh_ny * gcy + runi(&r, -30, 30);
        sh_k = shadow_k[level];
        break;
    }
    default: break;
    }

    /* Render: 3x3 supersampling of the scene, times the light. */
    for (int y = 0; y < FG_HEIGHT; y++)
        for (int x = 0; x < FG_WIDTH; x++) {
            float acc = 0, bg = -1;
            for (int sy = 0; sy < 3; sy++)
                for (int sx = 0; sx < 3; sx++) {
                    float shade;
                    float v = reflect(s, x + (sx + 0.5) / 3.0,
                                      y + (sy + 0.5) / 3.0, &shade);
                    if (v < 0) {
                        if (bg < 0)
                            bg = background(s, x + 0.5, y + 0.5);
                        v = bg;
                    }
                    acc += v * shade;
                }
            double v = acc / 9.0;
            double dx = (x - FG_WIDTH / 2.0) / FG_WIDTH,
                   dy = (y - FG_HEIGHT / 2.0) / FG_WIDTH;
            double light = 1.0 - vignette * 4 * (dx * dx + dy * dy);
            if (sh_k < 1) {
                double t = (sh_nx * x + sh_ny * y - sh_d) / sh_soft;
                double in = 1.0 / (1.0 + exp(-t));
                light *= 1.0 - (1.0 - sh_k) * in;
            }
            double dn;
            if (contrast > 0)
                dn = 128 + (v - 0.465) / 0.79 * contrast;
            else
                dn = 265 * v * light * gain;
            if (glare_a > 0) {
                double gx = x - gcx, gy = y - gcy;
                dn += glare_a *
                      exp(-(gx * gx + gy * gy) / (2 * glare_r * glare_r));
            }
            f[y * FG_WIDTH + x] = (float)dn;
        }

    if (cat == FG_MOTION) {
        if (motion_blur(f, FG_WIDTH, FG_HEIGHT, motion_len[level],
                        runi(&r, 0, M_PI)) != 0)
            goto done;
    }
    if (defocus > 0 && disc_blur(f, FG_WIDTH, FG_HEIGHT, defocus) != 0)
        goto done;
    if (gauss_blur(f, FG_WIDTH, FG_HEIGHT, blur) != 0)
        goto done;
    rc = labels_image_alloc(out, FG_WIDTH, FG_HEIGHT);
    if (rc != LABELS_OK)
        goto done;
    for (int i = 0; i < FG_WIDTH * FG_HEIGHT; i++) {
        /* Read noise plus shot noise that grows with the signal. */
        double sd =
            noise + 0.08 * sqrt(f[i] > 0 ? f[i] : 0) * (gain < 1 ? 2 : 1);
        double v = f[i] + sd * rgauss(&r);
        out->pixels[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lrint(v));
    }
    if (cat == FG_JPEG &&
        jpeg_roundtrip(out, jpeg_q[level], jpeg, jpeg_len) != 0) {
        labels_image_free(out);
        rc = LABELS_ERR_IMAGE;
        goto done;
    }
    rc = LABELS_OK;
done:
    for (int k = 0; k < FG_MAX_LABELS; k++) {
        labels_qr_free(&qr[k]);
        if (s)
            free(s->lab[k].tex);
    }
    free(s);
    free(f);
    return rc;
}
