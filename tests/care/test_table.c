/* tests/care/test_table.c - MIS tables: text alignment, RFC 4180 CSV with
 * formula-injection guards, JSON. */
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"
#include "harness.h"

static ck_care_table *ward_table(void)
{
    static const char *const cols[] = {"ward", "admissions", "occupancy %"};
    static const char *const r1[] = {"ward-a", "12", "83.5"};
    static const char *const r2[] = {"maternity ward", "3", "7.0"};
    static const char *const r3[] = {"total", "15", ""};
    ck_care_table *t = ck_care_table_new("Admissions, 2026-11", 3, cols);
    CHECK(t != NULL, "new");
    CHECK(ck_care_table_add(t, r1) == 0 && ck_care_table_add(t, r2) == 0 && ck_care_table_add(t, r3) == 0, "add");
    return t;
}

static void test_build(void)
{
    ck_care_table *t = ward_table();
    static const char *const cols[] = {"a"};
    const char *row[3] = {"x", NULL, "y"};
    CHECK(ck_care_table_rows(t) == 3, "rows %zu", ck_care_table_rows(t));
    CHECK(!strcmp(ck_care_table_cell(t, 1, 0), "maternity ward"), "cell");
    CHECK(ck_care_table_cell(t, 3, 0) == NULL, "row out of range");
    CHECK(ck_care_table_cell(t, 0, 3) == NULL, "column out of range");
    CHECK(ck_care_table_new("x", 0, cols) == NULL, "no columns refused");
    CHECK(ck_care_table_new("x", 1, NULL) == NULL, "NULL columns refused");
    CHECK(ck_care_table_add(NULL, row) == -1, "add to NULL");
    CHECK(ck_care_table_add(t, NULL) == -1, "add NULL row");
    /* the row is copied: changing the caller's strings changes nothing */
    {
        char buf[8] = "copy";
        const char *r[3] = {buf, NULL, "1"};
        CHECK(ck_care_table_add(t, r) == 0, "add copy");
        buf[0] = 'X';
        CHECK(!strcmp(ck_care_table_cell(t, 3, 0), "copy"), "row copied");
        CHECK(!strcmp(ck_care_table_cell(t, 3, 1), ""), "NULL cell is empty");
    }
    /* many rows grow the storage */
    for (int i = 0; i < 1000; i++) CHECK(ck_care_table_add(t, row) == 0, "add %d", i);
    CHECK(ck_care_table_rows(t) == 1004, "1004 rows");
    ck_care_table_free(t);
    ck_care_table_free(NULL);
}

static void test_text(void)
{
    ck_care_table *t = ward_table();
    char *s = ck_care_table_text(t);
    const char *want =
        "Admissions, 2026-11\n"
        "ward            admissions  occupancy %\n"
        "--------------  ----------  -----------\n"
        "ward-a                  12         83.5\n"
        "maternity ward           3          7.0\n"
        "total                   15\n";
    CHECK(s && !strcmp(s, want), "text:\n%s", s ? s : "(null)");
    free(s);
    ck_care_table_free(t);

    /* control characters never reach the terminal; UTF-8 counts by code point */
    {
        static const char *const cols[] = {"name", "n"};
        static const char *const r1[] = {"Maternit\xc3\xa9", "1"};
        static const char *const r2[] = {"evil\x1b[2J\nx", "-2"};
        t = ck_care_table_new("T", 2, cols);
        CHECK(ck_care_table_add(t, r1) == 0 && ck_care_table_add(t, r2) == 0, "add");
        s = ck_care_table_text(t);
        CHECK(s && !strchr(s, '\x1b'), "no escape in text");
        CHECK(s && strstr(s, "evil?[2J?x  -2\n"), "controls replaced: %s", s ? s : "(null)");
        CHECK(s && strstr(s, "Maternit\xc3\xa9    1\n"), "utf-8 width: %s", s ? s : "(null)");
        free(s);
        ck_care_table_free(t);
    }
    /* a mixed column stays left-aligned */
    {
        static const char *const cols[] = {"c"};
        static const char *const r1[] = {"10"};
        static const char *const r2[] = {"n/a"};
        t = ck_care_table_new("", 1, cols);
        CHECK(ck_care_table_add(t, r1) == 0 && ck_care_table_add(t, r2) == 0, "add");
        s = ck_care_table_text(t);
        CHECK(s && !strcmp(s, "c\n---\n10\nn/a\n"), "mixed column, no title: %s", s ? s : "(null)");
        free(s);
        ck_care_table_free(t);
    }
}

