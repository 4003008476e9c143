/* reader_deblur.c -- undoing motion blur and defocus for the QR reader:
 * the blur's direction from the structure tensor, then Van Cittert
 * deconvolution with a line (or box) point spread function. */
#include "reader_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

double rdops_root(double v)
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
    double disc = rdops_root(tr * tr / 4 - det);
    double l1 = tr / 2 + disc, l2 = tr / 2 - disc;
    if (l2 > 0.8 * l1)
        return -1; /* isotropic: no motion */
    /* eigenvector of l2 */
    double vx = l2 - syy, vy = sxy;
    if (vx * vx + vy * vy < 1e-12) {
        vx = sxy;
        vy = l2 - sxx;
    }
    double norm = rdops_root(vx * vx + vy * vy);
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
        int ix = (int)(fx + 1000) - 1000,
            iy = (int)(fy + 1000) - 1000; /* floor */
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
                    s += w00[t] * p[0] + w01[t] * p[1] + w10[t] * p[w] +
                         w11[t] * p[w + 1];
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
    if (!rdops_in_place_ok(img) || len < 2 || len > 64 || iters < 1 ||
        iters > 20)
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

/* Contrast and steepest edges of img: *contrast the 5th to 95th
 * percentile of grey, *steep the 99th percentile of the central
 * difference (twice the slope a pixel), along (dx, dy) / 1000, or of the
 * gradient's length when both are 0. Non-zero when img is too small or
 * too flat to tell. */
static int edge_stats(const labels_image *img, int dx, int dy, int *contrast,
                      int *steep)
{
    if (!img || !img->pixels || img->width < 8 || img->height < 8)
        return -1;
    long hist[256] = {0}, grad[512] = {0}, n = 0;
    for (int y = 1; y + 1 < img->height; y++) {
        const uint8_t *p = img->pixels + (size_t)y * img->stride;
        for (int x = 1; x + 1 < img->width; x++) {
            int ax = p[x + 1] - p[x - 1],
                ay = p[x + img->stride] - p[x - img->stride], m;
            if (dx == 0 && dy == 0) {
                ax = ax < 0 ? -ax : ax;
                ay = ay < 0 ? -ay : ay;
                /* the gradient's length, within 4 % without a root */
                m = ax > ay ? ax + ay * 4 / 10 : ay + ax * 4 / 10;
            } else {
                m = (dx * ax + dy * ay) / 1000;
                m = m < 0 ? -m : m;
            }
            hist[p[x]]++;
            grad[m < 511 ? m : 511]++;
            n++;
        }
    }
    int lo = 0, hi = 255, g = 511;
    long acc = 0;
    while (lo < 255 && (acc += hist[lo]) <= n / 20)
        lo++;
    for (acc = 0; hi > 0 && (acc += hist[hi]) <= n / 20;)
        hi--;
    for (acc = 0; g > 0 && (acc += grad[g]) <= n / 100;)
        g--;
    if (g < 2 || hi - lo < 16)
        return -1;
    *contrast = hi - lo;
    *steep = g;
    return 0;
}

int rdops_defocus_radius(const labels_image *img)
{
    /* A step edge blurred by a disc of radius R rises with a slope of at
     * most 2 C / (pi R) (C its contrast: the disc's widest chord over its
     * area), so R = 2 C / (pi S) from the steepest slope S. The contrast
     * is the 5th to 95th percentile of grey, the slope the 99th
     * percentile of the gradient (its finder patterns' and quiet zone's
     * edges are single steps; edges close together only lower S, so R
     * comes out too large only when the modules are too thin to read). */
    int c, g;
    if (edge_stats(img, 0, 0, &c, &g) != 0)
        return 0;
    /* R = 2 C / (pi S) with S = g / 2, in tenths of a pixel */
    return (int)(40.0 * c / (RD_PI * g) + 0.5);
}

int rdops_blur_length(const labels_image *img, int dx, int dy)
{
    /* A step smeared along u over L pixels rises C / L a pixel along u
     * (C its contrast), so L = C / S from the steepest slope S along u,
     * as rdops_defocus_radius measures a disc. */
    int c, g;
    if ((dx == 0 && dy == 0) || edge_stats(img, dx, dy, &c, &g) != 0)
        return 0;
    /* L = C / S with S = g / 2, in tenths of a pixel */
    return (int)(20.0 * c / g + 0.5);
}

