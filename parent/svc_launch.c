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
 * The one way the parent starts a program: "run this, as that user,
 * here, with this environment".  A service's process and its
 * `health: exec:' check are both described by a struct svc_launch, made
 * by svc_launch_prepare() from the service's configuration; the check
 * `vigilctl upgrade' runs on the new binary by svc_launch_prepare_self().
 * All are started by svc_launch_start().
 *
 * Everything that can fail for a reason the user should read (expansion,
 * directory, user, groups) is done in the parent, before the child
 * exists.  The child only applies what was prepared -- signals, setsid,
 * cgroup, rlimits, umask, stdio, chdir, groups and ids, descriptors --
 * and execs.  A failure travels back as an errno over a close-on-exec
 * pipe, so it is reported as what it is, not as exit 127.
 *
 * Without a cgroup the child is made with vfork(2): it borrows the
 * parent's memory until it execs, so nothing is copied, not even page
 * tables, while the parent waits.  With one, it is forked straight into
 * its group (svc_cgroup_fork: clone3, CLONE_INTO_CGROUP, its own copy of
 * the memory; the parent waits for its exec only when it is the first
 * start of the turn, launch_wait_exec): the page tables are copied, but
 * a child that moved itself in would
 * wait for the RCU grace period of a cgroup migration, which costs far
 * more.  That child has no copy of the parent's heap nor of its .bss:
 * it reads its description and the parent state it needs from an
 * arena (launch_pack).  Where that is refused, vfork again, and the
 * child moves itself.
 *
 * The child must only make system calls, write into nothing the parent
 * reads afterwards but the prepared environment (its own LISTEN_PID),
 * and end in exec or _exit.  Every signal is blocked around the start,
 * so no handler of the parent ever runs on a borrowed stack.  A forked
 * child faults in each page of code it runs (it has no page tables for
 * them yet), so it calls few libc functions, its own code is kept
 * together (CHILD_TEXT), it reads no string literal (.rodata is one more
 * page) but from the arena, and vigild is linked with -z now so that no
 * call goes through the dynamic linker: 7 page faults from fork to exec
 * where there were 13 (traced).
 */

#include <sys/types.h>
#include <sys/mman.h>
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
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "proc.h"
#include "svc.h"
#include "svc_launch.h"

extern char	**environ;


static struct launch_proc launch_proc;
static int		 launch_rlimits_tried;

/* Once the parent's handlers are set, which it does not change later. */
void
svc_launch_init(void)
{
	struct sigaction	 sa;
	int			 i;

	launch_proc.nsig_reset = 0;
	for (i = 1; i < NSIG; i++)
		if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL)
			launch_proc.sig_reset[launch_proc.nsig_reset++] = i;
	launch_proc.sig_known = 1;
}

/*
 * The parent needs many descriptors (pipes of every instance); what it
 * starts gets the limit vigild was started with unless the service sets
 * one.
 */
static void
launch_rlimits(void)
{
	struct rlimit	 rl;

	if (launch_rlimits_tried)
		return;
	launch_rlimits_tried = 1;
	if (getrlimit(RLIMIT_NOFILE, &launch_proc.orig_nofile) == -1)
		return;
	launch_proc.rlimits_saved = 1;
	rl = launch_proc.orig_nofile;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_debug("raising RLIMIT_NOFILE: %s", strerror(errno));
}

/* Append kv ("NAME=value", malloc'd: the buffer owns it). */
static void
launch_env_push(struct svc_envbuf *eb, char *kv)
{
	if (eb->n + 2 > eb->cap) {
		eb->cap = eb->cap ? eb->cap * 2 : 32;
		if ((eb->v = reallocarray(eb->v, eb->cap, sizeof(char *))) ==
		    NULL)
			fatal(NULL);
	}
	eb->v[eb->n++] = kv;
	eb->v[eb->n] = NULL;
}

void
svc_env_set(struct svc_envbuf *eb, const char *name, const char *value)
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
	launch_env_push(eb, kv);
}

