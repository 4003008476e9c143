/* test_vocab.c -- every value of the one vocabulary (verdicts, groups,
 * kinds, field labels, languages, exit codes) through every function of
 * labels_vocab.h, ISO times at their edges, and JSON lines that never
 * break or come out truncated. A value added to an enum without its words
 * fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static void test_verdicts(void **state)
{
    (void)state;
    for (int v = 0; v < LABELS_V_COUNT_; v++) {
        const char *w = labels_verdict_word((labels_verdict)v);
        assert_true(w[0] != '\0');
        assert_string_not_equal(w, "unknown");
        assert_int_equal(labels_verdict_from_word(w), v);
        for (const char *p = w; *p; p++) /* a machine word */
            assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
        labels_tone t = labels_verdict_tone((labels_verdict)v);
        assert_true(t >= LABELS_TONE_GOOD && t <= LABELS_TONE_NEUTRAL);
        assert_string_not_equal(labels_tone_word(t), "");
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            assert_true(labels_verdict_headline((labels_verdict)v,
                                                (labels_lang)l)[0] != '\0');
            assert_true(labels_verdict_advice((labels_verdict)v,
                                              (labels_lang)l)[0] != '\0');
        }
        for (int u = 0; u < v; u++) {
            assert_string_not_equal(w, labels_verdict_word((labels_verdict)u));
            for (int l = 0; l < LABELS_LANG_COUNT_; l++)
                assert_string_not_equal(
                    labels_verdict_headline((labels_verdict)v, (labels_lang)l),
                    labels_verdict_headline((labels_verdict)u, (labels_lang)l));
        }
    }
    /* Only genuine is good. */
    assert_int_equal(labels_verdict_tone(LABELS_V_GENUINE), LABELS_TONE_GOOD);
    for (int v = 1; v < LABELS_V_COUNT_; v++)
        assert_int_not_equal(labels_verdict_tone((labels_verdict)v),
                             LABELS_TONE_GOOD);
    /* Out of range: never a verdict it is not. */
    labels_verdict bad[] = {LABELS_V_COUNT_, (labels_verdict)-1,
                            (labels_verdict)1000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_string_equal(labels_verdict_word(bad[i]), "unknown");
        assert_int_equal(labels_verdict_tone(bad[i]), LABELS_TONE_BAD);
        assert_string_equal(
            labels_verdict_headline(bad[i], LABELS_LANG_EN),
            labels_verdict_headline(LABELS_V_MALFORMED, LABELS_LANG_EN));
    }
    assert_int_equal(labels_verdict_from_word("unknown"), -1);
    assert_int_equal(labels_verdict_from_word("Genuine"), -1);
    assert_int_equal(labels_verdict_from_word("genuine "), -1);
    assert_int_equal(labels_verdict_from_word(""), -1);
    assert_int_equal(labels_verdict_from_word(NULL), -1);
    /* An out-of-range language is Vietnamese. */
    assert_string_equal(
        labels_verdict_headline(LABELS_V_FORGED, LABELS_LANG_COUNT_),
        labels_verdict_headline(LABELS_V_FORGED, LABELS_LANG_VI));
}

static void test_tones(void **state)
{
    (void)state;
    const char *seen[4];
    for (int t = LABELS_TONE_GOOD; t <= LABELS_TONE_NEUTRAL; t++) {
        seen[t] = labels_tone_word((labels_tone)t);
        for (int u = 0; u < t; u++)
            assert_string_not_equal(seen[t], seen[u]);
    }
    assert_string_equal(labels_tone_word((labels_tone)99), "bad");
    assert_string_equal(labels_tone_word((labels_tone)-1), "bad");
}

