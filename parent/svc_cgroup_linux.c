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
 * cgroup v2 on Linux: each instance gets its own group under
 * <cgroup2 mount>/<vigild's own group>/vigil/<instance id>/, so its whole
 * tree is known (even a double-forked daemon) and killed at once with
 * cgroup.kill.  The instance id (parent_instance.c) is this vigild's for
 * its whole life, so the groups it finds there at start-up are provably
 * its own, left by its earlier life (svc_cgroup_sweep_linux.c); every
 * other group under vigil/ belongs to another vigild and is never
 * touched.  Used only where the hierarchy is mounted and writable (root,
 * or a delegated subtree); elsewhere the process group is all there is.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/sched.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP	0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3		435
#endif

static char	 cg_base[PATH_MAX];	/* .../vigil/<id>, "" if unusable */
static int	 cg_lockfd = -1;		/* cg_base, locked */
static int	 cg_noclone3;		/* clone3 refused once: not again */
static uintptr_t cg_heap_lo;		/* start of [heap], 1: unknown */

/* Where the brk heap starts (/proc/self/maps), once. */
static uintptr_t
cg_heap_start(void)
{
	FILE			*fp;
	char			 line[512];
	unsigned long long	 lo, hi;

	if (cg_heap_lo != 0)
		return (cg_heap_lo);
	cg_heap_lo = 1;
	if ((fp = fopen("/proc/self/maps", "re")) == NULL)
		return (cg_heap_lo);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, "[heap]") != NULL &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2) {
			cg_heap_lo = (uintptr_t)lo;
			break;
		}
	fclose(fp);
	return (cg_heap_lo);
}

/*
 * What a fork into a group copies is left out of it (on: MADV_DONTFORK)
 * and taken back in (off) around the clone3: the brk heap, and vigild's
 * own .bss, from the first page wholly past .data (_edata) to _end.
 * Without them, the page tables copied are a few dozen (stack, libc's
 * data, the launch arena), and the parent takes no copy-on-write fault
 * on the pages it writes most.  The child reads neither (svc_launch.c
 * packs what it needs in its arena); what it does read of vigild's
 * writable memory, the .got.plt of lazy binding, sits before _edata.
 * The brk heap grows into a new mapping without the flag, so it is set
 * on the whole range each time, and taken off again at once: the
 * helpers are forked with their heap and .bss.
 */
extern char	 _edata[], _end[];

static void
cg_nofork(int on)
{
	uintptr_t	 lo = cg_heap_start(), hi, pg;
	int		 advice = on ? MADV_DONTFORK : MADV_DOFORK;

	pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	hi = ((uintptr_t)sbrk(0) + pg - 1) & ~(pg - 1);
	if (lo > 1 && hi > lo)
		(void)madvise((void *)lo, hi - lo, advice);
#ifndef __SANITIZE_ADDRESS__
	/*
	 * Not under ASan: its instrumented code in the child reads the
	 * runtime's flags (__asan_option_detect_stack_use_after_return),
	 * which a copy relocation puts in vigild's .bss: left out, the
	 * child died of SIGSEGV before its exec whenever the flag fell
	 * past _edata's page.
	 */
	lo = ((uintptr_t)_edata + pg - 1) & ~(pg - 1);
	hi = ((uintptr_t)_end + pg - 1) & ~(pg - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, advice);
#endif
}

/* Find the cgroup2 mount in /proc/self/mountinfo. */
int
svc_cgroup_mount(char *buf, size_t len)
{
	FILE	*fp;
	char	 line[2048], *sep, *fields[8], *p, *save;
	int	 n, found = 0;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return (-1);
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		/* "... mountpoint opts ... - fstype source superopts" */
		if ((sep = strstr(line, " - ")) == NULL)
			continue;
		if (strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		*sep = '\0';
		n = 0;
		for (p = strtok_r(line, " ", &save); p != NULL && n < 8;
		    p = strtok_r(NULL, " ", &save))
			fields[n++] = p;
		if (n < 5)
			continue;
		if (strlcpy(buf, fields[4], len) < len)
			found = 1;
	}
	fclose(fp);
	return (found ? 0 : -1);
}

/*
 * Open the control file dir/file.  A group of ours is opened from the
 * descriptor of cg_base, which spares the kernel the walk down the
 * whole path: a stop of 10,000 opens each group's cgroup.events once.
 */
