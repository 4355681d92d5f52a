/*
 * src/client/cli_record.c - `carekey record`: put, get, list and verify a
 * patient's record, plus the helpers every record command shares
 * (cli_record.h): sharing settings, the sealer, the verified view, appends.
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
                             "'carekey patient onboard --gid %s --hospitals A,B' or 'carekey sharing set'",
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
        if (ck_net_status(c->net) != 409 || strcmp(ck_net_error_code(c->net), "head_mismatch") != 0)
            return cli_ctx_net_error(c, "appending");
        usleep((useconds_t)(1000 * (1 << attempt)));   /* someone else appended: re-read the head */
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

/* ===== record put ============================================================== */

static const char put_usage[] =
    "Usage: carekey record put --patient P --section S --type T [--policy POLICY] FILE\n"
    "\n"
    "Seals the JSON payload in FILE (a FHIR resource, or an array of them) as a\n"
    "new entry of section S of P's record and appends it. The policy is the\n"
    "section's policy from the patient's sharing profile unless --policy is given;\n"
    "attributes are encrypted under their current epochs. The author is this\n"
    "person: the patient, or someone she granted write access to S.\n"
    "\n"
    "  --patient P      the patient's GID\n"
    "  --section S      record section (demographics, allergies, problems, ...)\n"
    "  --type T         FHIR resource type of the payload (AllergyIntolerance, ...)\n"
    "  --policy POLICY  encrypt under this policy instead of the profile's\n"
    "\n" CLI_CTX_HELP;

