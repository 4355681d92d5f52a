/*
 * src/ec/safegcd.c - constant-time modular inversion by Bernstein-Yang
 * divsteps ("Fast constant-time gcd computation and modular inversion",
 * 2019), batched 62 divsteps at a time.
 *
 * State: delta, f (starts at the odd modulus M), g (the input x), and d, e
 * with f = d x, g = e x (mod M). A divstep looks only at delta and the low
 * bit of g:
 *     delta > 0 and g odd:  (delta, f, g) <- (1 - delta, g, (g - f)/2)
 *     g odd:                (delta, f, g) <- (1 + delta, f, (g + f)/2)
 *     g even:               (delta, f, g) <- (1 + delta, f, g/2)
 * so 62 of them can run on the low 64 bits of f and g alone; they yield a
 * 2x2 matrix T (entries |u| + |v| <= 2^62) with (f, g) <- T (f, g) / 2^62,
 * which is then applied to the full f, g (an exact division) and to d, e
 * (a division by 2^62 mod M, made exact by adding a multiple of M).
 *
 * The paper (theorem 11.2) bounds the number of divsteps until g = 0: for
 * f^2 + 4 g^2 <= 5 * 2^(2 bits), ceil((49 bits + 57)/17) for bits >= 46.
 * With inputs below 2^384 (Fp) that is 1111 <= 18 * 62; below 2^256 (Fr)
 * it is 742 <= 12 * 62. Extra divsteps are harmless (g stays 0). At the
 * end f = +-1 (or +-M for x = 0 mod M, where d = 0) and x^-1 = f d.
 *
 * Constant time: every loop has a fixed count, the divstep branches are
 * masks, and the matrix products touch every limb. Numbers are "signed62":
 * L limbs of 62 bits, the top limb a signed int64.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/fp_mul.h"

typedef __int128 sdlimb_t;

#define M62 ((uint64_t)-1 >> 2)
#define S62_MAX 7

typedef struct {
    int64_t v[S62_MAX];
} s62;

typedef struct {
    size_t limbs;          /* L: signed62 limbs of f, g, d, e */
    size_t words;          /* 64-bit words of inputs and outputs */
    int batches;           /* 62-divstep batches: enough for any input < 2^(64 words) */
    uint64_t minv62;       /* M^-1 mod 2^62 */
    s62 mod;               /* M */
} safegcd_modulus;

typedef struct {
    int64_t u, v, q, r;
} trans;

/* p and r in signed62 limbs (little-endian), with their inverses mod 2^62. */
static const safegcd_modulus mod_p = {
    7, 6, 18, 0x360c000300030003ULL,
    {{0x39feffffffffaaabLL, 0x3aaffffac54ffffeLL, 0x330d2a0f6b0f6241LL, 0x1dd2e13ce144afd9LL,
      0x1ba7b6434bacd764LL, 0x0447a8e5ff9a692cLL, 0x00000000000001a0LL}},
};
static const safegcd_modulus mod_r = {
    5, 4, 12, 0x0000000100000001ULL,
    {{0x3fffffff00000001LL, 0x0ef6900bfff96ffbLL, 0x339d80809a1d8055LL, 0x3b69d4ca675f520cLL,
      0x0000000000000073LL}},
};

static void to_s62(s62 *r, const limb_t *a, size_t words, size_t limbs)
{
    for (size_t i = 0; i < limbs; i++) {
        size_t bit = 62 * i, w = bit / 64, s = bit % 64;
        uint64_t lo = w < words ? a[w] >> s : 0;
        uint64_t hi = (s > 2 && w + 1 < words) ? a[w + 1] << (64 - s) : 0;
        r->v[i] = (int64_t)((lo | hi) & M62);
    }
}

/* r (words 64-bit words) from a non-negative signed62 value below 2^(64 words). */
static void from_s62(limb_t *r, const s62 *a, size_t words, size_t limbs)
{
    for (size_t w = 0; w < words; w++) {
        size_t bit = 64 * w, i = bit / 62, s = bit % 62;
        uint64_t x = (uint64_t)a->v[i] >> s;
        if (i + 1 < limbs) x |= (uint64_t)a->v[i + 1] << (62 - s);
        if (s > 60 && i + 2 < limbs) x |= (uint64_t)a->v[i + 2] << (124 - s);
        r[w] = x;
    }
}

