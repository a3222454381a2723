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

/* The privileged parent: what its files share. */

#ifndef VIGIL_PARENT_H
#define VIGIL_PARENT_H

#include <sys/types.h>

#include <limits.h>

#include "config.h"
#include "imsg.h"
#include "msg.h"

struct svc_confref;

struct parent_env {
	struct vigil_conf	*conf;		/* == confref->conf */
	struct svc_confref	*confref;
	const char		*conf_path;
	const char		*pidfile;
	const char		*sock_override;	/* -s */
	char			*log_dir;	/* fixed at start: a reload */
	char			*socket_path;	/* cannot move them */
	int			 debug;
	int			 verbose;
	char			 self[PATH_MAX];	/* vigild, for re-exec */
	int			 is_root;
	const char		*helper_user;	/* NULL: not root, no drop */
	char			 empty_dir[PATH_MAX];	/* chroot of control,
							   monitor */
	int			 shutting_down;
	int			 notify_fd;	/* NOTIFY_SOCKET of our own
						   supervisor, or -1 */
};

extern struct parent_env	*penv;

/* parent/parent_instance.c: this instance's id, kept in state_dir */
int	parent_instance_init(void);	/* at start-up; -1: logged why */
const char *parent_instance_id(void);

/* parent/parent_conf.c */
int	parent_conf_check(struct vigil_conf *, struct config_errors *);
void	parent_conf_dns_init(void);	/* parent_conf_dns.c: -n as root */
int	parent_conf_dns_end(const char *);
int	parent_limits_check(struct vigil_conf *);	/* parent_limits.c */

/* parent/parent.c */
void	parent_shutdown_done(void);
/*
 * Work that comes in bulk (starting, stopping, reaping 10,000 services)
 * goes in slices that share one budget per turn of the event loop: do at
 * least one piece, then go on only while parent_turn_busy() is 0, and
 * leave the rest to the next turn.
 */
#define PARENT_TURN_SLICE_MS	20
int	parent_turn_busy(void);
unsigned long parent_turn_id(void);
/*
 * A slice that signals or reaps many children holds SIGCHLD (nested):
 * the exits it causes are one signal when it ends, not one each.
 */
void	parent_sigchld_hold(void);
void	parent_sigchld_release(void);
void	parent_pidfile_close(void);
void	parent_sd_notify(const char *);

/* parent_watch.c: watch: and watch_config: restart or reload on change */
void	parent_watch_apply(void);
void	pwatch_event(int, const char *, int, int);
void	pwatch_gone(int);
/* parent_watch_linux.c: the kernel's side */
int	pwatch_os_init(void);
int	pwatch_os_add(int, const char *, int);
void	pwatch_os_rm(int, int);
void	pwatch_os_read(int);

/* parent/parent_proc.c: the three helpers */
void	parent_proc_init(void);
void	parent_proc_start_all(void);
int	parent_proc_reaped(pid_t, int);
int	parent_proc_send(enum vigil_proc, uint32_t, uint32_t, int,
	    const void *, size_t);
int	parent_proc_ready(enum vigil_proc);
pid_t	parent_proc_pid(enum vigil_proc);
void	parent_proc_stop_all(void);
void	parent_proc_verbose(int);
void	parent_proc_restart(enum vigil_proc);	/* kill; it is respawned */
int	parent_proc_flush(enum vigil_proc);

/*
 * Per-helper glue: what the parent prepares for each helper while still
 * root (called once in main, before the helpers start), and what it does
 * with what each helper sends.
 */
void	parent_control_init(void);
void	parent_logger_init(void);
void	parent_monitor_init(void);
int	parent_control_dispatch(struct imsgev *, struct imsg *);
void	parent_control_ready(void);
void	parent_control_shutdown(void);	/* at exit: remove the socket */
int	parent_logger_dispatch(struct imsgev *, struct imsg *);
void	parent_logger_ready(void);
void	parent_logger_reopen(void);
void	parent_logger_shutdown(void);
int	parent_control_listen_fd(void);
void	parent_control_flush(void);
size_t	parent_control_busy(uint32_t, size_t *);	/* for an upgrade */
size_t	parent_control_upgrading(uint32_t);	/* last answers before exec */

/* parent/parent_upgrade.c: vigilctl upgrade */
int	parent_upgrade_check(const char *);	/* vigild -n -X */
int	parent_upgrade_reaped(pid_t, int);	/* 1: the check's child */
void	parent_upgrade_logger_ready(void);
int	parent_upgrade_busy(void);	/* from request to exec */
void	parent_upgrade_recheck(void);	/* something it waits for ended */
int	parent_monitor_dispatch(struct imsgev *, struct imsg *);
void	parent_monitor_ready(void);
void	parent_monitor_shutdown(void);
/* parent/parent_monitor_notify.c: a NOTIFY_SOCKET per services' user */
struct config_svc;
void	parent_monitor_notify_access(void);
const char *parent_monitor_notify_path(const struct config_svc *);
void	parent_monitor_notify_ready(void);
void	parent_monitor_notify_shutdown(void);
/* Resource figures wanted: sample every service for that long. */
int	parent_monitor_watch(unsigned int seconds);
/* Called after every sampling pass of the monitor. */
void	parent_monitor_add_sample_listener(void (*)(void));
/* Host-dependent checks at load and reload (limits.cpu); -1: errors. */
int	parent_monitor_check_conf(struct vigil_conf *, struct config_errors *);
void	parent_monitor_exec_done(uint32_t, int, const char *);
/* parent/parent_monitor_linux.c */
int	parent_monitor_notify_socket(const char *, uid_t);
const char *parent_monitor_cpu_unavailable(void);
void	parent_monitor_cpu_apply(const char *, unsigned int, const char *);

/* parent/parent_exec_check.c: health exec checks, as the service's user */
struct svc;
int	parent_exec_check_start(struct svc *, uint32_t, char *, size_t);
int	parent_exec_check_reaped(pid_t, int);	/* 1: it was one */
void	parent_exec_check_cancel(uint32_t);

#endif /* VIGIL_PARENT_H */
