/*
 * Fuzz the FHIR search query parser of the node's HTTP layer
 * (src/http/fhir_params.c) and what consumes a parsed query. The first
 * byte picks the resource type, the rest is the raw query string.
 *
 * Invariants: a refused query has an error code, a message and an
 * OperationOutcome; an accepted one re-encodes to a canonical query that
 * parses again (unless the encoding grew past the size limit) to the same
 * canonical text and the same match results, and it matches, sorts, pages
 * and becomes a searchset Bundle without a crash. The input is also read
 * as a FHIR date: a parsed range is never empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http/fhir_api.h"

static const char *const samples[] = {
    "{\"resourceType\":\"%s\",\"id\":\"a1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/p1\"},"
    "\"patient\":{\"reference\":\"urn:uuid:p1\"},\"effectiveDateTime\":\"2024-03-01T10:00:00+02:00\","
    "\"period\":{\"start\":\"2024-01-01\"},\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}]},"
    "\"category\":[{\"coding\":[{\"code\":\"vital-signs\"}]}],\"meta\":{\"lastUpdated\":\"2024-03-01T10:00:00.000Z\"}}",
    "{\"resourceType\":\"%s\",\"id\":\"b.2\",\"onsetPeriod\":{\"end\":\"2023\"},\"recordedDate\":\"2022-05\","
    "\"category\":[\"food\"],\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},\"start\":\"2024-06-01T09:00:00Z\","
    "\"participant\":[{\"actor\":{\"reference\":\"Patient/p2\"}}],\"entity\":[{\"what\":{\"reference\":\"Patient/p1\"}}]}",
    "{\"resourceType\":\"%s\",\"id\":\"c\"}",
    "{\"resourceType\":\"%s\",\"id\":\"d\",\"name\":[{\"family\":\"M\u00fcller\",\"given\":[\"Zo\u00eb\"],"
    "\"text\":\"Stra\u00dfe\"}],\"identifier\":[{\"system\":\"urn:x\",\"value\":\"7\"}],\"active\":true,"
    "\"gender\":\"female\",\"birthDate\":\"1984\",\"class\":{\"code\":\"AMB\"},\"started\":\"2020-01-02\","
    "\"address\":[{\"city\":\"S\u00e3o Paulo\"}],\"series\":[{\"modality\":{\"code\":\"CT\"}}]}",
};

static json_t *resources(const char *type)
{
    json_t *arr = json_array();
    size_t i;
    char buf[1024];
    for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        snprintf(buf, sizeof buf, samples[i], type);
        json_array_append_new(arr, json_loads(buf, 0, NULL));
    }
    return arr;
}

/* _include/_revinclude over the samples (and one of each other type
 * naming them): every included resource is in the pool, once, and none
 * is on the page. */
static void check_includes(const ck_fhir_api_query *q, const json_t *page, const json_t *set)
{
    json_t *pool = json_object(), *inc = NULL;
    ck_fhir_api_error err;
    char key[160];
    size_t i, j;
    for (i = 0; i < json_array_size(set); i++) {
        const json_t *r = json_array_get(set, i);
        snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(r, "resourceType")),
                 json_string_value(json_object_get(r, "id")));
        json_object_set(pool, key, (json_t *)r);
    }
    json_object_set_new(pool, "Practitioner/p1",
                        json_pack("{s:s,s:s}", "resourceType", "Practitioner", "id", "p1"));
    json_object_set_new(pool, "Observation/o9",
                        json_pack("{s:s,s:s,s:{s:s},s:{s:s}}", "resourceType", "Observation", "id", "o9", "encounter",
                                  "reference", "urn:uuid:a1", "subject", "reference", "Patient/c"));
    FUZZ_ASSERT(ck_fhir_api_includes(&inc, q, page, pool, &err) == 0 && json_is_array(inc), "includes");
    FUZZ_ASSERT(q->nincludes || json_array_size(inc) == 0, "no includes asked, none given");
    for (i = 0; i < json_array_size(inc); i++) {
        const json_t *r = json_array_get(inc, i);
        int in_pool = 0;
        const char *k;
        json_t *v;
        json_object_foreach(pool, k, v) in_pool |= v == r;
        FUZZ_ASSERT(in_pool, "an included resource comes from the pool");
        for (j = 0; j < json_array_size(page); j++)
            FUZZ_ASSERT(json_array_get(page, j) != r, "a page's match is not included again");
        for (j = 0; j < i; j++) FUZZ_ASSERT(json_array_get(inc, j) != r, "included once");
    }
    json_decref(inc);
    json_decref(pool);
}

/* The same bytes as Patient/$everything's query: refused with a reason,
 * or a bundle whose page holds at most _count of the kept resources. */
