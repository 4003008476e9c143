/* reader_wiener.c -- Wiener deconvolution for the QR reader: a region
 * blurred by motion (a line) or by a soft lens (a Gaussian) brought back
 * in the frequency domain, and the length of a motion blur measured on
 * the region itself. */
#include "reader_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* exp(-a) for a >= 0, within 1e-9 relative (the library links no maths
 * library) */
static double exp_neg(double a)
{
    if (a > 60)
        return 0;
    double x = a / 64, term = 1, sum = 1;
    for (int n = 1; n <= 10; n++) {
        term *= -x / n;
        sum += term;
    }
    for (int k = 0; k < 6; k++)
        sum *= sum;
    return sum;
}

/* Index into 0..w-1 of position x of the periodic extension to n: the
 * image mirrored at its far edge, and (past half the padding) at its
 * near edge, so the period has no step for the transform to ring on. */
static int mirror(int x, int w, int n)
{
    if (x < w)
        return x;
    x = x >= w + (n - w) / 2 ? n - 1 - x : 2 * w - 1 - x;
    return x < 0 ? 0 : x >= w ? w - 1 : x;
}

/* Wiener's noise-to-signal ratio: the filter H / (H^2 + K) multiplies no
 * frequency by more than 1 / (2 sqrt(K)) = 5, so a camera's noise of a
 * few grey levels stays a tenth of a printed code's contrast, under
 * ZBar's threshold, while every frequency a blur kept at a fifth or more
 * comes back at full strength. */
#define WIENER_K 0.01

/* The region's rows into the transform, mirrored out to its size (xs:
 * the source column of each), and back into the region, rounded and
 * clamped. */
typedef struct rows {
    labels_image *img;
    int nx, ny;
    const int *xs;
} rows;

static void rows_in(void *ctx, int y, float *row)
{
    const rows *r = ctx;
    const uint8_t *p =
        r->img->pixels +
        (size_t)mirror(y, r->img->height, r->ny) * r->img->stride;
    for (int x = 0; x < r->img->width; x++)
        row[x] = p[x];
    for (int x = r->img->width; x < r->nx; x++)
        row[x] = p[r->xs[x]];
}

static void rows_out(void *ctx, int y, const float *row)
{
    const rows *r = ctx;
    if (y >= r->img->height)
        return;
    uint8_t *p = r->img->pixels + (size_t)y * r->img->stride;
    for (int x = 0; x < r->img->width; x++) {
        float v = row[x];
        p[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5f);
    }
}

int rdops_wiener(labels_image *img, int dx, int dy, int len10)
{
    if (!rdops_in_place_ok(img) || len10 < 5 || len10 > 400)
        return LABELS_ERR_ARG;
    int w = img->width, h = img->height;
    int nx = rd_fft_size(w), ny = rd_fft_size(h);
    if (nx > 2048 || ny > 2048)
        return LABELS_ERR_IMAGE;
    rd_fft2 f;
    int rc = rd_fft2_init(&f, nx, ny);
    if (rc != LABELS_OK)
        return rc;
    int hx = f.hx;
    int *xs = malloc((size_t)nx * sizeof *xs);
    float *gx = malloc((size_t)(hx + ny) * sizeof *gx);
    rc = LABELS_ERR_NOMEM;
    if (!xs || !gx)
        goto done;
    for (int x = 0; x < nx; x++)
        xs[x] = mirror(x, w, nx);
    rows r = {img, nx, ny, xs};
    rd_fft2_forward(&f, rows_in, &r);
    double len = len10 / 10.0, c = dx / 1000.0, s = dy / 1000.0;
    /* A Gaussian's transfer is separable: exp(-2 pi^2 sigma^2 f^2) along
     * each axis. */
    float *gy = gx + hx;
    for (int u = 0; u < hx; u++) {
        double fu = u / (double)nx;
        gx[u] = (float)exp_neg(2 * RD_PI * RD_PI * len * len * fu * fu);
    }
    for (int v = 0; v < ny; v++) {
        double fv = (v < ny / 2 ? v : v - ny) / (double)ny;
        gy[v] = (float)exp_neg(2 * RD_PI * RD_PI * len * len * fv * fv);
    }
    /* A centred line of length len: sinc(len f), f along it; along a row
     * of the spectrum its argument a grows by a step, so sin(pi a) comes
     * by rotating a unit vector (one series per row, not per point). */
    double cd = rdops_sin_pi(len * c / nx + 0.5),
           sd = rdops_sin_pi(len * c / nx);
    for (int v = 0; v < ny; v++) {
        double fv = (v < ny / 2 ? v : v - ny) / (double)ny, a0 = len * fv * s;
        double cs = rdops_sin_pi(a0 + 0.5), sn = rdops_sin_pi(a0);
        float *re = f.re + (size_t)v * hx, *im = f.im + (size_t)v * hx;
        for (int u = 0; u < hx; u++) {
            double H;
            if (dx == 0 && dy == 0) {
                H = (double)gx[u] * gy[v];
            } else {
                double a = a0 + len * c * u / nx;
                H = a > -1e-6 && a < 1e-6 ? 1 : sn / (RD_PI * a);
                double t = sn * cd + cs * sd;
                cs = cs * cd - sn * sd;
                sn = t;
            }
            float g = (float)(H / (H * H + WIENER_K));
            re[u] *= g;
            im[u] *= g;
        }
    }
    rd_fft2_inverse(&f, rows_out, &r);
    rc = LABELS_OK;
done:
    free(xs);
    free(gx);
    rd_fft2_free(&f);
    return rc;
}

#define LAG_MAX 24 /* px: a line six modules of a small code long */

/* The autocorrelation's window: the code's middle, at most this many
 * pixels a side (tens of thousands of edges are plenty) and LAG_MAX
 * less, so no shift wraps round the transform. */
