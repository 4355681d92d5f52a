/*
 * api_authorities.c - authority records and their epoch tables, both
 * signed (carekey/directory.h): the operator signs each authority record
 * (name, signing key, ABE public key, organization), the authority signs
 * its epoch table. carekeyd checks both before it stores them, as a
 * second layer: clients verify the signatures themselves, since neither
 * the server nor its operator is trusted (docs/THREAT-MODEL.md).
 */
#include "ckd.h"

#include "carekey/directory.h"

#include <stdlib.h>
#include <string.h>

int ckd_authority_sig_ok(ckd_server *s, const ck_store_authority *a)
{
    ck_dir_authority d;
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    int rc = -1;
    if (!s->cfg.have_admin || !a->has_sig || a->abe_pk == NULL ||
        ck_net_unb64(&raw, &rawlen, a->abe_pk, strlen(a->abe_pk)) != 0)
        goto out;
    d.name = a->name;
    d.sign_pk = a->sign_pk;
    d.abe_pk = raw;
    d.abe_pk_len = rawlen;
    d.organization = a->organization;
    d.signed_at_ms = (uint64_t)a->signed_at;
    rc = ck_dir_authority_verify(&d, a->operator_sig, s->cfg.admin_pk) == 0 ? 0 : -1;
out:
    free(raw);
    return rc;
}

int ckd_epochs_check(ckd_req *r, const char *authority, const uint8_t pk[32], const char *text, size_t len,
                     char **canon, uint64_t *version, enum MHD_Result *res)
{
    ck_dir_epochs t;
    char err[CK_DIR_ERR_CAP], msg[CK_DIR_ERR_CAP + 32];
    *canon = NULL;
    if (ck_dir_epochs_parse(&t, authority, text, len, err) != 0) {
        snprintf(msg, sizeof msg, "epoch table: %s", err);
        *res = ckd_fail(r, CKD_E_BAD_FIELD, msg);
        return -1;
    }
    if (ck_dir_epochs_verify(&t, pk) != 0) {
        ck_dir_epochs_free(&t);
        *res = ckd_fail(r, CKD_E_BAD_DOC_SIG, "the epoch table's signature is not the authority's");
        return -1;
    }
    *version = t.version;
    *canon = ck_dir_epochs_json(&t);
    ck_dir_epochs_free(&t);
    if (*canon == NULL) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
        return -1;
    }
    return 0;
}

json_t *ckd_authority_json(const ck_store_authority *a)
{
    json_t *table = a->epoch_table ? json_loads(a->epoch_table, JSON_REJECT_DUPLICATES, NULL) : json_null();
    return json_pack("{s:s,s:o,s:s,s:s,s:I,s:o,s:o,s:I,s:I}", "name", a->name, "signing_key",
                     ckd_hex_json(a->sign_pk, 32), "abe_public_key", a->abe_pk, "organization", a->organization,
                     "signed_at", (json_int_t)a->signed_at, "operator_signature",
                     a->has_sig ? ckd_hex_json(a->operator_sig, 64) : json_null(), "epoch_table",
                     table ? table : json_null(), "created_at", (json_int_t)a->created_at, "updated_at",
                     (json_int_t)a->updated_at);
}

/* The record fields of a body into a (strings point into j). 0, or a 400
 * was queued. */
static int record_fields(ckd_req *r, json_t *j, ck_store_authority *a, enum MHD_Result *res)
{
    const char *name = ckd_json_str(j, "name", CK_NET_ID_MAX);
    const char *org = ckd_json_str(j, "organization", CK_NET_ID_MAX);
    const char *abe = ckd_json_str(j, "abe_public_key", (size_t)r->srv->cfg.max_body);
    json_t *at = json_object_get(j, "signed_at");
    uint8_t *raw = NULL;
    size_t rawlen;
    memset(a, 0, sizeof *a);
    if (!name || !ck_net_id_valid(name)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "name: 1-128 of [A-Za-z0-9._@-]");
    } else if (ckd_json_hex(j, "signing_key", a->sign_pk, 32)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "signing_key: 64 hex digits");
    } else if (!abe || ck_net_unb64(&raw, &rawlen, abe, strlen(abe)) != 0) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "abe_public_key: base64");
    } else if (!org || !ck_net_id_valid(org)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "organization: the GID that runs the authority");
    } else {
        snprintf(a->name, sizeof a->name, "%s", name);
        snprintf(a->organization, sizeof a->organization, "%s", org);
        a->abe_pk = (char *)abe;
        free(raw);
        if (at == NULL) return 0; /* enrollment requests: the operator signs on approval */
        if (!json_is_integer(at) || json_integer_value(at) < 0) {
            *res = ckd_fail(r, CKD_E_BAD_FIELD, "signed_at: Unix ms");
            return -1;
        }
        a->signed_at = (int64_t)json_integer_value(at);
        return 0;
    }
    free(raw);
    return -1;
}

