/*
 * src/record/deid.c - HIPAA Safe Harbor de-identification: a walker that
 * applies the rule tables of deid_rules.c to every resource, replaces ids
 * and references with random pseudonyms and reduces dates to years.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deid_internal.h"

typedef struct deid_ctx {
    const ck_deid_options *opt;
    ck_deid_rand_fn rand;
    void *rand_ctx;
    const ck_fhir_index *ix;  /* original names -> original items          */
    json_t *pseudo;           /* "Type/id" -> pseudonym UUID                */
    json_t *uids;             /* original UID -> pseudonym UID              */
    json_t *local;            /* contained ids of the current resource      */
    const char *rtype;        /* type of the resource being walked          */
    int ref_year;             /* year ages are computed at, for this resource */
    int age_masked;           /* set when birthDate fell in the 90+ group   */
    int failed;               /* ck_fhir_err of the first failure           */
} deid_ctx;

static int walk_object(deid_ctx *c, json_t *obj, int depth, int at_root);

static int fail(deid_ctx *c, ck_fhir_err e)
{
    if (!c->failed)
        c->failed = (int)e;
    return -1;
}

static int random_uuid(deid_ctx *c, char out[37])
{
    uint8_t b[16];
    static const char hex[] = "0123456789abcdef";
    size_t i, o = 0;
    if (c->rand(c->rand_ctx, b, sizeof b))
        return fail(c, CK_FHIR_ERR_RANDOM);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = 0;
    memset(b, 0, sizeof b);
    return 0;
}

/* "2.25.<decimal>" (ITU-T X.667 UUID-derived OID) from 16 random bytes. */
static int random_uid(deid_ctx *c, char out[48])
{
    uint8_t b[16];
    unsigned char digits[40];
    size_t nd = 0, i;
    int nonzero = 1;
    if (c->rand(c->rand_ctx, b, sizeof b))
        return fail(c, CK_FHIR_ERR_RANDOM);
    /* repeated division of the 128-bit big-endian number by 10 */
    while (nonzero) {
        unsigned rem = 0;
        nonzero = 0;
        for (i = 0; i < 16; i++) {
            unsigned cur = rem * 256 + b[i];
            b[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            if (b[i])
                nonzero = 1;
        }
        digits[nd++] = (unsigned char)('0' + rem);
    }
    memcpy(out, "2.25.", 5);
    for (i = 0; i < nd; i++)
        out[5 + i] = (char)digits[nd - 1 - i];
    out[5 + nd] = 0;
    return 0;
}

/* Pseudonym of the item a reference names (NULL: not in the input). */
static const char *pseudo_of_ref(deid_ctx *c, const char *ref, const char **ttype)
{
    json_t *target = ck_fhir_index_lookup(c->ix, ref);
    char key[CK_FHIR_ID_MAX + 80];
    if (!target)
        return NULL;
    snprintf(key, sizeof key, "%s/%s", ck_fhir_item_type(target), ck_fhir_item_id(target));
    *ttype = ck_fhir_item_type(target);
    return json_string_value(json_object_get(c->pseudo, key));
}

static int withhold(json_t *obj)
{
    json_object_clear(obj);
    return json_object_set_new(obj, "display", json_string("withheld"));
}

/* A Reference: rewrite to the pseudonym, or withhold. */
static int deid_reference(deid_ctx *c, json_t *obj)
{
    const char *ref = ck_json_str(obj, "reference"), *ttype = NULL, *p;
    char url[64];

    if (ref[0] == '#') {
        json_t *l = json_object_get(c->local, ref + 1);
        if (ref[1] && !l)
            return withhold(obj) ? fail(c, CK_FHIR_ERR_NOMEM) : 0;
        if (l && json_object_set(obj, "reference", l))
            return fail(c, CK_FHIR_ERR_NOMEM);
        json_object_del(obj, "display");
        return 0;
    }
    p = pseudo_of_ref(c, ref, &ttype);
    if (!p)
        return withhold(obj) ? fail(c, CK_FHIR_ERR_NOMEM) : 0;
    snprintf(url, sizeof url, "urn:uuid:%s", p);
    if (json_object_set_new(obj, "reference", json_string(url)))
        return fail(c, CK_FHIR_ERR_NOMEM);
    if (ck_deid_person_type(ttype))
        json_object_del(obj, "display");
    return 0;
}

/* An object that is only a display (a Reference without reference). */
static int display_only(const json_t *obj)
{
    const char *k;
    json_t *v;
    if (!json_is_string(json_object_get(obj, "display")))
        return 0;
    json_object_foreach((json_t *)obj, k, v)
        if (strcmp(k, "display") && strcmp(k, "type") && strcmp(k, "identifier") &&
            strcmp(k, "extension") && strcmp(k, "id"))
            return 0;
    return 1;
}

static int deid_address_obj(json_t *a)
{
    static const char *const keep[] = {"use", "type", "state", "country"};
    json_t *out = json_object();
    const char *pc = ck_json_str(a, "postalCode"), *country = ck_json_str(a, "country");
    char z[4];
    size_t i;

    if (!out)
        return -1;
    for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        json_t *v = json_object_get(a, keep[i]);
        if (json_is_string(v) && json_object_set(out, keep[i], v))
            goto fail;
    }
    /* ZIP3 for US codes only; other postal codes are dropped. */
    if (pc && (!country || !strcmp(country, "US") || !strcmp(country, "USA")) && ck_deid_zip3(z, pc) == 0 &&
        json_object_set_new(out, "postalCode", json_string(z)))
        goto fail;
    json_object_clear(a);
    if (json_object_update(a, out))
        goto fail;
    json_decref(out);
    return 0;
fail:
    json_decref(out);
    return -1;
}

