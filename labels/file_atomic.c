/* file_atomic.c -- write a whole file so that readers see old or new. */
#include "labels.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int labels_fsync_parent(const char *path)
{
    if (!path)
        return LABELS_ERR_ARG;
    char *copy = strdup(path);
    if (!copy)
        return LABELS_ERR_NOMEM;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return LABELS_ERR_IO;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc == 0 ? LABELS_OK : LABELS_ERR_IO;
}

int labels_file_write_atomic(const char *path, const void *data, size_t len,
                             unsigned mode, int exclusive)
{
    if (!path || !*path || (!data && len))
        return LABELS_ERR_ARG;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return LABELS_ERR_NOMEM;
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());

    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  (mode_t)mode);
    if (fd < 0) {
        free(tmp);
        return LABELS_ERR_IO;
    }
    int err = LABELS_ERR_IO;
    /* The umask may have narrowed mode; secret files must not widen it,
     * and public outputs should get what was asked. */
    if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != 0 ||
        fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (exclusive) {
        /* link() fails if path exists, so a racing writer cannot be
         * overwritten either. */
        if (link(tmp, path) != 0) {
            if (errno == EEXIST)
                err = LABELS_ERR_EXISTS;
            goto fail;
        }
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        goto fail;
    }
    free(tmp);
    return labels_fsync_parent(path);

fail : {
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    errno = saved;
    return err;
}
}
