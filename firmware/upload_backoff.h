/* upload_backoff.h -- how long the service's upload thread waits after
 * failed rounds (service/service_workers.c). */
#ifndef OCOP_KIOSK_UPLOAD_BACKOFF_H
#define OCOP_KIOSK_UPLOAD_BACKOFF_H

/* Seconds to wait after `failures` (>= 1) failed rounds in a row:
 * exponential from 5 s, capped at max_s (0: one hour), with jitter so
 * kiosks that went offline together do not return together; a larger
 * Retry-After (>= 0) is honoured up to one day. */
long upload_backoff(int failures, long retry_after_s, long max_s);

#endif
