/* json_line.h -- the commands' --json output: one object per line on
 * stdout, built with labels/' JSON writer (labels_json_*, the one set of
 * escaping rules and verdict field names, docs/verdicts.md). */
#ifndef OCOP_KIOSK_JSON_LINE_H
#define OCOP_KIOSK_JSON_LINE_H

#include <labels.h>
#include <stdio.h>

/* Room for the longest line a command writes: a QR or scanner text of a
 * few kB, every byte possibly escaped as \u00XX, beside a verdict's
 * facts. */
#define JSON_LINE_MAX 65536

typedef struct json_line {
    labels_json j; /* add fields with labels_json_*(&line.j, ...) */
    char buf[JSON_LINE_MAX];
} json_line;

/* Start an object. */
void json_line_begin(json_line *l);
/* End the object and write it as one line to stdout, flushed. 0, or -1
 * (logged) when it did not fit or could not be written. */
int json_line_print(json_line *l);

#endif
