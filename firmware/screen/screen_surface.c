/* screen_surface.c -- the surface one screen is rendered into, in its own
 * mapping (screen_render.h says why). */
#include "screen_render.h"

#include <sys/mman.h>

cairo_surface_t *screen_surface_new(int width, int height, screen_pixels *px)
{
    px->data = NULL;
    px->size = 0;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
    if (stride <= 0 || height <= 0)
        return NULL;
    size_t size = (size_t)stride * (size_t)height;
    void *data = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED)
        return NULL;
    cairo_surface_t *surf = cairo_image_surface_create_for_data(
        data, CAIRO_FORMAT_ARGB32, width, height, stride);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        munmap(data, size);
        return NULL;
    }
    px->data = data;
    px->size = size;
    return surf;
}

void screen_surface_free(cairo_surface_t *surface, screen_pixels *px)
{
    if (surface)
        cairo_surface_destroy(surface);
    if (px && px->data) {
        munmap(px->data, px->size);
        px->data = NULL;
        px->size = 0;
    }
}
