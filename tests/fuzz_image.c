/* fuzz_image.c -- libFuzzer target for labels_image_read: any bytes as a
 * PNG, JPEG or PGM file must give an image or an error, never a crash,
 * leak or out-of-bounds access (the libjpeg error path uses longjmp). The
 * input goes through one temporary file, as a kiosk's camera frames and
 * uploaded images do. */
#include <labels.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];
static int fd = -1;

static void cleanup(void)
{
    if (fd >= 0)
        unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/tmp/ocop-fuzz-image-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        abort();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    labels_image img;
    /* A small pixel cap keeps each run fast; the cap itself is tested. */
    int rc = labels_image_read(path, 1 << 16, &img);
    if (rc == LABELS_OK) {
        if (img.width <= 0 || img.height <= 0 || img.stride < img.width ||
            (size_t)img.width * (size_t)img.height > (1u << 16))
            abort();
        unsigned sum = 0;
        for (int y = 0; y < img.height; y++)
            for (int x = 0; x < img.width; x++)
                sum += img.pixels[(size_t)y * img.stride + x];
        if (sum == 0xFFFFFFFFu) /* keeps the reads from being optimised out */
            abort();
        labels_image_free(&img);
    } else if (rc != LABELS_ERR_IMAGE && rc != LABELS_ERR_NOMEM) {
        abort();
    } else if (img.pixels) {
        abort(); /* an error leaves nothing to free */
    }
    return 0;
}
