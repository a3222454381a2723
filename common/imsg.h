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
 * vigil's own imsg: framed messages with optional fd passing over a
 * SOCK_STREAM unix socket, in the spirit of OpenBSD's imsg(3).  libbsd
 * has none, so this is ours.
 *
 * Wire format (host byte order, both ends on one machine):
 *	struct imsg_hdr (20 bytes) followed by len - 20 bytes of payload.
 * A message that carries a file descriptor has IMSGF_HASFD in flags; the
 * descriptor travels with the first byte of that message (SCM_RIGHTS,
 * never more than one descriptor per sendmsg).
 *
 * Everything is bounded: a header whose len is below the header size or
 * above the buffer's maximum is a protocol error (EBADMSG), never an
 * allocation.
 */

#ifndef VIGIL_IMSG_H
#define VIGIL_IMSG_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <event.h>

#define IMSG_MAXSIZE_DEFAULT	16384	/* header included */
#define IMSG_MAXSIZE_LIMIT	(1024 * 1024)
#define IMSGF_HASFD		0x0001
#define IMSGEV_EAGER		(8 * 1024)	/* queued bytes: write now */
#define IMSGEV_TRIM_AFTER	(1024 * 1024)	/* a queue peak worth a trim */
#define IMSG_MAXFDQUEUE		16	/* received fds waiting for a header */

struct imsg_hdr {
	uint32_t	 type;
	uint32_t	 len;		/* header + payload */
	uint32_t	 flags;		/* IMSGF_* */
	uint32_t	 peerid;
	uint32_t	 pid;
};
#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)

struct imsg {
	struct imsg_hdr	 hdr;
	int		 fd;		/* -1 when none was passed */
	void		*data;		/* payload, NULL when empty */
	size_t		 datalen;
};

struct imsg_wbuf;			/* one queued outgoing message */
struct imsg_rfd;			/* one received, not yet claimed fd */

struct imsgbuf {
	int			 fd;
	int			 allow_fdpass;	/* accept SCM_RIGHTS */
	size_t			 maxsize;	/* largest frame accepted/sent */
	unsigned char		*rbuf;		/* 2 * maxsize bytes */
	size_t			 rpos;		/* first unconsumed byte */
	size_t			 rlen;		/* bytes held from rpos on */
	uint64_t		 rseq;		/* stream offset of rpos */
	TAILQ_HEAD(, imsg_rfd)	 rfds;		/* fds before their message */
	unsigned int		 nrfds;
	TAILQ_HEAD(, imsg_wbuf)	 wq;		/* write queue */
	unsigned int		 wqlen;		/* messages queued */
	size_t			 wqbytes;	/* bytes queued */
	pid_t			 pid;		/* stamped into hdr.pid */
};

/*
 * Buffer.  imsgbuf_init allocates the read buffer (2 * maxsize) and
 * stamps getpid() as the default sender pid; 0, or -1 with errno.  It
 * does not touch the descriptor's flags (imsgev_init makes it
 * non-blocking).  fd passing is off until imsgbuf_allow_fdpass: until
 * then every received descriptor is closed at once.
 * imsgbuf_set_maxsize: IMSG_HEADER_SIZE..IMSG_MAXSIZE_LIMIT, else
 * EINVAL; set it on both ends before any traffic.
 */
int	imsgbuf_init(struct imsgbuf *, int fd);
void	imsgbuf_allow_fdpass(struct imsgbuf *);
int	imsgbuf_set_maxsize(struct imsgbuf *, size_t);
/*
 * Read what fits into the buffer.
 *  1: data was read, or the buffer is full because a complete frame is
 *     waiting (nothing was read): call imsg_get until it returns 0.
 *  0: EOF, the peer closed the channel.
 * -1: error, errno set.  errno EAGAIN (the socket would block) is NOT an
 *     error: treat it as "nothing to do, wait for the next EV_READ".
 *     EBADMSG: the peer broke the fd protocol (fd queue overflow).
 * EINTR is retried internally.
 */
