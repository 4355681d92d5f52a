/*
 * fuzz/fuzz_ui_rx_forms.c - the form bodies of the prescription,
 * dispensing and break-glass pages (src/ui/rx_forms.c). The first byte
 * picks the form; an accepted body must hold what the form promises
 * (names that are GIDs, numbers in range, a reason, an http(s) desk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ui/rx_forms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *b = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;
    if (size < 1) return 0;
    if (data[0] == 'w') {
        ck_ui_rx_form f;
        if (ck_ui_rx_form_parse(b, n, &f) != 0) return 0;
        FUZZ_ASSERT(ck_ui_gid_ok(f.patient) && f.rxnorm[0] && strspn(f.rxnorm, "0123456789") == strlen(f.rxnorm),
                    "a patient GID and a numeric RxNorm code");
        FUZZ_ASSERT(f.quantity >= 1 && f.quantity <= 100000 && f.refills <= 99, "quantity and refills in range");
        FUZZ_ASSERT(!f.has_override || f.override_reason[0], "an override has a reason");
    } else if (data[0] == 'd') {
        ck_ui_dispense_form f;
        if (ck_ui_dispense_form_parse(b, n, &f) != 0) return 0;
        FUZZ_ASSERT(ck_ui_gid_ok(f.patient) && f.id[0] && !strchr(f.id, '/') && f.quantity >= 1, "a dispense form");
    } else if (data[0] == 'b') {
        ck_ui_btg_form f;
        if (ck_ui_btg_form_parse(b, n, &f) != 0) return 0;
        FUZZ_ASSERT(ck_ui_gid_ok(f.patient) && f.reason[0] && strlen(f.reason) <= 512, "a patient and a reason");
        FUZZ_ASSERT(f.minutes >= 1 && f.minutes <= 1440, "a window in range");
        FUZZ_ASSERT(!strncmp(f.desk, "http://", 7) || !strncmp(f.desk, "https://", 8), "an http(s) desk");
        FUZZ_ASSERT(!strpbrk(f.desk, " \"'\\#<>"), "no quote, space or fragment in the desk");
    }
    return 0;
}
