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
 * The state file, written: after every change of a service's process or
 * state (a pass of the event loop makes one write of all the changes it
 * saw), to a temporary file renamed over the old one, so a reader sees
 * one whole version or the other (format: parent_state.h).  It is what a
 * next vigild adopts from (parent_adopt.c); a clean exit, with every
 * service stopped, removes it.
 *
 * Not fsync'd: what it guards against is the death of vigild, after
 * which the kernel's page cache holds the new file whole, renamed; only
 * a crash of the machine could leave it half written, and then no
 * process it names survives to be adopted (and a file that does not
 * decode is ignored).  An fsync would cost each change some milliseconds
 * of the parent's loop (6 ms measured on ext4), for nothing.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "parent.h"
#include "parent_state.h"
#include "proc.h"
#include "svc.h"

static char		 state_path[PATH_MAX];
static char		 state_tmp[PATH_MAX];
static struct event	 state_ev;
static int		 state_pending;
static int		 state_failed;	/* warned once */
static struct timespec	 state_last;	/* end of the last write */
static long long	 state_cost_ns;	/* what it took */

/*
 * Each write costs O(N) (10 ms of CPU at 10,000 services); during a
 * start of them all a write per turn of the loop would be most of what
 * the parent does.  So the next write comes no sooner than
 * STATE_SPACING times the last one's cost after it: at most a tenth of
 * the parent's time, a delay of nothing measurable at 100 services and
 * of about 100 ms at 10,000.
 */
#define STATE_SPACING	9

static void
state_listener(struct svc *s, enum svc_state old)
{
	parent_state_changed();
}

/*
 * A new process's identity (its start time, field 22 of /proc/PID/stat)
 * is read once, and costs an open and a read: after a start of 10,000,
 * the first write would read 10,000 of them in one turn (more than
 * 100 ms).  They are read before the write, within the turn's budget,
 * the rest in the next turns.  1 once every live instance has its own.
 */
static int
state_identify(void)
{
	struct svc	*s;
	unsigned int	 n = 0;
	pid_t		 ppid;

	TAILQ_FOREACH(s, &svc_all, entry) {
		if (s->pid == 0 || s->starttime_pid == s->pid)
			continue;
		/* One that is gone already is left out of the file. */
		if (svc_proc_identity(s->pid, &s->starttime, &ppid) == 0)
			s->starttime_pid = s->pid;
		if (++n % 16 == 0 && parent_turn_busy())
			return (0);
	}
	return (1);
}

static void
state_cb(int fd, short ev, void *arg)
{
	struct timeval	 tv = { 0, 0 };

	/* Not on top of a turn's full slice of bulk work: the next turn. */
	if (parent_turn_busy() || !state_identify()) {
		evtimer_add(&state_ev, &tv);
		return;
	}
	state_pending = 0;
	(void)parent_state_write();
}

void
parent_state_init(void)
{
	if (snprintf(state_path, sizeof(state_path), "%s/%s",
	    penv->conf->state_dir, PSTATE_FILE) >= (int)sizeof(state_path) ||
	    snprintf(state_tmp, sizeof(state_tmp), "%s.tmp", state_path) >=
	    (int)sizeof(state_tmp))
		fatalx("state_dir %s: path too long", penv->conf->state_dir);
	evtimer_set(&state_ev, state_cb, NULL);
	svc_add_listener(state_listener);
}

/* Something changed: one write, when this pass of the loop is over. */
void
parent_state_changed(void)
{
	struct timeval	 tv = { 0, 0 };

	struct timespec	 now;
	long long	 since, wait;

	if (state_pending || state_path[0] == '\0')
		return;
	state_pending = 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	since = (now.tv_sec - state_last.tv_sec) * 1000000000LL +
	    (now.tv_nsec - state_last.tv_nsec);
	wait = state_cost_ns * STATE_SPACING - since;
	if (wait > 0) {
		tv.tv_sec = wait / 1000000000LL;
		tv.tv_usec = wait % 1000000000LL / 1000;
	}
	evtimer_add(&state_ev, &tv);
}

static int
state_fill(struct svc *s, struct pstate_svc *r, int64_t now_ms,
    int64_t mono_ms)
{
	pid_t		 ppid;

	if (s->starttime_pid != s->pid) {
		if (svc_proc_identity(s->pid, &s->starttime, &ppid) == -1)
			return (-1);	/* gone: SIGCHLD comes */
		s->starttime_pid = s->pid;
	}
	memset(r, 0, sizeof(*r));
	strlcpy(r->id, s->id, sizeof(r->id));
	r->pid = s->pid;
	r->starttime = s->starttime;
	r->state = s->state;
	r->restarts = s->restarts;
	/* svc_uptime_ms(), with the clocks read once for every record */
	r->start_ms = now_ms - (mono_ms - ((int64_t)s->start_mono.tv_sec *
	    1000 + s->start_mono.tv_nsec / 1000000));
	r->health = s->health;
	r->port = s->port > 0 ? (uint32_t)s->port : 0;
	r->stop_signal = s->adopt_stopsig ? s->adopt_stopsig :
	    s->grp->conf->stop_signal;
	r->stop_timeout_ms = s->adopt_stopsig ? s->adopt_stop_ms :
	    s->grp->conf->stop_timeout_ms;
	r->fingerprint = parent_adopt_fingerprint(s);
	if (s->cgroup != NULL)
		strlcpy(r->cgroup, s->cgroup, sizeof(r->cgroup));
	return (0);
}

