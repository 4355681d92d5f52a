/*
 * tests/client/test_node_authority.c - the pure parts of the node's
 * authority and admin operations: attribute specs (numeric values, values
 * where none is allowed, bit labels) and the operator's request files
 * (strict: unknown fields, trailing bytes, duplicate keys, bad hex and ids
 * are refused).
 */
#include <string.h>

#include "carekey/node.h"
#include "carekey/node_admin.h"
#include "carekey/node_authority.h"
#include "carekey/node_hospital.h"
#include "carekey/node_identity.h"
#include "harness.h"

#define K64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void attrs(ck_node *n)
{
    ck_node_attr_spec s;
    CHECK(ck_node_attr_parse(n, "doctor@hosp-a", 0, &s) == 0 && !s.numeric && !strcmp(s.label, "doctor@hosp-a"),
          "plain attribute");
    CHECK(ck_node_attr_parse(n, "level@hosp-a=3", 1, &s) == 0 && s.numeric && s.value == 3 &&
              !strcmp(s.label, "level@hosp-a"), "numeric attribute");
    CHECK(ck_node_attr_parse(n, "level@hosp-a=4294967295", 1, &s) == 0 && s.value == 4294967295u, "max value");
    CHECK(ck_node_attr_parse(n, "level@hosp-a=4294967296", 1, &s) != 0 &&
              ck_node_last_error(n)->kind == CK_NODE_E_INVALID, "value out of range refused");
    CHECK(ck_node_attr_parse(n, "level@hosp-a=3", 0, &s) != 0, "a value where none is allowed refused");
    CHECK(ck_node_attr_parse(n, "doctor", 0, &s) != 0, "no authority refused");
    CHECK(ck_node_attr_parse(n, "doc tor@hosp-a", 0, &s) != 0, "bad policy text refused");
    CHECK(!strcmp(ck_node_attr_authority("doctor@hosp-a"), "hosp-a") && !strcmp(ck_node_attr_authority("x"), ""),
          "authority part");
}

static int enroll_rc(const char *s)
{
    ck_node_enroll_file f;
    char why[160];
    return ck_node_enroll_file_parse(s, strlen(s), &f, why);
}

static int auth_rc(const char *s)
{
    ck_node_authority_file f;
    char why[160];
    int rc = ck_node_authority_file_parse(s, strlen(s), &f, why);
    ck_node_authority_file_clear(&f);
    return rc;
}

static void files(void)
{
    ck_node_enroll_file e;
    ck_node_authority_file a;
    char why[160];
    const char *ok = "{\"gid\":\"bob\",\"ed25519\":\"" K64 "\",\"x25519\":\"" K64 "\",\"display_name\":\"Bob\","
                     "\"role\":\"staff\"}";
    const char *aok = "{\"name\":\"hosp-a\",\"signing_key\":\"" K64 "\",\"abe_public_key\":\"AAEC\","
                      "\"organization\":\"hosp-a\",\"epoch_table\":{\"version\":1}}";
    CHECK(ck_node_enroll_file_parse(ok, strlen(ok), &e, why) == 0 && !strcmp(e.gid, "bob") &&
              !strcmp(e.role, "staff") && e.ed25519[0] == 0xaa, "enrollment request parsed");
    CHECK(enroll_rc("{\"gid\":") == -1, "not JSON: -1");
    CHECK(enroll_rc("{\"gid\":\"bob\"}") == -2, "missing fields: -2");
    CHECK(enroll_rc("{\"gid\":\"bob\",\"ed25519\":\"" K64 "\",\"x25519\":\"" K64 "\",\"display_name\":\"B\","
                    "\"role\":\"staff\",\"more\":1}") == -2, "unknown field refused");
    CHECK(enroll_rc("{\"gid\":\"bob\",\"ed25519\":\"" K64 "\",\"x25519\":\"" K64 "\",\"display_name\":\"B\","
                    "\"role\":\"staff\"} {}") == -1, "trailing bytes refused");
    CHECK(enroll_rc("{\"gid\":\"bob\",\"gid\":\"eve\",\"ed25519\":\"" K64 "\",\"x25519\":\"" K64
                    "\",\"display_name\":\"B\",\"role\":\"staff\"}") == -1, "duplicate key refused");
    CHECK(enroll_rc("{\"gid\":\"../x\",\"ed25519\":\"" K64 "\",\"x25519\":\"" K64 "\",\"display_name\":\"B\","
                    "\"role\":\"staff\"}") == -2, "bad GID refused");
    CHECK(enroll_rc("{\"gid\":\"bob\",\"ed25519\":\"zz\",\"x25519\":\"" K64 "\",\"display_name\":\"B\","
                    "\"role\":\"staff\"}") == -2, "bad hex refused");
    CHECK(ck_node_authority_file_parse(aok, strlen(aok), &a, why) == 0 && !strcmp(a.name, "hosp-a") &&
              a.abe_pk_len == 3 && a.table && strstr(a.table, "\"version\""), "authority record parsed");
    ck_node_authority_file_clear(&a);
    CHECK(auth_rc("{\"name\":\"hosp-a\",\"signing_key\":\"" K64 "\",\"abe_public_key\":\"AAEC\","
                  "\"organization\":\"hosp-a\"}") == 0, "a record without table");
    CHECK(auth_rc("{\"name\":\"hosp-a\",\"signing_key\":\"" K64 "\",\"abe_public_key\":\"AAEC\","
                  "\"organization\":\"hosp-a\",\"epoch_table\":[]}") == -2, "a table that is no object refused");
    CHECK(auth_rc("{\"name\":\"hosp-a\",\"signing_key\":\"" K64 "\",\"abe_public_key\":\"!!\","
                  "\"organization\":\"hosp-a\"}") == -2, "bad base64 refused");
    CHECK(auth_rc("{\"name\":\"Hosp A\",\"signing_key\":\"" K64 "\",\"abe_public_key\":\"AAEC\","
                  "\"organization\":\"hosp-a\"}") == -2, "bad name refused");
    CHECK(auth_rc("{\"name\":\"hosp-a\",\"signing_key\":\"" K64 "\",\"abe_public_key\":\"AAEC\","
                  "\"organization\":\"hosp-a\",\"x\":1}") == -2, "unknown field refused");
}

/* The role table staff add and care-team follow, and who stays off the
 * directory by name. */
static void roles(void)
{
    const ck_node_role_sections *d = ck_node_hospital_role("doctor"), *p = ck_node_hospital_role("pharmacist");
    CHECK(d && strstr(d->record, "problems") && strstr(d->ledger, "theatre"), "doctor: record and ledger sections");
    CHECK(p && !strcmp(p->record, "medications") && !strcmp(p->ledger, "rx"), "pharmacist: medications, rx");
    CHECK(!ck_node_hospital_role("surgeon") && !ck_node_hospital_role(NULL), "unknown roles refused");
    CHECK(ck_node_role_private("patient") && ck_node_role_private("family") && ck_node_role_private("caregiver") &&
              !ck_node_role_private("doctor"), "private roles");
}

int main(void)
{
    ck_node_config cfg = {0};
    ck_node *n = NULL;
    cfg.home = "/nonexistent/carekey-test";
    CHECK(ck_node_open(&n, &cfg) == 0, "a session (nothing read)");
    if (n) attrs(n);
    files();
    roles();
    ck_node_close(n);
    TEST_MAIN_END();
}
