/*
 * src/ui/import.c - import of a FHIR bundle from the patient's page, with
 * a progress bar: POST /ui/api/import (the bundle as the body) starts a
 * job on a thread of its own with its own handle on the session
 * (ck_node_dup), so the page keeps being served while entries are sealed
 * and appended; GET /ui/api/import says how far it is. The import itself
 * is the node's: all or nothing (carekey/node_import.h). One job per
 * session; logout, the idle lock and server stop cancel it (through the
 * progress callback) and wait for it before the keyring is wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "carekey/node_import.h"
#include "ui/ui_impl.h"

typedef enum { JOB_RUNNING = 1, JOB_DONE, JOB_FAILED } job_state;

struct ck_ui_job {
    pthread_t th;
    pthread_mutex_t mu;           /* everything below the thread               */
    job_state state;
    int cancel;
    ck_node *n;                   /* the job's handle                           */
    char patient[CK_UI_GID_MAX];
    uint8_t *bundle;              /* patient data: wiped when done             */
    size_t len;
    ck_node_phase phase;
    uint64_t done, total;
    int shown;                    /* the highest percent answered so far      */
    ck_node_import_out out;
    char code[CK_NODE_KEY_MAX + 16], msg[800];
};

static int on_progress(void *ud, ck_node_phase phase, uint64_t done, uint64_t total)
{
    struct ck_ui_job *j = ud;
    int stop;
    pthread_mutex_lock(&j->mu);
    j->phase = phase;
    j->done = done;
    j->total = total;
    stop = j->cancel;
    pthread_mutex_unlock(&j->mu);
    return stop;
}

static void *run(void *arg)
{
    struct ck_ui_job *j = arg;
    ck_node_import_in in = {j->patient, j->bundle, j->len, 0};
    ck_node_import_out out;
    int rc;
    memset(&out, 0, sizeof out);
    ck_node_set_progress(j->n, on_progress, j);
    rc = ck_node_import(j->n, &in, &out);
    ck_node_set_progress(j->n, NULL, NULL);
    pthread_mutex_lock(&j->mu);
    j->out = out;
    if (rc != 0) {
        const ck_node_error *e = ck_node_last_error(j->n);
        snprintf(j->code, sizeof j->code, "%s", e->key[0] ? e->key : ck_node_kind_name(e->kind));
        snprintf(j->msg, sizeof j->msg, "%s", e->msg[0] ? e->msg : "the import failed");
    }
    OPENSSL_cleanse(j->bundle, j->len);
    free(j->bundle);
    j->bundle = NULL;
    j->state = rc == 0 ? JOB_DONE : JOB_FAILED;
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

void ck_ui_job_free(struct ck_ui_job *j)
{
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->cancel = 1;
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->th, NULL);
    ck_node_close(j->n);
    pthread_mutex_destroy(&j->mu);
    OPENSSL_cleanse(j, sizeof *j);
    free(j);
}

static int job_running(struct ck_ui_job *j)
{
    int running;
    if (!j) return 0;
    pthread_mutex_lock(&j->mu);
    running = j->state == JOB_RUNNING;
    pthread_mutex_unlock(&j->mu);
    return running;
}

int ck_ui_import_start(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX];
    struct ck_ui_job *j;
    if (!ck_ui_role_may(r->s->role, "import")) return ck_ui_fail(r, 403, "not_for_role", "only the patient imports");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (strcmp(patient, r->s->patient) != 0)
        return ck_ui_fail(r, 403, "not_your_record", "you import into your own record only");
    if (!r->body || r->body_len == 0) return ck_ui_fail(r, 400, "bad_bundle", "the body must be a FHIR Bundle (JSON)");
    if (job_running(r->s->job)) return ck_ui_fail(r, 409, "import_running", "an import is running: wait for it");
    ck_ui_job_free(r->s->job); /* the last one's result goes */
    r->s->job = NULL;
    if (!(j = calloc(1, sizeof *j))) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    pthread_mutex_init(&j->mu, NULL);
    snprintf(j->patient, sizeof j->patient, "%s", patient);
    j->state = JOB_RUNNING;
    j->len = r->body_len;
    if (!(j->bundle = malloc(j->len)) || ck_node_dup(&j->n, r->s->n) != 0) {
        free(j->bundle);
        pthread_mutex_destroy(&j->mu);
        free(j);
        return ck_ui_fail(r, 500, "no_memory", "out of memory");
    }
    memcpy(j->bundle, r->body, j->len); /* the request's body is wiped when it is answered */
    if (pthread_create(&j->th, NULL, run, j) != 0) {
        OPENSSL_cleanse(j->bundle, j->len);
        free(j->bundle);
        ck_node_close(j->n);
        pthread_mutex_destroy(&j->mu);
        free(j);
        return ck_ui_fail(r, 503, "busy", "no thread for the import now");
    }
    r->s->job = j;
    return ck_ui_json(r, 202, json_pack("{s:s}", "state", "running"));
}

/* 0..100: sealing is the first half, appending the second. The node
 * reads the record again before it appends (and on a retry), so a later
 * fetch or verify would show 0 again: the bar never goes back. */
static int percent(struct ck_ui_job *j)
{
    uint64_t part = 0;
    if (j->state == JOB_DONE) return 100;
    if (j->total) part = j->done * 50 / j->total;
    if (j->phase == CK_NODE_PHASE_APPEND) part += 50;
    else if (j->phase != CK_NODE_PHASE_SEAL) part = 0; /* fetching and verifying the record */
    if (part > 99) part = 99;
    if ((int)part > j->shown) j->shown = (int)part;
    return j->shown;
}

static const char *phase_name(ck_node_phase p)
{
    switch (p) {
    case CK_NODE_PHASE_FETCH: return "fetching your record";
    case CK_NODE_PHASE_VERIFY: return "verifying your record";
    case CK_NODE_PHASE_OPEN: return "opening your record";
    case CK_NODE_PHASE_SEAL: return "encrypting the new entries";
    case CK_NODE_PHASE_APPEND: return "saving the new entries";
    default: return "working";
    }
}

int ck_ui_import_status(ck_ui_req *r)
{
    struct ck_ui_job *j = r->s->job;
    json_t *v;
    if (!ck_ui_role_may(r->s->role, "import")) return ck_ui_fail(r, 403, "not_for_role", "only the patient imports");
    if (!j) return ck_ui_json(r, 200, json_pack("{s:s}", "state", "idle"));
    pthread_mutex_lock(&j->mu);
    v = json_pack("{s:s,s:s,s:i,s:I,s:I}", "state",
                  j->state == JOB_RUNNING ? "running" : j->state == JOB_DONE ? "done" : "failed", "phase",
                  phase_name(j->phase), "percent", percent(j), "done", (json_int_t)j->done, "total",
                  (json_int_t)j->total);
    if (v && j->state != JOB_RUNNING)
        json_object_set_new(v, "result",
                            json_pack("{s:I,s:I,s:I,s:b,s:b,s:s}", "resources", (json_int_t)j->out.n_items, "entries",
                                      (json_int_t)j->out.n_entries, "appended", (json_int_t)j->out.appended,
                                      "already", j->out.already, "empty", j->out.empty, "stage",
                                      j->out.stage == CK_NODE_IMPORT_PLANNING  ? "planning"
                                      : j->out.stage == CK_NODE_IMPORT_WRITING ? "writing"
                                                                               : "done"));
    if (v && j->state == JOB_FAILED)
        json_object_set_new(v, "error", json_pack("{s:s,s:s}", "code", j->code, "message", j->msg));
    pthread_mutex_unlock(&j->mu);
    return ck_ui_json(r, 200, v);
}
