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
 * /proc and cgroup v2 on Linux, read by the chrooted monitor through
 * directory descriptors opened before the chroot, every path through
 * compat_openat_beneath(): nothing outside /proc and the cgroup tree
 * can be reached from them, whatever a PID or group name holds.  Every file is read
 * into a bounded buffer and parsed defensively: a process may vanish or
 * change between two reads, and then it is simply left out.
 */

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "proc.h"

#define PROC_STATMAX	1024
#define PROC_PIDSBUF	4096		/* cgroup.procs, a piece */

static int	 proc_fd = -1;
static int	 cg_fd = -1;
static char	 cg_mnt[PATH_MAX];
static long	 proc_hz = 100;
static long	 proc_page = 4096;

/* The cgroup2 mount point, from /proc/self/mountinfo. */
static int
proc_find_cgroup2(char *buf, size_t len)
{
	FILE	*fp;
	char	 line[2048], *sep, *p, *save, *fields[8];
	int	 n, found = 0;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return (-1);
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if ((sep = strstr(line, " - ")) == NULL ||
		    strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		*sep = '\0';
		n = 0;
		for (p = strtok_r(line, " ", &save); p != NULL && n < 8;
		    p = strtok_r(NULL, " ", &save))
			fields[n++] = p;
		if (n >= 5 && strlcpy(buf, fields[4], len) < len)
			found = 1;
	}
	fclose(fp);
	return (found ? 0 : -1);
}

