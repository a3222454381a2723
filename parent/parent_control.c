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
 * The parent's side of the control process: every vigilctl request (the
 * control socket itself is parent_control_sock.c).
 *
 * Control forwards each client's TARGETs and REQUEST with the client's
 * peer id and kernel-given credentials.  Here a request is authorized
 * (vigilctl(8), ACCESS: root, our own uid and members of socket.group may do
 * everything, anyone else only the read-only commands), carried out on
 * the services, logged with who asked ("vigilctl stop web by uid 1000
 * pid 4242: ok") and answered: any number of messages, then one END.
 * --wait and --rolling keep the peer until its services reach the
 * wanted state, fail, or time out (parent_control_cmd.c); a client that
 * goes away is forgotten (IMSG_CTL_CLOSE).
 *
 * Anything malformed from control makes the dispatch return -1: control
 * is then killed and respawned.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/tree.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>

#include "ctl_proto.h"
#include "log.h"
#include "log_limit.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "proc.h"
#include "svc.h"

#define PCTL_MAXPEERS		(4 * CTL_MAXCLIENTS)

struct pctl_cmd {
	uint32_t	 cmd;
	int		 flags;		/* PCTL_READONLY, PCTL_HTTP */
	void		(*run)(struct pctl_peer *);
	void		(*gone)(uint32_t);
};

/*
 * Every command of the control protocol, and who may run it: with
 * PCTL_READONLY any user who can connect, else root, vigild's own user
 * and members of socket.group (over HTTP: a request with the bearer
 * token); PCTL_HTTP: the HTTP API offers it too.  run answers with
 * pctl_result()/parent_control_send() and ends with pctl_finish() or
 * parent_control_end(), now or later (a follow stream: never).  gone,
 * if any, is told the peer id of a client that goes away before its
 * END: its server drops what it keeps for it elsewhere.  The handlers
 * live with what they act on; parent_control.h lists them.
 */
static const struct pctl_cmd pctl_cmds[] = {
	/* command         flags, handler, gone */
	{ CTL_CMD_STATUS,   PCTL_READONLY | PCTL_HTTP, pctl_cmd_status, NULL },
	{ CTL_CMD_PID,      PCTL_READONLY, pctl_cmd_pid, NULL },
	{ CTL_CMD_INFO,     PCTL_READONLY | PCTL_HTTP, pctl_cmd_info, NULL },
	{ CTL_CMD_VERSION,  PCTL_READONLY, pctl_cmd_version, NULL },
	{ CTL_CMD_START,    PCTL_HTTP, pctl_cmd_action, NULL },
	{ CTL_CMD_STOP,     PCTL_HTTP, pctl_cmd_action, NULL },
	{ CTL_CMD_RESTART,  PCTL_HTTP, pctl_cmd_action, NULL },
	{ CTL_CMD_SIGNAL,   PCTL_HTTP, pctl_cmd_action, NULL },
	{ CTL_CMD_RELOAD,   PCTL_HTTP, parent_reload_cmd,
	    parent_reload_gone },
	{ CTL_CMD_REREAD,   0, parent_reload_cmd,
	    parent_reload_gone },
	{ CTL_CMD_ADD,      0, parent_reload_cmd_addremove,
	    parent_reload_gone },
	{ CTL_CMD_REMOVE,   0, parent_reload_cmd_addremove,
	    parent_reload_gone },
	{ CTL_CMD_SHUTDOWN, 0, parent_cmd_shutdown, NULL },
	{ CTL_CMD_TAIL,     PCTL_HTTP, plog_cmd_tail, plog_cmd_gone },
	{ CTL_CMD_LOGS,     0, plog_cmd_tail, plog_cmd_gone },
	{ CTL_CMD_REOPEN,   0, plog_cmd_reopen, NULL },
	{ CTL_CMD_CLEAR,    0, plog_cmd_clear, plog_cmd_gone },
	{ CTL_CMD_UPGRADE,  0, parent_upgrade_cmd, parent_upgrade_gone },
	/* vigild's own log: who did what, refusals, paths: not read-only */
	{ CTL_CMD_MAINTAIL, 0, parent_mainlog_cmd, parent_mainlog_gone },
};

static struct log_limit	 pctl_denied_limit =
    LOG_LIMIT_INIT("\"permission denied\" lines", 10);

static int	pctl_peer_cmp(struct pctl_peer *, struct pctl_peer *);
RB_HEAD(pctl_peers, pctl_peer);
RB_GENERATE_STATIC(pctl_peers, pctl_peer, entry, pctl_peer_cmp);

static struct pctl_peers pctl_peers = RB_INITIALIZER(&pctl_peers);
static unsigned int	 pctl_npeers;

static void	pctl_run(struct pctl_peer *, const struct ctl_request *);

static int
pctl_peer_cmp(struct pctl_peer *a, struct pctl_peer *b)
{
	if (a->peerid < b->peerid)
		return (-1);
	return (a->peerid > b->peerid);
}

struct pctl_peer *
pctl_peer_find(uint32_t peerid)
{
	struct pctl_peer	 key;

	key.peerid = peerid;
	return (RB_FIND(pctl_peers, &pctl_peers, &key));
}

/* NULL when there are too many: control misbehaves. */
static struct pctl_peer *
pctl_peer_get(uint32_t peerid)
{
	struct pctl_peer	*p;

	if ((p = pctl_peer_find(peerid)) != NULL)
		return (p);
	if (pctl_npeers >= PCTL_MAXPEERS)
		return (NULL);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal(NULL);
	p->peerid = peerid;
	evtimer_set(&p->timer, pctl_wait_timeout, p);
	RB_INSERT(pctl_peers, &pctl_peers, p);
	pctl_npeers++;
	return (p);
}

/* The client is gone or done: forget everything kept for it. */
void
pctl_peer_free(struct pctl_peer *p)
{
	size_t		 i;

	/* Gone before its END: the command's server forgets it too. */
	if (p->busy && p->gone != NULL) {
		if (!p->readonly && p->http)
			log_info("http %s: ended by the client", p->http_what);
		else if (!p->readonly)
			log_info("vigilctl %s by uid %u pid %d: ended by the "
			    "client", p->what, p->req.uid, p->req.pid);
		p->gone(p->peerid);
	}
	pctl_wait_forget(p);
	evtimer_del(&p->timer);
	for (i = 0; i < p->ntargets; i++)
		free(p->targets[i]);
	free(p->targets);
	free(p->w);
	free(p->wbyid);
	RB_REMOVE(pctl_peers, &pctl_peers, p);
	pctl_npeers--;
	free(p);
	parent_upgrade_recheck();	/* if one waits for the commands */
}

int
parent_control_send(uint32_t peerid, uint32_t type, const void *data,
    size_t len)
{
	return (parent_proc_send(PROC_CONTROL, type, peerid, -1, data, len));
}

/*
 * The last word of an answer: END, the log line of an action, and the
 * peer is forgotten.
 */
void
pctl_finish(struct pctl_peer *p, int result, const char *fmt, ...)
{
	struct ctl_end	 end;
	va_list		 ap;

	memset(&end, 0, sizeof(end));
	end.result = result;
	end.daemon_pid = getpid();
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(end.msg, sizeof(end.msg), fmt, ap);
		va_end(ap);
	}
	(void)parent_control_send(p->peerid, IMSG_CTL_END, &end, sizeof(end));
	if (result == CTL_RES_DENIED && !log_limit(&pctl_denied_limit)) {
		/* A flood of refusals: counted, summed up later. */
		p->busy = 0;
		pctl_peer_free(p);
		return;
	}
	if (p->http && (!p->readonly || result == CTL_RES_DENIED))
		logit(result == CTL_RES_OK ? LOG_INFO : LOG_WARNING,
		    "http %s: %s%s%s", p->http_what, result == CTL_RES_OK ?
		    "ok" : result == CTL_RES_DENIED ? "permission denied" :
		    "failed", end.msg[0] != '\0' ? ": " : "", end.msg);
	else if (p->http)
		log_debug("http %s: %s", p->http_what, result == CTL_RES_OK ?
		    "ok" : end.msg);
	else if (!p->readonly || result == CTL_RES_DENIED)
		logit(result == CTL_RES_OK ? LOG_INFO : LOG_WARNING,
		    "vigilctl %s by uid %u pid %d: %s%s%s", p->what,
		    p->req.uid, p->req.pid, result == CTL_RES_OK ? "ok" :
		    result == CTL_RES_DENIED ? "permission denied" : "failed",
		    end.msg[0] != '\0' && result != CTL_RES_DENIED ? ": " : "",
		    result != CTL_RES_DENIED ? end.msg : "");
	else
		log_debug("vigilctl %s by uid %u pid %d: %s", p->what,
		    p->req.uid, p->req.pid, result == CTL_RES_OK ? "ok" :
		    end.msg);
	p->busy = 0;		/* answered: nothing for its gone */
	pctl_peer_free(p);
}

