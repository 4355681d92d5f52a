/*
 * tests/client/tamper_proxy.c - a malicious carekeyd for tests: an HTTP/1.1
 * proxy in front of a real carekeyd that forwards every request unchanged
 * and rewrites record reads the way a compromised server could.
 *
 *   tamper_proxy PORT_FILE UPSTREAM MODE_FILE
 *
 * Listens on a free loopback port (written to PORT_FILE). UPSTREAM is the
 * carekeyd port, or a file that will hold it (read at each request: the
 * proxy can start first, so that carekeyd is told the proxy's origin, which
 * clients sign into their requests). Before each
 * request it reads MODE_FILE (one line; missing or "none" = honest):
 *
 *   drop P SEQ          leave entry SEQ out of P's entries
 *   reorder P SEQ       swap entries SEQ and SEQ+1
 *   swap P OTHER SEQ    put OTHER's entry SEQ (as seen earlier through this
 *                       proxy) in place of P's entry SEQ; the hash chain is
 *                       recomputed so only what the server cannot forge fails
 *   alter P SEQ         flip a byte of entry SEQ's envelope, hash chain
 *                       recomputed (the author's signature then fails)
 *   alter-raw P SEQ     flip the byte and leave the hashes (hash mismatch)
 *   rollback P SEQ      serve P's record as it was at SEQ (entries and head)
 *   rollback-strip P SEQ  same, and hide the patient's signed head
 *   inject P            append the entries carekeyd refused (4xx) for P that
 *                       link onto the current head, as if the server had
 *                       accepted a write without a grant
 *   authority A FIELD FILE  in the directory's record of authority A, replace
 *                       FIELD ("epoch_table", "abe_public_key", ...) by the
 *                       JSON value in FILE (a served old table, a forged
 *                       epoch, another key, null)
 *   stall P SEQ FILE    hold the first append to P once P's record holds
 *                       SEQ entries (its head as last seen through this
 *                       proxy: writers read the head before each append):
 *                       a child process keeps the request without
 *                       forwarding it, writes FILE ("held P SEQ") and waits
 *                       for the client to hang up (a test kills it there: an
 *                       interrupted writer at an exact point, without
 *                       timing) or for the mode to change (then it forwards
 *                       the request late: a writer that stalled while
 *                       others wrote). Other requests go on meanwhile.
 *
 * Entries seen in honest responses are remembered per patient (for swap,
 * rollback and the head); so are the heads (for stall). Single-threaded, one request per connection
 * (responses carry "Connection: close"). Test code: no limits beyond the
 * buffers' sizes, nothing secret.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "carekey/wire.h"

typedef struct {
    char *p;
    size_t n, cap;
} buf;

static void b_add(buf *b, const void *d, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
    b->p[b->n] = 0;
}

static json_t *seen;       /* patient -> array of entries (latest honest view) */
static json_t *captured;   /* patient -> array of refused append bodies        */
static json_t *heads;      /* patient -> seq of the latest head seen            */
static char held_for[1024]; /* the stall mode line that already held a request */

/* ---- mode -------------------------------------------------------------------- */
typedef struct {
    char kind[32], patient[160], other[160], file[512];
    char line[1024];
    unsigned long long seq;
} mode_t_;

static void read_mode(const char *path, mode_t_ *m)
{
    char line[1024] = "";
    FILE *f = fopen(path, "r");
    memset(m, 0, sizeof *m);
    strcpy(m->kind, "none");
    if (!f) return;
    if (fgets(line, sizeof line, f)) {
        char a[32] = "", b[160] = "", c[160] = "", d[512] = "";
        snprintf(m->line, sizeof m->line, "%s", line);
        int k = sscanf(line, "%31s %159s %159s %511s", a, b, c, d);
        if (k >= 1) strcpy(m->kind, a);
        if (k >= 2) strcpy(m->patient, b);
        if (!strcmp(a, "authority") || !strcmp(a, "stall")) {
            if (k >= 3) strcpy(m->other, c);
            if (k >= 4) strcpy(m->file, d);
            if (!strcmp(a, "stall")) m->seq = strtoull(c, NULL, 10);
        } else if (!strcmp(a, "swap")) {
            if (k >= 3) strcpy(m->other, c);
            if (k >= 4) m->seq = strtoull(d, NULL, 10);
        } else if (k >= 3) {
            m->seq = strtoull(c, NULL, 10);
        }
    }
    fclose(f);
}

