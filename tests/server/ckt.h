/*
 * ckt.h - helpers for carekeyd tests: start/stop real carekeyd processes
 * on loopback (port 0 + --port-file, so parallel tests never collide),
 * make identities, enroll them, open signed clients.
 */
#ifndef CKT_H
#define CKT_H

#include "carekey/client.h"
#include "carekey/directory.h"
#include "carekey/wire.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    pid_t pid;
    int port;
    char url[128];
    char dir[256];
    char portfile[300];
    char logfile[300];
} ckt_server;

typedef struct {
    char gid[CK_NET_ID_MAX + 16];
    uint8_t pk[32], sk[32], xpk[32];
} ckt_id;

static void ckt_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static uint64_t ckt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void ckt_tmpdir(char *out, size_t cap, const char *tag)
{
    snprintf(out, cap, "/tmp/ckt-%s-XXXXXX", tag);
    if (mkdtemp(out) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
}

static void ckt_rmdir(const char *dir)
{
    char cmd[600];
    if (strncmp(dir, "/tmp/ckt-", 9) != 0) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", dir);
}

/* The database of a test run as CAREKEYD [DB_URL ...]: DB_URL when given,
 * else a fresh SQLite file in dir. 1 for SQLite. */
__attribute__((unused)) static int ckt_db_arg(char *db, size_t cap, int argc, char **argv, const char *dir)
{
    if (argc >= 3) {
        snprintf(db, cap, "%s", argv[2]);
        return 0;
    }
    snprintf(db, cap, "sqlite:%s/carekey.db", dir);
    return 1;
}

/* The start of a test run as CAREKEYD [DB_URL]: the arguments, the network
 * library, a fresh dir (ckt_tmpdir's tag) and the database (ckt_db_arg).
 * 1 for SQLite, 0 for DB_URL, -1 when the test cannot run. */
__attribute__((unused)) static int ckt_main_begin(int argc, char **argv, const char *tag, char *dir, size_t dcap,
                                                  char *db, size_t cap)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CAREKEYD [DB_URL]\n", argv[0]);
        return -1;
    }
    if (ck_net_global_init() != 0) return -1;
    ckt_tmpdir(dir, dcap, tag);
    return ckt_db_arg(db, cap, argc, argv, dir);
}

/* After a failed run, the end of the server's log in dir goes to stderr. */
__attribute__((unused)) static void ckt_log_tail(const char *dir)
{
    char cmd[400];
    if (!ck_test_failed) return;
    snprintf(cmd, sizeof cmd, "tail -n 30 %s/carekeyd.log >&2", dir);
    if (system(cmd) != 0) fprintf(stderr, "no log\n");
}

static void ckt_id_new(ckt_id *id, const char *gid)
{
    uint8_t xsk[32];
    snprintf(id->gid, sizeof id->gid, "%s", gid);
    if (ck_net_ed25519_keygen(id->pk, id->sk) != 0 || ck_net_random(xsk, 32) != 0) exit(2);
    /* The server only stores the X25519 key; any 32 bytes do for tests. */
    memcpy(id->xpk, xsk, 32);
}

/* Starts carekeyd: bin, db URL, admin public key, extra "--k v" args
 * (NULL-terminated). Output goes to dir/carekeyd.log. */
static int ckt_start_v(ckt_server *s, const char *bin, const char *dir, const char *db, const uint8_t admin_pk[32],
                       const char *const *extra)
{
    char adm[65];
    const char *argv[64];
    int argc = 0;
    ck_net_hex(adm, admin_pk, 32);
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%.250s", dir);
    snprintf(s->portfile, sizeof s->portfile, "%s/port.%d.%ld", dir, (int)getpid(), (long)random());
    snprintf(s->logfile, sizeof s->logfile, "%s/carekeyd.log", dir);
    unlink(s->portfile);
    argv[argc++] = bin;
    argv[argc++] = "--port";
    argv[argc++] = "0";
    argv[argc++] = "--port-file";
    argv[argc++] = s->portfile;
    argv[argc++] = "--db";
    argv[argc++] = db;
    argv[argc++] = "--admin-key";
    argv[argc++] = adm;
    for (int i = 0; extra && extra[i] && argc < 62; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    s->pid = fork();
    if (s->pid < 0) return -1;
    if (s->pid == 0) {
        int fd = open(s->logfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 2);
            dup2(fd, 1);
            close(fd);
        }
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 1000; i++) { /* up to 20 s */
        FILE *f = fopen(s->portfile, "r");
        int st;
        if (f) {
            int ok = fscanf(f, "%d", &s->port) == 1;
            fclose(f);
            if (ok) {
                snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
                return 0;
            }
        }
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            fprintf(stderr, "carekeyd exited early (see %s)\n", s->logfile);
            s->pid = 0;
            return -1;
        }
        ckt_sleep_ms(20);
    }
    return -1;
}

__attribute__((unused)) static int ckt_start(ckt_server *s, const char *bin, const char *dir, const char *db, const uint8_t admin_pk[32])
{
    static const char *const extra[] = {"--rate-limit", "0", NULL};
    return ckt_start_v(s, bin, dir, db, admin_pk, extra);
}

/* Sends sig and reaps; returns the exit status from waitpid. */
__attribute__((unused)) static int ckt_stop(ckt_server *s, int sig)
{
    int st = -1;
    if (s->pid <= 0) return -1;
    kill(s->pid, sig);
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {
    }
    s->pid = 0;
    return st;
}

