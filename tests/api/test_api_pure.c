/*
 * tests/api/test_api_pure.c - the pure parts of the node's FHIR API
 * (src/api): the Host and bearer guard, the route parser and table, and
 * the replies of outcome.c (status and OperationOutcome).
 */
#include <jansson.h>

#include "api/api_impl.h"
#include "harness.h"

#define TOKEN "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_host(void)
{
    CHECK(ck_api_host_ok("127.0.0.1:8765", 8765), "127.0.0.1:port");
    CHECK(ck_api_host_ok("localhost:8765", 8765), "localhost:port");
    CHECK(ck_api_host_ok("LocalHost:8765", 8765), "localhost any case");
    CHECK(ck_api_host_ok("[::1]:8765", 8765), "[::1]:port");
    CHECK(!ck_api_host_ok(NULL, 8765), "no Host");
    CHECK(!ck_api_host_ok("", 8765), "empty Host");
    CHECK(!ck_api_host_ok("127.0.0.1", 8765), "no port");
    CHECK(!ck_api_host_ok("127.0.0.1:8766", 8765), "another port");
    CHECK(!ck_api_host_ok("127.0.0.1:87650", 8765), "a longer port");
    CHECK(!ck_api_host_ok("127.0.0.1:08765", 8765), "a leading zero");
    CHECK(!ck_api_host_ok("evil.example:8765", 8765), "a rebinding name");
    CHECK(!ck_api_host_ok("localhost.evil.example:8765", 8765), "a name starting with localhost");
    CHECK(!ck_api_host_ok("127.0.0.1:8765 ", 8765), "trailing space");
    CHECK(!ck_api_host_ok("127.0.0.2:8765", 8765), "another loopback address");
    CHECK(!ck_api_host_ok("127.0.0.1:8765", 0), "port 0");
}

static void test_bearer(void)
{
    CHECK(ck_api_bearer_ok("Bearer " TOKEN, TOKEN), "the token");
    CHECK(ck_api_bearer_ok("bearer " TOKEN, TOKEN), "the scheme in any case");
    CHECK(!ck_api_bearer_ok(NULL, TOKEN), "no header");
    CHECK(!ck_api_bearer_ok("", TOKEN), "empty");
    CHECK(!ck_api_bearer_ok("Bearer ", TOKEN), "no token");
    CHECK(!ck_api_bearer_ok(TOKEN, TOKEN), "no scheme");
    CHECK(!ck_api_bearer_ok("Basic " TOKEN, TOKEN), "another scheme");
    CHECK(!ck_api_bearer_ok("Bearer " TOKEN "0", TOKEN), "one more character");
    CHECK(!ck_api_bearer_ok("Bearer 00112233445566778899aabbccddeeff00112233445566778899aabbccddeef", TOKEN),
          "one less");
    CHECK(!ck_api_bearer_ok("Bearer 10112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", TOKEN),
          "first byte differs");
    CHECK(!ck_api_bearer_ok("Bearer 00112233445566778899aabbccddeeff00112233445566778899aabbccddeefe", TOKEN),
          "last byte differs");
    CHECK(!ck_api_bearer_ok("Bearer  " TOKEN, TOKEN), "two spaces");
    CHECK(!ck_api_bearer_ok("Bearer " TOKEN, ""), "an empty server token never matches");
}

static int route(const char *path, ck_api_route *rt) { return ck_api_route_parse(path, strlen(path), rt); }

