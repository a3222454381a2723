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
 * The service state machine and restart policy (vigild.conf(5), STATES).
 *
 *   STOPPED/EXITED/FATAL --start--> STARTING --start_seconds/ready--> RUNNING
 *   STARTING --exit--> BACKOFF --delay--> STARTING   (start_retries, then FATAL)
 *   RUNNING --exit--> STARTING at once (restart policy, restart_limit) | EXITED
 *   STARTING/RUNNING --stop--> STOPPING --exit--> STOPPED
 *
 * A quick exit backs off exponentially with jitter; a service that was up
 * restarts at once, and restart_limit is the circuit breaker.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "backoff.h"
#include "log.h"
#include "parent.h"
#include "svc.h"

enum {
	TIMER_NONE = 0,
	TIMER_STARTSECS,	/* STARTING -> RUNNING */
	TIMER_BACKOFF,		/* BACKOFF -> STARTING */
	TIMER_STOPKILL		/* STOPPING: stop_timeout passed, SIGKILL */
};

#define SVC_MAXLISTENERS	8

struct svc_list		 svc_all = TAILQ_HEAD_INITIALIZER(svc_all);
unsigned long		 svc_kick_gen;
struct svc_group_list	 svc_groups = TAILQ_HEAD_INITIALIZER(svc_groups);

static svc_listener_cb	 svc_listeners[SVC_MAXLISTENERS];
static unsigned int	 svc_nlisteners;

static const char *svc_state_names[] = {
	"STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED",
	"FATAL", "UNKNOWN"
};

static void	svc_timer_cb(int, short, void *);
static void	svc_kill_tree(struct svc *, int);
static uint64_t	svc_backoff_delay(struct svc *);
static int	svc_restart_allowed(struct svc *);

const char *
svc_state_name(enum svc_state st)
{
	if ((unsigned int)st >= nitems(svc_state_names))
		return ("UNKNOWN");
	return (svc_state_names[st]);
}

const char *
svc_health_name(enum svc_health h)
{
	switch (h) {
	case SVC_HEALTH_STARTING:
		return ("starting");
	case SVC_HEALTH_HEALTHY:
		return ("healthy");
	case SVC_HEALTH_UNHEALTHY:
		return ("unhealthy");
	default:
		return ("");
	}
}

void
svc_add_listener(svc_listener_cb cb)
{
	if (svc_nlisteners >= SVC_MAXLISTENERS)
		fatalx("%s: too many listeners", __func__);
	svc_listeners[svc_nlisteners++] = cb;
}

/* Milliseconds of CLOCK_MONOTONIC: the parent's clock for intervals. */
uint64_t
svc_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Most instances never exit, and never get a reason or a STATUS= text:
 * those buffers come when first needed, which keeps struct svc at a
 * third of the size it would be with them inside.
 */
static char *
svc_text_buf(char **p)
{
	if (*p == NULL && (*p = calloc(1, SVC_REASONMAX)) == NULL)
		fatal(NULL);
	return (*p);
}

const char *
svc_reason(const struct svc *s)
{
	return (s->reason != NULL ? s->reason : "");
}

const char *
svc_status_text(const struct svc *s)
{
	return (s->status_text != NULL ? s->status_text : "");
}

void
svc_set_status_text(struct svc *s, const char *text)
{
	if (s->status_text == NULL && text[0] == '\0')
		return;
	strlcpy(svc_text_buf(&s->status_text), text, SVC_REASONMAX);
}

/* Why the check failed, while the process is unhealthy. */
const char *
svc_health_reason(const struct svc *s)
{
	if (s->health != SVC_HEALTH_UNHEALTHY || s->health_reason == NULL)
		return ("");
	return (s->health_reason);
}

struct svc_exit *
svc_last_exit(const struct svc *s)
{
	if (s->nhistory == 0)
		return (NULL);
	return (&s->history[(s->nhistory - 1) % SVC_HISTORY]);
}

/* A new entry of the exit history, cleared. */
static struct svc_exit *
svc_history_add(struct svc *s)
{
	struct svc_exit	*e;

	if (s->history == NULL &&
	    (s->history = calloc(SVC_HISTORY, sizeof(*s->history))) == NULL)
		fatal(NULL);
	e = &s->history[s->nhistory++ % SVC_HISTORY];
	memset(e, 0, sizeof(*e));
	return (e);
}

