/*
 * test_net_retry.c - the C client's failover behaviour (src/net/
 * client_retry.c) against a scripted fake carekeyd on loopback, so every
 * case is exact, with no timing:
 *   - a GET answered 503 + Retry-After is sent again until it succeeds;
 *     with ck_net_set_retry(c, 0) it is not;
 *   - a POST other than an append is never sent twice;
 *   - an append answered 503 (its commit outcome unknown), then 409
 *     head_mismatch on the resend, is resolved by reading the record: the
 *     entry after prev_hash with our signature means success (its seq);
 *     another writer's entry there means the 409 stands (raced); a record
 *     that cannot be read gives "outcome_unknown", never a raced 409;
 *   - a connection dropped mid-request is retried at once.
 */
#include "ckt.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

/* The script: what the fake answers, by request kind. */
static struct {
    int get_503;         /* GET head: answer 503 this many times first */
    int append_503;      /* POST entries: 503 this many times, then 409 */
    int entries_mode;    /* 0: ours after prev, 1: another's, 2: 503 always */
    int post_other_503;  /* POST /v1/users: always 503 */
    int drop_first;      /* close the first connection without answering */
    int n_get, n_append, n_entries, n_other, n_total;
    char sig[129], prev[65], author[64], env_b64[64];
} sc;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int lfd;

static const char H2[] = "2222222222222222222222222222222222222222222222222222222222222222";

static void reply(int fd, int status, const char *extra, const char *body)
{
    char head[512];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n",
                     status, strlen(body), extra ? extra : "");
    if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0) perror("write");
}

static void unavailable(int fd)
{
    reply(fd, 503, "Retry-After: 0\r\n", "{\"error\":{\"code\":\"unavailable\",\"message\":\"failover\"}}");
}

static void entries(int fd)
{
    char body[1024];
    int theirs = sc.entries_mode == 1;
    snprintf(body, sizeof body,
             "{\"entries\":[{\"seq\":6,\"time\":1,\"received_at\":2,\"prev_hash\":\"%s\",\"hash\":\"%s\","
             "\"signature\":\"%s\",\"section\":\"results\",\"resource_type\":\"Observation\",\"author\":\"%s\","
             "\"envelope\":\"%s\"}],\"more\":false}",
             sc.prev, H2, theirs ? "ab" "ababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab" : sc.sig,
             theirs ? "someone-else" : sc.author, sc.env_b64);
    reply(fd, 200, NULL, body);
}

/* One request on fd: reads it whole, answers by the script. */
static int serve_one(int fd)
{
    char buf[16384], method[8], path[512];
    size_t len = 0;
    char *end = NULL, *cl;
    long body_len = 0;
    while (end == NULL) {
        ssize_t k = read(fd, buf + len, sizeof buf - 1 - len);
        if (k <= 0) return -1;
        len += (size_t)k;
        buf[len] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    if ((cl = strcasestr(buf, "Content-Length:")) != NULL) body_len = strtol(cl + 15, NULL, 10);
    while ((long)(len - (size_t)(end + 4 - buf)) < body_len) {
        ssize_t k = read(fd, buf + len, sizeof buf - 1 - len);
        if (k <= 0) return -1;
        len += (size_t)k;
        buf[len] = 0;
    }
    if (sscanf(buf, "%7s %511s", method, path) != 2) return -1;
    pthread_mutex_lock(&mu);
    sc.n_total++;
    if (sc.drop_first && sc.n_total == 1) {
        pthread_mutex_unlock(&mu);
        return -1; /* hang up without an answer */
    }
    if (!strcmp(method, "GET") && strstr(path, "/head")) {
        char body[256];
        if (sc.n_get++ < sc.get_503) unavailable(fd);
        else {
            snprintf(body, sizeof body, "{\"seq\":6,\"hash\":\"%s\"}", H2);
            reply(fd, 200, NULL, body);
        }
    } else if (!strcmp(method, "GET") && strstr(path, "/entries")) {
        sc.n_entries++;
        if (sc.entries_mode == 2) unavailable(fd);
        else entries(fd);
    } else if (!strcmp(method, "POST") && strstr(path, "/entries")) {
        json_t *j = json_loads(end + 4, 0, NULL);
        const char *sig = json_string_value(json_object_get(j, "signature"));
        const char *prev = json_string_value(json_object_get(j, "prev_hash"));
        const char *au = json_string_value(json_object_get(j, "author"));
        const char *env = json_string_value(json_object_get(j, "envelope"));
        /* every attempt carries the same signed entry */
        if (sc.n_append && (!sig || strcmp(sig, sc.sig))) sc.sig[0] = '!';
        else if (sig && prev && au && env) {
            snprintf(sc.sig, sizeof sc.sig, "%s", sig);
            snprintf(sc.prev, sizeof sc.prev, "%s", prev);
            snprintf(sc.author, sizeof sc.author, "%s", au);
            snprintf(sc.env_b64, sizeof sc.env_b64, "%s", env);
        }
        json_decref(j);
        if (sc.n_append++ < sc.append_503) unavailable(fd);
        else reply(fd, 409, NULL, "{\"error\":{\"code\":\"head_mismatch\",\"message\":\"conflict\"}}");
    } else {
        sc.n_other++;
        unavailable(fd);
    }
    pthread_mutex_unlock(&mu);
    return 0;
}

static void *server(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) return NULL;
        while (serve_one(fd) == 0) {
        }
        close(fd);
    }
}

