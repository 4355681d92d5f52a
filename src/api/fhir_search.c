/*
 * src/api/fhir_search.c - search-type and Patient/$everything.
 *
 * A record is one patient's compartment: the `patient` parameter (her
 * record's GID, or the id of the record's Patient resource, found among
 * the records the node knows) chooses the records searched, and every resource in them
 * belongs to her - so the clause is answered by the choice of records, not
 * by the resources' references (a pharmacist, who cannot read the Patient
 * resource, still finds her prescriptions). The other parameters are
 * matched by carekey_fhir. `subject=Patient/X` is read the same way.
 * Without either, the known records are searched. Links keep the query as
 * it was written. _include and _revinclude are resolved among everything
 * the caller may read in the records searched (ck_fhir_api_includes).
 *
 * A type whose section the caller cannot open gives an empty searchset
 * (FHIR: a search returns what the caller may see), with an
 * OperationOutcome entry (search.mode "outcome", severity information,
 * code "suppressed") when the record holds entries not shared with her.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "api/api_impl.h"

#define RECORDS_MAX 64

typedef struct gidset {
    char g[RECORDS_MAX][CK_API_GID_MAX];
    size_t n;
} gidset;

static int has(const gidset *s, const char *g)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->g[i], g)) return 1;
    return 0;
}

/* A clause the choice of records answers: patient, or subject when every
 * value names a Patient ("Patient/X": X is a record, as for patient). */
static int record_clause(const ck_fhir_api_query *q, const ck_fhir_api_clause *cl)
{
    if (cl->param == CK_FHIR_API_P_PATIENT) return 1;
    if (cl->param != CK_FHIR_API_P_SUBJECT) return 0;
    for (unsigned k = 0; k < cl->n; k++)
        if (strcmp(ck_fhir_api_str(q, q->values[cl->first + k].a), "Patient") != 0) return 0;
    return 1;
}

/* The records q's patient clauses name (AND of clauses, OR of values);
 * *named 0 when there is no patient clause. */
static int records_of(ck_api_req *r, const ck_fhir_api_query *q, gidset *out, int *named)
{
    *named = 0;
    out->n = 0;
    for (unsigned c = 0; c < q->nclauses; c++) {
        const ck_fhir_api_clause *cl = &q->clauses[c];
        gidset these = {.n = 0};
        if (!record_clause(q, cl)) continue;
        for (unsigned k = 0; k < cl->n && these.n < RECORDS_MAX; k++) {
            char gid[CK_API_GID_MAX];
            if (ck_api_record_of(r, ck_fhir_api_str(q, q->values[cl->first + k].b), gid) != 0) return -1;
            if (!has(&these, gid)) snprintf(these.g[these.n++], CK_API_GID_MAX, "%s", gid);
        }
        if (!*named) *out = these;
        else {
            gidset both = {.n = 0};
            for (size_t i = 0; i < out->n; i++)
                if (has(&these, out->g[i])) snprintf(both.g[both.n++], CK_API_GID_MAX, "%s", out->g[i]);
            *out = both;
        }
        *named = 1;
    }
    return 0;
}

/* q without its patient clauses (the records answer them). */
static void without_patient(ck_fhir_api_query *m, const ck_fhir_api_query *q)
{
    unsigned k = 0;
    *m = *q;
    for (unsigned c = 0; c < q->nclauses; c++)
        if (!record_clause(q, &q->clauses[c])) m->clauses[k++] = q->clauses[c];
    m->nclauses = k;
}

/* The patient the query names (one value of one clause): Consent and
 * AuditEvent are searched per record. */
int ck_api_query_patient(ck_api_req *r, const ck_fhir_api_query *q, char gid[CK_API_GID_MAX])
{
    const ck_fhir_api_clause *found = NULL;
    for (unsigned c = 0; c < q->nclauses; c++) {
        if (q->clauses[c].param != CK_FHIR_API_P_PATIENT) continue;
        if (found || q->clauses[c].n != 1)
            return ck_api_fail(r, 400, "not-supported", "one patient, with one value, is searched at a time", "patient");
        found = &q->clauses[c];
    }
    if (!found) return ck_api_fail(r, 400, "required", "patient is required for this type", "patient");
    return ck_api_record_of(r, ck_fhir_api_str(q, q->values[found->first].b), gid);
}

/* found = the resources of all that match q (patient clauses dropped). */
int ck_api_match_page(ck_api_req *r, const ck_fhir_api_query *q, json_t *all)
{
    ck_fhir_api_query *m = malloc(sizeof *m);
    ck_fhir_api_error err;
    json_t *found = NULL;
    int rc;
    if (!m) return ck_api_fail(r, 500, "exception", "out of memory", NULL);
    without_patient(m, q);
    rc = ck_fhir_api_search(&found, m, all, &err) == 0 ? ck_api_searchset(r, q, found, NULL) : ck_api_fail_fhir(r, &err);
    json_decref(found);
    OPENSSL_cleanse(m, sizeof *m); /* search values are patient data */
    free(m);
    return rc;
}

static int add_outcome(json_t *bundle, size_t withheld)
{
    char msg[160];
    json_t *oo;
    snprintf(msg, sizeof msg, "%zu entries of the record are not shared with you; they are not searched", withheld);
    if (!(oo = ck_fhir_api_outcome(CK_FHIR_API_INFORMATION, "suppressed", msg, NULL))) return -1;
    return json_array_append_new(json_object_get(bundle, "entry"),
                                 json_pack("{s:o,s:{s:s}}", "resource", oo, "search", "mode", "outcome"));
}

