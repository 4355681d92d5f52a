/*
 * src/ui/session.c - the server-side sessions of the node's pages: a
 * fixed table of unlocked node sessions named by random 32-byte ids, each
 * with its CSRF token. A session ends at logout, when idle too long (the
 * sweeper thread) or when the server stops: its keyring is locked (wiped)
 * and the handle closed once the last request holding it is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ui/ui_impl.h"

time_t ck_ui_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static int random_hex(char out[CK_UI_ID_HEX + 1])
{
    uint8_t raw[CK_UI_ID_HEX / 2];
    if (RAND_bytes(raw, sizeof raw) != 1) return -1;
    for (size_t i = 0; i < sizeof raw; i++) snprintf(out + 2 * i, 3, "%02x", raw[i]);
    OPENSSL_cleanse(raw, sizeof raw);
    return 0;
}

static void destroy(ck_ui_session *s)
{
    if (!s) return;
    ck_ui_job_free(s->job); /* its handle shares the keyring: stopped before the lock */
    ck_ui_fhir_free(s->fhir); /* wipes the decrypted cache */
    if (s->n) {
        ck_node_lock(s->n);
        ck_node_close(s->n);
    }
    pthread_mutex_destroy(&s->mu);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

int ck_ui_session_new(ck_ui *u, ck_node *n, ck_ui_role role, const char *patient, ck_ui_session **out)
{
    ck_ui_session *s = calloc(1, sizeof *s);
    size_t slot = CK_UI_SESSIONS_MAX;
    *out = NULL;
    if (!s) {
        ck_node_lock(n);
        ck_node_close(n);
        return -1;
    }
    s->n = n;
    pthread_mutex_init(&s->mu, NULL);
    s->role = role;
    snprintf(s->gid, sizeof s->gid, "%s", ck_node_gid(n));
    snprintf(s->patient, sizeof s->patient, "%s", patient);
    if (random_hex(s->id) != 0 || random_hex(s->csrf) != 0 || ck_ui_fhir_new(n, u->base, &s->fhir) != 0) goto fail;
    s->last = ck_ui_now();
    s->refs = 1;
    pthread_mutex_lock(&u->smu);
    for (size_t i = 0; i < CK_UI_SESSIONS_MAX && slot == CK_UI_SESSIONS_MAX; i++)
        if (!u->slots[i]) slot = i;
    if (slot < CK_UI_SESSIONS_MAX) u->slots[slot] = s;
    pthread_mutex_unlock(&u->smu);
    if (slot == CK_UI_SESSIONS_MAX) goto fail;
    *out = s;
    return 0;
fail:
    destroy(s);
    return -1;
}

ck_ui_session *ck_ui_session_get(ck_ui *u, const char *id)
{
    ck_ui_session *found = NULL;
    time_t now = ck_ui_now();
    pthread_mutex_lock(&u->smu);
    for (size_t i = 0; i < CK_UI_SESSIONS_MAX; i++) {
        ck_ui_session *s = u->slots[i];
        if (!s || s->dead || !ck_ui_secret_eq(s->id, id)) continue;
        if (now - s->last >= (time_t)u->idle_s) break; /* idle: the sweeper ends it */
        s->refs++;
        s->last = now;
        found = s;
        break;
    }
    pthread_mutex_unlock(&u->smu);
    return found;
}

void ck_ui_session_put(ck_ui *u, ck_ui_session *s)
{
    int last;
    if (!s) return;
    pthread_mutex_lock(&u->smu);
    s->last = ck_ui_now(); /* idle time counts from the end of the last request */
    last = --s->refs == 0 && s->dead;
    pthread_mutex_unlock(&u->smu);
    if (last) destroy(s);
}

/* Under smu: s out of the table; 1 when nobody holds it (destroy now). */
static int unlink_locked(ck_ui *u, ck_ui_session *s)
{
    for (size_t i = 0; i < CK_UI_SESSIONS_MAX; i++)
        if (u->slots[i] == s) u->slots[i] = NULL;
    s->dead = 1;
    return s->refs == 0;
}

void ck_ui_session_end(ck_ui *u, ck_ui_session *s)
{
    int now;
    pthread_mutex_lock(&u->smu);
    now = !s->dead && unlink_locked(u, s);
    pthread_mutex_unlock(&u->smu);
    if (now) destroy(s);
}

void ck_ui_session_sweep(ck_ui *u, int all)
{
    ck_ui_session *gone[CK_UI_SESSIONS_MAX];
    size_t n = 0;
    time_t now = ck_ui_now();
    pthread_mutex_lock(&u->smu);
    for (size_t i = 0; i < CK_UI_SESSIONS_MAX; i++) {
        ck_ui_session *s = u->slots[i];
        /* a session serving a request (a long decryption) is not idle */
        if (!s || (!all && (s->refs > 0 || now - s->last < (time_t)u->idle_s))) continue;
        if (unlink_locked(u, s)) gone[n++] = s;
    }
    pthread_mutex_unlock(&u->smu);
    for (size_t i = 0; i < n; i++) destroy(gone[i]);
}

size_t ck_ui_sessions(ck_ui *u)
{
    size_t n = 0;
    pthread_mutex_lock(&u->smu);
    for (size_t i = 0; i < CK_UI_SESSIONS_MAX; i++) n += u->slots[i] != NULL;
    pthread_mutex_unlock(&u->smu);
    return n;
}

static void *sweeper(void *arg)
{
    ck_ui *u = arg;
    pthread_mutex_lock(&u->smu);
    while (!u->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&u->scv, &u->smu, &ts);
        if (u->stopping) break;
        pthread_mutex_unlock(&u->smu);
        ck_ui_session_sweep(u, 0);
        pthread_mutex_lock(&u->smu);
    }
    pthread_mutex_unlock(&u->smu);
    return NULL;
}

int ck_ui_sweeper_start(ck_ui *u)
{
    pthread_cond_init(&u->scv, NULL);
    if (pthread_create(&u->sweeper, NULL, sweeper, u) != 0) return -1;
    u->sweeping = 1;
    return 0;
}

void ck_ui_sweeper_stop(ck_ui *u)
{
    if (!u->sweeping) return;
    pthread_mutex_lock(&u->smu);
    u->stopping = 1;
    pthread_cond_signal(&u->scv);
    pthread_mutex_unlock(&u->smu);
    pthread_join(u->sweeper, NULL);
    u->sweeping = 0;
}
