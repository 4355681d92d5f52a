/*
 * Fuzz the signed epoch table parser (carekey/directory.h): any input is
 * either refused with a message or parsed into a table whose labels are
 * valid, sorted and unique, whose canonical JSON parses back to the same
 * table, and whose signature never verifies under a fixed key nobody holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/directory.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_dir_epochs t, u;
    char err[CK_DIR_ERR_CAP], *js;
    uint8_t pk[32];
    uint32_t e;

    if (ck_dir_epochs_parse(&t, "hosp-a", (const char *)data, size, err) != 0) {
        FUZZ_ASSERT(err[0] != 0, "a refusal says why");
        return 0;
    }
    for (size_t i = 0; i < t.n; i++) {
        FUZZ_ASSERT(ck_dir_label_valid(t.labels[i].label, "hosp-a"), "label valid");
        FUZZ_ASSERT(i == 0 || strcmp(t.labels[i - 1].label, t.labels[i].label) < 0, "sorted, unique");
        FUZZ_ASSERT(ck_dir_epochs_get(&t, t.labels[i].label, &e) == 0 && e == t.labels[i].epoch, "lookup");
    }
    js = ck_dir_epochs_json(&t);
    FUZZ_ASSERT(js != NULL, "json");
    FUZZ_ASSERT(ck_dir_epochs_parse(&u, "hosp-a", js, strlen(js), err) == 0, "canonical form parses");
    FUZZ_ASSERT(u.n == t.n && u.version == t.version && u.time_ms == t.time_ms &&
                    memcmp(u.signature, t.signature, 64) == 0 &&
                    (t.n == 0 || memcmp(u.labels, t.labels, t.n * sizeof *t.labels) == 0),
                "round trip");
    memset(pk, 0x5a, sizeof pk);
    FUZZ_ASSERT(ck_dir_epochs_verify(&t, pk) != 0, "no table verifies under a key nobody holds");
    free(js);
    ck_dir_epochs_free(&u);
    ck_dir_epochs_free(&t);
    return 0;
}
