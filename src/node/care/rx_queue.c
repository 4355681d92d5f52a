/*
 * src/node/care/rx_queue.c - the pharmacist's queue across patients
 * (carekey/node_rx.h): the records she may dispense on are those where she
 * holds a write grant covering medications (the grants a patient gives a
 * pharmacy's pharmacists at onboarding), listed by carekeyd
 * (GET /v1/grants/mine); each is read and verified as `rx list --open`
 * reads it, and of its open prescriptions those a dispense would take are
 * kept: the latest version signed by a doctor active in the directory (as
 * rx dispense checks; a medication list the patient imported is no
 * prescription). The server only says where to look: what is listed comes
 * from the verified records, and a record that cannot be read is
 * reported, not fatal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/care/rx_impl.h"

#define PAGE 1000 /* grants per request: the server's most */
#define PAGES_MAX 100 /* then the queue says it is truncated: a server cannot keep us paging */

/* 1 when a grant object (as the server sent it) lets this person append
 * to the section: write access, and the section or "*" among its sections. */
static int grant_writes(const json_t *g, const char *section)
{
    const char *access = json_string_value(json_object_get(g, "access"));
    const json_t *s;
    size_t i;
    if (!access || strcmp(access, "write") != 0) return 0;
    json_array_foreach(json_object_get(g, "sections"), i, s) {
        const char *name = json_string_value(s);
        if (name && (!strcmp(name, "*") || !strcmp(name, section))) return 1;
    }
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The distinct patients of grants, appended to *names (malloc'ed
 * strings; *n of them, at most CK_NODE_RX_QUEUE_RECORDS_MAX: *truncated
 * then). 0, or -1 when out of memory. */
static int add_patients(json_t *grants, char ***names, size_t *n, int *truncated)
{
    const json_t *g;
    size_t i, k;
    json_array_foreach(grants, i, g) {
        const char *p = json_string_value(json_object_get(g, "patient"));
        if (!p || !ck_net_id_valid(p) || !grant_writes(g, CK_NODE_RX_SECTION)) continue;
        for (k = 0; k < *n && strcmp((*names)[k], p) != 0; k++) {
        }
        if (k < *n) continue;
        if (*n == CK_NODE_RX_QUEUE_RECORDS_MAX) {
            *truncated = 1;
            return 0;
        }
        char **grown = realloc(*names, (*n + 1) * sizeof **names);
        if (!grown) return -1;
        *names = grown;
        if (!((*names)[*n] = strdup(p))) return -1;
        (*n)++;
    }
    return 0;
}

/* Every page of this person's grants: the patients she may dispense for,
 * sorted by GID. 0, or -1 with the error set. */
static int dispensable_records(ck_node *n, char ***names, size_t *count, int *truncated)
{
    int64_t after = 0, next = 0;
    int more = 1, pages = 0;
    while (more && !*truncated) {
        json_t *grants = NULL;
        int rc;
        if (pages++ == PAGES_MAX) {
            *truncated = 1;
            break;
        }
        if (ck_net_grants_mine(n->net, after, PAGE, &grants, &more, &next) != 0)
            return ck_node_fail_net(n, n->net, "listing the grants you hold");
        rc = add_patients(grants, names, count, truncated);
        json_decref(grants);
        if (rc != 0) return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        /* the cursor must move on, or a server could keep us here */
        if (more && next <= after)
            return ck_node_fail(n, CK_NODE_E_UPSTREAM, "bad_response", "the server's grant listing does not move on");
        after = next;
    }
    if (*count) qsort(*names, *count, sizeof **names, by_name);
    return 0;
}

/* The handle's error as the record's entry of out->errors, cleared. 0, or
 * -1 when out of memory. */
static int record_failed(ck_node *n, const char *patient, ck_node_rx_queue_out *out)
{
    const ck_node_error *e = ck_node_last_error(n);
    int rc = json_array_append_new(out->errors, json_pack("{s:s,s:s,s:s,s:s}", "patient", patient, "kind",
                                                          ck_node_kind_name(e->kind), "key", e->key, "message", e->msg));
    ck_node_clear_error(n);
    return rc;
}

/* 1 when a dispense would take the row's prescription: signed by a doctor
 * active in the directory; 0 when not; -1 (error set) when the directory
 * could not say. */
static int by_active_doctor(ck_node *n, json_t *roles, const json_t *row)
{
    const char *author = json_string_value(json_object_get(row, "author")), *role;
    int active = 1;
    if (!author) return 0;
    if (!(role = ck_node_rx_directory_role(n, roles, author, &active))) return -1;
    return !strcmp(role, "doctor") && active;
}

/* The record's open prescriptions into out->rows, each with its patient
 * and fills left; a failure goes to out->errors. -1 only when out of
 * memory. */
static int queue_record(ck_node *n, const char *patient, json_t *roles, ck_node_rx_queue_out *out)
{
    ck_node_rows_out l;
    json_t *row, *keep = NULL;
    size_t i;
    int rc = -1, d;
    if (ck_node_rx_list(n, patient, 1, &l) != 0) return record_failed(n, patient, out);
    if (!(keep = json_array())) goto out;
    json_array_foreach(l.rows, i, row) {
        json_int_t used = json_integer_value(json_object_get(row, "fills_used"));
        json_int_t allowed = json_integer_value(json_object_get(row, "fills_allowed"));
        if ((d = by_active_doctor(n, roles, row)) < 0) {
            rc = record_failed(n, patient, out);
            goto out;
        }
        if (!d) continue;
        if (json_object_set_new(row, "patient", json_string(patient)) != 0 ||
            json_object_set_new(row, "fills_left", json_integer(allowed > used ? allowed - used : 0)) != 0 ||
            json_array_append(keep, row) != 0)
            goto out;
    }
    /* all of the record or nothing of it */
    if (json_array_extend(out->rows, keep) != 0) goto out;
    out->withheld += l.withheld;
    rc = 0;
out:
    json_decref(keep);
    ck_node_rows_out_free(&l);
    return rc;
}

void ck_node_rx_queue_out_free(ck_node_rx_queue_out *out)
{
    json_decref(out->rows);
    json_decref(out->errors);
    memset(out, 0, sizeof *out);
}

int ck_node_rx_queue(ck_node *n, ck_node_rx_queue_out *out)
{
    char **names = NULL;
    json_t *roles = NULL;
    size_t count = 0, i;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    if (!(out->rows = json_array()) || !(out->errors = json_array()) || !(roles = json_object())) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    if (ck_node_keyring(n) != 0 || ck_node_net(n) != 0 ||
        dispensable_records(n, &names, &count, &out->truncated) != 0)
        goto out;
    for (i = 0; i < count; i++)
        if (queue_record(n, names[i], roles, out) != 0) {
            ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
            goto out;
        }
    out->records = count;
    rc = 0;
out:
    for (i = 0; i < count; i++) free(names[i]);
    free(names);
    json_decref(roles);
    if (rc) ck_node_rx_queue_out_free(out);
    ck_node_leave(n);
    return rc;
}
