/*
 * src/ui/japi.c - the JSON API of the pages for what is not FHIR: login,
 * logout, who am I; replies and errors ({"error":{"code","message"}}, codes
 * stable: docs/UI.md). Login opens DATA/GID and unlocks that person's
 * keyring into a session; the reply carries the CSRF token, never a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "carekey/fhir.h"
#include "carekey/node_keys.h"
#include "ui/ui_impl.h"

int ck_ui_json(ck_ui_req *r, long status, json_t *v)
{
    char *t;
    if (!v) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    t = ck_fhir_json_dump(v, JSON_COMPACT);
    json_decref(v);
    if (!t) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    free(r->text);
    r->text = t;
    r->text_len = strlen(t);
    r->status = status;
    r->ctype = "application/json; charset=utf-8";
    return 0;
}

int ck_ui_empty(ck_ui_req *r)
{
    free(r->text);
    r->text = strdup("");
    r->text_len = 0;
    return r->text ? 0 : -1;
}

int ck_ui_fail(ck_ui_req *r, long status, const char *code, const char *msg)
{
    char buf[1024];
    json_t *v = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
    char *t = v ? ck_fhir_json_dump(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!t) { /* the last resort needs no allocation beyond strdup */
        snprintf(buf, sizeof buf, "{\"error\":{\"code\":\"%s\",\"message\":\"\"}}", code);
        t = strdup(buf);
    }
    if (r->text) {
        OPENSSL_cleanse(r->text, r->text_len);
        free(r->text);
    }
    r->text = t;
    r->text_len = t ? strlen(t) : 0;
    r->status = status;
    r->ctype = "application/json; charset=utf-8";
    return -1;
}

int ck_ui_fail_node(ck_ui_req *r, ck_node *n)
{
    const ck_node_error *e = ck_node_last_error(n);
    static const long status[] = {
        [CK_NODE_OK] = 500,          [CK_NODE_E_INVALID] = 400,   [CK_NODE_E_KEYRING] = 401,
        [CK_NODE_E_FORBIDDEN] = 403, [CK_NODE_E_NOT_FOUND] = 404, [CK_NODE_E_CONFLICT] = 409,
        [CK_NODE_E_REFUSED] = 422,   [CK_NODE_E_INTEGRITY] = 502, [CK_NODE_E_UPSTREAM] = 502,
        [CK_NODE_E_UNREACHABLE] = 503, [CK_NODE_E_IO] = 500,      [CK_NODE_E_NOMEM] = 500,
        [CK_NODE_E_CANCELLED] = 500,
    };
    char code[CK_NODE_KEY_MAX + 16];
    long st = e->kind <= CK_NODE_E_CANCELLED ? status[e->kind] : 500;
    snprintf(code, sizeof code, "%s", e->key[0] ? e->key : ck_node_kind_name(e->kind));
    return ck_ui_fail(r, st, code, e->msg[0] ? e->msg : "the node could not do it");
}

void ck_ui_notice_to(void *ud, ck_node_level level, const char *msg)
{
    if (level != CK_NODE_PROBLEM && ud) json_array_append_new(ud, json_string(msg));
}

int ck_ui_patient_param(ck_ui_req *r, char gid[CK_UI_GID_MAX])
{
    int rc = ck_ui_query_get(r->qs, strlen(r->qs), "patient", gid, CK_UI_GID_MAX);
    if (rc == -1 && r->s->patient[0]) {
        snprintf(gid, CK_UI_GID_MAX, "%s", r->s->patient);
        return 0;
    }
    if (rc != 0 || !ck_ui_gid_ok(gid)) {
        ck_ui_fail(r, 400, "bad_patient", "patient= must name a record (its GID)");
        return -1;
    }
    return 0;
}

static json_t *whoami(const ck_ui *u, const ck_ui_session *s)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:i}", "gid", s->gid, "role", ck_ui_role_name(s->role), "patient",
                     s->patient, "csrf", s->csrf, "menu", ck_ui_menu(s->role), "idle_seconds", (int)u->idle_s);
}

/* Opens DATA/gid and unlocks it with pass; NULL (and nothing said about
 * which of the two was wrong) when it cannot. */
