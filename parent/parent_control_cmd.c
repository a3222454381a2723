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
 * The commands that act on services: start, stop, restart and signal,
 * and what --wait and --rolling make of them.  A waiting request keeps
 * one entry per instance; a listener on
 * the state machine (svc_add_listener) settles an entry when its
 * instance reaches the wanted state (RUNNING with a new process, or
 * down) or gives up (FATAL, or down and no longer wanted), and a timer
 * settles what is left when --timeout passes.  Reporting, the next step
 * of a rolling restart and the final END run from a deferred event, never
 * from inside a state transition.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "ctl_format.h"
#include "ctl_proto.h"
#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "svc.h"

static TAILQ_HEAD(, pctl_peer)	 pctl_waiting =
    TAILQ_HEAD_INITIALIZER(pctl_waiting);
static struct event		 pctl_kick_ev;
static TAILQ_HEAD(, pctl_peer)	 pctl_acting =
    TAILQ_HEAD_INITIALIZER(pctl_acting);
static struct event		 pctl_act_ev;
static int			 pctl_kick_pending;

static void	pctl_svc_changed(struct svc *, enum svc_state);
static void	pctl_kick(void);
static void	pctl_kick_cb(int, short, void *);
static void	pctl_step(struct pctl_peer *);
static void	pctl_act_cb(int, short, void *);

void
pctl_wait_init(void)
{
	evtimer_set(&pctl_kick_ev, pctl_kick_cb, NULL);
	evtimer_set(&pctl_act_ev, pctl_act_cb, NULL);
	svc_add_listener(pctl_svc_changed);
}

void
pctl_wait_forget(struct pctl_peer *p)
{
	size_t	 i;

	if (p->acting) {
		TAILQ_REMOVE(&pctl_acting, p, aentry);
		p->acting = 0;
	}
	for (i = 0; i < p->nact; i++)
		free(p->actids[i]);
	free(p->actids);
	p->actids = NULL;
	p->nact = p->iact = 0;
	if (!p->waiting)
		return;
	TAILQ_REMOVE(&pctl_waiting, p, wentry);
	p->waiting = 0;
}

static void
pctl_kick(void)
{
	struct timeval	 tv = { 0, 0 };

	if (pctl_kick_pending)
		return;
	pctl_kick_pending = 1;
	evtimer_add(&pctl_kick_ev, &tv);
}

static void
pctl_done(struct pctl_wait *w, int result, const char *fmt, ...)
	__attribute__((__format__ (printf, 3, 4)));

static void
pctl_done(struct pctl_wait *w, int result, const char *fmt, ...)
{
	va_list	 ap;

	w->state = PCTL_W_DONE;
	w->result = result;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
	pctl_kick();
}

/* Why an instance that was to come up did not. */
static void
pctl_why_not_up(struct svc *s, char *buf, size_t len)
{
	const struct svc_exit	*e;

	e = svc_last_exit(s);
	if (e != NULL && (e->status == -1 || e->spawn_errno != 0))
		snprintf(buf, len, "spawn error: %s", svc_reason(s));
	else if (s->state == SVC_FATAL)
		snprintf(buf, len, "abnormal termination: %s", svc_reason(s));
	else
		snprintf(buf, len, "%s%s%s", svc_state_name(s->state),
		    svc_reason(s)[0] != '\0' ? ": " : "", svc_reason(s));
}

/*
 * reload, remove --wait: the process is gone (reaped), or will not go:
 * up, with no stop or restart pending and no rolling restart of its
 * service going on (one stopped at a failure and left it running).
 */
static void
pctl_eval_gone(struct pctl_wait *w)
{
	struct svc	*s;

	if ((s = svc_find_pid(w->gonepid)) == NULL)
		pctl_done(w, CTL_RES_OK, "stopped");
	else if (s->state == SVC_RUNNING && !s->restart_after_stop &&
	    !s->forget_after_stop && !reload_roll_busy(s->grp->conf->name))
		pctl_done(w, CTL_RES_FAIL, "not restarted (pid %d): the "
		    "rolling restart of the reload stopped at a failure",
		    (int)w->gonepid);
}

