/*
 * tests/abe/abe_util.h - helpers for the MA-ABE, codec and envelope tests:
 * a few authorities set up once, key issuing from attribute text (plain or
 * numeric "name@auth=value"), and a one-shot KEM round trip.
 */
#ifndef CK_TESTS_ABE_UTIL_H
#define CK_TESTS_ABE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/abe.h"

#define AU_N_AUTH 5
/* hosp-a, hosp-b, board, patient, er-desk (with precomputed tables) */
extern ck_abe_authority_sk au_sk[AU_N_AUTH];
extern ck_abe_authority_pk au_pk[AU_N_AUTH];
extern const ck_abe_authority_pk *au_pks[AU_N_AUTH];

void au_setup(void);
void au_teardown(void);
/* The secret key of the authority named in label ("x@name"). */
const ck_abe_authority_sk *au_sk_for(const char *label);

/* Issues every attribute of a NULL-terminated list to a fresh key for gid.
 * "name@auth" is one attribute; "name@auth=V" a numeric one (32 bits).
 * Aborts the test program on error (a setup failure). */
void au_key(ck_abe_user_key *key, const char *gid, const char *const *attrs);

/* Encrypts under policy with all five authorities, decrypts with key.
 * Returns the decrypt error; *same is 1 when the shared elements match.
 * With recode, the ciphertext also goes through encode/decode first.   */
ck_abe_err au_roundtrip(const char *policy, ck_abe_user_key *key, int recode, int *same);

#endif
