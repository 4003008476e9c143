/* demo_world.h -- the demo registry's contents, generated deterministically
 * to match the programme's January 2020 figures. */
#ifndef OCOP_HOST_DEMO_WORLD_H
#define OCOP_HOST_DEMO_WORLD_H

#include "registry.h"

#include <stdint.h>

/* The January 2020 figures the demo reproduces. */
#define DEMO_PRODUCTS 1129
#define DEMO_PRODUCERS 752
#define DEMO_PROVINCES 24
#define DEMO_PROPOSED5 16
#define DEMO_STARS4 336
#define DEMO_STARS3 777

struct demo_producer {
    struct reg_producer r;
    char first_certified[11]; /* its key is enrolled on this day */
};

struct demo_product {
    struct reg_product r;
    int producer; /* index into world.producers */
};

struct demo_world {
    char today[11]; /* the date the world is built "as of" */
    struct demo_producer producers[DEMO_PRODUCERS];
    struct demo_product products[DEMO_PRODUCTS];
};

/* Fill w for the given day (YYYY-MM-DD): names, groups, stars,
 * certificates and dates; the same day always gives the same world.
 * 4 products are expired, 5 suspended and 3 revoked; the rest rated. */
void demo_world_generate(struct demo_world *w, const char *today);

#endif
