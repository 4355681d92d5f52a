/*
 * src/ec/point_impl.h - group law and scalar multiplication for a short
 * Weierstrass curve y^2 = x^3 + B (a = 0) in Jacobian coordinates, written
 * once for both G1 (over Fp) and G2 (over Fp2). g1.c and g2.c include it
 * after defining:
 *   PT, AFF, FE, TABLE         the point, affine point, field and table types
 *   FN(name)                   the public name, e.g. ck_g1_##name
 *   FE_ADD FE_SUB FE_MUL FE_SQR FE_DBL FE_NEG FE_INV FE_EQ FE_IS_ZERO
 *   FE_MUL_SMALL FE_CNEG FE_ONE CURVE_B FE_MUL_B3
 * and, where the vector lanes are built, LANES LANES_START LANES_MADD
 * LANES_FINISH (the lane accumulators of FN(table_mul_many)).
 *
 * Every function without _vartime is constant time: the complete additions
 * compute the generic sum and the doubling and pick with masks.
 */

static const FE fe_zero_;

void FN(identity)(PT *r)
{
    r->x = FE_ONE;
    r->y = FE_ONE;
    r->z = fe_zero_;
}

int FN(is_identity)(const PT *a) { return FE_IS_ZERO(&a->z); }

void FN(neg)(PT *r, const PT *a)
{
    r->x = a->x;
    FE_NEG(&r->y, &a->y);
    r->z = a->z;
}

static void FN(cneg_)(PT *r, const PT *a, limb_t mask)
{
    r->x = a->x;
    FE_CNEG(&r->y, &a->y, mask);
    r->z = a->z;
}

/* dbl-2009-l: 2M + 5S; the identity maps to itself (Z3 = 2YZ = 0). */
void FN(dbl)(PT *r, const PT *p)
{
    FE a, b, c, d, e, f, t;
    FE_SQR(&a, &p->x);
    FE_SQR(&b, &p->y);
    FE_SQR(&c, &b);
    FE_ADD(&d, &p->x, &b);
    FE_SQR(&d, &d);
    FE_SUB(&d, &d, &a);
    FE_SUB(&d, &d, &c);
    FE_DBL(&d, &d);
    FE_DBL(&e, &a);
    FE_ADD(&e, &e, &a);
    FE_SQR(&f, &e);
    FE_MUL(&t, &p->y, &p->z);
    FE_DBL(&r->z, &t);
    FE_DBL(&t, &d);
    FE_SUB(&r->x, &f, &t);
    FE_SUB(&t, &d, &r->x);
    FE_MUL(&t, &e, &t);
    FE_DBL(&c, &c);
    FE_DBL(&c, &c);
    FE_DBL(&c, &c);
    FE_SUB(&r->y, &t, &c);
}

/*
 * add-2007-bl plus the exceptional cases, selected by masks:
 * P + O = P, O + Q = Q, P + P = 2P (H = 0 and R = 0), P - P = O (H = 0).
 */
