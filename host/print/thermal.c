/* thermal.c -- ZPL (Zebra) and TSPL (TSC, Xprinter) label formats.
 *
 * The printer draws the QR itself from the label URL, so no QR is encoded
 * here. Their built-in fonts have no Vietnamese marks, so text is folded
 * to ASCII ("Mật ong" -> "Mat ong"); docs/printing.md explains the choice. */
#include "print_internal.h"

#include <glib.h>
#include <string.h>

void print_ascii_fold(const char *utf8, const char *reject, char *out,
                      size_t outsz)
{
    if (!out || outsz == 0)
        return;
    out[0] = '\0';
    if (!utf8)
        return;
    /* g_str_to_ascii() drops combining marks but has no mapping for the
     * stroked D, so that one letter is done first. */
    size_t n = strlen(utf8);
    char *pre = g_malloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)utf8[i];
        if (c == 0xC4 && i + 1 < n &&
            ((unsigned char)utf8[i + 1] == 0x90 ||
             (unsigned char)utf8[i + 1] == 0x91)) {
            pre[j++] = (unsigned char)utf8[i + 1] == 0x90 ? 'D' : 'd';
            i++;
        } else {
            pre[j++] = (char)c;
        }
    }
    pre[j] = '\0';
    char *ascii =
        g_utf8_validate(pre, (gssize)j, NULL) ? g_str_to_ascii(pre, "C") : NULL;
    g_free(pre);
    const char *src = ascii ? ascii : "?";
    size_t k = 0;
    for (; src[k] && k + 1 < outsz; k++) {
        char c = src[k];
        if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e ||
            (reject && strchr(reject, c)))
            c = ' ';
        out[k] = c;
    }
    out[k] = '\0';
    g_free(ascii);
}

static int dots(double mm, int dpi) { return (int)(mm * dpi / 25.4 + 0.5); }

/* Modules across the QR symbol a printer will make for text: the
 * smallest version at level M whose capacity holds it as one
 * alphanumeric segment (labels_format() only makes such texts). */
static int qr_modules_for(const char *text, size_t len)
{
    static const int data_cw[] = {0,   16,  28,  44,  64,  86,  108,
                                  124, 154, 182, 216, 254, 290, 334,
                                  365, 415, 453, 507, 563, 627, 669};
    for (int v = 1; v <= 20; v++) {
        int count_bits = v <= 9 ? 9 : 11;
        size_t bits = 4 + (size_t)count_bits + 11 * (len / 2) + 6 * (len % 2);
        if (bits <= (size_t)data_cw[v] * 8)
            return 17 + 4 * v;
    }
    (void)text;
    return 97; /* version 20: larger never fits a label anyway */
}

static void stars_text(int stars, char *out, size_t outsz)
{
    char s[8] = "";
    int n = stars < 0 ? 0 : stars > 5 ? 5 : stars;
    memset(s, '*', (size_t)n);
    s[n] = '\0';
    snprintf(out, outsz, "%s %d SAO", s, stars);
}

int print_zpl_label(FILE *f, const print_item *it, const print_geom *g)
{
    if (!f || !it || !it->product || !it->label || !it->qr_text || !g ||
        g->dpi < 100 || g->dpi > 600)
        return LABELS_ERR_ARG;
    const labels_label *lab = it->label;
    int w = dots(g->w_mm, g->dpi), h = dots(g->h_mm, g->dpi);
    int pad = h / 20;
    int side = h < w / 2 ? h : w / 2;
    int total =
        qr_modules_for(it->qr_text, it->qr_len) + 2 * LABELS_QUIET_MODULES;
    int mag = side / total;
    mag = mag < 1 ? 1 : mag > 10 ? 10 : mag;
    int qoff = (side - mag * total) / 2 + mag * LABELS_QUIET_MODULES;
    int tx = side, tw = w - side - pad;
    int big = h / 9, small = h / 13;
    char name[512], producer[512], st[32];
    /* ^ and ~ start commands, \ escapes inside ^FB. */
    print_ascii_fold(it->product->name, "^~\\", name, sizeof name);
    print_ascii_fold(it->product->producer_name, "^~\\", producer,
                     sizeof producer);
    stars_text(lab->stars, st, sizeof st);
    int y = pad;
    fprintf(f, "^XA\n^PW%d\n^LL%d\n^LH0,0\n", w, h);
    /* Field data "MM,A<text>": error level M, manual input, alphanumeric
     * mode, so the symbol holds exactly the label URL. Level M is also
     * given as ^BQ's fourth parameter, which some firmware reads instead. */
    fprintf(f, "^FO%d,%d^BQN,2,%d,M^FDMM,A%.*s^FS\n", qoff, qoff, mag,
            (int)it->qr_len, it->qr_text);
    int mark_w = big * 3;
    fprintf(f, "^FO%d,%d^GB%d,%d,%d^FS\n", tx, y, mark_w, big + pad, big + pad);
    fprintf(f, "^FO%d,%d^A0N,%d,%d^FR^FDOCOP^FS\n", tx + pad, y + pad / 2, big,
            big);
    fprintf(f, "^FO%d,%d^A0N,%d,%d^FD%s^FS\n", tx + mark_w + pad, y + pad / 2,
            small, small, st);
    y += big + 2 * pad;
    fprintf(f, "^FO%d,%d^A0N,%d,%d^FB%d,2,0,L^FD%s^FS\n", tx, y, small, small,
            tw, name);
    y += 2 * small + pad;
    fprintf(f, "^FO%d,%d^A0N,%d,%d^FB%d,2,0,L^FD%s^FS\n", tx, y, small, small,
            tw, producer);
    fprintf(f, "^FO%d,%d^A0N,%d,%d^FDLo: %s^FS\n", tx, h - pad - 2 * small,
            small, small, lab->lot);
    fprintf(f, "^FO%d,%d^A0N,%d,%d^FDSo: %lu^FS\n", tx, h - pad - small, small,
            small, (unsigned long)lab->serial);
    fputs("^PQ1\n^XZ\n", f);
    return ferror(f) ? LABELS_ERR_IO : LABELS_OK;
}

