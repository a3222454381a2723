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
 * vigild: monitor -- what its files share.
 *
 * The monitor runs unprivileged and chrooted to an empty directory.  It
 * keeps one struct mon_svc per live service process the parent told it
 * about, runs that process's health check and readiness probe, watches
 * its sd_notify messages and samples its resources.  It only reports:
 * the parent decides.
 */

#ifndef VIGIL_MONITOR_H
#define VIGIL_MONITOR_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>

#include <event.h>

#include "msg_mon.h"

#define MON_SAMPLE_MS		2000	/* resource sampling interval */
#define MON_SAMPLE_FIRST_MS	250	/* second sample after a start */
#define MON_READY_RETRY_MS	200	/* ready: tcp:// connect retries */
#define MON_FIRST_CHECK_MS	1000	/* cap on the delay of a first check */
#define MON_DNS_TTL_MS		60000	/* a resolved name, asked again after */

struct mon_probe;
struct mon_cpu_hist;

/*
 * The health check and the ready: tcp:// probe of one process, as
 * defined and as running.  Most services have neither: this exists only
 * for a process with a check or that probe (monitor_check.c).
 */
struct mon_check {
	/* health, as defined */
	uint32_t		 type;		/* enum mon_check_type */
	uint32_t		 naddrs;	/* 0: see error */
	struct mon_addr		 addrs[MON_ADDRMAX];
	char			 host[MON_HOSTMAX];
	char			 uri[MON_URIMAX];
	char			 service[MON_HOSTMAX];	/* grpc */
	char			 target[MON_TEXTMAX];
	char			 error[MON_TEXTMAX];
	uint64_t		 interval_ms;
	uint64_t		 timeout_ms;
	uint64_t		 start_period_ms;
	uint32_t		 retries;

	/* ready: tcp://, as defined */
	int			 ready_tcp;
	uint32_t		 nready_addrs;
	struct mon_addr		 ready_addrs[MON_ADDRMAX];
	char			 ready_target[MON_TEXTMAX];
	char			 ready_error[MON_TEXTMAX];

	/* names to resolve (monitor_dns.c), and what they gave */
	char			 resolve[MON_HOSTMAX];
	char			 resolve_port[8];
	struct mon_addr		 raddrs[MON_ADDRMAX];
	uint32_t		 nraddrs;
	uint64_t		 resolved_ms;	/* 0: not yet */
	struct mon_dns_req	*dns;
	char			 ready_resolve[MON_HOSTMAX];
	char			 ready_resolve_port[8];
	struct mon_addr		 ready_raddrs[MON_ADDRMAX];
	uint32_t		 nready_raddrs;
	uint64_t		 ready_resolved_ms;
	struct mon_dns_req	*rdns;

	/* health, running */
	struct event		 check_ev;
	struct mon_probe	*probe;		/* check in flight */
	int			 exec_wait;	/* exec check asked of parent */
	int			 health;	/* 0 or enum mon_health */
	int			 passed;	/* passed at least once */
	unsigned int		 failures;	/* consecutive */

	/* ready: tcp://, running */
	struct event		 ready_ev;
	struct mon_probe	*rprobe;
	int			 ready_done;
};

/*
 * One service process.  Only what every process needs is kept here, not
 * the ~4 KiB definition it came in (struct msg_mon_svc).
 */
struct mon_svc {
	TAILQ_ENTRY(mon_svc)	 entry;
	RB_ENTRY(mon_svc)	 bykey;		/* mon_svc_find() */
	RB_ENTRY(mon_svc)	 bypid;		/* mon_svc_find_pid() */
	RB_ENTRY(mon_svc)	 bycg;		/* mon_svc_find_cgroup() */
	uint32_t		 key;
	uint32_t		 flags;		/* MON_SVC_* */
	char			*id;		/* for logs */
	pid_t			 pid;		/* main process */
	uid_t			 uid;		/* its user */
	uint32_t		 ready;		/* enum mon_ready_type */
	uint64_t		 start_ms;	/* monotonic, of the process */
	/*
	 * The cgroup, NULL if none: its directory, shared by every service
	 * in it, and its last part (often the id, then not copied); both
	 * together by mon_svc_cgroup().
	 */
	struct mon_cgdir	*cg_dir;
	char			*cg_leaf;
	struct mon_check	*chk;		/* NULL: no check, no probe */

	/* sd_notify watchdog */
	struct event		*wd_ev;		/* NULL until first armed */
	uint64_t		 wd_usec;

