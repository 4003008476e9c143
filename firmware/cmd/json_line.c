/* json_line.c -- one JSON object per line on stdout (json_line.h). */
#include "json_line.h"

#include "log.h"

void json_line_begin(json_line *l)
{
    labels_json_begin(&l->j, l->buf, sizeof l->buf);
}

int json_line_print(json_line *l)
{
    size_t len = 0;
    int rc = labels_json_end(&l->j, &len);
    if (rc != LABELS_OK) {
        kiosk_log("cannot write a JSON line: %s", labels_strerror(rc));
        return -1;
    }
    if (fwrite(l->buf, 1, len, stdout) != len || fflush(stdout) != 0) {
        kiosk_log("cannot write the results");
        return -1;
    }
    return 0;
}
