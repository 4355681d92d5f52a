/*
 * src/record/strbuf.h - a growable NUL-terminated string for the text the
 * record layer builds (reports, policies). Out of memory is sticky: the
 * builder keeps going and the caller checks oom once at the end.
 */
#ifndef CK_RECORD_STRBUF_H
#define CK_RECORD_STRBUF_H

#include <stddef.h>

typedef struct ck_strbuf {
    char *p;
    size_t len, cap;
    int oom;
} ck_strbuf;

void ck_strbuf_add(ck_strbuf *b, const char *s, size_t n);
void ck_strbuf_str(ck_strbuf *b, const char *s);   /* NULL adds nothing */

#endif
