/*
 * directory.c - signed directory documents (carekey/directory.h): epoch
 * tables signed by their authority and authority records signed by the
 * operator. The signing inputs are length-prefixed like the other wire
 * encodings (wire.c), so no two different documents sign the same bytes.
 */
#include "carekey/directory.h"
#include "wbuf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- canonical bytes ------------------------------------------------------ */

/* ---- labels ----------------------------------------------------------------- */

int ck_dir_label_valid(const char *label, const char *authority)
{
    size_t n = label ? strlen(label) : 0, na = authority ? strlen(authority) : 0;
    if (n == 0 || n > CK_DIR_LABEL_MAX || na == 0 || n < na + 2) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)label[i] < 0x20 || (unsigned char)label[i] > 0x7e) return 0;
    return label[n - na - 1] == '@' && memcmp(label + n - na, authority, na) == 0 &&
           memchr(label, '@', n - na - 1) == NULL;
}

static int by_label(const void *a, const void *b)
{
    return strcmp(((const ck_dir_epoch *)a)->label, ((const ck_dir_epoch *)b)->label);
}

static ck_dir_epoch *find(const ck_dir_epochs *t, const char *label)
{
    ck_dir_epoch key;
    if (strlen(label) > CK_DIR_LABEL_MAX || t->n == 0) return NULL;
    snprintf(key.label, sizeof key.label, "%s", label);
    return bsearch(&key, t->labels, t->n, sizeof *t->labels, by_label);
}

/* ---- epoch tables ----------------------------------------------------------- */

static int fail(char err[CK_DIR_ERR_CAP], const char *msg)
{
    if (err) snprintf(err, CK_DIR_ERR_CAP, "%s", msg);
    return -1;
}

static int parse_epochs(ck_dir_epochs *t, json_t *obj, char err[CK_DIR_ERR_CAP])
{
    const char *k;
    json_t *v;
    size_t n = json_object_size(obj), i = 0;
    if (n > CK_DIR_LABELS_MAX) return fail(err, "epochs: too many labels");
    if (n && !(t->labels = calloc(n, sizeof *t->labels))) return fail(err, "out of memory");
    json_object_foreach(obj, k, v) {
        json_int_t e = json_integer_value(v);
        if (!ck_dir_label_valid(k, t->authority)) return fail(err, "epochs: a label is not name@authority");
        if (!json_is_integer(v) || e < 0 || e > (json_int_t)UINT32_MAX)
            return fail(err, "epochs: an epoch is not an integer 0..4294967295");
        snprintf(t->labels[i].label, sizeof t->labels[i].label, "%s", k);
        t->labels[i++].epoch = (uint32_t)e;
    }
    t->n = n;
    if (n) qsort(t->labels, n, sizeof *t->labels, by_label);   /* an empty table has no array */
    return 0;
}

int ck_dir_epochs_parse(ck_dir_epochs *out, const char *authority, const char *text, size_t len,
                        char err[CK_DIR_ERR_CAP])
{
    json_t *j = NULL, *ver, *tm, *eps, *sig;
    json_error_t je;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (!authority || !ck_net_id_valid(authority)) return fail(err, "bad authority name");
    snprintf(out->authority, sizeof out->authority, "%s", authority);
    if (!(j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) || !json_is_object(j)) {
        fail(err, "not a JSON object");
        goto out;
    }
    ver = json_object_get(j, "version");
    tm = json_object_get(j, "time");
    eps = json_object_get(j, "epochs");
    sig = json_object_get(j, "signature");
    if (json_object_size(j) != 4 || !ver || !tm || !eps || !sig) {
        fail(err, "expected exactly version, time, epochs and signature");
        goto out;
    }
    if (!json_is_integer(ver) || json_integer_value(ver) < 1 || !json_is_integer(tm) || json_integer_value(tm) < 0) {
        fail(err, "version: integer >= 1; time: Unix ms");
        goto out;
    }
    if (!json_is_string(sig) || ck_net_unhex(out->signature, 64, json_string_value(sig)) != 0) {
        fail(err, "signature: 128 hex digits");
        goto out;
    }
    if (!json_is_object(eps)) {
        fail(err, "epochs: an object");
        goto out;
    }
    out->version = (uint64_t)json_integer_value(ver);
    out->time_ms = (uint64_t)json_integer_value(tm);
    if (parse_epochs(out, eps, err) != 0) goto out;
    rc = 0;
out:
    json_decref(j);
    if (rc != 0) ck_dir_epochs_free(out);
    return rc;
}

