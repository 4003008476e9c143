/* wedge.h -- a USB keyboard-wedge barcode scanner as a source of lines.
 *
 * A wedge scanner types the code it read and presses Enter. Its input
 * arrives either as Linux evdev key events (/dev/input/eventN, grabbed so
 * the keystrokes do not reach a console) or as bytes on stdin. Both are
 * turned into lines here: bounded in length, with lines that overflow
 * reported once as such and not passed on, and a partial line dropped
 * when the keys stop mid-way (a scanner types a whole code in a burst).
 */
#ifndef OCOP_WEDGE_H
#define OCOP_WEDGE_H

#include <linux/input.h>
#include <stddef.h>
#include <stdint.h>

#define WEDGE_LINE_MAX 4096

/* Called with a complete line (no line end, not NUL-terminated in
 * general). overflow: the line was longer than WEDGE_LINE_MAX and text
 * holds only its start. Return non-zero to stop reading. */
typedef int (*wedge_line_fn)(void *ctx, const char *text, size_t len,
                             int overflow);

typedef struct wedge {
    int shift; /* shift keys held */
    size_t len;
    int overflow;
    int lost;        /* the kernel dropped events (SYN_DROPPED) in this line */
    int64_t last_ms; /* time of the last key or byte */
    int64_t idle_ms; /* drop a partial line after this gap; 0: never */
    char buf[WEDGE_LINE_MAX];
} wedge;

void wedge_init(wedge *w, int64_t idle_ms);
/* Feed one evdev event at time now_ms. Returns the callback's value, or 0.
 * A line in which the kernel dropped events (EV_SYN SYN_DROPPED: the
 * reader fell behind) is not passed on: with a key missing it would be
 * judged as another code: a genuine label would show as malformed. */
int wedge_event(wedge *w, const struct input_event *ev, int64_t now_ms,
                wedge_line_fn fn, void *ctx);
/* Feed raw bytes (stdin mode); "\n", "\r" and "\r\n" end lines. */
int wedge_bytes(wedge *w, const char *data, size_t len, int64_t now_ms,
                wedge_line_fn fn, void *ctx);

/* Open an evdev device and grab it; returns an fd or -1 (errno set). */
int wedge_open_evdev(const char *path);

#endif
