/* wedge.c -- keyboard-wedge scanner input: key events or bytes to lines. */
#include "wedge.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void wedge_init(wedge *w, int64_t idle_ms)
{
    memset(w, 0, sizeof *w);
    w->idle_ms = idle_ms;
}

/* US keyboard layout, the one wedge scanners default to: unshifted and
 * shifted character per key code, 0 for keys that type nothing. */
static char key_char(unsigned code, int shift)
{
    static const char *const rows[][2] = {
        /* KEY_1 .. KEY_EQUAL are codes 2..13 */
        {"1234567890-=", "!@#$%^&*()_+"},
        /* KEY_Q .. KEY_RIGHTBRACE are 16..27 */
        {"qwertyuiop[]", "QWERTYUIOP{}"},
        /* KEY_A .. KEY_GRAVE are 30..41 */
        {"asdfghjkl;'`", "ASDFGHJKL:\"~"},
        /* KEY_BACKSLASH .. KEY_SLASH are 43..53 */
        {"\\zxcvbnm,./", "|ZXCVBNM<>?"},
    };
    static const unsigned first[] = {KEY_1, KEY_Q, KEY_A, KEY_BACKSLASH};
    if (code == KEY_SPACE)
        return ' ';
    for (size_t r = 0; r < sizeof first / sizeof first[0]; r++) {
        const char *s = rows[r][shift ? 1 : 0];
        if (code >= first[r] && code < first[r] + strlen(s))
            return s[code - first[r]];
    }
    return 0;
}

static void add_char(wedge *w, char c, int64_t now_ms)
{
    if (w->idle_ms > 0 && (w->len > 0 || w->lost) &&
        now_ms - w->last_ms > w->idle_ms) {
        /* The rest of that code never came: start afresh. */
        w->len = 0;
        w->overflow = 0;
        w->lost = 0;
    }
    w->last_ms = now_ms;
    if (w->len < sizeof w->buf)
        w->buf[w->len++] = c;
    else
        w->overflow = 1;
}

static int end_line(wedge *w, wedge_line_fn fn, void *ctx)
{
    int rc = 0;
    if ((w->len > 0 || w->overflow) && !w->lost)
        rc = fn(ctx, w->buf, w->len, w->overflow);
    w->len = 0;
    w->overflow = 0;
    w->lost = 0;
    return rc;
}

int wedge_event(wedge *w, const struct input_event *ev, int64_t now_ms,
                wedge_line_fn fn, void *ctx)
{
    if (ev->type == EV_SYN && ev->code == SYN_DROPPED) {
        /* Keys of this line are gone, and maybe a shift release with
         * them: forget the shift too, a scanner presses it afresh. */
        w->lost = 1;
        w->shift = 0;
        w->last_ms = now_ms;
        return 0;
    }
    if (ev->type != EV_KEY)
        return 0;
    if (ev->code == KEY_LEFTSHIFT || ev->code == KEY_RIGHTSHIFT) {
        /* value: 1 press, 0 release, 2 autorepeat */
        if (ev->value == 1)
            w->shift++;
        else if (ev->value == 0 && w->shift > 0)
            w->shift--;
        return 0;
    }
    if (ev->value != 1)
        return 0;
    if (ev->code == KEY_ENTER || ev->code == KEY_KPENTER)
        return end_line(w, fn, ctx);
    char c = key_char(ev->code, w->shift > 0);
    if (c)
        add_char(w, c, now_ms);
    return 0;
}

int wedge_bytes(wedge *w, const char *data, size_t len, int64_t now_ms,
                wedge_line_fn fn, void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\n' || c == '\r') {
            /* "\r\n" ends one line, not two: the empty one is skipped. */
            int rc = end_line(w, fn, ctx);
            if (rc)
                return rc;
            continue;
        }
        add_char(w, c, now_ms);
    }
    return 0;
}

int wedge_open_evdev(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    /* Grab: the scanner's keystrokes must not also type into a console. */
    if (ioctl(fd, EVIOCGRAB, (void *)1) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
