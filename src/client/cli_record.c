/*
 * src/client/cli_record.c - the helpers the record commands not yet moved
 * onto the node share (cli_record.h): sharing settings, the sealer, the
 * verified view, appends. `carekey record` itself is src/cli/record.c.
 *
 *   record put    --patient P --section S --type T [--policy P] FILE
 *   record get    --patient P [--section S] [--json]
 *   record list   --patient P
 *   record verify --patient P
 *
 * Trust: the server is not trusted. Every read verifies the whole chain
 * (ck_rec_verify) against the server's head, the patient's signed head and
 * the head this person verified last (HOME/heads/P) before anything is
 * decrypted, and only entries whose hash, link, author signature and write
 * grant verified are opened. Payloads are printed only as the output of a
 * read command; plaintext buffers are wiped.
 */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "carekey/report.h"
#include "client/cli_record.h"

#define PAYLOAD_MAX ((size_t)16 << 20)
#define APPEND_TRIES 8

/* ===== misc ================================================================ */

static void *wipe_malloc(size_t n) { return malloc(n); }
static void wipe_free(void *p)
{
    if (p) OPENSSL_cleanse(p, malloc_usable_size(p));
    free(p);
}

void cli_rec_secure_json(void) { json_set_alloc_funcs(wipe_malloc, wipe_free); }

void cli_rec_free_str(char *s)
{
    if (s) OPENSSL_cleanse(s, strlen(s));
    free(s);
}

void cli_rec_time(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(out, 32, "%llu",
                                                                                        (unsigned long long)ms);
}

int cli_rec_valid_section(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int valid_fhir_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.')) return 0;
    return 1;
}

/* One item {"type","id","resource"[,"fullUrl"]} from a resource or an item. */
static json_t *as_item(json_t *x, const char *fallback_type, const char *fallback_id)
{
    json_t *res = x, *it;
    const char *type, *id;
    if (json_is_object(x) && json_is_object(json_object_get(x, "resource"))) res = json_object_get(x, "resource");
    if (!json_is_object(res)) return NULL;
    type = json_string_value(json_object_get(res, "resourceType"));
    if (!type) type = fallback_type;
    id = json_string_value(json_object_get(res, "id"));
    if (!valid_fhir_id(id)) id = fallback_id;
    if (!type) return NULL;
    it = json_pack("{s:s,s:s,s:O}", "type", type, "id", id, "resource", res);
    if (it && res != x && json_is_string(json_object_get(x, "fullUrl")))
        json_object_set(it, "fullUrl", json_object_get(x, "fullUrl"));
    return it;
}

json_t *cli_rec_payload_items(json_t *payload, const char *fallback_type)
{
    json_t *arr = json_array(), *v;
    size_t i;
    char fid[32];
    if (!arr) return NULL;
    if (json_is_array(payload)) {
        json_array_foreach(payload, i, v) {
            json_t *it;
            snprintf(fid, sizeof fid, "item-%zu", i);
            if ((it = as_item(v, NULL, fid))) json_array_append_new(arr, it);
        }
    } else if (json_is_object(payload) && json_object_get(payload, "resourceType")) {
        json_t *it = as_item(payload, fallback_type, "item-0");
        if (it) json_array_append_new(arr, it);
    }
    return arr;
}

int cli_rec_is_patient(cli_ctx *c, const char *patient)
{
    return c->kr && strcmp(ck_keyring_identity(c->kr)->gid, patient) == 0;
}

/* ===== sharing settings ====================================================== */

#define PROFILE_MAX_HOSPITALS 64

void cli_rec_sharing_init(cli_rec_sharing *s) { memset(s, 0, sizeof *s); }

int cli_rec_sharing_option(cli_rec_sharing *s, int opt, const char *arg)
{
    (void)s;
    (void)opt;
    (void)arg;
    return 0;
}

void cli_rec_sharing_free(cli_rec_sharing *s)
{
    ck_sharing_free(s->profile);
    memset(s, 0, sizeof *s);
}

/* Hospitals: 1..64 valid authority names, no duplicates. */
static int hospitals_valid(const json_t *arr, char *out, size_t cap)
{
    size_t i, len = 0;
    json_t *h;
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > PROFILE_MAX_HOSPITALS) return 0;
    out[0] = 0;
    json_array_foreach(arr, i, h) {
        const char *n = json_string_value(h);
        if (!n || !ck_net_id_valid(n) || strlen(n) > CK_ABE_NAME_MAX || len + strlen(n) + 2 > cap) return 0;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(json_string_value(json_array_get(arr, j)), n)) return 0;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", n);
    }
    return 1;
}

