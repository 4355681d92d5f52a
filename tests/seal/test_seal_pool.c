/*
 * tests/seal/test_seal_pool.c - ck_seal_open_many: on 1, 2, 3 and "all"
 * threads, every job's result and plaintexts equal those of ck_seal_open
 * called in a loop, including jobs that fail (unsatisfied policy, other
 * associated data, a modified payload), with a cold key each time (the
 * pool builds its line caches first). Also the argument checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_util.h"
#include "carekey/seal.h"
#include "harness.h"

#define N_ENV 14
#define MAX_PL 3

static const char *const POLICIES[] = {
    "doctor@hosp-a",
    "doctor@hosp-a and md@board",
    "2 of (doctor@hosp-a, md@board, er@hosp-b)",
    "nurse@hosp-b",                                   /* not held */
    "doctor@hosp-a or nurse@hosp-b",
    "md@board and (er@hosp-b or doctor@hosp-a)",
    "er@hosp-b and md@board",                         /* not held */
};
#define N_POL (sizeof POLICIES / sizeof POLICIES[0])

typedef struct {
    uint8_t *env_bytes;
    size_t env_len;
    ck_seal_env *env;
    size_t n;
    uint8_t ad[16];
    size_t ad_len;
} sealed;

static sealed S[N_ENV];

static void make_envelopes(void)
{
    for (int i = 0; i < N_ENV; i++) {
        ck_seal_policy pol = {POLICIES[i % N_POL], au_pks, AU_N_AUTH, NULL, NULL};
        ck_seal_input in[MAX_PL];
        uint8_t data[MAX_PL][40];
        sealed *s = &S[i];
        s->n = 1 + (size_t)i % MAX_PL;
        for (size_t j = 0; j < s->n; j++) {
            memset(data[j], 'a' + i, sizeof data[j]);
            data[j][0] = (uint8_t)j;
            in[j].data = data[j];
            in[j].len = 10 + 10 * j;
        }
        s->ad_len = (size_t)snprintf((char *)s->ad, sizeof s->ad, "rec-%d", i);
        if (ck_seal(&s->env_bytes, &s->env_len, &pol, in, s->n, s->ad, s->ad_len, NULL) != CK_SEAL_OK) {
            fprintf(stderr, "setup: seal %d failed\n", i);
            exit(1);
        }
        if (i == 9) s->env_bytes[s->env_len - 20] ^= 1;  /* a payload byte: fails at open */
        if (ck_seal_decode(&s->env, s->env_bytes, s->env_len) != CK_SEAL_OK) {
            fprintf(stderr, "setup: decode %d failed\n", i);
            exit(1);
        }
    }
    S[5].ad[0] ^= 1;                                       /* other associated data */
}

static uint8_t **alloc_out(size_t n)
{
    uint8_t **out = calloc(n, sizeof(*out));
    for (size_t j = 0; j < n; j++) {
        out[j] = malloc(64);
        memset(out[j], 0x5a, 64);
    }
    return out;
}

static void free_out(uint8_t **out, size_t n)
{
    for (size_t j = 0; j < n; j++) free(out[j]);
    free(out);
}

static void cold_key(ck_abe_user_key *key, const ck_abe_user_key *from)
{
    if (ck_abe_user_key_init(key, from->gid) != CK_ABE_OK || ck_abe_user_key_merge(key, from) != CK_ABE_OK) {
        fprintf(stderr, "setup: key copy failed\n");
        exit(1);
    }
}