static void test_groups(void **state)
{
    (void)state;
    for (int g = 0; g < LABELS_G_COUNT_; g++) {
        const char *code = labels_group_code((labels_group)g);
        assert_non_null(code);
        assert_true(code[0] != '\0');
        assert_int_equal(labels_group_from_code(code), g);
        assert_int_equal(labels_group_from_spelling(code), g);
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            const char *name =
                labels_group_name((labels_group)g, (labels_lang)l);
            assert_non_null(name);
            assert_true(name[0] != '\0');
            assert_ptr_equal(labels_group_name_of(code, (labels_lang)l), name);
            for (int u = 0; u < g; u++)
                assert_string_not_equal(
                    name, labels_group_name((labels_group)u, (labels_lang)l));
        }
        /* Every documented spelling leads back, in any case. */
        assert_string_equal(labels_group_spelling((labels_group)g, 0), code);
        const char *s;
        size_t i;
        for (i = 0; (s = labels_group_spelling((labels_group)g, i)); i++) {
            assert_int_equal(labels_group_from_spelling(s), g);
            char upper[128];
            size_t n = strlen(s);
            assert_true(n < sizeof upper);
            for (size_t k = 0; k <= n; k++)
                upper[k] =
                    (s[k] >= 'a' && s[k] <= 'z') ? (char)(s[k] - 32) : s[k];
            assert_int_equal(labels_group_from_spelling(upper), g);
        }
        assert_true(i >= 2);
        for (int u = 0; u < g; u++)
            assert_string_not_equal(code, labels_group_code((labels_group)u));
    }
    /* Vietnamese with and without diacritics, precomposed and NFD. */
    assert_int_equal(labels_group_from_spelling("thực phẩm"), LABELS_G_FOOD);
    assert_int_equal(labels_group_from_spelling("THỰC PHẨM"), LABELS_G_FOOD);
    assert_int_equal(labels_group_from_spelling("thuc pham"), LABELS_G_FOOD);
    assert_int_equal(labels_group_from_spelling("Thu\xcc\x9b\xcc\xa3"
                                                "c "
                                                "pha\xcc\x82\xcc\x89m"),
                     LABELS_G_FOOD);
    assert_int_equal(labels_group_from_spelling("do uong"), LABELS_G_BEVERAGES);
    assert_int_equal(labels_group_from_spelling("Đồ uống"), LABELS_G_BEVERAGES);
    assert_int_equal(labels_group_from_spelling("luu niem - noi that - "
                                                "trang tri"),
                     LABELS_G_SOUVENIRS);
    assert_int_equal(labels_group_from_spelling("dich vu du lich nong thon"),
                     LABELS_G_TOURISM);
    assert_int_equal(labels_group_from_spelling("Rural Tourism"),
                     LABELS_G_TOURISM);
    assert_int_equal(labels_group_from_spelling("drinks"), LABELS_G_BEVERAGES);
    /* What was never accepted stays refused. */
    assert_int_equal(labels_group_from_spelling("Herbal products"), -1);
    assert_int_equal(labels_group_from_spelling("Atlantis"), -1);
    assert_int_equal(labels_group_from_spelling("food!"), -1);
    assert_int_equal(labels_group_from_spelling(""), -1);
    assert_int_equal(labels_group_from_spelling("  "), -1);
    assert_int_equal(labels_group_from_spelling(NULL), -1);
    assert_int_equal(labels_group_from_spelling("\xff"), -1);
    assert_int_equal(labels_group_from_code("Food"), -1);
    assert_int_equal(labels_group_from_code(NULL), -1);
    /* Out of range. */
    assert_null(labels_group_code(LABELS_G_COUNT_));
    assert_null(labels_group_code((labels_group)-1));
    assert_null(labels_group_name(LABELS_G_COUNT_, LABELS_LANG_VI));
    assert_null(labels_group_spelling(LABELS_G_COUNT_, 0));
    assert_string_equal(labels_group_name(LABELS_G_FOOD, LABELS_LANG_COUNT_),
                        labels_group_name(LABELS_G_FOOD, LABELS_LANG_VI));
    assert_string_equal(labels_group_name_of("newgroup", LABELS_LANG_EN),
                        "newgroup");
    assert_string_equal(labels_group_name_of(NULL, LABELS_LANG_EN), "");
}

static void test_group_lists(void **state)
{
    (void)state;
    assert_string_equal(LABELS_GROUP_SQL_IN,
                        "'food','beverages','herbal','textiles','souvenirs',"
                        "'tourism'");
    assert_string_equal(LABELS_GROUP_CODES_TEXT,
                        "food, beverages, herbal, textiles, souvenirs, "
                        "tourism");
    assert_non_null(strstr(labels_mirror_schema(),
                           "CHECK (grp IN (" LABELS_GROUP_SQL_IN ")),"));
    assert_string_equal(LABELS_KIND_SQL_IN,
                        "'cooperative','enterprise','household'");
    assert_string_equal(LABELS_KIND_CODES_TEXT,
                        "cooperative, enterprise, household");
    assert_non_null(strstr(labels_mirror_schema(),
                           "CHECK (kind IN (" LABELS_KIND_SQL_IN ")),"));
    /* The list and the enum agree, value by value. */
    char want[256] = "";
    size_t n = 0;
    for (int g = 0; g < LABELS_G_COUNT_; g++) {
        int w = snprintf(want + n, sizeof want - n, "%s'%s'", g ? "," : "",
                         labels_group_code((labels_group)g));
        assert_true(w > 0 && (size_t)w < sizeof want - n);
        n += (size_t)w;
    }
    assert_string_equal(want, LABELS_GROUP_SQL_IN);
}

