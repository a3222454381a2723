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
 * Services as the parent sees them: one struct svc per running instance
 * ("web" or "web:3"), grouped by configured service (struct svc_group).
 * The parent is the only process that spawns, signals and reaps them.
 */

#ifndef VIGIL_SVC_H
#define VIGIL_SVC_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <time.h>

#include <event.h>

#include "config.h"
#include "msg.h"

/* svc_exit.status of an adopted process: how it ended is not known. */
#define SVC_STATUS_UNKNOWN	(-2)

/* The supervisord states (vigild.conf(5), STATES). */
enum svc_state {
	SVC_STOPPED = 0,
	SVC_STARTING,
	SVC_RUNNING,
	SVC_BACKOFF,
	SVC_STOPPING,
	SVC_EXITED,
	SVC_FATAL,
	SVC_UNKNOWN
};

enum svc_health {
	SVC_HEALTH_NONE = 0,		/* no check configured */
	SVC_HEALTH_STARTING,
	SVC_HEALTH_HEALTHY,
	SVC_HEALTH_UNHEALTHY
};

#define SVC_HISTORY	10		/* exits remembered for `info` */
#define SVC_REASONMAX	128

struct svc_exit {
	time_t		 when;		/* wall clock */
	pid_t		 pid;
	int		 status;	/* wait(2) status; -1: spawn error */
	int		 spawn_errno;	/* exec failure, or 0 */
	uint64_t	 uptime_ms;
};

struct svc_group;
struct plog;
struct pstate_svc;
struct msg_log_attach;
struct addrinfo;

struct svc {
	TAILQ_ENTRY(svc)	 entry;		/* all instances, by id */
	RB_ENTRY(svc)		 byid;		/* svc_find() */
	RB_ENTRY(svc)		 bypid;		/* svc_find_pid(), if pid */
	RB_ENTRY(svc)		 bykick;	/* svc_kickq: may start now */
	int			 kick_prio;	/* its key there */
	int			 kickq;		/* in it */
	uint64_t		 seq;		/* creation order: equal ids */
	struct svc_group	*grp;
	char			*id;		/* name or name:N, at most
						   VIGIL_IDNAMEMAX with its NUL,
						   in the same allocation */
	unsigned int		 instance;
	int			 port;		/* -1: none */

	enum svc_state		 state;
	enum svc_health		 health;
	int			 want_up;	/* started by policy or user */
	pid_t			 pid;		/* 0: none */
	struct timespec		 start_mono;	/* of the current process */
	time_t			 start_wall;
	time_t			 stop_wall;	/* last exit, 0: never ran */
	int			 ever_started;
	unsigned int		 retries;	/* quick exits in a row */
	unsigned int		 restarts;	/* automatic restarts, total */
	uint64_t		 backoff_ms;	/* last delay used */
	uint64_t		*restart_ms;	/* restart_limit: restarts in
						   the window, a ring */
	unsigned int		 restart_cap;	/* grows up to the count */
	unsigned int		 restart_first;
	unsigned int		 restart_len;
	char			*reason;	/* BACKOFF/FATAL/EXITED: NULL
						   until one is first given,
						   then SVC_REASONMAX bytes */
	struct svc_exit		*history;	/* SVC_HISTORY of them, from
						   the first exit on */
	unsigned int		 nhistory;	/* total exits seen */
	int			 restart_after_stop;	/* user restart */
	int			 stop_after_deps;	/* stop once what
							   depends on it is
							   down */
	int			 forget_after_stop;	/* removed by reload */
	int			 give_up;	/* stopping to become FATAL */

	int			 out_rfd;	/* read end of stdout pipe, until
						   parent_logger.c takes it */
	int			 out_wfd;	/* its write end, kept */
	int			 err_wfd;
	int			 err_rfd;	/* the same for stderr, or -1 */
	int			 exec_rfd;	/* exec error pipe, if not read
						   at the spawn */
	struct event		*exec_ev;	/* ...its EOF or errno, soon;
						   NULL: not waited for */
	int			 exec_errno;	/* read at the spawn: exec's */
	int			 cgroup_killed;	/* cgroup.kill used on it */
	int			 cg_check;	/* svc_leftovers.c: its group
						   is to be checked */
	struct plog		*plog[2];	/* parent_logger.c: stdout and
						   stderr streams, or NULL */
	struct event		*timer;		/* start_seconds, backoff, stop:
						   NULL while none is armed (a
						   struct event is 128 bytes,
						   10,000 services) */
	int			 timer_kind;
	int			 adopted;	/* from a previous vigild, not
						   our child: pidfd_ev says
						   when it exits, not how */
	struct event		*pidfd_ev;	/* or NULL */
	int			 adopt_stopsig;	/* its stop signal and timeout
						   as recorded, 0: the conf's */
	pid_t			 starttime_pid;
	uint64_t		 adopt_stop_ms;
	uint64_t		 starttime;	/* of pid (/proc), for the state
						   file; 0: not read yet */
	char			*cgroup;	/* path, or NULL */
	char			*status_text;	/* sd_notify STATUS=: NULL
						   until one is sent, then
						   SVC_REASONMAX bytes */
	char			*health_reason;	/* of the last health report:
						   NULL until one comes */

