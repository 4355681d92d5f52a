/*
 * src/seal/seal_format.c - the envelope's byte layout (docs/FORMAT.md,
 * "Envelope"): framing checks, decoding, and reading the policy without
 * opening. All lengths are checked before any group element is decoded,
 * so every truncated or oversized input fails fast with CK_SEAL_ERR_LENGTH.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "seal/seal_internal.h"

const char *ck_seal_strerror(ck_seal_err e)
{
    switch (e) {
    case CK_SEAL_OK: return "ok";
    case CK_SEAL_ERR_PARAM: return "invalid argument";
    case CK_SEAL_ERR_POLICY: return "invalid policy";
    case CK_SEAL_ERR_NO_AUTHORITY: return "no public key for an authority named in the policy";
    case CK_SEAL_ERR_UNSATISFIED: return "the key does not satisfy the policy";
    case CK_SEAL_ERR_AUTH: return "authentication failed (wrong key, modified data or different associated data)";
    case CK_SEAL_ERR_FORMAT: return "malformed envelope";
    case CK_SEAL_ERR_LENGTH: return "truncated envelope or trailing bytes";
    case CK_SEAL_ERR_HEADER: return "malformed ABE header in the envelope";
    case CK_SEAL_ERR_LIMIT: return "too many payloads or a payload too large";
    case CK_SEAL_ERR_BUFFER: return "buffer too small";
    case CK_SEAL_ERR_NOMEM: return "out of memory";
    case CK_SEAL_ERR_RANDOM: return "the system random generator failed";
    case CK_SEAL_ERR_CRYPTO: return "cryptographic library failure";
    }
    return "unknown error";
}

ck_seal_err ck_seal_from_abe(ck_abe_err e)
{
    switch (e) {
    case CK_ABE_OK: return CK_SEAL_OK;
    case CK_ABE_ERR_PARAM: return CK_SEAL_ERR_PARAM;
    case CK_ABE_ERR_POLICY: return CK_SEAL_ERR_POLICY;
    case CK_ABE_ERR_UNSATISFIED: return CK_SEAL_ERR_UNSATISFIED;
    case CK_ABE_ERR_NO_AUTHORITY: return CK_SEAL_ERR_NO_AUTHORITY;
    case CK_ABE_ERR_NOMEM: return CK_SEAL_ERR_NOMEM;
    case CK_ABE_ERR_RANDOM: return CK_SEAL_ERR_RANDOM;
    case CK_ABE_ERR_FORMAT:
    case CK_ABE_ERR_LENGTH:
    case CK_ABE_ERR_POINT: return CK_SEAL_ERR_HEADER;
    }
    return CK_SEAL_ERR_HEADER;
}

void ck_seal_frame_free(ck_seal_frame *fr)
{
    free(fr->pl);
    memset(fr, 0, sizeof(*fr));
}

ck_seal_err ck_seal_frame_parse(ck_seal_frame *fr, const uint8_t *in, size_t len)
{
    ck_seal_frame t;
    ck_seal_err rc = CK_SEAL_ERR_LENGTH;
    size_t off;
    uint64_t hlen, count;

    memset(&t, 0, sizeof(t));
    if (!in) return len ? CK_SEAL_ERR_PARAM : CK_SEAL_ERR_LENGTH;
    /* magic and version first, so "not an envelope" is said as early as
     * the bytes allow */
    if (len >= 4 && memcmp(in, CK_SEAL_MAGIC, 4) != 0) return CK_SEAL_ERR_FORMAT;
    if (len >= 5 && in[4] != CK_SEAL_VERSION) return CK_SEAL_ERR_FORMAT;
    if (len < CK_SEAL_PREFIX_BYTES) return CK_SEAL_ERR_LENGTH;
    hlen = ck_seal_get_u32(in + 5);
    if (hlen == 0 || hlen > CK_SEAL_MAX_HEADER_BYTES) return CK_SEAL_ERR_FORMAT;
    off = CK_SEAL_PREFIX_BYTES;
    if (len - off < hlen) return CK_SEAL_ERR_LENGTH;
    t.hdr_off = off;
    t.hdr_len = (size_t)hlen;
    off += (size_t)hlen;
    if (len - off < CK_SEAL_WRAP_BYTES + 4) return CK_SEAL_ERR_LENGTH;
    t.wrap_off = off;
    off += CK_SEAL_WRAP_BYTES;
    t.count_off = off;
    count = ck_seal_get_u32(in + off);
    off += 4;
    if (count == 0 || count > CK_SEAL_MAX_PAYLOADS) return CK_SEAL_ERR_FORMAT;
    /* every payload needs at least its overhead: refuse absurd counts
     * before allocating */
    if ((len - off) / CK_SEAL_PAYLOAD_OVERHEAD < count) return CK_SEAL_ERR_LENGTH;
    if (!(t.pl = calloc((size_t)count, sizeof(*t.pl)))) return CK_SEAL_ERR_NOMEM;
    t.n = (size_t)count;
    for (size_t i = 0; i < t.n; i++) {
        uint64_t plen;
        if (len - off < 8) goto out;
        plen = ck_seal_get_u64(in + off);
        off += 8;
        rc = CK_SEAL_ERR_FORMAT;
        if (plen > CK_SEAL_MAX_PAYLOAD_BYTES) goto out;
        rc = CK_SEAL_ERR_LENGTH;
        if (len - off < CK_SEAL_NONCE_BYTES + CK_SEAL_TAG_BYTES ||
            len - off - CK_SEAL_NONCE_BYTES - CK_SEAL_TAG_BYTES < plen)
            goto out;
        t.pl[i].off = off;
        t.pl[i].len = (size_t)plen;
        off += CK_SEAL_NONCE_BYTES + (size_t)plen + CK_SEAL_TAG_BYTES;
    }
    if (off != len) goto out;    /* trailing bytes */
    *fr = t;
    return CK_SEAL_OK;
