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
 * The parent's control glue (parent/parent_control*.c).  The first block
 * is for any parent file that answers a control client (e.g. the logger
 * glue serving tail/logs); the rest is private to parent_control*.c.
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

/*
 * A command served elsewhere in the parent (tail, logs, clear, reopen
 * by the logger glue, say): register it at init.  run is called once the
 * client is authorized (readonly: any user who can connect; else root,
 * vigild's user and socket.group), with its request and targets (valid
 * during the call only); it answers with parent_control_send() and ends
 * with parent_control_end(), at once or later -- or never, for a follow
 * stream.  A client that goes away before its END is reported to every
 * gone hook with its peer id: drop whatever is kept for it.
 */
typedef void	(*parent_control_cmd_cb)(uint32_t, const struct ctl_request *,
		    char * const *, size_t);
void	parent_control_register(uint32_t, int, parent_control_cmd_cb);
void	parent_control_add_gone_hook(void (*)(uint32_t));

/* A service as clients see it (parent_control_info.c). */
void	parent_control_status(struct svc *, struct ctl_status *);
void	parent_control_info(uint32_t, struct svc *);

/* ---- private to parent/parent_control*.c ---- */

#define PCTL_WAIT_DEFAULT_MS	60000

enum pctl_wstate {
	PCTL_W_PENDING = 0,	/* rolling: not restarted yet */
	PCTL_W_WAITING,
	PCTL_W_DONE
};

/* One instance a --wait or --rolling request waits for. */
struct pctl_wait {
	char			 id[VIGIL_IDNAMEMAX];
	pid_t			 oldpid;	/* restart: must be replaced */
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
	int			 ext;		/* by a registered command */
	int			 readonly;	/* not logged as an action */
	int			 http;		/* from the HTTP API */
	int			 http_auth;	/* its bearer token checked */
	char			 http_what[CTL_HTTP_PATHMAX + 96];
	char			 what[256];	/* "stop --wait web" */
	int			 result;	/* worst CTL_RES_* so far */
	unsigned int		 nfailed;
	char			 failmsg[CTL_ENDMSGMAX];	/* the first */

	struct pctl_wait	*w;		/* --wait, --rolling */
	size_t			 nw;
	int			 waiting;	/* on the waiting list */
	struct event		 timer;
};

/* parent_control.c */
void	pctl_finish(struct pctl_peer *, int, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
void	pctl_result(struct pctl_peer *, const char *, int, const char *, ...)
	    __attribute__((__format__ (printf, 4, 5)));
struct svc **pctl_resolve(struct pctl_peer *, int, size_t *);
int	pctl_explicit(struct pctl_peer *, struct svc *);
void	pctl_peer_free(struct pctl_peer *);

/* parent_http.c: the HTTP API's socket, token and events */
void	parent_http_init(void);
void	parent_http_ready(void);
void	parent_http_shutdown(void);
int	parent_http_request_ok(const struct ctl_httpreq *);

/* parent_control_cmd.c: the commands that change things, and --wait */
void	pctl_wait_init(void);
void	pctl_wait_forget(struct pctl_peer *);
void	pctl_wait_timeout(int, short, void *);
void	pctl_cmd_action(struct pctl_peer *);
void	pctl_cmd_reload(struct pctl_peer *);
void	pctl_cmd_addremove(struct pctl_peer *);
void	pctl_cmd_shutdown(struct pctl_peer *);

#endif /* VIGIL_PARENT_CONTROL_H */
