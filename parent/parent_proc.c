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
 * The parent's side of the three helpers: start each by fork and re-exec
 * with its role, check what it sends, and replace it when it dies or
 * misbehaves -- with a growing delay, so a helper that keeps dying never
 * turns into a fork storm.  The services do not notice any of this.
 *
 * A helper can also hang (stopped, stuck in a system call, a loop): the
 * parent pings each one HELPER_PING_SEC seconds after its last answer,
 * and one that has not answered within HELPER_PING_DEADLINE_SEC (or has
 * not said hello that long after its start) is killed and so replaced.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "parent.h"
#include "proc.h"
#include "svc.h"

#define HELPER_BACKOFF_MIN_MS	100
#define HELPER_BACKOFF_MAX_MS	30000
#define HELPER_STABLE_SEC	10	/* up this long: the next death is
					   not counted as a quick one */
#define HELPER_PING_SEC		1	/* one ping a second at most */
#define HELPER_FLUSH_MS		2000	/* last messages before exit or exec */
#define HELPER_PING_DEADLINE_SEC 5	/* unanswered that long: hung */

struct parent_helper {
	enum vigil_proc		 id;
	pid_t			 pid;		/* 0: not running */
	struct imsgev		 iev;
	int			 chan_up;
	int			 ready;		/* HELLO received */
	time_t			 started;
	unsigned int		 quick_deaths;
	struct event		 respawn_ev;
	struct event		 ping_ev;
	uint64_t		 spawned_ms;	/* monotonic */
	uint32_t		 ping_seq;
	int			 ping_out;	/* ping_seq not answered yet */
	uint64_t		 pong_ms;	/* last answer */
	uint64_t		 hung_ms;	/* killed as hung: its last
						   answer, until the next one
						   is ready; else 0 */
	int			 (*dispatch)(struct imsgev *, struct imsg *);
	void			 (*on_ready)(void);
};

static struct parent_helper	 helpers[PROC_MAX];

static void	parent_proc_spawn(struct parent_helper *);
static void	parent_proc_respawn_cb(int, short, void *);
static int	parent_proc_dispatch(struct imsgev *, struct imsg *);
static void	parent_proc_closed(struct imsgev *, const char *);
static void	parent_proc_ping_cb(int, short, void *);
static void	parent_proc_kill(struct parent_helper *);
static void	parent_proc_ping_in(struct parent_helper *, int);

void
parent_proc_init(void)
{
	unsigned int	 i;

	memset(helpers, 0, sizeof(helpers));
	for (i = PROC_CONTROL; i < PROC_MAX; i++) {
		helpers[i].id = i;
		evtimer_set(&helpers[i].respawn_ev, parent_proc_respawn_cb,
		    &helpers[i]);
		evtimer_set(&helpers[i].ping_ev, parent_proc_ping_cb,
		    &helpers[i]);
	}
	helpers[PROC_CONTROL].dispatch = parent_control_dispatch;
	helpers[PROC_CONTROL].on_ready = parent_control_ready;
	helpers[PROC_LOGGER].dispatch = parent_logger_dispatch;
	helpers[PROC_LOGGER].on_ready = parent_logger_ready;
	helpers[PROC_MONITOR].dispatch = parent_monitor_dispatch;
	helpers[PROC_MONITOR].on_ready = parent_monitor_ready;
}

void
parent_proc_start_all(void)
{
	unsigned int	 i;

	for (i = PROC_CONTROL; i < PROC_MAX; i++)
		parent_proc_spawn(&helpers[i]);
}

