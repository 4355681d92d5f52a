/* bench/ec/bench_util.h - timing and the BLS signature helpers shared by
 * the curve benchmark and the demo. */
#ifndef CK_BENCH_EC_UTIL_H
#define CK_BENCH_EC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/ec.h"

/* Monotonic clock in microseconds. */
double bench_now_us(void);

/* Median over `runs` timed batches of the per-call time of fn(ctx), in
 * microseconds. The batch size is calibrated so one batch takes about
 * 2 ms, which keeps clock overhead out of sub-microsecond figures. */
double bench_median_us(void (*fn)(void *), void *ctx, int runs);

/* A ratio of two costs measured in pairs: each of `runs` rounds times one
 * batch of a and one of b, back to back (their order alternating), so the
 * pair shares the core and the moment: on a host whose cores run at
 * different speeds, two medians taken one after the other can land on
 * different cores and give a ratio that measures the placement. Returns
 * the median of the rounds' ratios a/b; *a_us and *b_us get the medians
 * of each side's per-call times. */
double bench_paired_ratio(void (*a)(void *), void *actx, void (*b)(void *), void *bctx, int runs, double *a_us,
                          double *b_us);

/* BLS "long signatures" (pk in G1, sig in G2), the Ethereum/IETF suite. */
#define BLS_DST "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
/* The proof-of-possession suite (Ethereum), which @chainsafe/blst's
 * verify() hard-codes; same length and cost as BLS_DST. */
#define BLS_DST_POP "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
/* sig = sk * H(msg), with BLS_DST (or the given tag). */
ck_err bls_sign(ck_g2 *sig, const ck_fr *sk, const uint8_t *msg, size_t len);
ck_err bls_sign_dst(ck_g2 *sig, const ck_fr *sk, const uint8_t *msg, size_t len, const char *dst);
/* e(-G1, sig) * e(pk, H(msg)) == 1, one 2-pair multi-pairing. Points are
 * already decoded and validated. Returns 1 when the signature is valid. */
int bls_verify(const ck_g1_affine *pk, const ck_g2_affine *sig, const uint8_t *msg, size_t len);

void bench_hex(char *out, const uint8_t *in, size_t n);

#endif
