/*
 * access.c - who stands where on a patient's record: the owner, her
 * delegates, grantees; the purposes of use each may state; and who may
 * read the (encrypted) entries at all.
 *
 * The data is ABE-encrypted, so reading an envelope does not reveal its
 * plaintext; but who holds which envelopes, how many and when is
 * metadata, so the server serves a record only to people with a reason
 * to hold it, and logs every read and every refusal in the record's
 * audit log.
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>

static int active_at(const ck_store_grant *g, int64_t now)
{
    return g->revoked_at == 0 && (g->expires_at == 0 || g->expires_at > now);
}

int ckd_grant_counts(ckd_req *r, const ck_store_grant *g, int64_t now)
{
    ck_store_grant *d = NULL;
    size_t n = 0;
    int ok = 0;
    if (!active_at(g, now)) return 0;
    if (!strcmp(g->granted_by, g->patient)) return 1;
    /* Issued by a delegate: it counts while her delegation does, and only
     * a delegation she held when she issued it (a later one does not
     * revive grants that ended with an earlier one). */
    if (ckd_read_grants(r, g->patient, g->granted_by, &d, &n) != CK_STORE_OK) return -1;
    for (size_t i = 0; i < n && !ok; i++)
        ok = d[i].delegate && !strcmp(d[i].granted_by, g->patient) && active_at(&d[i], now) &&
             d[i].created_at <= g->created_at && d[i].id < g->id;
    free(d);
    return ok;
}

/* What the caller's counting grants on patient give her, from one query:
 * a delegation by the patient, any grant (reading), a write grant
 * covering section (when section is set). 0, or -1 on a storage error. */
typedef struct {
    int delegate, any, writes;
} standing;

static int scan(ckd_req *r, const char *patient, const char *section, standing *st)
{
    ck_store_grant *g = NULL;
    size_t n = 0;
    int64_t now = ckd_now_ms();
    int rc = 0;
    memset(st, 0, sizeof *st);
    if (ckd_read_grants(r, patient, r->caller, &g, &n) != CK_STORE_OK) return -1;
    for (size_t i = 0; i < n; i++) {
        int c = ckd_grant_counts(r, &g[i], now);
        if (c < 0) rc = -1;
        if (c <= 0) continue;
        st->any = 1;
        /* Only the patient names delegates. */
        if (g[i].delegate && !strcmp(g[i].granted_by, patient)) st->delegate = 1;
        if (section && strcmp(g[i].access, "read") != 0 && ck_store_sections_match(g[i].sections, section))
            st->writes = 1;
    }
    free(g);
    return rc;
}

/* The relation from a scan: owner, delegate or none. */
static int relation_of(ckd_req *r, const char *patient, const standing *st)
{
    if (r->caller_kind != CKD_CALLER_USER) return CKD_REL_NONE;
    if (!strcmp(r->caller, patient)) return ckd_role_owns_record(r->user.role) ? CKD_REL_PATIENT : CKD_REL_NONE;
    return st->delegate ? CKD_REL_DELEGATE : CKD_REL_NONE;
}

int ckd_relation(ckd_req *r, const char *patient, int *rel)
{
    standing st = {0, 0, 0};
    *rel = CKD_REL_NONE;
    if (r->caller_kind != CKD_CALLER_USER) return 0;
    if (strcmp(r->caller, patient) != 0 && scan(r, patient, NULL, &st) != 0) return -1;
    *rel = relation_of(r, patient, &st);
    return 0;
}

int ckd_has_grant(ckd_req *r, const char *patient, const char *section)
{
    standing st;
    if (scan(r, patient, section, &st) != 0) return -1;
    return st.writes;
}

/* Writes may use the record cache's grants like reads: the append's
 * commit checks their generation. A refusal they would give is decided on
 * the database's rows. */
int ckd_write_grant(ckd_req *r, const char *patient, const char *section)
{
    int g = ckd_has_grant(r, patient, section);
    if (g != 0 || ckd_read_gen(r, patient) == 0) return g;
    ckd_read_fresh(r, patient);
    return ckd_has_grant(r, patient, section);
}

/* ---- purpose of use --------------------------------------------------- */

static int in(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set)) return 1;
    return 0;
}

static const char *const clinical_roles[] = {"doctor", "nurse", "pharmacist", "staff", "clerk", "organization",
                                             "emergency", NULL};
static const char *const clinical_purposes[] = {"TREAT", "ETREAT", "HOPERAT", "HPAYMT", NULL};
static const char *const btg_roles[] = {"doctor", "emergency", "staff", NULL};