/* The inodes of each service's `listen:` sockets, while it has them. */
static void
state_listen(struct pstate *st)
{
	struct svc_group	*g;
	struct pstate_listen	*l;
	struct stat		 sb;
	size_t			 i;

	TAILQ_FOREACH(g, &svc_groups, entry) {
		if (g->nlisten_fds == 0 || g->nlisten_fds > PSTATE_LISTENMAX)
			continue;
		if ((st->listen = reallocarray(st->listen, st->nlisten + 1,
		    sizeof(*st->listen))) == NULL)
			fatal(NULL);
		l = &st->listen[st->nlisten];
		memset(l, 0, sizeof(*l));
		strlcpy(l->name, g->conf->name, sizeof(l->name));
		for (i = 0; i < g->nlisten_fds; i++) {
			if (g->listen_fds[i] == -1 ||
			    fstat(g->listen_fds[i], &sb) == -1)
				break;
			l->ino[l->n++] = (uint64_t)sb.st_ino;
		}
		if (i == g->nlisten_fds)
			st->nlisten++;
	}
}

static int	state_write(void);
static int	state_store(const char *, size_t);

int
parent_state_write(void)
{
	struct timespec	 t0;
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = state_write();
	clock_gettime(CLOCK_MONOTONIC, &state_last);
	state_cost_ns = (state_last.tv_sec - t0.tv_sec) * 1000000000LL +
	    (state_last.tv_nsec - t0.tv_nsec);
	return (r);
}

static int
state_write(void)
{
	struct pstate	 st;
	struct timespec	 now;
	struct svc	*s;
	int64_t		 now_ms, mono_ms;
	char		*buf;
	size_t		 len, n = 0;

	memset(&st, 0, sizeof(st));
	st.version = PSTATE_VERSION;
	strlcpy(st.instance, parent_instance_id(), sizeof(st.instance));
	(void)parent_adopt_leftovers(&st.svc, &st.nsvc);
	TAILQ_FOREACH(s, &svc_all, entry)
		if (s->pid != 0)
			n++;
	if ((st.svc = reallocarray(st.svc, st.nsvc + n + 1,
	    sizeof(*st.svc))) == NULL)
		fatal(NULL);
	clock_gettime(CLOCK_REALTIME, &now);
	now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	clock_gettime(CLOCK_MONOTONIC, &now);
	mono_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	TAILQ_FOREACH(s, &svc_all, entry)
		if (s->pid != 0 &&
		    state_fill(s, &st.svc[st.nsvc], now_ms, mono_ms) == 0)
			st.nsvc++;
	state_listen(&st);
	buf = pstate_encode(&st, &len);
	free(st.svc);
	free(st.listen);
	if (buf == NULL)
		fatal("state file");

	if (state_store(buf, len) == -1) {
		if (!state_failed)
			log_warn("state file %s: a crash now would leave the "
			    "services unadopted", state_tmp);
		state_failed = 1;
		(void)unlink(state_tmp);
		free(buf);
		return (-1);
	}
	free(buf);
	if (state_failed)
		log_info("state file %s written again", state_path);
	state_failed = 0;
	return (0);
}

/*
 * The new state is written into a second file kept for the purpose,
 * which then trades names with the state file (compat_rename_exchange):
 * the state file is always a whole one, as with a rename over it, but
 * no inode is made or freed each time, and ext4 starts no writeback (it
 * does on a rename over a file, and on closing a file truncated to
 * nothing and written again).  Those were half of the parent's CPU in a
 * respawn (perf), and sat between the new process and its start.  The
 * file is written from the start and cut to its length, never emptied.
 * Where names cannot be traded (another system, a file system without
 * it), or on the first write, the new file is renamed over the old.
 */
static int
state_store(const char *buf, size_t len)
{
	static int	 noexchange;
	struct stat	 sb;
	size_t		 off = 0;
	ssize_t		 w;
	int		 fd;

	if ((fd = open(state_tmp, O_WRONLY | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return (-1);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || sb.st_nlink != 1 ||
	    (sb.st_mode & 077) != 0) {
		close(fd);
		errno = EPERM;
		return (-1);
	}
	while (off < len) {
		if ((w = pwrite(fd, buf + off, len - off, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return (-1);
		}
		off += w;
	}
	if (ftruncate(fd, (off_t)len) == -1) {
		close(fd);
		return (-1);
	}
	if (close(fd) == -1)
		return (-1);
	if (!noexchange && compat_rename_exchange(state_tmp, state_path) == 0)
		return (0);
	if (errno != ENOENT)
		noexchange = 1;
	return (rename(state_tmp, state_path));
}

/* A clean exit: nothing runs that a next vigild could adopt. */
void
parent_state_remove(void)
{
	if (state_path[0] == '\0')
		return;
	evtimer_del(&state_ev);
	if (unlink(state_path) == -1 && errno != ENOENT)
		log_warn("state file %s", state_path);
	if (unlink(state_tmp) == -1 && errno != ENOENT)
		log_warn("state file %s", state_tmp);
}
