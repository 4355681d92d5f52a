/*
 * src/ui/operator.c - the operator's pages (docs/UI.md, "Operator"), over
 * carekey/node_admin.h and node_directory.h; no patient data:
 *   GET  /ui/api/operator/pending      the enrollment requests waiting
 *   POST /ui/api/operator/decide       {"gid", "approve"}: approve or reject one
 *   GET  /ui/api/operator/authorities  the registered authorities and their
 *                                      epoch tables, each checked
 *   GET  /ui/api/operator/directory    the organizations and their staff
 */
#include <string.h>

#include <jansson.h>

#include "carekey/node_admin.h"
#include "carekey/node_directory.h"
#include "ui/operator.h"

int ck_ui_decide_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], int *approve)
{
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *g = json_object_get(o, "gid"), *a = json_object_get(o, "approve");
    int rc = -1;
    gid[0] = 0;
    if (!json_is_object(o) || json_object_size(o) != 2 || !json_is_string(g) || !json_is_boolean(a)) goto out;
    if (json_string_length(g) >= CK_UI_GID_MAX || !ck_ui_gid_ok(json_string_value(g))) goto out;
    memcpy(gid, json_string_value(g), json_string_length(g) + 1);
    *approve = json_is_true(a);
    rc = 0;
out:
    json_decref(o);
    return rc;
}

static int pending(ck_ui_req *r)
{
    json_t *rows = NULL;
    if (ck_node_admin_pending(r->s->n, &rows) != 0) return ck_ui_fail_node(r, r->s->n);
    return ck_ui_json(r, 200, json_pack("{s:o}", "pending", rows));
}

static int decide(ck_ui_req *r)
{
    char gid[CK_UI_GID_MAX];
    const char *gids[1] = {gid};
    ck_node_decision d;
    int approve = 0;
    if (ck_ui_decide_parse(r->body ? r->body : "", r->body_len, gid, &approve) != 0)
        return ck_ui_fail(r, 400, "bad_form", "expected exactly {\"gid\": GID, \"approve\": true|false}");
    memset(&d, 0, sizeof d);
    if (ck_node_admin_decide(r->s->n, approve, gids, 1, &d) != 0) return ck_ui_fail_node(r, r->s->n);
    return ck_ui_json(r, 200,
                      json_pack("{s:s,s:b,s:s,s:s,s:s}", "gid", d.gid, "approved", approve, "role", d.role, "org",
                                d.join_org, "authority", d.authority));
}

static int authorities(ck_ui_req *r)
{
    json_t *rows = NULL;
    if (ck_node_admin_authorities(r->s->n, NULL, 0, &rows) != 0) return ck_ui_fail_node(r, r->s->n);
    return ck_ui_json(r, 200, json_pack("{s:o}", "authorities", rows));
}

static int directory(ck_ui_req *r)
{
    ck_node_staff_filter f = {NULL, NULL, NULL, NULL, -1};
    json_t *orgs = NULL, *staff = NULL;
    if (ck_node_dir_orgs(r->s->n, NULL, &orgs) != 0) return ck_ui_fail_node(r, r->s->n);
    if (ck_node_dir_staff(r->s->n, &f, &staff) != 0) {
        json_decref(orgs);
        return ck_ui_fail_node(r, r->s->n);
    }
    return ck_ui_json(r, 200, json_pack("{s:o,s:o}", "orgs", orgs, "staff", staff));
}

int ck_ui_operator_route(ck_ui_req *r, const char *path, size_t len)
{
    static const char prefix[] = "/ui/api/operator/";
    char view[48];
    size_t n = len - (sizeof prefix - 1);
    int post;
    if (len <= sizeof prefix - 1 || strncmp(path, prefix, sizeof prefix - 1) != 0) return 0;
    if (n >= sizeof view - strlen("operator/")) return ck_ui_fail(r, 404, "not_found", "no such API route"), 1;
    memcpy(view, "operator/", strlen("operator/"));
    memcpy(view + strlen("operator/"), path + sizeof prefix - 1, n);
    view[strlen("operator/") + n] = 0;
    post = !strcmp(r->method, "POST");
    if (!ck_ui_role_may(r->s->role, view)) {
        if (!strcmp(view, "operator/pending") || !strcmp(view, "operator/decide") ||
            !strcmp(view, "operator/authorities") || !strcmp(view, "operator/directory"))
            ck_ui_fail(r, 403, "not_for_role", "for the operator");
        else
            ck_ui_fail(r, 404, "not_found", "no such API route");
    } else if ((strcmp(view, "operator/decide") == 0) != post)
        ck_ui_fail(r, 405, "method_not_allowed", post ? "GET only" : "POST only");
    else if (post)
        (void)decide(r);
    else if (!strcmp(view, "operator/pending"))
        (void)pending(r);
    else if (!strcmp(view, "operator/authorities"))
        (void)authorities(r);
    else
        (void)directory(r);
    return 1;
}
