/* print_check.c -- check printed output the way a shopper's scan would:
 *   print_check PUB PRODUCT LOT STARS A-B image FILE...
 *   print_check PUB PRODUCT LOT STARS A-B zpl|tspl FILE
 * Every QR found (decoded from images with ZBar, or taken from the QR
 * commands of a thermal printer file) must verify with PUB and carry the
 * expected fields, and together they must hold each serial A..B exactly
 * once. Prints the number of labels checked. */
#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct want {
    const labels_pubkey *pub;
    const char *product, *lot;
    int stars;
    unsigned long first, last;
    unsigned char *seen;
    unsigned long count;
    int bad;
};

static int check_text(struct want *w, const char *text, size_t len)
{
    labels_label lab;
    int rc = labels_parse(text, len, &lab);
    if (rc == LABELS_OK)
        rc = labels_verify(&lab, w->pub);
    if (rc != LABELS_OK) {
        fprintf(stderr, "print_check: %.*s: %s\n", (int)len, text,
                labels_strerror(rc));
        w->bad = 1;
        return 0;
    }
    if (strcmp(lab.product, w->product) || strcmp(lab.lot, w->lot) ||
        lab.stars != w->stars || lab.serial < w->first ||
        lab.serial > w->last) {
        fprintf(stderr, "print_check: unexpected label %s %s %d* #%lu\n",
                lab.product, lab.lot, lab.stars, (unsigned long)lab.serial);
        w->bad = 1;
        return 0;
    }
    if (w->seen[lab.serial - w->first]++) {
        fprintf(stderr, "print_check: serial %lu twice\n",
                (unsigned long)lab.serial);
        w->bad = 1;
    }
    w->count++;
    return 0;
}

static int on_code(void *ctx, const char *data, size_t len)
{
    return check_text(ctx, data, len);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* ZPL: "^BQN,2,<mag>,M^FDMM,A<text>^FS"; the text runs to ^FS. */
static int check_zpl(struct want *w, const char *doc)
{
    const char *p = doc;
    while ((p = strstr(p, "^BQ")) != NULL) {
        const char *fd = strstr(p, "^FD"), *fs = fd ? strstr(fd, "^FS") : NULL;
        int mag = 0, used = 0;
        if (sscanf(p, "^BQN,2,%d,M^FD%n", &mag, &used) != 1 || used == 0 ||
            p + used != fd + 3 || mag < 1 || mag > 10) {
            fprintf(stderr, "print_check: ^BQ is not ^BQN,2,<1-10>,M\n");
            return -1;
        }
        if (!fs || strncmp(fd + 3, "MM,A", 4)) {
            fprintf(stderr, "print_check: ^BQ without ^FDMM,A...^FS\n");
            return -1;
        }
        check_text(w, fd + 7, (size_t)(fs - fd - 7));
        p = fs;
    }
    return 0;
}

/* TSPL: QRCODE x,y,M,cell,A,0,"<text>" on one line. */
static int check_tspl(struct want *w, const char *doc)
{
    const char *p = doc;
    while ((p = strstr(p, "QRCODE ")) != NULL) {
        const char *eol = strchr(p, '\n');
        const char *q = strchr(p, '"');
        if (!eol || !q || q > eol || eol < q + 2 || eol[-1] != '\r' ||
            eol[-2] != '"') {
            fprintf(stderr, "print_check: bad QRCODE line\n");
            return -1;
        }
        if (!strstr(p, ",M,") || strstr(p, ",M,") > q) {
            fprintf(stderr, "print_check: QRCODE not at level M\n");
            return -1;
        }
        check_text(w, q + 1, (size_t)(eol - 2 - q - 1));
        p = eol;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 8 || labels_init() != LABELS_OK) {
        fputs("usage: print_check PUB PRODUCT LOT STARS A-B "
              "image|zpl|tspl FILE...\n",
              stderr);
        return 2;
    }
    labels_pubkey pub;
    if (labels_pubkey_read(argv[1], &pub) != LABELS_OK) {
        fprintf(stderr, "print_check: cannot read %s\n", argv[1]);
        return 2;
    }
    struct want w = {&pub, argv[2], argv[3], atoi(argv[4]), 0, 0, NULL, 0, 0};
    if (sscanf(argv[5], "%lu-%lu", &w.first, &w.last) != 2 ||
        w.last < w.first || w.last - w.first > 10000000)
        return 2;
    w.seen = calloc(w.last - w.first + 1, 1);
    if (!w.seen)
        return 2;
    const char *mode = argv[6];
    if (!strcmp(mode, "image")) {
        labels_decoder *dec = labels_decoder_new();
        for (int i = 7; dec && i < argc; i++) {
            labels_image img;
            int rc = labels_image_read(argv[i], 0, &img);
            if (rc == LABELS_OK) {
                rc = labels_decode(dec, &img, on_code, &w, NULL);
                labels_image_free(&img);
            }
            if (rc != LABELS_OK) {
                fprintf(stderr, "print_check: %s: %s\n", argv[i],
                        labels_strerror(rc));
                w.bad = 1;
            }
        }
        labels_decoder_free(dec);
    } else if (!strcmp(mode, "zpl") || !strcmp(mode, "tspl")) {
        size_t len;
        char *doc = slurp(argv[7], &len);
        if (!doc || (mode[0] == 'z' ? check_zpl(&w, doc) : check_tspl(&w, doc)))
            w.bad = 1;
        free(doc);
    } else {
        return 2;
    }
    for (unsigned long s = w.first; s <= w.last; s++)
        if (!w.seen[s - w.first]) {
            fprintf(stderr, "print_check: serial %lu missing\n", s);
            w.bad = 1;
            break;
        }
    free(w.seen);
    printf("%lu labels checked\n", w.count);
    return w.bad ? 1 : 0;
}
