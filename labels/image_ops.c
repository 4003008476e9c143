/* image_ops.c -- the grey image operations the QR reader retries with:
 * crop, resample, stretch, blur, sharpen, local threshold, local contrast
 * normalisation. Integer arithmetic and integral images: each costs a few
 * nanoseconds a pixel, a small fraction of a ZBar pass over the same
 * pixels. */
#include "reader_int.h"

#include <stdlib.h>
#include <string.h>

static int in_place_ok(const labels_image *img)
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
    /* Bilinear in 16.16 fixed point, pixel centres aligned. */
    long long fx = ((long long)sw << 16) / ow, fy = ((long long)sh << 16) / oh;
    for (int y = 0; y < oh; y++) {
        long long syf = y * fy + fy / 2 - 32768;
        if (syf < 0)
            syf = 0;
        int sy = (int)(syf >> 16);
        int ty = (int)(syf & 0xffff);
        if (sy >= sh - 1) {
            sy = sh - 1;
            ty = 0;
        }
        const uint8_t *r0 = src->pixels + (size_t)sy * src->stride;
        const uint8_t *r1 = sy + 1 < sh ? r0 + src->stride : r0;
        for (int x = 0; x < ow; x++) {
            long long sxf = x * fx + fx / 2 - 32768;
            if (sxf < 0)
                sxf = 0;
            int sx = (int)(sxf >> 16);
            int tx = (int)(sxf & 0xffff);
            if (sx >= sw - 1) {
                sx = sw - 1;
                tx = 0;
            }
            int sx1 = sx + 1 < sw ? sx + 1 : sx;
            long long a = (long long)r0[sx] * (65536 - tx) + (long long)r0[sx1] * tx;
            long long b = (long long)r1[sx] * (65536 - tx) + (long long)r1[sx1] * tx;
            long long v = (a * (65536 - ty) + b * ty + (1LL << 31)) >> 32;
            out->pixels[(size_t)y * ow + x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
    return LABELS_OK;
}

void rdops_stretch(labels_image *img)
{
    if (!in_place_ok(img))
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
    if (!in_place_ok(img) || r < 1)
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
    if (!in_place_ok(img) || r < 1)
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
    if (!in_place_ok(img) || r < 1)
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
    if (!in_place_ok(img) || r < 1 || min_sd < 1)
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
            long o = 128 + ((long)*p * (long)n - (long)s) * 60 / ((long)sd * (long)n);
            *p = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
        }
    integral_free(&it);
    return LABELS_OK;
}

/* Square root without libm (the library links no maths library). */
static double root(double v)
{
    if (v <= 0)
        return 0;
    double r = v > 1 ? v : 1;
    for (int i = 0; i < 60; i++) {
        double n = 0.5 * (r + v / r);
        if (n >= r)
            break;
        r = n;
    }
    return r;
}

int rdops_blur_dir(const labels_image *img, int *dx, int *dy)
{
    /* Structure tensor: blur along a direction removes the gradients
     * along it, so the weaker eigenvector is the blur direction. */
    if (!img || !img->pixels || !dx || !dy || img->width < 3 || img->height < 3)
        return -1;
    double sxx = 0, syy = 0, sxy = 0;
    for (int y = 1; y + 1 < img->height; y += 2) {
        const uint8_t *p = img->pixels + (size_t)y * img->stride;
        for (int x = 1; x + 1 < img->width; x += 2) {
            double gx = (double)p[x + 1] - p[x - 1];
            double gy = (double)p[x + img->stride] - p[x - img->stride];
            sxx += gx * gx;
            syy += gy * gy;
            sxy += gx * gy;
        }
    }
    double tr = sxx + syy, det = sxx * syy - sxy * sxy;
    if (tr <= 0)
        return -1;
    double disc = root(tr * tr / 4 - det);
    double l1 = tr / 2 + disc, l2 = tr / 2 - disc;
    if (l2 > 0.8 * l1)
        return -1; /* isotropic: no motion */
    /* eigenvector of l2 */
    double vx = l2 - syy, vy = sxy;
    if (vx * vx + vy * vy < 1e-12) {
        vx = sxy;
        vy = l2 - sxx;
    }
    double norm = root(vx * vx + vy * vy);
    if (norm <= 0)
        return -1;
    *dx = (int)(1000 * vx / norm);
    *dy = (int)(1000 * vy / norm);
    return 0;
}

/* One blur of src into dst with the point spread function: a line of
 * len pixels along (dx, dy)/1000, or a (len | 1)-wide box when both are 0. */
static void psf_apply(const float *src, float *dst, int w, int h, int dxm,
                      int dym, int len)
{
    if (dxm == 0 && dym == 0) {
        int r = len / 2;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float s = 0;
                int n = 0;
                for (int j = -r; j <= r; j++) {
                    int yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
                    for (int i = -r; i <= r; i++, n++) {
                        int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                        s += src[(size_t)yy * w + xx];
                    }
                }
                dst[(size_t)y * w + x] = s / n;
            }
        return;
    }
    double dx = dxm / 1000.0, dy = dym / 1000.0;
    int taps = len < 2 ? 2 : len;
    if (taps > 64)
        taps = 64;
    /* Every pixel samples the same sub-pixel offsets: split each tap into
     * its whole-pixel offset and bilinear weights once. */
    int ox[64], oy[64], reach = 1;
    float w00[64], w01[64], w10[64], w11[64];
    for (int t = 0; t < taps; t++) {
        double o = -(len - 1) / 2.0 + (double)(len - 1) * t / (taps - 1);
        double fx = o * dx, fy = o * dy;
        int ix = (int)(fx + 1000) - 1000, iy = (int)(fy + 1000) - 1000; /* floor */
        float tx = (float)(fx - ix), ty = (float)(fy - iy);
        ox[t] = ix;
        oy[t] = iy;
        w00[t] = (1 - tx) * (1 - ty) / taps;
        w01[t] = tx * (1 - ty) / taps;
        w10[t] = (1 - tx) * ty / taps;
        w11[t] = tx * ty / taps;
        int r = (ix < 0 ? -ix : ix + 1) > (iy < 0 ? -iy : iy + 1)
                    ? (ix < 0 ? -ix : ix + 1)
                    : (iy < 0 ? -iy : iy + 1);
        reach = r > reach ? r : reach;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float s = 0;
            if (x >= reach && y >= reach && x < w - reach && y < h - reach) {
                const float *c = src + (size_t)y * w + x;
                for (int t = 0; t < taps; t++) {
                    const float *p = c + (ptrdiff_t)oy[t] * w + ox[t];
                    s += w00[t] * p[0] + w01[t] * p[1] + w10[t] * p[w] + w11[t] * p[w + 1];
                }
            } else {
                for (int t = 0; t < taps; t++) {
                    int x0 = x + ox[t], y0 = y + oy[t];
                    int xs[2] = {x0, x0 + 1}, ys[2] = {y0, y0 + 1};
                    for (int k = 0; k < 2; k++) {
                        xs[k] = xs[k] < 0 ? 0 : xs[k] >= w ? w - 1 : xs[k];
                        ys[k] = ys[k] < 0 ? 0 : ys[k] >= h ? h - 1 : ys[k];
                    }
                    s += w00[t] * src[(size_t)ys[0] * w + xs[0]] +
                         w01[t] * src[(size_t)ys[0] * w + xs[1]] +
                         w10[t] * src[(size_t)ys[1] * w + xs[0]] +
                         w11[t] * src[(size_t)ys[1] * w + xs[1]];
                }
            }
            dst[(size_t)y * w + x] = s;
        }
}

