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
 * Framed messages with fd passing over a SOCK_STREAM unix socket.
 *
 * Reading: one fixed buffer of 2 * maxsize bytes; rbuf[rpos, rpos + rlen)
 * holds what was received and not yet returned by imsg_get, rseq is the
 * offset of rbuf[rpos] in the byte stream.  A received fd is queued with
 * the stream range [start, end) of the recvmsg that brought it.  The
 * sender attaches an fd to the first byte of its message, so the fd of
 * a message starting at stream offset p came with the recvmsg whose
 * range holds p.  That keeps fds paired with their messages even when
 * one was lost on the way (fd table full, MSG_CTRUNC): that message gets
 * -1 and the next one still gets its own fd, not a neighbour's.  An fd
 * whose range lies wholly before the next message belongs to no one and
 * is closed.
 *
 * Writing: a TAILQ of whole frames.  One sendmsg gathers several frames
 * but carries at most one fd, the fd of its first frame, which must not
 * have been partially sent yet (once any byte of a frame is out, its fd
 * is out too and has been closed here).
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "imsg.h"
#include "log.h"
#include "proc.h"

#define IMSG_IOV_MAX	64	/* frames gathered by one sendmsg */

struct imsg_wbuf {
	TAILQ_ENTRY(imsg_wbuf)	 entry;
	size_t			 len;	/* whole frame */
	size_t			 off;	/* bytes already sent */
	int			 fd;	/* -1 once sent or when none */
	unsigned char		 buf[];
};

struct imsg_rfd {
	TAILQ_ENTRY(imsg_rfd)	 entry;
	int			 fd;
	uint64_t		 start;	/* stream range of its recvmsg */
	uint64_t		 end;
};

union imsg_cmsgbuf {
	struct cmsghdr		 hdr;
	unsigned char		 buf[CMSG_SPACE(sizeof(int))];
};

static void	imsgbuf_compact(struct imsgbuf *);
static int	imsgbuf_take_fd(struct imsgbuf *, int, uint64_t, uint64_t);
static void	imsgbuf_drop_fds(struct imsgbuf *, uint64_t);
static void	imsgbuf_consume(struct imsgbuf *, size_t);
static void	imsgev_handler(int, short, void *);
static void	imsgev_update(struct imsgev *);
static void	imsgev_fail(struct imsgev *, const char *);

int
imsgbuf_init(struct imsgbuf *ibuf, int fd)
{
	memset(ibuf, 0, sizeof(*ibuf));
	ibuf->fd = fd;
	ibuf->maxsize = IMSG_MAXSIZE_DEFAULT;
	TAILQ_INIT(&ibuf->rfds);
	TAILQ_INIT(&ibuf->wq);
	ibuf->pid = getpid();
	if ((ibuf->rbuf = malloc(2 * ibuf->maxsize)) == NULL)
		return (-1);
	return (0);
}

void
imsgbuf_allow_fdpass(struct imsgbuf *ibuf)
{
	ibuf->allow_fdpass = 1;
}

int
imsgbuf_set_maxsize(struct imsgbuf *ibuf, size_t maxsize)
{
	unsigned char	*p;

	if (maxsize < IMSG_HEADER_SIZE || maxsize > IMSG_MAXSIZE_LIMIT) {
		errno = EINVAL;
		return (-1);
	}
	imsgbuf_compact(ibuf);
	if (ibuf->rlen > 2 * maxsize) {
		errno = EINVAL;
		return (-1);
	}
	if ((p = realloc(ibuf->rbuf, 2 * maxsize)) == NULL)
		return (-1);
	ibuf->rbuf = p;
	ibuf->maxsize = maxsize;
	return (0);
}

static void
imsgbuf_compact(struct imsgbuf *ibuf)
{
	if (ibuf->rpos == 0)
		return;
	if (ibuf->rlen > 0)
		memmove(ibuf->rbuf, ibuf->rbuf + ibuf->rpos, ibuf->rlen);
	ibuf->rpos = 0;
}

/*
 * Queue or close one received fd.  Returns -1 with errno on a protocol
 * error (queue overflow) or allocation failure; the fd is closed then.
 */