/* The purpose a caller states by default on this record. */
static const char *derived(ckd_req *r, int rel)
{
    const char *role = r->user.role;
    if (rel == CKD_REL_PATIENT) return strcmp(role, "organization") ? "PATRQT" : "HOPERAT";
    if (!strcmp(role, "family") || !strcmp(role, "caregiver")) return "FAMRQT";
    if (!strcmp(role, "researcher")) return "HRESCH";
    if (!strcmp(role, "patient")) return "PATRQT"; /* a patient acting as another's delegate */
    return "TREAT";
}

static int allowed(ckd_req *r, int rel, const char *p)
{
    const char *role = r->user.role;
    if (rel == CKD_REL_PATIENT) return !strcmp(p, strcmp(role, "organization") ? "PATRQT" : "HOPERAT");
    /* A delegate acts for the patient. */
    if (rel == CKD_REL_DELEGATE && (!strcmp(p, "PATRQT") || !strcmp(p, "FAMRQT"))) return 1;
    if (in(role, clinical_roles) && in(p, clinical_purposes)) return 1;
    if (in(role, btg_roles) && !strcmp(p, "BTG")) return 1;
    if ((!strcmp(role, "family") || !strcmp(role, "caregiver")) && !strcmp(p, "FAMRQT")) return 1;
    if (!strcmp(role, "researcher") && !strcmp(p, "HRESCH")) return 1;
    if (!strcmp(role, "patient") && rel == CKD_REL_DELEGATE) return !strcmp(p, "PATRQT");
    return 0;
}

int ckd_purpose_check(ckd_req *r, const char *patient, int rel, const char *action, enum MHD_Result *res)
{
    if (r->caller_kind != CKD_CALLER_USER) return 0; /* the operator and authorities read no records */
    if (!r->purpose_given) {
        snprintf(r->purpose, sizeof r->purpose, "%s", derived(r, rel));
        return 0;
    }
    if (allowed(r, rel, r->purpose)) return 0;
    *res = ckd_deny(r, patient, action, "", CKD_E_BAD_PURPOSE, "this purpose of use is not open to the caller here");
    return -1;
}

int ckd_relation_for_write(ckd_req *r, const char *patient, int *rel)
{
    if (ckd_relation(r, patient, rel) != 0) return -1;
    if (ckd_read_gen(r, patient) == 0 || !r->purpose_given || allowed(r, *rel, r->purpose)) return 0;
    ckd_read_fresh(r, patient);
    return ckd_relation(r, patient, rel);
}

/* ---- reading a record --------------------------------------------------- */

/* 1 when the caller may read without being owner, delegate or grantee. */
static int reader_by_role(ckd_req *r, const char *patient)
{
    ck_store_rc rc;
    if (!strcmp(r->user.role, "researcher")) {
        /* Her published research view: records that hold one. */
        rc = ck_store_section_present(r->srv->store, patient, "research");
        return rc == CK_STORE_OK ? 1 : rc == CK_STORE_NOT_FOUND ? 0 : -1;
    }
    /* Break-glass: audited like every read, with its purpose. */
    return in(r->user.role, btg_roles) && !strcmp(r->purpose, "BTG");
}

/* The caller's grants for a read. Rows from the record cache are checked
 * when the read commits, but a refusal is answered at once: one that the
 * cached rows would give (no counting grant, or a stated purpose the
 * relation does not open) is decided again on the database's rows. */
static int scan_for_read(ckd_req *r, const char *patient, standing *st)
{
    if (scan(r, patient, NULL, st) != 0) return -1;
    if (ckd_read_gen(r, patient) == 0) return 0;
    if (st->any && (!r->purpose_given || allowed(r, relation_of(r, patient, st), r->purpose))) return 0;
    ckd_read_fresh(r, patient);
    return scan(r, patient, NULL, st);
}

int ckd_read_check(ckd_req *r, const char *patient, const char *action, const char *target, enum MHD_Result *res)
{
    standing st = {0, 0, 0};
    int rel, ok = 1;
    if (r->caller_kind != CKD_CALLER_USER) {
        *res = ckd_fail(r, CKD_E_FORBIDDEN, "only enrolled users read records");
        return -1;
    }
    /* One look at the caller's grants serves both the relation and the read. */
    if (strcmp(r->caller, patient) != 0 && scan_for_read(r, patient, &st) != 0) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return -1;
    }
    rel = relation_of(r, patient, &st);
    if (ckd_purpose_check(r, patient, rel, action, res) != 0) return -1;
    if (rel == CKD_REL_NONE && !st.any && (ok = reader_by_role(r, patient)) < 0) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return -1;
    }
    if (ok) return 0;
    *res = ckd_deny(r, patient, action, target, CKD_E_FORBIDDEN, "no standing on this record");
    return -1;
}
