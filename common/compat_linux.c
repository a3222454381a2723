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

/* The Linux side of the few calls that differ between Linux and the BSDs. */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"

int
compat_no_new_privs(void)
{
	return (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
}

int
compat_set_subreaper(void)
{
	return (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
}

/*
 * Give the pages of freed memory back to the system.  glibc keeps them
 * (a free chunk below a live one is never returned), so a parse of a
 * big configuration or a burst of queued messages would stay resident
 * for the life of the daemon.  The BSDs' malloc returns freed pages by
 * itself.
 */
void
compat_heap_release(void)
{
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

/*
 * The first byte waiting in a pipe, without taking it: tee(2) copies it
 * to a scratch pipe (sw, sr its ends), where it is read.  The logger's
 * journal needs it (logger_journal.c).  0, or -1.
 */
int
compat_pipe_peek(int fd, int sw, int sr, unsigned char *b)
{
	unsigned char	 junk[64];

	if (tee(fd, sw, 1, SPLICE_F_NONBLOCK) == 1 && read(sr, b, 1) == 1)
		return (0);
	while (read(sr, junk, sizeof(junk)) > 0)
		;
	return (-1);
}

/* A pipe with room for size bytes (the services' output pipes). */
int
compat_pipe_setsize(int fd, int size)
{
	return (fcntl(fd, F_SETPIPE_SZ, size));
}

/* The absolute path of the running executable. */
int
compat_self_exe(char *buf)
{
	return (realpath("/proc/self/exe", buf) == NULL ? -1 : 0);
}

/*
 * Process titles.  libbsd's setproctitle() writes the title over argv
 * and leaves a '.' where argv[0] ended; the kernel, which shows the whole
 * argument area while its last byte is a NUL, then shows "vigild:
 * parent", NULs, "." -- "vigild: parent ." to ps and pgrep -f, which
 * breaks pgrep -x and rc.d's pattern.  A non-NUL last byte tells the
 * kernel the area holds a title: it shows it up to its first NUL, and
 * nothing else.
 */
static char	*compat_argstart;	/* argv[0], where the title goes */
static char	*compat_argend;		/* the NUL ending the last argument */

void
compat_proctitle_init(int argc, char **argv)
{
	if (argc > 0 && argv[argc - 1] != NULL) {
		compat_argstart = argv[0];
		compat_argend = argv[argc - 1] + strlen(argv[argc - 1]);
	}
}

void
compat_proctitle(const char *title)
{
	size_t	 len;

	setproctitle("%s", title);
	if (compat_argend == NULL)
		return;
	/* "vigild: " and the title; a title as long as argv[0] got a ' ' */
	len = strlen(getprogname()) + 2 + strlen(title);
	if (compat_argstart + len < compat_argend &&
	    compat_argstart[len] == ' ')
		compat_argstart[len] = '\0';
	if (compat_argend[0] == '\0' && compat_argend[-1] == '\0')
		compat_argend[0] = ' ';
}

/* The kernel's highest pid plus one (kernel.pid_max), or -1. */
long
compat_pid_max(void)
{
	FILE	*fp;
	long	 v = -1;

	if ((fp = fopen("/proc/sys/kernel/pid_max", "re")) == NULL)
		return (-1);
	if (fscanf(fp, "%ld", &v) != 1)
		v = -1;
	fclose(fp);
	return (v);
}

/*
 * openat(2) that cannot leave dirfd: no "..", no absolute path, no
 * symlink or /proc magic link out (openat2 with RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS, Linux 5.6).  Where the kernel has no openat2,
 * the same by hand: the path is refused if it starts with "/" or has a
 * ".." component, and its last component may not be a symlink
 * (O_NOFOLLOW); the helpers' directories hold no symlinks of their own.
 */
int
compat_openat_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how	 how;
	const char	*p;
	long		 fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	if (flags & O_CREAT)
		how.mode = mode;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd != -1 || errno != ENOSYS)
		return ((int)fd);

	if (path[0] == '/') {
		errno = EXDEV;
		return (-1);
	}
	for (p = path; *p != '\0'; p++) {
		if ((p == path || p[-1] == '/') && p[0] == '.' &&
		    p[1] == '.' && (p[2] == '/' || p[2] == '\0')) {
			errno = EXDEV;
			return (-1);
		}
	}
	return (openat(dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW, mode));
}

/* The pid of a connected unix socket's peer (SO_PEERCRED), or -1. */
pid_t
compat_peer_pid(int fd)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return (-1);
	return (uc.pid);
}

