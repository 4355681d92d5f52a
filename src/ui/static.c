/*
 * src/ui/static.c - the pages' files: web/ under a strict path check
 * (ck_ui_static_rel: no "..", no hidden files, no symlinks followed at the
 * last step, regular files only, a known extension) and Chart.js from
 * Debian's libjs-chart.js at the fixed URL /vendor/chart.min.js. These hold
 * no patient data: the browser may keep them and revalidate (ETag of the
 * file's size and change time; 304 when unchanged), so a page load does not
 * fetch and compile Chart.js again (BENCH=ui).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "ui/ui_impl.h"

#define CHARTJS_URL "/vendor/chart.min.js"

int ck_ui_static(ck_ui_req *r)
{
    char rel[256], path[4400];
    const char *type;
    struct stat st;
    const char *inm;
    int fd;
    if (r->path_len == strlen(CHARTJS_URL) && !memcmp(r->uri, CHARTJS_URL, r->path_len)) {
        snprintf(path, sizeof path, "%s", r->ui->chartjs);
        type = "text/javascript; charset=utf-8";
    } else {
        if (ck_ui_static_rel(r->uri, r->path_len, rel, sizeof rel) != 0 || !(type = ck_ui_content_type(rel)))
            return ck_ui_fail(r, 404, "not_found", "no such page");
        snprintf(path, sizeof path, "%s/%s", r->ui->web, rel);
    }
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return ck_ui_fail(r, 404, "not_found", "no such page");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ck_ui_fail(r, 404, "not_found", "no such page");
    }
    snprintf(r->etag, sizeof r->etag, "\"%llx-%llx-%lx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
    r->revalidate = 1;
    r->ctype = type;
    inm = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && !strcmp(inm, r->etag)) {
        close(fd);
        r->status = 304;
        return ck_ui_empty(r);
    }
    r->fd = fd;
    r->fsize = (uint64_t)st.st_size;
    r->status = 200;
    return 0;
}
