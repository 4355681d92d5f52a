/*
 * fhir_outcome.c - OperationOutcome, and the front end's one table from a
 * node error kind to an HTTP status and an R4 IssueType code
 * (NODE-GUIDE.md, pattern 3: each front end owns its mapping).
 *
 * The node's stable key ("bed_taken", "head_mismatch") goes into
 * issue.details as a coding of carekey's node-error code system, so a
 * client can branch on it without parsing diagnostics.
 */
#include <string.h>

#include "fhir_api_int.h"

#define CS_NODE_ERROR CK_FHIR_API_URL "/CodeSystem/node-error"

static const char *const severities[] = {"fatal", "error", "warning", "information"};

static json_t *issue(ck_fhir_api_severity sev, const char *code, const char *diagnostics, const char *expression)
{
    json_t *i;
    if (!code || (unsigned)sev > CK_FHIR_API_INFORMATION) return NULL;
    i = json_pack("{s:s, s:s}", "severity", severities[sev], "code", code);
    if (!i) return NULL;
    if (diagnostics && diagnostics[0] && json_object_set_new(i, "diagnostics", json_string(diagnostics)) != 0) goto bad;
    if (expression && expression[0] && json_object_set_new(i, "expression", json_pack("[s]", expression)) != 0)
        goto bad;
    return i;
bad:
    json_decref(i);
    return NULL;
}

json_t *ck_fhir_api_outcome(ck_fhir_api_severity sev, const char *code, const char *diagnostics, const char *expression)
{
    json_t *i = issue(sev, code, diagnostics, expression);
    if (!i) return NULL;
    return json_pack("{s:s, s:[o]}", "resourceType", "OperationOutcome", "issue", i);
}

int ck_fhir_api_outcome_add(json_t *oo, ck_fhir_api_severity sev, const char *code, const char *diagnostics,
                            const char *expression)
{
    json_t *issues = json_object_get(oo, "issue"), *i;
    if (!json_is_array(issues)) return -1;
    if (!(i = issue(sev, code, diagnostics, expression))) return -1;
    return json_array_append_new(issues, i) == 0 ? 0 : -1;
}

long ck_fhir_api_node_status(ck_node_kind kind, int if_match, const char **issue_code)
{
    const char *code;
    long status;
    switch (kind) {
    case CK_NODE_OK: status = 200, code = "informational"; break;
    case CK_NODE_E_INVALID: status = 400, code = "invalid"; break;
    /* The node's keyring is locked or the passphrase was wrong: the
     * person must unlock it (the front end adds WWW-Authenticate). */
    case CK_NODE_E_KEYRING: status = 401, code = "login"; break;
    case CK_NODE_E_FORBIDDEN: status = 403, code = "forbidden"; break;
    case CK_NODE_E_NOT_FOUND: status = 404, code = "not-found"; break;
    /* R4 http.html: a version conflict on a conditional update is 412 */
    case CK_NODE_E_CONFLICT: status = if_match ? 412 : 409, code = "conflict"; break;
    case CK_NODE_E_REFUSED: status = 422, code = "business-rule"; break;
    /* carekeyd sent a chain that does not verify: a bad upstream */
    case CK_NODE_E_INTEGRITY: status = 502, code = "security"; break;
    case CK_NODE_E_UPSTREAM:
    case CK_NODE_E_UNREACHABLE:
    case CK_NODE_E_CANCELLED: status = 503, code = "transient"; break;
    case CK_NODE_E_IO:
    case CK_NODE_E_NOMEM:
    default: status = 500, code = "exception"; break;
    }
    if (issue_code) *issue_code = code;
    return status;
}

json_t *ck_fhir_api_node_outcome(const ck_node_error *e, int if_match, long *status)
{
    const char *code;
    long st;
    json_t *oo, *i;
    if (!e) return NULL;
    st = ck_fhir_api_node_status(e->kind, if_match, &code);
    oo = ck_fhir_api_outcome(e->kind == CK_NODE_OK ? CK_FHIR_API_INFORMATION : CK_FHIR_API_ERROR, code,
                             e->msg[0] ? e->msg : NULL, e->path[0] ? e->path : NULL);
    if (!oo) return NULL;
    i = json_array_get(json_object_get(oo, "issue"), 0);
    if (e->key[0] &&
        json_object_set_new(i, "details", json_pack("{s:[{s:s, s:s}]}", "coding", "system", CS_NODE_ERROR, "code",
                                                    e->key)) != 0) {
        json_decref(oo);
        return NULL;
    }
    if (status) *status = st;
    return oo;
}

json_t *ck_fhir_api_error_outcome(const ck_fhir_api_error *e, long *status)
{
    const char *code;
    long st;
    json_t *oo;
    if (!e) return NULL;
    switch (e->code) {
    case CK_FHIR_API_OK: st = 200, code = "informational"; break;
    case CK_FHIR_API_E_INVALID: st = 400, code = "invalid"; break;
    case CK_FHIR_API_E_NOT_SUPPORTED: st = 400, code = "not-supported"; break;
    case CK_FHIR_API_E_TOO_LONG: st = 400, code = "too-long"; break;
    default: st = 500, code = "exception"; break;
    }
    oo = ck_fhir_api_outcome(e->code == CK_FHIR_API_OK ? CK_FHIR_API_INFORMATION : CK_FHIR_API_ERROR, code,
                             e->msg[0] ? e->msg : NULL, e->expr[0] ? e->expr : NULL);
    if (oo && status) *status = st;
    return oo;
}
