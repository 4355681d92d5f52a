/*
 * src/api/guard.c - who may talk to the API: a Host header naming this
 * server on the loopback (a page of another origin that resolves its own
 * name to 127.0.0.1 - DNS rebinding - sends its own name and gets 421),
 * and the node's bearer token, compared in constant time. No CORS header
 * is ever sent, so a browser page of another origin cannot read replies.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "api/api_impl.h"

/* "NAME:PORT" with NAME one of ours (case-insensitive) and PORT exactly port. */
int ck_api_host_ok(const char *host, unsigned port)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    char want[32];
    size_t hl;
    if (!host || port == 0 || port > 65535) return 0;
    hl = strlen(host);
    snprintf(want, sizeof want, ":%u", port);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t nl = strlen(names[i]), pl = strlen(want);
        if (hl == nl + pl && strncasecmp(host, names[i], nl) == 0 && memcmp(host + nl, want, pl) == 0) return 1;
    }
    return 0;
}

int ck_api_bearer_ok(const char *auth, const char *token)
{
    size_t tl;
    int same;
    if (!auth || !token || strncasecmp(auth, "Bearer ", 7) != 0) return 0;
    auth += 7;
    tl = strlen(token);
    /* the length is no secret (always 64); the bytes are compared in constant time */
    if (strlen(auth) != tl || tl == 0) return 0;
    same = CRYPTO_memcmp(auth, token, tl) == 0;
    return same;
}
