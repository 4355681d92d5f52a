/*
 * src/api/media.c - the media types the API speaks (R4 3.1.0.1.10): JSON
 * only. An Accept header that admits no JSON gets 406 and a body of
 * another type 415, rather than JSON the client did not ask for or a
 * parse error about XML. Pure, on header values.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "api/api_impl.h"

/* One media type (s, n bytes; parameters already cut off) that is JSON
 * as FHIR clients write it, or (wild) a wildcard that admits it. */
static int json_media(const char *s, size_t n, int wild)
{
    static const char *const json[] = {"application/fhir+json", "application/json", "application/json+fhir"};
    static const char *const any[] = {"*/*", "application/*"};
    for (size_t i = 0; i < sizeof json / sizeof *json; i++)
        if (n == strlen(json[i]) && strncasecmp(s, json[i], n) == 0) return 1;
    for (size_t i = 0; wild && i < sizeof any / sizeof *any; i++)
        if (n == strlen(any[i]) && strncasecmp(s, any[i], n) == 0) return 1;
    return 0;
}

/* s .. e without the spaces and tabs around it. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t')) (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t')) (*e)--;
}

/* 1 when the parameters (after the type, ";"-separated) say q=0. */
static int q_zero(const char *p, const char *e)
{
    while (p < e) {
        const char *semi = memchr(p, ';', (size_t)(e - p)), *pe = semi ? semi : e, *s = p;
        trim(&s, &pe);
        if (pe - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
            s += 2;
            while (s < pe && (*s == '0' || *s == '.')) s++;
            return s == pe; /* "0", "0.0", "0.000" */
        }
        p = semi ? semi + 1 : e;
    }
    return 0;
}

int ck_api_accept_json(const char *accept)
{
    const char *p = accept, *end;
    if (!accept) return 1;
    end = accept + strlen(accept);
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p)), *re = comma ? comma : end, *semi, *te, *s = p;
        semi = memchr(s, ';', (size_t)(re - s));
        te = semi ? semi : re;
        trim(&s, &te);
        if (json_media(s, (size_t)(te - s), 1) && !(semi && q_zero(semi + 1, re))) return 1;
        if (!comma) break;
        p = comma + 1;
    }
    /* an empty header (nothing but spaces and commas) asks for nothing in particular */
    for (p = accept; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != ',') return 0;
    return 1;
}

int ck_api_content_json(const char *ct)
{
    const char *semi, *e, *s = ct;
    if (!ct) return 1;
    semi = strchr(ct, ';');
    e = semi ? semi : ct + strlen(ct);
    trim(&s, &e);
    return json_media(s, (size_t)(e - s), 0);
}