static int deid_address(deid_ctx *c, json_t *parent, const char *key, json_t *v)
{
    size_t i;
    json_t *e;
    if (json_is_object(v))
        return deid_address_obj(v) ? fail(c, CK_FHIR_ERR_NOMEM) : 0;
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (!json_is_object(e)) {
                json_array_remove(v, i--);
                continue;
            }
            if (deid_address_obj(e))
                return fail(c, CK_FHIR_ERR_NOMEM);
        }
        return 0;
    }
    json_object_del(parent, key); /* an address as free text */
    return 0;
}

static int deid_birthdate(deid_ctx *c, json_t *parent, const char *key, json_t *v)
{
    int y = ck_deid_year_of(json_string_value(v));
    char buf[16];
    json_t *absent;

    if (y < 0) {
        json_object_del(parent, key);
        return 0;
    }
    if (c->ref_year - y >= CK_DEID_AGE_LIMIT) {
        json_object_del(parent, key);
        absent = json_pack("{s:[{s:s, s:s}]}", "extension", "url", CK_DEID_ABSENT_URL,
                           "valueCode", "masked");
        if (!absent || json_object_set_new(parent, "_birthDate", absent))
            return fail(c, CK_FHIR_ERR_NOMEM);
        c->age_masked = 1;
        return 0;
    }
    snprintf(buf, sizeof buf, "%04d", y);
    return json_object_set_new(parent, key, json_string(buf)) ? fail(c, CK_FHIR_ERR_NOMEM) : 0;
}

static int deid_uid(deid_ctx *c, json_t *parent, const char *key, json_t *v)
{
    const char *orig = json_string_value(v);
    json_t *p;
    char uid[48];
    if (!orig) {
        json_object_del(parent, key);
        return 0;
    }
    p = json_object_get(c->uids, orig);
    if (!p) {
        if (random_uid(c, uid))
            return -1;
        if (json_object_set_new(c->uids, orig, json_string(uid)))
            return fail(c, CK_FHIR_ERR_NOMEM);
        p = json_object_get(c->uids, orig);
    }
    return json_object_set(parent, key, p) ? fail(c, CK_FHIR_ERR_NOMEM) : 0;
}

/* An age value at or above the limit; a decimal beyond double's range
 * (1E400) is far above it unless negative. */
static int age_at_limit(const json_t *val)
{
    double age;
    const char *lx;
    if (ck_fhir_json_number(val, &age) == 0) return age >= CK_DEID_AGE_LIMIT;
    return (lx = ck_fhir_json_lexeme(val)) != NULL && lx[0] != '-';
}

static int deid_age(deid_ctx *c, json_t *v)
{
    json_t *val = json_object_get(v, "value");
    if (age_at_limit(val)) {
        if (json_object_set_new(v, "value", json_integer(CK_DEID_AGE_LIMIT)) ||
            json_object_set_new(v, "comparator", json_string(">=")))
            return fail(c, CK_FHIR_ERR_NOMEM);
    }
    return walk_object(c, v, 1, 0);
}

/* Strings: dates with a month become years; everything else is kept. */
static json_t *deid_string(json_t *v)
{
    char y[5];
    if (ck_deid_date_year(y, json_string_value(v)))
        return json_string(y);
    return NULL;
}

