/*
 * Fuzz the origin parser request signatures name (ck_net_origin): any
 * input is refused, or gives "http(s)://host:port" in lower case with an
 * explicit port, which parses back to itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/wire.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1), o[CK_NET_ORIGIN_MAX], again[CK_NET_ORIGIN_MAX];
    const char *colon;
    if (url == NULL) return 0;
    memcpy(url, data, size);
    url[size] = 0; /* a C string: what callers pass */
    if (ck_net_origin(url, o, sizeof o) == 0) {
        FUZZ_ASSERT(!strncmp(o, "http://", 7) || !strncmp(o, "https://", 8), "scheme");
        colon = strrchr(o, ':');
        FUZZ_ASSERT(colon && colon[1] >= '1' && colon[1] <= '9', "explicit port");
        for (const char *p = o; *p; p++) FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z'), "lower case");
        FUZZ_ASSERT(ck_net_origin(o, again, sizeof again) == 0 && !strcmp(o, again), "idempotent");
    }
    free(url);
    return 0;
}
