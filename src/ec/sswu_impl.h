/*
 * src/ec/sswu_impl.h - RFC 9380 simplified SWU map onto the isogenous curve
 * E': y^2 = x^3 + A x + B, followed by the isogeny to E, written once for G1
 * (11-isogeny over Fp) and G2 (3-isogeny over Fp2). Constant time: one
 * exponentiation tells whether gx1 is a square and, since g(x2) = Z^3 u^6
 * g(x1) for x2 = Z u^2 x1, also gives a root of gx2 when it is not
 * (RFC 9380's sqrt_ratio idea); the choice is a mask.
 *
 * Needs PT, FE, FN(name), FE_* operations, FE_SGN0, FE_ONE, SQRT_EITHER
 * (y = a root of gx1 or, when gx1 is not a square, of gx2 = Z^3 u^6 gx1;
 * returns the mask "gx1 is a square"), SSWU_A, SSWU_B, SSWU_Z, SSWU_MINUS_B_OVER_A,
 * SSWU_B_OVER_ZA, and the isogeny tables ISO_XNUM/XDEN/YNUM/YDEN with their
 * lengths ISO_NX, ISO_DX, ISO_NY, ISO_DY.
 */

/* Horner: c[0] + c[1] x + ... + c[n-1] x^(n-1) */
static void FN(poly_eval_)(FE *r, const FE *c, size_t n, const FE *x)
{
    FE acc = c[n - 1];
    for (size_t i = n - 1; i-- > 0;) {
        FE_MUL(&acc, &acc, x);
        FE_ADD(&acc, &acc, &c[i]);
    }
    *r = acc;
}

static void FN(sswu_)(FE *x, FE *y, const FE *u)
{
    FE tv1, tv2, x1, x2, gx1, gx2, t;
    FE_SQR(&tv1, u);
    FE_MUL(&tv1, &tv1, &SSWU_Z);               /* Z u^2 */
    FE_SQR(&tv2, &tv1);
    FE_ADD(&tv2, &tv2, &tv1);                  /* Z^2 u^4 + Z u^2 */
    FE_INV(&tv2, &tv2);
    limb_t exceptional = ck_mask_from_bit((limb_t)FE_IS_ZERO(&tv2));
    FE_ADD(&x1, &tv2, &FE_ONE);
    FE_MUL(&x1, &x1, &SSWU_MINUS_B_OVER_A);
    CK_SELECT(&x1, &SSWU_B_OVER_ZA, &x1, exceptional);
    FE_SQR(&gx1, &x1);                         /* gx1 = x1^3 + A x1 + B */
    FE_ADD(&gx1, &gx1, &SSWU_A);
    FE_MUL(&gx1, &gx1, &x1);
    FE_ADD(&gx1, &gx1, &SSWU_B);
    FE_MUL(&x2, &tv1, &x1);
    FE_SQR(&gx2, &x2);
    FE_ADD(&gx2, &gx2, &SSWU_A);
    FE_MUL(&gx2, &gx2, &x2);
    FE_ADD(&gx2, &gx2, &SSWU_B);
    limb_t first = SQRT_EITHER(y, &gx1, &gx2, u);
    CK_SELECT(x, &x1, &x2, first);
    FE_NEG(&t, y);
    CK_SELECT(y, &t, y, ck_mask_from_bit((limb_t)(FE_SGN0(u) ^ FE_SGN0(y))));
}

/* Isogeny to E, straight into Jacobian coordinates (no inversion):
 * Z = xd yd, X = xn xd yd^2, Y = y yn xd^3 yd^2. A zero denominator gives Z = 0,
 * the identity, as the RFC requires. */
void FN(map_to_curve_raw)(PT *r, const FE *u)
{
    FE x, y, xn, xd, yn, yd, t;
    FN(sswu_)(&x, &y, u);
    FN(poly_eval_)(&xn, ISO_XNUM, ISO_NX, &x);
    FN(poly_eval_)(&xd, ISO_XDEN, ISO_DX, &x);
    FN(poly_eval_)(&yn, ISO_YNUM, ISO_NY, &x);
    FN(poly_eval_)(&yd, ISO_YDEN, ISO_DY, &x);
    FE_MUL(&r->z, &xd, &yd);
    FE_SQR(&t, &yd);
    FE_MUL(&r->x, &xn, &xd);
    FE_MUL(&r->x, &r->x, &t);
    FE_MUL(&r->y, &y, &yn);
    FE_MUL(&r->y, &r->y, &t);
    FE_SQR(&t, &xd);
    FE_MUL(&t, &t, &xd);
    FE_MUL(&r->y, &r->y, &t);
}