static int
imsgbuf_take_fd(struct imsgbuf *ibuf, int fd, uint64_t start, uint64_t end)
{
	struct imsg_rfd	*rfd;

	if (!ibuf->allow_fdpass) {
		close(fd);
		return (0);
	}
	if (ibuf->nrfds >= IMSG_MAXFDQUEUE) {
		close(fd);
		errno = EBADMSG;
		return (-1);
	}
	if ((rfd = malloc(sizeof(*rfd))) == NULL) {
		close(fd);
		return (-1);
	}
	rfd->fd = fd;
	rfd->start = start;
	rfd->end = end;
	TAILQ_INSERT_TAIL(&ibuf->rfds, rfd, entry);
	ibuf->nrfds++;
	return (0);
}

/* Close queued fds whose recvmsg ended at or before stream offset pos. */
static void
imsgbuf_drop_fds(struct imsgbuf *ibuf, uint64_t pos)
{
	struct imsg_rfd	*rfd;

	while ((rfd = TAILQ_FIRST(&ibuf->rfds)) != NULL && rfd->end <= pos) {
		TAILQ_REMOVE(&ibuf->rfds, rfd, entry);
		ibuf->nrfds--;
		close(rfd->fd);
		free(rfd);
	}
}

ssize_t
imsgbuf_read(struct imsgbuf *ibuf)
{
	union imsg_cmsgbuf	 cmsgbuf;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cmsg;
	unsigned char		*end;
	uint64_t		 start;
	ssize_t			 n;
	size_t			 i, nfds;
	int			 fd, gotfd = 0, error = 0, saved_errno = 0;

	if (ibuf->rbuf == NULL) {
		errno = EBADF;
		return (-1);
	}
	imsgbuf_compact(ibuf);
	if (ibuf->rlen == 2 * ibuf->maxsize)
		return (1);	/* full: a whole frame or a bad header waits */

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = ibuf->rbuf + ibuf->rlen;
	iov.iov_len = 2 * ibuf->maxsize - ibuf->rlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

 again:
	if ((n = recvmsg(ibuf->fd, &msg, MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EINTR)
			goto again;
		if (errno == EMSGSIZE && msg.msg_control != NULL) {
			/* No room for the fd: take the data, lose the fd. */
			msg.msg_control = NULL;
			msg.msg_controllen = 0;
			goto again;
		}
		return (-1);	/* EAGAIN included: nothing to read */
	}
	if (n == 0)
		return (0);

	start = ibuf->rseq + ibuf->rlen;
	ibuf->rlen += n;

	/*
	 * MSG_CTRUNC (the fd did not fit, e.g. our fd table is full) needs
	 * nothing more: the fd is gone, and its message will find no fd
	 * in its range, so it is delivered with fd -1.
	 */
	if (msg.msg_control == NULL || msg.msg_controllen < sizeof(*cmsg))
		return (1);
	end = (unsigned char *)msg.msg_control + msg.msg_controllen;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if ((size_t)(end - CMSG_DATA(cmsg)) / sizeof(int) < nfds)
			nfds = (size_t)(end - CMSG_DATA(cmsg)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(fd));
			if (gotfd || error) {
				/* one fd per recvmsg: the rest are extras */
				close(fd);
				continue;
			}
			gotfd = 1;
			if (imsgbuf_take_fd(ibuf, fd, start,
			    start + (uint64_t)n) == -1) {
				error = 1;
				saved_errno = errno;
			}
		}
	}
	if (error) {
		errno = saved_errno;
		return (-1);
	}
	return (1);
}