/*
 * 62 divsteps on the low words of f and g; returns the new delta. The
 * three cases in one shape: with c1 = (delta > 0), c2 = (g odd),
 *     g += (c1 ? -f : f) if c2       (g - f on a swap, g + f otherwise)
 *     f += g             if c1 & c2  (f + (g - f) = g: the swap)
 *     delta = -delta     if c1 & c2,  then delta += 1, g /= 2,
 * and the same on the matrix rows (q, r) and (u, v), which double instead
 * of g halving. Fewer operations than a masked swap and negation, and the
 * three rows update independently.
 */
static int64_t divsteps_62(int64_t delta, uint64_t f, uint64_t g, trans *t)
{
    int64_t u = 1, v = 0, q = 0, r = 1;
    for (int i = 0; i < 62; i++) {
        int64_t c1 = (-delta) >> 63;
        int64_t c2 = -(int64_t)(g & 1);
        uint64_t x = (f ^ (uint64_t)c1) - (uint64_t)c1;
        int64_t y = (u ^ c1) - c1, z = (v ^ c1) - c1;
        g += x & (uint64_t)c2;
        q += y & c2;
        r += z & c2;
        c1 &= c2;
        delta = (delta ^ c1) - c1 + 1;
        f += g & (uint64_t)c1;
        u += q & c1;
        v += r & c1;
        g >>= 1;
        u *= 2;
        v *= 2;
    }
    t->u = u;
    t->v = v;
    t->q = q;
    t->r = r;
    return delta;
}

/* (f, g) <- T (f, g) / 2^62, exactly. */
static void update_fg(s62 *f, s62 *g, const trans *t, size_t limbs)
{
    sdlimb_t cf = (sdlimb_t)t->u * f->v[0] + (sdlimb_t)t->v * g->v[0];
    sdlimb_t cg = (sdlimb_t)t->q * f->v[0] + (sdlimb_t)t->r * g->v[0];
    cf >>= 62;
    cg >>= 62;
    for (size_t i = 1; i < limbs; i++) {
        cf += (sdlimb_t)t->u * f->v[i] + (sdlimb_t)t->v * g->v[i];
        cg += (sdlimb_t)t->q * f->v[i] + (sdlimb_t)t->r * g->v[i];
        f->v[i - 1] = (int64_t)((uint64_t)cf & M62);
        g->v[i - 1] = (int64_t)((uint64_t)cg & M62);
        cf >>= 62;
        cg >>= 62;
    }
    f->v[limbs - 1] = (int64_t)cf;
    g->v[limbs - 1] = (int64_t)cg;
}

/* a in (-M, 2M) -> [0, M): add M when negative, then subtract M unless that
 * goes negative. */
static void normalize(s62 *a, const safegcd_modulus *m)
{
    size_t n = m->limbs;
    int64_t neg = a->v[n - 1] >> 63, c = 0;
    s62 s;
    for (size_t i = 0; i < n; i++) {
        c += a->v[i] + (m->mod.v[i] & neg);
        a->v[i] = i + 1 < n ? (int64_t)((uint64_t)c & M62) : c;
        c >>= 62;
    }
    c = 0;
    for (size_t i = 0; i < n; i++) {
        c += a->v[i] - m->mod.v[i];
        s.v[i] = i + 1 < n ? (int64_t)((uint64_t)c & M62) : c;
        c >>= 62;
    }
    ck_limbs_select((limb_t *)a->v, (limb_t *)s.v, (limb_t *)a->v, n,
                    ~(limb_t)(s.v[n - 1] >> 63));
}

