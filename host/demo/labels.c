/* labels.c -- the demo's sample labels, printed as a producer would:
 * one PNG per sample in the printed layout, and all of them on one PDF
 * sticker sheet. Product names come from the published mirror, as for a
 * real producer; samples that are not OCOP labels at all are bare QRs. */
#include "demo/demo.h"
#include "print/print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a counterfeiter prints for a product the registry never rated. */
static void invented_product(const labels_label *lab, labels_product *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->code, sizeof p->code, "%s", lab->product);
    snprintf(p->name, sizeof p->name, "Trà sâm dứa đặc biệt");
    snprintf(p->producer_name, sizeof p->producer_name, "Cơ sở Minh Phát");
    p->stars = lab->stars;
}

static int bare_qr(const char *path, const struct demo_sample *s)
{
    labels_qr qr;
    labels_image img;
    int rc = labels_qr_encode(s->text, s->len, &qr);
    if (rc != LABELS_OK)
        return rc;
    rc = labels_qr_render(&qr, 6, &img);
    labels_qr_free(&qr);
    if (rc == LABELS_OK) {
        rc = labels_png_write(path, &img);
        labels_image_free(&img);
    }
    return rc;
}

int demo_labels_write(const char *dir, const char *mirror_path,
                      const struct demo_sample *s, size_t n, char *err,
                      size_t errsz)
{
    labels_mirror *m;
    int rc = labels_mirror_open(mirror_path, &m);
    if (rc != LABELS_OK) {
        snprintf(err, errsz, "cannot open %s: %s", mirror_path,
                 labels_strerror(rc));
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/sheet.pdf", dir);
    print_sheet_opts o;
    print_sheet_defaults(&o);
    print_sheet *sheet = NULL;
    rc = print_sheet_resolve(&o);
    if (rc == LABELS_OK)
        rc = print_sheet_open(path, &o, &sheet);
    print_geom g = {PRINT_LABEL_W_MM, PRINT_LABEL_H_MM, PRINT_PNG_DPI};
    for (size_t i = 0; rc == LABELS_OK && i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, s[i].file);
        if (!s[i].have_label) {
            rc = bare_qr(path, &s[i]);
            continue;
        }
        labels_product p;
        if (labels_mirror_product(m, s[i].label.product, &p) != LABELS_OK)
            invented_product(&s[i].label, &p);
        print_item it = {&p, &s[i].label, s[i].text, s[i].len};
        rc = print_label_png(path, &it, &g);
        if (rc == LABELS_OK)
            rc = print_sheet_add(sheet, &it);
    }
    if (rc == LABELS_OK) {
        rc = print_sheet_commit(sheet);
        sheet = NULL;
    }
    if (sheet)
        print_sheet_abort(sheet);
    labels_mirror_close(m);
    if (rc != LABELS_OK) {
        snprintf(err, errsz, "cannot write sample labels in %s: %s", dir,
                 labels_strerror(rc));
        return -1;
    }
    return 0;
}
