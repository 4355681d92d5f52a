/*
 * tests/record/test_fhir_json.c - decimal-exact JSON (issue 10, "FHIR
 * fidelity"): numbers keep their text ("140.52" stays "140.52", "1.50"
 * stays "1.50"), huge integers parse, strings (including ones that start
 * with the private-use marker) come back unchanged, malformed JSON and
 * duplicate keys are refused, and every fixture's number lexemes come out
 * in the same order and spelling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/fhir.h"
#include "harness.h"
#include "record_util.h"

static char *roundtrip(const char *in)
{
    json_error_t je;
    json_t *j = ck_fhir_json_parse(in, strlen(in), &je);
    char *out;
    if (!j) return NULL;
    out = ck_fhir_json_dump(j, JSON_COMPACT);
    json_decref(j);
    return out;
}

static void expect_same(const char *in)
{
    char *out = roundtrip(in);
    CHECK(out && strcmp(out, in) == 0, "round trip of %s gave %s", in, out ? out : "(null)");
    free(out);
}

/* The number tokens of JSON text, in order, joined by spaces. */
static char *numbers(const char *s)
{
    size_t n = strlen(s), cap = n + 1, len = 0;
    char *out = malloc(cap);
    for (size_t i = 0; out && i < n;) {
        if (s[i] == '"') {
            for (i++; i < n && s[i] != '"'; i += s[i] == '\\' ? 2 : 1) {
            }
            i++;
        } else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
            size_t k = strspn(s + i, "-+0123456789.eE");
            memcpy(out + len, s + i, k);
            len += k;
            out[len++] = ' ';
            i += k;
        } else {
            i++;
        }
    }
    if (out) out[len] = 0;
    return out;
}

static void test_values(void)
{
    static const char *same[] = {
        "{\"value\":140.52}", "{\"value\":42.18736}", "{\"value\":1.50}", "{\"value\":100.0}",
        "{\"value\":-0.0}", "{\"value\":1e2}", "{\"value\":6.02E+23}", "{\"value\":1.5e-7}",
        "{\"value\":123456789012345678901234567890}", "{\"value\":-9223372036854775808}", "[0,1,-1,2.50,[3.000]]",
        "{\"s\":\"1.50\",\"n\":1.50}", "{\"s\":\"\xEE\x80\x80" "1.5\"}", "{\"s\":\"\xEE\x80\x80\"}",
        "{\"\xEE\x80\x80" "2.5\":2.5}", "{\"a\":{\"b\":[{\"c\":0.1}]}}", "{\"t\":true,\"f\":false,\"z\":null}",
        /* a negative zero integer is not 0; exponents out of double's range */
        "{\"value\":-0}", "[-0,0,-0.0,0.0]", "{\"value\":1E400}", "{\"value\":-1e+400}", "{\"value\":1E-400}",
        "{\"value\":12345678901234567890123}", "{\"value\":1.10}", "[9007199254740993,123456789012345678]",
    };
    static const char *bad[] = {"{\"v\":1.}", "{\"v\":.5}", "{\"v\":01}", "{\"v\":-}", "{\"v\":1e}", "{\"a\":1,\"a\":2}",
                                "{\"v\":1} x", "[1,]", "{\"v\":+1}", "\"unterminated"};
    json_error_t je;
    json_t *j;
    double d = 0;
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) expect_same(same[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = ck_fhir_json_parse(bad[i], strlen(bad[i]), &je);
        CHECK(j == NULL, "refused: %s", bad[i]);
        json_decref(j);
    }
    j = ck_fhir_json_parse("{\"v\":140.52,\"i\":7,\"s\":\"140.52\"}", 31, &je);
    CHECK(j && ck_fhir_json_number(json_object_get(j, "v"), &d) == 0 && d == 140.52, "a decimal reads as a number");
    CHECK(j && ck_fhir_json_number(json_object_get(j, "i"), &d) == 0 && d == 7, "an integer reads as a number");
    CHECK(j && ck_fhir_json_number(json_object_get(j, "s"), &d) != 0, "a string is no number");
    CHECK(j && ck_fhir_json_lexeme(json_object_get(j, "v")) && !strcmp(ck_fhir_json_lexeme(json_object_get(j, "v")), "140.52"),
          "the lexeme");
    json_decref(j);
    /* a number beyond double's range is still a number (reports show its
     * lexeme), though it has no double value */
    j = ck_fhir_json_parse("{\"v\":1E400,\"w\":-0}", 18, &je);
    CHECK(j && ck_fhir_json_is_number(json_object_get(j, "v")), "1E400 is a number");
    CHECK(j && ck_fhir_json_number(json_object_get(j, "v"), &d) != 0, "1E400 has no double value");
    CHECK(j && ck_fhir_json_lexeme(json_object_get(j, "w")) && !strcmp(ck_fhir_json_lexeme(json_object_get(j, "w")), "-0"),
          "-0 keeps its lexeme");
    CHECK(j && ck_fhir_json_number(json_object_get(j, "w"), &d) == 0 && d == 0, "-0 reads as zero");
    json_decref(j);
    {
        /* an escaped marker comes back as the same string (raw UTF-8) */
        char *out = roundtrip("[\"\\ue0001.5\"]");
        CHECK(out && !strcmp(out, "[\"\xEE\x80\x80" "1.5\"]"), "escaped marker string survives: %s", out);
        free(out);
    }
}

static void test_fixtures(void)
{
    for (size_t f = 0; f < N_FIXTURES; f++) {
        size_t len = 0;
        char *text = read_fixture(fixture_names[f], &len), *out = NULL, *a = NULL, *b = NULL;
        json_error_t je;
        json_t *j = text ? ck_fhir_json_parse(text, len, &je) : NULL;
        CHECK(j != NULL, "fixture %zu parses", f);
        if (j) out = ck_fhir_json_dump(j, JSON_INDENT(1));
        a = text ? numbers(text) : NULL;
        b = out ? numbers(out) : NULL;
        CHECK(a && b && strlen(a) > 100 && !strcmp(a, b), "fixture %zu: every number keeps its text and place", f);
        json_decref(j);
        free(text);
        free(out);
        free(a);
        free(b);
    }
}

int main(void)
{
    test_values();
    test_fixtures();
    TEST_MAIN_END();
}
