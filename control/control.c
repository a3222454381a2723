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
 * vigild: control -- the unprivileged, chrooted process that serves the
 * control socket.  The parent creates and binds the socket as root and
 * passes the listening descriptor over (again to every new control, so
 * connections made while control was being respawned wait in the
 * backlog).  Control accepts clients, learns who they are from the
 * kernel (uid, gid, pid), checks every message they send
 * (common/ctl_proto.c), forwards requests to the parent with those
 * credentials and routes the parent's answers back by peer id.  It
 * decides nothing: the parent authorizes, acts and logs.
 *
 * A client that breaks the protocol, or lets more than
 * CTL_CLIENT_QUEUEMAX bytes of answers pile up unread, is closed; no
 * client can block another or the parent.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "control.h"
#include "ctl_proto.h"
#include "log.h"
#include "log_limit.h"
#include "msg.h"
#include "msg_ctl.h"
#include "proc.h"
#include "sandbox.h"

#define CONTROL_ACCEPT_PAUSE_SEC	1
#define CONTROL_ACCEPT_BURST		32
#define CONTROL_EXIT_FLUSH_MS		500

struct ctl_conn {
	RB_ENTRY(ctl_conn)	 entry;
	uint32_t		 peerid;
	struct imsgev		 iev;
	struct ctl_cstate	 cs;
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 pid;		/* -1: unknown */
	const char		*why;		/* reason for closing */
	struct event		 deadline;	/* HELLO, then idleness */
	uint64_t		 log_skipped;	/* control_logs.c */
	size_t			 answered;	/* bytes of answers queued */
};
RB_HEAD(ctl_conns, ctl_conn);

#define CONTROL_TRIM_AFTER	(32 * 1024)

static int	control_conn_cmp(struct ctl_conn *, struct ctl_conn *);
RB_GENERATE_STATIC(ctl_conns, ctl_conn, entry, control_conn_cmp);

static struct ctl_conns	 control_conns = RB_INITIALIZER(&control_conns);
static unsigned int	 control_nconns;
static uint32_t		 control_next_peerid = 1;
static int		 control_listen_fd = -1;
static struct event	 control_ev_accept;
static struct event	 control_ev_pause;
static int		 control_accept_on;
static int		 control_accept_paused;
static size_t		 control_queuemax = CTL_CLIENT_QUEUEMAX;
static unsigned int	 control_maxconns = CTL_MAXCLIENTS;
static struct ctl_socket_setup control_priv;
static struct log_limit	 control_refused_limit =
    LOG_LIMIT_INIT("refused or dropped control clients", 10);
static time_t		 control_out_since;	/* out of descriptors
						   since (monotonic), 0:
						   not */
static unsigned int	 control_out_tries;	/* accepts failed since */

#define CONTROL_FD_SPARE	32	/* descriptors kept for the rest */

static void	control_flush_all(void);
static int	control_dispatch_parent(struct imsgev *, struct imsg *);
static void	control_listen(int);
static void	control_accept(int, short, void *);
static void	control_accept_pause(void);
static void	control_accept_out(int);
static void	control_accept_drained(void);
static time_t	control_now(void);
static void	control_accept_resume(int, short, void *);
static void	control_conn_new(int);
static void	control_conn_free(struct ctl_conn *);
static int	control_client_dispatch(struct imsgev *, struct imsg *);
static void	control_client_closed(struct imsgev *, const char *);
static void	control_forward(struct imsg *);
static void	control_deadline(int, short, void *);

static int
control_conn_cmp(struct ctl_conn *a, struct ctl_conn *b)
{
	if (a->peerid < b->peerid)
		return (-1);
	return (a->peerid > b->peerid);
}

static struct ctl_conn *
control_conn_find(uint32_t peerid)
{
	struct ctl_conn	 key;

	key.peerid = peerid;
	return (RB_FIND(ctl_conns, &control_conns, &key));
}