void FN(add)(PT *r, const PT *p, const PT *q)
{
    FE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    PT sum, twice;
    FE_SQR(&z1z1, &p->z);
    FE_SQR(&z2z2, &q->z);
    FE_MUL(&u1, &p->x, &z2z2);
    FE_MUL(&u2, &q->x, &z1z1);
    FE_MUL(&s1, &p->y, &q->z);
    FE_MUL(&s1, &s1, &z2z2);
    FE_MUL(&s2, &q->y, &p->z);
    FE_MUL(&s2, &s2, &z1z1);
    FE_SUB(&h, &u2, &u1);
    FE_DBL(&i, &h);
    FE_SQR(&i, &i);
    FE_MUL(&j, &h, &i);
    FE_SUB(&rr, &s2, &s1);
    FE_DBL(&rr, &rr);
    FE_MUL(&v, &u1, &i);
    FE_SQR(&sum.x, &rr);
    FE_SUB(&sum.x, &sum.x, &j);
    FE_SUB(&sum.x, &sum.x, &v);
    FE_SUB(&sum.x, &sum.x, &v);
    FE_SUB(&t, &v, &sum.x);
    FE_MUL(&t, &rr, &t);
    FE_MUL(&s1, &s1, &j);
    FE_DBL(&s1, &s1);
    FE_SUB(&sum.y, &t, &s1);
    FE_ADD(&t, &p->z, &q->z);
    FE_SQR(&t, &t);
    FE_SUB(&t, &t, &z1z1);
    FE_SUB(&t, &t, &z2z2);
    FE_MUL(&sum.z, &t, &h);

    FN(dbl)(&twice, p);
    limb_t p_inf = ck_mask_from_bit((limb_t)FE_IS_ZERO(&p->z));
    limb_t q_inf = ck_mask_from_bit((limb_t)FE_IS_ZERO(&q->z));
    limb_t same = ck_mask_from_bit((limb_t)(FE_IS_ZERO(&h) & FE_IS_ZERO(&rr))) & ~p_inf & ~q_inf;
    CK_SELECT(&sum, &twice, &sum, same);
    CK_SELECT(&sum, q, &sum, p_inf);
    CK_SELECT(&sum, p, &sum, q_inf);
    *r = sum;
}

static limb_t FN(affine_is_identity_mask_)(const AFF *a)
{
    return ck_mask_from_bit((limb_t)(FE_IS_ZERO(&a->x) & FE_IS_ZERO(&a->y)));
}

/* madd-2007-bl; (0,0) is the identity. With complete (a public constant)
 * the doubling P + P and P - P are handled too; without, the caller knows
 * that P != +-Q unless one of them is the identity (fixed-base tables). */
static inline void FN(madd_)(PT *r, const PT *p, const AFF *q, int complete)
{
    FE z1z1, u2, s2, h, hh, i, j, rr, v, t;
    PT sum, twice, qj;
    FE_SQR(&z1z1, &p->z);
    FE_MUL(&u2, &q->x, &z1z1);
    FE_MUL(&s2, &q->y, &p->z);
    FE_MUL(&s2, &s2, &z1z1);
    FE_SUB(&h, &u2, &p->x);
    FE_SQR(&hh, &h);
    FE_DBL(&i, &hh);
    FE_DBL(&i, &i);
    FE_MUL(&j, &h, &i);
    FE_SUB(&rr, &s2, &p->y);
    FE_DBL(&rr, &rr);
    FE_MUL(&v, &p->x, &i);
    FE_SQR(&sum.x, &rr);
    FE_SUB(&sum.x, &sum.x, &j);
    FE_SUB(&sum.x, &sum.x, &v);
    FE_SUB(&sum.x, &sum.x, &v);
    FE_SUB(&t, &v, &sum.x);
    FE_MUL(&t, &rr, &t);
    FE_MUL(&j, &p->y, &j);
    FE_DBL(&j, &j);
    FE_SUB(&sum.y, &t, &j);
    FE_ADD(&t, &p->z, &h);
    FE_SQR(&t, &t);
    FE_SUB(&t, &t, &z1z1);
    FE_SUB(&sum.z, &t, &hh);

    qj.x = q->x;
    qj.y = q->y;
    qj.z = FE_ONE;
    limb_t p_inf = ck_mask_from_bit((limb_t)FE_IS_ZERO(&p->z));
    limb_t q_inf = FN(affine_is_identity_mask_)(q);
    if (complete) {
        limb_t same = ck_mask_from_bit((limb_t)(FE_IS_ZERO(&h) & FE_IS_ZERO(&rr))) & ~p_inf & ~q_inf;
        FN(dbl)(&twice, p);
        CK_SELECT(&sum, &twice, &sum, same);
    }
    CK_SELECT(&sum, &qj, &sum, p_inf);
    CK_SELECT(&sum, p, &sum, q_inf);
    *r = sum;
}

