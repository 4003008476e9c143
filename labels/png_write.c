/* png_write.c -- 8-bit grey images to PNG files (libpng), atomically. */
#include "labels.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

int labels_png_write(const char *path, const labels_image *img)
{
    if (!path || !img || !img->pixels || img->width <= 0 || img->height <= 0)
        return LABELS_ERR_ARG;
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)img->width;
    pi.height = (png_uint_32)img->height;
    pi.format = PNG_FORMAT_GRAY;
    png_alloc_size_t size = 0;
    /* First call sizes the buffer, second fills it. */
    if (!png_image_write_to_memory(&pi, NULL, &size, 0, img->pixels,
                                   img->stride, NULL))
        return LABELS_ERR_IMAGE;
    void *buf = malloc(size);
    if (!buf)
        return LABELS_ERR_NOMEM;
    int rc = LABELS_ERR_IMAGE;
    if (png_image_write_to_memory(&pi, buf, &size, 0, img->pixels, img->stride,
                                  NULL))
        rc = labels_file_write_atomic(path, buf, size, 0644, 0);
    png_image_free(&pi);
    free(buf);
    return rc;
}
