/*
 * Fuzz the request files the operator takes in (carekey/node_admin.h): the
 * first byte picks the parser (even: an enrollment request, odd: an
 * authority record), the rest is the file. Any input is refused with a
 * reason (-1 not JSON, -2 not such a file) or parsed into fields that are
 * valid ids, NUL-terminated and within their buffers; a parsed authority
 * record's table is JSON again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/client.h"
#include "carekey/node_admin.h"
#include "fuzz.h"

static void enroll(const char *s, size_t n)
{
    ck_node_enroll_file f;
    char why[160] = "";
    int rc = ck_node_enroll_file_parse(s, n, &f, why);
    if (rc != 0) {
        FUZZ_ASSERT(rc == -1 || rc == -2, "refusal kind");
        FUZZ_ASSERT(why[0] != 0, "a refusal says why");
        return;
    }
    FUZZ_ASSERT(ck_net_id_valid(f.gid), "gid valid");
    FUZZ_ASSERT(memchr(f.role, 0, sizeof f.role) && memchr(f.display_name, 0, sizeof f.display_name), "terminated");
}

static void authority(const char *s, size_t n)
{
    ck_node_authority_file f;
    char why[160] = "";
    int rc = ck_node_authority_file_parse(s, n, &f, why);
    if (rc != 0) {
        FUZZ_ASSERT(rc == -1 || rc == -2, "refusal kind");
        FUZZ_ASSERT(why[0] != 0, "a refusal says why");
        FUZZ_ASSERT(!f.abe_pk && !f.table, "nothing kept after a refusal");
        return;
    }
    FUZZ_ASSERT(ck_net_id_valid(f.name) && ck_net_id_valid(f.organization), "ids valid");
    FUZZ_ASSERT(f.abe_pk != NULL || f.abe_pk_len == 0, "key bytes");
    if (f.table) {
        json_t *t = json_loads(f.table, 0, NULL);
        FUZZ_ASSERT(json_is_object(t), "the table is a JSON object");
        json_decref(t);
    }
    ck_node_authority_file_clear(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (data[0] & 1) authority((const char *)data + 1, size - 1);
    else enroll((const char *)data + 1, size - 1);
    return 0;
}
