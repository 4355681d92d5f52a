/* fuzz/fuzz.h - the libFuzzer entry point every target defines. */
#ifndef CK_FUZZ_H
#define CK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message: libFuzzer and the replay runner both treat an
 * abort as a finding and keep the input. */
#define FUZZ_ASSERT(cond, msg)                                            \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "fuzz assertion failed: %s (%s:%d)\n", (msg), \
                    __FILE__, __LINE__);                                  \
            abort();                                                      \
        }                                                                 \
    } while (0)

#endif