int ckd_authority_parse(ckd_req *r, json_t *j, ck_store_authority *a, enum MHD_Result *res)
{
    json_t *table = json_object_get(j, "epoch_table");
    char *text;
    int rc;
    if (record_fields(r, j, a, res) != 0) return -1;
    if (table == NULL || json_is_null(table)) return 0;
    if (!json_is_object(table)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "epoch_table: a signed epoch table object");
        return -1;
    }
    if ((text = json_dumps(table, JSON_COMPACT)) == NULL) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
        return -1;
    }
    rc = ckd_epochs_check(r, a->name, a->sign_pk, text, strlen(text), &a->epoch_table, &a->epoch_version, res);
    free(text);
    return rc;
}

enum MHD_Result ckd_api_authority_add(ckd_req *r)
{
    static const char *const fields[] = {"name", "signing_key", "abe_public_key", "organization", "signed_at",
                                         "operator_signature", "epoch_table", NULL};
    enum MHD_Result res;
    ck_store_authority a;
    json_t *j;
    ck_store_rc rc;

    memset(&a, 0, sizeof a);
    if (r->caller_kind != CKD_CALLER_ADMIN)
        return ckd_fail(r, CKD_E_ADMIN_ONLY, "only the operator registers authorities");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    if (ckd_authority_parse(r, j, &a, &res) != 0) goto out;
    /* Unsigned registrations are refused: clients trust only what the operator signed. */
    if (!json_object_get(j, "signed_at") || ckd_json_hex(j, "operator_signature", a.operator_sig, 64) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "signed_at and operator_signature (128 hex digits) are required");
        goto out;
    }
    a.has_sig = 1;
    if (ckd_authority_sig_ok(r->srv, &a) != 0) {
        res = ckd_fail(r, CKD_E_BAD_DOC_SIG, "operator_signature does not verify with the operator's key");
        goto out;
    }
    a.created_at = a.updated_at = ckd_now_ms();
    rc = ck_store_authority_add(r->srv->store, &a);
    res = rc == CK_STORE_OK ? ckd_reply(r, 201, ckd_authority_json(&a)) : ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    if (rc == CK_STORE_OK) ckd_log(CKD_INFO, "authority registered", "%s", "");
out:
    free(a.epoch_table); /* abe_pk points into j */
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_authority_get(ckd_req *r, const char *name)
{
    ck_store_authority a;
    enum MHD_Result res;
    ck_store_rc rc = ck_store_authority_get(r->srv->store, name, &a);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_AUTHORITY_NOT_FOUND);
    res = ckd_reply(r, 200, ckd_authority_json(&a));
    ck_store_authority_clear(&a);
    return res;
}

/* The authority itself publishes a newer signed table (revocation); the
 * operator may relay one. Either way the authority's key must have signed it. */
enum MHD_Result ckd_api_authority_epochs(ckd_req *r, const char *name)
{
    enum MHD_Result res;
    ck_store_authority a;
    char *canon = NULL;
    uint64_t version;
    ck_store_rc rc;
    int self = r->caller_kind == CKD_CALLER_AUTHORITY && !strcmp(r->caller + 10, name);

    if (!self && r->caller_kind != CKD_CALLER_ADMIN)
        return ckd_fail(r, CKD_E_FORBIDDEN, "only the authority or the operator publishes its epochs");
    if ((rc = ck_store_authority_get(r->srv->store, name, &a)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_AUTHORITY_NOT_FOUND);
    if (r->body_len == 0 || memchr(r->body, 0, r->body_len)) {
        res = ckd_fail(r, CKD_E_BAD_JSON, "a signed epoch table is required");
    } else if (ckd_epochs_check(r, name, a.sign_pk, r->body, r->body_len, &canon, &version, &res) == 0) {
        rc = ck_store_authority_set_epochs(r->srv->store, name, canon, version, ckd_now_ms());
        if (rc == CK_STORE_STALE)
            res = ckd_fail(r, CKD_E_STALE_VERSION, "the stored epoch table is as new or newer");
        else if (rc != CK_STORE_OK)
            res = ckd_store_fail(r, rc, CKD_E_AUTHORITY_NOT_FOUND);
        else
            res = ckd_api_authority_get(r, name);
    }
    free(canon);
    ck_store_authority_clear(&a);
    return res;
}