int
imsg_get(struct imsgbuf *ibuf, struct imsg *imsg)
{
	struct imsg_hdr	 hdr;
	struct imsg_rfd	*rfd;
	unsigned char	*p;
	size_t		 datalen;

	if (ibuf->rbuf == NULL || ibuf->rlen < IMSG_HEADER_SIZE)
		return (0);
	p = ibuf->rbuf + ibuf->rpos;
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.len < IMSG_HEADER_SIZE || hdr.len > ibuf->maxsize ||
	    (hdr.flags & ~IMSGF_HASFD) != 0) {
		errno = EBADMSG;
		return (-1);
	}
	if (ibuf->rlen < hdr.len)
		return (0);

	datalen = hdr.len - IMSG_HEADER_SIZE;
	memset(imsg, 0, sizeof(*imsg));
	imsg->fd = -1;
	if (datalen > 0) {
		if ((imsg->data = malloc(datalen)) == NULL)
			return (-1);
		memcpy(imsg->data, p + IMSG_HEADER_SIZE, datalen);
	}
	imsg->hdr = hdr;
	imsg->datalen = datalen;

	imsgbuf_drop_fds(ibuf, ibuf->rseq);
	rfd = TAILQ_FIRST(&ibuf->rfds);
	if ((hdr.flags & IMSGF_HASFD) && rfd != NULL &&
	    rfd->start <= ibuf->rseq) {
		TAILQ_REMOVE(&ibuf->rfds, rfd, entry);
		ibuf->nrfds--;
		imsg->fd = rfd->fd;
		free(rfd);
	}

	ibuf->rpos += hdr.len;
	ibuf->rlen -= hdr.len;
	ibuf->rseq += hdr.len;
	if (ibuf->rlen == 0)
		ibuf->rpos = 0;
	return (1);
}

void
imsg_free(struct imsg *imsg)
{
	free(imsg->data);
	imsg->data = NULL;
	imsg->datalen = 0;
	if (imsg->fd != -1)
		close(imsg->fd);
	imsg->fd = -1;
}

int
imsg_get_data(struct imsg *imsg, void *data, size_t len)
{
	if (len != imsg->datalen) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > 0)
		memcpy(data, imsg->data, len);
	return (0);
}

int
imsg_get_fd(struct imsg *imsg)
{
	int	 fd;

	fd = imsg->fd;
	imsg->fd = -1;
	return (fd);
}

int
imsg_compose(struct imsgbuf *ibuf, uint32_t type, uint32_t peerid,
    pid_t pid, int fd, const void *data, size_t datalen)
{
	struct imsg_wbuf	*wb;
	struct imsg_hdr		 hdr;

	if (datalen > ibuf->maxsize - IMSG_HEADER_SIZE) {
		errno = EMSGSIZE;
		return (-1);
	}
	if ((datalen > 0 && data == NULL) || fd < -1) {
		errno = EINVAL;
		return (-1);
	}
	if ((wb = malloc(sizeof(*wb) + IMSG_HEADER_SIZE + datalen)) == NULL)
		return (-1);

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = IMSG_HEADER_SIZE + datalen;
	hdr.flags = fd == -1 ? 0 : IMSGF_HASFD;
	hdr.peerid = peerid;
	hdr.pid = (uint32_t)(pid != 0 ? pid : ibuf->pid);
	memcpy(wb->buf, &hdr, sizeof(hdr));
	if (datalen > 0)
		memcpy(wb->buf + IMSG_HEADER_SIZE, data, datalen);
	wb->len = hdr.len;
	wb->off = 0;
	wb->fd = fd;

	TAILQ_INSERT_TAIL(&ibuf->wq, wb, entry);
	ibuf->wqlen++;
	ibuf->wqbytes += wb->len;
	return (0);
}

/* Drop n sent bytes from the head of the write queue. */
static void
imsgbuf_consume(struct imsgbuf *ibuf, size_t n)
{
	struct imsg_wbuf	*wb;
	size_t			 left;

	while (n > 0 && (wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		left = wb->len - wb->off;
		if (n < left) {
			wb->off += n;
			ibuf->wqbytes -= n;
			return;
		}
		n -= left;
		ibuf->wqbytes -= left;
		TAILQ_REMOVE(&ibuf->wq, wb, entry);
		ibuf->wqlen--;
		if (wb->fd != -1)
			close(wb->fd);
		free(wb);
	}
}

int
imsgbuf_write(struct imsgbuf *ibuf)
{
	struct iovec		 iov[IMSG_IOV_MAX];
	union imsg_cmsgbuf	 cmsgbuf;
	struct msghdr		 msg;
	struct cmsghdr		*cmsg;
	struct imsg_wbuf	*wb, *first;
	ssize_t			 n;
	int			 i;

	while ((first = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		i = 0;
		TAILQ_FOREACH(wb, &ibuf->wq, entry) {
			/* An fd goes with the first byte of its frame. */
			if (i == IMSG_IOV_MAX || (i > 0 && wb->fd != -1))
				break;
			iov[i].iov_base = wb->buf + wb->off;
			iov[i].iov_len = wb->len - wb->off;
			i++;
		}

		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = i;
		if (first->fd != -1) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cmsg), &first->fd, sizeof(int));
		}

		if ((n = sendmsg(ibuf->fd, &msg, MSG_NOSIGNAL)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ENOBUFS)
				return (0);
			return (-1);
		}
		if (first->fd != -1) {
			/* sent along with the first byte: drop our copy */
			close(first->fd);
			first->fd = -1;
		}
		imsgbuf_consume(ibuf, (size_t)n);
	}
	return (0);
}

