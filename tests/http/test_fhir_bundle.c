/*
 * test_fhir_bundle: searchset and history Bundles, the item -> meta
 * mapping, ETags and If-Match (src/http/fhir_bundle.c), against exact
 * expected JSON.
 */
#include <stdint.h>
#include <string.h>

#include "fhir_api.h"
#include "harness.h"
#include "json_check.h"

#define BASE "http://127.0.0.1:8765/fhir"

static ck_fhir_api_error err;

static json_t *obs(int i)
{
    char buf[160];
    snprintf(buf, sizeof buf, "{\"resourceType\":\"Observation\",\"id\":\"o%d\",\"status\":\"final\"}", i);
    return J(buf);
}

static json_t *searchset(const char *qs, const json_t *matches, const json_t *includes, unsigned def)
{
    ck_fhir_api_query q;
    ck_fhir_api_searchset_in in;
    json_t *b = NULL;
    if (ck_fhir_api_query_parse(&q, "Observation", qs, strlen(qs), &err) != 0) return NULL;
    in.base = BASE;
    in.q = &q;
    in.matches = matches;
    in.includes = includes;
    in.default_count = def;
    if (ck_fhir_api_searchset(&b, &in, &err) != 0) return NULL;
    return b;
}

#define E(i) "{\"fullUrl\":\"" BASE "/Observation/o" #i "\",\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o" #i "\",\"status\":\"final\"},\"search\":{\"mode\":\"match\"}}"

static void test_searchset(void)
{
    json_t *m = json_array(), *inc;
    int i;
    for (i = 1; i <= 5; i++) json_array_append_new(m, obs(i));

    same(searchset("patient=p1&_count=2&_offset=2&_sort=date", m, NULL, 0),
         "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":5,\"link\":["
         "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=2&_offset=2&_sort=date&patient=p1\"},"
         "{\"relation\":\"next\",\"url\":\"" BASE "/Observation?_count=2&_offset=4&_sort=date&patient=p1\"},"
         "{\"relation\":\"previous\",\"url\":\"" BASE "/Observation?_count=2&_sort=date&patient=p1\"}],"
         "\"entry\":[" E(3) "," E(4) "]}",
         "a middle page");
    same(searchset("patient=p1&_count=2&_offset=4&_sort=date", m, NULL, 0),
         "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":5,\"link\":["
         "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=2&_offset=4&_sort=date&patient=p1\"},"
         "{\"relation\":\"previous\",\"url\":\"" BASE "/Observation?_count=2&_offset=2&_sort=date&patient=p1\"}],"
         "\"entry\":[" E(5) "]}",
         "the last page");
    same(searchset("patient=p1", m, NULL, 2),
         "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":5,\"link\":["
         "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=2&patient=p1\"},"
         "{\"relation\":\"next\",\"url\":\"" BASE "/Observation?_count=2&_offset=2&patient=p1\"}],"
         "\"entry\":[" E(1) "," E(2) "]}",
         "the first page, the caller's page size");
    same(searchset("", m, NULL, 0),
         "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":5,\"link\":["
         "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=50\"}],"
         "\"entry\":[" E(1) "," E(2) "," E(3) "," E(4) "," E(5) "]}",
         "one page");
    same(searchset("_count=2&_offset=10", m, NULL, 0),
         "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":5,\"link\":["
         "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=2&_offset=10\"},"
         "{\"relation\":\"previous\",\"url\":\"" BASE "/Observation?_count=2&_offset=3\"}]}",
         "past the end: no entries, previous is the last page");
    inc = J("[{\"resourceType\":\"Patient\",\"id\":\"p1\"}]");
    same(searchset("_count=1&code=http%3A%2F%2Floinc.org%7C8480-6", m, inc, 0),
         "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":5,\"link\":["
         "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=1&code=http://loinc.org%7C8480-6\"},"
         "{\"relation\":\"next\",\"url\":\"" BASE "/Observation?_count=1&_offset=1&code=http://loinc.org%7C8480-6\"}],"
         "\"entry\":[" E(1) ",{\"fullUrl\":\"" BASE "/Patient/p1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\"},"
         "\"search\":{\"mode\":\"include\"}}]}",
         "includes after the matches");
    {
        json_t *empty = json_array();
        same(searchset("patient=nobody", empty, NULL, 0),
             "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0,\"link\":["
             "{\"relation\":\"self\",\"url\":\"" BASE "/Observation?_count=50&patient=nobody\"}]}",
             "no match");
        json_decref(empty);
    }
    /* the entries share the caller's resources */
    {
        json_t *b = searchset("", m, NULL, 0);
        CHECK(b && json_object_get(json_array_get(json_object_get(b, "entry"), 0), "resource") == json_array_get(m, 0),
              "shared, not copied");
        json_decref(b);
    }
    /* errors */
    {
        json_t *bad = J("[{\"resourceType\":\"Observation\"}]");
        CHECK(searchset("", bad, NULL, 0) == NULL && err.code == CK_FHIR_API_E_INVALID, "a match without id");
        json_decref(bad);
        CHECK(searchset("", NULL, NULL, 0) == NULL && err.code == CK_FHIR_API_E_ARG, "no matches");
        json_t *b = searchset("", m, m, 0);
        CHECK(b && json_array_size(json_object_get(b, "entry")) == 10, "includes");
        json_decref(b);
    }
    json_decref(inc);
    json_decref(m);
}

