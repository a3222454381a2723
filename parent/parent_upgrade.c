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
 * vigilctl upgrade: vigild re-executes the binary now at its path, in
 * place (same pid, so the services stay its children).
 *
 *  0. wait: reloads queued or loading (parent_reload.c) finish first and
 *     their clients are answered, so that nothing they were to apply is
 *     lost; meanwhile, and until the exec, a new reload from a client is
 *     refused ("try again") and one from SIGHUP or watch_config is held
 *     (the new image reads the file anyway; if the upgrade fails, it is
 *     done then).  So do the rolling restarts (of a reload, or
 *     `restart --rolling', whose next steps only this image knows; a new
 *     one is refused too) and the commands still acting on their targets.
 *     And so, for their clients, do the commands that wait (start, stop,
 *     restart, reload --wait, status -l): the control connections go
 *     with this image, so their answers are given before it goes.  The
 *     wait is bounded: after UPGRADE_WAIT_SEC the upgrade is refused if
 *     a reload or a roll is still going on, and otherwise goes on; the
 *     clients still waiting then get a last answer just before the exec
 *     (parent_control_upgrading(): the state they reached, "see vigilctl
 *     status", exit 1).  A client that goes away while it waits cancels
 *     the upgrade: nothing has begun.
 *  1. check: the new binary runs as `vigild -n -f CONF -X STATE,IMSG`:
 *     it must load the configuration and speak this state file format
 *     and this message protocol (the orphaned logger's handover).  On
 *     failure nothing has changed: the client gets the reason, exit 1.
 *  2. the logger is told to go orphaned now (IMSG_LOG_ORPHAN) and says
 *     when it waits on its socket (IMSG_LOG_ORPHANED).
 *  3. the clients still waiting get their last answer (above), the
 *     state file is written, the client answered, and after a short
 *     pause (for control to pass the answer on) vigild execs itself,
 *     keeping only the control socket's listening descriptor, so clients
 *     that connect meanwhile wait in its backlog instead of failing.
 *
 * The new image is a crash recovery with nothing lost: it takes the
 * pipes from the orphaned logger and adopts every service from the state
 * file -- as its children, so their exit statuses stay known.  One path
 * for crashes and upgrades: every upgrade exercises the crash recovery.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "msg_log.h"
#include "parent.h"
#include "parent_control.h"
#include "parent_state.h"
#include "svc.h"

#define UPGRADE_WAIT_SEC	20
#define UPGRADE_CHECK_SEC	30
#define UPGRADE_ORPHAN_SEC	5
#define UPGRADE_PAUSE_MS	100

enum upgrade_phase {
	UPG_IDLE = 0,
	UPG_WAIT,		/* for the reloads queued before it */
	UPG_CHECK,		/* the new binary's check runs */
	UPG_ORPHAN,		/* waiting for the logger */
	UPG_EXEC		/* answered; exec after a pause */
};

static struct {
	enum upgrade_phase	 phase;
	uint32_t		 peerid;	/* 0: the client went away */
	pid_t			 pid;
	int			 status;
	int			 reaped;
	int			 outfd;
	int			 errfd;		/* svc_launch's error pipe */
	struct event		 outev;
	char			 out[1024];
	size_t			 outlen;
	struct event		 timer;
	struct event		 kick;		/* UPG_WAIT: look again */
} upg;

static void	upgrade_check_done(void);
static void	upgrade_check_start(void);
static void	upgrade_go(void);

/*
 * vigild -n -X STATE,IMSG: can this binary take over from one that
 * writes state format STATE and speaks protocol IMSG?  0, or -1 with the
 * reason on stderr (which the old vigild passes on to vigilctl).
 */
int
parent_upgrade_check(const char *arg)
{
	unsigned int	 st, im;
	char		 c;

	if (sscanf(arg, "%u,%u%c", &st, &im, &c) != 2) {
		fprintf(stderr, "vigild: -X %s: not STATE,PROTOCOL\n", arg);
		return (-1);
	}
	if (st != PSTATE_VERSION || im != VIGIL_IMSG_VERSION) {
		fprintf(stderr, "vigild %s cannot take over: state format %u "
		    "and protocol %u asked, %d and %d known\n", VIGIL_VERSION,
		    st, im, PSTATE_VERSION, VIGIL_IMSG_VERSION);
		return (-1);
	}
	return (0);
}

/*
 * What the upgrade waits for (step 0), in words in buf ("" if nothing);
 * *work: whether any of it is work that the new image could not carry
 * on (a reload, a roll, targets not yet acted on), not only waits.
 */
static void
upgrade_pending(char *buf, size_t len, int *work)
{
	size_t	 reloads, rolls, cmds, working;
	char	 part[64];

	reloads = parent_reload_pending();
	rolls = reload_roll_count();
	cmds = parent_control_busy(upg.peerid, &working);
	*work = reloads > 0 || rolls > 0 || working > 0;
	buf[0] = '\0';
	if (reloads > 0) {
		snprintf(part, sizeof(part), "%zu reload%s", reloads,
		    reloads == 1 ? "" : "s");
		strlcat(buf, part, len);
	}
	if (rolls > 0) {
		snprintf(part, sizeof(part), "%s%zu rolling restart%s of a "
		    "reload", buf[0] ? ", " : "", rolls, rolls == 1 ? "" : "s");
		strlcat(buf, part, len);
	}
	if (cmds > 0) {
		snprintf(part, sizeof(part), "%s%zu command%s of clients",
		    buf[0] ? ", " : "", cmds, cmds == 1 ? "" : "s");
		strlcat(buf, part, len);
	}
	if (working > 0) {
		snprintf(part, sizeof(part), " (%zu still acting or rolling)",
		    working);
		strlcat(buf, part, len);
	}
}

static void
upgrade_end(int res, const char *fmt, ...)
	__attribute__((__format__ (printf, 2, 3)));

static void
upgrade_end(int res, const char *fmt, ...)
{
	char	 msg[CTL_ENDMSGMAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (res != CTL_RES_OK)
		log_warnx("upgrade refused: %s", msg);
	if (upg.peerid != 0)
		parent_control_end(upg.peerid, res, msg);
	upg.peerid = 0;
}

static void
upgrade_reset(void)
{
	evtimer_del(&upg.timer);
	evtimer_del(&upg.kick);
	if (upg.outfd != -1) {
		event_del(&upg.outev);
		close(upg.outfd);
		upg.outfd = -1;
	}
	if (upg.errfd != -1) {
		close(upg.errfd);
		upg.errfd = -1;
	}
	if (upg.pid > 0 && !upg.reaped)
		(void)kill(upg.pid, SIGKILL);	/* reaped as an orphan */
	upg.pid = 0;
	upg.phase = UPG_IDLE;
	parent_reload_upgrade_done();	/* a reload held meanwhile */
}

/* The last line the check printed: its reason. */
static const char *
upgrade_reason(void)
{
	char	*p, *line;

	upg.out[upg.outlen] = '\0';
	while (upg.outlen > 0 && (upg.out[upg.outlen - 1] == '\n' ||
	    upg.out[upg.outlen - 1] == ' '))
		upg.out[--upg.outlen] = '\0';
	line = upg.out;
	for (p = upg.out; *p != '\0'; p++)
		if (*p == '\n' && p[1] != '\0')
			line = p + 1;
	return (line);
}

static void
upgrade_exec(void)
{
	char		 num[16], vflag[8], pidfile[PATH_MAX];
	const char	*argv[16];
	int		 fd = parent_control_listen_fd(), argc = 0, i;

	/* Absolute paths: the daemon's directory is "/". */
	if (realpath(penv->pidfile, pidfile) == NULL)
		strlcpy(pidfile, penv->pidfile, sizeof(pidfile));
	argv[argc++] = penv->self;
	argv[argc++] = "-f";
	argv[argc++] = penv->conf_path;
	argv[argc++] = "-p";
	argv[argc++] = pidfile;
	if (penv->sock_override != NULL) {
		argv[argc++] = "-s";
		argv[argc++] = penv->sock_override;
	}
	if (penv->debug)
		argv[argc++] = "-d";
	if (penv->verbose > 0) {
		vflag[0] = '-';
		for (i = 0; i < penv->verbose && i < 5; i++)
			vflag[i + 1] = 'v';
		vflag[i + 1] = '\0';
		argv[argc++] = vflag;
	}
	argv[argc] = NULL;
	/*
	 * Commands that came during the pause: their clients get their
	 * last answer too, and what they did is in the state file.
	 */
	if (parent_control_upgrading(0) > 0) {
		if (parent_state_write() == -1)
			log_warnx("upgrade: cannot write the state file again: "
			    "the new image adopts the services as they were "
			    "%d ms ago", UPGRADE_PAUSE_MS);
		parent_control_flush();
	}
	log_info("upgrade: re-executing %s", penv->self);
	if (fd != -1 && fcntl(fd, F_SETFD, 0) == 0) {
		snprintf(num, sizeof(num), "%d", fd);
		(void)setenv("VIGIL_UPGRADE_CTLFD", num, 1);
	}
	(void)setenv("VIGIL_UPGRADE", "1", 1);
	parent_pidfile_close();
	execv(penv->self, (char * const *)argv);
	log_warn("upgrade: exec %s", penv->self);
	(void)unsetenv("VIGIL_UPGRADE");
	(void)unsetenv("VIGIL_UPGRADE_CTLFD");
	if (fd != -1)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* The logger waits for a next parent: a new logger takes over. */
	parent_proc_restart(PROC_LOGGER);
	upgrade_reset();
}

/*
 * UPGRADE_WAIT_SEC; in test builds, VIGIL_TEST_UPGRADE_WAIT (1 to
 * UPGRADE_WAIT_SEC) with VIGIL_TEST_HOOKS=1, so that a test of the
 * wait's end need not sit through all of it.
 */
static int
upgrade_wait_sec(void)
{
#ifdef VIGIL_TEST_HOOKS
	const char	*hooks, *s, *errstr;
	long long	 n;

	hooks = getenv("VIGIL_TEST_HOOKS");
	s = getenv("VIGIL_TEST_UPGRADE_WAIT");
	if (hooks != NULL && strcmp(hooks, "1") == 0 && s != NULL) {
		n = strtonum(s, 1, UPGRADE_WAIT_SEC, &errstr);
		if (errstr == NULL)
			return ((int)n);
	}
#endif
	return (UPGRADE_WAIT_SEC);
}

static void
upgrade_timer_cb(int fd, short ev, void *arg)
{
	char	 what[256];
	int	 work;

	switch (upg.phase) {
	case UPG_WAIT:
		upgrade_pending(what, sizeof(what), &work);
		if (work) {
			upgrade_end(CTL_RES_FAIL, "still running after %d s: "
			    "%s: try again", upgrade_wait_sec(), what);
			upgrade_reset();
			break;
		}
		/* Only waits: their clients get their last answer. */
		if (what[0] != '\0')
			log_info("upgrade: going on after %d s; still "
			    "waiting: %s", upgrade_wait_sec(), what);
		upgrade_go();
		break;
	case UPG_CHECK:
		upgrade_end(CTL_RES_FAIL, "the check of %s did not finish "
		    "within %d s", penv->self, UPGRADE_CHECK_SEC);
		upgrade_reset();
		break;
	case UPG_ORPHAN:
		upgrade_end(CTL_RES_FAIL, "the logger did not get ready to "
		    "hand its pipes over within %d s", UPGRADE_ORPHAN_SEC);
		parent_proc_restart(PROC_LOGGER);
		upgrade_reset();
		break;
	case UPG_EXEC:
		upgrade_exec();
		break;
	default:
		break;
	}
}

static void
upgrade_timer(unsigned int ms)
{
	struct timeval	 tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&upg.timer, &tv);
}

static void
upgrade_out_cb(int fd, short ev, void *arg)
{
	char	 junk[256];
	ssize_t	 n;
	size_t	 room = sizeof(upg.out) - 1 - upg.outlen;

	n = room > 0 ? read(fd, upg.out + upg.outlen, room) :
	    read(fd, junk, sizeof(junk));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		if (room > 0)
			upg.outlen += n;
		return;
	}
	event_del(&upg.outev);
	close(upg.outfd);
	upg.outfd = -1;
	if (upg.reaped)
		upgrade_check_done();
}

int
parent_upgrade_reaped(pid_t pid, int status)
{
	if (upg.phase != UPG_CHECK || pid != upg.pid)
		return (0);
	upg.status = status;
	upg.reaped = 1;
	if (upg.outfd == -1)
		upgrade_check_done();
	return (1);
}

/* The check is over: refuse, or tell the logger to get ready. */
static void
upgrade_check_done(void)
{
	const char	*why = upgrade_reason();
	int		 eno = 0;

	upg.pid = 0;
	evtimer_del(&upg.timer);
	if (upg.errfd != -1) {
		(void)svc_launch_result(upg.errfd, 1, &eno);
		close(upg.errfd);
		upg.errfd = -1;
	}
	if (eno != 0) {
		upgrade_end(CTL_RES_FAIL, "exec %s: %s", penv->self,
		    strerror(eno));
		upgrade_reset();
		return;
	}
	if (!WIFEXITED(upg.status) || WEXITSTATUS(upg.status) != 0) {
		if (*why == '\0' && WIFEXITED(upg.status))
			upgrade_end(CTL_RES_FAIL, "%s -n exited with %d",
			    penv->self, WEXITSTATUS(upg.status));
		else if (*why == '\0')
			upgrade_end(CTL_RES_FAIL, "%s -n was killed by signal "
			    "%d", penv->self, WTERMSIG(upg.status));
		else
			upgrade_end(CTL_RES_FAIL, "%s", why);
		upgrade_reset();
		return;
	}
	if (!parent_proc_ready(PROC_LOGGER) ||
	    parent_proc_send(PROC_LOGGER, IMSG_LOG_ORPHAN, 0, -1, NULL, 0) ==
	    -1) {
		upgrade_end(CTL_RES_FAIL, "the logger is not running (being "
		    "restarted?): try again");
		upgrade_reset();
		return;
	}
	upg.phase = UPG_ORPHAN;
	upgrade_timer(UPGRADE_ORPHAN_SEC * 1000);
}

/*
 * The logger waits on its socket: the clients still waiting get their
 * last answer, then write the state, answer, exec.
 */
void
parent_upgrade_logger_ready(void)
{
	if (upg.phase != UPG_ORPHAN)
		return;
	evtimer_del(&upg.timer);
	parent_control_upgrading(upg.peerid);
	if (parent_state_write() == -1) {
		upgrade_end(CTL_RES_FAIL, "cannot write the state file");
		parent_proc_restart(PROC_LOGGER);
		upgrade_reset();
		return;
	}
	upgrade_end(CTL_RES_OK, "%s checked; re-executing it", penv->self);
	parent_control_flush();
	upg.phase = UPG_EXEC;
	upgrade_timer(UPGRADE_PAUSE_MS);
}

int
parent_upgrade_busy(void)
{
	return (upg.phase != UPG_IDLE);
}

/* Step 0 is over: on to the check. */
static void
upgrade_go(void)
{
	evtimer_del(&upg.timer);
	evtimer_del(&upg.kick);
	if (svc_stopping_all()) {
		upgrade_end(CTL_RES_FAIL, "vigild is shutting down");
		upgrade_reset();
		return;
	}
	upgrade_check_start();
}

static void
upgrade_kick_cb(int fd, short ev, void *arg)
{
	char	 what[256];
	int	 work;

	if (upg.phase != UPG_WAIT)
		return;
	upgrade_pending(what, sizeof(what), &work);
	if (what[0] != '\0')
		return;
	log_info("upgrade: what it waited for is done");
	upgrade_go();
}

/* Something the upgrade may wait for has ended: look again, soon. */
void
parent_upgrade_recheck(void)
{
	struct timeval	 tv = { 0, 0 };

	if (upg.phase == UPG_WAIT)
		evtimer_add(&upg.kick, &tv);
}

void
parent_upgrade_gone(uint32_t peerid)
{
	if (upg.peerid != peerid)
		return;
	upg.peerid = 0;
	if (upg.phase == UPG_WAIT) {
		log_info("upgrade cancelled: its client went away while it "
		    "waited for the reloads");
		upgrade_reset();
	}
}

/* Runs the new binary's check: vigild -n -f CONF -X STATE,IMSG. */
static void
upgrade_check_start(void)
{
	struct svc_launch	 l;
	char			 ver[32];
	char			*argv[] = { penv->self, "-n", "-f",
				    (char *)penv->conf_path, "-X", ver, NULL };
	int			 pfd[2], devnull, errfd = -1, eno;
	pid_t			 pid;

	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		upgrade_end(CTL_RES_FAIL, "/dev/null: %s", strerror(errno));
		upgrade_reset();
		return;
	}
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		upgrade_end(CTL_RES_FAIL, "pipe: %s", strerror(errno));
		close(devnull);
		upgrade_reset();
		return;
	}
	snprintf(ver, sizeof(ver), "%d,%d", PSTATE_VERSION,
	    VIGIL_IMSG_VERSION);
	log_info("upgrade: checking %s", penv->self);
	svc_launch_prepare_self(&l, argv);
	l.fd_in = devnull;
	l.fd_out = l.fd_err = pfd[1];
	pid = svc_launch_start(&l, &errfd);
	eno = errno;
	svc_launch_free(&l);
	close(pfd[1]);
	close(devnull);
	if (pid == -1) {
		close(pfd[0]);
		upgrade_end(CTL_RES_FAIL, "fork: %s", strerror(eno));
		upgrade_reset();
		return;
	}
	memset(upg.out, 0, sizeof(upg.out));
	upg.outlen = 0;
	upg.outfd = pfd[0];
	upg.errfd = errfd;
	(void)fcntl(upg.outfd, F_SETFL, O_NONBLOCK);
	event_set(&upg.outev, upg.outfd, EV_READ | EV_PERSIST, upgrade_out_cb,
	    NULL);
	event_add(&upg.outev, NULL);
	upg.pid = pid;
	upg.reaped = 0;
	upg.phase = UPG_CHECK;
	upgrade_timer(UPGRADE_CHECK_SEC * 1000);
}

void
parent_upgrade_cmd(struct pctl_peer *p)
{
	char	 what[256];
	int	 work;

	if (upg.phase != UPG_IDLE) {
		pctl_finish(p, CTL_RES_FAIL, "an upgrade is already under way");
		return;
	}
	if (svc_stopping_all()) {
		pctl_finish(p, CTL_RES_FAIL, "vigild is shutting down");
		return;
	}
	evtimer_set(&upg.timer, upgrade_timer_cb, NULL);
	evtimer_set(&upg.kick, upgrade_kick_cb, NULL);
	upg.outfd = upg.errfd = -1;
	upg.pid = 0;
	upg.peerid = p->peerid;
	log_info("upgrade requested by uid %u pid %d", p->req.uid,
	    p->req.pid);
	upgrade_pending(what, sizeof(what), &work);
	if (what[0] != '\0') {
		log_info("upgrade: waiting for %s to finish", what);
		upg.phase = UPG_WAIT;
		upgrade_timer(upgrade_wait_sec() * 1000);
		return;
	}
	upgrade_check_start();
}
