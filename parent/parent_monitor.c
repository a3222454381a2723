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
 * The parent's side of the monitor: health, readiness and resources.
 *
 * Every live process of every instance is described to the monitor
 * (IMSG_MON_SVC) under a fresh key; the monitor's reports name that key,
 * so a report about a process that has been replaced meanwhile is
 * dropped here.  The parent describes each process (expanded, resolved:
 * parent_monitor_def.c), decides what a report means -- RUNNING,
 * health, a restart -- and keeps what must survive a respawn of the
 * monitor (the watchdog interval, the "watch" deadline, the notify
 * sockets, whose queued datagrams wait in the kernel meanwhile:
 * parent_monitor_notify.c).
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "msg_mon.h"
#include "parent.h"
#include "parent_monitor.h"
#include "svc.h"

#define PMON_MAXLISTENERS	4
#define PMON_MEM_SAMPLES	2	/* above limits.memory this often */

static int	pmon_id_cmp(struct pmon *, struct pmon *);
static int	pmon_key_cmp(struct pmon *, struct pmon *);
RB_HEAD(pmon_ids, pmon);
RB_HEAD(pmon_keys, pmon);
RB_GENERATE_STATIC(pmon_ids, pmon, byid, pmon_id_cmp);
RB_GENERATE_STATIC(pmon_keys, pmon, bykey, pmon_key_cmp);

static struct pmon_ids	 pmon_ids = RB_INITIALIZER(&pmon_ids);
static struct pmon_keys	 pmon_keys = RB_INITIALIZER(&pmon_keys);
static size_t		 pmon_count;
static size_t		 pmon_sweep_at = 64;
static uint32_t		 pmon_nextkey;
static uint64_t		 pmon_watch_until;	/* monotonic ms */
static uint64_t		 pmon_watch_since;	/* when it began */
static uint64_t		 pmon_last_pass;	/* last SAMPLE_END */
static void		(*pmon_sample_cbs[PMON_MAXLISTENERS])(void);
static unsigned int	 pmon_nsample_cbs;

static int
pmon_id_cmp(struct pmon *a, struct pmon *b)
{
	return (strcmp(a->id, b->id));
}

static int
pmon_key_cmp(struct pmon *a, struct pmon *b)
{
	return (a->key < b->key ? -1 : a->key > b->key);
}

/* Forget the instances that are gone (removed by a reload). */
static void
pmon_sweep(void)
{
	struct pmon	*p, *t;

	RB_FOREACH_SAFE(p, pmon_ids, &pmon_ids, t) {
		if (p->key != 0 || svc_find(p->id) != NULL)
			continue;
		RB_REMOVE(pmon_ids, &pmon_ids, p);
		pmon_target_free(&p->health);
		pmon_target_free(&p->ready);
		free(p->id);
		free(p);
		pmon_count--;
	}
	pmon_sweep_at = 2 * pmon_count + 64;
}

static struct pmon *
pmon_get(const char *id)
{
	struct pmon	 key, *p;

	key.id = (char *)id;
	if ((p = RB_FIND(pmon_ids, &pmon_ids, &key)) != NULL)
		return (p);
	if (pmon_count >= pmon_sweep_at)
		pmon_sweep();
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal(NULL);
	if ((p->id = strdup(id)) == NULL)
		fatal(NULL);
	RB_INSERT(pmon_ids, &pmon_ids, p);
	pmon_count++;
	return (p);
}

static void
pmon_setkey(struct pmon *p, uint32_t key, struct svc *s)
{
	if (p->key != 0)
		RB_REMOVE(pmon_keys, &pmon_keys, p);
	p->key = key;
	p->svc = key != 0 ? s : NULL;
	if (key != 0)
		RB_INSERT(pmon_keys, &pmon_keys, p);
}

/* The instance a report is about, if that process is still the one. */
static struct svc *
pmon_svc(uint32_t key, struct pmon **pp)
{
	struct pmon	 k, *p;

	if (key == 0)
		return (NULL);
	k.key = key;
	if ((p = RB_FIND(pmon_keys, &pmon_keys, &k)) == NULL ||
	    p->svc == NULL || p->svc->pid != p->pid)
		return (NULL);
	*pp = p;
	return (p->svc);
}

