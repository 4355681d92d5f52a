/*
 * serve.c - one way to start a node's libmicrohttpd server (serve.h).
 */
#include "serve.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s); /* the routes parse the raw target exactly once */
}

int ck_httpd_listen_parse(const char *s, char addr[CK_HTTPD_ADDR_MAX], unsigned *port)
{
    const char *colon, *a = s, *p;
    size_t al;
    unsigned long v = 0;
    struct in6_addr a6;
    struct in_addr a4;
    char tmp[CK_HTTPD_ADDR_MAX];
    addr[0] = 0;
    if (!s || !*s) return -1;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') return -1;
        a = s + 1;
        al = (size_t)(close - a);
        p = close + 2;
    } else {
        if (!(colon = strrchr(s, ':')) || strchr(s, ':') != colon) return -1;
        al = (size_t)(colon - s);
        p = colon + 1;
    }
    if (al == 0 || al >= sizeof tmp || !*p || strlen(p) > 5) return -1;
    for (const char *q = p; *q; q++) {
        if (*q < '0' || *q > '9') return -1;
        v = v * 10 + (unsigned long)(*q - '0');
    }
    if (v > 65535) return -1;
    memcpy(tmp, a, al);
    tmp[al] = 0;
    if (s[0] == '[' ? inet_pton(AF_INET6, tmp, &a6) != 1
                    : strcmp(tmp, "localhost") != 0 && inet_pton(AF_INET, tmp, &a4) != 1)
        return -1;
    memcpy(addr, tmp, al + 1);
    *port = (unsigned)v;
    return 0;
}

int ck_httpd_addr_loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (!addr || !*addr || !strcmp(addr, "localhost")) return 1;
    if (inet_pton(AF_INET, addr, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
    return 0;
}

struct MHD_Daemon *ck_httpd_start(const ck_httpd_opts *o, unsigned *port)
{
    struct sockaddr_in sa;
    struct sockaddr_in6 sa6;
    struct MHD_OptionItem it[CK_GUARD_MHD_OPTIONS + CK_TLS_MHD_OPTIONS + 8];
    const union MHD_DaemonInfo *info;
    struct MHD_Daemon *d;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC;
    const char *addr = o->addr && *o->addr && strcmp(o->addr, "localhost") ? o->addr : "127.0.0.1";
    void *sock;
    size_t n;
    memset(&sa, 0, sizeof sa);
    memset(&sa6, 0, sizeof sa6);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) == 1) {
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)o->port);
        sock = &sa;
    } else if (inet_pton(AF_INET6, addr, &sa6.sin6_addr) == 1) {
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons((uint16_t)o->port);
        sock = &sa6;
        flags |= MHD_USE_IPv6;
    } else {
        return NULL;
    }
    n = ck_guard_mhd_options(o->guard, it, CK_GUARD_MHD_OPTIONS);
    if (n == 0) return NULL;
    n--; /* over its MHD_OPTION_END */
    n += ck_tls_mhd_options(o->tls, &it[n]);
    flags |= ck_tls_mhd_flags(o->tls);
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 4, NULL};
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, sock};
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)o->on_completed, o->cls};
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)o->on_uri, o->cls};
    it[n++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)no_unescape, NULL};
    it[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, o->on_request, o->cls, MHD_OPTION_ARRAY, it,
                         MHD_OPTION_END);
    if (!d) return NULL;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : o->port;
    return d;
}
