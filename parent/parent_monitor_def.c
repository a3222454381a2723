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
 * A service process as the monitor must know it (struct msg_mon_svc):
 * ${...} expanded per instance, URLs taken apart, host names resolved.
 * The monitor, chrooted to an empty directory, has no resolver; the
 * parent resolves each target once per instance and keeps the answer
 * until the expanded target changes (a reload), so a lookup happens at
 * the first start of an instance, not at every restart.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "parent_monitor.h"
#include "svc.h"

_Static_assert(sizeof(((struct pmon_target *)0)->name) ==
    sizeof(((struct msg_mon_svc *)0)->resolve), "name and resolve differ");
_Static_assert(sizeof(((struct pmon_target *)0)->port) ==
    sizeof(((struct msg_mon_svc *)0)->resolve_port), "port sizes differ");

void
pmon_target_clear(struct pmon_target *t)
{
	free(t->expanded);
	memset(t, 0, sizeof(*t));
}

void
pmon_target_free(struct pmon_target **tp)
{
	if (*tp == NULL)
		return;
	pmon_target_clear(*tp);
	free(*tp);
	*tp = NULL;
}

/* The cached target *tp, made on first use: most services have none. */
static struct pmon_target *
pmon_target_get(struct pmon_target **tp)
{
	if (*tp == NULL && (*tp = calloc(1, sizeof(**tp))) == NULL)
		fatal(NULL);
	return (*tp);
}

/*
 * Split "HOST:PORT" or "[V6]:PORT" (host into buf); the port string is
 * returned, or NULL.
 */
static const char *
pmon_split_hostport(const char *s, char *host, size_t hlen)
{
	const char	*e, *colon;

	if (*s == '[') {
		if ((e = strchr(s, ']')) == NULL || e[1] != ':')
			return (NULL);
		if ((size_t)(e - s - 1) >= hlen)
			return (NULL);
		memcpy(host, s + 1, e - s - 1);
		host[e - s - 1] = '\0';
		return (e + 2);
	}
	if ((colon = strrchr(s, ':')) == NULL || (size_t)(colon - s) >= hlen)
		return (NULL);
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	return (colon + 1);
}

/*
 * host:port into t (once per expanded string): a numeric address here
 * (no network: AI_NUMERICHOST), a name is left to the monitor, which
 * resolves it without blocking anything (monitor/monitor_dns.c).  The
 * root process never waits on, nor parses, a DNS answer.
 */
static void
pmon_resolve(struct pmon_target *t, const char *expanded, const char *host,
    const char *port)
{
	struct addrinfo	 hints, *res, *ai;
	const char	*errstr;
	int		 r;

	if (t->expanded != NULL && strcmp(t->expanded, expanded) == 0)
		return;
	pmon_target_clear(t);
	if ((t->expanded = strdup(expanded)) == NULL)
		fatal(NULL);
	(void)strtonum(port, 1, 65535, &errstr);
	if (errstr != NULL || *host == '\0') {
		snprintf(t->error, sizeof(t->error), "bad address %s",
		    expanded);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		if (r != EAI_NONAME ||
		    strlen(host) >= sizeof(t->name) ||
		    strlen(port) >= sizeof(t->port)) {
			snprintf(t->error, sizeof(t->error), "bad address "
			    "%s: %s", expanded, gai_strerror(r));
			log_warnx("%s", t->error);
			return;
		}
		strlcpy(t->name, host, sizeof(t->name));
		strlcpy(t->port, port, sizeof(t->port));
		return;
	}
	for (ai = res; ai != NULL && t->naddrs < MON_ADDRMAX;
	    ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(t->addrs[0].ss))
			continue;
		memcpy(&t->addrs[t->naddrs].ss, ai->ai_addr, ai->ai_addrlen);
		t->addrs[t->naddrs].len = ai->ai_addrlen;
		t->naddrs++;
	}
	freeaddrinfo(res);
}

/*
 * http://HOST[:PORT][/PATH][?QUERY]: the Host: header, the request
 * target and the address.
 */