/* What q's _include and _revinclude add to the page of found it sends. */
static int page_includes(const ck_fhir_api_query *q, json_t *found, const json_t *pool, json_t **out,
                         ck_fhir_api_error *err)
{
    json_t *page;
    size_t first, n, i;
    int rc;
    *out = NULL;
    if (!q->nincludes || !pool) return 0;
    ck_fhir_api_page(q, json_array_size(found), 0, &first, &n);
    if (!(page = json_array())) return -1;
    for (i = first; i < first + n; i++) json_array_append(page, json_array_get(found, i));
    rc = ck_fhir_api_includes(out, q, page, pool, err);
    json_decref(page);
    return rc;
}

int ck_api_searchset(ck_api_req *r, const ck_fhir_api_query *q, json_t *found, const json_t *pool)
{
    ck_fhir_api_error err;
    ck_fhir_api_searchset_in in = {r->api->base, q, found, NULL, 0};
    json_t *b = NULL, *inc = NULL;
    if (page_includes(q, found, pool, &inc, &err) != 0) return ck_api_fail_fhir(r, &err);
    in.includes = inc;
    if (ck_fhir_api_searchset(&b, &in, &err) != 0) {
        json_decref(inc);
        return ck_api_fail_fhir(r, &err);
    }
    json_decref(inc);
    if (!json_object_get(b, "entry")) json_object_set_new(b, "entry", json_array());
    return ck_api_ok(r, 200, b);
}

/* Every resource of q's type in the records, and what was withheld; with
 * pool, every readable resource of those records by "Type/id" too (for
 * _include and _revinclude). */
static int gather(ck_api_req *r, const gidset *recs, int named, const char *type, json_t *all, json_t *pool,
                  size_t *withheld)
{
    *withheld = 0;
    for (size_t i = 0; i < recs->n; i++) {
        ck_api_snap *s;
        if (ck_api_snap_get(r, recs->g[i], &s) != 0) {
            if (named) return -1; /* a record she named: her error is the answer */
            json_decref(r->reply);
            r->reply = NULL;
            continue;
        }
        json_array_extend(all, json_object_get(s->by_type, type));
        if (pool) json_object_update(pool, s->current);
        *withheld += s->withheld;
        ck_api_snap_put(s);
    }
    return 0;
}

int ck_api_search(ck_api_req *r)
{
    ck_fhir_api_query *q = malloc(sizeof *q), *m = malloc(sizeof *m);
    ck_fhir_api_error err;
    gidset *recs = malloc(sizeof *recs);
    json_t *all = json_array(), *found = NULL, *pool = NULL;
    size_t withheld = 0;
    int named, rc = -1;
    if (!q || !m || !recs || !all) {
        ck_api_fail(r, 500, "exception", "out of memory", NULL);
        goto out;
    }
    if (ck_fhir_api_query_parse(q, r->route.type, r->qs, r->qs_len, &err) != 0) {
        ck_api_fail_fhir(r, &err);
        goto out;
    }
    if (!strcmp(q->type, "Consent")) {
        rc = ck_api_consent_search(r, q);
        goto out;
    }
    if (!strcmp(q->type, "AuditEvent")) {
        rc = ck_api_audit_search(r, q);
        goto out;
    }
    if (records_of(r, q, recs, &named) != 0) goto out;
    if (!named) recs->n = ck_api_known(r->api, recs->g, RECORDS_MAX);
    if (q->nincludes && !(pool = json_object())) {
        ck_api_fail(r, 500, "exception", "out of memory", NULL);
        goto out;
    }
    if (gather(r, recs, named, q->type, all, pool, &withheld) != 0) goto out;
    without_patient(m, q);
    if (ck_fhir_api_search(&found, m, all, &err) != 0) {
        ck_api_fail_fhir(r, &err);
        goto out;
    }
    if ((rc = ck_api_searchset(r, q, found, pool)) == 0 && named && withheld && add_outcome(r->reply, withheld) != 0)
        rc = ck_api_fail(r, 500, "exception", "out of memory", NULL);
out:
    json_decref(found);
    json_decref(all);
    json_decref(pool);
    if (q) OPENSSL_cleanse(q, sizeof *q); /* search values (names, codes) are patient data */
    if (m) OPENSSL_cleanse(m, sizeof *m);
    free(q);
    free(m);
    free(recs);
    return rc;
}

/* $everything with parameters: built for the request (the plain one is
 * cached per snapshot). */
static int everything_with(ck_api_req *r, ck_api_snap *s, const ck_fhir_api_everything *e)
{
    ck_fhir_api_error err;
    json_t *b = NULL;
    int rc = ck_fhir_api_everything_bundle(&b, r->api->base, s->patient, e, s->all, &err) == 0 ? ck_api_ok(r, 200, b)
                                                                                          : ck_api_fail_fhir(r, &err);
    ck_api_snap_put(s);
    return rc;
}

int ck_api_everything(ck_api_req *r)
{
    char gid[CK_API_GID_MAX];
    ck_api_snap *s;
    ck_fhir_api_everything e;
    ck_fhir_api_error err;
    const char *text;
    size_t len;
    if (ck_fhir_api_everything_parse(&e, r->qs, r->qs_len, &err) != 0) return ck_api_fail_fhir(r, &err);
    if (ck_api_record_of(r, r->route.id, gid) != 0 || ck_api_snap_get(r, gid, &s) != 0) return -1;
    if (r->qs_len) return everything_with(r, s, &e);
    text = ck_api_snap_everything(r->api, s, &len);
    if (text && (r->text = malloc(len + 1))) {
        memcpy(r->text, text, len + 1);
        r->text_len = len;
        r->status = 200;
    }
    ck_api_snap_put(s);
    return r->text ? 0 : ck_api_fail(r, 500, "exception", "out of memory", NULL);
}
