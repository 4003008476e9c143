/* demo.c -- ocop-host demo DIR [--date D]: a complete world to try
 * everything on (the work is demo_build in demo/). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"
#include "demo/demo.h"

#include <getopt.h>
#include <stdio.h>

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *date_opt = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': date_opt = optarg; break;
        case 'h':
            puts("usage: ocop-host demo DIR [--date YYYY-MM-DD]\n"
                 "Build a demo world in DIR (new or empty) as of --date "
                 "(default today):\nauthority key, registry.db with the "
                 "January 2020 figures (1,129 products,\n752 producers, 24 "
                 "provinces), products.csv, producer keys, mirror.db,\nand "
                 "sample labels in labels/ with labels/expected.tsv.");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("demo needs one folder: ocop-host demo DIR");
        return LABELS_EXIT_USAGE;
    }
    const char *dir = argv[optind];
    char today[LABELS_DATE_SIZE];
    int rc = regcli_date(date_opt, "--date", today);
    if (rc != LABELS_EXIT_OK)
        return rc;
    uint16_t labelday;
    char earliest[LABELS_DATE_SIZE];
    /* Labels carry dates from 2020 on; the oldest sample is ~3.4 years
     * before the demo date. */
    regdate_add_days(today, -1300, earliest);
    if (labels_date_parse(earliest, &labelday) != LABELS_OK) {
        cli_error("--date must be 2023-07-25 or later (labels date from "
                  "2020)");
        return LABELS_EXIT_USAGE;
    }
    char err[REG_ERR_MAX + 4096];
    int imported[2] = {0, 0};
    rc = demo_build(dir, today, imported, err, sizeof err);
    /* The import's own line, as ocop-host import prints it. */
    if (imported[0] > 0)
        printf("imported %d products (%d new producers) from %s/products.csv\n",
               imported[0], imported[1], dir);
    if (rc) {
        if (err[0])
            cli_error("%s", err);
        if (rc == -2)
            cli_error("demo: %s is incomplete; remove it and try again", dir);
        return LABELS_EXIT_FAIL;
    }
    printf("demo world in %s as of %s: %d products of %d producers in %d "
           "provinces\n(%d proposed 5, %d 4-star, %d 3-star), mirror.db, "
           "%d sample labels in labels/\n",
           dir, today, DEMO_PRODUCTS, DEMO_PRODUCERS, DEMO_PROVINCES,
           DEMO_PROPOSED5, DEMO_STARS4, DEMO_STARS3, DEMO_SAMPLES);
    return LABELS_EXIT_OK;
}
