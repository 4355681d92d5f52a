/*
 * abe/policy_error.c - error codes and positioned messages for the policy
 * language and the LSSS.
 */
#include <stdarg.h>
#include <stdio.h>

#include "abe/policy_internal.h"

const char *ck_policy_strerror(ck_policy_err e)
{
    switch (e) {
    case CK_POLICY_OK: return "ok";
    case CK_POLICY_ERR_SYNTAX: return "malformed policy";
    case CK_POLICY_ERR_LIMIT: return "policy exceeds a limit";
    case CK_POLICY_ERR_UNSATISFIED: return "policy not satisfied";
    case CK_POLICY_ERR_NOMEM: return "out of memory";
    case CK_POLICY_ERR_PARAM: return "bad argument";
    }
    return "unknown policy error";
}

ck_policy_err ck_policy_fail(ck_policy_error *err, ck_policy_err code, size_t pos,
                             const char *fmt, ...)
{
    char what[96]; /* "policy:" + 20 digits + ": " + what fits msg */
    va_list ap;

    if (err == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    err->code = code;
    err->pos = pos;
    if (pos > 0)
        snprintf(err->msg, sizeof err->msg, "policy:%zu: %s", pos, what);
    else
        snprintf(err->msg, sizeof err->msg, "policy: %s", what);
    return code;
}

void ck_policy_ok(ck_policy_error *err)
{
    if (err == NULL)
        return;
    err->code = CK_POLICY_OK;
    err->pos = 0;
    err->msg[0] = 0;
}
