/*
 * carekey/node.h - the carekey application: a person's session with her
 * identity and unlocked keyring, the server connection, pinned heads and
 * signed epoch tables, the verified-state and decryption caches, and one
 * function per operation (carekey/node_*.h). Front ends - the `carekey`
 * CLI, the node's FHIR API and pages, the key agent - only parse, call and
 * render; nothing in the node prints, prompts or exits (docs/NODE.md).
 *
 * Conventions (libcurl's and transmission's): a ck_node handle is used by
 * one thread at a time; ck_node_dup gives another thread its own handle on
 * the same session (keyring, pins and caches are shared and locked inside).
 * Operations return 0, or -1 with the handle's last error set: a kind, a
 * stable key ("bed_taken", "head_mismatch"), the server's status when one
 * answered, a JSON path for bad input, and a message with no patient data.
 * Messages about what an operation did go to the handle's notice callback;
 * long operations report progress through a callback that may cancel.
 */
#ifndef CARKEY_NODE_H
#define CARKEY_NODE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CK_NODE_WUR __attribute__((warn_unused_result))
#else
#define CK_NODE_WUR
#endif

typedef struct ck_node ck_node;
struct ck_keyring; /* carekey/keyring.h */

/* ---- configuration ----------------------------------------------------- */
/* Layered by the front end: defaults, then ck_node_config_from_env, then
 * its own flags. Strings are copied by ck_node_open. */
typedef struct ck_node_config {
    const char *home;          /* the person's directory (keyring, pins, caches) */
    const char *server;        /* carekeyd URL; NULL: the one saved in home       */
    const char *ca_file;       /* extra CA bundle for TLS (PEM); NULL: system     */
    const char *org;           /* the organization this person acts for, when ambiguous */
    int no_cache;              /* 1: no decryption cache, no verified state       */
    unsigned timeout_ms;       /* per request to carekeyd; 0: the default         */
    unsigned threads;          /* workers opening many entries; 0: one per core   */
} ck_node_config;

/* Defaults from the environment: CAREKEY_HOME (else $HOME/.carekey),
 * CAREKEY_SERVER, CAREKEY_CA_FILE, CAREKEY_ORG, CAREKEY_NO_CACHE,
 * CAREKEY_THREADS (1-64). The
 * strings point into the environment. For front ends: the node never
 * reads the environment itself. */
void ck_node_config_from_env(ck_node_config *cfg);

/* ---- errors ---------------------------------------------------------------- */
typedef enum ck_node_kind {
    CK_NODE_OK = 0,
    CK_NODE_E_INVALID,     /* bad input: an option, a resource, a name (400)            */
    CK_NODE_E_KEYRING,     /* no keyring, wrong passphrase, a damaged keyring            */
    CK_NODE_E_FORBIDDEN,   /* no grant, no key, not the owner (403)                      */
    CK_NODE_E_NOT_FOUND,   /* no such record, resource, person (404)                     */
    CK_NODE_E_CONFLICT,    /* a bed taken, a version changed (409/412)                   */
    CK_NODE_E_REFUSED,     /* a business rule: allergy warning, dispense limit (422)     */
    CK_NODE_E_INTEGRITY,   /* a chain or signature that does not verify (502 security)   */
    CK_NODE_E_UPSTREAM,    /* carekeyd answered an error not covered above               */
    CK_NODE_E_UNREACHABLE, /* carekeyd could not be reached (503)                        */
    CK_NODE_E_IO,          /* a local file could not be read or written                  */
    CK_NODE_E_NOMEM,
    CK_NODE_E_CANCELLED,   /* the progress callback asked to stop                        */
} ck_node_kind;

#define CK_NODE_KEY_MAX 48
#define CK_NODE_PATH_MAX 128
#define CK_NODE_MSG_MAX 768

typedef struct ck_node_error {
    ck_node_kind kind;
    char key[CK_NODE_KEY_MAX];   /* stable, snake_case; "" when none fits             */
    long status;                 /* carekeyd's HTTP status, 0 when none answered     */
    char path[CK_NODE_PATH_MAX]; /* JSON path of bad input ("" none)                 */
    char msg[CK_NODE_MSG_MAX];   /* for people; never patient data                   */
} ck_node_error;

