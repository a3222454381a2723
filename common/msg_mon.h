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
 * Messages between the parent and the monitor (300..399).
 *
 * The parent tells the monitor about every live service process with
 * IMSG_MON_SVC.  Each process of each instance gets a fresh `key' from
 * the parent; everything the monitor reports carries that key, so a
 * report about a process that is already gone (a restart raced with a
 * check) is recognised as stale and dropped by the parent.  Host names
 * are resolved and ${...} expanded by the parent: the monitor is
 * chrooted to an empty directory and gets addresses only.
 *
 * The monitor is a reporter: it never decides to restart anything.  The
 * parent checks every message (exact size, NUL-terminated strings,
 * values in range) and kills a monitor that sends nonsense.
 */

#ifndef VIGIL_MSG_MON_H
#define VIGIL_MSG_MON_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "msg.h"

enum imsg_mon_type {
	/* parent -> monitor */
	IMSG_MON_NOTIFY_FD = IMSG_MON_BASE,	/* struct msg_mon_notify_fd and
						   fd: one user's sd_notify
						   socket */
	IMSG_MON_SVC,		/* struct msg_mon_svc: watch / update */
	IMSG_MON_SVC_DEL,	/* struct msg_mon_key: forget that process */
	IMSG_MON_WATCH,		/* struct msg_mon_watch: sample for a while */
	IMSG_MON_EXEC_RESULT,	/* struct msg_mon_exec_result */
	IMSG_MON_SVC_BRIEF,	/* struct msg_mon_svc_brief: watch / update
				   a process with no check and no tcp probe */

	/* monitor -> parent */
	IMSG_MON_HEALTH = IMSG_MON_BASE + 50,	/* struct msg_mon_health */
	IMSG_MON_READY,		/* struct msg_mon_key: ready: tcp connected */
	IMSG_MON_NOTIFY,	/* struct msg_mon_notify: from sd_notify */
	IMSG_MON_WATCHDOG,	/* struct msg_mon_watchdog: pings stopped */
	IMSG_MON_SAMPLE,	/* struct msg_mon_sample */
	IMSG_MON_SAMPLE_END,	/* no data: the end of one sampling pass */
	IMSG_MON_EXEC		/* struct msg_mon_key: run the exec check */
};

#define MON_ADDRMAX	4	/* addresses tried in order per target */
#define MON_HOSTMAX	256
#define MON_URIMAX	1024
#define MON_TEXTMAX	128	/* reasons, STATUS= text */
#define MON_CGROUPMAX	1024

/* One resolved address. */
struct mon_addr {
	struct sockaddr_storage	 ss;
	uint32_t		 len;
};

enum mon_check_type {
	MON_CHECK_NONE = 0,
	MON_CHECK_HTTP,
	MON_CHECK_TCP,
	MON_CHECK_EXEC,
	MON_CHECK_GRPC		/* grpc.health.v1 over cleartext HTTP/2 */
};

enum mon_ready_type {
	MON_READY_STARTED = 0,	/* nothing for the monitor to do */
	MON_READY_NOTIFY,
	MON_READY_HEALTHY,
	MON_READY_TCP
};

#define MON_SVC_STARTING	0x01	/* state STARTING (else RUNNING) */
#define MON_SVC_SAMPLE		0x02	/* has limits.memory: always sample */

struct msg_mon_svc {
	uint32_t	 key;
	uint32_t	 flags;			/* MON_SVC_* */
	char		 id[VIGIL_IDNAMEMAX];	/* for logs: "web:2" */
	int32_t		 pid;			/* main process */
	uint32_t	 uid;			/* its user (sd_notify) */
	uint64_t	 age_ms;		/* since it was spawned */
	char		 cgroup[MON_CGROUPMAX];	/* absolute path, or "" */

	/* health: */
	uint32_t	 check;			/* enum mon_check_type */
	uint32_t	 naddrs;		/* 0: see error */
	struct mon_addr	 addrs[MON_ADDRMAX];
	char		 host[MON_HOSTMAX];	/* HTTP Host:, gRPC :authority */
	char		 uri[MON_URIMAX];	/* HTTP request target */
	char		 target[MON_TEXTMAX];	/* for messages */
	char		 error[MON_TEXTMAX];	/* why naddrs is 0 */
	uint64_t	 interval_ms;
	uint64_t	 timeout_ms;
	uint64_t	 start_period_ms;
	uint32_t	 retries;
	char		 service[MON_HOSTMAX];	/* gRPC: service asked about */

	/* readiness: */
	uint32_t	 ready;			/* enum mon_ready_type */
	uint32_t	 nready_addrs;
	uint32_t	 pad2;
	struct mon_addr	 ready_addrs[MON_ADDRMAX];
	char		 ready_target[MON_TEXTMAX];
	char		 ready_error[MON_TEXTMAX];

	/* sd_notify watchdog, as last announced (kept across respawns) */
	uint64_t	 watchdog_usec;

	/*
	 * Names the monitor resolves (monitor_dns.c): the parent never
	 * does.  "" when addrs (ready_addrs) hold numeric addresses.
	 */
	char		 resolve[MON_HOSTMAX];
	char		 ready_resolve[MON_HOSTMAX];
	char		 resolve_port[8];
	char		 ready_resolve_port[8];
};

/*
 * IMSG_MON_SVC_BRIEF: a process without a health check or a tcp ready
 * probe, which is most of them.  The same as msg_mon_svc with check
 * MON_CHECK_NONE and no ready targets, at a quarter of the size: the
 * parent sends one per service at once when the monitor (re)starts and
 * when many services start together, and 1,000 full definitions (4 MB)
 * would stay in the parent's heap after the burst.
 */
struct msg_mon_svc_brief {
	uint32_t	 key;
	uint32_t	 flags;			/* MON_SVC_* */
	char		 id[VIGIL_IDNAMEMAX];
	int32_t		 pid;
	uint32_t	 ready;			/* STARTED or NOTIFY */
	uint32_t	 uid;
	uint32_t	 pad;
	uint64_t	 age_ms;
	uint64_t	 watchdog_usec;
	char		 cgroup[MON_CGROUPMAX];
};

struct msg_mon_key {
	uint32_t	 key;
};

struct msg_mon_notify_fd {
	uint32_t	 uid;		/* the only sender it hears */
};

struct msg_mon_watch {
	uint32_t	 seconds;		/* 1..3600 */
};

struct msg_mon_exec_result {
	uint32_t	 key;
	uint32_t	 ok;			/* 1: exit 0 */
	char		 reason[MON_TEXTMAX];
};

enum mon_health {
	MON_HEALTH_HEALTHY = 1,
	MON_HEALTH_UNHEALTHY
};

struct msg_mon_health {
	uint32_t	 key;
	uint32_t	 health;		/* enum mon_health */
	uint32_t	 failures;		/* in a row, when unhealthy */
	char		 reason[MON_TEXTMAX];
};

#define MON_NOTIFY_READY	0x01
#define MON_NOTIFY_STATUS	0x02
#define MON_NOTIFY_WATCHDOG	0x04	/* watchdog_usec is set (0: off) */
#define MON_NOTIFY_STOPPING	0x08
#define MON_NOTIFY_RELOADING	0x10
#define MON_NOTIFY_ALL		0x1f

struct msg_mon_notify {
	uint32_t	 key;
	uint32_t	 flags;			/* MON_NOTIFY_* */
	uint64_t	 watchdog_usec;
	char		 status[MON_TEXTMAX];
};

struct msg_mon_watchdog {
	uint32_t	 key;
	uint32_t	 pad;
	uint64_t	 usec;			/* the interval that passed */
};

#define MON_UNKNOWN	UINT32_MAX	/* nfds that could not be read */

struct msg_mon_sample {
	uint32_t	 key;
	uint32_t	 cpu_permille;		/* 1000: one core busy */
	uint32_t	 nprocs;
	uint32_t	 nfds;			/* or MON_UNKNOWN */
	uint64_t	 rss;			/* bytes, whole tree */
};

#endif /* VIGIL_MSG_MON_H */
