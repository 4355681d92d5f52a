/*
 * src/client/cli_care_cache.h - the decrypted items of a record this
 * person has already opened, kept encrypted in her home (cli_care_cache.c
 * says how and why it is safe). Used by cli_care_book_load only.
 */
#ifndef CK_CLI_CARE_CACHE_H
#define CK_CLI_CARE_CACHE_H

#include <jansson.h>
#include <limits.h>

#include "client/cli_ctx.h"

typedef struct cli_care_cache {
    int enabled, dirty;
    char record[CK_NET_ID_MAX + 1];
    char path[PATH_MAX];
    uint8_t key[32];        /* secret */
    json_t *entries;        /* "seq" -> {"hash", "items"} */
} cli_care_cache;

/* Opens (or starts) the cache of record for the keyring's identity; turns
 * itself off on any problem: a cache is never needed. */
void cli_care_cache_open(cli_care_cache *cc, cli_ctx *c, const char *record);
/* The cached items of entry seq if its hash matches (borrowed), else NULL. */
json_t *cli_care_cache_get(cli_care_cache *cc, uint64_t seq, const uint8_t hash[32]);
void cli_care_cache_put(cli_care_cache *cc, uint64_t seq, const uint8_t hash[32], json_t *items);
/* Drops what the verified chain e[0..n) no longer holds and writes the file
 * when anything changed. */
void cli_care_cache_save(cli_care_cache *cc, cli_ctx *c, const ck_net_entry *e, size_t n);
void cli_care_cache_close(cli_care_cache *cc);

#endif
