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
 * Start-up settling (READY=1) and the shutdown: stop everything in
 * dependency order, then end the daemon.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

static int		 svc_stopping_everything;
static struct svc	*svc_settle_cursor;	/* see svc_all_settled */
static int		 svc_shutdown_sent;	/* the first pass is done */

/*
 * Stop everything, dependents before what they depend on, higher
 * priority numbers first; end the daemon when all is down.
 */
void
svc_shutdown(void)
{
	struct svc	*s;

	svc_stopping_everything = 1;
	TAILQ_FOREACH(s, &svc_all, entry) {
		s->want_up = 0;
		s->restart_after_stop = 0;
		if (s->state == SVC_BACKOFF) {
			svc_timer_clear(s);
			svc_set_state(s, SVC_STOPPED, NULL);
		}
	}
	svc_kick();
}

/*
 * Start-up is over: every autostart instance has been started and is
 * RUNNING, or has given up (FATAL, EXITED), or waits for a dependency that
 * gave up.  systemd's READY=1 is sent then.
 */
/* An autostart instance that start-up still waits for. */
static int
svc_unsettled(struct svc *s)
{
	if (!s->grp->conf->autostart)
		return (0);
	switch (s->state) {
	case SVC_STARTING:
	case SVC_BACKOFF:
		return (1);
	case SVC_STOPPED:
		return (s->want_up && !svc_dep_failed(s));
	default:
		return (0);
	}
}

/*
 * Called on every state change until start-up settles: it resumes at the
 * instance that was unsettled last time (start-up goes through svc_all
 * in order, so the whole start-up costs O(N), not a scan per change) and
 * answers 1 only after a full turn of the list found nothing unsettled.
 */
int
svc_all_settled(void)
{
	struct svc	*s, *from = svc_settle_cursor;

	if (from == NULL)
		from = TAILQ_FIRST(&svc_all);
	for (s = from; s != NULL; s = TAILQ_NEXT(s, entry))
		if (svc_unsettled(s)) {
			svc_settle_cursor = s;
			return (0);
		}
	for (s = TAILQ_FIRST(&svc_all); s != from && s != NULL;
	    s = TAILQ_NEXT(s, entry))
		if (svc_unsettled(s)) {
			svc_settle_cursor = s;
			return (0);
		}
	svc_settle_cursor = NULL;
	return (1);
}

/* s is freed: the settle cursor must not point at it. */
void
svc_settle_forget(struct svc *s)
{
	if (svc_settle_cursor == s)
		svc_settle_cursor = NULL;
}

int
svc_stopping_all(void)
{
	return (svc_stopping_everything);
}

/*
 * A pass over every instance, dependents first: without dependencies
 * one pass stops them all, and later kicks only count what is left.  A
 * pass acts within the turn's budget (parent_turn_busy) and goes on in
 * the next turn: a shutdown of 10,000 is not one turn of 100 ms during
 * which children, clients and helpers wait.  It keeps the instances by
 * id, since one may be freed between two turns.
 */
static char	**svc_pass_ids;		/* the pass going on, or NULL */
static size_t	  svc_pass_n, svc_pass_i;
static int	  svc_pass_alive;
static unsigned long svc_pass_gen;	/* svc_kick_gen when it began */

static void
svc_pass_free(void)
{
	size_t	 i;

	for (i = 0; i < svc_pass_n; i++)
		free(svc_pass_ids[i]);
	free(svc_pass_ids);
	svc_pass_ids = NULL;
	svc_pass_n = svc_pass_i = 0;
}

void
svc_shutdown_step(void)
{
	struct svc	**v, *s;
	size_t		  n, i;

	if (svc_pass_ids == NULL) {
		if (svc_shutdown_sent && svc_ndep_groups == 0) {
			if (svc_nalive() == 0)
				parent_shutdown_done();
			return;
		}
		svc_shutdown_sent = 1;
		v = svc_sorted(&n);
		if ((svc_pass_ids = reallocarray(NULL, n + 1,
		    sizeof(*svc_pass_ids))) == NULL)
			fatal(NULL);
		for (i = 0; i < n; i++)	/* highest priority number first */
			if ((svc_pass_ids[i] = strdup(v[n - 1 - i]->id)) ==
			    NULL)
				fatal(NULL);
		free(v);
		svc_pass_n = n;
		svc_pass_alive = 0;
		svc_pass_gen = svc_kick_gen;
	}
	parent_sigchld_hold();
	while (svc_pass_i < svc_pass_n) {
		s = svc_find(svc_pass_ids[svc_pass_i++]);
		if (s != NULL && svc_alive(s)) {
			svc_pass_alive = 1;
			if (s->state != SVC_STOPPING &&
			    !svc_has_live_dependent(s))
				(void)svc_stop(s);
		}
		if (svc_pass_i < svc_pass_n && svc_pass_i % 8 == 0 &&
		    parent_turn_busy()) {
			parent_sigchld_release();
			svc_kick();		/* the rest in the next turn */
			return;
		}
	}
	parent_sigchld_release();
	svc_pass_free();
	if (!svc_pass_alive)
		parent_shutdown_done();
	else if (svc_ndep_groups > 0 && svc_kick_gen != svc_pass_gen)
		svc_kick();	/* what went down meanwhile frees others */
}
