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
 * vigilctl's side of the control socket: connect, say HELLO, send one
 * request (TARGETs, then REQUEST, all in one write with the HELLO: one
 * round trip) and read the answer until END, with a deadline.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "log.h"
#include "msg.h"
#include "vigilctl.h"

static uint64_t
vctl_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Connect.  On failure print why and return the exit code (unreachable
 * or permission denied: the caller maps them for status).
 */
int
vctl_connect(struct vctl *v, int quiet)
{
	struct sockaddr_un	 sun;
	int			 fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, v->sock, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		fprintf(stderr, "%s: %s: socket path too long\n", v->progname,
		    v->sock);
		return (VCTL_EXIT_UNREACHABLE);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "%s: socket: %s\n", v->progname,
		    strerror(errno));
		return (VCTL_EXIT_UNREACHABLE);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		close(fd);
		if (quiet)
			return (VCTL_EXIT_UNREACHABLE);
		if (v->supctl) {
			/* supervisorctl's words, on stdout, its codes */
			printf("%s %s\n", v->sockurl, e == ECONNREFUSED ?
			    "refused connection" : "no such file");
			return (e == ECONNREFUSED ? VCTL_EXIT_DENIED :
			    VCTL_EXIT_UNREACHABLE);
		}
		if (e == EACCES || e == EPERM) {
			fprintf(stderr, "%s: %s: permission denied (ask to be "
			    "added to the control socket's group)\n",
			    v->progname, v->sock);
			return (VCTL_EXIT_DENIED);
		}
		fprintf(stderr, "%s: cannot connect to vigild at %s: %s%s\n",
		    v->progname, v->sock, strerror(e),
		    e == ENOENT || e == ECONNREFUSED ?
		    " (is vigild running?)" : "");
		return (VCTL_EXIT_UNREACHABLE);
	}
	/*
	 * Frames are at most CTL_MSGMAX both ways (control checks ours);
	 * the larger buffer only makes us read in bigger gulps.
	 */
	if (imsgbuf_init(&v->ibuf, fd) == -1 ||
	    imsgbuf_set_maxsize(&v->ibuf, VCTL_READ_SIZE) == -1) {
		fprintf(stderr, "%s: %s\n", v->progname, strerror(errno));
		close(fd);
		return (VCTL_EXIT_UNREACHABLE);
	}
	v->fd = fd;
	v->connected = 1;
	return (VCTL_EXIT_OK);
}

void
vctl_close(struct vctl *v)
{
	if (!v->connected)
		return;
	imsgbuf_clear(&v->ibuf);
	close(v->fd);
	v->connected = 0;
}

/*
 * Read the next message, waiting until deadline (monotonic ms).
 * 1: *imsg holds one; 0: EOF; -1: error or timeout (errno ETIMEDOUT).
 */