static void reset(void)
{
    pthread_mutex_lock(&mu);
    memset(&sc, 0, sizeof sc);
    pthread_mutex_unlock(&mu);
}

int main(void)
{
    struct sockaddr_in a = {0};
    socklen_t al = sizeof a;
    pthread_t th;
    char url[64];
    ckt_id me;
    ck_net *c;
    ck_net_head h, out;
    uint8_t prev[32], env[16] = {1, 2, 3};

    (void)ckt_enroll;
    (void)ckt_rmdir;
    if (ck_net_global_init() != 0) return 2;
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &al) != 0)
        return 2;
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    pthread_create(&th, NULL, server, NULL);
    ckt_id_new(&me, "writer");
    c = ckt_client(url, me.gid, me.sk);
    memset(prev, 0x11, 32);

    /* GET: 503 twice, then the answer */
    reset();
    sc.get_503 = 2;
    CHECK(ck_net_head_get(c, "p", &h, NULL, NULL) == 0 && h.seq == 6, "GET retried through two 503s");
    CHECK(sc.n_get == 3, "three attempts (%d)", sc.n_get);

    /* retries off: the 503 is the answer */
    reset();
    sc.get_503 = 2;
    ck_net_set_retry(c, 0);
    CHECK(ck_net_head_get(c, "p", &h, NULL, NULL) != 0 && ck_net_status(c) == 503 && sc.n_get == 1,
          "with retries off a 503 is returned at once");
    ck_net_set_retry(c, 20000);

    /* other writes are never sent twice */
    reset();
    ck_net_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "x");
    snprintf(u.role, sizeof u.role, "patient");
    CHECK(ck_net_user_enroll(c, &u) != 0 && ck_net_status(c) == 503 && sc.n_other == 1,
          "an enrollment answered 503 is not resent (%d)", sc.n_other);

    /* append: 503 (outcome unknown), 409 on the resend, our entry found */
    reset();
    sc.append_503 = 1;
    sc.entries_mode = 0;
    CHECK(ck_net_append(c, "p", "results", "Observation", prev, 1, env, sizeof env, &out) == 0 && out.seq == 6,
          "an uncertain append whose entry is stored counts as done: %ld %s", ck_net_status(c), ck_net_error_code(c));
    CHECK(sc.n_append == 2 && sc.sig[0] != '!', "the same signed entry was resent once (%d)", sc.n_append);
    CHECK(sc.n_entries >= 1, "the record was read to resolve it");

    /* another writer's entry after prev_hash: a lost race, reported as such */
    reset();
    sc.append_503 = 1;
    sc.entries_mode = 1;
    CHECK(ck_net_append(c, "p", "results", "Observation", prev, 1, env, sizeof env, &out) != 0 &&
              ck_net_append_raced(c) && ck_net_status(c) == 409,
          "someone else's entry: 409 head_mismatch stands (%ld %s)", ck_net_status(c), ck_net_error_code(c));

    /* the record cannot be read: never a raced 409 */
    reset();
    sc.append_503 = 1;
    sc.entries_mode = 2;
    ck_net_set_retry(c, 400);
    CHECK(ck_net_append(c, "p", "results", "Observation", prev, 1, env, sizeof env, &out) != 0 &&
              !ck_net_append_raced(c) && !strcmp(ck_net_error_code(c), "outcome_unknown"),
          "unresolvable: outcome_unknown (%ld %s)", ck_net_status(c), ck_net_error_code(c));
    ck_net_set_retry(c, 20000);

    /* a plain 409 without an uncertain attempt reads nothing */
    reset();
    CHECK(ck_net_append(c, "p", "results", "Observation", prev, 1, env, sizeof env, &out) != 0 &&
              ck_net_append_raced(c) && sc.n_entries == 0 && sc.n_append == 1,
          "a first-attempt 409 is a race, no read");

    /* a dropped connection: retried at once on a new one */
    ck_net_close(c);
    c = ckt_client(url, me.gid, me.sk);
    reset();
    sc.drop_first = 1;
    CHECK(ck_net_head_get(c, "p", &h, NULL, NULL) == 0 && sc.n_total == 2, "dropped connection retried (%d)",
          sc.n_total);

    ck_net_close(c);
    shutdown(lfd, SHUT_RDWR);
    close(lfd);
    TEST_MAIN_END();
}
