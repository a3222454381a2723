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
 * The start queue and its kick: what wants to be up and may start now
 * is started, in priority order, a turn's budget at a time.
 */

#include <sys/types.h>
#include <sys/tree.h>

#include <string.h>

#include <event.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

static int		 svc_kick_pending;
static struct event	 svc_kick_ev;

static void	svc_kick_cb(int, short, void *);

/*
 * The start queue: every instance that may have to start (it wants to
 * be up and is down) or waits to stop after its dependents, by priority
 * then id.  A kick looks at these only, not at every instance: starting
 * or restarting one of 10,000 costs O(log N), not a sort of them all.
 * An instance is put in when it may have become startable (want_up set,
 * down with want_up, a stop that waits); a kick takes it out once it
 * started or no longer wants to.  Those that wait (dependencies, an old
 * cgroup) stay in and are looked at again on the next kick.
 */
RB_HEAD(svc_kicktree, svc);
static struct svc_kicktree svc_kickq = RB_INITIALIZER(&svc_kickq);

static int
svc_kickcmp(struct svc *a, struct svc *b)
{
	int	 c;

	if (a->kick_prio != b->kick_prio)
		return (a->kick_prio < b->kick_prio ? -1 : 1);
	if ((c = strcmp(a->id, b->id)) != 0)
		return (c);
	return (a->seq < b->seq ? -1 : a->seq > b->seq);
}
RB_GENERATE_STATIC(svc_kicktree, svc, bykick, svc_kickcmp);

void
svc_kick_init(void)
{
	evtimer_set(&svc_kick_ev, svc_kick_cb, NULL);
}

/*
 * Start whatever wants to be up and may start now, in priority order.
 * Run from an event so that a burst of transitions costs one pass.
 */
void
svc_kick(void)
{
	struct timeval	 tv = { 0, 0 };

	if (svc_kick_pending)
		return;
	svc_kick_pending = 1;
	evtimer_add(&svc_kick_ev, &tv);
}

/*
 * A kick spawns within the turn's budget (parent_turn_busy), then yields
 * to the event loop and goes on in the next turn: starting 10,000
 * services is not one 1-second turn during which status, children and
 * helpers wait.
 */

void
svc_kickq_add(struct svc *s)
{
	if (!s->kickq) {
		s->kick_prio = s->grp->conf->priority;
		RB_INSERT(svc_kicktree, &svc_kickq, s);
		s->kickq = 1;
	}
	svc_kick();
}

void
svc_kickq_del(struct svc *s)
{
	if (!s->kickq)
		return;
	RB_REMOVE(svc_kicktree, &svc_kickq, s);
	s->kickq = 0;
}

static void
svc_kick_cb(int fd, short ev, void *arg)
{
	struct svc	*s, *next;

	svc_kick_pending = 0;
	if (svc_stopping_all()) {
		svc_shutdown_step();
		return;
	}
	for (s = RB_MIN(svc_kicktree, &svc_kickq); s != NULL; s = next) {
		next = RB_NEXT(svc_kicktree, &svc_kickq, s);
		/* A stop that waited for what depends on it. */
		if (s->stop_after_deps) {
			if (!svc_dependents_up(s)) {
				s->stop_after_deps = 0;
				svc_kickq_del(s);
				(void)svc_stop(s);
			}
			continue;
		}
		if (!s->want_up ||
		    (s->state != SVC_STOPPED && s->state != SVC_EXITED)) {
			svc_kickq_del(s);
			continue;
		}
		if (svc_cgroup_busy(s))		/* an old copy is stopping */
			continue;
		if (!svc_deps_ready(s))
			continue;
		svc_kickq_del(s);
		svc_do_spawn(s);
		if (parent_turn_busy()) {
			svc_kick();		/* the rest in the next turn */
			break;
		}
	}
}

void
svc_start_all(void)
{
	struct svc	*s;

	TAILQ_FOREACH(s, &svc_all, entry)
		if (s->grp->conf->autostart && s->state == SVC_STOPPED) {
			s->want_up = 1;
			svc_kickq_add(s);
		}
	svc_kick();
}
