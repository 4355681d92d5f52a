/*
 * src/net/wbuf.h - the length-prefixed binary writer behind every signing
 * input and hash of the wire formats (wire.c, directory.c): u32 and u64
 * big-endian, str(x) = u32 length || bytes. Writing past cap sets overflow
 * and writes nothing more.
 */
#ifndef CK_NET_WBUF_H
#define CK_NET_WBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint8_t *p;
    size_t cap, len;
    int overflow;
} ck_wbuf;

static inline void ck_wbuf_put(ck_wbuf *b, const void *src, size_t n)
{
    if (b->overflow || b->cap - b->len < n) {
        b->overflow = 1;
        return;
    }
    if (n) memcpy(b->p + b->len, src, n);
    b->len += n;
}

static inline void ck_wbuf_u32(ck_wbuf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    ck_wbuf_put(b, x, 4);
}

static inline void ck_wbuf_u64(ck_wbuf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++) x[i] = (uint8_t)(v >> (56 - 8 * i));
    ck_wbuf_put(b, x, 8);
}

static inline void ck_wbuf_str(ck_wbuf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    ck_wbuf_u32(b, (uint32_t)n);
    ck_wbuf_put(b, s, n);
}

#endif
