/*
 * src/ec/pairing.c - optimal ate pairing on BLS12-381.
 *
 * Miller loop over |x| = 0xd201000000010000 with T in homogeneous projective
 * coordinates on the twist. With the M-type twist psi(x', y') = (x'/w^2,
 * y'/w^3), every line scaled by w^3 has the sparse shape
 *     l = c0 + (c1 * xP) v + (c4 * yP) v w,
 * so it costs one sparse multiplication ("014"). Factors in proper subfields
 * are dropped: the final exponentiation kills them.
 *
 * Final exponentiation: easy part f^((p^6 - 1)(p^2 + 1)), then the hard part
 * with Hayashida-Hayasaka-Teruya's decomposition (ePrint 2020/875)
 *     3 (p^4 - p^2 + 1)/r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3,
 * which gives the same GT value as the other BLS12-381 libraries.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"
#include "ec/batch_inv.h"

typedef struct { ck_fp2 x, y, z; } twist_proj;

/* T = 2T; line = (Y^2 - 3b'Z^2, -3X^2, 2YZ), returned with X^2 in the
 * middle: the factor -3 is folded into the point it is evaluated at
 * (otf_point) or applied once when lines are prepared. */
static void line_dbl(ck_fp2 line[3], twist_proj *t)
{
    ck_fp2 a, b, c, e, f, g, h, xx;
    ck_fp2_mul_(&a, &t->x, &t->y);
    ck_fp2_half_(&a, &a);
    ck_fp2_sqr_(&b, &t->y);
    ck_fp2_sqr_(&c, &t->z);
    ck_fp2_mul_by_xi_(&e, &c);              /* E = 3b' Z^2 = 12 xi Z^2 */
    ck_fp2_mul12_(&e, &e);
    ck_fp2_dbl_(&f, &e);
    ck_fp2_add_(&f, &f, &e);                /* F = 3E */
    ck_fp2_add_(&g, &b, &f);
    ck_fp2_half_(&g, &g);
    ck_fp2_add_(&h, &t->y, &t->z);
    ck_fp2_sqr_(&h, &h);
    ck_fp2_sub_(&h, &h, &b);
    ck_fp2_sub_(&h, &h, &c);                /* H = 2YZ */
    ck_fp2_sqr_(&xx, &t->x);

    ck_fp2_sub_(&line[0], &b, &e);
    line[1] = xx;
    line[2] = h;

    ck_fp2_sub_(&t->x, &b, &f);
    ck_fp2_mul_(&t->x, &t->x, &a);          /* X3 = A (B - F) */
    ck_fp2_sqr_(&g, &g);
    ck_fp2_sqr_(&e, &e);
    ck_fp2_dbl_(&f, &e);
    ck_fp2_add_(&e, &e, &f);
    ck_fp2_sub_(&t->y, &g, &e);             /* Y3 = G^2 - 3E^2 */
    ck_fp2_mul_(&t->z, &b, &h);             /* Z3 = B H */
}

/* T = T + Q; line = (theta x2 - lambda y2, -theta, lambda), returned with
 * theta in the middle (the factor -1 folded as in line_dbl). */
static void line_add(ck_fp2 line[3], twist_proj *t, const ck_g2_affine *q)
{
    ck_fp2 theta, lambda, c, d, e, f, g, h, s;
    ck_fp2_mul_(&theta, &q->y, &t->z);
    ck_fp2_sub_(&theta, &t->y, &theta);
    ck_fp2_mul_(&lambda, &q->x, &t->z);
    ck_fp2_sub_(&lambda, &t->x, &lambda);
    ck_fp2_sqr_(&c, &theta);
    ck_fp2_sqr_(&d, &lambda);
    ck_fp2_mul_(&e, &lambda, &d);
    ck_fp2_mul_(&f, &t->z, &c);
    ck_fp2_mul_(&g, &t->x, &d);
    ck_fp2_add_(&h, &e, &f);
    ck_fp2_sub_(&h, &h, &g);
    ck_fp2_sub_(&h, &h, &g);

    ck_fp2_mul_(&line[0], &theta, &q->x);
    ck_fp2_mul_(&s, &lambda, &q->y);
    ck_fp2_sub_(&line[0], &line[0], &s);
    line[1] = theta;
    line[2] = lambda;

    ck_fp2_mul_(&t->x, &lambda, &h);
    ck_fp2_sub_(&s, &g, &h);
    ck_fp2_mul_(&s, &s, &theta);
    ck_fp2_mul_(&t->y, &t->y, &e);
    ck_fp2_sub_(&t->y, &s, &t->y);
    ck_fp2_mul_(&t->z, &t->z, &e);
}

