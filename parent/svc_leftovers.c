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
 * What a service's main process leaves in its cgroup when it exits
 * (a double-forked daemon, a child it did not wait for) is killed with
 * cgroup.kill.  Finding out costs an open and a read of the group's
 * cgroup.events: in a stop of 10,000 that was a fifth of the parent's
 * work, done while the other services' exits waited for the CPU.
 *
 * So the check of an instance whose process was reaped comes a little
 * later: SVC_LEFTOVER_MS after the last reap that asked for one, at most
 * SVC_LEFTOVER_MAX_MS after the first; when nothing at all is left under
 * cg_base (a stop of them all), one read of its cgroup.events answers
 * for every instance.  An instance that is about to start again, or to
 * be freed, is checked at once (svc_leftovers_now), as before.
 */

#include <sys/types.h>
#include <sys/queue.h>


#include <event.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

#define SVC_LEFTOVER_MS		50
#define SVC_LEFTOVER_MAX_MS	1000

static struct event	 svc_lo_ev;
static int		 svc_lo_init;
static unsigned int	 svc_lo_pending;	/* instances with cg_check */
static uint64_t		 svc_lo_first;		/* when the first came, ms */

static void	svc_lo_cb(int, short, void *);

static void
svc_lo_arm(long long ms)
{
	struct timeval	 tv;

	if (!svc_lo_init) {
		evtimer_set(&svc_lo_ev, svc_lo_cb, NULL);
		svc_lo_init = 1;
	}
	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&svc_lo_ev, &tv);
}

/* s's process was reaped: look for what it left, soon. */
void
svc_leftovers_later(struct svc *s)
{
	long long	 left;

	if (s->cgroup == NULL)
		return;
	if (!s->cg_check) {
		s->cg_check = 1;
		if (svc_lo_pending++ == 0)
			svc_lo_first = svc_mono_ms();
	}
	left = SVC_LEFTOVER_MAX_MS - (long long)(svc_mono_ms() - svc_lo_first);
	svc_lo_arm(left < SVC_LEFTOVER_MS ? left : SVC_LEFTOVER_MS);
}

/* Now: s starts again, or is freed. */
void
svc_leftovers_now(struct svc *s)
{
	if (!s->cg_check)
		return;
	s->cg_check = 0;
	svc_lo_pending--;
	if (s->cgroup != NULL && svc_cgroup_populated(s->cgroup)) {
		(void)svc_cgroup_kill(s->cgroup);
		s->cgroup_killed = 1;
	}
}

/*
 * Every check still to do, within the turn's budget unless all is 1 (at
 * exit).  0 when some are left for the next turn.
 */
static int
svc_lo_run(int all)
{
	struct svc	*s;
	unsigned int	 n = 0;
	int		 empty;

	if (svc_lo_pending == 0)
		return (1);
	empty = svc_cgroup_available() &&
	    !svc_cgroup_populated(svc_cgroup_base());
	TAILQ_FOREACH(s, &svc_all, entry) {
		if (!s->cg_check)
			continue;
		if (empty) {
			s->cg_check = 0;
			svc_lo_pending--;
			continue;
		}
		svc_leftovers_now(s);
		if (!all && ++n % 8 == 0 && parent_turn_busy())
			return (0);
	}
	return (1);
}

static void
svc_lo_cb(int fd, short ev, void *arg)
{
	if (parent_turn_busy() || !svc_lo_run(0))
		svc_lo_arm(0);
}

/* At exit: nothing is left unchecked. */
void
svc_leftovers_flush(void)
{
	(void)svc_lo_run(1);
	if (svc_lo_init)
		evtimer_del(&svc_lo_ev);
}
