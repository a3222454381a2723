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
 * The parent's control glue (parent/parent_control*.c) and the handlers
 * of the commands: the table in parent_control.c names one for each
 * CTL_CMD_*, living in the file of the subsystem it acts on.  How to add
 * a command: HACKING.md.
 */

#ifndef VIGIL_PARENT_CONTROL_H
#define VIGIL_PARENT_CONTROL_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>

#include <event.h>

#include "msg_ctl.h"

struct svc;

/*
 * Answer a client: any number of messages (type in IMSG_CTL_END ..
 * IMSG_CTL_ANSWER_LAST, a struct of common/msg_ctl.h), then END, which
 * also logs the action and forgets the client.  Both are no-ops for a
 * client that is gone.
 */
int	parent_control_send(uint32_t, uint32_t, const void *, size_t);
void	parent_control_end(uint32_t, int, const char *);

/* A service as clients see it (parent_control_info.c). */
void	parent_control_status(struct svc *, struct ctl_status *);
void	parent_control_info(uint32_t, struct svc *);

/* ---- for the handlers of commands ---- */

#define PCTL_READY_WAIT_MS	60000	/* --wait: ready: notify, tcp */
#define PCTL_WAIT_SLACK_MS	5000	/* --wait: beyond the service's times */

enum pctl_wstate {
	PCTL_W_PENDING = 0,	/* rolling: not restarted yet */
	PCTL_W_WAITING,
	PCTL_W_DONE
};

/* One instance a --wait or --rolling request waits for. */
struct pctl_wait {
	char			 id[VIGIL_IDNAMEMAX];
	pid_t			 oldpid;	/* restart: must be replaced */
	pid_t			 gonepid;	/* reload, remove: must go */
	int			 up;		/* 1: RUNNING, 0: stopped */
	int			 was_up;	/* restart: "stopped" first */
	enum pctl_wstate	 state;
	int			 reported;
	int			 result;
	char			 text[CTL_RESULTMAX];
};

/* One client of control, while the parent holds anything for it. */
struct pctl_peer {
	RB_ENTRY(pctl_peer)	 entry;
	TAILQ_ENTRY(pctl_peer)	 wentry;	/* on the waiting list */
	uint32_t		 peerid;
	char			**targets;	/* TARGETs so far */
	size_t			 ntargets;
	struct ctl_request	 req;
	int			 busy;		/* REQUEST being served */
	void			(*gone)(uint32_t);	/* its command's */
	int			 readonly;	/* not logged as an action */
	int			 http;		/* from the HTTP API */
	int			 http_auth;	/* its bearer token checked */
	int			 privileged;	/* may act, sees arguments */
	char			 http_what[CTL_HTTP_PATHMAX + 96];
	char			 what[256];	/* "stop --wait web" */
	int			 result;	/* worst CTL_RES_* so far */
	unsigned int		 nfailed;
	char			 failmsg[CTL_ENDMSGMAX];	/* the first */

	struct pctl_wait	*w;		/* --wait, --rolling */
	size_t			 nw;
	struct pctl_wait	**wbyid;	/* w sorted by id */
	char			**actids;	/* targets still to act on */
	size_t			 nact, iact;
	TAILQ_ENTRY(pctl_peer)	 aentry;	/* on the acting list */
	int			 acting;
	int			 waiting;	/* on the waiting list */
	uint32_t		 wait_ms;	/* its bound */
	struct event		 timer;
};

/* parent_control.c: answering, and the table's flags */
#define PCTL_READONLY	0x01		/* any user who can connect */
#define PCTL_HTTP	0x02		/* the HTTP API offers it too */
int	pctl_cmd_flags(uint32_t);
void	pctl_line(struct pctl_peer *, uint32_t, const char *);
void	pctl_finish(struct pctl_peer *, int, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
void	pctl_result(struct pctl_peer *, const char *, int, const char *, ...)
	    __attribute__((__format__ (printf, 4, 5)));
struct svc **pctl_resolve(struct pctl_peer *, int, size_t *);
/* Does a target ("all", "web", "web:1", "web:*", a glob) name it? */
int	 pctl_match(const char *, struct svc *);
int	pctl_explicit(struct pctl_peer *, struct svc *);
void	pctl_peer_free(struct pctl_peer *);
struct pctl_peer *pctl_peer_find(uint32_t);

/* parent_control_sock.c: the control socket, and who may do everything */
void	pctl_sock_open(void);
void	pctl_sock_pass(void);		/* to a new control process */
void	pctl_sock_close(void);
int	pctl_allowed(uid_t, gid_t);

/* parent_http.c: the HTTP API's socket, token and events */
void	parent_http_init(void);
void	parent_http_ready(void);
struct vigil_conf;
void	parent_http_reload(const struct vigil_conf *);
void	parent_http_shutdown(void);
int	parent_http_request_ok(const struct ctl_httpreq *);

/* parent_control_cmd.c: start, stop, restart, signal, and --wait */
void	pctl_wait_init(void);
void	pctl_wait_forget(struct pctl_peer *);
void	pctl_wait_timeout(int, short, void *);
void	pctl_wait_gone(struct pctl_peer *, const pid_t *, size_t);
void	pctl_wait_recheck(void);
int	pctl_wait_working(const struct pctl_peer *);
void	pctl_wait_cut(struct pctl_peer *, const char *);

/* The handlers (the table in parent_control.c), by file. */
/* parent_control_info.c */
void	pctl_cmd_status(struct pctl_peer *);
/* parent/parent_upgrade.c */
void	parent_upgrade_cmd(struct pctl_peer *);
void	parent_upgrade_gone(uint32_t);
void	pctl_cmd_pid(struct pctl_peer *);
void	pctl_cmd_info(struct pctl_peer *);
void	pctl_cmd_version(struct pctl_peer *);
/* parent_control_cmd.c */
void	pctl_cmd_action(struct pctl_peer *);
/* parent_reload.c */
void	parent_reload_cmd(struct pctl_peer *);
void	parent_reload_cmd_addremove(struct pctl_peer *);
void	parent_reload_gone(uint32_t);
/* parent.c */
void	parent_cmd_shutdown(struct pctl_peer *);
/* parent_logger.c */
void	plog_cmd_tail(struct pctl_peer *);
void	plog_cmd_clear(struct pctl_peer *);
void	plog_cmd_reopen(struct pctl_peer *);
void	plog_cmd_gone(uint32_t);
/* parent_mainlog.c */
void	parent_mainlog_init(void);
void	parent_mainlog_cmd(struct pctl_peer *);
void	parent_mainlog_gone(uint32_t);
void	parent_mainlog_shutdown(void);	/* forget every follower */

#endif /* VIGIL_PARENT_CONTROL_H */