#define WIN_MAX 256

/* The derivative along (c, s) of the window at (x0, y0), less its
 * mean, into the transform (zeros beyond it, so no shift wraps round);
 * and, back, the rows of its autocorrelation the search reads: shifts 0
 * to LAG_MAX + 1 down and 1 up (row ny - 1, kept last). */
typedef struct deriv {
    const labels_image *img;
    int x0, y0, ww, wh, nx, ny;
    float c, s, mean;
    float *ac; /* LAG_MAX + 3 rows of nx */
} deriv;

static void deriv_in(void *ctx, int y, float *row)
{
    const deriv *d = ctx;
    memset(row, 0, (size_t)d->nx * sizeof *row);
    if (y >= d->wh)
        return;
    const uint8_t *p =
        d->img->pixels + (size_t)(d->y0 + y) * d->img->stride + d->x0;
    ptrdiff_t st = (ptrdiff_t)d->img->stride;
    for (int x = 0; x < d->ww; x++)
        row[x] = d->c * (p[x + 1] - p[x - 1]) + d->s * (p[x + st] - p[x - st]) -
                 d->mean;
}

static void ac_out(void *ctx, int y, const float *row)
{
    const deriv *d = ctx;
    int k = y <= LAG_MAX + 1 ? y : y == d->ny - 1 ? LAG_MAX + 2 : -1;
    if (k >= 0)
        memcpy(d->ac + (size_t)k * d->nx, row, (size_t)d->nx * sizeof *row);
}

int rdops_motion_psf(const labels_image *img, int *dx, int *dy)
{
    /* A line blur of length L along u makes the image's derivative along
     * u the sharp image minus itself moved by L u (over L): whatever the
     * code, that derivative correlates most negatively with itself moved
     * by L u. The lowest point of its autocorrelation (by FFT, every
     * shift at once) within LAG_MAX is the blur, both its length and its
     * direction, refined between pixels by a parabola each way. The
     * derivative is taken along the structure tensor's guess (*dx, *dy),
     * which a code's own edges pull off by up to 10 degrees or so: most
     * of the derivative is still along the blur. */
    if (!img || !img->pixels || !dx || !dy || (*dx == 0 && *dy == 0))
        return 0;
    int w = img->width, h = img->height;
    if (w < 2 * LAG_MAX || h < 2 * LAG_MAX)
        return 0;
    int ww = w - 2 < WIN_MAX - LAG_MAX ? w - 2 : WIN_MAX - LAG_MAX;
    int wh = h - 2 < WIN_MAX - LAG_MAX ? h - 2 : WIN_MAX - LAG_MAX;
    int x0 = (w - ww) / 2, y0 = (h - wh) / 2;
    int nx = rd_fft_size(ww + LAG_MAX), ny = rd_fft_size(wh + LAG_MAX);
    rd_fft2 f;
    if (rd_fft2_init(&f, nx, ny) != LABELS_OK)
        return 0;
    float *re = malloc((size_t)(LAG_MAX + 3) * nx * sizeof *re);
    int len10 = 0;
    if (!re)
        goto done;
    deriv d = {img,           x0, y0, ww, wh, nx, ny, *dx / 1000.0f,
               *dy / 1000.0f, 0,  re};
    double mean = 0;
    for (int y = 0; y < wh; y++) {
        const uint8_t *p = img->pixels + (size_t)(y0 + y) * img->stride + x0;
        for (int x = 0; x < ww; x++)
            mean += d.c * (p[x + 1] - p[x - 1]) +
                    d.s * (p[x + img->stride] - p[x - img->stride]);
    }
    d.mean = (float)(mean / ((double)ww * wh));
    rd_fft2_forward(&f, deriv_in, &d);
    /* the power spectrum, transformed back: the autocorrelation */
    for (size_t i = 0; i < (size_t)f.hx * ny; i++) {
        f.re[i] = f.re[i] * f.re[i] + f.im[i] * f.im[i];
        f.im[i] = 0;
    }
    rd_fft2_inverse(&f, ac_out, &d);
    /* the autocorrelation is symmetric: shifts with ty > 0, or ty == 0
     * and tx > 0, cover it */
    int bx = 0, by = 0;
    float best = 0;
    for (int ty = 0; ty <= LAG_MAX; ty++)
        for (int tx = -LAG_MAX; tx <= LAG_MAX; tx++) {
            int r2 = tx * tx + ty * ty;
            if ((ty == 0 && tx <= 0) || r2 < 4 || r2 > LAG_MAX * LAG_MAX)
                continue;
            float v = re[(size_t)ty * nx + (size_t)((tx + nx) % nx)];
            if (v < best) {
                best = v;
                bx = tx;
                by = ty;
            }
        }
    if (best >= 0)
        goto done;
        /* a parabola through the lowest point and its neighbours, each way */
#define AC(X, Y)                                                               \
    re[(size_t)((Y) < 0 ? LAG_MAX + 2 : (Y)) * nx + (size_t)(((X) + nx) % nx)]
    double fx = bx, fy = by;
    double l = AC(bx - 1, by), r = AC(bx + 1, by), den = l - 2 * best + r;
    if (den > 0)
        fx += 0.5 * (l - r) / den;
    l = AC(bx, by - 1);
    r = AC(bx, by + 1);
    den = l - 2 * best + r;
    if (den > 0)
        fy += 0.5 * (l - r) / den;
#undef AC
    double len = rdops_root(fx * fx + fy * fy);
    *dx = (int)(1000 * fx / len);
    *dy = (int)(1000 * fy / len);
    len10 = (int)(10 * len + 0.5);
done:
    free(re);
    rd_fft2_free(&f);
    return len10;
}