/* ---- entry hashing ---------------------------------------------------------------- */
static int entry_hash(const char *patient, json_t *e, uint8_t out[32])
{
    ck_net_entry_fields f;
    uint8_t *env = NULL;
    size_t env_len = 0;
    const char *envb64 = json_string_value(json_object_get(e, "envelope"));
    int rc = -1;
    memset(&f, 0, sizeof f);
    f.patient = patient;
    f.seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));
    f.section = json_string_value(json_object_get(e, "section"));
    f.resource_type = json_string_value(json_object_get(e, "resource_type"));
    f.author = json_string_value(json_object_get(e, "author"));
    f.time_ms = (uint64_t)json_integer_value(json_object_get(e, "time"));
    if (!envb64 || !f.section || !f.resource_type || !f.author) return -1;
    if (ck_net_unhex(f.prev_hash, 32, json_string_value(json_object_get(e, "prev_hash"))) != 0) return -1;
    if (ck_net_unhex(f.signature, 64, json_string_value(json_object_get(e, "signature"))) != 0) return -1;
    if (ck_net_unb64(&env, &env_len, envb64, strlen(envb64)) != 0) return -1;
    f.envelope = env;
    f.envelope_len = env_len;
    rc = ck_net_entry_hash(out, &f);
    free(env);
    return rc;
}

/* Recomputes prev_hash links and hashes from index `from` on. */
static void rehash(const char *patient, json_t *arr, size_t from)
{
    char hex[65];
    for (size_t i = from; i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        uint8_t h[32];
        if (i > 0) json_object_set(e, "prev_hash", json_object_get(json_array_get(arr, i - 1), "hash"));
        if (entry_hash(patient, e, h) != 0) continue;
        ck_net_hex(hex, h, 32);
        json_object_set_new(e, "hash", json_string(hex));
    }
}

static long find_seq(json_t *arr, unsigned long long seq)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if ((unsigned long long)json_integer_value(json_object_get(json_array_get(arr, i), "seq")) == seq) return (long)i;
    return -1;
}

/* The refused entries of P as entries following the chain in arr. */
static void inject(const char *patient, json_t *arr)
{
    json_t *cap = json_object_get(captured, patient), *c;
    size_t k;
    json_array_foreach(cap, k, c) {
        json_t *last = json_array_size(arr) ? json_array_get(arr, json_array_size(arr) - 1) : NULL;
        json_t *e = json_deep_copy(c);
        char hex[65];
        uint8_t h[32];
        json_int_t seq = last ? json_integer_value(json_object_get(last, "seq")) + 1 : 1;
        const char *want = last ? json_string_value(json_object_get(last, "hash")) : NULL;
        const char *prev = json_string_value(json_object_get(c, "prev_hash"));
        if (want && (!prev || strcasecmp(want, prev) != 0)) {   /* only what links onto the head */
            json_decref(e);
            continue;
        }
        json_object_set_new(e, "seq", json_integer(seq));
        json_object_set_new(e, "received_at", json_integer(json_integer_value(json_object_get(c, "time"))));
        if (entry_hash(patient, e, h) == 0) {
            ck_net_hex(hex, h, 32);
            json_object_set_new(e, "hash", json_string(hex));
        }
        json_array_append_new(arr, e);
    }
}

