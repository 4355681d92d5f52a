/*
 * src/node/care/schedule.c - a doctor's slots in the hospital's ledger
 * (section `schedule`, docs/CARE.md). Slots are written as one ledger
 * entry per call (an array of Slot resources), on exactly the head their
 * overlap check was made on; the doctor's Schedule is created (or widened)
 * first, on that same head.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/care_impl.h"

#define DAY_MS 86400000LL

typedef struct slots_job {
    ck_node_care_writer *w;
    const ck_node_slots_in *in;
    const char *org, *policy;
    int64_t from, to, every;
    ck_node_slots_out *out;
} slots_job;

/* The doctor's Schedule covering [from, to): the existing one, a wider
 * version of it, or a new one (written on *head, which moves). */
static int ensure_schedule(slots_job *s, ck_node_book *b, ck_net_head *head)
{
    ck_node *c = s->w->c;
    ck_care_error err;
    const json_t *it = ck_care_schedule_find(b->items, s->in->doctor, s->in->location);
    json_t *res;
    ck_net_head base;
    int rc;
    if (it) {
        snprintf(s->out->schedule_id, sizeof s->out->schedule_id, "%s", json_string_value(json_object_get(it, "id")));
        res = ck_care_schedule_widen(ck_care_item_resource(it), s->from, s->to, &err);
        if (!res && !strcmp(err.code, "unchanged")) return 0;
    } else {
        /* the horizon starts with the day the first slots are on */
        int64_t day0 = s->from - (s->from % DAY_MS);
        res = ck_care_schedule_new(s->in->doctor, s->in->location, day0, s->to > day0 + DAY_MS ? s->to : day0 + DAY_MS,
                                   &err);
        if (res)
            snprintf(s->out->schedule_id, sizeof s->out->schedule_id, "%s", json_string_value(json_object_get(res, "id")));
    }
    if (!res) return ck_node_fail(c, CK_NODE_E_REFUSED, err.code[0] ? err.code : "refused", "%s", err.msg);
    base = *head;
    rc = ck_node_care_put(s->w, s->org, "schedule", res, s->policy, &base, head);
    if (rc == 0 && !it) s->out->new_schedule = 1;
    json_decref(res);
    return rc;
}

static int slots_step(void *arg)
{
    slots_job *s = arg;
    ck_node *c = s->w->c;
    ck_node_book b;
    ck_care_error err;
    ck_net_head head, out;
    json_t *slots = NULL;
    int rc;
    s->out->new_schedule = 0;
    if ((rc = ck_node_book_load(&b, c, s->org, "schedule")) != 0) goto out;
    head = b.head;
    if ((rc = ensure_schedule(s, &b, &head)) != 0) goto out;
    if (!(slots = ck_care_slots_generate(b.items, s->out->schedule_id, s->from, s->to, s->every, &err))) {
        rc = ck_node_fail(c, CK_NODE_E_CONFLICT, err.code[0] ? err.code : "refused", "%s", err.msg);
        goto out;
    }
    /* a Schedule written just now is on the new head: the slots go on top of it */
    if ((rc = ck_node_care_put(s->w, s->org, "schedule", slots, s->policy, &head, &out)) != 0) goto out;
    s->out->n_slots = json_array_size(slots);
    s->out->seq = out.seq;
out:
    json_decref(slots);
    ck_node_book_free(&b);
    return rc;
}

int ck_node_schedule_slots(ck_node *n, const ck_node_slots_in *in, ck_node_slots_out *out)
{
    static const char *const doctor_role[] = {"doctor", NULL};
    char policy[CK_NET_ID_MAX + 8];
    ck_node_care_writer w;
    ck_node_error e;
    slots_job s;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    ck_node_care_writer_init(&w, n);
    if (ck_node_slots_check(in, &s.from, &s.to, &s.every, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (ck_node_care_org(n, in->org, out->org, policy) != 0 ||
        ck_node_care_check_person(n, in->doctor, doctor_role, "doctor") != 0 ||
        (in->location && ck_node_care_check_unit(n, out->org, NULL, in->location) != 0))
        goto out;
    s.w = &w;
    s.in = in;
    s.org = out->org;
    s.policy = policy;
    s.out = out;
    if (ck_node_care_retry(n, slots_step, &s) != 0) goto out;
    rc = 0;
out:
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

int ck_node_schedule_show(ck_node *n, const char *org, const char *doctor, const char *period, ck_node_rows_out *out)
{
    ck_care_period p;
    ck_node_book b;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (doctor && !ck_net_id_valid(doctor))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_doctor", "doctor", "--doctor: '%s' is not a valid GID", doctor);
    else if (period && ck_care_period_parse(period, &p) != 0)
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_date", "date", "--date: '%s' is not DAY, MONTH or FROM..TO", period);
    else if (ck_node_care_org(n, org, out->org, NULL) == 0 && ck_node_book_staff(&b, n, out->org, "schedule") == 0) {
        if (!(out->rows = ck_care_slots_view(b.items, doctor, period ? &p : NULL)))
            ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        else
            rc = 0;
        out->withheld = b.withheld;
    }
    ck_node_book_free(&b);
    ck_node_leave(n);
    return rc;
}