uint64_t
svc_uptime_ms(const struct svc *s)
{
	uint64_t	 start;

	if (s->pid == 0)
		return (0);
	start = (uint64_t)s->start_mono.tv_sec * 1000 +
	    s->start_mono.tv_nsec / 1000000;
	return (svc_mono_ms() - start);
}

/* Has a process (of its own, or adopted). */
int
svc_alive(const struct svc *s)
{
	return (s->pid != 0);
}

static void
svc_timer_set(struct svc *s, int kind, uint64_t ms)
{
	struct timeval	 tv;

	if (s->timer == NULL) {
		if ((s->timer = malloc(sizeof(*s->timer))) == NULL)
			fatal(NULL);
		evtimer_set(s->timer, svc_timer_cb, s);
	} else
		evtimer_del(s->timer);
	s->timer_kind = kind;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

void
svc_timer_clear(struct svc *s)
{
	svc_timer_free(s);
	s->timer_kind = TIMER_NONE;
}

void
svc_set_state(struct svc *s, enum svc_state st, const char *fmt, ...)
{
	enum svc_state	 old = s->state;
	va_list		 ap;
	unsigned int	 i;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(svc_text_buf(&s->reason), SVC_REASONMAX, fmt, ap);
		va_end(ap);
	} else if (st != SVC_EXITED && s->reason != NULL)
		s->reason[0] = '\0';
	s->state = st;
	if (old != st)
		log_info("%s: %s -> %s%s%s%s", s->id, svc_state_name(old),
		    svc_state_name(st), svc_reason(s)[0] ? " (" : "",
		    svc_reason(s), svc_reason(s)[0] ? ")" : "");
	for (i = 0; i < svc_nlisteners; i++)
		svc_listeners[i](s, old);
	if ((st == SVC_STOPPED || st == SVC_EXITED) && s->want_up)
		svc_kickq_add(s);
	if (st == SVC_RUNNING || st == SVC_FATAL || st == SVC_STOPPED ||
	    st == SVC_EXITED) {
		svc_kick_gen++;
		svc_kick();
	}
}

void
svc_init(struct svc_confref *ref)
{
	struct config_svc	*sc;

	svc_kick_init();
	if (svc_cgroup_init())
		log_debug("cgroup v2 available: one group per service");
	TAILQ_FOREACH(sc, &ref->conf->services, entry)
		svc_group_add(sc, ref);
	svc_cgroup_sweep();
}

void
svc_do_spawn(struct svc *s)
{
	struct config_svc	*sc = s->grp->conf;
	char		 err[SVC_REASONMAX];

	svc_leftovers_now(s);		/* what the last process left */
	if (svc_spawn(s, err, sizeof(err)) == -1) {
		/* Nothing ran: count it as a quick exit. */
		struct svc_exit	*e = svc_history_add(s);

		e->when = time(NULL);
		e->status = -1;
		s->stop_wall = e->when;
		s->retries++;
		if (s->retries > sc->start_retries) {
			s->want_up = 0;
			svc_set_state(s, SVC_FATAL, "%s", err);
			return;
		}
		s->backoff_ms = svc_backoff_delay(s);
		svc_set_state(s, SVC_BACKOFF, "%s", err);
		log_info("%s: retry %u of %u in %llu ms", s->id, s->retries,
		    sc->start_retries, (unsigned long long)s->backoff_ms);
		svc_timer_set(s, TIMER_BACKOFF, s->backoff_ms);
		return;
	}
	s->ever_started = 1;
	svc_set_state(s, SVC_STARTING, NULL);
	if (sc->ready == READY_STARTED) {
		if (sc->start_seconds_ms == 0)
			svc_set_state(s, SVC_RUNNING, NULL);
		else
			svc_timer_set(s, TIMER_STARTSECS, sc->start_seconds_ms);
	}
}

/* Readiness reported (sd_notify, health, tcp): STARTING becomes RUNNING. */
void
svc_set_ready(struct svc *s)
{
	if (s->state != SVC_STARTING)
		return;
	svc_timer_clear(s);
	s->retries = 0;
	svc_set_state(s, SVC_RUNNING, NULL);
}

