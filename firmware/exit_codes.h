/* exit_codes.h -- the exit codes of ocop-kiosk and ocop-kiosk-net, as
 * ocop-host's (README, docs/kiosk.md). The service reads its helper's. */
#ifndef OCOP_KIOSK_EXIT_CODES_H
#define OCOP_KIOSK_EXIT_CODES_H

/* 0 ok, 1 checked and not genuine / refused / stale, 2 usage, 3 anything
 * else (not ready, I/O). */
enum { K_OK = 0, K_REJECTED = 1, K_USAGE = 2, K_FAILURE = 3 };

#endif
