/*
 * src/client/cli_batch.h - writing several entries as one batch, all or
 * nothing (an import, a research copy): every entry is sealed before the
 * first is written, so an authority or epoch that cannot be verified stops
 * the batch before any write; the entries carry the batch id and their
 * place, and a COMMIT entry closes the batch. Readers leave a batch that
 * no commit closed out of the record (ck_rec_verify: CK_REC_BATCH_OPEN);
 * writing the same batch again appends only the entries the record lacks,
 * and a batch committed before is not written twice. A commit gives up on
 * (abandons) the author's other open batches; writing an abandoned batch
 * again writes it whole under a derived id (its next generation).
 */
#ifndef CK_CLI_BATCH_H
#define CK_CLI_BATCH_H

#include "client/cli_progress.h"
#include "client/cli_record.h"

typedef struct cli_batch_entry {
    char section[33];
    char type[65];
    char *payload;          /* plaintext JSON (wiped) until sealed */
    char *policy;
    size_t items;
    uint8_t *env;           /* the sealed envelope */
    size_t env_len;
} cli_batch_entry;

typedef struct cli_batch {
    cli_batch_entry *e;
    size_t n, cap;
    size_t n_items;
    uint8_t id[CK_REC_ID_BYTES];   /* set before sealing; a re-run may move it to a later generation */
} cli_batch;

void cli_batch_free(cli_batch *b);
/* Adds an entry of section/type holding payload (dumped decimal-exact);
 * policy (malloc'ed) is taken over. */
int cli_batch_add(cli_batch *b, const char *section, const char *type, const json_t *payload, char *policy,
                  size_t items);
/* The next run of arr's items from *k, at most max_bytes of JSON (at least
 * one item): a new array; NULL when out of memory. */
json_t *cli_batch_chunk(const json_t *arr, size_t *k, size_t max_bytes);
/* Seals every entry of the batch (nothing is written). */
int cli_batch_seal(cli_batch *b, cli_ctx *c, cli_rec_sealer *sl, const char *patient, cli_progress *pr);
/* Appends the entries the record lacks, then the commit (abandoning this
 * author's other open batches). *appended: entries written now; *already:
 * the batch (any generation of it) was committed before. */
int cli_batch_write(cli_batch *b, cli_ctx *c, const char *patient, size_t *appended, int *already);

#define CLI_BATCH_SECTION "batch"   /* where commit entries go */
#define CLI_BATCH_COMMIT_TYPE "Commit"

#endif
