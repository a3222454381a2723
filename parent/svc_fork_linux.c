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
 * Create a service's process the way posix_spawn(3) does: the child
 * shares the parent's memory and runs on a stack of its own until it
 * execs, while the parent waits (CLONE_VM | CLONE_VFORK).  A fork(2)
 * copies the page tables of the whole parent and then takes a
 * copy-on-write fault on every page either side writes; on virtual
 * machines where page faults trap to the hypervisor that is most of the
 * cost of a respawn.
 *
 * With a cgroup the child is also born in its group (CLONE_INTO_CGROUP,
 * clone3, Linux 5.7), which spares the write to cgroup.procs and the RCU
 * grace period a migration waits for.  glibc has no clone3 wrapper, and
 * a child on its own stack cannot return through syscall(2), so a few
 * lines of assembly start it on x86_64 and aarch64; elsewhere clone3 is
 * used without CLONE_VM (fork semantics), and without clone3 the child
 * moves itself into its group.
 *
 * The child function must only exec or _exit, must not return, and must
 * not write to memory the parent reads afterwards.  All signals are
 * blocked around the call, so no handler of the parent runs in the
 * child; the child resets its dispositions and its mask itself.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

/*
 * The child's frames never return (it execs), so under AddressSanitizer
 * their redzones stay poisoned in the shadow the two share, and the next
 * child, on the same stack, would trip on them: clear it after each.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SVC_FORK_ASAN
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SVC_FORK_ASAN)
#define SVC_FORK_ASAN
#endif
#ifdef SVC_FORK_ASAN
#include <sanitizer/asan_interface.h>
#define SVC_FORK_STACK_CLEAN(p, n)	__asan_unpoison_memory_region((p), (n))
#else
#define SVC_FORK_STACK_CLEAN(p, n)	do { } while (0)
#endif

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP	0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3		435
#endif

#define SVC_FORK_STACK		(256 * 1024)

static char	*svc_fork_stack;	/* lowest page is a guard page */
static int	 svc_fork_noclone3;	/* clone3 refused once: don't retry */

#if defined(__x86_64__) || defined(__aarch64__)
#define SVC_HAVE_CLONE3_VM
/*
 * long svc_clone3_vm(struct clone_args *, size_t, int (*)(void *), void *)
 * The raw system call result in the parent; the child calls fn(arg) on
 * the stack of the clone_args and exits with its result.
 */
long	svc_clone3_vm(struct clone_args *, size_t, int (*)(void *), void *);
#if defined(__x86_64__)
__asm__(
	".text\n"
	".p2align 4\n"
	".type svc_clone3_vm, @function\n"
	"svc_clone3_vm:\n"
	"	movq	%rdx, %r8\n"		/* fn, kept by the child */
	"	movq	%rcx, %r9\n"		/* arg */
	"	movl	$435, %eax\n"		/* SYS_clone3 */
	"	syscall\n"
	"	testq	%rax, %rax\n"
	"	jnz	1f\n"
	"	xorl	%ebp, %ebp\n"		/* the child: outermost frame */
	"	movq	%r9, %rdi\n"
	"	callq	*%r8\n"
	"	movl	%eax, %edi\n"
	"	movl	$60, %eax\n"		/* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size svc_clone3_vm, .-svc_clone3_vm\n");
#else
__asm__(
	".text\n"
	".p2align 2\n"
	".type svc_clone3_vm, %function\n"
	"svc_clone3_vm:\n"
	"	mov	x4, x2\n"		/* fn */
	"	mov	x5, x3\n"		/* arg */
	"	mov	x8, #435\n"		/* SYS_clone3 */
	"	svc	#0\n"
	"	cbnz	x0, 1f\n"
	"	mov	x29, xzr\n"		/* the child: outermost frame */
	"	mov	x30, xzr\n"
	"	mov	x0, x5\n"
	"	blr	x4\n"
	"	mov	x8, #93\n"		/* SYS_exit */
	"	svc	#0\n"
	"	brk	#0\n"
	"1:	ret\n"
	".size svc_clone3_vm, .-svc_clone3_vm\n");
#endif
#endif

static int
svc_fork_stack_init(void)
{
	long	 pg = sysconf(_SC_PAGESIZE);

	if (svc_fork_stack != NULL)
		return (0);
	svc_fork_stack = mmap(NULL, SVC_FORK_STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (svc_fork_stack == MAP_FAILED) {
		svc_fork_stack = NULL;
		return (-1);
	}
	if (pg > 0)
		(void)mprotect(svc_fork_stack, (size_t)pg, PROT_NONE);
	return (0);
}

/* clone3 into the group; -1 with errno if it could not be done. */
static pid_t
svc_fork_clone3(int cgfd, int (*fn)(void *), void *arg)
{
	struct clone_args	 ca;
	long			 r;

	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (unsigned int)cgfd;
#ifdef SVC_HAVE_CLONE3_VM
	ca.flags = CLONE_VM | CLONE_VFORK | CLONE_INTO_CGROUP;
	ca.stack = (unsigned long)svc_fork_stack;
	ca.stack_size = SVC_FORK_STACK;
	r = svc_clone3_vm(&ca, sizeof(ca), fn, arg);
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return (-1);
	}
	return ((pid_t)r);
#else
	ca.flags = CLONE_INTO_CGROUP;
	if ((r = syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
		_exit(fn(arg));
	return ((pid_t)r);
#endif
}

pid_t
svc_fork(const char *cgroup, int *entered, int (*fn)(void *), void *arg)
{
	sigset_t	 all, old;
	pid_t		 pid = -1;
	int		 cgfd = -1, dumpable, saved;

	*entered = 0;
	if (svc_fork_stack_init() == -1)
		return (-1);
	/* A change of ids in the child makes the shared mm undumpable. */
	dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);

	if (cgroup != NULL && !svc_fork_noclone3 &&
	    (cgfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		*entered = 1;
		if ((pid = svc_fork_clone3(cgfd, fn, arg)) == -1) {
			saved = errno;
			*entered = 0;
			log_debug("clone3 into %s: %s; moving the child "
			    "instead", cgroup, strerror(saved));
			if (saved == ENOSYS || saved == EPERM ||
			    saved == E2BIG || saved == EINVAL)
				svc_fork_noclone3 = 1;
		}
	}
	if (pid == -1)
		pid = clone(fn, svc_fork_stack + SVC_FORK_STACK,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
	saved = errno;
	SVC_FORK_STACK_CLEAN(svc_fork_stack, SVC_FORK_STACK);

	if (cgfd != -1)
		close(cgfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (dumpable > 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != dumpable)
		(void)prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	errno = saved;
	return (pid);
}
