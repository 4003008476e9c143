/* provinces.c -- ocop-host provinces: the provincial units every command
 * accepts (labels/provinces.c), today's 34 or the 63 of 2020 with the unit
 * each became, and what a typed name stands for. */
#include "cmd/cli.h"
#include "registry/registry.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void print_unit(const labels_province *p)
{
    const labels_province *now = labels_province_now(p);
    if (p->units == LABELS_UNITS_2025)
        printf("%s\t%s\t%s\n", p->code, p->name, p->city ? "city" : "province");
    else
        printf("%s\t%s\t%s\n", p->code, p->name, now->name);
}

int cmd_provinces(int argc, char **argv)
{
    static const struct option opts[] = {
        {"units", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    labels_units units = LABELS_UNITS_2025;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'u':
            if (!strcmp(optarg, "2020"))
                units = LABELS_UNITS_2020;
            else if (strcmp(optarg, "2025")) {
                cli_error("--units must be 2025 or 2020");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'h':
            puts("usage: ocop-host provinces [--units 2025|2020] [NAME...]\n"
                 "The provincial units (Resolution 202/2025/QH15): code, "
                 "name and city or\nprovince for the 34 of 2025; code, name "
                 "and the 2025 unit for the 63\nof 2020. With NAMEs: the "
                 "2025 unit each stands for. Names are taken in\nany case, "
                 "with or without diacritics; codes and 2020 names too.");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    int rc = LABELS_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        char err[REG_ERR_MAX];
        const labels_province *named,
            *p = registry_province(argv[i], &named, err, sizeof err);
        if (!p) {
            cli_error("%s", err);
            rc = LABELS_EXIT_NO;
        } else if (named != p)
            printf("%s\t%s\t%s (2020: %s)\n", argv[i], p->code, p->name,
                   named->name);
        else
            printf("%s\t%s\t%s\n", argv[i], p->code, p->name);
    }
    if (optind < argc)
        return rc;
    for (size_t i = 0; i < labels_province_count(units); i++)
        print_unit(labels_province_at(units, i));
    return LABELS_EXIT_OK;
}
