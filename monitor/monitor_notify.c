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
 * sd_notify(3): one datagram socket for each user of `ready: notify'
 * services, made by the parent (parent/parent_monitor_notify.c), 0600
 * and that user's.  A datagram speaks for the service its sender belongs to, and
 * only for that one: the kernel's credentials give the sender's pid, and
 * the pid must be the service's main process, in its process tree, in
 * its session, or in its cgroup.  Anything else (another user's process,
 * a process that has already exited) is ignored and logged, with a
 * bound on the log lines.
 *
 * A flood costs bounded work and starves no other user: the sender's
 * uid (from the kernel, with the pid) must be the socket's user before
 * anything else is done; each socket has its own budget: at most
 * NOTIFY_BURST datagrams per wake-up (so every socket that has some is
 * read in each turn of the event loop) and NOTIFY_WINDOW_MAX per
 * NOTIFY_WINDOW_MS, after which reading that socket pauses until its
 * window ends (the rest wait in its queue, which is that user's alone).
 * A datagram from a live process of the right user that is not yet
 * known as any service's (it may have sent before the parent's word of
 * its start arrived) is held, at most NOTIFY_HOLD_MAX of them per
 * socket for NOTIFY_HOLD_MS, and tried again as each new service is
 * defined.
 *
 *	READY=1			ready: notify -> RUNNING
 *	STATUS=text		shown by `vigilctl info'
 *	WATCHDOG_USEC=N		arm (0: disarm) a watchdog of N microseconds
 *	WATCHDOG=1		a ping; none for WATCHDOG_USEC: restart
 *	WATCHDOG=trigger	restart now
 *	STOPPING=1, RELOADING=1	passed on
 *	BARRIER=1 (with an fd)	the fd is closed once the datagrams before
 *				it are handled (systemd-notify waits for it)
 */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "monitor.h"

#define NOTIFY_DGRAM_MAX	4096
#define NOTIFY_BURST		64	/* datagrams per wake-up */
#define NOTIFY_WINDOW_MS	250
#define NOTIFY_WINDOW_MAX	500	/* datagrams per window */
#define NOTIFY_HOLD_MAX		16	/* per socket */
#define NOTIFY_HOLD_MS		2000
#define NOTIFY_LOG_WINDOW_MS	10000
#define NOTIFY_LOG_MAX		10	/* warnings per window */
#define NOTIFY_WD_MAX_USEC	(86400ULL * 1000000)

/* One user's socket. */
struct notify_sock {
	TAILQ_ENTRY(notify_sock) entry;
	int			 fd;
	uid_t			 uid;		/* the only sender heard */
	struct event		 ev;
	struct event		 pause_ev;
	int			 paused;
	uint64_t		 win_start;
	unsigned int		 win_count;
	unsigned int		 nheld;
};
TAILQ_HEAD(notify_sock_list, notify_sock);

/* A datagram whose sender is not (yet) known as any service's. */
struct notify_held {
	TAILQ_ENTRY(notify_held) entry;
	struct notify_sock	*ns;		/* where it came */
	uint64_t		 until;
	pid_t			 pid;
	struct mon_sender	 snd;
	struct msg_mon_notify	 m;
	int			 flags;
	int			 wd;
};
TAILQ_HEAD(notify_held_list, notify_held);

static struct notify_sock_list notify_socks =
    TAILQ_HEAD_INITIALIZER(notify_socks);
static uint64_t		 notify_log_start;
static unsigned int	 notify_log_count;
static int		 notify_timers;		/* the evtimer is set */
static struct event	 notify_held_ev;
static struct notify_held_list notify_held = TAILQ_HEAD_INITIALIZER(notify_held);
static unsigned int	 notify_nheld;

static void	notify_read(int, short, void *);
static void	notify_resume(int, short, void *);
static void	notify_held_expire(int, short, void *);

/* A warning about a stray datagram, at most NOTIFY_LOG_MAX per window. */
static void
notify_warn(const char *fmt, ...)
    __attribute__((__format__ (printf, 1, 2)));