static int g1_affine_is_identity(const ck_g1_affine *p)
{
    return ck_fp_is_zero(&p->x) & ck_fp_is_zero(&p->y);
}

static int g2_affine_is_identity(const ck_g2_affine *q)
{
    return ck_fp2_is_zero(&q->x) & ck_fp2_is_zero(&q->y);
}

#define CK_MILLER_MAX_BATCH 64

/* Lines evaluated and waiting to be multiplied into f two at a time
 * (ck_fp12_mul_by_014_014). Decryption evaluates the lines of a user's
 * secret K at secret points K', so the whole accumulator is wiped once per
 * Miller loop. Whether a line waits depends only on the number of pairs. */
typedef struct { ck_fp2 e[3], pend[3]; int have; } line_acc;

/* An on-the-fly pair's point with the lines' middle factors folded in:
 * xd = -3 xP (doubling lines), xa = -xP (addition lines), y = yP; all 0
 * when the pair has an identity, and then its lines' c0 becomes 1 too. */
typedef struct { ck_fp xd, xa, y; limb_t skip; } otf_point;

static void otf_point_init(otf_point *o, const ck_g1_affine *p, limb_t skip)
{
    static const ck_fp zero;
    CK_SELECT(&o->xa, &zero, &p->x, skip);
    CK_SELECT(&o->y, &zero, &p->y, skip);
    ck_fp_neg(&o->xa, &o->xa);
    ck_fp_mul_small(&o->xd, &o->xa, 3);
    o->skip = skip;
}

/* The line at the point (x = xd or xa). A pair with an identity
 * contributes 1: no branch on the points (decryption pairs secret ones), its
 * line becomes, by masks, the constant 1 (c0 = 1, c1 = c4 = 0). */
static void line_eval(ck_fp2 e[3], const ck_fp2 line[3], const ck_fp *x, const otf_point *o)
{
    static const ck_fp2 one = {CK_FP_ONE_INIT, {{0}}};
    CK_SELECT(&e[0], &one, &line[0], o->skip);
    ck_fp2_mul_fp(&e[1], &line[1], x);
    ck_fp2_mul_fp(&e[2], &line[2], &o->y);
}

/* f *= the line at the point, two lines at a time */
static void line_push(ck_fp12 *f, line_acc *a, const ck_fp2 line[3], const ck_fp *x, const otf_point *o)
{
    line_eval(a->have ? a->e : a->pend, line, x, o);
    if (a->have) ck_fp12_mul_by_014_014(f, a->pend, a->e);
    a->have ^= 1;
}

/* Prepared lines are monic (c4 = 1, see ck_g2_prepare) and their point
 * is scaled by 1/yP: the line is c0/yP + c1 (xP/yP) v + vw, which differs
 * from the line at P by the factor c4 yP in Fp2, and the final
 * exponentiation removes Fp2. Two of them multiply with three Fp2 products
 * instead of six (ck_fp12_mul_by_monic_pair). */
typedef struct { ck_fp2 e[2], pend[2]; int have; } monic_acc;

static void monic_eval(ck_fp2 e[2], const ck_fp2 line[3], const ck_fp *iy, const ck_fp *xy)
{
    ck_fp2_mul_fp(&e[0], &line[0], iy);
    ck_fp2_mul_fp(&e[1], &line[1], xy);
}

static void monic_push(ck_fp12 *f, monic_acc *a, const ck_fp2 line[3], const ck_fp *iy, const ck_fp *xy)
{
    monic_eval(a->have ? a->e : a->pend, line, iy, xy);
    if (a->have) ck_fp12_mul_by_monic_pair(f, a->pend, a->e);
    a->have ^= 1;
}

/* Multiplies the lines left waiting into f: two (one of each kind) as a
 * pair, one alone. */
