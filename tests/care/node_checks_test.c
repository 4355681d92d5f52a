/* tests/care/node_checks_test.c - the node's pure input checks of the care
 * operations (src/node/care/check.c): what a front end hands in is
 * refused with kind INVALID, the field's path and a stable key, before
 * anything is opened. */
#include <stdio.h>
#include <string.h>

#include "carekey/node_care.h"
#include "harness.h"

static const int64_t NOW = 1795000000000LL;

static int refused(int rc, const ck_node_error *e, const char *path)
{
    char key[64];
    snprintf(key, sizeof key, "bad_%s", path);
    return rc == -1 && e->kind == CK_NODE_E_INVALID && !strcmp(e->path, path) && !strcmp(e->key, key) && e->msg[0];
}

static ck_node_admit_in admit_ok(void)
{
    ck_node_admit_in in;
    memset(&in, 0, sizeof in);
    in.patient = "p1";
    in.ward = "ward-med";
    in.bed = 3;
    return in;
}

static void test_admit(void)
{
    ck_node_admit_in in = admit_ok();
    ck_node_error e;
    int64_t at = 0;
    CHECK(ck_node_admit_check(&in, NOW, &at, &e) == 0 && at == NOW, "a plain admission passes, now by default");
    in.at = "2026-11-24T08:00Z";
    CHECK(ck_node_admit_check(&in, NOW, &at, &e) == 0 && at == 1795507200000LL, "--at parsed: %lld", (long long)at);
    in.at = "yesterday";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "at"), "a time that is not one");
    in = admit_ok();
    in.bed = 0;
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "bed"), "bed 0");
    in.bed = 100001;
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "bed"), "bed above 100000");
    in.bed = 100000;
    CHECK(ck_node_admit_check(&in, NOW, &at, &e) == 0, "bed 100000 is a bed");
    in = admit_ok();
    in.ward = "ward med";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "ward"), "a ward name with a space");
    in.ward = NULL;
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "ward"), "no ward");
    in = admit_ok();
    in.patient = NULL;
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "patient"), "no patient");
    in.patient = "p1/../x";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "patient"), "a patient that is not a GID");
    in = admit_ok();
    in.reason = "";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "reason"), "an empty reason");
    in.reason = "chest pain";
    in.reason_code = "12345";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "reason_code"), "a 5-digit SNOMED id");
    in.reason_code = "0123456";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "reason_code"), "a leading zero");
    in.reason_code = "29857009";
    CHECK(ck_node_admit_check(&in, NOW, &at, &e) == 0, "a SNOMED id");
    in.org = "hosp a";
    CHECK(refused(ck_node_admit_check(&in, NOW, &at, &e), &e, "hospital"), "an organization that is not a name");
}

static void test_discharge_visit(void)
{
    ck_node_discharge_in d;
    ck_node_visit_in v;
    ck_node_error e;
    int64_t at;
    memset(&d, 0, sizeof d);
    d.patient = "p2";
    CHECK(ck_node_discharge_check(&d, NOW, &at, &e) == 0, "a discharge, home by default");
    d.disposition = "moon";
    CHECK(refused(ck_node_discharge_check(&d, NOW, &at, &e), &e, "disposition"), "an unknown disposition");
    d.disposition = "other-hcf";
    d.summary = "";
    CHECK(refused(ck_node_discharge_check(&d, NOW, &at, &e), &e, "summary"), "an empty summary");
    d.summary = "Recovered.";
    d.encounter = "a b";
    CHECK(refused(ck_node_discharge_check(&d, NOW, &at, &e), &e, "encounter"), "an encounter id with a space");
    memset(&v, 0, sizeof v);
    v.patient = "p3";
    CHECK(refused(ck_node_visit_check(&v, NOW, &at, &e), &e, "department"), "an outpatient visit needs a department");
    v.emergency = 1;
    CHECK(ck_node_visit_check(&v, NOW, &at, &e) == 0, "an emergency visit does not");
    v.department = "cardiology";
    v.emergency = 0;
    CHECK(ck_node_visit_check(&v, NOW, &at, &e) == 0, "an outpatient visit at a department");
}

