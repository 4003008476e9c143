/* answer.h -- what ocop-kiosk scan and check share: the answer for one
 * QR text (judged, logged, printed as text or one JSON line), their
 * options, and their exit code. */
#ifndef OCOP_KIOSK_ANSWER_H
#define OCOP_KIOSK_ANSWER_H

#include "config.h"
#include "verdict_pipeline.h"

#include <stddef.h>

struct answer_run {
    struct kiosk_config cfg; /* the pipeline keeps a pointer to it */
    struct kiosk_verdicts v;
    int json;
    const char *file; /* image being scanned, or NULL */
    int codes;        /* codes found in the current image */
    int not_genuine;  /* any answer other than genuine */
    int not_ready;    /* no verdict could be given */
    int failed;       /* an answer could not be written */
    int log_warned;
};

/* --config FILE, --json, then at least one argument (left at optind).
 * 0, -1 after printing usage for --help, or LABELS_EXIT_USAGE. */
int answer_args(int argc, char **argv, const char *usage, const char **config,
                int *json);
/* Open the verdict pipeline; -1 (said on stdout and the log) when it is
 * not ready. */
int answer_open(struct answer_run *r, const struct kiosk_config *cfg);
/* answer_args, the configuration and answer_open in one: -1 to go on,
 * else the exit code (0 after --help). */
int answer_start(int argc, char **argv, const char *usage,
                 struct answer_run *r);
/* One QR text: judge, log, print. 0, or 1 when not ready (stop). */
int answer_text(void *ctx, const char *text, size_t len);
/* Close the pipeline, flush; the exit code. */
int answer_finish(struct answer_run *r);

#endif