static void line_flush(ck_fp12 *f, line_acc *a, monic_acc *m)
{
    static const ck_fp2 one = {CK_FP_ONE_INIT, {{0}}};
    if (a->have && m->have) {
        ck_fp2 b[3] = {m->pend[0], m->pend[1], one};
        ck_fp12_mul_by_014_014(f, a->pend, b);
        ck_wipe(b, sizeof(b));
    } else if (a->have) {
        ck_fp12_mul_by_014(f, &a->pend[0], &a->pend[1], &a->pend[2]);
    } else if (m->have) {
        ck_fp12_mul_by_014(f, &m->pend[0], &m->pend[1], &one);
    }
    a->have = 0;
    m->have = 0;
}

/*
 * Where a loop's lines go: into f, two at a time, or, on CPUs with AVX-512
 * IFMA and for loops of at least LANES_MIN_LINES lines a step, into eight
 * accumulators in vector lanes (miller_ifma.c), eight lines at a time.
 * Below that the lanes would stand mostly idle while every lane's f is
 * squared. The choice depends only on the number of pairs.
 */
#define LANES_MIN_LINES 4

typedef struct {
    ck_fp12 *f;
    line_acc acc;
    monic_acc macc;
#ifdef CK_HAVE_IFMA_KERNEL
    int lanes;
    ck_miller_lanes ml;
    ck_ml_pgroup pgroup[CK_MILLER_MAX_BATCH / 8];
    size_t pgroups;
#endif
} line_sink;

static void sink_init(line_sink *s, ck_fp12 *f, size_t lines)
{
    s->f = f;
    s->acc.have = 0;
    s->macc.have = 0;
    ck_fp12_one(f);
#ifdef CK_HAVE_IFMA_KERNEL
    s->lanes = ck_cpu_has_ifma && lines >= LANES_MIN_LINES;
    s->pgroups = 0;
    if (s->lanes) ck_ml_init(&s->ml);
#else
    (void)lines;
#endif
}

/*
 * With the lanes, prepared pairs go in groups of eight: each step gathers
 * line k of the eight keys straight into lanes and scales it there
 * (ck_ml_pgroup_step), instead of scaling and cutting each line in scalar
 * code. A last group of fewer than LANES_MIN_LINES pairs is pushed line by
 * line. Lanes past the pairs scale by 0: their lines are vw, which the
 * final exponentiation removes (see scale_points). Returns how many of the
 * first pairs the groups take.
 */
static size_t sink_pgroups(line_sink *s, const ck_g2_prepared *const *qp, const ck_fp *iy, const ck_fp *xy,
                           size_t m)
{
#ifdef CK_HAVE_IFMA_KERNEL
    static const ck_fp zero;
    size_t taken = m - m % 8 + (m % 8 >= LANES_MIN_LINES ? m % 8 : 0);
    if (!s->lanes) return 0;
    for (size_t g = 0; g * 8 < taken; g++) {
        const ck_g2_prepared *q[8];
        const ck_fp *a[8], *b[8];
        for (size_t i = 0; i < 8; i++) {
            size_t j = g * 8 + i;
            int live = j < taken;
            q[i] = qp[live ? j : g * 8];
            a[i] = live ? &iy[j] : &zero;
            b[i] = live ? &xy[j] : &zero;
        }
        ck_ml_pgroup_init(&s->pgroup[g], q, a, b);
    }
    s->pgroups = (taken + 7) / 8;
    return taken;
#else
    (void)s, (void)qp, (void)iy, (void)xy, (void)m;
    return 0;
#endif
}

static void sink_pgroup_lines(line_sink *s, size_t k)
{
#ifdef CK_HAVE_IFMA_KERNEL
    for (size_t g = 0; g < s->pgroups; g++) ck_ml_pgroup_step(&s->ml, &s->pgroup[g], k);
#else
    (void)s, (void)k;
#endif
}

static void sink_otf(line_sink *s, const ck_fp2 line[3], const ck_fp *x, const otf_point *o)
{
#ifdef CK_HAVE_IFMA_KERNEL
    if (s->lanes) {
        line_eval(s->acc.e, line, x, o);
        ck_ml_push(&s->ml, &s->acc.e[0], &s->acc.e[1], &s->acc.e[2]);
        return;
    }
#endif
    line_push(s->f, &s->acc, line, x, o);
}