int rdops_deblur(labels_image *img, int dx, int dy, int len, int iters)
{
    if (!in_place_ok(img) || len < 2 || len > 64 || iters < 1 || iters > 20)
        return LABELS_ERR_ARG;
    size_t n = (size_t)img->width * img->height;
    float *g = malloc(n * sizeof *g), *f = malloc(n * sizeof *f),
          *b = malloc(n * sizeof *b);
    if (!g || !f || !b) {
        free(g);
        free(f);
        free(b);
        return LABELS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        g[i] = f[i] = img->pixels[i];
    /* Van Cittert with a positivity clamp: f += g - psf * f. */
    for (int k = 0; k < iters; k++) {
        psf_apply(f, b, img->width, img->height, dx, dy, len);
        for (size_t i = 0; i < n; i++) {
            float v = f[i] + (g[i] - b[i]);
            f[i] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
    }
    for (size_t i = 0; i < n; i++)
        img->pixels[i] = (uint8_t)(f[i] + 0.5f);
    free(g);
    free(f);
    free(b);
    return LABELS_OK;
}

/* Angle in degrees (0..179) of the vector (y, x) without libm: a
 * table-free octant approximation, good to about a degree. */
static int angle_deg(double x, double y)
{
    /* atan(t) for 0 <= t <= 1: t * (45 + 15.6 (1 - t)) degrees */
    double ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
    if (ax == 0 && ay == 0)
        return 0;
    double a;
    if (ay <= ax) {
        double t = ay / ax;
        a = t * (45 + 15.6 * (1 - t));
    } else {
        double t = ax / ay;
        a = 90 - t * (45 + 15.6 * (1 - t));
    }
    if (x < 0)
        a = 180 - a;
    if (y < 0)
        a = -a;
    int d = (int)(a + (a < 0 ? -0.5 : 0.5));
    d %= 180;
    return d < 0 ? d + 180 : d;
}

/* cos and sin of whole degrees, by a rotation recurrence (no libm). */
static void cos_sin(int deg, double *c, double *s)
{
    const double c1 = 0.99984769515639124, s1 = 0.01745240643728351;
    double cc = 1, ss = 0;
    deg %= 360;
    if (deg < 0)
        deg += 360;
    for (int i = 0; i < deg; i++) {
        double t = cc * c1 - ss * s1;
        ss = ss * c1 + cc * s1;
        cc = t;
    }
    *c = cc;
    *s = ss;
}

int rdops_unshear(const labels_image *src, labels_image *out)
{
    if (!src || !src->pixels || !out || src->width < 8 || src->height < 8)
        return LABELS_ERR_ARG;
    /* Histogram of gradient directions, weighted by strength: a code's
     * module edges make two peaks, 90 degrees apart unless the code is
     * seen at a slant. */
    double hist[180] = {0};
    for (int y = 1; y + 1 < src->height; y++) {
        const uint8_t *p = src->pixels + (size_t)y * src->stride;
        for (int x = 1; x + 1 < src->width; x++) {
            int gx = p[x + 1] - p[x - 1], gy = p[x + src->stride] - p[x - src->stride];
            int m = gx * gx + gy * gy;
            if (m < 400)
                continue;
            hist[angle_deg(gx, gy)] += m;
        }
    }
    double sm[180];
    for (int i = 0; i < 180; i++) {
        sm[i] = 0;
        for (int k = -3; k <= 3; k++)
            sm[i] += hist[(i + k + 180) % 180] * (4 - (k < 0 ? -k : k));
    }
    int p1 = 0;
    for (int i = 1; i < 180; i++)
        if (sm[i] > sm[p1])
            p1 = i;
    int p2 = -1;
    for (int i = 0; i < 180; i++) {
        int d = i > p1 ? i - p1 : p1 - i;
        if (d > 90)
            d = 180 - d;
        if (d >= 25 && (p2 < 0 || sm[i] > sm[p2]))
            p2 = i;
    }
    if (p2 < 0 || sm[p2] < sm[p1] * 0.25)
        return LABELS_ERR_IMAGE;
    int sep = p1 > p2 ? p1 - p2 : p2 - p1;
    if (sep > 90)
        sep = 180 - sep;
    if (sep > 80)
        return LABELS_ERR_IMAGE; /* square already: nothing to undo */
    /* New coordinates are the projections on the two edge normals. */
    double n1x, n1y, n2x, n2y;
    cos_sin(p1, &n1x, &n1y);
    cos_sin(p2, &n2x, &n2y);
    double det = n1x * n2y - n1y * n2x;
    if (det < 0) {
        n2x = -n2x;
        n2y = -n2y;
        det = -det;
    }
    if (det < 0.2)
        return LABELS_ERR_IMAGE;
    /* Scale so the slanted axis gets its pixels back. */
    double s = 1.0 / det;
    if (s > 2.5)
        s = 2.5;
    double cx[4] = {0, src->width, 0, src->width}, cy[4] = {0, 0, src->height, src->height};
    double minu = 1e18, maxu = -1e18, minv = 1e18, maxv = -1e18;
    for (int i = 0; i < 4; i++) {
        double u = s * (n1x * cx[i] + n1y * cy[i]), v = s * (n2x * cx[i] + n2y * cy[i]);
        minu = u < minu ? u : minu;
        maxu = u > maxu ? u : maxu;
        minv = v < minv ? v : minv;
        maxv = v > maxv ? v : maxv;
    }
    int ow = (int)(maxu - minu) + 1, oh = (int)(maxv - minv) + 1;
    if (ow < 8 || oh < 8 || (size_t)ow * (size_t)oh > RDOPS_MAX_PIXELS)
        return LABELS_ERR_IMAGE;
    int rc = labels_image_alloc(out, ow, oh);
    if (rc != LABELS_OK)
        return rc;
    /* Inverse: [u v]/s = [n1; n2] p, so p = [n1; n2]^-1 [u v] / s. */
    double i00 = n2y / det, i01 = -n1y / det, i10 = -n2x / det, i11 = n1x / det;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            double u = (x + minu) / s, v = (y + minv) / s;
            double px = i00 * u + i01 * v, py = i10 * u + i11 * v;
            uint8_t val = 255;
            if (px >= 0 && py >= 0 && px < src->width - 1 && py < src->height - 1) {
                int ix = (int)px, iy = (int)py;
                double tx = px - ix, ty = py - iy;
                const uint8_t *r0 = src->pixels + (size_t)iy * src->stride + ix;
                const uint8_t *r1 = r0 + src->stride;
                double v0 = r0[0] * (1 - tx) + r0[1] * tx;
                double v1 = r1[0] * (1 - tx) + r1[1] * tx;
                val = (uint8_t)(v0 * (1 - ty) + v1 * ty + 0.5);
            }
            out->pixels[(size_t)y * ow + x] = val;
        }
    return LABELS_OK;
}

/* Solve the 8x8 system a x = b by Gaussian elimination with pivoting. */
static int solve8(double a[8][9])
{
    for (int c = 0; c < 8; c++) {
        int piv = c;
        for (int r = c + 1; r < 8; r++)
            if ((a[r][c] < 0 ? -a[r][c] : a[r][c]) >
                (a[piv][c] < 0 ? -a[piv][c] : a[piv][c]))
                piv = r;
        if (a[piv][c] > -1e-12 && a[piv][c] < 1e-12)
            return -1;
        if (piv != c)
            for (int k = 0; k < 9; k++) {
                double t = a[c][k];
                a[c][k] = a[piv][k];
                a[piv][k] = t;
            }
        for (int r = 0; r < 8; r++) {
            if (r == c)
                continue;
            double f = a[r][c] / a[c][c];
            for (int k = c; k < 9; k++)
                a[r][k] -= f * a[c][k];
        }
    }
    for (int c = 0; c < 8; c++)
        a[c][8] /= a[c][c];
    return 0;
}

int rdops_warp_quad(const labels_image *src, const double qx[4],
                    const double qy[4], int side, int margin,
                    labels_image *out)
{
    if (!src || !src->pixels || !qx || !qy || !out || side < 8 || margin < 0 ||
        (size_t)(side + 2 * margin) * (size_t)(side + 2 * margin) > RDOPS_MAX_PIXELS)
        return LABELS_ERR_ARG;
    /* Homography from the square's corners (u, v) to the quad's (x, y):
     * x = (h0 u + h1 v + h2) / (h6 u + h7 v + 1), y likewise with h3..h5. */
    static const double su[4] = {0, 1, 1, 0}, sv[4] = {0, 0, 1, 1};
    double a[8][9];
    for (int i = 0; i < 4; i++) {
        double u = su[i] * side, v = sv[i] * side;
        double r0[9] = {u, v, 1, 0, 0, 0, -u * qx[i], -v * qx[i], qx[i]};
        double r1[9] = {0, 0, 0, u, v, 1, -u * qy[i], -v * qy[i], qy[i]};
        memcpy(a[2 * i], r0, sizeof r0);
        memcpy(a[2 * i + 1], r1, sizeof r1);
    }
    if (solve8(a) != 0)
        return LABELS_ERR_IMAGE;
    double h[8];
    for (int i = 0; i < 8; i++)
        h[i] = a[i][8];
    int n = side + 2 * margin;
    int rc = labels_image_alloc(out, n, n);
    if (rc != LABELS_OK)
        return rc;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            double u = x - margin + 0.5, v = y - margin + 0.5;
            double w = h[6] * u + h[7] * v + 1;
            if (w > -1e-9 && w < 1e-9)
                continue;
            double px = (h[0] * u + h[1] * v + h[2]) / w - 0.5;
            double py = (h[3] * u + h[4] * v + h[5]) / w - 0.5;
            if (!(px >= 0 && py >= 0 && px < src->width - 1 && py < src->height - 1))
                continue; /* outside: left white */
            int ix = (int)px, iy = (int)py;
            double tx = px - ix, ty = py - iy;
            const uint8_t *r0 = src->pixels + (size_t)iy * src->stride + ix;
            const uint8_t *r1 = r0 + src->stride;
            double v0 = r0[0] * (1 - tx) + r0[1] * tx;
            double v1 = r1[0] * (1 - tx) + r1[1] * tx;
            out->pixels[(size_t)y * n + x] = (uint8_t)(v0 * (1 - ty) + v1 * ty + 0.5);
        }
    return LABELS_OK;
}