void FN(add_affine)(PT *r, const PT *p, const AFF *q) { FN(madd_)(r, p, q, 1); }

int FN(eq)(const PT *a, const PT *b)
{
    FE z1z1, z2z2, t1, t2, s1, s2;
    FE_SQR(&z1z1, &a->z);
    FE_SQR(&z2z2, &b->z);
    FE_MUL(&t1, &a->x, &z2z2);
    FE_MUL(&t2, &b->x, &z1z1);
    FE_MUL(&s1, &a->y, &b->z);
    FE_MUL(&s1, &s1, &z2z2);
    FE_MUL(&s2, &b->y, &a->z);
    FE_MUL(&s2, &s2, &z1z1);
    int ia = FE_IS_ZERO(&a->z), ib = FE_IS_ZERO(&b->z);
    int same = FE_EQ(&t1, &t2) & FE_EQ(&s1, &s2);
    return (ia & ib) | (((ia | ib) ^ 1) & same);
}

void FN(to_affine)(AFF *r, const PT *a)
{
    FE zi, zi2;
    FE_INV(&zi, &a->z);                /* inv(0) = 0 maps the identity to (0,0) */
    FE_SQR(&zi2, &zi);
    FE_MUL(&r->x, &a->x, &zi2);
    FE_MUL(&zi2, &zi2, &zi);
    FE_MUL(&r->y, &a->y, &zi2);
}

/* Montgomery's trick: one inversion for n points. out[i].x holds the prefix
 * products on the way up; identities (Z = 0) count as 1 and map to (0,0). */
void FN(batch_to_affine)(AFF *out, const PT *in, size_t n)
{
    FE acc = FE_ONE, inv, zi, zi2, z;
    for (size_t i = 0; i < n; i++) {
        limb_t inf = ck_mask_from_bit((limb_t)FE_IS_ZERO(&in[i].z));
        out[i].x = acc;
        CK_SELECT(&z, &FE_ONE, &in[i].z, inf);
        FE_MUL(&acc, &acc, &z);
    }
    FE_INV(&inv, &acc);
    for (size_t i = n; i-- > 0;) {
        limb_t inf = ck_mask_from_bit((limb_t)FE_IS_ZERO(&in[i].z));
        FE_MUL(&zi, &inv, &out[i].x);
        CK_SELECT(&z, &FE_ONE, &in[i].z, inf);
        FE_MUL(&inv, &inv, &z);
        FE_SQR(&zi2, &zi);
        FE_MUL(&out[i].x, &in[i].x, &zi2);
        FE_MUL(&zi2, &zi2, &zi);
        FE_MUL(&out[i].y, &in[i].y, &zi2);
        CK_SELECT(&out[i].x, &fe_zero_, &out[i].x, inf);
        CK_SELECT(&out[i].y, &fe_zero_, &out[i].y, inf);
    }
}

void FN(from_affine)(PT *r, const AFF *a)
{
    limb_t inf = FN(affine_is_identity_mask_)(a);
    PT t, id;
    t.x = a->x;
    t.y = a->y;
    t.z = FE_ONE;
    FN(identity)(&id);
    CK_SELECT(r, &id, &t, inf);
}

int FN(affine_on_curve)(const AFF *a)
{
    FE lhs, rhs;
    FE_SQR(&lhs, &a->y);
    FE_SQR(&rhs, &a->x);
    FE_MUL(&rhs, &rhs, &a->x);
    FE_ADD(&rhs, &rhs, &CURVE_B);
    return FE_EQ(&lhs, &rhs) | (int)(FN(affine_is_identity_mask_)(a) & 1);
}

/* Y^2 = X^3 + B Z^6; the identity (Z = 0) counts as on the curve. */
int FN(on_curve)(const PT *a)
{
    FE lhs, rhs, z6;
    FE_SQR(&lhs, &a->y);
    FE_SQR(&rhs, &a->x);
    FE_MUL(&rhs, &rhs, &a->x);
    FE_SQR(&z6, &a->z);
    FE_MUL(&z6, &z6, &a->z);
    FE_SQR(&z6, &z6);
    FE_MUL(&z6, &z6, &CURVE_B);
    FE_ADD(&rhs, &rhs, &z6);
    return FE_EQ(&lhs, &rhs) | FE_IS_ZERO(&a->z);
}

