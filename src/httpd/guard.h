/*
 * guard.h - slow-client limits for libmicrohttpd servers (carekeyd, the
 * emergency desk). Prefix ck_guard_. Internal: not installed.
 *
 * libmicrohttpd's own timeout (MHD_OPTION_CONNECTION_TIMEOUT) counts
 * idleness: a client that sends one byte a second never times out, and a
 * few dozen such sockets used to shut every honest request out. A guard
 * adds three things:
 *
 *   - a connection limit per client address (per_ip_max), so one address
 *     cannot take every slot;
 *   - a global limit well above it (max_conns), so an honest client still
 *     finds a slot while several addresses misbehave;
 *   - a whole-request deadline (deadline_ms) that activity does not
 *     extend: the request line, headers and body must all arrive within
 *     deadline_ms of accept (for a keep-alive connection: of the previous
 *     reply). A sweeper thread shuts down (shutdown(2), SHUT_RDWR) the
 *     sockets whose request is late; libmicrohttpd then sees end of file
 *     and closes the connection itself.
 *
 * Why it is safe to shut a socket down from another thread: the guard
 * learns each connection's fd at MHD_CONNECTION_NOTIFY_STARTED and forgets
 * it at MHD_CONNECTION_NOTIFY_CLOSED, both under one mutex that the
 * sweeper also holds while it calls shutdown(). libmicrohttpd (0.9.75, as
 * Debian 12 ships it; daemon.c: MHD_cleanup_connections and the failure
 * path of new_connection_process_) calls NOTIFY_CLOSED before it closes
 * the fd, so a registered fd always still belongs to its connection and an
 * fd number reused by a later connection is never shut down by mistake.
 *
 * Use:
 *
 *     ck_guard_opts go = {32, 10000, 4096};
 *     ck_guard *g = ck_guard_new(&go);            // starts the sweeper
 *     struct MHD_OptionItem gopts[CK_GUARD_MHD_OPTIONS];
 *     ck_guard_mhd_options(g, gopts, CK_GUARD_MHD_OPTIONS);
 *     d = MHD_start_daemon(..., MHD_OPTION_ARRAY, gopts, MHD_OPTION_END);
 *     ...in the access handler, once the whole request (body too) is in:
 *     ck_guard_request_arrived(g, connection);   // stops the clock
 *     ...in the MHD_OPTION_NOTIFY_COMPLETED callback:
 *     ck_guard_request_done(g, connection);      // next request's clock
 *     MHD_stop_daemon(d);
 *     ck_guard_free(g);                           // after the daemon
 *
 * The options set MHD_OPTION_PER_IP_CONNECTION_LIMIT,
 * MHD_OPTION_CONNECTION_LIMIT, MHD_OPTION_NOTIFY_CONNECTION (the daemon
 * must not set its own) and MHD_OPTION_CONNECTION_TIMEOUT (the deadline
 * rounded up, as the idle limit while a reply is written). Use an epoll
 * daemon (MHD_USE_EPOLL_*) for max_conns above FD_SETSIZE.
 */
#ifndef CK_HTTPD_GUARD_H
#define CK_HTTPD_GUARD_H

#include <microhttpd.h>
#include <stddef.h>

typedef struct {
    unsigned per_ip_max;  /* concurrent connections per client address; 0 = no limit */
    unsigned deadline_ms; /* whole request from accept / last reply; 0 = no deadline */
    unsigned max_conns;   /* all connections; 0 = 4096 */
} ck_guard_opts;

typedef struct ck_guard ck_guard;

/* Option items ck_guard_mhd_options fills (the MHD_OPTION_END included). */
#define CK_GUARD_MHD_OPTIONS 5

/* NULL when out of memory or the sweeper thread cannot start. */
ck_guard *ck_guard_new(const ck_guard_opts *o);
/* Fills items (cap >= CK_GUARD_MHD_OPTIONS) for MHD_OPTION_ARRAY; returns
 * how many were written, the terminating MHD_OPTION_END included (0 when
 * cap is too small). */
size_t ck_guard_mhd_options(ck_guard *g, struct MHD_OptionItem *items, size_t cap);
/* The connection's current request is complete: its clock stops. */
void ck_guard_request_arrived(ck_guard *g, struct MHD_Connection *con);
/* Its reply went out: the next request on it has deadline_ms from now. */
void ck_guard_request_done(ck_guard *g, struct MHD_Connection *con);
/* Connections shut down for missing the deadline so far. */
unsigned long ck_guard_cut_count(ck_guard *g);
/* Stops the sweeper; call after MHD_stop_daemon. NULL is fine. */
void ck_guard_free(ck_guard *g);

#endif
