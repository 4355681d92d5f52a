/*
 * src/client/cli_authority.c - `carekey authority`: attribute authorities
 * run as services from a keyring (a hospital's, a board's, the emergency
 * desk's, or a patient's personal domain patient-<gid>).
 *
 *   create NAME                          ABE setup + Ed25519 signing seed, in the keyring
 *   list                                 the authorities this keyring runs
 *   publish NAME --out AUTH.json [--apk F]  the public record for 'carekey admin add-authority'
 *   issue NAME --gid GID --attr A ...    keygen at the current epochs, sealed to GID, mailed
 *   declare NAME --attr A ...            list attributes in the signed epoch table
 *   revoke NAME --gid GID --attr A       bump A's epoch, re-issue to the other holders
 *   epoch NAME [--json]                  the epochs NAME publishes
 *
 * The authority talks to carekeyd as "authority:NAME", signing with its own
 * seed. Who holds what lives in home/authorities/NAME.json (the registry),
 * so a revocation can re-issue. docs/AUTHORITIES.md has the whole story.
 * Secrets (the authority's alpha, y and signing seed, issued keys) never
 * leave the process except sealed to their recipient, and are wiped.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "client/cli_authority.h"
#include "client/cli_epochs.h"

#define MAX_ATTRS 256
#define DELIVERY_KIND "key-delivery"

static const struct option no_opts[] = {CLI_CTX_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

/* Parses options that are only the common ones; returns -1 to go on, else
 * the exit code (help printed, usage error). */
static int common_opts_only(cli_ctx *c, int argc, char **argv, const char *help, const char *usage)
{
    int o;
    cli_start_opts();
    if ((o = cli_authority_next_opt(c, argc, argv, no_opts, help, usage)) == -1) return -1;
    return o == 'h' ? CLI_OK : CLI_USAGE;
}

/* The one NAME operand. */
static int one_name(cli_ctx *c, int argc, char **argv, const char *help, const char **name)
{
    if (argc - optind != 1)
        return cli_usage_error(c->cmd, help, argc == optind ? "missing NAME" : "unexpected argument '%s'",
                               argv[optind + 1]);
    *name = argv[optind];
    return CLI_OK;
}

/* ---- create ------------------------------------------------------------------ */

static const char create_usage[] =
    "Usage: carekey authority create NAME [OPTIONS]\n"
    "\n"
    "Creates attribute authority NAME (1-64 of a-z 0-9 . _ -) in this keyring:\n"
    "a fresh ABE secret key and an Ed25519 signing seed, with which it signs\n"
    "key deliveries and its requests to the server. Typical names: hosp-a,\n"
    "medical-board, pharmacy-board, research-board, er-desk, patient-<gid>.\n"
    "Then: 'carekey authority publish NAME --out NAME.json' and, by the operator,\n"
    "'carekey admin add-authority NAME.json'.\n"
    "\n" CLI_CTX_HELP;

int cli_authority_create(cli_ctx *c, const char *name, const char *const *labels, size_t n)
{
    ck_abe_authority_sk sk;
    ck_abe_authority_pk pk;
    uint8_t seed[32], sign_pk[32];
    json_t *reg = NULL;
    int rc;

    memset(&sk, 0, sizeof sk);
    memset(seed, 0, sizeof seed);
    if (ck_abe_authority_setup(&sk, &pk, name) != CK_ABE_OK) {
        cli_error(c->cmd, "invalid authority name '%s' (use 1-64 of a-z 0-9 . _ -)", name);
        return CLI_USAGE;
    }
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (ck_keyring_authority_sk_find(c->kr, name)) {
        /* add_authority_sk would replace it: an authority's keys are never
         * thrown away by accident (every key it issued would be orphaned) */
        cli_error(c->cmd, "this keyring already runs authority '%s'", name);
        goto out;
    }
    if (ck_net_ed25519_keygen(sign_pk, seed) != 0) {
        cli_error(c->cmd, "the system random generator failed");
        goto out;
    }
    if (ck_keyring_add_authority_sk(c->kr, &sk, seed) != CK_KEYRING_OK ||
        ck_keyring_set_authority(c->kr, &pk, sign_pk) != CK_KEYRING_OK) {
        cli_error(c->cmd, "cannot add authority '%s' to the keyring", name);
        goto out;
    }
    if ((rc = cli_ctx_save(c)) != CLI_OK) goto out;
    rc = CLI_IO;
    if ((reg = cli_registry_load(c, name)) == NULL) goto out;
    if ((rc = cli_authority_table_first(c, ck_keyring_authority_sk_find(c->kr, name), reg, labels, n)) == CLI_OK)
        rc = cli_registry_save(c, name, reg);
out:
    json_decref(reg);
    ck_abe_authority_sk_wipe(&sk);
    ck_wipe(seed, sizeof seed);
    return rc;
}

