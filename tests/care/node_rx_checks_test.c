/* tests/care/node_rx_checks_test.c - the node's pure input checks of the
 * prescription operations (src/node/care/rx_check.c): what a front end
 * hands in is refused with kind INVALID, the field's path and a stable
 * key, before anything is opened; the drug table is what may be
 * prescribed. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_rx.h"
#include "harness.h"

static const int64_t NOW = 1795000000000LL;

static int refused(int rc, const ck_node_error *e, const char *path)
{
    char key[64];
    snprintf(key, sizeof key, "bad_%s", path);
    return rc == -1 && e->kind == CK_NODE_E_INVALID && !strcmp(e->path, path) && !strcmp(e->key, key) && e->msg[0];
}

static ck_node_rx_write_in write_ok(void)
{
    ck_node_rx_write_in in;
    memset(&in, 0, sizeof in);
    in.patient = "p1";
    in.drug = "aspirin";
    in.quantity = 30;
    return in;
}

static void test_write(void)
{
    ck_node_rx_write_in in = write_ok();
    ck_node_error e;
    const char *name = NULL;
    int64_t at = 0;
    CHECK(ck_node_rx_write_check(&in, NOW, &at, &name, &e) == 0 && at == NOW && name && *name,
          "a plain prescription passes, now by default, the drug named");
    in.at = "2026-11-24T10:10Z";
    CHECK(ck_node_rx_write_check(&in, NOW, &at, NULL, &e) == 0 && at == 1795515000000LL, "--at parsed: %lld",
          (long long)at);
    in.at = "tomorrow";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "at"), "a time that is not one");
    in = write_ok();
    in.drug = "unobtainium";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, &name, &e), &e, "drug") && !name, "a drug not in the table");
    in.rxnorm = "313782";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "drug"), "both --drug and --rxnorm");
    in.drug = NULL;
    in.rxnorm = "999999999";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "drug"), "an RxNorm code not in the table");
    in = write_ok();
    in.quantity = 0;
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "quantity"), "no quantity");
    in.quantity = CK_NODE_RX_QUANTITY_MAX + 1;
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "quantity"), "too large a quantity");
    in = write_ok();
    in.refills = 100;
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "refills"), "100 refills");
    in = write_ok();
    in.override_reason = "";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "override"), "an override without a reason");
    in = write_ok();
    in.patient = "P 1";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "patient"), "a patient that is no GID");
    in = write_ok();
    in.org = "Hosp A";
    CHECK(refused(ck_node_rx_write_check(&in, NOW, &at, NULL, &e), &e, "hospital"), "an organization that is no name");
}

static ck_node_rx_dispense_in dispense_ok(void)
{
    ck_node_rx_dispense_in in;
    memset(&in, 0, sizeof in);
    in.patient = "p1";
    in.id = "0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab";
    in.quantity = 30;
    return in;
}

static void test_dispense_cancel(void)
{
    ck_node_rx_dispense_in d = dispense_ok();
    ck_node_rx_cancel_in c;
    ck_node_error e;
    int64_t at = 0;
    CHECK(ck_node_rx_dispense_check(&d, NOW, &at, &e) == 0 && at == NOW, "a plain dispense passes");
    d.id = "x/../../y";
    CHECK(refused(ck_node_rx_dispense_check(&d, NOW, &at, &e), &e, "id"), "a request id that is no FHIR id");
    d = dispense_ok();
    d.location = "Ward A";
    CHECK(refused(ck_node_rx_dispense_check(&d, NOW, &at, &e), &e, "location"), "a location that is no name");
    d = dispense_ok();
    d.org = "pharm!";
    CHECK(refused(ck_node_rx_dispense_check(&d, NOW, &at, &e), &e, "org"), "a pharmacy that is no name");
    d = dispense_ok();
    d.quantity = 0;
    CHECK(refused(ck_node_rx_dispense_check(&d, NOW, &at, &e), &e, "quantity"), "no quantity");

    memset(&c, 0, sizeof c);
    c.patient = "p1";
    c.id = "abc";
    CHECK(ck_node_rx_cancel_check(&c, NOW, &at, &e) == 0, "a plain cancellation passes");
    c.reason = "";
    CHECK(refused(ck_node_rx_cancel_check(&c, NOW, &at, &e), &e, "reason"), "an empty reason");
    c.reason = NULL;
    c.id = NULL;
    CHECK(refused(ck_node_rx_cancel_check(&c, NOW, &at, &e), &e, "id"), "no request id");
}

static void test_drugs(void)
{
    json_t *all = ck_node_rx_drugs();
    CHECK(all && json_array_size(all) > 10, "the drug table lists its drugs");
    CHECK(json_is_string(json_object_get(json_array_get(all, 0), "rxnorm")), "each with its RxNorm code");
    json_decref(all);
}

int main(void)
{
    test_write();
    test_dispense_cancel();
    test_drugs();
    TEST_MAIN_END();
}
