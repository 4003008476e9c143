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
    /* Refuse early, before any work, what the rename would refuse. */
    int err = labels_file_replaceable(path);
    if (err != LABELS_OK)
        return err;
    size_t tmpsz = strlen(path) + 32;
    char *tmp = malloc(tmpsz);
    if (!tmp)
        return LABELS_ERR_NOMEM;
    int fd;
    err = labels_file_create_temp(path, mode, tmp, tmpsz, &fd);
    if (err != LABELS_OK) {
        free(tmp);
        return err;
    }
    err = LABELS_ERR_IO;
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
        /* link() fails if path exists (a link included, never followed),
         * so a racing writer cannot be overwritten either. */
        if (link(tmp, path) != 0) {
            if (errno == EEXIST)
                err = LABELS_ERR_EXISTS;
            goto fail;
        }
        unlink(tmp);
        free(tmp);
        return labels_fsync_parent(path);
    }
    err = labels_file_rename(tmp, path);
    if (err != LABELS_OK)
        goto fail;
    free(tmp);
    return LABELS_OK;

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