static void
pmon_http_target(struct pmon_target *t, const char *url,
    struct msg_mon_svc *m)
{
	const char	*auth, *rest, *port = "80";
	char		 hostport[MON_HOSTMAX], host[MON_HOSTMAX];
	size_t		 n;

	if (strncmp(url, "http://", 7) != 0) {
		pmon_target_clear(t);
		snprintf(m->error, sizeof(m->error), "not an http:// URL");
		return;
	}
	auth = url + 7;
	n = strcspn(auth, "/?#");
	rest = auth + n;
	if (n == 0 || n >= sizeof(hostport)) {
		snprintf(m->error, sizeof(m->error), "bad URL");
		return;
	}
	memcpy(hostport, auth, n);
	hostport[n] = '\0';
	strlcpy(m->host, hostport, sizeof(m->host));
	if ((hostport[0] == '[' && strstr(hostport, "]:") != NULL) ||
	    (hostport[0] != '[' && strchr(hostport, ':') != NULL)) {
		if ((port = pmon_split_hostport(hostport, host,
		    sizeof(host))) == NULL) {
			snprintf(m->error, sizeof(m->error), "bad URL");
			return;
		}
	} else if (hostport[0] == '[') {
		n = strlen(hostport);
		if (n < 3 || hostport[n - 1] != ']') {
			snprintf(m->error, sizeof(m->error), "bad URL");
			return;
		}
		strlcpy(host, hostport + 1, sizeof(host));
		host[n - 2] = '\0';
	} else
		strlcpy(host, hostport, sizeof(host));
	if (*rest == '/')
		strlcpy(m->uri, rest, sizeof(m->uri));
	else if (*rest == '?')
		snprintf(m->uri, sizeof(m->uri), "/%s", rest);
	else
		strlcpy(m->uri, "/", sizeof(m->uri));
	m->uri[strcspn(m->uri, "#")] = '\0';
	pmon_resolve(t, url, host, port);
}

static void
pmon_tcp_target(struct pmon_target *t, const char *hp, char *error,
    size_t errlen)
{
	const char	*port;
	char		 host[MON_HOSTMAX];

	if ((port = pmon_split_hostport(hp, host, sizeof(host))) == NULL) {
		snprintf(error, errlen, "bad address %s", hp);
		return;
	}
	pmon_resolve(t, hp, host, port);
}

static void
pmon_copy_target(const struct pmon_target *t, struct mon_addr *addrs,
    uint32_t *naddrs, char *error, size_t errlen, char *name, char *port)
{
	memcpy(addrs, t->addrs, sizeof(t->addrs));
	*naddrs = t->naddrs;
	/* Both MON_HOSTMAX and 8 bytes, as in struct msg_mon_svc. */
	memcpy(name, t->name, sizeof(t->name));
	memcpy(port, t->port, sizeof(t->port));
	if (t->naddrs == 0 && t->name[0] == '\0' && error[0] == '\0')
		strlcpy(error, t->error, errlen);
}

/*
 * The gRPC service name of check h, expanded; -1 with m->target (as
 * written) and m->error set.
 */
static int
pmon_grpc_service(const struct config_health *h, struct config_expand_ctx *ctx,
    struct msg_mon_svc *m)
{
	char	 xerr[MON_TEXTMAX], *x;

	if (h->service == NULL)
		return (0);
	if ((x = config_expand(h->service, ctx, xerr, sizeof(xerr))) ==
	    NULL) {
		strlcpy(m->target, h->target, sizeof(m->target));
		strlcpy(m->error, "service: ", sizeof(m->error));
		strlcat(m->error, xerr, sizeof(m->error));
		return (-1);
	}
	if (strlcpy(m->service, x, sizeof(m->service)) >= sizeof(m->service)) {
		strlcpy(m->target, h->target, sizeof(m->target));
		strlcpy(m->error, "service name too long", sizeof(m->error));
		free(x);
		return (-1);
	}
	free(x);
	return (0);
}

