/* src/record/strbuf.c - see strbuf.h. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void ck_strbuf_add(ck_strbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *np;
        while (cap < b->len + n + 1) cap *= 2;
        if (!(np = realloc(b->p, cap))) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void ck_strbuf_str(ck_strbuf *b, const char *s)
{
    if (s) ck_strbuf_add(b, s, strlen(s));
}
