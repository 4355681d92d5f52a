/*
 * test_server_slow.c - slow clients cannot shut honest requests out
 * (src/httpd/guard.h).
 *
 *   test_server_slow CAREKEYD [DB_URL]   (default: a fresh SQLite file)
 *
 * 120 sockets trickle a request one byte a second for 20 s, spread over
 * 127.0.0.2 .. 127.0.0.9 (15 per address). Spread, because from one
 * address the per-address limit alone would refuse most of them at
 * accept: here every one of them is under it, so what keeps carekeyd
 * serving is the whole-request deadline (activity does not extend it)
 * and the headroom of the global limit. The attacker reconnects each
 * socket the server cuts. Meanwhile signed record reads from 127.0.0.1,
 * every fifth on a fresh connection, must each succeed within 1 s.
 * Then 48 idle sockets from one address: the server keeps at most
 * --per-ip-conns of them.
 *
 * Bounded: 120 + 48 sockets on loopback, about 25 s.
 */
#include "ckt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#define SLOW 120
#define ADDRS 8
#define SECONDS 20
#define PER_IP 32

static int port;
static volatile int stop;
static int reconnects, trickled;

static int connect_from(const char *src)
{
    struct sockaddr_in a, b;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, src, &a.sin_addr);
    memset(&b, 0, sizeof b);
    b.sin_family = AF_INET;
    b.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &b.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || connect(fd, (struct sockaddr *)&b, sizeof b) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* 1 when the server closed fd (end of file or reset), without blocking. */
static int closed_by_server(int fd)
{
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void *trickler(void *arg)
{
    static const char req[] = "GET /v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-CK-GID: slow\r\nX-Pad: "
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    int fd[SLOW], pos[SLOW];
    char src[ADDRS][16];
    (void)arg;
    for (int a = 0; a < ADDRS; a++) snprintf(src[a], sizeof src[a], "127.0.0.%d", 2 + a);
    for (int i = 0; i < SLOW; i++) {
        fd[i] = connect_from(src[i % ADDRS]);
        pos[i] = 0;
    }
    for (int s = 0; s < SECONDS && !stop; s++) {
        for (int i = 0; i < SLOW; i++) {
            if (fd[i] >= 0 && closed_by_server(fd[i])) {
                close(fd[i]);
                fd[i] = -1;
            }
            if (fd[i] < 0) { /* cut by the server: the attacker comes back */
                fd[i] = connect_from(src[i % ADDRS]);
                pos[i] = 0;
                __atomic_add_fetch(&reconnects, 1, __ATOMIC_RELAXED);
            }
            if (fd[i] >= 0 && pos[i] < (int)sizeof req - 1 &&
                send(fd[i], req + pos[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
                pos[i]++;
                __atomic_add_fetch(&trickled, 1, __ATOMIC_RELAXED);
            }
        }
        ckt_sleep_ms(1000);
    }
    for (int i = 0; i < SLOW; i++)
        if (fd[i] >= 0) close(fd[i]);
    return NULL;
}

/* Idle sockets from one address: how many the server keeps open. */
static int kept_from_one_address(int n)
{
    int fd[64], kept = 0;
    for (int i = 0; i < n; i++) fd[i] = connect_from("127.0.0.10");
    ckt_sleep_ms(500);
    for (int i = 0; i < n; i++) {
        if (fd[i] >= 0 && !closed_by_server(fd[i])) kept++;
        if (fd[i] >= 0) close(fd[i]);
    }
    return kept;
}

int main(int argc, char **argv)
{
    char dir[256], db[1024];
    static const char *const extra[] = {"--rate-limit", "0", "--request-deadline", "3", "--per-ip-conns", "32",
                                        "--max-conns", "1024", "--threads", "4", NULL};
    ckt_server srv;
    ckt_id admin, pat;
    ck_net *ca, *cp;
    ck_net_head h;
    ck_net_entry e;
    uint8_t env[256] = {1};
    pthread_t th;
    int reads = 0, ok = 0, slowest = 0;

    if (ckt_main_begin(argc, argv, "slow", dir, sizeof dir, db, sizeof db) < 0) return 2;
    ckt_id_new(&admin, "admin");
    ckt_id_new(&pat, "pat");
    if (ckt_start_v(&srv, argv[1], dir, db, admin.pk, extra) != 0) {
        CHECK(0, "carekeyd did not start");
        TEST_MAIN_END();
    }
    port = srv.port;
    ca = ckt_client(srv.url, "admin", admin.sk);
    cp = ckt_client(srv.url, pat.gid, pat.sk);
    CHECK(ckt_enroll(ca, &pat, "patient") == 0, "enroll");
    CHECK(ck_net_head_get(cp, pat.gid, &h, NULL, NULL) == 0 &&
              ck_net_append(cp, pat.gid, "problems", "Condition", h.hash, ckt_now_ms(), env, sizeof env, &h) == 0,
          "an entry to read");

    printf("security: slow clients\n");
    pthread_create(&th, NULL, trickler, NULL);
    ckt_sleep_ms(1500); /* the slow sockets are in */
    for (uint64_t t_end = ckt_now_ms() + (SECONDS - 3) * 1000ULL; ckt_now_ms() < t_end; reads++) {
        uint64_t t0 = ckt_now_ms();
        int dt;
        if (reads % 5 == 0) { /* a fresh connection must find a slot too */
            ck_net_close(cp);
            cp = ckt_client(srv.url, pat.gid, pat.sk);
        }
        if (ck_net_entry_get(cp, pat.gid, 1, &e) == 0 && e.seq == 1) ok++;
        else fprintf(stderr, "  read %d: %ld %s\n", reads, ck_net_status(cp), ck_net_error_code(cp));
        ck_net_entry_clear(&e);
        dt = (int)(ckt_now_ms() - t0);
        if (dt > slowest) slowest = dt;
        ckt_sleep_ms(150);
    }
    stop = 1;
    pthread_join(th, NULL);
    fprintf(stderr, "%d reads, slowest %d ms, %d reconnects\n", reads, slowest, reconnects);
    CHECK(reads >= 40 && ok == reads, "every signed read succeeded: %d of %d", ok, reads);
    CHECK(slowest < 1000, "each within 1 s (slowest %d ms)", slowest);
    CHECK(reconnects >= SLOW, "the deadline cut the slow sockets (%d reconnects, %d bytes trickled)", reconnects,
          trickled);

    printf("security: per-address connection limit\n");
    int kept = kept_from_one_address(48);
    CHECK(kept <= PER_IP && kept >= PER_IP - 4, "one address keeps at most %d connections (%d)", PER_IP, kept);
    CHECK(ck_net_entry_get(cp, pat.gid, 1, &e) == 0, "and others are still served");
    ck_net_entry_clear(&e);

    ck_net_close(ca);
    ck_net_close(cp);
    ckt_stop(&srv, SIGTERM);
    ckt_log_tail(dir);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
