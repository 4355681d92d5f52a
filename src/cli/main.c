/*
 * src/cli/main.c - `carekey`: dispatches to a subcommand group.
 * New groups (record, authority, import, ...) add one line to groups[].
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const cli_group *const groups[] = {
    &cli_group_init,
    &cli_group_patient,
    &cli_group_family,
    &cli_group_admin,
    &cli_group_directory,
    &cli_group_audit,
    &cli_group_abe,
    &cli_group_record,
    &cli_group_fhir,
    &cli_group_web,
    &cli_group_grant,
    &cli_group_sharing,
    &cli_group_import,
    &cli_group_export,
    &cli_group_report,
    &cli_group_research,
    &cli_group_reencrypt,
    &cli_group_authority,
    &cli_group_keys,
    &cli_group_emergency,
    &cli_group_emergency_desk,
    &cli_group_hospital,
    &cli_group_encounter,
    &cli_group_condition,
    &cli_group_observe,
    &cli_group_note,
    &cli_group_schedule,
    &cli_group_appointment,
    &cli_group_rx,
    &cli_group_theatre,
    &cli_group_mis,
    &cli_group_node,
    &cli_group_unlock,
    &cli_group_lock,
};
#define N_GROUPS (sizeof groups / sizeof groups[0])

static void help(FILE *f)
{
    fprintf(f,
            "Usage: carekey COMMAND [ARGS...]\n"
            "       carekey COMMAND --help\n"
            "\n"
            "carekey keeps personal medical records encrypted under attribute-based\n"
            "policies (multi-authority ABE over BLS12-381).\n"
            "\n"
            "Commands:\n");
    int w = 0;
    for (size_t i = 0; i < N_GROUPS; i++)
        if ((int)strlen(groups[i]->name) > w) w = (int)strlen(groups[i]->name);
    for (size_t i = 0; i < N_GROUPS; i++) fprintf(f, "  %-*s  %s\n", w, groups[i]->name, groups[i]->summary);
    fprintf(f,
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  cryptographic or policy failure (e.g. the key does not satisfy the\n"
            "     policy, authentication failed, malformed key or ciphertext file)\n"
            "  2  usage error (unknown command or option, missing argument)\n"
            "  3  I/O error (a file could not be read or written)\n"
            "\n"
            "File formats: docs/FORMAT.md.\n");
}

/* argv[0] is the group's name. */
static int run_group(int argc, char **argv)
{
    for (size_t i = 0; i < N_GROUPS; i++)
        if (strcmp(argv[0], groups[i]->name) == 0) return groups[i]->run(argc, argv);
    fprintf(stderr, "carekey: unknown command '%s'\nTry 'carekey --help' for more information.\n", argv[0]);
    return CLI_USAGE;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc < 2) {
        help(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        help(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("carekey %s\n", CK_VERSION);
        return CLI_OK;
    }
    /* with a key agent for its home the command runs there (src/cli/agent.c) */
    if (cli_agent_forward(argc - 1, argv + 1, run_group, &rc)) return rc;
    return run_group(argc - 1, argv + 1);
}
