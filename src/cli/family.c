/*
 * src/cli/family.c - `carekey family` over the node (carekey/node_family.h):
 * a patient's family, run by the patient from her own home (the patient is
 * the home's identity, never named).
 *
 *   family list [--json]
 *   family invite --gid F [--check]
 *   family end --gid F
 *
 * The node says each step as it is done (notices); this file parses and
 * prints the end: who is family, what an invitation gives or would give.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "carekey/node_family.h"
#include "cli/cli_node.h"

/* A Unix-ms time as a UTC day, "never" for 0. */
static void day_of(uint64_t ms, char out[16])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!ms || !gmtime_r(&t, &tm) || !strftime(out, 16, "%Y-%m-%d", &tm)) snprintf(out, 16, "never");
}

/* Parses --gid (when gid is not NULL), --check and --json (when asked for)
 * and the common options. CLI_OK, -1 after --help, or an exit code. */
typedef struct family_args {
    const char *gid;
    int check, json;
} family_args;

static int parse(cli_node *x, int argc, char **argv, const char *usage, const char *keep, family_args *a)
{
    static const struct option all[] = {{"gid", required_argument, NULL, 'g'},
                                        {"check", no_argument, NULL, 'c'},
                                        {"json", no_argument, NULL, 'j'},
                                        {"help", no_argument, NULL, 'h'},
                                        CLI_COMMON_LONGOPTS,
                                        {NULL, 0, NULL, 0}};
    struct option lo[sizeof all / sizeof *all];
    int opt;
    cli_opts_keep(lo, sizeof lo / sizeof *lo, all, keep);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x->cmd, x->cmd)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        switch (opt) {
        case 'g': a->gid = optarg; break;
        case 'c': a->check = 1; break;
        case 'j': a->json = 1; break;
        case 'h': fputs(usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x->cmd, x->cmd, "unexpected argument '%s'", argv[optind]);
    if (strchr(keep, 'g') && (!a->gid || !ck_net_id_valid(a->gid)))
        return cli_usage_error(x->cmd, x->cmd, "--gid F is required (an enrolled person's GID)");
    return CLI_OK;
}

/* ---- family list ------------------------------------------------------------------ */

static const char list_usage[] =
    "Usage: carekey family list [--json]\n"
    "\n"
    "Who holds your family key (family@patient-YOU, issued by your own\n"
    "authority), and whether each can fetch your record now (an active read\n"
    "grant) and until when. Run from your own home.\n"
    "\n"
    "  --json   one object per member: gid, reader (true, false, or null when\n"
    "           the server could not say), until (Unix ms, null: never)\n"
    "\n" CLI_COMMON_HELP;

static void print_json(const ck_node_family_member *m, size_t count)
{
    json_t *a = json_array();
    char *text;
    for (size_t i = 0; a && i < count; i++)
        json_array_append_new(a, json_pack("{s:s,s:o,s:o}", "gid", m[i].gid, "reader",
                                           m[i].reader < 0 ? json_null() : json_boolean(m[i].reader), "until",
                                           m[i].until_ms ? json_integer((json_int_t)m[i].until_ms) : json_null()));
    if ((text = json_dumps(a, JSON_INDENT(2)))) puts(text);
    free(text);
    json_decref(a);
}

static void print_table(const ck_node_family_member *m, size_t count)
{
    char until[16];
    if (!count) {
        puts("nobody holds your family key ('carekey family invite --gid F' invites someone)");
        return;
    }
    printf("%-24s  %-13s  %s\n", "member", "fetches", "until");
    for (size_t i = 0; i < count; i++) {
        day_of(m[i].reader == 1 ? m[i].until_ms : 0, until);
        printf("%-24s  %-13s  %s\n", m[i].gid, m[i].reader == 1 ? "yes" : m[i].reader == 0 ? "no (no grant)" : "unknown",
               m[i].reader == 1 ? until : "-");
    }
}

