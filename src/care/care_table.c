/*
 * src/care/care_table.c - the tables the MIS reports produce, and their
 * three renderings: aligned text for a terminal, CSV for spreadsheets and
 * JSON for programs.
 *
 * CSV follows RFC 4180 (CRLF line ends, fields holding a comma, quote, CR
 * or LF in double quotes, quotes doubled). Spreadsheets run a cell that
 * starts with = + - @ (or a tab or CR) as a formula, and unit names and
 * display names come from the directory, so such cells get a leading
 * single quote; plain numbers ("-3", "12.5") stay numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"

struct ck_care_table {
    char *title;
    size_t ncols;
    char **columns;
    size_t nrows, cap;
    char **cells;   /* nrows x ncols, row-major */
};

/* ---- a growable string ------------------------------------------------ */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + n + 1) cap *= 2;
        if (!(p = realloc(b->p, cap))) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_pad(sbuf *b, size_t n)
{
    while (n--) sb_add(b, " ", 1);
}

static char *sb_finish(sbuf *b)
{
    if (!b->failed && !b->p) sb_add(b, "", 0);
    if (b->failed) {
        free(b->p);
        return NULL;
    }
    return b->p;
}

/* ---- building ----------------------------------------------------------- */
ck_care_table *ck_care_table_new(const char *title, size_t ncols, const char *const *columns)
{
    ck_care_table *t;
    if (ncols == 0 || !columns) return NULL;
    if (!(t = calloc(1, sizeof *t))) return NULL;
    t->ncols = ncols;
    t->title = strdup(title ? title : "");
    t->columns = calloc(ncols, sizeof *t->columns);
    if (!t->title || !t->columns) goto fail;
    for (size_t i = 0; i < ncols; i++)
        if (!(t->columns[i] = strdup(columns[i] ? columns[i] : ""))) goto fail;
    return t;
fail:
    ck_care_table_free(t);
    return NULL;
}

int ck_care_table_add(ck_care_table *t, const char *const *row)
{
    char **cells;
    if (!t || !row) return -1;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        if (!(cells = realloc(t->cells, cap * t->ncols * sizeof *cells))) return -1;
        t->cells = cells;
        t->cap = cap;
    }
    cells = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        if (!(cells[i] = strdup(row[i] ? row[i] : ""))) {
            while (i--) free(cells[i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

size_t ck_care_table_rows(const ck_care_table *t) { return t ? t->nrows : 0; }

const char *ck_care_table_cell(const ck_care_table *t, size_t row, size_t col)
{
    if (!t || row >= t->nrows || col >= t->ncols) return NULL;
    return t->cells[row * t->ncols + col];
}

void ck_care_table_free(ck_care_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    if (t->columns)
        for (size_t i = 0; i < t->ncols; i++) free(t->columns[i]);
    free(t->columns);
    free(t->title);
    free(t);
}

/* ---- shared rules ------------------------------------------------------- */
/* "-3", "12", "12.50": an optional minus, digits, optionally a dot and digits. */
static int plain_number(const char *s)
{
    if (*s == '-') s++;
    if (*s < '0' || *s > '9') return 0;
    while (*s >= '0' && *s <= '9') s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9') return 0;
        while (*s >= '0' && *s <= '9') s++;
    }
    return *s == 0;
}

/* ---- text ----------------------------------------------------------------- */
/* Display width: UTF-8 code points (continuation bytes do not count). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) w++;
    return w;
}

/* A cell as it goes to a terminal: control characters (a newline in a
 * display name, an escape sequence) become '?'. */
static void sb_cell_text(sbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        sb_add(b, (ch < 0x20 || ch == 0x7f) ? "?" : s, 1);
    }
}

/* A column is right-aligned when every non-empty body cell is a number. */
static int numeric_column(const ck_care_table *t, size_t col)
{
    int seen = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *s = t->cells[r * t->ncols + col];
        if (!*s) continue;
        if (!plain_number(s)) return 0;
        seen = 1;
    }
    return seen;
}

