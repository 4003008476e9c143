/* reader_mesh.c -- a code on a crumpled or curved pouch flattened by a
 * smooth mesh: where its module grid lies, measured tile by tile on the
 * rectified square (rdops_warp_quad), and the square resampled onto an
 * upright grid for ZBar.
 *
 * Why this measures the grid: a QR code's modules are squares of one
 * pitch, so its grey level changes only across the module boundaries.
 * The gradient's size across x, |dI/dx|, is a train of pulses at the
 * boundaries (wherever two neighbouring modules differ, half of them),
 * whatever the data; its component at one cycle a module has the phase
 * of the boundaries. Measured over a few modules round each node of a
 * coarse mesh, that phase says by how much the print is displaced there.
 * A crease or a round pouch moves the print smoothly (over tens of
 * modules), so the displacement between nodes is interpolated. */
#include "reader_int.h"

#include <stdlib.h>
#include <string.h>

#define NODE_STEP 3 /* modules between mesh nodes */
#define WIN 4.0     /* modules: the tent weight round a node reaches this */

/* cos and sin of t radians (the library links no maths library). */
static void cis(double t, double *c, double *s)
{
    *c = rdops_sin_pi(t / RD_PI + 0.5);
    *s = rdops_sin_pi(t / RD_PI);
}

/* atan2(y, x) in radians, to about 1e-5. */
static double angle(double y, double x)
{
    double ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
    if (ax == 0 && ay == 0)
        return 0;
    int swap = ay > ax;
    double z = swap ? ax / ay : ay / ax; /* 0..1 */
    /* atan(z) = 2 atan(z / (1 + sqrt(1 + z^2))): argument <= 0.42 */
    double w = z / (1 + rdops_root(1 + z * z)), w2 = w * w, a = 0, term = w;
    for (int n = 0; n < 14; n++) {
        a += term / (2 * n + 1);
        term *= -w2;
    }
    a *= 2;
    if (swap)
        a = RD_PI / 2 - a;
    if (x < 0)
        a = RD_PI - a;
    return y < 0 ? -a : a;
}

typedef struct mesh {
    int n;         /* modules a side */
    int k;         /* nodes a side: node j at module j * NODE_STEP (clamped) */
    double margin; /* pixels before the code */
    double pitch;  /* pixels a module */
    double *dx, *dy; /* displacement at each node, modules */
} mesh;

/* Module coordinate of node j. */
static double node_at(const mesh *m, int j)
{
    double u = (double)j * NODE_STEP;
    return u > m->n ? m->n : u;
}

/* The mesh's displacement at module position (u, v), bilinear between
 * nodes (held at the code's edges beyond it). */
static void field(const mesh *m, double u, double v, double *ox, double *oy)
{
    u = u < 0 ? 0 : u > m->n ? m->n : u;
    v = v < 0 ? 0 : v > m->n ? m->n : v;
    int i = (int)(u / NODE_STEP), j = (int)(v / NODE_STEP);
    i = i > m->k - 2 ? m->k - 2 : i;
    j = j > m->k - 2 ? m->k - 2 : j;
    double u0 = node_at(m, i), u1 = node_at(m, i + 1);
    double v0 = node_at(m, j), v1 = node_at(m, j + 1);
    double tu = u1 > u0 ? (u - u0) / (u1 - u0) : 0;
    double tv = v1 > v0 ? (v - v0) / (v1 - v0) : 0;
    size_t a = (size_t)j * m->k + i, b = a + m->k;
    *ox = (m->dx[a] * (1 - tu) + m->dx[a + 1] * tu) * (1 - tv) +
          (m->dx[b] * (1 - tu) + m->dx[b + 1] * tu) * tv;
    *oy = (m->dy[a] * (1 - tu) + m->dy[a + 1] * tu) * (1 - tv) +
          (m->dy[b] * (1 - tu) + m->dy[b + 1] * tu) * tv;
}

