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
 * The control protocol (messages 100..199): vigilctl <-> control <-> parent.
 *
 * Framing is common/imsg.h on both legs: over the control socket between
 * vigilctl and `vigild: control` (frames of at most CTL_MSGMAX bytes, no
 * fd passing), and over the helper channel between control and the
 * parent.  Every message is one fixed struct below, received with
 * imsg_get_data() at its exact size; every char array is checked for its
 * NUL (MSG_STR_OK) before use.
 *
 * A conversation (one connection may hold several, one after the other):
 *
 *	client				control			parent
 *	HELLO ------------------------>	(answers at once)
 *	     <------------------------- HELLO
 *	TARGET (0..CTL_MAXTARGETS) --->	checks, forwards ----->	collects
 *	REQUEST ---------------------->	adds peer uid/gid/pid->	authorizes,
 *								logs, acts
 *	     <------------------------- forwards by peerid <--	answer...
 *	     <------------------------- forwards by peerid <--	END
 *
 * The client may send HELLO, TARGETs and REQUEST back to back: one round
 * trip.  HELLO carries CTL_PROTO_VERSION; on a mismatch control answers
 * with its own HELLO and closes, and vigilctl says "vigilctl and vigild
 * versions differ".  struct ctl_hello and IMSG_CTL_HELLO never change.
 *
 * Control gives each connection a peer id and stamps it into hdr.peerid
 * of what it forwards; the parent answers with the same peer id and
 * control routes the answer back.  Control forwards to the client every
 * parent message whose type lies in IMSG_CTL_END..IMSG_CTL_ANSWER_LAST,
 * without looking inside: a new answer type needs no change in control.
 * An answer is any number of messages, then exactly one IMSG_CTL_END;
 * until END the client may not send anything (a message then is a
 * protocol error and closes that client only).  A long-lived stream
 * (tail -f, logs -f) simply sends no END: it lasts until the
 * client goes away.  When a client goes away (EOF, error, garbage, too
 * slow), control sends IMSG_CTL_CLOSE with its peer id, and the parent
 * drops whatever it keeps for it (pending targets, --wait waiters,
 * follow streams).  A client that does not read is dropped when its
 * write queue passes CTL_CLIENT_QUEUEMAX bytes.
 *
 * How to add a command: HACKING.md, "Adding a control command".
 */

#ifndef VIGIL_MSG_CTL_H
#define VIGIL_MSG_CTL_H

#include <stdint.h>

#include "msg.h"

/*
 * Bump when anything a client sees changes (types, structs, commands).
 * 3: IMSG_CTL_STATUS carries compact records (common/ctl_status.h).
 * VIGIL_IMSG_VERSION (parent <-> helpers) stayed: control passes the
 * records on unread, and a control of one version beside a parent of the
 * other (the binary replaced, then control respawned) must still come up
 * to take `vigilctl upgrade'; its clients' status is then refused by the
 * strict decoder ("malformed answer"), never misread.
 */
#define CTL_PROTO_VERSION	3

#define CTL_MSGMAX		4096	/* frame limit on the control socket */
#define CTL_VERSIONMAX		32
#define CTL_TARGETMAX		128	/* "name", "name:N", "name:*", glob */
#define CTL_MAXTARGETS		256	/* TARGETs per request */
#define CTL_ARGMAX		64
#define CTL_TEXTMAX		1024	/* LINE text, KV value */
#define CTL_KEYMAX		32
#define CTL_STATEMAX		16
#define CTL_PORTSMAX		64
#define CTL_REASONMAX		128
#define CTL_ENDMSGMAX		256
#define CTL_RESULTMAX		256
#define CTL_TIMEOUT_MAX_MS	(7U * 24 * 3600 * 1000)	/* --timeout bound */
#define CTL_INFO_MAX		32	/* instances one `info` describes */

#define CTL_MAXCLIENTS		256	/* connections control serves */
#define CTL_MAXCLIENTS_USER	32	/* of them, per uid but root's */
#define CTL_HELLO_SEC		10	/* a new client's HELLO, at the latest */
#define CTL_IDLE_SEC		60	/* a client with no request in flight */
#define CTL_PRIVUIDS_MAX	64
/*
 * IMSG_CTL_SOCKET: who may always connect.  Of the clients control
 * serves (CTL_MAXCLIENTS, fewer with a low descriptor limit), an eighth
 * is kept for root, the daemon's own uid, socket.group (primary gid)
 * and the group's members listed here, so that no other user can lock
 * them out.
 */
