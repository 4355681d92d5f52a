/*
 * src/agent/peer.h - who may talk to the agent: the peer's credentials
 * (SO_PEERCRED) on the agent's side, the socket's owner and mode on the
 * CLI's side, and the home the socket lives in.
 */
#ifndef CK_AGENT_PEER_H
#define CK_AGENT_PEER_H

#include <stddef.h>
#include <sys/types.h>

/* The connected peer's uid and pid as the kernel saw them at connect. 0 / -1. */
int ck_agent_peer_cred(int fd, uid_t *uid, pid_t *pid);
/* 0 when path is a socket owned by uid with no group or other permission
 * bits; -1 with why (a sentence) otherwise, errno ENOENT when none exists. */
int ck_agent_socket_ok(const char *path, uid_t uid, char *why, size_t cap);
/* 0 when home is a directory owned by uid that no one else may enter
 * (no group or other bits); -1 with why. */
int ck_agent_home_ok(const char *home, uid_t uid, char *why, size_t cap);

#endif