static int empty_container(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static int walk_value(deid_ctx *c, json_t *v, int depth);

static int walk_array(deid_ctx *c, json_t *arr, int depth, int extensions)
{
    size_t i;
    json_t *e, *repl;
    for (i = 0; i < json_array_size(arr); i++) {
        e = json_array_get(arr, i);
        if (extensions && json_is_object(e) &&
            ck_deid_ext_action(ck_json_str(e, "url")) == DEID_DROP) {
            json_array_remove(arr, i--);
            continue;
        }
        if (json_is_string(e)) {
            if ((repl = deid_string(e)) && json_array_set_new(arr, i, repl))
                return fail(c, CK_FHIR_ERR_NOMEM);
            continue;
        }
        if (walk_value(c, e, depth + 1))
            return -1;
        if (empty_container(e))
            json_array_remove(arr, i--);
    }
    return 0;
}

static int walk_value(deid_ctx *c, json_t *v, int depth)
{
    if (json_is_object(v))
        return walk_object(c, v, depth, json_is_string(json_object_get(v, "resourceType")));
    if (json_is_array(v))
        return walk_array(c, v, depth, 0);
    return 0;
}

static int walk_object(deid_ctx *c, json_t *obj, int depth, int at_root)
{
    const char *saved_type = c->rtype, *key;
    json_t *v, *keys = NULL, *repl;
    size_t i;
    int rc = -1;

    if (depth > CK_FHIR_MAX_DEPTH + 8)
        return fail(c, CK_FHIR_ERR_LIMIT);
    if (at_root)
        c->rtype = ck_json_str(obj, "resourceType");
    if (json_is_string(json_object_get(obj, "reference"))) {
        if (deid_reference(c, obj))
            goto out;
    } else if (!at_root && display_only(obj)) {
        rc = withhold(obj) ? fail(c, CK_FHIR_ERR_NOMEM) : 0;
        goto out;
    }
    /* Snapshot the keys: rules delete and replace members. */
    if (!(keys = json_array()))
        goto nomem;
    json_object_foreach(obj, key, v)
        if (json_array_append_new(keys, json_string(key)))
            goto nomem;
    for (i = 0; i < json_array_size(keys); i++) {
        key = json_string_value(json_array_get(keys, i));
        v = json_object_get(obj, key);
        if (!v)
            continue;
        if (at_root && (!strcmp(key, "id") || !strcmp(key, "resourceType")))
            continue; /* ids are set by the caller / the contained map */
        switch (ck_deid_key_action(c->rtype, key, at_root)) {
        case DEID_DROP:
            json_object_del(obj, key);
            continue;
        case DEID_DROP_STRING:
            if (json_is_string(v)) {
                json_object_del(obj, key);
                continue;
            }
            break;
        case DEID_ADDRESS:
            if (deid_address(c, obj, key, v))
                goto out;
            v = json_object_get(obj, key);
            if (v && empty_container(v))
                json_object_del(obj, key);
            continue;
        case DEID_BIRTHDATE:
            if (deid_birthdate(c, obj, key, v))
                goto out;
            continue;
        case DEID_UID:
            if (deid_uid(c, obj, key, v))
                goto out;
            continue;
        case DEID_AGE:
            if (json_is_object(v) && deid_age(c, v))
                goto out;
            continue;
        case DEID_WALK:
            break;
        }
        if (json_is_string(v)) {
            if ((repl = deid_string(v)) && json_object_set_new(obj, key, repl))
                goto nomem;
            continue;
        }
        if (json_is_array(v)) {
            if (walk_array(c, v, depth + 1,
                           !strcmp(key, "extension") || !strcmp(key, "modifierExtension")))
                goto out;
        } else if (json_is_object(v)) {
            if (walk_object(c, v, depth + 1, json_is_string(json_object_get(v, "resourceType"))))
                goto out;
        }
        if (empty_container(v))
            json_object_del(obj, key);
    }
    rc = 0;
    goto out;
nomem:
    rc = fail(c, CK_FHIR_ERR_NOMEM);
out:
    json_decref(keys);
    c->rtype = saved_type;
    return rc;
}

/* Contained resources get local ids c1, c2, ...; "#old" becomes "#c<n>". */
static int map_contained(deid_ctx *c, json_t *res)
{
    json_t *contained = json_object_get(res, "contained"), *e;
    size_t i;
    char local[32];

    json_object_clear(c->local);
    json_array_foreach(contained, i, e) {
        const char *id = ck_json_str(e, "id");
        snprintf(local, sizeof local, "c%zu", i + 1);
        if (id && json_object_set_new(c->local, id, json_sprintf("#%s", local)))
            return fail(c, CK_FHIR_ERR_NOMEM);
        if (json_is_object(e) && json_object_set_new(e, "id", json_string(local)))
            return fail(c, CK_FHIR_ERR_NOMEM);
    }
    return 0;
}

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        return 2025;
    return tm.tm_year + 1900;
}

