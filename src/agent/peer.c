/*
 * src/agent/peer.c - credential and permission checks (peer.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "agent/peer.h"

int ck_agent_peer_cred(int fd, uid_t *uid, pid_t *pid)
{
    struct ucred c;
    socklen_t n = sizeof c;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &n) != 0 || n != sizeof c) return -1;
    *uid = c.uid;
    *pid = c.pid;
    return 0;
}

int ck_agent_socket_ok(const char *path, uid_t uid, char *why, size_t cap)
{
    struct stat st;
    /* lstat: a symbolic link planted in the home is refused, not followed */
    if (lstat(path, &st) != 0) {
        int e = errno;
        snprintf(why, cap, "%s", strerror(e));
        errno = e;
        return -1;
    }
    errno = EPERM;
    if (!S_ISSOCK(st.st_mode)) snprintf(why, cap, "not a socket");
    else if (st.st_uid != uid) snprintf(why, cap, "owned by uid %u, not %u", (unsigned)st.st_uid, (unsigned)uid);
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        snprintf(why, cap, "mode %04o lets others connect", (unsigned)(st.st_mode & 07777));
    else return 0;
    return -1;
}

int ck_agent_home_ok(const char *home, uid_t uid, char *why, size_t cap)
{
    struct stat st;
    if (stat(home, &st) != 0) {
        snprintf(why, cap, "%s: %s", home, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) snprintf(why, cap, "%s is not a directory", home);
    else if (st.st_uid != uid) snprintf(why, cap, "%s is owned by uid %u, not %u", home, (unsigned)st.st_uid, (unsigned)uid);
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        snprintf(why, cap, "%s has mode %04o: others may enter it (chmod 700 it)", home, (unsigned)(st.st_mode & 07777));
    else return 0;
    return -1;
}