/* Parses a PROFILE body into s (strict: known keys, valid names, a profile
 * that loads). */
static int profile_parse(cli_rec_sharing *s, const uint8_t *body, size_t len)
{
    json_t *j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL), *hosp = NULL, *prof = NULL;
    const char *desk = NULL;
    int v = 0, ok = 0;
    ck_fhir_error fe;
    memset(&fe, 0, sizeof fe);
    if (j && json_unpack(j, "{s:i,s:o,s:s,s:o!}", "v", &v, "hospitals", &hosp, "er_desk", &desk, "profile", &prof) == 0 &&
        v == 1 && hospitals_valid(hosp, s->hospitals, sizeof s->hospitals) && ck_net_id_valid(desk) &&
        strlen(desk) < sizeof s->er_desk && (json_is_null(prof) || json_is_object(prof))) {
        char *text = json_is_null(prof) ? NULL : json_dumps(prof, JSON_COMPACT);
        ck_sharing_free(s->profile);
        s->profile = NULL;
        ok = (text ? ck_sharing_load(&s->profile, text, strlen(text), &fe) : ck_sharing_load_default(&s->profile, &fe)) ==
             CK_FHIR_OK;
        free(text);
        snprintf(s->er_desk, sizeof s->er_desk, "%s", desk);
    }
    json_decref(j);
    return ok ? 0 : -1;
}

int cli_rec_sharing_peek(cli_rec_sharing *s, const cli_rec_view *v)
{
    size_t latest = (size_t)-1;
    ck_rec_container c;
    if (s->profile && !strcmp(s->patient, v->patient)) return 1;
    /* the latest profile the patient herself wrote (the verifier refuses
     * one by anyone else) */
    for (size_t i = 0; i < v->n; i++)
        if (v->vo.valid[i] && ck_rec_container_decode(&c, v->e[i].envelope, v->e[i].envelope_len) == CK_REC_OK &&
            c.kind == CK_REC_KIND_PROFILE)
            latest = i;
    if (latest == (size_t)-1) return 0;
    if (ck_rec_container_decode(&c, v->e[latest].envelope, v->e[latest].envelope_len) != CK_REC_OK ||
        profile_parse(s, c.body, c.body_len) != 0) {
        cli_error(v->c->cmd, "%s's sharing profile (entry %llu) is malformed", v->patient,
                  (unsigned long long)v->e[latest].seq);
        return -1;
    }
    snprintf(s->patient, sizeof s->patient, "%s", v->patient);
    return 1;
}

int cli_rec_sharing_from_view(cli_rec_sharing *s, const cli_rec_view *v)
{
    int r = cli_rec_sharing_peek(s, v);
    if (r == 0)
        cli_error(v->c->cmd, "%s has not set her sharing profile yet (her treating hospitals); she runs "
                             "'carekey patient onboard --gid %s --orgs A,B' or 'carekey sharing set'",
                  v->patient, v->patient);
    return r == 1 ? CLI_OK : CLI_FAIL;
}

static int sharing_load(cli_ctx *c, cli_rec_sharing *s, const char *patient)
{
    cli_rec_view v;
    int rc;
    if (s->profile && !strcmp(s->patient, patient)) return CLI_OK;
    if ((rc = cli_rec_view_load(&v, c, patient, 1)) == CLI_OK) {
        if (cli_rec_view_problems(&v)) {
            cli_error(c->cmd, "%s's record does not verify; its sharing profile cannot be trusted", patient);
            rc = CLI_FAIL;
        } else {
            rc = cli_rec_sharing_from_view(s, &v);
        }
    }
    cli_rec_view_free(&v);
    return rc;
}

