/*
 * src/client/cli_sharing.c - `carekey sharing`: the patient's sharing
 * profile, kept signed in her own record (a PROFILE entry), which every
 * writer reads from the verified chain.
 *
 *   sharing set --patient P --orgs A,B [--er-desk D] [--profile FILE]
 *   sharing show --patient P
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_record.h"

#define PROFILE_SECTION "profile"
#define PROFILE_TYPE "SharingProfile"
#define PROFILE_FILE_MAX (1u << 20)

static const char set_usage[] =
    "Usage: carekey sharing set --patient P --orgs A,B [--er-desk D] [--profile FILE]\n"
    "\n"
    "The patient writes her sharing profile into her own record, signed: her\n"
    "treating hospitals (the authorities whose staff read the clinical sections),\n"
    "the emergency desk that may break the glass, and optionally her own policy\n"
    "templates (default: the built-in profile, docs/RECORD-MODEL.md). Every\n"
    "writer - a doctor, a pharmacist, the desk - seals under the latest profile\n"
    "of the verified record. Entries written before a change keep their policy.\n"
    "\n"
    "  --patient P      the patient (this keyring's identity)\n"
    "  --orgs A,B       1-64 treating hospitals (organizations)\n"
    "  --er-desk D      the emergency desk authority (default er-desk)\n"
    "  --profile FILE   policy templates (carekey-sharing/1 JSON)\n"
    "\n" CLI_CTX_HELP;

static const char show_usage[] =
    "Usage: carekey sharing show --patient P [--json]\n"
    "\n"
    "Verifies P's record and prints her sharing profile: treating hospitals,\n"
    "emergency desk, and who may read each section (its policy).\n"
    "\n" CLI_CTX_HELP;

int cli_sharing_set(cli_ctx *c, const char *patient, const char *hospitals, const char *desk, const char *profile,
                    int quiet)
{
    char *body = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_net_head head;
    int rc;

    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (!cli_rec_is_patient(c, patient)) {
        cli_error(c->cmd, "only the patient sets her sharing profile (this keyring is %s)",
                  ck_keyring_identity(c->kr)->gid);
        return CLI_USAGE;
    }
    if ((rc = cli_rec_profile_body(c, hospitals, desk, profile, &body)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (ck_rec_profile_container(&env, &env_len, body) != CK_REC_OK) goto out;
    if ((rc = cli_rec_append(c, patient, PROFILE_SECTION, PROFILE_TYPE, env, env_len, &head)) != CLI_OK) goto out;
    if (!quiet)
        printf("sharing profile of %s set (entry %llu): treating hospitals %s, emergency desk %s%s\n", patient,
               (unsigned long long)head.seq, hospitals, desk, profile ? ", own policy templates" : "");
    rc = cli_rec_after_write(c, patient);
out:
    free(body);
    free(env);
    return rc;
}

static int cmd_set(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"orgs", required_argument, NULL, 'H'},
                                       {"hospitals", required_argument, NULL, 'H'},   /* hidden alias of --orgs */
                                       {"er-desk", required_argument, NULL, 'e'},
                                       {"profile", required_argument, NULL, 'P'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "sharing set", *patient = NULL, *hospitals = NULL, *desk = "er-desk", *file = NULL;
    char *profile = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    cli_ctx c;
    int opt, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'H': hospitals = optarg; break;
        case 'e': desk = optarg; break;
        case 'P': file = optarg; break;
        case 'h': fputs(set_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!patient || !hospitals) return cli_usage_error(c.cmd, help, "--patient and --orgs are required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (file) {
        if ((rc = cli_read_file(c.cmd, file, PROFILE_FILE_MAX, &buf, &len)) != CLI_OK) goto out;
        rc = CLI_FAIL;
        if (!(profile = strndup((const char *)buf, len))) goto out;
    }
    rc = cli_sharing_set(&c, patient, hospitals, desk, profile, 0);
out:
    free(buf);
    free(profile);
    cli_ctx_close(&c);
    return rc;
}

static int cmd_show(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "sharing show", *patient = NULL;
    cli_rec_sharing sh;
    cli_rec_view v;
    cli_ctx c;
    int opt, rc;

    memset(&v, 0, sizeof v);
    cli_ctx_init(&c, help);
    cli_rec_sharing_init(&sh);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'h') return fputs(show_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "the record does not verify; its profile cannot be trusted");
        rc = CLI_FAIL;
        goto out;
    }
    if ((rc = cli_rec_sharing_from_view(&sh, &v)) != CLI_OK) goto out;
    printf("treating hospitals: %s\nemergency desk: %s\n", sh.hospitals, sh.er_desk);
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        char *pol = NULL;
        if (cli_rec_section_policy(&c, &sh, patient, ck_section_name((ck_section)s), &pol) == CLI_OK)
            printf("  %-14s %s\n", ck_section_name((ck_section)s), pol);
        free(pol);
    }
out:
    cli_rec_sharing_free(&sh);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

static const cli_subcmd subcmds[] = {
    {"set", "the patient writes her sharing profile (treating hospitals, desk) into her record", set_usage, cmd_set},
    {"show", "the sharing profile of a record and each section's policy", show_usage, cmd_show},
};

static void sharing_help(FILE *f)
{
    fprintf(f, "Usage: carekey sharing SUBCOMMAND [OPTIONS]\n\n"
               "A patient's sharing profile, signed in her own record.\n\nSubcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
}

static int sharing_run(int argc, char **argv)
{
    return cli_dispatch("sharing", sharing_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_sharing = {"sharing", "the patient's sharing profile (treating hospitals): set, show",
                                     sharing_run};