/* Accept and Content-Type: JSON only (406 and 415 otherwise). */
static void test_media(void)
{
    static const char *const yes[] = {
        "application/fhir+json", "application/json", "application/json+fhir", "*/*", "application/*",
        "Application/FHIR+JSON", "application/fhir+json; charset=utf-8", "application/fhir+json;fhirVersion=4.0",
        "text/html, application/xhtml+xml, */*;q=0.8", "application/fhir+xml;q=1, application/fhir+json;q=0.5",
        " application/json ", "", " , ", "application/json;q=0.001",
    };
    static const char *const no[] = {
        "application/fhir+xml", "application/xml", "text/html", "text/*", "application/fhir+json;q=0",
        "application/json; q=0.0, application/xml", "*/*;q=0", "application/fhir+jsonx", "json", "application/",
        "image/*, text/plain;q=0.5",
    };
    size_t i;
    CHECK(ck_api_accept_json(NULL), "no Accept");
    for (i = 0; i < sizeof yes / sizeof *yes; i++) CHECK(ck_api_accept_json(yes[i]), "Accept: %s", yes[i]);
    for (i = 0; i < sizeof no / sizeof *no; i++) CHECK(!ck_api_accept_json(no[i]), "Accept refused: %s", no[i]);
    CHECK(ck_api_content_json(NULL) && ck_api_content_json("application/fhir+json") &&
              ck_api_content_json("application/json; charset=UTF-8") && ck_api_content_json("application/json+fhir"),
          "JSON bodies");
    CHECK(!ck_api_content_json("application/fhir+xml") && !ck_api_content_json("*/*") &&
              !ck_api_content_json("text/plain") && !ck_api_content_json("application/x-www-form-urlencoded") &&
              !ck_api_content_json(""),
          "other bodies: 415");
}

static void test_route(void)
{
    ck_api_route rt;
    int allowed;
    CHECK(route("/fhir/metadata", &rt) == 0 && rt.kind == CK_API_R_METADATA, "metadata");
    CHECK(route("/fhir/Observation", &rt) == 0 && rt.kind == CK_API_R_TYPE && !strcmp(rt.type, "Observation"), "type");
    CHECK(route("/fhir/Observation/abc-1.2", &rt) == 0 && rt.kind == CK_API_R_INSTANCE && !strcmp(rt.id, "abc-1.2"),
          "instance");
    CHECK(route("/fhir/Observation/x/_history", &rt) == 0 && rt.kind == CK_API_R_HISTORY, "history");
    CHECK(route("/fhir/Observation/x/_history/42", &rt) == 0 && rt.kind == CK_API_R_VREAD && rt.vid == 42, "vread");
    CHECK(route("/fhir/Patient/pt-1/$everything", &rt) == 0 && rt.kind == CK_API_R_EVERYTHING &&
              !strcmp(rt.id, "pt-1"),
          "$everything");
    CHECK(route("/fhir/Patient/pt-1/%24everything", &rt) == 0 && rt.kind == CK_API_R_EVERYTHING, "escaped $");
    CHECK(route("/fhir/Observation/%61bc", &rt) == 0 && !strcmp(rt.id, "abc"), "escaped id");
    CHECK(route("/fhir/Observation/x/$everything", &rt) != 0, "$everything of another type");
    CHECK(route("/fhir/", &rt) == 0 && rt.kind == CK_API_R_SYSTEM, "the base with its slash: transactions");
    CHECK(route("/fhir", &rt) == 0 && rt.kind == CK_API_R_SYSTEM, "the base alone: transactions");
    CHECK(ck_api_dispatch("POST", &rt, &allowed) == ck_api_transaction && !ck_api_dispatch("GET", &rt, &allowed) &&
              allowed,
          "POST [base] only");
    CHECK(route("/fhir//", &rt) != 0 && route("/fhirx", &rt) != 0, "nothing else at the base");
    CHECK(route("/fhir/Observation/", &rt) != 0, "a trailing slash");
    CHECK(route("/fhir//x", &rt) != 0, "an empty segment");
    CHECK(route("/fhir/observation", &rt) != 0, "a lower-case type");
    CHECK(route("/fhir/Obs-ervation", &rt) != 0, "a bad type");
    CHECK(route("/fhir/Observation/a_b", &rt) != 0, "a bad id");
    CHECK(route("/fhir/Observation/a%2Fb", &rt) != 0, "an escaped slash");
    CHECK(route("/fhir/Observation/a%00b", &rt) != 0, "an escaped NUL");
    CHECK(route("/fhir/Observation/a%2", &rt) != 0, "a short escape");
    CHECK(route("/fhir/Observation/a%zz", &rt) != 0, "a bad escape");
    CHECK(route("/fhir/Observation/x/_history/042", &rt) != 0, "a leading zero");
    CHECK(route("/fhir/Observation/x/_history/0", &rt) != 0, "version 0");
    CHECK(route("/fhir/Observation/x/_history/1/2", &rt) != 0, "too deep");
    CHECK(route("/fhir/Observation/x/_historyx", &rt) != 0, "an unknown operation");
    CHECK(route("/other/Observation", &rt) != 0, "another base");
    CHECK(route("/fhir/Observation/"
                "0123456789012345678901234567890123456789012345678901234567890123456789", &rt) != 0,
          "an id over 64");
    CHECK(route("/fhir/Observation", &rt) == 0 && ck_api_dispatch("GET", &rt, &allowed) == ck_api_search, "GET search");
    CHECK(ck_api_dispatch("POST", &rt, &allowed) == ck_api_create, "POST create");
    CHECK(!ck_api_dispatch("DELETE", &rt, &allowed) && allowed, "DELETE: 405");
    CHECK(route("/fhir/Observation/x", &rt) == 0 && ck_api_dispatch("PUT", &rt, &allowed) == ck_api_update, "PUT");
    CHECK(!ck_api_dispatch("POST", &rt, &allowed) && allowed, "POST on an instance: 405");
    CHECK(route("/fhir/metadata", &rt) == 0 && !ck_api_dispatch("PUT", &rt, &allowed) && allowed, "PUT metadata: 405");
    {
        char allow[64];
        ck_api_allow(&rt, allow, sizeof allow);
        CHECK(!strcmp(allow, "GET"), "Allow of metadata: GET (%s)", allow);
        CHECK(route("/fhir/Observation/x", &rt) == 0, "instance");
        ck_api_allow(&rt, allow, sizeof allow);
        CHECK(!strcmp(allow, "GET, PUT"), "Allow of an instance: GET, PUT (%s)", allow);
    }
}

