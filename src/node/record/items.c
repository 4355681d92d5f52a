/*
 * src/node/record/items.c - small pieces the record operations share:
 * payload items, section names, times as text, who the patient is.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/record/record_impl.h"

void ck_node_time_text(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(out, 32, "%llu",
                                                                                        (unsigned long long)ms);
}

int ck_node_valid_section(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static int valid_fhir_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.')) return 0;
    return 1;
}

/* One item {"type","id","resource"[,"fullUrl","id_assigned"]} from a
 * resource or an item. An item's resource may have no id (imported from a
 * transaction's create): the item's own id names it. */
static json_t *as_item(json_t *x, const char *fallback_type, const char *fallback_id)
{
    json_t *res = x, *it;
    const char *type, *id;
    if (json_is_object(x) && json_is_object(json_object_get(x, "resource"))) res = json_object_get(x, "resource");
    if (!json_is_object(res)) return NULL;
    type = json_string_value(json_object_get(res, "resourceType"));
    if (!type) type = fallback_type;
    id = json_string_value(json_object_get(res, "id"));
    if (!valid_fhir_id(id) && res != x) id = json_string_value(json_object_get(x, "id"));
    if (!valid_fhir_id(id)) id = fallback_id;
    if (!type) return NULL;
    it = json_pack("{s:s,s:s,s:O}", "type", type, "id", id, "resource", res);
    if (it && res != x && json_is_string(json_object_get(x, "fullUrl")))
        json_object_set(it, "fullUrl", json_object_get(x, "fullUrl"));
    if (it && res != x && json_is_true(json_object_get(x, "id_assigned")) && !json_object_get(res, "id"))
        json_object_set(it, "id_assigned", json_true());
    return it;
}

json_t *ck_node_payload_items(json_t *payload, const char *fallback_type)
{
    json_t *arr = json_array(), *v;
    size_t i;
    char fid[32];
    if (!arr) return NULL;
    if (json_is_array(payload)) {
        json_array_foreach(payload, i, v) {
            json_t *it;
            snprintf(fid, sizeof fid, "item-%zu", i);
            if ((it = as_item(v, NULL, fid))) json_array_append_new(arr, it);
        }
    } else if (json_is_object(payload) && json_object_get(payload, "resourceType")) {
        json_t *it = as_item(payload, fallback_type, "item-0");
        if (it) json_array_append_new(arr, it);
    }
    return arr;
}

int ck_node_is_patient(ck_node *c, const char *patient)
{
    return c->s->kr && strcmp(ck_keyring_identity(c->s->kr)->gid, patient) == 0;
}
