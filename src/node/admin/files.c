/*
 * src/node/admin/files.c - the request files the operator takes in: a
 * person's enrollment request ('carekey init --enroll-out') and an
 * authority's public record ('carekey authority publish'). Both come from
 * someone else, so both are parsed strictly (fuzz/fuzz_admin_files.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/directory.h"
#include "node/admin/admin_impl.h"

static void why_set(char why[160], const char *what, const json_error_t *e)
{
    snprintf(why, 160, "%s", e && e->text[0] ? e->text : what);
}

int ck_node_enroll_file_parse(const char *json, size_t len, ck_node_enroll_file *out, char why[160])
{
    const char *gid = NULL, *ed = NULL, *x = NULL, *name = NULL, *role = NULL;
    json_error_t jerr;
    json_t *req;
    int rc = -2;
    memset(out, 0, sizeof *out);
    memset(&jerr, 0, sizeof jerr);
    if (!(req = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr))) {
        snprintf(why, 160, "%d: %.140s", jerr.line, jerr.text);
        return -1;
    }
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s,s:s,s:s,s:s,s:s}", "gid", &gid, "ed25519", &ed, "x25519", &x,
                       "display_name", &name, "role", &role) != 0 ||
        !ck_net_id_valid(gid) || strlen(gid) >= sizeof out->gid || strlen(name) >= sizeof out->display_name ||
        strlen(role) >= sizeof out->role || ck_net_unhex(out->ed25519, 32, ed) != 0 ||
        ck_net_unhex(out->x25519, 32, x) != 0) {
        why_set(why, "bad field", &jerr);
        goto out;
    }
    snprintf(out->gid, sizeof out->gid, "%s", gid);
    snprintf(out->display_name, sizeof out->display_name, "%s", name);
    snprintf(out->role, sizeof out->role, "%s", role);
    rc = 0;
out:
    json_decref(req);
    return rc;
}

int ck_node_admin_enroll(ck_node *n, const ck_node_enroll_file *req)
{
    ck_net_user u;
    int rc = -1;
    ck_node_enter(n);
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "%s", req->gid);
    snprintf(u.display_name, sizeof u.display_name, "%s", req->display_name);
    snprintf(u.role, sizeof u.role, "%s", req->role);
    memcpy(u.ed25519, req->ed25519, 32);
    memcpy(u.x25519, req->x25519, 32);
    if (!ck_net_id_valid(u.gid)) ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", u.gid);
    else if (ck_node_net(n) == 0) rc = ck_net_user_enroll(n->net, &u) == 0 ? 0 : ck_node_admin_fail_net(n, "enroll");
    ck_node_leave(n);
    return rc;
}

void ck_node_authority_file_clear(ck_node_authority_file *a)
{
    free(a->abe_pk);
    free(a->table);
    memset(a, 0, sizeof *a);
}

int ck_node_authority_file_parse(const char *json, size_t len, ck_node_authority_file *out, char why[160])
{
    const char *name = NULL, *sign = NULL, *abe = NULL, *org = NULL;
    json_t *req, *tab = NULL;
    json_error_t jerr;
    size_t abe_len = 0;
    int rc = -2;
    memset(out, 0, sizeof *out);
    memset(&jerr, 0, sizeof jerr);
    if (!(req = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr))) {
        snprintf(why, 160, "%d: %.140s", jerr.line, jerr.text);
        return -1;
    }
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s,s:s,s:s,s:s,s?o}", "name", &name, "signing_key", &sign,
                       "abe_public_key", &abe, "organization", &org, "epoch_table", &tab) != 0 ||
        !ck_net_id_valid(name) || !ck_net_id_valid(org) || ck_net_unhex(out->sign_pk, 32, sign) != 0 ||
        ck_net_unb64(&out->abe_pk, &abe_len, abe, strlen(abe)) != 0 || (tab && !json_is_object(tab))) {
        why_set(why, "bad field", &jerr);
        goto out;
    }
    out->abe_pk_len = abe_len;
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->organization, sizeof out->organization, "%s", org);
    if (tab && !(out->table = json_dumps(tab, JSON_COMPACT))) {
        snprintf(why, 160, "out of memory");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0) ck_node_authority_file_clear(out);
    json_decref(req);
    return rc;
}

int ck_node_admin_add_authority(ck_node *n, const ck_node_authority_file *f)
{
    ck_net_authority a;
    int rc = -1;
    memset(&a, 0, sizeof a);
    ck_node_enter(n);
    if (ck_node_net(n) != 0) goto out;
    snprintf(a.name, sizeof a.name, "%s", f->name);
    snprintf(a.organization, sizeof a.organization, "%s", f->organization);
    memcpy(a.sign_pk, f->sign_pk, 32);
    a.abe_pk = f->abe_pk; /* borrowed: not cleared here */
    a.abe_pk_len = f->abe_pk_len;
    a.epoch_table = f->table;
    /* the operator's signature is what every client checks before it
     * encrypts for this authority */
    a.signed_at_ms = ck_node_now_ms();
    {
        ck_dir_authority d = {a.name, a.sign_pk, a.abe_pk, a.abe_pk_len, a.organization, a.signed_at_ms};
        if (ck_dir_authority_sign(a.operator_sig, &d, ck_keyring_identity(ck_node_kr(n))->ed25519_sk) != 0) {
            ck_node_fail(n, CK_NODE_E_REFUSED, "sign", "cannot sign the authority record");
            goto out;
        }
    }
    rc = ck_net_authority_add(n->net, &a) == 0 ? 0 : ck_node_admin_fail_net(n, "add-authority");
out:
    ck_node_leave(n);
    return rc;
}
