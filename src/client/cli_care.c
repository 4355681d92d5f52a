/*
 * cli_care.c - the shared machinery of the care commands: a verified
 * record read as FHIR items (the latest version of each Type/id), one
 * resource sealed and appended, and the check-then-write loop.
 *
 * A checked write appends on the exact head its checks were made on: the
 * server refuses it (409 head_mismatch) when anyone wrote in between, and
 * the command reads again and checks again. That is what keeps a bed, a
 * slot, a theatre or a prescription's last fill from being given twice.
 */
#include "client/cli_care.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carekey/keyring.h"
#include "client/cli_care_cache.h"
#include "client/cli_grant.h"

#define CARE_RETRIES 8

/* ===== the organization ======================================================== */

static int org_from_keyring(cli_ctx *c, char *out)
{
    const ck_abe_user_key *key;
    int found = 0, rc;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    key = ck_keyring_user_key(c->kr);
    for (size_t i = 0; i < key->n; i++) {
        const char *label = key->attr[i].label;
        if (strncmp(label, "staff@", 6) != 0) continue;
        if (found && strcmp(out, label + 6) == 0) continue;   /* the same key at another epoch (a revocation) */
        if (found++ == 0) snprintf(out, CK_NET_ID_MAX + 1, "%s", label + 6);
    }
    if (found == 1) return CLI_OK;
    cli_error(c->cmd, found ? "you are staff of several organizations: name one with --org"
                            : "no --org given and no staff@ORG key in your keyring");
    return CLI_USAGE;
}

int cli_care_org(cli_ctx *c, const char *org_opt, char *out)
{
    const char *env = getenv("CAREKEY_HOSPITAL");
    const char *org = org_opt ? org_opt : (env && *env ? env : NULL);
    if (!org) return org_from_keyring(c, out);
    if (!ck_net_id_valid(org)) {
        cli_error(c->cmd, "'%s' is not a valid organization name", org);
        return CLI_USAGE;
    }
    snprintf(out, CK_NET_ID_MAX + 1, "%s", org);
    return CLI_OK;
}

void cli_care_ledger_policy(const char *org, char *out) { snprintf(out, CK_NET_ID_MAX + 8, "staff@%s", org); }

/* ===== reading ================================================================= */

static int section_wanted(const char *sections_csv, const char *section)
{
    size_t n = strlen(section);
    const char *p = sections_csv;
    if (!sections_csv) return 1;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, section, n)) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

/* Adds item to b->items; a later item with the same Type/id replaces the
 * earlier one in place, so record order is kept for first appearances. */
static int book_merge(cli_care_book *b, json_t *index, json_t *item)
{
    char key[200];
    json_t *pos;
    snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(item, "type")),
             json_string_value(json_object_get(item, "id")));
    if ((pos = json_object_get(index, key))) return json_array_set(b->items, (size_t)json_integer_value(pos), item);
    if (json_object_set_new(index, key, json_integer((json_int_t)json_array_size(b->items))) != 0) return -1;
    return json_array_append(b->items, item);
}

/* The items of entry i: from the cache when it holds this very entry, else
 * decrypted (and then cached). NULL when withheld or unreadable (counted). */
static json_t *entry_items(cli_care_book *b, cli_care_cache *cc, size_t i)
{
    const ck_net_entry *e = &b->v.e[i];
    uint8_t *pt = NULL;
    size_t len = 0;
    json_t *payload, *items;
    ck_rec_err err;
    if ((items = cli_care_cache_get(cc, e->seq, e->hash))) return json_deep_copy(items);
    if ((err = cli_rec_view_open(&b->v, i, &pt, &len)) != CK_REC_OK) {
        if (err == CK_REC_ERR_ACCESS) b->withheld++;
        else b->bad++;
        return NULL;
    }
    payload = ck_fhir_json_parse((const char *)pt, len, NULL);
    cli_free_secret(pt, len);
    items = payload ? cli_rec_payload_items(payload, e->resource_type) : NULL;
    json_decref(payload);
    if (!items) b->bad++;
    else cli_care_cache_put(cc, e->seq, e->hash, items);
    return items;
}

