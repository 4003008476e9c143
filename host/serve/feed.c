/* feed.c -- the feed directory as static files, for deployments
 * small enough not to need a web server or CDN in front. Only plain
 * names are served: no "..", no hidden files, no symbolic links, nothing
 * outside the directory. */
#include "serve/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FEED_PATH_MAX 255

static int name_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".db", "application/vnd.sqlite3"},
        {".sqlite", "application/vnd.sqlite3"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".sig", "text/plain; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

static void text(serve_reply *r, unsigned status, const char *msg)
{
    r->status = status;
    r->content_type = "text/plain; charset=utf-8";
    snprintf(r->text, sizeof r->text, "%s", msg);
}

/* Validators from size and modification time. Conditional requests are
 * matched by exact string: clients echo back what they were given, and
 * a feed file is replaced (renamed over), never edited in place. */
static void validators(const struct stat *st, serve_reply *r)
{
    snprintf(r->etag, sizeof r->etag, "\"%llx-%llx.%lx\"",
             (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
    struct tm tm;
    time_t t = st->st_mtim.tv_sec;
    if (!gmtime_r(&t, &tm) ||
        !strftime(r->last_modified, sizeof r->last_modified,
                  "%a, %d %b %Y %H:%M:%S GMT", &tm))
        r->last_modified[0] = '\0';
}

void serve_feed_file(const char *feed_dir, const char *path,
                     const char *if_none_match, const char *if_modified_since,
                     serve_reply *r)
{
    /* libmicrohttpd leaves the body out of HEAD answers itself. */
    r->fd = -1;
    size_t len = strlen(path);
    if (len == 0 || len > FEED_PATH_MAX) {
        text(r, MHD_HTTP_NOT_FOUND, "not found");
        return;
    }
    /* Each component: [A-Za-z0-9._-]+, not starting with '.'. */
    for (size_t i = 0; i < len; i++) {
        int start = i == 0 || path[i - 1] == '/';
        if (path[i] == '/'
                ? start || i + 1 == len
                : !name_char_ok(path[i]) || (start && path[i] == '.')) {
            text(r, MHD_HTTP_NOT_FOUND, "not found");
            return;
        }
    }
    int dir = open(feed_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        text(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "feed directory unavailable");
        return;
    }
    char comp[FEED_PATH_MAX + 1];
    const char *p = path;
    int fd = -1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t cl = slash ? (size_t)(slash - p) : strlen(p);
        memcpy(comp, p, cl);
        comp[cl] = '\0';
        fd = openat(dir, comp,
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
                        (slash ? O_DIRECTORY : 0));
        close(dir);
        if (fd < 0 || !slash)
            break;
        dir = fd;
        p = slash + 1;
    }
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int missing = fd < 0 && (errno == ENOENT || errno == ENOTDIR ||
                                 errno == ELOOP || errno == EISDIR);
        if (fd >= 0)
            close(fd);
        if (missing || fd >= 0)
            text(r, MHD_HTTP_NOT_FOUND, "not found");
        else
            text(r, MHD_HTTP_FORBIDDEN, "not readable");
        return;
    }
    validators(&st, r);
    if ((if_none_match && !strcmp(if_none_match, r->etag)) ||
        (!if_none_match && if_modified_since && r->last_modified[0] &&
         !strcmp(if_modified_since, r->last_modified))) {
        close(fd);
        r->status = MHD_HTTP_NOT_MODIFIED;
        r->text[0] = '\0';
        return;
    }
    r->status = MHD_HTTP_OK;
    r->content_type = content_type(comp);
    r->fd = fd;
    r->fd_size = (uint64_t)st.st_size;
}