int cli_rec_section_policy(cli_ctx *c, cli_rec_sharing *s, const char *patient, const char *name, char **out)
{
    char auth[CK_NET_ID_MAX + 16], list[sizeof s->hospitals], *save = NULL;
    const char *hosp[PROFILE_MAX_HOSPITALS];
    ck_sharing_params prm;
    ck_fhir_error fe;
    size_t n = 0;
    int rc;
    *out = NULL;
    if ((rc = sharing_load(c, s, patient)) != CLI_OK) return rc;
    if (!ck_sharing_template(s->profile, name)) {
        cli_error(c->cmd, "%s's sharing profile has no policy for section '%s'", patient, name);
        return CLI_FAIL;
    }
    snprintf(list, sizeof list, "%s", s->hospitals);
    for (char *t = strtok_r(list, ",", &save); t && n < PROFILE_MAX_HOSPITALS; t = strtok_r(NULL, ",", &save))
        hosp[n++] = t;
    snprintf(auth, sizeof auth, "patient-%s", patient);
    prm.patient_authority = auth;
    prm.emergency_desk = s->er_desk;
    prm.hospitals = hosp;
    prm.n_hospitals = n;
    memset(&fe, 0, sizeof fe);
    if (ck_sharing_policy(out, s->profile, name, &prm, &fe) != CK_FHIR_OK) {
        cli_error(c->cmd, "policy for section '%s': %s", name, fe.msg[0] ? fe.msg : "invalid");
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_rec_profile_body(cli_ctx *c, const char *hospitals, const char *er_desk, const char *profile_json,
                         char **out)
{
    json_t *hosp = json_array(), *prof = NULL, *doc = NULL;
    char list[1024], *save = NULL;
    cli_rec_sharing check;
    int rc = CLI_USAGE;
    *out = NULL;
    cli_rec_sharing_init(&check);
    snprintf(list, sizeof list, "%s", hospitals ? hospitals : "");
    for (char *t = strtok_r(list, ",", &save); t && hosp; t = strtok_r(NULL, ",", &save))
        json_array_append_new(hosp, json_string(t));
    if (profile_json && !(prof = json_loads(profile_json, JSON_REJECT_DUPLICATES, NULL))) {
        cli_error(c->cmd, "the sharing profile is not JSON");
        goto out;
    }
    if (!(doc = json_pack("{s:i,s:O,s:s,s:o}", "v", 1, "hospitals", hosp, "er_desk", er_desk, "profile",
                          prof ? prof : json_null())) ||
        !(*out = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS))) {
        rc = CLI_FAIL;
        goto out;
    }
    /* what readers will parse: refuse here what they would refuse */
    if (profile_parse(&check, (const uint8_t *)*out, strlen(*out)) != 0) {
        cli_error(c->cmd, "invalid sharing profile: 1-64 distinct hospital authority names, an emergency desk "
                          "name and a profile that loads are needed");
        free(*out);
        *out = NULL;
        goto out;
    }
    rc = CLI_OK;
out:
    cli_rec_sharing_free(&check);
    json_decref(hosp);
    json_decref(doc);
    return rc;
}

/* ===== sealer ================================================================ */

void cli_rec_sealer_init(cli_rec_sealer *s, cli_ctx *c, int precompute)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->precompute = precompute;
    cli_epochs_init(&s->epochs, c);
}

static int have_pk(const cli_rec_sealer *s, const char *name)
{
    for (size_t i = 0; i < s->n_pks; i++)
        if (strcmp(s->pks[i].name, name) == 0) return 1;
    return 0;
}

/* Public key and signed epochs of one authority. */
static int load_authority(cli_rec_sealer *s, const char *name)
{
    const ck_keyring_authority *a;
    ck_abe_authority_pk *np;
    int rc;
    if (have_pk(s, name)) return CLI_OK;
    if ((rc = cli_ctx_authority(s->c, name, &a)) != CLI_OK) return rc;
    if ((rc = cli_epochs_load(&s->epochs, name)) != CLI_OK) return rc;
    if (!(np = realloc(s->pks, (s->n_pks + 1) * sizeof *np))) return CLI_FAIL;
    s->pks = np;
    s->pks[s->n_pks] = a->pk;
    s->pks[s->n_pks].tables = NULL;
    if (s->precompute && ck_abe_pk_precompute(&s->pks[s->n_pks]) != CK_ABE_OK) s->pks[s->n_pks].tables = NULL;
    s->n_pks++;
    return CLI_OK;
}

/* Every leaf's authority is loaded and its label has a signed epoch (a
 * comparison's bits follow the label of its attribute). */
static int collect_authorities(cli_rec_sealer *s, const ck_policy_node *n)
{
    uint32_t ep;
    int rc;
    if (!n) return CLI_OK;
    if (n->kind == CK_POLICY_ATTR || n->kind == CK_POLICY_CMP) {
        if ((rc = load_authority(s, n->authority)) != CLI_OK) return rc;
        return cli_epochs_label(&s->epochs, n->label, &ep);
    }
    for (size_t i = 0; i < n->n; i++)
        if ((rc = collect_authorities(s, n->child[i])) != CLI_OK) return rc;
    return CLI_OK;
}