static void test_kinds(void **state)
{
    (void)state;
    for (int k = 0; k < LABELS_K_COUNT_; k++) {
        const char *code = labels_kind_code((labels_kind)k);
        assert_non_null(code);
        assert_int_equal(labels_kind_from_code(code), k);
        const char *s;
        size_t i;
        for (i = 0; (s = labels_kind_spelling((labels_kind)k, i)); i++)
            assert_int_equal(labels_kind_from_spelling(s), k);
        assert_true(i >= 2);
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            const char *name = labels_kind_name((labels_kind)k, (labels_lang)l);
            assert_true(name && name[0]);
            assert_ptr_equal(labels_kind_name_of(code, (labels_lang)l), name);
            for (int u = 0; u < k; u++)
                assert_string_not_equal(
                    name, labels_kind_name((labels_kind)u, (labels_lang)l));
        }
    }
    assert_int_equal(labels_kind_from_spelling("htx"), LABELS_K_COOPERATIVE);
    assert_int_equal(labels_kind_from_spelling("Hop tac xa"),
                     LABELS_K_COOPERATIVE);
    assert_int_equal(labels_kind_from_spelling("HỘ KINH DOANH"),
                     LABELS_K_HOUSEHOLD);
    assert_int_equal(labels_kind_from_spelling("Company"), LABELS_K_ENTERPRISE);
    assert_int_equal(labels_kind_from_spelling("Household business"), -1);
    assert_int_equal(labels_kind_from_spelling("food"), -1);
    assert_int_equal(labels_kind_from_spelling(NULL), -1);
    assert_int_equal(labels_kind_from_code("HTX"), -1);
    assert_null(labels_kind_code(LABELS_K_COUNT_));
    assert_null(labels_kind_name((labels_kind)-1, LABELS_LANG_VI));
    assert_null(labels_kind_spelling(LABELS_K_COUNT_, 0));
    assert_string_equal(labels_kind_name_of("guild", LABELS_LANG_VI), "guild");
}

static void test_fold(void **state)
{
    (void)state;
    char out[16];
    assert_true(labels_text_fold("Hà Nội", out, sizeof out));
    assert_string_equal(out, "hanoi");
    assert_true(labels_text_fold("ĐỒNG–THÁP", out, sizeof out));
    assert_string_equal(out, "dongthap");
    assert_false(labels_text_fold("a,b", out, sizeof out));
    assert_false(labels_text_fold(" - ", out, sizeof out));
    assert_false(labels_text_fold("abcdefghijklmnop", out, sizeof out));
    assert_true(labels_text_fold("abcdefghijklmno", out, sizeof out));
    assert_false(labels_text_fold(NULL, out, sizeof out));
    assert_false(labels_text_fold("a", out, 0));
}

static void test_fields(void **state)
{
    (void)state;
    for (int f = 0; f < LABELS_F_COUNT_; f++)
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            const char *s = labels_field_label((labels_field)f, (labels_lang)l);
            assert_true(s[0] != '\0');
            for (int u = 0; u < f; u++)
                assert_string_not_equal(
                    s, labels_field_label((labels_field)u, (labels_lang)l));
        }
    assert_string_equal(labels_field_label(LABELS_F_PRODUCER, LABELS_LANG_VI),
                        "Nhà sản xuất");
    assert_string_equal(labels_field_label(LABELS_F_LOT, LABELS_LANG_EN),
                        "Lot");
    assert_string_equal(labels_field_label(LABELS_F_COUNT_, LABELS_LANG_VI),
                        "");
    assert_string_equal(labels_field_label((labels_field)-1, LABELS_LANG_EN),
                        "");
    assert_string_equal(labels_field_label(LABELS_F_LOT, (labels_lang)7), "Lô");
}

