/*
 * src/client/cli_emergency.h - break-glass: what the emergency desk
 * (`carekey emergency-desk serve`) and the physician's and patient's
 * commands (`carekey emergency ...`) share. Protocol: docs/BREAK-GLASS.md.
 *
 *   request   the physician's Ed25519 signature over cli_btg_request_tbs
 *   grant     the desk's answer: the data keys of the emergency entries in
 *             a sealed box (ck_box_seal) to her X25519 key, signed by the
 *             desk, bound by cli_btg_box_ad to the window's end
 *   event     a FHIR AuditEvent the desk writes into the patient's record
 *             (section "audit", sealed to owner@<patient authority>)
 */
#ifndef CK_CLI_EMERGENCY_H
#define CK_CLI_EMERGENCY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "carekey/fhir.h"
#include "carekey/record.h"
#include "client/cli_ctx.h"

#define CLI_BTG_REQ_LABEL "carekey-btg-request-v1"
#define CLI_BTG_BOX_LABEL "carekey-btg-grant-v1"
#define CLI_BTG_DEFAULT_AUTHORITY "er-desk"
#define CLI_BTG_NONCE_BYTES 16
#define CLI_BTG_REASON_MAX 512      /* bytes of UTF-8                         */
#define CLI_BTG_SKEW_MS 300000      /* request time stamp window, either side */
#define CLI_BTG_MAX_KEYS 4096       /* entries released in one grant          */
#define CLI_BTG_KEY_REC (8 + 32 + 32)  /* seq, entry hash, data key           */
#define CLI_BTG_PATH "/v1/break-glass"
/* The AuditEvent subtype the desk writes and `emergency events` lists. */
#define CLI_BTG_EVENT_SYSTEM "https://carekey.dev/fhir/CodeSystem/audit-event"
#define CLI_BTG_EVENT_CODE "break-glass"
#define CLI_BTG_GID_SYSTEM "https://carekey.dev/gid"

/* The canonical bytes a physician signs (str = u32 BE length || bytes):
 *   str("carekey-btg-request-v1") || str(authority) || str(gid)
 *   || str(patient) || str(reason) || u32(seconds) || u64(time_ms)
 *   || nonce(16)
 * *len receives the length; -1 when an argument is missing or too long. */
#define CLI_BTG_TBS_MAX (4 * 6 + sizeof(CLI_BTG_REQ_LABEL) + 3 * 129 + CLI_BTG_REASON_MAX + 4 + 8 + 16)
int cli_btg_request_tbs(uint8_t *out, size_t cap, size_t *len, const char *authority, const char *gid,
                        const char *patient, const char *reason, uint32_t seconds, uint64_t time_ms,
                        const uint8_t nonce[CLI_BTG_NONCE_BYTES]);

/* Associated data of the sealed grant:
 *   str("carekey-btg-grant-v1") || str(desk GID) || str(physician GID)
 *   || str(patient) || u64(issued_ms) || u64(expires_ms) || nonce(16)
 * Returns the length, 0 on bad arguments. */
#define CLI_BTG_AD_MAX (4 * 4 + sizeof(CLI_BTG_BOX_LABEL) + 3 * 129 + 16 + 16)
size_t cli_btg_box_ad(uint8_t out[CLI_BTG_AD_MAX], const char *desk, const char *physician, const char *patient,
                      uint64_t issued_ms, uint64_t expires_ms, const uint8_t nonce[CLI_BTG_NONCE_BYTES]);

/* Current time, Unix milliseconds. */
uint64_t cli_btg_now_ms(void);
/* "2024-05-01T12:00:00Z" (UTC) into out[32]. */
void cli_btg_iso(char out[32], uint64_t ms);

/* A record fetched (purpose as set on c->net) and verified with
 * ck_rec_verify against the patient's signed head and this person's last
 * verified head, which is then moved forward. problems: a readable list of
 * what failed (when the record did not verify) - nothing from the payloads. */
typedef struct cli_btg_record {
    ck_net_entry *v;
    size_t n;
    ck_rec_verify_out vo;
    unsigned char *superseded;   /* [n]: a later valid entry replaces it */
} cli_btg_record;

/* CLI_OK: fetched and verified without problems; CLI_FAIL: verification
 * problems (listed in why, cap bytes); other: network errors (reported). */
int cli_btg_fetch_record(cli_ctx *c, const char *patient, cli_btg_record *r, char *why, size_t cap);
void cli_btg_record_free(cli_btg_record *r);
/* 1 when entry i is a valid, current (not superseded) DATA entry; *c gets
 * its container. */
int cli_btg_current_data(const cli_btg_record *r, size_t i, ck_rec_container *c);

/* Adds the items of one decrypted payload to s. Accepted shapes: a JSON
 * array of items ({"type","id","resource"}) or of resources, one item or
 * one resource, an object {"items": [...]}, or a Bundle. Each item goes to
 * the section of its resource type. 0, or -1 when the payload is not JSON
 * of one of these shapes. */
int cli_btg_add_payload(ck_fhir_sections *s, const uint8_t *buf, size_t len);

/* The patient's authority ("patient-...") named as owner@AUTH in a policy,
 * into out (cap); 0 when found. */
int cli_btg_owner_authority(const char *policy, char *out, size_t cap);

#endif