int
imsgbuf_flush(struct imsgbuf *ibuf)
{
	return (imsgbuf_flush_timeout(ibuf, -1));
}

/*
 * As imsgbuf_flush, but waits at most timeout_ms in all (-1: forever);
 * -1 with ETIMEDOUT when the peer did not take the queue in time (a
 * stopped or hung reader must not stop the writer for ever).
 */
int
imsgbuf_flush_timeout(struct imsgbuf *ibuf, int timeout_ms)
{
	struct pollfd	 pfd;
	struct timespec	 t0, t1;
	long long	 left;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!TAILQ_EMPTY(&ibuf->wq)) {
		if (imsgbuf_write(ibuf) == -1)
			return (-1);
		if (TAILQ_EMPTY(&ibuf->wq))
			break;
		left = -1;
		if (timeout_ms >= 0) {
			(void)clock_gettime(CLOCK_MONOTONIC, &t1);
			left = timeout_ms - ((t1.tv_sec - t0.tv_sec) * 1000LL +
			    (t1.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0) {
				errno = ETIMEDOUT;
				return (-1);
			}
		}
		pfd.fd = ibuf->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			return (-1);
	}
	return (0);
}

void
imsgbuf_clear(struct imsgbuf *ibuf)
{
	struct imsg_wbuf	*wb;

	while ((wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		TAILQ_REMOVE(&ibuf->wq, wb, entry);
		if (wb->fd != -1)
			close(wb->fd);
		free(wb);
	}
	ibuf->wqlen = 0;
	ibuf->wqbytes = 0;
	imsgbuf_drop_fds(ibuf, UINT64_MAX);
	free(ibuf->rbuf);
	ibuf->rbuf = NULL;
	ibuf->rpos = 0;
	ibuf->rlen = 0;
}

unsigned int
imsgbuf_queuelen(struct imsgbuf *ibuf)
{
	return (ibuf->wqlen);
}

int
imsgev_init(struct imsgev *iev, int fd, void *data,
    imsgev_dispatch_cb dispatch, imsgev_closed_cb closed)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return (-1);

	memset(iev, 0, sizeof(*iev));
	if (imsgbuf_init(&iev->ibuf, fd) == -1)
		return (-1);
	iev->dispatch = dispatch;
	iev->closed = closed;
	iev->data = data;
	iev->events = EV_READ;
	event_set(&iev->ev, fd, iev->events | EV_PERSIST, imsgev_handler, iev);
	if (event_add(&iev->ev, NULL) == -1) {
		imsgbuf_clear(&iev->ibuf);
		errno = ENOMEM;
		return (-1);
	}
	iev->active = 1;
	return (0);
}

int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peerid,
    pid_t pid, int fd, const void *data, size_t datalen)
{
	if (!iev->active) {
		errno = EPIPE;
		return (-1);
	}
	if (imsg_compose(&iev->ibuf, type, peerid, pid, fd, data,
	    datalen) == -1)
		return (-1);
	/*
	 * A burst (every service at start-up, a status of 1,000 services)
	 * goes out as it is made, into the socket buffer, instead of
	 * piling up until the event loop comes back: the memory of the
	 * queue is freed and reused at once, and the heap does not keep the
	 * peak.  An error shows again at the next EV_WRITE.
	 */
	if (iev->ibuf.wqbytes >= IMSGEV_EAGER)
		(void)imsgbuf_write(&iev->ibuf);
	if (iev->ibuf.wqbytes > iev->wqpeak)
		iev->wqpeak = iev->ibuf.wqbytes;
	imsgev_update(iev);
	return (0);
}

