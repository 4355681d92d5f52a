/*
 * guard.c - per-address connection limit and whole-request deadline for
 * libmicrohttpd servers (guard.h says why and how it is safe).
 */
#include "guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* One registered connection. deadline 0: its clock is stopped. */
typedef struct gconn {
    struct gconn *prev, *next;
    MHD_socket fd;
    int64_t deadline;
    int cut;
} gconn;

struct ck_guard {
    ck_guard_opts o;
    pthread_mutex_t mu; /* guards the list, every entry and stop */
    pthread_cond_t cv;  /* wakes the sweeper early on stop */
    gconn head;         /* circular list sentinel */
    int stop;
    unsigned long cuts;
    pthread_t thread;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shuts down the sockets whose request is late. Holding mu while calling
 * shutdown() is what makes it safe: NOTIFY_CLOSED, which comes before
 * libmicrohttpd closes the fd, needs mu to unregister it. */
static void sweep(ck_guard *g, int64_t now)
{
    for (gconn *c = g->head.next; c != &g->head; c = c->next) {
        if (c->deadline == 0 || c->cut || now < c->deadline) continue;
        (void)shutdown(c->fd, SHUT_RDWR);
        c->cut = 1;
        g->cuts++;
    }
}

static void *sweeper(void *arg)
{
    ck_guard *g = arg;
    /* A quarter of the deadline keeps lateness under 25 %, 50 ms at least. */
    long step_ms = g->o.deadline_ms / 4 > 50 ? (long)g->o.deadline_ms / 4 : 50;
    if (step_ms > 1000) step_ms = 1000;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += (step_ms % 1000) * 1000000L;
        ts.tv_sec += step_ms / 1000 + ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g->cv, &g->mu, &ts);
        if (!g->stop) sweep(g, mono_ms());
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    ck_guard *g = cls;
    gconn *c = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci == NULL || (c = calloc(1, sizeof *c)) == NULL) return; /* unguarded, not refused */
        c->fd = ci->connect_fd;
        pthread_mutex_lock(&g->mu);
        c->deadline = g->o.deadline_ms ? mono_ms() + g->o.deadline_ms : 0;
        c->next = g->head.next;
        c->prev = &g->head;
        g->head.next->prev = c;
        g->head.next = c;
        pthread_mutex_unlock(&g->mu);
        *socket_context = c;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && c != NULL) {
        pthread_mutex_lock(&g->mu);
        c->prev->next = c->next;
        c->next->prev = c->prev;
        pthread_mutex_unlock(&g->mu);
        free(c);
        *socket_context = NULL;
    }
}

static gconn *entry(struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* The entry's deadline: 0 stops the clock. Only the connection's own
 * thread calls this while the entry is registered. */
static void set_deadline(ck_guard *g, struct MHD_Connection *con, int arm)
{
    gconn *c;
    if (g == NULL || g->o.deadline_ms == 0 || (c = entry(con)) == NULL) return;
    pthread_mutex_lock(&g->mu);
    c->deadline = arm ? mono_ms() + g->o.deadline_ms : 0;
    pthread_mutex_unlock(&g->mu);
}

void ck_guard_request_arrived(ck_guard *g, struct MHD_Connection *con) { set_deadline(g, con, 0); }
void ck_guard_request_done(ck_guard *g, struct MHD_Connection *con) { set_deadline(g, con, 1); }

ck_guard *ck_guard_new(const ck_guard_opts *o)
{
    ck_guard *g = calloc(1, sizeof *g);
    pthread_condattr_t ca;
    if (g == NULL) return NULL;
    g->o = *o;
    if (g->o.max_conns == 0) g->o.max_conns = 4096;
    g->head.next = g->head.prev = &g->head;
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (g->o.deadline_ms && pthread_create(&g->thread, NULL, sweeper, g) != 0) {
        pthread_cond_destroy(&g->cv);
        pthread_mutex_destroy(&g->mu);
        free(g);
        return NULL;
    }
    return g;
}

size_t ck_guard_mhd_options(ck_guard *g, struct MHD_OptionItem *it, size_t cap)
{
    size_t n = 0;
    if (cap < CK_GUARD_MHD_OPTIONS) return 0;
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)g->o.max_conns, NULL};
    if (g->o.per_ip_max)
        it[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)g->o.per_ip_max, NULL};
    /* Two pointers: the function as the value, its closure as ptr_value. */
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, g};
    if (g->o.deadline_ms)
        it[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                          (intptr_t)((g->o.deadline_ms + 999) / 1000), NULL};
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return n;
}

unsigned long ck_guard_cut_count(ck_guard *g)
{
    unsigned long n;
    pthread_mutex_lock(&g->mu);
    n = g->cuts;
    pthread_mutex_unlock(&g->mu);
    return n;
}

void ck_guard_free(ck_guard *g)
{
    if (g == NULL) return;
    if (g->o.deadline_ms) {
        pthread_mutex_lock(&g->mu);
        g->stop = 1;
        pthread_cond_signal(&g->cv);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->thread, NULL);
    }
    /* The daemon is stopped: every connection was closed and unregistered. */
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}
