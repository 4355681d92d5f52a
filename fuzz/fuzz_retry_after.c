/*
 * Fuzz the Retry-After parser of the carekeyd client (src/net/
 * client_retry.c, ck_net_retry_after_parse): any bytes are refused or give
 * 0..3600 s, and only bytes of the form [ \t]*DIGITS[ \t\r\n]* are taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net/client_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *v = (const char *)data;
    long ms = -1;
    size_t i = 0, d = 0;
    int shape;
    while (i < size && (v[i] == ' ' || v[i] == '\t')) i++;
    for (; i < size && v[i] >= '0' && v[i] <= '9'; i++) d++;
    while (i < size && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')) i++;
    shape = d > 0 && i == size;
    if (ck_net_retry_after_parse(v, size, &ms) == 0) {
        FUZZ_ASSERT(shape, "accepted only delta seconds");
        FUZZ_ASSERT(ms >= 0 && ms <= 3600000 && ms % 1000 == 0, "bounded whole seconds");
    } else {
        FUZZ_ASSERT(!shape, "refused delta seconds");
    }
    return 0;
}