/*
 * A child that shares our memory (vfork) and changes its ids marks the
 * shared mm undumpable, and /proc/<vigild>/ then belongs to root alone:
 * the parent takes back what it had.
 */
int
compat_dumpable_get(void)
{
	return (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
}

void
compat_dumpable_restore(int dumpable)
{
	if (dumpable > 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != dumpable)
		(void)prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
}

/*
 * The groups and ids of a new child, before exec, with the system calls
 * themselves: glibc's wrappers change the ids of every thread it knows
 * of, and in a child made by vfork or clone3 the list it knows is the
 * parent's (the sanitizers run threads of their own).  The child has
 * one thread, which is all these calls change.
 */
CHILD_TEXT int
compat_child_setids(int ngroups, const gid_t *groups, gid_t gid,
    int set_uid, uid_t uid)
{
	if (syscall(SYS_setgroups, ngroups, groups) == -1 ||
	    syscall(SYS_setresgid, gid, gid, gid) == -1)
		return (-1);
	if (set_uid && syscall(SYS_setresuid, uid, uid, uid) == -1)
		return (-1);
	return (0);
}

/*
 * Trade the names of two files at once (renameat2, Linux 3.15; ext4,
 * xfs, btrfs, tmpfs and others).  -1 with errno where it cannot, and the
 * caller renames instead.
 */
int
compat_rename_exchange(const char *a, const char *b)
{
	return (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE));
}

/*
 * The other system calls of a new child whose glibc wrappers sit in
 * pages of libc it has not run yet (a page fault for each 64 KiB, see
 * CHILD_TEXT): through syscall(2), whose page it has run already (the
 * clone3 returned there).  0 or -1 with errno, as the wrappers.
 */
CHILD_TEXT int
compat_child_setsid(void)
{
	return (syscall(SYS_setsid) == -1 ? -1 : 0);
}

CHILD_TEXT pid_t
compat_child_getpid(void)
{
	return ((pid_t)syscall(SYS_getpid));
}

/* Unblock every signal (the kernel's mask is the first _NSIG bits). */
CHILD_TEXT void
compat_child_unblock(void)
{
	sigset_t	 none;

	memset(&none, 0, sizeof(none));
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL,
	    (size_t)(_NSIG / 8));
}

CHILD_TEXT int
compat_child_execve(const char *path, char *const argv[], char *const envp[])
{
	return ((int)syscall(SYS_execve, path, argv, envp));
}

/*
 * closefrom(3) for a new child: it may call nothing that allocates (a
 * child forked into its cgroup has no heap), and libbsd's closefrom
 * reads /proc/self/fd with opendir(3) where close_range(2) is missing
 * (before Linux 5.9).  So close_range, or else the same directory read
 * with getdents64 into a buffer on the stack, a batch at a time.
 */
struct compat_dirent64 {
	uint64_t	 d_ino;
	int64_t		 d_off;
	unsigned short	 d_reclen;
	unsigned char	 d_type;
	char		 d_name[];
};

CHILD_TEXT void
compat_child_closefrom(int lowfd)
{
	if (syscall(SYS_close_range, (unsigned int)lowfd, ~0U, 0) == -1)
		compat_child_closefrom_dir(lowfd);
}

/* The directory read alone: before Linux 5.9, and for its unit test. */
CHILD_TEXT void
compat_child_closefrom_dir(int lowfd)
{
	char			 buf[2048];
	struct compat_dirent64	*d;
	char			*p;
	long			 n, off, fd, found;
	int			 dirfd;

	if ((dirfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	do {
		found = 0;
		(void)lseek(dirfd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, dirfd, buf,
		    sizeof(buf))) > 0) {
			for (off = 0; off < n; off += d->d_reclen) {
				d = (struct compat_dirent64 *)(buf + off);
				fd = 0;
				if (d->d_name[0] < '0' || d->d_name[0] > '9')
					continue;
				for (p = d->d_name; *p >= '0' &&
				    *p <= '9' && fd <= INT_MAX / 10; p++)
					fd = fd * 10 + (*p - '0');
				if (fd >= lowfd && fd != dirfd) {
					(void)close((int)fd);
					found = 1;
				}
			}
		}
	} while (found);	/* closing while reading may skip some */
	(void)close(dirfd);
}