ssize_t	imsgbuf_read(struct imsgbuf *);
/*
 * 0: the queue was written, or what is left would block (EAGAIN/EINTR);
 * -1: error (errno, e.g. EPIPE when the peer is gone).  Never SIGPIPE.
 */
int	imsgbuf_write(struct imsgbuf *);
/* Blocking write of the whole queue (poll); 0 or -1.  Startup/shutdown. */
int	imsgbuf_flush(struct imsgbuf *);
/* The same within timeout_ms in all (-1: forever); ETIMEDOUT. */
int	imsgbuf_flush_timeout(struct imsgbuf *, int);
/* Frees everything, closes queued and received fds; not ibuf->fd. */
void	imsgbuf_clear(struct imsgbuf *);
unsigned int	imsgbuf_queuelen(struct imsgbuf *);

/*
 * 1: a message was returned in *imsg (caller must imsg_free it),
 * 0: no complete message buffered, -1: protocol error (errno EBADMSG).
 */
int	imsg_get(struct imsgbuf *, struct imsg *);
void	imsg_free(struct imsg *);

/*
 * Queue one message.  fd is -1 or a descriptor that is closed by the
 * buffer once sent (or on clear).  Returns 0, or -1 with errno
 * (EMSGSIZE when the frame would exceed maxsize); on failure the
 * caller still owns fd.  pid 0 means ibuf->pid.
 */
int	imsg_compose(struct imsgbuf *, uint32_t type, uint32_t peerid,
	    pid_t pid, int fd, const void *data, size_t datalen);

/*
 * Exact-size payload copy: -1 with errno EBADMSG unless len matches
 * (len 0 for an empty payload is fine, the buffer may then be NULL).
 */
int	imsg_get_data(struct imsg *, void *, size_t);
/*
 * Take ownership of the passed fd (-1 if none, or if the sender's fd
 * was lost on the way, e.g. the receiver's fd table was full);
 * imsg->fd becomes -1.  imsg_free closes an fd nobody took.
 */
int	imsg_get_fd(struct imsg *);

/*
 * Glue to libevent (legacy event_set API, as on OpenBSD).
 * imsgev_init makes fd non-blocking, keeps EV_READ armed and EV_WRITE
 * armed while the write queue is non-empty.  imsgev_compose writes at
 * once when IMSGEV_EAGER bytes or more are queued, so a burst does not
 * pile up (and stay in the heap) until the event loop comes back.  fd
 * passing is off: call imsgbuf_allow_fdpass(&iev->ibuf) on trusted
 * channels.
 * dispatch returns 0 to go on, -1 on a protocol error: the channel is
 * then closed and closed() is called with the reason ("bad message").
 * closed() is also called on EOF (reason "closed"), on a framing error
 * ("bad message framing") and on I/O errors (strerror).  The channel
 * is already closed when closed() runs; closed() may free the struct
 * holding the imsgev.  dispatch may call imsgev_close() on its own
 * imsgev (dispatching then stops, closed() is not called) but must not
 * free it.  After imsgev_close or closed(), the imsgev must not be used
 * again except by imsgev_init; imsgev_compose on it fails with EPIPE.
 */
struct imsgev;
typedef int	(*imsgev_dispatch_cb)(struct imsgev *, struct imsg *);
typedef void	(*imsgev_closed_cb)(struct imsgev *, const char *reason);

struct imsgev {
	struct imsgbuf		 ibuf;
	struct event		 ev;
	short			 events;
	int			 active;
	imsgev_dispatch_cb	 dispatch;
	imsgev_closed_cb	 closed;
	void			*data;
	size_t			 wqpeak;	/* the queue's most, until empty */
};

int	imsgev_init(struct imsgev *, int fd, void *data,
	    imsgev_dispatch_cb, imsgev_closed_cb);
int	imsgev_compose(struct imsgev *, uint32_t type, uint32_t peerid,
	    pid_t pid, int fd, const void *data, size_t datalen);
void	imsgev_close(struct imsgev *);	/* deletes event, clears, closes fd */
/* Read and dispatch what has come; -1 if the channel closed meanwhile. */
int	imsgev_drain(struct imsgev *);

#endif /* VIGIL_IMSG_H */