static ck_net *ckt_client(const char *url, const char *caller, const uint8_t sk[32])
{
    ck_net_opts o = {url, NULL, 10000};
    ck_net *c = NULL;
    if (ck_net_open(&c, &o) != 0) return NULL;
    if (caller && ck_net_set_identity(c, caller, sk) != 0) {
        ck_net_close(c);
        return NULL;
    }
    return c;
}

static int ckt_enroll(ck_net *admin, const ckt_id *id, const char *role)
{
    ck_net_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "%.128s", id->gid);
    memcpy(u.ed25519, id->pk, 32);
    memcpy(u.x25519, id->xpk, 32);
    /* Patients, family and caregivers keep their names off the server. */
    if (strcmp(role, "patient") && strcmp(role, "family") && strcmp(role, "caregiver"))
        snprintf(u.display_name, sizeof u.display_name, "Test %.128s", id->gid);
    snprintf(u.role, sizeof u.role, "%.60s", role);
    return ck_net_user_enroll(admin, &u);
}

/* The signed fields of a client-side authority record. */
__attribute__((unused)) static void ckt_dir_of(const ck_net_authority *a, ck_dir_authority *d)
{
    d->name = a->name;
    d->sign_pk = a->sign_pk;
    d->abe_pk = a->abe_pk;
    d->abe_pk_len = a->abe_pk_len;
    d->organization = a->organization;
    d->signed_at_ms = a->signed_at_ms;
}

/* An authority record for name run by organization, with id's signing
 * key and a made-up ABE key, signed by the operator key admin_sk (a->abe_pk
 * malloc'ed). 0 or -1. */
__attribute__((unused)) static int ckt_authority(ck_net_authority *a, const char *name, const ckt_id *id,
                                                 const char *organization, const uint8_t admin_sk[32])
{
    ck_dir_authority d;
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    snprintf(a->organization, sizeof a->organization, "%s", organization);
    memcpy(a->sign_pk, id->pk, 32);
    if ((a->abe_pk = malloc(48)) == NULL || ck_net_random(a->abe_pk, 48) != 0) return -1;
    a->abe_pk_len = 48;
    a->signed_at_ms = ckt_now_ms();
    ckt_dir_of(a, &d);
    return ck_dir_authority_sign(a->operator_sig, &d, admin_sk);
}

/* Sets label to epoch in t (t->authority set), gives it version, signs
 * it with sk and returns its canonical JSON (*json malloc'ed). */
__attribute__((unused)) static int ckt_epochs(ck_dir_epochs *t, uint64_t version, const char *label, uint32_t epoch,
                                              const uint8_t sk[32], char **json)
{
    t->version = version;
    t->time_ms = ckt_now_ms();
    if (ck_dir_epochs_set(t, label, epoch) != 0 || ck_dir_epochs_sign(t, sk) != 0) return -1;
    return (*json = ck_dir_epochs_json(t)) ? 0 : -1;
}

/* Raw signed request with a JSON body text; returns the status (0 on
 * transport failure) and frees the response. */
__attribute__((unused)) static long ckt_raw(ck_net *c, const char *method, const char *path, const char *body)
{
    char *resp = NULL;
    size_t len;
    long st = 0;
    if (ck_net_request(c, method, path, body, body ? strlen(body) : 0, &st, &resp, &len) != 0) st = 0;
    free(resp);
    return st;
}

/* Same, keeping the response body (caller frees). */
__attribute__((unused)) static long ckt_raw_body(ck_net *c, const char *method, const char *path, const char *body, char **resp)
{
    size_t len;
    long st = 0;
    *resp = NULL;
    if (ck_net_request(c, method, path, body, body ? strlen(body) : 0, &st, resp, &len) != 0) st = 0;
    return st;
}

/* 1 when an error response carries this stable code. */
__attribute__((unused)) static int ckt_has_code(const char *resp, const char *code)
{
    char p[96];
    snprintf(p, sizeof p, "\"code\":\"%s\"", code);
    return resp && strstr(resp, p) != NULL;
}

/* A raw signed request: 1 when the status and (if given) the error code
 * match; else the answer goes to stderr. */
__attribute__((unused)) static int ckt_expect(ck_net *c, const char *method, const char *path, const char *body,
                                              long status, const char *code)
{
    char *resp = NULL;
    long st = ckt_raw_body(c, method, path, body, &resp);
    int ok = st == status && (code == NULL || ckt_has_code(resp, code));
    if (!ok) fprintf(stderr, "  %s %s -> %ld %s\n", method, path, st, resp ? resp : "");
    free(resp);
    return ok;
}

/* The client's last call failed with this status and (if given) error
 * code; else what it got goes to stderr. */
__attribute__((unused)) static int ckt_failed(ck_net *c, long status, const char *code)
{
    int ok = ck_net_status(c) == status && (code == NULL || !strcmp(ck_net_error_code(c), code));
    if (!ok) fprintf(stderr, "  got %ld %s (%s)\n", ck_net_status(c), ck_net_error_code(c), ck_net_error_message(c));
    return ok;
}

/* Appends with retry on head_mismatch; returns 0 and the new head. */
__attribute__((unused)) static int ckt_append_retry(ck_net *c, const char *patient, const char *section, const uint8_t *env, size_t len,
                            ck_net_head *out, int max_tries)
{
    ck_net_head head;
    for (int i = 0; i < max_tries; i++) {
        if (ck_net_head_get(c, patient, &head, NULL, NULL) != 0) {
            ckt_sleep_ms(5);
            continue;
        }
        if (ck_net_append(c, patient, section, "Observation", head.hash, ckt_now_ms(), env, len, out) == 0) return 0;
        if (ck_net_status(c) != 409) ckt_sleep_ms(5);
    }
    return -1;
}

#endif
