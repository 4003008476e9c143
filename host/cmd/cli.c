/* cli.c -- what every ocop-host command shares: messages, numbers, an
 * output written to --out or standard output. */
#include "cmd/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ocop-host: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    /* strtoul would take "-1", " 7" and "+7"; a count or size is digits. */
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_write_out(const char *out, const char *buf, size_t len,
                  const char *what)
{
    if (out) {
        int lr = labels_file_write_atomic(out, buf, len, 0644, 0);
        if (lr != LABELS_OK) {
            cli_error("cannot write %s: %s", out, labels_strerror(lr));
            return LABELS_EXIT_FAIL;
        }
    } else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
        cli_error("cannot write %s: %s", what, strerror(errno));
        return LABELS_EXIT_FAIL;
    }
    return LABELS_EXIT_OK;
}
