/*
 * src/client/cli_reencrypt.c - `carekey reencrypt --patient P`: closes a
 * record to someone whose attributes were revoked, from now on.
 *
 * A revocation alone (a new epoch) keeps her out of what is written after
 * it; what was sealed before stays readable to her, as to everyone who
 * held the attribute then. For data the owner wants closed: every current
 * version sealed at an older epoch (or every one, --all) that this person
 * can open is sealed again under a fresh data key and the current epochs
 * (ck_rec_reseal) and appended as its new version; then a tombstone entry
 * lets the server drop the bodies of all superseded versions. A revoked
 * person who kept an old data key opens nothing of the current versions,
 * and the server no longer serves the old ones. Run by the owner, or her
 * delegate (a hospital for the records it holds delegation for, an
 * organization for its ledger).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_record.h"

static const char reencrypt_usage[] =
    "Usage: carekey reencrypt --patient P [--all] [--dry-run] [common options]\n"
    "\n"
    "Seals again, under a fresh data key and the current attribute epochs, the\n"
    "current versions of P's record whose policy names an attribute revoked since\n"
    "they were sealed (its epoch went up), appends them as new versions, then\n"
    "lets the server drop the bodies of the superseded versions (a tombstone\n"
    "entry). Afterwards a revoked person opens none of the current versions, even\n"
    "with data keys she kept. Only entries this person can open are re-encrypted;\n"
    "the others are counted and left for someone who can. Run by the owner or her\n"
    "delegate after 'carekey authority revoke'. An organization re-encrypts its\n"
    "ledger (sealed for its staff) with keys its own authority makes for the run.\n"
    "\n"
    "  --all       every current version, not only those at an older epoch\n"
    "  --dry-run   only list what would be re-encrypted\n"
    "\n" CLI_CTX_HELP;

/* 1 when the entry's header uses an epoch older than the current one for
 * any of its attributes. Loads the authorities the policy names. */
static int stale(cli_rec_sealer *sl, const cli_rec_view *v, size_t i, char **policy, int *err)
{
    ck_seal_env *env = NULL;
    const ck_abe_ct *ct;
    ck_seal_policy pol;
    int old = 0;
    *err = 0;
    *policy = NULL;
    if (ck_seal_decode(&env, v->it[i].cont.body, v->it[i].cont.body_len) != CK_SEAL_OK) {
        *err = 1;
        return 0;
    }
    ct = ck_seal_env_header(env);
    if (!(*policy = strdup(ck_seal_env_policy(env))) || cli_rec_sealer_policy(sl, *policy, &pol) != CLI_OK) {
        *err = 1;
    } else {
        for (size_t r = 0; r < ct->rows; r++)
            if (cli_rec_epoch(sl, ck_lsss_label(ct->lsss, r)) > ct->row[r].epoch) old = 1;
    }
    ck_seal_env_free(env);
    return old;
}

/* Adds to k, for this run only, a key for every row of entry i's header
 * whose attribute belongs to an authority this keyring runs, at the row's
 * epoch (what the authority would issue anyone). */
static int own_authority_keys(ck_abe_user_key *k, cli_ctx *c, const cli_rec_view *v, size_t i)
{
    ck_seal_env *env = NULL;
    const ck_abe_ct *ct;
    int rc = CLI_OK;
    if (ck_seal_decode(&env, v->it[i].cont.body, v->it[i].cont.body_len) != CK_SEAL_OK) return CLI_FAIL;
    ct = ck_seal_env_header(env);
    for (size_t r = 0; r < ct->rows && rc == CLI_OK; r++) {
        const char *label = ck_lsss_label(ct->lsss, r), *at = strrchr(label, '@');
        const ck_keyring_authority_secret *a = at ? ck_keyring_authority_sk_find(c->kr, at + 1) : NULL;
        int have = 0;
        if (!a) continue;
        for (size_t j = 0; j < k->n && !have; j++)
            have = k->attr[j].epoch == ct->row[r].epoch && !strcmp(k->attr[j].label, label);
        if (!have && ck_abe_keygen(k, &a->sk, label, ct->row[r].epoch) != CK_ABE_OK) rc = CLI_FAIL;
    }
    ck_seal_env_free(env);
    return rc;
}

