/*
 * src/ui/static.c - the pages' files: web/ under a strict path check
 * (ck_ui_static_rel: no "..", no hidden files, no symlinks followed at the
 * last step, regular files only, a known extension) and Chart.js from
 * Debian's libjs-chart.js at the fixed URL /vendor/chart.min.js.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui/ui_impl.h"

#define CHARTJS_URL "/vendor/chart.min.js"

int ck_ui_static(ck_ui_req *r)
{
    char rel[256], path[4400];
    const char *type;
    struct stat st;
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
    r->fd = fd;
    r->fsize = (uint64_t)st.st_size;
    r->status = 200;
    r->ctype = type;
    return 0;
}
