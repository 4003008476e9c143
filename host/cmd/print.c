/* print.c -- ocop-host print: sign a batch of labels for one product
 * and lot, after checking the authority's mirror allows it. */
#include "cmd/cli.h"
#include "print/print.h"
#include "registry/registry.h"

#include <errno.h>
#include <getopt.h>
#include <labels.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: ocop-host print --mirror MIRROR.db --key PRODUCER.sec "
    "--product CODE --lot LOT\n"
    "         --serials A-B --format png|svg|pdf|zpl|tspl --out PATH\n"
    "         [--stars N] [--issued YYYY-MM-DD] [--host HOST]\n"
    "         [--label-mm WxH] [--dpi N]          (png, svg, zpl, tspl)\n"
    "         [--paper a4|letter] [--rows R] [--cols C] [--margin-mm M]\n"
    "         [--crop-marks]                      (pdf)\n"
    "         [--max-labels N]   (default 100000 labels per run) [--reprint]\n"
    "png and svg write a new folder PATH with one file per label; the other\n"
    "formats write one file. Nothing is written unless the whole batch is;\n"
    "SIGTERM or SIGINT stops the run and removes what it wrote.\n"
    "The QR's host is the authority's first verify host from the mirror;\n"
    "--host must be one of them (OCOP.EXAMPLE only in the demo world).\n"
    "Printed ranges are recorded in KEY.printed; serials of a lot already\n"
    "printed are refused unless --reprint says the run replaces them.\n";

static int parse_mm(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 2000))
        return -1;
    *out = v;
    return 0;
}

static int parse_serials(const char *s, uint32_t *a, uint32_t *b)
{
    const char *dash = strchr(s, '-');
    unsigned long x, y;
    char first[16];
    if (!dash) {
        if (cli_number(s, UINT32_MAX, &x))
            return -1;
        y = x;
    } else {
        size_t n = (size_t)(dash - s);
        if (n == 0 || n >= sizeof first)
            return -1;
        memcpy(first, s, n);
        first[n] = '\0';
        if (cli_number(first, UINT32_MAX, &x) ||
            cli_number(dash + 1, UINT32_MAX, &y))
            return -1;
    }
    if (x < 1 || y < x)
        return -1;
    *a = (uint32_t)x;
    *b = (uint32_t)y;
    return 0;
}

