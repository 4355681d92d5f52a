/*
 * src/ui/menu.c - who sees what: a person's role from the labels of her
 * keys (carekey/node_self.h), and one table of menu items by role. Items
 * of pages still to be built stay in the table with ready = 0 (never sent),
 * so the next pages take their place without another model.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_self.h"
#include "ui/ui_impl.h"

#define R(x) (1u << CK_UI_ROLE_##x)
#define CLINICIAN (R(DOCTOR) | R(NURSE))

static const char *const role_names[CK_UI_ROLE_COUNT_] = {
    "none", "patient", "family", "doctor", "nurse", "pharmacist", "researcher", "emergency", "clerk", "operator",
    "organization",
};

const char *ck_ui_role_name(ck_ui_role r) { return r < CK_UI_ROLE_COUNT_ ? role_names[r] : "none"; }

static const struct item {
    const char *id, *label, *group;
    unsigned roles;
    int ready;
} items[] = {
    {"record", "My record", "record", R(PATIENT), 1},
    {"timeline", "Timeline", "record", R(PATIENT), 1},
    {"results", "Results and trends", "record", R(PATIENT), 1},
    {"sharing", "Who can see my record", "sharing", R(PATIENT), 1},
    {"audit", "Who looked at my record", "sharing", R(PATIENT), 1},
    {"download", "Download my record", "record", R(PATIENT), 1},
    {"personal", "Personal report", "reports", R(FAMILY), 1},
    {"professional", "Professional report", "reports", CLINICIAN, 1},
    {"research", "Research cohort", "reports", R(RESEARCHER), 1},
    {"import", "Import a FHIR bundle", "record", R(PATIENT), 1},
    {"publish", "Publish for research", "sharing", R(PATIENT), 1},
    {"patients", "My patients", "care", CLINICIAN, 1},
    {"care-forms", "Admit, diagnose, vitals, notes, bookings", "care", CLINICIAN, 1},
    /* prescriptions and break-glass (src/ui/rx.c, src/ui/emergency.c) */
    {"prescribe", "Prescribe", "care", R(DOCTOR), 1},
    {"pharmacy", "Prescriptions to dispense", "care", R(PHARMACIST), 1},
    {"break-glass", "Emergency access", "care", R(EMERGENCY) | R(DOCTOR), 1},
    /* the clerk's boards (src/ui/clerk.c, web/js/views/clerk*.js); staff is also
     * the hospital admin's page, where she changes it (src/ui/staff.c, staff.js);
     * the organization reads the other boards from its own ledger with the
     * staff@ORG key its node makes from its authority (src/node/care/ledger_key.c) */
    {"staff", "Staff", "hospital", R(CLERK) | R(ORGANIZATION), 1},
    {"census", "Wards and beds", "hospital", R(CLERK) | R(ORGANIZATION), 1},
    {"calendar", "Schedules and appointments", "hospital", R(CLERK) | R(ORGANIZATION), 1},
    {"theatres", "Theatre board", "hospital", R(CLERK) | R(ORGANIZATION), 1},
    {"mis", "MIS dashboard", "hospital", R(CLERK) | R(ORGANIZATION), 1},
    /* the operator's pages (src/ui/operator.c, web/js/views/operator.js) */
    {"enrollments", "Enrollments to approve", "operator", R(OPERATOR), 1},
    {"authorities", "Authorities and epochs", "operator", R(OPERATOR), 1},
    {"directory", "Directory", "operator", R(OPERATOR), 1},
};

json_t *ck_ui_menu(ck_ui_role r)
{
    json_t *m = json_array();
    for (size_t i = 0; m && i < sizeof items / sizeof *items; i++) {
        if (!items[i].ready || !(items[i].roles & (1u << r))) continue;
        json_array_append_new(m, json_pack("{s:s,s:s,s:s}", "id", items[i].id, "label", items[i].label, "group",
                                           items[i].group));
    }
    return m;
}