	/* Resource samples of the whole tree, filled from the monitor. */
	uint32_t		 cpu_permille;	/* 1000 = one core busy */
	uint64_t		 rss;		/* bytes */
	uint32_t		 nprocs;
	uint32_t		 nfds;
	time_t			 sampled;	/* 0: never */
};
TAILQ_HEAD(svc_list, svc);

/* A loaded configuration, alive while a group still uses it. */
struct svc_confref {
	struct vigil_conf	*conf;
	unsigned int		 refs;
};

struct svc_group {
	TAILQ_ENTRY(svc_group)	 entry;
	RB_ENTRY(svc_group)	 byname;	/* svc_group_find(), unless
						   removed */
	struct config_svc	*conf;		/* belongs to ref->conf */
	struct svc_confref	*ref;
	int			 removed;	/* gone from the file: stopping,
						   then forgotten */
	int			*listen_fds;	/* `listen:` sockets, shared */
	size_t			 nlisten_fds;
	struct svc		**inst;
	unsigned int		 ninst;
	struct svc_group	**rdeps;	/* the groups that depend on
						   this one (svc_dependents) */
	size_t			 nrdeps;
	uint64_t		 rdeps_gen;
};
TAILQ_HEAD(svc_group_list, svc_group);

extern struct svc_list		svc_all;	/* sorted by id */
extern struct svc_group_list	svc_groups;

/*
 * svc_all and svc_groups are also indexed, for O(log N) lookups at 10,000
 * services: every instance by (id, seq) -- a removed group's instance
 * that is still stopping may share its id with a new one -- and every
 * group that is not removed by name (parent/svc_group.c).
 */
RB_HEAD(svc_idtree, svc);
int	svc_idcmp(struct svc *, struct svc *);
int	svc_namecmp(struct svc_group *, struct svc_group *);
RB_PROTOTYPE(svc_idtree, svc, byid, svc_idcmp);
RB_HEAD(svc_pidtree, svc);
int	svc_pidcmp(struct svc *, struct svc *);
RB_PROTOTYPE(svc_pidtree, svc, bypid, svc_pidcmp);
RB_HEAD(svc_nametree, svc_group);
RB_PROTOTYPE(svc_nametree, svc_group, byname, svc_namecmp);
extern struct svc_idtree	svc_byid;
/* Bumped by every state change that kicks (svc_shutdown_step). */
extern unsigned long		svc_kick_gen;
extern unsigned int		svc_ndep_groups;	/* 0: no depends_on:
							   no scan for them */
extern struct svc_nametree	svc_byname;

/* parent/svc.c: the state machine and restart policy */
struct svc_confref *svc_confref_new(struct vigil_conf *);
void		 svc_confref_release(struct svc_confref *);
void		 svc_init(struct svc_confref *);
void		 svc_free_all(void);
int		 svc_start(struct svc *);	/* user start; -1 + errno */
int		 svc_stop(struct svc *);	/* user stop */
int		 svc_restart(struct svc *);
int		 svc_signal(struct svc *, int);
int		 svc_reaped(pid_t, int);	/* 1: it was a service */
struct svc	*svc_find(const char *id);
struct svc	*svc_find_pid(pid_t);
void		 svc_set_pid(struct svc *, pid_t);	/* and the index */
struct svc_group *svc_group_find(const char *name);
const char	*svc_state_name(enum svc_state);
const char	*svc_health_name(enum svc_health);
uint64_t	 svc_uptime_ms(const struct svc *);
uint64_t	 svc_mono_ms(void);
int		 svc_alive(const struct svc *);		/* has a process */
const char	*svc_reason(const struct svc *);	/* "" if none */
const char	*svc_status_text(const struct svc *);	/* "" if none */
void		 svc_set_status_text(struct svc *, const char *);
const char	*svc_health_reason(const struct svc *);	/* "" unless
							   unhealthy */
struct svc_exit	*svc_last_exit(const struct svc *);	/* NULL if none */
void		 svc_set_health(struct svc *, enum svc_health, const char *);
void		 svc_set_ready(struct svc *);	/* readiness reported */
void		 svc_unhealthy_restart(struct svc *, const char *);
/* ...and for the other svc*.c files */
void		 svc_set_state(struct svc *, enum svc_state, const char *, ...);
void		 svc_timer_clear(struct svc *);
void		 svc_do_spawn(struct svc *);	/* now, or back off */