static void test_mis(void)
{
    ck_node_mis_in in;
    ck_node_error e;
    memset(&in, 0, sizeof in);
    in.report = "occupancy";
    in.period = "2026-11";
    CHECK(ck_node_mis_check(&in, &e) == 0, "a month");
    in.period = "2026-11-01..2026-11-15";
    CHECK(ck_node_mis_check(&in, &e) == 0, "a range");
    in.period = "2026-13";
    CHECK(refused(ck_node_mis_check(&in, &e), &e, "period"), "month 13");
    in.period = NULL;
    CHECK(refused(ck_node_mis_check(&in, &e), &e, "period"), "no period");
    in.period = "2026-11";
    in.report = "beds";
    CHECK(refused(ck_node_mis_check(&in, &e), &e, "report"), "an unknown report");
    in.report = "all";
    in.format = (ck_node_mis_format)7;
    CHECK(refused(ck_node_mis_check(&in, &e), &e, "format"), "an unknown format");
}

static void test_condition_note(void)
{
    ck_node_condition_add_in a;
    ck_node_condition_change_in c;
    ck_node_note_in nt;
    ck_node_error e;
    int64_t onset;
    memset(&a, 0, sizeof a);
    a.patient = "p1";
    a.system = "snomed";
    a.code = "38341003";
    a.display = "Hypertension";
    CHECK(ck_node_condition_add_check(&a, &onset, &e) == 0, "a SNOMED diagnosis");
    a.code = "38341004";
    CHECK(refused(ck_node_condition_add_check(&a, &onset, &e), &e, "code"), "a bad Verhoeff check digit");
    a.system = "icd10";
    a.code = "I10";
    CHECK(ck_node_condition_add_check(&a, &onset, &e) == 0, "an ICD-10 code");
    a.system = "loinc";
    CHECK(refused(ck_node_condition_add_check(&a, &onset, &e), &e, "system"), "an unknown code system");
    a.system = "text";
    a.display = NULL;
    CHECK(refused(ck_node_condition_add_check(&a, &onset, &e), &e, "display"), "no display");
    a.display = "Back pain";
    a.onset = "soon";
    CHECK(refused(ck_node_condition_add_check(&a, &onset, &e), &e, "onset"), "an onset that is no time");
    memset(&c, 0, sizeof c);
    c.patient = "p1";
    c.id = "abc";
    CHECK(refused(ck_node_condition_change_check(&c, &e), &e, "change"), "an update that changes nothing");
    c.severity = "extreme";
    CHECK(refused(ck_node_condition_change_check(&c, &e), &e, "severity"), "an unknown severity");
    c.severity = "mild";
    c.verification = "maybe";
    CHECK(refused(ck_node_condition_change_check(&c, &e), &e, "verification"), "an unknown verification status");
    c.verification = "refuted";
    CHECK(ck_node_condition_change_check(&c, &e) == 0, "a refutation");
    c.resolve = 1;
    c.id = NULL;
    CHECK(refused(ck_node_condition_change_check(&c, &e), &e, "id"), "resolve without an id");
    memset(&nt, 0, sizeof nt);
    nt.patient = "p1";
    nt.text = "Less pain today.";
    nt.len = strlen(nt.text);
    CHECK(ck_node_note_check(&nt, NOW, &e) == 0, "a progress note");
    nt.kind = "gossip";
    CHECK(refused(ck_node_note_check(&nt, NOW, &e), &e, "kind"), "an unknown note kind");
    nt.kind = "discharge";
    nt.text = "bell\a";
    nt.len = 5;
    CHECK(refused(ck_node_note_check(&nt, NOW, &e), &e, "text"), "a control character in a note");
    nt.len = 0;
    CHECK(refused(ck_node_note_check(&nt, NOW, &e), &e, "text"), "an empty note");
}

int main(void)
{
    test_condition_note();
    test_admit();
    test_discharge_visit();
    test_mis();
    TEST_MAIN_END();
}