static int cmd_put(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"section", required_argument, NULL, 's'},
                                       {"type", required_argument, NULL, 't'},
                                       {"policy", required_argument, NULL, 'P'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "record put", *patient = NULL, *section = NULL, *type = NULL, *policy_opt = NULL;
    char *policy = NULL;
    uint8_t *buf = NULL, *env = NULL;
    size_t len = 0, env_len = 0;
    cli_ctx c;
    cli_rec_sharing sh;
    cli_rec_sealer sl;
    ck_seal_policy pol;
    ck_policy_error pe;
    ck_net_head head;
    json_t *doc = NULL;
    json_error_t je;
    int opt, rc;

    cli_rec_secure_json();
    cli_ctx_init(&c, "record put");
    cli_rec_sharing_init(&sh);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg) || cli_rec_sharing_option(&sh, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 's': section = optarg; break;
        case 't': type = optarg; break;
        case 'P': policy_opt = optarg; break;
        case 'h': fputs(put_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!patient || !section || !type) return cli_usage_error(c.cmd, help, "--patient, --section and --type are required");
    if (argc - optind != 1) return cli_usage_error(c.cmd, help, argc == optind ? "missing FILE" : "too many arguments");
    if (!ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "'%s' is not a valid GID", patient);
    if (!cli_rec_valid_section(section))
        return cli_usage_error(c.cmd, help, "invalid section name '%s' (a-z, 0-9, _ and -, at most 32)", section);
    if (!isalpha((unsigned char)type[0]) || strlen(type) > 64 || strspn(type, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != strlen(type))
        return cli_usage_error(c.cmd, help, "invalid resource type '%s'", type);
    {
        ck_section want;
        ck_section got = ck_fhir_section_of(type);
        if (got != CK_SECTION_OTHER && ck_section_from_name(section, &want) == 0 && want != got)
            return cli_usage_error(c.cmd, help, "%s belongs in section '%s', not '%s'", type, ck_section_name(got),
                                   section);
    }
    if ((rc = cli_read_file(c.cmd, argv[optind], PAYLOAD_MAX, &buf, &len)) != CLI_OK) return rc;
    rc = CLI_FAIL;
    /* decimal-exact: a FHIR decimal such as 1E400 or a 23-digit integer is
     * valid JSON that plain jansson refuses (the payload is sealed as read) */
    if (!(doc = ck_fhir_json_parse((const char *)buf, len, &je)) ||
        !(json_is_object(doc) || json_is_array(doc))) {
        cli_error(c.cmd, "%s: not a JSON object or array (line %d, column %d)", argv[optind], je.line, je.column);
        goto out;
    }
    if (json_is_object(doc) && json_is_string(json_object_get(doc, "resourceType")) &&
        strcmp(json_string_value(json_object_get(doc, "resourceType")), type) != 0) {
        cli_error(c.cmd, "%s: the resource is not a %s", argv[optind], type);
        rc = CLI_USAGE;
        goto out;
    }
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    if (policy_opt) {
        if (!(policy = strdup(policy_opt))) goto out;
    } else if ((rc = cli_rec_section_policy(&c, &sh, patient, section, &policy)) != CLI_OK) {
        goto out;
    }
    cli_rec_sealer_init(&sl, &c, 0);
    memset(&pe, 0, sizeof pe);
    if ((rc = cli_rec_sealer_policy(&sl, policy, &pol)) == CLI_OK) {
        if (ck_rec_seal(&env, &env_len, patient, section, type, buf, len, &pol, 0, NULL, &pe) != CK_REC_OK) {
            cli_error(c.cmd, "sealing failed%s%s", pe.msg[0] ? ": " : "", pe.msg);
            rc = CLI_FAIL;
        }
    }
    cli_rec_sealer_free(&sl);
    if (rc != CLI_OK) goto out;
    if ((rc = cli_rec_append(&c, patient, section, type, env, env_len, &head)) != CLI_OK) goto out;
    printf("appended entry %llu to %s's record (section %s, %s)\n", (unsigned long long)head.seq, patient, section,
           type);
    rc = cli_rec_after_write(&c, patient);
out:
    json_decref(doc);
    cli_free_secret(buf, len);
    free(env);
    free(policy);
    cli_rec_sharing_free(&sh);
    cli_ctx_close(&c);
    return rc;
}

/* ===== record get ============================================================== */

static const char get_usage[] =
    "Usage: carekey record get --patient P [--section S] [--json]\n"
    "\n"
    "Fetches P's whole record, verifies it (hash chain, author signatures, write\n"
    "grants, the patient's signed head and the head verified here last), then\n"
    "decrypts the latest version of every entry this person's keys can open.\n"
    "Entries the keys cannot open are listed as \"not shared with you\". Entries\n"
    "that fail verification are never decrypted; any problem makes the exit\n"
    "status 1 and is reported on stderr with its kind and sequence number.\n"
    "\n"
    "  --patient P   the patient's GID\n"
    "  --section S   only this section\n"
    "  --json        one JSON document instead of text\n"
    "\n" CLI_CTX_HELP;

static int parse_read_opts(int argc, char **argv, cli_ctx *c, const char *help, const char *usage,
                           const char **patient, const char **section, int *json)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"section", required_argument, NULL, 's'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    int opt;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c->cmd, help)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
        switch (opt) {
        case 'p': *patient = optarg; break;
        case 's':
            if (!section) return cli_usage_error(c->cmd, help, "unknown option '--section'");
            *section = optarg;
            break;
        case 'j':
            if (!json) return cli_usage_error(c->cmd, help, "unknown option '--json'");
            *json = 1;
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (!*patient) return cli_usage_error(c->cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(c->cmd, help, "unexpected argument '%s'", argv[optind]);
    return CLI_OK;
}

static json_t *problems_json(const cli_rec_view *v)
{
    json_t *a = json_array();
    for (size_t i = 0; i < v->vo.n_problems; i++)
        json_array_append_new(a, json_pack("{s:s,s:I,s:s}", "kind", ck_rec_problem_name(v->vo.problem[i].kind), "seq",
                                           (json_int_t)v->vo.problem[i].seq, "detail", v->vo.problem[i].detail));
    return a;
}

static void entry_id_hex(char out[2 * CK_REC_ID_BYTES + 1], const cli_rec_item *it)
{
    ck_net_hex(out, it->cont.entry_id, CK_REC_ID_BYTES);
}

static int cmd_get(int argc, char **argv)
{
    const char *patient = NULL, *section = NULL;
    int json_out = 0, rc, failed = 0;
    size_t shown = 0, withheld = 0;
    cli_ctx c;
    cli_rec_view v;
    json_t *doc = NULL, *arr = NULL;
    cli_progress pr;
    size_t pending = 0;

    cli_rec_secure_json();
    cli_ctx_init(&c, "record get");
    if ((rc = parse_read_opts(argc, argv, &c, "record get", get_usage, &patient, &section, &json_out)) != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    if (json_out) {
        char hx[65];
        ck_net_hex(hx, v.vo.head.hash, 32);
        arr = json_array();
        doc = json_pack("{s:s,s:{s:I,s:s},s:o,s:o}", "patient", patient, "head", "seq", (json_int_t)v.vo.head.seq,
                        "hash", hx, "entries", arr, "problems", problems_json(&v));
    }
    for (size_t i = 0; i < v.n; i++) pending += v.it[i].data && v.it[i].latest;
    cli_progress_start(&pr, "opening", pending);
    for (size_t i = 0; i < v.n; i++) {
        const ck_net_entry *e = &v.e[i];
        char when[32], idhex[2 * CK_REC_ID_BYTES + 1];
        uint8_t *pt = NULL;
        size_t len = 0;
        const char *status = "ok";
        ck_rec_err er = CK_REC_ERR_ACCESS;
        json_t *payload = NULL;
        if (!v.it[i].data || !v.it[i].latest) continue;
        cli_progress_step(&pr, 1);
        if (section && strcmp(section, e->section) != 0) continue;
        if (cli_rec_view_readable(&v, i)) er = cli_rec_view_open(&v, i, &pt, &len);
        if (er == CK_REC_OK) {
            payload = ck_fhir_json_parse((const char *)pt, len, NULL);
            if (!payload) status = "malformed payload";
        } else if (er == CK_REC_ERR_ACCESS) {
            status = CK_REPORT_NOT_SHARED;
            withheld++;
        } else {
            status = "does not open (altered envelope)";
            cli_error(c.cmd, "entry %llu: %s", (unsigned long long)e->seq, ck_rec_strerror(er));
            failed = 1;
        }
        cli_rec_time(when, e->time_ms);
        entry_id_hex(idhex, &v.it[i]);
        if (json_out) {
            json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)e->seq, "section", e->section,
                                  "type", e->resource_type, "author", e->author, "time", when, "entry_id", idhex,
                                  "status", status);
            if (payload) json_object_set(o, "payload", payload);
            if (v.it[i].origin != i) json_object_set_new(o, "version_of", json_integer((json_int_t)v.e[v.it[i].origin].seq));
            json_array_append_new(arr, o);
        } else {
            printf("# entry %llu  %s  %s  by %s  %s%s\n", (unsigned long long)e->seq, e->section, e->resource_type,
                   e->author, when, payload ? "" : "");
            if (payload) {
                char *t = ck_fhir_json_dump(payload, JSON_INDENT(2));
                if (t) printf("%s\n", t);
                cli_rec_free_str(t);
            } else {
                printf("(%s)\n", status);
            }
        }
        shown++;
        json_decref(payload);
        cli_free_secret(pt, len);
    }
    cli_progress_end(&pr);
    if (json_out) {
        char *t = ck_fhir_json_dump(doc, JSON_INDENT(2));
        if (t) printf("%s\n", t);
        cli_rec_free_str(t);
    } else if (!shown) {
        printf("(no entries%s%s)\n", section ? " in section " : "", section ? section : "");
    }
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "%zu problem(s): the record was tampered with or is inconsistent; only verified entries "
                  "were opened", cli_rec_view_problems(&v));
        rc = CLI_FAIL;
    } else {
        rc = cli_rec_view_pin(&v);
        if (failed) rc = CLI_FAIL;
    }
    (void)withheld;
