/*
 * src/node/node_impl.h - what the node's own files share: the session and
 * handle structures, failing with a typed error, notices and progress,
 * paths and files in the person's home. Never included by front ends
 * (they see carekey/node*.h only).
 *
 * A session (ck_node_session) is what every handle of one person shares:
 * the configuration, the unlocked keyring and the locks that guard it. A
 * handle (ck_node) adds what one thread owns: its connection to carekeyd,
 * its last error, its notice and progress callbacks.
 *
 * Locking: `kr_lock` is a read-write lock over the keyring. Operations run
 * under the read lock (ck_node_enter/ck_node_leave); unlock, lock and
 * reloading after another process changed the keyring take the write
 * lock. Pinning a peer or an authority and saving the keyring happen under
 * `pin_mu` (the keyring's peer and authority tables grow then). Heads and
 * epoch pins on disk are written under `pin_mu` too, after an on-disk
 * not-older check, so two threads (or a CLI beside the agent) cannot roll
 * a pin back.
 */
#ifndef CK_NODE_IMPL_H
#define CK_NODE_IMPL_H

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "carekey/client.h"
#include "carekey/keyring.h"
#include "carekey/node.h"
#include "carekey/record.h"

#define CK_NODE_HOME_MAX (PATH_MAX - 512) /* room for the file names below it */

typedef struct ck_node_session {
    pthread_mutex_t ref_mu;
    unsigned refs;
    pthread_rwlock_t kr_lock;
    pthread_mutex_t pin_mu;
    char home[CK_NODE_HOME_MAX];
    char server[1024];
    char ca_file[PATH_MAX];
    char org[CK_NET_ID_MAX + 1];
    int no_cache;
    unsigned threads;          /* ck_rec_open_many's workers; 0: one per core */
    unsigned timeout_ms;
    ck_keyring *kr;              /* NULL until unlocked                         */
    ck_node_passphrase_fn pass_fn;
    void *pass_ud;
    struct ck_node_memo *memo;   /* what this session verified and opened (memo.c) */
} ck_node_session;

struct ck_node {
    ck_node_session *s;
    ck_net *net;                 /* this handle's signed connection (lazy)      */
    ck_node_error err;
    ck_node_notice_fn notice;
    void *notice_ud;
    ck_node_progress_fn progress;
    void *progress_ud;
    int entered;                 /* holds kr_lock for reading                   */
};

/* ---- errors ---------------------------------------------------------------- */
/* Sets the handle's error and returns -1. key: stable snake_case or NULL. */
int ck_node_fail(ck_node *n, ck_node_kind kind, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a JSON path of the offending input. */
int ck_node_fail_at(ck_node *n, ck_node_kind kind, const char *key, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* From the last answer of net (the handle's or an authority's): the kind
 * from the status, the key from the server's code, the message "what:
 * server answered 403 forbidden: ..." or "what: cannot reach URL". -1. */
int ck_node_fail_net(ck_node *n, ck_net *net, const char *what);
/* Clears the error (at the start of an operation). */
void ck_node_clear_error(ck_node *n);

/* ---- notices, progress ------------------------------------------------------- */
void ck_node_notice(ck_node *n, ck_node_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 0 to go on, -1 (error CANCELLED set) when the callback asked to stop. */
int ck_node_step(ck_node *n, ck_node_phase phase, uint64_t done, uint64_t total);

/* ---- an operation's extent --------------------------------------------------------- */
/* Every public operation starts with enter (clears the error, takes the
 * keyring's read lock; nested calls count) and ends with leave. */
void ck_node_enter(ck_node *n);
void ck_node_leave(ck_node *n);

/* ---- the session's state ------------------------------------------------------- */
/* home/NAME into out (PATH_MAX). */
void ck_node_path(const ck_node *n, char *out, const char *name);
/* Creates the home (0700) and name inside it (NULL: none) if needed. */
int ck_node_make_dir(ck_node *n, const char *name);
/* The keyring, opened (asking for the passphrase) when needed. */
int ck_node_keyring(ck_node *n);
ck_keyring *ck_node_kr(ck_node *n);
/* Saves the keyring (under pin_mu). */
int ck_node_save(ck_node *n);
/* The server URL: the configured one, else home/server. */
int ck_node_server(ck_node *n);
/* The handle's signed connection as the keyring's identity. */
int ck_node_net(ck_node *n);
/* A connection to another URL (the emergency desk) with the session's CA. */
int ck_node_net_to(ck_node *n, const char *url, unsigned timeout_ms, ck_net **out);

/* ---- files in the home ------------------------------------------------------------- */
int ck_node_file_exists(const char *path);
/* A whole file, at most max bytes (*buf malloc'ed). */
int ck_node_read_file(ck_node *n, const char *path, size_t max, uint8_t **buf, size_t *len);
/* Atomically (temp file, fsync, rename or link when no_clobber, fsync of
 * the directory); nothing is left behind on failure. */
int ck_node_write_file(ck_node *n, const char *path, const uint8_t *buf, size_t len, mode_t mode, int no_clobber);
/* Wipes and frees. */
void ck_node_free_secret(void *buf, size_t len);
void ck_node_free_str(char *s);

/* ---- pins: peers, authorities, heads ------------------------------------------------- */
int ck_node_peer(ck_node *n, const char *gid, ck_keyring_peer *out);
int ck_node_authority(ck_node *n, const char *name, const ck_keyring_authority **out);
/* ck_rec_key_fn over ck_node_peer. */
int ck_node_key_fn(void *ctx, const char *gid, uint8_t ed25519[32]);
int ck_node_head_load(ck_node *n, const char *patient, ck_net_head *head, int *have);
/* Stores head unless the pinned one is newer (a concurrent writer). */
int ck_node_head_store(ck_node *n, const char *patient, const ck_net_head *head);

uint64_t ck_node_now_ms(void);

/* ---- the session's memory of records (memo.c) ------------------------------------ */
/* Per record: the chain this session verified last and the items it
 * decrypted, so that the next operation on it costs what is new. Locked
 * with ck_node_memo_lock; the session's owner drops it all (wiped) when
 * the session ends or locks: ck_node_memo_drop_all. */
typedef struct ck_node_memo {
    struct ck_node_memo *next;
    char record[CK_NET_ID_MAX + 1];
    ck_net_entry *e;             /* the verified chain (copies)                 */
    size_t n;
    size_t disk_n;               /* entries in the state file (replica.c)       */
    int disk_known;              /* disk_n was read or written by this session  */
    struct json_t *items;        /* care cache: "SEQ" -> {"hash", "items"}     */
    int items_loaded;            /* the cache file was read                    */
    size_t items_dirty;          /* entries not yet written to the cache file  */
    uint8_t items_key[32];       /* secret: the cache file's key               */
} ck_node_memo;

/* The memo of record (created empty), locked; NULL when out of memory. */
ck_node_memo *ck_node_memo_get(ck_node *n, const char *record);
void ck_node_memo_unlock(ck_node *n);
/* The records the session has a memo of (at most cap names). */
size_t ck_node_memo_names(ck_node *n, char (*out)[CK_NET_ID_MAX + 1], size_t cap);
/* Takes e[0..n) (a chain that verified with no problem) as record's
 * memo unless the memo holds a longer one; frees what it does not keep. */
void ck_node_memo_keep(ck_node *n, const char *record, ck_net_entry *e, size_t count);
/* Deep copies of n entries (*out: ck_net_entries_free). */
int ck_node_entries_copy(const ck_net_entry *src, size_t n, ck_net_entry **out);
/* Wipes and frees every memo of the session. */
void ck_node_memo_drop_all(ck_node_session *s);

#endif