void
parent_control_end(uint32_t peerid, int result, const char *msg)
{
	struct pctl_peer	*p;

	if ((p = pctl_peer_find(peerid)) == NULL)
		return;
	pctl_finish(p, result, msg != NULL ? "%s" : NULL, msg);
}

/* One line per target of an action: "web: started", "x: ERROR (...)". */
void
pctl_result(struct pctl_peer *p, const char *name, int result,
    const char *fmt, ...)
{
	struct ctl_result	 r;
	va_list			 ap;

	memset(&r, 0, sizeof(r));
	strlcpy(r.name, name, sizeof(r.name));
	r.result = result;
	va_start(ap, fmt);
	vsnprintf(r.text, sizeof(r.text), fmt, ap);
	va_end(ap);
	(void)parent_control_send(p->peerid, IMSG_CTL_RESULT, &r, sizeof(r));
	if (result == CTL_RES_NOOP)
		return;
	if (result != CTL_RES_OK && p->nfailed++ == 0) {
		strlcpy(p->failmsg, name, sizeof(p->failmsg));
		strlcat(p->failmsg, ": ", sizeof(p->failmsg));
		strlcat(p->failmsg, r.text, sizeof(p->failmsg));
	}
	if (result > p->result)
		p->result = result;
}

/* A line of text for the client: reload's changes, its errors. */
void
pctl_line(struct pctl_peer *p, uint32_t stream, const char *text)
{
	struct ctl_line	 l;

	memset(&l, 0, sizeof(l));
	l.stream = stream;
	strlcpy(l.text, text, sizeof(l.text));
	(void)parent_control_send(p->peerid, IMSG_CTL_LINE, &l, sizeof(l));
}
int
parent_control_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct pctl_peer	*p;
	struct ctl_target	 t;
	struct ctl_request	 req;
	struct ctl_httpreq	 hreq;
	const char		*why;
	char			**v;

	switch (imsg->hdr.type) {
	case IMSG_CTL_TARGET:
		if (imsg_get_data(imsg, &t, sizeof(t)) == -1 ||
		    !ctl_target_ok(&t)) {
			log_warnx("control: bad TARGET");
			return (-1);
		}
		if ((p = pctl_peer_get(imsg->hdr.peerid)) == NULL ||
		    p->busy || p->ntargets >= CTL_MAXTARGETS) {
			log_warnx("control: TARGET out of turn");
			return (-1);
		}
		if ((v = reallocarray(p->targets, p->ntargets + 1,
		    sizeof(*v))) == NULL)
			fatal(NULL);
		p->targets = v;
		if ((p->targets[p->ntargets] = strdup(t.name)) == NULL)
			fatal(NULL);
		p->ntargets++;
		return (0);
	case IMSG_CTL_REQUEST:
		if (imsg_get_data(imsg, &req, sizeof(req)) == -1 ||
		    !ctl_request_ok(&req, &why)) {
			log_warnx("control: bad REQUEST");
			return (-1);
		}
		if ((p = pctl_peer_get(imsg->hdr.peerid)) == NULL ||
		    p->busy || req.ntargets != p->ntargets) {
			log_warnx("control: REQUEST out of turn");
			return (-1);
		}
		pctl_run(p, &req);
		return (0);
	case IMSG_CTL_HTTPREQ:
		if (imsg_get_data(imsg, &hreq, sizeof(hreq)) == -1 ||
		    parent_http_request_ok(&hreq) == -1 ||
		    !(imsg->hdr.peerid & CTL_HTTP_PEERBIT)) {
			log_warnx("control: bad HTTPREQ");
			return (-1);
		}
		if ((p = pctl_peer_get(imsg->hdr.peerid)) == NULL ||
		    p->busy || hreq.req.ntargets != p->ntargets) {
			log_warnx("control: HTTPREQ out of turn");
			return (-1);
		}
		p->http = 1;
		p->http_auth = hreq.authorized != 0;
		snprintf(p->http_what, sizeof(p->http_what), "%s %s from %s",
		    hreq.method, hreq.path, hreq.peer);
		hreq.req.uid = hreq.req.gid = (uint32_t)-1;
		hreq.req.pid = -1;
		pctl_run(p, &hreq.req);
		return (0);
	case IMSG_CTL_CLOSE:
		if (imsg->datalen != 0) {
			log_warnx("control: bad CLOSE");
			return (-1);
		}
		if ((p = pctl_peer_find(imsg->hdr.peerid)) != NULL)
			pctl_peer_free(p);
		return (0);
	default:
		log_warnx("control: unexpected message %s (%u)",
		    imsg_type_name(imsg->hdr.type), imsg->hdr.type);
		return (-1);
	}
}