int ck_ui_role_may(ck_ui_role r, const char *view)
{
    static const struct {
        const char *view;
        unsigned roles;
    } views[] = {
        {"report/personal", R(PATIENT) | R(FAMILY)},
        {"report/professional", R(PATIENT) | CLINICIAN},
        {"report/research", R(PATIENT) | R(RESEARCHER)},
        {"sharing", R(PATIENT)},
        {"sharing/change", R(PATIENT)},
        {"import", R(PATIENT)},
        {"publish", R(PATIENT)},
        {"audit", R(PATIENT)},
        {"fhir", R(PATIENT) | CLINICIAN},
        {"rx", CLINICIAN | R(PHARMACIST)},
        {"rx/write", R(DOCTOR)},
        {"rx/dispense", R(PHARMACIST)},
        {"rx/queue", R(PHARMACIST)},
        {"emergency", R(EMERGENCY) | R(DOCTOR)},
        /* the hospital's pages (src/ui/care.c, clerk.c) */
        {"care/patients", CLINICIAN},
        {"care/admit", CLINICIAN},
        {"care/discharge", CLINICIAN},
        {"care/condition", CLINICIAN},
        {"care/vitals", CLINICIAN},
        {"care/note", CLINICIAN},
        {"care/theatre", CLINICIAN},
        {"care/appointment", CLINICIAN | R(CLERK)},
        {"care/slots", R(DOCTOR) | R(CLERK)},
        {"care/checkin", CLINICIAN | R(CLERK)},
        {"care/cancel", CLINICIAN | R(CLERK)},
        {"care/outcome", CLINICIAN},
        {"clerk/staff", R(CLERK)},
        {"clerk/census", R(CLERK) | R(ORGANIZATION)},
        {"clerk/schedule", R(CLERK) | R(ORGANIZATION)},
        {"clerk/theatre", R(CLERK) | R(ORGANIZATION)},
        {"clerk/mis", R(CLERK) | R(ORGANIZATION)},
        /* the hospital admin's staff page (src/ui/staff.c) */
        {"staff", R(ORGANIZATION)},
        {"staff/add", R(ORGANIZATION)},
        {"staff/end", R(ORGANIZATION)},
        {"staff/care-team", R(ORGANIZATION)},
        {"operator/pending", R(OPERATOR)},
        {"operator/decide", R(OPERATOR)},
        {"operator/authorities", R(OPERATOR)},
        {"operator/directory", R(OPERATOR)},
    };
    for (size_t i = 0; i < sizeof views / sizeof *views; i++)
        if (!strcmp(views[i].view, view)) return (views[i].roles & (1u << r)) != 0;
    return 0;
}

static int has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

ck_ui_role ck_ui_role_of(ck_node *n, char patient[CK_UI_GID_MAX])
{
    static const struct {
        const char *prefix;
        ck_ui_role role;
    } by_attr[] = {
        {"doctor@", CK_UI_ROLE_DOCTOR},         {"nurse@", CK_UI_ROLE_NURSE},
        {"pharmacist@", CK_UI_ROLE_PHARMACIST}, {"researcher@", CK_UI_ROLE_RESEARCHER},
        {"emergency@", CK_UI_ROLE_EMERGENCY},   {"staff@", CK_UI_ROLE_CLERK},
        {"billing@", CK_UI_ROLE_CLERK},
    };
    ck_node_self self;
    char own[CK_UI_GID_MAX + 16];
    ck_ui_role best = CK_UI_ROLE_NONE;
    patient[0] = 0;
    if (ck_node_self_get(n, &self) != 0) return CK_UI_ROLE_NONE;
    /* the operator's own key is the one every keyring pins */
    if (self.operator) return CK_UI_ROLE_OPERATOR;
    /* a patient runs her own authority, patient-GID */
    snprintf(own, sizeof own, "patient-%s", ck_node_gid(n));
    for (size_t i = 0; i < self.n_authorities; i++)
        if (!strcmp(self.authorities[i], own)) {
            snprintf(patient, CK_UI_GID_MAX, "%s", ck_node_gid(n));
            return CK_UI_ROLE_PATIENT;
        }
    for (size_t k = 0; k < sizeof by_attr / sizeof *by_attr && best == CK_UI_ROLE_NONE; k++)
        for (size_t i = 0; i < self.n_attrs; i++)
            if (has_prefix(self.attrs[i], by_attr[k].prefix)) {
                best = by_attr[k].role;
                break;
            }
    if (best != CK_UI_ROLE_NONE) return best;
    /* an organization's own home (a hospital, a pharmacy) runs the
     * authority of its own name; after the attribute roles, so a service
     * that holds its own attribute (the emergency desk) keeps that role */
    for (size_t i = 0; i < self.n_authorities; i++)
        if (!strcmp(self.authorities[i], ck_node_gid(n))) return CK_UI_ROLE_ORGANIZATION;
    for (size_t i = 0; i < self.n_attrs; i++)
        if (has_prefix(self.attrs[i], "family@patient-")) {
            snprintf(patient, CK_UI_GID_MAX, "%s", self.attrs[i] + strlen("family@patient-"));
            return CK_UI_ROLE_FAMILY;
        }
    return CK_UI_ROLE_NONE;
}
