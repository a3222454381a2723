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
 * `health: exec:' checks.  The monitor asks (IMSG_MON_EXEC); the parent
 * runs the command exactly as it runs the service (svc_launch.c: its own
 * session, the service's user, groups, limits, umask, directory and
 * environment, inherit_environment included, plus VIGIL_PID; nothing
 * open but stdio) and never blocks on it: the exit comes back through
 * SIGCHLD (parent_exec_check_reaped), and a check still running at
 * `timeout' gets SIGKILL, with its whole process group.  Exit 0 is
 * healthy; otherwise the first line of its output goes into the reason.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "msg_mon.h"
#include "parent.h"
#include "svc.h"

#define EXEC_MAXRUNNING		64
#define EXEC_OUTMAX		200	/* output kept for the reason */

struct pexec {
	TAILQ_ENTRY(pexec)	 entry;
	uint32_t		 key;
	pid_t			 pid;
	char			 id[VIGIL_IDNAMEMAX];
	char			 argv0[48];	/* for an exec error */
	uint64_t		 timeout_ms;
	struct event		 timer;
	int			 outfd;
	struct event		 outev;
	int			 errfd;		/* svc_launch's error pipe */
	char			 out[EXEC_OUTMAX + 1];
	size_t			 outlen;
	int			 timed_out;
	int			 cancelled;
};

static TAILQ_HEAD(, pexec)	 pexecs = TAILQ_HEAD_INITIALIZER(pexecs);
static unsigned int		 npexecs;

static void
pexec_output(int fd, short ev, void *arg)
{
	struct pexec	*x = arg;
	char		 buf[512];
	size_t		 room;
	ssize_t		 n;

	n = read(x->outfd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		event_del(&x->outev);
		close(x->outfd);
		x->outfd = -1;
		return;
	}
	room = EXEC_OUTMAX - x->outlen;
	if ((size_t)n < room)
		room = (size_t)n;
	memcpy(x->out + x->outlen, buf, room);
	x->outlen += room;
	x->out[x->outlen] = '\0';
}

static void
pexec_timeout(int fd, short ev, void *arg)
{
	struct pexec	*x = arg;

	x->timed_out = 1;
	log_debug("%s: exec check pid %d: timed out, killing it", x->id,
	    (int)x->pid);
	(void)kill(-x->pid, SIGKILL);
	(void)kill(x->pid, SIGKILL);
}

static void
pexec_free(struct pexec *x)
{
	evtimer_del(&x->timer);
	if (x->outfd != -1) {
		event_del(&x->outev);
		close(x->outfd);
	}
	if (x->errfd != -1)
		close(x->errfd);
	TAILQ_REMOVE(&pexecs, x, entry);
	npexecs--;
	free(x);
}

/* The first line of the output, printable. */
static void
pexec_firstline(struct pexec *x, char *buf, size_t len)
{
	size_t	 i, j = 0;
	char	*p = x->out;

	while (*p == '\n' || *p == '\r' || *p == ' ')
		p++;
	for (i = 0; p[i] != '\0' && p[i] != '\n' && j + 1 < len; i++)
		buf[j++] = ((unsigned char)p[i] >= 0x20 && p[i] != 0x7f) ?
		    p[i] : '?';
	buf[j] = '\0';
}

