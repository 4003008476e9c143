/* reader_regions.c -- where in a frame a QR code is likely: blocks whose
 * grey level changes densely in both directions, grown into rectangles.
 * One read of every pixel into a map of 4x4-pixel cell means, then all
 * work on the map, so the search costs a few percent of a ZBar pass and
 * can run on every frame. Cell means also average the sensor noise down,
 * and a minimum of the horizontal and vertical activity ignores the
 * straight edges of boxes and shelves. */
#include "reader_int.h"

#include <stdlib.h>
#include <string.h>

#define WIN 2 /* activity window radius, cells */
/* The smallest code worth a retry: 21 modules of 1.5 pixels is 32x32
 * pixels, 64 cells; boxes, glyphs and shelf edges make smaller blobs. */
#define MIN_CELLS 48

#define HIST_BINS 4096
#define HIST_SHIFT 3 /* scores per bin: 8 */

#define HULL_MAX 32
#define BUSY 4 /* median activity, in floors, of a busy frame */

static double cross(const double *o, const double *a, const double *b)
{
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

static int cmp_pt(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* The largest quadrilateral with corners on the convex hull of pts (n
 * points, modified), as perspective drew the code's outline. */
static int best_quad(double (*pts)[2], int n, double qx[4], double qy[4])
{
    if (n < 4)
        return 0;
    qsort(pts, (size_t)n, sizeof pts[0], cmp_pt);
    /* on the heap: a reader may run on a thread with a small stack */
    double(*hull)[2] = malloc(sizeof *hull * (2 * (size_t)n + 2));
    if (!hull)
        return 0;
    int k = 0;
    for (int i = 0; i < n; i++) { /* lower hull */
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0)
            k--;
        hull[k][0] = pts[i][0];
        hull[k++][1] = pts[i][1];
    }
    for (int i = n - 2, t = k + 1; i >= 0; i--) { /* upper hull */
        while (k >= t && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0)
            k--;
        hull[k][0] = pts[i][0];
        hull[k++][1] = pts[i][1];
    }
    int h = k - 1;
    if (h < 4) {
        free(hull);
        return 0;
    }
    /* Thin long hulls to HULL_MAX evenly spaced vertices. */
    double v[HULL_MAX][2];
    int m = h < HULL_MAX ? h : HULL_MAX;
    for (int i = 0; i < m; i++) {
        v[i][0] = hull[(long)i * h / m][0];
        v[i][1] = hull[(long)i * h / m][1];
    }
    free(hull);
    double best = -1;
    int bi[4] = {0, 0, 0, 0};
    for (int i = 0; i < m; i++)
        for (int j = i + 2; j < m; j++) {
            /* diagonal i-j: the farthest vertex on each side */
            double a1 = -1, a2 = -1;
            int p1 = -1, p2 = -1;
            for (int t = i + 1; t < j; t++) {
                double a = cross(v[i], v[t], v[j]);
                a = a < 0 ? -a : a;
                if (a > a1) {
                    a1 = a;
                    p1 = t;
                }
            }
            for (int t = j + 1; t < m + i; t++) {
                int tt = t % m;
                double a = cross(v[i], v[tt], v[j]);
                a = a < 0 ? -a : a;
                if (a > a2) {
                    a2 = a;
                    p2 = tt;
                }
            }
            if (p1 >= 0 && p2 >= 0 && a1 + a2 > best) {
                best = a1 + a2;
                bi[0] = i;
                bi[1] = p1;
                bi[2] = j;
                bi[3] = p2;
            }
        }
    if (best <= 0)
        return 0;
    for (int c = 0; c < 4; c++) {
        qx[c] = v[bi[c]][0];
        qy[c] = v[bi[c]][1];
    }
    return 1;
}

static int sample(const labels_image *img, double x, double y)
{
    int ix = (int)x, iy = (int)y;
    if (ix < 1 || iy < 1 || ix >= img->width - 1 || iy >= img->height - 1)
        return -1;
    const uint8_t *p = img->pixels + (size_t)iy * img->stride + ix;
    return (p[-1] + p[0] + p[1] + p[-(long)img->stride] + p[img->stride]) / 5;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Light modules on a dark ground? Round a code lies its quiet zone, a
 * band of at least 4 modules as light as its light modules on a dark on
 * light code, as dark as its dark ones when inverted. The quadrilateral
 * is only roughly the code's outline, so rings at several sizes round
 * its centre are sampled, and the most even one (smallest spread between
 * its quartiles: the band, not modules or the scene) is taken for the
 * quiet zone and compared with the code's own range (10th and 90th
 * percentile of points inside it). */
static int dark_ring(const labels_image *img, const rd_region *r)
{
    enum { EDGE = 8, GRID = 12, RINGS = 6 };
    static const double grow[RINGS] = {0.85, 0.9, 0.95, 1.0, 1.05, 1.1};
    int ring[4 * EDGE], in[GRID * GRID], ni = 0;
    double cx = 0, cy = 0;
    for (int c = 0; c < 4; c++) {
        cx += r->qx[c] / 4;
        cy += r->qy[c] / 4;
    }
    /* inside: a bilinear grid over the quadrilateral's middle 60 % */
    for (int j = 0; j < GRID; j++)
        for (int i = 0; i < GRID; i++) {
            double u = 0.2 + 0.6 * (i + 0.5) / GRID,
                   v = 0.2 + 0.6 * (j + 0.5) / GRID;
            double x = (1 - u) * (1 - v) * r->qx[0] + u * (1 - v) * r->qx[1] +
                       u * v * r->qx[2] + (1 - u) * v * r->qx[3];
            double y = (1 - u) * (1 - v) * r->qy[0] + u * (1 - v) * r->qy[1] +
                       u * v * r->qy[2] + (1 - u) * v * r->qy[3];
            int s = sample(img, x, y);
            if (s >= 0)
                in[ni++] = s;
        }
    if (ni < 16)
        return 0;
    qsort(in, (size_t)ni, sizeof in[0], cmp_int);
    int lo = in[ni / 10], hi = in[ni - 1 - ni / 10];
    int best_spread = 256, level = -1;
    for (int g = 0; g < RINGS; g++) {
        int nr = 0;
        for (int c = 0; c < 4; c++)
            for (int k = 0; k < EDGE; k++) {
                double t = (k + 0.5) / EDGE;
                double x = r->qx[c] + t * (r->qx[(c + 1) % 4] - r->qx[c]);
                double y = r->qy[c] + t * (r->qy[(c + 1) % 4] - r->qy[c]);
                int v = sample(img, cx + grow[g] * (x - cx),
                               cy + grow[g] * (y - cy));
                if (v >= 0)
                    ring[nr++] = v;
            }
        if (nr < 4 * EDGE / 2)
            continue;
        qsort(ring, (size_t)nr, sizeof ring[0], cmp_int);
        int spread = ring[nr - 1 - nr / 4] - ring[nr / 4];
        if (spread < best_spread) {
            best_spread = spread;
            level = ring[nr / 2];
        }
    }
    return level >= 0 && 2 * level < lo + hi;
}

int rd_find_regions(const labels_image *img, rd_region *out, int max, int *busy)
{
    if (busy)
        *busy = 0;
    if (!img || !img->pixels || !out || max < 1 || img->width <= 0 ||
        img->height <= 0 || img->stride < img->width)
        return LABELS_ERR_ARG;
    int cell = 4;
    while (img->width / cell > 640 || img->height / cell > 640)
        cell *= 2;
    int gw = img->width / cell, gh = img->height / cell;
    if (gw < 8 || gh < 8)
        return 0;
    size_t g = (size_t)gw * gh;
    int *mean = malloc(g * sizeof *mean);
    int *ax = calloc(g, sizeof *ax);
    int *ay = calloc(g, sizeof *ay);
    int *score = calloc(g, sizeof *score);
    int *tmp = malloc((g > HIST_BINS ? g : HIST_BINS) * sizeof *tmp);
    int *queue = malloc(g * sizeof *queue);
    uint8_t *mask = calloc(g, 1);
    uint8_t *level = calloc(g, 1); /* threshold doublings per cell */
    double(*pts)[2] = malloc(sizeof *pts * 4 * (size_t)gh);
    int count = LABELS_ERR_NOMEM;
    if (!mean || !ax || !ay || !score || !tmp || !queue || !mask || !level ||
        !pts)
        goto done;

    /* Cell means, scaled by 16 to keep precision without division. */
    int shift = 0;
    while ((1 << shift) < cell * cell)
        shift++;
    for (int cy = 0; cy < gh; cy++) {
        int *row = mean + (size_t)cy * gw;
        memset(row, 0, (size_t)gw * sizeof *row);
        for (int j = 0; j < cell; j++) {
            const uint8_t *p =
                img->pixels + (size_t)(cy * cell + j) * img->stride;
            for (int cx = 0; cx < gw; cx++) {
                int s = 0;
                for (int i = 0; i < cell; i++)
                    s += p[cx * cell + i];
                row[cx] += s;
            }
        }
        for (int cx = 0; cx < gw; cx++)
            row[cx] = (row[cx] << 4) >> shift;
    }
    for (int y = 0; y < gh; y++)
        for (int x = 0; x < gw; x++) {
            size_t i = (size_t)y * gw + x;
            if (x + 1 < gw)
                ax[i] = abs(mean[i + 1] - mean[i]);
            if (y + 1 < gh)
                ay[i] = abs(mean[i + gw] - mean[i]);
        }
    /* Window sums of each direction (separable), then the smaller one. */
    int *dirs[2] = {ax, ay};
    for (int d = 0; d < 2; d++) {
        int *a = dirs[d];
        for (int y = 0; y < gh; y++)
            for (int x = 0; x < gw; x++) {
                int s = 0;
                for (int k = -WIN; k <= WIN; k++)
                    if (x + k >= 0 && x + k < gw)
                        s += a[(size_t)y * gw + x + k];
                tmp[(size_t)y * gw + x] = s;
            }
        for (int y = 0; y < gh; y++)
            for (int x = 0; x < gw; x++) {
                int s = 0;
                for (int k = -WIN; k <= WIN; k++)
                    if (y + k >= 0 && y + k < gh)
                        s += tmp[(size_t)(y + k) * gw + x];
                a[(size_t)y * gw + x] = s;
            }
    }
    for (size_t i = 0; i < g; i++)
        score[i] = ax[i] < ay[i] ? ax[i] : ay[i];

    /* Threshold against the frame's own typical activity (noise and
     * texture), with a floor for clean flat frames. */
    memset(tmp, 0, HIST_BINS * sizeof *tmp);
    for (size_t i = 0; i < g; i++) {
        int b = score[i] >> HIST_SHIFT;
        tmp[b < HIST_BINS ? b : HIST_BINS - 1]++;
    }
    size_t acc = 0;
    int median;
    for (median = 0; median < HIST_BINS - 1; median++)
        if ((acc += (size_t)tmp[median]) > g / 2)
            break;
    median <<= HIST_SHIFT;
    int floor = 8 * (2 * WIN + 1) * (2 * WIN + 1);
    int thr = 2 * median + floor;
    /* Half the frame as busy as a code: a code filling it, or heavy
     * noise. Nothing may stand out then. */
    if (busy)
        *busy = median > BUSY * floor;
    for (size_t i = 0; i < g; i++)
        mask[i] = score[i] > thr;

    /* Connected components (8-neighbours), each a candidate rectangle. */
    int n = 0;
    for (size_t start = 0; start < g; start++) {
        if (mask[start] != 1)
            continue;
    again:;
        int qh = 0, qt = 0;
        queue[qt++] = (int)start;
        mask[start] = 2;
        int x0 = gw, y0 = gh, x1 = -1, y1 = -1, cells = 0;
        long sum = 0;
        while (qh < qt) {
            int i = queue[qh++];
            int x = i % gw, y = i / gw;
            cells++;
            sum += score[i];
            if (x < x0)
                x0 = x;
            if (x > x1)
                x1 = x;
            if (y < y0)
                y0 = y;
            if (y > y1)
                y1 = y;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= gw || ny >= gh)
                        continue;
                    size_t j = (size_t)ny * gw + nx;
                    if (mask[j] == 1) {
                        mask[j] = 2;
                        queue[qt++] = (int)j;
                    }
                }
        }
        int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        /* A code is a compact blob, square or foreshortened up to about
         * 2:1 by a tilt; lines of print are longer. */
        if (cells < MIN_CELLS)
            continue;
        if (5 * bw > 11 * bh || 5 * bh > 11 * bw || cells * 3 < bw * bh) {
            /* Too long or too sparse for a code, but a code may be its
             * core: one beside a line of print or a box edge joins them
             * through the activity window. Keep only the cells twice as
             * active (up to three times over) and look again. */
            int any = 0;
            for (int q = 0; q < qt; q++) {
                int i = queue[q];
                if (level[i] < 3) {
                    level[i]++;
                    if (score[i] > thr << level[i]) {
                        mask[i] = 1;
                        any = 1;
                        continue;
                    }
                }
                mask[i] = 3;
            }
            /* the blob's cells all come at or after start */
            if (any && mask[start] == 1)
                goto again;
            continue;
        }
        rd_region r;
        /* The blob's outline: each cell row's two ends, then the best
         * quadrilateral on its hull, pulled in by the activity window's
         * reach past the code's edge. */
        r.has_quad = 0;
        {
            int np = 0;
            int *rlo = tmp, *rhi = tmp + gh; /* tmp is free by now */
            for (int y = y0; y <= y1; y++) {
                rlo[y] = gw;
                rhi[y] = -1;
            }
            for (int q = 0; q < qt; q++) {
                int x = queue[q] % gw, y = queue[q] / gw;
                rlo[y] = x < rlo[y] ? x : rlo[y];
                rhi[y] = x > rhi[y] ? x : rhi[y];
            }
            for (int y = y0; y <= y1; y++) {
                int lo = rlo[y], hi = rhi[y];
                if (hi < 0)
                    continue;
                double ys[2] = {(double)y * cell, (double)(y + 1) * cell};
                for (int e = 0; e < 2; e++) {
                    pts[np][0] = (double)lo * cell;
                    pts[np++][1] = ys[e];
                    pts[np][0] = (double)(hi + 1) * cell;
                    pts[np++][1] = ys[e];
                }
            }
            if (best_quad(pts, np, r.qx, r.qy)) {
                double mxc = 0, myc = 0;
                for (int c = 0; c < 4; c++) {
                    mxc += r.qx[c] / 4;
                    myc += r.qy[c] / 4;
                }
                for (int c = 0; c < 4; c++) {
                    double dx = mxc - r.qx[c], dy = myc - r.qy[c];
                    double d2 = dx * dx + dy * dy, pull = 1.4 * WIN * cell;
                    if (d2 > 4 * pull * pull) {
                        /* pull / |d| without libm: one Newton step from a
                         * good guess is plenty here */
                        double len = d2 > 1 ? d2 / 2 : 1;
                        for (int it = 0; it < 30; it++)
                            len = 0.5 * (len + d2 / len);
                        r.qx[c] += dx * pull / len;
                        r.qy[c] += dy * pull / len;
                    }
                }
                r.has_quad = 1;
            }
        }
        r.bx = x0 * cell;
        r.by = y0 * cell;
        r.bw = bw * cell;
        r.bh = bh * cell;
        int mx = bw * cell / 5 + 2 * cell, my = bh * cell / 5 + 2 * cell;
        r.x = x0 * cell - mx;
        r.y = y0 * cell - my;
        r.w = bw * cell + 2 * mx;
        r.h = bh * cell + 2 * my;
        if (r.x < 0) {
            r.w += r.x;
            r.x = 0;
        }
        if (r.y < 0) {
            r.h += r.y;
            r.y = 0;
        }
        if (r.w > img->width - r.x)
            r.w = img->width - r.x;
        if (r.h > img->height - r.y)
            r.h = img->height - r.y;
        r.score = sum;
        r.dark_ring = r.has_quad && dark_ring(img, &r);
        /* Keep the best max, sorted by score. */
        int pos = n < max ? n : max;
        while (pos > 0 && out[pos - 1].score < r.score)
            pos--;
        if (pos >= max)
            continue;
        int last = n < max ? n : max - 1;
        memmove(out + pos + 1, out + pos, (size_t)(last - pos) * sizeof *out);
        out[pos] = r;
        if (n < max)
            n++;
    }
    count = n;
done:
    free(mean);
    free(ax);
    free(ay);
    free(score);
    free(tmp);
    free(queue);
    free(mask);
    free(level);
    free(pts);
    return count;
}
