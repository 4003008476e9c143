/* test_file_safe.c -- labels/file_safe.c: no link is followed, only a
 * regular file is written or replaced (issue 12). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void at(char *out, size_t outsz, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < outsz);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void same(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_string_equal(buf, text);
}

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/filesafeXXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_links_refused(void **state)
{
    (void)state;
    char victim[128], link[128], fifo[128], sub[128], plain[128];
    at(victim, sizeof victim, "victim");
    at(link, sizeof link, "link");
    at(fifo, sizeof fifo, "fifo");
    at(sub, sizeof sub, "sub");
    at(plain, sizeof plain, "plain");
    put(victim, "precious");
    assert_int_equal(symlink(victim, link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *bad[] = {link, fifo, sub, "/dev/null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int fd = 7;
        assert_int_equal(
            labels_file_open(bad[i], O_WRONLY | O_CREAT | O_TRUNC, 0644, &fd),
            LABELS_ERR_NOT_REGULAR);
        assert_int_equal(fd, -1);
        assert_int_equal(labels_file_replaceable(bad[i]),
                         LABELS_ERR_NOT_REGULAR);
        assert_int_equal(labels_file_write_atomic(bad[i], "x", 1, 0644, 0),
                         LABELS_ERR_NOT_REGULAR);
    }
    same(victim, "precious");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    /* A regular file is opened, truncated only when asked. */
    put(plain, "old");
    int fd;
    assert_int_equal(labels_file_open(plain, O_WRONLY | O_APPEND, 0, &fd),
                     LABELS_OK);
    assert_int_equal(write(fd, "+", 1), 1);
    assert_int_equal(close(fd), 0);
    same(plain, "old+");
    assert_int_equal(
        labels_file_open(plain, O_WRONLY | O_CREAT | O_EXCL, 0644, &fd),
        LABELS_ERR_EXISTS);
    assert_int_equal(labels_file_write_atomic(plain, "new", 3, 0644, 0),
                     LABELS_OK);
    same(plain, "new");
}

static void test_own_names(void **state)
{
    (void)state;
    char victim[128], part[128], fifo[128], sub[128];
    at(victim, sizeof victim, "victim2");
    at(part, sizeof part, "x.part");
    at(fifo, sizeof fifo, "x.fifo");
    at(sub, sizeof sub, "x.sub");
    put(victim, "precious");
    assert_int_equal(symlink(victim, part), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    int fd;
    assert_int_equal(
        labels_file_open_own(part, O_WRONLY | O_CREAT | O_APPEND, 0644, &fd),
        LABELS_OK);
    assert_int_equal(write(fd, "data", 4), 4);
    assert_int_equal(close(fd), 0);
    same(victim, "precious");
    same(part, "data");
    struct stat st;
    assert_int_equal(lstat(part, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(
        labels_file_open_own(fifo, O_WRONLY | O_CREAT | O_TRUNC, 0644, &fd),
        LABELS_OK);
    assert_int_equal(close(fd), 0);
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(labels_file_open_own(sub, O_WRONLY | O_CREAT, 0644, &fd),
                     LABELS_ERR_NOT_REGULAR);
}

static void test_temp_and_rename(void **state)
{
    (void)state;
    char target[128], tmp1[160], tmp2[160], sub[128];
    at(target, sizeof target, "out");
    at(sub, sizeof sub, "out.dir");
    int fd1, fd2;
    assert_int_equal(
        labels_file_create_temp(target, 0600, tmp1, sizeof tmp1, &fd1),
        LABELS_OK);
    assert_int_equal(
        labels_file_create_temp(target, 0600, tmp2, sizeof tmp2, &fd2),
        LABELS_OK);
    assert_string_not_equal(tmp1, tmp2);
    assert_int_equal(strncmp(tmp1, target, strlen(target)), 0);
    assert_int_equal(strlen(tmp1), strlen(target) + 21);
    assert_int_equal(close(fd1), 0);
    assert_int_equal(close(fd2), 0);
    char small[8];
    assert_int_equal(
        labels_file_create_temp(target, 0600, small, sizeof small, &fd1),
        LABELS_ERR_ARG);
    assert_int_equal(labels_file_rename(tmp1, target), LABELS_OK);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(labels_file_rename(tmp2, sub), LABELS_ERR_NOT_REGULAR);
    assert_int_equal(access(tmp2, F_OK), 0); /* left for the caller */
    assert_int_equal(unlink(tmp2), 0);
    assert_int_equal(labels_file_replaceable(target), LABELS_OK);
    at(target, sizeof target, "absent");
    assert_int_equal(labels_file_replaceable(target), LABELS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links_refused),
        cmocka_unit_test(test_own_names),
        cmocka_unit_test(test_temp_and_rename),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
