/* reader_warp.c -- geometry for the QR reader: a code's outline
 * quadrilateral fitted to its edges and warped to a square (perspective,
 * shear), and a code on a can flattened. No libm: the library links no
 * maths library. */
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

/* The homography taking the points (u[i], v[i]) to (x[i], y[i]):
 * x = (h0 u + h1 v + h2) / (h6 u + h7 v + 1), y likewise with h3..h5. */
static int homography(const double u[4], const double v[4], const double x[4],
                      const double y[4], double h[8])
{
    double a[8][9];
    for (int i = 0; i < 4; i++) {
        double r0[9] = {u[i],         v[i],         1,   0, 0, 0,
                        -u[i] * x[i], -v[i] * x[i], x[i]};
        double r1[9] = {0,   0, 0, u[i], v[i], 1, -u[i] * y[i], -v[i] * y[i],
                        y[i]};
        memcpy(a[2 * i], r0, sizeof r0);
        memcpy(a[2 * i + 1], r1, sizeof r1);
    }
    if (solve8(a) != 0)
        return -1;
    for (int i = 0; i < 8; i++)
        h[i] = a[i][8];
    return 0;
}

/* (u, v) through h into *x, *y; -1 on the horizon. */
static int apply(const double h[8], double u, double v, double *x, double *y)
{
    double w = h[6] * u + h[7] * v + 1;
    if (w > -1e-9 && w < 1e-9)
        return -1;
    *x = (h[0] * u + h[1] * v + h[2]) / w;
    *y = (h[3] * u + h[4] * v + h[5]) / w;
    return 0;
}

static const double unit_u[4] = {0, 1, 1, 0}, unit_v[4] = {0, 0, 1, 1};

int rdops_sub_quad(const double qx[4], const double qy[4], const double rx[2],
                   const double ry[2], double sx[4], double sy[4])
{
    if (!qx || !qy || !rx || !ry || !sx || !sy)
        return LABELS_ERR_ARG;
    double g[8], h[8];
    if (homography(qx, qy, unit_u, unit_v, g) != 0 ||
        homography(unit_u, unit_v, qx, qy, h) != 0)
        return LABELS_ERR_IMAGE;
    /* the rectangle's corners in q's plane (the unit square over q), and
     * the smallest rectangle there holding them, within q */
    double lo[2] = {1e30, 1e30}, hi[2] = {-1e30, -1e30};
    for (int k = 0; k < 4; k++) {
        double p[2];
        if (apply(g, rx[(k + 1) / 2 % 2], ry[k / 2], &p[0], &p[1]) != 0)
            return LABELS_ERR_IMAGE;
        for (int d = 0; d < 2; d++) {
            p[d] = p[d] < 0 ? 0 : p[d] > 1 ? 1 : p[d];
            lo[d] = p[d] < lo[d] ? p[d] : lo[d];
            hi[d] = p[d] > hi[d] ? p[d] : hi[d];
        }
    }
    for (int k = 0; k < 4; k++)
        if (apply(h, unit_u[k] ? hi[0] : lo[0], unit_v[k] ? hi[1] : lo[1],
                  &sx[k], &sy[k]) != 0)
            return LABELS_ERR_IMAGE;
    return LABELS_OK;
}

int rdops_warp_quad(const labels_image *src, const double qx[4],
                    const double qy[4], int side, int margin, labels_image *out)
{
    if (!src || !src->pixels || !qx || !qy || !out || side < 8 || margin < 0 ||
        (size_t)(side + 2 * margin) * (size_t)(side + 2 * margin) >
            RDOPS_MAX_PIXELS)
        return LABELS_ERR_ARG;
    /* from the square's corners (u, v) to the quad's (x, y) */
    double su[4], sv[4], h[8];
    for (int i = 0; i < 4; i++) {
        su[i] = unit_u[i] * side;
        sv[i] = unit_v[i] * side;
    }
    if (homography(su, sv, qx, qy, h) != 0)
        return LABELS_ERR_IMAGE;
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

/* img's grey level at (x, y) by bilinear interpolation, or -1 outside.
 * Pixel edges at whole numbers, as outlines are (pixel i spans i..i+1). */
static double grey_at(const labels_image *img, double x, double y)
{
    x -= 0.5;
    y -= 0.5;
    if (!(x >= 0 && y >= 0 && x < img->width - 1 && y < img->height - 1))
        return -1;
    int xi = (int)x, yi = (int)y;
    double fx = x - xi, fy = y - yi;
    const uint8_t *p = img->pixels + (size_t)yi * img->stride + xi;
    return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) +
           (p[img->stride] * (1 - fx) + p[img->stride + 1] * fx) * fy;
}

/* How much lighter img is just outside the segment a-b (on the side of
 * the unit normal n: the quiet zone, 1-3 px out) than just inside it
 * (the code's outer modules, 0.7-1.4 px in), averaged along it. A line
 * through the code or the quiet zone scores less; the edge of the label
 * against a darker scene scores negative. */