/*
 * As many descriptors as the hard limit allows; the control socket's
 * clients get at most half of them, the HTTP API what is left
 * (control_http_conn.c), and CONTROL_FD_SPARE stay for the rest.
 */
static void
control_limits(void)
{
	struct rlimit	 rl;
	rlim_t		 half;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return;
	half = rl.rlim_cur > 2 * CONTROL_FD_SPARE ?
	    (rl.rlim_cur - CONTROL_FD_SPARE) / 2 : 8;
	if (half < 8)
		half = 8;
	if (half < CTL_MAXCLIENTS)
		control_maxconns = (unsigned int)half;
}

unsigned int
control_clients_max(void)
{
	return (control_maxconns);
}

void
control_main(const struct proc_opts *opts)
{
#ifdef VIGIL_TEST_HOOKS
	const char	*hooks, *q, *errstr;
	long long	 n;

	/*
	 * Test hook: a small bound (and socket buffer, control_conn_new),
	 * so that a test can reach it.
	 */
	hooks = getenv("VIGIL_TEST_HOOKS");
	q = getenv("VIGIL_TEST_CTL_QUEUEMAX");
	if (hooks != NULL && strcmp(hooks, "1") == 0 && q != NULL) {
		n = strtonum(q, CTL_MSGMAX, CTL_CLIENT_QUEUEMAX, &errstr);
		if (errstr == NULL)
			control_queuemax = (size_t)n;
	}
#endif
	proc_child_init(opts);
	control_limits();
	sandbox_prepare(opts->role, opts->debug);
	privdrop(opts->user, opts->root);
	control_sandbox();
	event_init();
	evtimer_set(&control_ev_pause, control_accept_resume, NULL);
	(void)proc_child_channel(control_dispatch_parent, NULL);
	proc_child_on_exit(control_flush_all);
	event_dispatch();
	exit(0);
}

/*
 * The parent is going: what is queued for clients (the answer to
 * `vigilctl shutdown', the last lines of a follower) goes out first,
 * within CONTROL_EXIT_FLUSH_MS in all, so a client that does not read
 * cannot hold the exit up.
 */
static void
control_flush_all(void)
{
	struct ctl_conn	*c;
	struct timespec	 t0, t1;
	long long	 left;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	RB_FOREACH(c, ctl_conns, &control_conns) {
		(void)clock_gettime(CLOCK_MONOTONIC, &t1);
		left = CONTROL_EXIT_FLUSH_MS - ((t1.tv_sec - t0.tv_sec) *
		    1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		(void)imsgbuf_flush_timeout(&c->iev.ibuf, (int)left);
	}
}

static int
control_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	int	 fd;

	switch (imsg->hdr.type) {
	case IMSG_CTL_SOCKET:
		if (imsg_get_data(imsg, &control_priv,
		    sizeof(control_priv)) == -1 ||
		    control_priv.nuids > CTL_PRIVUIDS_MAX)
			return (-1);
		if ((fd = imsg_get_fd(imsg)) == -1) {
			log_warnx("the parent's control socket did not arrive");
			return (0);
		}
		control_listen(fd);
		return (0);
	case IMSG_CTL_HTTP:
		return (control_http_setup(imsg));
	case IMSG_CTL_EVENT:
		return (control_http_event(imsg));
	default:
		if (imsg->hdr.type >= IMSG_CTL_END &&
		    imsg->hdr.type <= IMSG_CTL_ANSWER_LAST) {
			control_forward(imsg);
			return (0);
		}
		return (PROC_IMSG_UNKNOWN);
	}
}

static void
control_listen(int fd)
{
	if (control_listen_fd != -1) {
		if (control_accept_on)
			event_del(&control_ev_accept);
		close(control_listen_fd);
	}
	control_listen_fd = fd;
	event_set(&control_ev_accept, fd, EV_READ | EV_PERSIST,
	    control_accept, NULL);
	if (event_add(&control_ev_accept, NULL) == -1)
		fatalx("%s: event_add", __func__);
	control_accept_on = 1;
	log_debug("listening on the control socket");
}

