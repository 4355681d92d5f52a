/*
 * Fuzz the request parsers of the node's FHIR API (src/api): the route
 * parser (a path: accepted routes have a valid type, id and version, and
 * parse again the same way from their canonical form), the Host check,
 * the bearer check, and the Accept and Content-Type checks. The first byte
 * picks the parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_impl.h"
#include "fuzz.h"

#define TOKEN "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void route(const char *p, size_t n)
{
    ck_api_route rt, again;
    char canon[300];
    int allowed;
    if (ck_api_route_parse(p, n, &rt) != 0) return;
    FUZZ_ASSERT(rt.kind < CK_API_R_COUNT_, "kind");
    (void)ck_api_dispatch("GET", &rt, &allowed);
    FUZZ_ASSERT(allowed, "every route has a method");
    switch (rt.kind) {
    case CK_API_R_METADATA: snprintf(canon, sizeof canon, "/fhir/metadata"); break;
    case CK_API_R_SYSTEM: snprintf(canon, sizeof canon, "/fhir"); break;
    case CK_API_R_TYPE: snprintf(canon, sizeof canon, "/fhir/%s", rt.type); break;
    case CK_API_R_INSTANCE: snprintf(canon, sizeof canon, "/fhir/%s/%s", rt.type, rt.id); break;
    case CK_API_R_HISTORY: snprintf(canon, sizeof canon, "/fhir/%s/%s/_history", rt.type, rt.id); break;
    case CK_API_R_VREAD:
        FUZZ_ASSERT(rt.vid > 0, "version");
        snprintf(canon, sizeof canon, "/fhir/%s/%s/_history/%llu", rt.type, rt.id, (unsigned long long)rt.vid);
        break;
    default: snprintf(canon, sizeof canon, "/fhir/%s/%s/$everything", rt.type, rt.id); break;
    }
    FUZZ_ASSERT(ck_api_route_parse(canon, strlen(canon), &again) == 0, "canonical form parses");
    FUZZ_ASSERT(again.kind == rt.kind && !strcmp(again.type, rt.type) && !strcmp(again.id, rt.id) &&
                    again.vid == rt.vid,
                "same route");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    if (size < 1) return 0;
    if (!(s = malloc(size))) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    switch (data[0] % 5) {
    case 0: route(s, size - 1); break; /* the path may hold NULs: its length is given */
    case 1:
        if (ck_api_host_ok(s, 8765))
            FUZZ_ASSERT(!strcmp(s, "127.0.0.1:8765") || !strcmp(s, "[::1]:8765") || strlen(s) == 14, "host");
        break;
    case 3:
    case 4:
        /* a JSON Content-Type is also an Accept that admits JSON, unless
         * it carries a q parameter or a list */
        if (ck_api_content_json(s) && !strchr(s, ',') && !strstr(s, "q=") && !strstr(s, "Q="))
            FUZZ_ASSERT(ck_api_accept_json(s), "a JSON type is accepted");
        (void)ck_api_accept_json(s);
        break;
    default:
        if (ck_api_bearer_ok(s, TOKEN)) FUZZ_ASSERT(strlen(s) == 7 + 64 && !strcmp(s + 7, TOKEN), "bearer");
        break;
    }
    free(s);
    return 0;
}
