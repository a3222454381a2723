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
 * A reload that changes a service with several instances restarts them
 * one at a time, as `vigilctl restart --rolling` does: the next old
 * instance stops only once the one before is RUNNING (ready, per ready:)
 * with its new process, so that never fewer than N-1 serve.  A new
 * instance that fails (FATAL, or down for good) ends the roll: the rest
 * keep running the previous configuration, and the log says so.  A second
 * reload of the same service starts its roll anew.  Steps run from an
 * event, never inside a state transition.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "parent.h"
#include "parent_control.h"
#include "svc.h"

struct reload_roll {
	TAILQ_ENTRY(reload_roll) entry;
	char			 name[VIGIL_NAMEMAX];
	unsigned int		 next;		/* the next instance */
	char			 waiting[VIGIL_IDNAMEMAX];	/* or "" */
	pid_t			 oldpid;
	int			 done;
};

static TAILQ_HEAD(, reload_roll) reload_rolls =
    TAILQ_HEAD_INITIALIZER(reload_rolls);
static struct event		 reload_roll_ev;
static int			 reload_roll_init;
static int			 reload_roll_pending;

static void
reload_roll_kick(void)
{
	struct timeval	 tv = { 0, 0 };

	if (reload_roll_pending)
		return;
	reload_roll_pending = 1;
	evtimer_add(&reload_roll_ev, &tv);
}

static int
reload_roll_up(const struct svc *s)
{
	return (s->state == SVC_STARTING || s->state == SVC_RUNNING ||
	    s->state == SVC_STOPPING);
}

/* Restart the next instance that runs; start the others as before. */
static void
reload_roll_step(struct reload_roll *r)
{
	struct svc_group	*g;
	struct svc		*s;

	if ((g = svc_group_find(r->name)) == NULL || g->removed ||
	    svc_stopping_all()) {
		r->done = 1;
		return;
	}
	while (r->next < g->ninst) {
		s = g->inst[r->next++];
		if (reload_roll_up(s)) {
			r->oldpid = s->pid;
			if (svc_restart(s) == 0) {
				strlcpy(r->waiting, s->id, sizeof(r->waiting));
				log_info("reload: %s: restarting, the next one "
				    "once it is RUNNING", s->id);
				return;
			}
		} else if (s->state == SVC_BACKOFF ||
		    (g->conf->autostart && s->state != SVC_EXITED))
			(void)svc_start(s);
	}
	r->done = 1;
}

static void
reload_roll_cb(int fd, short ev, void *arg)
{
	struct reload_roll	*r, *nr;

	reload_roll_pending = 0;
	TAILQ_FOREACH_SAFE(r, &reload_rolls, entry, nr) {
		if (!r->done && r->waiting[0] == '\0')
			reload_roll_step(r);
		if (r->done) {
			TAILQ_REMOVE(&reload_rolls, r, entry);
			free(r);
			parent_upgrade_recheck();	/* if one waits */
		}
	}
}

static void
reload_roll_changed(struct svc *s, enum svc_state old)
{
	struct reload_roll	*r;

	TAILQ_FOREACH(r, &reload_rolls, entry) {
		if (r->done || strcmp(r->waiting, s->id) != 0)
			continue;
		if (s->state == SVC_RUNNING && s->pid != r->oldpid) {
			r->waiting[0] = '\0';
			reload_roll_kick();
		} else if (s->state == SVC_FATAL ||
		    ((s->state == SVC_STOPPED || s->state == SVC_EXITED) &&
		    !s->want_up && !s->restart_after_stop)) {
			log_warnx("reload: %s: the rolling restart stopped: %s "
			    "is %s; the instances after it keep the previous "
			    "configuration until restarted", r->name, s->id,
			    svc_state_name(s->state));
			r->done = 1;
			reload_roll_kick();
			pctl_wait_recheck();	/* reload --wait: ends */
		}
	}
}

/* 1 if a roll of that service has instances still to restart. */
int
reload_roll_busy(const char *name)
{
	struct reload_roll	*r;

	TAILQ_FOREACH(r, &reload_rolls, entry)
		if (!r->done && strcmp(r->name, name) == 0)
			return (1);
	return (0);
}

/* The rolls going on, for an upgrade (which waits for them). */
size_t
reload_roll_count(void)
{
	struct reload_roll	*r;
	size_t			 n = 0;

	TAILQ_FOREACH(r, &reload_rolls, entry)
		if (!r->done)
			n++;
	return (n);
}

/* The group has its new configuration: restart it, one at a time. */
void
reload_roll_start(struct svc_group *g)
{
	struct reload_roll	*r;

	if (!reload_roll_init) {
		evtimer_set(&reload_roll_ev, reload_roll_cb, NULL);
		svc_add_listener(reload_roll_changed);
		reload_roll_init = 1;
	}
	TAILQ_FOREACH(r, &reload_rolls, entry)
		if (strcmp(r->name, g->conf->name) == 0)
			r->done = 1;		/* a newer roll replaces it */
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal(NULL);
	strlcpy(r->name, g->conf->name, sizeof(r->name));
	TAILQ_INSERT_TAIL(&reload_rolls, r, entry);
	reload_roll_step(r);
	reload_roll_kick();
}
