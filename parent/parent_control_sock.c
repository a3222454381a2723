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
 * The control socket and who may use it: made here, as root, before any
 * helper runs (or kept across an upgrade's exec), passed to each new
 * control process with the uids it keeps room for, removed at exit.
 * Root, vigild's own user and members of socket.group may run every
 * command (pctl_allowed).
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "compat.h"
#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "proc.h"
#include "svc.h"

#define PCTL_BACKLOG		128

static int		 pctl_listen_fd = -1;
static char		 pctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static dev_t		 pctl_dev;
static ino_t		 pctl_ino;
static gid_t		 pctl_gid = (gid_t)-1;	/* socket.group */

static int	pctl_inherited(const char *);

/* mkdir -p of the socket's directory, 0755. */
static void
pctl_mkdirs(const char *path)
{
	char	 buf[PATH_MAX], *p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		fatalx("control socket %s: path too long", path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			fatal("control socket: mkdir %s", buf);
		*p = '/';
	}
}

/*
 * 1 if something answers on the socket (another vigild).  Not a vigild
 * that died and whose control helper still holds its socket for a
 * moment (it exits when it sees its parent gone): the peer of a unix
 * socket is the process that called listen(), that vigild, and it is
 * gone.  A peer in another pid namespace (pid 0) counts as alive.
 */
static int
pctl_sock_alive(const struct sockaddr_un *sun)
{
	pid_t	 pid;
	int	 fd, alive;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("%s: socket", __func__);
	alive = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
	    errno == EAGAIN || errno == EINPROGRESS;
	if (alive && (pid = compat_peer_pid(fd)) > 0 && pid != getpid() &&
	    kill(pid, 0) == -1 && errno == ESRCH) {
		log_info("control socket %s: left by vigild pid %d, which is "
		    "gone; taking its place", sun->sun_path, (int)pid);
		alive = 0;
	}
	close(fd);
	return (alive);
}

/*
 * The control socket, made here as root before any helper runs (or the
 * one an upgrade's exec kept): socket.mode, socket.group.
 */
void
pctl_sock_open(void)
{
	struct vigil_conf	*conf = penv->conf;
	struct sockaddr_un	 sun;
	struct stat		 sb;
	const char		*path = penv->socket_path;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("control socket %s: path too long (at most %zu bytes)",
		    path, sizeof(sun.sun_path) - 1);
	pctl_mkdirs(path);
	if ((fd = pctl_inherited(path)) != -1)
		goto listening;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			fatalx("control socket %s: exists and is not a socket",
			    path);
		if (pctl_sock_alive(&sun))
			fatalx("control socket %s is in use by another vigild",
			    path);
		if (unlink(path) == -1)
			fatal("control socket %s: unlink", path);
	} else if (errno != ENOENT)
		fatal("control socket %s", path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("control socket: socket");
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		fatal("control socket %s: bind", path);
	}
	umask(old);
	pctl_gid = conf->socket_gid;
	if (penv->is_root) {
		if (chown(path, 0, pctl_gid != (gid_t)-1 ? pctl_gid : 0) == -1)
			fatal("control socket %s: chown", path);
	} else if (pctl_gid != (gid_t)-1 && chown(path, (uid_t)-1,
	    pctl_gid) == -1)
		log_warn("control socket %s: chgrp %s", path,
		    conf->socket_group);
	if (chmod(path, conf->socket_mode) == -1)
		fatal("control socket %s: chmod", path);
	if (listen(fd, PCTL_BACKLOG) == -1)
		fatal("control socket %s: listen", path);
 listening:
	if (stat(path, &sb) == -1)
		fatal("control socket %s", path);
	pctl_dev = sb.st_dev;
	pctl_ino = sb.st_ino;
	strlcpy(pctl_path, path, sizeof(pctl_path));
	pctl_listen_fd = fd;
}

/*
 * Who control keeps room for (it is chrooted and cannot read the group
 * database): the daemon's uid, socket.group and the group's members.
 */