int
parent_exec_check_reaped(pid_t pid, int status)
{
	struct pexec	*x;
	char		 why[MON_TEXTMAX], line[EXEC_OUTMAX];
	const char	*sig;
	int		 ok = 0, eno = 0;

	TAILQ_FOREACH(x, &pexecs, entry)
		if (x->pid == pid)
			break;
	if (x == NULL)
		return (0);
	/* What is left in the pipe; then whatever it left behind goes. */
	if (x->outfd != -1)
		pexec_output(x->outfd, EV_READ, x);
	(void)kill(-pid, SIGKILL);
	pexec_firstline(x, line, sizeof(line));
	if (x->errfd != -1) {
		(void)svc_launch_result(x->errfd, 1, &eno);
		close(x->errfd);
		x->errfd = -1;
	}
	if (eno != 0)
		snprintf(why, sizeof(why), "exec check could not be run: "
		    "%s: %s", x->argv0, strerror(eno));
	else if (x->timed_out)
		snprintf(why, sizeof(why), "exec check timed out after %llu "
		    "ms", (unsigned long long)x->timeout_ms);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ok = 1;
		snprintf(why, sizeof(why), "exec check exited with status 0");
	} else if (WIFEXITED(status)) {
		snprintf(why, sizeof(why), "exec check exited with status %d",
		    WEXITSTATUS(status));
		if (line[0] != '\0') {
			strlcat(why, ": ", sizeof(why));
			strlcat(why, line, sizeof(why));
		}
	} else {
		sig = WIFSIGNALED(status) ? config_signame(WTERMSIG(status)) :
		    NULL;
		snprintf(why, sizeof(why), "exec check killed by SIG%s",
		    sig != NULL ? sig : "?");
	}
	log_debug("%s: %s", x->id, why);
	if (!x->cancelled)
		parent_monitor_exec_done(x->key, ok, why);
	pexec_free(x);
	return (1);
}

/* The process is gone or replaced: its check goes too. */
void
parent_exec_check_cancel(uint32_t key)
{
	struct pexec	*x;

	TAILQ_FOREACH(x, &pexecs, entry) {
		if (x->key != key || x->cancelled)
			continue;
		x->cancelled = 1;
		(void)kill(-x->pid, SIGKILL);
		(void)kill(x->pid, SIGKILL);
	}
}

/* Run the exec check of s for the monitor; -1 with a reason in err. */
int
parent_exec_check_start(struct svc *s, uint32_t key, char *err,
    size_t errlen)
{
	struct config_svc	*sc = s->grp->conf;
	struct svc_launch	 l;
	struct pexec		*x;
	struct timeval		 tv;
	char			 why[MON_TEXTMAX], argv0[48];
	int			 p[2], devnull, errfd = -1;
	pid_t			 pid;

	TAILQ_FOREACH(x, &pexecs, entry) {
		if (x->key == key) {
			snprintf(err, errlen, "exec check: the previous one "
			    "is still running");
			return (-1);
		}
	}
	if (npexecs >= EXEC_MAXRUNNING) {
		snprintf(err, errlen, "exec check: too many checks running");
		return (-1);
	}
	if (svc_launch_prepare(s, 1, &l, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "exec check: %s", why);
		return (-1);
	}
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "exec check: /dev/null: %s",
		    strerror(errno));
		svc_launch_free(&l);
		return (-1);
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "exec check: pipe: %s", strerror(errno));
		close(devnull);
		svc_launch_free(&l);
		return (-1);
	}
	l.fd_in = devnull;
	l.fd_out = l.fd_err = p[1];
	pid = svc_launch_start(&l, &errfd);
	if (pid == -1)
		snprintf(err, errlen, "exec check: fork: %s", strerror(errno));
	close(p[1]);
	close(devnull);
	strlcpy(argv0, l.argv[0], sizeof(argv0));
	svc_launch_free(&l);
	if (pid == -1) {
		close(p[0]);
		return (-1);
	}

	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal(NULL);
	x->key = key;
	x->pid = pid;
	strlcpy(x->id, s->id, sizeof(x->id));
	strlcpy(x->argv0, argv0, sizeof(x->argv0));
	x->timeout_ms = sc->health.timeout_ms;
	x->errfd = errfd;
	x->outfd = p[0];
	(void)fcntl(x->outfd, F_SETFL, O_NONBLOCK);
	event_set(&x->outev, x->outfd, EV_READ | EV_PERSIST, pexec_output, x);
	event_add(&x->outev, NULL);
	evtimer_set(&x->timer, pexec_timeout, x);
	tv.tv_sec = (time_t)(x->timeout_ms / 1000);
	tv.tv_usec = (suseconds_t)((x->timeout_ms % 1000) * 1000);
	evtimer_add(&x->timer, &tv);
	TAILQ_INSERT_TAIL(&pexecs, x, entry);
	npexecs++;
	log_debug("%s: exec check pid %d", s->id, (int)pid);
	return (0);
}
