/* tests/ui/test_ui_rx_forms.c - the form bodies of the prescription,
 * dispensing and break-glass pages (src/ui/rx_forms.c): the forms as the
 * pages send them are read; another member, a duplicate, trailing bytes, a
 * path for a patient, an empty reason or a desk that is no http(s) URL are
 * refused whole. */
#include <string.h>

#include "harness.h"
#include "ui/rx_forms.h"

#define BODY(s) s, strlen(s)

int main(void)
{
    ck_ui_rx_form w;
    ck_ui_dispense_form d;
    ck_ui_btg_form b;
    CHECK(ck_ui_rx_form_parse(BODY("{\"patient\":\"pt-1\",\"rxnorm\":\"723\",\"quantity\":21,\"refills\":2,"
                                   "\"dose\":\"500 mg\",\"override\":\"tolerated\"}"), &w) == 0 &&
              w.quantity == 21 && w.refills == 2 && w.has_override && !strcmp(w.override_reason, "tolerated"),
          "a prescription with an override");
    CHECK(ck_ui_rx_form_parse(BODY("{\"patient\":\"pt-1\",\"rxnorm\":\"723\",\"quantity\":21}"), &w) == 0 &&
              !w.has_override && !w.has_dose && w.refills == 0,
          "the optional members may be absent");
    CHECK(ck_ui_rx_form_parse(BODY("{\"patient\":\"pt-1\",\"rxnorm\":\"723\",\"quantity\":21,\"author\":\"dr-b\"}"), &w) == -1,
          "another member");
    CHECK(ck_ui_rx_form_parse(BODY("{\"patient\":\"pt-1\",\"rxnorm\":\"723\",\"quantity\":21,\"override\":\"\"}"), &w) == -1,
          "an empty override reason");
    CHECK(ck_ui_rx_form_parse(BODY("{\"patient\":\".x\",\"rxnorm\":\"723\",\"quantity\":21}"), &w) == -1, "a patient that could be a path");
    CHECK(ck_ui_rx_form_parse(BODY("{\"patient\":\"pt-1\",\"rxnorm\":\"723\",\"quantity\":100001}"), &w) == -1, "too large a quantity");
    CHECK(ck_ui_dispense_form_parse(BODY("{\"patient\":\"pt-1\",\"id\":\"ab-1\",\"quantity\":30}"), &d) == 0 && d.quantity == 30,
          "a dispense");
    CHECK(ck_ui_dispense_form_parse(BODY("{\"patient\":\"pt-1\",\"id\":\"ab-1\",\"quantity\":30,\"quantity\":1}"), &d) == -1,
          "a duplicate member");
    CHECK(ck_ui_dispense_form_parse(BODY("{\"patient\":\"pt-1\",\"id\":\"ab-1\",\"quantity\":30} 1"), &d) == -1,
          "trailing bytes");
    CHECK(ck_ui_btg_form_parse(BODY("{\"patient\":\"pt-1\",\"reason\":\"unconscious\",\"minutes\":30,"
                                    "\"desk\":\"http://127.0.0.1:8600\"}"), &b) == 0 && b.minutes == 30,
          "a break-glass request");
    CHECK(ck_ui_btg_form_parse(BODY("{\"patient\":\"pt-1\",\"reason\":\"\",\"minutes\":30,\"desk\":\"http://127.0.0.1:8600\"}"), &b) == -1,
          "break-glass without a reason");
    CHECK(ck_ui_btg_form_parse(BODY("{\"patient\":\"pt-1\",\"reason\":\"x\",\"minutes\":30,\"desk\":\"file:///etc/passwd\"}"), &b) == -1,
          "a desk that is a file");
    CHECK(ck_ui_btg_form_parse(BODY("{\"patient\":\"pt-1\",\"reason\":\"x\",\"minutes\":1441,\"desk\":\"http://d\"}"), &b) == -1,
          "a window over a day");
    TEST_MAIN_END();
}
