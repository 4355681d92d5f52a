/*
 * src/abe/maabe_codec.c - versioned binary encodings of authority keys, user
 * keys and ciphertexts (docs/FORMAT.md). Integers are big-endian; group
 * elements use the compressed encodings of src/ec (G1 48 B, G2 96 B, GT
 * 288 B), each fully validated on decode.
 */
#include <stdlib.h>
#include <string.h>
#include "abe/maabe_internal.h"

#define CK_ABE_VERSION 1

typedef struct {
    const uint8_t *p;
    size_t left;
    int bad;          /* 1: truncated */
} reader;

typedef struct {
    uint8_t *p;       /* NULL: only count */
    size_t n;
} writer;

static void put(writer *w, const void *src, size_t n)
{
    if (w->p) memcpy(w->p + w->n, src, n);
    w->n += n;
}

static void put_u8(writer *w, unsigned v) { uint8_t b = (uint8_t)v; put(w, &b, 1); }
static void put_u16(writer *w, unsigned v) { uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v}; put(w, b, 2); }
static void put_u32(writer *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(w, b, 4);
}
static void put_str8(writer *w, const char *s) { size_t n = strlen(s); put_u8(w, (unsigned)n); put(w, s, n); }

static void put_g1(writer *w, const ck_g1 *a) { uint8_t b[48]; ck_g1_compress(b, a); put(w, b, 48); }
static void put_g2(writer *w, const ck_g2 *a) { uint8_t b[96]; ck_g2_compress(b, a); put(w, b, 96); }
static void put_gt(writer *w, const ck_gt *a) { uint8_t b[288]; ck_gt_compress(b, a); put(w, b, 288); }

static const uint8_t *take(reader *r, size_t n)
{
    const uint8_t *p = r->p;
    if (r->bad || r->left < n) {
        r->bad = 1;
        return NULL;
    }
    r->p += n;
    r->left -= n;
    return p;
}