static void
notify_warn(const char *fmt, ...)
{
	va_list		 ap;
	char		 buf[256];
	uint64_t	 now = mon_now_ms();

	if (now - notify_log_start >= NOTIFY_LOG_WINDOW_MS) {
		if (notify_log_count > NOTIFY_LOG_MAX)
			log_warnx("sd_notify: %u more ignored messages",
			    notify_log_count - NOTIFY_LOG_MAX);
		notify_log_start = now;
		notify_log_count = 0;
	}
	if (notify_log_count++ >= NOTIFY_LOG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("sd_notify: %s", buf);
}

/* uid's socket (a new one, or the same user's again after a respawn). */
void
mon_notify_setfd(int fd, uid_t uid)
{
	struct notify_sock	*ns;

	if (!notify_timers) {
		evtimer_set(&notify_held_ev, notify_held_expire, NULL);
		notify_timers = 1;
	}
	TAILQ_FOREACH(ns, &notify_socks, entry)
		if (ns->uid == uid)
			break;
	if (ns == NULL) {
		if ((ns = calloc(1, sizeof(*ns))) == NULL)
			fatal(NULL);
		ns->fd = -1;
		ns->uid = uid;
		evtimer_set(&ns->pause_ev, notify_resume, ns);
		TAILQ_INSERT_TAIL(&notify_socks, ns, entry);
	}
	if (ns->paused) {
		evtimer_del(&ns->pause_ev);
		ns->paused = 0;
	}
	if (ns->fd != -1) {
		event_del(&ns->ev);
		close(ns->fd);
	}
	ns->fd = fd;
	if (mon_notify_prepare(fd) == -1) {
		log_warn("notify socket of uid %u", (unsigned int)uid);
		close(fd);
		ns->fd = -1;
		return;
	}
	event_set(&ns->ev, fd, EV_READ | EV_PERSIST, notify_read, ns);
	event_add(&ns->ev, NULL);
}

/* 1 if the line is KEY=VALUE for this KEY; *val points at VALUE. */
static int
notify_key(const char *line, size_t len, const char *key, const char **val,
    size_t *vlen)
{
	size_t	 klen = strlen(key);

	if (len <= klen || memcmp(line, key, klen) != 0 || line[klen] != '=')
		return (0);
	*val = line + klen + 1;
	*vlen = len - klen - 1;
	return (1);
}

static int
notify_is(const char *v, size_t vlen, const char *want)
{
	return (vlen == strlen(want) && memcmp(v, want, vlen) == 0);
}

/*
 * Parse one datagram into m (flags MON_NOTIFY_*, returned) and *wd:
 * 0 nothing, 1 WATCHDOG=1, 2 WATCHDOG=trigger.  A datagram with a NUL
 * byte is ignored as a whole, as systemd does.
 */
int
mon_notify_parse(const char *buf, size_t len, struct msg_mon_notify *m,
    int *wd)
{
	const char	*line, *end, *v, *errstr;
	size_t		 llen, vlen, i;
	char		 num[32];
	long long	 usec;
	int		 flags = 0;

	*wd = 0;
	memset(m, 0, sizeof(*m));
	if (len > NOTIFY_DGRAM_MAX || memchr(buf, '\0', len) != NULL)
		return (0);
	for (line = buf; line < buf + len; line = end + 1) {
		if ((end = memchr(line, '\n', buf + len - line)) == NULL)
			end = buf + len;
		llen = end - line;
		if (notify_key(line, llen, "READY", &v, &vlen)) {
			if (notify_is(v, vlen, "1"))
				flags |= MON_NOTIFY_READY;
		} else if (notify_key(line, llen, "STATUS", &v, &vlen)) {
			if (vlen >= sizeof(m->status))
				vlen = sizeof(m->status) - 1;
			for (i = 0; i < vlen; i++)
				m->status[i] = (v[i] >= 0x20 && v[i] != 0x7f) ?
				    v[i] : '?';
			m->status[vlen] = '\0';
			flags |= MON_NOTIFY_STATUS;
		} else if (notify_key(line, llen, "WATCHDOG", &v, &vlen)) {
			if (notify_is(v, vlen, "1"))
				*wd = *wd ? *wd : 1;
			else if (notify_is(v, vlen, "trigger"))
				*wd = 2;
		} else if (notify_key(line, llen, "WATCHDOG_USEC", &v, &vlen)) {
			if (vlen == 0 || vlen >= sizeof(num))
				continue;
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			usec = strtonum(num, 0, NOTIFY_WD_MAX_USEC, &errstr);
			if (errstr != NULL)
				continue;
			m->watchdog_usec = (uint64_t)usec;
			flags |= MON_NOTIFY_WATCHDOG;
		} else if (notify_key(line, llen, "STOPPING", &v, &vlen)) {
			if (notify_is(v, vlen, "1"))
				flags |= MON_NOTIFY_STOPPING;
		} else if (notify_key(line, llen, "RELOADING", &v, &vlen)) {
			if (notify_is(v, vlen, "1"))
				flags |= MON_NOTIFY_RELOADING;
		}
	}
	m->flags = (uint32_t)flags;
	return (flags);
}

static void
notify_wd_expired(int fd, short ev, void *arg)
{
	struct mon_svc		*ms = arg;
	struct msg_mon_watchdog	 w;

	log_warnx("%s: no WATCHDOG=1 from pid %d in %llu ms", ms->id,
	    (int)ms->pid, (unsigned long long)(ms->wd_usec / 1000));
	memset(&w, 0, sizeof(w));
	w.key = ms->key;
	w.usec = ms->wd_usec;
	(void)mon_send(IMSG_MON_WATCHDOG, &w, sizeof(w));
}

static void
notify_wd_arm(struct mon_svc *ms)
{
	if (ms->wd_ev != NULL)
		evtimer_del(ms->wd_ev);
	if (ms->wd_usec == 0)
		return;
	/* Most services have no watchdog: the timer comes when needed. */
	if (ms->wd_ev == NULL) {
		if ((ms->wd_ev = malloc(sizeof(*ms->wd_ev))) == NULL)
			fatal(NULL);
		evtimer_set(ms->wd_ev, notify_wd_expired, ms);
	}
	/* Round up: a ping exactly on time is on time. */
	mon_timer_add(ms->wd_ev, (ms->wd_usec + 999) / 1000);
}

/*
 * The service a sender belongs to, or NULL: the nearest of its
 * ancestors that is a service's main process (itself first), the
 * leader of its session or group (every service leads its own: setsid),
 * or the deepest service cgroup it is in.  Each a lookup in an index:
 * O(log N) per datagram, not a pass over every service.
 */
static struct mon_svc *
notify_match(const struct mon_sender *snd)
{
	struct mon_svc	*ms;
	unsigned int	 i;

	for (i = 0; i < snd->nanc; i++)
		if ((ms = mon_svc_find_pid(snd->anc[i])) != NULL)
			return (ms);
	if (snd->session > 0 && (ms = mon_svc_find_pid(snd->session)) != NULL)
		return (ms);
	if (snd->pgrp > 0 && (ms = mon_svc_find_pid(snd->pgrp)) != NULL)
		return (ms);
	return (mon_svc_find_cgroup(snd->cgroup));
}

static void
notify_held_free(struct notify_held *h)
{
	TAILQ_REMOVE(&notify_held, h, entry);
	notify_nheld--;
	h->ns->nheld--;
	free(h);
}

static void
notify_held_arm(void)
{
	struct notify_held	*h;
	uint64_t		 now = mon_now_ms();

	evtimer_del(&notify_held_ev);
	if ((h = TAILQ_FIRST(&notify_held)) != NULL)
		mon_timer_add(&notify_held_ev, h->until > now ?
		    h->until - now : 0);
}

/* Held long enough: no service has claimed the sender. */
static void
notify_held_expire(int fd, short ev, void *arg)
{
	struct notify_held	*h;
	uint64_t		 now = mon_now_ms();

	while ((h = TAILQ_FIRST(&notify_held)) != NULL && h->until <= now) {
		notify_warn("a message from pid %d, which is not a process "
		    "of any service: ignored", (int)h->pid);
		notify_held_free(h);
	}
	notify_held_arm();
}

/* Keep a datagram from a sender no service claims yet. */
static void
notify_hold(struct notify_sock *ns, pid_t pid, const struct mon_sender *snd,
    const struct msg_mon_notify *m, int flags, int wd)
{
	struct notify_held	*h;

	if (ns->nheld >= NOTIFY_HOLD_MAX) {
		notify_warn("a message from pid %d, which is not a process of "
		    "any service: ignored", (int)pid);
		return;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		fatal(NULL);
	h->ns = ns;
	ns->nheld++;
	h->until = mon_now_ms() + NOTIFY_HOLD_MS;
	h->pid = pid;
	h->snd = *snd;
	h->m = *m;
	h->flags = flags;
	h->wd = wd;
	TAILQ_INSERT_TAIL(&notify_held, h, entry);
	if (notify_nheld++ == 0)
		notify_held_arm();
}

static void	notify_apply(struct mon_svc *, struct msg_mon_notify *, int,
		    int, pid_t);

/* A new service: is it the one a held datagram was waiting for? */
static void
notify_held_retry(void)
{
	struct notify_held	*h, *hn;
	struct mon_svc		*ms;

	TAILQ_FOREACH_SAFE(h, &notify_held, entry, hn) {
		if ((ms = notify_match(&h->snd)) == NULL)
			continue;
		log_debug("%s: a message from pid %d, held %llu ms", ms->id,
		    (int)h->pid, (unsigned long long)(mon_now_ms() +
		    NOTIFY_HOLD_MS - h->until));
		notify_apply(ms, &h->m, h->flags, h->wd, h->pid);
		notify_held_free(h);
	}
	notify_held_arm();
}

static void
notify_handle(struct notify_sock *ns, const char *buf, size_t len, pid_t pid)
{
	struct msg_mon_notify	 m;
	struct mon_sender	 snd;
	struct mon_svc		*ms;
	int			 flags, wd;

	flags = mon_notify_parse(buf, len, &m, &wd);
	if (flags == 0 && wd == 0)
		return;		/* BARRIER=1, MAINPID=, or nothing */
	if (pid <= 0) {
		notify_warn("a message without credentials: ignored");
		return;
	}
	if ((ms = mon_svc_find_pid(pid)) == NULL) {
		if (mon_proc_sender(pid, &snd) == -1) {
			notify_warn("a message from pid %d, which exited "
			    "before it could be checked: ignored", (int)pid);
			return;
		}
		if ((ms = notify_match(&snd)) == NULL) {
			notify_hold(ns, pid, &snd, &m, flags, wd);
			return;
		}
	}
	notify_apply(ms, &m, flags, wd, pid);
}

static void
notify_apply(struct mon_svc *ms, struct msg_mon_notify *mp, int flags,
    int wd, pid_t pid)
{
	struct msg_mon_notify	 m = *mp;

	if ((flags & MON_NOTIFY_READY) && ms->ready != MON_READY_NOTIFY) {
		notify_warn("READY=1 from pid %d, a process of %s, which is "
		    "not `ready: notify': ignored", (int)pid, ms->id);
		flags &= ~MON_NOTIFY_READY;
	}
	if (flags & MON_NOTIFY_READY)
		log_debug("%s: READY=1 from pid %d", ms->id, (int)pid);
	if (flags & MON_NOTIFY_WATCHDOG) {
		ms->wd_usec = m.watchdog_usec;
		log_debug("%s: watchdog %llu ms", ms->id,
		    (unsigned long long)(ms->wd_usec / 1000));
		notify_wd_arm(ms);
	}
	if (wd == 1 && !(flags & MON_NOTIFY_WATCHDOG))
		notify_wd_arm(ms);
	if (flags != 0) {
		m.key = ms->key;
		m.flags = (uint32_t)flags;
		(void)mon_send(IMSG_MON_NOTIFY, &m, sizeof(m));
	}
	if (wd == 2) {
		if (ms->wd_ev != NULL)
			evtimer_del(ms->wd_ev);
		log_warnx("%s: WATCHDOG=trigger from pid %d", ms->id,
		    (int)pid);
		notify_wd_expired(-1, 0, ms);
	}
}

/* The window is over: read this socket again. */
static void
notify_resume(int fd, short ev, void *arg)
{
	struct notify_sock	*ns = arg;

	ns->paused = 0;
	if (ns->fd != -1)
		event_add(&ns->ev, NULL);
}

/*
 * One more datagram from this socket in its window?  If not, pause
 * reading it until the window's end; the other sockets go on.
 */
static int
notify_budget(struct notify_sock *ns)
{
	uint64_t	 now = mon_now_ms();

	if (now - ns->win_start >= NOTIFY_WINDOW_MS) {
		ns->win_start = now;
		ns->win_count = 0;
	}
	if (ns->win_count < NOTIFY_WINDOW_MAX) {
		ns->win_count++;
		return (1);
	}
	notify_warn("more than %d messages in %d ms on the socket of uid "
	    "%u: reading it paused", NOTIFY_WINDOW_MAX, NOTIFY_WINDOW_MS,
	    (unsigned int)ns->uid);
	event_del(&ns->ev);
	ns->paused = 1;
	mon_timer_add(&ns->pause_ev, ns->win_start + NOTIFY_WINDOW_MS - now);
	return (0);
}

static void
notify_read(int fd, short ev, void *arg)
{
	struct notify_sock	*ns = arg;
	char			 buf[NOTIFY_DGRAM_MAX + 1];
	pid_t			 pid;
	uid_t			 uid;
	ssize_t			 n;
	unsigned int		 i;

	for (i = 0; i < NOTIFY_BURST; i++) {
		if (!notify_budget(ns))
			return;
		n = mon_notify_recv(fd, buf, sizeof(buf), &pid, &uid);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("notify socket of uid %u",
				    (unsigned int)ns->uid);
			return;
		}
		if (uid != ns->uid) {
			notify_warn("a message from uid %d (pid %d) on the "
			    "socket of uid %u: ignored", (int)uid, (int)pid,
			    (unsigned int)ns->uid);
			continue;
		}
		if ((size_t)n > NOTIFY_DGRAM_MAX) {
			notify_warn("a message longer than %d bytes from pid "
			    "%d: ignored", NOTIFY_DGRAM_MAX, (int)pid);
			continue;
		}
		notify_handle(ns, buf, (size_t)n, pid);
	}
}

void
mon_notify_start(struct mon_svc *ms)
{
	/* ms->wd_usec: known from before a respawn of this monitor. */
	notify_wd_arm(ms);
	if (notify_nheld > 0)
		notify_held_retry();
}

void
mon_notify_stop(struct mon_svc *ms)
{
	if (ms->wd_ev != NULL) {
		evtimer_del(ms->wd_ev);
		free(ms->wd_ev);
		ms->wd_ev = NULL;
	}
}
