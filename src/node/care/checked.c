/*
 * src/node/care/checked.c - writing one care resource, and the
 * check-then-write loop.
 *
 * A checked write appends on the exact head its checks were made on: the
 * server refuses it (409 head_mismatch) when anyone wrote in between, and
 * the operation reads again and checks again. That is what keeps a bed, a
 * slot, a theatre or a prescription's last fill from being given twice.
 * CK_NODE_CARE_STALE, the "read again" answer, never leaves the node.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/care/care_impl.h"

#define CARE_RETRIES 8

void ck_node_care_writer_init(ck_node_care_writer *w, ck_node *c)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    ck_node_sharing_init(&w->sharing);
    ck_node_sealer_init(&w->sealer, c, 0);
}

void ck_node_care_writer_free(ck_node_care_writer *w)
{
    ck_node_sealer_free(&w->sealer);
    ck_node_sharing_free(&w->sharing);
    memset(w, 0, sizeof *w);
}

/* One append on exactly *expect: CK_NODE_CARE_STALE when the head moved. */
static int append_on(ck_node *c, const char *record, const char *section, const char *type, const uint8_t *env,
                     size_t env_len, const ck_net_head *expect, ck_net_head *out)
{
    uint64_t t;
    if (ck_node_net(c) != 0 || ck_node_append_time(c, record, expect, &t) != 0) return -1;
    if (ck_net_append(c->net, record, section, type, expect->hash, t, env, env_len, out) == 0) return 0;
    if (ck_net_status(c->net) == 409 && !strcmp(ck_net_error_code(c->net), "head_mismatch")) return CK_NODE_CARE_STALE;
    return ck_node_fail_net(c, c->net, "appending");
}

/* The entry type of a payload: the resource's type, or the one type all
 * resources of an array share (a batch such as a day's Slots: one entry,
 * which ck_node_payload_items splits into items again). NULL otherwise. */
static const char *payload_type(const json_t *payload)
{
    const char *type;
    size_t i;
    const json_t *r;
    if (!json_is_array(payload)) return json_string_value(json_object_get(payload, "resourceType"));
    type = json_string_value(json_object_get(json_array_get(payload, 0), "resourceType"));
    json_array_foreach(payload, i, r) {
        const char *t = json_string_value(json_object_get(r, "resourceType"));
        if (!t || !type || strcmp(t, type)) return NULL;
    }
    return type;
}

int ck_node_care_put(ck_node_care_writer *w, const char *record, const char *section, const json_t *resource,
                     const char *policy, const ck_net_head *expect, ck_net_head *out)
{
    ck_node *c = w->c;
    const char *type = payload_type(resource);
    char *text = NULL, *own_policy = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_seal_policy pol;
    ck_policy_error pe;
    ck_net_head head;
    int rc = -1;

    if (!type || !ck_node_valid_section(section))
        return ck_node_fail(c, CK_NODE_E_REFUSED, "internal", "internal: a resource without resourceType or a bad section");
    if (ck_node_net(c) != 0) return -1;
    if (!policy) {
        if (ck_node_section_policy(c, &w->sharing, record, section, &own_policy) != 0) return -1;
        policy = own_policy;
    }
    if (!(text = ck_fhir_json_dump(resource, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)))) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    memset(&pe, 0, sizeof pe);
    if (ck_node_sealer_policy(&w->sealer, policy, &pol) != 0) goto out;
    if (ck_rec_seal(&env, &env_len, record, section, type, (const uint8_t *)text, strlen(text), &pol, 0, NULL, &pe) !=
        CK_REC_OK) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "seal_failed", "sealing failed%s%s", pe.msg[0] ? ": " : "", pe.msg);
        goto out;
    }
    rc = expect ? append_on(c, record, section, type, env, env_len, expect, &head)
                : ck_node_append(c, record, section, type, env, env_len, &head);
    if (rc != 0) goto out;
    if (out) *out = head;
    rc = ck_node_after_write(c, record);
out:
    if (text) ck_node_free_str(text);
    free(env);
    free(own_policy);
    return rc;
}

int ck_node_care_retry(ck_node *c, int (*step)(void *arg), void *arg)
{
    for (int attempt = 0; attempt < CARE_RETRIES; attempt++) {
        int rc = step(arg);
        if (rc != CK_NODE_CARE_STALE) return rc;
        usleep((useconds_t)(1000 * (1 << attempt))); /* someone wrote meanwhile: read and check again */
    }
    return ck_node_fail(c, CK_NODE_E_CONFLICT, "record_busy",
                        "the record kept changing while checking (%d attempts); try again", CARE_RETRIES);
}