/* "stop --no-wait web db" for the log (waiting is the default), bounded. */
static void
pctl_describe(struct pctl_peer *p)
{
	char	 buf[64];
	size_t	 i;

	strlcpy(p->what, ctl_cmd_name(p->req.cmd), sizeof(p->what));
	if (p->req.cmd == CTL_CMD_SIGNAL && p->req.signo != 0) {
		snprintf(buf, sizeof(buf), " %s",
		    config_signame(p->req.signo) != NULL ?
		    config_signame(p->req.signo) : "?");
		strlcat(p->what, buf, sizeof(p->what));
	}
	if (p->req.flags & CTL_F_ROLLING)
		strlcat(p->what, " --rolling", sizeof(p->what));
	else if (!(p->req.flags & CTL_F_WAIT) && (p->req.cmd ==
	    CTL_CMD_START || p->req.cmd == CTL_CMD_STOP ||
	    p->req.cmd == CTL_CMD_RESTART))
		strlcat(p->what, " --no-wait", sizeof(p->what));
	else if ((p->req.flags & CTL_F_WAIT) && (p->req.cmd ==
	    CTL_CMD_RELOAD || p->req.cmd == CTL_CMD_REMOVE))
		strlcat(p->what, " --wait", sizeof(p->what));
	if (p->req.arg[0] != '\0') {
		strlcat(p->what, " ", sizeof(p->what));
		strlcat(p->what, p->req.arg, sizeof(p->what));
	}
	for (i = 0; i < p->ntargets; i++) {
		if (strlen(p->what) + strlen(p->targets[i]) + 2 >=
		    sizeof(p->what) - 4) {
			strlcat(p->what, " ...", sizeof(p->what));
			break;
		}
		strlcat(p->what, " ", sizeof(p->what));
		strlcat(p->what, p->targets[i], sizeof(p->what));
	}
}