/* A rolling reload gave up: the waits for what it would have replaced end. */
void
pctl_wait_recheck(void)
{
	struct pctl_peer	*p;
	size_t			 i;

	TAILQ_FOREACH(p, &pctl_waiting, wentry)
		for (i = 0; i < p->nw; i++)
			if (p->w[i].state == PCTL_W_WAITING &&
			    p->w[i].gonepid != 0)
				pctl_eval_gone(&p->w[i]);
}

/* Settle the entry if its instance is where it was to go, or never will. */
static void
pctl_eval(struct pctl_wait *w, struct svc *s)
{
	char	 why[CTL_RESULTMAX];

	if (w->state != PCTL_W_WAITING)
		return;
	if (w->gonepid != 0) {
		pctl_eval_gone(w);
		return;
	}
	if (s == NULL) {
		pctl_done(w, CTL_RES_FAIL, "removed while waiting");
		return;
	}
	if (!w->up) {
		if (s->pid == 0 && (s->state == SVC_STOPPED ||
		    s->state == SVC_EXITED || s->state == SVC_FATAL))
			pctl_done(w, CTL_RES_OK, "stopped");
		return;
	}
	if (s->state == SVC_RUNNING && s->pid != w->oldpid) {
		pctl_done(w, CTL_RES_OK, "started");
		return;
	}
	if (s->state == SVC_FATAL || ((s->state == SVC_STOPPED ||
	    s->state == SVC_EXITED) && !s->want_up &&
	    !s->restart_after_stop)) {
		pctl_why_not_up(s, why, sizeof(why));
		pctl_done(w, CTL_RES_FAIL, "%s", why);
	}
}

static int
pctl_wcmp(const void *a, const void *b)
{
	const struct pctl_wait	*wa = *(struct pctl_wait * const *)a;
	const struct pctl_wait	*wb = *(struct pctl_wait * const *)b;

	return (strcmp(wa->id, wb->id));
}

/*
 * A waiting request's entries by id: a state change finds its entries
 * in O(log n), not by a scan of them all (stop all --wait of 10,000
 * would be 10^8 comparisons).
 */
static void
pctl_windex(struct pctl_peer *p)
{
	size_t	 i;

	if ((p->wbyid = reallocarray(NULL, p->nw + 1,
	    sizeof(*p->wbyid))) == NULL)
		fatal(NULL);
	for (i = 0; i < p->nw; i++)
		p->wbyid[i] = &p->w[i];
	qsort(p->wbyid, p->nw, sizeof(*p->wbyid), pctl_wcmp);
}

static void
pctl_svc_changed(struct svc *s, enum svc_state old)
{
	struct pctl_peer	*p;
	struct pctl_wait	 key, *kp = &key, **r;

	if (TAILQ_EMPTY(&pctl_waiting))		/* most changes */
		return;
	if (strlcpy(key.id, s->id, sizeof(key.id)) >= sizeof(key.id))
		return;
	TAILQ_FOREACH(p, &pctl_waiting, wentry) {
		if (p->wbyid == NULL || (r = bsearch(&kp, p->wbyid, p->nw,
		    sizeof(*p->wbyid), pctl_wcmp)) == NULL)
			continue;
		while (r > p->wbyid && strcmp((*(r - 1))->id, s->id) == 0)
			r--;
		for (; r < p->wbyid + p->nw && strcmp((*r)->id, s->id) == 0;
		    r++)
			if ((*r)->state == PCTL_W_WAITING)
				pctl_eval(*r, s);
	}
}

static int
pctl_is_up(const struct svc *s)
{
	return (s->state == SVC_STARTING || s->state == SVC_RUNNING ||
	    s->state == SVC_STOPPING);
}

static const char *
pctl_errstr(int e)
{
	switch (e) {
	case EALREADY:
		return ("already started");
	case ESRCH:
		return ("not running");
	case ESHUTDOWN:
		return ("shutting down");
	default:
		return (strerror(e));
	}
}

/*
 * Act on one instance.  With w, the entry is set up to wait (or settled
 * at once on an error); without, the result is reported now.
 */