/* sin(x) for |x| <= 2 by its Taylor series (no libm). */
static double sine(double x)
{
    double x2 = x * x;
    return x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72 * (1 - x2 / 110)))));
}

int rdops_uncurve(labels_image *img, int margin, int vertical, int theta_deg)
{
    if (!in_place_ok(img) || margin < 0 || theta_deg < 5 || theta_deg > 85)
        return LABELS_ERR_ARG;
    int len = vertical ? img->height : img->width;
    double half = (len - 2.0 * margin) / 2, c = len / 2.0;
    if (half < 4)
        return LABELS_ERR_ARG;
    double th = theta_deg * 3.14159265358979323846 / 180, s = sine(th);
    /* For each output position along the curve, where it was seen. */
    double *src = malloc(sizeof *src * (size_t)len);
    uint8_t *line = malloc((size_t)len);
    if (!src || !line) {
        free(src);
        free(line);
        return LABELS_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
        double t = (i + 0.5 - c) / half;
        if (t > 1)
            t = 1;
        if (t < -1)
            t = -1;
        double o = (i + 0.5 - c) - t * half; /* beyond the code: unchanged */
        src[i] = c + half * sine(t * th) / s + o - 0.5;
    }
    int lines = vertical ? img->width : img->height;
    size_t step = vertical ? (size_t)img->width : 1;
    for (int l = 0; l < lines; l++) {
        uint8_t *p = vertical ? img->pixels + l : img->pixels + (size_t)l * img->width;
        for (int i = 0; i < len; i++)
            line[i] = p[(size_t)i * step];
        for (int i = 0; i < len; i++) {
            double x = src[i];
            if (x < 0)
                x = 0;
            if (x > len - 1)
                x = len - 1;
            int xi = (int)x;
            int x1 = xi + 1 < len ? xi + 1 : xi;
            double t = x - xi;
            p[(size_t)i * step] = (uint8_t)(line[xi] * (1 - t) + line[x1] * t + 0.5);
        }
    }
    free(src);
    free(line);
    return LABELS_OK;
}