static void
launch_env_free(struct svc_envbuf *eb)
{
	size_t	 i;

	for (i = 0; i < eb->n; i++)
		free(eb->v[i]);
	free(eb->v);
	memset(eb, 0, sizeof(*eb));
}

/*
 * The environment: vigild's own only with inherit_environment, then the
 * basics a login would give (PATH, HOME, USER, LOGNAME), vigil's own
 * (VIGIL_SERVICE, VIGIL_INSTANCE, PORT; for a check VIGIL_PID, for a
 * service NOTIFY_SOCKET), then the service's, expanded.
 */
static int
launch_env(struct svc *s, int check, const struct config_expand_ctx *ctx,
    struct svc_envbuf *eb, char *err, size_t errlen)
{
	struct config_svc	*sc = s->grp->conf;
	struct passwd	*pw = NULL;
	const char	*np;
	char		 buf[32], name[256], xerr[128], *v, *eq, **e;
	size_t		 i;

	if (sc->inherit_environment) {
		for (e = environ; *e != NULL; e++) {
			if ((eq = strchr(*e, '=')) == NULL ||
			    (size_t)(eq - *e) >= sizeof(name))
				continue;
			memcpy(name, *e, eq - *e);
			name[eq - *e] = '\0';
			if (strcmp(name, "NOTIFY_SOCKET") == 0 ||
			    strcmp(name, "LISTEN_FDS") == 0 ||
			    strcmp(name, "LISTEN_PID") == 0)
				continue;
			svc_env_set(eb, name, eq + 1);
		}
	} else
		svc_env_set(eb, "PATH", SVC_DEFAULT_PATH);

	if (sc->user != NULL)
		pw = getpwnam(sc->user);
	else
		pw = getpwuid(geteuid());
	if (pw != NULL) {
		svc_env_set(eb, "HOME", pw->pw_dir);
		svc_env_set(eb, "USER", pw->pw_name);
		svc_env_set(eb, "LOGNAME", pw->pw_name);
	}
	svc_env_set(eb, "VIGIL_SERVICE", sc->name);
	snprintf(buf, sizeof(buf), "%u", s->instance);
	svc_env_set(eb, "VIGIL_INSTANCE", buf);
	if (s->port > 0) {
		snprintf(buf, sizeof(buf), "%d", s->port);
		svc_env_set(eb, "PORT", buf);
	}
	if (check) {
		snprintf(buf, sizeof(buf), "%d", (int)s->pid);
		svc_env_set(eb, "VIGIL_PID", buf);
	} else if (sc->ready == READY_NOTIFY &&
	    (np = parent_monitor_notify_path(sc)) != NULL)
		svc_env_set(eb, "NOTIFY_SOCKET", np);
	for (i = 0; i < sc->nenv; i++) {
		if ((v = config_expand(sc->env[i].value, ctx, xerr,
		    sizeof(xerr))) == NULL) {
			snprintf(err, errlen, "environment %s: %s",
			    sc->env[i].name, xerr);
			return (-1);
		}
		svc_env_set(eb, sc->env[i].name, v);
		free(v);
	}
	return (0);
}

/* The service's command, or its exec check's. */
static char **
launch_argv(struct svc *s, int check, const struct config_expand_ctx *ctx,
    char *err, size_t errlen)
{
	struct config_svc	*sc = s->grp->conf;
	char		**v, * const *src, xerr[128];
	size_t		  i, n;

	if (check) {
		n = sc->health.exec_argc;
		src = sc->health.exec_argv;
	} else {
		n = sc->shell ? 3 : sc->argc;
		src = sc->argv;
	}
	if ((v = calloc(n + 1, sizeof(char *))) == NULL)
		fatal(NULL);
	if (!check && sc->shell) {
		if ((v[0] = strdup("/bin/sh")) == NULL ||
		    (v[1] = strdup("-c")) == NULL)
			fatal(NULL);
		if ((v[2] = config_expand(sc->command_str, ctx, xerr,
		    sizeof(xerr))) == NULL)
			goto bad;
		return (v);
	}
	for (i = 0; i < n; i++)
		if ((v[i] = config_expand(src[i], ctx, xerr,
		    sizeof(xerr))) == NULL)
			goto bad;
	return (v);
 bad:
	snprintf(err, errlen, "command: %s", xerr);
	config_free_argv(v);
	return (NULL);
}