static ck_node *unlock_home(ck_ui *u, const char *gid, const char *pass)
{
    char home[4400];
    struct stat st;
    ck_node_config cfg;
    ck_node *n = NULL;
    snprintf(home, sizeof home, "%s/%s", u->data, gid);
    if (lstat(home, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.home = home;
    cfg.server = u->server[0] ? u->server : NULL;
    if (ck_node_open(&n, &cfg) != 0) return NULL;
    if (ck_node_unlock(n, pass, strlen(pass)) != 0 || strcmp(ck_node_gid(n), gid) != 0) {
        ck_node_lock(n);
        ck_node_close(n);
        return NULL;
    }
    return n;
}

/* Keys waiting in her mailbox (a family key she was just given, an epoch
 * re-issued after someone's revocation) are merged at login, so her pages
 * open what her keys now open and her role is the one they give. The
 * server away or a delivery refused: she logs in with the keys she has. */
static void sync_keys(ck_node *n)
{
    ck_node_sync_out so;
    int rc = ck_node_keys_sync(n, 0, 1, &so);
    (void)rc;
}

/* Guessing passphrases: after CK_UI_LOGIN_TRIES failures in a row, a GID
 * is refused for CK_UI_LOGIN_PAUSE seconds before any scrypt is run. The
 * slot of a GID, or the oldest one, under amu. */
static ck_ui_attempts *attempts_of(ck_ui *u, const char *gid)
{
    ck_ui_attempts *old = &u->attempts[0];
    for (size_t i = 0; i < CK_UI_ATTEMPTS; i++) {
        if (!strcmp(u->attempts[i].gid, gid)) return &u->attempts[i];
        if (u->attempts[i].last < old->last) old = &u->attempts[i];
    }
    memset(old, 0, sizeof *old);
    snprintf(old->gid, sizeof old->gid, "%s", gid);
    return old;
}

static int login_paused(ck_ui *u, const char *gid)
{
    int paused;
    pthread_mutex_lock(&u->amu);
    paused = attempts_of(u, gid)->until > ck_ui_now();
    pthread_mutex_unlock(&u->amu);
    return paused;
}

static void login_outcome(ck_ui *u, const char *gid, int ok)
{
    ck_ui_attempts *a;
    pthread_mutex_lock(&u->amu);
    a = attempts_of(u, gid);
    a->last = ck_ui_now();
    a->fails = ok ? 0 : a->fails + 1;
    if (a->fails >= CK_UI_LOGIN_TRIES) {
        a->until = a->last + CK_UI_LOGIN_PAUSE;
        a->fails = 0;
    }
    pthread_mutex_unlock(&u->amu);
}

int ck_ui_login(ck_ui_req *r)
{
    char gid[CK_UI_GID_MAX], pass[CK_UI_PASS_MAX], patient[CK_UI_GID_MAX];
    ck_ui_session *s = NULL;
    ck_node *n;
    ck_ui_role role;
    int rc;
    if (ck_ui_login_parse(r->body, r->body_len, gid, pass) != 0)
        return ck_ui_fail(r, 400, "bad_login", "the body must be {\"gid\": \"...\", \"passphrase\": \"...\"}");
    if (login_paused(r->ui, gid)) {
        OPENSSL_cleanse(pass, sizeof pass);
        return ck_ui_fail(r, 429, "too_many_attempts", "too many failed logins: wait a minute");
    }
    n = unlock_home(r->ui, gid, pass);
    OPENSSL_cleanse(pass, sizeof pass);
    login_outcome(r->ui, gid, n != NULL);
    if (!n) return ck_ui_fail(r, 401, "login_failed", "unknown person or wrong passphrase");
    sync_keys(n);
    role = ck_ui_role_of(n, patient);
    if (ck_ui_session_new(r->ui, n, role, patient, &s) != 0)
        return ck_ui_fail(r, 503, "too_many_sessions", "no session can be opened now");
    snprintf(r->cookie, sizeof r->cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/", CK_UI_COOKIE, s->id);
    rc = ck_ui_json(r, 200, whoami(r->ui, s));
    ck_ui_session_put(r->ui, s);
    return rc;
}

int ck_ui_logout(ck_ui_req *r)
{
    ck_ui_session_end(r->ui, r->s); /* wiped once this request lets go of it */
    snprintf(r->cookie, sizeof r->cookie, "%s=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", CK_UI_COOKIE);
    return ck_ui_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int ck_ui_me(ck_ui_req *r) { return ck_ui_json(r, 200, whoami(r->ui, r->s)); }
