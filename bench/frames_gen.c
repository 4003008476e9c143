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
    "blur",     "motion_blur", "noise",        "rotation", "tilt",
    "cylinder", "low_light",   "low_contrast", "glare",    "shadow",
    "jpeg",     "small",       "empty",
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

int fg_label_text(const labels_seckey *sec, int cat, int level, int index,
                  char *text, size_t textsz, size_t *len)
{
    labels_label lab;
    memset(&lab, 0, sizeof lab);
    snprintf(lab.product, sizeof lab.product, "P-%02d%d", cat, level);
    snprintf(lab.lot, sizeof lab.lot, "L%d", index);
    lab.stars = (uint8_t)(3 + (cat + index) % 3);
    lab.serial = (uint32_t)(1000000u * (unsigned)cat + 1000u * (unsigned)level +
                            (unsigned)index + 1u);
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

typedef struct scene {
    /* value noise grids, reflectance offsets */
    float g1[(FG_WIDTH / GRID1 + 2) * (FG_HEIGHT / GRID1 + 2)];
    float g2[(FG_WIDTH / GRID2 + 2) * (FG_HEIGHT / GRID2 + 2)];
    float base;
    int nrect;
    float rect[MAX_RECTS][5]; /* x0 y0 x1 y1 reflectance */
    /* the label */
    int have_code;
    const uint8_t *modules;
    int n;             /* modules per side */
    double minv[9];    /* screen (x, y, 1) -> plane (u, v, w) in modules */
    double cyl_r;      /* cylinder radius in modules, 0 = flat */
    double paper_half; /* half side of the white label, modules */
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

/* Reflectance at screen point (x, y): the label where it is, else -1 for
 * the scene behind it (which the caller samples once per pixel: it is
 * smooth, and the label's edges are what need the supersampling). */
static float reflect(const scene *s, double x, double y, float *shade)
{
    *shade = 1.0f;
    if (!s->have_code)
        return -1.0f;
    const double *m = s->minv;
    double w = m[6] * x + m[7] * y + m[8];
    if (w <= 1e-9)
        return -1.0f;
    double u = (m[0] * x + m[1] * y + m[2]) / w;
    double v = (m[3] * x + m[4] * y + m[5]) / w;
    if (s->cyl_r > 0) {
        /* The label is wrapped round a vertical can: u is the projected
         * offset, the arc length behind it is r asin(u / r). */
        double q = u / s->cyl_r;
        if (q <= -1.0 || q >= 1.0)
            return -1.0f;
        double a = asin(q);
        u = s->cyl_r * a;
        *shade = (float)(0.55 + 0.45 * cos(a));
    }
    if (fabs(u) > s->paper_half || fabs(v) > s->paper_half)
        return -1.0f;
    double half = s->n / 2.0;
    int i = (int)floor(u + half), j = (int)floor(v + half);
    if (i >= 0 && j >= 0 && i < s->n && j < s->n && s->modules[j * s->n + i])
        return 0.07f;
    return 0.86f;
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
static int pose(scene *s, double mpx, double rot, double ax, double ay,
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

int fg_make(int cat, int level, int index, uint64_t seed, const char *text,
            size_t len, labels_image *out, uint8_t **jpeg, size_t *jpeg_len)
{
    if (jpeg)
        *jpeg = NULL;
    if (!out || cat < 0 || cat >= FG_CATEGORY_COUNT || level < 0 ||
        level >= FG_LEVELS || (cat != FG_EMPTY && !text))
        return LABELS_ERR_ARG;
    memset(out, 0, sizeof *out);
    rng r = {seed ^ ((uint64_t)cat << 48) ^ ((uint64_t)level << 40) ^
             (uint64_t)index * 0x51ed27ull};
    rnext(&r);
    scene *s = calloc(1, sizeof *s);
    float *f = malloc(sizeof(float) * FG_WIDTH * FG_HEIGHT);
    labels_qr qr = {0};
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
    if (cat != FG_EMPTY) {
        rc = labels_qr_encode(text, len, &qr);
        if (rc != LABELS_OK)
            goto done;
        s->have_code = 1;
        s->modules = qr.modules;
        s->n = qr.width;
        s->paper_half = qr.width / 2.0 + LABELS_QUIET_MODULES + 2;
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
            s->cyl_r = cyl_k[level] * (qr.width / 2.0 + LABELS_QUIET_MODULES);
            ax = ay = 0;
            mpx *= 1.1;
            break;
        case FG_SMALL: mpx = small_mpx[level] * runi(&r, 0.95, 1.05); break;
        default: break;
        }
        double side = s->paper_half * 2 * mpx * 0.75;
        double cx = runi(&r, side, FG_WIDTH - side),
               cy = runi(&r, side, FG_HEIGHT - side);
        if (side * 2 > FG_HEIGHT) {
            cx = FG_WIDTH / 2.0;
            cy = FG_HEIGHT / 2.0;
        }
        if (pose(s, mpx, rot, ax, ay, cx, cy) != 0) {
            rc = LABELS_ERR_ARG;
            goto done;
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
        inv3(s->minv, h);
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
    labels_qr_free(&qr);
    free(s);
    free(f);
    return rc;
}
