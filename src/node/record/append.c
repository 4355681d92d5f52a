/*
 * src/node/record/append.c - appending entries onto the head (head-mismatch retries, never onto
 * a head that does not extend the verified one), their times, and the
 * patient's signed head after her own writes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/record/record_impl.h"

#define APPEND_TRIES 8

/* ===== writing ================================================================ */

int ck_node_append_time(ck_node *c, const char *patient, const ck_net_head *head, uint64_t *t)
{
    ck_net_head h, sh;
    ck_net_entry last;
    uint64_t sh_time = 0;
    uint8_t sig[64];
    int has_signed = 0;
    *t = ck_node_now_ms();
    if (head->seq == 0) return 0;
    if (ck_net_entry_get(c->net, patient, head->seq, &last) != 0) return ck_node_fail_net(c, c->net, "reading the head");
    if (last.time_ms > *t) *t = last.time_ms;
    ck_net_entry_clear(&last);
    if (ck_net_head_get_full(c->net, patient, &h, &has_signed, &sh, &sh_time, sig) != 0)
        return ck_node_fail_net(c, c->net, "reading the head");
    if (has_signed && sh_time > *t) *t = sh_time;
    return 0;
}

int ck_node_append(ck_node *c, const char *patient, const char *section, const char *type,
                   const uint8_t *env, size_t env_len, ck_net_head *out)
{
    ck_net_head head, pinned;
    uint64_t t;
    int have = 0, rc;
    if ((rc = ck_node_net(c)) != 0) return rc;
    if ((rc = ck_node_head_load(c, patient, &pinned, &have)) != 0) return rc;
    for (int attempt = 0; attempt < APPEND_TRIES; attempt++) {
        if (ck_net_head_get(c->net, patient, &head, NULL, NULL) != 0) return ck_node_fail_net(c, c->net, "reading the head");
        if (have && (head.seq < pinned.seq || (head.seq == pinned.seq && memcmp(head.hash, pinned.hash, 32) != 0))) {
            return ck_node_fail(c, CK_NODE_E_INTEGRITY, "rolled_back",
                                "the server's head (entry %llu) does not extend the head verified here (entry %llu): "
                                "rolled back or forked; not writing", (unsigned long long)head.seq,
                                (unsigned long long)pinned.seq);
        }
        if ((rc = ck_node_append_time(c, patient, &head, &t)) != 0) return rc;
        if (ck_net_append(c->net, patient, section, type, head.hash, t, env, env_len, out) == 0)
            return 0;
        if (!ck_net_append_raced(c->net))
            return ck_node_fail_net(c, c->net, "appending");
        usleep((useconds_t)(1000 * (1 << attempt)));   /* someone else appended or signed: re-read the head */
    }
    return ck_node_fail(c, CK_NODE_E_CONFLICT, "head_moving", "appending: the head kept moving (%d attempts); try again",
                        APPEND_TRIES);
}

int ck_node_after_write(ck_node *c, const char *patient)
{
    ck_node_view v;
    int rc;
    if (!ck_node_is_patient(c, patient)) return 0;
    if ((rc = ck_node_view_load(&v, c, patient, 1)) != 0) goto out;
    if (ck_node_view_problems(&v)) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified",
                          "the record does not verify after writing; not signing its head");
        goto out;
    }
    if ((rc = ck_node_view_pin(&v)) != 0) goto out;
    /* Dated as the head entry itself, not now: another writer may append
     * while this runs, with a time taken before ours, and readers refuse
     * an entry after the signed head that predates it (back-dated) - the
     * record would stay refused. The chain already keeps later entries at
     * or after the head entry's time, so nothing is lost. */
    if (v.vo.head.seq && (!v.has_signed || v.sh.seq != v.vo.head.seq) &&
        ck_net_head_sign(c->net, patient, &v.vo.head, v.e[v.n - 1].time_ms) != 0 &&
        !(ck_net_status(c->net) == 409 && !strcmp(ck_net_error_code(c->net), "stale_head")))   /* a newer one is signed */
        rc = ck_node_fail_net(c, c->net, "signing the head");
out:
    ck_node_view_free(&v);
    return rc;
}
