/* scan_debounce.h -- which camera sightings are scans.
 *
 * A camera sees a label held under it in every frame, thirty times a
 * second; the shopper showed it once. A code is reported when it comes
 * into view: the first frame it is in, or after it has been out of view
 * for absent_ms, or after a different code was reported since (the
 * shopper showed another label and came back). Codes seen together in one
 * frame do not count as replacing each other. A barcode scanner's lines
 * are not debounced: a person pressed the trigger each time.
 *
 * Pure logic, no clock: the caller passes each frame's time.
 */
#ifndef OCOP_SCAN_DEBOUNCE_H
#define OCOP_SCAN_DEBOUNCE_H

#include <stddef.h>
#include <stdint.h>

#define DEBOUNCE_CODES 8 /* codes remembered at once; the oldest goes */

typedef struct scan_debounce {
    int64_t absent_ms;
    int n;
    struct {
        uint64_t hash; /* of the code's bytes */
        size_t len;
        int64_t last_ms; /* frame time it was last seen in */
    } seen[DEBOUNCE_CODES];
} scan_debounce;

void debounce_init(scan_debounce *d, int64_t absent_ms);
/* A code in the camera frame taken at frame_ms (the same value for every
 * code of one frame, increasing between frames). 1: report it as a
 * scan; 0: it is the same sighting as before. */
int debounce_seen(scan_debounce *d, const char *text, size_t len,
                  int64_t frame_ms);
/* Forget everything (the camera was reopened, the screen changed). */
void debounce_reset(scan_debounce *d);

#endif
