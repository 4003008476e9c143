/* image_ops.c -- the grey-level operations the QR reader retries with:
 * crop, resample, stretch, blur, sharpen, local threshold, local contrast
 * normalisation. Integer arithmetic and integral images: each costs a few
 * nanoseconds a pixel, a small fraction of a ZBar pass over the same
 * pixels. (Deconvolution: reader_deblur.c; geometry: reader_warp.c.) */
#include "reader_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int rdops_in_place_ok(const labels_image *img)
{
    return img && img->pixels && img->width > 0 && img->height > 0 &&
           img->stride == img->width &&
           (size_t)img->width * (size_t)img->height <= RDOPS_MAX_PIXELS;
}

int rdops_crop(const labels_image *src, int x, int y, int w, int h,
               labels_image *out)
{
    if (!src || !src->pixels || !out)
        return LABELS_ERR_ARG;
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (x >= src->width || y >= src->height)
        return LABELS_ERR_ARG;
    if (w > src->width - x)
        w = src->width - x;
    if (h > src->height - y)
        h = src->height - y;
    if (w <= 0 || h <= 0)
        return LABELS_ERR_ARG;
    int rc = labels_image_alloc(out, w, h);
    if (rc != LABELS_OK)
        return rc;
    for (int j = 0; j < h; j++)
        memcpy(out->pixels + (size_t)j * w,
               src->pixels + (size_t)(y + j) * src->stride + x, (size_t)w);
    return LABELS_OK;
}

/* The 4 source positions (clamped) and Catmull-Rom weights (sum 1024)
 * for output position o of n enlarged from sn, pixel centres aligned. */
static void cubic_tap(int sn, int n, int o, int idx[4], int w[4])
{
    long long f = ((long long)sn << 16) / n;
    long long p = o * f + f / 2 - 32768; /* 16.16, may be negative */
    long long fl = p >= 0 ? p >> 16 : -((-p + 65535) >> 16);
    double t = (double)(p - fl * 65536) / 65536.0;
    double t2 = t * t, t3 = t2 * t;
    double c[4] = {(-t3 + 2 * t2 - t) / 2, (3 * t3 - 5 * t2 + 2) / 2,
                   (-3 * t3 + 4 * t2 + t) / 2, (t3 - t2) / 2};
    int sum = 0;
    for (int k = 0; k < 4; k++) {
        long long i = fl - 1 + k;
        idx[k] = (int)(i < 0 ? 0 : i >= sn ? sn - 1 : i);
        w[k] = (int)(c[k] * 1024 + (c[k] < 0 ? -0.5 : 0.5));
        sum += w[k];
    }
    w[1] += 1024 - sum; /* exact sum: flat stays flat */
}

int rdops_sample_cubic(const labels_image *img, double x, double y)
{
    int ix = (int)x, iy = (int)y;
    double tx = x - ix, ty = y - iy;
    double cx[4], cy[4];
    double t[2] = {tx, ty}, *c[2] = {cx, cy};
    for (int d = 0; d < 2; d++) {
        double a = t[d], a2 = a * a, a3 = a2 * a;
        c[d][0] = (-a3 + 2 * a2 - a) / 2;
        c[d][1] = (3 * a3 - 5 * a2 + 2) / 2;
        c[d][2] = (-3 * a3 + 4 * a2 + a) / 2;
        c[d][3] = (a3 - a2) / 2;
    }
    double v = 0;
    for (int j = 0; j < 4; j++) {
        int yy = iy - 1 + j;
        yy = yy < 0 ? 0 : yy >= img->height ? img->height - 1 : yy;
        const uint8_t *row = img->pixels + (size_t)yy * img->stride;
        double r = 0;
        for (int i = 0; i < 4; i++) {
            int xx = ix - 1 + i;
            xx = xx < 0 ? 0 : xx >= img->width ? img->width - 1 : xx;
            r += cx[i] * row[xx];
        }
        v += cy[j] * r;
    }
    return v < 0 ? 0 : v > 255 ? 255 : (int)(v + 0.5);
}

static void cubic_taps(int sn, int n, int *idx, int *w)
{
    for (int o = 0; o < n; o++)
        cubic_tap(sn, n, o, idx + 4 * (size_t)o, w + 4 * (size_t)o);
}

