/* provinces.c -- provinces as the registry takes them from people: the
 * 2025 unit of what was typed (labels/provinces.c holds the lists), or
 * one sentence saying it is none and where the names are listed. */
#include "registry/registry.h"

#include <stdio.h>

size_t province_count(void) { return labels_province_count(LABELS_UNITS_2025); }

const labels_province *province_at(size_t i)
{
    return labels_province_at(LABELS_UNITS_2025, i);
}

const labels_province *province_find(const char *input)
{
    return labels_province_find(input, NULL);
}

const labels_province *registry_province(const char *input,
                                         const labels_province **named,
                                         char *err, size_t errsz)
{
    const labels_province *p = labels_province_find(input, named);
    if (!p)
        snprintf(err, errsz,
                 "unknown province '%s': 'ocop-host provinces' lists the 34 "
                 "units of 2025 and the 63 of 2020 (old names map to their "
                 "new unit)",
                 input ? input : "");
    return p;
}

/* Lowercase ASCII letters and digits only (labels_text_fold: "Hà Nội",
 * "HÀ NỘI", "Ha Noi", "Hanoi" and the decomposed NFD form are one key);
 * 0 if the text has a character no province name has (or is too long). */
int registry_fold(const char *in, char *out, size_t outsz)
{
    return labels_text_fold(in, out, outsz);
}
