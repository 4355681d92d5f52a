/*
 * src/cli/cli.h - what the carekey subcommand groups share: exit codes,
 * the group table entry, error reporting and file I/O.
 *
 * A group (abe, and later record, authority, import, ...) is one file
 * exporting a cli_group; main.c lists them. Inside a group each
 * subcommand parses its own options with getopt_long.
 */
#ifndef CK_CLI_H
#define CK_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes (documented in `carekey --help` and docs/FORMAT.md). */
enum {
    CLI_OK = 0,     /* success                                               */
    CLI_FAIL = 1,   /* cryptographic or policy failure, malformed input data */
    CLI_USAGE = 2,  /* bad command line                                      */
    CLI_IO = 3,     /* a file could not be read or written                   */
};

typedef struct cli_group {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);   /* argv[0] is the group name */
} cli_group;

extern const cli_group cli_group_abe;
extern const cli_group cli_group_sharing;
extern const cli_group cli_group_init, cli_group_admin, cli_group_patient;
/* a patient's family from her home (cli_family.c) */
extern const cli_group cli_group_family;
/* record commands (cli_record.c, cli_grant.c, cli_import.c, cli_report.c, cli_reencrypt.c, cli_sharing.c) */
extern const cli_group cli_group_record, cli_group_grant, cli_group_import, cli_group_export;
extern const cli_group cli_group_report, cli_group_research, cli_group_reencrypt;
extern const cli_group cli_group_authority, cli_group_keys;
extern const cli_group cli_group_emergency, cli_group_emergency_desk;
/* the directory listings (cli_directory.c) and the audit log (cli_audit.c) */
extern const cli_group cli_group_directory, cli_group_audit;
/* the node's FHIR API (src/cli/fhir_serve.c) */
extern const cli_group cli_group_fhir;
extern const cli_group cli_group_web;
/* care workflows (docs/CARE.md; cli_care*.c, cli_hospital.c) */
extern const cli_group cli_group_hospital, cli_group_encounter, cli_group_condition, cli_group_observe;
extern const cli_group cli_group_note, cli_group_schedule, cli_group_appointment, cli_group_rx;
extern const cli_group cli_group_theatre, cli_group_mis;

/* the key agent (src/cli/agent.c): node start|stop|status, unlock, lock */
extern const cli_group cli_group_node, cli_group_unlock, cli_group_lock;
/* Before dispatching: when a key agent runs for the command's home, hands
 * it the command (argv[0] the group) and sets *rc to its exit status: 1.
 * 0: run it here (no agent, CAREKEY_AGENT=0, a command that must not be
 * forwarded, or the agent locked). dispatch runs a group (argv[0] its
 * name); the agent's children use it. */
int cli_agent_forward(int argc, char **argv, int (*dispatch)(int, char **), int *rc);

/* A subcommand of a group: name, one-line summary, usage text, handler
 * (argv[0] is the subcommand name). */
typedef struct cli_subcmd {
    const char *name;
    const char *summary;   /* NULL: a hidden alias, runs but is not listed */
    const char *usage;
    int (*run)(int argc, char **argv);
} cli_subcmd;

/* Runs the subcommand argv[1] of group (help for --help/help, a usage
 * error for an unknown one). */
int cli_dispatch(const char *group, void (*help)(FILE *f), const cli_subcmd *subcmds, size_t n,
                 int argc, char **argv);
int cli_is_help(const char *arg);
/* The "Subcommands:" list of a group's help, names aligned. */
void cli_print_subcmds(FILE *f, const cli_subcmd *subcmds, size_t n);
/* The entries of `all` a command accepts: the common options (values from
 * 0x1000), --help and those whose value is in `keep`; NULL-terminated in
 * out (cap entries). For a table shared by several commands, so that each
 * parses (and lists, for the help test) only its own options. */
const struct option *cli_opts_keep(struct option *out, size_t cap, const struct option *all, const char *keep);
/* Resets getopt before a subcommand parses its options. */
void cli_start_opts(void);
/* getopt_long with carekey's messages: the option, -1 at the end, or '?'
 * after reporting a usage error ("option '--x' needs a value", ...).    */
int cli_next_opt(int argc, char **argv, const struct option *lo, const char *cmd, const char *help);

/* "carekey: <cmd>: <message>\n" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: the message, then "Try 'carekey <help>' ...", exit code. */
int cli_usage_error(const char *cmd, const char *help, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads a whole file (at most max bytes). CLI_OK or CLI_IO (reported). */
int cli_read_file(const char *cmd, const char *path, size_t max, uint8_t **buf, size_t *len);
/* Wipes and frees a buffer that held secrets. */
void cli_free_secret(uint8_t *buf, size_t len);

/* Writes path atomically: a temporary file in the same directory, fsync,
 * then rename (or, with no_clobber, link: fails if path exists), and an
 * fsync of the directory. On failure nothing is left behind. Reports
 * errors; returns CLI_OK or CLI_IO. */
int cli_write_file(const char *cmd, const char *path, const uint8_t *buf, size_t len, mode_t mode,
                   int no_clobber);

int cli_file_exists(const char *path);
/* "PORT\n" into path (atomically: a script polls for it); 0 or -1. */
int cli_write_port_file(const char *path, unsigned port) __attribute__((warn_unused_result));

/* A table column (cli_directory.c): header, the JSON member shown, and
 * whether that member is a Unix-ms time (printed as UTC ISO 8601). */
typedef struct cli_column {
    const char *header;
    const char *key;
    int time;
} cli_column;
struct json_t;
/* Rows (a JSON array of objects) as an aligned table: strings as is, null
 * "-", booleans yes/no, arrays comma-joined. */
void cli_print_table(FILE *f, struct json_t *rows, const cli_column *cols, size_t ncols);
/* `carekey directory ...` under another name (`admin list` is "admin list"). */
int cli_directory_run(const char *as, int argc, char **argv);
/* Adds a unit to an organization (--org --name --kind [--display-name]
 * [--beds]) running as `as`: "hospital units add", and "admin add-unit",
 * its older hidden name. */
int cli_unit_add(const char *as, int argc, char **argv);
/* Parses a decimal uint32. 1 on success. */
int cli_parse_u32(const char *s, uint32_t *out);
/* Decimal digits only (no sign, no space), any value of 64 bits. */
int cli_parse_u64(const char *s, uint64_t *out);

#endif