static void sink_monic(line_sink *s, const ck_fp2 line[3], const ck_fp *iy, const ck_fp *xy)
{
#ifdef CK_HAVE_IFMA_KERNEL
    if (s->lanes) {
        static const ck_fp2 one = {CK_FP_ONE_INIT, {{0}}};
        monic_eval(s->macc.e, line, iy, xy);
        ck_ml_push(&s->ml, &s->macc.e[0], &s->macc.e[1], &one);
        return;
    }
#endif
    monic_push(s->f, &s->macc, line, iy, xy);
}

static void sink_sqr(line_sink *s)
{
#ifdef CK_HAVE_IFMA_KERNEL
    if (s->lanes) {
        ck_ml_sqr(&s->ml);
        return;
    }
#endif
    line_flush(s->f, &s->acc, &s->macc);
    ck_fp12_sqr(s->f, s->f);
}

/* f = the product of every line pushed; wipes the waiting lines */
static void sink_finish(line_sink *s)
{
#ifdef CK_HAVE_IFMA_KERNEL
    if (s->lanes) ck_ml_finish(s->f, &s->ml);
    ck_wipe(s->pgroup, s->pgroups * sizeof(s->pgroup[0]));
#endif
    line_flush(s->f, &s->acc, &s->macc);
    ck_wipe(&s->acc, sizeof(s->acc));
    ck_wipe(&s->macc, sizeof(s->macc));
}

static void fp_one(ck_fp *r) { *r = CK_FP_ONE; }
static CK_BATCH_INV(fp_batch_inv, ck_fp, fp_one, ck_fp_mul, ck_fp_inv, ck_fp_is_zero)

/* iy[j] = 1/yP, xy[j] = xP/yP for the prepared pairs' points with one
 * inversion, 0 for a pair that contributes nothing (skip[j], masks): its
 * lines are then all vw, which lies in Fp4 = Fp2[vw] ((vw)^2 = xi), and
 * p^4 - 1 divides (p^12 - 1)/r, so the final exponentiation removes them. */
static void scale_points(ck_fp *iy, ck_fp *xy, const ck_g1_affine *pp, const limb_t *skip, size_t m)
{
    static const ck_fp zero;
    for (size_t j = 0; j < m; j++) CK_SELECT(&xy[j], &zero, &pp[j].y, skip[j]);
    fp_batch_inv(iy, xy, m);
    for (size_t j = 0; j < m; j++) ck_fp_mul(&xy[j], &pp[j].x, &iy[j]);
}

static limb_t mask_of(int bit) { return (limb_t)0 - (limb_t)(bit & 1); }

/*
 * Membership of q in G2 from the loop's own multiple of it. T ends at
 * [|x|]q, and a point of the twist is in G2 iff psi(q) = [x]q = -T (Scott,
 * ePrint 2021/1130), so the test costs a few products instead of a 64-bit
 * multiplication. The doubling and addition formulas are exact for every T
 * except T = O or T = +-q, which only a q of order below 2^64 meets; each
 * of those steps leaves Z = 0, every later step keeps it, and Z = 0 fails
 * the test. The identity passes (it is in G2 and its pair contributes 1).
 * q is public (a ciphertext's point): the result may steer the caller.
 */
static int g2_in_group_from_loop(const twist_proj *t, const ck_g2_affine *q)
{
    ck_g2 psi;
    ck_fp2 x, y;
    ck_g2_from_affine(&psi, q);
    ck_g2_psi(&psi, &psi);                 /* Z = 1 stays 1: (psi x, psi y) affine */
    ck_fp2_mul(&x, &psi.x, &t->z);
    ck_fp2_mul(&y, &psi.y, &t->z);
    ck_fp2_neg(&y, &y);
    return g2_affine_is_identity(q) |
           (ck_fp2_eq(&x, &t->x) & ck_fp2_eq(&y, &t->y) & (ck_fp2_is_zero(&t->z) ^ 1));
}

/*
 * One Miller loop over up to CK_MILLER_MAX_BATCH affine pairs (lines computed
 * on the fly) and as many pairs with prepared lines, sharing the squarings
 * of f. Pairs with an identity contribute 1 (masked: no branch on the
 * points, which may be secret).
 */