/* |dI/dx| and |dI/dy| of img (central differences). */
static int gradients(const labels_image *img, float **gx, float **gy)
{
    int w = img->width, h = img->height;
    *gx = calloc((size_t)w * h, sizeof **gx);
    *gy = calloc((size_t)w * h, sizeof **gy);
    if (!*gx || !*gy) {
        free(*gx);
        free(*gy);
        return LABELS_ERR_NOMEM;
    }
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            const uint8_t *p = img->pixels + (size_t)y * img->stride + x;
            int a = p[1] - p[-1], b = p[img->stride] - p[-img->stride];
            (*gx)[(size_t)y * w + x] = (float)(a < 0 ? -a : a);
            (*gy)[(size_t)y * w + x] = (float)(b < 0 ? -b : b);
        }
    return LABELS_OK;
}

/* Phasors at one cycle a module of g, weighted by the tent of WIN
 * modules round module position (u, v): the x one from gx (boundaries
 * across x), the y one from gy. Returns the weighted gradient sum. */
static double phasors(const mesh *m, const float *gx, const float *gy, int w,
                      int h, const double *cu, const double *su, double u,
                      double v, double c[4])
{
    double p = m->pitch, r = WIN * p;
    double xc = m->margin + u * p, yc = m->margin + v * p, tot = 0;
    int x0 = (int)(xc - r), x1 = (int)(xc + r) + 1;
    int y0 = (int)(yc - r), y1 = (int)(yc + r) + 1;
    x0 = x0 < 1 ? 1 : x0;
    y0 = y0 < 1 ? 1 : y0;
    x1 = x1 > w - 1 ? w - 1 : x1;
    y1 = y1 > h - 1 ? h - 1 : y1;
    memset(c, 0, 4 * sizeof c[0]);
    for (int y = y0; y < y1; y++) {
        double wy = 1 - (y + 0.5 - yc < 0 ? yc - y - 0.5 : y + 0.5 - yc) / r;
        if (wy <= 0)
            continue;
        for (int x = x0; x < x1; x++) {
            double wx =
                1 - (x + 0.5 - xc < 0 ? xc - x - 0.5 : x + 0.5 - xc) / r;
            if (wx <= 0)
                continue;
            double wt = wx * wy, a = gx[(size_t)y * w + x] * wt,
                   b = gy[(size_t)y * w + x] * wt;
            c[0] += a * cu[x];
            c[1] -= a * su[x];
            c[2] += b * cu[y];
            c[3] -= b * su[y];
            tot += a + b;
        }
    }
    return tot;
}

/* Of x + whole numbers, the one nearest ref. */
static double nearest(double x, double ref)
{
    double d = x - ref;
    long k = (long)(d < 0 ? d - 0.5 : d + 0.5);
    return x - (double)k;
}

/* Phases ph (whole modules unknown) of a k x k mesh into out, quality
 * first: from the top-left node, where the outline was fitted to the
 * code (displacement near 0), the node next to those done whose
 * boundaries agree best on a phase (q, the phasor's share of the
 * gradient) is taken next, within half a module of its done neighbours
 * (the surface is smooth): a bend is followed through the nodes that
 * measure it well, not across one that measures it badly. A node under
 * a fifth (its boundaries as good as random) takes its neighbours'
 * mean. */
static int unwrap(int k, const double *ph, const double *q, double *out)
{
    size_t nn = (size_t)k * k;
    unsigned char *done = calloc(nn, 1);
    if (!done)
        return LABELS_ERR_NOMEM;
    static const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
    out[0] = q[0] >= 0.2 ? nearest(ph[0], 0) : 0;
    done[0] = 1;
    for (size_t step = 1; step < nn; step++) {
        size_t best = nn;
        double bq = -1, bref = 0;
        for (size_t v = 0; v < nn; v++) {
            if (done[v])
                continue;
            int i = (int)(v % k), j = (int)(v / k), n = 0;
            double ref = 0;
            for (int d = 0; d < 4; d++) {
                int a = i + di[d], b = j + dj[d];
                if (a >= 0 && b >= 0 && a < k && b < k &&
                    done[(size_t)b * k + a]) {
                    ref += out[(size_t)b * k + a];
                    n++;
                }
            }
            if (n && q[v] > bq) {
                bq = q[v];
                best = v;
                bref = ref / n;
            }
        }
        if (best == nn)
            break;
        out[best] = bq >= 0.2 ? nearest(ph[best], bref) : bref;
        done[best] = 1;
    }
    free(done);
    return LABELS_OK;
}

/* Measure the displacement at every node of m on img (gradients gx, gy),
 * adding it to what m holds (img already resampled by it). */