	/* sampling */
	uint64_t		 cpu_last;	/* usec of CPU, last sample */
	uint64_t		 cpu_last_ms;	/* when */
	int			 cpu_valid;	/* cpu_last is a baseline */
	int			 cpu_cgroup;	/* it came from cpu.stat */
	struct mon_cpu_hist	*hist;		/* per-process ticks (no
						   cgroup) */
	size_t			 nhist;
};
TAILQ_HEAD(mon_svc_list, mon_svc);

extern struct mon_svc_list	mon_svcs;

/* monitor/monitor.c */
uint64_t	 mon_now_ms(void);
/* ms's cgroup as an absolute path in buf (PATH_MAX), or NULL if none. */
const char	*mon_svc_cgroup(const struct mon_svc *, char *, size_t);
int		 mon_send(uint32_t, const void *, size_t);
struct mon_svc	*mon_svc_find(uint32_t);
/* The service whose main process is pid (the lowest key if several). */
struct mon_svc	*mon_svc_find_pid(pid_t);
/*
 * The service whose cgroup holds a process in cgroup rel (relative to
 * the cgroup2 mount, as /proc/PID/cgroup gives it): the deepest one.
 */
struct mon_svc	*mon_svc_find_cgroup(const char *);
void		 mon_timer_add(struct event *, uint64_t);
void		 mon_join(char *, size_t, const char *, const char *);

/* monitor/monitor_check.c: health checks and ready: tcp:// */
void		 mon_check_start(struct mon_svc *, const struct msg_mon_svc *);
void		 mon_check_update(struct mon_svc *,
		    const struct msg_mon_svc *);
void		 mon_check_stop(struct mon_svc *);
void		 mon_check_exec_result(struct mon_svc *,
		    const struct msg_mon_exec_result *);

/* monitor/monitor_probe.c: non-blocking connect, HTTP/1.0 GET */
typedef void	(*mon_probe_cb)(struct mon_svc *, int ok, const char *why);
struct mon_probe *mon_probe_start(struct mon_svc *, const struct mon_addr *,
		    unsigned int, const char *host, const char *uri,
		    uint64_t timeout_ms, mon_probe_cb);
struct mon_probe *mon_probe_start_grpc(struct mon_svc *,
		    const struct mon_addr *, unsigned int,
		    const char *authority, const char *service,
		    uint64_t timeout_ms, mon_probe_cb);
void		 mon_probe_cancel(struct mon_probe *);

/*
 * monitor/monitor_grpc.c: one grpc.health.v1 Check over cleartext
 * HTTP/2 (libnghttp2) on a connected socket; monitor_probe.c connects,
 * waits for the events asked and keeps the deadline.
 */
#define GRPC_IO_MORE		0	/* wait for *events, call again */
#define GRPC_IO_DONE		1	/* *ok and why are the result */
struct mon_grpc;
struct mon_grpc	*mon_grpc_new(const char *authority, const char *service);
void		 mon_grpc_free(struct mon_grpc *);
int		 mon_grpc_io(struct mon_grpc *, int fd, short *events,
		    int *ok, char *why, size_t);
const char	*mon_grpc_stage(const struct mon_grpc *);

/* monitor/monitor_grpc_msg.c: the messages, by hand (fuzzed) */
#define GRPC_PREFIX_LEN		5	/* flag, 32-bit length */
#define GRPC_MSG_MAX		4096	/* a response message */
#define GRPC_SERVICE_MAX	(MON_HOSTMAX - 1)
#define GRPC_REQ_MAX		(GRPC_PREFIX_LEN + 3 + GRPC_SERVICE_MAX)
#define GRPC_DECODE_ERROR	-1
#define GRPC_DECODE_MORE	0
#define GRPC_DECODE_DONE	1
enum grpc_health {
	GRPC_HEALTH_UNKNOWN = 0,
	GRPC_HEALTH_SERVING,
	GRPC_HEALTH_NOT_SERVING,
	GRPC_HEALTH_SERVICE_UNKNOWN
};
int		 grpc_decode_response(const uint8_t *, size_t, int *status,
		    size_t *used, const char **);
ssize_t		 grpc_encode_request(const char *, uint8_t *, size_t);
int		 grpc_parse_status(const char *, size_t, int *);
void		 grpc_text(const char *, size_t, char *, size_t);
const char	*grpc_health_name(int);
const char	*grpc_code_name(int);

