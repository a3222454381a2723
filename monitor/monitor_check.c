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
 */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "monitor.h"

#define CHECK_EXEC_GRACE_MS	5000	/* the parent kills at timeout */
#define READY_PROBE_TIMEOUT_MS	1000

static void	check_run(int, short, void *);
static void	ready_run(int, short, void *);

static int
check_in_start_period(struct mon_svc *ms)
{
	return (!ms->passed &&
	    mon_now_ms() - ms->start_ms < ms->def.start_period_ms);
}

static void
check_schedule(struct mon_svc *ms)
{
	uint64_t	 delay = ms->def.interval_ms;

	if (check_in_start_period(ms) && delay > MON_FIRST_CHECK_MS)
		delay = MON_FIRST_CHECK_MS;
	evtimer_del(&ms->check_ev);
	mon_timer_add(&ms->check_ev, delay);
}

static void
check_report(struct mon_svc *ms, int health, const char *why)
{
	struct msg_mon_health	 h;

	memset(&h, 0, sizeof(h));
	h.key = ms->def.key;
	h.health = health;
	h.failures = ms->failures;
	strlcpy(h.reason, why, sizeof(h.reason));
	(void)mon_send(IMSG_MON_HEALTH, &h, sizeof(h));
}

static void
check_result(struct mon_svc *ms, int ok, const char *why)
{
	unsigned int	 retries = ms->def.retries ? ms->def.retries : 1;

	if (ok) {
		ms->failures = 0;
		ms->passed = 1;
		if (ms->health != MON_HEALTH_HEALTHY) {
			ms->health = MON_HEALTH_HEALTHY;
			check_report(ms, MON_HEALTH_HEALTHY, why);
		}
	} else if (check_in_start_period(ms)) {
		log_debug("%s: health check failed in start_period: %s",
		    ms->def.id, why);
	} else {
		ms->failures++;
		/* Log the way to unhealthy, not every failure after it. */
		if (ms->failures <= retries)
			log_info("%s: health check failed (%u of %u): %s",
			    ms->def.id, ms->failures, retries, why);
		else
			log_debug("%s: health check failed (%u): %s",
			    ms->def.id, ms->failures, why);
		if (ms->failures >= retries &&
		    ms->health != MON_HEALTH_UNHEALTHY) {
			ms->health = MON_HEALTH_UNHEALTHY;
			check_report(ms, MON_HEALTH_UNHEALTHY, why);
		}
	}
	check_schedule(ms);
}

static void
check_probe_cb(struct mon_svc *ms, int ok, const char *why)
{
	char	 msg[MON_TEXTMAX];

	ms->probe = NULL;
	mon_join(msg, sizeof(msg), ms->def.target, why);
	check_result(ms, ok, msg);
}

static void
check_run(int fd, short ev, void *arg)
{
	struct mon_svc		*ms = arg;
	struct msg_mon_key	 k;
	char			 why[MON_TEXTMAX];

	if (ms->exec_wait) {
		/* The parent never answered: count it as a failure. */
		ms->exec_wait = 0;
		check_result(ms, 0, "exec check: no answer from the parent");
		return;
	}
	if (ms->probe != NULL)
		return;
	switch (ms->def.check) {
	case MON_CHECK_HTTP:
	case MON_CHECK_TCP:
		if (ms->def.naddrs == 0) {
			mon_join(why, sizeof(why), ms->def.target,
			    ms->def.error[0] ? ms->def.error : "no address");
			check_result(ms, 0, why);
			return;
		}
		ms->probe = mon_probe_start(ms, ms->def.addrs,
		    ms->def.naddrs, ms->def.check == MON_CHECK_HTTP ?
		    ms->def.host : NULL, ms->def.uri, ms->def.timeout_ms,
		    check_probe_cb);
		break;
	case MON_CHECK_EXEC:
		memset(&k, 0, sizeof(k));
		k.key = ms->def.key;
		if (mon_send(IMSG_MON_EXEC, &k, sizeof(k)) == -1) {
			check_schedule(ms);
			return;
		}
		ms->exec_wait = 1;
		mon_timer_add(&ms->check_ev, ms->def.timeout_ms +
		    CHECK_EXEC_GRACE_MS);
		break;
	default:
		break;
	}
}

void
mon_check_exec_result(struct mon_svc *ms, const struct msg_mon_exec_result *r)
{
	if (!ms->exec_wait)
		return;
	ms->exec_wait = 0;
	evtimer_del(&ms->check_ev);
	check_result(ms, r->ok != 0, r->reason);
}

static void
ready_probe_cb(struct mon_svc *ms, int ok, const char *why)
{
	struct msg_mon_key	 k;

	ms->rprobe = NULL;
	if (!ok) {
		log_debug("%s: ready: tcp://%s: %s", ms->def.id,
		    ms->def.ready_target, why);
		mon_timer_add(&ms->ready_ev, MON_READY_RETRY_MS);
		return;
	}
	ms->ready_done = 1;
	log_debug("%s: ready: tcp://%s accepts connections", ms->def.id,
	    ms->def.ready_target);
	memset(&k, 0, sizeof(k));
	k.key = ms->def.key;
	(void)mon_send(IMSG_MON_READY, &k, sizeof(k));
}

static void
ready_run(int fd, short ev, void *arg)
{
	struct mon_svc	*ms = arg;

	if (ms->ready_done || ms->rprobe != NULL ||
	    !(ms->def.flags & MON_SVC_STARTING))
		return;
	ms->rprobe = mon_probe_start(ms, ms->def.ready_addrs,
	    ms->def.nready_addrs, NULL, NULL, READY_PROBE_TIMEOUT_MS,
	    ready_probe_cb);
}

void
mon_check_start(struct mon_svc *ms)
{
	uint64_t	 first;

	evtimer_set(&ms->check_ev, check_run, ms);
	evtimer_set(&ms->ready_ev, ready_run, ms);
	if (ms->def.check != MON_CHECK_NONE) {
		first = ms->def.interval_ms < MON_FIRST_CHECK_MS ?
		    ms->def.interval_ms : MON_FIRST_CHECK_MS;
		/* A respawned monitor: the process may be old already. */
		if (mon_now_ms() - ms->start_ms >= first)
			first = 0;
		else
			first -= mon_now_ms() - ms->start_ms;
		mon_timer_add(&ms->check_ev, first);
	}
	if (ms->def.ready == MON_READY_TCP &&
	    (ms->def.flags & MON_SVC_STARTING)) {
		if (ms->def.nready_addrs == 0)
			log_warnx("%s: ready: tcp://%s: %s; it stays STARTING",
			    ms->def.id, ms->def.ready_target,
			    ms->def.ready_error[0] ? ms->def.ready_error :
			    "no address");
		else
			mon_timer_add(&ms->ready_ev, 0);
	}
}

void
mon_check_update(struct mon_svc *ms)
{
	if (!(ms->def.flags & MON_SVC_STARTING)) {
		evtimer_del(&ms->ready_ev);
		mon_probe_cancel(ms->rprobe);
		ms->rprobe = NULL;
	}
}

void
mon_check_stop(struct mon_svc *ms)
{
	evtimer_del(&ms->check_ev);
	evtimer_del(&ms->ready_ev);
	mon_probe_cancel(ms->probe);
	mon_probe_cancel(ms->rprobe);
	ms->probe = ms->rprobe = NULL;
	ms->exec_wait = 0;
}
