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
 * The Linux side of the monitor's glue in the parent: the sd_notify
 * socket (SO_PASSCRED) and the cgroup v2 cpu controller for limits.cpu.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

#define CPU_PERIOD_USEC		100000

/*
 * uid's datagram socket: mode 0600 and uid's, so that only uid (and
 * root) may send to it; the credentials of each datagram decide whether
 * it is heard.  path starting with '@' is in the abstract namespace
 * (no permissions there).  A vigild that is not root cannot give the
 * socket away: another uid's is then 0622 (the monitor still drops
 * every other user's datagrams).  Returns the fd, or -1.
 */
int
parent_monitor_notify_socket(const char *path, uid_t uid)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	mode_t			 old;
	int			 fd, on = 1, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path));
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	else
		(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return (-1);
	/* Credentials on every datagram, queued ones included. */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		goto fail;
	/* Born 0600 and root's: nobody else can send before the chown. */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, len) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (path[0] == '@' || uid == geteuid())
		return (fd);
	if (geteuid() == 0 ? lchown(path, uid, (gid_t)-1) == 0 :
	    chmod(path, 0622) == 0)
		return (fd);
	saved = errno;
	(void)unlink(path);
	close(fd);
	errno = saved;
	return (-1);
 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

/* 1 if the word is in the space-separated list in file dir/name. */
static int
cg_has_word(const char *dir, const char *name, const char *word)
{
	char	 path[PATH_MAX], buf[1024], *p, *save;
	ssize_t	 n;
	int	 fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return (0);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	for (p = strtok_r(buf, " \n", &save); p != NULL;
	    p = strtok_r(NULL, " \n", &save))
		if (strcmp(p, word) == 0)
			return (1);
	return (0);
}

/*
 * Can limits.cpu be applied here?  NULL if so, else why not.  It needs
 * the cgroup v2 hierarchy, its cpu controller, and the right to
 * delegate it (root).
 */
const char *
parent_monitor_cpu_unavailable(void)
{
	char	 mnt[PATH_MAX];

	if (svc_cgroup_mount(mnt, sizeof(mnt)) == -1)
		return ("the cgroup v2 hierarchy is not mounted on this host");
	if (!cg_has_word(mnt, "cgroup.controllers", "cpu"))
		return ("the cgroup v2 cpu controller is not available on "
		    "this host");
	if (geteuid() != 0)
		return ("vigild is not root and cannot delegate the cgroup "
		    "v2 cpu controller");
	return (NULL);
}

/*
 * Write cpu.max for one instance: enable the cpu controller on the way
 * down from the mount point to the instance's parent group (none of
 * which holds a process: vigil/ and vigil/<pid>/ only hold groups),
 * then write the quota.  percent: 100 is one core.
 */
void
parent_monitor_cpu_apply(const char *cgroup, unsigned int percent,
    const char *id)
{
	char	 mnt[PATH_MAX], dir[PATH_MAX], val[64], *slash;
	size_t	 mlen;

	if (svc_cgroup_mount(mnt, sizeof(mnt)) == -1)
		return;
	mlen = strlen(mnt);
	if (strncmp(cgroup, mnt, mlen) != 0 || cgroup[mlen] != '/' ||
	    strlcpy(dir, cgroup, sizeof(dir)) >= sizeof(dir))
		return;
	/* Each ancestor, from the mount point down. */
	for (slash = dir + mlen; slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!cg_has_word(dir, "cgroup.subtree_control", "cpu") &&
		    svc_cgroup_write(dir, "cgroup.subtree_control", "+cpu") ==
		    -1)
			log_warn("%s: limits.cpu: %s/cgroup.subtree_control",
			    id, dir);
		*slash = '/';
	}
	snprintf(val, sizeof(val), "%llu %u",
	    (unsigned long long)percent * CPU_PERIOD_USEC / 100,
	    CPU_PERIOD_USEC);
	if (svc_cgroup_write(cgroup, "cpu.max", val) == -1)
		log_warn("%s: limits.cpu: %s/cpu.max", id, cgroup);
	else
		log_debug("%s: cpu.max %s", id, val);
}