/* parent/svc_deps.c: dependency order */
int		 svc_deps_ready(struct svc *);	/* every dependency RUNNING */
int		 svc_depends_on(const struct svc *, const struct svc *);
int		 svc_dependents_up(const struct svc *);
int		 svc_stop_ordered(struct svc *);	/* after dependents */
void		 svc_want_deps(struct svc *, unsigned int depth);
struct svc	**svc_sorted(size_t *);		/* by priority, id; free it */
int		 svc_dep_failed(struct svc *);
int		 svc_has_live_dependent(struct svc *);

/* parent/svc_kick.c: the start queue */
void		 svc_kick_init(void);
void		 svc_kick(void);		/* start what may start now */
void		 svc_kickq_add(struct svc *);	/* s may start: look at it */
void		 svc_kickq_del(struct svc *);
void		 svc_start_all(void);	/* autostart, by priority/deps */

/* parent/svc_shutdown.c: start-up settling, stop all */
void		 svc_shutdown(void);		/* stop all, then exit */
void		 svc_shutdown_step(void);
int		 svc_stopping_all(void);
int		 svc_all_settled(void);
void		 svc_settle_forget(struct svc *);

/* A process of a previous vigild, proven to be this instance's. */
struct svc_adoption {
	pid_t		 pid;
	enum svc_state	 state;		/* STARTING, RUNNING or STOPPING */
	unsigned int	 restarts;
	enum svc_health	 health;
	int		 port;		/* PORT it was given, 0: none */
	int64_t		 start_ms;	/* wall clock */
	uint64_t	 starttime;
	int		 child;		/* ours still (an upgrade) */
	const char	*cgroup;	/* or NULL */
	int		 stop_signal;	/* as recorded */
	uint64_t	 stop_timeout_ms;
};
void		 svc_adopt(struct svc *, const struct svc_adoption *);

/*
 * Observers of transitions: control (--wait, events), monitor (which
 * services to watch).  Called after every state change.
 */
typedef void	(*svc_listener_cb)(struct svc *, enum svc_state old);
void		 svc_add_listener(svc_listener_cb);

/* parent/svc_group.c: groups, instances, reload support */
struct svc_group *svc_group_add(struct config_svc *, struct svc_confref *);
void		 svc_group_scale(struct svc_group *, unsigned int);
void		 svc_group_remove(struct svc_group *);	/* stop, forget */
void		 svc_group_replace_conf(struct svc_group *, struct config_svc *,
		    struct svc_confref *);
void		 svc_forget(struct svc *);
void		 svc_timer_free(struct svc *);
void		 svc_deps_changed(void);
struct svc_group **svc_dependents(struct svc_group *, size_t *);
unsigned int	 svc_nalive(void);	/* instances with a process */

/* parent/svc_spawn.c: start one instance */
int		 svc_spawn(struct svc *, char *, size_t);
void		 svc_spawn_close_pipes(struct svc *);
void		 svc_spawn_exec_result(struct svc *, int final);

/*
 * parent/svc_launch.c: "run this, as that user, here, with this
 * environment" -- a service's process and its exec check alike.
 */
#define SVC_DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
				"/usr/bin:/sbin:/bin"
struct svc_envbuf {
	char		**v;		/* NULL-terminated */
	size_t		  n;
	size_t		  cap;
};

struct svc_launch {
	char		**argv;		/* expanded */
	struct svc_envbuf env;
	char		 *listen_pid;	/* in env: the child writes its pid */
	char		 *dir;		/* expanded; NULL: / */
	mode_t		  umask;
	const struct config_limits *limits;
	int		  set_ids;	/* root, and user or group set */
	int		  set_uid;	/* user set */
	uid_t		  uid;
	gid_t		  gid;
	gid_t		 *groups;	/* initgroups; NULL: gid alone */
	int		  ngroups;
	/* Set by the caller. */
	int		  fd_in, fd_out, fd_err;
	const int	 *listen_fds;	/* become 3.. */
	int		  nlisten;
	const char	 *cgroup;	/* the child's group, or NULL */
	int		  cgroup_move;	/* the child moves itself into it */
};

void		 svc_launch_init(void);
void		 svc_expand_ctx(const struct svc *, struct config_expand_ctx *);
int		 svc_launch_prepare(struct svc *, int check,
		    struct svc_launch *, char *, size_t);
void		 svc_launch_prepare_self(struct svc_launch *, char * const *);
void		 svc_launch_free(struct svc_launch *);
pid_t		 svc_launch_start(const struct svc_launch *, int *);
int		 svc_launch_result(int, int final, int *);
void		 svc_env_set(struct svc_envbuf *, const char *, const char *);