/* Public multiplier: double-and-add from the top set bit, branching on the
 * bits of k only. The point may be secret (the subgroup test of a decoded
 * key), so the additions stay complete: the doubling and identity cases are
 * selected by masks, never branched to. */
void FN(mul_u64_vartime)(PT *r, const PT *a, uint64_t k)
{
    PT acc;
    int top = 63;
    if (k == 0 || FN(is_identity)(a)) {
        FN(identity)(r);
        return;
    }
    while (!((k >> top) & 1)) top--;
    acc = *a;
    for (int i = top - 1; i >= 0; i--) {
        FN(dbl)(&acc, &acc);
        if ((k >> i) & 1) FN(add)(&acc, &acc, a);
    }
    *r = acc;
}

/* |d| and a sign mask of a signed window digit, without branches. */
static inline void FN(digit_split_)(unsigned *abs, limb_t *neg, int8_t d)
{
    limb_t m = (limb_t)0 - (limb_t)((uint8_t)d >> 7);
    *neg = m;
    *abs = (unsigned)(((limb_t)(int64_t)d ^ m) - m) & 0xff;
}

/*
 * The constant-time scalar multiplications below run in homogeneous
 * projective coordinates (x = X/Z, y = Y/Z; the identity is (0 : 1 : 0))
 * with the complete formulas of Renes, Costello and Batina (EUROCRYPT
 * 2016, algorithms 7 and 9 for a = 0): one formula for every pair of
 * points, no masks, 12 multiplications per addition instead of a Jacobian
 * addition plus the doubling a complete Jacobian addition needs. They are
 * complete on curves without rational points of order 2: both cofactors
 * are odd. The values keep the PT type; only these functions read them
 * as projective. FE_MUL_B3 multiplies by 3b.
 */
static void FN(proj_identity_)(PT *r)
{
    r->x = fe_zero_;
    r->y = FE_ONE;
    r->z = fe_zero_;
}

/* (X : Y : Z) Jacobian -> (X Z : Y : Z^3); the identity (Z = 0) -> (0 : 1 : 0). */
static void FN(to_proj_)(PT *r, const PT *a)
{
    PT t, id;
    FE z2;
    FE_SQR(&z2, &a->z);
    FE_MUL(&t.x, &a->x, &a->z);
    t.y = a->y;
    FE_MUL(&t.z, &z2, &a->z);
    FN(proj_identity_)(&id);
    CK_SELECT(r, &id, &t, ck_mask_from_bit((limb_t)FE_IS_ZERO(&a->z)));
}

/* (X : Y : Z) projective -> (X Z : Y Z^2 : Z) Jacobian; Z = 0 -> identity. */
static void FN(from_proj_)(PT *r, const PT *a)
{
    PT t, id;
    FE z2;
    FE_SQR(&z2, &a->z);
    FE_MUL(&t.x, &a->x, &a->z);
    FE_MUL(&t.y, &a->y, &z2);
    t.z = a->z;
    FN(identity)(&id);
    CK_SELECT(r, &id, &t, ck_mask_from_bit((limb_t)FE_IS_ZERO(&a->z)));
}