static const char *issue_code(const json_t *oo)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(oo, "issue"), 0), "code"));
}

static void test_outcome(void)
{
    ck_api a;
    ck_api_req r;
    ck_fhir_api_error e;
    json_t *res;
    memset(&a, 0, sizeof a);
    memset(&r, 0, sizeof r);
    snprintf(a.base, sizeof a.base, "http://127.0.0.1:1/fhir");
    r.api = &a;
    CHECK(ck_api_fail(&r, 404, "not-found", "no such resource", NULL) == -1 && r.status == 404, "fail: status");
    CHECK(!strcmp(json_string_value(json_object_get(r.reply, "resourceType")), "OperationOutcome") &&
              !strcmp(issue_code(r.reply), "not-found"),
          "fail: an OperationOutcome");
    memset(&e, 0, sizeof e);
    e.code = CK_FHIR_API_E_NOT_SUPPORTED;
    snprintf(e.expr, sizeof e.expr, "_include");
    CHECK(ck_api_fail_fhir(&r, &e) == -1 && r.status == 400 && !strcmp(issue_code(r.reply), "not-supported"),
          "a query error: 400 not-supported");
    e.code = CK_FHIR_API_E_TOO_LONG;
    CHECK(ck_api_fail_fhir(&r, &e) == -1 && r.status == 400 && !strcmp(issue_code(r.reply), "too-long"), "too-long");
    CHECK(ck_api_ok(&r, 200, NULL) == -1 && r.status == 500, "ok without a body: 500");
    res = json_pack("{s:s,s:s,s:{s:s}}", "resourceType", "Observation", "id", "o1", "meta", "versionId", "17");
    ck_api_version_headers(&r, res);
    CHECK(!strcmp(r.etag, "W/\"17\""), "ETag from meta.versionId");
    CHECK(!strcmp(r.location, "http://127.0.0.1:1/fhir/Observation/o1/_history/17"), "Location");
    CHECK(ck_api_ok(&r, 201, res) == 0 && r.status == 201 && r.reply == res, "ok");
    json_decref(r.reply);
}

int main(void)
{
    test_media();
    test_host();
    test_bearer();
    test_route();
    test_outcome();
    TEST_MAIN_END();
}