static void
pmon_send_svc(struct svc *s, struct pmon *p)
{
	struct msg_mon_svc		*m;
	struct msg_mon_svc_brief	 b;

	if (!parent_proc_ready(PROC_MONITOR))
		return;
	if ((m = malloc(sizeof(*m))) == NULL)
		fatal(NULL);
	pmon_build(s, p, m);
	if (m->check != MON_CHECK_NONE || m->ready == MON_READY_TCP ||
	    m->ready == MON_READY_HEALTHY) {
		(void)parent_proc_send(PROC_MONITOR, IMSG_MON_SVC, 0, -1, m,
		    sizeof(*m));
		free(m);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.key = m->key;
	b.flags = m->flags;
	strlcpy(b.id, m->id, sizeof(b.id));
	b.pid = m->pid;
	b.uid = m->uid;
	b.ready = m->ready;
	b.age_ms = m->age_ms;
	b.watchdog_usec = m->watchdog_usec;
	strlcpy(b.cgroup, m->cgroup, sizeof(b.cgroup));
	free(m);
	(void)parent_proc_send(PROC_MONITOR, IMSG_MON_SVC_BRIEF, 0, -1, &b,
	    sizeof(b));
}

static void
pmon_send_del(uint32_t key)
{
	struct msg_mon_key	 k;

	memset(&k, 0, sizeof(k));
	k.key = key;
	(void)parent_proc_send(PROC_MONITOR, IMSG_MON_SVC_DEL, 0, -1, &k,
	    sizeof(k));
}

static int
pmon_live(struct svc *s)
{
	return (s->pid != 0 && (s->state == SVC_STARTING ||
	    s->state == SVC_RUNNING));
}

/* A transition of s: a new process to watch, a state, or the end. */
static void
pmon_listener(struct svc *s, enum svc_state old)
{
	struct config_svc	*sc = s->grp->conf;
	struct pmon	*p = pmon_get(s->id);

	if (pmon_live(s)) {
		if (p->key != 0 && p->pid == s->pid) {
			if (old != s->state)
				pmon_send_svc(s, p);
			return;
		}
		if (p->key != 0) {
			parent_exec_check_cancel(p->key);
			pmon_send_del(p->key);
		}
		if (++pmon_nextkey == 0)
			pmon_nextkey = 1;
		pmon_setkey(p, pmon_nextkey, s);
		p->pid = s->pid;
		p->mem_over = 0;
		p->watchdog_usec = 0;
		svc_set_status_text(s, "");
		s->sampled = 0;
		s->cpu_permille = 0;
		s->rss = 0;
		s->nprocs = s->nfds = 0;
		s->health = sc->health.type != HEALTH_NONE ?
		    SVC_HEALTH_STARTING : SVC_HEALTH_NONE;
		if (sc->limits.cpu > 0 && s->cgroup != NULL)
			parent_monitor_cpu_apply(s->cgroup, sc->limits.cpu,
			    s->id);
		pmon_send_svc(s, p);
		return;
	}
	if (p->key != 0) {
		parent_exec_check_cancel(p->key);
		pmon_send_del(p->key);
		pmon_setkey(p, 0, NULL);
		p->pid = 0;
	}
	if (s->pid == 0) {
		s->health = sc->health.type != HEALTH_NONE ?
		    SVC_HEALTH_STARTING : SVC_HEALTH_NONE;
		s->sampled = 0;
	}
}

/* "512 MiB", "1.5 GiB" */
static void
pmon_fmt_size(uint64_t v, char *buf, size_t len)
{
	const char	*u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double		 d = (double)v;
	unsigned int	 i = 0;

	while (d >= 1024 && i < nitems(u) - 1) {
		d /= 1024;
		i++;
	}
	if (d == (double)(uint64_t)d)
		snprintf(buf, len, "%llu %s", (unsigned long long)d, u[i]);
	else
		snprintf(buf, len, "%.1f %s", d, u[i]);
}

static void
pmon_sample(struct svc *s, struct pmon *p, const struct msg_mon_sample *m)
{
	struct config_svc	*sc = s->grp->conf;
	char		 now[32], lim[32], why[SVC_REASONMAX];

	s->cpu_permille = m->cpu_permille;
	s->rss = m->rss;
	s->nprocs = m->nprocs;
	s->nfds = m->nfds;
	s->sampled = time(NULL);
	if (sc->limits.memory == 0 || !pmon_live(s)) {
		p->mem_over = 0;
		return;
	}
	if (m->rss <= sc->limits.memory) {
		p->mem_over = 0;
		return;
	}
	if (++p->mem_over < PMON_MEM_SAMPLES)
		return;
	p->mem_over = 0;
	pmon_fmt_size(m->rss, now, sizeof(now));
	pmon_fmt_size(sc->limits.memory, lim, sizeof(lim));
	snprintf(why, sizeof(why), "memory %s above limit %s", now, lim);
	svc_unhealthy_restart(s, why);
}

static void
pmon_health(struct svc *s, const struct msg_mon_health *h)
{
	struct config_svc	*sc = s->grp->conf;
	char		 why[SVC_REASONMAX];

	if (sc->health.type == HEALTH_NONE)
		return;
	if (h->health == MON_HEALTH_HEALTHY) {
		svc_set_health(s, SVC_HEALTH_HEALTHY, h->reason);
		if (sc->ready == READY_HEALTHY)
			svc_set_ready(s);
		return;
	}
	svc_set_health(s, SVC_HEALTH_UNHEALTHY, h->reason);
	if (sc->health.on_unhealthy != UNHEALTHY_RESTART)
		return;
	snprintf(why, sizeof(why), "unhealthy after %u failed checks: ",
	    h->failures);
	strlcat(why, h->reason, sizeof(why));
	svc_unhealthy_restart(s, why);
}

static void
pmon_notify(struct svc *s, struct pmon *p, const struct msg_mon_notify *n)
{
	struct config_svc	*sc = s->grp->conf;

	if (n->flags & MON_NOTIFY_STATUS)
		svc_set_status_text(s, n->status);
	if (n->flags & MON_NOTIFY_WATCHDOG)
		p->watchdog_usec = n->watchdog_usec;
	if (n->flags & MON_NOTIFY_STOPPING)
		log_debug("%s: STOPPING=1", s->id);
	if (n->flags & MON_NOTIFY_RELOADING)
		log_debug("%s: RELOADING=1", s->id);
	if ((n->flags & MON_NOTIFY_READY) && sc->ready == READY_NOTIFY) {
		if (s->state == SVC_STARTING)
			log_info("%s: READY=1", s->id);
		svc_set_ready(s);
	}
}

int
parent_monitor_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct msg_mon_health	 h;
	struct msg_mon_key	 k;
	struct msg_mon_notify	 n;
	struct msg_mon_watchdog	 w;
	struct msg_mon_sample	 m;
	struct pmon		*p;
	struct svc		*s;
	char			 why[SVC_REASONMAX];
	unsigned int		 i;

	switch (imsg->hdr.type) {
	case IMSG_MON_HEALTH:
		if (imsg_get_data(imsg, &h, sizeof(h)) == -1 ||
		    !MSG_STR_OK(h.reason) || (h.health != MON_HEALTH_HEALTHY &&
		    h.health != MON_HEALTH_UNHEALTHY))
			return (-1);
		if ((s = pmon_svc(h.key, &p)) != NULL)
			pmon_health(s, &h);
		return (0);
	case IMSG_MON_READY:
		if (imsg_get_data(imsg, &k, sizeof(k)) == -1)
			return (-1);
		if ((s = pmon_svc(k.key, &p)) != NULL &&
		    s->grp->conf->ready == READY_TCP)
			svc_set_ready(s);
		return (0);
	case IMSG_MON_NOTIFY:
		if (imsg_get_data(imsg, &n, sizeof(n)) == -1 ||
		    !MSG_STR_OK(n.status) || (n.flags & ~MON_NOTIFY_ALL))
			return (-1);
		if ((s = pmon_svc(n.key, &p)) != NULL)
			pmon_notify(s, p, &n);
		return (0);
	case IMSG_MON_WATCHDOG:
		if (imsg_get_data(imsg, &w, sizeof(w)) == -1)
			return (-1);
		if ((s = pmon_svc(w.key, &p)) == NULL)
			return (0);
		snprintf(why, sizeof(why), "watchdog timeout (no WATCHDOG=1 "
		    "in %llu ms)", (unsigned long long)(w.usec / 1000));
		svc_unhealthy_restart(s, why);
		return (0);
	case IMSG_MON_SAMPLE:
		if (imsg_get_data(imsg, &m, sizeof(m)) == -1)
			return (-1);
		if ((s = pmon_svc(m.key, &p)) != NULL)
			pmon_sample(s, p, &m);
		return (0);
	case IMSG_MON_SAMPLE_END:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		pmon_last_pass = svc_mono_ms();
		for (i = 0; i < pmon_nsample_cbs; i++)
			pmon_sample_cbs[i]();
		return (0);
	case IMSG_MON_EXEC:
		if (imsg_get_data(imsg, &k, sizeof(k)) == -1)
			return (-1);
		if ((s = pmon_svc(k.key, &p)) == NULL ||
		    s->grp->conf->health.type != HEALTH_EXEC)
			return (0);
		if (parent_exec_check_start(s, k.key, why, sizeof(why)) == -1)
			parent_monitor_exec_done(k.key, 0, why);
		return (0);
	default:
		log_warnx("monitor: unexpected message %s (%u)",
		    imsg_type_name(imsg->hdr.type), imsg->hdr.type);
		return (-1);
	}
}

