/* reader_deblur.c -- undoing motion blur and defocus for the QR reader:
 * the blur's direction from the structure tensor, then Van Cittert
 * deconvolution with a line (or box) point spread function. */
#include "reader_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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