/* RCB algorithm 7: complete addition, a = 0. */
static void FN(padd_)(PT *r, const PT *p, const PT *q)
{
    FE t0, t1, t2, t3, t4, x3, y3, z3;
    FE_MUL(&t0, &p->x, &q->x);
    FE_MUL(&t1, &p->y, &q->y);
    FE_MUL(&t2, &p->z, &q->z);
    FE_ADD(&t3, &p->x, &p->y);
    FE_ADD(&t4, &q->x, &q->y);
    FE_MUL(&t3, &t3, &t4);
    FE_ADD(&t4, &t0, &t1);
    FE_SUB(&t3, &t3, &t4);
    FE_ADD(&t4, &p->y, &p->z);
    FE_ADD(&x3, &q->y, &q->z);
    FE_MUL(&t4, &t4, &x3);
    FE_ADD(&x3, &t1, &t2);
    FE_SUB(&t4, &t4, &x3);
    FE_ADD(&x3, &p->x, &p->z);
    FE_ADD(&y3, &q->x, &q->z);
    FE_MUL(&x3, &x3, &y3);
    FE_ADD(&y3, &t0, &t2);
    FE_SUB(&y3, &x3, &y3);
    FE_DBL(&x3, &t0);
    FE_ADD(&t0, &x3, &t0);
    FE_MUL_B3(&t2, &t2);
    FE_ADD(&z3, &t1, &t2);
    FE_SUB(&t1, &t1, &t2);
    FE_MUL_B3(&y3, &y3);
    FE_MUL(&x3, &t4, &y3);
    FE_MUL(&t2, &t3, &t1);
    FE_SUB(&x3, &t2, &x3);
    FE_MUL(&y3, &y3, &t0);
    FE_MUL(&t1, &t1, &z3);
    FE_ADD(&y3, &t1, &y3);
    FE_MUL(&t0, &t0, &t3);
    FE_MUL(&z3, &z3, &t4);
    FE_ADD(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* RCB algorithm 9: doubling, a = 0. */
static void FN(pdbl_)(PT *r, const PT *p)
{
    FE t0, t1, t2, x3, y3, z3;
    FE_SQR(&t0, &p->y);
    FE_DBL(&z3, &t0);
    FE_DBL(&z3, &z3);
    FE_DBL(&z3, &z3);
    FE_MUL(&t1, &p->y, &p->z);
    FE_SQR(&t2, &p->z);
    FE_MUL_B3(&t2, &t2);
    FE_MUL(&x3, &t2, &z3);
    FE_ADD(&y3, &t0, &t2);
    FE_MUL(&z3, &t1, &z3);
    FE_DBL(&t1, &t2);
    FE_ADD(&t2, &t1, &t2);
    FE_SUB(&t0, &t0, &t2);
    FE_MUL(&y3, &t0, &y3);
    FE_ADD(&y3, &x3, &y3);
    FE_MUL(&t1, &p->x, &p->y);
    FE_MUL(&x3, &t0, &t1);
    FE_DBL(&x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* t = digit * (table), scanning all 8 entries: table[j] = (j+1) P
 * (projective; digit 0 gives the identity). */
static void FN(table_pick_)(PT *t, const PT table[8], int8_t digit)
{
    unsigned abs;
    limb_t neg;
    PT id;
    FN(digit_split_)(&abs, &neg, digit);
    FN(proj_identity_)(&id);
    CK_LOOKUP(t, table, 8, abs, &id);
    FN(cneg_)(t, t, neg);
}

#define CK_MSM_CHUNK 8
#define CK_STRAUS_MAX_BASES 8

/* Straus interleaving with signed 4-bit windows: one shared doubling chain,
 * and per window one complete addition per base. table[i][j] = (j+1) base_i
 * (projective); the result is Jacobian. */
static void FN(straus_)(PT *r, PT (*table)[8], int8_t (*digits)[CK_RECODE_MAX],
                        size_t n, size_t nwin)
{
    PT acc, t;
    FN(proj_identity_)(&acc);
    for (size_t w = nwin; w-- > 0;) {
        for (int s = 0; s < 4; s++) FN(pdbl_)(&acc, &acc);
        for (size_t i = 0; i < n; i++) {
            FN(table_pick_)(&t, table[i], digits[i][w]);
            FN(padd_)(&acc, &acc, &t);
        }
    }
    FN(from_proj_)(r, &acc);
    ck_wipe(&acc, sizeof(acc));
    ck_wipe(&t, sizeof(t));
}

/* table[j] = (j+1) p in projective coordinates, p Jacobian. */
static void FN(table_fill_)(PT table[8], const PT *p)
{
    FN(to_proj_)(&table[0], p);
    FN(pdbl_)(&table[1], &table[0]);
    for (int j = 2; j < 8; j++) FN(padd_)(&table[j], &table[j - 1], &table[0]);
}

static void FN(msm_chunk_)(PT *r, const PT *p, const ck_fr *k, size_t n)
{
    PT table[CK_STRAUS_MAX_BASES][8];
    int8_t digits[CK_STRAUS_MAX_BASES][CK_RECODE_MAX];
    limb_t limbs[4];
    for (size_t i = 0; i < n; i++) {
        FN(table_fill_)(table[i], &p[i]);
        ck_fr_to_limbs(limbs, &k[i]);
        ck_recode_w4(digits[i], limbs, 4, 64);
    }
    FN(straus_)(r, table, digits, n, 64);
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(table, sizeof(table));
}

void FN(msm)(PT *r, const PT *p, const ck_fr *k, size_t n)
{
    PT acc, part;
    FN(identity)(&acc);
    for (size_t i = 0; i < n; i += CK_MSM_CHUNK) {
        size_t m = n - i < CK_MSM_CHUNK ? n - i : CK_MSM_CHUNK;
        FN(msm_chunk_)(&part, p + i, k + i, m);
        FN(add)(&acc, &acc, &part);
    }
    *r = acc;
}

/*
 * k P through the curve's endomorphism: ENDO_SPLIT writes ENDO_DIMS short
 * scalars (ENDO_LIMBS limbs each) with k = sum k_i lambda^i, and ENDO_APPLY
 * maps a point to its image under the endomorphism of eigenvalue lambda.
 */
void FN(mul)(PT *r, const PT *a, const ck_fr *k)
{
    PT table[ENDO_DIMS][8];
    int8_t digits[ENDO_DIMS][CK_RECODE_MAX];
    limb_t limbs[4], part[ENDO_DIMS][ENDO_LIMBS];
    ck_fr_to_limbs(limbs, k);
    ENDO_SPLIT(part, limbs);
    FN(table_fill_)(table[0], a);
    for (int i = 0; i < ENDO_DIMS; i++) {
        if (i) for (int j = 0; j < 8; j++) ENDO_APPLY(&table[i][j], &table[i - 1][j]);
        ck_recode_w4(digits[i], part[i], ENDO_LIMBS, 16 * ENDO_LIMBS + 1);
    }
    FN(straus_)(r, table, digits, ENDO_DIMS, 16 * ENDO_LIMBS + 1);
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(part, sizeof(part));
    ck_wipe(table, sizeof(table));
}

void FN(mul_vartime)(PT *r, const PT *a, const ck_fr *k)
{
    FN(mul)(r, a, k);
}

/* ---- fixed base: t[i][j] = (j+1) * 16^i * P, affine --------------------- */
/* Each row is normalised with one inversion (batch_to_affine): 64
 * inversions per table instead of 512, which made most of a table's cost. */
void FN(table_init)(TABLE *tab, const PT *p)
{
    PT base = *p, row[8];
    for (int i = 0; i < 64; i++) {
        row[0] = base;
        for (int j = 1; j < 8; j++) FN(add)(&row[j], &row[j - 1], &base);
        FN(batch_to_affine)(tab->t[i], row, 8);
        for (int s = 0; s < 4; s++) FN(dbl)(&base, &base);
    }
    ck_wipe(row, sizeof(row));
    ck_wipe(&base, sizeof(base));
}

/*
 * 64 mixed additions, each after a scan of a whole row. Before window i the
 * accumulator is [A]P with |A| < 16^i, and the entry is [B]P with B = d 16^i,
 * 16^i <= |B| <= 8 * 16^i (or the identity for d = 0). acc = +-entry would
 * need A = +-B mod r with 0 < |A -+ B| <= 9 * 16^i, impossible while
 * 9 * 16^i < r, i.e. for i <= 62: those windows need no doubling case, only
 * the identities (P must have order r). The last window uses the complete
 * addition.
 */
void FN(table_mul)(PT *r, const TABLE *tab, const ck_fr *k)
{
    int8_t digits[64];
    limb_t limbs[4], neg;
    unsigned abs;
    AFF t;
    PT acc;
    ck_fr_to_limbs(limbs, k);
    ck_recode_w4(digits, limbs, 4, 64);
    FN(identity)(&acc);
    for (int i = 0; i < 64; i++) {
        FN(digit_split_)(&abs, &neg, digits[i]);
        CK_LOOKUP(&t, tab->t[i], 8, abs, NULL);
        FE_CNEG(&t.y, &t.y, neg);     /* -(0,0) stays (0,0) */
        FN(madd_)(&acc, &acc, &t, i == 63);
    }
    *r = acc;
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(&t, sizeof(t));
}

#ifdef LANES
/* n <= 8 of FN(table_mul) at once: the same digits and row scans, windows
 * 0 to 62 in vector lanes (LANES_MADD: g1_ifma.c, g2_ifma.c), window 63
 * with the complete addition here. The masks say which lanes are still at
 * the identity (every digit so far 0: the signed base-16 digits of a
 * nonzero partial sum cannot cancel) and which entries are. Idle lanes
 * multiply by 0. */
static void FN(table_mul_lanes_)(PT *r, const TABLE *const *tab, const ck_fr *k, size_t n)
{
    int8_t digits[8][64] = {{0}};
    limb_t limbs[4], neg;
    unsigned abs, p_inf = 0xff;
    AFF t[8];
    const AFF *tp[8];
    const TABLE *tb[8];
    PT acc[8], *ap[8], id;
    LANES lanes;
    for (size_t i = 0; i < 8; i++) {
        tb[i] = tab[i < n ? i : 0];
        tp[i] = &t[i];
        ap[i] = &acc[i];
        if (i >= n) continue;
        ck_fr_to_limbs(limbs, &k[i]);
        ck_recode_w4(digits[i], limbs, 4, 64);
    }
    LANES_START(&lanes);
    for (int w = 0; w < 63; w++) {
        unsigned q_inf = 0;
        for (int i = 0; i < 8; i++) {
            FN(digit_split_)(&abs, &neg, digits[i][w]);
            CK_LOOKUP(&t[i], tb[i]->t[w], 8, abs, NULL);
            FE_CNEG(&t[i].y, &t[i].y, neg);
            q_inf |= (unsigned)(ck_mask_is_zero(abs) & 1) << i;
        }
        LANES_MADD(&lanes, tp, p_inf, q_inf);
        p_inf &= q_inf;
    }
    LANES_FINISH(ap, &lanes);
    FN(identity)(&id);
    for (size_t i = 0; i < n; i++) {
        CK_SELECT(&acc[i], &id, &acc[i], ck_mask_from_bit((p_inf >> i) & 1));
        FN(digit_split_)(&abs, &neg, digits[i][63]);
        CK_LOOKUP(&t[i], tb[i]->t[63], 8, abs, NULL);
        FE_CNEG(&t[i].y, &t[i].y, neg);
        FN(madd_)(&r[i], &acc[i], &t[i], 1);
    }
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(t, sizeof(t));
    ck_wipe(acc, sizeof(acc));
}
#endif

void FN(table_mul_many)(PT *r, const TABLE *const *tab, const ck_fr *k, size_t n)
{
    size_t i = 0;
#ifdef LANES
    if (ck_cpu_has_ifma)
        for (; n - i >= 4; i += n - i < 8 ? n - i : 8)
            FN(table_mul_lanes_)(r + i, tab + i, k + i, n - i < 8 ? n - i : 8);
#endif
    for (; i < n; i++) FN(table_mul)(&r[i], tab[i], &k[i]);
}