/* The error of the handle's last failed operation (kind CK_NODE_OK after
 * success). Valid until the next operation on the handle. */
const ck_node_error *ck_node_last_error(const ck_node *n);
/* "invalid", "keyring", "forbidden", ...: the kind's stable name. */
const char *ck_node_kind_name(ck_node_kind k);

/* ---- notices and progress ------------------------------------------------ */
typedef enum ck_node_level {
    CK_NODE_INFO,     /* what was done: "granted ...", "appended entry 12"          */
    CK_NODE_WARNING,  /* something to know: an epoch pending, an allergy warning      */
    CK_NODE_PROBLEM,  /* a verification problem of a record ("kind (seq N): detail")  */
} ck_node_level;

/* Called on the thread running the operation; must not call back into
 * the node. Without a callback notices are dropped. */
typedef void (*ck_node_notice_fn)(void *ud, ck_node_level level, const char *msg);
void ck_node_set_notice(ck_node *n, ck_node_notice_fn fn, void *ud);

typedef enum ck_node_phase {
    CK_NODE_PHASE_FETCH,    /* entries fetched                      */
    CK_NODE_PHASE_VERIFY,   /* entries verified                     */
    CK_NODE_PHASE_OPEN,     /* entries decrypted                    */
    CK_NODE_PHASE_SEAL,     /* entries sealed (import, reencrypt)   */
    CK_NODE_PHASE_APPEND,   /* entries appended                     */
    CK_NODE_PHASE_SYNC,     /* mailbox messages                     */
} ck_node_phase;

/* done of total (total 0: unknown); nonzero return cancels the operation
 * (it fails with CK_NODE_E_CANCELLED, leaving what batches guarantee). */
typedef int (*ck_node_progress_fn)(void *ud, ck_node_phase phase, uint64_t done, uint64_t total);
void ck_node_set_progress(ck_node *n, ck_node_progress_fn fn, void *ud);

/* ---- the session ---------------------------------------------------------------- */
/* The passphrase, asked when the keyring is first needed: writes at most
 * cap - 1 bytes and a NUL into buf; 0, or -1 when none can be had (the
 * node fails with CK_NODE_E_KEYRING, msg from the callback's why). */
typedef int (*ck_node_passphrase_fn)(void *ud, char *buf, size_t cap, char *why, size_t why_cap);

/* Once per process, before threads start: network and the wiping JSON
 * allocator (decrypted payloads are patient data). */
int ck_node_global_init(void) CK_NODE_WUR;

/* Opens a session on cfg->home; nothing is read until needed. */
int ck_node_open(ck_node **out, const ck_node_config *cfg) CK_NODE_WUR;
/* Another handle on n's session for another thread. */
int ck_node_dup(ck_node **out, ck_node *n) CK_NODE_WUR;
void ck_node_set_passphrase(ck_node *n, ck_node_passphrase_fn fn, void *ud);
/* Opens the keyring now with pass (the agent's unlock). */
int ck_node_unlock(ck_node *n, const char *pass, size_t len) CK_NODE_WUR;
/* Takes kr (an unlocked keyring of this home, e.g. the key agent's, see
 * docs/NODE.md "Agent") as the session's keyring: no passphrase is asked.
 * The session owns kr from then on (wiped at lock or close); when the
 * session is already unlocked kr is freed. -1 only for a NULL kr. */
int ck_node_adopt_keyring(ck_node *n, struct ck_keyring *kr) CK_NODE_WUR;
/* Wipes the unlocked keyring (the agent's lock); the next operation that
 * needs it asks for the passphrase again. */
void ck_node_lock(ck_node *n);
int ck_node_is_unlocked(const ck_node *n);
/* The identity's GID ("" while locked). */
const char *ck_node_gid(ck_node *n);
const char *ck_node_home(const ck_node *n);
/* Closes a handle; the session ends (keyring wiped) with its last handle. */
void ck_node_close(ck_node *n);

#ifdef __cplusplus
}
#endif

#endif
