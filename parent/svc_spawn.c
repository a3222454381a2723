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
 * Spawn one instance: everything that can fail for a reason the user
 * should read (expansion, directory, user) is done before fork; the
 * child only applies it -- setsid, cgroup, rlimits, umask, stdio, chdir,
 * groups and ids, closefrom -- and execs.  An exec failure travels back
 * as an errno over a close-on-exec pipe, so it is reported as what it
 * is instead of as a mysterious exit 127.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
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

extern char	**environ;

static struct rlimit	 svc_orig_nofile;
static int		 svc_rlimits_saved;

struct svc_envbuf {
	char		**v;
	size_t		  n;
	size_t		  cap;
};

/*
 * The parent needs many descriptors (pipes of every instance); the
 * services get the limit vigild was started with unless they set one.
 */
static void
svc_spawn_rlimits(void)
{
	struct rlimit	 rl;

	if (svc_rlimits_saved)
		return;
	svc_rlimits_saved = 1;
	if (getrlimit(RLIMIT_NOFILE, &svc_orig_nofile) == -1)
		return;
	rl = svc_orig_nofile;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_debug("raising RLIMIT_NOFILE: %s", strerror(errno));
}

static void
env_set(struct svc_envbuf *eb, const char *name, const char *value)
{
	size_t	 i, nlen = strlen(name);
	char	*kv;

	if (asprintf(&kv, "%s=%s", name, value) == -1)
		fatal(NULL);
	for (i = 0; i < eb->n; i++) {
		if (strncmp(eb->v[i], name, nlen) == 0 &&
		    eb->v[i][nlen] == '=') {
			free(eb->v[i]);
			eb->v[i] = kv;
			return;
		}
	}
	if (eb->n + 2 > eb->cap) {
		eb->cap = eb->cap ? eb->cap * 2 : 32;
		if ((eb->v = reallocarray(eb->v, eb->cap, sizeof(char *))) ==
		    NULL)
			fatal(NULL);
	}
	eb->v[eb->n++] = kv;
	eb->v[eb->n] = NULL;
}

static void
env_free(struct svc_envbuf *eb)
{
	size_t	 i;

	for (i = 0; i < eb->n; i++)
		free(eb->v[i]);
	free(eb->v);
	memset(eb, 0, sizeof(*eb));
}

