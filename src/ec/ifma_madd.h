/*
 * src/ec/ifma_madd.h - the lanes' mixed addition, written once for G1
 * (g1_ifma.c, over Fp) and G2 (g2_ifma.c, over Fp2): madd-2007-bl without
 * the doubling case, as FN(madd_) in point_impl.h, then masked blends: a
 * lane whose accumulator is the identity (bit of p_inf) takes q, a lane
 * whose q is the identity (bit of q_inf) keeps its accumulator. The
 * includer defines:
 *   FE, PT8                     a field element in lanes, a point {x, y, z}
 *   MUL(r, a, b)                a product below 1.01 p (r may alias a, b)
 *   ADD(r, a, b)                a sum, not reduced
 *   SUM(r, a, b)                a sum with 52-bit limbs: an operand of MUL
 *   SUBF(r, a, b, k)            a + k p - b reduced below 1.01 p (b < k p)
 *   FIX(a)                      a (below 2^386) reduced below 1.01 p
 *   BLEND(r, mask, a)           lane i of r from a where bit i of mask is set
 *   SET_ONE(r)                  1 in the lanes' Montgomery form
 * Every coordinate stays below 1.01 p.
 */
static void madd(PT8 *a, const FE *qx, const FE *qy, __mmask8 p_inf, __mmask8 q_inf)
{
    FE z1z1, u2, s2, h, hh, i, j, rr, v, t, x3, y3, z3, one;
    MUL(&z1z1, &a->z, &a->z);
    MUL(&u2, qx, &z1z1);
    MUL(&s2, qy, &a->z);
    MUL(&s2, &s2, &z1z1);
    SUBF(&h, &u2, &a->x, 2);
    MUL(&hh, &h, &h);
    ADD(&i, &hh, &hh);
    ADD(&i, &i, &i);
    FIX(&i);                                   /* 4 hh */
    MUL(&j, &h, &i);
    SUBF(&rr, &s2, &a->y, 2);
    ADD(&rr, &rr, &rr);
    FIX(&rr);                                  /* 2 (s2 - y) */
    MUL(&v, &a->x, &i);
    MUL(&x3, &rr, &rr);
    ADD(&t, &v, &v);
    ADD(&t, &t, &j);
    SUBF(&x3, &x3, &t, 4);                     /* rr^2 - j - 2v */
    SUBF(&t, &v, &x3, 2);
    MUL(&y3, &rr, &t);
    MUL(&t, &a->y, &j);
    ADD(&t, &t, &t);
    SUBF(&y3, &y3, &t, 3);                     /* rr (v - x3) - 2 y j */
    SUM(&t, &a->z, &h);
    MUL(&z3, &t, &t);
    ADD(&t, &z1z1, &hh);
    SUBF(&z3, &z3, &t, 3);                     /* (z + h)^2 - z1z1 - hh */
    SET_ONE(&one);
    BLEND(&x3, p_inf, qx);
    BLEND(&y3, p_inf, qy);
    BLEND(&z3, p_inf, &one);
    BLEND(&x3, q_inf, &a->x);
    BLEND(&y3, q_inf, &a->y);
    BLEND(&z3, q_inf, &a->z);
    a->x = x3;
    a->y = y3;
    a->z = z3;
}
