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

/* The work arrays of one search, over a grid of gw x gh cells. */
struct grid {
    int cell, gw, gh;
    size_t g;
    int *mean, *ax, *ay, *score, *tmp, *queue;
    uint8_t *mask, *level; /* level: threshold doublings per cell */
    double (*pts)[2];
};

static int grid_alloc(struct grid *G)
{
    size_t g = G->g;
    G->mean = malloc(g * sizeof *G->mean);
    G->ax = calloc(g, sizeof *G->ax);
    G->ay = calloc(g, sizeof *G->ay);
    G->score = calloc(g, sizeof *G->score);
    G->tmp = malloc((g > HIST_BINS ? g : HIST_BINS) * sizeof *G->tmp);
    G->queue = malloc(g * sizeof *G->queue);
    G->mask = calloc(g, 1);
    G->level = calloc(g, 1);
    G->pts = malloc(sizeof *G->pts * 4 * (size_t)G->gh);
    return G->mean && G->ax && G->ay && G->score && G->tmp && G->queue &&
           G->mask && G->level && G->pts;
}

static void grid_free(struct grid *G)
{
    free(G->mean);
    free(G->ax);
    free(G->ay);
    free(G->score);
    free(G->tmp);
    free(G->queue);
    free(G->mask);
    free(G->level);
    free(G->pts);
}

/* Each cell's activity: the smaller of the horizontal and vertical
 * contrast summed over a window (a code has both; print and edges mostly
 * one). */
static void grid_score(struct grid *G, const labels_image *img)
{
    int cell = G->cell, gw = G->gw, gh = G->gh;
    int *mean = G->mean, *ax = G->ax, *ay = G->ay, *tmp = G->tmp;
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
    for (size_t i = 0; i < G->g; i++)
        G->score[i] = ax[i] < ay[i] ? ax[i] : ay[i];
}

/* Threshold against the frame's own typical activity (noise and
 * texture), with a floor for clean flat frames; marks the cells above it
 * and returns it. */
static int grid_threshold(struct grid *G, int *busy)
{
    int *tmp = G->tmp;
    memset(tmp, 0, HIST_BINS * sizeof *tmp);
    for (size_t i = 0; i < G->g; i++) {
        int b = G->score[i] >> HIST_SHIFT;
        tmp[b < HIST_BINS ? b : HIST_BINS - 1]++;
    }
    size_t acc = 0;
    int median;
    for (median = 0; median < HIST_BINS - 1; median++)
        if ((acc += (size_t)tmp[median]) > G->g / 2)
            break;
    median <<= HIST_SHIFT;
    int floor = 8 * (2 * WIN + 1) * (2 * WIN + 1);
    int thr = 2 * median + floor;
    /* Half the frame as busy as a code: a code filling it, or heavy
     * noise. Nothing may stand out then. */
    if (busy)
        *busy = median > BUSY * floor;
    for (size_t i = 0; i < G->g; i++)
        G->mask[i] = G->score[i] > thr;
    return thr;
}

/* One connected component (8-neighbours) of marked cells from start, in
 * G->queue[0..*qt); its bounding cells and summed score. */
struct blob {
    int x0, y0, x1, y1, cells, qt;
    long sum;
};

static void grid_blob(struct grid *G, size_t start, struct blob *b)
{
    int gw = G->gw, gh = G->gh, qh = 0, qt = 0;
    G->queue[qt++] = (int)start;
    G->mask[start] = 2;
    b->x0 = gw;
    b->y0 = gh;
    b->x1 = -1;
    b->y1 = -1;
    b->cells = 0;
    b->sum = 0;
    while (qh < qt) {
        int i = G->queue[qh++];
        int x = i % gw, y = i / gw;
        b->cells++;
        b->sum += G->score[i];
        if (x < b->x0)
            b->x0 = x;
        if (x > b->x1)
            b->x1 = x;
        if (y < b->y0)
            b->y0 = y;
        if (y > b->y1)
            b->y1 = y;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx, ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= gw || ny >= gh)
                    continue;
                size_t j = (size_t)ny * gw + nx;
                if (G->mask[j] == 1) {
                    G->mask[j] = 2;
                    G->queue[qt++] = (int)j;
                }
            }
    }
    b->qt = qt;
}

/* Too long or too sparse for a code, but a code may be its core: one
 * beside a line of print or a box edge joins them through the activity
 * window. Keep only the cells twice as active (up to three times over);
 * non-zero when some are left to look at again. */
static int blob_raise(struct grid *G, const struct blob *b, int thr)
{
    int any = 0;
    for (int q = 0; q < b->qt; q++) {
        int i = G->queue[q];
        if (G->level[i] < 3) {
            G->level[i]++;
            if (G->score[i] > thr << G->level[i]) {
                G->mask[i] = 1;
                any = 1;
                continue;
            }
        }
        G->mask[i] = 3;
    }
    return any;
}

/* The blob's outline: each cell row's two ends, then the best
 * quadrilateral on its hull, pulled in by the activity window's reach
 * past the code's edge. */