/* Findings (their stored words and screen names), the phone page's
 * home and the languages' own names: every value, distinct, out of range
 * safe. */
static void test_findings_home_names(void **state)
{
    (void)state;
    for (int f = 0; f < LABELS_FD_COUNT_; f++) {
        const char *c = labels_finding_code((labels_finding)f);
        assert_non_null(c);
        assert_int_equal(labels_finding_from_code(c), f);
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            const char *n =
                labels_finding_name((labels_finding)f, (labels_lang)l);
            assert_true(n && n[0]);
            assert_string_equal(labels_finding_name_of(c, (labels_lang)l), n);
            /* A stored word is never what a screen shows. */
            assert_string_not_equal(n, c);
        }
    }
    assert_string_equal(labels_finding_code(LABELS_FD_LABEL_MISUSE),
                        "label_misuse");
    assert_string_equal(
        labels_finding_name(LABELS_FD_LABEL_MISUSE, LABELS_LANG_VI),
        "Sử dụng tem sai quy định");
    assert_null(labels_finding_code(LABELS_FD_COUNT_));
    assert_null(labels_finding_name((labels_finding)-1, LABELS_LANG_VI));
    assert_int_equal(labels_finding_from_code("other"), -1);
    assert_int_equal(labels_finding_from_code(NULL), -1);
    assert_string_equal(labels_finding_name_of("other", LABELS_LANG_EN),
                        "other");
    assert_string_equal(labels_finding_name_of(NULL, LABELS_LANG_EN), "");
    for (int m = 0; m < LABELS_HOME_COUNT_; m++)
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            assert_true(labels_home_text((labels_home_msg)m,
                                         (labels_lang)l)[0] != '\0');
    assert_string_equal(labels_home_text(LABELS_HOME_COUNT_, LABELS_LANG_VI),
                        "");
    assert_string_equal(labels_lang_name(LABELS_LANG_VI), "Tiếng Việt");
    assert_string_equal(labels_lang_name(LABELS_LANG_EN), "English");
    assert_string_equal(labels_lang_name((labels_lang)9), "Tiếng Việt");
}

static void test_langs(void **state)
{
    (void)state;
    for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
        const char *c = labels_lang_code((labels_lang)l);
        assert_int_equal(strlen(c), 2);
        assert_int_equal(labels_lang_from_code(c), l);
        assert_int_not_equal(labels_lang_toggle((labels_lang)l), l);
        assert_int_equal(labels_lang_toggle(labels_lang_toggle((labels_lang)l)),
                         l);
    }
    assert_int_equal(labels_lang_from_code("VI"), LABELS_LANG_VI);
    assert_int_equal(labels_lang_from_code("En"), LABELS_LANG_EN);
    assert_int_equal(labels_lang_from_code("fr"), -1);
    assert_int_equal(labels_lang_from_code("vie"), -1);
    assert_int_equal(labels_lang_from_code(""), -1);
    assert_int_equal(labels_lang_from_code(NULL), -1);
    assert_string_equal(labels_lang_code(LABELS_LANG_COUNT_), "vi");
    assert_int_equal(labels_lang_toggle(LABELS_LANG_COUNT_), LABELS_LANG_VI);
}

static void test_exit_and_sizes(void **state)
{
    (void)state;
    assert_int_equal(LABELS_EXIT_OK, 0);
    assert_int_equal(LABELS_EXIT_NO, 1);
    assert_int_equal(LABELS_EXIT_USAGE, 2);
    assert_int_equal(LABELS_EXIT_FAIL, 3);
    assert_int_equal(LABELS_KEY_ID_HEX_SIZE, 17);
    assert_int_equal(LABELS_DATE_SIZE, 11);
    assert_int_equal(LABELS_TIME_ISO_SIZE, 21);
    uint8_t id[LABELS_KEY_ID_BYTES];
    memset(id, 0xAB, sizeof id);
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(id, hex);
    assert_int_equal(strlen(hex) + 1, LABELS_KEY_ID_HEX_SIZE);
    char day[LABELS_DATE_SIZE];
    labels_date_format(UINT16_MAX, day);
    assert_int_equal(strlen(day) + 1, LABELS_DATE_SIZE);
}

