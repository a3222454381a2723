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
 * The seccomp filter of a helper (control, logger, monitor), installed
 * by sandbox_enable() right after the privilege drop.  Each helper's
 * allow-list is one table in its own folder (control/control_sandbox_
 * linux.c, ...); sandbox_base[] below holds what every helper needs
 * (the event loop, the channel to the parent, malloc, logging).
 *
 * Written as plain BPF, as OpenSSH's privsep child does, rather than
 * with libseccomp: the filter is one architecture check and one compare
 * a call, built from the tables at run time; no new library goes into
 * a statically linked daemon, and the tables read as lists of names.
 *
 * A call not in the lists is trapped (SECCOMP_RET_TRAP): the SIGSYS
 * handler writes "seccomp: forbidden system call N" to stderr (the log
 * under -d) and to syslog (a socket opened before the chroot), with
 * async-signal-safe calls only, then repeats the call: SIGSYS being
 * blocked in its handler, the kernel kills the helper with it.  The
 * parent logs the death (signal 31) and starts a new helper.
 *
 * Before the filter, sandbox_landlock() limits the helper's file access
 * to its own directories (Landlock, Linux 5.13; quietly skipped where
 * the kernel has none): control none at all, the logger its log_dir,
 * the monitor /proc and the cgroup tree, read-only.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "sandbox.h"

#if defined(__x86_64__)
#define SANDBOX_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH	AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define SANDBOX_ARCH	AUDIT_ARCH_I386
#endif

/* Every helper: the event loop, imsg, malloc, logging, time, exit. */
static const int sandbox_base[] = {
	SANDBOX_CALL(read),
	SANDBOX_CALL(readv),
	SANDBOX_CALL(write),
	SANDBOX_CALL(writev),
	SANDBOX_CALL(close),
	SANDBOX_CALL(recvmsg),
	SANDBOX_CALL(sendmsg),
	SANDBOX_CALL(sendto),		/* syslog(3) */
	SANDBOX_CALL(epoll_create1),
	SANDBOX_CALL(epoll_ctl),
	SANDBOX_CALL(epoll_wait),
	SANDBOX_CALL(epoll_pwait),
	SANDBOX_CALL(poll),
	SANDBOX_CALL(ppoll),
	SANDBOX_CALL(pipe2),		/* libevent's signal pipe */
	SANDBOX_CALL(fcntl),
	SANDBOX_CALL(ioctl),		/* FIONREAD, FIONBIO */
	SANDBOX_CALL(fstat),
	SANDBOX_CALL(newfstatat),	/* stdio, fstat(3) */
	SANDBOX_CALL(brk),
	SANDBOX_CALL(mmap),
	SANDBOX_CALL(munmap),
	SANDBOX_CALL(mremap),
	SANDBOX_CALL(madvise),		/* malloc_trim(3) */
	SANDBOX_CALL(mprotect),		/* malloc's arenas */
	SANDBOX_CALL(futex),
	SANDBOX_CALL(getrandom),	/* arc4random(3) */
	SANDBOX_CALL(rt_sigaction),
	SANDBOX_CALL(rt_sigprocmask),
	SANDBOX_CALL(rt_sigreturn),
	SANDBOX_CALL(restart_syscall),
	SANDBOX_CALL(clock_gettime),
	SANDBOX_CALL(gettimeofday),
	SANDBOX_CALL(nanosleep),
	SANDBOX_CALL(clock_nanosleep),
	SANDBOX_CALL(getpid),
	SANDBOX_CALL(gettid),
	SANDBOX_CALL(getuid),
	SANDBOX_CALL(geteuid),
	SANDBOX_CALL(getgid),
	SANDBOX_CALL(getegid),
	SANDBOX_CALL(prlimit64),	/* getrlimit(2) */
	SANDBOX_CALL(exit),
	SANDBOX_CALL(exit_group),
};

/*
 * ASan and UBSan ask the kernel for more (their own stacks, maps, the
 * report): test builds only.
 */
#if defined(__SANITIZE_ADDRESS__)
static const int sandbox_extra[] = {
	SANDBOX_CALL(sigaltstack),
	SANDBOX_CALL(tgkill),
	SANDBOX_CALL(prctl),
	SANDBOX_CALL(openat),
	SANDBOX_CALL(readlink),
	SANDBOX_CALL(getdents64),
	SANDBOX_CALL(sched_yield),
	SANDBOX_CALL(sched_getaffinity),
	SANDBOX_CALL(uname),
	SANDBOX_CALL(getppid),
	SANDBOX_CALL(mincore),
	SANDBOX_CALL(lseek),
	SANDBOX_CALL(pread64),
};
#define SANDBOX_NEXTRA	nitems(sandbox_extra)
#else
static const int *sandbox_extra = NULL;
#define SANDBOX_NEXTRA	0
#endif

