/*
 * src/record/report_internal.h - report block tables and cell rendering.
 */
#ifndef CK_RECORD_REPORT_INTERNAL_H
#define CK_RECORD_REPORT_INTERNAL_H

#include "carekey/report.h"
#include "fhir_internal.h"

#define REPORT_MAX_COLS 8

typedef struct report_column {
    const char *header;
    const char *path; /* alternatives "a.b[0]|c|d=literal|=literal" (report_render.c) */
    int date;         /* show at most YYYY-MM-DD                                     */
} report_column;

typedef struct report_block {
    const char *name;
    const char *title;
    ck_section section;
    const char *types;  /* comma-separated resource types shown */
    const char *filter; /* "path=v1|v2": keep items where a value at path is listed; NULL: all */
    report_column cols[REPORT_MAX_COLS];
} report_block;

typedef struct report_def {
    ck_report_kind kind;
    const char *title;
    const report_block *const *blocks;
} report_def;

const report_def *ck_report_def(ck_report_kind kind);

/* Renders the first non-empty alternative of path on resource res;
 * returns a new string (malloc) or NULL on out of memory.          */
char *ck_report_cell(const json_t *res, const char *path, int date);
/* 1 when the item passes the block's filter. */
int ck_report_filter(const json_t *res, const char *filter);
/* 1 when type is in the comma-separated list. */
int ck_report_type_in(const char *list, const char *type);

#endif
