/* device_key.c -- make once, then load, the kiosk's device key. */
#include "device_key.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int path_in(const char *dir, const char *name, char *out, size_t sz)
{
    return (size_t)snprintf(out, sz, "%s/%s", dir, name) < sz ? 0 : -1;
}

static int lerr(char *err, size_t errsz, const char *what, const char *path,
                int rc)
{
    snprintf(err, errsz, "%s %s: %s%s%s", what, path, labels_strerror(rc),
             rc == LABELS_ERR_IO ? ": " : "",
             rc == LABELS_ERR_IO ? strerror(errno) : "");
    return -1;
}

int device_key_load_or_create(const char *dir, labels_seckey *sec,
                              labels_pubkey *pub, int *created, char *err,
                              size_t errsz)
{
    char secpath[4096], pubpath[4096];
    struct stat st;
    if (created)
        *created = 0;
    if (path_in(dir, DEVICE_KEY_SECRET, secpath, sizeof secpath) ||
        path_in(dir, DEVICE_KEY_PUBLIC, pubpath, sizeof pubpath)) {
        snprintf(err, errsz, "device key: data directory path too long");
        return -1;
    }
    int rc = labels_seckey_read(secpath, sec);
    if (rc == LABELS_ERR_IO && errno == ENOENT) {
        /* A public file without its secret would be enrolled for a key
         * nobody holds: refuse rather than silently make another. */
        if (stat(pubpath, &st) == 0) {
            snprintf(err, errsz,
                     "device key: %s exists without %s; remove "
                     "it to make a new device key",
                     pubpath, secpath);
            return -1;
        }
        rc = labels_keygen(pub, sec);
        if (rc != LABELS_OK)
            return lerr(err, errsz, "device key: cannot make", secpath, rc);
        /* Secret first: a crash between the two writes leaves a secret
         * whose public half is rebuilt below on the next start. */
        rc = labels_seckey_write(secpath, sec, "ocop kiosk device key");
        if (rc != LABELS_OK) {
            labels_seckey_wipe(sec);
            return lerr(err, errsz, "device key: cannot write", secpath, rc);
        }
        if (created)
            *created = 1;
    } else if (rc != LABELS_OK) {
        return lerr(err, errsz, "device key: cannot read", secpath, rc);
    }
    labels_seckey_public(sec, pub);
    if (stat(pubpath, &st) != 0) {
        rc = labels_pubkey_write(pubpath, pub, "ocop kiosk device key");
        if (rc != LABELS_OK && rc != LABELS_ERR_EXISTS) {
            labels_seckey_wipe(sec);
            return lerr(err, errsz, "device key: cannot write", pubpath, rc);
        }
    }
    return 0;
}

int device_key_print_public(const char *dir, FILE *out, char *err, size_t errsz)
{
    labels_seckey sec;
    labels_pubkey pub;
    if (device_key_load_or_create(dir, &sec, &pub, NULL, err, errsz) != 0)
        return -1;
    labels_seckey_wipe(&sec);
    char path[4096];
    if (path_in(dir, DEVICE_KEY_PUBLIC, path, sizeof path)) {
        snprintf(err, errsz, "device key: data directory path too long");
        return -1;
    }
    /* Print the file as written, checked against the secret key, so what
     * the authority enrolls is exactly what signs. */
    labels_pubkey onfile;
    int rc = labels_pubkey_read(path, &onfile);
    if (rc != LABELS_OK)
        return lerr(err, errsz, "device key: cannot read", path, rc);
    if (memcmp(onfile.pk, pub.pk, sizeof pub.pk)) {
        snprintf(err, errsz, "device key: %s does not match %s", path,
                 DEVICE_KEY_SECRET);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "device key: cannot open %s: %s", path,
                 strerror(errno));
        return -1;
    }
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || fwrite(buf, 1, n, out) != n || fflush(out) != 0) {
        snprintf(err, errsz, "device key: cannot copy %s", path);
        return -1;
    }
    return 0;
}