/* One blur of src into dst (which may be src) by a disc of radius
 * r10 / 10 pixels: each of its rows a run of pixels, summed from the
 * row's running sums (2 look-ups per row of the disc, whatever its
 * width). Edges repeat. sum holds (w + 1) * h floats, acc w. */
static void disc_apply(const float *src, float *dst, int w, int h, int r10,
                       float *sum, float *acc)
{
    int R = r10 / 10, half[64];
    float area = 0;
    for (int dy = -R; dy <= R; dy++) {
        /* the row's half-width: sqrt(r^2 - dy^2), rounded, without libm */
        long q = (long)r10 * r10 - 100L * dy * dy;
        int k = 0;
        while (100L * (2 * k + 1) * (2 * k + 1) <= 4 * q)
            k++;
        half[dy + R] = k;
        area += (float)(2 * k + 1);
    }
    for (int y = 0; y < h; y++) {
        float *s = sum + (size_t)y * (w + 1);
        const float *row = src + (size_t)y * w;
        s[0] = 0;
        for (int x = 0; x < w; x++)
            s[x + 1] = s[x] + row[x];
    }
    for (int y = 0; y < h; y++) {
        memset(acc, 0, (size_t)w * sizeof *acc);
        for (int dy = -R; dy <= R; dy++) {
            int yy = y + dy < 0 ? 0 : y + dy >= h ? h - 1 : y + dy;
            const float *s = sum + (size_t)yy * (w + 1);
            int k = half[dy + R];
            /* the middle of the row in one loop the compiler vectorises,
             * then the ends, where the run leaves the image */
            for (int x = k; x < w - k; x++)
                acc[x] += s[x + k + 1] - s[x - k];
            float first = s[1] - s[0], last = s[w] - s[w - 1];
            int lo = k < w ? k : w, hi = w - k > lo ? w - k : lo;
            for (int x = 0; x < w; x++) {
                if (x == lo)
                    x = hi;
                if (x >= w)
                    break;
                int x0 = x - k, x1 = x + k;
                int c0 = x0 < 0 ? 0 : x0, c1 = x1 >= w ? w - 1 : x1;
                float a = s[c1 + 1] - s[c0];
                if (x0 < 0)
                    a += (float)-x0 * first;
                if (x1 >= w)
                    a += (float)(x1 - w + 1) * last;
                acc[x] += a;
            }
        }
        float *d = dst + (size_t)y * w;
        for (int x = 0; x < w; x++)
            d[x] = acc[x] / area;
    }
}

int rdops_deblur_disc(labels_image *img, int r10, int iters)
{
    if (!rdops_in_place_ok(img) || r10 < 5 || r10 > 300 || iters < 1 ||
        iters > 20)
        return LABELS_ERR_ARG;
    int w = img->width, h = img->height;
    size_t n = (size_t)w * h;
    float *g = malloc(n * sizeof *g), *f = malloc(n * sizeof *f),
          *b = malloc(n * sizeof *b);
    float *sum = malloc((size_t)(w + 1) * h * sizeof *sum),
          *acc = malloc((size_t)w * sizeof *acc);
    int rc = LABELS_ERR_NOMEM;
    if (!g || !f || !b || !sum || !acc)
        goto done;
    for (size_t i = 0; i < n; i++)
        g[i] = f[i] = img->pixels[i];
    /* Landweber: f += 1.5 psf' * (g - psf * f). Unlike Van Cittert it
     * converges where a disc's spectrum is negative (the disc is
     * symmetric: psf' = psf), and a few rounds bring back the module
     * frequencies, which lie below the disc's first zero for any blur a
     * code survives. */
    for (int k = 0; k < iters; k++) {
        disc_apply(f, b, w, h, r10, sum, acc);
        for (size_t i = 0; i < n; i++)
            b[i] = g[i] - b[i];
        disc_apply(b, b, w, h, r10, sum, acc);
        for (size_t i = 0; i < n; i++) {
            float v = f[i] + 1.5f * b[i];
            f[i] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
    }
    for (size_t i = 0; i < n; i++)
        img->pixels[i] = (uint8_t)(f[i] + 0.5f);
    rc = LABELS_OK;
done:
    free(g);
    free(f);
    free(b);
    free(sum);
    free(acc);
    return rc;
}