static void
argv_free(char **v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * The environment: vigild's own only with inherit_environment, then the
 * basics a login would give (PATH, HOME, USER, LOGNAME), vigil's own
 * (VIGIL_SERVICE, VIGIL_INSTANCE, PORT), then the service's, expanded.
 */
static int
svc_build_env(struct svc *s, const struct config_expand_ctx *ctx,
    struct svc_envbuf *eb, char *err, size_t errlen)
{
	struct svc_conf	*sc = s->grp->conf;
	struct passwd	*pw = NULL;
	char		 buf[32], xerr[128], *v, **e;
	size_t		 i;

	memset(eb, 0, sizeof(*eb));
	if (sc->inherit_environment) {
		for (e = environ; *e != NULL; e++) {
			char	*eq = strchr(*e, '=');
			char	 name[256];

			if (eq == NULL || (size_t)(eq - *e) >= sizeof(name))
				continue;
			memcpy(name, *e, eq - *e);
			name[eq - *e] = '\0';
			if (strcmp(name, "NOTIFY_SOCKET") == 0 ||
			    strcmp(name, "LISTEN_FDS") == 0 ||
			    strcmp(name, "LISTEN_PID") == 0)
				continue;
			env_set(eb, name, eq + 1);
		}
	} else
		env_set(eb, "PATH", SVC_DEFAULT_PATH);

	if (sc->user != NULL)
		pw = getpwnam(sc->user);
	else
		pw = getpwuid(geteuid());
	if (pw != NULL) {
		env_set(eb, "HOME", pw->pw_dir);
		env_set(eb, "USER", pw->pw_name);
		env_set(eb, "LOGNAME", pw->pw_name);
	}
	env_set(eb, "VIGIL_SERVICE", sc->name);
	snprintf(buf, sizeof(buf), "%u", s->instance);
	env_set(eb, "VIGIL_INSTANCE", buf);
	if (s->port > 0) {
		snprintf(buf, sizeof(buf), "%d", s->port);
		env_set(eb, "PORT", buf);
	}
	if (sc->ready == READY_NOTIFY && parent_monitor_notify_path() != NULL) {
		env_set(eb, "NOTIFY_SOCKET", parent_monitor_notify_path());
		parent_monitor_notify_admit(sc);
	}
	for (i = 0; i < sc->nenv; i++) {
		if ((v = config_expand(sc->env[i].value, ctx, xerr,
		    sizeof(xerr))) == NULL) {
			snprintf(err, errlen, "environment %s: %s",
			    sc->env[i].name, xerr);
			env_free(eb);
			return (-1);
		}
		env_set(eb, sc->env[i].name, v);
		free(v);
	}
	return (0);
}

static char **
svc_build_argv(struct svc *s, const struct config_expand_ctx *ctx, char *err,
    size_t errlen)
{
	struct svc_conf	*sc = s->grp->conf;
	char		**v, xerr[128];
	size_t		  i, n;

	n = sc->shell ? 3 : sc->argc;
	if ((v = calloc(n + 1, sizeof(char *))) == NULL)
		fatal(NULL);
	if (sc->shell) {
		if ((v[0] = strdup("/bin/sh")) == NULL ||
		    (v[1] = strdup("-c")) == NULL)
			fatal(NULL);
		if ((v[2] = config_expand(sc->command_str, ctx, xerr,
		    sizeof(xerr))) == NULL)
			goto bad;
		return (v);
	}
	for (i = 0; i < sc->argc; i++)
		if ((v[i] = config_expand(sc->argv[i], ctx, xerr,
		    sizeof(xerr))) == NULL)
			goto bad;
	return (v);
 bad:
	snprintf(err, errlen, "command: %s", xerr);
	argv_free(v);
	return (NULL);
}

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
	struct svc_conf	*sc = s->grp->conf;
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

	s->exec_ev_on = 0;
	if (s->exec_rfd != -1)
		svc_spawn_exec_result(s, 0);
}

/*
 * The exec error pipe, read now if it can be: with vfork semantics the
 * child has exec'd or written its errno and exited by the time svc_fork
 * returns.  But execve wakes a vfork parent when it drops the old memory,
 * a moment before it closes the close-on-exec descriptors, so the pipe
 * may not answer yet (as with fork semantics).  Then the event loop waits
 * for its EOF or errno, which comes as soon as the child runs on: kept
 * until the reap, the descriptor stayed open for as long as the service
 * ran, one more each time the race was lost (the parent's descriptors
 * crept up in a soak).  svc_reaped reads whatever is left (final: the
 * child is gone, what the pipe holds now is all there is).
 */