out:
    json_decref(doc);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

/* ===== record list =============================================================== */

static const char list_usage[] =
    "Usage: carekey record list --patient P\n"
    "\n"
    "Verifies P's record and lists its entries: sequence number, time, author,\n"
    "section, resource type, policy and whether this person's keys can open it\n"
    "(decided from the ABE header, without decrypting). The state column marks\n"
    "current and superseded versions, bodies the server dropped after a\n"
    "re-encryption, entries of an import not committed yet (left out of every\n"
    "read), grants, commits, the sharing profile, tombstones and entries that\n"
    "fail verification (INVALID).\n"
    "\n" CLI_CTX_HELP;

/* The state, readability and policy column of entry i in 'record list':
 * a DATA entry's version state (an import not committed yet is left out of
 * every read: "uncommitted"), otherwise what kind of entry it is. */
static void list_state(cli_rec_view *v, size_t i, char *state, size_t sc, char *readable, size_t rc, char *policy,
                       size_t pc)
{
    const ck_net_entry *e = &v->e[i];
    ck_rec_container c;
    ck_rec_grant g;
    policy[0] = 0;
    snprintf(readable, rc, "-");
    if (!v->vo.valid[i]) {
        snprintf(state, sc, "INVALID");
        return;
    }
    if (!e->envelope) {   /* a superseded version whose body the server dropped */
        snprintf(state, sc, "dropped");
        return;
    }
    if (ck_rec_container_decode(&c, e->envelope, e->envelope_len) != CK_REC_OK) {
        snprintf(state, sc, "malformed");
        return;
    }
    switch (c.kind) {
    case CK_REC_KIND_DATA:
        if (ck_rec_policy(policy, pc, e) != CK_REC_OK) snprintf(policy, pc, "?");
        if (v->vo.batch_state[i] == CK_REC_BATCH_OPEN) {
            snprintf(state, sc, "uncommitted");
        } else if (v->vo.batch_state[i] == CK_REC_BATCH_ABANDONED) {
            snprintf(state, sc, "abandoned");
        } else {
            snprintf(readable, rc, "%s", cli_rec_view_readable(v, i) ? "yes" : "no");
            if (v->it[i].superseded_by)
                snprintf(state, sc, "superseded:%llu", (unsigned long long)v->e[v->it[i].superseded_by - 1].seq);
            else if (v->it[i].origin != i)
                snprintf(state, sc, "version of %llu", (unsigned long long)v->e[v->it[i].origin].seq);
            else
                snprintf(state, sc, "current");
        }
        break;
    case CK_REC_KIND_GRANT:
        snprintf(state, sc, "grant");
        if (ck_rec_grant_decode(&g, c.body, c.body_len) == CK_REC_OK)
            snprintf(policy, pc, "%s %s: %s%s", g.revoke ? "revoke grant to" : "grant to", g.grantee, g.sections,
                     g.delegate ? " (delegate)" : "");
        break;
    case CK_REC_KIND_COMMIT: snprintf(state, sc, "commit"); break;
    case CK_REC_KIND_PROFILE: snprintf(state, sc, "profile"); break;
    case CK_REC_KIND_TOMBSTONE: snprintf(state, sc, "tombstone"); break;
    default: snprintf(state, sc, "unknown"); break;
    }
}