static void blob_quad(struct grid *G, const struct blob *b, rd_region *r)
{
    int cell = G->cell, gw = G->gw, np = 0;
    double(*pts)[2] = G->pts;
    int *rlo = G->tmp, *rhi = G->tmp + G->gh; /* tmp is free by now */
    r->has_quad = 0;
    for (int y = b->y0; y <= b->y1; y++) {
        rlo[y] = gw;
        rhi[y] = -1;
    }
    for (int q = 0; q < b->qt; q++) {
        int x = G->queue[q] % gw, y = G->queue[q] / gw;
        rlo[y] = x < rlo[y] ? x : rlo[y];
        rhi[y] = x > rhi[y] ? x : rhi[y];
    }
    for (int y = b->y0; y <= b->y1; y++) {
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
    if (!best_quad(pts, np, r->qx, r->qy))
        return;
    double mxc = 0, myc = 0;
    for (int c = 0; c < 4; c++) {
        mxc += r->qx[c] / 4;
        myc += r->qy[c] / 4;
    }
    for (int c = 0; c < 4; c++) {
        double dx = mxc - r->qx[c], dy = myc - r->qy[c];
        double d2 = dx * dx + dy * dy, pull = 1.4 * WIN * cell;
        if (d2 > 4 * pull * pull) {
            /* pull / |d| without libm: one Newton step from a good guess
             * is plenty here */
            double len = d2 > 1 ? d2 / 2 : 1;
            for (int it = 0; it < 30; it++)
                len = 0.5 * (len + d2 / len);
            r->qx[c] += dx * pull / len;
            r->qy[c] += dy * pull / len;
        }
    }
    r->has_quad = 1;
}

/* The region of a blob: its cells' box, and that box with a margin for
 * the quiet zone, clipped to the image. */
static void blob_box(const struct grid *G, const struct blob *b,
                     const labels_image *img, rd_region *r)
{
    int cell = G->cell;
    int bw = b->x1 - b->x0 + 1, bh = b->y1 - b->y0 + 1;
    r->bx = b->x0 * cell;
    r->by = b->y0 * cell;
    r->bw = bw * cell;
    r->bh = bh * cell;
    int mx = bw * cell / 5 + 2 * cell, my = bh * cell / 5 + 2 * cell;
    r->x = b->x0 * cell - mx;
    r->y = b->y0 * cell - my;
    r->w = bw * cell + 2 * mx;
    r->h = bh * cell + 2 * my;
    if (r->x < 0) {
        r->w += r->x;
        r->x = 0;
    }
    if (r->y < 0) {
        r->h += r->y;
        r->y = 0;
    }
    if (r->w > img->width - r->x)
        r->w = img->width - r->x;
    if (r->h > img->height - r->y)
        r->h = img->height - r->y;
    r->score = b->sum;
}

/* Keep the best max regions in out[0..*n), sorted by score. */
static void keep_best(rd_region *out, int max, int *n, const rd_region *r)
{
    int pos = *n < max ? *n : max;
    while (pos > 0 && out[pos - 1].score < r->score)
        pos--;
    if (pos >= max)
        return;
    int last = *n < max ? *n : max - 1;
    memmove(out + pos + 1, out + pos, (size_t)(last - pos) * sizeof *out);
    out[pos] = *r;
    if (*n < max)
        (*n)++;
}

int rd_find_regions(const labels_image *img, rd_region *out, int max, int *busy)
{
    if (busy)
        *busy = 0;
    if (!img || !img->pixels || !out || max < 1 || img->width <= 0 ||
        img->height <= 0 || img->stride < img->width)
        return LABELS_ERR_ARG;
    struct grid G;
    memset(&G, 0, sizeof G);
    G.cell = 4;
    while (img->width / G.cell > 640 || img->height / G.cell > 640)
        G.cell *= 2;
    G.gw = img->width / G.cell;
    G.gh = img->height / G.cell;
    if (G.gw < 8 || G.gh < 8)
        return 0;
    G.g = (size_t)G.gw * G.gh;
    int count = LABELS_ERR_NOMEM;
    if (!grid_alloc(&G))
        goto done;
    grid_score(&G, img);
    int thr = grid_threshold(&G, busy);

    /* Connected components, each a candidate rectangle. */
    int n = 0;
    for (size_t start = 0; start < G.g; start++) {
        if (G.mask[start] != 1)
            continue;
        struct blob b;
        for (;;) {
            grid_blob(&G, start, &b);
            int bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;
            /* A code is a compact blob, square or foreshortened up to
             * about 2:1 by a tilt; lines of print are longer. */
            if (b.cells < MIN_CELLS) {
                b.cells = 0;
                break;
            }
            if (5 * bw > 11 * bh || 5 * bh > 11 * bw || b.cells * 3 < bw * bh) {
                /* the blob's cells all come at or after start */
                if (blob_raise(&G, &b, thr) && G.mask[start] == 1)
                    continue;
                b.cells = 0;
            }
            break;
        }
        if (b.cells == 0)
            continue;
        rd_region r;
        blob_quad(&G, &b, &r);
        blob_box(&G, &b, img, &r);
        r.dark_ring = r.has_quad && dark_ring(img, &r);
        keep_best(out, max, &n, &r);
    }
    count = n;
done:
    grid_free(&G);
    return count;
}
