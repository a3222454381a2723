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
 * The child half of the launcher (svc_launch.c is the parent's): what a
 * new process runs between its fork and its exec.  It only applies what
 * the parent prepared -- signals, setsid, cgroup, rlimits, umask, stdio,
 * chdir, groups and ids, descriptors -- with system calls, and ends in
 * exec or _exit; a failure goes back as an errno on the error pipe.  It
 * may allocate nothing (a child forked into its cgroup has no heap) and
 * its functions are kept together (CHILD_TEXT): see svc_launch.c.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "proc.h"
#include "svc.h"
#include "svc_launch.h"

static CHILD_TEXT __dead void
launch_child_fail(int errfd, int eno)
{
	(void)write(errfd, &eno, sizeof(eno));
	_exit(127);
}

static CHILD_TEXT void
launch_child_setrlimit(int res, const struct config_rlimit *cl)
{
	struct rlimit	 rl;

	if (!cl->set)
		return;
	rl.rlim_cur = rl.rlim_max = cl->value == CONFIG_UNLIMITED ?
	    RLIM_INFINITY : (rlim_t)cl->value;
	(void)setrlimit(res, &rl);
}

/* Write our pid in decimal into buf. */
static CHILD_TEXT void
launch_child_pid(char *buf, size_t len)
{
	char		 tmp[16];
	size_t		 n = 0, i;
	unsigned long	 pid = (unsigned long)compat_child_getpid();

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

/*
 * execvp without the GNU-only execvpe: search PATH of the new env.  No
 * libc string functions: in a child forked into its cgroup, each is one
 * more page of libc to fault in before the exec.
 */
static CHILD_TEXT void
launch_child_execvpe(char **argv, char **envp)
{
	const char	*path = NULL, *p, *name = argv[0];
	char		 file[4096];
	size_t		 i, len, nlen;
	int		 eno = ENOENT;

	for (nlen = 0; name[nlen] != '\0'; nlen++)
		if (name[nlen] == '/') {
			compat_child_execve(name, argv, envp);
			return;
		}
	for (i = 0; envp[i] != NULL; i++)
		if (envp[i][0] == 'P' && envp[i][1] == 'A' &&
		    envp[i][2] == 'T' && envp[i][3] == 'H' && envp[i][4] == '=')
			path = envp[i] + 5;
	if (path == NULL)
		path = SVC_DEFAULT_PATH;
	for (p = path;; p += len + 1) {
		for (len = 0; p[len] != '\0' && p[len] != ':'; len++)
			;
		if (len > 0 && len + nlen + 2 <= sizeof(file)) {
			for (i = 0; i < len; i++)
				file[i] = p[i];
			file[len] = '/';
			for (i = 0; i <= nlen; i++)
				file[len + 1 + i] = name[i];
			compat_child_execve(file, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR)
				eno = errno;
		}
		if (p[len] == '\0')
			break;
	}
	errno = eno;
}

/*
 * Default dispositions and an empty mask, as a new program expects.
 * Each call costs, so only the signals the parent changed.
 */
static CHILD_TEXT void
launch_child_signals(const struct launch_proc *g)
{
	int		 i;

	if (g->sig_known)
		for (i = 0; i < g->nsig_reset; i++)
			(void)signal(g->sig_reset[i], SIG_DFL);
	else
		for (i = 1; i < NSIG; i++)
			(void)signal(i, SIG_DFL);
	compat_child_unblock();
}

CHILD_TEXT __dead void
svc_launch_child(const struct svc_launch *l, const struct launch_proc *g, int ep,
    int entered)
{
	const struct config_limits *lim = l->limits;
	int			 i, hi, errfd;

	launch_child_signals(g);
	if (compat_child_setsid() == -1)
		launch_child_fail(ep, errno);
	if (l->cgroup != NULL && !entered)
		(void)svc_cgroup_enter(l->cgroup);

	if (g->rlimits_saved)
		(void)setrlimit(RLIMIT_NOFILE, &g->orig_nofile);
	if (lim != NULL) {
		launch_child_setrlimit(RLIMIT_NOFILE, &lim->nofile);
		launch_child_setrlimit(RLIMIT_NPROC, &lim->nproc);
		launch_child_setrlimit(RLIMIT_CORE, &lim->core);
		launch_child_setrlimit(RLIMIT_STACK, &lim->stack);
		launch_child_setrlimit(RLIMIT_AS, &lim->as);
	}
	umask(l->umask);

	if (dup2(l->fd_in, STDIN_FILENO) == -1 ||
	    dup2(l->fd_out, STDOUT_FILENO) == -1 ||
	    dup2(l->fd_err, STDERR_FILENO) == -1)
		launch_child_fail(ep, errno);
	if (chdir(l->dir != NULL ? l->dir : "/") == -1)
		launch_child_fail(ep, errno);

	if (l->set_ids && compat_child_setids(l->groups != NULL ?
	    l->ngroups : 1, l->groups != NULL ? l->groups : &l->gid, l->gid,
	    l->set_uid, l->uid) == -1)
		launch_child_fail(ep, errno);

	/*
	 * fds 3.. are the `listen:` sockets, then the error pipe
	 * (close-on-exec), and nothing else.  Move everything out of the
	 * way first so no dup2 clobbers a source.
	 */
	errfd = 3 + l->nlisten;
	if ((ep = fcntl(ep, F_DUPFD_CLOEXEC, errfd + 1 + l->nlisten)) == -1)
		_exit(127);
	for (i = 0; i < l->nlisten; i++) {
		hi = fcntl(l->listen_fds[i], F_DUPFD,
		    errfd + 2 + l->nlisten + i);
		if (hi == -1 || dup2(hi, 3 + i) == -1)
			launch_child_fail(ep, errno);
	}
	if (dup2(ep, errfd) == -1)
		_exit(127);
	(void)fcntl(errfd, F_SETFD, FD_CLOEXEC);
	compat_child_closefrom(errfd + 1);
	if (l->listen_pid != NULL)
		launch_child_pid(l->listen_pid, 11);

	launch_child_execvpe(l->argv, l->env.v);
	launch_child_fail(errfd, errno);
}