void
svc_set_health(struct svc *s, enum svc_health h, const char *why)
{
	enum svc_health	 old = s->health;
	unsigned int	 i;

	s->health = h;
	if (why != NULL)
		strlcpy(svc_text_buf(&s->health_reason), why, SVC_REASONMAX);
	if (old == h)
		return;
	log_info("%s: health %s%s%s", s->id, svc_health_name(h),
	    why != NULL ? ": " : "", why != NULL ? why : "");
	for (i = 0; i < svc_nlisteners; i++)
		svc_listeners[i](s, s->state);
}

static uint64_t
svc_backoff_delay(struct svc *s)
{
	return (backoff_delay(&s->grp->conf->backoff, s->retries,
	    arc4random()));
}

/*
 * restart_limit: 1 if one more restart now stays within the limit.  The
 * ring holds only the restarts still inside the window, so it grows with
 * what actually happens, up to the count, and a quiet service has none:
 * a count of 100000 (a limit meant never to trip) costs nothing until
 * the service crashes that often.
 */
static int
svc_restart_allowed(struct svc *s)
{
	const struct config_restart_limit *rl;
	uint64_t			 now, *v;
	unsigned int			 cap, i;

	rl = &s->grp->conf->restart_limit;
	if (rl->count == 0)
		return (1);
	now = svc_mono_ms();
	while (s->restart_len > 0 &&
	    now - s->restart_ms[s->restart_first] >= rl->window_ms) {
		s->restart_first = (s->restart_first + 1) % s->restart_cap;
		s->restart_len--;
	}
	if (s->restart_len >= rl->count)
		return (0);
	if (s->restart_len == s->restart_cap) {
		cap = s->restart_cap < 4 ? 4 : s->restart_cap * 2;
		if (cap > rl->count)
			cap = rl->count;
		if ((v = reallocarray(NULL, cap, sizeof(*v))) == NULL)
			fatal(NULL);
		for (i = 0; i < s->restart_len; i++)
			v[i] = s->restart_ms[(s->restart_first + i) %
			    s->restart_cap];
		free(s->restart_ms);
		s->restart_ms = v;
		s->restart_cap = cap;
		s->restart_first = 0;
	}
	s->restart_ms[(s->restart_first + s->restart_len) % s->restart_cap] =
	    now;
	s->restart_len++;
	return (1);
}

static void
svc_describe_exit(const struct config_svc *sc, int status, char *buf,
    size_t len)
{
	const char	*name;

	if (status == SVC_STATUS_UNKNOWN)
		snprintf(buf, len, "Exited, status unknown (adopted, not "
		    "vigild's child)");
	else if (WIFEXITED(status) && config_svc_exit_expected(sc,
	    WEXITSTATUS(status)))
		snprintf(buf, len, "Exited with code %d", WEXITSTATUS(status));
	else if (WIFEXITED(status))
		snprintf(buf, len, "Bad exit code %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		name = config_signame(WTERMSIG(status));
		snprintf(buf, len, "Killed by SIG%s", name != NULL ? name :
		    "UNKNOWN");
	} else
		snprintf(buf, len, "Exited");
}

