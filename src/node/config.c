/*
 * src/node/config.c - the configuration a front end layers before opening
 * a session: defaults and the environment here, its own flags after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* 1-64 workers, else 0 (one per core) */
static unsigned threads_of(const char *v)
{
    char *end;
    unsigned long n;
    if (!v) return 0;
    n = strtoul(v, &end, 10);
    return *end || n < 1 || n > 64 ? 0 : (unsigned)n;
}

void ck_node_config_from_env(ck_node_config *cfg)
{
    static char home[4096];
    const char *h = env("CAREKEY_HOME"), *off = env("CAREKEY_NO_CACHE");
    memset(cfg, 0, sizeof *cfg);
    if (!h) {
        /* ~/.carekey; a front end runs this once, before threads */
        snprintf(home, sizeof home, "%s/.carekey", env("HOME") ? env("HOME") : ".");
        h = home;
    }
    cfg->home = h;
    cfg->server = env("CAREKEY_SERVER");
    cfg->ca_file = env("CAREKEY_CA_FILE");
    cfg->org = env("CAREKEY_ORG");
    cfg->no_cache = off && strcmp(off, "0") != 0;
    cfg->threads = threads_of(env("CAREKEY_THREADS"));
}