static int cmd_create(int argc, char **argv)
{
    const char *help = "authority create", *name = NULL;
    char hex[CK_ID_HEX_BYTES];
    cli_ctx c;
    int rc;

    cli_ctx_init(&c, help);
    if ((rc = common_opts_only(&c, argc, argv, help, create_usage)) >= 0) return rc;
    if ((rc = one_name(&c, argc, argv, help, &name)) != CLI_OK) return rc;
    if ((rc = cli_authority_create(&c, name, NULL, 0)) == CLI_OK) {
        ck_id_hex(hex, ck_keyring_authority_sk_find(c.kr, name)->signing_pk);
        printf("authority %s created in %s\nsigning key: %s\n"
               "next: carekey authority publish %s --out %s.json; the operator runs "
               "carekey admin add-authority %s.json\n",
               name, c.home, hex, name, name, name);
    }
    cli_ctx_close(&c);
    return rc;
}

/* ---- list -------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey authority list [OPTIONS]\n"
    "\n"
    "Lists the authorities this keyring runs, with their signing keys.\n"
    "\n" CLI_CTX_HELP;

static int cmd_list(int argc, char **argv)
{
    const char *help = "authority list";
    char hex[CK_ID_HEX_BYTES];
    cli_ctx c;
    int rc;
    cli_ctx_init(&c, help);
    if ((rc = common_opts_only(&c, argc, argv, help, list_usage)) >= 0) return rc;
    if (optind < argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto out;
    for (size_t i = 0; i < ck_keyring_authority_sk_count(c.kr); i++) {
        const ck_keyring_authority_secret *s = ck_keyring_authority_sk_at(c.kr, i);
        if (s->has_signing) ck_id_hex(hex, s->signing_pk);
        printf("%s  signing key %s\n", s->sk.name, s->has_signing ? hex : "(none)");
    }
out:
    cli_ctx_close(&c);
    return rc;
}

/* ---- publish ----------------------------------------------------------------- */

static const char publish_usage[] =
    "Usage: carekey authority publish NAME --out AUTH.json [--organization GID] [--apk FILE] [OPTIONS]\n"
    "\n"
    "Writes the public record of authority NAME for the operator:\n"
    "  {\"name\", \"signing_key\" (hex), \"abe_public_key\" (base64), \"organization\",\n"
    "   \"epoch_table\" (its signed epochs)}\n"
    "which 'carekey admin add-authority AUTH.json' signs and registers in the directory.\n"
    "\n"
    "Options:\n"
    "  --out FILE           the JSON record to write ('-' for standard output)\n"
    "  --organization GID   who runs the authority (default: this keyring's GID)\n"
    "  --apk FILE           also write the binary ABE public key (for 'carekey abe encrypt --pk')\n"
    "\n" CLI_CTX_HELP;

int cli_authority_record(cli_ctx *c, const char *name, const char *org, ck_net_authority *out)
{
    const ck_keyring_authority_secret *s;
    ck_abe_authority_pk pk;
    json_t *reg = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = cli_authority_secret(c, name, &s)) != CLI_OK) return rc;
    if (!(reg = cli_registry_load(c, name))) return CLI_IO;
    if (!json_object_get(reg, "epoch_table") &&
        ((rc = cli_authority_table_first(c, s, reg, NULL, 0)) != CLI_OK || (rc = cli_registry_save(c, name, reg)) != CLI_OK))
        goto out;
    rc = CLI_FAIL;
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->organization, sizeof out->organization, "%s", org ? org : ck_keyring_identity(c->kr)->gid);
    memcpy(out->sign_pk, s->signing_pk, 32);
    ck_abe_authority_public(&pk, &s->sk);
    out->abe_pk_len = ck_abe_authority_pk_encode(NULL, &pk);
    if (!(out->abe_pk = malloc(out->abe_pk_len)) ||
        !(out->epoch_table = json_dumps(json_object_get(reg, "epoch_table"), JSON_COMPACT))) {
        cli_error(c->cmd, "out of memory");
        ck_net_authority_clear(out);
        goto out;
    }
    ck_abe_authority_pk_encode(out->abe_pk, &pk);
    rc = CLI_OK;
out:
    json_decref(reg);
    return rc;
}

