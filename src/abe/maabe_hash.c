/*
 * src/abe/maabe_hash.c - the scheme's public functions of public data:
 * H(GID), F(attribute), e(g1,g2) and name checks.
 */
#include <pthread.h>
#include <string.h>
#include "abe/maabe_internal.h"

ck_abe_err ck_abe_hash_gid(ck_g2 *r, const char *gid)
{
    static const char dst[] = CK_ABE_DST_GID;
    if (!ck_abe_valid_gid(gid)) return CK_ABE_ERR_PARAM;
    if (ck_g2_hash_to_curve(r, (const uint8_t *)gid, strlen(gid), (const uint8_t *)dst,
                            sizeof(dst) - 1) != CK_OK)
        return CK_ABE_ERR_PARAM;
    return CK_ABE_OK;
}

/* F hashes label || 0x00 || epoch (big-endian): the NUL cannot occur in a
 * label, so (label, epoch) pairs never collide. */
ck_abe_err ck_abe_hash_attr(ck_g2 *r, const char *label, uint32_t epoch)
{
    static const char dst[] = CK_ABE_DST_ATTR;
    uint8_t msg[CK_POLICY_LABEL_MAX + 5];
    size_t n = strlen(label);
    if (n == 0 || n >= CK_POLICY_LABEL_MAX) return CK_ABE_ERR_PARAM;
    memcpy(msg, label, n);
    msg[n] = 0;
    msg[n + 1] = (uint8_t)(epoch >> 24);
    msg[n + 2] = (uint8_t)(epoch >> 16);
    msg[n + 3] = (uint8_t)(epoch >> 8);
    msg[n + 4] = (uint8_t)epoch;
    if (ck_g2_hash_to_curve(r, msg, n + 5, (const uint8_t *)dst, sizeof(dst) - 1) != CK_OK)
        return CK_ABE_ERR_PARAM;
    return CK_ABE_OK;
}

/*
 * F(label, epoch) is public and costs a hash to G2 (two SSWU maps and a
 * cofactor clearing), while the same attributes recur in every record a
 * hospital writes: a small direct-mapped cache keeps the recent ones.
 */
#define ATTR_CACHE_SLOTS 1024

typedef struct {
    int used;
    uint32_t epoch;
    char label[CK_POLICY_LABEL_MAX];
    ck_g2 point;
} attr_cache_slot;

static attr_cache_slot attr_cache[ATTR_CACHE_SLOTS];
static pthread_mutex_t attr_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t attr_cache_index(const char *label, uint32_t epoch)
{
    uint64_t h = 0xcbf29ce484222325ULL;                /* FNV-1a */
    for (const char *c = label; *c; c++) h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
    h = (h ^ epoch) * 0x100000001b3ULL;
    return (size_t)(h % ATTR_CACHE_SLOTS);
}

ck_abe_err ck_abe_hash_attr_cached(ck_g2 *r, const char *label, uint32_t epoch)
{
    size_t i;
    ck_abe_err rc;
    if (strlen(label) >= CK_POLICY_LABEL_MAX) return CK_ABE_ERR_PARAM;
    i = attr_cache_index(label, epoch);
    pthread_mutex_lock(&attr_cache_lock);
    if (attr_cache[i].used && attr_cache[i].epoch == epoch && strcmp(attr_cache[i].label, label) == 0) {
        *r = attr_cache[i].point;
        pthread_mutex_unlock(&attr_cache_lock);
        return CK_ABE_OK;
    }
    pthread_mutex_unlock(&attr_cache_lock);
    if ((rc = ck_abe_hash_attr(r, label, epoch)) != CK_ABE_OK) return rc;
    pthread_mutex_lock(&attr_cache_lock);
    attr_cache[i].used = 1;
    attr_cache[i].epoch = epoch;
    strcpy(attr_cache[i].label, label);
    attr_cache[i].point = *r;
    pthread_mutex_unlock(&attr_cache_lock);
    return CK_ABE_OK;
}

static pthread_once_t egg_once = PTHREAD_ONCE_INIT;
static ck_gt_table egg_table;

static void egg_build(void)
{
    ck_gt g;
    ck_gt_generator(&g);
    ck_gt_table_init(&egg_table, &g);
}

const ck_gt_table *ck_abe_egg_table(void)
{
    pthread_once(&egg_once, egg_build);
    return &egg_table;
}

int ck_abe_valid_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > CK_ABE_NAME_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* GIDs are printable ASCII without spaces: they travel in URLs and headers. */
int ck_abe_valid_gid(const char *gid)
{
    size_t n = gid ? strlen(gid) : 0;
    if (n == 0 || n > CK_ABE_GID_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (gid[i] <= 0x20 || gid[i] >= 0x7f) return 0;
    return 1;
}

const char *ck_abe_label_authority(const char *label)
{
    const char *at = strrchr(label, '@');
    return at && at[1] ? at + 1 : NULL;
}

const char *ck_abe_strerror(ck_abe_err e)
{
    switch (e) {
    case CK_ABE_OK: return "ok";
    case CK_ABE_ERR_PARAM: return "invalid argument";
    case CK_ABE_ERR_POLICY: return "invalid policy";
    case CK_ABE_ERR_UNSATISFIED: return "the key does not satisfy the policy";
    case CK_ABE_ERR_NO_AUTHORITY: return "no public key for an authority named in the policy";
    case CK_ABE_ERR_FORMAT: return "malformed encoding";
    case CK_ABE_ERR_LENGTH: return "truncated input or trailing bytes";
    case CK_ABE_ERR_POINT: return "invalid group element";
    case CK_ABE_ERR_NOMEM: return "out of memory";
    case CK_ABE_ERR_RANDOM: return "the system random generator failed";
    }
    return "unknown error";
}