/* What the monitor must know about the current process of s. */
void
pmon_build(struct svc *s, struct pmon *p, struct msg_mon_svc *m)
{
	struct config_svc	*sc = s->grp->conf;
	struct config_expand_ctx ctx;
	char			 xerr[MON_TEXTMAX], *x;
	struct pmon_target	*t;
	size_t			 i;

	memset(m, 0, sizeof(*m));
	m->key = p->key;
	m->pid = s->pid;
	m->uid = sc->user != NULL ? (uint32_t)sc->uid : (uint32_t)geteuid();
	strlcpy(m->id, s->id, sizeof(m->id));
	m->age_ms = svc_uptime_ms(s);
	if (s->state == SVC_STARTING)
		m->flags |= MON_SVC_STARTING;
	if (sc->limits.memory > 0)
		m->flags |= MON_SVC_SAMPLE;
	if (s->cgroup != NULL && strlen(s->cgroup) < sizeof(m->cgroup))
		strlcpy(m->cgroup, s->cgroup, sizeof(m->cgroup));
	m->watchdog_usec = p->watchdog_usec;

	svc_expand_ctx(s, &ctx);

	switch (sc->health.type) {
	case HEALTH_HTTP:
	case HEALTH_TCP:
	case HEALTH_GRPC:
		m->check = sc->health.type == HEALTH_HTTP ? MON_CHECK_HTTP :
		    sc->health.type == HEALTH_GRPC ? MON_CHECK_GRPC :
		    MON_CHECK_TCP;
		if (m->check == MON_CHECK_GRPC &&
		    pmon_grpc_service(&sc->health, &ctx, m) == -1)
			break;
		if ((x = config_expand(sc->health.target, &ctx, xerr,
		    sizeof(xerr))) == NULL) {
			strlcpy(m->target, sc->health.target,
			    sizeof(m->target));
			strlcpy(m->error, xerr, sizeof(m->error));
			break;
		}
		strlcpy(m->target, x, sizeof(m->target));
		t = pmon_target_get(&p->health);
		if (m->check == MON_CHECK_HTTP)
			pmon_http_target(t, x, m);
		else {
			/* grpc: resolved as tcp: is; :authority as written */
			pmon_tcp_target(t, x, m->error, sizeof(m->error));
			if (m->check == MON_CHECK_GRPC)
				strlcpy(m->host, x, sizeof(m->host));
		}
		free(x);
		pmon_copy_target(t, m->addrs, &m->naddrs, m->error,
		    sizeof(m->error), m->resolve, m->resolve_port);
		break;
	case HEALTH_EXEC:
		m->check = MON_CHECK_EXEC;
		strlcpy(m->target, "exec", sizeof(m->target));
		for (i = 0; i < sc->health.exec_argc; i++) {
			strlcat(m->target, " ", sizeof(m->target));
			strlcat(m->target, sc->health.exec_argv[i],
			    sizeof(m->target));
		}
		break;
	default:
		break;
	}
	if (m->check != MON_CHECK_NONE) {
		m->interval_ms = sc->health.interval_ms ?
		    sc->health.interval_ms : 1;
		m->timeout_ms = sc->health.timeout_ms ?
		    sc->health.timeout_ms : 1;
		m->start_period_ms = sc->health.start_period_ms;
		m->retries = sc->health.retries;
	}

	switch (sc->ready) {
	case READY_NOTIFY:
		m->ready = MON_READY_NOTIFY;
		break;
	case READY_HEALTHY:
		m->ready = MON_READY_HEALTHY;
		break;
	case READY_TCP:
		m->ready = MON_READY_TCP;
		if ((x = config_expand(sc->ready_target, &ctx, xerr,
		    sizeof(xerr))) == NULL) {
			strlcpy(m->ready_target, sc->ready_target,
			    sizeof(m->ready_target));
			strlcpy(m->ready_error, xerr, sizeof(m->ready_error));
			break;
		}
		strlcpy(m->ready_target, x, sizeof(m->ready_target));
		t = pmon_target_get(&p->ready);
		pmon_tcp_target(t, x, m->ready_error, sizeof(m->ready_error));
		free(x);
		pmon_copy_target(t, m->ready_addrs, &m->nready_addrs,
		    m->ready_error, sizeof(m->ready_error), m->ready_resolve,
		    m->ready_resolve_port);
		break;
	default:
		m->ready = MON_READY_STARTED;
		break;
	}
}

