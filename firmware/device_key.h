/* device_key.h -- the kiosk's own Ed25519 key, which signs its scan
 * batches. Made on first start in the kiosk's data directory
 * (device.key, mode 0600, and device.pub), loaded ever after; the
 * authority enrolls device.pub with `ocop-host kiosk enroll`. */
#ifndef OCOP_DEVICE_KEY_H
#define OCOP_DEVICE_KEY_H

#include <labels.h>
#include <stddef.h>
#include <stdio.h>

#define DEVICE_KEY_SECRET "device.key"
#define DEVICE_KEY_PUBLIC "device.pub"

/* Load the key from dir, making it first if there is none. *created
 * (may be NULL) is set to 1 when a key was made. 0, or -1 with a message
 * in err. Wipe sec with labels_seckey_wipe() after use. */
int device_key_load_or_create(const char *dir, labels_seckey *sec,
                              labels_pubkey *pub, int *created, char *err,
                              size_t errsz);

/* Write the public key file's text (what `ocop-host kiosk enroll
 * --public` reads) to out, making the key first if needed. The secret
 * key is never printed. */
int device_key_print_public(const char *dir, FILE *out, char *err,
                            size_t errsz);

#endif
