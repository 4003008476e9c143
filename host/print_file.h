/* print_file.h -- output files and folders that appear only when complete. */
#ifndef OCOP_HOST_PRINT_FILE_H
#define OCOP_HOST_PRINT_FILE_H

#include <stdio.h>

/* A file being written as "<path>.tmp.<pid>". commit flushes, fsyncs and
 * renames it over path; abort closes and deletes it. Both free t. */
typedef struct print_tmpfile {
    FILE *f;
    char *path;
    char *tmp;
} print_tmpfile;

int print_tmpfile_open(print_tmpfile *t, const char *path);
int print_tmpfile_commit(print_tmpfile *t);
void print_tmpfile_abort(print_tmpfile *t);

/* A folder being filled as "<path>.tmp.<pid>", renamed to path (which
 * must not exist: LABELS_ERR_EXISTS) once every file in it is synced. */
typedef struct print_tmpdir {
    char *path;
    char *tmp;
} print_tmpdir;

int print_tmpdir_open(print_tmpdir *d, const char *path);
/* Full path of name inside the temporary folder, in buf. */
int print_tmpdir_file(const print_tmpdir *d, const char *name, char *buf,
                      size_t bufsz);
int print_tmpdir_commit(print_tmpdir *d);
void print_tmpdir_abort(print_tmpdir *d);

#endif