static void
control_accept(int lfd, short event, void *arg)
{
	int	 fd, i;

	for (i = 0; i < CONTROL_ACCEPT_BURST; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				control_accept_out(errno);
				control_accept_pause();
			} else if (errno == EAGAIN || errno == EWOULDBLOCK)
				control_accept_drained();
			else if (errno != EINTR && errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		control_conn_new(fd);
	}
}

static time_t
control_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (ts.tv_sec);
}

/*
 * accept failed for want of descriptors: said once when it starts (and
 * once when it is over, control_accept_drained), however long it lasts
 * and however often the paused accept is tried meanwhile.
 */
static void
control_accept_out(int err)
{
	if (control_out_since != 0) {
		control_out_tries++;
		return;
	}
	control_out_since = control_now();
	if (control_out_since == 0)
		control_out_since = 1;
	control_out_tries = 0;
	log_warnx("control socket: out of descriptors (accept: %s) with %u "
	    "clients; not accepting until there is room", strerror(err),
	    control_nconns);
}

/*
 * Every waiting client was accepted: a shortage of descriptors is over.
 * Not at the first accept after it: while a crowd drains, each client
 * that goes makes room for one more and the next accept fails again.
 */
static void
control_accept_drained(void)
{
	if (control_out_since == 0)
		return;
	log_warnx("control socket: accepting again after %lld s out of "
	    "descriptors (%u tries failed)",
	    (long long)(control_now() - control_out_since), control_out_tries);
	control_out_since = 0;
}

/* Out of descriptors: stop accepting for a while (clients wait). */
static void
control_accept_pause(void)
{
	struct timeval	 tv = { CONTROL_ACCEPT_PAUSE_SEC, 0 };

	if (control_accept_paused)
		return;
	if (control_accept_on) {
		event_del(&control_ev_accept);
		control_accept_on = 0;
	}
	control_accept_paused = 1;
	evtimer_add(&control_ev_pause, &tv);
}

static void
control_accept_resume(int fd, short event, void *arg)
{
	if (!control_accept_paused)
		return;
	control_accept_paused = 0;
	evtimer_del(&control_ev_pause);
	if (control_listen_fd == -1 || control_accept_on)
		return;
	if (event_add(&control_ev_accept, NULL) == -1)
		fatalx("%s: event_add", __func__);
	control_accept_on = 1;
}

static unsigned int
control_conns_of(uid_t uid)
{
	struct ctl_conn	*c;
	unsigned int	 n = 0;

	RB_FOREACH(c, ctl_conns, &control_conns)
		if (c->uid == uid)
			n++;
	return (n);
}

static int
control_privileged(uid_t uid, gid_t gid)
{
	uint32_t	 i;

	if (uid == 0 || (control_priv.has_gid && gid == control_priv.gid))
		return (1);
	for (i = 0; i < control_priv.nuids; i++)
		if (control_priv.uids[i] == uid)
			return (1);
	return (0);
}

static void
control_deadline_arm(struct ctl_conn *c, int sec)
{
	struct timeval	 tv = { sec, 0 };

	evtimer_add(&c->deadline, &tv);
}

/* No HELLO in time, half a message, or idle with nothing asked: drop. */
static void
control_deadline(int fd, short ev, void *arg)
{
	struct ctl_conn	*c = arg;

	if (log_limit(&control_refused_limit))
		log_warnx("client uid %u pid %d: %s for %d s; dropped",
		    (unsigned int)c->uid, (int)c->pid, c->cs.hello ?
		    "idle" : "no hello", c->cs.hello ? CTL_IDLE_SEC :
		    CTL_HELLO_SEC);
	imsgev_close(&c->iev);
	control_conn_free(c);
}