static int cmd_list(int argc, char **argv)
{
    ck_node_family_member *m = NULL;
    family_args a = {0};
    size_t count = 0;
    cli_node x;
    int rc;

    cli_node_init(&x, "family list");
    if ((rc = parse(&x, argc, argv, list_usage, "jh", &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_family_list(x.n, NULL, &m, &count) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (a.json) print_json(m, count);
    else print_table(m, count);
out:
    free(m);
    cli_node_close(&x);
    return rc;
}

/* ---- family invite ---------------------------------------------------------------- */

static const char invite_usage[] =
    "Usage: carekey family invite --gid F [--check]\n"
    "\n"
    "Makes F your family, as 'carekey patient onboard --family F' does: your\n"
    "family key (family@patient-YOU) through her mailbox, then a grant to fetch\n"
    "your record. She reads what your sharing rules give family, once she has\n"
    "run 'carekey keys sync'. F enrolls herself first ('carekey init --gid F\n"
    "--role family') and the operator approves her. A step found done is left\n"
    "alone, so it is safe to run again after a failure; when both are done it\n"
    "is refused (already_family).\n"
    "\n"
    "  --gid F    the person you invite\n"
    "  --check    only check, and say what would be done (nothing is changed)\n"
    "\n" CLI_COMMON_HELP;

/* What family read: "your a, b" or "nothing yet". */
static const char *reads_of(const ck_node_family_out *o, char *buf, size_t cap)
{
    if (!o->reads[0]) return "nothing yet (your sharing rules give family no section)";
    snprintf(buf, cap, "your %s", o->reads);
    return buf;
}

static int cmd_invite(int argc, char **argv)
{
    ck_node_family_in in = {0};
    ck_node_family_out o;
    family_args a = {0};
    char reads[600];
    cli_node x;
    int rc;

    cli_node_init(&x, "family invite");
    if ((rc = parse(&x, argc, argv, invite_usage, "gch", &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    in.member = a.gid;
    in.check = a.check;
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_family_invite(x.n, &in, &o) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (a.check) {
        printf("check only, nothing was done; inviting %s would:\n", a.gid);
        printf("  %s\n", o.had_key ? "leave her family key alone (she holds it)"
                                   : "issue your family key to her mailbox");
        printf("  %s\n", o.had_reader ? "leave her read grant alone (she has one)"
                                      : "grant her read access to your record");
    } else {
        printf("%s is your family: she holds %s and can fetch your record\n", a.gid, o.label);
    }
    printf("she reads %s\n", reads_of(&o, reads, sizeof reads));
    if (!o.had_key && !a.check) printf("the key waits in her mailbox until she runs 'carekey keys sync'\n");
    if (o.epoch)
        printf("note: what was written before your family key's epoch %lu is sealed for an older key; "
               "'carekey reencrypt' opens it to her\n", (unsigned long)o.epoch);
out:
    cli_node_close(&x);
    return rc;
}

/* ---- family end ------------------------------------------------------------------- */

static const char end_usage[] =
    "Usage: carekey family end --gid F\n"
    "\n"
    "Ends F's access to your record: your family key is revoked from her (a new\n"
    "epoch: what is written from now on is sealed for a new key, re-issued to\n"
    "your other family members) and every grant she holds on your record is\n"
    "taken back. What she read before she may have kept; what is written\n"
    "already stays sealed for the old key until 'carekey reencrypt'.\n"
    "\n"
    "  --gid F    the family member whose access ends\n"
    "\n" CLI_COMMON_HELP;

static int cmd_end(int argc, char **argv)
{
    ck_node_family_end_out o;
    family_args a = {0};
    cli_node x;
    int rc;

    cli_node_init(&x, "family end");
    if ((rc = parse(&x, argc, argv, end_usage, "gh", &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_family_end(x.n, NULL, a.gid, &o) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("%s's access ended: %s%zu grant%s taken back\n", a.gid,
           o.had_key ? "family key revoked, " : "", o.grants, o.grants == 1 ? "" : "s");
    if (o.had_key)
        printf("family key epoch %lu -> %lu, re-issued to %zu other member%s\n", (unsigned long)o.old_epoch,
               (unsigned long)o.new_epoch, o.reissued, o.reissued == 1 ? "" : "s");
    if (o.failed)
        cli_error(x.cmd, "%zu of your family did not get the new key (see above): 'carekey authority issue "
                         "patient-%s --gid GID --attr family@patient-%s' serves each", o.failed, ck_node_gid(x.n),
                  ck_node_gid(x.n));
out:
    cli_node_close(&x);
    return rc;
}

/* ---- the group ---------------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"list", "who holds your family key and can fetch your record", list_usage, cmd_list},
    {"invite", "make someone your family: your family key and a read grant", invite_usage, cmd_invite},
    {"end", "end a family member's access: the key revoked by epoch, every grant taken back", end_usage, cmd_end},
};

static void family_help(FILE *f)
{
    fputs("Usage: carekey family SUBCOMMAND [OPTIONS]\n\n"
          "A patient's family, from her own home: the people who hold her family key\n"
          "(family@patient-P) and may fetch her record (docs/ONBOARDING.md).\n\nSubcommands:\n", f);
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
}

static int family_run(int argc, char **argv)
{
    return cli_dispatch("family", family_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_family = {"family", "a patient's family from her home: list, invite, end", family_run};