/*
 * The user's supplementary groups, as initgroups(3) would set them.
 * Looked up here, as the child may not use NSS.
 */
static int
launch_groups(const struct config_svc *sc, gid_t **groups, int *ngroups)
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

/*
 * Describe how s's command (check: its exec health check) runs: argv,
 * environment, directory, user, groups, limits.  The caller sets the
 * descriptors and the cgroup.  -1 with the reason in err.
 */
/* What ${...} in the service's command, environment and checks expand to. */
void
svc_expand_ctx(const struct svc *s, struct config_expand_ctx *ctx)
{
	const struct config_svc	*sc = s->grp->conf;

	memset(ctx, 0, sizeof(*ctx));
	ctx->name = sc->name;
	ctx->instance = s->instance;
	ctx->port = s->port;
	ctx->env = sc->env;
	ctx->nenv = sc->nenv;
}

int
svc_launch_prepare(struct svc *s, int check, struct svc_launch *l,
    char *err, size_t errlen)
{
	struct config_svc	*sc = s->grp->conf;
	struct config_expand_ctx ctx;
	struct stat		 sb;
	char			 xerr[128];

	launch_rlimits();
	memset(l, 0, sizeof(*l));
	l->fd_in = l->fd_out = l->fd_err = -1;
	svc_expand_ctx(s, &ctx);

	if (sc->user != NULL && !penv->is_root && sc->uid != geteuid()) {
		snprintf(err, errlen, "cannot run as user %s: vigild is not "
		    "root", sc->user);
		return (-1);
	}
	if ((l->argv = launch_argv(s, check, &ctx, err, errlen)) == NULL)
		goto fail;
	if (launch_env(s, check, &ctx, &l->env, err, errlen) == -1)
		goto fail;
	if (sc->directory != NULL) {
		if ((l->dir = config_expand(sc->directory, &ctx, xerr,
		    sizeof(xerr))) == NULL) {
			snprintf(err, errlen, "directory: %s", xerr);
			goto fail;
		}
		if (stat(l->dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "directory %s: %s", l->dir,
			    errno ? strerror(errno) : "not a directory");
			goto fail;
		}
	}
	l->umask = sc->umask;
	l->limits = &sc->limits;
	l->set_ids = penv->is_root && (sc->user != NULL || sc->group != NULL);
	l->set_uid = sc->user != NULL;
	l->uid = sc->uid;
	l->gid = sc->gid;
	if (l->set_ids && sc->user != NULL && sc->use_initgroups &&
	    launch_groups(sc, &l->groups, &l->ngroups) == -1) {
		snprintf(err, errlen, "groups of user %s: %s", sc->user,
		    strerror(errno));
		goto fail;
	}
	return (0);
 fail:
	svc_launch_free(l);
	return (-1);
}

/*
 * Describe how vigild runs a program of its own (argv as given, vigild's
 * environment and umask, its user): the check of `vigilctl upgrade'.
 * The caller sets the descriptors.
 */
void
svc_launch_prepare_self(struct svc_launch *l, char * const *argv)
{
	char	**e, *kv;
	size_t	  i, n;

	launch_rlimits();
	memset(l, 0, sizeof(*l));
	l->fd_in = l->fd_out = l->fd_err = -1;
	for (n = 0; argv[n] != NULL; n++)
		;
	if ((l->argv = calloc(n + 1, sizeof(char *))) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++)
		if ((l->argv[i] = strdup(argv[i])) == NULL)
			fatal(NULL);
	for (e = environ; *e != NULL; e++) {
		if ((kv = strdup(*e)) == NULL)
			fatal(NULL);
		launch_env_push(&l->env, kv);
	}
	l->umask = umask(022);
	(void)umask(l->umask);
}

