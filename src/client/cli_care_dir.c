/*
 * src/client/cli_care_dir.c - the directory checks and list output of the
 * booking commands (cli_care_dir.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care_dir.h"

#define USERS_PAGE 1000   /* the server's largest page */

/* ---- the directory ------------------------------------------------------ */

/* *found = 1 when gid is among the active users of the directory with role
 * (read page by page, stopping at gid). */
static int active_with_role(cli_ctx *c, const char *gid, const char *role, int *found)
{
    char after[CK_NET_ID_MAX + 1] = "";
    ck_net_user_filter f;
    *found = 0;
    memset(&f, 0, sizeof f);
    f.role = role;
    f.active = 1;
    f.limit = USERS_PAGE;
    for (;;) {
        json_t *users = NULL, *u;
        int more = 0;
        size_t i;
        f.after = after[0] ? after : NULL;
        if (ck_net_users_list(c->net, &f, &users, &more) != 0) return cli_ctx_net_error(c, "reading the directory");
        json_array_foreach(users, i, u) {
            const char *g = json_string_value(json_object_get(u, "gid"));
            if (g && !strcmp(g, gid)) *found = 1;
            if (g) snprintf(after, sizeof after, "%s", g);
        }
        json_decref(users);
        if (*found || !more || !after[0]) return CLI_OK;
    }
}

int cli_care_dir_check_person(cli_ctx *c, const char *gid, const char *const *roles, const char *what)
{
    int found = 0, rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    for (const char *const *r = roles; *r && !found; r++)
        if ((rc = active_with_role(c, gid, *r, &found)) != CLI_OK) return rc;
    if (found) return CLI_OK;
    cli_error(c->cmd, "%s is not an active %s in the directory", gid, what);
    return CLI_FAIL;
}

int cli_care_dir_check_patient(cli_ctx *c, const char *gid)
{
    ck_net_user u;
    int rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_user_get(c->net, gid, &u) != 0) return cli_ctx_net_error(c, "looking up the patient");
    if (!strcmp(u.role, "patient")) return CLI_OK;
    cli_error(c->cmd, "%s is not a patient", gid);
    return CLI_FAIL;
}

int cli_care_dir_check_unit(cli_ctx *c, const char *org, const char *kind, const char *unit)
{
    json_t *units = NULL, *u;
    size_t i;
    int found = 0, rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_units_list(c->net, org, kind, &units) != 0) return cli_ctx_net_error(c, "reading the units");
    json_array_foreach(units, i, u) {
        const char *n = json_string_value(json_object_get(u, "name"));
        if (n && !strcmp(n, unit)) found = 1;
    }
    json_decref(units);
    if (found) return CLI_OK;
    if (kind)
        cli_error(c->cmd, "%s has no %s '%s' (carekey directory units --org %s --kind %s)", org, kind, unit, org, kind);
    else
        cli_error(c->cmd, "%s has no unit '%s'", org, unit);
    return CLI_FAIL;
}

/* ---- list commands -------------------------------------------------------- */

int cli_care_ledger_read(cli_care_book *b, cli_ctx *c, const char *org, const char *sections)
{
    int rc;
    if ((rc = cli_care_book_load(b, c, org, sections)) != CLI_OK) return rc;
    if (b->withheld && json_array_size(b->items) == 0) {
        cli_error(c->cmd, "none of the %zu entries of %s's ledger is readable with your keys (staff@%s only)",
                  b->withheld, org, org);
        return CLI_FAIL;
    }
    return CLI_OK;
}

void cli_care_print_rows(json_t *rows, json_t *shown, int as_json, const char *none, const cli_column *cols,
                         size_t ncols)
{
    if (as_json) {
        char *t = json_dumps(rows, JSON_INDENT(2));
        if (t) puts(t);
        free(t);
    } else if (json_array_size(rows) == 0) {
        puts(none);
    } else {
        cli_print_table(stdout, shown ? shown : rows, cols, ncols);
    }
}
