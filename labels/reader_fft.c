/* reader_fft.c -- the reader's Fourier transform: a real image's 2-D
 * spectrum and back, for Wiener deconvolution and the blur's
 * autocorrelation (reader_wiener.c). None of the libraries the project
 * depends on (README) does an FFT. */
#include "reader_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int rd_fft_size(int n)
{
    /* The least of 2^k, 3 * 2^k, 5 * 2^k and 15 * 2^k points that holds n
     * (a region 300 px wide pads to 320, not 384 or 512); even, for the
     * row pairs. */
    int best = 8;
    while (best < n)
        best <<= 1;
    static const int odd[] = {3, 5, 15};
    for (int k = 0; k < 3; k++) {
        int p = odd[k] * 2;
        while (p < n || p < 8)
            p <<= 1;
        best = p < best ? p : best;
    }
    return best;
}

/* sin(pi x), within 1e-9 (the library links no maths library) */
double rdops_sin_pi(double x)
{
    long k = (long)(x / 2 + (x < 0 ? -0.5 : 0.5));
    x -= 2.0 * (double)k; /* -1..1 */
    if (x > 0.5)
        x = 1 - x;
    else if (x < -0.5)
        x = -1 - x;
    double t = RD_PI * x, t2 = t * t, term = t, sum = t;
    for (int n = 1; n <= 8; n++) {
        term *= -t2 / ((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

/* c + i s = exp(-2 pi i k / n) for k < n, and room for the odd
 * factors' steps (2 n floats for the first, 2 n / 5 for the second) */
static int plan_init(rd_fft_plan *p, int n)
{
    p->n = n;
    p->c = malloc((size_t)6 * n * sizeof *p->c);
    if (!p->c)
        return LABELS_ERR_NOMEM;
    p->s = p->c + n;
    p->tmp = p->s + n;
    for (int k = 0; k < n; k++) {
        p->c[k] = (float)rdops_sin_pi(2.0 * k / n + 0.5);
        p->s[k] = (float)-rdops_sin_pi(2.0 * k / n);
    }
    return LABELS_OK;
}

/* In-place radix-2 forward FFT of m (a power of two dividing p->n)
 * values. */
static void fft_pow2(float *re, float *im, int m, const rd_fft_plan *p)
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
    /* the first stage's twiddle is 1 */
    for (int i = 0; i + 1 < m; i += 2) {
        float tr = re[i + 1], ti = im[i + 1];
        re[i + 1] = re[i] - tr;
        im[i + 1] = im[i] - ti;
        re[i] += tr;
        im[i] += ti;
    }
    for (int len = 4; len <= m; len <<= 1) {
        int half = len / 2, tw = p->n / len;
        for (int j = 0; j < half; j++) {
            float wr = p->c[j * tw], wi = p->s[j * tw];
            for (int i = j; i < m; i += len) {
                float *ar = re + i, *ai = im + i;
                float tr = ar[half] * wr - ai[half] * wi,
                      ti = ar[half] * wi + ai[half] * wr;
                ar[half] = ar[0] - tr;
                ai[half] = ai[0] - ti;
                ar[0] += tr;
                ai[0] += ti;
            }
        }
    }
}

/* In-place forward FFT of n (dividing p->n) values: an odd factor r (5,
 * then 3) split off by decimation in time (r interleaved parts
 * transformed, then combined by r-point butterflies), the power of two
 * left by radix 2. tmp: room for 2 n floats, and the next step's. */
static void fft_n(float *re, float *im, int n, const rd_fft_plan *p, float *tmp)
{
    int r = n % 5 == 0 ? 5 : n % 3 == 0 ? 3 : 1;
    if (r == 1) {
        fft_pow2(re, im, n, p);
        return;
    }
    int m = n / r, st = p->n / n;
    float *tr = tmp, *ti = tmp + n;
    for (int q = 0; q < r; q++)
        for (int k = 0; k < m; k++) {
            tr[q * m + k] = re[r * k + q];
            ti[q * m + k] = im[r * k + q];
        }
    for (int q = 0; q < r; q++)
        fft_n(tr + q * m, ti + q * m, m, p, tmp + 2 * n);
    /* sin and cos of 72 and 144 degrees; sin 60 */
    const float c1 = 0.309016994f, c2 = -0.809016994f, s1 = 0.951056516f,
                s2 = 0.587785252f, s3 = 0.866025404f;
    for (int k = 0; k < m; k++) {
        /* t[q] = exp(-2 pi i q k / n) Y_q[k] */
        float xr[5], xi[5];
        xr[0] = tr[k];
        xi[0] = ti[k];
        for (int q = 1; q < r; q++) {
            int w = q * k * st;
            float wr = p->c[w], wi = p->s[w];
            float yr = tr[q * m + k], yi = ti[q * m + k];
            xr[q] = wr * yr - wi * yi;
            xi[q] = wr * yi + wi * yr;
        }
        if (r == 3) {
            /* X_1,2 = t0 - (t1 + t2) / 2 -+ i sin 60 (t1 - t2) */
            float sr = xr[1] + xr[2], si = xi[1] + xi[2];
            float dr = s3 * (xr[1] - xr[2]), di = s3 * (xi[1] - xi[2]);
            float ar = xr[0] - 0.5f * sr, ai = xi[0] - 0.5f * si;
            re[k] = xr[0] + sr;
            im[k] = xi[0] + si;
            re[k + m] = ar + di;
            im[k + m] = ai - dr;
            re[k + 2 * m] = ar - di;
            im[k + 2 * m] = ai + dr;
            continue;
        }
        /* X_1,4 = t0 + c72 (t1 + t4) + c144 (t2 + t3) -+ i (s72 (t1 - t4)
         * + s144 (t2 - t3)); X_2,3 likewise with the angles doubled */
        float ar = xr[1] + xr[4], ai = xi[1] + xi[4];
        float br = xr[2] + xr[3], bi = xi[2] + xi[3];
        float dr = xr[1] - xr[4], di = xi[1] - xi[4];
        float er = xr[2] - xr[3], ei = xi[2] - xi[3];
        float pr = xr[0] + c1 * ar + c2 * br, pi = xi[0] + c1 * ai + c2 * bi;
        float qr = xr[0] + c2 * ar + c1 * br, qi = xi[0] + c2 * ai + c1 * bi;
        float ur = s1 * dr + s2 * er, ui = s1 * di + s2 * ei;
        float vr = s2 * dr - s1 * er, vi = s2 * di - s1 * ei;
        re[k] = xr[0] + ar + br;
        im[k] = xi[0] + ai + bi;
        /* -i (u) = (ui, -ur) */
        re[k + m] = pr + ui;
        im[k + m] = pi - ur;
        re[k + 4 * m] = pr - ui;
        im[k + 4 * m] = pi + ur;
        re[k + 2 * m] = qr + vi;
        im[k + 2 * m] = qi - vr;
        re[k + 3 * m] = qr - vi;
        im[k + 3 * m] = qi + vr;
    }
}

static void fft1(float *re, float *im, const rd_fft_plan *p)
{
    fft_n(re, im, p->n, p, p->tmp);
}

int rd_fft2_init(rd_fft2 *f, int nx, int ny)
{
    memset(f, 0, sizeof *f);
    if (nx < 2 || ny < 2 || nx % 2 || ny % 2 || nx > 4096 || ny > 4096)
        return LABELS_ERR_ARG;
    f->nx = nx;
    f->ny = ny;
    f->hx = nx / 2 + 1;
    size_t n = (size_t)f->hx * ny;
    f->re = malloc(n * sizeof *f->re);
    f->im = malloc(n * sizeof *f->im);
    f->row = malloc((size_t)2 * (nx + ny) * sizeof *f->row);
    if (!f->re || !f->im || !f->row || plan_init(&f->px, nx) != LABELS_OK ||
        plan_init(&f->py, ny) != LABELS_OK) {
        rd_fft2_free(f);
        return LABELS_ERR_NOMEM;
    }
    return LABELS_OK;
}

void rd_fft2_free(rd_fft2 *f)
{
    free(f->re);
    free(f->im);
    free(f->row);
    free(f->px.c);
    free(f->py.c);
    memset(f, 0, sizeof *f);
}

/* Each column of the half spectrum through fft1, copied out for
 * locality; conj: the inverse, as conj(FFT(conj(x))) (unscaled). */
static void columns(rd_fft2 *f, int conj)
{
    int ny = f->ny, hx = f->hx;
    float *cr = f->row + 2 * f->nx, *ci = cr + ny, sg = conj ? -1.0f : 1.0f;
    for (int u = 0; u < hx; u++) {
        for (int v = 0; v < ny; v++) {
            cr[v] = f->re[(size_t)v * hx + u];
            ci[v] = sg * f->im[(size_t)v * hx + u];
        }
        fft1(cr, ci, &f->py);
        for (int v = 0; v < ny; v++) {
            f->re[(size_t)v * hx + u] = cr[v];
            f->im[(size_t)v * hx + u] = sg * ci[v];
        }
    }
}

void rd_fft2_forward(rd_fft2 *f, rd_row_in in, void *ctx)
{
    /* Two real rows a and b as one complex row z = a + i b: with A and B
     * Hermitian, A[u] = (Z[u] + conj Z[-u]) / 2 and B[u] = (Z[u] -
     * conj Z[-u]) / 2i. Half the work of transforming each alone, and
     * the columns only for u = 0..nx/2 (the rest is their conjugate). */
    int nx = f->nx, hx = f->hx;
    float *zr = f->row, *zi = zr + nx;
    for (int y = 0; y < f->ny; y += 2) {
        in(ctx, y, zr);
        in(ctx, y + 1, zi);
        fft1(zr, zi, &f->px);
        float *ar = f->re + (size_t)y * hx, *ai = f->im + (size_t)y * hx;
        float *br = ar + hx, *bi = ai + hx;
        for (int u = 0; u < hx; u++) {
            int m = u ? nx - u : 0;
            ar[u] = 0.5f * (zr[u] + zr[m]);
            ai[u] = 0.5f * (zi[u] - zi[m]);
            br[u] = 0.5f * (zi[u] + zi[m]);
            bi[u] = 0.5f * (zr[m] - zr[u]);
        }
    }
    columns(f, 0);
}

void rd_fft2_inverse(rd_fft2 *f, rd_row_out out, void *ctx)
{
    /* The columns back, then rows a and b at once again: z = a + i b has
     * Z = A + i B, whose other half is A[-u] = conj A[u]. */
    columns(f, 1);
    int nx = f->nx, hx = f->hx;
    float *zr = f->row, *zi = zr + nx;
    float scale = 1.0f / ((float)nx * (float)f->ny);
    for (int y = 0; y < f->ny; y += 2) {
        const float *ar = f->re + (size_t)y * hx, *ai = f->im + (size_t)y * hx;
        const float *br = ar + hx, *bi = ai + hx;
        /* conjugated for the inverse: zi holds -Im Z */
        for (int u = 0; u < hx; u++) {
            zr[u] = ar[u] - bi[u];
            zi[u] = -(ai[u] + br[u]);
        }
        for (int u = hx; u < nx; u++) {
            int m = nx - u;
            zr[u] = ar[m] + bi[m];
            zi[u] = ai[m] - br[m];
        }
        fft1(zr, zi, &f->px);
        for (int x = 0; x < nx; x++) {
            zr[x] *= scale;
            zi[x] *= -scale;
        }
        out(ctx, y, zr);
        out(ctx, y + 1, zi);
    }
}