static const struct pctl_cmd *
pctl_cmd_find(uint32_t cmd)
{
	size_t	 i;

	for (i = 0; i < nitems(pctl_cmds); i++)
		if (pctl_cmds[i].cmd == cmd)
			return (&pctl_cmds[i]);
	return (NULL);
}

/* PCTL_READONLY, PCTL_HTTP of a command; -1 if there is no such one. */
int
pctl_cmd_flags(uint32_t cmd)
{
	const struct pctl_cmd	*c;

	if ((c = pctl_cmd_find(cmd)) == NULL)
		return (-1);
	return (c->flags);
}

static void
pctl_run(struct pctl_peer *p, const struct ctl_request *req)
{
	const struct pctl_cmd	*c;

	p->req = *req;
	p->busy = 1;
	pctl_describe(p);
	if ((c = pctl_cmd_find(req->cmd)) == NULL)
		fatalx("%s: command %u is not in the table", __func__,
		    req->cmd);
	p->readonly = (c->flags & PCTL_READONLY) != 0;
	p->privileged = p->http ? p->http_auth : pctl_allowed(req->uid,
	    req->gid);
	if (!p->readonly && !p->privileged) {
		pctl_finish(p, CTL_RES_DENIED, "permission denied: only root "
		    "and members of the control socket's group may `%s`",
		    ctl_cmd_name(req->cmd));
		return;
	}
	p->gone = c->gone;
	c->run(p);
}