static int parse_size(const char *s, double *w, double *h)
{
    char buf[64];
    const char *x = strchr(s, 'x');
    size_t n = x ? (size_t)(x - s) : 0;
    if (!x || n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return parse_mm(buf, w) || parse_mm(x + 1, h) ? -1 : 0;
}

static void io_error(const char *what, const char *path, int rc)
{
    int e = errno;
    cli_error("cannot write %s %s: %s%s%s", what, path, labels_strerror(rc),
              rc == LABELS_ERR_IO && e ? ": " : "",
              rc == LABELS_ERR_IO && e ? strerror(e) : "");
}

/* The command line, checked. */
struct pargs {
    const char *mirror, *key, *product, *lot, *issued, *serials;
    unsigned long stars, dpi, max_labels;
    int fmt, reprint;
    uint16_t today;
    char host[LABELS_HOST_MAX + 1]; /* the QR URL's host, chosen */
    print_job job;
};

static int parse(int argc, char **argv, struct pargs *a)
{
    static const struct option opts[] = {
        {"mirror", required_argument, NULL, 'M'},
        {"key", required_argument, NULL, 'k'},
        {"product", required_argument, NULL, 'p'},
        {"lot", required_argument, NULL, 'l'},
        {"serials", required_argument, NULL, 'n'},
        {"stars", required_argument, NULL, 's'},
        {"issued", required_argument, NULL, 'i'},
        {"host", required_argument, NULL, 'H'},
        {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},
        {"paper", required_argument, NULL, 'P'},
        {"rows", required_argument, NULL, 'r'},
        {"cols", required_argument, NULL, 'c'},
        {"label-mm", required_argument, NULL, 'L'},
        {"margin-mm", required_argument, NULL, 'm'},
        {"crop-marks", no_argument, NULL, 'C'},
        {"dpi", required_argument, NULL, 'd'},
        {"max-labels", required_argument, NULL, 'X'},
        {"reprint", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long ul;
    memset(a, 0, sizeof *a);
    a->fmt = -1;
    print_sheet_defaults(&a->job.sheet);
    a->job.geom.w_mm = PRINT_LABEL_W_MM;
    a->max_labels = PRINT_MAX_LABELS;
    a->job.geom.h_mm = PRINT_LABEL_H_MM;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'M': a->mirror = optarg; break;
        case 'k': a->key = optarg; break;
        case 'p': a->product = optarg; break;
        case 'l': a->lot = optarg; break;
        case 'n': a->serials = optarg; break;
        case 'i': a->issued = optarg; break;
        case 'H': a->job.host = optarg; break;
        case 'o': a->job.out = optarg; break;
        case 'C': a->job.sheet.crop_marks = 1; break;
        case 'R': a->reprint = 1; break;
        case 'f':
            if ((a->fmt = print_format_parse(optarg)) < 0) {
                cli_error("--format must be png, svg, pdf, zpl or tspl");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 's':
            if (cli_number(optarg, 5, &a->stars) || a->stars < 1) {
                cli_error("--stars must be 1 to 5");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'd':
            if (cli_number(optarg, 2400, &a->dpi) || a->dpi < 100) {
                cli_error("--dpi must be 100 to 2400");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'X':
            if (cli_number(optarg, 4294967295UL, &a->max_labels) ||
                a->max_labels < 1) {
                cli_error("--max-labels must be 1 to 4294967295");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'P':
            if (!strcmp(optarg, "a4")) {
                a->job.sheet.paper_w_mm = 210;
                a->job.sheet.paper_h_mm = 297;
            } else if (!strcmp(optarg, "letter")) {
                a->job.sheet.paper_w_mm = 215.9;
                a->job.sheet.paper_h_mm = 279.4;
            } else {
                cli_error("--paper must be a4 or letter");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'r':
        case 'c':
            if (cli_number(optarg, 1000, &ul) || ul < 1) {
                cli_error("--%s must be 1 to 1000", c == 'r' ? "rows" : "cols");
                return LABELS_EXIT_USAGE;
            }
            *(c == 'r' ? &a->job.sheet.rows : &a->job.sheet.cols) = (int)ul;
            break;
        case 'L':
            if (parse_size(optarg, &a->job.geom.w_mm, &a->job.geom.h_mm) ||
                a->job.geom.w_mm < 20 || a->job.geom.h_mm < 15 ||
                a->job.geom.w_mm > 500 || a->job.geom.h_mm > 500) {
                cli_error("--label-mm takes WxH in millimetres, at least 20x15 "
                          "and at most 500x500");
                return LABELS_EXIT_USAGE;
            }
            a->job.sheet.label_w_mm = a->job.geom.w_mm;
            a->job.sheet.label_h_mm = a->job.geom.h_mm;
            break;
        case 'm':
            if (parse_mm(optarg, &a->job.sheet.margin_mm)) {
                cli_error("--margin-mm must be a number of millimetres");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage_text, stdout); return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    return -1;
}

/* Everything that can be checked before the key and the mirror are read. */
static int check(int argc, struct pargs *a)
{
    if (!a->mirror || !a->key || !a->product || !a->lot || !a->serials ||
        a->fmt < 0 || !a->job.out || optind != argc) {
        cli_error("print needs --mirror, --key, --product, --lot, --serials, "
                  "--format and --out ('ocop-host print --help')");
        return LABELS_EXIT_USAGE;
    }
    a->job.format = (print_format)a->fmt;
    if (parse_serials(a->serials, &a->job.first, &a->job.last)) {
        cli_error("--serials takes A-B with 1 <= A <= B <= 4294967295");
        return LABELS_EXIT_USAGE;
    }
    if ((unsigned long)(a->job.last - a->job.first) >= a->max_labels) {
        cli_error("--serials %s is %lu labels, over the %lu a run makes; "
                  "split the range or pass --max-labels",
                  a->serials, (unsigned long)(a->job.last - a->job.first) + 1,
                  a->max_labels);
        return LABELS_EXIT_USAGE;
    }
    labels_label probe;
    memset(&probe, 0, sizeof probe);
    if (strlen(a->product) > LABELS_CODE_MAX ||
        strlen(a->lot) > LABELS_CODE_MAX) {
        cli_error("product code and lot are at most %d characters",
                  LABELS_CODE_MAX);
        return LABELS_EXIT_USAGE;
    }
    memcpy(probe.product, a->product, strlen(a->product) + 1);
    memcpy(probe.lot, a->lot, strlen(a->lot) + 1);
    probe.stars = 3;
    probe.serial = 1;
    if (labels_check_fields(&probe) != LABELS_OK) {
        cli_error("product code and lot take 1-12 characters of 0-9 A-Z - . /");
        return LABELS_EXIT_USAGE;
    }
    /* Only the host can make formatting fail for valid fields: try it
     * now, before the key and the mirror are read. */
    char probe_text[LABELS_TEXT_MAX];
    probe.version = LABELS_FORMAT_VERSION;
    if (labels_format(&probe, a->job.host, probe_text, sizeof probe_text,
                      NULL) != LABELS_OK) {
        cli_error("--host must be an uppercase host name (A-Z 0-9 . - and an "
                  "optional :port)");
        return LABELS_EXIT_USAGE;
    }
    int rc = a->issued ? labels_date_parse(a->issued, &a->job.issued)
                       : labels_date_today(&a->job.issued);
    if (rc != LABELS_OK || labels_date_today(&a->today) != LABELS_OK) {
        cli_error(
            "issue date must be YYYY-MM-DD from 2020-01-01 to 2199-06-06");
        return LABELS_EXIT_USAGE;
    }
    if (a->job.format == PRINT_PDF &&
        print_sheet_resolve(&a->job.sheet) != LABELS_OK) {
        cli_error("%d x %d labels of %.1f x %.1f mm with %.1f mm margins do "
                  "not fit the paper",
                  a->job.sheet.rows, a->job.sheet.cols, a->job.sheet.label_w_mm,
                  a->job.sheet.label_h_mm, a->job.sheet.margin_mm);
        return LABELS_EXIT_USAGE;
    }
    a->job.geom.dpi =
        a->dpi ? (int)a->dpi
        : (a->job.format == PRINT_ZPL || a->job.format == PRINT_TSPL)
            ? PRINT_THERMAL_DPI
            : PRINT_PNG_DPI;
    if ((a->job.format == PRINT_ZPL || a->job.format == PRINT_TSPL) &&
        a->job.geom.dpi > 600) {
        cli_error("--dpi for thermal printers must be 100 to 600");
        return LABELS_EXIT_USAGE;
    }

    return LABELS_EXIT_OK;
}

/* The host the labels' URLs name (docs/printing.md): one of the
 * authority's verify addresses from the mirror, the first by default. A
 * label under any other host is wrong_host on every kiosk, and the demo
 * host leads nowhere, so neither is printed. 0, or an exit code. */
static int pick_host(struct pargs *a)
{
    labels_mirror *m;
    char list[1024];
    int rc = labels_mirror_open(a->mirror, &m);
    if (rc != LABELS_OK) {
        cli_error("%s is not a mirror: %s", a->mirror, labels_strerror(rc));
        return LABELS_EXIT_FAIL;
    }
    rc = labels_mirror_hosts(m, list, sizeof list);
    labels_mirror_close(m);
    if (rc != LABELS_OK && rc != LABELS_ERR_NOT_FOUND) {
        cli_error("%s: cannot read its verify hosts", a->mirror);
        return LABELS_EXIT_FAIL;
    }
    const char *want = a->job.host;
    if (rc == LABELS_OK && !want) {
        size_t n = strcspn(list, " ");
        if (n == 0 || n > LABELS_HOST_MAX) {
            cli_error("%s names no verify host", a->mirror);
            return LABELS_EXIT_FAIL;
        }
        memcpy(a->host, list, n);
        a->host[n] = '\0';
        a->job.host = a->host;
        return 0;
    }
    if (rc == LABELS_OK && !labels_host_listed(list, want, strlen(want))) {
        cli_error("refusing to sign: %s is not one of the authority's verify "
                  "hosts (%s); kiosks would answer wrong_host",
                  want, list);
        return LABELS_EXIT_NO;
    }
    /* A mirror from before the list: the producer must name the
     * authority's address, and the demo host is never it. */
    if (rc == LABELS_ERR_NOT_FOUND && !want) {
        cli_error("refusing to sign: the mirror names no verify host; give "
                  "--host with the authority's address");
        return LABELS_EXIT_NO;
    }
    if (rc == LABELS_ERR_NOT_FOUND && !strcmp(want, LABELS_DEMO_HOST)) {
        cli_error("refusing to sign: %s is the demo host, outside the demo "
                  "world it leads nowhere; give --host with the authority's "
                  "address",
                  LABELS_DEMO_HOST);
        return LABELS_EXIT_NO;
    }
    return 0;
}

/* SIGTERM and SIGINT stop a run between labels; print_batch then removes
 * its temporary file or folder, and the signal is raised again. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig) { stop_signal = sig; }

static int catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ? -1
                                                                         : 0;
}

/* After a stopped run: die of the signal, as if it had not been caught. */
static int die_of_stop(const char *out)
{
    cli_error("stopped by signal %d; nothing written to %s", (int)stop_signal,
              out);
    signal((int)stop_signal, SIG_DFL);
    raise((int)stop_signal);
    return LABELS_EXIT_FAIL;
}

/* Serials of this lot printed before (the record beside the key) are a
 * refusal unless --reprint: labels printed twice look like clones on
 * every report. 0, or an exit code. */
static int check_record(const struct pargs *a)
{
    print_range was;
    char err[4400];
    int rc = print_record_check(a->key, a->lot, a->job.first, a->job.last, &was,
                                err, sizeof err);
    if (rc == LABELS_OK || (rc == LABELS_ERR_EXISTS && a->reprint))
        return 0;
    if (rc != LABELS_ERR_EXISTS) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    cli_error("refusing to print: serials %lu-%lu of lot %s were printed "
              "already (issued %s, recorded in %s.printed); labels printed "
              "twice look like clones. Pass --reprint to replace spoiled "
              "labels",
              (unsigned long)was.first, (unsigned long)was.last, was.lot,
              was.issued, a->key);
    return LABELS_EXIT_NO;
}

/* May this key sign for the product? Then the batch. */
static int sign_and_print(struct pargs *a)
{
    int rc;
    labels_seckey sec;
    rc = labels_seckey_read(a->key, &sec);
    if (rc != LABELS_OK) {
        cli_error("cannot use secret key %s: %s%s%s", a->key,
                  labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                  rc == LABELS_ERR_IO ? strerror(errno) : "");
        return LABELS_EXIT_FAIL;
    }
    labels_pubkey pub;
    labels_seckey_public(&sec, &pub);
    labels_product prod;
    char why[512];
    int verdict = sign_policy_check(a->mirror, a->product, (int)a->stars, &pub,
                                    a->today, &prod, why, sizeof why);
    if (verdict != SIGN_POLICY_OK) {
        labels_seckey_wipe(&sec);
        if (verdict == SIGN_POLICY_REFUSED) {
            cli_error("refusing to sign: %s", why);
            return LABELS_EXIT_NO;
        }
        cli_error("%s", why);
        return LABELS_EXIT_FAIL;
    }
    rc = pick_host(a);
    if (!rc)
        rc = check_record(a);
    if (rc) {
        labels_seckey_wipe(&sec);
        return rc;
    }
    a->job.product = &prod;
    a->job.lot = a->lot;
    a->job.stars = prod.stars;
    a->job.stop = &stop_signal;
    if (catch_stop() != 0) {
        labels_seckey_wipe(&sec);
        cli_error("cannot catch SIGTERM: %s", strerror(errno));
        return LABELS_EXIT_FAIL;
    }
    rc = print_batch(&a->job, &sec);
    labels_seckey_wipe(&sec);
    print_cleanup();
    if (rc != LABELS_OK) {
        if (stop_signal)
            return die_of_stop(a->job.out);
        if (rc == LABELS_ERR_EXISTS)
            cli_error("%s already exists; png and svg write a new folder",
                      a->job.out);
        else if (rc == LABELS_ERR_IMAGE)
            cli_error("cannot render %.0f x %.0f mm labels at %d dpi: the "
                      "image would be too large",
                      a->job.geom.w_mm, a->job.geom.h_mm, a->job.geom.dpi);
        else
            io_error("labels to", a->job.out, rc);
        return LABELS_EXIT_FAIL;
    }
    char err[4400];
    if (print_record_add(a->key, a->lot, a->job.first, a->job.last,
                         a->job.issued, err, sizeof err) != LABELS_OK) {
        cli_error("labels written to %s, but not recorded: %s", a->job.out,
                  err);
        return LABELS_EXIT_FAIL;
    }
    unsigned long count = (unsigned long)(a->job.last - a->job.first) + 1;
    printf("wrote %lu label%s (%s %s, lot %s, serials %lu-%lu, %d stars) to "
           "%s\n",
           count, count == 1 ? "" : "s", prod.code, prod.name, a->lot,
           (unsigned long)a->job.first, (unsigned long)a->job.last, prod.stars,
           a->job.out);
    return LABELS_EXIT_OK;
}

int cmd_print(int argc, char **argv)
{
    struct pargs a;
    int rc = parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    rc = check(argc, &a);
    if (rc != LABELS_EXIT_OK)
        return rc;
    return sign_and_print(&a);
}