int
svc_reaped(pid_t pid, int status)
{
	struct config_svc	*sc;
	struct svc_exit	*e;
	struct svc	*s;
	char		 why[SVC_REASONMAX], cmd[96];
	int		 spawn_errno, expected;

	if ((s = svc_find_pid(pid)) == NULL)
		return (0);
	sc = s->grp->conf;

	if (s->exec_rfd != -1)
		svc_spawn_exec_result(s, 1);
	spawn_errno = s->exec_errno;
	s->exec_errno = 0;

	e = svc_history_add(s);
	e->when = time(NULL);
	e->pid = pid;
	e->status = status;
	e->spawn_errno = spawn_errno;
	e->uptime_ms = svc_uptime_ms(s);
	s->stop_wall = e->when;
	svc_set_pid(s, 0);
	svc_set_status_text(s, "");	/* what it said went with it */
	svc_timer_clear(s);
	parent_adopt_unwatch(s);
	s->adopted = 0;
	s->adopt_stopsig = 0;
	s->adopt_stop_ms = 0;
	/*
	 * Pipes a previous vigild made (we hold no write end of them): they
	 * end with this process, and a restart makes new ones.
	 */
	if (s->out_wfd == -1 && s->err_wfd == -1)
		parent_logger_detach(s);
	parent_state_changed();

	/* Whatever the main process left behind goes with it. */
	svc_kill_tree(s, SIGKILL);

	if (spawn_errno != 0) {
		strlcpy(cmd, sc->shell ? "/bin/sh" : sc->argv[0], sizeof(cmd));
		if (spawn_errno == ENOENT)
			snprintf(why, sizeof(why), "can't find command '%s'",
			    cmd);
		else
			snprintf(why, sizeof(why), "can't exec '%s': %s", cmd,
			    strerror(spawn_errno));
		log_warnx("%s: spawn error: %s: %s", s->id, cmd,
		    strerror(spawn_errno));
	} else
		svc_describe_exit(sc, status, why, sizeof(why));

	if (s->state == SVC_STOPPING && s->give_up) {
		char	 reason[SVC_REASONMAX];

		s->give_up = 0;
		strlcpy(reason, svc_reason(s), sizeof(reason));
		svc_set_state(s, SVC_FATAL, "%s", reason);
		return (1);
	}
	if (s->state == SVC_STOPPING) {
		svc_set_state(s, SVC_STOPPED, NULL);
		if (s->forget_after_stop) {
			svc_forget(s);
			return (1);
		}
		if (s->restart_after_stop) {
			s->restart_after_stop = 0;
			s->want_up = 1;
			s->retries = 0;
			svc_kickq_add(s);
		}
		return (1);
	}

	if (s->state == SVC_STARTING || spawn_errno != 0) {
		/* An exit before start_seconds: back off, or give up. */
		s->retries++;
		if (spawn_errno == 0)
			snprintf(why, sizeof(why), "Exited too quickly "
			    "(process log may have details)");
		if (s->retries > sc->start_retries || !s->want_up) {
			s->want_up = 0;
			svc_set_state(s, SVC_FATAL, "%s", why);
			return (1);
		}
		s->backoff_ms = svc_backoff_delay(s);
		svc_set_state(s, SVC_BACKOFF, "%s", why);
		log_info("%s: retry %u of %u in %llu ms", s->id, s->retries,
		    sc->start_retries, (unsigned long long)s->backoff_ms);
		svc_timer_set(s, TIMER_BACKOFF, s->backoff_ms);
		return (1);
	}

	/* It was RUNNING.  An unknown exit counts as a failure. */
	expected = status != SVC_STATUS_UNKNOWN && WIFEXITED(status) &&
	    config_svc_exit_expected(sc, WEXITSTATUS(status));
	if (!s->want_up || sc->restart == RESTART_NEVER ||
	    (sc->restart == RESTART_ON_FAILURE && expected)) {
		s->want_up = 0;
		svc_set_state(s, SVC_EXITED, "%s", why);
		return (1);
	}
	if (!svc_restart_allowed(s)) {
		s->want_up = 0;
		svc_set_state(s, SVC_FATAL, "%s; restart limit reached "
		    "(%u in %llus)", why, sc->restart_limit.count,
		    (unsigned long long)(sc->restart_limit.window_ms / 1000));
		return (1);
	}
	s->restarts++;
	s->retries = 0;
	log_info("%s: %s after %llu ms, restarting", s->id, why,
	    (unsigned long long)e->uptime_ms);
	if (svc_deps_ready(s))
		svc_do_spawn(s);
	else
		svc_set_state(s, SVC_EXITED, "%s", why);
	return (1);
}

