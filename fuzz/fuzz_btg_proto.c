/*
 * fuzz/fuzz_btg_proto.c - the break-glass protocol (src/node/emergency/):
 * the first byte picks the decoder. 'q': a signed request (what the desk
 * reads from anyone); a request that decodes must encode and decode again
 * to the same fields. 'g': the desk's grant (what the physician reads and
 * keeps). 'p': a decrypted payload turned into FHIR sections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "node/emergency/emergency_impl.h"

static void request(const uint8_t *data, size_t size)
{
    ck_node_btg_request r, again;
    ck_node_error e;
    char *text;
    if (ck_node_btg_request_parse((const char *)data, size, &r, &e) != 0) {
        FUZZ_ASSERT(e.kind == CK_NODE_E_INVALID && e.key[0] && e.msg[0], "a refusal has a kind, key and message");
        return;
    }
    FUZZ_ASSERT(r.reason[0] && r.gid[0] && r.patient[0], "a request has a reason, a physician and a patient");
    text = ck_node_btg_request_encode(&r);
    FUZZ_ASSERT(text != NULL, "a decoded request encodes");
    FUZZ_ASSERT(ck_node_btg_request_parse(text, strlen(text), &again, &e) == 0, "an encoded request decodes");
    FUZZ_ASSERT(memcmp(&r, &again, sizeof r) == 0, "decode, encode, decode gives the same request");
    free(text);
}

static void grant(const uint8_t *data, size_t size)
{
    ck_node_btg_grant g;
    ck_node_error e;
    if (ck_node_btg_grant_parse((const char *)data, size, &g, &e) != 0) {
        FUZZ_ASSERT(g.box == NULL, "a refused grant holds nothing");
        return;
    }
    FUZZ_ASSERT(g.expires_ms >= g.issued_ms && g.desk[0] && g.patient[0], "a grant's window and names");
    ck_node_btg_grant_free(&g);
}

static void payload(const uint8_t *data, size_t size)
{
    ck_fhir_sections s;
    memset(&s, 0, sizeof s);
    (void)ck_node_btg_add_payload(&s, data, size);
    ck_fhir_sections_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    switch (data[0]) {
    case 'q': request(data + 1, size - 1); break;
    case 'g': grant(data + 1, size - 1); break;
    case 'p': payload(data + 1, size - 1); break;
    default: break;
    }
    return 0;
}