static int cmd_list(int argc, char **argv)
{
    const char *patient = NULL;
    cli_ctx c;
    cli_rec_view v;
    int rc;

    cli_ctx_init(&c, "record list");
    if ((rc = parse_read_opts(argc, argv, &c, "record list", list_usage, &patient, NULL, NULL)) != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    printf("%-5s  %-20s  %-16s  %-14s  %-20s  %-8s  %-16s  %s\n", "seq", "time", "author", "section", "type",
           "readable", "state", "policy");
    for (size_t i = 0; i < v.n; i++) {
        const ck_net_entry *e = &v.e[i];
        char when[32], policy[4096], readable[40], state[48];
        cli_rec_time(when, e->time_ms);
        list_state(&v, i, state, sizeof state, readable, sizeof readable, policy, sizeof policy);
        printf("%-5llu  %-20s  %-16s  %-14s  %-20s  %-8s  %-16s  %s\n", (unsigned long long)e->seq, when, e->author,
               e->section, e->resource_type, readable, state, policy);
    }
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "%zu problem(s) found; see above", cli_rec_view_problems(&v));
        rc = CLI_FAIL;
    } else {
        rc = cli_rec_view_pin(&v);
    }
out:
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

/* ===== record verify ============================================================= */

static const char verify_usage[] =
    "Usage: carekey record verify --patient P\n"
    "\n"
    "Verifies P's whole record: sequence numbers, hash links, entry hashes,\n"
    "author signatures, write grants, superseded versions, the patient's signed\n"
    "head and the head verified here last. Prints every problem with its kind\n"
    "(dropped, reordered, broken-link, altered, bad-signature, unknown-author,\n"
    "no-grant, malformed, rolled-back, forked, bad-signed-head, bad-supersede)\n"
    "and sequence number and exits 1 if there is any. An import that was\n"
    "interrupted (a batch no commit closed: its entries are left out of every\n"
    "read) makes the record \"incomplete\", never \"intact\": exit 1 too, until\n"
    "the same import is run again. On success the head is remembered here; when\n"
    "the patient runs it, she also signs the head.\n"
    "\n" CLI_CTX_HELP;