static unsigned get_u8(reader *r) { const uint8_t *p = take(r, 1); return p ? p[0] : 0; }
static unsigned get_u16(reader *r) { const uint8_t *p = take(r, 2); return p ? (unsigned)(p[0] << 8 | p[1]) : 0; }
static uint32_t get_u32(reader *r)
{
    const uint8_t *p = take(r, 4);
    return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

/* A length-prefixed string without NUL bytes, copied into out[cap]. */
static ck_abe_err get_str8(reader *r, char *out, size_t cap)
{
    size_t n = get_u8(r);
    const uint8_t *p = take(r, n);
    if (!p) return CK_ABE_ERR_LENGTH;
    if (n == 0 || n >= cap || memchr(p, 0, n)) return CK_ABE_ERR_FORMAT;
    memcpy(out, p, n);
    out[n] = 0;
    return CK_ABE_OK;
}

/* one point with every check, the subgroup test included (a ciphertext's
 * rows decode in batches instead, decode_rows) */
static ck_abe_err get_g1(reader *r, ck_g1 *a)
{
    const uint8_t *p = take(r, 48);
    if (!p) return CK_ABE_ERR_LENGTH;
    return ck_g1_decode(a, p, 48) == CK_OK ? CK_ABE_OK : CK_ABE_ERR_POINT;
}

static ck_abe_err get_g2(reader *r, ck_g2 *a)
{
    const uint8_t *p = take(r, 96);
    if (!p) return CK_ABE_ERR_LENGTH;
    return ck_g2_decode(a, p, 96) == CK_OK ? CK_ABE_OK : CK_ABE_ERR_POINT;
}

static ck_abe_err get_gt(reader *r, ck_gt *a)
{
    const uint8_t *p = take(r, 288);
    if (!p) return CK_ABE_ERR_LENGTH;
    return ck_gt_decompress(a, p, 288) == CK_OK ? CK_ABE_OK : CK_ABE_ERR_POINT;
}

static ck_abe_err get_header(reader *r, const char magic[4])
{
    const uint8_t *p = take(r, 5);
    if (!p) return CK_ABE_ERR_LENGTH;
    if (memcmp(p, magic, 4) != 0 || p[4] != CK_ABE_VERSION) return CK_ABE_ERR_FORMAT;
    return CK_ABE_OK;
}

static ck_abe_err finish(const reader *r)
{
    if (r->bad || r->left) return CK_ABE_ERR_LENGTH;
    return CK_ABE_OK;
}

/* ---- authority keys ----------------------------------------------------- */
size_t ck_abe_authority_pk_encode(uint8_t *out, const ck_abe_authority_pk *pk)
{
    writer w = {out, 0};
    put(&w, "CKAP", 4);
    put_u8(&w, CK_ABE_VERSION);
    put_str8(&w, pk->name);
    put_gt(&w, &pk->e_alpha);
    put_g1(&w, &pk->g_y);
    return w.n;
}

ck_abe_err ck_abe_authority_pk_decode(ck_abe_authority_pk *pk, const uint8_t *in, size_t len)
{
    reader r = {in, in ? len : 0, 0};
    ck_abe_authority_pk t;
    ck_abe_err rc;
    if (!pk) return CK_ABE_ERR_PARAM;
    memset(&t, 0, sizeof(t));
    if ((rc = get_header(&r, "CKAP")) != CK_ABE_OK) return rc;
    if ((rc = get_str8(&r, t.name, sizeof(t.name))) != CK_ABE_OK) return rc;
    if (!ck_abe_valid_name(t.name)) return CK_ABE_ERR_FORMAT;
    if ((rc = get_gt(&r, &t.e_alpha)) != CK_ABE_OK) return rc;
    if ((rc = get_g1(&r, &t.g_y)) != CK_ABE_OK) return rc;
    if ((rc = finish(&r)) != CK_ABE_OK) return rc;
    if (ck_gt_is_one(&t.e_alpha) || ck_g1_is_identity(&t.g_y)) return CK_ABE_ERR_POINT;
    *pk = t;
    return CK_ABE_OK;
}

size_t ck_abe_authority_sk_encode(uint8_t *out, const ck_abe_authority_sk *sk)
{
    writer w = {out, 0};
    uint8_t b[32];
    put(&w, "CKAS", 4);
    put_u8(&w, CK_ABE_VERSION);
    put_str8(&w, sk->name);
    ck_fr_to_bytes(b, &sk->alpha);
    put(&w, b, 32);
    ck_fr_to_bytes(b, &sk->y);
    put(&w, b, 32);
    ck_wipe(b, sizeof(b));
    return w.n;
}

ck_abe_err ck_abe_authority_sk_decode(ck_abe_authority_sk *sk, const uint8_t *in, size_t len)
{
    reader r = {in, in ? len : 0, 0};
    ck_abe_authority_sk t;
    const uint8_t *a, *y;
    ck_abe_err rc;
    if (!sk) return CK_ABE_ERR_PARAM;
    memset(&t, 0, sizeof(t));
    if ((rc = get_header(&r, "CKAS")) != CK_ABE_OK) goto out;
    if ((rc = get_str8(&r, t.name, sizeof(t.name))) != CK_ABE_OK) goto out;
    rc = CK_ABE_ERR_FORMAT;
    if (!ck_abe_valid_name(t.name)) goto out;
    a = take(&r, 32);
    y = take(&r, 32);
    if ((rc = finish(&r)) != CK_ABE_OK) goto out;
    rc = CK_ABE_ERR_FORMAT;
    if (ck_fr_from_bytes(&t.alpha, a) != CK_OK || ck_fr_from_bytes(&t.y, y) != CK_OK) goto out;
    if (ck_fr_is_zero(&t.alpha) || ck_fr_is_zero(&t.y)) goto out;
    *sk = t;
    rc = CK_ABE_OK;
out:
    ck_wipe(&t, sizeof(t));
    return rc;
}

/* ---- user keys ---------------------------------------------------------- */
size_t ck_abe_user_key_encode(uint8_t *out, const ck_abe_user_key *key)
{
    writer w = {out, 0};
    put(&w, "CKUK", 4);
    put_u8(&w, CK_ABE_VERSION);
    put_str8(&w, key->gid);
    put_u16(&w, (unsigned)key->n);
    for (size_t i = 0; i < key->n; i++) {
        put_str8(&w, key->attr[i].label);
        put_u32(&w, key->attr[i].epoch);
        put_g2(&w, &key->attr[i].k);
        put_g1(&w, &key->attr[i].kp);
    }
    return w.n;
}

static int valid_label(const char *label)
{
    const char *auth = ck_abe_label_authority(label);
    return auth && auth > label + 1 && ck_abe_valid_name(auth);
}

/* Walks the n entries' lengths without decoding anything, so truncated or
 * oversized input fails before any (costly) point validation, as in
 * ck_abe_ct_decode. */
static ck_abe_err scan_user_attrs(reader r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = get_u8(&r);
        take(&r, l + 4 + 96 + 48);
    }
    return finish(&r);
}