/* An exec check has ended: tell the monitor (if it still asks). */
void
parent_monitor_exec_done(uint32_t key, int ok, const char *reason)
{
	struct msg_mon_exec_result	 r;

	memset(&r, 0, sizeof(r));
	r.key = key;
	r.ok = ok ? 1 : 0;
	strlcpy(r.reason, reason, sizeof(r.reason));
	(void)parent_proc_send(PROC_MONITOR, IMSG_MON_EXEC_RESULT, 0, -1, &r,
	    sizeof(r));
}

/* Before the helpers start: what tells the monitor what to watch. */
void
parent_monitor_init(void)
{
	svc_add_listener(pmon_listener);
}

/*
 * The monitor said hello (at start and after every respawn): give it
 * everything it must watch and the notify sockets.
 */
void
parent_monitor_ready(void)
{
	struct svc	*s;
	struct pmon	*p;
	uint64_t	 now, left;

	TAILQ_FOREACH(s, &svc_all, entry) {
		if (!pmon_live(s))
			continue;
		p = pmon_get(s->id);
		if (p->key != 0 && p->pid == s->pid)
			pmon_send_svc(s, p);	/* same key, same watchdog */
		else
			pmon_listener(s, s->state);
	}
	now = svc_mono_ms();
	if (pmon_watch_until > now) {
		left = (pmon_watch_until - now + 999) / 1000;
		pmon_watch_until = 0;
		(void)parent_monitor_watch((unsigned int)left);
	}
	/*
	 * The sockets last: the monitor reads no datagram before it knows
	 * every service.  Those sent while it was away wait in the sockets'
	 * queues, and the first one it reads is judged against the full
	 * list (a ping from a running service is not "from no service").
	 */
	parent_monitor_notify_ready();
}

