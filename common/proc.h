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
 * Helper processes: how the parent starts them and how each helper
 * (control, logger, monitor) sets itself up after the re-exec.
 */

#ifndef VIGIL_PROC_H
#define VIGIL_PROC_H

#include "imsg.h"
#include "msg.h"

#define PROC_PARENT_SOCK_FILENO	3	/* the channel to the parent */

/* What a helper is told on its command line by the parent. */
struct proc_opts {
	enum vigil_proc	 role;
	int		 debug;
	int		 verbose;
	const char	*user;		/* drop to this user; NULL: no drop */
	const char	*root;		/* chroot here; NULL: no chroot */
};

const char	*proc_name(enum vigil_proc);
int		 proc_byname(const char *, enum vigil_proc *);

/* common/privdrop.c: chroot, setgroups, setresgid, setresuid, no_new_privs */
void		 privdrop(const char *user, const char *root);

/*
 * common/proc_child.c: a helper's common start.  proc_child_init()
 * sets the title, logging and signal handling; proc_child_channel()
 * wires fd 3 to the parent and sends IMSG_HELLO.  EOF on the channel
 * ends the helper: the parent is gone.  Messages every helper shares
 * (IMSG_VERBOSE) are handled there; the helper's dispatch gets the rest
 * and returns 0, -1 for a malformed message (the helper then exits) or
 * PROC_IMSG_UNKNOWN for a type it does not serve (fatal).
 */
#define PROC_IMSG_UNKNOWN	1
void		 proc_child_init(const struct proc_opts *);
struct imsgev	*proc_child_channel(imsgev_dispatch_cb, void *data);
int		 proc_child_compose(uint32_t type, uint32_t peerid, int fd,
		    const void *data, size_t len);
void		 proc_child_on_parent_gone(void (*)(void));
void		 proc_child_on_exit(void (*)(void));

/* Entry points of the helpers, in their own folders. */
__dead void	 control_main(const struct proc_opts *);
__dead void	 logger_main(const struct proc_opts *);
__dead void	 monitor_main(const struct proc_opts *);

/* common/compat_linux.c; another system gets its own compat_*.c */
int		 compat_no_new_privs(void);
int		 compat_set_subreaper(void);
void		 compat_heap_release(void);
int		 compat_pipe_peek(int, int, int, unsigned char *);
int		 compat_pipe_setsize(int, int);
int		 compat_self_exe(char *);	/* PATH_MAX bytes */
pid_t		 compat_peer_pid(int);	/* of a unix socket; -1 */
void		 compat_proctitle_init(int, char **);
void		 compat_proctitle(const char *);
long		 compat_pid_max(void);		/* -1: unknown */
int		 compat_openat_beneath(int dirfd, const char *path, int flags,
		    mode_t mode);
int		 compat_dumpable_get(void);
void		 compat_dumpable_restore(int);
int		 compat_child_setids(int, const gid_t *, gid_t, int, uid_t);
void		 compat_child_closefrom(int);
int		 compat_child_setsid(void);
pid_t		 compat_child_getpid(void);
void		 compat_child_unblock(void);
int		 compat_child_execve(const char *, char *const [],
		    char *const []);
void		 compat_child_closefrom_dir(int);
int		 compat_rename_exchange(const char *, const char *);

#endif /* VIGIL_PROC_H */