int cli_rec_sealer_policy(cli_rec_sealer *s, const char *policy, ck_seal_policy *pol)
{
    ck_policy *p = NULL;
    ck_policy_error pe;
    const ck_abe_authority_pk **pp;
    int rc;
    memset(&pe, 0, sizeof pe);
    if (ck_policy_parse(&p, policy, strlen(policy), &pe) != CK_POLICY_OK) {
        cli_error(s->c->cmd, "%s", pe.msg);
        return CLI_USAGE;
    }
    rc = collect_authorities(s, ck_policy_root(p));
    ck_policy_free(p);
    if (rc != CLI_OK) return rc;
    if (!(pp = realloc(s->pk_ptrs, (s->n_pks ? s->n_pks : 1) * sizeof *pp))) return CLI_FAIL;
    s->pk_ptrs = pp;
    for (size_t i = 0; i < s->n_pks; i++) pp[i] = &s->pks[i];
    pol->policy = policy;
    pol->pks = (const ck_abe_authority_pk *const *)pp;
    pol->n_pks = s->n_pks;
    pol->epoch = cli_epochs_fn;
    pol->epoch_ctx = &s->epochs;
    return CLI_OK;
}

uint32_t cli_rec_epoch(void *ctx, const char *label)
{
    cli_rec_sealer *s = ctx;
    return cli_epochs_fn(&s->epochs, label);
}

void cli_rec_sealer_free(cli_rec_sealer *s)
{
    for (size_t i = 0; i < s->n_pks; i++) ck_abe_pk_free_tables(&s->pks[i]);
    free(s->pks);
    free(s->pk_ptrs);
    cli_epochs_free(&s->epochs);
    memset(s, 0, sizeof *s);
}

/* ===== the verified view ====================================================== */

static void print_problem(const char *cmd, const ck_rec_problem *p)
{
    fprintf(stderr, "carekey: %s: %s (seq %llu): %s\n", cmd, ck_rec_problem_name(p->kind),
            (unsigned long long)p->seq, p->detail);
}