static void miller_core(ck_fp12 *f, int *q_ok, const ck_g1_affine *p, const ck_g2_affine *q, size_t n,
                        const ck_g1_affine *pp, const ck_g2_prepared *const *qp, size_t m)
{
    twist_proj t[CK_MILLER_MAX_BATCH];
    otf_point o[CK_MILLER_MAX_BATCH];
    limb_t pskip[CK_MILLER_MAX_BATCH] = {0};   /* read only below m; set for gcc */
    ck_fp iy[CK_MILLER_MAX_BATCH], xy[CK_MILLER_MAX_BATCH];
    size_t k = 0;
    ck_fp2 line[3];
    line_sink sink;
    for (size_t i = 0; i < n; i++) {
        otf_point_init(&o[i], &p[i], mask_of(g1_affine_is_identity(&p[i]) | g2_affine_is_identity(&q[i])));
        t[i].x = q[i].x;
        t[i].y = q[i].y;
        ck_fp2_one(&t[i].z);
    }
    for (size_t j = 0; j < m; j++) pskip[j] = mask_of(qp[j]->identity | g1_affine_is_identity(&pp[j]));
    scale_points(iy, xy, pp, pskip, m);
    sink_init(&sink, f, n + m);
    size_t g0 = sink_pgroups(&sink, qp, iy, xy, m);   /* prepared pairs below g0 go in groups */
    for (int bit = 62; bit >= 0; bit--) {
        int add = (int)((CK_X_ABS >> bit) & 1);
        if (bit != 62) sink_sqr(&sink);
        for (size_t j = 0; j < n; j++) {
            line_dbl(line, &t[j]);
            sink_otf(&sink, line, &o[j].xd, &o[j]);
        }
        sink_pgroup_lines(&sink, k);
        for (size_t j = g0; j < m; j++) sink_monic(&sink, qp[j]->c[k], &iy[j], &xy[j]);
        if (add) {
            for (size_t j = 0; j < n; j++) {
                line_add(line, &t[j], &q[j]);
                sink_otf(&sink, line, &o[j].xa, &o[j]);
            }
            sink_pgroup_lines(&sink, k + 1);
            for (size_t j = g0; j < m; j++) sink_monic(&sink, qp[j]->c[k + 1], &iy[j], &xy[j]);
        }
        k += 1 + (size_t)add;
    }
    sink_finish(&sink);
    ck_fp12_conj(f, f);                    /* x < 0 */
    if (q_ok)
        for (size_t i = 0; i < n; i++) *q_ok &= g2_in_group_from_loop(&t[i], &q[i]);
    ck_wipe(t, sizeof(t));
    ck_wipe(o, sizeof(o));
    ck_wipe(iy, sizeof(iy));
    ck_wipe(xy, sizeof(xy));
    ck_wipe(line, sizeof(line));
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Chunks of up to CK_MILLER_MAX_BATCH pairs of each kind, multiplied. */
static void miller_chunks(ck_fp12 *r, int *q_ok, const ck_g1_affine *p, const ck_g2_affine *q, size_t n,
                          const ck_g1_affine *pp, const ck_g2_prepared *const *qp, size_t m)
{
    ck_fp12 part;
    size_t i = 0, j = 0;
    do {
        size_t c = min_size(n - i, CK_MILLER_MAX_BATCH), d = min_size(m - j, CK_MILLER_MAX_BATCH);
        miller_core(i + j ? &part : r, q_ok, c ? p + i : NULL, c ? q + i : NULL, c, d ? pp + j : NULL,
                    d ? qp + j : NULL, d);
        if (i + j) ck_fp12_mul(r, r, &part);
        i += c;
        j += d;
    } while (i < n || j < m);
    ck_wipe(&part, sizeof(part));
}

void ck_miller_loop_mixed(ck_fp12 *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n,
                          const ck_g1_affine *pp, const ck_g2_prepared *const *qp, size_t m)
{
    miller_chunks(r, NULL, p, q, n, pp, qp, m);
}

int ck_miller_loop_mixed_checked(ck_fp12 *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n,
                                 const ck_g1_affine *pp, const ck_g2_prepared *const *qp, size_t m)
{
    int ok = 1;
    miller_chunks(r, &ok, p, q, n, pp, qp, m);
    return ok;
}

void ck_miller_loop(ck_fp12 *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n)
{
    ck_miller_loop_mixed(r, p, q, n, NULL, NULL, 0);
}

/* The lines of Q, each divided by its c4 (one inversion for all; c4 is
 * 2YZ or lambda, never 0 for Q of order r): c4 = 1 lets two of them
 * multiply with fewer products, and the factors are in Fp2, which the
 * final exponentiation removes. The identity's lines come out 0 and are
 * never used (identity flag). */
void ck_g2_prepare(ck_g2_prepared *pre, const ck_g2_affine *q)
{
    enum { LINES = sizeof(pre->c) / sizeof(pre->c[0]) };
    twist_proj t;
    ck_fp2 c4[LINES], inv[LINES];
    size_t k = 0;
    pre->identity = g2_affine_is_identity(q);
    t.x = q->x;
    t.y = q->y;
    ck_fp2_one(&t.z);
    for (int bit = 62; bit >= 0; bit--) {
        line_dbl(pre->c[k], &t);
        ck_fp2_mul_small(&pre->c[k][1], &pre->c[k][1], 3);
        ck_fp2_neg(&pre->c[k][1], &pre->c[k][1]);
        k++;
        if ((CK_X_ABS >> bit) & 1) {
            line_add(pre->c[k], &t, q);
            ck_fp2_neg(&pre->c[k][1], &pre->c[k][1]);
            k++;
        }
    }
    for (k = 0; k < LINES; k++) c4[k] = pre->c[k][2];
    ck_fp2_batch_inv(inv, c4, LINES);
    for (k = 0; k < LINES; k++) {
        ck_fp2_mul(&pre->c[k][0], &pre->c[k][0], &inv[k]);
        ck_fp2_mul(&pre->c[k][1], &pre->c[k][1], &inv[k]);
        ck_fp2_one(&pre->c[k][2]);
    }
    ck_wipe(&t, sizeof(t));
    ck_wipe(c4, sizeof(c4));
    ck_wipe(inv, sizeof(inv));
}

void ck_miller_loop_prepared(ck_fp12 *r, const ck_g1_affine *p,
                             const ck_g2_prepared *const *q, size_t n)
{
    ck_miller_loop_mixed(r, NULL, NULL, 0, p, q, n);
}

/* a^x for the negative BLS parameter, in the cyclotomic subgroup. */
static void exp_by_x(ck_fp12 *r, const ck_fp12 *a)
{
    ck_fp12_cyclotomic_exp_x(r, a);
    ck_fp12_conj(r, r);
}

void ck_final_exp(ck_gt *r, const ck_fp12 *f)
{
    ck_fp12 y, t, a, b, c;
    /* easy part: y = f^((p^6 - 1)(p^2 + 1)) */
    ck_fp12_inv(&t, f);
    ck_fp12_conj(&y, f);
    ck_fp12_mul(&y, &y, &t);
    ck_fp12_frobenius(&t, &y, 2);
    ck_fp12_mul(&y, &y, &t);
    /* hard part */
    exp_by_x(&a, &y);                      /* a = y^(x-1) */
    ck_fp12_conj(&t, &y);
    ck_fp12_mul(&a, &a, &t);
    exp_by_x(&t, &a);                      /* a = a^(x-1) */
    ck_fp12_conj(&a, &a);
    ck_fp12_mul(&a, &t, &a);
    exp_by_x(&b, &a);                      /* b = a^(x+p) */
    ck_fp12_frobenius(&t, &a, 1);
    ck_fp12_mul(&b, &b, &t);
    exp_by_x(&c, &b);                      /* c = b^(x^2 + p^2 - 1) */
    exp_by_x(&c, &c);
    ck_fp12_frobenius(&t, &b, 2);
    ck_fp12_mul(&c, &c, &t);
    ck_fp12_conj(&t, &b);
    ck_fp12_mul(&c, &c, &t);
    ck_fp12_cyclotomic_sqr(&t, &y);        /* times y^3 */
    ck_fp12_mul(&t, &t, &y);
    ck_fp12_mul(&r->v, &c, &t);
}

void ck_multi_pairing(ck_gt *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n)
{
    ck_fp12 f;
    ck_miller_loop(&f, p, q, n);
    ck_final_exp(r, &f);
}

void ck_pairing(ck_gt *r, const ck_g1 *p, const ck_g2 *q)
{
    ck_g1_affine pa;
    ck_g2_affine qa;
    ck_g1_to_affine(&pa, p);
    ck_g2_to_affine(&qa, q);
    ck_multi_pairing(r, &pa, &qa, 1);
}
