// reader_zxing.cpp -- zxing-cpp 1.4 behind a C function for bench_reader.
#include "reader_zxing.h"

#include <ReadBarcode.h>

extern "C" int zx_decode(const uint8_t *pixels, int width, int height,
                         int stride,
                         void (*fn)(void *ctx, const char *data, size_t len),
                         void *ctx)
{
    try {
        ZXing::ImageView view(pixels, width, height, ZXing::ImageFormat::Lum,
                              stride);
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        hints.setTryHarder(true);
        hints.setTryRotate(true);
        hints.setTryDownscale(true);
        int n = 0;
        for (const auto &res : ZXing::ReadBarcodes(view, hints)) {
            if (!res.isValid())
                continue;
            const auto &b = res.bytes();
            n++;
            if (fn)
                fn(ctx, reinterpret_cast<const char *>(b.data()), b.size());
        }
        return n;
    } catch (...) {
        return -1;
    }
}