/* monitor/monitor_http.c: the HTTP response head parser (fuzzed) */
#define HTTP_RESP_MAX		8192	/* status line and headers */
#define HTTP_PARSE_ERROR	-1
#define HTTP_PARSE_MORE		0
#define HTTP_PARSE_DONE		1
int		 http_parse_response(const char *, size_t, int *,
		    const char **);

/* monitor/monitor_notify.c: sd_notify datagrams */
void		 mon_notify_setfd(int, uid_t);
void		 mon_notify_stop(struct mon_svc *);
void		 mon_notify_start(struct mon_svc *);
/* Parse one datagram; the fields set are returned in *flags. */
int		 mon_notify_parse(const char *, size_t, struct msg_mon_notify *,
		    int *trigger);

/*
 * monitor/monitor_sample.c: resources.  mon_sample_count(ms, +1 or -1)
 * follows the services that ask to be sampled (MON_SVC_SAMPLE): when ms
 * is added, removed, and around a change of its flags.
 */
void		 mon_sample_count(const struct mon_svc *, int);
void		 mon_sample_watch(uint32_t);
void		 mon_sample_update(void);
void		 mon_sample_forget(struct mon_svc *);

/* monitor/monitor_proc_linux.c: /proc and cgroup, opened before chroot */
struct mon_proc {
	pid_t		 pid;
	pid_t		 ppid;
	pid_t		 session;
	uint64_t	 ticks;		/* utime + stime */
	uint64_t	 start;		/* starttime, ticks since boot */
	uint64_t	 rss;		/* bytes */
	uint32_t	 mark;		/* a member of service `mark' of the
					   pass (struct mon_index) */
};

struct mon_snap {
	struct mon_proc	*v;		/* sorted by pid */
	size_t		 n;
};

void		 mon_proc_preinit(void);
int		 mon_proc_dirfd(void);
int		 mon_cgroup_dirfd(void);
long		 mon_proc_hz(void);
int		 mon_proc_snapshot(struct mon_snap *);
void		 mon_proc_snap_free(struct mon_snap *);

/*
 * monitor/monitor_snap.c: a snapshot indexed once per sampling pass,
 * and the members of each service's tree in it (mon_members_*(): how
 * many; their indexes into snap->v in members[], sorted by pid).
 */
struct mon_index {
	struct mon_snap	*snap;
	uint32_t	*byppid;	/* indexes sorted by ppid, pid */
	uint32_t	*bysession;	/* indexes sorted by session, pid */
	uint32_t	*members;	/* of the last service asked */
	uint32_t	 stamp;		/* its mark */
};
struct mon_proc	*mon_proc_find(struct mon_snap *, pid_t);
void		 mon_index_init(struct mon_index *, struct mon_snap *);
void		 mon_index_free(struct mon_index *);
size_t		 mon_members_cgroup(struct mon_index *, const pid_t *,
		    size_t);
size_t		 mon_members_tree(struct mon_index *, pid_t);
/* Members of a cgroup: pids into *pids (malloc'd); -1 if unreadable. */
int		 mon_proc_cgroup_pids(const char *, pid_t **, size_t *);
/* usage_usec of a cgroup's cpu.stat; -1 if unreadable. */
int		 mon_proc_cgroup_cpu(const char *, uint64_t *);
uint32_t	 mon_proc_nfds(pid_t);
/* The cgroup2 mount point, or NULL if there is none. */
const char	*mon_proc_cgroup_root(void);
/*
 * Who sent an sd_notify message: its ancestors, session and cgroup,
 * read once (-1: the process is gone).
 */
#define MON_ANCESTORS	32
struct mon_sender {
	pid_t		 anc[MON_ANCESTORS];	/* pid, parent, ... */
	unsigned int	 nanc;
	pid_t		 session;
	pid_t		 pgrp;
	char		 cgroup[MON_CGROUPMAX];	/* relative, or "" */
};
int		 mon_proc_sender(pid_t, struct mon_sender *);

/* monitor/monitor_dns.c: names resolved with evdns */
struct event_base;
struct mon_dns_req;
typedef void	 (*mon_dns_cb)(void *, const struct mon_addr *, unsigned int,
		    const char *);
void		 mon_dns_init(struct event_base *);
struct mon_dns_req *mon_dns_resolve(const char *, const char *, mon_dns_cb,
		    void *);
void		 mon_dns_cancel(struct mon_dns_req *);

/* monitor/monitor_notify_linux.c: recvmsg with the sender's pid */
ssize_t		 mon_notify_recv(int, char *, size_t, pid_t *, uid_t *);
int		 mon_notify_prepare(int);

#endif /* VIGIL_MONITOR_H */