/* (d, e) <- T (d, e) / 2^62 mod M, for d, e in [0, M); results in [0, M). */
static void update_de(s62 *d, s62 *e, const trans *t, const safegcd_modulus *m)
{
    size_t n = m->limbs;
    uint64_t lo_d = (uint64_t)t->u * (uint64_t)d->v[0] + (uint64_t)t->v * (uint64_t)e->v[0];
    uint64_t lo_e = (uint64_t)t->q * (uint64_t)d->v[0] + (uint64_t)t->r * (uint64_t)e->v[0];
    /* md, me: the multiples of M that make the sums divisible by 2^62 */
    int64_t md = (int64_t)((0 - lo_d * m->minv62) & M62);
    int64_t me = (int64_t)((0 - lo_e * m->minv62) & M62);
    sdlimb_t cd = (sdlimb_t)t->u * d->v[0] + (sdlimb_t)t->v * e->v[0] + (sdlimb_t)md * m->mod.v[0];
    sdlimb_t ce = (sdlimb_t)t->q * d->v[0] + (sdlimb_t)t->r * e->v[0] + (sdlimb_t)me * m->mod.v[0];
    cd >>= 62;
    ce >>= 62;
    for (size_t i = 1; i < n; i++) {
        cd += (sdlimb_t)t->u * d->v[i] + (sdlimb_t)t->v * e->v[i] + (sdlimb_t)md * m->mod.v[i];
        ce += (sdlimb_t)t->q * d->v[i] + (sdlimb_t)t->r * e->v[i] + (sdlimb_t)me * m->mod.v[i];
        d->v[i - 1] = (int64_t)((uint64_t)cd & M62);
        e->v[i - 1] = (int64_t)((uint64_t)ce & M62);
        cd >>= 62;
        ce >>= 62;
    }
    d->v[n - 1] = (int64_t)cd;
    e->v[n - 1] = (int64_t)ce;
    /* |u| + |v| <= 2^62 and d, e < M: the sums lie in (-2^62 M, 2^62 M),
     * plus m M < 2^62 M, so after the division they are in (-M, 2M). */
    normalize(d, m);
    normalize(e, m);
}

/* All ones when f = 1 or f = -1 (the gcd is 1). */
static limb_t unit_mask(const s62 *f, size_t n)
{
    limb_t one = (limb_t)f->v[0] ^ 1, minus = (limb_t)f->v[0] ^ M62;
    for (size_t i = 1; i < n; i++) {
        one |= (limb_t)f->v[i];
        minus |= (limb_t)f->v[i] ^ (i + 1 < n ? M62 : (limb_t)-1);
    }
    return ck_mask_is_zero(one) | ck_mask_is_zero(minus);
}

/* r = x^-1 mod M for any x below 2^(64 words); 0 when x = 0 mod M. */
static void safegcd_inverse(limb_t *r, const limb_t *x, const safegcd_modulus *m)
{
    size_t n = m->limbs;
    s62 f = m->mod, g, d, e, neg;
    int64_t delta = 1;
    trans t;
    memset(&d, 0, sizeof(d));
    memset(&e, 0, sizeof(e));
    e.v[0] = 1;
    memset(&g, 0, sizeof(g));
    to_s62(&g, x, m->words, n);
    for (int b = 0; b < m->batches; b++) {
        delta = divsteps_62(delta, (uint64_t)f.v[0] | ((uint64_t)f.v[1] << 62),
                            (uint64_t)g.v[0] | ((uint64_t)g.v[1] << 62), &t);
        update_fg(&f, &g, &t, n);
        update_de(&d, &e, &t, m);
    }
    /* f = +-1: the inverse is d or M - d (d = 0 stays 0 either way) */
    memset(&neg, 0, sizeof(neg));
    {
        int64_t c = 0;
        for (size_t i = 0; i < n; i++) {
            c += m->mod.v[i] - d.v[i];
            neg.v[i] = i + 1 < n ? (int64_t)((uint64_t)c & M62) : c;
            c >>= 62;
        }
    }
    normalize(&neg, m);                               /* M - 0 = M -> 0 */
    ck_limbs_select((limb_t *)d.v, (limb_t *)neg.v, (limb_t *)d.v, n,
                    (limb_t)(f.v[n - 1] >> 63));
    /* x a nonzero multiple of M ends with f = +-M and an arbitrary d */
    {
        limb_t unit = unit_mask(&f, n);
        for (size_t i = 0; i < n; i++) d.v[i] &= (int64_t)unit;
    }
    from_s62(r, &d, m->words, n);
    ck_wipe(&f, sizeof(f));
    ck_wipe(&g, sizeof(g));
    ck_wipe(&d, sizeof(d));
    ck_wipe(&e, sizeof(e));
    ck_wipe(&neg, sizeof(neg));
    ck_wipe(&t, sizeof(t));
}

void ck_fp_inv_plain(limb_t r[6], const limb_t a[6]) { safegcd_inverse(r, a, &mod_p); }
void ck_fr_inv_plain(limb_t r[4], const limb_t a[4]) { safegcd_inverse(r, a, &mod_r); }