/* Does target t name instance s? */
int
pctl_match(const char *t, struct svc *s)
{
	const char	*group = s->grp->conf->name;
	size_t		 len;

	if (strcmp(t, "all") == 0 || strcmp(t, s->id) == 0 ||
	    strcmp(t, group) == 0)
		return (1);
	len = strlen(t);
	if (len > 2 && strcmp(t + len - 2, ":*") == 0 &&
	    strncmp(t, group, len - 2) == 0 && group[len - 2] == '\0')
		return (1);
	if (strpbrk(t, "*?[") != NULL)
		return (fnmatch(t, s->id, 0) == 0 ||
		    fnmatch(t, group, 0) == 0);
	return (0);
}

/*
 * 1 if a target names this very instance (not only through all, a glob
 * or its group): "already started" and the like are then worth saying.
 */
int
pctl_explicit(struct pctl_peer *p, struct svc *s)
{
	size_t	 i;

	for (i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i], s->id) == 0)
			return (1);
	return (0);
}

/*
 * The instances the peer's targets name, in the order of svc_all (by
 * id), each once; no targets means all of them when all_if_none.  A
 * target that names nothing gets its "no such process" result.
 */
struct svc **
pctl_resolve(struct pctl_peer *p, int all_if_none, size_t *np)
{
	struct svc	**v, *s;
	char		 *hit;
	size_t		  n = 0, i, cap = 0;
	int		  any;

	TAILQ_FOREACH(s, &svc_all, entry)
		cap++;
	if ((v = reallocarray(NULL, cap + 1, sizeof(*v))) == NULL ||
	    (hit = calloc(p->ntargets + 1, 1)) == NULL)
		fatal(NULL);
	TAILQ_FOREACH(s, &svc_all, entry) {
		any = p->ntargets == 0 && all_if_none;
		for (i = 0; i < p->ntargets; i++) {
			if (pctl_match(p->targets[i], s)) {
				hit[i] = 1;
				any = 1;
			}
		}
		if (any)
			v[n++] = s;
	}
	for (i = 0; i < p->ntargets; i++)
		if (!hit[i])
			pctl_result(p, p->targets[i], CTL_RES_NOSUCH,
			    "no such process");
	free(hit);
	*np = n;
	return (v);
}
void
parent_control_init(void)
{
	uint32_t		 cmd;

	/* Every command a client can name has its line in the table. */
	for (cmd = CTL_CMD_NONE + 1; cmd < CTL_CMD_MAX; cmd++)
		if (strcmp(ctl_cmd_name(cmd), "?") != 0 &&
		    pctl_cmd_find(cmd) == NULL)
			fatalx("control command %s has no handler",
			    ctl_cmd_name(cmd));

	pctl_sock_open();
	pctl_wait_init();
	parent_http_init();
	log_debug("control socket %s, mode %04o", penv->socket_path,
	    (unsigned int)penv->conf->socket_mode);
}