struct ctl_socket_setup {
	uint32_t	 has_gid;
	uint32_t	 gid;
	uint32_t	 nuids;
	uint32_t	 uids[CTL_PRIVUIDS_MAX];
};
/*
 * Answers a client has not read yet: above this it is dropped.  Must
 * hold the largest answer (status of 10,000 services: about 0.5 MB), because
 * the parent sends an answer at once and control passes it on as fast
 * as it comes.
 */
#define CTL_CLIENT_QUEUEMAX	(16 * 1024 * 1024)

enum ctl_imsg_type {
	/* client <-> control, never forwarded */
	IMSG_CTL_HELLO = IMSG_CTL_BASE,	/* struct ctl_hello, both ways */

	/* client -> control -> parent */
	IMSG_CTL_TARGET,		/* struct ctl_target */
	IMSG_CTL_REQUEST,		/* struct ctl_request, ends a request */

	/* control <-> parent only */
	IMSG_CTL_CLOSE,			/* control -> parent: hdr.peerid went
					   away; no data */
	IMSG_CTL_SOCKET,		/* parent -> control: the listening
					   socket as the fd, struct
					   ctl_socket_setup */
	IMSG_CTL_HTTP,			/* parent -> control: the HTTP API's
					   listening socket as the fd, struct
					   ctl_http_setup */
	IMSG_CTL_HTTPREQ,		/* control -> parent: a REQUEST from
					   the HTTP API, struct ctl_httpreq */
	IMSG_CTL_EVENT,			/* parent -> control: struct ctl_event,
					   for the API's event stream */

	/* answers: parent -> control -> client, routed by hdr.peerid */
	IMSG_CTL_END = IMSG_CTL_BASE + 20,	/* struct ctl_end, last */
	IMSG_CTL_STATUS,		/* struct ctl_status records, packed
					   (common/ctl_status.h): one or
					   more instances */
	IMSG_CTL_RESULT,		/* struct ctl_result, one target */
	IMSG_CTL_LINE,			/* struct ctl_line, a line of text */
	IMSG_CTL_KV,			/* struct ctl_kv, info: key = value */
	IMSG_CTL_EXIT,			/* struct ctl_exit, info: history */
	IMSG_CTL_LOGDATA,		/* struct ctl_logdata: tail, logs */
	/* next free answer type: IMSG_CTL_BASE + 27 */
	IMSG_CTL_ANSWER_LAST = IMSG_CTL_BASE + 59
	/* IMSG_CTL_BASE + 60 .. IMSG_CTL_LAST: free */
};

/* struct ctl_request.cmd; numbers are part of the protocol. */
enum ctl_cmd {
	CTL_CMD_NONE = 0,
	CTL_CMD_STATUS,			/* [-l] targets (none: all) */
	CTL_CMD_START,			/* targets; WAIT */
	CTL_CMD_STOP,			/* targets; WAIT */
	CTL_CMD_RESTART,		/* targets; WAIT, ROLLING */
	CTL_CMD_SIGNAL,			/* targets; signo (0: reload_signal) */
	CTL_CMD_PID,			/* [targets]; none: END daemon_pid */
	CTL_CMD_RELOAD,			/* LINEs, END */
	CTL_CMD_REREAD,			/* LINEs, END */
	CTL_CMD_ADD,			/* arg: NAME */
	CTL_CMD_REMOVE,			/* arg: NAME */
	CTL_CMD_INFO,			/* targets */
	CTL_CMD_SHUTDOWN,
	CTL_CMD_VERSION,
	CTL_CMD_TAIL,			/* one target; FOLLOW, STDERR, count */
	CTL_CMD_LOGS,			/* [targets]; FOLLOW */
	/* 16: never served, not to be reused (vigilctl monit polls status) */
	CTL_CMD_REOPEN = 17,		/* no targets */
	CTL_CMD_CLEAR,			/* targets */
	CTL_CMD_UPGRADE,		/* no targets: re-exec in place */
	CTL_CMD_MAINTAIL,		/* vigild's own log; count: bytes
					   (0: all), FOLLOW */
	CTL_CMD_MAX
};