static int measure(mesh *m, const labels_image *img, const float *gx,
                   const float *gy)
{
    int w = img->width, h = img->height, side = w > h ? w : h;
    double *cu = malloc(sizeof *cu * (size_t)side);
    double *su = malloc(sizeof *su * (size_t)side);
    size_t nn = (size_t)m->k * m->k;
    double *ex = calloc(nn, sizeof *ex), *ey = calloc(nn, sizeof *ey);
    if (!cu || !su || !ex || !ey) {
        free(cu);
        free(su);
        free(ex);
        free(ey);
        return LABELS_ERR_NOMEM;
    }
    for (int x = 0; x < side; x++)
        cis(2 * RD_PI * (x + 0.5 - m->margin) / m->pitch, &cu[x], &su[x]);
    /* Each node's phase and how much its boundaries agree on it (the
     * phasor's share of the gradient, per axis). */
    double *px = malloc(sizeof *px * nn), *py = malloc(sizeof *py * nn);
    double *qx = malloc(sizeof *qx * nn), *qy = malloc(sizeof *qy * nn);
    if (!px || !py || !qx || !qy) {
        free(px);
        free(py);
        free(qx);
        free(qy);
        free(cu);
        free(su);
        free(ex);
        free(ey);
        return LABELS_ERR_NOMEM;
    }
    for (int j = 0; j < m->k; j++)
        for (int i = 0; i < m->k; i++) {
            double c[4];
            double tot = phasors(m, gx, gy, w, h, cu, su, node_at(m, i),
                                 node_at(m, j), c);
            size_t q = (size_t)j * m->k + i;
            px[q] = -angle(c[1], c[0]) / (2 * RD_PI);
            py[q] = -angle(c[3], c[2]) / (2 * RD_PI);
            /* per axis, against half the gradient of both */
            qx[q] =
                tot > 0 ? 2 * rdops_root(c[0] * c[0] + c[1] * c[1]) / tot : 0;
            qy[q] =
                tot > 0 ? 2 * rdops_root(c[2] * c[2] + c[3] * c[3]) / tot : 0;
        }
    int rc = unwrap(m->k, px, qx, ex);
    if (rc == LABELS_OK)
        rc = unwrap(m->k, py, qy, ey);
    free(px);
    free(py);
    free(qx);
    free(qy);
    if (rc != LABELS_OK) {
        free(cu);
        free(su);
        free(ex);
        free(ey);
        return rc;
    }
    /* One pass of a 3 x 3 mean: a crease bends the print over tens of
     * modules, a node's own measure errs by a fraction of one. */
    for (size_t q = 0; q < nn; q++) {
        int i = (int)(q % m->k), j = (int)(q / m->k);
        double sx = 0, sy = 0;
        int n = 0;
        for (int b = j - 1; b <= j + 1; b++)
            for (int a = i - 1; a <= i + 1; a++)
                if (a >= 0 && b >= 0 && a < m->k && b < m->k) {
                    sx += ex[(size_t)b * m->k + a];
                    sy += ey[(size_t)b * m->k + a];
                    n++;
                }
        m->dx[q] += sx / n;
        m->dy[q] += sy / n;
    }
    free(cu);
    free(su);
    free(ex);
    free(ey);
    return LABELS_OK;
}

/* src resampled through m into out (same size): out's module (u, v)
 * from src's (u, v) + displacement. */
static void resample(const mesh *m, const labels_image *src, labels_image *out)
{
    for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++) {
            double u = (x + 0.5 - m->margin) / m->pitch;
            double v = (y + 0.5 - m->margin) / m->pitch;
            double ox, oy;
            field(m, u, v, &ox, &oy);
            double sx = x + ox * m->pitch, sy = y + oy * m->pitch;
            sx = sx < 0 ? 0 : sx > src->width - 1 ? src->width - 1 : sx;
            sy = sy < 0 ? 0 : sy > src->height - 1 ? src->height - 1 : sy;
            out->pixels[(size_t)y * out->stride + x] =
                (uint8_t)rdops_sample_cubic(src, sx, sy);
        }
}

/* How well n modules a side fit img's boundaries: the tent phasors'
 * share of the gradient, summed over the mesh's nodes (a few modules
 * each: a crease bends the grid too much for one phase across the whole
 * code, not within a few modules). */
