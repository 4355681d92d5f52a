/*
 * src/client/cli_emergency.c - `carekey emergency`: break-glass from the
 * physician's side and the patient's view of it (docs/BREAK-GLASS.md).
 *
 *   emergency request --desk URL --patient P --reason TEXT [--minutes M]
 *       signs a request, sends it to the emergency desk, opens the sealed
 *       grant (the data keys of the emergency entries), reads and verifies
 *       those entries from carekeyd (purpose BTG), decrypts them and prints
 *       the emergency summary. The grant is kept, still sealed, in
 *       HOME/break-glass/P.json for 'emergency show' until it expires.
 *   emergency show --patient P
 *       the same summary again from the kept grant; refused after expiry.
 *   emergency events [--patient P]
 *       the patient: the break-glass AuditEvents in her record and the
 *       server's audit rows with purpose BTG / ETREAT.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carekey/report.h"
#include "client/cli_emergency.h"

#define GRANT_MAX (4u << 20)

static const char request_usage[] =
    "Usage: carekey emergency request --desk URL --patient P --reason TEXT\n"
    "                                 [--minutes M | --seconds S] [--authority NAME]\n"
    "                                 [--json] [--request-out FILE | --request-in FILE]\n"
    "                                 [common options]\n"
    "\n"
    "Break-glass: asks the emergency desk at URL for the patient's emergency\n"
    "sections, signed with this person's key (the desk checks the directory role:\n"
    "emergency or doctor). The desk writes an AuditEvent into the patient's record\n"
    "and returns the sections' data keys sealed to this person for the window;\n"
    "the entries are read from carekeyd with purpose of use BTG, verified and\n"
    "decrypted here, and the emergency summary is printed.\n"
    "\n"
    "  --desk URL          the emergency desk (e.g. http://127.0.0.1:8600)\n"
    "  --patient P         the patient's GID\n"
    "  --reason TEXT       why (recorded in the patient's audit event; required)\n"
    "  --minutes M         access window (default 60; the desk caps it)\n"
    "  --seconds S         a window in seconds instead (drills and tests)\n"
    "  --authority NAME    the desk's authority (default " CLI_BTG_DEFAULT_AUTHORITY ")\n"
    "  --json              print the report as JSON (carekey-report/1)\n"
    "  --request-out FILE  write the signed request to FILE and send nothing\n"
    "  --request-in FILE   send the signed request in FILE (written by --request-out,\n"
    "                      e.g. on another machine) instead of making one; the\n"
    "                      desk accepts it once, within 5 minutes of its time\n"
    "\n" CLI_CTX_HELP;

static const char show_usage[] =
    "Usage: carekey emergency show --patient P [--grant FILE] [--json] [common options]\n"
    "\n"
    "Prints the emergency summary again from the break-glass grant kept by\n"
    "'emergency request' (HOME/break-glass/P.json, or FILE). Refused once the\n"
    "grant's window has ended.\n"
    "\n" CLI_CTX_HELP;

static const char events_usage[] =
    "Usage: carekey emergency events [--patient P] [common options]\n"
    "\n"
    "The patient's view of break-glass: the AuditEvents the emergency desk wrote\n"
    "into her record (who, when, why, until when) and carekeyd's audit rows with\n"
    "purpose of use BTG or ETREAT. P defaults to this person.\n"
    "\n" CLI_CTX_HELP;

/* ---- the physician ---------------------------------------------------------- */

static void grant_path(cli_ctx *c, char *out, const char *patient)
{
    char name[CK_NET_ID_MAX + 32];
    snprintf(name, sizeof name, "break-glass/%s.json", patient);
    cli_ctx_path(c, out, name);
}

/* Opens a grant (the desk's answer), reads and decrypts the released
 * entries and prints the emergency summary. */
