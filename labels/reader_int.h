/* reader_int.h -- internals of the camera QR reader (qr_reader.c), shared
 * with its helpers: grey-level operations (image_ops.c), deconvolution
 * (reader_deblur.c, reader_wiener.c), geometry (reader_warp.c) and the search
 * for regions where a code is likely (reader_regions.c). Not public API. */
#ifndef READER_INT_H
#define READER_INT_H

#include "labels.h"

/* Every image these functions make has stride == width and is freed with
 * labels_image_free(). They return a labels_err. In-place operations take
 * images with stride == width of at most RDOPS_MAX_PIXELS pixels. */
#define RDOPS_MAX_PIXELS (16 * 1024 * 1024)

/* Non-zero if img suits an in-place operation (see above). */
int rdops_in_place_ok(const labels_image *img);

/* Copy the w x h rectangle at (x, y) of src (clipped to src). */
int rdops_crop(const labels_image *src, int x, int y, int w, int h,
               labels_image *out);
/* Resample src to ow x oh: cubic (Catmull-Rom) when enlarging, box
 * average when shrinking (so shrinking also averages the noise away). */
int rdops_resize(const labels_image *src, int ow, int oh, labels_image *out);
/* img's grey level at (x, y) (pixel centres at whole numbers; x, y >= 0)
 * by Catmull-Rom interpolation, edges repeated. */
int rdops_sample_cubic(const labels_image *img, double x, double y);
/* Stretch grey levels so the 1st..99th percentile spans 0..255. */
void rdops_stretch(labels_image *img);
/* Box blur of radius r (one pass), in place. */
int rdops_box_blur(labels_image *img, int r);
/* Unsharp mask: img + amount/100 * (img - box_blur(img, r)), in place. */
int rdops_sharpen(labels_image *img, int r, int amount);
/* Local threshold: black where a pixel is darker than the mean of its
 * (2r+1)^2 window, white elsewhere and where the window is flat (range
 * below min_range), in place. */
int rdops_binarise(labels_image *img, int r, int min_range);
/* Local contrast normalisation: each pixel as its distance from the mean
 * of its (2r+1)^2 window in units of the window's standard deviation (at
 * least min_sd), around mid grey. Undoes shadows, glare, dim light and low
 * contrast while keeping grey edges for ZBar's own thresholding. */
int rdops_normalise(labels_image *img, int r, int min_sd);

/* Square root without libm (the library links no maths library). */
double rdops_root(double v);

/* Direction of motion blur in img as a unit vector times 1000 in *dx,
 * *dy: 0, or -1 when its gradients look the same in every direction. */
int rdops_blur_dir(const labels_image *img, int *dx, int *dy);
/* Undo blur by a known point spread function (a line of len pixels along
 * (dx, dy) / 1000, or a len-wide box when dx == dy == 0) with iters rounds
 * of Van Cittert deconvolution. In place. */
int rdops_deblur(labels_image *img, int dx, int dy, int len, int iters);

/* Radius of the disc a defocused lens blurred img with, in tenths of a
 * pixel, estimated from its steepest edges against its contrast (0 when
 * img is flat). Sharp camera frames give 10-15. */
int rdops_defocus_radius(const labels_image *img);
/* Length of a motion blur along (dx, dy) / 1000 (rdops_blur_dir's
 * direction), in tenths of a pixel, from its steepest edges along it
 * against its contrast (0 when img is flat). Sharp camera frames give
 * 20-40, under any perspective. */
int rdops_blur_length(const labels_image *img, int dx, int dy);
/* Undo a disc blur of radius r10 / 10 pixels with iters rounds of
 * Landweber deconvolution. In place. */
int rdops_deblur_disc(labels_image *img, int r10, int iters);

/* Length of the motion blur in img, in tenths of a pixel, measured on
 * img's own edges (reader_wiener.c), and its direction: *dx, *dy (from
 * rdops_blur_dir) turned to where the edges say, within 16 degrees. 0
 * when img is too small to tell. */
int rdops_motion_psf(const labels_image *img, int *dx, int *dy);
/* Undo a blur by Wiener deconvolution in the frequency domain: a line of
 * len10 / 10 pixels along (dx, dy) / 1000, or, when dx == dy == 0, a
 * Gaussian of standard deviation len10 / 10 pixels. In place. */
int rdops_wiener(labels_image *img, int dx, int dy, int len10);

/* The 2-D Fourier transform of a real nx x ny image (reader_fft.c):
 * the half spectrum u = 0..nx/2 (the rest is its conjugate), row v of
 * it at re + v * hx, im + v * hx; frequency u means u / nx cycles a
 * pixel, and u, v past half the size are negative ones. */
#define RD_PI 3.14159265358979323846
typedef struct rd_fft_plan {
    int n;
    float *c, *s, *tmp; /* twiddles, and the odd factors' room */
} rd_fft_plan;
typedef struct rd_fft2 {
    int nx, ny, hx; /* hx = nx / 2 + 1 */
    float *re, *im;
    float *row; /* a row pair's and a column's room */
    rd_fft_plan px, py;
} rd_fft2;
/* The transform size for n pixels: 2^k, 3, 5 or 15 times 2^k points,
 * at least n and 8. */
int rd_fft_size(int n);
/* nx and ny even, from rd_fft_size. */
int rd_fft2_init(rd_fft2 *f, int nx, int ny);
void rd_fft2_free(rd_fft2 *f);
/* The image to transform, row y of it into row (nx values), and the
 * image transformed back, row y of it from row. */