static double fit_score(mesh *m, const labels_image *img, const float *gx,
                        const float *gy, double *cu, double *su)
{
    int w = img->width, h = img->height, side = w > h ? w : h;
    for (int x = 0; x < side; x++)
        cis(2 * RD_PI * (x + 0.5 - m->margin) / m->pitch, &cu[x], &su[x]);
    double score = 0;
    int n = 0;
    /* every other node: windows of 8 modules, 6 apart, still cover it */
    for (int j = 1; j < m->k - 1; j += 2)
        for (int i = 1; i < m->k - 1; i += 2, n++) {
            double c[4];
            double tot = phasors(m, gx, gy, w, h, cu, su, node_at(m, i),
                                 node_at(m, j), c);
            if (tot > 0)
                score += (rdops_root(c[0] * c[0] + c[1] * c[1]) +
                          rdops_root(c[2] * c[2] + c[3] * c[3])) /
                         tot;
        }
    return n ? score / n : 0;
}

/* The version (modules a side, 21 to 57) whose grid fits best. */
static int pick_size(mesh *m, const labels_image *img, const float *gx,
                     const float *gy, double side)
{
    int w = img->width > img->height ? img->width : img->height, best = 0;
    double *cu = malloc(sizeof *cu * (size_t)w);
    double *su = malloc(sizeof *su * (size_t)w), hi = -1;
    if (!cu || !su) {
        free(cu);
        free(su);
        return -1;
    }
    for (int n = 21; n <= 57; n += 4) {
        m->n = n;
        m->pitch = side / n;
        m->k = (n + NODE_STEP - 1) / NODE_STEP + 1;
        if (m->pitch < 2)
            break; /* a module under 2 pixels shows no phase */
        double s = fit_score(m, img, gx, gy, cu, su);
        if (s > hi) {
            hi = s;
            best = n;
        }
    }
    free(cu);
    free(su);
    return hi > 0 ? best : 0; /* no gradient: no grid */
}

int rdops_unwarp_mesh(labels_image *img, int margin, int rounds)
{
    if (!rdops_in_place_ok(img) || margin < 0 || rounds < 1)
        return LABELS_ERR_ARG;
    if (img->width - 2 * margin < 42 || img->height != img->width)
        return LABELS_ERR_IMAGE; /* under 2 pixels a module of version 1 */
    labels_image src = {0}, cur = {0};
    float *gx = NULL, *gy = NULL;
    mesh m = {0};
    m.margin = margin;
    double side = img->width - 2.0 * margin;
    int rc = rdops_crop(img, 0, 0, img->width, img->height, &src);
    if (rc == LABELS_OK)
        rc = gradients(&src, &gx, &gy);
    if (rc == LABELS_OK) {
        m.n = pick_size(&m, &src, gx, gy, side);
        rc = m.n < 0 ? LABELS_ERR_NOMEM : m.n == 0 ? LABELS_ERR_IMAGE : rc;
    }
    if (rc == LABELS_OK) {
        m.pitch = side / m.n;
        m.k = (m.n + NODE_STEP - 1) / NODE_STEP + 1;
        m.dx = calloc((size_t)m.k * m.k, sizeof *m.dx);
        m.dy = calloc((size_t)m.k * m.k, sizeof *m.dy);
        if (!m.dx || !m.dy)
            rc = LABELS_ERR_NOMEM;
    }
    if (rc == LABELS_OK)
        rc = rdops_crop(img, 0, 0, img->width, img->height, &cur);
    /* Each round measures what is left on the image the mesh so far
     * makes, then resamples the original once (not twice: each
     * resampling blurs). */
    for (int r = 0; rc == LABELS_OK && r < rounds; r++) {
        if (r > 0) {
            free(gx);
            free(gy);
            gx = gy = NULL;
            rc = gradients(&cur, &gx, &gy);
        }
        if (rc == LABELS_OK)
            rc = measure(&m, &cur, gx, gy);
        if (rc == LABELS_OK)
            resample(&m, &src, &cur);
    }
    if (rc == LABELS_OK)
        memcpy(img->pixels, cur.pixels, (size_t)img->width * img->height);
    free(gx);
    free(gy);
    free(m.dx);
    free(m.dy);
    labels_image_free(&src);
    labels_image_free(&cur);
    return rc;
}
