/* test_host_demo_verdicts.c -- every sample label of `ocop-host demo` gets,
 * from the verdict engine and the demo's own mirror, the verdict its
 * expected.tsv names: the demo world and labels_check() agree. */
#include <labels.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define DEMO_DATE "2026-11-29"

static char dir[256];

struct first {
    char text[LABELS_PARSE_MAX + 1];
    size_t len;
    int have;
};

static int take_first(void *ctx, const char *data, size_t len)
{
    struct first *f = ctx;
    if (len > LABELS_PARSE_MAX)
        len = LABELS_PARSE_MAX;
    memcpy(f->text, data, len);
    f->len = len;
    f->have = 1;
    return 1;
}

static void demo_samples_get_their_verdicts(void **state)
{
    (void)state;
    const char *build = getenv("OCOP_BUILD_DIR");
    assert_non_null(build);
    char cmd[1024], path[1024];
    snprintf(dir, sizeof dir, "%s", "/tmp/ocop-demo-verdicts.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "'%s/host/ocop-host' demo '%s/w' --date %s >/dev/null", build, dir,
             DEMO_DATE);
    assert_int_equal(system(cmd), 0);

    labels_mirror *m;
    snprintf(path, sizeof path, "%s/w/mirror.db", dir);
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    uint16_t today;
    assert_int_equal(labels_date_parse(DEMO_DATE, &today), LABELS_OK);
    labels_decoder *dec = labels_decoder_new();
    assert_non_null(dec);

    snprintf(path, sizeof path, "%s/w/labels/expected.tsv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    int n = 0, wrong = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char *want = tab + 1;
        want[strcspn(want, "\r\n")] = '\0';
        snprintf(path, sizeof path, "%s/w/labels/%s", dir, line);
        labels_image img;
        assert_int_equal(labels_image_read(path, 0, &img), LABELS_OK);
        struct first fc = {.have = 0};
        assert_int_equal(labels_decode(dec, &img, take_first, &fc, NULL),
                         LABELS_OK);
        labels_image_free(&img);
        assert_true(fc.have);
        labels_facts facts;
        assert_int_equal(labels_check(m, fc.text, fc.len, today, &facts),
                         LABELS_OK);
        const char *got = labels_verdict_word(facts.verdict);
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "%s: engine says %s, expected.tsv says %s\n", line,
                    got, want);
            wrong++;
        }
        n++;
    }
    fclose(f);
    labels_decoder_free(dec);
    labels_mirror_close(m);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_true(n >= 13);
    assert_int_equal(wrong, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_samples_get_their_verdicts),
    };
    assert_int_equal(labels_init(), LABELS_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
