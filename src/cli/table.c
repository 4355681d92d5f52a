/*
 * src/cli/table.c - rows of JSON objects as an aligned text table (the
 * directory, the audit log, the care lists).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* One cell as text: strings as is, null "-", booleans yes/no, integers,
 * arrays comma-joined; CLI_COL_TIME integers (Unix ms) as UTC ISO 8601. */
static void cell(const cli_column *col, json_t *row, char *out, size_t cap)
{
    json_t *v = json_object_get(row, col->key);
    size_t i, len = 0;
    json_t *e;
    out[0] = 0;
    if (json_is_string(v)) {
        snprintf(out, cap, "%s", json_string_value(v));
    } else if (json_is_boolean(v)) {
        snprintf(out, cap, "%s", json_is_true(v) ? "yes" : "no");
    } else if (json_is_integer(v) && col->time) {
        time_t t = (time_t)(json_integer_value(v) / 1000);
        struct tm tm;
        if (gmtime_r(&t, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) snprintf(out, cap, "-");
    } else if (json_is_integer(v)) {
        snprintf(out, cap, "%lld", (long long)json_integer_value(v));
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (len + 2 >= cap) break;
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "",
                                    json_is_string(e) ? json_string_value(e) : "?");
        }
        if (len == 0) snprintf(out, cap, "-");
    } else {
        snprintf(out, cap, "-");
    }
}

void cli_print_table(FILE *f, struct json_t *rows, const cli_column *cols, size_t ncols)
{
    size_t w[16] = {0}, i, k;
    char buf[1100];
    json_t *row;
    if (ncols > 16) ncols = 16;
    for (k = 0; k < ncols; k++) w[k] = strlen(cols[k].header);
    json_array_foreach(rows, i, row) {
        for (k = 0; k < ncols; k++) {
            cell(&cols[k], row, buf, sizeof buf);
            if (strlen(buf) > w[k]) w[k] = strlen(buf);
        }
    }
    for (k = 0; k < ncols; k++)
        fprintf(f, "%-*s%s", k + 1 < ncols ? (int)w[k] : 0, cols[k].header, k + 1 < ncols ? "  " : "\n");
    json_array_foreach(rows, i, row) {
        for (k = 0; k < ncols; k++) {
            cell(&cols[k], row, buf, sizeof buf);
            fprintf(f, "%-*s%s", k + 1 < ncols ? (int)w[k] : 0, buf, k + 1 < ncols ? "  " : "\n");
        }
    }
}

