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
 * runs the command the way it runs the service -- its own session, the
 * service's user, groups, umask, directory and environment (expanded),
 * nothing open but stdio -- and never blocks on it: the exit comes back
 * through SIGCHLD (parent_exec_check_reaped), and a check still running
 * at `timeout' gets SIGKILL, with its whole process group.  Exit 0 is
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
	uint64_t		 timeout_ms;
	struct event		 timer;
	int			 outfd;
	struct event		 outev;
	char			 out[EXEC_OUTMAX + 1];
	size_t			 outlen;
	int			 timed_out;
	int			 cancelled;
};

static TAILQ_HEAD(, pexec)	 pexecs = TAILQ_HEAD_INITIALIZER(pexecs);
static unsigned int		 npexecs;

static void
vec_free(char **v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Append "name=value" to a NULL-terminated vector, replacing name. */
static void
vec_setenv(char ***vp, size_t *np, const char *name, const char *value)
{
	char	*kv, **v = *vp;
	size_t	 i, nlen = strlen(name);

	if (asprintf(&kv, "%s=%s", name, value) == -1)
		fatal(NULL);
	for (i = 0; i < *np; i++) {
		if (strncmp(v[i], name, nlen) == 0 && v[i][nlen] == '=') {
			free(v[i]);
			v[i] = kv;
			return;
		}
	}
	if ((v = reallocarray(v, *np + 2, sizeof(*v))) == NULL)
		fatal(NULL);
	v[(*np)++] = kv;
	v[*np] = NULL;
	*vp = v;
}

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
	int		 ok = 0;

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
	if (x->timed_out)
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

static __dead void
pexec_child_fail(const char *what, const char *arg)
{
	dprintf(STDOUT_FILENO, "%s %s: %s\n", what, arg, strerror(errno));
	_exit(127);
}

static void
pexec_child(struct svc_conf *sc, char **argv, char **envp, const char *dir,
    int outfd)
{
	int		 devnull;

	svc_child_signals();
	(void)setsid();
	umask(sc->umask);
	if ((devnull = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1 ||
	    dup2(outfd, STDERR_FILENO) == -1)
		_exit(127);
	if (chdir(dir) == -1)
		pexec_child_fail("chdir", dir);
	if (penv->is_root && sc->user != NULL) {
		if (sc->use_initgroups) {
			if (initgroups(sc->user, sc->gid) == -1)
				pexec_child_fail("initgroups", sc->user);
		} else if (setgroups(1, &sc->gid) == -1)
			pexec_child_fail("setgroups", sc->user);
		if (setresgid(sc->gid, sc->gid, sc->gid) == -1 ||
		    setresuid(sc->uid, sc->uid, sc->uid) == -1)
			pexec_child_fail("cannot become", sc->user);
	} else if (penv->is_root && sc->group != NULL) {
		if (setgroups(1, &sc->gid) == -1 ||
		    setresgid(sc->gid, sc->gid, sc->gid) == -1)
			pexec_child_fail("cannot become group", sc->group);
	}
	closefrom(STDERR_FILENO + 1);
	svc_child_execvpe(argv, envp);
	pexec_child_fail("exec", argv[0]);
}

/* argv, environment and directory of the check, expanded; -1: err. */
static int
pexec_prepare(struct svc *s, char ***argvp, char ***envp, char **dirp,
    char *err, size_t errlen)
{
	struct svc_conf		*sc = s->grp->conf;
	struct config_expand_ctx ctx;
	struct passwd		*pw;
	char			**argv, **env = NULL, buf[32], xerr[96], *v;
	size_t			 i, nenv = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.name = sc->name;
	ctx.instance = s->instance;
	ctx.port = s->port;
	ctx.env = sc->env;
	ctx.nenv = sc->nenv;
	*dirp = NULL;

	if ((argv = calloc(sc->health.exec_argc + 1, sizeof(*argv))) == NULL)
		fatal(NULL);
	for (i = 0; i < sc->health.exec_argc; i++) {
		if ((argv[i] = config_expand(sc->health.exec_argv[i], &ctx,
		    xerr, sizeof(xerr))) == NULL) {
			snprintf(err, errlen, "exec check: %s", xerr);
			vec_free(argv);
			return (-1);
		}
	}
	vec_setenv(&env, &nenv, "PATH", SVC_DEFAULT_PATH);
	pw = sc->user != NULL ? getpwnam(sc->user) : getpwuid(geteuid());
	if (pw != NULL) {
		vec_setenv(&env, &nenv, "HOME", pw->pw_dir);
		vec_setenv(&env, &nenv, "USER", pw->pw_name);
		vec_setenv(&env, &nenv, "LOGNAME", pw->pw_name);
	}
	vec_setenv(&env, &nenv, "VIGIL_SERVICE", sc->name);
	snprintf(buf, sizeof(buf), "%u", s->instance);
	vec_setenv(&env, &nenv, "VIGIL_INSTANCE", buf);
	if (s->port > 0) {
		snprintf(buf, sizeof(buf), "%d", s->port);
		vec_setenv(&env, &nenv, "PORT", buf);
	}
	snprintf(buf, sizeof(buf), "%d", (int)s->pid);
	vec_setenv(&env, &nenv, "VIGIL_PID", buf);
	for (i = 0; i < sc->nenv; i++) {
		if ((v = config_expand(sc->env[i].value, &ctx, xerr,
		    sizeof(xerr))) == NULL)
			continue;	/* the spawn reported it already */
		vec_setenv(&env, &nenv, sc->env[i].name, v);
		free(v);
	}
	if (sc->directory != NULL &&
	    (*dirp = config_expand(sc->directory, &ctx, xerr,
	    sizeof(xerr))) == NULL) {
		snprintf(err, errlen, "exec check: directory: %s", xerr);
		vec_free(argv);
		vec_free(env);
		return (-1);
	}
	if (*dirp == NULL && (*dirp = strdup("/")) == NULL)
		fatal(NULL);
	*argvp = argv;
	*envp = env;
	return (0);
}

/* Run the exec check of s for the monitor; -1 with a reason in err. */
int
parent_exec_check_start(struct svc *s, uint32_t key, char *err,
    size_t errlen)
{
	struct svc_conf	*sc = s->grp->conf;
	struct pexec	*x;
	char		**argv, **env, *dir;
	int		 p[2];
	pid_t		 pid;

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
	if (sc->user != NULL && !penv->is_root && sc->uid != geteuid()) {
		snprintf(err, errlen, "exec check: cannot run as user %s: "
		    "vigild is not root", sc->user);
		return (-1);
	}
	if (pexec_prepare(s, &argv, &env, &dir, err, errlen) == -1)
		return (-1);
	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "exec check: pipe: %s", strerror(errno));
		goto fail;
	}
	switch (pid = fork()) {
	case -1:
		snprintf(err, errlen, "exec check: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		goto fail;
	case 0:
		close(p[0]);
		pexec_child(sc, argv, env, dir, p[1]);
		_exit(127);
	}
	close(p[1]);
	vec_free(argv);
	vec_free(env);
	free(dir);

	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal(NULL);
	x->key = key;
	x->pid = pid;
	strlcpy(x->id, s->id, sizeof(x->id));
	x->timeout_ms = sc->health.timeout_ms;
	x->outfd = p[0];
	(void)fcntl(x->outfd, F_SETFL, O_NONBLOCK);
	event_set(&x->outev, x->outfd, EV_READ | EV_PERSIST, pexec_output, x);
	event_add(&x->outev, NULL);
	evtimer_set(&x->timer, pexec_timeout, x);
	{
		struct timeval	 tv;

		tv.tv_sec = (time_t)(x->timeout_ms / 1000);
		tv.tv_usec = (suseconds_t)((x->timeout_ms % 1000) * 1000);
		evtimer_add(&x->timer, &tv);
	}
	TAILQ_INSERT_TAIL(&pexecs, x, entry);
	npexecs++;
	log_debug("%s: exec check pid %d", s->id, (int)pid);
	return (0);
 fail:
	vec_free(argv);
	vec_free(env);
	free(dir);
	return (-1);
}
