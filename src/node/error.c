/*
 * src/node/error.c - the handle's typed error, notices and progress.
 *
 * Server answers become kinds by status (401/403 forbidden, 404 not found,
 * 409/412 conflict, 422 refused, 0 unreachable, the rest upstream) and keep
 * the server's stable code as the key, so a front end can both map the
 * kind (an exit code, an HTTP status) and explain the code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "node/node_impl.h"

const ck_node_error *ck_node_last_error(const ck_node *n) { return &n->err; }

void ck_node_clear_error(ck_node *n) { memset(&n->err, 0, sizeof n->err); }

const char *ck_node_kind_name(ck_node_kind k)
{
    static const char *const names[] = {"ok",        "invalid",   "keyring",  "forbidden", "not_found",
                                        "conflict",  "refused",   "integrity", "upstream", "unreachable",
                                        "io",        "nomem",     "cancelled"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "unknown";
}

static void vset(ck_node *n, ck_node_kind kind, const char *key, const char *path, const char *fmt, va_list ap)
{
    n->err.kind = kind;
    n->err.status = 0;
    snprintf(n->err.key, sizeof n->err.key, "%s", key ? key : "");
    snprintf(n->err.path, sizeof n->err.path, "%s", path ? path : "");
    vsnprintf(n->err.msg, sizeof n->err.msg, fmt, ap);
}

int ck_node_fail(ck_node *n, ck_node_kind kind, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(n, kind, key, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int ck_node_fail_at(ck_node *n, ck_node_kind kind, const char *key, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(n, kind, key, path, fmt, ap);
    va_end(ap);
    return -1;
}

static ck_node_kind kind_of_status(long st)
{
    switch (st) {
    case 0: return CK_NODE_E_UNREACHABLE;
    case 400: case 413: return CK_NODE_E_INVALID;
    case 401: case 403: return CK_NODE_E_FORBIDDEN;
    case 404: return CK_NODE_E_NOT_FOUND;
    case 409: case 412: return CK_NODE_E_CONFLICT;
    case 422: return CK_NODE_E_REFUSED;
    default: return CK_NODE_E_UPSTREAM;
    }
}

int ck_node_fail_net(ck_node *n, ck_net *net, const char *what)
{
    long st = net ? ck_net_status(net) : 0;
    const char *code = net ? ck_net_error_code(net) : NULL, *msg = net ? ck_net_error_message(net) : NULL;
    if (st == 0)
        ck_node_fail(n, CK_NODE_E_UNREACHABLE, "unreachable", "%s: cannot reach %s%s%s", what, n->s->server,
                     msg ? ": " : "", msg ? msg : "");
    else
        ck_node_fail(n, kind_of_status(st), code, "%s: server answered %ld %s%s%s", what, st, code ? code : "",
                     msg ? ": " : "", msg ? msg : "");
    n->err.status = st;
    return -1;
}

void ck_node_notice(ck_node *n, ck_node_level level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (!n->notice) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    n->notice(n->notice_ud, level, msg);
}

int ck_node_step(ck_node *n, ck_node_phase phase, uint64_t done, uint64_t total)
{
    if (!n->progress || n->progress(n->progress_ud, phase, done, total) == 0) return 0;
    return ck_node_fail(n, CK_NODE_E_CANCELLED, "cancelled", "cancelled");
}

uint64_t ck_node_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