static void test_time(void **state)
{
    (void)state;
    char iso[LABELS_TIME_ISO_SIZE], day[LABELS_DATE_SIZE];
    assert_int_equal(labels_time_iso(0, iso), LABELS_OK);
    assert_string_equal(iso, "1970-01-01T00:00:00Z");
    assert_int_equal(labels_time_day(0, day), LABELS_OK);
    assert_string_equal(day, "1970-01-01");
    assert_int_equal(labels_time_iso(1709251199, iso), LABELS_OK);
    assert_string_equal(iso, "2024-02-29T23:59:59Z");
    assert_int_equal(labels_time_iso(INT64_C(253402300799), iso), LABELS_OK);
    assert_string_equal(iso, "9999-12-31T23:59:59Z");
    assert_int_equal(labels_time_day(INT64_C(253402300799), day), LABELS_OK);
    assert_string_equal(day, "9999-12-31");
    int64_t bad[] = {-1, INT64_MIN, INT64_C(253402300800), INT64_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(iso, 'x', sizeof iso);
        memset(day, 'x', sizeof day);
        assert_int_equal(labels_time_iso(bad[i], iso), LABELS_ERR_ARG);
        assert_string_equal(iso, "");
        assert_int_equal(labels_time_day(bad[i], day), LABELS_ERR_ARG);
        assert_string_equal(day, "");
    }
    assert_int_equal(labels_time_iso(0, NULL), LABELS_ERR_ARG);
    /* Parsing is the inverse, and strict. */
    int64_t back = -1;
    assert_int_equal(labels_time_iso_parse("9999-12-31T23:59:59Z", &back),
                     LABELS_OK);
    assert_true(back == INT64_C(253402300799));
    assert_int_equal(labels_time_iso_parse("1970-01-01T00:00:00Z", &back),
                     LABELS_OK);
    assert_true(back == 0);
    assert_int_equal(labels_time_iso_parse("2024-02-29T12:00:00Z", &back),
                     LABELS_OK);
    const char *refused[] = {
        "",
        "2024-02-29T12:00:00",
        "2024-02-29T12:00:00Z ",
        "2024-02-29 12:00:00Z",
        "2023-02-29T12:00:00Z",
        "2024-04-31T12:00:00Z",
        "2024-13-01T12:00:00Z",
        "2024-00-01T12:00:00Z",
        "2024-01-00T12:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:60Z",
        "1969-12-31T23:59:59Z",
        "2024-1-01T12:00:00Z",
        "+024-01-01T12:00:00Z",
        "2024-01-01t12:00:00z",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(labels_time_iso_parse(refused[i], &back),
                         LABELS_ERR_FIELD);
    assert_int_equal(labels_time_iso_parse(NULL, &back), LABELS_ERR_ARG);
    assert_int_equal(labels_time_iso_parse("1970-01-01T00:00:00Z", NULL),
                     LABELS_ERR_ARG);
    /* The C library agrees across the range it can show. */
    for (int64_t t = 0; t < INT64_C(4102444800); t += 7777777 + t / 1000) {
        time_t tt = (time_t)t;
        struct tm tm;
        char want[64];
        assert_non_null(gmtime_r(&tt, &tm));
        assert_true(strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm));
        assert_int_equal(labels_time_iso(t, iso), LABELS_OK);
        assert_string_equal(iso, want);
        assert_int_equal(labels_time_day(t, day), LABELS_OK);
        assert_memory_equal(day, want, 10);
        assert_int_equal(labels_time_iso_parse(iso, &back), LABELS_OK);
        assert_true(back == t);
    }
}