#define CTL_F_WAIT	0x0001		/* start/stop/restart --wait; reload,
					   remove: END once what they stop
					   is gone */
#define CTL_F_LONG	0x0002		/* status -l */
#define CTL_F_ROLLING	0x0004		/* restart --rolling */
#define CTL_F_FOLLOW	0x0008		/* tail -f, logs -f */
#define CTL_F_STDERR	0x0010		/* tail ... stderr */
#define CTL_F_SUPERVISOR 0x0020		/* remove as supervisord: a stopped
					   group, even one still in the
					   file; a running one is refused */
#define CTL_F_ALL	0x003f

/*
 * Results, in struct ctl_end and struct ctl_result: the numbers are
 * vigilctl's exit codes for the commands other than status.
 */
#define CTL_RES_OK	0
#define CTL_RES_FAIL	1		/* the action failed */
#define CTL_RES_USAGE	2		/* bad request */
#define CTL_RES_NOOP	3		/* result only: nothing to do
					   ("already started", "not running"):
					   an ERROR line, as supervisorctl
					   prints it, but not a failure */
#define CTL_RES_DENIED	4		/* permission denied */
#define CTL_RES_NOSUCH	5		/* no such service */

struct ctl_hello {
	uint32_t	 version;		/* CTL_PROTO_VERSION */
	uint32_t	 flags;			/* 0 */
	char		 vigil_version[CTL_VERSIONMAX];	/* "0.1.0" */
};

struct ctl_target {
	char		 name[CTL_TARGETMAX];	/* printable ASCII, no space */
};

struct ctl_request {
	uint32_t	 cmd;			/* enum ctl_cmd */
	uint32_t	 flags;			/* CTL_F_* */
	uint32_t	 timeout_ms;		/* WAIT; 0: the default */
	int32_t		 signo;			/* SIGNAL; 0: reload_signal */
	uint32_t	 count;			/* tail -n */
	char		 arg[CTL_ARGMAX];	/* ADD/REMOVE name, ... */
	/* Set by control; what the client puts there is overwritten. */
	uint32_t	 ntargets;		/* TARGETs before this one */
	uint32_t	 uid;			/* the peer's credentials */
	uint32_t	 gid;
	int32_t		 pid;			/* -1: unknown */
};

struct ctl_end {
	int32_t		 result;		/* CTL_RES_* */
	int32_t		 daemon_pid;		/* the parent's pid */
	char		 msg[CTL_ENDMSGMAX];	/* "" or why it failed */
};

/*
 * One instance, for status, status -l, info and pid: what the parent
 * fills in and clients read; on the wire it is packed
 * (common/ctl_status.h), never sent as it is.
 */
struct ctl_status {
	char		 id[VIGIL_IDNAMEMAX];	/* "web" or "web:3" */
	char		 group[VIGIL_NAMEMAX];	/* "web" */
	char		 state[CTL_STATEMAX];	/* "RUNNING" */
	char		 health[CTL_STATEMAX];	/* "", "healthy", ... */
	char		 ports[CTL_PORTSMAX];	/* "8000", "80,443", "" */
	char		 reason[CTL_REASONMAX];	/* BACKOFF/FATAL/EXITED */
	char		 status_text[CTL_REASONMAX];	/* sd_notify STATUS= */
	char		 health_reason[CTL_REASONMAX];	/* while unhealthy */
	uint32_t	 instance;
	uint32_t	 ninstances;
	int32_t		 pid;			/* 0: none */
	uint32_t	 restarts;
	uint64_t	 uptime_ms;		/* of the current process */
	int64_t		 start_wall;		/* time_t; 0: never */
	int64_t		 stop_wall;		/* time_t; 0: never ran */
	uint32_t	 ever_started;
	uint32_t	 want_up;
	uint32_t	 cpu_permille;		/* 1000 = one core busy */
	uint32_t	 nprocs;
	uint64_t	 rss;			/* bytes */
	uint32_t	 nfds;
	uint32_t	 sampled_ok;		/* cpu/rss/nprocs are valid */
	int64_t		 sampled;		/* time_t of the sample */
};