static char *csv_of_cell(const char *cell)
{
    static const char *const cols[] = {"v"};
    const char *row[1] = {cell};
    ck_care_table *t = ck_care_table_new("t", 1, cols);
    char *s;
    CHECK(ck_care_table_add(t, row) == 0, "add");
    s = ck_care_table_csv(t);
    ck_care_table_free(t);
    return s;
}

static void check_cell(const char *cell, const char *want_line)
{
    char *s = csv_of_cell(cell), want[256];
    snprintf(want, sizeof want, "v\r\n%s\r\n", want_line);
    CHECK(s && !strcmp(s, want), "csv of [%s]: got [%s] want [%s]", cell, s ? s : "(null)", want);
    free(s);
}

static void test_csv(void)
{
    ck_care_table *t = ward_table();
    char *s = ck_care_table_csv(t);
    CHECK(s && !strcmp(s, "ward,admissions,occupancy %\r\nward-a,12,83.5\r\nmaternity ward,3,7.0\r\ntotal,15,\r\n"),
          "csv: %s", s ? s : "(null)");
    free(s);
    ck_care_table_free(t);

    /* RFC 4180 quoting */
    check_cell("plain", "plain");
    check_cell("a,b", "\"a,b\"");
    check_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
    check_cell("two\nlines", "\"two\nlines\"");
    check_cell("cr\rhere", "\"cr\rhere\"");
    check_cell("", "");
    /* formula injection: a quote in front */
    check_cell("=1+2", "'=1+2");
    check_cell("+1", "'+1");
    check_cell("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0");
    check_cell("@SUM(A1)", "'@SUM(A1)");
    check_cell("\tx", "'\tx");
    check_cell("\rx", "\"'\rx\"");
    check_cell("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    check_cell("-", "'-");
    check_cell("-1.", "'-1.");
    check_cell("--3", "'--3");
    /* plain numbers stay numbers */
    check_cell("-3", "-3");
    check_cell("12.5", "12.5");
    check_cell("-0.25", "-0.25");
    check_cell("0", "0");
    /* only the start matters */
    check_cell("a=b", "a=b");
}

static void test_json(void)
{
    ck_care_table *t = ward_table();
    json_t *j = ck_care_table_json(t), *rows;
    CHECK(j != NULL, "json");
    CHECK(!strcmp(json_string_value(json_object_get(j, "title")), "Admissions, 2026-11"), "title");
    CHECK(json_array_size(json_object_get(j, "columns")) == 3, "columns");
    CHECK(!strcmp(json_string_value(json_array_get(json_object_get(j, "columns"), 2)), "occupancy %"), "column 2");
    rows = json_object_get(j, "rows");
    CHECK(json_array_size(rows) == 3, "rows");
    CHECK(!strcmp(json_string_value(json_array_get(json_array_get(rows, 2), 1)), "15"), "cell as string");
    CHECK(!strcmp(json_string_value(json_array_get(json_array_get(rows, 2), 2)), ""), "empty cell");
    json_decref(j);
    /* invalid UTF-8 is refused, not silently dropped */
    {
        static const char *const r[] = {"bad\xff", "1", "2"};
        CHECK(ck_care_table_add(t, r) == 0, "add");
        j = ck_care_table_json(t);
        CHECK(j == NULL, "invalid UTF-8 refused");
        json_decref(j);
    }
    ck_care_table_free(t);
}

int main(void)
{
    test_build();
    test_text();
    test_csv();
    test_json();
    TEST_MAIN_END();
}
