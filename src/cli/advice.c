/*
 * src/cli/advice.c - one table from carekeyd's stable error codes
 * to what the person does next (advice.h). tests/client/test_cli_advice
 * checks that every code src/server/errors.c can emit is here: with advice,
 * or NULL when there is nothing a person can do about it (a client bug, a
 * malformed request) and the message alone says enough.
 */
#include "cli/advice.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *code;
    const char *advice;
} table[] = {
    {"unsigned_request", NULL},
    {"bad_signature", "check that --home holds the identity this server enrolled, and --server"},
    {"stale_timestamp", "set this computer's clock right (carekeyd accepts a few minutes of skew)"},
    {"replayed_nonce", "run the command again"},
    {"session_expired", "run the command again (the client opens a new session by itself)"},
    {"unknown_key", "this identity is not enrolled on this server: check --server, or 'carekey init' and "
                    "wait for the operator's 'carekey admin approve GID'"},
    {"forbidden", "ask the patient or a delegate for access: carekey grant --patient P --gid YOU --read "
                  "(or --sections S to write)"},
    {"admin_only", "only the operator may do this: run it from the operator's home (carekey admin ...)"},
    {"no_write_grant", "ask the patient or a delegate for a grant: carekey grant --patient P --gid YOU --sections S"},
    {"author_mismatch", NULL},
    {"bad_json", NULL},
    {"bad_field", NULL},
    {"bad_parameter", NULL},
    {"bad_path", NULL},
    {"bad_entry_signature", NULL},
    {"body_too_large", "send less at once (carekey import --max-entry-bytes N), or ask the operator to raise "
                       "carekeyd --max-body"},
    {"not_found", NULL},
    {"user_not_found", "check the GID: 'carekey directory staff' lists staff; a person exists once the "
                       "operator approved her enrollment (carekey admin pending)"},
    {"authority_not_found", "the authority is not registered: its owner runs 'carekey authority publish NAME' "
                            "and the operator 'carekey admin add-authority FILE'"},
    {"record_not_found", "check the patient's GID: a record exists once the patient is enrolled"},
    {"entry_not_found", NULL},
    {"grant_not_found", "'carekey grant list --patient P' shows the grants and their ids"},
    {"message_not_found", "'carekey keys inbox' lists the messages in your mailbox"},
    {"org_not_found", "check the organization: 'carekey directory orgs' lists them"},
    {"unit_not_found", "'carekey directory units --org ORG' lists the organization's units"},
    {"deactivated", "this account is deactivated: ask the operator (carekey admin reactivate --gid GID)"},
    {"method_not_allowed", NULL},
    {"head_mismatch", "someone wrote to the record meanwhile: run the command again"},
    {"already_exists", "it is there already: list it ('carekey directory ...') rather than adding it again"},
    {"stale_head", "the record moved on meanwhile: run the command again"},
    {"rate_limited", "too many requests: wait a few seconds and run it again"},
    {"mailbox_full", "the recipient's mailbox is full: she empties it with 'carekey keys sync'"},
    {"internal", "the server failed: its operator finds the cause in carekeyd's log"},
    {"unavailable", "the server's database is unavailable: try again later, or tell its operator"},
    {"bad_document_signature", NULL},
    {"stale_version", "the server holds a newer version already: fetch it and start from it"},
    {"time_regression", "this computer's clock is behind the record's last entry: set it right"},
    {"bad_time", "set this computer's clock right"},
    {"bad_purpose", "state a purpose of use open to you on this record (docs/API.md, Purpose of use)"},
    {"no_consent", "the person consents first: she runs 'carekey directory consent ORG'"},
    {"not_affiliable", "patients, family and organizations are never staff: affiliate a staff identity"},
    {"enrollment_not_found", "'carekey admin pending' lists the requests waiting for approval"},
    {"bad_tombstone", NULL},
};
#define N_TABLE (sizeof table / sizeof table[0])

static int find(const char *code)
{
    for (size_t i = 0; code && i < N_TABLE; i++)
        if (!strcmp(table[i].code, code)) return (int)i;
    return -1;
}

const char *cli_advice(const char *code)
{
    int i = find(code);
    return i < 0 ? NULL : table[i].advice;
}

int cli_advice_known(const char *code) { return find(code) >= 0; }

const char *cli_advice_code_at(size_t i) { return i < N_TABLE ? table[i].code : NULL; }

void cli_advice_print(const char *cmd, const char *code)
{
    const char *a = cli_advice(code);
    if (a) fprintf(stderr, "carekey: %s%swhat to do: %s\n", cmd ? cmd : "", cmd ? ": " : "", a);
}

const char *cli_passphrase_problem(char *out, size_t cap, const char *source, ck_keyring_err e)
{
    const char *var = NULL;
    if (source && !strcmp(source, "env")) var = CK_KEYRING_PASSPHRASE_ENV;
    else if (source && !strncmp(source, "env:", 4) && source[4]) var = source + 4;
    if (e == CK_KEYRING_ERR_NO_TTY)
        snprintf(out, cap, "cannot prompt for the passphrase: no terminal; give it with --passphrase file:PATH "
                           "or --passphrase env:VAR (a variable holding it; 'env' alone reads %s)",
                 CK_KEYRING_PASSPHRASE_ENV);
    else if (var && e == CK_KEYRING_ERR_NOT_FOUND)
        snprintf(out, cap, "--passphrase %s: the variable %s is not set; export %s=... or use --passphrase "
                           "file:PATH", source, var, var);
    else if (var && e == CK_KEYRING_ERR_PARAM)
        snprintf(out, cap, "--passphrase %s: the variable %s is empty", source, var);
    else if (source && !strncmp(source, "file:", 5) && source[5] && e == CK_KEYRING_ERR_IO)
        snprintf(out, cap, "--passphrase %s: cannot read %s", source, source + 5);
    else if (source && !strncmp(source, "file:", 5) && source[5] && e == CK_KEYRING_ERR_PARAM)
        snprintf(out, cap, "--passphrase %s: %s is empty (the passphrase is its first line)", source, source + 5);
    else if (e == CK_KEYRING_ERR_PARAM)
        snprintf(out, cap, "--passphrase takes prompt, env, env:VAR or file:PATH, not '%s'", source ? source : "");
    else
        snprintf(out, cap, "%s", ck_keyring_strerror(e));
    return out;
}