static int	 sandbox_logfd = -1;
static char	 sandbox_role[16];

/* Async-signal-safe: append s to buf. */
static size_t
sandbox_cat(char *buf, size_t off, size_t len, const char *s)
{
	while (*s != '\0' && off + 1 < len)
		buf[off++] = *s++;
	buf[off] = '\0';
	return (off);
}

static size_t
sandbox_num(char *buf, size_t off, size_t len, long n)
{
	char	 tmp[24];
	int	 i = 0;

	if (n < 0) {
		off = sandbox_cat(buf, off, len, "-");
		n = -n;
	}
	do {
		tmp[i++] = '0' + (n % 10);
		n /= 10;
	} while (n > 0 && i < (int)sizeof(tmp) - 1);
	while (i > 0 && off + 1 < len)
		buf[off++] = tmp[--i];
	buf[off] = '\0';
	return (off);
}

static void
sandbox_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char	 msg[160], line[200];
	size_t	 n = 0, m = 0;
	int	 save = errno;

	n = sandbox_cat(msg, n, sizeof(msg), "vigild: ");
	n = sandbox_cat(msg, n, sizeof(msg), sandbox_role);
	n = sandbox_cat(msg, n, sizeof(msg), ": seccomp: forbidden system "
	    "call ");
	n = sandbox_num(msg, n, sizeof(msg), si->si_syscall);
	n = sandbox_cat(msg, n, sizeof(msg), ", the helper dies\n");
	(void)write(STDERR_FILENO, msg, n);
	if (sandbox_logfd != -1) {
		/* <LOG_DAEMON|LOG_CRIT> */
		m = sandbox_cat(line, m, sizeof(line), "<26>");
		m = sandbox_cat(line, m, sizeof(line), msg);
		(void)write(sandbox_logfd, line, m - 1);
	}
	errno = save;
	/* Again, with SIGSYS blocked: the kernel kills us with it. */
	syscall(si->si_syscall, 0, 0, 0, 0, 0, 0);
	_exit(128 + SIGSYS);
}

/*
 * Before the chroot: the handler, and a socket to syslog that works
 * from inside it.
 */
void
sandbox_prepare(enum vigil_proc role, int debug)
{
	struct sigaction	 sa;
	struct sockaddr_un	 sun;

	strlcpy(sandbox_role, proc_name(role), sizeof(sandbox_role));
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("sigaction SIGSYS");
	if (debug)
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, "/dev/log", sizeof(sun.sun_path));
	if ((sandbox_logfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) != -1 && connect(sandbox_logfd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1) {
		close(sandbox_logfd);
		sandbox_logfd = -1;
	}
}

static void
sandbox_add(struct sock_filter *f, size_t *n, const int *calls,
    size_t ncalls)
{
	size_t	 i;

	for (i = 0; i < ncalls; i++) {
		f[(*n)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, (unsigned int)calls[i], 0, 1);
		f[(*n)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    SECCOMP_RET_ALLOW);
	}
}

#ifdef VIGIL_TEST_HOOKS
/*
 * Test hook (VIGIL_TEST_HOOKS=1): VIGIL_TEST_FORBIDDEN=ROLE makes that
 * helper try chroot(2), which no helper may, once its filter is on.
 */
static void
sandbox_test_hook(void)
{
	const char	*hooks, *who;

	hooks = getenv("VIGIL_TEST_HOOKS");
	who = getenv("VIGIL_TEST_FORBIDDEN");
	if (hooks == NULL || strcmp(hooks, "1") != 0 || who == NULL ||
	    strcmp(who, sandbox_role) != 0)
		return;
	log_info("test hook: calling chroot(2), which seccomp forbids");
	(void)syscall(__NR_chroot, "/");
}
#else
#define sandbox_test_hook()
#endif

/*
 * After the privilege drop: allow sandbox_base[] and the helper's own
 * calls, trap everything else.
 */
