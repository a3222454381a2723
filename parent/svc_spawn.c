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
 * Spawn one instance: its port, `listen:' sockets, output pipes (which
 * live as long as the instance) and cgroup, then svc_launch.c starts
 * the command.  An exec failure comes back as an errno, read at once if
 * it is there, or when the child is reaped.
 */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "proc.h"
#include "svc.h"

#define SVC_PIPE_SIZE		(1024 * 1024)

static int
svc_make_pipe(int *rfd, int *wfd)
{
	int	 p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return (-1);
	/* Room for output while the logger is being replaced. */
	(void)compat_pipe_setsize(p[0], SVC_PIPE_SIZE);
	*rfd = p[0];
	*wfd = p[1];
	return (0);
}

/*
 * The output pipes of an instance live as long as the instance: every
 * restart writes into the same pipes, and the logger is handed the read
 * ends once.  The parent keeps both ends, so a dying logger never makes
 * a service see EPIPE.
 */
static int
svc_pipes(struct svc *s, int *outw, int *errw)
{
	struct config_svc	*sc = s->grp->conf;
	int		 attach = 0;

	*outw = *errw = -1;
	/* The read ends go to parent_logger.c; the write ends stay. */
	if (s->out_wfd == -1 && sc->log.out != LOGDEST_NONE) {
		if (svc_make_pipe(&s->out_rfd, &s->out_wfd) == -1)
			return (-1);
		attach = 1;
	}
	if (s->err_wfd == -1 && sc->log.err != LOGDEST_MERGE &&
	    sc->log.err != LOGDEST_NONE) {
		if (svc_make_pipe(&s->err_rfd, &s->err_wfd) == -1)
			return (-1);
		attach = 1;
	}
	if (attach)
		parent_logger_attach(s);
	*outw = s->out_wfd;
	*errw = sc->log.err == LOGDEST_MERGE ? s->out_wfd : s->err_wfd;
	return (0);
}

static void
svc_spawn_exec_ready(int fd, short ev, void *arg)
{
	struct svc	*s = arg;

	free(s->exec_ev);	/* fired, no longer pending */
	s->exec_ev = NULL;
	if (s->exec_rfd != -1)
		svc_spawn_exec_result(s, 0);
}

/*
 * The exec error pipe, read now if it can be: with vfork semantics the
 * child has exec'd or written its errno and exited by the time
 * svc_launch_start returns.  But execve wakes a vfork parent when it
 * drops the old memory, a moment before it closes the close-on-exec
 * descriptors, so the pipe may not answer yet (as with fork semantics).
 * Then the event loop waits for its EOF or errno, which comes as soon as
 * the child runs on: kept until the reap, the descriptor stayed open for
 * as long as the service ran, one more each time the race was lost (the
 * parent's descriptors crept up in a soak).  svc_reaped reads whatever
 * is left (final: the child is gone, what the pipe holds now is all
 * there is).
 */
void
svc_spawn_exec_result(struct svc *s, int final)
{
	int	 eno;

	s->exec_errno = 0;
	if (!svc_launch_result(s->exec_rfd, final, &eno)) {
		if (s->exec_ev == NULL) {
			if ((s->exec_ev = malloc(sizeof(*s->exec_ev))) == NULL)
				fatal(NULL);
			event_set(s->exec_ev, s->exec_rfd, EV_READ,
			    svc_spawn_exec_ready, s);
			event_add(s->exec_ev, NULL);
		}
		return;
	}
	if (s->exec_ev != NULL) {
		event_del(s->exec_ev);
		free(s->exec_ev);
		s->exec_ev = NULL;
	}
	s->exec_errno = eno;
	close(s->exec_rfd);
	s->exec_rfd = -1;
}

void
svc_spawn_close_pipes(struct svc *s)
{
	int	*fds[] = { &s->out_rfd, &s->out_wfd, &s->err_rfd, &s->err_wfd };
	size_t	 i;

	for (i = 0; i < nitems(fds); i++) {
		if (*fds[i] != -1) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	}
}

int
svc_spawn(struct svc *s, char *err, size_t errlen)
{
	struct config_svc	*sc = s->grp->conf;
	struct svc_launch	 l;
	char			 nbuf[16];
	int			 outw, errw, devnull, nlisten;
	size_t			 i;
	pid_t			 pid;

	if (svc_port_pick(s, err, errlen) == -1 ||
	    svc_listen_open(s->grp, err, errlen) == -1)
		return (-1);
	if (svc_launch_prepare(s, 0, &l, err, errlen) == -1)
		return (-1);
	nlisten = (int)s->grp->nlisten_fds;
	if (nlisten > 0) {
		snprintf(nbuf, sizeof(nbuf), "%d", nlisten);
		svc_env_set(&l.env, "LISTEN_FDS", nbuf);
		/* Filled in by the child, which knows its pid. */
		svc_env_set(&l.env, "LISTEN_PID", "XXXXXXXXXXX");
		for (i = 0; l.env.v[i] != NULL; i++)
			if (strncmp(l.env.v[i], "LISTEN_PID=", 11) == 0)
				l.listen_pid = l.env.v[i] + 11;
	}
	if (sc->cgroup && svc_cgroup_available() && s->cgroup == NULL)
		s->cgroup = svc_cgroup_create(s->id);
	/*
	 * cgroup: false since a reload: the new process goes into no group,
	 * and the old group goes once nothing of the old one is left in it.
	 */
	if (!sc->cgroup && s->cgroup != NULL &&
	    !svc_cgroup_populated(s->cgroup)) {
		svc_cgroup_remove(s->cgroup);
		free(s->cgroup);
		s->cgroup = NULL;
		s->cgroup_killed = 0;
	}
	if (svc_pipes(s, &outw, &errw) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		goto fail;
	}
	l.fd_in = devnull;
	l.fd_out = outw != -1 ? outw : devnull;
	l.fd_err = errw != -1 ? errw : devnull;
	l.listen_fds = s->grp->listen_fds;
	l.nlisten = nlisten;
	l.cgroup = sc->cgroup ? s->cgroup : NULL;
	/*
	 * Not born into a group that has been through cgroup.kill: kernels
	 * with the fork/cgroup.kill race fix compare the group's kill count
	 * with the one of the parent's group and kill every child born into
	 * a group whose count differs.  Such an instance moves itself.
	 */
	l.cgroup_move = s->cgroup_killed;
	pid = svc_launch_start(&l, &s->exec_rfd);
	if (pid == -1)
		snprintf(err, errlen, "fork: %s", strerror(errno));
	close(devnull);
	if (pid == -1)
		goto fail;
	svc_spawn_exec_result(s, 0);
	svc_set_pid(s, pid);
	clock_gettime(CLOCK_MONOTONIC, &s->start_mono);
	s->start_wall = time(NULL);
	log_debug("%s: spawned pid %d", s->id, (int)pid);
	svc_launch_free(&l);
	return (0);

 fail:
	svc_launch_free(&l);
	return (-1);
}