static void check_everything(const char *type, const char *qs, size_t n)
{
    ck_fhir_api_everything e;
    ck_fhir_api_error err;
    json_t *set, *b = NULL;
    size_t entries;
    if (ck_fhir_api_everything_parse(&e, qs, n, &err) != 0) {
        FUZZ_ASSERT(err.code != CK_FHIR_API_OK && err.msg[0], "a refusal says why");
        return;
    }
    set = resources(type);
    FUZZ_ASSERT(ck_fhir_api_everything_bundle(&b, "http://127.0.0.1:1/fhir", "p1", &e, set, &err) == 0, "a bundle");
    entries = json_array_size(json_object_get(b, "entry"));
    FUZZ_ASSERT((size_t)json_integer_value(json_object_get(b, "total")) <= json_array_size(set) &&
                    entries <= (size_t)json_integer_value(json_object_get(b, "total")) && (!e.count || entries <= e.count),
                "a page of what is kept");
    json_decref(b);
    json_decref(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char canon[CK_FHIR_API_TEXT_MAX * 3 + 256], canon2[CK_FHIR_API_TEXT_MAX * 3 + 256];
    ck_fhir_api_query q, q2;
    ck_fhir_api_error err;
    const char *const *types;
    size_t ntypes, i;
    const char *type, *qs;
    json_t *set, *found = NULL, *bundle = NULL;
    long n;
    int64_t lo, hi;

    if (size == 0) return 0;
    if (ck_fhir_api_date_range((const char *)data, size, &lo, &hi, NULL) == 0)
        FUZZ_ASSERT(lo < hi, "a date's range is not empty");
    types = ck_fhir_api_types(&ntypes);
    type = types[data[0] % ntypes];
    qs = (const char *)data + 1;

    check_everything(type, qs, size - 1);
    if (ck_fhir_api_query_parse(&q, type, qs, size - 1, &err) != 0) {
        long status = 0;
        json_t *oo = ck_fhir_api_error_outcome(&err, &status);
        FUZZ_ASSERT(err.code != CK_FHIR_API_OK && err.msg[0], "a refusal says why");
        FUZZ_ASSERT(oo && status == (err.code == CK_FHIR_API_E_ARG || err.code == CK_FHIR_API_E_NOMEM ? 500 : 400),
                    "a refusal is an OperationOutcome");
        json_decref(oo);
        return 0;
    }
    FUZZ_ASSERT(q.nclauses <= CK_FHIR_API_CLAUSES_MAX && q.nvalues <= CK_FHIR_API_VALUES_MAX &&
                    q.used <= sizeof q.text && (q.count == 0 || q.count <= CK_FHIR_API_COUNT_MAX),
                "within limits");
    for (i = 0; i < q.nclauses; i++) {
        const ck_fhir_api_clause *c = &q.clauses[i];
        size_t k;
        FUZZ_ASSERT(c->n > 0 && c->first + c->n <= q.nvalues, "a clause's values");
        FUZZ_ASSERT(c->modifier != CK_FHIR_API_MOD_MISSING || c->n == 1, ":missing has one value");
        for (k = c->first; k < (size_t)c->first + c->n; k++)
            if ((c->param == CK_FHIR_API_P_DATE || c->param == CK_FHIR_API_P_LASTUPDATED) &&
                c->modifier != CK_FHIR_API_MOD_MISSING)
                FUZZ_ASSERT(q.values[k].lo < q.values[k].hi, "a date value's range is not empty");
    }

    n = ck_fhir_api_query_encode(canon, sizeof canon, &q, q.count, q.offset);
    FUZZ_ASSERT(n >= 0, "the canonical form fits its buffer");
    set = resources(type);
    if (ck_fhir_api_query_parse(&q2, type, canon, (size_t)n, &err) == 0) {
        long n2 = ck_fhir_api_query_encode(canon2, sizeof canon2, &q2, q2.count, q2.offset);
        FUZZ_ASSERT(n2 == n && memcmp(canon, canon2, (size_t)n) == 0, "canonical is a fixed point");
        for (i = 0; i < json_array_size(set); i++)
            FUZZ_ASSERT(ck_fhir_api_match(&q, json_array_get(set, i)) == ck_fhir_api_match(&q2, json_array_get(set, i)),
                        "the canonical query matches the same");
    } else {
        FUZZ_ASSERT(err.code == CK_FHIR_API_E_TOO_LONG && (size_t)n > CK_FHIR_API_QUERY_MAX,
                    "the canonical form parses unless it grew too long");
    }

    if (ck_fhir_api_search(&found, &q, set, &err) == 0) {
        ck_fhir_api_searchset_in in = {"http://127.0.0.1:1/fhir", &q, found, NULL, 2};
        size_t first, cnt;
        ck_fhir_api_page(&q, json_array_size(found), 2, &first, &cnt);
        FUZZ_ASSERT(first <= json_array_size(found) && first + cnt <= json_array_size(found), "a page inside");
        FUZZ_ASSERT(ck_fhir_api_searchset(&bundle, &in, &err) == 0, "a searchset");
        FUZZ_ASSERT(json_integer_value(json_object_get(bundle, "total")) == (json_int_t)json_array_size(found), "total");
        json_decref(bundle);
        check_includes(&q, found, set);
        json_decref(found);
    }
    json_decref(set);
    return 0;
}