ck_abe_err ck_abe_user_key_decode(ck_abe_user_key *key, const uint8_t *in, size_t len)
{
    reader r = {in, in ? len : 0, 0};
    ck_abe_user_key t;
    char gid[CK_ABE_GID_MAX + 1];
    ck_abe_err rc;
    size_t n;
    if (!key) return CK_ABE_ERR_PARAM;
    memset(&t, 0, sizeof(t));
    if ((rc = get_header(&r, "CKUK")) != CK_ABE_OK) return rc;
    if ((rc = get_str8(&r, gid, sizeof(gid))) != CK_ABE_OK) return rc;
    if (ck_abe_user_key_init(&t, gid) != CK_ABE_OK) return CK_ABE_ERR_FORMAT;
    n = get_u16(&r);
    if ((rc = scan_user_attrs(r, n)) != CK_ABE_OK) goto out;
    rc = CK_ABE_ERR_NOMEM;
    if (n && !(t.attr = calloc(n, sizeof(*t.attr)))) goto out;
    t.cap = n;
    for (size_t i = 0; i < n; i++) {
        ck_abe_user_attr *a = &t.attr[i];
        if ((rc = get_str8(&r, a->label, sizeof(a->label))) != CK_ABE_OK) goto out;
        rc = CK_ABE_ERR_FORMAT;
        if (!valid_label(a->label)) goto out;
        a->epoch = get_u32(&r);
        for (size_t j = 0; j < i; j++)
            if (strcmp(t.attr[j].label, a->label) == 0 && t.attr[j].epoch == a->epoch) goto out; /* duplicate */
        if ((rc = get_g2(&r, &a->k)) != CK_ABE_OK) goto out;
        if ((rc = get_g1(&r, &a->kp)) != CK_ABE_OK) goto out;
        t.n = i + 1;
    }
    if ((rc = finish(&r)) != CK_ABE_OK) goto out;
    *key = t;
    return CK_ABE_OK;
out:
    ck_abe_user_key_free(&t);
    return rc;
}

/* ---- ciphertexts -------------------------------------------------------- */
#define CK_ABE_ROW_BYTES (4 + 288 + 48 + 48 + 96)
#define ROW_CHUNK 16

/* The rows' elements encoded per group with the batch encoders (one field
 * inversion per group and chunk instead of one per element), then laid
 * out row by row: epoch, C1, C2, C3, C4. */
static void encode_rows(uint8_t *out, const ck_abe_ct *ct)
{
    uint8_t gt[ROW_CHUNK][288], g1[2 * ROW_CHUNK][48], g2[ROW_CHUNK][96];
    ck_gt c1[ROW_CHUNK];
    ck_g1 c23[2 * ROW_CHUNK];
    ck_g2 c4[ROW_CHUNK];
    for (size_t x0 = 0; x0 < ct->rows; x0 += ROW_CHUNK) {
        size_t m = ct->rows - x0 < ROW_CHUNK ? ct->rows - x0 : ROW_CHUNK;
        for (size_t j = 0; j < m; j++) {
            const ck_abe_row *row = &ct->row[x0 + j];
            c1[j] = row->c1;
            c23[2 * j] = row->c2;
            c23[2 * j + 1] = row->c3;
            c4[j] = row->c4;
        }
        ck_gt_compress_batch(gt[0], c1, m);
        ck_g1_compress_batch(g1[0], c23, 2 * m);
        ck_g2_compress_batch(g2[0], c4, m);
        for (size_t j = 0; j < m; j++) {
            writer w = {out + (x0 + j) * CK_ABE_ROW_BYTES, 0};
            put_u32(&w, ct->row[x0 + j].epoch);
            put(&w, gt[j], 288);
            put(&w, g1[2 * j], 48);
            put(&w, g1[2 * j + 1], 48);
            put(&w, g2[j], 96);
        }
    }
}

size_t ck_abe_ct_encode(uint8_t *out, const ck_abe_ct *ct)
{
    writer w = {out, 0};
    size_t plen = strlen(ct->policy);
    put(&w, "CKCT", 4);
    put_u8(&w, CK_ABE_VERSION);
    put_u32(&w, (uint32_t)plen);
    put(&w, ct->policy, plen);
    put_u16(&w, (unsigned)ct->rows);
    if (w.p) encode_rows(w.p + w.n, ct);
    return w.n + ct->rows * CK_ABE_ROW_BYTES;
}

/* The policy must parse and be in canonical form, so one ciphertext has
 * exactly one encoding. */
static ck_abe_err decode_policy(ck_abe_ct *t, reader *r)
{
    ck_policy *pol = NULL;
    ck_abe_err rc = CK_ABE_ERR_LENGTH;
    size_t plen = get_u32(r);
    const uint8_t *p;
    if (plen == 0 || plen > CK_POLICY_MAX_BYTES) return r->bad ? CK_ABE_ERR_LENGTH : CK_ABE_ERR_FORMAT;
    if (!(p = take(r, plen))) return rc;
    rc = CK_ABE_ERR_NOMEM;
    if (!(t->policy = malloc(plen + 1))) goto out;
    memcpy(t->policy, p, plen);
    t->policy[plen] = 0;
    rc = CK_ABE_ERR_POLICY;
    if (ck_policy_parse(&pol, t->policy, plen, NULL) != CK_POLICY_OK) goto out;
    {
        char *canon = malloc(plen + 1);
        int same = canon && ck_policy_print(pol, canon, plen + 1) == plen && memcmp(canon, p, plen) == 0;
        free(canon);
        if (!same) goto out;
    }
    if (ck_lsss_build(&t->lsss, pol, NULL) != CK_POLICY_OK) goto out;
    rc = CK_ABE_OK;
out:
    ck_policy_free(pol);
    return rc;
}

