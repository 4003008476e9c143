/* test_vocab_renderers.c -- every verdict through the reports' columns */
/*
 * Issue 10: adding a verdict is a change in labels/ alone, and a renderer
 * that misses the new value must fail a test. The others are walked
 * elsewhere: the kiosk screen (test_screen.c, test_every_verdict), the
 * phone page (test_phone_page.c, every_verdict_survives_a_hostile_mirror),
 * the JSON facts (test_vocab.c, test_facts_json) and the docs table
 * (vocab_docs.c). This one walks the reports: every verdict has its own
 * column, its count lands there, and CSV shows the word as a header.
 */
#include "report/report_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static int column_of(const report_table *t, const char *name)
{
    int found = -1;
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], name)) {
            assert_int_equal(found, -1); /* one column per word */
            found = i;
        }
    return found;
}

/* Each verdict word has one column of the verdict tables, and the scans
 * counted for that verdict (rq_verdict_index) are shown under it. */
static void every_verdict_has_a_report_column(void **state)
{
    (void)state;
    const char *lead = "province";
    report_table *t = rq_verdict_table("t", 1, &lead);
    assert_non_null(t);
    long v[NV];
    for (int i = 0; i < NV; i++)
        v[i] = 0;
    for (int i = 0; i < LABELS_V_COUNT_; i++) {
        const char *w = labels_verdict_word((labels_verdict)i);
        assert_int_equal(rq_verdict_index(w), i);
        assert_string_equal(rq_verdict_column(i), w);
        v[rq_verdict_index(w)] += 100 + i; /* a distinct count each */
    }
    v[rq_verdict_index("a_newer_kiosks_word")] += 7;
    const char *name = "P";
    assert_int_equal(rq_verdict_row(t, 1, &name, v), 0);
    for (int i = 0; i < LABELS_V_COUNT_; i++) {
        int col = column_of(t, labels_verdict_word((labels_verdict)i));
        assert_true(col > 0);
        char want[24];
        snprintf(want, sizeof want, "%d", 100 + i);
        assert_string_equal(report_cell(t, 0, col), want);
    }
    assert_string_equal(report_cell(t, 0, column_of(t, "other")), "7");

    /* The CSV header names every verdict. */
    report_table **tt = malloc(sizeof *tt); /* report_set_free frees it */
    assert_non_null(tt);
    tt[0] = t;
    report_set s = {tt, 1};
    report_opts o;
    memset(&o, 0, sizeof o);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(
        report_render(&s, REPORT_CSV, "h", &o, "2026-01-01", &buf, &len), 0);
    assert_non_null(buf);
    for (int i = 0; i < LABELS_V_COUNT_; i++) {
        char want[64];
        snprintf(want, sizeof want, ",%s,",
                 labels_verdict_word((labels_verdict)i));
        assert_non_null(strstr(buf, want));
    }
    free(buf);
    report_set_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_verdict_has_a_report_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