void
mon_proc_preinit(void)
{
#ifdef M_MMAP_THRESHOLD
	/*
	 * A fixed threshold: glibc's moving one rises to the size of each
	 * big block freed (a /proc snapshot, at thousands of processes),
	 * after which such blocks come from the heap and its top is kept,
	 * dirty, instead of given back.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
	if ((proc_hz = sysconf(_SC_CLK_TCK)) <= 0)
		proc_hz = 100;
	if ((proc_page = sysconf(_SC_PAGESIZE)) <= 0)
		proc_page = 4096;
	if ((proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		log_warn("/proc: no resource figures, no sd_notify senders");
	if (proc_find_cgroup2(cg_mnt, sizeof(cg_mnt)) == 0 &&
	    (cg_fd = open(cg_mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		log_debug("cgroup %s: %s", cg_mnt, strerror(errno));
	if (cg_fd == -1)
		cg_mnt[0] = '\0';
}

/* The held directories, for monitor_sandbox(); -1 if none. */
int
mon_proc_dirfd(void)
{
	return (proc_fd);
}

int
mon_cgroup_dirfd(void)
{
	return (cg_fd);
}

long
mon_proc_hz(void)
{
	return (proc_hz);
}

/* Read a small file below a directory fd; NUL-terminated; -1 if not. */
static ssize_t
proc_read(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	if (dirfd == -1) {
		errno = ENOENT;
		return (-1);
	}
	if ((fd = compat_openat_beneath(dirfd, path, O_RDONLY, 0)) == -1)
		return (-1);
	while (off + 1 < len) {
		n = read(fd, buf + off, len - 1 - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return ((ssize_t)off);
}

/* Fields 3.. of /proc/PID/stat, after the command name in parentheses. */
static int
proc_parse_stat(char *buf, struct mon_proc *p)
{
	unsigned long long	 v[22];
	char			*s, *end;
	int			 i;

	if ((s = strrchr(buf, ')')) == NULL || s[1] != ' ')
		return (-1);
	s += 2;
	/* state */
	if (*s == '\0' || s[1] != ' ')
		return (-1);
	s += 2;
	/* fields 4 (ppid) .. 24 (rss) */
	for (i = 4; i <= 24; i++) {
		errno = 0;
		if (*s == '-') {	/* tty_nr, priority, nice may be < 0 */
			(void)strtoll(s, &end, 10);
			v[i - 4] = 0;
		} else
			v[i - 4] = strtoull(s, &end, 10);
		if (end == s || errno != 0 || (*end != ' ' && *end != '\n' &&
		    *end != '\0'))
			return (-1);
		s = end;
		while (*s == ' ')
			s++;
	}
	p->ppid = (pid_t)v[4 - 4];
	p->session = (pid_t)v[6 - 4];
	p->ticks = v[14 - 4] + v[15 - 4];
	p->start = v[22 - 4];
	p->rss = v[24 - 4] * (unsigned long long)proc_page;
	return (0);
}

static int
proc_stat(pid_t pid, struct mon_proc *p, pid_t *pgrp)
{
	char	 path[32], buf[PROC_STATMAX];
	char	*s;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (proc_read(proc_fd, path, buf, sizeof(buf)) <= 0)
		return (-1);
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	if (pgrp != NULL) {
		/* field 5: after ") S ppid " */
		if ((s = strrchr(buf, ')')) == NULL ||
		    sscanf(s + 1, " %*c %*d %d", pgrp) != 1)
			return (-1);
	}
	return (proc_parse_stat(buf, p));
}

static int
proc_cmp(const void *a, const void *b)
{
	const struct mon_proc	*pa = a, *pb = b;

	return (pa->pid < pb->pid ? -1 : pa->pid > pb->pid);
}

int
mon_proc_snapshot(struct mon_snap *snap)
{
	struct dirent	*de;
	DIR		*d;
	const char	*errstr;
	size_t		 cap = 0;
	long long	 pid;
	int		 fd;

	memset(snap, 0, sizeof(*snap));
	if (proc_fd == -1)
		return (-1);
	if ((fd = compat_openat_beneath(proc_fd, ".", O_RDONLY | O_DIRECTORY,
	    0)) == -1)
		return (-1);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtonum(de->d_name, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			continue;
		if (snap->n == cap) {
			cap = cap ? cap * 2 : 512;
			if ((snap->v = reallocarray(snap->v, cap,
			    sizeof(*snap->v))) == NULL)
				fatal(NULL);
		}
		if (proc_stat((pid_t)pid, &snap->v[snap->n], NULL) == 0)
			snap->n++;
	}
	closedir(d);
	qsort(snap->v, snap->n, sizeof(*snap->v), proc_cmp);
	return (0);
}

void
mon_proc_snap_free(struct mon_snap *snap)
{
	free(snap->v);
	memset(snap, 0, sizeof(*snap));
}

const char *
mon_proc_cgroup_root(void)
{
	return (cg_fd == -1 || cg_mnt[0] == '\0' ? NULL : cg_mnt);
}

/* An absolute cgroup path as a path below the cgroup2 mount: "a/b". */
static const char *
proc_cg_rel(const char *cgroup)
{
	size_t	 n = strlen(cg_mnt);

	if (cg_fd == -1 || n == 0 || strncmp(cgroup, cg_mnt, n) != 0 ||
	    cgroup[n] != '/' || cgroup[n + 1] == '\0' ||
	    strstr(cgroup, "/..") != NULL)
		return (NULL);
	return (cgroup + n + 1);
}

static void
proc_pids_add(pid_t **pids, size_t *npids, size_t *cap, const char *line)
{
	const char	*errstr;
	long long	 pid;

	pid = strtonum(line, 1, INT_MAX, &errstr);
	if (errstr != NULL)
		return;
	if (*npids == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((*pids = reallocarray(*pids, *cap, sizeof(**pids))) ==
		    NULL)
			fatal(NULL);
	}
	(*pids)[(*npids)++] = (pid_t)pid;
}

/*
 * cgroup.procs read a piece at a time into a small buffer on the stack:
 * one big buffer per pass (it was 4 MiB) raised glibc's mmap threshold,
 * after which it came from the heap, whose top was then never trimmed
 * and whose pages, touched at shifting places, stayed dirty (the
 * monitor's Pss grew for as long as it sampled).
 */
int
mon_proc_cgroup_pids(const char *cgroup, pid_t **pids, size_t *npids)
{
	const char	*rel;
	char		 path[MON_CGROUPMAX + 32], buf[PROC_PIDSBUF];
	char		*line, *nl;
	size_t		 cap = 0, have = 0;
	ssize_t		 n;
	int		 fd;

	*pids = NULL;
	*npids = 0;
	if ((rel = proc_cg_rel(cgroup)) == NULL)
		return (-1);
	if (snprintf(path, sizeof(path), "%s/cgroup.procs", rel) >=
	    (int)sizeof(path))
		return (-1);
	if ((fd = compat_openat_beneath(cg_fd, path, O_RDONLY, 0)) == -1)
		return (-1);
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			free(*pids);
			*pids = NULL;
			*npids = 0;
			return (-1);
		}
		have += (size_t)n;
		buf[have] = '\0';
		/* Whole lines; a partial last one waits for the next read. */
		for (line = buf; (nl = strchr(line, '\n')) != NULL;
		    line = nl + 1) {
			*nl = '\0';
			proc_pids_add(pids, npids, &cap, line);
		}
		if (n == 0) {
			proc_pids_add(pids, npids, &cap, line);
			break;
		}
		have = (size_t)(buf + have - line);
		if (have == sizeof(buf) - 1)
			have = 0;	/* no pid is that long: drop it */
		memmove(buf, line, have);
	}
	close(fd);
	return (0);
}

int
mon_proc_cgroup_cpu(const char *cgroup, uint64_t *usec)
{
	const char	*rel;
	char		 path[MON_CGROUPMAX + 32], buf[2048], *p;
	unsigned long long v;

	if ((rel = proc_cg_rel(cgroup)) == NULL)
		return (-1);
	if (snprintf(path, sizeof(path), "%s/cpu.stat", rel) >=
	    (int)sizeof(path))
		return (-1);
	if (proc_read(cg_fd, path, buf, sizeof(buf)) <= 0)
		return (-1);
	if (strncmp(buf, "usage_usec ", 11) == 0)
		p = buf;
	else if ((p = strstr(buf, "\nusage_usec ")) != NULL)
		p++;
	else
		return (-1);
	if (sscanf(p, "usage_usec %llu", &v) != 1)
		return (-1);
	*usec = v;
	return (0);
}

uint32_t
mon_proc_nfds(pid_t pid)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[32];
	uint32_t	 n = 0;
	int		 fd;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	if (proc_fd == -1 || (fd = compat_openat_beneath(proc_fd, path,
	    O_RDONLY | O_DIRECTORY, 0)) == -1)
		return (MON_UNKNOWN);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return (MON_UNKNOWN);
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

int
mon_proc_sender(pid_t pid, struct mon_sender *snd)
{
	struct mon_proc	 p;
	char		 path[32], buf[MON_CGROUPMAX + 64], *line, *save;
	pid_t		 cur;

	memset(snd, 0, sizeof(*snd));
	if (proc_stat(pid, &p, &snd->pgrp) == -1)
		return (-1);
	snd->session = p.session;
	snd->anc[snd->nanc++] = pid;
	for (cur = p.ppid; cur > 1 && snd->nanc < MON_ANCESTORS;
	    cur = p.ppid) {
		snd->anc[snd->nanc++] = cur;
		if (proc_stat(cur, &p, NULL) == -1)
			break;
	}
	snprintf(path, sizeof(path), "%d/cgroup", (int)pid);
	if (proc_read(proc_fd, path, buf, sizeof(buf)) > 0) {
		for (line = strtok_r(buf, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (strncmp(line, "0::/", 4) == 0)
				strlcpy(snd->cgroup, line + 4,
				    sizeof(snd->cgroup));
	}
	return (0);
}