static void
pctl_act(struct pctl_peer *p, struct svc *s, struct pctl_wait *w)
{
	int	 sig, was_up, r = 0, e, res, quiet;
	pid_t	 oldpid = s->pid;

	was_up = pctl_is_up(s);
	switch (p->req.cmd) {
	case CTL_CMD_START:
		r = svc_start(s);
		break;
	case CTL_CMD_STOP:
		r = svc_stop_ordered(s);	/* dependents first */
		break;
	case CTL_CMD_RESTART:
		r = svc_restart(s);
		break;
	case CTL_CMD_SIGNAL:
		sig = p->req.signo != 0 ? p->req.signo :
		    s->grp->conf->reload_signal;
		if (svc_signal(s, sig) == -1) {
			if (errno != ESRCH || pctl_explicit(p, s))
				pctl_result(p, s->id, CTL_RES_FAIL, "%s",
				    pctl_errstr(errno));
		} else
			pctl_result(p, s->id, CTL_RES_OK, "signalled");
		return;
	}
	if (r == -1) {
		/*
		 * Nothing to do is not a failure (supervisorctl's exit
		 * status), and not worth a word for all, a glob or a group.
		 */
		e = errno;
		res = e == EALREADY || e == ESRCH ? CTL_RES_NOOP :
		    CTL_RES_FAIL;
		quiet = res == CTL_RES_NOOP && !pctl_explicit(p, s);
		if (w != NULL) {
			pctl_done(w, res, "%s", pctl_errstr(e));
			w->was_up = 0;
			w->reported = quiet;
		} else if (!quiet)
			pctl_result(p, s->id, res, "%s", pctl_errstr(e));
		return;
	}
	if (w != NULL) {
		strlcpy(w->id, s->id, sizeof(w->id));
		w->up = p->req.cmd != CTL_CMD_STOP;
		w->oldpid = p->req.cmd == CTL_CMD_RESTART ? oldpid : 0;
		w->was_up = p->req.cmd == CTL_CMD_RESTART && was_up;
		w->state = PCTL_W_WAITING;
		pctl_eval(w, s);
		return;
	}
	if (p->req.cmd == CTL_CMD_STOP) {
		pctl_result(p, s->id, CTL_RES_OK, "stopped");
		return;
	}
	if (p->req.cmd == CTL_CMD_RESTART && was_up)
		pctl_result(p, s->id, CTL_RES_OK, "stopped");
	if (s->state == SVC_BACKOFF || s->state == SVC_FATAL)
		pctl_result(p, s->id, CTL_RES_FAIL, "spawn error: %s",
		    svc_reason(s));
	else
		pctl_result(p, s->id, CTL_RES_OK, "started");
}

/*
 * How long a wait without --timeout lasts: the service's own times.  To
 * come up: every try of start_seconds plus the readiness wait (a health
 * check's start period and retries; PCTL_READY_WAIT_MS for notify and
 * tcp, which have no bound of their own) and the backoff between tries;
 * to go down: stop_timeout.  PCTL_WAIT_SLACK_MS on top.  The longest
 * instance, or their sum for --rolling.
 */
static uint64_t
pctl_own_ms(const struct svc *s, uint32_t cmd)
{
	const struct config_svc	*sc = s->grp->conf;
	const struct config_health *h = &sc->health;
	uint64_t		 up = 0, ready = 0, down, delay;
	unsigned int		 i;

	down = sc->stop_timeout_ms;
	if (sc->ready == READY_HEALTHY && h->type != HEALTH_NONE)
		ready = h->start_period_ms + ((uint64_t)h->retries + 1) *
		    (h->interval_ms + h->timeout_ms);
	else if (sc->ready == READY_NOTIFY || sc->ready == READY_TCP ||
	    sc->ready == READY_HEALTHY)
		ready = PCTL_READY_WAIT_MS;
	delay = sc->backoff.initial_ms;
	for (i = 0; i <= sc->start_retries && up < CTL_TIMEOUT_MAX_MS; i++) {
		up += sc->start_seconds_ms + ready;
		if (i == sc->start_retries)
			break;
		up += delay + delay * sc->backoff.jitter / 100;
		delay = (uint64_t)(delay * sc->backoff.factor);
		if (delay > sc->backoff.max_ms)
			delay = sc->backoff.max_ms;
	}
	switch (cmd) {
	case CTL_CMD_STOP:
		return (down);
	case CTL_CMD_RESTART:
		return (down + up);
	default:
		return (up);
	}
}