/* Opens entry i and merges its items. -1 only when out of memory. */
static int book_open_entry(cli_care_book *b, cli_care_cache *cc, json_t *index, size_t i)
{
    const ck_net_entry *e = &b->v.e[i];
    size_t k;
    json_t *items = entry_items(b, cc, i), *it;
    int rc = 0;
    if (!items) return 0;
    json_array_foreach(items, k, it) {
        if (json_object_set_new(it, "section", json_string(e->section)) ||
            json_object_set_new(it, "author", json_string(e->author)) ||
            json_object_set_new(it, "time", json_integer((json_int_t)e->time_ms)) ||
            json_object_set_new(it, "seq", json_integer((json_int_t)e->seq)) || book_merge(b, index, it)) {
            rc = -1;
            break;
        }
    }
    json_decref(items);
    return rc;
}

int cli_care_book_load(cli_care_book *b, cli_ctx *c, const char *record, const char *sections_csv)
{
    cli_care_cache cc;
    json_t *index = NULL;
    int rc;
    memset(b, 0, sizeof *b);
    b->record = record;
    cli_rec_secure_json();
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if ((rc = cli_rec_view_load(&b->v, c, record, 1)) != CLI_OK) return rc;
    if (cli_rec_view_problems(&b->v)) {
        cli_error(c->cmd, "the record of %s does not verify; nothing was read or written", record);
        return CLI_FAIL;
    }
    b->head = b->v.vo.head;
    if (b->head.seq == 0) b->head = b->v.server_head;   /* empty record: the server's zero head */
    if (!(b->items = json_array()) || !(index = json_object())) {
        json_decref(index);
        return CLI_FAIL;
    }
    cli_care_cache_open(&cc, c, record);
    for (size_t i = 0; i < b->v.n && rc == CLI_OK; i++) {
        if (!b->v.it[i].data || !b->v.it[i].latest || !section_wanted(sections_csv, b->v.e[i].section)) continue;
        if (book_open_entry(b, &cc, index, i) != 0) {
            cli_error(c->cmd, "out of memory");
            rc = CLI_FAIL;
        }
    }
    if (rc == CLI_OK) cli_care_cache_save(&cc, c, b->v.e, b->v.n);
    cli_care_cache_close(&cc);
    json_decref(index);
    return rc == CLI_OK ? cli_rec_view_pin(&b->v) : rc;
}

