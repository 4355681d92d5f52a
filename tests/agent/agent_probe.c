/*
 * tests/agent/agent_probe.c SOCKET GROUP [ARGS...] - talks to a key agent
 * directly, skipping the CLI's own checks of the socket: connects, sends a
 * run request for the command with this process's stdin, stdout and
 * stderr, and prints the agent's answer ("exit N", "error: REASON",
 * "locked: REASON") or "no answer". Exit 0 when an answer came, 1 if not.
 * agent_test.sh runs it as another user to see SO_PEERCRED refuse it.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/proto.h"

int main(int argc, char **argv)
{
    static uint8_t buf[CK_AGENT_MSG_MAX + 1];
    static const int stdio[3] = {0, 1, 2};
    char cwd[PATH_MAX], home[PATH_MAX];
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ck_agent_req r;
    ck_agent_answer an;
    size_t len, nfds;
    ssize_t n;
    int fd;
    if (argc < 3 || strlen(argv[1]) >= sizeof sa.sun_path || !getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "usage: agent_probe SOCKET GROUP [ARGS...]\n");
        return 2;
    }
    strcpy(sa.sun_path, argv[1]);
    snprintf(home, sizeof home, "%s", argv[1]);
    memset(&r, 0, sizeof r);
    r.type = CK_AGENT_RUN;
    r.argc = (unsigned)(argc - 2);
    for (int i = 2; i < argc; i++) r.argv[i - 2] = argv[i];
    r.cwd = cwd;
    r.home = dirname(home);
    r.umask = 022;
    if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        printf("cannot connect: %s\n", strerror(errno));
        return 1;
    }
    if (ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0) return 2;
    (void)ck_agent_send(fd, buf, len, stdio, 3); /* a refused peer may find it closed */
    n = ck_agent_recv(fd, buf, sizeof buf, NULL, 0, &nfds);
    if (n <= 0 || ck_agent_answer_decode(&an, buf, (size_t)n) != 0) {
        printf("no answer\n");
        return 1;
    }
    if (an.type == CK_AGENT_A_EXIT) printf("exit %d\n", an.code);
    else if (an.type == CK_AGENT_A_ERROR) printf("error: %s\n", an.reason);
    else if (an.type == CK_AGENT_A_LOCKED) printf("locked: %s\n", an.reason);
    else printf("answer %c\n", an.type);
    return 0;
}
