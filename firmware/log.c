/* log.c -- the kiosk's log lines. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void kiosk_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ocop-kiosk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
    va_end(ap);
}