static int
vctl_next(struct vctl *v, struct imsg *imsg, uint64_t deadline)
{
	struct pollfd	 pfd;
	uint64_t	 now;
	ssize_t		 n;
	int		 r;

	for (;;) {
		if ((r = imsg_get(&v->ibuf, imsg)) != 0)
			return (r);
		now = vctl_now_ms();
		if (now >= deadline) {
			errno = ETIMEDOUT;
			return (-1);
		}
		pfd.fd = v->fd;
		pfd.events = POLLIN;
		if ((r = poll(&pfd, 1, (int)(deadline - now > 1000000 ?
		    1000000 : deadline - now))) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (r == 0)
			continue;
		if ((n = imsgbuf_read(&v->ibuf)) == 0)
			return (0);
		if (n == -1 && errno != EAGAIN)
			return (-1);
	}
}

static int
vctl_hello(struct vctl *v, uint64_t deadline)
{
	struct ctl_hello	 h;
	struct imsg		 imsg;
	int			 r;

	if ((r = vctl_next(v, &imsg, deadline)) <= 0) {
		if (r == 0)
			fprintf(stderr, "%s: vigild closed the connection at "
			    "once\n", v->progname);
		else
			fprintf(stderr, "%s: no answer from vigild at %s: "
			    "%s\n", v->progname, v->sock, strerror(errno));
		return (-1);
	}
	if (imsg.hdr.type != IMSG_CTL_HELLO ||
	    imsg_get_data(&imsg, &h, sizeof(h)) == -1 ||
	    !MSG_STR_OK(h.vigil_version) || h.version != CTL_PROTO_VERSION) {
		fprintf(stderr, "%s: vigilctl and vigild versions differ "
		    "(vigilctl %s, protocol %u; vigild %s): use the vigilctl "
		    "that came with the running vigild\n", v->progname,
		    VIGIL_VERSION, CTL_PROTO_VERSION,
		    imsg.hdr.type == IMSG_CTL_HELLO &&
		    imsg.datalen == sizeof(h) && MSG_STR_OK(h.vigil_version) ?
		    h.vigil_version : "of another protocol");
		imsg_free(&imsg);
		return (-1);
	}
	strlcpy(v->daemon_version, h.vigil_version,
	    sizeof(v->daemon_version));
	imsg_free(&imsg);
	return (0);
}

/*
 * One request and its answer: cb gets every message but END, END lands
 * in *end.  wait_ms is how long vigild may take beyond the usual, or
 * VCTL_NO_DEADLINE for a stream that lasts until cb or a signal ends
 * it (cb returns -1 only for a malformed message).
 * Returns 0, or -1 after printing why (the daemon is then unreachable
 * for the exit code), or -2 for a target that cannot be sent (usage).
 */
int
vctl_request(struct vctl *v, struct ctl_request *req,
    const struct vctl_args *a, vctl_answer_cb cb, void *arg,
    struct ctl_end *end, uint32_t wait_ms)
{
	struct ctl_hello	 h;
	struct ctl_target	 t;
	struct imsg		 imsg;
	uint64_t		 deadline;
	size_t			 i;
	int			 r;

	memset(&h, 0, sizeof(h));
	h.version = CTL_PROTO_VERSION;
	strlcpy(h.vigil_version, VIGIL_VERSION, sizeof(h.vigil_version));
	if (imsg_compose(&v->ibuf, IMSG_CTL_HELLO, 0, 0, -1, &h,
	    sizeof(h)) == -1)
		fatal("%s: compose", __func__);
	for (i = 0; a != NULL && i < a->ntargets; i++) {
		memset(&t, 0, sizeof(t));
		if (strlcpy(t.name, a->targets[i], sizeof(t.name)) >=
		    sizeof(t.name) || !ctl_target_ok(&t)) {
			fprintf(stderr, "%s: bad target \"%s\"\n",
			    v->progname, a->targets[i]);
			return (-2);
		}
		if (imsg_compose(&v->ibuf, IMSG_CTL_TARGET, 0, 0, -1, &t,
		    sizeof(t)) == -1)
			fatal("%s: compose", __func__);
	}
	if (imsg_compose(&v->ibuf, IMSG_CTL_REQUEST, 0, 0, -1, req,
	    sizeof(*req)) == -1)
		fatal("%s: compose", __func__);
	if (imsgbuf_flush(&v->ibuf) == -1) {
		fprintf(stderr, "%s: %s: %s\n", v->progname, v->sock,
		    strerror(errno));
		return (-1);
	}

	deadline = wait_ms == VCTL_NO_DEADLINE ? UINT64_MAX :
	    vctl_now_ms() + VCTL_ANSWER_TIMEOUT_MS + wait_ms;
	if (vctl_hello(v, deadline) == -1)
		return (-1);
	for (;;) {
		if ((r = vctl_next(v, &imsg, deadline)) <= 0) {
			if (r == 0)
				fprintf(stderr, "%s: vigild closed the "
				    "connection before answering\n",
				    v->progname);
			else if (errno == ETIMEDOUT)
				fprintf(stderr, "%s: no answer from vigild "
				    "within %u s\n", v->progname,
				    (VCTL_ANSWER_TIMEOUT_MS + wait_ms) / 1000);
			else
				fprintf(stderr, "%s: %s: %s\n", v->progname,
				    v->sock, strerror(errno));
			return (-1);
		}
		if (imsg.hdr.type == IMSG_CTL_END) {
			if (imsg_get_data(&imsg, end, sizeof(*end)) == -1 ||
			    !MSG_STR_OK(end->msg))
				goto bad;
			imsg_free(&imsg);
			return (0);
		}
		if (cb == NULL || cb(v, &imsg, arg) == -1)
			goto bad;
		imsg_free(&imsg);
	}
 bad:
	fprintf(stderr, "%s: malformed answer from vigild (type %u, %zu "
	    "bytes)\n", v->progname, imsg.hdr.type, imsg.datalen);
	imsg_free(&imsg);
	return (-1);
}

/* After shutdown: 0 when vigild closed the socket, -1 on timeout. */
int
vctl_wait_eof(struct vctl *v, uint32_t ms)
{
	struct imsg	 imsg;
	uint64_t	 deadline = vctl_now_ms() + ms;
	int		 r;

	for (;;) {
		if ((r = vctl_next(v, &imsg, deadline)) == 0)
			return (0);
		if (r == -1)
			return (errno == ETIMEDOUT ? -1 : 0);
		imsg_free(&imsg);
	}
}

int
vctl_get_status(struct imsg *imsg, struct ctl_status_iter *it)
{
	if (imsg->hdr.type != IMSG_CTL_STATUS)
		return (-1);
	return (ctl_status_iter_init(it, imsg->data, imsg->datalen));
}

int
vctl_get_result(struct imsg *imsg, struct ctl_result *r)
{
	if (imsg->hdr.type != IMSG_CTL_RESULT ||
	    imsg_get_data(imsg, r, sizeof(*r)) == -1 ||
	    !MSG_STR_OK(r->name) || !MSG_STR_OK(r->text))
		return (-1);
	return (0);
}

int
vctl_get_line(struct imsg *imsg, struct ctl_line *l)
{
	if (imsg->hdr.type != IMSG_CTL_LINE ||
	    imsg_get_data(imsg, l, sizeof(*l)) == -1 || !MSG_STR_OK(l->text))
		return (-1);
	return (0);
}

int
vctl_get_kv(struct imsg *imsg, struct ctl_kv *kv)
{
	if (imsg->hdr.type != IMSG_CTL_KV ||
	    imsg_get_data(imsg, kv, sizeof(*kv)) == -1 ||
	    !MSG_STR_OK(kv->key) || !MSG_STR_OK(kv->value))
		return (-1);
	return (0);
}