int cli_rec_view_load(cli_rec_view *v, cli_ctx *c, const char *patient, int report)
{
    ck_rec_verify_in in;
    int rc;
    memset(v, 0, sizeof *v);
    v->c = c;
    v->patient = patient;
    if (!ck_net_id_valid(patient)) {
        cli_error(c->cmd, "'%s' is not a valid patient GID", patient);
        return CLI_USAGE;
    }
    if ((rc = cli_ctx_fetch_record(c, patient, &v->e, &v->n, &v->server_head, &v->sh, &v->has_signed)) != CLI_OK)
        return rc;
    if ((rc = cli_ctx_head_load(c, patient, &v->pinned, &v->have_pinned)) != CLI_OK) return rc;
    memset(&in, 0, sizeof in);
    in.patient = patient;
    in.entries = v->e;
    in.n = v->n;
    in.server_head = &v->server_head;
    in.signed_head = v->has_signed ? &v->sh : NULL;
    in.last_known = v->have_pinned ? &v->pinned : NULL;
    in.key = cli_ctx_key_fn;
    in.key_ctx = c;
    if (ck_rec_verify(&v->vo, &in) != CK_REC_OK) {
        cli_error(c->cmd, "cannot verify the record (out of memory)");
        return CLI_FAIL;
    }
    v->verified = 1;
    for (size_t i = 0; report && i < v->vo.n_problems; i++) print_problem(c->cmd, &v->vo.problem[i]);
    if (report && v->vo.n_dropped) cli_error(c->cmd, "... and %zu more problems", v->vo.n_dropped);
    if (!(v->it = calloc(v->n ? v->n : 1, sizeof *v->it))) return CLI_FAIL;
    for (size_t i = 0; i < v->n; i++) {
        cli_rec_item *it = &v->it[i];
        it->origin = i;
        if (!v->vo.valid[i]) continue;
        if (ck_rec_container_decode(&it->cont, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK) continue;
        /* entries of an import not committed (yet) are not part of the record */
        if (it->cont.kind != CK_REC_KIND_DATA || v->vo.batch_state[i] != CK_REC_BATCH_NONE) continue;
        it->data = 1;
        it->latest = 1;
        for (size_t j = i; j-- > 0;) {
            cli_rec_item *o = &v->it[j];
            if (o->data && o->latest && memcmp(o->cont.entry_id, it->cont.entry_id, CK_REC_ID_BYTES) == 0 &&
                strcmp(v->e[j].section, v->e[i].section) == 0) {
                o->latest = 0;
                o->superseded_by = i + 1;
                it->origin = o->origin;
                break;
            }
        }
    }
    return CLI_OK;
}

size_t cli_rec_view_problems(const cli_rec_view *v) { return v->vo.n_problems + v->vo.n_dropped; }

size_t cli_rec_view_open_entries(const cli_rec_view *v)
{
    size_t n = 0;
    for (size_t i = 0; v->verified && i < v->n; i++) n += v->vo.batch_state[i] == CK_REC_BATCH_OPEN;
    return n;
}

int cli_rec_view_pin(cli_rec_view *v)
{
    if (!v->verified || cli_rec_view_problems(v)) return CLI_OK;
    if (v->have_pinned && v->pinned.seq >= v->vo.head.seq) return CLI_OK;
    if (v->vo.head.seq == 0) return CLI_OK;
    return cli_ctx_head_store(v->c, v->patient, &v->vo.head);
}

int cli_rec_view_readable(cli_rec_view *v, size_t i)
{
    if (i >= v->n || !v->it[i].data || !v->c->kr) return 0;
    return ck_rec_access_of(&v->e[i], ck_keyring_user_key(v->c->kr)) == CK_REC_ACCESS_OK;
}

ck_rec_err cli_rec_view_open(cli_rec_view *v, size_t i, uint8_t **pt, size_t *len)
{
    if (i >= v->n || !v->vo.valid[i] || !v->it[i].data) return CK_REC_ERR_KIND;
    return ck_rec_open(pt, len, &v->e[i], v->patient, ck_keyring_user_key(v->c->kr));
}

/* Adds items to a section array, the later of two equal Type/id winning. */
static void merge_items(json_t *arr, json_t *index, json_t *items)
{
    size_t k;
    json_t *it;
    char key[160];
    json_array_foreach(items, k, it) {
        json_t *pos;
        snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(it, "type")),
                 json_string_value(json_object_get(it, "id")));
        if ((pos = json_object_get(index, key))) {
            json_array_set(arr, (size_t)json_integer_value(pos), it);
        } else {
            json_object_set_new(index, key, json_integer((json_int_t)json_array_size(arr)));
            json_array_append(arr, it);
        }
    }
}

int cli_rec_view_sections(cli_rec_view *v, ck_fhir_sections *out, size_t *withheld, size_t *bad)
{
    json_t *index[CK_SECTION_COUNT] = {0};
    unsigned char recorded[CK_SECTION_COUNT] = {0};
    cli_progress pr;
    size_t pending = 0;
    memset(out, 0, sizeof *out);
    *withheld = *bad = 0;
    for (size_t i = 0; i < v->n; i++) {
        ck_section sec;
        pending += v->it[i].data && v->it[i].latest;
        if (v->it[i].data && ck_section_from_name(v->e[i].section, &sec) == 0) recorded[sec] = 1;
    }
    cli_progress_start(&pr, "opening", pending);
    for (size_t i = 0; i < v->n; i++) {
        ck_section s;
        uint8_t *pt = NULL;
        size_t len = 0;
        json_t *payload, *items;
        ck_rec_err e;
        if (!v->it[i].data || !v->it[i].latest) continue;
        cli_progress_step(&pr, 1);
        if (ck_section_from_name(v->e[i].section, &s) != 0) continue;
        /* one decode per entry: opening reports CK_REC_ERR_ACCESS itself */
        if ((e = cli_rec_view_open(v, i, &pt, &len)) != CK_REC_OK) {
            if (e != CK_REC_ERR_ACCESS) (*bad)++;
            else if (ck_rec_access_of(&v->e[i], ck_keyring_user_key(v->c->kr)) == CK_REC_ACCESS_OTHER_EPOCH)
                out->pending[s] = 1;
            else (*withheld)++;
            continue;
        }
        payload = ck_fhir_json_parse((const char *)pt, len, NULL);
        cli_free_secret(pt, len);
        if (!payload) {
            (*bad)++;
            continue;
        }
        items = cli_rec_payload_items(payload, v->e[i].resource_type);
        json_decref(payload);
        if (!out->section[s]) {
            out->section[s] = json_array();
            index[s] = json_object();
        }
        if (items) merge_items(out->section[s], index[s], items);
        json_decref(items);
    }
    cli_progress_end(&pr);
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        json_decref(index[s]);
        /* a section without any entry is "none recorded", not withheld */
        if (!out->section[s] && !recorded[s]) out->section[s] = json_array();
    }
    return CLI_OK;
}

