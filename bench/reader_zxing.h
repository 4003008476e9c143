/* reader_zxing.h -- the benchmark's C view of zxing-cpp (never in the
 * product: only bench_reader links it, as the outside yardstick). */
#ifndef READER_ZXING_H
#define READER_ZXING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Decode QR codes in an 8-bit grey image with zxing-cpp (try harder,
 * rotations, downscaling: its strongest settings). Calls fn once per
 * valid code with its raw bytes. Returns the number of codes, or -1 if
 * zxing-cpp threw. */
int zx_decode(const uint8_t *pixels, int width, int height, int stride,
              void (*fn)(void *ctx, const char *data, size_t len), void *ctx);

#ifdef __cplusplus
}
#endif
#endif