void
svc_spawn_exec_result(struct svc *s, int final)
{
	ssize_t	 n;
	int	 eno;

	s->exec_errno = 0;
	n = read(s->exec_rfd, &eno, sizeof(eno));
	if (!final && n == -1 && (errno == EAGAIN || errno == EINTR)) {
		if (!s->exec_ev_on) {
			event_set(&s->exec_ev, s->exec_rfd, EV_READ,
			    svc_spawn_exec_ready, s);
			event_add(&s->exec_ev, NULL);
			s->exec_ev_on = 1;
		}
		return;
	}
	if (s->exec_ev_on) {
		event_del(&s->exec_ev);
		s->exec_ev_on = 0;
	}
	if (n == sizeof(eno))
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

static void
svc_child_setrlimit(int res, const struct conf_rlimit *cl)
{
	struct rlimit	 rl;

	if (!cl->set)
		return;
	rl.rlim_cur = rl.rlim_max = cl->value == CONF_UNLIMITED ?
	    RLIM_INFINITY : (rlim_t)cl->value;
	(void)setrlimit(res, &rl);
}

/* Write our pid in decimal into buf (async-signal-safe). */
static void
svc_child_pid(char *buf, size_t len)
{
	char		 tmp[16];
	size_t		 n = 0, i;
	unsigned long	 pid = (unsigned long)getpid();

	do {
		tmp[n++] = '0' + pid % 10;
		pid /= 10;
	} while (pid > 0 && n < sizeof(tmp));
	if (n >= len)
		return;
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

static __dead void
svc_child_fail(int errfd, int eno)
{
	(void)write(errfd, &eno, sizeof(eno));
	_exit(127);
}

/*
 * execvp without the GNU-only execvpe: search PATH of the new env.
 * Async-signal-safe; the exec checks' children use it too.
 */
void
svc_child_execvpe(char **argv, char **envp)
{
	const char	*path = NULL, *p, *end;
	char		 file[4096];
	size_t		 i, len;
	int		 eno = ENOENT;

	if (strchr(argv[0], '/') != NULL) {
		execve(argv[0], argv, envp);
		return;
	}
	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	if (path == NULL)
		path = SVC_DEFAULT_PATH;
	for (p = path; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		len = end - p;
		if (len == 0 || len + strlen(argv[0]) + 2 > sizeof(file))
			continue;
		memcpy(file, p, len);
		file[len] = '/';
		strlcpy(file + len + 1, argv[0], sizeof(file) - len - 1);
		execve(file, argv, envp);
		if (errno != ENOENT && errno != ENOTDIR)
			eno = errno;
	}
	errno = eno;
}

/*
 * What the child needs, all prepared by the parent.  The child shares
 * the parent's memory until it execs (see svc_fork_linux.c): it reads
 * this and writes only into env (its own LISTEN_PID).
 */
struct svc_child {
	const struct svc_conf	*sc;
	const char		*cgroup;	/* to move into, or NULL */
	int			 entered;	/* born in it already */
	int			 set_ids;	/* root and user/group set */
	const gid_t		*groups;
	int			 ngroups;
	int			 devnull, outw, errw, ep;
	const char		*dir;
	const int		*listen_fds;
	int			 nlisten;
	char			*listen_pid;	/* in env, filled in here */
	char			**argv;
	char			**env;
};

/*
 * The signals whose disposition is not the default in the parent (its
 * handlers, SIG_IGN, and whatever was ignored when it was started): the
 * only ones a child must reset.  Recorded once the parent has set its
 * handlers, which it does not change afterwards.
 */
static sigset_t		 svc_sig_changed;
static int		 svc_sig_known;

void
svc_spawn_signals_init(void)
{
	struct sigaction	 sa;
	int			 i;

	sigemptyset(&svc_sig_changed);
	for (i = 1; i < NSIG; i++)
		if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL)
			(void)sigaddset(&svc_sig_changed, i);
	svc_sig_known = 1;
}

/*
 * In a new child: default dispositions and an empty mask, as a service
 * expects.  Each syscall costs, so only the signals the parent changed.
 */
void
svc_child_signals(void)
{
	sigset_t	 mask;
	int		 i;

	for (i = 1; i < NSIG; i++)
		if (!svc_sig_known || sigismember(&svc_sig_changed, i) == 1)
			(void)signal(i, SIG_DFL);
	sigemptyset(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
}

/*
 * The child.  Only async-signal-safe work: it runs with the parent's
 * memory, on a stack of its own, while the parent waits.
 */
static int
svc_child_main(void *arg)
{
	const struct svc_child	*c = arg;
	const struct svc_conf	*sc = c->sc;
	int			 i, ep, errfd;

	svc_child_signals();
	ep = c->ep;
	if (setsid() == -1)
		svc_child_fail(ep, errno);
	if (c->cgroup != NULL && !c->entered)
		(void)svc_cgroup_enter(c->cgroup);

	if (svc_rlimits_saved)
		(void)setrlimit(RLIMIT_NOFILE, &svc_orig_nofile);
	svc_child_setrlimit(RLIMIT_NOFILE, &sc->limits.nofile);
	svc_child_setrlimit(RLIMIT_NPROC, &sc->limits.nproc);
	svc_child_setrlimit(RLIMIT_CORE, &sc->limits.core);
	svc_child_setrlimit(RLIMIT_STACK, &sc->limits.stack);
	svc_child_setrlimit(RLIMIT_AS, &sc->limits.as);
	umask(sc->umask);

	if (dup2(c->devnull, STDIN_FILENO) == -1 ||
	    dup2(c->outw != -1 ? c->outw : c->devnull, STDOUT_FILENO) == -1 ||
	    dup2(c->errw != -1 ? c->errw : c->devnull, STDERR_FILENO) == -1)
		svc_child_fail(ep, errno);
	if (chdir(c->dir != NULL ? c->dir : "/") == -1)
		svc_child_fail(ep, errno);

	if (c->set_ids) {
		if (setgroups(c->ngroups, c->groups) == -1 ||
		    setresgid(sc->gid, sc->gid, sc->gid) == -1)
			svc_child_fail(ep, errno);
		if (sc->user != NULL &&
		    setresuid(sc->uid, sc->uid, sc->uid) == -1)
			svc_child_fail(ep, errno);
	}

	/*
	 * fds 3.. are the `listen:` sockets, then the exec error pipe
	 * (close-on-exec), and nothing else.  Move everything out of the
	 * way first so no dup2 clobbers a source.
	 */
	errfd = 3 + c->nlisten;
	if ((ep = fcntl(ep, F_DUPFD_CLOEXEC, errfd + 1 + c->nlisten)) == -1)
		_exit(127);
	for (i = 0; i < c->nlisten; i++) {
		int	 hi = fcntl(c->listen_fds[i], F_DUPFD,
		    errfd + 2 + c->nlisten + i);

		if (hi == -1 || dup2(hi, 3 + i) == -1)
			svc_child_fail(ep, errno);
	}
	if (dup2(ep, errfd) == -1)
		_exit(127);
	(void)fcntl(errfd, F_SETFD, FD_CLOEXEC);
	closefrom(errfd + 1);
	if (c->listen_pid != NULL)
		svc_child_pid(c->listen_pid, 11);

	svc_child_execvpe(c->argv, c->env);
	svc_child_fail(errfd, errno);
}

/*
 * The user's supplementary groups, as initgroups(3) would set them.
 * Looked up here, as the child may not use NSS.
 */
static int
svc_spawn_groups(const struct svc_conf *sc, gid_t **groups, int *ngroups)
{
	gid_t	*g = NULL, *ng;
	int	 n = 32, want;

	for (;;) {
		if ((ng = reallocarray(g, n, sizeof(*g))) == NULL) {
			free(g);
			return (-1);
		}
		g = ng;
		want = n;
		if (getgrouplist(sc->user, sc->gid, g, &want) != -1) {
			*groups = g;
			*ngroups = want;
			return (0);
		}
		/* glibc says how many; the BSDs don't: double. */
		if (n >= 65536) {
			free(g);
			errno = EINVAL;
			return (-1);
		}
		n = want > n ? want : n * 2;
	}
}

int
svc_spawn(struct svc *s, char *err, size_t errlen)
{
	struct svc_conf		*sc = s->grp->conf;
	struct config_expand_ctx ctx;
	struct svc_envbuf	 eb;
	struct svc_child	 c;
	struct stat		 sb;
	char			**argv = NULL, *dir = NULL, xerr[128];
	int			 ep[2], outw, errw, devnull, i, nlisten;
	char			*listen_pid = NULL;
	gid_t			*groups = NULL;
	int			 ngroups = 0, set_ids;
	pid_t			 pid;

	svc_spawn_rlimits();
	if (svc_port_pick(s, err, errlen) == -1 ||
	    svc_listen_open(s->grp, err, errlen) == -1)
		return (-1);
	nlisten = (int)s->grp->nlisten_fds;
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = sc->name;
	ctx.instance = s->instance;
	ctx.port = s->port;
	ctx.env = sc->env;
	ctx.nenv = sc->nenv;

	if ((argv = svc_build_argv(s, &ctx, err, errlen)) == NULL)
		return (-1);
	if (svc_build_env(s, &ctx, &eb, err, errlen) == -1) {
		argv_free(argv);
		return (-1);
	}
	if (nlisten > 0) {
		char	 nbuf[16];

		snprintf(nbuf, sizeof(nbuf), "%d", nlisten);
		env_set(&eb, "LISTEN_FDS", nbuf);
		/* Filled in by the child, which knows its pid. */
		env_set(&eb, "LISTEN_PID", "XXXXXXXXXXX");
		for (i = 0; eb.v[i] != NULL; i++)
			if (strncmp(eb.v[i], "LISTEN_PID=", 11) == 0)
				listen_pid = eb.v[i] + 11;
	}
	if (sc->directory != NULL) {
		if ((dir = config_expand(sc->directory, &ctx, xerr,
		    sizeof(xerr))) == NULL) {
			snprintf(err, errlen, "directory: %s", xerr);
			goto fail;
		}
		if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "directory %s: %s", dir,
			    errno ? strerror(errno) : "not a directory");
			goto fail;
		}
	}
	if (sc->user != NULL && !penv->is_root && sc->uid != geteuid()) {
		snprintf(err, errlen, "cannot run as user %s: vigild is not "
		    "root", sc->user);
		goto fail;
	}
	set_ids = penv->is_root && (sc->user != NULL || sc->group != NULL);
	if (set_ids && sc->user != NULL && sc->use_initgroups &&
	    svc_spawn_groups(sc, &groups, &ngroups) == -1) {
		snprintf(err, errlen, "groups of user %s: %s", sc->user,
		    strerror(errno));
		goto fail;
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
	if (pipe2(ep, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(devnull);
		goto fail;
	}

	memset(&c, 0, sizeof(c));
	c.sc = sc;
	c.cgroup = sc->cgroup ? s->cgroup : NULL;
	c.set_ids = set_ids;
	c.groups = groups != NULL ? groups : &sc->gid;
	c.ngroups = groups != NULL ? ngroups : 1;
	c.devnull = devnull;
	c.outw = outw;
	c.errw = errw;
	c.ep = ep[1];
	c.dir = dir;
	c.listen_fds = s->grp->listen_fds;
	c.nlisten = nlisten;
	c.listen_pid = listen_pid;
	c.argv = argv;
	c.env = eb.v;
	/*
	 * Not born into a group that has been through cgroup.kill: kernels
	 * with the fork/cgroup.kill race fix compare the group's kill count
	 * with the one of the parent's group and kill every child born into
	 * a group whose count differs.  Such an instance moves itself.
	 */
	pid = svc_fork(s->cgroup_killed ? NULL : c.cgroup, &c.entered,
	    svc_child_main, &c);
	if (pid == -1)
		snprintf(err, errlen, "fork: %s", strerror(errno));
	close(ep[1]);
	close(devnull);
	if (pid == -1) {
		close(ep[0]);
		goto fail;
	}
	s->exec_rfd = ep[0];
	(void)fcntl(s->exec_rfd, F_SETFL, O_NONBLOCK);
	svc_spawn_exec_result(s, 0);
	svc_set_pid(s, pid);
	clock_gettime(CLOCK_MONOTONIC, &s->start_mono);
	s->start_wall = time(NULL);
	log_debug("%s: spawned pid %d", s->id, (int)pid);
	free(groups);
	argv_free(argv);
	env_free(&eb);
	free(dir);
	return (0);

 fail:
	free(groups);
	argv_free(argv);
	env_free(&eb);
	free(dir);
	return (-1);
}