static void
svc_timer_cb(int fd, short ev, void *arg)
{
	struct svc	*s = arg;
	int		 kind = s->timer_kind;

	s->timer_kind = TIMER_NONE;
	/* Fired, so no longer pending: the next one is made anew. */
	svc_timer_free(s);
	switch (kind) {
	case TIMER_STARTSECS:
		if (s->state == SVC_STARTING) {
			s->retries = 0;
			svc_set_state(s, SVC_RUNNING, NULL);
		}
		break;
	case TIMER_BACKOFF:
		if (s->state != SVC_BACKOFF)
			break;
		if (!svc_deps_ready(s)) {
			svc_set_state(s, SVC_STOPPED, "waiting for "
			    "dependencies");
			break;
		}
		svc_do_spawn(s);
		break;
	case TIMER_STOPKILL:
		if (s->state != SVC_STOPPING || s->pid == 0)
			break;
		log_warnx("%s: still running %llu ms after SIG%s, sending "
		    "SIGKILL to its process tree", s->id,
		    (unsigned long long)(s->adopt_stopsig ? s->adopt_stop_ms :
		    s->grp->conf->stop_timeout_ms),
		    config_signame(s->adopt_stopsig ? s->adopt_stopsig :
		    s->grp->conf->stop_signal));
		svc_kill_tree(s, SIGKILL);
		break;
	}
}

/* Nothing armed: no timer kept (svc_timer_set makes one when needed). */
void
svc_timer_free(struct svc *s)
{
	if (s->timer == NULL)
		return;
	evtimer_del(s->timer);
	free(s->timer);
	s->timer = NULL;
}

/*
 * Signal the whole tree: the cgroup when there is one (SIGKILL through
 * cgroup.kill), and the process group, which the service leads.
 */
static void
svc_kill_tree(struct svc *s, int sig)
{
	const struct svc_exit	*e;
	pid_t			 pgid = s->pid;

	/*
	 * A group with nobody left in it needs no cgroup.kill, and is
	 * spared one: see svc_spawn() for why that matters.  Once the main
	 * process is gone, whether anything is left is looked at a little
	 * later (svc_leftovers.c).
	 */
	if (sig == SIGKILL && s->cgroup != NULL && s->pid != 0) {
		(void)svc_cgroup_kill(s->cgroup);
		s->cgroup_killed = 1;
	} else if (sig == SIGKILL && s->cgroup != NULL)
		svc_leftovers_later(s);
	if (pgid == 0 && (e = svc_last_exit(s)) != NULL && e->pid > 0)
		pgid = e->pid;
	if (pgid > 0)
		(void)kill(-pgid, sig);
}

int
svc_start(struct svc *s)
{
	switch (s->state) {
	case SVC_STARTING:
	case SVC_RUNNING:
		if (s->stop_after_deps) {	/* a stop that waited: off */
			s->stop_after_deps = 0;
			s->want_up = 1;
			return (0);
		}
		errno = EALREADY;
		return (-1);
	case SVC_STOPPING:
		s->restart_after_stop = 1;
		return (0);
	case SVC_BACKOFF:
		svc_timer_clear(s);
		s->state = SVC_STOPPED;
		break;
	default:
		break;
	}
	if (svc_stopping_all()) {
		errno = ESHUTDOWN;
		return (-1);
	}
	s->want_up = 1;
	s->retries = 0;
	s->stop_after_deps = 0;
	svc_want_deps(s, 0);
	if (s->state == SVC_FATAL)
		s->state = SVC_STOPPED;
	if (svc_deps_ready(s))
		svc_do_spawn(s);
	else
		svc_kickq_add(s);
	return (0);
}

int
svc_stop(struct svc *s)
{
	struct config_svc	*sc = s->grp->conf;
	int		 sig;

	s->want_up = 0;
	s->restart_after_stop = 0;
	switch (s->state) {
	case SVC_STARTING:
	case SVC_RUNNING:
		if (s->pid == 0)
			break;
		svc_set_state(s, SVC_STOPPING, NULL);
		/* An adopted process stops as it was configured then. */
		sig = s->adopt_stopsig ? s->adopt_stopsig : sc->stop_signal;
		/*
		 * The service leads its session (setsid), so its group holds
		 * it for as long as it lives: the process alone only before
		 * its setsid.  One kill(2) a stop, not two (kill was a fifth
		 * of the parent's CPU in a stop all of 10,000, and the second
		 * only found the signal already sent).
		 */
		if (kill(-s->pid, sig) == -1)
			(void)kill(s->pid, sig);
		svc_timer_set(s, TIMER_STOPKILL, s->adopt_stopsig ?
		    s->adopt_stop_ms : sc->stop_timeout_ms);
		return (0);
	case SVC_STOPPING:
		return (0);
	case SVC_BACKOFF:
		svc_timer_clear(s);
		svc_set_state(s, SVC_STOPPED, NULL);
		return (0);
	default:
		break;
	}
	errno = ESRCH;
	return (-1);
}