static int cmd_verify(int argc, char **argv)
{
    const char *patient = NULL;
    cli_ctx c;
    cli_rec_view v;
    int rc;
    char hx[65];

    cli_ctx_init(&c, "record verify");
    if ((rc = parse_read_opts(argc, argv, &c, "record verify", verify_usage, &patient, NULL, NULL)) != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_rec_view_load(&v, &c, patient, 0)) != CLI_OK) goto out;   /* problems go to stdout */
    for (size_t i = 0; i < v.vo.n_problems; i++)
        printf("problem %s seq %llu: %s\n", ck_rec_problem_name(v.vo.problem[i].kind),
               (unsigned long long)v.vo.problem[i].seq, v.vo.problem[i].detail);
    if (v.vo.n_dropped) printf("... and %zu more problems\n", v.vo.n_dropped);
    if (cli_rec_view_problems(&v)) {
        printf("record %s: %zu problem(s) in %zu entries: NOT intact\n", patient, cli_rec_view_problems(&v), v.n);
        rc = CLI_FAIL;
        goto out;
    }
    if ((rc = cli_rec_view_pin(&v)) != CLI_OK) goto out;
    if (v.vo.n_open_batches) {
        printf("record %s: %zu entries verified, but %zu import%s not committed (%zu entries left out): "
               "incomplete; re-run the import to complete it\n",
               patient, v.n, v.vo.n_open_batches, v.vo.n_open_batches == 1 ? " is" : "s are", cli_rec_view_open_entries(&v));
        rc = CLI_FAIL;
        goto out;
    }
    if (cli_rec_is_patient(&c, patient) && v.vo.head.seq && (!v.has_signed || v.sh.seq != v.vo.head.seq ||
                                                            memcmp(v.sh.hash, v.vo.head.hash, 32) != 0)) {
        if (ck_net_head_sign(c.net, patient, &v.vo.head, now_ms()) != 0) {
            rc = cli_ctx_net_error(&c, "signing the head");
            goto out;
        }
        v.has_signed = 1;
        v.sh.seq = v.vo.head.seq;
    }
    ck_net_hex(hx, v.vo.head.hash, 32);
    printf("record %s: %zu entries verified, head %llu %s%s: intact\n", patient, v.n,
           (unsigned long long)v.vo.head.seq, hx,
           v.has_signed && v.sh.seq == v.vo.head.seq ? " (signed by the patient)" : "");
out:
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

/* ===== group ===================================================================== */

static const cli_subcmd record_subcmds[] = {
    {"put", "seal a JSON payload into a section and append it", put_usage, cmd_put},
    {"get", "verify the record and print what this person can open", get_usage, cmd_get},
    {"list", "verify the record and list its entries", list_usage, cmd_list},
    {"verify", "verify the whole record; exit 1 on any problem", verify_usage, cmd_verify},
};
#define N_RECORD (sizeof record_subcmds / sizeof record_subcmds[0])

static void record_help(FILE *f)
{
    fprintf(f, "Usage: carekey record COMMAND [OPTIONS]\n\nA patient's encrypted record on carekeyd.\n\nCommands:\n");
    for (size_t i = 0; i < N_RECORD; i++) fprintf(f, "  %-8s %s\n", record_subcmds[i].name, record_subcmds[i].summary);
    fprintf(f, "\nRun 'carekey record COMMAND --help' for the options of a command.\n");
}

static int record_run(int argc, char **argv)
{
    return cli_dispatch("record", record_help, record_subcmds, N_RECORD, argc, argv);
}

const cli_group cli_group_record = {"record", "put, get, list and verify a patient's record", record_run};