int print_tspl_header(FILE *f, const print_geom *g)
{
    if (!f || !g)
        return LABELS_ERR_ARG;
    fprintf(f, "SIZE %.1f mm,%.1f mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 1\r\n",
            g->w_mm, g->h_mm);
    return ferror(f) ? LABELS_ERR_IO : LABELS_OK;
}

/* Up to two lines of at most cols characters, broken at spaces. */
static void tspl_lines(FILE *f, int x, int y, int line_h, const char *text,
                       int cols)
{
    size_t len = strlen(text), pos = 0;
    if (cols < 4)
        cols = 4;
    for (int line = 0; line < 2 && pos < len; line++) {
        while (text[pos] == ' ')
            pos++;
        size_t n = len - pos;
        if (n > (size_t)cols) {
            n = (size_t)cols;
            size_t cut = n;
            while (cut > 0 && text[pos + cut] != ' ')
                cut--;
            if (cut > 0 && line == 0)
                n = cut;
        }
        fprintf(f, "TEXT %d,%d,\"2\",0,1,1,\"%.*s\"\r\n", x, y + line * line_h,
                (int)n, text + pos);
        pos += n;
    }
}

int print_tspl_label(FILE *f, const print_item *it, const print_geom *g)
{
    if (!f || !it || !it->product || !it->label || !it->qr_text || !g ||
        g->dpi < 100 || g->dpi > 600)
        return LABELS_ERR_ARG;
    const labels_label *lab = it->label;
    int w = dots(g->w_mm, g->dpi), h = dots(g->h_mm, g->dpi);
    int pad = h / 20;
    int side = h < w / 2 ? h : w / 2;
    int total =
        qr_modules_for(it->qr_text, it->qr_len) + 2 * LABELS_QUIET_MODULES;
    int cell = side / total;
    cell = cell < 1 ? 1 : cell > 10 ? 10 : cell;
    int qoff = (side - cell * total) / 2 + cell * LABELS_QUIET_MODULES;
    int tx = side, tw = w - side - pad;
    /* Font "2" is 12 x 20 dots at 203 dpi; scale the line pitch with it. */
    int fw = 12 * g->dpi / 203, fh = 20 * g->dpi / 203, lh = fh + pad / 2;
    char name[512], producer[512], st[32];
    print_ascii_fold(it->product->name, "\"", name, sizeof name);
    print_ascii_fold(it->product->producer_name, "\"", producer,
                     sizeof producer);
    stars_text(lab->stars, st, sizeof st);
    int y = pad;
    fputs("CLS\r\n", f);
    fprintf(f, "QRCODE %d,%d,M,%d,A,0,\"%.*s\"\r\n", qoff, qoff, cell,
            (int)it->qr_len, it->qr_text);
    fprintf(f, "TEXT %d,%d,\"3\",0,1,1,\"OCOP\"\r\n", tx + pad, y + pad / 2);
    fprintf(f, "REVERSE %d,%d,%d,%d\r\n", tx, y,
            16 * 4 * g->dpi / 203 + 2 * pad, 24 * g->dpi / 203 + pad);
    fprintf(f, "TEXT %d,%d,\"2\",0,1,1,\"%s\"\r\n",
            tx + 16 * 4 * g->dpi / 203 + 3 * pad, y + pad / 2, st);
    y += 24 * g->dpi / 203 + 2 * pad;
    tspl_lines(f, tx, y, lh, name, tw / fw);
    y += 2 * lh + pad / 2;
    tspl_lines(f, tx, y, lh, producer, tw / fw);
    fprintf(f, "TEXT %d,%d,\"2\",0,1,1,\"Lo: %s\"\r\n", tx, h - pad - 2 * lh,
            lab->lot);
    fprintf(f, "TEXT %d,%d,\"2\",0,1,1,\"So: %lu\"\r\n", tx, h - pad - lh,
            (unsigned long)lab->serial);
    fputs("PRINT 1,1\r\n", f);
    return ferror(f) ? LABELS_ERR_IO : LABELS_OK;
}
