/*
 * src/client/cli_rewrap.c - `carekey rewrap --patient P`: after a
 * revocation (an authority bumped an attribute's epoch), puts the data key
 * of every affected entry under the current epochs.
 *
 * For every verified DATA entry whose latest version this person can open
 * and whose ABE header names an attribute at an epoch older than the
 * authority's current one, ck_rec_rewrap makes a new header (same policy,
 * current epochs, same data key and payload ciphertext) and the superseding
 * entry is appended. Afterwards a revoked key opens none of the latest
 * versions. Only the ABE header changes; nothing is re-encrypted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_record.h"

static const char rewrap_usage[] =
    "Usage: carekey rewrap --patient P [--dry-run] [common options]\n"
    "\n"
    "Re-wraps, under the current attribute epochs, the entries of P's record\n"
    "whose policy names an attribute that was revoked since they were sealed\n"
    "(its epoch went up), and appends the new versions. Only entries this\n"
    "person can open are re-wrapped; the others are counted and left for\n"
    "someone who can. Run it after 'carekey authority revoke'.\n"
    "\n"
    "  --dry-run   only list what would be re-wrapped\n"
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

static int cmd_rewrap(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"dry-run", no_argument, NULL, 'n'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "rewrap", *patient = NULL;
    size_t *queued = NULL, n_queued = 0, skipped = 0, done = 0, current = 0;
    int dry = 0, opt, rc;
    cli_rec_sealer sl;
    cli_progress pr;
    cli_rec_view v;
    cli_ctx c;

    memset(&v, 0, sizeof v);
    cli_ctx_init(&c, "rewrap");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'n') dry = 1;
        else if (opt == 'h') return fputs(rewrap_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out_noseal;
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "the record does not verify; not re-wrapping anything");
        rc = CLI_FAIL;
        goto out_noseal;
    }
    if (!(queued = calloc(v.n + 1, sizeof *queued))) {
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
        if (!old) {
            current++;
        } else if (!cli_rec_view_readable(&v, i)) {
            skipped++;
        } else {
            queued[n_queued++] = i;
            if (dry)
                printf("would re-wrap entry %llu (%s)\n", (unsigned long long)v.e[i].seq, v.e[i].section);
        }
    }
    if (dry) {
        printf("%zu to re-wrap, %zu current, %zu stale but not openable here\n", n_queued, current, skipped);
        rc = CLI_OK;
        goto out;
    }
    /* 2. re-wrap and append */
    cli_progress_start(&pr, "rewrapping", n_queued);
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
        } else if ((re = ck_rec_rewrap(&out, &out_len, &v.e[i], patient, ck_keyring_user_key(c.kr), &pol, &pe)) !=
                   CK_REC_OK) {
            cli_error(c.cmd, "entry %llu: re-wrap failed: %s%s%s", (unsigned long long)v.e[i].seq, ck_rec_strerror(re),
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
    printf("re-wrapped %zu entries of %s's record under the current epochs (%zu already current",
           done, patient, current);
    if (skipped) printf(", %zu stale entries this person cannot open", skipped);
    printf(")\n");
    if (rc == CLI_OK && done) rc = cli_rec_after_write(&c, patient);
out:
    cli_rec_sealer_free(&sl);
out_noseal:
    free(queued);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

static int rewrap_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) return fputs(rewrap_usage, stdout), CLI_OK;
    return cmd_rewrap(argc, argv);
}

const cli_group cli_group_rewrap = {"rewrap", "re-wrap entries under the current epochs after a revocation",
                                    rewrap_run};