static int
cg_open(const char *dir, const char *file, int flags)
{
	char	 path[PATH_MAX];
	size_t	 blen = strlen(cg_base);

	if (cg_lockfd != -1 && blen > 0 && strncmp(dir, cg_base, blen) == 0 &&
	    dir[blen] == '/' && dir[blen + 1] != '\0') {
		if (snprintf(path, sizeof(path), "%s/%s", dir + blen + 1,
		    file) >= (int)sizeof(path)) {
			errno = ENAMETOOLONG;
			return (-1);
		}
		return (openat(cg_lockfd, path, flags | O_CLOEXEC));
	}
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (open(path, flags | O_CLOEXEC));
}

/* Write val into the control file dir/file. */
int
svc_cgroup_write(const char *dir, const char *file, const char *val)
{
	int	 fd, saved;
	ssize_t	 n;

	if ((fd = cg_open(dir, file, O_WRONLY)) == -1)
		return (-1);
	n = write(fd, val, strlen(val));
	saved = errno;
	close(fd);
	errno = saved;
	return (n == (ssize_t)strlen(val) ? 0 : -1);
}

/* Our own cgroup v2 path ("0::/path" in /proc/self/cgroup). */
static int
cg_self(char *buf, size_t len)
{
	FILE	*fp;
	char	 line[PATH_MAX + 8];
	int	 found = 0;

	if ((fp = fopen("/proc/self/cgroup", "re")) == NULL)
		return (-1);
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* "/" is the root: nothing to add to the mount point. */
		if (strlcpy(buf, strcmp(line + 3, "/") == 0 ? "" : line + 3,
		    len) < len)
			found = 1;
	}
	fclose(fp);
	return (found ? 0 : -1);
}

/*
 * Services go under vigild's own group (so that a systemd unit with
 * Delegate=yes holds them), in vigil/<instance id>/<service instance>.
 * What an earlier life left there is for svc_cgroup_sweep().
 */
int
svc_cgroup_init(void)
{
	char	 mnt[PATH_MAX], self[PATH_MAX], top[PATH_MAX];

	cg_base[0] = '\0';
	if (svc_cgroup_mount(mnt, sizeof(mnt)) == -1 ||
	    cg_self(self, sizeof(self)) == -1)
		return (0);
	if (snprintf(top, sizeof(top), "%s%s/vigil", mnt, self) >=
	    (int)sizeof(top))
		return (0);
	if (mkdir(top, 0755) == -1 && errno != EEXIST) {
		log_debug("cgroup %s: %s; using process groups", top,
		    strerror(errno));
		return (0);
	}
	if (snprintf(cg_base, sizeof(cg_base), "%s/%s", top,
	    parent_instance_id()) >=
	    (int)sizeof(cg_base) || (mkdir(cg_base, 0755) == -1 &&
	    errno != EEXIST) || access(cg_base, W_OK) == -1) {
		log_debug("cgroup %s: %s; using process groups", cg_base,
		    strerror(errno));
		cg_base[0] = '\0';
		return (0);
	}
	/*
	 * Held while we run (the lock goes with a crash, and with an exec:
	 * the next life takes it again).  Another live vigild with the
	 * same id -- a state_dir copied into a container image, say -- holds
	 * it already: its groups are not ours to sweep or share.
	 */
	if (cg_lockfd == -1 && ((cg_lockfd = open(cg_base,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(cg_lockfd, LOCK_EX | LOCK_NB) == -1)) {
		if (errno == EWOULDBLOCK)
			log_warnx("cgroup %s is in use by another running "
			    "vigild with this instance id (was its state_dir "
			    "copied?); using process groups only", cg_base);
		else
			log_warn("cgroup %s: lock", cg_base);
		if (cg_lockfd != -1)
			close(cg_lockfd);
		cg_lockfd = -1;
		cg_base[0] = '\0';
		return (0);
	}
	return (1);
}

int
svc_cgroup_available(void)
{
	return (cg_base[0] != '\0');
}

const char *
svc_cgroup_base(void)
{
	return (cg_base);
}

/* The group's name for a service instance id: "web:0" is "web@0". */
void
svc_cgroup_name(const char *id, char *name, size_t len)
{
	char	*p;

	strlcpy(name, id, len);
	for (p = name; *p != '\0'; p++)
		if (*p == ':' || *p == '/')
			*p = '@';
}

char *
svc_cgroup_create(const char *id)
{
	char	*path, name[VIGIL_IDNAMEMAX];

	if (!svc_cgroup_available())
		return (NULL);
	svc_cgroup_name(id, name, sizeof(name));
	if (asprintf(&path, "%s/%s", cg_base, name) == -1)
		fatal(NULL);
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		log_warn("%s: cgroup %s", id, path);
		free(path);
		return (NULL);
	}
	return (path);
}

/* In the child, before exec. */
CHILD_TEXT int
svc_cgroup_enter(const char *path)
{
	return (svc_cgroup_write(path, "cgroup.procs", "0"));
}

int
svc_cgroup_kill(const char *path)
{
	FILE	*fp;
	char	 file[PATH_MAX];
	int	 pid;

	if (svc_cgroup_write(path, "cgroup.kill", "1") == 0)
		return (0);
	/* Kernels before 5.14 have no cgroup.kill: signal each member. */
	if (snprintf(file, sizeof(file), "%s/cgroup.procs", path) >=
	    (int)sizeof(file))
		return (-1);
	if ((fp = fopen(file, "re")) == NULL)
		return (-1);
	while (fscanf(fp, "%d", &pid) == 1)
		if (pid > 0)
			(void)kill(pid, SIGKILL);
	fclose(fp);
	return (0);
}

/*
 * Is anything left in the group?  Its cgroup.events ("populated 1\n
 * frozen 0\n") read with one read(2), without stdio: this runs for every
 * service that stops.
 */
int
svc_cgroup_populated(const char *path)
{
	char	 buf[256], *p;
	ssize_t	 n;
	int	 fd;

	if ((fd = cg_open(path, "cgroup.events", O_RDONLY)) == -1)
		return (0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	for (p = buf; p != NULL; ) {
		if (strncmp(p, "populated ", 10) == 0)
			return (p[10] != '0');
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return (0);
}

void
svc_cgroup_remove(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	char		 sub[PATH_MAX];

	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path,
			    de->d_name) >= (int)sizeof(sub))
				continue;
			svc_cgroup_remove(sub);
		}
		closedir(d);
	}
	if (rmdir(path) == -1 && errno != ENOENT) {
		/*
		 * Only our own groups come here, once their service is
		 * down: what is still in one was left behind by it.
		 */
		if (errno == EBUSY && svc_cgroup_populated(path)) {
			log_warnx("cgroup %s: processes left behind by its "
			    "service; killing them", path);
			(void)svc_cgroup_kill(path);
		} else
			log_debug("cgroup %s: %s", path, strerror(errno));
	}
}