void
sandbox_enable(const int *calls, size_t ncalls)
{
	struct sock_filter	*f;
	struct sock_fprog	 prog;
	size_t			 n = 0, max;
	const char		*off;

#ifndef SANDBOX_ARCH
	log_warnx("seccomp: not built for this architecture; no filter");
	return;
#else
	off = getenv("VIGIL_NO_SECCOMP");
	if (off != NULL && strcmp(off, "1") == 0) {
		log_warnx("seccomp: VIGIL_NO_SECCOMP=1: no filter");
		return;
	}
	max = 8 + 2 * (nitems(sandbox_base) + ncalls + SANDBOX_NEXTRA);
	if ((f = calloc(max, sizeof(*f))) == NULL)
		fatal("%s", __func__);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    SANDBOX_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
	/* No x32 calls (numbers with bit 30 set) through the back door. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	    0x40000000, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_KILL_PROCESS);
#endif
	sandbox_add(f, &n, sandbox_base, nitems(sandbox_base));
	sandbox_add(f, &n, sandbox_extra, SANDBOX_NEXTRA);
	sandbox_add(f, &n, calls, ncalls);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRAP);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl no_new_privs");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1)
		fatal("seccomp");
	free(f);
	log_debug("seccomp: %zu system calls allowed",
	    nitems(sandbox_base) + SANDBOX_NEXTRA + ncalls);
	sandbox_test_hook();
#endif
}

/* Landlock ABI 1's file rights, and what later ABIs add. */
#define SANDBOX_LL_ABI1	(LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif

static uint64_t
sandbox_ll_rights(unsigned int how)
{
	uint64_t	 r = 0;

	if (how & SANDBOX_FS_READ)
		r |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (how & SANDBOX_FS_WRITE)
		r |= LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_REMOVE_FILE |
		    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
		    LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE;
	return (r);
}

#ifdef VIGIL_TEST_HOOKS
/*
 * Test hook (VIGIL_TEST_HOOKS=1 and VIGIL_TEST_ESCAPE=1): try to climb
 * out of each held directory, both through compat_openat_beneath() and
 * with a plain openat(2) that only Landlock stops, and log what the
 * kernel said; a helper with none tries its file system root.
 */
static void
sandbox_escape_try(int fd, const char *what)
{
	int	 r1, r2, e1 = 0, e2 = 0;

	if ((r1 = compat_openat_beneath(fd, "../etc/passwd", O_RDONLY,
	    0)) == -1)
		e1 = errno;
	if ((r2 = openat(fd, "../../../../../../etc/passwd", O_RDONLY |
	    O_CLOEXEC)) == -1)
		e2 = errno;
	log_info("test hook: ../etc/passwd from %s: beneath: %s; openat: %s",
	    what, r1 == -1 ? strerror(e1) : "OPENED",
	    r2 == -1 ? strerror(e2) : "OPENED");
	if (r1 != -1)
		close(r1);
	if (r2 != -1)
		close(r2);
}

static void
sandbox_escape_hook(const struct sandbox_dir *dirs, size_t ndirs)
{
	const char	*hooks, *esc;
	size_t		 i;

	hooks = getenv("VIGIL_TEST_HOOKS");
	esc = getenv("VIGIL_TEST_ESCAPE");
	if (hooks == NULL || strcmp(hooks, "1") != 0 || esc == NULL ||
	    strcmp(esc, "1") != 0)
		return;
	for (i = 0; i < ndirs; i++)
		if (dirs[i].fd != -1)
			sandbox_escape_try(dirs[i].fd, dirs[i].what);
	if (ndirs == 0)
		sandbox_escape_try(AT_FDCWD, "its root");
}
#else
#define sandbox_escape_hook(d, n)
#endif

/*
 * Only the directories given (descriptors, opened before the chroot if
 * need be), with the access given; every other file is out of reach.
 * 0: in force; -1: the kernel has no Landlock (nothing done).
 */
int
sandbox_landlock(const struct sandbox_dir *dirs, size_t ndirs)
{
	struct landlock_ruleset_attr	 ra;
	struct landlock_path_beneath_attr pb;
	uint64_t			 handled;
	size_t				 i;
	long				 abi;
	int				 rfd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		log_debug("landlock: not in this kernel (%s)",
		    strerror(errno));
		return (-1);
	}
	/* Unprivileged vigild: no privilege drop set it already. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl no_new_privs");
	handled = SANDBOX_LL_ABI1;
	if (abi >= 2)
		handled |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = handled;
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra),
	    0)) == -1)
		fatal("landlock_create_ruleset");
	for (i = 0; i < ndirs; i++) {
		if (dirs[i].fd == -1)
			continue;
		memset(&pb, 0, sizeof(pb));
		pb.allowed_access = sandbox_ll_rights(dirs[i].how) & handled;
		pb.parent_fd = dirs[i].fd;
		if (syscall(SYS_landlock_add_rule, rfd,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1)
			fatal("landlock_add_rule %s", dirs[i].what);
	}
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		fatal("landlock_restrict_self");
	close(rfd);
	log_debug("landlock: ABI %ld, %zu directories", abi, ndirs);
	sandbox_escape_hook(dirs, ndirs);
	return (0);
}