void
imsgev_close(struct imsgev *iev)
{
	if (!iev->active)
		return;
	iev->active = 0;
	event_del(&iev->ev);
	imsgbuf_clear(&iev->ibuf);
	close(iev->ibuf.fd);
	iev->ibuf.fd = -1;
}

/* EV_READ always, EV_WRITE while something is queued. */
static void
imsgev_update(struct imsgev *iev)
{
	short	 events = EV_READ;

	if (imsgbuf_queuelen(&iev->ibuf) > 0)
		events |= EV_WRITE;
	if (events == iev->events)
		return;
	event_del(&iev->ev);
	iev->events = events;
	event_set(&iev->ev, iev->ibuf.fd, events | EV_PERSIST,
	    imsgev_handler, iev);
	if (event_add(&iev->ev, NULL) == -1)
		fatalx("%s: event_add", __func__);
}

/*
 * Close the channel and tell the owner.  closed() may free iev: the
 * caller must return at once without touching iev again.
 */
static void
imsgev_fail(struct imsgev *iev, const char *reason)
{
	imsgev_closed_cb	 closed = iev->closed;

	imsgev_close(iev);
	if (closed != NULL)
		closed(iev, reason);
}

/*
 * Dispatch every whole message received so far; -1 when the channel was
 * closed here (by the dispatch, or for a bad message).
 */
static int
imsgev_dispatch_all(struct imsgev *iev)
{
	struct imsg	 imsg;
	int		 r;

	for (;;) {
		if ((r = imsg_get(&iev->ibuf, &imsg)) == -1) {
			imsgev_fail(iev, errno == EBADMSG ?
			    "bad message framing" : strerror(errno));
			return (-1);
		}
		if (r == 0)
			return (0);
		r = iev->dispatch(iev, &imsg);
		imsg_free(&imsg);
		if (!iev->active)
			return (-1);		/* closed by dispatch */
		if (r == -1) {
			imsgev_fail(iev, "bad message");
			return (-1);
		}
	}
}

/*
 * Read and dispatch what the peer has sent so far (bounded: a peer that
 * is not gone may go on sending); 0, or -1 when the channel was closed
 * here (the peer's end seen, a bad message, or closed by the dispatch).
 */
int
imsgev_drain(struct imsgev *iev)
{
	ssize_t	 n;
	int	 i;

	if (!iev->active)
		return (-1);
	for (i = 0; i < 64; i++) {
		if ((n = imsgbuf_read(&iev->ibuf)) == 0) {
			imsgev_fail(iev, "closed");
			return (-1);
		}
		if (n == -1) {
			if (errno == EAGAIN)
				break;
			imsgev_fail(iev, strerror(errno));
			return (-1);
		}
		if (imsgev_dispatch_all(iev) == -1)
			return (-1);
	}
	return (imsgev_dispatch_all(iev));
}

/*
 * A write failed (the peer is gone): what the peer sent before it went
 * is still in the socket, and may be its last word (the parent's
 * IMSG_LOG_SHUTDOWN before a clean exit).  Read and dispatch all of it
 * first; then the channel fails.
 */
static void
imsgev_fail_write(struct imsgev *iev, int error)
{
	if (imsgev_drain(iev) == -1)
		return;
	imsgev_fail(iev, strerror(error));
}

static void
imsgev_handler(int fd, short event, void *arg)
{
	struct imsgev	*iev = arg;
	ssize_t		 n;

	if (event & EV_READ) {
		if ((n = imsgbuf_read(&iev->ibuf)) == 0) {
			imsgev_fail(iev, "closed");
			return;
		}
		if (n == -1 && errno != EAGAIN) {
			imsgev_fail(iev, strerror(errno));
			return;
		}
		if (imsgev_dispatch_all(iev) == -1)
			return;
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(&iev->ibuf) == -1) {
			imsgev_fail_write(iev, errno);
			return;
		}
		/*
		 * A slow reader made the queue grow, and it is empty now:
		 * give the pages back to the system, not only to malloc.
		 */
		if (iev->ibuf.wqbytes == 0 && iev->wqpeak >= IMSGEV_TRIM_AFTER)
			compat_heap_release();
		if (iev->ibuf.wqbytes == 0)
			iev->wqpeak = 0;
	}
	imsgev_update(iev);
}