/* The record as the JSON 'carekey admin add-authority' reads. */
static json_t *record_json(const ck_net_authority *a)
{
    char hex[CK_ID_HEX_BYTES], *b64 = malloc(ck_net_b64_len(a->abe_pk_len));
    json_t *table = a->epoch_table ? json_loads(a->epoch_table, 0, NULL) : NULL, *j = NULL;
    if (b64 && table) {
        ck_net_b64(b64, a->abe_pk, a->abe_pk_len);
        ck_id_hex(hex, a->sign_pk);
        j = json_pack("{s:s,s:s,s:s,s:s,s:O}", "name", a->name, "signing_key", hex, "abe_public_key", b64,
                      "organization", a->organization, "epoch_table", table);
    }
    json_decref(table);
    free(b64);
    return j;
}

static int cmd_publish(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"out", required_argument, NULL, 'o'},
                                       {"apk", required_argument, NULL, 'a'},
                                       {"organization", required_argument, NULL, 'O'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "authority publish", *name = NULL, *out = NULL, *apk = NULL, *org = NULL;
    ck_net_authority a;
    char *text = NULL;
    json_t *j = NULL;
    cli_ctx c;
    int o, rc;

    memset(&a, 0, sizeof a);
    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, publish_usage)) != -1) {
        if (o == 'o') out = optarg;
        else if (o == 'a') apk = optarg;
        else if (o == 'O') org = optarg;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if ((rc = one_name(&c, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!out) return cli_usage_error(c.cmd, help, "missing --out");
    if (org && !ck_net_id_valid(org)) return cli_usage_error(c.cmd, help, "invalid organization GID '%s'", org);
    if ((rc = cli_authority_record(&c, name, org, &a)) != CLI_OK) goto done;
    rc = CLI_FAIL;
    if (!(j = record_json(&a)) || !(text = json_dumps(j, JSON_INDENT(2)))) {
        cli_error(c.cmd, "out of memory");
        goto done;
    }
    if (strcmp(out, "-") == 0) {
        printf("%s\n", text);
        rc = CLI_OK;
    } else {
        size_t tl = strlen(text);
        text[tl] = '\n';   /* json_dumps leaves room: replace the NUL, write tl + 1 bytes */
        rc = cli_write_file(c.cmd, out, (const uint8_t *)text, tl + 1, 0644, 0);
        text[tl] = 0;
    }
    if (rc == CLI_OK && apk) rc = cli_write_file(c.cmd, apk, a.abe_pk, a.abe_pk_len, 0644, 0);
    if (rc == CLI_OK && strcmp(out, "-") != 0)
        printf("authority %s: public record %s%s%s\n", name, out, apk ? ", ABE public key " : "", apk ? apk : "");
done:
    free(text);
    json_decref(j);
    ck_net_authority_clear(&a);
    cli_ctx_close(&c);
    return rc;
}

/* ---- delivery of issued keys ------------------------------------------------- */

/* Issues labels (each at its epoch in the table) to gid, seals the key to
 * gid's pinned X25519 key, signs it as the authority and mails it. */
static int deliver(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, const char *gid,
                   char (*labels)[CK_POLICY_LABEL_MAX], size_t n, const ck_dir_epochs *epochs, int64_t *msg_id)
{
    ck_keyring_peer peer;
    ck_abe_user_key key;
    uint8_t *box = NULL;
    size_t box_len = 0;
    ck_keyring_err ke;
    int rc;

    if ((rc = cli_authority_peer(c, an, gid, &peer)) != CLI_OK) return rc;
    if (ck_abe_user_key_init(&key, gid) != CK_ABE_OK) {
        cli_error(c->cmd, "invalid GID '%s'", gid);
        return CLI_USAGE;
    }
    rc = CLI_FAIL;
    for (size_t i = 0; i < n; i++) {
        ck_abe_err e = ck_abe_keygen(&key, &s->sk, labels[i], cli_table_epoch(epochs, labels[i]));
        if (e != CK_ABE_OK) {
            cli_error(c->cmd, "cannot issue '%s': %s", labels[i], ck_abe_strerror(e));
            goto out;
        }
    }
    if ((ke = ck_keyring_delivery_seal(&box, &box_len, &key, peer.x25519, s->sk.name, s->signing_sk)) !=
        CK_KEYRING_OK) {
        cli_error(c->cmd, "cannot seal the keys to %s: %s", gid, ck_keyring_strerror(ke));
        goto out;
    }
    if (ck_net_mail_send(an, gid, DELIVERY_KIND, box, box_len, msg_id) != 0) {
        const char *code = ck_net_error_code(an);
        if (code && strcmp(code, "mailbox_full") == 0)
            cli_error(c->cmd, "%s's mailbox is full; ask %s to run 'carekey keys sync'", gid, gid);
        else
            rc = cli_authority_net_error(c, an, "mailbox");
        goto out;
    }
    rc = CLI_OK;
out:
    ck_keyring_bytes_free(box, box_len);
    ck_abe_user_key_free(&key);
    return rc;
}

/* ---- issue ------------------------------------------------------------------- */

static const char issue_usage[] =
    "Usage: carekey authority issue NAME --gid GID --attr A [--attr B ...] [OPTIONS]\n"
    "\n"
    "Issues attribute keys of authority NAME to the user GID at the current epoch\n"
    "of each attribute, seals them to GID's X25519 key from the directory (signed\n"
    "by the authority) and leaves them in GID's mailbox; GID runs\n"
    "'carekey keys sync'. The holders are recorded in HOME/authorities/NAME.json\n"
    "so that 'carekey authority revoke' can re-issue to them.\n"
    "\n"
    "Options:\n"
    "  --gid GID   the recipient, enrolled in the directory\n"
    "  --attr A    an attribute of NAME in policy syntax: doctor@hosp-a,\n"
    "              \"Primary Care\"@hosp-a, or numeric level@hosp-a=3 (its 32\n"
    "              bit-attributes). Repeatable.\n"
    "\n" CLI_CTX_HELP;

static int cmd_issue(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"gid", required_argument, NULL, 'g'},
                                       {"attr", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *help = "authority issue", *name = NULL, *gid = NULL, *attrs[MAX_ATTRS];
    cli_attr_spec spec[MAX_ATTRS];
    size_t n_attrs = 0;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, issue_usage)) != -1) {
        switch (o) {
        case 'h': return CLI_OK;
        case 'g': gid = optarg; break;
        case 'a':
            if (n_attrs == MAX_ATTRS) return cli_usage_error(c.cmd, help, "more than %d --attr", MAX_ATTRS);
            attrs[n_attrs++] = optarg;
            break;
        default: return CLI_USAGE;
        }
    }
    if ((rc = one_name(&c, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!gid) return cli_usage_error(c.cmd, help, "missing --gid");
    if (!ck_id_gid_valid(gid)) return cli_usage_error(c.cmd, help, "invalid GID '%s'", gid);
    if (!n_attrs) return cli_usage_error(c.cmd, help, "missing --attr (at least one)");
    for (size_t i = 0; i < n_attrs; i++) {
        if ((rc = cli_attr_parse(c.cmd, help, attrs[i], 1, &spec[i])) != CLI_OK) return rc;
        if (strcmp(cli_attr_authority(spec[i].label), name) != 0)
            return cli_usage_error(c.cmd, help, "attribute '%s' does not belong to authority '%s'", attrs[i], name);
    }
    rc = cli_authority_issue(&c, name, gid, spec, n_attrs);
    cli_ctx_close(&c);
    return rc;
}

/* Lists every attribute of spec in the table (at epoch 0 when new) and,
 * when that added any, publishes the next version: encryptors refuse
 * labels their authority has not signed. */
static int table_cover(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, json_t *reg, ck_dir_epochs *t,
                       const cli_attr_spec *spec, size_t n)
{
    int added = 0;
    uint32_t ep;
    for (size_t i = 0; i < n; i++) {
        if (ck_dir_epochs_get(t, spec[i].label, &ep) == 0) continue;
        if (ck_dir_epochs_set(t, spec[i].label, 0) != 0) {
            cli_error(c->cmd, "attribute '%s' cannot be listed in a signed epoch table (at most %d printable "
                              "characters)", spec[i].label, CK_DIR_LABEL_MAX);
            return CLI_FAIL;
        }
        added = 1;
    }
    return added || t->version == 0 ? cli_authority_table_publish(c, an, s, reg, t) : CLI_OK;
}

int cli_authority_issue(cli_ctx *c, const char *name, const char *gid, const cli_attr_spec *spec, size_t n_attrs)
{
    const ck_keyring_authority_secret *s;
    char (*labels)[CK_POLICY_LABEL_MAX] = NULL;
    size_t n_labels = 0;
    json_t *reg = NULL;
    ck_dir_epochs epochs;
    ck_net *an = NULL;
    int64_t msg_id = 0;
    int rc;

    memset(&epochs, 0, sizeof epochs);
    if ((rc = cli_authority_secret(c, name, &s)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(reg = cli_registry_load(c, name))) goto out;
    for (size_t i = 0; i < n_attrs; i++) {
        uint32_t old;
        /* a new value would add bit keys next to the old ones, and the two
         * together satisfy comparisons neither value does */
        if (spec[i].numeric && cli_registry_holds(reg, spec[i].label, 1, gid, &old) && old != spec[i].value) {
            cli_error(c->cmd, "%s holds %s=%lu; revoke it before issuing another value", gid, spec[i].label,
                      (unsigned long)old);
            goto out;
        }
    }
    if (!(labels = calloc(n_attrs * CK_POLICY_NUM_BITS, sizeof *labels))) {
        cli_error(c->cmd, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_attrs; i++) n_labels += cli_attr_labels(&spec[i], labels + n_labels);
    if ((rc = cli_authority_net(c, s, &an)) != CLI_OK || (rc = cli_authority_table(c, an, s, reg, &epochs)) != CLI_OK ||
        (rc = table_cover(c, an, s, reg, &epochs, spec, n_attrs)) != CLI_OK ||
        (rc = deliver(c, an, s, gid, labels, n_labels, &epochs, &msg_id)) != CLI_OK)
        goto out;
    for (size_t i = 0; i < n_attrs; i++)
        if (cli_registry_add(reg, &spec[i], gid) != 0) {
            cli_error(c->cmd, "out of memory");
            rc = CLI_FAIL;
            goto out;
        }
    if ((rc = cli_registry_save(c, name, reg)) != CLI_OK) {
        cli_error(c->cmd, "the keys were delivered, but the registry was not updated: re-run this command");
        goto out;
    }
    for (size_t i = 0, k = 0; i < n_attrs; k += spec[i].numeric ? CK_POLICY_NUM_BITS : 1, i++) {
        if (spec[i].numeric)
            printf("issued %s=%lu (epoch %lu) to %s\n", spec[i].label, (unsigned long)spec[i].value,
                   (unsigned long)cli_table_epoch(&epochs, labels[k]), gid);
        else
            printf("issued %s (epoch %lu) to %s\n", spec[i].label,
                   (unsigned long)cli_table_epoch(&epochs, labels[k]), gid);
    }
    printf("delivered to %s's mailbox (message %lld); %s runs 'carekey keys sync'\n", gid, (long long)msg_id, gid);
out:
    free(labels);
    ck_dir_epochs_free(&epochs);
    json_decref(reg);
    ck_net_close(an);
    return rc;
}

/* ---- declare ----------------------------------------------------------------- */

static const char declare_usage[] =
    "Usage: carekey authority declare NAME --attr A [--attr B ...] [OPTIONS]\n"
    "\n"
    "Lists attributes of authority NAME in its signed epoch table (at epoch 0)\n"
    "without issuing them to anyone, and publishes the new version. Encryptors\n"
    "seal only for attributes their authority's signed table lists, so an\n"
    "authority declares what sharing profiles name (nurse@nursing-board, ...)\n"
    "before anyone holds it. 'authority issue' declares what it issues itself.\n"
    "\n"
    "Options:\n"
    "  --attr A    an attribute of NAME in policy syntax (a numeric one by its name)\n"
    "\n" CLI_CTX_HELP;

static int cmd_declare(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"attr", required_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "authority declare", *name = NULL, *attrs[MAX_ATTRS];
    const ck_keyring_authority_secret *s;
    cli_attr_spec spec[MAX_ATTRS];
    size_t n_attrs = 0;
    ck_dir_epochs t;
    json_t *reg = NULL;
    ck_net *an = NULL;
    cli_ctx c;
    int o, rc;

    memset(&t, 0, sizeof t);
    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, declare_usage)) != -1) {
        if (o == 'h') return CLI_OK;
        if (o != 'a') return CLI_USAGE;
        if (n_attrs == MAX_ATTRS) return cli_usage_error(c.cmd, help, "more than %d --attr", MAX_ATTRS);
        attrs[n_attrs++] = optarg;
    }
    if ((rc = one_name(&c, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!n_attrs) return cli_usage_error(c.cmd, help, "missing --attr (at least one)");
    for (size_t i = 0; i < n_attrs; i++) {
        if ((rc = cli_attr_parse(c.cmd, help, attrs[i], 0, &spec[i])) != CLI_OK) return rc;
        if (strcmp(cli_attr_authority(spec[i].label), name) != 0)
            return cli_usage_error(c.cmd, help, "attribute '%s' does not belong to authority '%s'", attrs[i], name);
    }
    if ((rc = cli_authority_secret(&c, name, &s)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(reg = cli_registry_load(&c, name))) goto out;
    if ((rc = cli_authority_net(&c, s, &an)) != CLI_OK || (rc = cli_authority_table(&c, an, s, reg, &t)) != CLI_OK ||
        (rc = table_cover(&c, an, s, reg, &t, spec, n_attrs)) != CLI_OK)
        goto out;
    printf("authority %s lists %zu attribute(s) in its signed epoch table (version %llu)\n", name, t.n,
           (unsigned long long)t.version);
out:
    ck_dir_epochs_free(&t);
    json_decref(reg);
    ck_net_close(an);
    cli_ctx_close(&c);
    return rc;
}

/* ---- revoke ------------------------------------------------------------------ */

static const char revoke_usage[] =
    "Usage: carekey authority revoke NAME --gid GID --attr A [OPTIONS]\n"
    "\n"
    "Revokes attribute A of authority NAME from GID: publishes a new epoch of A\n"
    "in the directory (new encryptions use it, so GID's key no longer opens\n"
    "them), re-issues A at the new epoch to every other holder recorded in\n"
    "HOME/authorities/NAME.json through their mailboxes, and removes GID from\n"
    "the registry. Data already encrypted under the old epoch is re-wrapped by\n"
    "its patient ('carekey rewrap'). For a numeric attribute give its name\n"
    "(level@hosp-a): all its bit-attributes move to the new epoch.\n"
    "\n"
    "Options:\n"
    "  --gid GID   the holder to revoke\n"
    "  --attr A    the attribute, in policy syntax\n"
    "\n" CLI_CTX_HELP;

/* "level#b3=1@hosp-a" -> base "level@hosp-a" (1), else 0. */
static int bit_base(const char *key, char base[CK_POLICY_LABEL_MAX])
{
    size_t nl;
    unsigned bit, val;
    if (!cli_attr_bit_parts(key, &nl, &bit, &val)) return 0;
    snprintf(base, CK_POLICY_LABEL_MAX, "%.*s%s", (int)nl, key, strrchr(key, '@'));
    return 1;
}

/* Moves label to a new epoch (one above every epoch it had) in table. A
 * numeric attribute's epoch is under its name and covers its bits; bit
 * labels listed on their own move with it, so every bit moves together. */
static int bump_epoch(cli_ctx *c, ck_dir_epochs *table, const char *label, int numeric, uint32_t *old,
                      uint32_t *new_epoch)
{
    char base[CK_POLICY_LABEL_MAX];
    uint32_t max = cli_table_epoch(table, label);
    for (size_t i = 0; numeric && i < table->n; i++)
        if (bit_base(table->labels[i].label, base) && strcmp(base, label) == 0 && table->labels[i].epoch > max)
            max = table->labels[i].epoch;
    if (max == UINT32_MAX) {
        cli_error(c->cmd, "the epoch of '%s' is exhausted", label);
        return CLI_FAIL;
    }
    for (size_t i = 0; numeric && i < table->n; i++)
        if (bit_base(table->labels[i].label, base) && strcmp(base, label) == 0) table->labels[i].epoch = max + 1;
    if (ck_dir_epochs_set(table, label, max + 1) != 0) {
        cli_error(c->cmd, "attribute '%s' cannot be listed in a signed epoch table (at most %d printable "
                          "characters), so it cannot be revoked by epoch", label, CK_DIR_LABEL_MAX);
        return CLI_FAIL;
    }
    *old = max;
    *new_epoch = max + 1;
    return CLI_OK;
}

/* Removes gid from the registry entry; returns the remaining holders (a
 * new reference: a JSON array of GIDs, or an object GID -> value). */
static json_t *registry_remove(json_t *reg, const char *label, int numeric, const char *gid)
{
    json_t *entry = json_object_get(json_object_get(reg, numeric ? "numeric" : "attributes"), label), *v;
    size_t i;
    if (numeric) {
        json_object_del(entry, gid);
    } else {
        json_array_foreach(entry, i, v) if (strcmp(json_string_value(v), gid) == 0) {
            json_array_remove(entry, i);
            break;
        }
    }
    return json_deep_copy(entry);
}

static int cmd_revoke(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"gid", required_argument, NULL, 'g'},
                                       {"attr", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *help = "authority revoke", *name = NULL, *gid = NULL, *attr = NULL;
    cli_attr_spec spec;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, revoke_usage)) != -1) {
        switch (o) {
        case 'h': return CLI_OK;
        case 'g': gid = optarg; break;
        case 'a':
            if (attr) return cli_usage_error(c.cmd, help, "one --attr per revocation");
            attr = optarg;
            break;
        default: return CLI_USAGE;
        }
    }
    if ((rc = one_name(&c, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!gid) return cli_usage_error(c.cmd, help, "missing --gid");
    if (!attr) return cli_usage_error(c.cmd, help, "missing --attr");
    if ((rc = cli_attr_parse(c.cmd, help, attr, 0, &spec)) != CLI_OK) return rc;
    if (strcmp(cli_attr_authority(spec.label), name) != 0)
        return cli_usage_error(c.cmd, help, "attribute '%s' does not belong to authority '%s'", attr, name);
    rc = cli_authority_revoke(&c, name, gid, spec.label, attr);
    cli_ctx_close(&c);
    return rc;
}

int cli_authority_revoke(cli_ctx *c, const char *name, const char *gid, const char *label, const char *attr)
{
    const ck_keyring_authority_secret *s;
    char labels[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
    json_t *reg = NULL, *rest = NULL;
    ck_dir_epochs epochs;
    ck_net *an = NULL;
    uint32_t old_epoch = 0, new_epoch = 0, value;
    size_t done = 0, failed = 0, total;
    int rc, numeric;

    memset(&epochs, 0, sizeof epochs);
    if ((rc = cli_authority_secret(c, name, &s)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(reg = cli_registry_load(c, name))) goto out;
    if (cli_registry_holds(reg, label, 0, gid, NULL)) numeric = 0;
    else if (cli_registry_holds(reg, label, 1, gid, NULL)) numeric = 1;
    else {
        cli_error(c->cmd, "%s does not hold %s (according to %s/authorities/%s.json)", gid, label, c->home, name);
        goto out;
    }
    if ((rc = cli_authority_net(c, s, &an)) != CLI_OK || (rc = cli_authority_table(c, an, s, reg, &epochs)) != CLI_OK ||
        (rc = bump_epoch(c, &epochs, label, numeric, &old_epoch, &new_epoch)) != CLI_OK)
        goto out;
    /* publish first: from now on encryptors use the new epoch, so nothing
     * new is readable with the revoked key even if a re-issue fails below */
    if ((rc = cli_authority_table_publish(c, an, s, reg, &epochs)) != CLI_OK) goto out;
    if (!(rest = registry_remove(reg, label, numeric, gid)) ||
        (rc = cli_registry_save(c, name, reg)) != CLI_OK) {
        cli_error(c->cmd, "the epoch moved, but %s is still in the registry: remove it by hand", gid);
        rc = CLI_FAIL;
        goto out;
    }
    printf("revoked %s from %s: epoch %lu -> %lu\n", label, gid, (unsigned long)old_epoch,
           (unsigned long)new_epoch);
    total = numeric ? json_object_size(rest) : json_array_size(rest);
    for (size_t i = 0; i < total; i++) {
        cli_attr_spec h;
        const char *holder;
        int64_t id = 0;
        size_t n;
        memset(&h, 0, sizeof h);
        snprintf(h.label, sizeof h.label, "%s", label);
        if (numeric) {
            /* json_object_iter order is stable; walk by index */
            void *it = json_object_iter(rest);
            for (size_t k = 0; k < i; k++) it = json_object_iter_next(rest, it);
            holder = json_object_iter_key(it);
            value = (uint32_t)json_integer_value(json_object_iter_value(it));
            h.numeric = 1;
            h.value = value;
        } else {
            holder = json_string_value(json_array_get(rest, i));
        }
        n = cli_attr_labels(&h, labels);
        if (deliver(c, an, s, holder, labels, n, &epochs, &id) == CLI_OK) {
            printf("re-issued %s (epoch %lu) to %s (message %lld)\n", label, (unsigned long)new_epoch, holder,
                   (long long)id);
            done++;
        } else {
            failed++;
        }
    }
    if (failed)
        cli_error(c->cmd, "%zu holder(s) did not get the new key; re-issue with 'carekey authority issue %s "
                         "--gid GID --attr %s'", failed, name, attr ? attr : label);
    else
        printf("re-issued to %zu holder(s)\n", done);
    rc = failed ? CLI_FAIL : CLI_OK;
out:
    json_decref(rest);
    ck_dir_epochs_free(&epochs);
    json_decref(reg);
    ck_net_close(an);
    return rc;
}

/* ---- epoch ------------------------------------------------------------------- */

static const char epoch_usage[] =
    "Usage: carekey authority epoch NAME [--json] [OPTIONS]\n"
    "\n"
    "Prints the signed epoch table authority NAME publishes in the directory,\n"
    "after checking its signature: every attribute it issued with its epoch;\n"
    "a numeric attribute's epoch (under its name, level@hosp-a) covers its\n"
    "bit-attributes.\n"
    "\n"
    "Options:\n"
    "  --json   print the signed table as JSON\n"
    "\n" CLI_CTX_HELP;

static void print_epochs(const ck_dir_epochs *t)
{
    printf("version %llu, signed by %s\n", (unsigned long long)t->version, t->authority);
    for (size_t i = 0; i < t->n; i++) printf("%s  %lu\n", t->labels[i].label, (unsigned long)t->labels[i].epoch);
    if (!t->n) printf("(no attribute issued yet)\n");
}

static int cmd_epoch(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "authority epoch", *name = NULL;
    const ck_keyring_authority_secret *s;
    const ck_dir_epochs *table = NULL;
    ck_dir_epochs own;
    cli_epochs seen;
    json_t *reg = NULL;
    ck_net *an = NULL;
    cli_ctx c;
    int o, rc, as_json = 0;

    memset(&own, 0, sizeof own);
    cli_ctx_init(&c, help);
    cli_epochs_init(&seen, &c);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, epoch_usage)) != -1) {
        if (o == 'j') as_json = 1;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if ((rc = one_name(&c, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!ck_net_id_valid(name)) return cli_usage_error(c.cmd, help, "invalid authority name '%s'", name);
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto out;
    /* the authority itself reads its own table; anyone else the verified one */
    if ((s = ck_keyring_authority_sk_find(c.kr, name)) && s->has_signing) {
        rc = CLI_FAIL;
        if (!(reg = cli_registry_load(&c, name))) goto out;
        if ((rc = cli_authority_net(&c, s, &an)) != CLI_OK || (rc = cli_authority_table(&c, an, s, reg, &own)) != CLI_OK)
            goto out;
        table = &own;
    } else {
        if ((rc = cli_epochs_load(&seen, name)) != CLI_OK) goto out;
        table = &seen.t[0];
    }
    if (as_json) {
        char *t = ck_dir_epochs_json(table);
        printf("%s\n", t ? t : "{}");
        free(t);
    } else {
        print_epochs(table);
    }
    rc = CLI_OK;
out:
    ck_dir_epochs_free(&own);
    cli_epochs_free(&seen);
    json_decref(reg);
    ck_net_close(an);
    cli_ctx_close(&c);
    return rc;
}

/* ---- the group --------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"create", "create an authority in this keyring (ABE keys, signing seed)", create_usage, cmd_create},
    {"list", "list the authorities this keyring runs", list_usage, cmd_list},
    {"publish", "write the authority's public record for 'carekey admin add-authority'", publish_usage,
     cmd_publish},
    {"issue", "issue attribute keys to a user through the mailbox", issue_usage, cmd_issue},
    {"declare", "list attributes in the signed epoch table without issuing them", declare_usage, cmd_declare},
    {"revoke", "revoke an attribute from a user (new epoch, re-issue to the rest)", revoke_usage, cmd_revoke},
    {"epoch", "print the attribute epochs an authority publishes", epoch_usage, cmd_epoch},
};

static void authority_help(FILE *f)
{
    fprintf(f, "Usage: carekey authority SUBCOMMAND [OPTIONS] [ARGS]\n"
               "\n"
               "Attribute authorities as services: a hospital, a professional board, the\n"
               "emergency desk or a patient's personal domain issues attribute keys to\n"
               "enrolled people through their mailboxes, and revokes them by epoch.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey authority create hosp-a\n"
               "  carekey authority publish hosp-a --out hosp-a.json\n"
               "  carekey admin add-authority hosp-a.json\n"
               "  carekey authority issue hosp-a --gid bob --attr doctor@hosp-a --attr 'level@hosp-a=3'\n"
               "  carekey authority revoke hosp-a --gid bob --attr doctor@hosp-a\n"
               "\n"
               "'carekey authority SUBCOMMAND --help' describes each one; docs/AUTHORITIES.md the flow.\n");
}

static int authority_run(int argc, char **argv)
{
    return cli_dispatch("authority", authority_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_authority = {"authority", "attribute authorities: create, list, publish, issue, declare, revoke, epoch",
                                       authority_run};
