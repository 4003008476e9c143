/* file_safe.c -- open, create and replace files without following links. */
#define _GNU_SOURCE /* O_PATH */
#include "labels.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder of path, opened, and the last component. The folders on the
 * way are the caller's choice and are followed; only the last component
 * is ours to guard. */
static int open_parent(const char *path, int *dfd, const char **base)
{
    if (!path || !*path)
        return LABELS_ERR_ARG;
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
        return LABELS_ERR_ARG;
    size_t n = slash ? (size_t)(slash - path) : 0;
    char *dir = malloc(n + 2);
    if (!dir)
        return LABELS_ERR_NOMEM;
    if (!slash)
        memcpy(dir, ".", 2);
    else if (n == 0)
        memcpy(dir, "/", 2);
    else {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
#ifdef O_PATH
    /* Enough for openat and friends, and works on a folder we may enter
     * but not list. */
    *dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
#else
    *dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
#endif
    int saved = errno;
    free(dir);
    errno = saved;
    return *dfd < 0 ? LABELS_ERR_IO : LABELS_OK;
}

/* What is at name in dfd: 0 nothing, 1 a regular file, 2 a folder, 3
 * anything else (a link, device, FIFO, socket); -1 on error. */
static int what_is(int dfd, const char *name)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : -1;
    return S_ISREG(st.st_mode) ? 1 : S_ISDIR(st.st_mode) ? 2 : 3;
}

static int open_at(int dfd, const char *name, int flags, unsigned mode, int own,
                   int *out)
{
    int kind = what_is(dfd, name);
    if (kind < 0)
        return LABELS_ERR_IO;
    if (kind == 2 || (kind == 3 && !own))
        return LABELS_ERR_NOT_REGULAR;
    if (kind == 3) {
        /* Our own name with something planted on it: unlinking removes
         * the link or node itself, never what it points to. */
        if (unlinkat(dfd, name, 0) != 0 && errno != ENOENT)
            return LABELS_ERR_IO;
        flags |= O_EXCL;
    }
    if (kind == 1 && (flags & O_CREAT) && (flags & O_EXCL))
        return LABELS_ERR_EXISTS;
    /* O_NONBLOCK so that a FIFO swapped in meanwhile cannot hang the open;
     * O_TRUNC only once the file is known to be a regular file. */
    int fd = openat(dfd, name,
                    (flags & ~O_TRUNC) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                    (mode_t)mode);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENXIO || errno == EISDIR)
            return LABELS_ERR_NOT_REGULAR;
        return errno == EEXIST ? LABELS_ERR_EXISTS : LABELS_ERR_IO;
    }
    struct stat st;
    int rc = LABELS_ERR_IO;
    if (fstat(fd, &st) != 0)
        goto fail;
    if (!S_ISREG(st.st_mode)) {
        rc = LABELS_ERR_NOT_REGULAR;
        goto fail;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
        goto fail;
    if ((flags & O_TRUNC) && ftruncate(fd, 0) != 0)
        goto fail;
    *out = fd;
    return LABELS_OK;
fail : {
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
}

static int open_common(const char *path, int flags, unsigned mode, int own,
                       int *fd)
{
    if (!fd)
        return LABELS_ERR_ARG;
    *fd = -1;
    int dfd;
    const char *base;
    int rc = open_parent(path, &dfd, &base);
    if (rc != LABELS_OK)
        return rc;
    rc = open_at(dfd, base, flags, mode, own, fd);
    int saved = errno;
    close(dfd);
    errno = saved;
    return rc;
}

int labels_file_open(const char *path, int flags, unsigned mode, int *fd)
{
    return open_common(path, flags, mode, 0, fd);
}

int labels_file_open_own(const char *path, int flags, unsigned mode, int *fd)
{
    return open_common(path, flags, mode, 1, fd);
}

int labels_file_replaceable(const char *path)
{
    int dfd;
    const char *base;
    int rc = open_parent(path, &dfd, &base);
    if (rc != LABELS_OK)
        return rc;
    int kind = what_is(dfd, base);
    int saved = errno;
    close(dfd);
    errno = saved;
    return kind < 0    ? LABELS_ERR_IO
           : kind <= 1 ? LABELS_OK
                       : LABELS_ERR_NOT_REGULAR;
}

int labels_file_create_temp(const char *path, unsigned mode, char *tmp,
                            size_t tmpsz, int *fd)
{
    if (!path || !tmp || !fd)
        return LABELS_ERR_ARG;
    *fd = -1;
    /* Idempotent; callers of labels_file_write_atomic need not have
     * called labels_init(). */
    if (sodium_init() < 0)
        return LABELS_ERR_CRYPTO;
    int dfd;
    const char *base;
    int rc = open_parent(path, &dfd, &base);
    if (rc != LABELS_OK)
        return rc;
    size_t dirlen = (size_t)(base - path);
    rc = LABELS_ERR_IO;
    /* A random suffix: nobody can plant the name before we create it, and
     * O_EXCL | O_NOFOLLOW refuses whatever is there by chance. */
    for (int tries = 0; tries < 8; tries++) {
        uint8_t r[8];
        char hex[17];
        randombytes_buf(r, sizeof r);
        sodium_bin2hex(hex, sizeof hex, r, sizeof r);
        int n = snprintf(tmp, tmpsz, "%s.tmp.%s", path, hex);
        if (n < 0 || (size_t)n >= tmpsz) {
            rc = LABELS_ERR_ARG;
            break;
        }
        *fd = openat(dfd, tmp + dirlen,
                     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     (mode_t)mode);
        if (*fd >= 0) {
            rc = LABELS_OK;
            break;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    close(dfd);
    errno = saved;
    return rc;
}

int labels_file_rename(const char *tmp, const char *path)
{
    if (!tmp || !path)
        return LABELS_ERR_ARG;
    /* rename() would replace a link, a device node or a FIFO as readily
     * as a file; only a regular file (or nothing) may be replaced. What
     * an attacker swaps in between this check and the rename is replaced,
     * never written through. */
    int rc = labels_file_replaceable(path);
    if (rc != LABELS_OK)
        return rc;
    if (rename(tmp, path) != 0)
        return LABELS_ERR_IO;
    return labels_fsync_parent(path);
}