static int show_grant(cli_ctx *c, json_t *g, int as_json)
{
    const char *desk = NULL, *physician = NULL, *patient = NULL, *nonce_hex = NULL, *box_b64 = NULL,
               *authority = NULL;
    json_int_t issued = 0, expires = 0, audit_seq = 0;
    json_t *entries = NULL, *report = NULL;
    json_error_t jerr;
    uint8_t nonce[CLI_BTG_NONCE_BYTES], ad[CLI_BTG_AD_MAX], *box = NULL, *pt = NULL;
    size_t box_len = 0, pt_len = 0, ad_len;
    ck_keyring_peer dp;
    cli_btg_record rec;
    ck_fhir_sections secs, view;
    ck_fhir_error ferr;
    char why[1024], until[32], *text = NULL;
    const ck_identity *me;
    int rc = CLI_FAIL;

    memset(&rec, 0, sizeof rec);
    memset(&secs, 0, sizeof secs);
    memset(&view, 0, sizeof view);
    if (json_unpack_ex(g, &jerr, 0, "{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:o,s:s}", "desk", &desk, "authority", &authority,
                       "physician", &physician, "patient", &patient, "issued", &issued, "expires", &expires,
                       "audit_seq", &audit_seq, "nonce", &nonce_hex, "entries", &entries, "box", &box_b64) != 0 ||
        ck_net_unhex(nonce, sizeof nonce, nonce_hex) != 0 || !ck_net_id_valid(desk)) {
        cli_error(c->cmd, "the desk's answer is not a break-glass grant (%s)", jerr.text);
        return CLI_FAIL;
    }
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    rc = CLI_FAIL;
    me = ck_keyring_identity(c->kr);
    cli_btg_iso(until, (uint64_t)expires);
    if (strcmp(physician, me->gid) != 0) {
        cli_error(c->cmd, "this grant is for %s, not for %s", physician, me->gid);
        return CLI_FAIL;
    }
    if (cli_btg_now_ms() >= (uint64_t)expires) {
        cli_error(c->cmd, "the break-glass grant expired at %s; ask the desk again", until);
        return CLI_FAIL;
    }
    if ((rc = cli_ctx_peer(c, desk, &dp)) != CLI_OK) return rc;
    rc = CLI_FAIL;
    ad_len = cli_btg_box_ad(ad, desk, physician, patient, (uint64_t)issued, (uint64_t)expires, nonce);
    if (!ad_len || ck_net_unb64(&box, &box_len, box_b64, strlen(box_b64)) != 0 ||
        ck_box_plaintext_len(&pt_len, box, box_len) != CK_BOX_OK || pt_len % CLI_BTG_KEY_REC != 0 ||
        !(pt = malloc(pt_len ? pt_len : 1))) {
        cli_error(c->cmd, "the sealed grant is malformed");
        goto out;
    }
    {
        ck_box_err be = ck_box_open(pt, pt_len, &pt_len, box, box_len, me, dp.ed25519, ad, ad_len);
        if (be != CK_BOX_OK) {
            cli_error(c->cmd, "the sealed grant does not open: %s (not sealed by desk %s for this window?)",
                      ck_box_strerror(be), desk);
            goto out;
        }
    }
    /* the entries themselves, from carekeyd, read for break-glass */
    if ((rc = cli_ctx_net(c)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (ck_net_set_purpose(c->net, "BTG") != 0) goto out;
    if ((rc = cli_btg_fetch_record(c, patient, &rec, why, sizeof why)) != CLI_OK) {
        if (rc == CLI_FAIL) cli_error(c->cmd, "the record does not verify: %s", why);
        goto out;
    }
    rc = CLI_FAIL;
    for (size_t k = 0; k < pt_len / CLI_BTG_KEY_REC; k++) {
        const uint8_t *p = pt + k * CLI_BTG_KEY_REC;
        uint64_t seq = 0;
        size_t i;
        ck_rec_container ct;
        ck_seal_env *env = NULL;
        uint8_t rad[CK_REC_AD_MAX], *plain = NULL;
        size_t rad_len, plen;
        ck_seal_err se;
        for (int b = 0; b < 8; b++) seq = seq << 8 | p[b];
        for (i = 0; i < rec.n && rec.v[i].seq != seq; i++) {
        }
        if (i == rec.n || !rec.vo.valid[i] || memcmp(rec.v[i].hash, p + 8, 32) != 0 ||
            ck_rec_container_decode(&ct, rec.v[i].envelope, rec.v[i].envelope_len) != CK_REC_OK ||
            ct.kind != CK_REC_KIND_DATA || ck_seal_decode(&env, ct.body, ct.body_len) != CK_SEAL_OK ||
            ck_seal_env_count(env) != 1) {
            ck_seal_env_free(env);
            cli_error(c->cmd, "entry %llu is not the entry the desk released", (unsigned long long)seq);
            goto out;
        }
        rad_len = ck_rec_ad(rad, patient, rec.v[i].section, rec.v[i].resource_type, ct.entry_id);
        plen = ck_seal_env_payload_len(env, 0);
        if (!(plain = malloc(plen ? plen : 1))) {
            ck_seal_env_free(env);
            goto out;
        }
        se = ck_seal_open_with_key(env, p + 40, rad, rad_len, &plain);
        ck_seal_env_free(env);
        if (se != CK_SEAL_OK || cli_btg_add_payload(&secs, plain, plen) != 0) {
            cli_free_secret(plain, plen);
            cli_error(c->cmd, "entry %llu does not decrypt with the released key (%s)", (unsigned long long)seq,
                      se != CK_SEAL_OK ? ck_seal_strerror(se) : "not FHIR JSON");
            goto out;
        }
        cli_free_secret(plain, plen);
    }
    if (cli_btg_now_ms() >= (uint64_t)expires) {
        cli_error(c->cmd, "the break-glass grant expired at %s; ask the desk again", until);
        goto out;
    }
    if (ck_report_emergency_view(&view, &secs, &ferr) != CK_FHIR_OK ||
        ck_report_build(&report, CK_REPORT_EMERGENCY, &view, NULL, &ferr) != CK_FHIR_OK) {
        cli_error(c->cmd, "emergency summary: %s", ferr.msg);
        goto out;
    }
    if (as_json) {
        text = ck_fhir_json_dump(report, JSON_INDENT(2) | JSON_SORT_KEYS);
    } else if (ck_report_text(&text, report, &ferr) != CK_FHIR_OK) {
        cli_error(c->cmd, "emergency summary: %s", ferr.msg);
        goto out;
    }
    if (!as_json)
        printf("Break-glass: %s, via desk %s (authority %s), access until %s; audit event at seq %lld\n\n",
               patient, desk, authority, until, (long long)audit_seq);
    fputs(text ? text : "", stdout);
    if (text && text[0] && text[strlen(text) - 1] != '\n') fputc('\n', stdout);
    rc = CLI_OK;
out:
    if (text) ck_wipe(text, strlen(text));
    free(text);
    json_decref(report);
    ck_fhir_sections_clear(&view);
    ck_fhir_sections_clear(&secs);
    cli_btg_record_free(&rec);
    cli_free_secret(pt, pt_len);
    free(box);
    return rc;
}

static int cmd_request(int argc, char **argv)
{
    static const struct option lo[] = {{"desk", required_argument, NULL, 'd'},
                                       {"patient", required_argument, NULL, 'p'},
                                       {"reason", required_argument, NULL, 'r'},
                                       {"minutes", required_argument, NULL, 'm'},
                                       {"seconds", required_argument, NULL, 's'},
                                       {"authority", required_argument, NULL, 'a'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"request-out", required_argument, NULL, 'o'},
                                       {"request-in", required_argument, NULL, 'i'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency request --help", *desk_url = NULL, *patient = NULL, *reason = NULL,
               *authority = CLI_BTG_DEFAULT_AUTHORITY, *req_out = NULL, *req_in = NULL;
    uint32_t minutes = 60, seconds = 0;
    int as_json = 0, opt, rc;
    uint8_t nonce[CLI_BTG_NONCE_BYTES], tbs[CLI_BTG_TBS_MAX], sig[64];
    char nonce_hex[2 * CLI_BTG_NONCE_BYTES + 1], sig_hex[129], path[PATH_MAX], *body = NULL, *resp = NULL;
    size_t tbs_len = 0, resp_len = 0;
    uint64_t now;
    long status = 0;
    json_t *req = NULL, *g = NULL;
    json_error_t jerr;
    ck_net *dn = NULL;
    const ck_identity *me;
    cli_ctx c;

    cli_ctx_init(&c, "emergency request");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'd': desk_url = optarg; break;
        case 'p': patient = optarg; break;
        case 'r': reason = optarg; break;
        case 'm':
            if (!cli_parse_u32(optarg, &minutes) || minutes < 1 || minutes > 24 * 60)
                return cli_usage_error(c.cmd, help, "--minutes takes 1..1440");
            break;
        case 's':
            if (!cli_parse_u32(optarg, &seconds) || seconds < 1 || seconds > 24 * 3600)
                return cli_usage_error(c.cmd, help, "--seconds takes 1..86400");
            break;
        case 'a': authority = optarg; break;
        case 'j': as_json = 1; break;
        case 'o': req_out = optarg; break;
        case 'i': req_in = optarg; break;
        case 'h': fputs(request_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (req_in) {
        if (!desk_url || req_out || patient || reason)
            return cli_usage_error(c.cmd, help, "--request-in takes --desk and no --patient, --reason or --request-out");
    } else if ((!desk_url && !req_out) || !patient || !reason) {
        return cli_usage_error(c.cmd, help, "--desk, --patient and --reason are required");
    }
    if (req_in) {
        uint8_t *buf = NULL;
        size_t blen = 0;
        if ((rc = cli_read_file(c.cmd, req_in, CLI_BTG_TBS_MAX * 4, &buf, &blen)) != CLI_OK) goto out;
        body = malloc(blen + 1);
        if (body) {
            memcpy(body, buf, blen);
            body[blen] = 0;
        }
        free(buf);
        rc = CLI_FAIL;
        if (!body || !(req = json_loads(body, JSON_REJECT_DUPLICATES, &jerr)) ||
            !json_string_value(json_object_get(req, "patient"))) {
            cli_error(c.cmd, "%s is not a break-glass request", req_in);
            goto out;
        }
        patient = json_string_value(json_object_get(req, "patient"));
        if (!ck_net_id_valid(patient)) {
            cli_error(c.cmd, "%s names an invalid patient", req_in);
            goto out;
        }
        if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto out;
        me = ck_keyring_identity(c.kr);
        goto send;
    }
    if (!*reason || strlen(reason) > CLI_BTG_REASON_MAX)
        return cli_usage_error(c.cmd, help, "--reason must be 1..%d bytes", CLI_BTG_REASON_MAX);
    if (!ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "'%s' is not a valid GID", patient);
    if (!seconds) seconds = minutes * 60;
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto out;
    me = ck_keyring_identity(c.kr);
    rc = CLI_FAIL;
    now = cli_btg_now_ms();
    if (ck_random_bytes(nonce, sizeof nonce) != CK_OK ||
        cli_btg_request_tbs(tbs, sizeof tbs, &tbs_len, authority, me->gid, patient, reason, seconds, now, nonce) != 0 ||
        ck_id_sign(sig, me, tbs, tbs_len) != CK_ID_OK) {
        cli_error(c.cmd, "cannot sign the request");
        goto out;
    }
    ck_net_hex(nonce_hex, nonce, sizeof nonce);
    ck_net_hex(sig_hex, sig, sizeof sig);
    req = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "authority", authority, "gid", me->gid, "patient", patient,
                    "reason", reason, "seconds", (json_int_t)seconds, "time", (json_int_t)now, "nonce", nonce_hex,
                    "signature", sig_hex);
    if (!req || !(body = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS))) goto out;
    if (req_out) {
        rc = cli_write_file(c.cmd, req_out, (const uint8_t *)body, strlen(body), 0600, 0);
        goto out;
    }
send:
    rc = CLI_FAIL;
    {
        ck_net_opts o = {desk_url, getenv("CAREKEY_CA_FILE"), 60000};
        if (ck_net_open(&dn, &o) != 0 || ck_net_set_identity(dn, me->gid, me->ed25519_sk) != 0) {
            cli_error(c.cmd, "cannot set up a connection to %s", desk_url);
            rc = CLI_IO;
            goto out;
        }
    }
    if (ck_net_request(dn, "POST", CLI_BTG_PATH, body, strlen(body), &status, &resp, &resp_len) != 0) {
        const char *why = ck_net_error_message(dn);
        cli_error(c.cmd, "cannot reach the emergency desk at %s%s%s", desk_url, why ? ": " : "", why ? why : "");
        rc = CLI_IO;
        goto out;
    }
    g = json_loadb(resp ? resp : "", resp_len, 0, &jerr);
    if (status != 200) {
        json_t *e = json_object_get(g, "error");
        cli_error(c.cmd, "the emergency desk refused (%ld %s): %s", status,
                  json_string_value(json_object_get(e, "code")) ? json_string_value(json_object_get(e, "code")) : "?",
                  json_string_value(json_object_get(e, "message")) ? json_string_value(json_object_get(e, "message"))
                                                                    : "no message");
        goto out;
    }
    if (!g) {
        cli_error(c.cmd, "the emergency desk's answer is not JSON");
        goto out;
    }
    /* keep the grant (still sealed) for 'emergency show' */
    cli_ctx_path(&c, path, "break-glass");
    if (cli_ctx_make_home(&c) != CLI_OK || (mkdir(path, 0700) != 0 && errno != EEXIST)) {
        cli_error(c.cmd, "cannot create %s", path);
    } else {
        grant_path(&c, path, patient);
        (void)cli_write_file(c.cmd, path, (const uint8_t *)resp, resp_len, 0600, 0);
    }
    rc = show_grant(&c, g, as_json);
out:
    ck_net_close(dn);
    free(resp);
    free(body);
    json_decref(g);
    json_decref(req);
    cli_ctx_close(&c);
    return rc;
}

static int cmd_show(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"grant", required_argument, NULL, 'g'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency show --help", *patient = NULL, *file = NULL;
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    json_t *g = NULL;
    json_error_t jerr;
    int as_json = 0, opt, rc;
    cli_ctx c;

    cli_ctx_init(&c, "emergency show");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'g': file = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': fputs(show_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc || (!patient && !file)) return cli_usage_error(c.cmd, help, "--patient (or --grant) is required");
    if (patient && !ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "'%s' is not a valid GID", patient);
    if (!file) {
        grant_path(&c, path, patient);
        if (!cli_file_exists(path)) {
            cli_error(c.cmd, "no break-glass grant for %s in %s (run 'carekey emergency request')", patient, c.home);
            return CLI_FAIL;
        }
        file = path;
    }
    if ((rc = cli_read_file(c.cmd, file, GRANT_MAX, &buf, &len)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(g = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr))) {
        cli_error(c.cmd, "%s is not a break-glass grant", file);
        goto out;
    }
    if (patient && strcmp(json_string_value(json_object_get(g, "patient")) ? json_string_value(json_object_get(g, "patient")) : "",
                          patient) != 0) {
        cli_error(c.cmd, "%s is a grant for another patient", file);
        goto out;
    }
    rc = show_grant(&c, g, as_json);
out:
    json_decref(g);
    free(buf);
    cli_ctx_close(&c);
    return rc;
}

/* ---- the patient -------------------------------------------------------------- */

static const char *str_at(json_t *v, const char *path)
{
    /* a dotted path of object members and [0] array heads: "agent.0.who.display" */
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = (*t >= '0' && *t <= '9') ? json_array_get(v, (size_t)atoi(t)) : json_object_get(v, t);
    return json_string_value(v);
}

static int is_btg_event(json_t *res)
{
    size_t i, j;
    json_t *p, *cd;
    const char *code = str_at(res, "subtype.0.code");
    if (code && strcmp(code, CLI_BTG_EVENT_CODE) == 0) return 1;
    json_array_foreach(json_object_get(res, "purposeOfEvent"), i, p) {
        json_array_foreach(json_object_get(p, "coding"), j, cd) {
            const char *c = json_string_value(json_object_get(cd, "code"));
            if (c && strcmp(c, "BTG") == 0) return 1;
        }
    }
    return 0;
}

static void print_event(json_t *res)
{
    const char *who = "?", *name = "", *reason = "", *end = "", *secs = "", *desk = "";
    size_t i;
    json_t *a, *d;
    json_array_foreach(json_object_get(res, "agent"), i, a) {
        if (json_is_true(json_object_get(a, "requestor"))) {
            who = str_at(a, "who.identifier.value") ? str_at(a, "who.identifier.value") : "?";
            name = str_at(a, "who.display") ? str_at(a, "who.display") : "";
        }
    }
    json_array_foreach(json_object_get(str_at(res, "entity.0.what.identifier.value") ? json_array_get(json_object_get(res, "entity"), 0) : NULL, "detail"), i, d) {
        const char *t = json_string_value(json_object_get(d, "type")), *v = json_string_value(json_object_get(d, "valueString"));
        if (!t || !v) continue;
        if (!strcmp(t, "reason")) reason = v;
        else if (!strcmp(t, "window-end")) end = v;
        else if (!strcmp(t, "sections")) secs = v;
    }
    if (!*end && str_at(res, "period.end")) end = str_at(res, "period.end");
    if (str_at(res, "source.site")) desk = str_at(res, "source.site");
    if (str_at(res, "outcome") && strcmp(str_at(res, "outcome"), "0") != 0) {
        /* an authenticated request the desk refused: nothing was released */
        printf("  %s  physician %s%s%s%s  via %s  REFUSED: %s\n", str_at(res, "recorded") ? str_at(res, "recorded") : "?",
               who, *name ? " (" : "", name, *name ? ")" : "", *desk ? desk : "?",
               str_at(res, "outcomeDesc") ? str_at(res, "outcomeDesc") : "refused");
        printf("      reason given: %s\n", reason);
        return;
    }
    printf("  %s  physician %s%s%s%s  via %s  until %s\n", str_at(res, "recorded") ? str_at(res, "recorded") : "?",
           who, *name ? " (" : "", name, *name ? ")" : "", *desk ? desk : "?", *end ? end : "?");
    printf("      reason: %s\n      sections: %s\n", reason, *secs ? secs : "?");
}

static int cmd_events(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency events --help", *patient = NULL;
    cli_btg_record rec;
    char why[1024];
    int opt, rc, n_events = 0, n_rows = 0;
    int64_t after = 0;
    cli_ctx c;

    memset(&rec, 0, sizeof rec);
    cli_ctx_init(&c, "emergency events");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'h': fputs(events_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (patient && !ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "'%s' is not a valid GID", patient);
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    if (!patient) patient = ck_keyring_identity(c.kr)->gid;
    if ((rc = cli_btg_fetch_record(&c, patient, &rec, why, sizeof why)) != CLI_OK) {
        if (rc == CLI_FAIL) cli_error(c.cmd, "the record does not verify: %s", why);
        goto out;
    }
    printf("Break-glass events in the record of %s:\n", patient);
    for (size_t i = 0; i < rec.n; i++) {
        ck_rec_container ct;
        uint8_t *pl = NULL;
        size_t pl_len = 0, k;
        ck_fhir_sections s;
        json_t *item;
        if (!cli_btg_current_data(&rec, i, &ct) || strcmp(rec.v[i].section, "audit") != 0) continue;
        if (ck_rec_open(&pl, &pl_len, &rec.v[i], patient, ck_keyring_user_key(c.kr)) != CK_REC_OK) continue;
        memset(&s, 0, sizeof s);
        if (cli_btg_add_payload(&s, pl, pl_len) == 0 && s.section[CK_SECTION_AUDIT]) {
            json_array_foreach(s.section[CK_SECTION_AUDIT], k, item) {
                json_t *res = json_object_get(item, "resource");
                if (!is_btg_event(res)) continue;
                printf("  [seq %llu, written by %s]\n", (unsigned long long)rec.v[i].seq, rec.v[i].author);
                print_event(res);
                n_events++;
            }
        }
        ck_fhir_sections_clear(&s);
        cli_free_secret(pl, pl_len);
    }
    if (!n_events) printf("  (none)\n");
    printf("Server audit rows with purpose BTG or ETREAT:\n");
    for (;;) {
        ck_net_audit *v = NULL;
        size_t n = 0;
        if (ck_net_audit_list(c.net, patient, after, 500, &v, &n) != 0) {
            rc = cli_ctx_net_error(&c, "audit log");
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            char when[32];
            after = v[i].id;
            if (strcmp(v[i].purpose, "BTG") != 0 && strcmp(v[i].purpose, "ETREAT") != 0) continue;
            cli_btg_iso(when, (uint64_t)v[i].time_ms);
            printf("  %s  %-16s %-13s %-14s %-6s %s\n", when, v[i].actor, v[i].action, v[i].target, v[i].purpose,
                   v[i].outcome);
            n_rows++;
        }
        free(v);
        if (n < 500) break;
    }
    if (!n_rows) printf("  (none)\n");
    rc = CLI_OK;
out:
    cli_btg_record_free(&rec);
    cli_ctx_close(&c);
    return rc;
}

static const cli_subcmd emergency_subcmds[] = {
    {"request", "break the glass: get a patient's emergency summary via the desk", request_usage, cmd_request},
    {"show", "show the emergency summary again while the grant lasts", show_usage, cmd_show},
    {"events", "the patient: break-glass events in her record and the server audit", events_usage, cmd_events},
};

static void emergency_help(FILE *f)
{
    fputs("Usage: carekey emergency SUBCOMMAND [OPTIONS]\n\n"
          "Break-glass access through the emergency desk, audited in the patient's record.\n\n"
          "Subcommands:\n", f);
    cli_print_subcmds(f, emergency_subcmds, sizeof emergency_subcmds / sizeof *emergency_subcmds);
}

static int emergency_run(int argc, char **argv)
{
    return cli_dispatch("emergency", emergency_help, emergency_subcmds,
                        sizeof emergency_subcmds / sizeof *emergency_subcmds, argc, argv);
}

const cli_group cli_group_emergency = {"emergency", "break-glass: request, show, events", emergency_run};