int rdops_resize(const labels_image *src, int ow, int oh, labels_image *out)
{
    if (!src || !src->pixels || !out || src->width <= 0 || src->height <= 0 ||
        ow <= 0 || oh <= 0 || (size_t)ow * (size_t)oh > RDOPS_MAX_PIXELS)
        return LABELS_ERR_ARG;
    int rc = labels_image_alloc(out, ow, oh);
    if (rc != LABELS_OK)
        return rc;
    int sw = src->width, sh = src->height;
    if (ow <= sw && oh <= sh) {
        /* Box average over each output pixel's footprint. */
        for (int y = 0; y < oh; y++) {
            int y0 = (int)((long long)y * sh / oh);
            int y1 = (int)((long long)(y + 1) * sh / oh);
            if (y1 <= y0)
                y1 = y0 + 1;
            for (int x = 0; x < ow; x++) {
                int x0 = (int)((long long)x * sw / ow);
                int x1 = (int)((long long)(x + 1) * sw / ow);
                if (x1 <= x0)
                    x1 = x0 + 1;
                unsigned sum = 0, n = 0;
                for (int j = y0; j < y1; j++)
                    for (int i = x0; i < x1; i++, n++)
                        sum += src->pixels[(size_t)j * src->stride + i];
                out->pixels[(size_t)y * ow + x] = (uint8_t)((sum + n / 2) / n);
            }
        }
        return LABELS_OK;
    }
    /* Catmull-Rom (cubic) interpolation, pixel centres aligned: unlike
     * bilinear it keeps the contrast of details near 2 pixels (a code of
     * under 2 pixels a module, the reason to enlarge at all). Weights in
     * 1/1024 per tap, 4 taps a side. */
    int *wx = malloc(sizeof *wx * 4 * (size_t)ow),
        *ix = malloc(sizeof *ix * 4 * (size_t)ow);
    if (!wx || !ix) {
        free(wx);
        free(ix);
        labels_image_free(out);
        return LABELS_ERR_NOMEM;
    }
    cubic_taps(sw, ow, ix, wx);
    /* Separable: every source row across first (exact integers, weights
     * 1024 times), then down; 8 taps an output pixel instead of 16. */
    int32_t *tmp = malloc(sizeof *tmp * (size_t)ow * (size_t)sh);
    if (!tmp) {
        free(wx);
        free(ix);
        labels_image_free(out);
        return LABELS_ERR_NOMEM;
    }
    for (int y = 0; y < sh; y++) {
        const uint8_t *row = src->pixels + (size_t)y * src->stride;
        int32_t *t = tmp + (size_t)y * ow;
        for (int x = 0; x < ow; x++) {
            const int *px = ix + 4 * (size_t)x, *pw = wx + 4 * (size_t)x;
            t[x] = row[px[0]] * pw[0] + row[px[1]] * pw[1] +
                   row[px[2]] * pw[2] + row[px[3]] * pw[3];
        }
    }
    int wy[4], iy[4];
    for (int y = 0; y < oh; y++) {
        cubic_tap(sh, oh, y, iy, wy);
        const int32_t *t0 = tmp + (size_t)iy[0] * ow,
                      *t1 = tmp + (size_t)iy[1] * ow,
                      *t2 = tmp + (size_t)iy[2] * ow,
                      *t3 = tmp + (size_t)iy[3] * ow;
        uint8_t *o = out->pixels + (size_t)y * ow;
        for (int x = 0; x < ow; x++) {
            long acc = (long)t0[x] * wy[0] + (long)t1[x] * wy[1] +
                       (long)t2[x] * wy[2] + (long)t3[x] * wy[3];
            long v = (acc + (1L << 19)) >> 20;
            o[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    free(tmp);
    free(wx);
    free(ix);
    return LABELS_OK;
}

void rdops_stretch(labels_image *img)
{
    if (!rdops_in_place_ok(img))
        return;
    size_t n = (size_t)img->width * img->height, hist[256] = {0};
    for (size_t i = 0; i < n; i++)
        hist[img->pixels[i]]++;
    size_t cut = n / 100, acc = 0;
    int lo = 0, hi = 255;
    for (lo = 0; lo < 255 && (acc += hist[lo]) <= cut; lo++)
        ;
    acc = 0;
    for (hi = 255; hi > 0 && (acc += hist[hi]) <= cut; hi--)
        ;
    if (hi - lo < 2)
        return;
    uint8_t lut[256];
    for (int v = 0; v < 256; v++) {
        int o = (v - lo) * 255 / (hi - lo);
        lut[v] = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
    }
    for (size_t i = 0; i < n; i++)
        img->pixels[i] = lut[img->pixels[i]];
}

/* Integral images (sum and, when sq is set, sum of squares) with a zero
 * first row and column. */
typedef struct integral {
    int w, h;
    uint32_t *s;
    uint64_t *q;
} integral;

static int integral_make(const labels_image *img, int squares, integral *it)
{
    it->w = img->width + 1;
    it->h = img->height + 1;
    size_t n = (size_t)it->w * it->h;
    it->s = calloc(n, sizeof *it->s);
    it->q = squares ? calloc(n, sizeof *it->q) : NULL;
    if (!it->s || (squares && !it->q)) {
        free(it->s);
        free(it->q);
        return LABELS_ERR_NOMEM;
    }
    for (int y = 0; y < img->height; y++) {
        uint32_t row = 0;
        uint64_t rowq = 0;
        const uint8_t *p = img->pixels + (size_t)y * img->stride;
        uint32_t *s = it->s + (size_t)(y + 1) * it->w + 1;
        const uint32_t *sp = s - it->w;
        for (int x = 0; x < img->width; x++) {
            row += p[x];
            s[x] = sp[x] + row;
        }
        if (squares) {
            uint64_t *q = it->q + (size_t)(y + 1) * it->w + 1;
            const uint64_t *qp = q - it->w;
            for (int x = 0; x < img->width; x++) {
                rowq += (uint64_t)p[x] * p[x];
                q[x] = qp[x] + rowq;
            }
        }
    }
    return LABELS_OK;
}

static void integral_free(integral *it)
{
    free(it->s);
    free(it->q);
}

/* Window of radius r around (x, y), clipped: corners and pixel count. */
typedef struct win {
    size_t a, b, c, d;
    uint32_t n;
} win;

static win window(const integral *it, int x, int y, int r)
{
    int x0 = x - r < 0 ? 0 : x - r, y0 = y - r < 0 ? 0 : y - r;
    int x1 = x + r + 1 > it->w - 1 ? it->w - 1 : x + r + 1;
    int y1 = y + r + 1 > it->h - 1 ? it->h - 1 : y + r + 1;
    win v = {(size_t)y0 * it->w + x0, (size_t)y0 * it->w + x1,
             (size_t)y1 * it->w + x0, (size_t)y1 * it->w + x1,
             (uint32_t)((x1 - x0) * (y1 - y0))};
    return v;
}

static uint32_t wsum(const integral *it, win v)
{
    return it->s[v.d] - it->s[v.b] - it->s[v.c] + it->s[v.a];
}

static uint64_t wsq(const integral *it, win v)
{
    return it->q[v.d] - it->q[v.b] - it->q[v.c] + it->q[v.a];
}

int rdops_box_blur(labels_image *img, int r)
{
    if (!rdops_in_place_ok(img) || r < 1)
        return LABELS_ERR_ARG;
    integral it;
    int rc = integral_make(img, 0, &it);
    if (rc != LABELS_OK)
        return rc;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            win v = window(&it, x, y, r);
            img->pixels[(size_t)y * img->width + x] =
                (uint8_t)((wsum(&it, v) + v.n / 2) / v.n);
        }
    integral_free(&it);
    return LABELS_OK;
}

int rdops_sharpen(labels_image *img, int r, int amount)
{
    if (!rdops_in_place_ok(img) || r < 1)
        return LABELS_ERR_ARG;
    integral it;
    int rc = integral_make(img, 0, &it);
    if (rc != LABELS_OK)
        return rc;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            win v = window(&it, x, y, r);
            uint8_t *p = img->pixels + (size_t)y * img->width + x;
            int mean = (int)((wsum(&it, v) + v.n / 2) / v.n);
            int o = *p + (*p - mean) * amount / 100;
            *p = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
        }
    integral_free(&it);
    return LABELS_OK;
}

int rdops_binarise(labels_image *img, int r, int min_range)
{
    if (!rdops_in_place_ok(img) || r < 1)
        return LABELS_ERR_ARG;
    integral it;
    int rc = integral_make(img, 1, &it);
    if (rc != LABELS_OK)
        return rc;
    /* min_range is compared with two standard deviations, which for a
     * two-level window is its range. */
    uint64_t min_var4 = (uint64_t)min_range * (uint64_t)min_range;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            win v = window(&it, x, y, r);
            uint64_t s = wsum(&it, v), q = wsq(&it, v), n = v.n;
            /* 4 * variance * n^2 = 4 * (n q - s^2) */
            uint64_t var4n2 = 4 * (n * q - s * s);
            uint8_t *p = img->pixels + (size_t)y * img->width + x;
            if (var4n2 < min_var4 * n * n)
                *p = 255;
            else
                *p = (uint64_t)*p * n < s ? 0 : 255;
        }
    integral_free(&it);
    return LABELS_OK;
}

static unsigned isqrt64(uint64_t v)
{
    uint64_t r = 0, bit = 1ull << 62;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return (unsigned)r;
}

int rdops_normalise(labels_image *img, int r, int min_sd)
{
    if (!rdops_in_place_ok(img) || r < 1 || min_sd < 1)
        return LABELS_ERR_ARG;
    integral it;
    int rc = integral_make(img, 1, &it);
    if (rc != LABELS_OK)
        return rc;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            win v = window(&it, x, y, r);
            uint64_t s = wsum(&it, v), q = wsq(&it, v), n = v.n;
            int sd = (int)(isqrt64(n * q - s * s) / n);
            if (sd < min_sd)
                sd = min_sd;
            uint8_t *p = img->pixels + (size_t)y * img->width + x;
            long o = 128 +
                     ((long)*p * (long)n - (long)s) * 60 / ((long)sd * (long)n);
            *p = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
        }
    integral_free(&it);
    return LABELS_OK;
}
