/* csv.h -- RFC 4180 CSV records from a buffer, with line numbers. */
#ifndef OCOP_HOST_CSV_H
#define OCOP_HOST_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 64

struct csv {
    const char *p, *end;
    int line;  /* line of the next unread byte */
    char *buf; /* unescaped fields of the current record */
    size_t bufsz;
    char *fields[CSV_MAX_FIELDS];
    size_t nfields;
    int record_line; /* line where the current record starts */
};

/* A leading UTF-8 byte order mark is skipped. */
void csv_init(struct csv *c, const char *data, size_t len);
void csv_free(struct csv *c);
/* 1: a record in c->fields[0..nfields); 0: end of input; -1: this record
 * is malformed (message in err; the parser has moved past it, so the
 * caller may go on); -2: out of memory. Blank lines are skipped. */
int csv_next(struct csv *c, char *err, size_t errsz);

#endif
