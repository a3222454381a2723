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
 * Health checks and the ready: tcp:// probe of one service process.
 *
 * Timing: the first check runs min(interval, 1 s) after the process
 * started, and so does every check while the process has never passed
 * one and is still in its start_period (so that `ready: healthy' is
 * noticed quickly); after that, one check per interval.  A failure
 * inside start_period, before the first pass, does not count.  After
 * `retries' failures in a row the process is reported unhealthy (once),
 * after a pass healthy (once).  An exec check is run by the parent, as
 * the service's user: the monitor only asks and waits for the answer.
 *
 * A process with neither a check nor ready: tcp:// (most) has no struct
 * mon_check at all.  The same process defined again with a different
 * check or probe (or none) gets a fresh one: the old one is stopped and
 * freed first, so that no probe is left pointing at its addresses.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "monitor.h"

#define CHECK_EXEC_GRACE_MS	5000	/* the parent kills at timeout */
#define READY_PROBE_TIMEOUT_MS	1000

static void	check_run(int, short, void *);
static void	check_dns_cb(void *, const struct mon_addr *, unsigned int,
		    const char *);
static void	ready_run(int, short, void *);
static void	ready_dns_cb(void *, const struct mon_addr *, unsigned int,
		    const char *);

static int
check_in_start_period(struct mon_svc *ms)
{
	return (!ms->chk->passed &&
	    mon_now_ms() - ms->start_ms < ms->chk->start_period_ms);
}

static void
check_schedule(struct mon_svc *ms)
{
	struct mon_check	*c = ms->chk;
	uint64_t		 delay = c->interval_ms;

	if (check_in_start_period(ms) && delay > MON_FIRST_CHECK_MS)
		delay = MON_FIRST_CHECK_MS;
	evtimer_del(&c->check_ev);
	mon_timer_add(&c->check_ev, delay);
}

static void
check_report(struct mon_svc *ms, int health, const char *why)
{
	struct msg_mon_health	 h;

	memset(&h, 0, sizeof(h));
	h.key = ms->key;
	h.health = health;
	h.failures = ms->chk->failures;
	strlcpy(h.reason, why, sizeof(h.reason));
	(void)mon_send(IMSG_MON_HEALTH, &h, sizeof(h));
}

static void
check_result(struct mon_svc *ms, int ok, const char *why)
{
	struct mon_check	*c = ms->chk;
	unsigned int		 retries = c->retries ? c->retries : 1;

	if (ok) {
		c->failures = 0;
		c->passed = 1;
		if (c->health != MON_HEALTH_HEALTHY) {
			c->health = MON_HEALTH_HEALTHY;
			check_report(ms, MON_HEALTH_HEALTHY, why);
		}
	} else if (check_in_start_period(ms)) {
		log_debug("%s: health check failed in start_period: %s",
		    ms->id, why);
	} else {
		c->failures++;
		/* Log the way to unhealthy, not every failure after it. */
		if (c->failures <= retries)
			log_info("%s: health check failed (%u of %u): %s",
			    ms->id, c->failures, retries, why);
		else
			log_debug("%s: health check failed (%u): %s",
			    ms->id, c->failures, why);
		if (c->failures >= retries &&
		    c->health != MON_HEALTH_UNHEALTHY) {
			c->health = MON_HEALTH_UNHEALTHY;
			check_report(ms, MON_HEALTH_UNHEALTHY, why);
		}
	}
	check_schedule(ms);
}

static void
check_probe_cb(struct mon_svc *ms, int ok, const char *why)
{
	char	 msg[MON_TEXTMAX];

	ms->chk->probe = NULL;
	mon_join(msg, sizeof(msg), ms->chk->target, why);
	check_result(ms, ok, msg);
}

/* The addresses of the check's name: now the check itself. */
static void
check_dns_cb(void *arg, const struct mon_addr *addrs, unsigned int n,
    const char *err)
{
	struct mon_svc		*ms = arg;
	struct mon_check	*c = ms->chk;
	char			 why[MON_TEXTMAX], what[MON_TEXTMAX];

	c->dns = NULL;
	if (n == 0) {
		c->resolved_ms = 0;
		if (snprintf(what, sizeof(what), "cannot resolve %.64s: %s",
		    c->resolve, err) < 0)
			what[0] = '\0';
		mon_join(why, sizeof(why), c->target, what);
		check_result(ms, 0, why);
		return;
	}
	log_debug("%s: %s resolved by the monitor: %u address%s", ms->id,
	    c->resolve, n, n == 1 ? "" : "es");
	memcpy(c->raddrs, addrs, n * sizeof(c->raddrs[0]));
	c->nraddrs = n;
	c->resolved_ms = mon_now_ms() | 1;
	check_run(-1, 0, ms);
}

static void
check_run(int fd, short ev, void *arg)
{
	struct mon_svc		*ms = arg;
	struct mon_check	*c = ms->chk;
	struct msg_mon_key	 k;
	const struct mon_addr	*addrs;
	unsigned int		 naddrs;
	char			 why[MON_TEXTMAX];

	if (c->exec_wait) {
		/* The parent never answered: count it as a failure. */
		c->exec_wait = 0;
		check_result(ms, 0, "exec check: no answer from the parent");
		return;
	}
	if (c->probe != NULL)
		return;
	switch (c->type) {
	case MON_CHECK_HTTP:
	case MON_CHECK_TCP:
	case MON_CHECK_GRPC:
		if (c->resolve[0] != '\0') {
			if (c->dns != NULL)
				return;		/* still asking */
			if (c->resolved_ms == 0 ||
			    mon_now_ms() - c->resolved_ms >= MON_DNS_TTL_MS) {
				/* Its answer runs the check (maybe now). */
				c->dns = mon_dns_resolve(c->resolve,
				    c->resolve_port, check_dns_cb, ms);
				return;
			}
			addrs = c->raddrs;
			naddrs = c->nraddrs;
		} else {
			addrs = c->addrs;
			naddrs = c->naddrs;
		}
		if (naddrs == 0) {
			mon_join(why, sizeof(why), c->target,
			    c->error[0] ? c->error : "no address");
			check_result(ms, 0, why);
			return;
		}
		if (c->type == MON_CHECK_GRPC)
			c->probe = mon_probe_start_grpc(ms, addrs, naddrs,
			    c->host, c->service, c->timeout_ms,
			    check_probe_cb);
		else
			c->probe = mon_probe_start(ms, addrs, naddrs,
			    c->type == MON_CHECK_HTTP ? c->host : NULL,
			    c->uri, c->timeout_ms, check_probe_cb);
		break;
	case MON_CHECK_EXEC:
		memset(&k, 0, sizeof(k));
		k.key = ms->key;
		if (mon_send(IMSG_MON_EXEC, &k, sizeof(k)) == -1) {
			check_schedule(ms);
			return;
		}
		c->exec_wait = 1;
		mon_timer_add(&c->check_ev, c->timeout_ms +
		    CHECK_EXEC_GRACE_MS);
		break;
	default:
		break;
	}
}

void
mon_check_exec_result(struct mon_svc *ms, const struct msg_mon_exec_result *r)
{
	struct mon_check	*c = ms->chk;

	if (c == NULL || !c->exec_wait)
		return;
	c->exec_wait = 0;
	evtimer_del(&c->check_ev);
	check_result(ms, r->ok != 0, r->reason);
}

static void
ready_probe_cb(struct mon_svc *ms, int ok, const char *why)
{
	struct mon_check	*c = ms->chk;
	struct msg_mon_key	 k;

	c->rprobe = NULL;
	if (!ok) {
		log_debug("%s: ready: tcp://%s: %s", ms->id,
		    c->ready_target, why);
		mon_timer_add(&c->ready_ev, MON_READY_RETRY_MS);
		return;
	}
	c->ready_done = 1;
	log_debug("%s: ready: tcp://%s accepts connections", ms->id,
	    c->ready_target);
	memset(&k, 0, sizeof(k));
	k.key = ms->key;
	(void)mon_send(IMSG_MON_READY, &k, sizeof(k));
}

static void
ready_run(int fd, short ev, void *arg)
{
	struct mon_svc		*ms = arg;
	struct mon_check	*c = ms->chk;

	if (c->ready_done || c->rprobe != NULL || c->rdns != NULL ||
	    !(ms->flags & MON_SVC_STARTING))
		return;
	if (c->ready_resolve[0] == '\0') {
		c->rprobe = mon_probe_start(ms, c->ready_addrs,
		    c->nready_addrs, NULL, NULL, READY_PROBE_TIMEOUT_MS,
		    ready_probe_cb);
		return;
	}
	if (c->ready_resolved_ms == 0 ||
	    mon_now_ms() - c->ready_resolved_ms >= MON_DNS_TTL_MS) {
		c->rdns = mon_dns_resolve(c->ready_resolve,
		    c->ready_resolve_port, ready_dns_cb, ms);
		return;
	}
	c->rprobe = mon_probe_start(ms, c->ready_raddrs, c->nready_raddrs,
	    NULL, NULL, READY_PROBE_TIMEOUT_MS, ready_probe_cb);
}

static void
ready_dns_cb(void *arg, const struct mon_addr *addrs, unsigned int n,
    const char *err)
{
	struct mon_svc		*ms = arg;
	struct mon_check	*c = ms->chk;

	c->rdns = NULL;
	if (n == 0) {
		c->ready_resolved_ms = 0;
		log_debug("%s: ready: tcp://%s: cannot resolve %s: %s",
		    ms->id, c->ready_target, c->ready_resolve, err);
		mon_timer_add(&c->ready_ev, MON_READY_RETRY_MS);
		return;
	}
	memcpy(c->ready_raddrs, addrs, n * sizeof(c->ready_raddrs[0]));
	c->nready_raddrs = n;
	c->ready_resolved_ms = mon_now_ms() | 1;
	ready_run(-1, 0, ms);
}

/*
 * The check and ready probe that d defines, NULL if neither.  Only the
 * parts in use are copied; the rest stays zero, so that two of them can
 * be compared.
 */
static struct mon_check *
check_new(struct mon_svc *ms, const struct msg_mon_svc *d)
{
	struct mon_check	*c;

	if (d->check == MON_CHECK_NONE && d->ready != MON_READY_TCP)
		return (NULL);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal(NULL);
	c->type = d->check;
	if (d->check != MON_CHECK_NONE) {
		c->naddrs = d->naddrs;
		memcpy(c->addrs, d->addrs, d->naddrs * sizeof(c->addrs[0]));
		if (d->check == MON_CHECK_HTTP) {
			strlcpy(c->host, d->host, sizeof(c->host));
			strlcpy(c->uri, d->uri, sizeof(c->uri));
		}
		if (d->check == MON_CHECK_GRPC) {
			strlcpy(c->host, d->host, sizeof(c->host));
			strlcpy(c->service, d->service, sizeof(c->service));
		}
		strlcpy(c->target, d->target, sizeof(c->target));
		strlcpy(c->error, d->error, sizeof(c->error));
		strlcpy(c->resolve, d->resolve, sizeof(c->resolve));
		strlcpy(c->resolve_port, d->resolve_port,
		    sizeof(c->resolve_port));
		c->interval_ms = d->interval_ms;
		c->timeout_ms = d->timeout_ms;
		c->start_period_ms = d->start_period_ms;
		c->retries = d->retries;
	}
	if (d->ready == MON_READY_TCP) {
		c->ready_tcp = 1;
		c->nready_addrs = d->nready_addrs;
		memcpy(c->ready_addrs, d->ready_addrs,
		    d->nready_addrs * sizeof(c->ready_addrs[0]));
		strlcpy(c->ready_target, d->ready_target,
		    sizeof(c->ready_target));
		strlcpy(c->ready_error, d->ready_error,
		    sizeof(c->ready_error));
		strlcpy(c->ready_resolve, d->ready_resolve,
		    sizeof(c->ready_resolve));
		strlcpy(c->ready_resolve_port, d->ready_resolve_port,
		    sizeof(c->ready_resolve_port));
	}
	evtimer_set(&c->check_ev, check_run, ms);
	evtimer_set(&c->ready_ev, ready_run, ms);
	return (c);
}

/* Do a and b (from check_new, either may be NULL) define the same? */
static int
check_same(const struct mon_check *a, const struct mon_check *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (a->type == b->type && a->naddrs == b->naddrs &&
	    memcmp(a->addrs, b->addrs, sizeof(a->addrs)) == 0 &&
	    strcmp(a->host, b->host) == 0 && strcmp(a->uri, b->uri) == 0 &&
	    strcmp(a->service, b->service) == 0 &&
	    strcmp(a->target, b->target) == 0 &&
	    strcmp(a->error, b->error) == 0 &&
	    a->interval_ms == b->interval_ms &&
	    a->timeout_ms == b->timeout_ms &&
	    a->start_period_ms == b->start_period_ms &&
	    a->retries == b->retries &&
	    a->ready_tcp == b->ready_tcp &&
	    a->nready_addrs == b->nready_addrs &&
	    memcmp(a->ready_addrs, b->ready_addrs,
	    sizeof(a->ready_addrs)) == 0 &&
	    strcmp(a->ready_target, b->ready_target) == 0 &&
	    strcmp(a->ready_error, b->ready_error) == 0 &&
	    strcmp(a->resolve, b->resolve) == 0 &&
	    strcmp(a->resolve_port, b->resolve_port) == 0 &&
	    strcmp(a->ready_resolve, b->ready_resolve) == 0 &&
	    strcmp(a->ready_resolve_port, b->ready_resolve_port) == 0);
}

/* Arm what ms->chk defines: the first check, the ready probe. */
static void
check_arm(struct mon_svc *ms)
{
	struct mon_check	*c = ms->chk;
	uint64_t		 first, age;

	if (c == NULL)
		return;
	if (c->type != MON_CHECK_NONE) {
		first = c->interval_ms < MON_FIRST_CHECK_MS ?
		    c->interval_ms : MON_FIRST_CHECK_MS;
		/* A respawned monitor: the process may be old already. */
		age = mon_now_ms() - ms->start_ms;
		first = age >= first ? 0 : first - age;
		mon_timer_add(&c->check_ev, first);
	}
	if (c->ready_tcp && (ms->flags & MON_SVC_STARTING)) {
		if (c->nready_addrs == 0 && c->ready_resolve[0] == '\0')
			log_warnx("%s: ready: tcp://%s: %s; it stays STARTING",
			    ms->id, c->ready_target,
			    c->ready_error[0] ? c->ready_error : "no address");
		else
			mon_timer_add(&c->ready_ev, 0);
	}
}

/* A new process: its check and ready probe, if it has either. */
void
mon_check_start(struct mon_svc *ms, const struct msg_mon_svc *d)
{
	ms->chk = check_new(ms, d);
	check_arm(ms);
}

/*
 * The same process defined again: a new state (no more ready probe once
 * RUNNING), and the check and probe of d, if they are not those of ms.
 */
void
mon_check_update(struct mon_svc *ms, const struct msg_mon_svc *d)
{
	struct mon_check	*c;

	c = check_new(ms, d);
	if (!check_same(ms->chk, c)) {
		log_debug("%s: health check or ready probe redefined", ms->id);
		mon_check_stop(ms);
		ms->chk = c;
		check_arm(ms);
		return;
	}
	free(c);
	if ((c = ms->chk) != NULL && !(ms->flags & MON_SVC_STARTING)) {
		evtimer_del(&c->ready_ev);
		mon_probe_cancel(c->rprobe);
		c->rprobe = NULL;
		mon_dns_cancel(c->rdns);
		c->rdns = NULL;
	}
}

/* No more checks or probes: free what ms->chk held. */
void
mon_check_stop(struct mon_svc *ms)
{
	struct mon_check	*c = ms->chk;

	if (c == NULL)
		return;
	evtimer_del(&c->check_ev);
	evtimer_del(&c->ready_ev);
	mon_probe_cancel(c->probe);
	mon_probe_cancel(c->rprobe);
	mon_dns_cancel(c->dns);
	mon_dns_cancel(c->rdns);
	free(c);
	ms->chk = NULL;
}