static void test_json_escaping(void **state)
{
    (void)state;
    char out[256];
    size_t len = 99;
    labels_json j;
    const char in[] = "a\"b\\c\nd\0e\x7f";
    labels_json_begin(&j, out, sizeof out);
    labels_json_str(&j, "text", in, sizeof in - 1);
    labels_json_int(&j, "n", -42);
    labels_json_bool(&j, "ok", 1);
    labels_json_cstr(&j, "vi", "Mật ong");
    labels_json_cstr(&j, "none", NULL);
    assert_int_equal(labels_json_end(&j, &len), LABELS_OK);
    const char *want = "{\"text\":\"a\\\"b\\\\c\\u000ad\\u0000e\\u007f\","
                       "\"n\":-42,\"ok\":true,\"vi\":\"Mật ong\",\"none\":\"\"}"
                       "\n";
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));

    /* Lone continuation, overlong '/', surrogate, past U+10FFFF,
     * truncated sequence at the end. */
    const char bad[] = "\x80"
                       "\xC0\xAF"
                       "\xED\xA0\x80"
                       "\xF4\x90\x80\x80"
                       "\xE1\x80";
    labels_json_begin(&j, out, sizeof out);
    labels_json_str(&j, "text", bad, sizeof bad - 1);
    assert_int_equal(labels_json_end(&j, &len), LABELS_OK);
    assert_non_null(strstr(out, "\\ufffd"));
    for (const char *p = out; *p; p++)
        assert_true((unsigned char)*p < 0x80 && *p != '\0');
    assert_ptr_equal(strchr(out, '\n'), out + len - 1);
    labels_json_begin(&j, out, sizeof out);
    labels_json_int(&j, "min", INT64_MIN);
    assert_int_equal(labels_json_end(&j, NULL), LABELS_OK);
    assert_string_equal(out, "{\"min\":-9223372036854775808}\n");
}

/* Every buffer too small by any amount is an error with "" in it, never a
 * truncated object; one byte more than the line fits. */
static void test_json_space(void **state)
{
    (void)state;
    char full[256], out[256];
    size_t need, len;
    labels_json j;
    labels_json_begin(&j, full, sizeof full);
    labels_json_cstr(&j, "verdict", "genuine");
    labels_json_str(&j, "text", "\x01\xff", 2);
    assert_int_equal(labels_json_end(&j, &need), LABELS_OK);
    for (size_t sz = 1; sz <= need; sz++) {
        memset(out, 'x', sizeof out);
        labels_json_begin(&j, out, sz);
        labels_json_cstr(&j, "verdict", "genuine");
        labels_json_str(&j, "text", "\x01\xff", 2);
        len = 99;
        assert_int_equal(labels_json_end(&j, &len), LABELS_ERR_SPACE);
        assert_int_equal(len, 0);
        assert_string_equal(out, "");
        assert_int_equal(out[sz], 'x'); /* nothing past the buffer */
    }
    labels_json_begin(&j, out, need + 1);
    labels_json_cstr(&j, "verdict", "genuine");
    labels_json_str(&j, "text", "\x01\xff", 2);
    assert_int_equal(labels_json_end(&j, &len), LABELS_OK);
    assert_string_equal(out, full);
    labels_json_begin(&j, NULL, 10);
    assert_int_equal(labels_json_end(&j, &len), LABELS_ERR_ARG);
    labels_json_begin(&j, out, sizeof out);
    labels_json_str(&j, "text", NULL, 3);
    assert_int_equal(labels_json_end(&j, &len), LABELS_ERR_ARG);
}

static void sample_facts(labels_facts *f, labels_verdict v)
{
    memset(f, 0, sizeof *f);
    f->verdict = v;
    f->have_label = 1;
    f->label.version = 1;
    memset(f->label.key_id, 0x1F, sizeof f->label.key_id);
    memcpy(f->label.product, "HN-0001", 8);
    memcpy(f->label.lot, "L1", 3);
    f->label.stars = 4;
    f->label.serial = 4294967295u;
    f->label.issued = 2000;
    memcpy(f->key_status, "active", 7);
    f->have_product = 1;
    labels_product *p = &f->product;
    memcpy(p->code, "HN-0001", 8);
    snprintf(p->name, sizeof p->name, "%s", "Mật ong \"rừng\"");
    memcpy(p->group, "food", 5);
    memcpy(p->producer_code, "HTX-1", 6);
    snprintf(p->producer_name, sizeof p->producer_name, "%s", "HTX Ong\n");
    memcpy(p->producer_kind, "cooperative", 12);
    snprintf(p->province, sizeof p->province, "%s", "Hà Nội");
    p->stars = 4;
    memcpy(p->status, "rated", 6);
    memcpy(p->certificate, "123/QD", 7);
    memcpy(p->certified, "2024-01-01", 11);
    memcpy(p->expires, "2027-01-01", 11);
}

static const char *const public_keys[] = {
    "\"verdict\":",       "\"product\":",      "\"lot\":",     "\"serial\":",
    "\"stars_printed\":", "\"product_name\":", "\"producer\":"};
