/*
 * Copyright (c) 2026 The vigil developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * vigild: monitor -- names of health and readiness targets, resolved
 * here with libevent's evdns, never by the parent: the root process
 * neither waits on the network nor parses a DNS reply (DESIGN).
 * /etc/resolv.conf and /etc/hosts are read once, before the chroot
 * (mon_dns_init); a lookup never blocks the event loop, and its answer
 * is kept for MON_DNS_TTL_MS before the next check asks again.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>
#include <event2/dns.h>
#include <event2/util.h>

#include "log.h"
#include "monitor.h"

struct mon_dns_req {
	mon_dns_cb				 cb;
	void					*arg;
	struct evdns_getaddrinfo_request	*r;
	int					 calling;	/* in evdns_getaddrinfo */
	int					 done;
};

static struct evdns_base	*mon_dns;

void
mon_dns_init(struct event_base *base)
{
	int	 r;

	if ((mon_dns = evdns_base_new(base, 0)) == NULL)
		fatalx("evdns_base_new");
	/* Before the chroot: both files are out of reach after it. */
	if ((r = evdns_base_resolv_conf_parse(mon_dns, DNS_OPTIONS_ALL,
	    "/etc/resolv.conf")) != 0)
		log_debug("/etc/resolv.conf: evdns error %d; asking "
		    "127.0.0.1", r);
	if (evdns_base_load_hosts(mon_dns, "/etc/hosts") != 0)
		log_debug("/etc/hosts: not loaded");
}

static void
mon_dns_done(int result, struct evutil_addrinfo *res, void *arg)
{
	struct mon_dns_req	*q = arg;
	struct evutil_addrinfo	*ai;
	struct mon_addr		 addrs[MON_ADDRMAX];
	unsigned int		 n = 0;
	char			 err[MON_TEXTMAX];

	q->done = 1;
	if (result == EVUTIL_EAI_CANCEL || q->cb == NULL) {
		if (res != NULL)
			evutil_freeaddrinfo(res);
		free(q);
		return;
	}
	memset(addrs, 0, sizeof(addrs));
	err[0] = '\0';
	if (result != 0)
		snprintf(err, sizeof(err), "%s", evutil_gai_strerror(result));
	for (ai = res; ai != NULL && n < MON_ADDRMAX; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(addrs[0].ss))
			continue;
		memcpy(&addrs[n].ss, ai->ai_addr, ai->ai_addrlen);
		addrs[n].len = (uint32_t)ai->ai_addrlen;
		n++;
	}
	if (res != NULL)
		evutil_freeaddrinfo(res);
	if (result == 0 && n == 0)
		snprintf(err, sizeof(err), "no address");
	q->cb(q->arg, addrs, n, err);
	if (!q->calling)
		free(q);
}

/*
 * Resolve name (port: numeric) and call cb with up to MON_ADDRMAX
 * addresses, or none and the reason.  cb may run before this returns
 * (a number, a name of /etc/hosts): then NULL is returned.
 */
struct mon_dns_req *
mon_dns_resolve(const char *name, const char *port, mon_dns_cb cb, void *arg)
{
	struct evutil_addrinfo	 hints;
	struct mon_dns_req	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatal(NULL);
	q->cb = cb;
	q->arg = arg;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = EVUTIL_AI_NUMERICSERV;
	q->calling = 1;
	q->r = evdns_getaddrinfo(mon_dns, name, port, &hints, mon_dns_done, q);
	q->calling = 0;
	if (q->done) {
		free(q);
		return (NULL);
	}
	return (q);
}

/* The caller no longer wants the answer: cb is not called. */
void
mon_dns_cancel(struct mon_dns_req *q)
{
	if (q == NULL || q->done)
		return;
	q->cb = NULL;
	evdns_getaddrinfo_cancel(q->r);	/* mon_dns_done frees q */
}
