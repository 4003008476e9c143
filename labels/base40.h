/* base40.h -- the packing of label codes, shared by the label and badge
 * formats (docs/label-format.md). Internal to the library. */
#ifndef LABELS_BASE40_H
#define LABELS_BASE40_H

#include "labels.h"

/* A 12-character code packs into 8 bytes. */
#define LABELS_B40_BYTES (LABELS_CODE_MAX / 3 * 2)

/* 1..12 characters of the base40 alphabet. */
int labels_b40_code_ok(const char *s);
/* Pack a code that passed labels_b40_code_ok(). */
void labels_b40_pack(const char *s, uint8_t out[LABELS_B40_BYTES]);
/* Strict inverse: every group below 40^3, padding only at the end, at
 * least one character. LABELS_OK or LABELS_ERR_FIELD. */
int labels_b40_unpack(const uint8_t in[LABELS_B40_BYTES],
                      char out[LABELS_CODE_MAX + 1]);

#endif