out:
    ck_seal_frame_free(&t);
    return rc;
}

ck_seal_err ck_seal_decode(ck_seal_env **out, const uint8_t *in, size_t len)
{
    ck_seal_env *env = NULL;
    ck_seal_err rc;
    if (!out) return CK_SEAL_ERR_PARAM;
    *out = NULL;
    if (!(env = calloc(1, sizeof(*env)))) return CK_SEAL_ERR_NOMEM;
    if ((rc = ck_seal_frame_parse(&env->fr, in, len)) != CK_SEAL_OK) goto out;
    rc = CK_SEAL_ERR_NOMEM;
    if (!(env->bytes = malloc(len))) goto out;
    memcpy(env->bytes, in, len);
    env->len = len;
    /* an envelope is decoded to be opened: the header's prime-order tests
     * are left to ck_abe_decrypt, which makes the ones its result needs */
    rc = ck_seal_from_abe(ck_abe_ct_decode_for_decrypt(&env->ct, env->bytes + env->fr.hdr_off, env->fr.hdr_len));
    if (rc == CK_SEAL_ERR_NOMEM || rc == CK_SEAL_OK) goto out;
    rc = CK_SEAL_ERR_HEADER;
out:
    if (rc != CK_SEAL_OK) ck_seal_env_free(env);
    else *out = env;
    return rc;
}

void ck_seal_env_free(ck_seal_env *env)
{
    if (!env) return;
    ck_abe_ct_free(&env->ct);
    ck_seal_frame_free(&env->fr);
    free(env->bytes);
    free(env);
}

size_t ck_seal_env_count(const ck_seal_env *env) { return env ? env->fr.n : 0; }

size_t ck_seal_env_payload_len(const ck_seal_env *env, size_t i)
{
    return env && i < env->fr.n ? env->fr.pl[i].len : 0;
}

const char *ck_seal_env_policy(const ck_seal_env *env) { return env ? env->ct.policy : NULL; }

const ck_abe_ct *ck_seal_env_header(const ck_seal_env *env) { return env ? &env->ct : NULL; }

/* The ABE header starts "CKCT" | version | u32 policy length | policy
 * (maabe_codec.c); only that part is read here. */
ck_seal_err ck_seal_policy_text(char *buf, size_t cap, size_t *len, const uint8_t *in, size_t in_len)
{
    ck_seal_frame fr;
    ck_policy *pol = NULL;
    const uint8_t *h;
    char *canon = NULL;
    size_t plen;
    ck_seal_err rc;

    if (!len || (cap && !buf)) return CK_SEAL_ERR_PARAM;
    if ((rc = ck_seal_frame_parse(&fr, in, in_len)) != CK_SEAL_OK) return rc;
    h = in + fr.hdr_off;
    rc = CK_SEAL_ERR_HEADER;
    if (fr.hdr_len < 9 || memcmp(h, "CKCT", 4) != 0 || h[4] != 1) goto out;
    plen = ck_seal_get_u32(h + 5);
    if (plen == 0 || plen > CK_POLICY_MAX_BYTES || plen > fr.hdr_len - 9) goto out;
    /* canonical text only: the same check ck_abe_ct_decode makes */
    if (ck_policy_parse(&pol, (const char *)h + 9, plen, NULL) != CK_POLICY_OK) goto out;
    rc = CK_SEAL_ERR_NOMEM;
    if (!(canon = malloc(plen + 1))) goto out;
    rc = CK_SEAL_ERR_HEADER;
    if (ck_policy_print(pol, canon, plen + 1) != plen || memcmp(canon, h + 9, plen) != 0) goto out;
    *len = plen;
    rc = CK_SEAL_ERR_BUFFER;
    if (cap <= plen) {
        if (cap) buf[0] = 0;
        goto out;
    }
    memcpy(buf, canon, plen + 1);
    rc = CK_SEAL_OK;
out:
    free(canon);
    ck_policy_free(pol);
    ck_seal_frame_free(&fr);
    return rc;
}
