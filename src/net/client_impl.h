/* client_impl.h - internals shared by client.c and client_api.c. */
#ifndef CK_NET_CLIENT_IMPL_H
#define CK_NET_CLIENT_IMPL_H

#include "carekey/client.h"

#include <curl/curl.h>
#include <jansson.h>

struct ck_net {
    CURL *curl;
    char *url; /* base, no trailing slash */
    char origin[CK_NET_ORIGIN_MAX]; /* what request signatures name */
    char *ca_file;
    long timeout_ms;
    char caller[CK_NET_ID_MAX + 16];
    uint8_t sk[32];
    ck_net_signer *signer;
    int have_key;
    char purpose[32];
    long status;
    char code[64];
    char message[256];
};

void ck_net_set_error(ck_net *c, long status, const char *code, const char *message);
/* Bytes as a JSON string of lower-case hex (n <= 128) or of base64. */
json_t *ck_net_json_hex(const uint8_t *p, size_t n);
json_t *ck_net_json_b64(const uint8_t *p, size_t n);
/* Sends body (compact JSON; NULL for none), expects want_status. On success
 * *out (if not NULL) holds the parsed response object. */
int ck_net_call(ck_net *c, const char *method, const char *path, json_t *body, long want_status,
                json_t **out);

#endif
