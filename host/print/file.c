/* file.c -- temporary outputs renamed into place when complete, so a
 * full disk or a refused write never leaves half a batch behind. */
#define _GNU_SOURCE /* syncfs */
#include "print_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <labels.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmp_name(const char *path)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (tmp)
        snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    return tmp;
}

int print_tmpfile_open(print_tmpfile *t, const char *path)
{
    memset(t, 0, sizeof *t);
    if (!path || !*path)
        return LABELS_ERR_ARG;
    if (labels_file_replaceable(path) == LABELS_ERR_NOT_REGULAR)
        return LABELS_ERR_NOT_REGULAR; /* a link, device or FIFO: issue 12 */
    t->path = strdup(path);
    t->tmp = tmp_name(path);
    if (!t->path || !t->tmp) {
        print_tmpfile_abort(t);
        return LABELS_ERR_NOMEM;
    }
    int fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0644);
    if (fd < 0 || !(t->f = fdopen(fd, "wb"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(t->tmp);
        }
        free(t->tmp);
        t->tmp = NULL; /* nothing to delete */
        print_tmpfile_abort(t);
        errno = saved;
        return LABELS_ERR_IO;
    }
    return LABELS_OK;
}

int print_tmpfile_commit(print_tmpfile *t)
{
    int bad = fflush(t->f) != 0 || ferror(t->f) || fsync(fileno(t->f)) != 0;
    int saved = errno;
    if (fclose(t->f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    t->f = NULL;
    if (!bad && labels_file_replaceable(t->path) != LABELS_OK) {
        print_tmpfile_abort(t);
        return LABELS_ERR_NOT_REGULAR;
    }
    if (!bad && rename(t->tmp, t->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        print_tmpfile_abort(t);
        errno = saved;
        return LABELS_ERR_IO;
    }
    int rc = labels_fsync_parent(t->path);
    free(t->tmp);
    t->tmp = NULL;
    print_tmpfile_abort(t);
    return rc;
}

void print_tmpfile_abort(print_tmpfile *t)
{
    int saved = errno;
    if (t->f)
        fclose(t->f);
    if (t->tmp)
        unlink(t->tmp);
    free(t->tmp);
    free(t->path);
    memset(t, 0, sizeof *t);
    errno = saved;
}

int print_tmpdir_open(print_tmpdir *d, const char *path)
{
    memset(d, 0, sizeof *d);
    if (!path || !*path)
        return LABELS_ERR_ARG;
    struct stat st;
    if (lstat(path, &st) == 0)
        return LABELS_ERR_EXISTS;
    d->path = strdup(path);
    d->tmp = tmp_name(path);
    if (!d->path || !d->tmp) {
        print_tmpdir_abort(d);
        return LABELS_ERR_NOMEM;
    }
    if (mkdir(d->tmp, 0755) != 0) {
        int saved = errno;
        free(d->tmp);
        d->tmp = NULL;
        print_tmpdir_abort(d);
        errno = saved;
        return LABELS_ERR_IO;
    }
    return LABELS_OK;
}

int print_tmpdir_file(const print_tmpdir *d, const char *name, char *buf,
                      size_t bufsz)
{
    int n = snprintf(buf, bufsz, "%s/%s", d->tmp, name);
    return n > 0 && (size_t)n < bufsz ? LABELS_OK : LABELS_ERR_ARG;
}

int print_tmpdir_commit(print_tmpdir *d)
{
    int fd = open(d->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* One syncfs for the whole folder instead of an fsync per label. */
    int bad = fd < 0 || syncfs(fd) != 0 || fsync(fd) != 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    /* rename() onto a path that appeared meanwhile as an empty folder
     * would succeed; that is still "the batch, complete", so it is fine. */
    if (!bad && rename(d->tmp, d->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        print_tmpdir_abort(d);
        errno = saved;
        return LABELS_ERR_IO;
    }
    int rc = labels_fsync_parent(d->path);
    free(d->tmp);
    d->tmp = NULL;
    print_tmpdir_abort(d);
    return rc;
}

void print_tmpdir_abort(print_tmpdir *d)
{
    int saved = errno;
    if (d->tmp) {
        DIR *dir = opendir(d->tmp);
        if (dir) {
            struct dirent *e;
            while ((e = readdir(dir)) != NULL)
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                    unlinkat(dirfd(dir), e->d_name, 0);
            closedir(dir);
        }
        rmdir(d->tmp);
    }
    free(d->tmp);
    free(d->path);
    memset(d, 0, sizeof *d);
    errno = saved;
}