/* parent/svc_listen.c */
int		 svc_listen_open(struct svc_group *, char *, size_t);
void		 svc_listen_close(struct svc_group *);
int		 svc_port_pick(struct svc *, char *, size_t);
int		 svc_bind_addrinfo(const char *, uint16_t, struct addrinfo **);

/* parent/svc_leftovers.c: what a reaped process left in its group */
void		 svc_leftovers_later(struct svc *);
void		 svc_leftovers_now(struct svc *);
void		 svc_leftovers_flush(void);

/* parent/svc_cgroup_linux.c */
int		 svc_cgroup_mount(char *, size_t);
int		 svc_cgroup_write(const char *, const char *, const char *);
int		 svc_cgroup_init(void);		/* 1 if usable */
int		 svc_cgroup_available(void);
const char	*svc_cgroup_base(void);	/* .../vigil/<instance id>, or "" */
void		 svc_cgroup_name(const char *id, char *, size_t);
char		*svc_cgroup_create(const char *id);
int		 svc_cgroup_enter(const char *path);	/* in the child */
pid_t		 svc_cgroup_fork(const char *path, int wait);
int		 svc_cgroup_kill(const char *path);
int		 svc_cgroup_populated(const char *path);
void		 svc_cgroup_remove(const char *path);
void		 svc_cgroup_fini(void);

/*
 * parent/svc_cgroup_sweep_linux.c: at start-up, after the services are
 * known and before any starts, svc_cgroup_sweep() goes through the groups
 * an earlier life of this instance left under svc_cgroup_base(): empty
 * ones are removed, populated ones are offered to the adoption hook, and
 * those it declines are stopped (stop_signal, stop_timeout, cgroup.kill),
 * logged.  The hook gets the configured instance the group belongs to
 * (NULL if the configuration no longer has one) and the group's path; it
 * returns 1 if it adopted what runs there (and then owns s->cgroup), 0 to
 * let the sweep stop it.  Set it before svc_init().
 */
typedef int	(*svc_cgroup_adopt_cb)(struct svc *, const char *path);
void		 svc_cgroup_set_adopt(svc_cgroup_adopt_cb);
void		 svc_cgroup_sweep(void);
int		 svc_cgroup_busy(const struct svc *);	/* old group stopping */

/* parent/svc_adopt_linux.c */
int		 svc_proc_identity(pid_t, uint64_t *, pid_t *);
int		 svc_proc_in_cgroup(pid_t, const char *);
int		 svc_pidfd_open(pid_t);
int		 svc_proc_getfds(pid_t, const uint64_t *, size_t, int *);

/* parent/parent_adopt.c */
void		 parent_adopt_load(void);	/* before svc_init */
void		 parent_adopt_apply(void);	/* after it */
void		 parent_adopt_unwatch(struct svc *);
uint64_t	 parent_adopt_fingerprint(const struct svc *);
int		 parent_adopt_leftovers(struct pstate_svc **, size_t *);

/* parent/parent_state.c */
void		 parent_state_init(void);
void		 parent_state_changed(void);
int		 parent_state_write(void);	/* now; -1: failed */
void		 parent_state_remove(void);

/* parent/parent_reload.c */
enum reload_mode {
	RELOAD_APPLY = 0,	/* reload, update, SIGHUP */
	RELOAD_DRYRUN,		/* reread */
	RELOAD_ADD,		/* add NAME */
	RELOAD_REMOVE		/* remove NAME */
};

struct reload_report {
	struct config_errors	 errs;		/* the file was refused */
	char			**lines;	/* one per change */
	size_t			 nlines;
	int			 found;		/* ADD/REMOVE: NAME matched */
	size_t			 changes;	/* lines that are changes */
	pid_t			*gone;		/* the processes it stops */
	size_t			 ngone;
};

void		 reload_report_init(struct reload_report *);
void		 reload_report_free(struct reload_report *);
/* parent/parent_reload_roll.c: a changed multi-instance service, one at a time */
void		 reload_roll_start(struct svc_group *);
int		 reload_roll_busy(const char *);	/* a roll of it goes on */
size_t		 reload_roll_count(void);
/*
 * SIGHUP, watch_config: a reload, queued behind any other and run in
 * slices of the event loop; its errors are logged.
 */
void		 parent_reload_queue(void);
size_t		 parent_reload_pending(void);	/* queued or loading */
void		 parent_reload_upgrade_done(void);	/* it failed */

/* parent/parent_logger.c: hand a new instance's output pipes over */
void		 parent_logger_attach(struct svc *);
void		 parent_logger_detach(struct svc *);
/* A stream handed over by an orphaned logger; s NULL: drain it only. */
void		 parent_logger_adopt(struct svc *, const struct msg_log_attach *,
		    int, int);

#endif /* VIGIL_SVC_H */
