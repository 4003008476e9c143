/* printed.c -- the producer's record of printed serial ranges, a text
 * file beside the secret key (docs/printing.md, "The record of printed
 * ranges"): reprinting serials already printed makes labels that later
 * look like clones, so `ocop-host print` refuses an overlap unless told it
 * is a reprint. The console helper uploads the same file. */
#include "print/print.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "# ocop printed ranges v1\n"
/* A record larger than this is not one a producer's printing made. */
#define RECORD_MAX (16u << 20)

int print_record_path(const char *key_path, char *out, size_t outsz)
{
    if (!key_path || !out)
        return LABELS_ERR_ARG;
    int n = snprintf(out, outsz, "%s.printed", key_path);
    return n < 0 || (size_t)n >= outsz ? LABELS_ERR_ARG : LABELS_OK;
}

/* The whole file (NUL-terminated) into *text, or NULL when it does not
 * exist yet. */
static int slurp(const char *path, char **text, size_t *len, char *err,
                 size_t errsz)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return LABELS_OK;
        snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
        return LABELS_ERR_IO;
    }
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    int rc = p ? LABELS_OK : LABELS_ERR_NOMEM;
    while (rc == LABELS_OK) {
        if (n + 1 >= cap) {
            char *q = cap < RECORD_MAX ? realloc(p, cap * 2) : NULL;
            if (!q) {
                rc = cap < RECORD_MAX ? LABELS_ERR_NOMEM : LABELS_ERR_FIELD;
                break;
            }
            p = q;
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (rc == LABELS_OK && ferror(f))
        rc = LABELS_ERR_IO;
    fclose(f);
    if (rc != LABELS_OK) {
        free(p);
        snprintf(err, errsz, "cannot read %s: %s", path,
                 rc == LABELS_ERR_FIELD ? "too large" : labels_strerror(rc));
        return rc;
    }
    p[n] = '\0';
    *text = p;
    *len = n;
    return LABELS_OK;
}

/* One range line "LOT FIRST LAST ISSUED" into r; -1 if it is not one. */
static int parse_line(const char *line, size_t n, print_range *r)
{
    char buf[128], *end;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    char *f[4];
    size_t k = 0;
    for (char *p = buf; k < 4;) {
        f[k++] = p;
        p = strchr(p, ' ');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (k != 4 || strchr(f[3], ' ') || strlen(f[0]) > LABELS_CODE_MAX ||
        strlen(f[3]) != 10)
        return -1;
    errno = 0;
    unsigned long a = strtoul(f[1], &end, 10);
    if (errno || *end || f[1][0] < '0' || f[1][0] > '9')
        return -1;
    unsigned long b = strtoul(f[2], &end, 10);
    if (errno || *end || f[2][0] < '0' || f[2][0] > '9' || a < 1 || b < a ||
        b > UINT32_MAX)
        return -1;
    uint16_t day;
    if (labels_date_parse(f[3], &day) != LABELS_OK)
        return -1;
    snprintf(r->lot, sizeof r->lot, "%s", f[0]);
    r->first = (uint32_t)a;
    r->last = (uint32_t)b;
    memcpy(r->issued, f[3], sizeof r->issued);
    return 0;
}

/* The first recorded range of lot that meets first..last, into *clash.
 * 1 when there is one, 0 when none, -1 when text is not a record. */
static int find_overlap(const char *text, const char *lot, uint32_t first,
                        uint32_t last, print_range *clash, size_t *bad_line)
{
    if (strncmp(text, HEADER, sizeof HEADER - 1) != 0) {
        *bad_line = 1;
        return -1;
    }
    const char *p = text + sizeof HEADER - 1;
    size_t line_no = 1;
    while (*p) {
        line_no++;
        size_t n = strcspn(p, "\n");
        print_range r;
        if (p[n] != '\n' || parse_line(p, n, &r) != 0) {
            *bad_line = line_no;
            return -1;
        }
        if (!strcmp(r.lot, lot) && r.first <= last && first <= r.last) {
            *clash = r;
            return 1;
        }
        p += n + 1;
    }
    return 0;
}

int print_record_check(const char *key_path, const char *lot, uint32_t first,
                       uint32_t last, print_range *clash, char *err,
                       size_t errsz)
{
    char path[4200];
    if (!lot || !clash || !err || first < 1 || last < first ||
        print_record_path(key_path, path, sizeof path) != LABELS_OK)
        return LABELS_ERR_ARG;
    char *text;
    size_t len, bad = 0;
    int rc = slurp(path, &text, &len, err, errsz);
    if (rc != LABELS_OK || !text)
        return rc;
    int found = find_overlap(text, lot, first, last, clash, &bad);
    free(text);
    if (found < 0) {
        snprintf(err, errsz,
                 "%s line %zu is not a printed-range record (want '# ocop "
                 "printed ranges v1', then LOT FIRST LAST YYYY-MM-DD lines)",
                 path, bad);
        return LABELS_ERR_FIELD;
    }
    return found ? LABELS_ERR_EXISTS : LABELS_OK;
}

int print_record_add(const char *key_path, const char *lot, uint32_t first,
                     uint32_t last, uint16_t issued, char *err, size_t errsz)
{
    char path[4200], day[LABELS_DATE_SIZE], line[128];
    if (!lot || !err || first < 1 || last < first ||
        strlen(lot) > LABELS_CODE_MAX ||
        print_record_path(key_path, path, sizeof path) != LABELS_OK)
        return LABELS_ERR_ARG;
    labels_date_format(issued, day);
    int ln = snprintf(line, sizeof line, "%s %lu %lu %s\n", lot,
                      (unsigned long)first, (unsigned long)last, day);
    if (ln < 0 || (size_t)ln >= sizeof line)
        return LABELS_ERR_ARG;
    char *text;
    size_t len;
    int rc = slurp(path, &text, &len, err, errsz);
    if (rc != LABELS_OK)
        return rc;
    const char *old = text ? text : HEADER;
    size_t olen = text ? len : sizeof HEADER - 1;
    char *all = malloc(olen + (size_t)ln);
    if (!all) {
        free(text);
        snprintf(err, errsz, "out of memory");
        return LABELS_ERR_NOMEM;
    }
    memcpy(all, old, olen);
    memcpy(all + olen, line, (size_t)ln);
    free(text);
    /* The record names what a producer printed: theirs alone, like the
     * key beside it. */
    rc = labels_file_write_atomic(path, all, olen + (size_t)ln, 0600, 0);
    free(all);
    if (rc != LABELS_OK)
        snprintf(err, errsz, "cannot write %s: %s%s%s", path,
                 labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                 rc == LABELS_ERR_IO ? strerror(errno) : "");
    return rc;
}