/* The outcome for one target of an action. */
struct ctl_result {
	char		 name[CTL_TARGETMAX];	/* instance or target */
	int32_t		 result;		/* CTL_RES_* */
	uint32_t	 pad;
	char		 text[CTL_RESULTMAX];	/* OK: "started"; else why */
};

#define CTL_LINE_OUT	1		/* stdout */
#define CTL_LINE_ERR	2		/* stderr */

struct ctl_line {
	uint32_t	 stream;		/* CTL_LINE_* */
	uint32_t	 pad;
	char		 text[CTL_TEXTMAX];
};

struct ctl_kv {
	char		 key[CTL_KEYMAX];
	char		 value[CTL_TEXTMAX];
};

struct ctl_exit {
	int64_t		 when;			/* time_t */
	int32_t		 pid;
	int32_t		 status;		/* wait status; -1: spawn error */
	int32_t		 spawn_errno;
	uint32_t	 pad;
	uint64_t	 uptime_ms;
};

/*
 * Lines of a log file (tail, logs), as the logger wrote them: whole
 * lines, each ending in a newline, except that a line longer than
 * CTL_LOGDATAMAX comes in pieces (only the last ends in a newline), and
 * the end of a file without -f may be a line without one.  Not
 * NUL-terminated.  CTL_LOG_SKIPPED: no text; `skipped' lines were dropped
 * because this client read too slowly (control skips rather than let a
 * follower's answers pile up).
 */
#define CTL_LOGDATAMAX	3072
#define CTL_LOG_ERR	0x01		/* from the stderr file */
#define CTL_LOG_SKIPPED	0x02

struct ctl_logdata {
	char		 id[VIGIL_IDNAMEMAX];	/* "web", "web:2"; "" if SKIPPED */
	uint32_t	 flags;			/* CTL_LOG_* */
	uint32_t	 len;			/* bytes of text */
	uint64_t	 skipped;		/* SKIPPED: lines */
	char		 text[CTL_LOGDATAMAX];
};

/*
 * The HTTP API (control/control_http.c, parent/parent_http.c).  Control
 * gives each HTTP request a peer id with CTL_HTTP_PEERBIT set (never one
 * of a socket client's), sends its TARGETs as usual, then an
 * IMSG_CTL_HTTPREQ instead of a REQUEST; the answers come back like any
 * other and are turned into HTTP there.  `authorized': control checked
 * the bearer token (POST).  method and path are the canonical route
 * ("POST", "/api/v1/services/web/stop"), peer the client's address: the
 * parent logs them.
 */
#define CTL_HTTP_PEERBIT	0x80000000U
#define CTL_HTTP_TOKENMAX	256	/* token bytes, NUL included */
#define CTL_HTTP_METHODMAX	8
#define CTL_HTTP_PATHMAX	160
#define CTL_HTTP_PEERMAX	64
#define CTL_HTTP_LOGMAX		1000	/* GET .../log?lines= at most */

struct ctl_http_setup {
	uint32_t	 has_token;		/* token_file is set */
	uint32_t	 pad;
	char		 token[CTL_HTTP_TOKENMAX];	/* never logged */
};

struct ctl_httpreq {
	struct ctl_request req;
	uint32_t	 authorized;
	uint32_t	 pad;
	char		 method[CTL_HTTP_METHODMAX];
	char		 path[CTL_HTTP_PATHMAX];
	char		 peer[CTL_HTTP_PEERMAX];
};

/* One event for GET /api/v1/events: "state", "health" or "exit". */
struct ctl_event {
	char		 type[CTL_STATEMAX];
	char		 id[VIGIL_IDNAMEMAX];	/* "web", "web:2" */
	char		 group[VIGIL_NAMEMAX];
	char		 from[CTL_STATEMAX];	/* state: the old state */
	char		 to[CTL_STATEMAX];	/* the state now */
	char		 health[CTL_STATEMAX];	/* "" if no check */
	char		 reason[CTL_REASONMAX];
	uint32_t	 instance;
	int32_t		 pid;			/* exit: the process */
	int32_t		 status;		/* exit: wait status; -1 spawn
						   error */
	uint32_t	 pad;
	int64_t		 time;			/* time_t */
};

#endif /* VIGIL_MSG_CTL_H */
