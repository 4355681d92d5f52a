/*
 * fuzz/fuzz_agent_proto.c - the key agent's socket protocol (src/agent/
 * proto.c). The first byte picks the decoder: even, a request (what the
 * agent reads from a peer); odd, an answer (what the CLI reads from the
 * agent). A message that decodes must encode back to the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/proto.h"
#include "fuzz.h"

static uint8_t out[CK_AGENT_MSG_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = 0;
    if (size < 1) return 0;
    if (data[0] & 1) {
        ck_agent_answer a;
        if (ck_agent_answer_decode(&a, data + 1, size - 1) != 0) return 0;
        FUZZ_ASSERT(ck_agent_answer_encode(out, sizeof out, &len, &a) == 0, "a decoded answer encodes");
    } else {
        ck_agent_req r;
        if (ck_agent_req_decode(&r, data + 1, size - 1) != 0) return 0;
        FUZZ_ASSERT(r.type != CK_AGENT_RUN || (r.argc >= 1 && r.argv[r.argc] == NULL), "argv ends in NULL");
        FUZZ_ASSERT(ck_agent_req_encode(out, sizeof out, &len, &r) == 0, "a decoded request encodes");
        ck_agent_req_clear(&r);
    }
    FUZZ_ASSERT(len == size - 1 && memcmp(out, data + 1, len) == 0, "decode then encode gives the same bytes");
    return 0;
}