static void
parent_proc_spawn(struct parent_helper *h)
{
	const char	*argv[16];
	char		 verbose[8];
	int		 sp[2], argc = 0, i;
	pid_t		 pid;

	if (penv->shutting_down)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("%s: socketpair", proc_name(h->id));
		goto retry;
	}

	argv[argc++] = penv->self;
	argv[argc++] = "-P";
	argv[argc++] = proc_name(h->id);
	if (penv->debug)
		argv[argc++] = "-d";
	if (penv->verbose > 0) {
		verbose[0] = '-';
		for (i = 0; i < penv->verbose && i < 5; i++)
			verbose[i + 1] = 'v';
		verbose[i + 1] = '\0';
		argv[argc++] = verbose;
	}
	if (penv->helper_user != NULL) {
		argv[argc++] = "-U";
		argv[argc++] = penv->helper_user;
		argv[argc++] = "-R";
		argv[argc++] = h->id == PROC_LOGGER ? penv->log_dir :
		    penv->empty_dir;
	}
	argv[argc] = NULL;

	switch (pid = fork()) {
	case -1:
		log_warn("%s: fork", proc_name(h->id));
		close(sp[0]);
		close(sp[1]);
		goto retry;
	case 0:
		/* The child: channel on fd 3, nothing else open. */
		if (sp[1] == PROC_PARENT_SOCK_FILENO) {
			if (fcntl(sp[1], F_SETFD, 0) == -1)
				_exit(1);
		} else if (dup2(sp[1], PROC_PARENT_SOCK_FILENO) == -1)
			_exit(1);
		closefrom(PROC_PARENT_SOCK_FILENO + 1);
		sigset_t	 mask;
		sigemptyset(&mask);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		execv(penv->self, (char * const *)argv);
		_exit(127);
	}

	close(sp[1]);
	h->pid = pid;
	h->started = time(NULL);
	h->ready = 0;
	if (imsgev_init(&h->iev, sp[0], h, parent_proc_dispatch,
	    parent_proc_closed) == -1) {
		log_warn("%s: channel", proc_name(h->id));
		close(sp[0]);
		kill(pid, SIGKILL);
		return;		/* reaped, then respawned */
	}
	h->chan_up = 1;
	h->spawned_ms = svc_mono_ms();
	h->ping_out = 0;
	parent_proc_ping_in(h, HELPER_PING_DEADLINE_SEC);	/* the hello */
	log_debug("started %s, pid %d", proc_name(h->id), (int)pid);
	return;

 retry:
	h->quick_deaths++;
	{
		struct timeval	 tv = { 1, 0 };
		evtimer_add(&h->respawn_ev, &tv);
	}
}

static void
parent_proc_respawn_cb(int fd, short ev, void *arg)
{
	struct parent_helper	*h = arg;

	if (h->pid == 0)
		parent_proc_spawn(h);
}

static void
parent_proc_ping_in(struct parent_helper *h, int sec)
{
	struct timeval	 tv = { sec, 0 };

	evtimer_add(&h->ping_ev, &tv);
}

/*
 * The helper's timer: the deadline of its hello or of the last ping (it
 * is hung), or the time for the next ping.
 */
static void
parent_proc_ping_cb(int fd, short ev, void *arg)
{
	struct parent_helper	*h = arg;
	struct msg_ping		 ping;

	if (h->pid <= 0 || penv->shutting_down)
		return;
	if (!h->ready) {
		log_warnx("%s (pid %d) did not start within %d seconds; "
		    "killing it", proc_name(h->id), (int)h->pid,
		    HELPER_PING_DEADLINE_SEC);
		h->hung_ms = h->spawned_ms;
		parent_proc_kill(h);
		return;
	}
	if (h->ping_out) {
		log_warnx("%s (pid %d) did not answer a ping for %d seconds; "
		    "killing it", proc_name(h->id), (int)h->pid,
		    HELPER_PING_DEADLINE_SEC);
		h->hung_ms = h->pong_ms;
		parent_proc_kill(h);
		return;
	}
	ping.seq = ++h->ping_seq;
	if (parent_proc_send(h->id, IMSG_PING, 0, -1, &ping,
	    sizeof(ping)) == 0) {
		h->ping_out = 1;
		parent_proc_ping_in(h, HELPER_PING_DEADLINE_SEC);
	}
}

static int
parent_proc_pong(struct parent_helper *h, struct imsg *imsg)
{
	struct msg_ping	 ping;

	if (imsg_get_data(imsg, &ping, sizeof(ping)) == -1)
		return (-1);
	if (!h->ping_out || ping.seq != h->ping_seq) {
		log_warnx("%s: answer to a ping never sent (%u)",
		    proc_name(h->id), ping.seq);
		return (-1);
	}
	h->ping_out = 0;
	h->pong_ms = svc_mono_ms();
	parent_proc_ping_in(h, HELPER_PING_SEC);
	return (0);
}

