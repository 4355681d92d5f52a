/*
 * Fuzz the client's reading of a session handshake answer (src/net/
 * client_session.c, ck_net_session_reply) and of a refusal
 * (ck_net_session_gone): whatever a hostile server sends, an accepted id
 * is 32 lower-case hex digits (it goes into a header line), the lifetime
 * is 1 s to a day, and nothing crashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net/client_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char sid[CK_NET_SESSION_ID_HEX + 1];
    uint8_t pk[32];
    long ttl = 0;
    json_t *j = json_loadb((const char *)data, size, 0, NULL);
    (void)ck_net_session_gone(401, (const char *)data, size);
    if (j != NULL && ck_net_session_reply(j, sid, pk, &ttl) == 0) {
        FUZZ_ASSERT(strlen(sid) == CK_NET_SESSION_ID_HEX, "id length");
        for (size_t i = 0; i < CK_NET_SESSION_ID_HEX; i++)
            FUZZ_ASSERT((sid[i] >= '0' && sid[i] <= '9') || (sid[i] >= 'a' && sid[i] <= 'f'), "id is lower hex");
        FUZZ_ASSERT(ttl >= 1 && ttl <= 86400, "lifetime bounded");
    }
    json_decref(j);
    return 0;
}
