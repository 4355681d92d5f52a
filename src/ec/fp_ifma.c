/*
 * src/ec/fp_ifma.c - eight Fp exponentiations by one public exponent at
 * once on AVX-512 IFMA (ck_fp_pow_many in fp.c): the square roots of a
 * batch of compressed points.
 *
 * This file is compiled with -mavx512f -mavx512ifma; fp.c calls it only
 * when ck_cpu_has_ifma says the CPU and the OS run those instructions.
 * The elements go into the lanes in Montgomery form with R = 2^416 and come
 * back canonical in the scalar form (ifma_lanes.h), so the results equal
 * ck_fp_pow's. The window plan (ck_pow_plan) follows the public exponent
 * only; the bases only meet products.
 */
#include "ec/ifma_lanes.h"

void ck_fp_pow_lanes(ck_fp *const out[8], const ck_fp *const in[8], const ck_pow_plan_t *plan)
{
    v8 odd[16], a2, acc;
    lane_load(&odd[0], in);
    lane_mont(&a2, &odd[0], &odd[0]);
    for (int j = 1; j < 16; j++) lane_mont(&odd[j], &odd[j - 1], &a2);
    acc = odd[0];
    for (size_t s = 0; s < plan->n; s++) {
        for (unsigned k = 0; k < plan->sq[s]; k++) lane_mont(&acc, &acc, &acc);
        if (s) lane_mont(&acc, &acc, &odd[plan->idx[s]]);
        else acc = odd[plan->idx[s]];
    }
    for (unsigned k = 0; k < plan->tail; k++) lane_mont(&acc, &acc, &acc);
    lane_store(out, &acc);
    ck_wipe_inline(odd, sizeof(odd));
    ck_wipe_inline(&a2, sizeof(a2));
    ck_wipe_inline(&acc, sizeof(acc));
}