int
svc_restart(struct svc *s)
{
	if (s->state == SVC_STARTING || s->state == SVC_RUNNING) {
		if (svc_stop(s) == -1)
			return (-1);
		s->restart_after_stop = 1;
		return (0);
	}
	if (s->state == SVC_STOPPING) {
		s->restart_after_stop = 1;
		return (0);
	}
	return (svc_start(s));
}

int
svc_signal(struct svc *s, int sig)
{
	if (s->pid == 0 || (s->state != SVC_STARTING &&
	    s->state != SVC_RUNNING && s->state != SVC_STOPPING)) {
		errno = ESRCH;
		return (-1);
	}
	return (kill(-s->pid, sig) == -1 ? kill(s->pid, sig) : 0);
}

/*
 * A process a previous vigild started, proven to be this instance's
 * (parent_adopt.c): it goes on with its pid, uptime, restart count and
 * health, as if this vigild had started it.
 */
void
svc_adopt(struct svc *s, const struct svc_adoption *a)
{
	struct timespec	 now, mono;
	int64_t		 now_ms, age_ms;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	age_ms = now_ms > a->start_ms ? now_ms - a->start_ms : 0;
	if ((int64_t)mono.tv_sec * 1000 < age_ms)
		age_ms = (int64_t)mono.tv_sec * 1000;
	s->start_mono.tv_sec = mono.tv_sec - age_ms / 1000;
	s->start_mono.tv_nsec = mono.tv_nsec;
	if (age_ms % 1000 > 0) {
		s->start_mono.tv_nsec -= (age_ms % 1000) * 1000000;
		if (s->start_mono.tv_nsec < 0) {
			s->start_mono.tv_nsec += 1000000000;
			s->start_mono.tv_sec--;
		}
	}
	s->start_wall = (time_t)(a->start_ms / 1000);
	svc_set_pid(s, a->pid);
	s->starttime = a->starttime;
	s->starttime_pid = a->pid;
	s->adopted = !a->child;
	s->restarts = a->restarts;
	/* port: auto picked one for it: it keeps it. */
	if (s->grp->conf->port.type == PORT_AUTO && a->port > 0)
		s->port = a->port;
	s->want_up = a->state != SVC_STOPPING;
	s->ever_started = 1;
	if (a->cgroup != NULL && s->cgroup == NULL &&
	    (s->cgroup = strdup(a->cgroup)) == NULL)
		fatal(NULL);
	if (s->grp->conf->health.type != HEALTH_NONE &&
	    a->health <= SVC_HEALTH_UNHEALTHY)
		s->health = a->health;
	log_info("%s: adopted pid %d (%s, up %llu s, %u restarts)", s->id,
	    (int)s->pid, a->child ? "still our child" : "watched by pidfd",
	    (unsigned long long)(age_ms / 1000), s->restarts);
	if (a->state == SVC_STARTING &&
	    s->grp->conf->ready == READY_STARTED) {
		svc_set_state(s, SVC_STARTING, "adopted");
		svc_timer_set(s, TIMER_STARTSECS, s->grp->conf->start_seconds_ms);
	} else if (a->state == SVC_STARTING)
		svc_set_state(s, SVC_STARTING, "adopted");
	else
		svc_set_state(s, SVC_RUNNING, NULL);
}

/* on_unhealthy: restart, or a memory limit: counted as a restart. */
void
svc_unhealthy_restart(struct svc *s, const char *why)
{
	if (s->state != SVC_RUNNING && s->state != SVC_STARTING)
		return;
	if (!svc_restart_allowed(s)) {
		struct config_svc	*sc = s->grp->conf;

		log_warnx("%s: %s; restart limit reached, stopping it", s->id,
		    why);
		(void)svc_stop(s);
		snprintf(svc_text_buf(&s->reason), SVC_REASONMAX,
		    "%s; restart limit reached (%u in %llus)", why,
		    sc->restart_limit.count,
		    (unsigned long long)(sc->restart_limit.window_ms / 1000));
		s->give_up = 1;
		return;
	}
	log_warnx("%s: restarting: %s", s->id, why);
	s->restarts++;
	(void)svc_restart(s);
}
