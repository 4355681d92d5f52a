/*
 * src/client/cli_grant.h - write grants as other commands use them
 * (`carekey hospital` gives its staff grants on its ledger and on its
 * patients' records): grants replayed from a verified chain, whether one
 * covers some sections, giving a grant (server + GRANT chain entry) and
 * revoking every grant a person holds. cli_grant.c implements them and
 * `carekey grant` on top of them.
 */
#ifndef CK_CLI_GRANT_H
#define CK_CLI_GRANT_H

#include "client/cli_record.h"

typedef struct cli_chain_grant {
    ck_rec_grant g;
    char by[CK_NET_ID_MAX + 1];   /* who signed the GRANT entry */
    uint64_t seq;
    int active;                   /* not revoked (expiry not considered) */
} cli_chain_grant;

/* The grants of the verified chain of v, in order (only entries that
 * verified); at most cap. Returns the count. */
size_t cli_grant_chain(const cli_rec_view *v, cli_chain_grant *out, size_t cap);
/* Loads and verifies record and replays its chain's grants into *cg (a new
 * array of *n; free() it, also after a failure). A record that does not
 * verify is refused, CLI_FAIL: "<refusal> (see the problems above)", with
 * refusal formatted like printf. */
int cli_grant_load(cli_ctx *c, const char *record, cli_chain_grant **cg, size_t *n, const char *refusal, ...)
    __attribute__((format(printf, 5, 6)));
/* 1 when one active, unexpired grant to grantee (a delegate one if
 * need_delegate) covers every section of sections_csv. */
int cli_grant_covers(const cli_chain_grant *g, size_t n, const char *grantee, const char *sections_csv,
                     int need_delegate);
/* Gives grantee write access to sections_csv of record: the server grant,
 * then the GRANT entry signed by this person; prints "granted ..." and,
 * for the record's owner, signs the new head. sections_csv must be valid
 * (`carekey grant` checks it and adds the grants section for delegates). */
int cli_grant_give(cli_ctx *c, const char *record, const char *grantee, const char *sections_csv, int delegate,
                   uint64_t expires_ms);
/* Lets grantee fetch record (a server read grant; no chain entry: the
 * chain records who may write). */
int cli_grant_read(cli_ctx *c, const char *record, const char *grantee, uint64_t expires_ms);
/* Revokes every active grant to grantee on record (only those granted_by
 * issued, unless NULL), on the server and in the chain (the record must
 * verify); prints one line per revocation and counts them in *n (may be
 * NULL). */
int cli_grant_revoke_all(cli_ctx *c, const char *record, const char *grantee, const char *granted_by, size_t *n);

#endif