static const char *const full_keys[] = {
    "\"issued\":",      "\"key_id\":",        "\"key_status\":",
    "\"group\":",       "\"producer_code\":", "\"producer_kind\":",
    "\"province\":",    "\"stars_current\":", "\"proposed5\":",
    "\"status\":",      "\"status_reason\":", "\"status_date\":",
    "\"certificate\":", "\"certified\":",     "\"expires\":"};

static void test_facts_json(void **state)
{
    (void)state;
    char out[4096];
    size_t len;
    labels_facts f;
    for (int v = 0; v <= LABELS_V_COUNT_; v++) {
        sample_facts(&f, (labels_verdict)v);
        labels_facts_source src = {"img 1.png", "HTTPS://X/V/\x01", 13};
        assert_int_equal(labels_facts_json(&f, &src, out, sizeof out, &len),
                         LABELS_OK);
        assert_int_equal(len, strlen(out));
        char want[64];
        snprintf(want, sizeof want,
                 "{\"file\":\"img 1.png\",\"text\":"
                 "\"HTTPS://X/V/\\u0001\",\"verdict\":\"%s\",",
                 labels_verdict_word((labels_verdict)v));
        assert_memory_equal(out, want, strlen(want));
        for (size_t k = 0; k < sizeof public_keys / sizeof public_keys[0]; k++)
            assert_non_null(strstr(out, public_keys[k]));
        for (size_t k = 0; k < sizeof full_keys / sizeof full_keys[0]; k++)
            assert_non_null(strstr(out, full_keys[k]));
    }
    assert_non_null(strstr(out, "\"verdict\":\"unknown\""));
    assert_non_null(strstr(out, "\"serial\":4294967295,"));
    assert_non_null(strstr(out, "\"key_id\":\"1F1F1F1F1F1F1F1F\""));
    assert_non_null(strstr(out, "\"issued\":\"2025-06-23\""));
    assert_non_null(strstr(out, "\"product_name\":\"Mật ong \\\"rừng\\\"\""));
    assert_non_null(strstr(out, "\"producer\":\"HTX Ong\\u000a\""));
    assert_non_null(strstr(out, "\"proposed5\":false"));

    /* Public detail: nothing for inspectors only. */
    labels_json j;
    sample_facts(&f, LABELS_V_GENUINE);
    labels_json_begin(&j, out, sizeof out);
    labels_json_cstr(&j, "kind", "scan");
    labels_json_facts(&j, &f, LABELS_FACTS_PUBLIC);
    labels_json_int(&j, "scan_id", 7);
    assert_int_equal(labels_json_end(&j, &len), LABELS_OK);
    for (size_t k = 0; k < sizeof public_keys / sizeof public_keys[0]; k++)
        assert_non_null(strstr(out, public_keys[k]));
    for (size_t k = 0; k < sizeof full_keys / sizeof full_keys[0]; k++)
        assert_null(strstr(out, full_keys[k]));
    assert_non_null(strstr(out, "\"scan_id\":7}"));

    /* A text that did not parse: the reason instead of label fields. */
    memset(&f, 0, sizeof f);
    f.verdict = LABELS_V_NOT_OCOP;
    f.parse_error = LABELS_ERR_NOT_LABEL;
    assert_int_equal(labels_facts_json(&f, NULL, out, sizeof out, &len),
                     LABELS_OK);
    char want[256];
    snprintf(want, sizeof want,
             "{\"verdict\":\"not_ocop\",\"reason\":\"%s\"}\n",
             labels_strerror(LABELS_ERR_NOT_LABEL));
    assert_string_equal(out, want);

    /* Too small: an error, never part of an object. */
    sample_facts(&f, LABELS_V_GENUINE);
    assert_int_equal(labels_facts_json(&f, NULL, out, 64, &len),
                     LABELS_ERR_SPACE);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    assert_int_equal(labels_facts_json(NULL, NULL, out, sizeof out, &len),
                     LABELS_ERR_ARG);
    assert_int_equal(labels_facts_json(&f, NULL, NULL, 10, &len),
                     LABELS_ERR_ARG);
    assert_string_equal(labels_strerror(LABELS_ERR_SPACE),
                        "output does not fit its buffer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_tones),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_group_lists),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_langs),
        cmocka_unit_test(test_findings_home_names),
        cmocka_unit_test(test_exit_and_sizes),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_space),
        cmocka_unit_test(test_facts_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
