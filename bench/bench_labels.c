/* bench_labels.c -- labels per second on one core, next to the bare cost
 * of drawing the same text as a QR symbol with libqrencode, measured in
 * the same run so the ratio means something on any machine.
 *
 * usage: bench_labels [SECONDS]   (per measurement, default 2)
 */
#include <labels.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NLABELS 256

static labels_pubkey pub;
static labels_seckey sec;
static labels_label fields[NLABELS];
static char texts[NLABELS][LABELS_TEXT_MAX];
static size_t lens[NLABELS];
static volatile unsigned sink; /* keeps results observable */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_labels: %s: %s\n", what, labels_strerror(rc));
    exit(1);
}

/* What a producer's printer does per label: sign, format, encode. */
static void sign_encode(int i)
{
    labels_label lab = fields[i];
    char text[LABELS_TEXT_MAX];
    size_t len;
    labels_qr qr;
    int rc = labels_sign(&lab, &sec);
    if (rc == LABELS_OK)
        rc = labels_format(&lab, NULL, text, sizeof text, &len);
    if (rc == LABELS_OK)
        rc = labels_qr_encode(text, len, &qr);
    if (rc != LABELS_OK)
        die("sign+encode", rc);
    sink += (unsigned)qr.modules[qr.width * qr.width - 1];
    labels_qr_free(&qr);
}

/* The baseline: the same text through libqrencode and nothing else. */
static void bare_encode(int i)
{
    QRcode *code = QRcode_encodeString(texts[i], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code)
        die("QRcode_encodeString", LABELS_ERR_QR);
    sink += code->data[0];
    QRcode_free(code);
}

/* What a kiosk does per scanned text: parse and check the signature. */
static void parse_verify(int i)
{
    labels_label lab;
    int rc = labels_parse(texts[i], lens[i], &lab);
    if (rc == LABELS_OK)
        rc = labels_verify(&lab, &pub);
    if (rc != LABELS_OK)
        die("parse+verify", rc);
    sink += lab.stars;
}

/* The three measurements run in alternating small batches, so a
 * neighbour's load on this shared machine hits them alike and the ratios
 * stay meaningful even when the absolute rates wobble. */
enum { SIGN_ENCODE, BARE_ENCODE, PARSE_VERIFY, KINDS };
static void (*const kinds[KINDS])(int) = {sign_encode, bare_encode,
                                          parse_verify};

static void measure(double seconds, double rates[KINDS])
{
    double spent[KINDS] = {0}, t0 = now();
    long done[KINDS] = {0};
    while (now() - t0 < seconds * KINDS) {
        for (int k = 0; k < KINDS; k++) {
            double t = now();
            for (int b = 0; b < 16; b++, done[k]++)
                kinds[k]((int)(done[k] % NLABELS));
            spent[k] += now() - t;
        }
    }
    for (int k = 0; k < KINDS; k++)
        rates[k] = (double)done[k] / spent[k];
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    if (seconds <= 0 || seconds > 60) {
        fprintf(stderr, "usage: bench_labels [SECONDS 0-60]\n");
        return 2;
    }
    int rc = labels_init();
    if (rc == LABELS_OK)
        rc = labels_keygen(&pub, &sec);
    if (rc != LABELS_OK)
        die("setup", rc);
    /* Realistic labels: full-length codes, varying serials and dates. */
    for (int i = 0; i < NLABELS; i++) {
        labels_label *l = &fields[i];
        memset(l, 0, sizeof *l);
        snprintf(l->product, sizeof l->product, "HN-%04d-2026", i);
        snprintf(l->lot, sizeof l->lot, "L2026/%02d.%03d", 1 + i % 12, i);
        l->stars = (uint8_t)(3 + i % 3);
        l->serial = 1000000u + (uint32_t)i * 7919u;
        l->issued = (uint16_t)(2500 + i);
        labels_label s = *l;
        rc = labels_sign(&s, &sec);
        if (rc == LABELS_OK)
            rc = labels_format(&s, NULL, texts[i], sizeof texts[i], &lens[i]);
        if (rc != LABELS_OK)
            die("prepare", rc);
    }
    labels_qr qr;
    rc = labels_qr_encode(texts[0], lens[0], &qr);
    if (rc != LABELS_OK)
        die("encode", rc);
    printf("label text: %zu characters, QR version %d (%dx%d), level M\n",
           lens[0], qr.version, qr.width, qr.width);
    labels_qr_free(&qr);

    double r[KINDS];
    measure(seconds, r);
    labels_seckey_wipe(&sec);
    printf("bare QRcode_encodeString:         %9.0f /s  (baseline)\n",
           r[BARE_ENCODE]);
    printf("sign + format + labels_qr_encode: %9.0f /s  ratio %.2fx "
           "(goal >= 0.80x)\n",
           r[SIGN_ENCODE], r[SIGN_ENCODE] / r[BARE_ENCODE]);
    printf("parse + verify:                   %9.0f /s  ratio %.2fx\n",
           r[PARSE_VERIFY], r[PARSE_VERIFY] / r[BARE_ENCODE]);
    return 0;
}