/* Close the channel and make sure the process is gone; SIGCHLD does the rest. */
static void
parent_proc_kill(struct parent_helper *h)
{
	if (h->chan_up) {
		imsgev_close(&h->iev);
		h->chan_up = 0;
	}
	h->ready = 0;
	if (h->pid > 0)
		kill(h->pid, SIGKILL);
}

static void
parent_proc_closed(struct imsgev *iev, const char *reason)
{
	struct parent_helper	*h = iev->data;

	h->chan_up = 0;
	h->ready = 0;
	imsgev_close(iev);
	if (penv->shutting_down)
		return;
	if (strcmp(reason, "closed") == 0)
		log_debug("%s: channel closed", proc_name(h->id));
	else if (strncmp(reason, "bad message", 11) == 0)
		log_warnx("%s (pid %d) sent %s; killing it", proc_name(h->id),
		    (int)h->pid, reason);
	else
		log_warnx("%s (pid %d): channel lost (%s); killing it",
		    proc_name(h->id), (int)h->pid, reason);
	if (h->pid > 0)
		kill(h->pid, SIGKILL);
}

static int
parent_proc_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct parent_helper	*h = iev->data;
	struct msg_hello	 hello;

	if (imsg->hdr.type == IMSG_HELLO) {
		if (imsg_get_data(imsg, &hello, sizeof(hello)) == -1)
			return (-1);
		if (hello.version != VIGIL_IMSG_VERSION ||
		    hello.proc != h->id || h->ready)
			return (-1);
		h->ready = 1;
		h->pong_ms = svc_mono_ms();
		parent_proc_ping_in(h, HELPER_PING_SEC);
		log_debug("%s ready", proc_name(h->id));
		if (h->hung_ms != 0) {
			log_info("%s replaced by pid %d, %llu ms after the "
			    "last sign of life of the hung one",
			    proc_name(h->id), (int)h->pid, (unsigned long long)
			    (h->pong_ms - h->hung_ms));
			h->hung_ms = 0;
		}
		if (h->on_ready != NULL)
			h->on_ready();
		return (0);
	}
	if (!h->ready)
		return (-1);
	if (imsg->hdr.type == IMSG_PONG)
		return (parent_proc_pong(h, imsg));
#ifdef VIGIL_TEST_HOOKS
	if (imsg->hdr.type == IMSG_TEST_GARBAGE) {
		log_warnx("%s: unexpected message %s", proc_name(h->id),
		    imsg_type_name(imsg->hdr.type));
		return (-1);
	}
#endif
	return (h->dispatch(iev, imsg));
}

/* Called for every reaped child; returns 1 if it was a helper. */
int
parent_proc_reaped(pid_t pid, int status)
{
	struct parent_helper	*h = NULL;
	struct timeval		 tv;
	unsigned int		 i;
	uint64_t		 ms;

	for (i = PROC_CONTROL; i < PROC_MAX; i++)
		if (helpers[i].pid == pid)
			h = &helpers[i];
	if (h == NULL)
		return (0);

	h->pid = 0;
	evtimer_del(&h->ping_ev);
	h->ping_out = 0;
	if (h->chan_up) {
		imsgev_close(&h->iev);
		h->chan_up = 0;
	}
	h->ready = 0;
	if (penv->shutting_down)
		return (1);

	if (WIFSIGNALED(status))
		log_warnx("lost child: %s (pid %d) killed by signal %d (%s)",
		    proc_name(h->id), (int)pid, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		log_warnx("lost child: %s (pid %d) exited with status %d",
		    proc_name(h->id), (int)pid, WEXITSTATUS(status));

	if (time(NULL) - h->started >= HELPER_STABLE_SEC)
		h->quick_deaths = 0;
	ms = HELPER_BACKOFF_MIN_MS;
	for (i = 0; i < h->quick_deaths && ms < HELPER_BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > HELPER_BACKOFF_MAX_MS)
		ms = HELPER_BACKOFF_MAX_MS;
	h->quick_deaths++;
	log_info("restarting %s in %llu ms", proc_name(h->id),
	    (unsigned long long)ms);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&h->respawn_ev, &tv);
	return (1);
}

