/* batch.c -- sign a serial range and write it in one output format.
 * Labels are made one at a time and written straight out, so memory stays
 * flat whether the batch holds ten labels or a million. */
#include "print_internal.h"

#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <string.h>

int print_format_parse(const char *word)
{
    static const char *const names[] = {"png", "svg", "pdf", "zpl", "tspl"};
    for (int i = 0; word && i < 5; i++)
        if (!strcmp(word, names[i]))
            return i;
    return -1;
}

/* Has the caller asked the run to stop? errno says why to io_error(). */
static int stopped(const print_job *job)
{
    if (!job->stop || !*job->stop)
        return 0;
    errno = EINTR;
    return 1;
}

/* Per-label file names sort in serial order and need nothing from the
 * lot, which may hold '/'. */
static int per_label_files(const print_job *job, const labels_seckey *sec,
                           const char *ext)
{
    print_tmpdir d;
    int rc = print_tmpdir_open(&d, job->out);
    if (rc != LABELS_OK)
        return rc;
    print_layout *L = NULL;
    labels_label lab;
    memset(&lab, 0, sizeof lab);
    memcpy(lab.product, job->product->code, sizeof lab.product);
    lab.product[LABELS_CODE_MAX] = '\0';
    snprintf(lab.lot, sizeof lab.lot, "%s", job->lot);
    lab.stars = (uint8_t)job->stars;
    lab.issued = job->issued;
    for (uint64_t n = job->first; n <= job->last && rc == LABELS_OK; n++) {
        lab.serial = (uint32_t)n;
        char text[LABELS_TEXT_MAX], name[64], path[4096];
        size_t len;
        rc = labels_sign(&lab, sec);
        if (rc == LABELS_OK)
            rc = labels_format(&lab, job->host, text, sizeof text, &len);
        snprintf(name, sizeof name, "label-%010lu.%s", (unsigned long)n, ext);
        if (rc == LABELS_OK && stopped(job))
            rc = LABELS_ERR_IO;
        if (rc == LABELS_OK)
            rc = print_tmpdir_file(&d, name, path, sizeof path);
        if (rc != LABELS_OK)
            break;
        FILE *f = fopen(path, "wbx");
        if (!f) {
            rc = LABELS_ERR_IO;
            break;
        }
        print_item it = {job->product, &lab, text, len};
        rc = job->format == PRINT_PNG
                 ? print_png_stream(f, &L, &it, &job->geom)
                 : print_svg_stream(f, &L, &it, &job->geom);
        int saved = errno;
        if (fclose(f) != 0 && rc == LABELS_OK) {
            saved = errno;
            rc = LABELS_ERR_IO;
        }
        errno = saved;
    }
    print_layout_free(L);
    if (rc != LABELS_OK) {
        print_tmpdir_abort(&d);
        return rc;
    }
    return print_tmpdir_commit(&d);
}

static int one_file(const print_job *job, const labels_seckey *sec)
{
    print_sheet *sheet = NULL;
    print_tmpfile t;
    memset(&t, 0, sizeof t);
    int rc = job->format == PRINT_PDF
                 ? print_sheet_open(job->out, &job->sheet, &sheet)
                 : print_tmpfile_open(&t, job->out);
    if (rc != LABELS_OK)
        return rc;
    if (job->format == PRINT_TSPL)
        rc = print_tspl_header(t.f, &job->geom);
    labels_label lab;
    memset(&lab, 0, sizeof lab);
    memcpy(lab.product, job->product->code, sizeof lab.product);
    lab.product[LABELS_CODE_MAX] = '\0';
    snprintf(lab.lot, sizeof lab.lot, "%s", job->lot);
    lab.stars = (uint8_t)job->stars;
    lab.issued = job->issued;
    for (uint64_t n = job->first; n <= job->last && rc == LABELS_OK; n++) {
        lab.serial = (uint32_t)n;
        char text[LABELS_TEXT_MAX];
        size_t len;
        rc = labels_sign(&lab, sec);
        if (rc == LABELS_OK)
            rc = labels_format(&lab, job->host, text, sizeof text, &len);
        if (rc == LABELS_OK && stopped(job))
            rc = LABELS_ERR_IO;
        if (rc != LABELS_OK)
            break;
        print_item it = {job->product, &lab, text, len};
        switch (job->format) {
        case PRINT_PDF: rc = print_sheet_add(sheet, &it); break;
        case PRINT_ZPL: rc = print_zpl_label(t.f, &it, &job->geom); break;
        case PRINT_TSPL: rc = print_tspl_label(t.f, &it, &job->geom); break;
        default: rc = LABELS_ERR_ARG; break;
        }
    }
    if (job->format == PRINT_PDF) {
        if (rc != LABELS_OK) {
            print_sheet_abort(sheet);
            return rc;
        }
        return print_sheet_commit(sheet);
    }
    if (rc != LABELS_OK) {
        print_tmpfile_abort(&t);
        return rc;
    }
    return print_tmpfile_commit(&t);
}

int print_batch(const print_job *job, const labels_seckey *sec)
{
    if (!job || !sec || !job->product || !job->lot || !job->out ||
        job->first < 1 || job->last < job->first || job->stars < 1 ||
        job->stars > 5)
        return LABELS_ERR_ARG;
    switch (job->format) {
    case PRINT_PNG: return per_label_files(job, sec, "png");
    case PRINT_SVG: return per_label_files(job, sec, "svg");
    case PRINT_PDF:
    case PRINT_ZPL:
    case PRINT_TSPL: return one_file(job, sec);
    }
    return LABELS_ERR_ARG;
}

void print_cleanup(void) { pango_cairo_font_map_set_default(NULL); }