char *ck_dir_epochs_json(const ck_dir_epochs *t)
{
    json_t *eps = json_object(), *j;
    char hex[129], *s = NULL;
    if (!eps) return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (json_object_set_new(eps, t->labels[i].label, json_integer(t->labels[i].epoch)) != 0) {
            json_decref(eps);
            return NULL;
        }
    ck_net_hex(hex, t->signature, 64);
    j = json_pack("{s:I,s:I,s:o,s:s}", "version", (json_int_t)t->version, "time", (json_int_t)t->time_ms,
                  "epochs", eps, "signature", hex);
    if (j) s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

int ck_dir_epochs_tbs(const ck_dir_epochs *t, uint8_t **out, size_t *len)
{
    size_t cap = 64 + strlen(t->authority) + 24, i;
    ck_wbuf b;
    for (i = 0; i < t->n; i++) cap += 8 + strlen(t->labels[i].label);
    if (!(b.p = malloc(cap))) return -1;
    b.cap = cap;
    b.len = 0;
    b.overflow = 0;
    ck_wbuf_str(&b, "carekey-epochs-v1");
    ck_wbuf_str(&b, t->authority);
    ck_wbuf_u64(&b, t->version);
    ck_wbuf_u64(&b, t->time_ms);
    ck_wbuf_u32(&b, (uint32_t)t->n);
    for (i = 0; i < t->n; i++) {
        ck_wbuf_str(&b, t->labels[i].label);
        ck_wbuf_u32(&b, t->labels[i].epoch);
    }
    if (b.overflow) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

int ck_dir_epochs_sign(ck_dir_epochs *t, const uint8_t sk[32])
{
    uint8_t *tbs;
    size_t len;
    int rc;
    if (ck_dir_epochs_tbs(t, &tbs, &len) != 0) return -1;
    rc = ck_net_ed25519_sign(t->signature, tbs, len, sk);
    free(tbs);
    return rc;
}

int ck_dir_epochs_verify(const ck_dir_epochs *t, const uint8_t pk[32])
{
    uint8_t *tbs;
    size_t len;
    int rc;
    if (ck_dir_epochs_tbs(t, &tbs, &len) != 0) return -1;
    rc = ck_net_ed25519_verify(t->signature, tbs, len, pk);
    free(tbs);
    return rc;
}

int ck_dir_epochs_set(ck_dir_epochs *t, const char *label, uint32_t epoch)
{
    ck_dir_epoch *e = find(t, label), *nv;
    if (e) {
        e->epoch = epoch;
        return 0;
    }
    if (!ck_dir_label_valid(label, t->authority) || t->n >= CK_DIR_LABELS_MAX) return -1;
    if (!(nv = realloc(t->labels, (t->n + 1) * sizeof *nv))) return -1;
    t->labels = nv;
    snprintf(nv[t->n].label, sizeof nv[t->n].label, "%s", label);
    nv[t->n++].epoch = epoch;
    qsort(t->labels, t->n, sizeof *t->labels, by_label);
    return 0;
}

int ck_dir_epochs_get(const ck_dir_epochs *t, const char *label, uint32_t *epoch)
{
    const ck_dir_epoch *e = find(t, label);
    const char *hash = strchr(label, '#'), *at = strrchr(label, '@');
    char base[CK_DIR_LABEL_MAX + 1];
    if (!e && hash && at && hash < at && (size_t)(hash - label) + strlen(at) <= CK_DIR_LABEL_MAX) {
        /* a numeric attribute's bit "level#b3=1@hosp" follows "level@hosp" */
        snprintf(base, sizeof base, "%.*s%s", (int)(hash - label), label, at);
        e = find(t, base);
    }
    if (!e) return -1;
    *epoch = e->epoch;
    return 0;
}

void ck_dir_epochs_free(ck_dir_epochs *t)
{
    free(t->labels);
    t->labels = NULL;
    t->n = 0;
}

/* ---- authority records ---------------------------------------------------------- */

int ck_dir_authority_tbs(uint8_t *out, size_t cap, size_t *len, const ck_dir_authority *a)
{
    ck_wbuf b = {out, cap, 0, 0};
    uint8_t h[32];
    if (!a->name || !a->organization || !a->sign_pk || !a->abe_pk || !ck_net_id_valid(a->name) ||
        !ck_net_id_valid(a->organization))
        return -1;
    ck_net_sha256(h, a->abe_pk, a->abe_pk_len);
    ck_wbuf_str(&b, "carekey-authority-v1");
    ck_wbuf_str(&b, a->name);
    ck_wbuf_put(&b, a->sign_pk, 32);
    ck_wbuf_put(&b, h, 32);
    ck_wbuf_str(&b, a->organization);
    ck_wbuf_u64(&b, a->signed_at_ms);
    if (b.overflow) return -1;
    *len = b.len;
    return 0;
}

int ck_dir_authority_sign(uint8_t sig[64], const ck_dir_authority *a, const uint8_t operator_sk[32])
{
    uint8_t tbs[CK_DIR_AUTHORITY_TBS_MAX];
    size_t len;
    if (ck_dir_authority_tbs(tbs, sizeof tbs, &len, a) != 0) return -1;
    return ck_net_ed25519_sign(sig, tbs, len, operator_sk);
}

int ck_dir_authority_verify(const ck_dir_authority *a, const uint8_t sig[64], const uint8_t operator_pk[32])
{
    uint8_t tbs[CK_DIR_AUTHORITY_TBS_MAX];
    size_t len;
    if (ck_dir_authority_tbs(tbs, sizeof tbs, &len, a) != 0) return -1;
    return ck_net_ed25519_verify(sig, tbs, len, operator_pk);
}
