/*
 * src/agent/spawn.c - the child that runs one forwarded command (agent.h).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"

extern char **environ;

/* Drops every CAREKEY_* variable the agent inherited: the command sees
 * the CLI's, not those of the shell that started the agent. */
static void drop_carekey_env(void)
{
    char name[256];
    for (;;) {
        char **e = environ;
        while (*e && strncmp(*e, "CAREKEY_", 8) != 0) e++;
        if (!*e) return;
        size_t n = strcspn(*e, "=");
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, *e, n);
        name[n] = 0;
        if (unsetenv(name) != 0) return;
    }
}

static int set_env(const ck_agent_req *r, const char *home)
{
    drop_carekey_env();
    for (unsigned i = 0; i < r->envc; i++) {
        char *kv = strdup(r->env[i]); /* putenv keeps it */
        if (!kv || putenv(kv) != 0) return -1;
    }
    return setenv("CAREKEY_HOME", home, 1) == 0 && setenv("CAREKEY_AGENT", "0", 1) == 0 ? 0 : -1;
}

static void default_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE};
    sigset_t none;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void fail(const char *what)
{
    dprintf(STDERR_FILENO, "carekey: agent: %s\n", what);
    _exit(3);
}

pid_t ck_agent_spawn(const ck_agent_req *r, const int fds[3], const char *home, ck_keyring *kr,
                     ck_agent_run_fn run, void *ud, const int *close_fds, size_t n_close)
{
    pid_t pid = fork();
    int rc;
    if (pid != 0) return pid;
    /* the child: the agent's own descriptors are not the command's */
    for (size_t i = 0; i < n_close; i++)
        if (close_fds[i] >= 0) close(close_fds[i]);
    for (int i = 0; i < 3; i++)
        if (dup2(fds[i], i) < 0) _exit(3);
    for (int i = 0; i < 3; i++)
        if (fds[i] > 2) close(fds[i]);
    default_signals();
    if (chdir(r->cwd) != 0) fail("cannot enter the command's working directory");
    umask((mode_t)r->umask);
    if (set_env(r, home) != 0) fail("out of memory");
    rc = run(ud, kr, (int)r->argc, (char **)r->argv);
    fflush(NULL);
    ck_keyring_free(kr); /* this process's copy */
    _exit(rc & 0xff);
}