int
parent_proc_send(enum vigil_proc id, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	struct parent_helper	*h;

	if (id <= PROC_PARENT || id >= PROC_MAX)
		fatalx("%s: bad process id %d", __func__, id);
	h = &helpers[id];
	if (!h->chan_up || !h->ready) {
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (imsgev_compose(&h->iev, type, peerid, 0, fd, data, len) == -1) {
		log_warn("%s: compose to %s", __func__, proc_name(id));
		if (fd != -1)
			close(fd);
		parent_proc_kill(h);
		return (-1);
	}
	return (0);
}

/* A helper that must go (the logger after a failed upgrade): respawned. */
void
parent_proc_restart(enum vigil_proc id)
{
	if (helpers[id].pid > 0)
		kill(helpers[id].pid, SIGKILL);
}

/*
 * Write what is queued for a helper now, waiting for it at most
 * HELPER_FLUSH_MS: a stopped or hung helper must not stop the parent.
 */
static int
parent_proc_flush_bounded(struct parent_helper *h)
{
	if (imsgbuf_flush_timeout(&h->iev.ibuf, HELPER_FLUSH_MS) == 0)
		return (0);
	if (errno == ETIMEDOUT)
		log_warnx("%s (pid %d) did not take its messages within %d ms",
		    proc_name(h->id), (int)h->pid, HELPER_FLUSH_MS);
	else
		log_warn("%s: flush", proc_name(h->id));
	return (-1);
}

/* Write what is queued for a helper now. */
int
parent_proc_flush(enum vigil_proc id)
{
	if (!helpers[id].chan_up)
		return (-1);
	return (parent_proc_flush_bounded(&helpers[id]));
}

int
parent_proc_ready(enum vigil_proc id)
{
	return (helpers[id].chan_up && helpers[id].ready);
}

pid_t
parent_proc_pid(enum vigil_proc id)
{
	return (helpers[id].pid);
}

void
parent_proc_verbose(int v)
{
	unsigned int	 i;

	for (i = PROC_CONTROL; i < PROC_MAX; i++)
		(void)parent_proc_send(i, IMSG_VERBOSE, 0, -1, &v, sizeof(v));
}

/*
 * At exit: close the channels (the helpers exit on EOF), then make sure
 * with SIGTERM and, after a grace period, SIGKILL.  This runs after the
 * event loop, so a short blocking wait is fine.
 */
void
parent_proc_stop_all(void)
{
	unsigned int	 i, tries;
	int		 status, alive;
	pid_t		 pid;

	for (i = PROC_CONTROL; i < PROC_MAX; i++) {
		evtimer_del(&helpers[i].respawn_ev);
		evtimer_del(&helpers[i].ping_ev);
		if (helpers[i].chan_up) {
			(void)parent_proc_flush_bounded(&helpers[i]);
			imsgev_close(&helpers[i].iev);
			helpers[i].chan_up = 0;
		}
		if (helpers[i].pid > 0)
			kill(helpers[i].pid, SIGTERM);
	}
	for (tries = 0; tries < 200; tries++) {
		alive = 0;
		for (i = PROC_CONTROL; i < PROC_MAX; i++) {
			if (helpers[i].pid <= 0)
				continue;
			pid = waitpid(helpers[i].pid, &status, WNOHANG);
			if (pid == helpers[i].pid ||
			    (pid == -1 && errno == ECHILD))
				helpers[i].pid = 0;
			else
				alive = 1;
		}
		if (!alive)
			return;
		if (tries == 100)
			for (i = PROC_CONTROL; i < PROC_MAX; i++)
				if (helpers[i].pid > 0)
					kill(helpers[i].pid, SIGKILL);
		usleep(10000);
	}
}