static void
control_conn_new(int fd)
{
	struct ctl_conn	*c;
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 pid;

	if (getpeereid(fd, &uid, &gid) == -1) {
		log_warn("getpeereid");
		close(fd);
		return;
	}
	if (control_peer_pid(fd, &pid) == -1)
		pid = -1;
	if (control_nconns >= control_maxconns) {
		if (log_limit(&control_refused_limit))
			log_warnx("client uid %u pid %d refused: too many "
			    "clients (%u)", (unsigned int)uid, (int)pid,
			    control_nconns);
		close(fd);
		return;
	}
	if (!control_privileged(uid, gid) && control_nconns >=
	    control_maxconns - control_maxconns / 8) {
		if (log_limit(&control_refused_limit))
			log_warnx("client uid %u pid %d refused: the last %u "
			    "places are kept for root and the control "
			    "socket's group", (unsigned int)uid, (int)pid,
			    control_maxconns / 8);
		close(fd);
		return;
	}
	if (uid != 0 && control_conns_of(uid) >= CTL_MAXCLIENTS_USER) {
		if (log_limit(&control_refused_limit))
			log_warnx("client uid %u pid %d refused: uid %u has "
			    "%d connections already", (unsigned int)uid,
			    (int)pid, (unsigned int)uid, CTL_MAXCLIENTS_USER);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s", __func__);
		close(fd);
		return;
	}
	c->uid = uid;
	c->gid = gid;
	c->pid = pid;
	/* Peer ids are never 0 (the parent's own messages) nor reused. */
	do {
		c->peerid = control_next_peerid++;
	} while (c->peerid == 0 || control_conn_find(c->peerid) != NULL);
	if (imsgev_init(&c->iev, fd, c, control_client_dispatch,
	    control_client_closed) == -1) {
		log_warn("client uid %u pid %d", (unsigned int)uid, (int)pid);
		close(fd);
		free(c);
		return;
	}
	if (imsgbuf_set_maxsize(&c->iev.ibuf, CTL_MSGMAX) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
#ifdef VIGIL_TEST_HOOKS
	/*
	 * With the small bound, a small socket buffer too: a status of a
	 * thousand services (packed, about 40 KB) would fit in the kernel's.
	 */
	if (control_queuemax != CTL_CLIENT_QUEUEMAX) {
		int	 sz = (int)control_queuemax;

		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	}
#endif
	RB_INSERT(ctl_conns, &control_conns, c);
	control_nconns++;
	evtimer_set(&c->deadline, control_deadline, c);
	control_deadline_arm(c, CTL_HELLO_SEC);
	log_debug("client uid %u pid %d connected, peer %u",
	    (unsigned int)uid, (int)pid, c->peerid);
}

/*
 * Forget a client whose channel is already closed, and tell the parent
 * if it still holds something for it.
 */
static void
control_conn_free(struct ctl_conn *c)
{
	if (c->cs.busy || c->cs.ntargets > 0)
		(void)proc_child_compose(IMSG_CTL_CLOSE, c->peerid, -1,
		    NULL, 0);
	evtimer_del(&c->deadline);
	RB_REMOVE(ctl_conns, &control_conns, c);
	control_nconns--;
	/*
	 * A status of 100 services is 60 KB of answers: hand the pages
	 * its buffers took back to the system, not only to malloc.
	 */
	if (c->answered >= CONTROL_TRIM_AFTER)
		compat_heap_release();
	free(c);
	if (control_accept_paused)
		control_accept_resume(-1, 0, NULL);
}

static void
control_client_closed(struct imsgev *iev, const char *reason)
{
	struct ctl_conn	*c = iev->data;

	if (c->why != NULL) {
		if (log_limit(&control_refused_limit))
			log_warnx("client uid %u pid %d: %s; closed",
			    (unsigned int)c->uid, (int)c->pid, c->why);
	}
	else if (strcmp(reason, "closed") == 0 ||
	    strcmp(reason, strerror(EPIPE)) == 0 ||
	    strcmp(reason, strerror(ECONNRESET)) == 0)
		log_debug("client uid %u pid %d: gone (%s)",
		    (unsigned int)c->uid, (int)c->pid, reason);
	else
		log_warnx("client uid %u pid %d: %s; closed",
		    (unsigned int)c->uid, (int)c->pid, reason);
	control_conn_free(c);
}

static int
control_client_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct ctl_conn		*c = iev->data;
	struct ctl_hello	 hello;
	union ctl_cmsg		 m;
	const char		*why;
	int			 type;

	if ((type = ctl_client_decode(&c->cs, imsg, &m, &why)) == -1) {
		c->why = why;
		return (-1);
	}
	if (c->cs.busy)
		evtimer_del(&c->deadline);
	else
		control_deadline_arm(c, c->cs.hello ? CTL_IDLE_SEC :
		    CTL_HELLO_SEC);
	switch (type) {
	case IMSG_CTL_HELLO:
		memset(&hello, 0, sizeof(hello));
		hello.version = CTL_PROTO_VERSION;
		strlcpy(hello.vigil_version, VIGIL_VERSION,
		    sizeof(hello.vigil_version));
		if (imsgev_compose(iev, IMSG_CTL_HELLO, 0, 0, -1, &hello,
		    sizeof(hello)) == -1) {
			c->why = "cannot answer";
			return (-1);
		}
		if (m.hello.version != CTL_PROTO_VERSION) {
			/* Tell it who we are, then hang up. */
			(void)imsgbuf_write(&iev->ibuf);
			c->why = "vigilctl and vigild versions differ";
			log_warnx("client uid %u pid %d speaks protocol %u "
			    "(vigilctl %s), we speak %u", (unsigned int)c->uid,
			    (int)c->pid, m.hello.version,
			    m.hello.vigil_version, CTL_PROTO_VERSION);
			return (-1);
		}
		return (0);
	case IMSG_CTL_TARGET:
		if (proc_child_compose(IMSG_CTL_TARGET, c->peerid, -1,
		    &m.target, sizeof(m.target)) == -1)
			fatal("%s: to parent", __func__);
		return (0);
	case IMSG_CTL_REQUEST:
		m.req.uid = c->uid;
		m.req.gid = c->gid;
		m.req.pid = c->pid;
		if (proc_child_compose(IMSG_CTL_REQUEST, c->peerid, -1,
		    &m.req, sizeof(m.req)) == -1)
			fatal("%s: to parent", __func__);
		return (0);
	}
	c->why = "unexpected message";
	return (-1);
}