void
svc_cgroup_fini(void)
{
	if (cg_base[0] != '\0')
		svc_cgroup_remove(cg_base);
	cg_base[0] = '\0';
	if (cg_lockfd != -1)
		close(cg_lockfd);
	cg_lockfd = -1;
}

/*
 * fork(2), with the child born in the group at path (clone3 with
 * CLONE_INTO_CGROUP, Linux 5.7), and without the parent's heap: the
 * child may touch nothing malloc'd (path and what it runs come from
 * svc_launch.c's arena).  A child that moved itself in would
 * write cgroup.procs, and a migration waits for an RCU grace period,
 * milliseconds on a busy machine.  Returns as fork does; -1 with errno
 * if the group cannot be entered that way (the caller then starts the
 * child another way and lets it move itself), and a kernel without
 * clone3 or the flag is not asked again.  wait: the parent sleeps, as
 * with vfork, until the child has exec'd or exited (svc_launch.c says
 * when).
 */
CHILD_TEXT pid_t
svc_cgroup_fork(const char *path, int wait)
{
	struct clone_args	 ca;
	long			 r;
	int			 fd, saved;

	if (cg_noclone3) {
		errno = ENOSYS;
		return (-1);
	}
	if ((fd = cg_open(path, ".", O_RDONLY | O_DIRECTORY)) == -1)
		return (-1);
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP | (wait ? CLONE_VFORK : 0);
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (unsigned int)fd;
	cg_nofork(1);
	if ((r = syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
		return (0);		/* the child: fd is close-on-exec */
	saved = errno;
	cg_nofork(0);
	close(fd);
	if (r == -1) {
		log_debug("clone3 into %s: %s; the child moves itself",
		    path, strerror(saved));
		if (saved == ENOSYS || saved == EPERM || saved == E2BIG ||
		    saved == EINVAL)
			cg_noclone3 = 1;
		errno = saved;
	}
	return ((pid_t)r);
}
