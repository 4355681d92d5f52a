/*
 * src/ui/rx_forms.h - the bodies of the prescription, dispensing and
 * break-glass forms (rx_forms.c, pure; fuzz/fuzz_ui_rx_forms.c): a JSON
 * object with exactly the members of the form (optional ones may be
 * absent), each of its type and size. Anything else - another member, a
 * duplicate, trailing bytes, a wrong type - is refused whole.
 */
#ifndef CK_UI_CARE_FORMS_H
#define CK_UI_CARE_FORMS_H

#include <stddef.h>
#include <stdint.h>

#include "ui/ui_impl.h"

#define CK_UI_FORM_TEXT_MAX 1024
#define CK_UI_FORM_URL_MAX 256

/* {"patient", "rxnorm", "quantity", "refills"?, "dose"?, "override"?} */
typedef struct ck_ui_rx_form {
    char patient[CK_UI_GID_MAX];
    char rxnorm[32];
    uint32_t quantity, refills;
    char dose[CK_UI_FORM_TEXT_MAX];
    char override_reason[CK_UI_FORM_TEXT_MAX];
    int has_dose, has_override;
} ck_ui_rx_form;
int ck_ui_rx_form_parse(const char *body, size_t len, ck_ui_rx_form *f);

/* {"patient", "id", "quantity"} */
typedef struct ck_ui_dispense_form {
    char patient[CK_UI_GID_MAX];
    char id[65];
    uint32_t quantity;
} ck_ui_dispense_form;
int ck_ui_dispense_form_parse(const char *body, size_t len, ck_ui_dispense_form *f);

/* {"patient", "reason", "minutes", "desk"}: desk an http(s) URL */
typedef struct ck_ui_btg_form {
    char patient[CK_UI_GID_MAX];
    char reason[CK_UI_FORM_TEXT_MAX];
    uint32_t minutes;
    char desk[CK_UI_FORM_URL_MAX];
} ck_ui_btg_form;
int ck_ui_btg_form_parse(const char *body, size_t len, ck_ui_btg_form *f);

/* ---- the endpoints (rx.c, emergency.c) ---- */
/* /ui/api/rx/{drugs,list,write,dispense} */
int ck_ui_rx(ck_ui_req *r);
/* /ui/api/emergency/{request,show} */
int ck_ui_emergency(ck_ui_req *r);
/* The path's last part after prefix (at most cap - 1 bytes, no query): 0, or -1. */
int ck_ui_route_tail(const ck_ui_req *r, const char *prefix, char *out, size_t cap);

#endif