static void
pctl_socket_setup(struct ctl_socket_setup *setup)
{
	struct group	*gr;
	struct passwd	*pw;
	char		**m;

	memset(setup, 0, sizeof(*setup));
	setup->uids[setup->nuids++] = (uint32_t)geteuid();
	if (pctl_gid == (gid_t)-1)
		return;
	setup->has_gid = 1;
	setup->gid = (uint32_t)pctl_gid;
	if ((gr = getgrgid(pctl_gid)) == NULL)
		return;
	for (m = gr->gr_mem; *m != NULL; m++) {
		if (setup->nuids == CTL_PRIVUIDS_MAX) {
			log_warnx("control socket: group %s has more than %d "
			    "members; the others get no reserved room",
			    gr->gr_name, CTL_PRIVUIDS_MAX - 1);
			break;
		}
		if ((pw = getpwnam(*m)) != NULL)
			setup->uids[setup->nuids++] = (uint32_t)pw->pw_uid;
	}
}

/* The listening socket, for an upgrade's exec to keep. */
int
parent_control_listen_fd(void)
{
	return (pctl_listen_fd);
}

/*
 * After an upgrade's exec, the old image's listening socket: kept, so
 * that clients that connected meanwhile are served.  -1: none or not it.
 */
static int
pctl_inherited(const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;
	socklen_t		 len = sizeof(sun);
	const char		*s, *errstr;
	int			 fd;

	if ((s = getenv("VIGIL_UPGRADE_CTLFD")) == NULL)
		return (-1);
	fd = (int)strtonum(s, 3, INT_MAX, &errstr);
	(void)unsetenv("VIGIL_UPGRADE_CTLFD");
	if (errstr != NULL)
		return (-1);
	memset(&sun, 0, sizeof(sun));
	if (fstat(fd, &sb) == -1 || !S_ISSOCK(sb.st_mode) ||
	    getsockname(fd, (struct sockaddr *)&sun, &len) == -1 ||
	    sun.sun_family != AF_UNIX || strcmp(sun.sun_path, path) != 0) {
		log_warnx("upgrade: descriptor %d is not the control socket "
		    "%s; making it anew", fd, path);
		(void)close(fd);
		return (-1);
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	return (fd);
}

/* Give the socket to a new control process. */
void
pctl_sock_pass(void)
{
	struct ctl_socket_setup	 setup;
	int			 fd;

	if (pctl_listen_fd == -1)
		return;
	if ((fd = fcntl(pctl_listen_fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("control socket: dup");
		return;
	}
	pctl_socket_setup(&setup);
	if (parent_proc_send(PROC_CONTROL, IMSG_CTL_SOCKET, 0, fd, &setup,
	    sizeof(setup)) == -1)
		log_warnx("control socket: cannot pass it to control");
}

/* Remove the socket, if it is still ours. */
void
pctl_sock_close(void)
{
	struct stat	 sb;

	if (pctl_listen_fd == -1)
		return;
	if (lstat(pctl_path, &sb) == 0 && sb.st_dev == pctl_dev &&
	    sb.st_ino == pctl_ino && unlink(pctl_path) == -1)
		log_warn("control socket %s: unlink", pctl_path);
	close(pctl_listen_fd);
	pctl_listen_fd = -1;
}

/* Root, our own user and members of socket.group may do everything. */
int
pctl_allowed(uid_t uid, gid_t gid)
{
	struct passwd	*pw;
	gid_t		*groups = NULL, *ng;
	int		 ngroups = 32, i, ok = 0;

	if (uid == 0 || uid == geteuid())
		return (1);
	if (pctl_gid == (gid_t)-1)
		return (0);
	if (gid == pctl_gid)
		return (1);
	if ((pw = getpwuid(uid)) == NULL)
		return (0);
	for (;;) {
		if ((ng = reallocarray(groups, ngroups, sizeof(*groups))) ==
		    NULL) {
			free(groups);
			return (0);
		}
		groups = ng;
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) !=
		    -1)
			break;
		if (ngroups > 65536) {
			free(groups);
			return (0);
		}
	}
	for (i = 0; i < ngroups && !ok; i++)
		ok = groups[i] == pctl_gid;
	free(groups);
	return (ok);
}