/* Rewrites P's entries array as the mode says. */
static void tamper_entries(const mode_t_ *m, const char *patient, json_t *doc)
{
    json_t *arr = json_object_get(doc, "entries");
    long i;
    if (!json_is_array(arr)) return;
    if (!strcmp(m->kind, "drop")) {
        if ((i = find_seq(arr, m->seq)) >= 0) json_array_remove(arr, (size_t)i);
    } else if (!strcmp(m->kind, "reorder")) {
        long j = find_seq(arr, m->seq + 1);
        if ((i = find_seq(arr, m->seq)) >= 0 && j >= 0) {
            json_t *a = json_incref(json_array_get(arr, (size_t)i)), *b = json_incref(json_array_get(arr, (size_t)j));
            json_array_set_new(arr, (size_t)i, b);
            json_array_set_new(arr, (size_t)j, a);
        }
    } else if (!strcmp(m->kind, "swap")) {
        json_t *other = json_object_get(seen, m->other);
        long j = find_seq(other, m->seq);
        if ((i = find_seq(arr, m->seq)) >= 0 && j >= 0) {
            json_t *mine = json_array_get(arr, (size_t)i), *theirs = json_deep_copy(json_array_get(other, (size_t)j));
            json_object_set(theirs, "seq", json_object_get(mine, "seq"));
            json_object_set(theirs, "prev_hash", json_object_get(mine, "prev_hash"));
            json_array_set_new(arr, (size_t)i, theirs);
            rehash(patient, arr, (size_t)i);
        }
    } else if (!strcmp(m->kind, "alter") || !strcmp(m->kind, "alter-raw")) {
        if ((i = find_seq(arr, m->seq)) >= 0) {
            json_t *e = json_array_get(arr, (size_t)i);
            const char *b64 = json_string_value(json_object_get(e, "envelope"));
            uint8_t *env = NULL;
            size_t len = 0;
            if (b64 && ck_net_unb64(&env, &len, b64, strlen(b64)) == 0 && len > 0) {
                char *out = malloc(ck_net_b64_len(len));
                env[len - 1] ^= 0x01;   /* the last byte: a GCM tag */
                ck_net_b64(out, env, len);
                json_object_set_new(e, "envelope", json_string(out));
                free(out);
                if (!strcmp(m->kind, "alter")) rehash(patient, arr, (size_t)i);
            }
            free(env);
        }
    } else if (!strncmp(m->kind, "rollback", 8)) {
        while (json_array_size(arr) &&
               (unsigned long long)json_integer_value(json_object_get(json_array_get(arr, json_array_size(arr) - 1),
                                                                      "seq")) > m->seq)
            json_array_remove(arr, json_array_size(arr) - 1);
        json_object_set_new(doc, "more", json_false());
    } else if (!strcmp(m->kind, "inject")) {
        inject(patient, arr);
    }
}

static void tamper_head(const mode_t_ *m, const char *patient, json_t *doc)
{
    json_t *arr = json_object_get(seen, patient);
    if (!strncmp(m->kind, "rollback", 8)) {
        long i = find_seq(arr, m->seq);
        if (i >= 0) {
            json_object_set_new(doc, "seq", json_integer((json_int_t)m->seq));
            json_object_set(doc, "hash", json_object_get(json_array_get(arr, (size_t)i), "hash"));
        }
        if (!strcmp(m->kind, "rollback-strip")) json_object_set_new(doc, "signed", json_null());
    } else if (!strcmp(m->kind, "inject")) {
        json_t *copy = json_deep_copy(arr ? arr : json_array());
        inject(patient, copy);
        if (json_array_size(copy)) {
            json_t *last = json_array_get(copy, json_array_size(copy) - 1);
            json_object_set(doc, "seq", json_object_get(last, "seq"));
            json_object_set(doc, "hash", json_object_get(last, "hash"));
        }
        json_decref(copy);
    }
}

/* Remember an honest page of entries (merged by seq). */
static void remember(const char *patient, json_t *doc)
{
    json_t *arr = json_object_get(doc, "entries"), *have, *e;
    size_t k;
    if (!json_is_array(arr)) return;
    if (!(have = json_object_get(seen, patient))) {
        have = json_array();
        json_object_set_new(seen, patient, have);
    }
    json_array_foreach(arr, k, e) {
        long i = find_seq(have, (unsigned long long)json_integer_value(json_object_get(e, "seq")));
        if (i >= 0) json_array_set(have, (size_t)i, e);
        else json_array_append(have, e);
    }
}

