/*
 * migrate_cmd.c - carekeyd migrate --from sqlite:PATH --to postgres:URL
 *
 * Moving a deployment from its embedded SQLite file to PostgreSQL (e.g. a
 * Patroni cluster, docs/OPERATIONS.md): stop carekeyd, run this, start
 * carekeyd with --db URL. The store copies and verifies
 * (src/store/migrate.c); this prints what it did. Exit 0 when the copy
 * verified, 1 when not, 2 for bad arguments.
 */
#include "ckd.h"

#include <stdio.h>
#include <string.h>

static void usage(void)
{
    fprintf(stderr, "usage: carekeyd migrate --from sqlite:PATH --to postgres://...|postgresql://...\n");
}

int ckd_migrate_main(int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    ck_store_migration m;
    ck_store_rc rc;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--from") && i + 1 < argc) from = argv[++i];
        else if (!strcmp(argv[i], "--to") && i + 1 < argc) to = argv[++i];
        else if (!strncmp(argv[i], "--from=", 7)) from = argv[i] + 7;
        else if (!strncmp(argv[i], "--to=", 5)) to = argv[i] + 5;
        else {
            usage();
            return 2;
        }
    }
    if (from == NULL || to == NULL || strncmp(from, "sqlite:", 7) != 0 || from[7] == 0 ||
        (strncmp(to, "postgres://", 11) != 0 && strncmp(to, "postgresql://", 13) != 0)) {
        usage();
        return 2;
    }
    rc = ck_store_migrate(from + 7, to, &m);
    for (size_t t = 0; t < m.ntables; t++) printf("copied table=%s rows=%lld\n", m.table[t], m.rows[t]);
    if (rc != CK_STORE_OK) {
        /* The message names tables and records, never the URL's password. */
        fprintf(stderr, "level=error msg=\"migration failed\" detail=\"%s\"\n", m.error);
        return 1;
    }
    printf("verified records=%lld entries=%lld (counts, chains, hashes, signatures, heads)\n", m.records_verified,
           m.entries_verified);
    return 0;
}
