/*
 * src/node/authority/registry.c - the holder registry of an authority,
 * HOME/authorities/NAME.json: who holds which attribute (numeric ones with
 * their value), so that a revocation can re-issue to the others, and the
 * authority's latest signed epoch table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/authority/authority_impl.h"

#define REGISTRY_DIR "authorities"
#define REGISTRY_MAX ((size_t)64 << 20)

static void registry_path(const ck_node *n, char *out, const char *name) /* out: PATH_MAX */
{
    snprintf(out, PATH_MAX, "%s/%s/%s.json", ck_node_home(n), REGISTRY_DIR, name);
}

static json_t *registry_new(const char *name)
{
    return json_pack("{s:s,s:{},s:{}}", "authority", name, "attributes", "numeric");
}

/* Shape check: a damaged registry must not make revoke skip holders. */
static int registry_valid(const json_t *reg, const char *name)
{
    const json_t *attrs = json_object_get(reg, "attributes"), *num = json_object_get(reg, "numeric");
    const char *k, *g;
    json_t *v, *w;
    size_t i;
    if (!json_is_object(reg) || !json_is_string(json_object_get(reg, "authority")) ||
        strcmp(json_string_value(json_object_get(reg, "authority")), name) != 0 || !json_is_object(attrs) ||
        !json_is_object(num))
        return 0;
    if (json_object_get(reg, "epoch_table") && !json_is_object(json_object_get(reg, "epoch_table"))) return 0;
    json_object_foreach((json_t *)attrs, k, v) {
        if (!json_is_array(v)) return 0;
        json_array_foreach(v, i, w) if (!json_is_string(w)) return 0;
    }
    json_object_foreach((json_t *)num, k, v) {
        if (!json_is_object(v)) return 0;
        json_object_foreach(v, g, w) if (!json_is_integer(w)) return 0;
    }
    return 1;
}

json_t *ck_node_registry_load(ck_node *n, const char *name)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    json_t *reg;
    registry_path(n, path, name);
    if (!ck_node_file_exists(path)) {
        if (!(reg = registry_new(name))) ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        return reg;
    }
    if (ck_node_read_file(n, path, REGISTRY_MAX, &buf, &len) != 0) return NULL;
    reg = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
    free(buf);
    if (!registry_valid(reg, name)) {
        ck_node_fail(n, CK_NODE_E_INTEGRITY, "registry_damaged", "%s is damaged (not a holder registry of authority %s)",
                     path, name);
        json_decref(reg);
        return NULL;
    }
    return reg;
}

int ck_node_registry_save(ck_node *n, const char *name, json_t *reg)
{
    char path[PATH_MAX], *text;
    int rc;
    if (ck_node_make_dir(n, REGISTRY_DIR) != 0) return -1;
    registry_path(n, path, name);
    if (!(text = json_dumps(reg, JSON_INDENT(2) | JSON_SORT_KEYS)))
        return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    rc = ck_node_write_file(n, path, (const uint8_t *)text, strlen(text), 0600, 0);
    free(text);
    return rc;
}

int ck_node_registry_add(json_t *reg, const ck_node_attr_spec *a, const char *gid)
{
    if (a->numeric) {
        json_t *num = json_object_get(reg, "numeric"), *o = json_object_get(num, a->label);
        if (!o && json_object_set_new(num, a->label, o = json_object()) != 0) return -1;
        return json_object_set_new(o, gid, json_integer(a->value));
    } else {
        json_t *attrs = json_object_get(reg, "attributes"), *arr = json_object_get(attrs, a->label), *v;
        size_t i;
        if (!arr && json_object_set_new(attrs, a->label, arr = json_array()) != 0) return -1;
        json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), gid) == 0) return 0;
        return json_array_append_new(arr, json_string(gid));
    }
}

int ck_node_registry_holds(const json_t *reg, const char *label, int numeric, const char *gid, uint32_t *value)
{
    if (numeric) {
        json_t *v = json_object_get(json_object_get(json_object_get(reg, "numeric"), label), gid);
        if (!json_is_integer(v)) return 0;
        if (value) *value = (uint32_t)json_integer_value(v);
        return 1;
    } else {
        json_t *arr = json_object_get(json_object_get(reg, "attributes"), label), *v;
        size_t i;
        json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), gid) == 0) return 1;
        return 0;
    }
}

static int label_cmp(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

json_t *ck_node_registry_held(const json_t *reg, const char *gid)
{
    const char *label;
    json_t *v, *out = json_array(), **tmp;
    size_t count;
    if (!out) return NULL;
    json_object_foreach(json_object_get(reg, "attributes"), label, v)
        if (ck_node_registry_holds(reg, label, 0, gid, NULL) && json_array_append_new(out, json_string(label)) != 0)
            goto oom;
    json_object_foreach(json_object_get(reg, "numeric"), label, v)
        if (ck_node_registry_holds(reg, label, 1, gid, NULL) && json_array_append_new(out, json_string(label)) != 0)
            goto oom;
    /* a stable order for the caller's output */
    count = json_array_size(out);
    if (count > 1) {
        if (!(tmp = malloc(count * sizeof *tmp))) goto oom;
        for (size_t i = 0; i < count; i++) tmp[i] = json_incref(json_array_get(out, i));
        qsort(tmp, count, sizeof *tmp, label_cmp);
        json_array_clear(out);
        for (size_t i = 0; i < count; i++) json_array_append_new(out, tmp[i]);
        free(tmp);
    }
    return out;
oom:
    json_decref(out);
    return NULL;
}

int ck_node_authority_held(ck_node *n, const char *name, const char *gid, char (**out)[CK_NODE_ATTR_LABEL],
                           size_t *count)
{
    json_t *reg = NULL, *held = NULL, *v;
    size_t i;
    int rc = -1;
    *out = NULL;
    *count = 0;
    ck_node_enter(n);
    if (!ck_net_id_valid(name)) {
        rc = ck_node_fail(n, CK_NODE_E_INVALID, "bad_authority", "invalid authority name '%s'", name);
        goto out;
    }
    if (!(reg = ck_node_registry_load(n, name))) goto out;
    if (!(held = ck_node_registry_held(reg, gid)) ||
        !(*out = calloc(json_array_size(held) + 1, sizeof **out))) {
        rc = ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    json_array_foreach(held, i, v) snprintf((*out)[i], CK_NODE_ATTR_LABEL, "%s", json_string_value(v));
    *count = json_array_size(held);
    rc = 0;
out:
    json_decref(held);
    json_decref(reg);
    ck_node_leave(n);
    return rc;
}
