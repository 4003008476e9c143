/* reader_warp.c -- geometry for the QR reader: a code's outline
 * quadrilateral warped to a square (perspective, shear) and a code on a
 * can flattened. No libm: the library links no maths library. */
#include "reader_int.h"

#include <stdlib.h>
#include <string.h>

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
                    const double qy[4], int side, int margin, labels_image *out)
{
    if (!src || !src->pixels || !qx || !qy || !out || side < 8 || margin < 0 ||
        (size_t)(side + 2 * margin) * (size_t)(side + 2 * margin) >
            RDOPS_MAX_PIXELS)
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
            if (!(px >= 0 && py >= 0 && px < src->width - 1 &&
                  py < src->height - 1))
                continue; /* outside: left white */
            /* cubic, as rdops_resize enlarges: a tilted code's modules
             * are foreshortened to 2 pixels and less */
            out->pixels[(size_t)y * n + x] =
                (uint8_t)rdops_sample_cubic(src, px, py);
        }
    return LABELS_OK;
}

/* sin(x) for |x| <= 2 by its Taylor series (no libm). */
static double sine(double x)
{
    double x2 = x * x;
    return x *
           (1 -
            x2 / 6 *
                (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72 * (1 - x2 / 110)))));
}

int rdops_uncurve(labels_image *img, int margin, int vertical, int theta_deg)
{
    if (!rdops_in_place_ok(img) || margin < 0 || theta_deg < 5 ||
        theta_deg > 85)
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
        uint8_t *p =
            vertical ? img->pixels + l : img->pixels + (size_t)l * img->width;
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
            p[(size_t)i * step] =
                (uint8_t)(line[xi] * (1 - t) + line[x1] * t + 0.5);
        }
    }
    free(src);
    free(line);
    return LABELS_OK;
}