/* At a clean exit: the notify sockets go, as the control socket does. */
void
parent_monitor_shutdown(void)
{
	parent_monitor_notify_shutdown();
}

/*
 * Someone (status -l, info, monit, /metrics) wants resource figures:
 * have the monitor sample every service for the next `seconds' (at
 * most an hour).  Cheap to call on every request: the monitor is told
 * only when the deadline moves by a second or more.  Returns 1 if
 * every live service's figures are current (sampling was already on),
 * 0 if they will be after the next pass (about 250 ms from now; see
 * parent_monitor_add_sample_listener()).
 */
int
parent_monitor_watch(unsigned int seconds)
{
	struct msg_mon_watch	 w;
	uint64_t		 now = svc_mono_ms(), until;
	int			 fresh;

	/* The first pass is a baseline for CPU: fresh from the second. */
	fresh = pmon_watch_until > now &&
	    pmon_last_pass >= pmon_watch_since + 200;
	if (seconds == 0)
		return (fresh);
	if (seconds > 3600)
		seconds = 3600;
	if (pmon_watch_until <= now)
		pmon_watch_since = now;
	until = now + (uint64_t)seconds * 1000;
	if (until < pmon_watch_until + 1000)
		return (fresh);
	pmon_watch_until = until;
	memset(&w, 0, sizeof(w));
	w.seconds = seconds;
	(void)parent_proc_send(PROC_MONITOR, IMSG_MON_WATCH, 0, -1, &w,
	    sizeof(w));
	return (fresh);
}

/* cb runs after each sampling pass, when every s->sampled is fresh. */
void
parent_monitor_add_sample_listener(void (*cb)(void))
{
	if (pmon_nsample_cbs >= PMON_MAXLISTENERS)
		fatalx("%s: too many listeners", __func__);
	pmon_sample_cbs[pmon_nsample_cbs++] = cb;
}

/*
 * The configuration checks that depend on this host, for config load
 * and reload: limits.cpu needs the cgroup v2 cpu controller.  Adds
 * "FILE:LINE:COLUMN: ..." errors; returns -1 if there was any.
 */
int
parent_monitor_check_conf(struct vigil_conf *conf, struct config_errors *errs)
{
	struct config_svc	*sc;
	const char	*why = NULL;
	int		 checked = 0, rv = 0;

	TAILQ_FOREACH(sc, &conf->services, entry) {
		if (sc->limits.cpu == 0)
			continue;
		if (!sc->cgroup) {
			config_errors_addpos(errs, sc->pos.file, sc->pos.line,
			    sc->pos.column, "service \"%s\": limits.cpu needs "
			    "cgroup: true", sc->name);
			rv = -1;
			continue;
		}
		if (!checked) {
			why = parent_monitor_cpu_unavailable();
			checked = 1;
		}
		if (why != NULL) {
			config_errors_addpos(errs, sc->pos.file, sc->pos.line,
			    sc->pos.column, "service \"%s\": limits.cpu: %s",
			    sc->name, why);
			rv = -1;
		}
	}
	return (rv);
}
