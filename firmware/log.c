/* log.c -- the kiosk's log lines. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void emit(const char *prefix, const char *fmt, va_list ap)
{
    /* Formatted whole, then written at once: one line, one write. */
    char line[2048];
    int n = snprintf(line, sizeof line, "%socop-kiosk: ", prefix);
    if (n < 0)
        return;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    fwrite(line, 1, len, stderr);
    fflush(stderr);
}

void kiosk_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void kiosk_logl(int level, const char *fmt, ...)
{
    char prefix[8];
    snprintf(prefix, sizeof prefix, "<%d>", level);
    va_list ap;
    va_start(ap, fmt);
    emit(prefix, fmt, ap);
    va_end(ap);
}
