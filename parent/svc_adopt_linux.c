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
 * What adoption needs from Linux: a process's identity (its start time,
 * field 22 of /proc/PID/stat, in clock ticks since boot, which a reused
 * pid does not share; its parent; its cgroup) and a pidfd to learn when
 * a process that is not our child exits.
 */

#include <sys/types.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

/* 0 and the start time and parent of pid, or -1 (no such process). */
int
svc_proc_identity(pid_t pid, uint64_t *start, pid_t *ppid)
{
	char		 path[64], buf[1024], *p, *f, *save;
	unsigned long long	 v;
	ssize_t		 n;
	int		 fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold anything, even ") ". */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return (-1);
	p += 2;
	for (i = 3, f = strtok_r(p, " ", &save); f != NULL;
	    i++, f = strtok_r(NULL, " ", &save)) {
		if (i == 3 && f[0] == 'Z')
			return (-1);		/* dead already */
		if (i == 4)
			*ppid = (pid_t)strtol(f, NULL, 10);
		if (i == 22) {
			errno = 0;
			v = strtoull(f, NULL, 10);
			if (errno != 0)
				return (-1);
			*start = v;
			return (0);
		}
	}
	return (-1);
}

/* 1 if pid is in the cgroup at path (an absolute path under the mount). */
int
svc_proc_in_cgroup(pid_t pid, const char *cgpath)
{
	char		 path[64], mnt[PATH_MAX], line[PATH_MAX + 8], want[PATH_MAX];
	FILE		*fp;
	int		 found = 0;

	if (svc_cgroup_mount(mnt, sizeof(mnt)) == -1)
		return (0);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (0);
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (snprintf(want, sizeof(want), "%s%s", mnt, line + 3) <
		    (int)sizeof(want) && strcmp(want, cgpath) == 0)
			found = 1;
	}
	fclose(fp);
	return (found);
}

/* A descriptor that becomes readable when pid exits, or -1. */
int
svc_pidfd_open(pid_t pid)
{
	int	 fd;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		return (-1);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return (fd);
}

/*
 * Copies of the sockets with inodes ino[0..n) that process pid holds (a
 * service keeps its `listen:` sockets), into fds[]: 0, or -1 if one of
 * them is not found (nothing is kept then).  pidfd_getfd(2), Linux 5.6.
 */
int
svc_proc_getfds(pid_t pid, const uint64_t *ino, size_t n, int *fds)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[64], link[64], want[64];
	size_t		 i, found = 0;
	ssize_t		 len;
	int		 pfd, fd;
	long		 num;

	for (i = 0; i < n; i++)
		fds[i] = -1;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((pfd = svc_pidfd_open(pid)) == -1)
		return (-1);
	if ((d = opendir(path)) == NULL) {
		close(pfd);
		return (-1);
	}
	while (found < n && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%.16s", (int)pid,
		    de->d_name);
		if ((len = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[len] = '\0';
		num = strtol(de->d_name, NULL, 10);
		for (i = 0; i < n; i++) {
			snprintf(want, sizeof(want), "socket:[%llu]",
			    (unsigned long long)ino[i]);
			if (fds[i] != -1 || strcmp(link, want) != 0)
				continue;
			if ((fd = (int)syscall(SYS_pidfd_getfd, pfd, (int)num,
			    0)) == -1)
				break;
			fds[i] = fd;
			found++;
			break;
		}
	}
	closedir(d);
	close(pfd);
	if (found == n)
		return (0);
	for (i = 0; i < n; i++)
		if (fds[i] != -1)
			close(fds[i]);
	return (-1);
}