/* The rows' group elements, each group in one batch: C2 and C3, then C4
 * (ck_g1_decode_batch, ck_g2_decode_batch: the square roots of eight at a
 * time), then every C1 (ck_gt_decompress_batch shares the field
 * inversions). Each element gets the same checks as alone, exact or with
 * the prime-order tests deferred to decryption; any failure is
 * CK_ABE_ERR_POINT. The caller has checked the length. */
static ck_abe_err decode_rows(ck_abe_ct *t, reader *r, int exact)
{
    size_t n = t->rows ? t->rows : 1;
    const uint8_t **c1 = calloc(n, sizeof(*c1)), **c23 = calloc(2 * n, sizeof(*c23)),
                  **c4 = calloc(n, sizeof(*c4));
    ck_g1 *g1 = calloc(2 * n, sizeof(*g1));
    ck_g2 *g2 = calloc(n, sizeof(*g2));
    ck_gt *gt = calloc(n, sizeof(*gt));
    ck_abe_err rc = CK_ABE_ERR_NOMEM;
    if (!c1 || !c23 || !c4 || !g1 || !g2 || !gt) goto out;
    for (size_t x = 0; x < t->rows; x++) {
        t->row[x].epoch = get_u32(r);
        c1[x] = take(r, 288);
        c23[2 * x] = take(r, 48);
        c23[2 * x + 1] = take(r, 48);
        c4[x] = take(r, 96);
    }
    rc = CK_ABE_ERR_POINT;
    if (ck_g1_decode_batch(g1, c23, 48, 2 * t->rows, exact, NULL) != CK_OK) goto out;
    if (ck_g2_decode_batch(g2, c4, 96, t->rows, exact, NULL) != CK_OK) goto out;
    if ((exact ? ck_gt_decompress_batch(gt, c1, t->rows, NULL)
               : ck_gt_decompress_batch_cyclotomic(gt, c1, t->rows, NULL)) != CK_OK)
        goto out;
    for (size_t x = 0; x < t->rows; x++) {
        t->row[x].c1 = gt[x];
        t->row[x].c2 = g1[2 * x];
        t->row[x].c3 = g1[2 * x + 1];
        t->row[x].c4 = g2[x];
    }
    rc = CK_ABE_OK;
out:
    free(c1);
    free(c23);
    free(c4);
    free(g1);
    free(g2);
    free(gt);
    return rc;
}

static ck_abe_err ct_decode(ck_abe_ct *ct, const uint8_t *in, size_t len, int exact)
{
    reader r = {in, in ? len : 0, 0};
    ck_abe_ct t;
    ck_abe_err rc;
    size_t rows;
    if (!ct) return CK_ABE_ERR_PARAM;
    memset(&t, 0, sizeof(t));
    if ((rc = get_header(&r, "CKCT")) != CK_ABE_OK) return rc;
    if ((rc = decode_policy(&t, &r)) != CK_ABE_OK) goto out;
    rows = get_u16(&r);
    rc = r.bad ? CK_ABE_ERR_LENGTH : CK_ABE_ERR_FORMAT;
    if (r.bad || rows != ck_lsss_rows(t.lsss)) goto out;
    rc = CK_ABE_ERR_LENGTH;
    if (r.left != rows * CK_ABE_ROW_BYTES) goto out;   /* before any point work */
    rc = CK_ABE_ERR_NOMEM;
    if (!(t.row = calloc(rows, sizeof(*t.row)))) goto out;
    t.rows = rows;
    if ((rc = decode_rows(&t, &r, exact)) != CK_ABE_OK) goto out;
    if ((rc = finish(&r)) != CK_ABE_OK) goto out;
    t.membership_deferred = !exact;
    *ct = t;
    return CK_ABE_OK;
out:
    ck_abe_ct_free(&t);
    return rc;
}

ck_abe_err ck_abe_ct_decode(ck_abe_ct *ct, const uint8_t *in, size_t len) { return ct_decode(ct, in, len, 1); }

ck_abe_err ck_abe_ct_decode_for_decrypt(ck_abe_ct *ct, const uint8_t *in, size_t len)
{
    return ct_decode(ct, in, len, 0);
}