static void text_line(sbuf *b, const ck_care_table *t, char *const *cells, const size_t *w, const int *right)
{
    size_t start = b->len;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t pad = w[c] - width(cells[c]);
        if (c) sb_str(b, "  ");
        if (right[c]) sb_pad(b, pad);
        sb_cell_text(b, cells[c]);
        if (!right[c]) sb_pad(b, pad);
    }
    /* no trailing blanks */
    while (!b->failed && b->len > start && b->p[b->len - 1] == ' ') b->p[--b->len] = 0;
    sb_str(b, "\n");
}

char *ck_care_table_text(const ck_care_table *t)
{
    sbuf b = {0};
    size_t *w = NULL;
    int *right = NULL;
    char **rule = NULL;

    if (!t) return NULL;
    w = calloc(t->ncols, sizeof *w);
    right = calloc(t->ncols, sizeof *right);
    rule = calloc(t->ncols, sizeof *rule);
    b.failed = !w || !right || !rule;
    for (size_t c = 0; !b.failed && c < t->ncols; c++) {
        w[c] = width(t->columns[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t cw = width(t->cells[r * t->ncols + c]);
            if (cw > w[c]) w[c] = cw;
        }
        right[c] = numeric_column(t, c);
        if (!(rule[c] = malloc(w[c] + 1))) {
            b.failed = 1;
            break;
        }
        memset(rule[c], '-', w[c]);
        rule[c][w[c]] = 0;
    }
    if (!b.failed) {
        if (t->title[0]) {
            sb_cell_text(&b, t->title);
            sb_str(&b, "\n");
        }
        text_line(&b, t, t->columns, w, right);
        text_line(&b, t, rule, w, right);
        for (size_t r = 0; r < t->nrows; r++) text_line(&b, t, t->cells + r * t->ncols, w, right);
    }
    for (size_t c = 0; rule && c < t->ncols; c++) free(rule[c]);
    free(rule);
    free(right);
    free(w);
    return sb_finish(&b);
}

/* ---- CSV ------------------------------------------------------------------ */
static int formula_start(const char *s)
{
    return (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') &&
           !plain_number(s);
}

static void sb_cell_csv(sbuf *b, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) sb_str(b, "\"");
    if (formula_start(s)) sb_str(b, "'");
    for (; *s; s++) {
        sb_add(b, s, 1);
        if (*s == '"') sb_add(b, s, 1);   /* a quote is doubled */
    }
    if (quote) sb_str(b, "\"");
}

static void csv_line(sbuf *b, size_t n, char *const *cells)
{
    for (size_t c = 0; c < n; c++) {
        if (c) sb_str(b, ",");
        sb_cell_csv(b, cells[c]);
    }
    sb_str(b, "\r\n");
}

char *ck_care_table_csv(const ck_care_table *t)
{
    sbuf b = {0};
    if (!t) return NULL;
    csv_line(&b, t->ncols, t->columns);
    for (size_t r = 0; r < t->nrows; r++) csv_line(&b, t->ncols, t->cells + r * t->ncols);
    return sb_finish(&b);
}

/* ---- JSON ----------------------------------------------------------------- */
/* (jansson's *_new setters consume the value even when they fail) */
static json_t *string_array(char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        /* invalid UTF-8 cannot be a JSON string: refuse rather than drop it */
        if (json_array_append_new(a, json_string(s[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *ck_care_table_json(const ck_care_table *t)
{
    json_t *o, *rows;
    if (!t) return NULL;
    if (!(o = json_object())) return NULL;
    if (json_object_set_new(o, "title", json_string(t->title)) != 0 ||
        json_object_set_new(o, "columns", string_array(t->columns, t->ncols)) != 0 ||
        json_object_set_new(o, "rows", rows = json_array()) != 0)
        goto fail;
    for (size_t r = 0; r < t->nrows; r++)
        if (json_array_append_new(rows, string_array(t->cells + r * t->ncols, t->ncols)) != 0) goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

void ck_care_mis_title(char *out, size_t cap, const char *what, const ck_care_period *p)
{
    char from[32], to[32];
    ck_care_time_format(from, p->from_ms);
    ck_care_time_format(to, p->to_ms - 1);   /* the last day in the period */
    snprintf(out, cap, "%s, %.10s to %.10s", what, from, to);
}