static uint32_t
pctl_wait_ms(struct pctl_peer *p, struct svc **v, size_t n)
{
	uint64_t	 ms = 0, one;
	size_t		 i;

	if (p->req.timeout_ms != 0)
		return (p->req.timeout_ms);
	for (i = 0; i < n; i++) {
		one = pctl_own_ms(v[i], p->req.cmd);
		/* rolling, and stops that wait for dependents: one by one */
		if ((p->req.flags & CTL_F_ROLLING) ||
		    p->req.cmd == CTL_CMD_STOP)
			ms += one;
		else if (one > ms)
			ms = one;
	}
	ms += PCTL_WAIT_SLACK_MS;
	return (ms > CTL_TIMEOUT_MAX_MS ? CTL_TIMEOUT_MAX_MS : (uint32_t)ms);
}

/*
 * stop: what depends on a target (and on that, ...) and is up stops too,
 * first: add those instances to the list, so that each is reported.
 */
static struct svc **
pctl_add_dependents(struct svc **v, size_t *np)
{
	struct svc	*d;
	size_t		 i, j, n = *np;
	int		 more = 1;

	if (svc_ndep_groups == 0)	/* stop all of 10,000: no O(N^2) */
		return (v);
	while (more) {
		more = 0;
		TAILQ_FOREACH(d, &svc_all, entry) {
			if (d->state != SVC_STARTING &&
			    d->state != SVC_RUNNING && d->state != SVC_BACKOFF)
				continue;
			for (j = 0; j < n && v[j] != d; j++)
				;
			if (j < n)
				continue;
			for (i = 0; i < n; i++)
				if (svc_depends_on(d, v[i]))
					break;
			if (i == n)
				continue;
			if ((v = reallocarray(v, n + 1, sizeof(*v))) == NULL)
				fatal(NULL);
			v[n++] = d;
			more = 1;
			log_info("%s: stops too: it depends on %s", d->id,
			    v[i]->grp->conf->name);
		}
	}
	*np = n;
	return (v);
}

static void	pctl_act_more(struct pctl_peer *);

void
pctl_cmd_action(struct pctl_peer *p)
{
	struct svc	**v;
	size_t		  n, i;
	int		  wait, rolling;

	rolling = (p->req.flags & CTL_F_ROLLING) != 0;
	wait = rolling || ((p->req.flags & CTL_F_WAIT) != 0 &&
	    p->req.cmd != CTL_CMD_SIGNAL);
	if (rolling && p->req.cmd != CTL_CMD_RESTART) {
		pctl_finish(p, CTL_RES_USAGE, "--rolling is for restart");
		return;
	}
	/* A roll is carried on by this process: not across an exec. */
	if (rolling && parent_upgrade_busy()) {
		pctl_finish(p, CTL_RES_FAIL, "an upgrade of vigild is under "
		    "way: try again once it is done");
		return;
	}
	if (p->ntargets == 0) {
		pctl_finish(p, CTL_RES_USAGE, "%s needs a target",
		    ctl_cmd_name(p->req.cmd));
		return;
	}
	v = pctl_resolve(p, 0, &n);
	if (p->req.cmd == CTL_CMD_STOP && n > 0)
		v = pctl_add_dependents(v, &n);
	if (wait && n > 0) {
		if ((p->w = calloc(n, sizeof(*p->w))) == NULL)
			fatal(NULL);
		p->nw = n;
		for (i = 0; i < n; i++)
			strlcpy(p->w[i].id, v[i]->id, sizeof(p->w[i].id));
		pctl_windex(p);
		TAILQ_INSERT_TAIL(&pctl_waiting, p, wentry);
		p->waiting = 1;
		p->wait_ms = pctl_wait_ms(p, v, n);
	}
	if (!rolling && n > 0) {
		if ((p->actids = reallocarray(NULL, n,
		    sizeof(*p->actids))) == NULL)
			fatal(NULL);
		for (i = 0; i < n; i++)
			if ((p->actids[i] = strdup(v[i]->id)) == NULL)
				fatal(NULL);
		p->nact = n;
	}
	free(v);
	pctl_act_more(p);
}

/*
 * Act on the targets within the turn's budget (parent_turn_busy): stop
 * all of 10,000 is not one turn of half a second (each stop is a signal,
 * a state change, its log line and its listeners), and status answers
 * between the slices.  The targets are kept by id, as one may be gone by
 * the next turn.  Then END, or the wait for what was asked.
 */