json_t *cli_care_book_select(const cli_care_book *b, const char *section, const char *type)
{
    json_t *out = json_array(), *it;
    size_t i;
    if (!out) return NULL;
    json_array_foreach(b->items, i, it) {
        const char *s = json_string_value(json_object_get(it, "section"));
        const char *t = json_string_value(json_object_get(it, "type"));
        if ((section && (!s || strcmp(s, section))) || (type && (!t || strcmp(t, type)))) continue;
        if (json_array_append(out, it) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

const json_t *cli_care_book_find(const cli_care_book *b, const char *type, const char *id)
{
    return ck_care_items_find(b->items, type, id);
}

void cli_care_book_free(cli_care_book *b)
{
    json_decref(b->items);
    cli_rec_view_free(&b->v);
    memset(b, 0, sizeof *b);
}

/* ===== writing ================================================================= */

void cli_care_writer_init(cli_care_writer *w, cli_ctx *c)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    cli_rec_sharing_init(&w->sharing);
    cli_rec_sealer_init(&w->sealer, c, 0);
}

int cli_care_writer_option(cli_care_writer *w, int opt, const char *arg)
{
    return cli_rec_sharing_option(&w->sharing, opt, arg);
}

void cli_care_writer_free(cli_care_writer *w)
{
    cli_rec_sealer_free(&w->sealer);
    cli_rec_sharing_free(&w->sharing);
    memset(w, 0, sizeof *w);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One append on exactly *expect: CLI_CARE_STALE when the head moved. */
static int append_on(cli_ctx *c, const char *record, const char *section, const char *type, const uint8_t *env,
                     size_t env_len, const ck_net_head *expect, ck_net_head *out)
{
    uint64_t t;
    int rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK || (rc = cli_rec_append_time(c, record, expect, &t)) != CLI_OK) return rc;
    if (ck_net_append(c->net, record, section, type, expect->hash, t, env, env_len, out) == 0) return CLI_OK;
    if (ck_net_status(c->net) == 409 && !strcmp(ck_net_error_code(c->net), "head_mismatch")) return CLI_CARE_STALE;
    return cli_ctx_net_error(c, "appending");
}

/* The entry type of a payload: the resource's type, or the one type all
 * resources of an array share (a batch such as a day's Slots: one entry,
 * which cli_rec_payload_items splits into items again). NULL otherwise. */
static const char *payload_type(const json_t *payload)
{
    const char *type;
    size_t i;
    const json_t *r;
    if (!json_is_array(payload)) return json_string_value(json_object_get(payload, "resourceType"));
    type = json_string_value(json_object_get(json_array_get(payload, 0), "resourceType"));
    json_array_foreach(payload, i, r) {
        const char *t = json_string_value(json_object_get(r, "resourceType"));
        if (!t || !type || strcmp(t, type)) return NULL;
    }
    return type;
}

int cli_care_put(cli_care_writer *w, const char *record, const char *section, const json_t *resource,
                 const char *policy, const ck_net_head *expect, ck_net_head *out)
{
    cli_ctx *c = w->c;
    const char *type = payload_type(resource);
    char *text = NULL, *own_policy = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_seal_policy pol;
    ck_policy_error pe;
    ck_net_head head;
    int rc;

    if (!type || !cli_rec_valid_section(section)) {
        cli_error(c->cmd, "internal: a resource without resourceType or a bad section");
        return CLI_FAIL;
    }
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (!policy) {
        if ((rc = cli_rec_section_policy(c, &w->sharing, record, section, &own_policy)) != CLI_OK) return rc;
        policy = own_policy;
    }
    rc = CLI_FAIL;
    if (!(text = ck_fhir_json_dump(resource, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)))) goto out;
    memset(&pe, 0, sizeof pe);
    if ((rc = cli_rec_sealer_policy(&w->sealer, policy, &pol)) != CLI_OK) goto out;
    if (ck_rec_seal(&env, &env_len, record, section, type, (const uint8_t *)text, strlen(text), &pol, 0, NULL,
                    &pe) != CK_REC_OK) {
        cli_error(c->cmd, "sealing failed%s%s", pe.msg[0] ? ": " : "", pe.msg);
        rc = CLI_FAIL;
        goto out;
    }
    rc = expect ? append_on(c, record, section, type, env, env_len, expect, &head)
                : cli_rec_append(c, record, section, type, env, env_len, &head);
    if (rc != CLI_OK) goto out;
    if (out) *out = head;
    rc = cli_rec_after_write(c, record);
out:
    if (text) cli_rec_free_str(text);
    free(env);
    free(own_policy);
    return rc;
}

int cli_care_retry(cli_ctx *c, int (*step)(void *arg), void *arg)
{
    for (int attempt = 0; attempt < CARE_RETRIES; attempt++) {
        int rc = step(arg);
        if (rc != CLI_CARE_STALE) return rc;
        usleep((useconds_t)(1000 * (1 << attempt)));   /* someone wrote meanwhile: read and check again */
    }
    cli_error(c->cmd, "the record kept changing while checking (%d attempts); try again", CARE_RETRIES);
    return CLI_FAIL;
}

/* ===== before the first write ================================================== */

static int view_writable(const cli_rec_view *v, cli_ctx *c, const char *record, const char *sections_csv)
{
    cli_chain_grant *g;
    size_t n;
    int ok;
    if (cli_rec_is_patient(c, record)) return CLI_OK;
    if (!(g = calloc(v->n ? v->n : 1, sizeof *g))) return CLI_FAIL;
    n = cli_grant_chain(v, g, v->n);
    ok = cli_grant_covers(g, n, ck_keyring_identity(c->kr)->gid, sections_csv, 0);
    free(g);
    if (ok) return CLI_OK;
    cli_error(c->cmd, "you hold no write grant for %s of %s's record; nothing was written", sections_csv, record);
    return CLI_FAIL;
}

int cli_care_book_writable(const cli_care_book *b, cli_ctx *c, const char *sections_csv)
{
    return view_writable(&b->v, c, b->record, sections_csv);
}

int cli_care_writable(cli_ctx *c, const char *record, const char *sections_csv)
{
    cli_rec_view v;
    int rc;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (cli_rec_is_patient(c, record)) return CLI_OK;
    if ((rc = cli_rec_view_load(&v, c, record, 1)) == CLI_OK) {
        if (cli_rec_view_problems(&v)) {
            cli_error(c->cmd, "the record of %s does not verify; nothing was written", record);
            rc = CLI_FAIL;
        } else {
            rc = view_writable(&v, c, record, sections_csv);
        }
    }
    cli_rec_view_free(&v);
    return rc;
}

/* ===== a care command ============================================================ */

void cli_care_cmd_init(cli_care_cmd *k, const char *help)
{
    memset(k, 0, sizeof *k);
    k->help = help;
    cli_ctx_init(&k->c, help);
    cli_care_writer_init(&k->w, &k->c);
}

int cli_care_cmd_option(cli_care_cmd *k, int opt, const char *arg)
{
    if (cli_ctx_option(&k->c, opt, arg) || cli_care_writer_option(&k->w, opt, arg)) return 1;
    switch (opt) {
    case CLI_CARE_OPT_PATIENT: k->patient = arg; return 1;
    case CLI_CARE_OPT_AT: k->at_opt = arg; return 1;
    case CLI_CARE_OPT_ORG: k->org_opt = arg; return 1;
    case CLI_CARE_OPT_ENCOUNTER: k->encounter = arg; return 1;
    case CLI_CARE_OPT_HISTORY: k->history = 1; return 1;
    default: return 0;
    }
}

int cli_care_cmd_org(cli_care_cmd *k)
{
    int rc = cli_care_org(&k->c, k->org_opt, k->org);
    if (rc == CLI_OK) cli_care_ledger_policy(k->org, k->policy);
    return rc;
}

void cli_care_cmd_free(cli_care_cmd *k)
{
    cli_care_writer_free(&k->w);
    cli_ctx_close(&k->c);
}

/* ===== the list commands ========================================================= */

void cli_care_list_init(cli_care_list *l, const char *help)
{
    memset(l, 0, sizeof *l);
    l->help = help;
    cli_ctx_init(&l->c, help);
}

int cli_care_list_option(cli_care_list *l, int opt, const char *arg)
{
    if (cli_ctx_option(&l->c, opt, arg)) return 1;
    if (opt == CLI_CARE_OPT_PATIENT) l->patient = arg;
    else if (opt == CLI_CARE_OPT_JSON) l->as_json = 1;
    else return 0;
    return 1;
}

int cli_care_list_print(cli_care_list *l, json_t *rows,
                        int (*text)(const cli_care_list *l, const json_t *rows, const void *arg), const void *arg)
{
    int rc;
    if (!rows) {
        cli_error(l->c.cmd, "out of memory");
        return CLI_FAIL;
    }
    rc = l->as_json ? cli_care_print_json(&l->c, rows) : text(l, rows, arg);
    json_decref(rows);
    return rc;
}

void cli_care_list_free(cli_care_list *l)
{
    cli_care_book_free(&l->b);
    cli_ctx_close(&l->c);
}

/* ===== small shared pieces ======================================================= */

int cli_care_print_json(cli_ctx *c, const json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2));
    if (!text) {
        cli_error(c->cmd, "out of memory");
        return CLI_FAIL;
    }
    printf("%s\n", text);
    cli_rec_free_str(text);
    return CLI_OK;
}

int cli_care_when(cli_ctx *c, const char *at_opt, int64_t *ms)
{
    if (!at_opt) {
        *ms = (int64_t)now_ms();
        return CLI_OK;
    }
    if (ck_care_time_parse(at_opt, ms) == 0) return CLI_OK;
    cli_error(c->cmd, "'%s' is not a time (YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][Z|+hh:mm])", at_opt);
    return CLI_USAGE;
}