static void test_meta(void)
{
    json_t *r, *item, *out;
    char buf[CK_FHIR_API_ETAG_MAX];
    uint64_t v;

    r = J("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"profile\":[\"http://x/p\"],\"versionId\":\"old\"}}");
    CHECK(ck_fhir_api_meta_set(r, 42, INT64_C(1709287230123), &err) == 0, "meta_set");
    same(r, "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"profile\":[\"http://x/p\"],\"versionId\":\"42\","
            "\"lastUpdated\":\"2024-03-01T10:00:30.123Z\"}}",
         "meta set, profile kept");
    r = J("{\"resourceType\":\"Patient\",\"meta\":[]}");
    CHECK(ck_fhir_api_meta_set(r, 1, 0, &err) == -1 && err.code == CK_FHIR_API_E_INVALID, "meta not an object");
    CHECK(ck_fhir_api_meta_set(r, 1, INT64_C(253402300800000), &err) == -1 && err.code == CK_FHIR_API_E_INVALID,
          "time out of range");
    json_decref(r);
    CHECK(ck_fhir_api_meta_set(NULL, 1, 0, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL");

    item = J("{\"type\":\"Observation\",\"id\":\"o1\",\"author\":\"drx\",\"time\":1709287230123,\"seq\":17,"
             "\"fullUrl\":\"urn:uuid:o1\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\"}}");
    CHECK(ck_fhir_api_item_resource(&out, item, &err) == 0, "item_resource: %s", err.msg);
    same(out, "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"meta\":{\"versionId\":\"17\","
              "\"lastUpdated\":\"2024-03-01T10:00:30.123Z\"}}",
         "the item as the API shows it");
    CHECK(!json_object_get(json_object_get(item, "resource"), "meta"), "the item is not modified");
    json_decref(item);
    {
        static const struct {
            const char *item, *expr;
        } bad[] = {
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":{\"resourceType\":\"Condition\"}}",
             "Resource.resourceType"},
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o2\"}}",
             "Resource.id"},
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"resource\":{\"resourceType\":\"Observation\"}}", ""},
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":-1,\"resource\":{\"resourceType\":\"Observation\"}}", ""},
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"seq\":1,\"resource\":{\"resourceType\":\"Observation\"}}", ""},
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":null}", ""},
            {"{\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":{\"resourceType\":\"Observation\"}}", ""},
            {"{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":{\"resourceType\":\"Observation\",\"meta\":7}}",
             "Resource.meta"},
        };
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            item = J(bad[i].item);
            out = NULL;
            CHECK(ck_fhir_api_item_resource(&out, item, &err) == -1 && out == NULL &&
                      err.code == CK_FHIR_API_E_INVALID && strcmp(err.expr, bad[i].expr) == 0,
                  "bad item %zu: %s (%s)", i, err.msg, err.expr);
            json_decref(item);
        }
        CHECK(ck_fhir_api_item_resource(&out, NULL, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL item");
    }

    CHECK(ck_fhir_api_etag(buf, sizeof buf, 42) == 0 && strcmp(buf, "W/\"42\"") == 0, "etag");
    CHECK(ck_fhir_api_etag(buf, sizeof buf, UINT64_MAX) == 0 && strcmp(buf, "W/\"18446744073709551615\"") == 0,
          "the largest etag fits");
    CHECK(ck_fhir_api_etag(buf, 6, 42) == -1 && buf[0] == 0, "too small");

    {
        static const struct {
            const char *h;
            uint64_t v;
        } good[] = {
            {"W/\"12\"", 12}, {"\"12\"", 12}, {"  W/\"0\"  ", 0}, {"\tW/\"7\"", 7},
            {"W/\"9223372036854775807\"", UINT64_C(9223372036854775807)},
        };
        static const char *const bad[] = {
            "", "*", "W/\"9223372036854775808\"", "W/\"99999999999999999999\"", "W/\"1\", W/\"2\"", "W/\"012\"",
            "W/\"\"", "W/12", "w/\"12\"", "W/\"12", "W/\"1 2\"", "W/\"-1\"", "W/ \"1\"", "W/\"1\"x", "W/\"0x1\"",
            "W/\"1.0\"",
        };
        size_t i;
        for (i = 0; i < sizeof good / sizeof good[0]; i++)
            CHECK(ck_fhir_api_if_match(&v, good[i].h, &err) == 0 && v == good[i].v, "If-Match '%s'", good[i].h);
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
            CHECK(ck_fhir_api_if_match(&v, bad[i], &err) == -1 && err.code == CK_FHIR_API_E_INVALID &&
                      strcmp(err.expr, "If-Match") == 0,
                  "If-Match '%s' accepted", bad[i]);
        CHECK(ck_fhir_api_if_match(&v, NULL, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL header");
    }
}

static void test_history(void)
{
    json_t *items, *b = NULL;
    items = J("[{\"type\":\"Observation\",\"id\":\"o1\",\"author\":\"drx\",\"time\":1709287200000,\"seq\":17,"
              "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"amended\"}},"
              "{\"type\":\"Observation\",\"id\":\"o1\",\"author\":\"drx\",\"time\":1709200800000,\"seq\":3,"
              "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"preliminary\"}},"
              "{\"type\":\"Observation\",\"id\":\"o1\",\"author\":\"drx\",\"time\":1709373600000,\"seq\":42,"
              "\"resource\":null}]");
    CHECK(ck_fhir_api_history(&b, BASE, "Observation", "o1", items, &err) == 0, "history: %s", err.msg);
    same(b,
         "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"total\":3,"
         "\"link\":[{\"relation\":\"self\",\"url\":\"" BASE "/Observation/o1/_history\"}],\"entry\":["
         "{\"fullUrl\":\"" BASE "/Observation/o1\",\"request\":{\"method\":\"PUT\",\"url\":\"Observation/o1\"},"
         "\"response\":{\"status\":\"200 OK\",\"etag\":\"W/\\\"42\\\"\",\"lastModified\":\"2024-03-02T10:00:00.000Z\"}},"
         "{\"fullUrl\":\"" BASE "/Observation/o1\",\"request\":{\"method\":\"PUT\",\"url\":\"Observation/o1\"},"
         "\"response\":{\"status\":\"200 OK\",\"etag\":\"W/\\\"17\\\"\",\"lastModified\":\"2024-03-01T10:00:00.000Z\"},"
         "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"amended\","
         "\"meta\":{\"versionId\":\"17\",\"lastUpdated\":\"2024-03-01T10:00:00.000Z\"}}},"
         "{\"fullUrl\":\"" BASE "/Observation/o1\",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"},"
         "\"response\":{\"status\":\"201 Created\",\"etag\":\"W/\\\"3\\\"\",\"lastModified\":\"2024-02-29T10:00:00.000Z\"},"
         "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"preliminary\","
         "\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"2024-02-29T10:00:00.000Z\"}}}]}",
         "newest first, the oldest a create, a dropped body without resource");
    json_decref(items);

    items = json_array();
    CHECK(ck_fhir_api_history(&b, BASE, "Observation", "o1", items, &err) == 0, "empty history");
    same(b, "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"total\":0,"
            "\"link\":[{\"relation\":\"self\",\"url\":\"" BASE "/Observation/o1/_history\"}]}",
         "no versions");
    json_decref(items);

    {
        static const char *const bad[] = {
            "[{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":null},"
            "{\"type\":\"Observation\",\"id\":\"o1\",\"time\":2,\"seq\":1,\"resource\":null}]",
            "[{\"type\":\"Observation\",\"id\":\"o2\",\"time\":1,\"seq\":1,\"resource\":null}]",
            "[{\"type\":\"Condition\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":null}]",
            "[{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"resource\":null}]",
            "[{\"type\":\"Observation\",\"id\":\"o1\",\"seq\":1,\"resource\":null}]",
            "[{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,\"resource\":[]}]",
            "[{\"type\":\"Observation\",\"id\":\"o1\",\"time\":1,\"seq\":1,"
            "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o9\"}}]",
            "[7]",
        };
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            items = J(bad[i]);
            b = NULL;
            CHECK(ck_fhir_api_history(&b, BASE, "Observation", "o1", items, &err) == -1 && b == NULL &&
                      err.code == CK_FHIR_API_E_INVALID,
                  "bad history %zu accepted (%s)", i, err.msg);
            json_decref(items);
        }
        items = json_array();
        CHECK(ck_fhir_api_history(&b, BASE, "Observation", "o/1", items, &err) == -1 &&
                  err.code == CK_FHIR_API_E_INVALID, "bad id");
        CHECK(ck_fhir_api_history(&b, BASE, "observation", "o1", items, &err) == -1 &&
                  err.code == CK_FHIR_API_E_INVALID, "bad type");
        CHECK(ck_fhir_api_history(&b, NULL, "Observation", "o1", items, &err) == -1 && err.code == CK_FHIR_API_E_ARG,
              "NULL base");
        json_decref(items);
    }
}

int main(void)
{
    test_searchset();
    test_meta();
    test_history();
    TEST_MAIN_END();
}
