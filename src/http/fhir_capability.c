/*
 * fhir_capability.c - the node's CapabilityStatement (GET [base]/metadata),
 * built from the same table the query parser and the matcher read
 * (fhir_types.c), so it cannot promise a parameter the server refuses.
 */
#include <stdio.h>
#include <string.h>

#include "fhir_api_int.h"

static const char *param_type(ck_fhir_api_param p)
{
    switch (p) {
    case CK_FHIR_API_P_PATIENT:
    case CK_FHIR_API_P_SUBJECT: return "reference";
    case CK_FHIR_API_P_DATE:
    case CK_FHIR_API_P_LASTUPDATED: return "date";
    case CK_FHIR_API_P_REFERENCE: return "reference";
    case CK_FHIR_API_P_STRING: return "string";
    default: return "token";
    }
}

static int add_param(json_t *arr, const fa_param_def *p)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "name", p->name, "type", param_type(p->param), "documentation", p->doc);
    if (!o) return -1;
    /* The common parameters (_id, _lastUpdated, _tag, _security) are R4's
     * own, with canonical definitions Resource-<name>. */
    if (p->name[0] == '_' &&
        json_object_set_new(o, "definition", json_sprintf("http://hl7.org/fhir/SearchParameter/Resource-%s", p->name + 1)) != 0)
        goto bad;
    return json_array_append_new(arr, o);
bad:
    json_decref(o);
    return -1;
}

/* searchInclude: Type:param for each reference parameter of the type;
 * searchRevInclude: Provenance:target (US Core asks for it; any
 * Source:param of a served type is accepted, docs/FHIR.md). */
static int add_includes(json_t *r, const fa_type_def *t)
{
    json_t *inc = json_array();
    char name[CK_FHIR_API_TYPE_MAX + CK_FHIR_API_NAME_MAX + 2];
    if (!inc) return -1;
    for (size_t i = 0; i < t->nparams; i++) {
        ck_fhir_api_param p = t->params[i].param;
        if (p != CK_FHIR_API_P_PATIENT && p != CK_FHIR_API_P_SUBJECT && p != CK_FHIR_API_P_REFERENCE) continue;
        snprintf(name, sizeof name, "%s:%s", t->type, t->params[i].name);
        if (json_array_append_new(inc, json_string(name)) != 0) {
            json_decref(inc);
            return -1;
        }
    }
    if (!json_array_size(inc)) json_decref(inc);
    else if (json_object_set_new(r, "searchInclude", inc) != 0) return -1;
    return json_object_set_new(r, "searchRevInclude", json_pack("[s]", "Provenance:target"));
}

static json_t *resource(const fa_type_def *t)
{
    static const char *const read_only[] = {"read", "vread", "history-instance", "search-type"};
    static const char *const writes[] = {"create", "update"};
    json_t *r, *inter, *params;
    const fa_param_def *common;
    size_t i, nc;

    r = json_pack("{s:s, s:[], s:s, s:b, s:b, s:b, s:[]}", "type", t->type, "interaction", "versioning", "versioned",
                  "readHistory", 1, "updateCreate", 0, "conditionalCreate", 0, "searchParam");
    if (!r) return NULL;
    inter = json_object_get(r, "interaction");
    params = json_object_get(r, "searchParam");
    for (i = 0; i < 4; i++)
        if (json_array_append_new(inter, json_pack("{s:s}", "code", read_only[i])) != 0) goto bad;
    for (i = 0; t->writable && i < 2; i++)
        if (json_array_append_new(inter, json_pack("{s:s}", "code", writes[i])) != 0) goto bad;
    if (!t->writable && json_object_set_new(r, "documentation",
                                            json_string(t->view ? "A read-only view (carekey grants or audit rows)"
                                                                : "Read-only: comes with an imported record")) != 0)
        goto bad;
    if (t->writable && json_object_set_new(r, "conditionalUpdate", json_false()) != 0) goto bad;
    common = fa_common_params(&nc);
    for (i = 0; i < nc; i++)
        if (add_param(params, &common[i]) != 0) goto bad;
    for (i = 0; i < t->nparams; i++)
        if (add_param(params, &t->params[i]) != 0) goto bad;
    if (!t->view && add_includes(r, t) != 0) goto bad;
    if (strcmp(t->type, "Patient") == 0 &&
        json_object_set_new(r, "operation",
                            json_pack("[{s:s, s:s, s:s}]", "name", "everything", "definition",
                                      "http://hl7.org/fhir/OperationDefinition/Patient-everything", "documentation",
                                      "Every resource of the patient's record the caller may read")) != 0)
        goto bad;
    return r;
bad:
    json_decref(r);
    return NULL;
}

int ck_fhir_api_capability(json_t **out, const ck_fhir_api_capability_in *in, ck_fhir_api_error *err)
{
    char date[CK_FHIR_API_INSTANT_MAX];
    const fa_type_def *types;
    json_t *cs = NULL, *resources;
    size_t n, i;
    int rc = -1;

    fa_ok(err);
    if (!out || !in || !in->version || !in->version[0]) return fa_fail(err, CK_FHIR_API_E_ARG, "", "no version");
    *out = NULL;
    if (ck_fhir_api_instant(date, in->date_ms) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, "CapabilityStatement.date", "date outside years 1..9999");
    cs = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:[s, s], s:[{s:s, s:s, s:{s:b, s:s}, "
                   "s:[]}]}",
                   "resourceType", "CapabilityStatement", "name", "CarekeyNode", "title", "carekey node FHIR API",
                   "status", "active", "date", date, "publisher", "carekey", "kind", "instance", "software", "name",
                   "carekey", "version", in->version, "fhirVersion", "4.0.1", "format", "application/fhir+json",
                   "json", "rest", "mode", "server", "documentation",
                   "The records this node's user may read and write; docs/FHIR.md", "security", "cors", 0,
                   "description",
                   "Served on 127.0.0.1 only; known Host values; writes need the node's token", "resource");
    if (!cs) goto nomem;
    if (in->base && json_object_set_new(cs, "implementation",
                                        json_pack("{s:s, s:s}", "description", "carekey node", "url", in->base)) != 0)
        goto nomem;
    /* POST [base]: a transaction or batch Bundle, imported all or nothing */
    if (json_object_set_new(json_array_get(json_object_get(cs, "rest"), 0), "interaction",
                            json_pack("[{s:s, s:s}, {s:s, s:s}]", "code", "transaction", "documentation",
                                      "Imported into one record, all or nothing", "code", "batch", "documentation",
                                      "Imported as a transaction: all or nothing")) != 0)
        goto nomem;
    resources = json_object_get(json_array_get(json_object_get(cs, "rest"), 0), "resource");
    types = fa_types(&n);
    for (i = 0; i < n; i++)
        if (json_array_append_new(resources, resource(&types[i])) != 0) goto nomem;
    *out = cs;
    cs = NULL;
    rc = 0;
    goto out;
nomem:
    fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
out:
    json_decref(cs);
    return rc;
}
