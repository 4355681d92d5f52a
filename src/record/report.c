/*
 * src/record/report.c - builds the personal, professional, research and
 * emergency reports as JSON from the sections a reader holds.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

const char *ck_report_kind_name(ck_report_kind k)
{
    switch (k) {
    case CK_REPORT_PERSONAL: return "personal";
    case CK_REPORT_PROFESSIONAL: return "professional";
    case CK_REPORT_RESEARCH: return "research";
    case CK_REPORT_EMERGENCY: return "emergency";
    }
    return NULL;
}

static int build_block(json_t *blocks, const report_block *bl, const ck_fhir_sections *in)
{
    json_t *b, *cols, *rows, *item, *row;
    const json_t *arr = in->section[bl->section];
    size_t i, c;

    b = json_pack("{s:s, s:s, s:s, s:s, s:[], s:[]}", "name", bl->name, "title", bl->title,
                  "section", ck_section_name(bl->section), "status",
                  in->pending[bl->section] ? CK_REPORT_PENDING : arr ? "shared" : CK_REPORT_NOT_SHARED, "columns",
                  "rows");
    if (!b || json_array_append_new(blocks, b))
        return -1;
    cols = json_object_get(b, "columns");
    rows = json_object_get(b, "rows");
    for (c = 0; c < REPORT_MAX_COLS && bl->cols[c].header; c++)
        if (json_array_append_new(cols, json_string(bl->cols[c].header)))
            return -1;
    json_array_foreach(arr, i, item) {
        const json_t *res = ck_fhir_item_resource(item);
        if (!res || !ck_report_type_in(bl->types, ck_fhir_item_type(item)) ||
            !ck_report_filter(res, bl->filter))
            continue;
        if (!(row = json_array()) || json_array_append_new(rows, row))
            return -1;
        for (c = 0; c < REPORT_MAX_COLS && bl->cols[c].header; c++) {
            char *cell = ck_report_cell(res, bl->cols[c].path, bl->cols[c].date);
            if (!cell || json_array_append_new(row, json_string(cell))) {
                free(cell);
                return -1;
            }
            free(cell);
        }
    }
    return 0;
}

ck_fhir_err ck_report_build(json_t **out, ck_report_kind kind, const ck_fhir_sections *readable,
                            const ck_deid_options *deid, ck_fhir_error *err)
{
    const report_def *def = ck_report_def(kind);
    ck_fhir_sections research = {0};
    const ck_fhir_sections *src = readable;
    json_t *r = NULL;
    ck_fhir_err rc;
    size_t i;

    ck_fhir_error_clear(err);
    if (!out || !readable || !def)
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "report: bad argument");
    *out = NULL;
    if (kind == CK_REPORT_RESEARCH) {
        /* researchers only ever see the de-identified view */
        if ((rc = ck_deid_research(&research, readable, deid, err)) != CK_FHIR_OK)
            return rc;
        src = &research;
    }
    rc = CK_FHIR_ERR_NOMEM;
    r = json_pack("{s:s, s:s, s:s, s:[]}", "schema", CK_REPORT_SCHEMA, "report",
                  ck_report_kind_name(kind), "title", def->title, "blocks");
    if (!r)
        goto out;
    for (i = 0; def->blocks[i]; i++)
        if (build_block(json_object_get(r, "blocks"), def->blocks[i], src))
            goto out;
    *out = r;
    r = NULL;
    rc = CK_FHIR_OK;
out:
    if (rc == CK_FHIR_ERR_NOMEM)
        ck_fhir_fail(err, rc, "", "out of memory");
    json_decref(r);
    ck_fhir_sections_clear(&research);
    return rc;
}

ck_fhir_err ck_report_emergency_view(ck_fhir_sections *out, const ck_fhir_sections *in,
                                     ck_fhir_error *err)
{
    const report_def *def = ck_report_def(CK_REPORT_EMERGENCY);
    size_t b, i;
    json_t *item;

    ck_fhir_error_clear(err);
    if (!out || !in)
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "emergency view: NULL argument");
    memset(out, 0, sizeof *out);
    for (b = 0; def->blocks[b]; b++) {
        const report_block *bl = def->blocks[b];
        if (!in->section[bl->section])
            continue;
        if (!out->section[bl->section] && !(out->section[bl->section] = json_array()))
            goto nomem;
        json_array_foreach(in->section[bl->section], i, item) {
            const json_t *res = ck_fhir_item_resource(item);
            if (!res || !ck_report_type_in(bl->types, ck_fhir_item_type(item)) ||
                !ck_report_filter(res, bl->filter))
                continue;
            if (json_array_append_new(out->section[bl->section], json_deep_copy(item)))
                goto nomem;
        }
    }
    return CK_FHIR_OK;
nomem:
    ck_fhir_sections_clear(out);
    return ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
}
