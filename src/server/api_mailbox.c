/*
 * api_mailbox.c - sealed key deliveries. Authorities deposit opaque sealed
 * blobs (X25519-sealed to the recipient, so the server cannot open them);
 * the recipient lists them and deletes each (DELETE is the acknowledgement,
 * and works on any message in her mailbox, wanted or not).
 *
 * Flooding: only known kinds are taken, and each sender has a quota of
 * pending messages per recipient (--mailbox-per-sender) below the
 * mailbox's total (--mailbox-max), so one sender never fills a mailbox
 * and real deliveries from others still land.
 */
#include "ckd.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kinds of message there are; anything else is refused. */
static int kind_known(const char *kind) { return kind && !strcmp(kind, "key-delivery"); }

enum MHD_Result ckd_api_mail_put(ckd_req *r, const char *gid)
{
    static const char *const fields[] = {"kind", "payload", NULL};
    enum MHD_Result res;
    ck_store_mail m;
    ck_store_user u;
    const char *kind, *payload;
    json_t *j;
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_AUTHORITY) return ckd_fail(r, CKD_E_FORBIDDEN, "only authorities deposit");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&m, 0, sizeof m);
    kind = ckd_json_str(j, "kind", 32);
    payload = ckd_json_str(j, "payload", (size_t)r->srv->cfg.max_body);
    if (!kind_known(kind)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "kind: key-delivery");
    } else if (!payload || ck_net_unb64(&m.payload, &m.payload_len, payload, strlen(payload)) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "payload: non-empty base64");
    } else if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else {
        snprintf(m.recipient, sizeof m.recipient, "%s", gid);
        snprintf(m.sender, sizeof m.sender, "%s", r->caller);
        snprintf(m.kind, sizeof m.kind, "%s", kind);
        m.created_at = ckd_now_ms();
        rc = ck_store_mail_put(r->srv->store, &m, (size_t)r->srv->cfg.mailbox_max,
                               (size_t)r->srv->cfg.mailbox_per_sender);
        res = rc == CK_STORE_OK ? ckd_reply(r, 201, json_pack("{s:I}", "id", (json_int_t)m.id))
                                : ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    }
    if (m.payload) OPENSSL_cleanse(m.payload, m.payload_len);
    free(m.payload);
    json_decref(j);
    return res;
}

static int own_mailbox(ckd_req *r, const char *gid)
{
    return r->caller_kind == CKD_CALLER_USER && strcmp(r->caller, gid) == 0;
}

enum MHD_Result ckd_api_mail_list(ckd_req *r, const char *gid)
{
    uint64_t after, limit;
    ck_store_mail *v = NULL;
    size_t n = 0;
    json_t *arr;
    ck_store_rc rc;
    int more;

    if (!own_mailbox(r, gid)) return ckd_fail(r, CKD_E_FORBIDDEN, "a mailbox is read by its owner only");
    if (ckd_param_u64(r, "after", 0, 0, INT64_MAX, &after) || ckd_param_u64(r, "limit", 100, 1, INT64_MAX, &limit))
        return ckd_fail(r, CKD_E_BAD_PARAM, "after: 0..2^63-1; limit: 1..2^63-1");
    if (limit > (uint64_t)r->srv->cfg.page_max) limit = (uint64_t)r->srv->cfg.page_max;
    if ((rc = ck_store_mail_list(r->srv->store, gid, (int64_t)after, (size_t)limit + 1, &v, &n)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    more = n > limit;
    arr = json_array();
    for (size_t i = 0; arr && i < n && i < limit; i++)
        json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:o,s:I}", "id", (json_int_t)v[i].id, "sender",
                                             v[i].sender, "kind", v[i].kind, "payload",
                                             ckd_b64_json(v[i].payload, v[i].payload_len), "created_at",
                                             (json_int_t)v[i].created_at));
    ck_store_mail_free(v, n);
    return ckd_reply(r, 200, arr ? json_pack("{s:o,s:b}", "messages", arr, "more", more) : NULL);
}

enum MHD_Result ckd_api_mail_ack(ckd_req *r, const char *gid, const char *ids)
{
    uint64_t id;
    ck_store_rc rc;
    if (!own_mailbox(r, gid)) return ckd_fail(r, CKD_E_FORBIDDEN, "a mailbox is read by its owner only");
    if (ckd_parse_u64(ids, INT64_MAX, &id) != 0) return ckd_fail(r, CKD_E_BAD_PARAM, "message id: 1..2^63-1");
    if ((rc = ck_store_mail_ack(r->srv->store, gid, (int64_t)id, ckd_now_ms())) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_MESSAGE_NOT_FOUND);
    return ckd_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "acked", 1));
}
