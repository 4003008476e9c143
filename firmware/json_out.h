/* json_out.h -- one JSON object per line, for scripts reading ocop-kiosk.
 *
 * QR texts are arbitrary bytes: strings are written as valid UTF-8 JSON,
 * with invalid sequences replaced by U+FFFD and control characters
 * escaped, so a hostile code cannot break the line structure. */
#ifndef OCOP_JSON_OUT_H
#define OCOP_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_out {
    FILE *f;
    int fields; /* fields written in the current object */
} json_out;

void json_begin(json_out *j, FILE *f);
void json_str(json_out *j, const char *key, const char *val, size_t len);
void json_cstr(json_out *j, const char *key, const char *val);
void json_int(json_out *j, const char *key, int64_t val);
void json_bool(json_out *j, const char *key, int val);
/* Close the object, end the line and flush; 0, or -1 on a write error. */
int json_end(json_out *j);

#endif
