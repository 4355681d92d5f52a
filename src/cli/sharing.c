/*
 * src/cli/sharing.c - `carekey sharing` over the node
 * (carekey/node_sharing.h): the patient's sharing profile, signed in her
 * own record.
 *
 *   sharing set --patient P --orgs A,B [--er-desk D] [--profile FILE]
 *   sharing show --patient P
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_sharing.h"
#include "cli/cli_node.h"

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
    "\n" CLI_COMMON_HELP;

static const char show_usage[] =
    "Usage: carekey sharing show --patient P\n"
    "\n"
    "Verifies P's record and prints her sharing profile: treating hospitals,\n"
    "emergency desk, and who may read each section (its policy).\n"
    "\n" CLI_COMMON_HELP;

static int cmd_set(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"orgs", required_argument, NULL, 'H'},
                                       {"hospitals", required_argument, NULL, 'H'},   /* hidden alias of --orgs */
                                       {"er-desk", required_argument, NULL, 'e'},
                                       {"profile", required_argument, NULL, 'P'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "sharing set", *file = NULL;
    ck_node_sharing_in in;
    char *profile = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': in.patient = optarg; break;
        case 'H': in.hospitals = optarg; break;
        case 'e': in.er_desk = optarg; break;
        case 'P': file = optarg; break;
        case 'h': fputs(set_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!in.patient || !in.hospitals) return cli_usage_error(x.cmd, help, "--patient and --orgs are required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (file) {
        if ((rc = cli_read_file(x.cmd, file, PROFILE_FILE_MAX, &buf, &len)) != CLI_OK) goto out;
        rc = CLI_FAIL;
        if (!(profile = strndup((const char *)buf, len))) goto out;
        in.profile_json = profile;
    }
    if ((rc = cli_node_open(&x)) == CLI_OK && ck_node_sharing_write(x.n, &in) != 0) rc = cli_node_fail(&x);
out:
    free(buf);
    free(profile);
    cli_node_close(&x);
    return rc;
}

static int cmd_show(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "sharing show", *patient = NULL;
    ck_node_sharing_view v;
    cli_node x;
    int opt, rc;

    memset(&v, 0, sizeof v);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'h') return fputs(show_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_sharing_show(x.n, patient, &v) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("treating hospitals: %s\nemergency desk: %s\n", v.hospitals, v.er_desk);
    for (int s = 0; s < CK_SECTION_COUNT; s++)
        if (v.policy[s]) printf("  %-14s %s\n", ck_section_name((ck_section)s), v.policy[s]);
out:
    ck_node_sharing_view_free(&v);
    cli_node_close(&x);
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