/* An answer from the parent: on to its client, if still there. */
static void
control_forward(struct imsg *imsg)
{
	struct ctl_conn	*c;

	if (imsg->hdr.peerid & CTL_HTTP_PEERBIT) {
		control_http_answer(imsg);
		return;
	}
	if ((c = control_conn_find(imsg->hdr.peerid)) == NULL)
		return;		/* gone meanwhile */
	if (imsg->hdr.type == IMSG_CTL_END) {
		c->cs.busy = 0;
		control_deadline_arm(c, CTL_IDLE_SEC);
	}
	if (imsg->hdr.type == IMSG_CTL_LOGDATA &&
	    control_logs_skip(&c->iev, imsg, &c->log_skipped))
		return;		/* a slow follower skips lines */
	c->answered += imsg->datalen;
	if (imsgev_compose(&c->iev, imsg->hdr.type, 0, 0, -1, imsg->data,
	    imsg->datalen) == -1) {
		log_warn("client uid %u pid %d: answer type %u dropped, "
		    "closing", (unsigned int)c->uid, (int)c->pid,
		    imsg->hdr.type);
		imsgev_close(&c->iev);
		control_conn_free(c);
		return;
	}
	if (c->iev.ibuf.wqbytes > control_queuemax) {
		log_warnx("client uid %u pid %d does not read its answers "
		    "(%zu bytes waiting); dropped", (unsigned int)c->uid,
		    (int)c->pid, c->iev.ibuf.wqbytes);
		imsgev_close(&c->iev);
		control_conn_free(c);
	}
}
