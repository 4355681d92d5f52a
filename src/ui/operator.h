/*
 * src/ui/operator.h - the operator's pages (operator.c): the enrollment
 * queue, the authorities and their epochs, the directory.
 */
#ifndef CK_UI_OPERATOR_H
#define CK_UI_OPERATOR_H

#include "ui/ui_impl.h"

/* Strict: exactly {"gid": GID, "approve": true|false}, nothing else. 0, or
 * -1 (gid "") when the body is anything else. Pure (fuzz_ui_parse). */
int ck_ui_decide_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], int *approve);
/* 1 when path is under /ui/api/operator/ (answered), else 0. */
int ck_ui_operator_route(ck_ui_req *r, const char *path, size_t len);

#endif