/* The key entries are opened with for re-encryption: this person's, and -
 * on her own record - her own authorities' attributes as well. An
 * organization's ledger is sealed for its staff (staff@ORG), not for the
 * organization's identity; the organization runs that authority, so it
 * opens its ledger with keys it makes for this run and wipes afterwards. */
static int opening_key(ck_abe_user_key *k, cli_ctx *c, const cli_rec_view *v, const char *patient)
{
    if (ck_abe_user_key_init(k, ck_keyring_identity(c->kr)->gid) != CK_ABE_OK ||
        ck_abe_user_key_merge(k, ck_keyring_user_key(c->kr)) != CK_ABE_OK)
        return CLI_FAIL;
    if (!cli_rec_is_patient(c, patient) || !ck_keyring_authority_sk_count(c->kr)) return CLI_OK;
    for (size_t i = 0; i < v->n; i++)
        if (v->it[i].data && v->it[i].latest && own_authority_keys(k, c, v, i) != CLI_OK) return CLI_FAIL;
    return CLI_OK;
}

#define TOMBSTONE_SECTION "tombstone"
#define TOMBSTONE_TYPE "Tombstone"

/* Every superseded version whose body the server still holds, in one
 * tombstone entry (the record re-read: it now holds the new versions). */
static int drop_superseded(cli_ctx *c, const char *patient, size_t *n)
{
    uint64_t *seqs = malloc(CK_REC_TOMBSTONE_MAX * sizeof *seqs);
    cli_rec_view v;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_net_head head;
    int rc;
    *n = 0;
    memset(&v, 0, sizeof v);
    if (!seqs) return CLI_FAIL;
    if ((rc = cli_rec_view_load(&v, c, patient, 1)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (cli_rec_view_problems(&v)) goto out;
    /* the versions a later one names as replaced (the server drops only
     * those), in chain order */
    for (size_t i = 0; i < v.n && *n < CK_REC_TOMBSTONE_MAX; i++) {
        int named = 0;
        if (!v.it[i].data || !v.e[i].envelope) continue;
        for (size_t k = i + 1; k < v.n && !named; k++)
            named = v.it[k].data && v.it[k].cont.supersedes == v.e[i].seq;
        if (named) seqs[(*n)++] = v.e[i].seq;
    }
    rc = CLI_OK;
    if (!*n) goto out;
    if (ck_rec_tombstone_container(&env, &env_len, seqs, *n) != CK_REC_OK) {
        rc = CLI_FAIL;
        goto out;
    }
    rc = cli_rec_append(c, patient, TOMBSTONE_SECTION, TOMBSTONE_TYPE, env, env_len, &head);
out:
    free(env);
    free(seqs);
    cli_rec_view_free(&v);
    return rc;
}

static int cmd_reencrypt(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"dry-run", no_argument, NULL, 'n'},
                                       {"all", no_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "reencrypt", *patient = NULL;
    size_t *queued = NULL, n_queued = 0, skipped = 0, done = 0, current = 0, dropped = 0;
    int dry = 0, all = 0, opt, rc;
    cli_rec_sealer sl;
    cli_progress pr;
    cli_rec_view v;
    ck_abe_user_key key;
    cli_ctx c;

    memset(&v, 0, sizeof v);
    memset(&key, 0, sizeof key);
    cli_ctx_init(&c, "reencrypt");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'n') dry = 1;
        else if (opt == 'a') all = 1;
        else if (opt == 'h') return fputs(reencrypt_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out_noseal;
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "the record does not verify; not re-encrypting anything");
        rc = CLI_FAIL;
        goto out_noseal;
    }
    if (!(queued = calloc(v.n + 1, sizeof *queued)) || opening_key(&key, &c, &v, patient) != CLI_OK) {
        rc = CLI_FAIL;
        goto out_noseal;
    }
    cli_rec_sealer_init(&sl, &c, 1);
    /* 1. which latest versions are sealed under an old epoch */
    for (size_t i = 0; i < v.n; i++) {
        char *policy = NULL;
        int err = 0, old;
        if (!v.it[i].data || !v.it[i].latest) continue;
        old = stale(&sl, &v, i, &policy, &err);
        free(policy);
        if (err) {
            cli_error(c.cmd, "entry %llu: cannot read its header or load its authorities",
                      (unsigned long long)v.e[i].seq);
            rc = CLI_FAIL;
            goto out;
        }
        if (!old && !all) {
            current++;
        } else if (ck_rec_access_of(&v.e[i], &key) != CK_REC_ACCESS_OK) {
            skipped++;
        } else {
            queued[n_queued++] = i;
            if (dry)
                printf("would re-encrypt entry %llu (%s)\n", (unsigned long long)v.e[i].seq, v.e[i].section);
        }
    }
    if (dry) {
        printf("%zu to re-encrypt, %zu current, %zu stale but not openable here\n", n_queued, current, skipped);
        rc = CLI_OK;
        goto out;
    }
    /* 2. re-encrypt and append */
    cli_progress_start(&pr, "re-encrypting", n_queued);
    for (size_t k = 0; k < n_queued && rc == CLI_OK; k++) {
        size_t i = queued[k];
        uint8_t *out = NULL;
        size_t out_len = 0;
        char *policy = NULL;
        int err = 0;
        ck_seal_policy pol;
        ck_policy_error pe;
        ck_rec_err re;
        ck_net_head head;
        (void)stale(&sl, &v, i, &policy, &err);
        memset(&pe, 0, sizeof pe);
        if (err || cli_rec_sealer_policy(&sl, policy, &pol) != CLI_OK) {
            rc = CLI_FAIL;
        } else if ((re = ck_rec_reseal(&out, &out_len, &v.e[i], patient, &key, &pol, &pe)) !=
                   CK_REC_OK) {
            cli_error(c.cmd, "entry %llu: re-encryption failed: %s%s%s", (unsigned long long)v.e[i].seq, ck_rec_strerror(re),
                      pe.msg[0] ? ": " : "", pe.msg);
            rc = CLI_FAIL;
        } else if ((rc = cli_rec_append(&c, patient, v.e[i].section, v.e[i].resource_type, out, out_len, &head)) ==
                   CLI_OK) {
            done++;
            cli_progress_step(&pr, 1);
        }
        free(out);
        free(policy);
    }
    cli_progress_end(&pr);
    printf("re-encrypted %zu entries of %s's record under fresh data keys and the current epochs (%zu already "
           "current", done, patient, current);
    if (skipped) printf(", %zu stale entries this person cannot open", skipped);
    printf(")\n");
    /* 3. the superseded bodies may go */
    if (rc == CLI_OK && (rc = drop_superseded(&c, patient, &dropped)) == CLI_OK && dropped)
        printf("the server may drop the bodies of %zu superseded versions (tombstone)\n", dropped);
    if (rc == CLI_OK && (done || dropped)) rc = cli_rec_after_write(&c, patient);
out:
    cli_rec_sealer_free(&sl);
out_noseal:
    ck_abe_user_key_free(&key);   /* wipes the keys made for this run */
    free(queued);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

static int reencrypt_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0))
        return fputs(reencrypt_usage, stdout), CLI_OK;
    return cmd_reencrypt(argc, argv);
}

const cli_group cli_group_reencrypt = {"reencrypt",
                                       "after a revocation: fresh data keys for current versions, old bodies dropped",
                                       reencrypt_run};