static void
pctl_act_next(struct pctl_peer *p)
{
	struct pctl_wait	*w;
	struct svc		*s;
	size_t			 i;

	i = p->iact++;
	w = p->w != NULL ? &p->w[i] : NULL;
	if ((s = svc_find(p->actids[i])) == NULL) {
		if (w != NULL)
			pctl_done(w, CTL_RES_FAIL, "removed while waiting");
	} else
		pctl_act(p, s, w);
}

static void
pctl_act_more(struct pctl_peer *p)
{
	struct timeval	 tv = { 0, 0 };
	uint32_t	 ms;

	parent_sigchld_hold();
	while (p->iact < p->nact) {
		pctl_act_next(p);
		if (p->iact < p->nact && p->iact % 8 == 0 &&
		    parent_turn_busy()) {
			parent_sigchld_release();
			if (!p->acting) {
				TAILQ_INSERT_TAIL(&pctl_acting, p, aentry);
				p->acting = 1;
			}
			evtimer_add(&pctl_act_ev, &tv);
			return;
		}
	}
	parent_sigchld_release();
	if (p->acting) {
		TAILQ_REMOVE(&pctl_acting, p, aentry);
		p->acting = 0;
	}
	if (p->w == NULL) {
		pctl_finish(p, p->result, p->result ? "%s" : NULL,
		    p->failmsg);
		return;
	}
	ms = p->wait_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&p->timer, &tv);
	pctl_kick();
}

static void
pctl_act_cb(int fd, short ev, void *arg)
{
	struct pctl_peer	*p;

	if ((p = TAILQ_FIRST(&pctl_acting)) != NULL)
		pctl_act_more(p);
	if (!TAILQ_EMPTY(&pctl_acting)) {
		struct timeval	 tv = { 0, 0 };

		evtimer_add(&pctl_act_ev, &tv);
	}
}

/*
 * reload --wait (supervisorctl's update), remove --wait: END once every
 * process the change stops or replaces is gone (reaped), within the
 * services' own times, so that "NAME: stopped" is true when printed.
 */
void
pctl_wait_gone(struct pctl_peer *p, const pid_t *pids, size_t n)
{
	struct timeval	 tv;
	struct svc	*s;
	uint64_t	 ms = PCTL_WAIT_SLACK_MS;
	size_t		 i;

	if ((p->w = calloc(n, sizeof(*p->w))) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++) {
		if ((s = svc_find_pid(pids[i])) == NULL)
			continue;	/* gone already */
		strlcpy(p->w[p->nw].id, s->id, sizeof(p->w[p->nw].id));
		p->w[p->nw].gonepid = pids[i];
		p->w[p->nw].state = PCTL_W_WAITING;
		/* a rolling change stops one after another: the sum */
		ms += pctl_own_ms(s, CTL_CMD_RESTART);
		p->nw++;
	}
	pctl_windex(p);
	if (p->req.timeout_ms != 0)
		ms = p->req.timeout_ms;
	p->wait_ms = ms > CTL_TIMEOUT_MAX_MS ? CTL_TIMEOUT_MAX_MS :
	    (uint32_t)ms;
	TAILQ_INSERT_TAIL(&pctl_waiting, p, wentry);
	p->waiting = 1;
	tv.tv_sec = p->wait_ms / 1000;
	tv.tv_usec = (p->wait_ms % 1000) * 1000;
	evtimer_add(&p->timer, &tv);
	pctl_kick();
}

static void
pctl_report(struct pctl_peer *p, struct pctl_wait *w)
{
	w->reported = 1;
	if (w->gonepid != 0 && w->result == CTL_RES_OK)
		return;		/* the reload's lines said it */
	if (w->result == CTL_RES_OK && w->was_up)
		pctl_result(p, w->id, CTL_RES_OK, "stopped");
	pctl_result(p, w->id, w->result, "%s", w->text);
}

/*
 * Report what was settled, take the next step of a rolling restart, and
 * end the request when every entry is settled.
 */