void
svc_launch_free(struct svc_launch *l)
{
	config_free_argv(l->argv);
	launch_env_free(&l->env);
	free(l->dir);
	free(l->groups);
	l->argv = NULL;
	l->dir = NULL;
	l->groups = NULL;
}

/*
 * What a forked child reads, packed outside the heap.  A fork copies the
 * page tables of all the parent's memory, and at 10,000 services the
 * parent's heap is 40 MB: copying it was most of the cost of a start,
 * and the parent then took a fault on every page it wrote next.  So the
 * heap is left out of the child (svc_cgroup_fork, MADV_DONTFORK) and
 * the child reads its description from this arena instead, an mmap of
 * its own, grown as needed; the child has its own copy of it, so the
 * next spawn may overwrite it at once.
 */
static char	*launch_arena;
static size_t	 launch_arena_size;

static void *
arena_take(char **p, size_t len)
{
	void	*r = *p;

	*p += (len + 15) & ~(size_t)15;
	return (r);
}

static char *
arena_str(char **p, const char *s)
{
	size_t	 len = strlen(s) + 1;

	return (memcpy(arena_take(p, len), s, len));
}

static size_t
arena_strsize(const char *s)
{
	return (s != NULL ? ((strlen(s) + 1 + 15) & ~(size_t)15) : 0);
}

/*
 * A copy of l and everything it points to, and of launch_proc (to *gp),
 * in the arena; NULL: none.
 */
