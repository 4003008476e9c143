/* inspect_badge_tool.c -- sign a badge with any key and any valid-until
 * day, which ocop-host badge issue rightly refuses (a past day), so the
 * end-to-end test can show kiosks refusing expired and foreign badges.
 * usage: inspect_badge_tool SECRET.key INSPECTOR_ID YYYY-MM-DD */
#include <labels.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4 || labels_init() != LABELS_OK) {
        fprintf(stderr, "usage: %s SECRET.key ID YYYY-MM-DD\n", argv[0]);
        return 2;
    }
    labels_seckey sec;
    labels_badge b;
    memset(&b, 0, sizeof b);
    if (strlen(argv[2]) > LABELS_CODE_MAX ||
        labels_date_parse(argv[3], &b.valid_until) != LABELS_OK ||
        labels_seckey_read(argv[1], &sec) != LABELS_OK) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    memcpy(b.inspector, argv[2], strlen(argv[2]) + 1);
    memcpy(b.province, "Hà Nội", sizeof "Hà Nội");
    memcpy(b.name, "Test Inspector", sizeof "Test Inspector");
    char text[LABELS_BADGE_TEXT_MAX];
    int rc = labels_badge_sign(&b, &sec);
    labels_seckey_wipe(&sec);
    if (rc == LABELS_OK)
        rc = labels_badge_format(&b, text, sizeof text, NULL);
    if (rc != LABELS_OK) {
        fprintf(stderr, "%s\n", labels_strerror(rc));
        return 1;
    }
    puts(text);
    return 0;
}