static int deid_item(deid_ctx *c, const json_t *item, json_t *out_section)
{
    const char *type = ck_fhir_item_type(item), *pseudo;
    json_t *res, *oitem;
    char key[CK_FHIR_ID_MAX + 80], url[64];
    int dy;

    snprintf(key, sizeof key, "%s/%s", type, ck_fhir_item_id(item));
    pseudo = json_string_value(json_object_get(c->pseudo, key));
    res = json_deep_copy(ck_fhir_item_resource(item));
    if (!res || !pseudo)
        return fail(c, CK_FHIR_ERR_NOMEM);
    /* Ages are computed at death for the deceased, else at ref_year. */
    dy = ck_deid_year_of(ck_json_str(res, "deceasedDateTime"));
    c->ref_year = dy > 0 ? dy : c->opt->ref_year;
    c->age_masked = 0;
    if (map_contained(c, res) || walk_object(c, res, 0, 1))
        goto fail;
    if (json_object_set_new(res, "resourceType", json_string(type)) ||
        json_object_set_new(res, "id", json_string(pseudo)))
        goto nomem;
    if (c->age_masked) {
        json_t *ext = json_object_get(res, "extension");
        if (!ext) {
            if (json_object_set_new(res, "extension", ext = json_array()))
                goto nomem;
        }
        if (json_array_append_new(ext, json_pack("{s:s, s:s}", "url", CK_DEID_AGE_GROUP_URL,
                                                 "valueString", "90+")))
            goto nomem;
    }
    snprintf(url, sizeof url, "urn:uuid:%s", pseudo);
    oitem = json_pack("{s:s, s:s, s:s, s:o}", "type", type, "id", pseudo, "fullUrl", url,
                      "resource", res);
    res = NULL;
    if (!oitem || json_array_append_new(out_section, oitem))
        return fail(c, CK_FHIR_ERR_NOMEM);
    return 0;
nomem:
    fail(c, CK_FHIR_ERR_NOMEM);
fail:
    json_decref(res);
    return -1;
}

ck_fhir_err ck_deid_research(ck_fhir_sections *out, const ck_fhir_sections *in,
                             const ck_deid_options *opt, ck_fhir_error *err)
{
    ck_fhir_err rc;
    ck_fhir_index ix = {0};
    ck_deid_options defaults = {0};
    deid_ctx c;
    unsigned s;
    size_t i;
    json_t *item;
    char key[CK_FHIR_ID_MAX + 80], uuid[37];

    ck_fhir_error_clear(err);
    if (!out || !in)
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "deid: NULL argument");
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (opt)
        defaults = *opt;
    if (!defaults.rand)
        defaults.rand = ck_deid_rand_openssl;
    if (!defaults.ref_year)
        defaults.ref_year = current_year();
    c.opt = &defaults;
    c.rand = defaults.rand;
    c.rand_ctx = defaults.rand_ctx;
    if ((rc = ck_fhir_index_build(&ix, in, err)) != CK_FHIR_OK)
        return rc;
    c.ix = &ix;
    c.pseudo = json_object();
    c.uids = json_object();
    c.local = json_object();
    if (!c.pseudo || !c.uids || !c.local)
        goto nomem;
    /* One fresh random pseudonym per resource, for this call only. */
    for (s = 0; s < CK_SECTION_COUNT; s++) {
        json_array_foreach(in->section[s], i, item) {
            snprintf(key, sizeof key, "%s/%s", ck_fhir_item_type(item), ck_fhir_item_id(item));
            if (random_uuid(&c, uuid))
                goto failed;
            if (json_object_set_new(c.pseudo, key, json_string(uuid)))
                goto nomem;
        }
    }
    for (s = 0; s < CK_SECTION_COUNT; s++) {
        if (!in->section[s])
            continue;
        if (!(out->section[s] = json_array()))
            goto nomem;
        json_array_foreach(in->section[s], i, item)
            if (deid_item(&c, item, out->section[s]))
                goto failed;
    }
    rc = CK_FHIR_OK;
    goto out;
nomem:
    fail(&c, CK_FHIR_ERR_NOMEM);
failed:
    rc = (ck_fhir_err)c.failed;
    if (rc == CK_FHIR_ERR_RANDOM)
        ck_fhir_fail(err, rc, "", "deid: the random source failed");
    else if (rc == CK_FHIR_ERR_LIMIT)
        ck_fhir_fail(err, rc, "", "deid: resource nested too deep");
    else
        rc = ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
    ck_fhir_sections_clear(out);
out:
    json_decref(c.pseudo);
    json_decref(c.uids);
    json_decref(c.local);
    ck_fhir_index_free(&ix);
    return rc;
}