int main(void)
{
    static const char *const attrs[] = {"doctor@hosp-a", "md@board", NULL};
    static const unsigned threads[] = {1, 2, 3, 0};
    ck_abe_user_key master, key;
    ck_seal_err want[N_ENV];
    uint8_t **want_out[N_ENV];
    int ok = 0, failed = 0;

    au_setup();
    au_key(&master, "pool-user", attrs);
    make_envelopes();
    for (int i = 0; i < N_ENV; i++) {              /* the serial reference */
        cold_key(&key, &master);
        want_out[i] = alloc_out(S[i].n);
        want[i] = ck_seal_open(S[i].env, &key, S[i].ad, S[i].ad_len, want_out[i]);
        ok += want[i] == CK_SEAL_OK;
        failed += want[i] != CK_SEAL_OK;
        ck_abe_user_key_free(&key);
    }
    CHECK(ok >= 8 && failed >= 4, "the reference has successes (%d) and failures (%d)", ok, failed);
    CHECK(want[5] == CK_SEAL_ERR_AUTH && want[9] == CK_SEAL_ERR_AUTH && want[3] == CK_SEAL_ERR_UNSATISFIED,
          "the reference fails where expected");

    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        ck_seal_open_job jobs[N_ENV];
        uint8_t **out[N_ENV];
        cold_key(&key, &master);
        for (int i = 0; i < N_ENV; i++) {
            out[i] = alloc_out(S[i].n);
            jobs[i] = (ck_seal_open_job){.env = S[i].env, .ad = S[i].ad, .ad_len = S[i].ad_len, .out = out[i], .rc = CK_SEAL_ERR_PARAM};
        }
        CHECK(ck_seal_open_many(jobs, N_ENV, &key, threads[t]) == CK_SEAL_OK, "open_many on %u threads", threads[t]);
        for (int i = 0; i < N_ENV; i++) {
            CHECK(jobs[i].rc == want[i], "%u threads, job %d: %s (serial: %s)", threads[t], i,
                  ck_seal_strerror(jobs[i].rc), ck_seal_strerror(want[i]));
            for (size_t j = 0; j < S[i].n; j++)
                CHECK(memcmp(out[i][j], want_out[i][j], 64) == 0, "%u threads, job %d payload %zu", threads[t], i, j);
            free_out(out[i], S[i].n);
        }
        ck_abe_user_key_free(&key);
    }
    {
        ck_seal_open_job one = {.env = S[0].env, .ad = S[0].ad, .ad_len = S[0].ad_len, .out = NULL, .rc = CK_SEAL_OK};
        cold_key(&key, &master);
        CHECK(ck_seal_open_many(NULL, 1, &key, 2) == CK_SEAL_ERR_PARAM, "NULL jobs");
        CHECK(ck_seal_open_many(&one, 1, NULL, 2) == CK_SEAL_ERR_PARAM, "NULL key");
        CHECK(ck_seal_open_many(&one, 0, &key, 2) == CK_SEAL_OK, "no jobs");
        CHECK(ck_seal_open_many(&one, 1, &key, 2) == CK_SEAL_OK && one.rc == CK_SEAL_ERR_PARAM,
              "a job without outputs fails alone with PARAM");
        ck_abe_user_key_free(&key);
    }
    {
        /* encoded envelopes, decoded by the workers: one-payload ones open
         * as the serial path does; more payloads, or a cut encoding, fail
         * with nothing handed over */
        ck_seal_open_job jobs[N_ENV + 1];
        cold_key(&key, &master);
        for (int i = 0; i < N_ENV; i++)
            jobs[i] = (ck_seal_open_job){.ad = S[i].ad, .ad_len = S[i].ad_len, .enc = S[i].env_bytes,
                                         .enc_len = S[i].env_len, .rc = CK_SEAL_ERR_PARAM};
        jobs[N_ENV] = (ck_seal_open_job){.ad = S[0].ad, .ad_len = S[0].ad_len, .enc = S[0].env_bytes,
                                         .enc_len = S[0].env_len - 1, .rc = CK_SEAL_OK};
        CHECK(ck_seal_open_many(jobs, N_ENV + 1, &key, 2) == CK_SEAL_OK, "open_many, encoded");
        for (int i = 0; i < N_ENV; i++) {
            if (S[i].n == 1)
                CHECK(jobs[i].rc == want[i] && (jobs[i].rc != CK_SEAL_OK || (jobs[i].owned_len == 10 &&
                                                memcmp(jobs[i].owned, want_out[i][0], 10) == 0)),
                      "encoded job %d: %s (serial: %s)", i, ck_seal_strerror(jobs[i].rc), ck_seal_strerror(want[i]));
            else
                CHECK(jobs[i].rc == CK_SEAL_ERR_FORMAT && !jobs[i].owned, "encoded job %d: %zu payloads refused", i,
                      S[i].n);
            if (jobs[i].owned) ck_wipe(jobs[i].owned, jobs[i].owned_len);
            free(jobs[i].owned);
        }
        CHECK(jobs[N_ENV].rc != CK_SEAL_OK && !jobs[N_ENV].owned, "a cut encoding fails alone: %s",
              ck_seal_strerror(jobs[N_ENV].rc));
        ck_abe_user_key_free(&key);
    }
    for (int i = 0; i < N_ENV; i++) {
        free_out(want_out[i], S[i].n);
        ck_seal_env_free(S[i].env);
        ck_seal_free(S[i].env_bytes);
    }
    ck_abe_user_key_free(&master);
    au_teardown();
    TEST_MAIN_END();
}