/* A follow stream: it never ends by itself. */
static int
pctl_is_stream(const struct pctl_peer *p)
{
	return ((p->req.flags & CTL_F_FOLLOW) && (p->req.cmd == CTL_CMD_TAIL ||
	    p->req.cmd == CTL_CMD_LOGS || p->req.cmd == CTL_CMD_MAINTAIL));
}

/*
 * For an upgrade: the commands in progress but `except' (its own) and
 * the follow streams; in *working, how many of them still have work to
 * do that the new image could not carry on (pctl_wait_working()).
 */
size_t
parent_control_busy(uint32_t except, size_t *working)
{
	struct pctl_peer	*p;
	size_t			 n = 0;

	*working = 0;
	RB_FOREACH(p, pctl_peers, &pctl_peers) {
		if (!p->busy || p->peerid == except || pctl_is_stream(p))
			continue;
		/* A reload still queued or loading: counted as a reload. */
		if (!p->waiting && (p->req.cmd == CTL_CMD_RELOAD ||
		    p->req.cmd == CTL_CMD_REREAD || p->req.cmd == CTL_CMD_ADD ||
		    p->req.cmd == CTL_CMD_REMOVE))
			continue;
		n++;
		if (pctl_wait_working(p))
			(*working)++;
	}
	return (n);
}

/*
 * vigild re-executes itself for an upgrade now: the control process
 * and every connection to it go with the old image, so every client
 * still waiting for an answer but `except' gets its last one: a wait
 * ends with the state it had reached (pctl_wait_cut()), a follow
 * stream ends, anything else is to be asked again.  All exit 1.
 * Returns how many there were.
 */
size_t
parent_control_upgrading(uint32_t except)
{
	struct pctl_peer	*p, *np;
	size_t			 n = 0;

	RB_FOREACH_SAFE(p, pctl_peers, &pctl_peers, np) {
		if (!p->busy || p->peerid == except)
			continue;
		n++;
		if (p->waiting || p->acting || p->w != NULL)
			pctl_wait_cut(p, "vigild is being upgraded, the wait "
			    "ends here; see vigilctl status");
		else if (pctl_is_stream(p))
			pctl_finish(p, CTL_RES_FAIL, "vigild is being upgraded: "
			    "the stream ends here (follow again)");
		else
			pctl_finish(p, CTL_RES_FAIL, "vigild is being upgraded "
			    "before this was answered: try again");
	}
	if (n > 0)
		log_info("upgrade: the %zu client%s still waiting got %s last "
		    "answer", n, n == 1 ? "" : "s", n == 1 ? "its" : "their");
	return (n);
}

/* Whatever is queued for control goes out now (before an exec). */
void
parent_control_flush(void)
{
	(void)parent_proc_flush(PROC_CONTROL);
}

/* A new control process said hello: give it the socket. */
void
parent_control_ready(void)
{
	struct pctl_peer	*p, *np;

	/* Whatever an earlier control process asked for is void. */
	RB_FOREACH_SAFE(p, pctl_peers, &pctl_peers, np)
		pctl_peer_free(p);
	parent_http_ready();
	pctl_sock_pass();
}

/* At exit: remove the socket, if it is still ours. */
void
parent_control_shutdown(void)
{
	struct pctl_peer	*p, *np;

	RB_FOREACH_SAFE(p, pctl_peers, &pctl_peers, np) {
		p->gone = NULL;	/* the other subsystems are gone already */
		pctl_peer_free(p);
	}
	parent_mainlog_shutdown();	/* still up: its followers go */
	parent_http_shutdown();
	pctl_sock_close();
}