static void
pctl_step(struct pctl_peer *p)
{
	struct pctl_wait	*w;
	struct svc		*s;
	size_t			 i;
	int			 all;

	for (;;) {
		all = 1;
		w = NULL;
		for (i = 0; i < p->nw; i++) {
			if (p->w[i].state == PCTL_W_DONE) {
				if (!p->w[i].reported)
					pctl_report(p, &p->w[i]);
				continue;
			}
			all = 0;
			if (w == NULL)
				w = &p->w[i];
		}
		if (all) {
			pctl_finish(p, p->result, p->result ? "%s" : NULL,
			    p->failmsg);
			return;
		}
		if (!(p->req.flags & CTL_F_ROLLING) ||
		    w->state != PCTL_W_PENDING)
			return;
		/* Rolling: the next instance, unless one failed. */
		if (p->nfailed > 0) {
			for (i = 0; i < p->nw; i++)
				if (p->w[i].state == PCTL_W_PENDING)
					pctl_done(&p->w[i], CTL_RES_FAIL,
					    "not restarted: the rolling "
					    "restart stopped at a failure");
			continue;
		}
		if ((s = svc_find(w->id)) == NULL) {
			pctl_done(w, CTL_RES_FAIL, "removed while waiting");
			continue;
		}
		log_info("rolling restart: %s", s->id);
		pctl_act(p, s, w);
	}
}

static void
pctl_kick_cb(int fd, short ev, void *arg)
{
	struct pctl_peer	*p, *np;

	pctl_kick_pending = 0;
	TAILQ_FOREACH_SAFE(p, &pctl_waiting, wentry, np)
		pctl_step(p);
}

void
pctl_wait_timeout(int fd, short ev, void *arg)
{
	struct pctl_peer	*p = arg;
	struct svc		*s;
	size_t			 i;
	uint32_t		 ms;
	char			 d[32];

	ms = p->wait_ms;
	for (i = 0; i < p->nw; i++) {
		if (p->w[i].state == PCTL_W_DONE)
			continue;
		if (p->w[i].state == PCTL_W_PENDING) {
			pctl_done(&p->w[i], CTL_RES_FAIL, "not restarted: "
			    "timed out");
			continue;
		}
		s = svc_find(p->w[i].id);
		pctl_done(&p->w[i], CTL_RES_FAIL, "timed out after %s, "
		    "still %s", ctl_fmt_duration(ms, d, sizeof(d)),
		    s != NULL ? svc_state_name(s->state) : "gone");
	}
	pctl_step(p);
}

/*
 * For an upgrade: does this request still have work of its own to do,
 * work the new image could not carry on (targets not yet acted on, the
 * next steps of a rolling restart)?  Its waits alone are not.
 */
int
pctl_wait_working(const struct pctl_peer *p)
{
	return (p->acting || ((p->req.flags & CTL_F_ROLLING) && p->waiting));
}

/*
 * vigild re-executes itself for an upgrade now, and a wait cannot be
 * carried across: the targets not yet acted on are acted on, and every
 * entry still waiting is settled with why, then reported and the
 * request ended (exit 1, as for a timeout: what was asked is done, its
 * outcome not seen).
 */
void
pctl_wait_cut(struct pctl_peer *p, const char *why)
{
	struct pctl_wait	*w;
	struct svc		*s;
	size_t			 i;

	if (p->acting) {
		TAILQ_REMOVE(&pctl_acting, p, aentry);
		p->acting = 0;
	}
	while (p->iact < p->nact)
		pctl_act_next(p);
	if (p->w == NULL) {
		pctl_finish(p, p->result, p->result ? "%s" : NULL,
		    p->failmsg);
		return;
	}
	evtimer_del(&p->timer);
	for (i = 0; i < p->nw; i++) {
		w = &p->w[i];
		if (w->state == PCTL_W_PENDING)
			pctl_done(w, CTL_RES_FAIL, "not restarted: %s", why);
		else if (w->state != PCTL_W_WAITING)
			continue;
		else if (w->gonepid != 0)
			pctl_done(w, CTL_RES_FAIL, "pid %d still running: %s",
			    (int)w->gonepid, why);
		else if ((s = svc_find(w->id)) != NULL)
			pctl_done(w, CTL_RES_FAIL, "still %s: %s",
			    svc_state_name(s->state), why);
		else
			pctl_done(w, CTL_RES_FAIL, "%s", why);
	}
	pctl_step(p);
}