void cli_rec_view_free(cli_rec_view *v)
{
    ck_net_entries_free(v->e, v->n);
    ck_rec_verify_out_free(&v->vo);
    free(v->it);
    memset(v, 0, sizeof *v);
}

/* ===== writing ================================================================ */

int cli_rec_append_time(cli_ctx *c, const char *patient, const ck_net_head *head, uint64_t *t)
{
    ck_net_head h, sh;
    ck_net_entry last;
    uint64_t sh_time = 0;
    uint8_t sig[64];
    int has_signed = 0;
    *t = now_ms();
    if (head->seq == 0) return CLI_OK;
    if (ck_net_entry_get(c->net, patient, head->seq, &last) != 0) return cli_ctx_net_error(c, "reading the head");
    if (last.time_ms > *t) *t = last.time_ms;
    ck_net_entry_clear(&last);
    if (ck_net_head_get_full(c->net, patient, &h, &has_signed, &sh, &sh_time, sig) != 0)
        return cli_ctx_net_error(c, "reading the head");
    if (has_signed && sh_time > *t) *t = sh_time;
    return CLI_OK;
}

int cli_rec_append(cli_ctx *c, const char *patient, const char *section, const char *type,
                   const uint8_t *env, size_t env_len, ck_net_head *out)
{
    ck_net_head head, pinned;
    uint64_t t;
    int have = 0, rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if ((rc = cli_ctx_head_load(c, patient, &pinned, &have)) != CLI_OK) return rc;
    for (int attempt = 0; attempt < APPEND_TRIES; attempt++) {
        if (ck_net_head_get(c->net, patient, &head, NULL, NULL) != 0) return cli_ctx_net_error(c, "reading the head");
        if (have && (head.seq < pinned.seq || (head.seq == pinned.seq && memcmp(head.hash, pinned.hash, 32) != 0))) {
            cli_error(c->cmd, "the server's head (entry %llu) does not extend the head verified here (entry %llu): "
                      "rolled back or forked; not writing", (unsigned long long)head.seq,
                      (unsigned long long)pinned.seq);
            return CLI_FAIL;
        }
        if ((rc = cli_rec_append_time(c, patient, &head, &t)) != CLI_OK) return rc;
        if (ck_net_append(c->net, patient, section, type, head.hash, t, env, env_len, out) == 0)
            return CLI_OK;
        if (!ck_net_append_raced(c->net))
            return cli_ctx_net_error(c, "appending");
        usleep((useconds_t)(1000 * (1 << attempt)));   /* someone else appended or signed: re-read the head */
    }
    cli_error(c->cmd, "appending: the head kept moving (%d attempts); try again", APPEND_TRIES);
    return CLI_FAIL;
}

int cli_rec_after_write(cli_ctx *c, const char *patient)
{
    cli_rec_view v;
    int rc;
    if (!cli_rec_is_patient(c, patient)) return CLI_OK;
    if ((rc = cli_rec_view_load(&v, c, patient, 1)) != CLI_OK) goto out;
    if (cli_rec_view_problems(&v)) {
        cli_error(c->cmd, "the record does not verify after writing; not signing its head");
        rc = CLI_FAIL;
        goto out;
    }
    if ((rc = cli_rec_view_pin(&v)) != CLI_OK) goto out;
    /* Dated as the head entry itself, not now: another writer may append
     * while this runs, with a time taken before ours, and readers refuse
     * an entry after the signed head that predates it (back-dated) - the
     * record would stay refused. The chain already keeps later entries at
     * or after the head entry's time, so nothing is lost. */
    if (v.vo.head.seq && (!v.has_signed || v.sh.seq != v.vo.head.seq) &&
        ck_net_head_sign(c->net, patient, &v.vo.head, v.e[v.n - 1].time_ms) != 0 &&
        !(ck_net_status(c->net) == 409 && !strcmp(ck_net_error_code(c->net), "stale_head")))   /* a newer one is signed */
        rc = cli_ctx_net_error(c, "signing the head");
out:
    cli_rec_view_free(&v);
    return rc;
}