typedef void (*rd_row_in)(void *ctx, int y, float *row);
typedef void (*rd_row_out)(void *ctx, int y, const float *row);
/* The image in() gives (rows 0..ny-1, in order) to f->re, f->im. */
void rd_fft2_forward(rd_fft2 *f, rd_row_in in, void *ctx);
/* f->re, f->im (a real image's half spectrum) back to the image, scaled
 * by 1 / (nx ny), given to out() row by row, in order; f->re, f->im are
 * clobbered. */
void rd_fft2_inverse(rd_fft2 *f, rd_row_out out, void *ctx);
/* sin(pi x), within 1e-9 (the library links no maths library) */
double rdops_sin_pi(double x);

/* Warp the quadrilateral (qx, qy) of src (corners in order round it) to
 * a side x side square with a white margin of margin pixels round it:
 * undoes perspective and shear when the quadrilateral is a code's
 * outline. */
int rdops_warp_quad(const labels_image *src, const double qx[4],
                    const double qy[4], int side, int margin,
                    labels_image *out);

/* The part of the plane the quadrilateral (qx, qy) shows (a sheet of
 * labels side by side under one perspective) that lies over the
 * rectangle rx[0]..rx[1] x ry[0]..ry[1] of the image, as a quadrilateral
 * (sx, sy) in the same order: the rectangle's corners taken into the
 * plane, the smallest rectangle there holding them (within the
 * quadrilateral), and back. LABELS_ERR_IMAGE when (qx, qy) is
 * degenerate. */
int rdops_sub_quad(const double qx[4], const double qy[4], const double rx[2],
                   const double ry[2], double sx[4], double sy[4]);

/* Move each side of the quadrilateral (qx, qy) of img (a code's outline
 * as the region search saw it, good to a few pixels) by up to reach
 * pixels at either end onto the code's edge: where img is lightest just
 * outside (the quiet zone) against darkest just inside. The warp of a
 * code under strong perspective needs its corners to a fraction of a
 * module. LABELS_ERR_IMAGE, the quadrilateral unchanged, when no side
 * has such an edge. */
int rdops_fit_quad(const labels_image *img, double qx[4], double qy[4],
                   int reach);

/* Flatten a code wrapped round a cylinder: in the square between margin
 * and the opposite margin, positions along one axis (vertical: along y)
 * are moved from where a cylinder of half-angle theta_deg showed them to
 * where the flat label had them. In place. */
int rdops_uncurve(labels_image *img, int margin, int vertical, int theta_deg);

/* Flatten a code on a crumpled or curved pouch in the rectified square
 * img (the code between margin and the opposite margin, as
 * rdops_warp_quad makes it): the module grid measured on a mesh of nodes
 * a few modules apart (reader_mesh.c), then img resampled onto an
 * upright grid; rounds measurements, each on the last resampling. In
 * place. LABELS_ERR_IMAGE when no grid of 21 to 57 modules shows. */
int rdops_unwarp_mesh(labels_image *img, int margin, int rounds);

/* A rectangle of a frame where a code is likely. */
typedef struct rd_region {
    int x, y, w, h;     /* the blob with a margin for retries, clipped */
    int bx, by, bw, bh; /* the blob itself (cells above the threshold) */
    long score;
    /* Corners of the largest quadrilateral in the blob, in order round
     * it (pixels): the code's outline as perspective drew it. */
    int has_quad;
    double qx[4], qy[4];
    /* darker round the blob than in it: light modules on a dark ground */
    int dark_ring;
} rd_region;

#define RD_MAX_REGIONS 4

/* Regions of img with dense two-dimensional edges, best first. Returns how
 * many (0..max), or a negative labels_err. Costs a fraction of a ZBar
 * pass: one read of every pixel, then work on a 1/16 size map. *busy (may
 * be NULL) is set when half the frame is as active as a code (a code
 * filling the frame, heavy noise): then nothing may stand out. */
int rd_find_regions(const labels_image *img, rd_region *out, int max,
                    int *busy);

/* The reader's ZBar pass (reader_zbar.c): QR only, as labels_decode, but
 * each code comes with the box round the corners ZBar located:
 * box[0..3] = x0, y0, x1, y1 (x1, y1 exclusive) in img's pixels. */
typedef struct rd_zbar rd_zbar;
typedef int (*rd_code_fn)(void *ctx, const char *data, size_t len,
                          const int box[4]);
rd_zbar *rd_zbar_new(void);
void rd_zbar_free(rd_zbar *z);
/* One ZBar pass over img; fn (return non-zero to stop) per code. */
int rd_zbar_decode(rd_zbar *z, const labels_image *img, rd_code_fn fn,
                   void *ctx, int *found);

/* Worker threads (reader_pool.c). rd_pool_run() runs work(ctx, 0) on the
 * caller and work(ctx, w) on each worker w = 1..n at once, and returns
 * when all have returned; with p NULL, only work(ctx, 0). */
#define RD_POOL_MAX 3
typedef struct rd_pool rd_pool;
rd_pool *rd_pool_new(int workers); /* NULL if no thread could start */
void rd_pool_free(rd_pool *p);
int rd_pool_workers(const rd_pool *p);
void rd_pool_run(rd_pool *p, void (*work)(void *ctx, int w), void *ctx);

/* Name of the attempt ("plain", "bin", ...) that made the first read of
 * rd's last labels_read() call, or NULL: for the benchmark's notes. */
const char *rd_last_hit(const labels_reader *rd);

/* How many pixels rd's last labels_read() call gave ZBar, all passes and
 * threads together: what live mode saves is visible without a clock. */
double rd_last_pixels(const labels_reader *rd);

/* At most n worker threads for rd's live retries (default: one per spare
 * core, at most RD_POOL_MAX), before its first live call: for the
 * benchmark's comparisons. */
int rd_set_workers(labels_reader *rd, int n);

#endif