static double edge_contrast(const labels_image *img, const double a[2],
                            const double b[2], const double n[2])
{
    static const double out[3] = {1.0, 2.0, 3.0}, in[2] = {-0.7, -1.4};
    double dx = b[0] - a[0], dy = b[1] - a[1];
    int steps = 8;
    while ((double)steps * steps < dx * dx + dy * dy)
        steps++; /* about one sample a pixel */
    double sum = 0;
    int cnt = 0;
    for (int s = 1; s < steps; s++) {
        double x = a[0] + dx * s / steps, y = a[1] + dy * s / steps;
        double o = 0, i = 0, v = 0;
        for (int k = 0; k < 3 && v >= 0; k++) {
            v = grey_at(img, x + n[0] * out[k], y + n[1] * out[k]);
            o += v;
        }
        for (int k = 0; k < 2 && v >= 0; k++) {
            v = grey_at(img, x + n[0] * in[k], y + n[1] * in[k]);
            i += v;
        }
        if (v >= 0) {
            sum += o / 3 - i / 2;
            cnt++;
        }
    }
    return cnt ? sum / cnt : -1e9;
}

static double root(double d2)
{
    double len = d2 > 1 ? d2 / 2 : 1;
    for (int it = 0; it < 40; it++)
        len = 0.5 * (len + d2 / len);
    return len;
}

/* Side k of the quadrilateral (corners k and k + 1) moved to where the
 * code's edge is: each end shifted along the side's outward normal by
 * up to reach pixels in steps of step, the best contrast kept. Returns
 * the line as a x + b y = c in l[0..2]. */
static int fit_side(const labels_image *img, const double qx[4],
                    const double qy[4], int k, double reach, double step,
                    double l[3])
{
    int j = (k + 1) % 4;
    double cx = (qx[0] + qx[1] + qx[2] + qx[3]) / 4;
    double cy = (qy[0] + qy[1] + qy[2] + qy[3]) / 4;
    double ex = qx[j] - qx[k], ey = qy[j] - qy[k];
    double el = root(ex * ex + ey * ey);
    if (el < 8)
        return -1;
    double n[2] = {ey / el, -ex / el};
    if (n[0] * ((qx[j] + qx[k]) / 2 - cx) + n[1] * ((qy[j] + qy[k]) / 2 - cy) <
        0) {
        n[0] = -n[0];
        n[1] = -n[1];
    }
    double best = -1e9, b0 = 0, b1 = 0;
    for (double d0 = -reach; d0 <= reach + 1e-9; d0 += step)
        for (double d1 = -reach; d1 <= reach + 1e-9; d1 += step) {
            double a[2] = {qx[k] + n[0] * d0, qy[k] + n[1] * d0};
            double b[2] = {qx[j] + n[0] * d1, qy[j] + n[1] * d1};
            double s = edge_contrast(img, a, b, n);
            if (s > best) {
                best = s;
                b0 = d0;
                b1 = d1;
            }
        }
    double ax = qx[k] + n[0] * b0, ay = qy[k] + n[1] * b0;
    double bx = qx[j] + n[0] * b1, by = qy[j] + n[1] * b1;
    l[0] = by - ay;
    l[1] = ax - bx;
    l[2] = l[0] * ax + l[1] * ay;
    return best > 0 ? 0 : -1;
}

int rdops_fit_quad(const labels_image *img, double qx[4], double qy[4],
                   int reach)
{
    if (!img || !img->pixels || !qx || !qy || reach < 1 || reach > 64)
        return LABELS_ERR_ARG;
    double fx[4], fy[4];
    memcpy(fx, qx, sizeof fx);
    memcpy(fy, qy, sizeof fy);
    /* coarse over the whole reach, then finer steps near the fit (each
     * side's normal changes as its neighbours move) */
    static const double near[3] = {0, 4.0, 1.5}, step[3] = {2.0, 1.0, 0.5};
    for (int round = 0; round < 3; round++) {
        double l[4][3];
        for (int k = 0; k < 4; k++)
            if (fit_side(img, fx, fy, k, round ? near[round] : reach,
                         step[round], l[k]) != 0)
                return LABELS_ERR_IMAGE;
        for (int k = 0; k < 4; k++) { /* corner k: sides k - 1 and k */
            const double *p = l[(k + 3) % 4], *q = l[k];
            double det = p[0] * q[1] - p[1] * q[0];
            if (det > -1e-9 && det < 1e-9)
                return LABELS_ERR_IMAGE;
            fx[k] = (p[2] * q[1] - p[1] * q[2]) / det;
            fy[k] = (p[0] * q[2] - p[2] * q[0]) / det;
        }
    }
    /* A fit that moved a corner further than the search could reach ran
     * off along a side (two sides nearly parallel): keep the outline. */
    for (int k = 0; k < 4; k++) {
        double dx = fx[k] - qx[k], dy = fy[k] - qy[k];
        if (dx * dx + dy * dy > 8.0 * reach * reach)
            return LABELS_ERR_IMAGE;
    }
    memcpy(qx, fx, sizeof fx);
    memcpy(qy, fy, sizeof fy);
    return LABELS_OK;
}
