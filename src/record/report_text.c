/*
 * src/record/report_text.c - a report as compact, table-like text for a
 * terminal: one table per block, columns sized to their content (capped),
 * "not shared with you" for blocks the reader does not hold.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define CELL_MAX 40 /* display columns per cell before truncation */

typedef struct tbuf {
    char *p;
    size_t len, cap;
    int oom;
} tbuf;

static void tb_add(tbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        char *np;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(np = realloc(b->p, cap))) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void tb_str(tbuf *b, const char *s)
{
    tb_add(b, s, strlen(s));
}

static void tb_pad(tbuf *b, size_t n)
{
    while (n--)
        tb_add(b, " ", 1);
}

/* Width in code points, ignoring zero-width space (U+200B). */
static size_t width(const char *s, size_t *bytes_for, size_t maxw)
{
    size_t w = 0, i = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (u[i]) {
        size_t n = u[i] < 0x80 ? 1 : u[i] < 0xe0 ? 2 : u[i] < 0xf0 ? 3 : 4;
        int zw = (n == 3 && u[i] == 0xe2 && u[i + 1] == 0x80 && u[i + 2] == 0x8b);
        if (!zw && w == maxw)
            break;
        size_t k;
        for (k = 1; k < n; k++)
            if (!u[i + k])
                n = k;
        i += n;
        if (!zw)
            w++;
    }
    if (bytes_for)
        *bytes_for = i;
    return w;
}

/* Appends a cell cut to at most maxw columns ("..." when cut), padded to pad. */
static void tb_cell(tbuf *b, const char *s, size_t maxw, size_t pad)
{
    size_t bytes, w = width(s, &bytes, maxw);
    if (s[bytes] && maxw >= 3) {
        w = width(s, &bytes, maxw - 3);
        tb_add(b, s, bytes);
        tb_str(b, "...");
        w += 3;
    } else {
        tb_add(b, s, bytes);
    }
    if (pad > w)
        tb_pad(b, pad - w);
}

static void block_text(tbuf *b, const json_t *bl)
{
    const json_t *cols = json_object_get(bl, "columns"), *rows = json_object_get(bl, "rows"), *row;
    size_t nc = json_array_size(cols), c, r, w[REPORT_MAX_COLS] = {0};

    tb_str(b, "\n== ");
    tb_str(b, json_string_value(json_object_get(bl, "title")) ? json_string_value(json_object_get(bl, "title")) : "");
    tb_str(b, " ==");
    if (strcmp(json_string_value(json_object_get(bl, "status")) ? json_string_value(json_object_get(bl, "status")) : "",
               "shared")) {
        tb_str(b, "  (" CK_REPORT_NOT_SHARED ")\n");
        return;
    }
    if (json_array_size(rows) == 0) {
        tb_str(b, "  (none recorded)\n");
        return;
    }
    tb_str(b, "\n");
    if (nc > REPORT_MAX_COLS)
        nc = REPORT_MAX_COLS;
    for (c = 0; c < nc; c++) {
        w[c] = width(json_string_value(json_array_get(cols, c)), NULL, CELL_MAX);
        json_array_foreach(rows, r, row) {
            size_t cw = width(json_string_value(json_array_get(row, c)) ? json_string_value(json_array_get(row, c)) : "",
                              NULL, CELL_MAX);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    for (c = 0; c < nc; c++) {
        tb_cell(b, json_string_value(json_array_get(cols, c)), CELL_MAX, c + 1 < nc ? w[c] + 2 : 0);
    }
    tb_str(b, "\n");
    for (c = 0; c < nc; c++) {
        size_t k;
        for (k = 0; k < w[c]; k++)
            tb_str(b, "-");
        if (c + 1 < nc)
            tb_str(b, "  ");
    }
    tb_str(b, "\n");
    json_array_foreach(rows, r, row) {
        for (c = 0; c < nc; c++) {
            const char *s = json_string_value(json_array_get(row, c));
            tb_cell(b, s ? s : "", CELL_MAX, c + 1 < nc ? w[c] + 2 : 0);
        }
        while (b->len && b->p[b->len - 1] == ' ')
            b->p[--b->len] = 0;
        tb_str(b, "\n");
    }
}

ck_fhir_err ck_report_text(char **out, const json_t *report, ck_fhir_error *err)
{
    tbuf b = {0};
    const json_t *blocks, *bl;
    size_t i;

    ck_fhir_error_clear(err);
    if (!out || !json_is_object(report))
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "report text: bad argument");
    *out = NULL;
    if (!json_is_string(json_object_get(report, "schema")) ||
        strcmp(json_string_value(json_object_get(report, "schema")), CK_REPORT_SCHEMA))
        return ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.schema", "not a " CK_REPORT_SCHEMA " report");
    blocks = json_object_get(report, "blocks");
    tb_str(&b, json_string_value(json_object_get(report, "title")) ? json_string_value(json_object_get(report, "title")) : "Report");
    tb_str(&b, "\n");
    json_array_foreach(blocks, i, bl)
        block_text(&b, bl);
    if (b.oom || !b.p) {
        free(b.p);
        return ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
    }
    *out = b.p;
    return CK_FHIR_OK;
}
