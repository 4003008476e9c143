/* reader_wiener.c -- Wiener deconvolution for the QR reader: a region
 * blurred by motion (a line) or by a soft lens (a Gaussian) brought back
 * in the frequency domain, and the length of a motion blur measured on
 * the region itself. */
#include "reader_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The library links no maths library: sin, exp by series. */
#define PI 3.14159265358979323846

/* sin(pi x), within 1e-9 */
static double sin_pi(double x)
{
    long k = (long)(x / 2 + (x < 0 ? -0.5 : 0.5));
    x -= 2.0 * (double)k; /* -1..1 */
    if (x > 0.5)
        x = 1 - x;
    else if (x < -0.5)
        x = -1 - x;
    double t = PI * x, t2 = t * t, term = t, sum = t;
    for (int n = 1; n <= 8; n++) {
        term *= -t2 / ((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

/* exp(-a) for a >= 0, within 1e-9 relative */
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

/* Transform sizes: a power of two or three times one (a region 300 px
 * wide pads to 384, not 512: 1.8 times fewer points each way). */
static int good_size(int n)
{
    int p = 4;
    while (p < n)
        p <<= 1;
    return p / 4 * 3 >= n ? p / 4 * 3 : p;
}

/* What a transform of size n needs: c + i s = exp(-2 pi i k / n) for
 * k < n, and room for the radix-3 step. */
typedef struct plan {
    int n;
    float *c, *s, *tr, *ti;
} plan;

static int plan_init(plan *p, int n)
{
    p->n = n;
    p->c = malloc((size_t)4 * n * sizeof *p->c);
    if (!p->c)
        return LABELS_ERR_NOMEM;
    p->s = p->c + n;
    p->tr = p->s + n;
    p->ti = p->tr + n;
    for (int k = 0; k < n; k++) {
        p->c[k] = (float)sin_pi(2.0 * k / n + 0.5);
        p->s[k] = (float)-sin_pi(2.0 * k / n);
    }
    return LABELS_OK;
}

/* In-place radix-2 forward FFT of m (a power of two dividing p->n)
 * values. */
static void fft_pow2(float *re, float *im, int m, const plan *p)
{
    for (int i = 1, j = 0; i < m; i++) {
        int bit = m >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            float t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (int len = 2; len <= m; len <<= 1) {
        int half = len / 2, tw = p->n / len;
        for (int i = 0; i < m; i += len)
            for (int j = 0; j < half; j++) {
                float wr = p->c[j * tw], wi = p->s[j * tw];
                float *ar = re + i + j, *ai = im + i + j;
                float tr = ar[half] * wr - ai[half] * wi,
                      ti = ar[half] * wi + ai[half] * wr;
                ar[half] = ar[0] - tr;
                ai[half] = ai[0] - ti;
                ar[0] += tr;
                ai[0] += ti;
            }
    }
}

/* In-place forward FFT of p->n values: radix 2, and one radix-3 step
 * (three interleaved thirds transformed, then combined) when n has a
 * factor 3. */
static void fft1(float *re, float *im, const plan *p)
{
    int n = p->n;
    if (n % 3) {
        fft_pow2(re, im, n, p);
        return;
    }
    int m = n / 3;
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < m; k++) {
            p->tr[r * m + k] = re[3 * k + r];
            p->ti[r * m + k] = im[3 * k + r];
        }
    for (int r = 0; r < 3; r++)
        fft_pow2(p->tr + r * m, p->ti + r * m, m, p);
    for (int q = 0; q < 3; q++)
        for (int k = 0; k < m; k++) {
            int o = k + q * m, i1 = o, i2 = (2 * o) % n;
            float y1r = p->tr[m + k], y1i = p->ti[m + k];
            float y2r = p->tr[2 * m + k], y2i = p->ti[2 * m + k];
            re[o] = p->tr[k] + p->c[i1] * y1r - p->s[i1] * y1i +
                    p->c[i2] * y2r - p->s[i2] * y2i;
            im[o] = p->ti[k] + p->c[i1] * y1i + p->s[i1] * y1r +
                    p->c[i2] * y2i + p->s[i2] * y2r;
        }
}

/* 2-D forward FFT of an nx x ny array: rows, then columns (each copied
 * to col, 2 ny floats, for locality). The inverse is conj(FFT(conj)) / n:
 * callers negate im before and after. */
static void fft2(float *re, float *im, const plan *px, const plan *py,
                 float *col)
{
    int nx = px->n, ny = py->n;
    for (int y = 0; y < ny; y++)
        fft1(re + (size_t)y * nx, im + (size_t)y * nx, px);
    float *cr = col, *ci = col + ny;
    for (int x = 0; x < nx; x++) {
        for (int y = 0; y < ny; y++) {
            cr[y] = re[(size_t)y * nx + x];
            ci[y] = im[(size_t)y * nx + x];
        }
        fft1(cr, ci, py);
        for (int y = 0; y < ny; y++) {
            re[(size_t)y * nx + x] = cr[y];
            im[(size_t)y * nx + x] = ci[y];
        }
    }
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

int rdops_wiener(labels_image *img, int dx, int dy, int len10)
{
    if (!rdops_in_place_ok(img) || len10 < 5 || len10 > 400)
        return LABELS_ERR_ARG;
    int w = img->width, h = img->height;
    int nx = good_size(w), ny = good_size(h);
    if (nx > 2048 || ny > 2048)
        return LABELS_ERR_IMAGE;
    size_t n = (size_t)nx * ny;
    plan px = {0}, py = {0};
    float *re = malloc(n * sizeof *re), *im = calloc(n, sizeof *im);
    float *col = malloc((size_t)2 * ny * sizeof *col);
    float *gx = malloc((size_t)(nx + ny) * sizeof *gx);
    int rc = LABELS_ERR_NOMEM;
    if (!re || !im || !col || !gx || plan_init(&px, nx) != LABELS_OK ||
        plan_init(&py, ny) != LABELS_OK)
        goto done;
    for (int y = 0; y < ny; y++) {
        const uint8_t *row =
            img->pixels + (size_t)mirror(y, h, ny) * img->stride;
        for (int x = 0; x < nx; x++)
            re[(size_t)y * nx + x] = row[mirror(x, w, nx)];
    }
    fft2(re, im, &px, &py, col);
    double len = len10 / 10.0, c = dx / 1000.0, s = dy / 1000.0;
    /* A Gaussian's transfer is separable: exp(-2 pi^2 sigma^2 f^2) along
     * each axis. */
    float *gy = gx + nx;
    for (int u = 0; u < nx; u++) {
        double f = (u < nx / 2 ? u : u - nx) / (double)nx;
        gx[u] = (float)exp_neg(2 * PI * PI * len * len * f * f);
    }
    for (int v = 0; v < ny; v++) {
        double f = (v < ny / 2 ? v : v - ny) / (double)ny;
        gy[v] = (float)exp_neg(2 * PI * PI * len * len * f * f);
    }
    for (int v = 0; v < ny; v++) {
        double fv = (v < ny / 2 ? v : v - ny) / (double)ny;
        for (int u = 0; u < nx; u++) {
            double fu = (u < nx / 2 ? u : u - nx) / (double)nx, H;
            if (dx == 0 && dy == 0) {
                H = (double)gx[u] * gy[v];
            } else {
                /* a centred line of length len: sinc(len f), f along it */
                double a = len * (fu * c + fv * s);
                H = a > -1e-6 && a < 1e-6 ? 1 : sin_pi(a) / (PI * a);
            }
            float g = (float)(H / (H * H + WIENER_K));
            re[(size_t)v * nx + u] *= g;
            /* negated: the inverse transform is a forward one of the
             * conjugate, and the image is its real part */
            im[(size_t)v * nx + u] *= -g;
        }
    }
    fft2(re, im, &px, &py, col);
    float scale = 1.0f / (float)n;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float v = re[(size_t)y * nx + x] * scale;
            img->pixels[(size_t)y * img->stride + x] =
                (uint8_t)(v < 0     ? 0
                          : v > 255 ? 255
                                    : v + 0.5f);
        }
    rc = LABELS_OK;
done:
    free(re);
    free(im);
    free(col);
    free(gx);
    free(px.c);
    free(py.c);
    return rc;
}

#define LAG_MAX 24 /* px: a line six modules of a small code long */

/* The autocorrelation's window: the code's middle, at most this many
 * pixels a side (tens of thousands of edges are plenty) and LAG_MAX
 * less, so no shift wraps round the transform. */
#define WIN_MAX 256

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
    int nx = good_size(ww + LAG_MAX), ny = good_size(wh + LAG_MAX);
    size_t n = (size_t)nx * ny;
    plan px = {0}, py = {0};
    float *re = calloc(n, sizeof *re), *im = calloc(n, sizeof *im);
    float *col = malloc((size_t)2 * ny * sizeof *col);
    int len10 = 0;
    if (!re || !im || !col || plan_init(&px, nx) != LABELS_OK ||
        plan_init(&py, ny) != LABELS_OK)
        goto done;
    float c = *dx / 1000.0f, s = *dy / 1000.0f;
    double mean = 0;
    for (int y = 0; y < wh; y++) {
        const uint8_t *p = img->pixels + (size_t)(y0 + y) * img->stride + x0;
        for (int x = 0; x < ww; x++) {
            float v = c * (p[x + 1] - p[x - 1]) +
                      s * (p[x + img->stride] - p[x - img->stride]);
            re[(size_t)y * nx + x] = v;
            mean += v;
        }
    }
    mean /= (double)ww * wh;
    for (int y = 0; y < wh; y++)
        for (int x = 0; x < ww; x++)
            re[(size_t)y * nx + x] -= (float)mean;
    fft2(re, im, &px, &py, col);
    /* the power spectrum, transformed again: the autocorrelation (real,
     * even: no conjugate needed) */
    for (size_t i = 0; i < n; i++) {
        re[i] = re[i] * re[i] + im[i] * im[i];
        im[i] = 0;
    }
    fft2(re, im, &px, &py, col);
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
#define AC(X, Y) re[(size_t)(((Y) + ny) % ny) * nx + (size_t)(((X) + nx) % nx)]
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
    free(im);
    free(col);
    free(px.c);
    free(py.c);
    return len10;
}