static const struct svc_launch *
launch_pack(const struct svc_launch *l, const struct launch_proc **gp)
{
	struct svc_launch	*c;
	struct launch_proc	*g;
	size_t			 need, i, nargv = 0, sz;
	char			*p;
	void			*m;

	for (nargv = 0; l->argv[nargv] != NULL; nargv++)
		;
	need = 2 * sizeof(*c) + sizeof(*g) + sizeof(*l->limits) + 80 +
	    16 * (nargv + l->env.n + 2) +
	    (nargv + l->env.n + 2) * sizeof(char *) +
	    (size_t)l->ngroups * sizeof(gid_t) +
	    (size_t)l->nlisten * sizeof(int) +
	    arena_strsize(l->dir != NULL ? l->dir : "/") +
	    arena_strsize(l->cgroup);
	for (i = 0; i < nargv; i++)
		need += arena_strsize(l->argv[i]);
	for (i = 0; i < l->env.n; i++)
		need += arena_strsize(l->env.v[i]);
	if (need > launch_arena_size) {
		sz = launch_arena_size ? launch_arena_size : 65536;
		while (sz < need)
			sz *= 2;
		if ((m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
			return (NULL);
		if (launch_arena != NULL)
			(void)munmap(launch_arena, launch_arena_size);
		launch_arena = m;
		launch_arena_size = sz;
	}
	p = launch_arena;
	g = arena_take(&p, sizeof(*g));
	*g = launch_proc;
	*gp = g;
	c = arena_take(&p, sizeof(*c));
	*c = *l;
	c->argv = arena_take(&p, (nargv + 1) * sizeof(char *));
	for (i = 0; i < nargv; i++)
		c->argv[i] = arena_str(&p, l->argv[i]);
	c->argv[nargv] = NULL;
	c->env.v = arena_take(&p, (l->env.n + 1) * sizeof(char *));
	c->env.cap = c->env.n = l->env.n;
	c->listen_pid = NULL;
	for (i = 0; i < l->env.n; i++) {
		c->env.v[i] = arena_str(&p, l->env.v[i]);
		if (l->listen_pid != NULL && l->listen_pid >= l->env.v[i] &&
		    l->listen_pid < l->env.v[i] + strlen(l->env.v[i]) + 1)
			c->listen_pid = c->env.v[i] +
			    (l->listen_pid - l->env.v[i]);
	}
	c->env.v[l->env.n] = NULL;
	/* "/" too: a literal is in .rodata, one more page fault. */
	c->dir = arena_str(&p, l->dir != NULL ? l->dir : "/");
	c->cgroup = l->cgroup != NULL ? arena_str(&p, l->cgroup) : NULL;
	if (l->limits != NULL)
		c->limits = memcpy(arena_take(&p, sizeof(*l->limits)),
		    l->limits, sizeof(*l->limits));
	if (l->groups != NULL)
		c->groups = memcpy(arena_take(&p, (size_t)l->ngroups *
		    sizeof(gid_t)), l->groups, (size_t)l->ngroups *
		    sizeof(gid_t));
	if (l->nlisten > 0)
		c->listen_fds = memcpy(arena_take(&p, (size_t)l->nlisten *
		    sizeof(int)), l->listen_fds, (size_t)l->nlisten *
		    sizeof(int));
	if ((size_t)(p - launch_arena) > launch_arena_size)
		fatalx("%s: arena overrun", __func__);
	return (c);
}

/* Kept apart, small: nothing of the caller's frame lives across vfork. */
static CHILD_TEXT pid_t
launch_vfork(const struct svc_launch *l, int ep)
{
	pid_t	 pid;

	if ((pid = vfork()) == 0)
		svc_launch_child(l, &launch_proc, ep, 0);
	return (pid);
}

/*
 * Whether the parent waits (CLONE_VFORK) while a child forked into its
 * cgroup runs up to its exec.  Without the wait, a child the scheduler
 * puts on the parent's own CPU runs only once the parent sleeps again,
 * after the bookkeeping of the start (log lines, listeners, the state
 * file): traced from kill to exec on 2 CPUs, a respawn spent 0.28 ms
 * waiting there (median), 0.03 ms with the wait.  But a parent that
 * waits for each of many children starts them one after the other: a
 * start of 1,000 services was 1.75x slower.  So the first start of a
 * turn of the event loop waits (a respawn, a `vigilctl start', a
 * backoff that ends), and the others of that turn (the bulk of a start
 * of many, each turn's slice of it) do not.
 */
static int
launch_wait_exec(void)
{
	static unsigned long	 last;
	static int		 started;
	unsigned long		 turn = parent_turn_id();

	if (started && last == turn)
		return (0);
	started = 1;
	last = turn;
	return (1);
}

/*
 * Start what l describes.  The read end of the error pipe, non-blocking,
 * goes to *errfd: svc_launch_result() reads it.  -1 with errno.
 */
CHILD_TEXT pid_t
svc_launch_start(const struct svc_launch *l, int *errfd)
{
	const struct svc_launch	*c;
	const struct launch_proc *g;
	sigset_t	 all, old;
	pid_t		 pid;
	int		 ep[2], dumpable, saved, wait;

	/* Four bytes into an empty pipe: the child's end never blocks. */
	if (pipe2(ep, O_CLOEXEC | O_NONBLOCK) == -1)
		return (-1);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = -1;
	dumpable = -1;
	wait = launch_wait_exec();
	if (l->cgroup != NULL && !l->cgroup_move &&
	    (c = launch_pack(l, &g)) != NULL &&
	    (pid = svc_cgroup_fork(c->cgroup, wait)) == 0)
		svc_launch_child(c, g, ep[1], 1);
	if (pid == -1) {
		/* A change of ids in it makes the mm it shares undumpable. */
		dumpable = compat_dumpable_get();
		pid = launch_vfork(l, ep[1]);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	compat_dumpable_restore(dumpable);
	close(ep[1]);
	if (pid == -1) {
		close(ep[0]);
		errno = saved;
		return (-1);
	}
	*errfd = ep[0];
	return (pid);
}

/*
 * What the error pipe fd says: 1 and *eno (0: the program runs) once it
 * is known -- the caller then closes fd -- and 0 while the child has
 * neither exec'd nor failed yet.  final: the child is gone, what the
 * pipe holds now is all there is.
 */
int
svc_launch_result(int fd, int final, int *eno)
{
	ssize_t	 n;
	int	 e;

	*eno = 0;
	n = read(fd, &e, sizeof(e));
	if (!final && n == -1 && (errno == EAGAIN || errno == EINTR))
		return (0);
	if (n == sizeof(e))
		*eno = e;
	return (1);
}
