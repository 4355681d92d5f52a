/*
 * errors.c - the stable error codes of the API (docs/API.md, "Errors").
 * Codes are part of the interface: add new ones, never rename.
 */
#include "ckd.h"

static const struct {
    int status;
    const char *code;
} errs[CKD_E_COUNT] = {
    [CKD_E_UNSIGNED] = {401, "unsigned_request"},
    [CKD_E_BAD_SIGNATURE] = {401, "bad_signature"},
    [CKD_E_STALE] = {401, "stale_timestamp"},
    [CKD_E_REPLAY] = {401, "replayed_nonce"},
    [CKD_E_UNKNOWN_KEY] = {401, "unknown_key"},
    [CKD_E_FORBIDDEN] = {403, "forbidden"},
    [CKD_E_ADMIN_ONLY] = {403, "admin_only"},
    [CKD_E_NO_GRANT] = {403, "no_write_grant"},
    [CKD_E_AUTHOR_MISMATCH] = {403, "author_mismatch"},
    [CKD_E_BAD_JSON] = {400, "bad_json"},
    [CKD_E_BAD_FIELD] = {400, "bad_field"},
    [CKD_E_BAD_PARAM] = {400, "bad_parameter"},
    [CKD_E_BAD_PATH] = {400, "bad_path"},
    [CKD_E_BAD_ENTRY_SIG] = {400, "bad_entry_signature"},
    [CKD_E_TOO_LARGE] = {413, "body_too_large"},
    [CKD_E_NOT_FOUND] = {404, "not_found"},
    [CKD_E_USER_NOT_FOUND] = {404, "user_not_found"},
    [CKD_E_AUTHORITY_NOT_FOUND] = {404, "authority_not_found"},
    [CKD_E_RECORD_NOT_FOUND] = {404, "record_not_found"},
    [CKD_E_ENTRY_NOT_FOUND] = {404, "entry_not_found"},
    [CKD_E_GRANT_NOT_FOUND] = {404, "grant_not_found"},
    [CKD_E_MESSAGE_NOT_FOUND] = {404, "message_not_found"},
    [CKD_E_ORG_NOT_FOUND] = {404, "org_not_found"},
    [CKD_E_UNIT_NOT_FOUND] = {404, "unit_not_found"},
    [CKD_E_DEACTIVATED] = {403, "deactivated"},
    [CKD_E_METHOD] = {405, "method_not_allowed"},
    [CKD_E_HEAD_MISMATCH] = {409, "head_mismatch"},
    [CKD_E_EXISTS] = {409, "already_exists"},
    [CKD_E_STALE_HEAD] = {409, "stale_head"},
    [CKD_E_RATE] = {429, "rate_limited"},
    [CKD_E_MAILBOX_FULL] = {429, "mailbox_full"},
    [CKD_E_INTERNAL] = {500, "internal"},
    [CKD_E_UNAVAILABLE] = {503, "unavailable"},
    [CKD_E_BAD_DOC_SIG] = {400, "bad_document_signature"},
    [CKD_E_STALE_VERSION] = {409, "stale_version"},
    [CKD_E_TIME_REGRESSION] = {409, "time_regression"},
    [CKD_E_BAD_TIME] = {400, "bad_time"},
    [CKD_E_BAD_PURPOSE] = {403, "bad_purpose"},
    [CKD_E_NO_CONSENT] = {403, "no_consent"},
    [CKD_E_NOT_AFFILIABLE] = {403, "not_affiliable"},
    [CKD_E_ENROLLMENT_NOT_FOUND] = {404, "enrollment_not_found"},
    [CKD_E_BAD_TOMBSTONE] = {409, "bad_tombstone"},
    [CKD_E_SESSION] = {401, "session_expired"},
};

int ckd_err_status(ckd_err e) { return (unsigned)e < CKD_E_COUNT ? errs[e].status : 500; }
const char *ckd_err_code(ckd_err e) { return (unsigned)e < CKD_E_COUNT ? errs[e].code : "internal"; }
