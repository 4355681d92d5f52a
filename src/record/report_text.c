/*
 * src/record/report_text.c - a report as compact, table-like text for a
 * terminal: one table per block, columns sized to their content (capped),
 * "not shared with you" for blocks the reader does not hold.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "strbuf.h"

#define CELL_MAX 40 /* display columns per cell before truncation */

static void tb_pad(ck_strbuf *b, size_t n)
{
    while (n--)
        ck_strbuf_add(b, " ", 1);
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
static void tb_cell(ck_strbuf *b, const char *s, size_t maxw, size_t pad)
{
    size_t bytes, w = width(s, &bytes, maxw);
    if (s[bytes] && maxw >= 3) {
        w = width(s, &bytes, maxw - 3);
        ck_strbuf_add(b, s, bytes);
        ck_strbuf_str(b, "...");
        w += 3;
    } else {
        ck_strbuf_add(b, s, bytes);
    }
    if (pad > w)
        tb_pad(b, pad - w);
}

static void block_text(ck_strbuf *b, const json_t *bl)
{
    const json_t *cols = json_object_get(bl, "columns"), *rows = json_object_get(bl, "rows"), *row;
    size_t nc = json_array_size(cols), c, r, w[REPORT_MAX_COLS] = {0};
    const char *status = json_string_value(json_object_get(bl, "status"));
    int pending = status && !strcmp(status, CK_REPORT_PENDING);

    ck_strbuf_str(b, "\n== ");
    ck_strbuf_str(b, json_string_value(json_object_get(bl, "title")) ? json_string_value(json_object_get(bl, "title")) : "");
    ck_strbuf_str(b, " ==");
    if (!status || (strcmp(status, "shared") && !pending)) {
        ck_strbuf_str(b, "  (" CK_REPORT_NOT_SHARED ")\n");
        return;
    }
    if (pending) ck_strbuf_str(b, "  (some entries " CK_REPORT_PENDING ")");
    if (json_array_size(rows) == 0) {
        ck_strbuf_str(b, pending ? "\n" : "  (none recorded)\n");
        return;
    }
    ck_strbuf_str(b, "\n");
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
    ck_strbuf_str(b, "\n");
    for (c = 0; c < nc; c++) {
        size_t k;
        for (k = 0; k < w[c]; k++)
            ck_strbuf_str(b, "-");
        if (c + 1 < nc)
            ck_strbuf_str(b, "  ");
    }
    ck_strbuf_str(b, "\n");
    json_array_foreach(rows, r, row) {
        for (c = 0; c < nc; c++) {
            const char *s = json_string_value(json_array_get(row, c));
            tb_cell(b, s ? s : "", CELL_MAX, c + 1 < nc ? w[c] + 2 : 0);
        }
        while (b->len && b->p[b->len - 1] == ' ')
            b->p[--b->len] = 0;
        ck_strbuf_str(b, "\n");
    }
}

ck_fhir_err ck_report_text(char **out, const json_t *report, ck_fhir_error *err)
{
    ck_strbuf b = {0};
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
    ck_strbuf_str(&b, json_string_value(json_object_get(report, "title")) ? json_string_value(json_object_get(report, "title")) : "Report");
    ck_strbuf_str(&b, "\n");
    json_array_foreach(blocks, i, bl)
        block_text(&b, bl);
    if (b.oom || !b.p) {
        free(b.p);
        return ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
    }
    *out = b.p;
    return CK_FHIR_OK;
}