/* ---- HTTP ------------------------------------------------------------------------ */
static int read_message(int fd, buf *head, buf *body, int until_eof)
{
    char tmp[65536];
    buf all = {0};
    size_t hend = 0, clen = 0;
    int have_len = 0;
    for (;;) {
        ssize_t r;
        char *p;
        if (hend && have_len && all.n >= hend + clen) break;
        r = read(fd, tmp, sizeof tmp);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        b_add(&all, tmp, (size_t)r);
        if (!hend && (p = strstr(all.p, "\r\n\r\n"))) {
            char *cl;
            hend = (size_t)(p - all.p) + 4;
            for (cl = all.p; cl && cl < p; cl = strstr(cl, "\r\n") ? strstr(cl, "\r\n") + 2 : NULL)
                if (!strncasecmp(cl, "Content-Length:", 15)) {
                    clen = strtoull(cl + 15, NULL, 10);
                    have_len = 1;
                }
            if (!have_len && !until_eof) have_len = 1; /* request without a body */
        }
    }
    if (!hend) {
        free(all.p);
        return -1;
    }
    b_add(head, all.p, hend);
    b_add(body, all.p + hend, have_len && all.n - hend > clen ? clen : all.n - hend);
    free(all.p);
    return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

/* Copies the header block without Connection/Content-Length/Transfer-Encoding. */
static void copy_headers(buf *out, const char *head)
{
    const char *line = strstr(head, "\r\n") + 2;
    b_add(out, head, (size_t)(line - head));
    while (line && strncmp(line, "\r\n", 2) != 0) {
        const char *end = strstr(line, "\r\n");
        if (!end) break;
        if (strncasecmp(line, "Connection:", 11) && strncasecmp(line, "Content-Length:", 15) &&
            strncasecmp(line, "Transfer-Encoding:", 18) && strncasecmp(line, "Keep-Alive:", 11))
            b_add(out, line, (size_t)(end - line) + 2);
        line = end + 2;
    }
}

static int upstream_connect(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

/* "/v1/records/P/entries?..." -> P and the route ("entries", "head"). */
static int record_route(const char *path, char *patient, size_t cap, const char **route)
{
    const char *p, *slash;
    if (strncmp(path, "/v1/records/", 12) != 0) return 0;
    p = path + 12;
    if (!(slash = strchr(p, '/')) || (size_t)(slash - p) >= cap) return 0;
    memcpy(patient, p, (size_t)(slash - p));
    patient[slash - p] = 0;
    *route = slash + 1;
    return 1;
}

/* Notes the head of P from a record response: GET head, a page of
 * entries (its last seq) or an append's 201. */
static void note_head(const char *patient, const char *method, int is_head, int is_entries, int status,
                      const buf *body)
{
    json_t *doc, *arr;
    json_int_t seq = -1;
    if (!(status == 200 || status == 201) || !(is_head || is_entries)) return;
    if (!(doc = json_loadb(body->p, body->n, 0, NULL))) return;
    if (is_head || !strcmp(method, "POST")) seq = json_integer_value(json_object_get(doc, "seq"));
    else if (json_array_size(arr = json_object_get(doc, "entries")))
        seq = json_integer_value(json_object_get(json_array_get(arr, json_array_size(arr) - 1), "seq"));
    if (seq >= 0 && seq >= json_integer_value(json_object_get(heads, patient)))
        json_object_set_new(heads, patient, json_integer(seq));
    json_decref(doc);
}

/* stall: holds a request without forwarding it until the client hangs up
 * (1: drop it) or the mode changes (0: forward it); two minutes at most. */
static int hold(int cfd, const mode_t_ *m, const char *mode_file)
{
    FILE *f = fopen(m->file, "w");
    if (f) {
        fprintf(f, "held %s %llu\n", m->patient, m->seq);
        fclose(f);
    }
    for (int i = 0; i < 1200; i++) {
        struct pollfd p = {cfd, POLLIN, 0};
        mode_t_ now;
        char c;
        if (poll(&p, 1, 100) > 0 && recv(cfd, &c, 1, MSG_PEEK) <= 0) return 1;
        read_mode(mode_file, &now);
        if (strcmp(now.kind, "stall") != 0) return 0;
    }
    return 1;
}

/* The directory's authority record with one field replaced by FILE's JSON. */
static void rewrite_authority(const mode_t_ *m, buf *body)
{
    json_t *doc = json_loadb(body->p, body->n, 0, NULL), *v = json_load_file(m->file, JSON_DECODE_ANY, NULL);
    if (doc && v && json_object_set(doc, m->other, v) == 0) {
        char *t = json_dumps(doc, JSON_COMPACT);
        body->n = 0;
        b_add(body, t, strlen(t));
        free(t);
    }
    json_decref(v);
    json_decref(doc);
}

static void handle(int cfd, int up_port, const char *mode_file)
{
    buf rq_head = {0}, rq_body = {0}, rs_head = {0}, rs_body = {0}, fwd = {0}, out = {0};
    char method[16] = "", path[1024] = "", patient[160] = "";
    const char *route = "";
    int ufd = -1, status = 0, is_rec, is_entries = 0, is_head = 0, child = 0;
    char lenhdr[64];
    mode_t_ m;

    read_mode(mode_file, &m);
    if (strcmp(m.kind, "stall") != 0) held_for[0] = 0;   /* the same stall line later holds again */
    if (read_message(cfd, &rq_head, &rq_body, 0) != 0) goto out;
    sscanf(rq_head.p, "%15s %1023s", method, path);
    if ((is_rec = record_route(path, patient, sizeof patient, &route))) {
        is_entries = !strncmp(route, "entries", 7) && (route[7] == 0 || route[7] == '?');
        is_head = !strcmp(route, "head");
    }
    if (is_rec && is_entries && !strcmp(method, "POST") && !strcmp(m.kind, "stall") && !strcmp(m.patient, patient) &&
        (unsigned long long)json_integer_value(json_object_get(heads, patient)) >= m.seq && strcmp(held_for, m.line)) {
        /* one request per stall line, held by a child: the proxy serves others meanwhile */
        pid_t pid;
        snprintf(held_for, sizeof held_for, "%s", m.line);
        if ((pid = fork()) != 0) goto out;        /* the parent (or a failed fork) drops it here */
        if (hold(cfd, &m, mode_file)) _exit(0);   /* the client hung up */
        child = 1;                                /* forward it late, then exit */
    }
    copy_headers(&fwd, rq_head.p);
    snprintf(lenhdr, sizeof lenhdr, "Content-Length: %zu\r\nConnection: close\r\n\r\n", rq_body.n);
    b_add(&fwd, lenhdr, strlen(lenhdr));
    if (rq_body.n) b_add(&fwd, rq_body.p, rq_body.n);
    if ((ufd = upstream_connect(up_port)) < 0) goto out;
    write_all(ufd, fwd.p, fwd.n);
    if (read_message(ufd, &rs_head, &rs_body, 1) != 0) goto out;
    sscanf(rs_head.p, "HTTP/1.%*d %d", &status);

    if (is_rec) {
        note_head(patient, method, is_head, is_entries, status, &rs_body);
        if (!strcmp(method, "POST") && is_entries && status >= 400 && status < 500) {
            json_t *body = json_loadb(rq_body.p, rq_body.n, 0, NULL), *arr;
            if (body) {
                if (!(arr = json_object_get(captured, patient))) {
                    arr = json_array();
                    json_object_set_new(captured, patient, arr);
                }
                json_array_append_new(arr, body);
            }
        } else if (!strcmp(method, "GET") && status == 200 && (is_entries || is_head)) {
            json_t *doc = json_loadb(rs_body.p, rs_body.n, 0, NULL);
            int mine = strcmp(m.kind, "none") != 0 && strcmp(m.kind, "stall") != 0 && strcmp(m.patient, patient) == 0;
            if (doc) {
                if (is_entries && !mine) remember(patient, doc);
                if (mine) {
                    if (is_entries) tamper_entries(&m, patient, doc);
                    else tamper_head(&m, patient, doc);
                    {
                        char *t = json_dumps(doc, JSON_COMPACT);
                        rs_body.n = 0;
                        b_add(&rs_body, t, strlen(t));
                        free(t);
                    }
                }
                json_decref(doc);
            }
        }
    }
    if (!strcmp(m.kind, "authority") && !strcmp(method, "GET") && status == 200 && !strncmp(path, "/v1/authorities/", 16) &&
        !strcmp(path + 16, m.patient))
        rewrite_authority(&m, &rs_body);
    copy_headers(&out, rs_head.p);
    snprintf(lenhdr, sizeof lenhdr, "Content-Length: %zu\r\nConnection: close\r\n\r\n", rs_body.n);
    b_add(&out, lenhdr, strlen(lenhdr));
    if (rs_body.n) b_add(&out, rs_body.p, rs_body.n);
    write_all(cfd, out.p, out.n);
out:
    if (child) _exit(0);
    if (ufd >= 0) close(ufd);
    free(rq_head.p);
    free(rq_body.p);
    free(rs_head.p);
    free(rs_body.p);
    free(fwd.p);
    free(out.p);
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int lfd, one = 1, up;
    FILE *pf;
    if (argc != 4) {
        fprintf(stderr, "usage: tamper_proxy PORT_FILE UPSTREAM_PORT|UPSTREAM_PORT_FILE MODE_FILE\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN);   /* children holding a stalled request reap themselves */
    up = strspn(argv[2], "0123456789") == strlen(argv[2]) ? atoi(argv[2]) : 0;
    seen = json_object();
    captured = json_object();
    heads = json_object();
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 64) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &al) != 0) {
        perror("tamper_proxy");
        return 1;
    }
    if (!(pf = fopen(argv[1], "w"))) return 1;
    fprintf(pf, "%d\n", ntohs(a.sin_port));
    fclose(pf);
    for (;;) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (!up) {
            FILE *uf = fopen(argv[2], "r");
            int p = 0;
            if (uf && fscanf(uf, "%d", &p) == 1) up = p;
            if (uf) fclose(uf);
        }
        handle(cfd, up, argv[3]);
        if (strspn(argv[2], "0123456789") != strlen(argv[2])) up = 0;
        close(cfd);
    }
}
