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
 * One stream: the read end of a service's stdout (or stderr) pipe.
 *
 * A turn takes what is in the pipe, at most LOG_READ_MAX bytes, into the
 * stream's journal (shared memory the parent keeps, see logger.h) and
 * writes every complete line out before the next turn: the logger never
 * holds more than one chunk per stream, so memory stays bounded.  Writes
 * to a file block the logger while the disk catches up, which leaves the
 * data in the pipe and makes a flooding service block on its write: that
 * is the backpressure.  When a write fails (disk full) or syslog is busy,
 * the stream stops reading (the service blocks) and retries.
 *
 * Lines: a line longer than LOG_LINE_MAX is split; a partial line at the
 * end of a chunk is held (in the journal) until its newline comes, for at
 * most LOGGER_HOLD_MS, then written as it is; at the end of the stream it
 * is written with a newline.  With timestamps each line starts with the
 * RFC 3339 local time, milliseconds and offset, of the read that
 * completed it: "2026-11-22T01:36:05.123+01:00 ".
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "logger.h"
#include "proc.h"

#define STREAM_RETRY_MIN_MS	100
#define STREAM_RETRY_MAX_MS	5000
#define STREAM_TURNS		4	/* chunks per wake-up */
#define OB_IOV			256
#define OBUF_SIZE		(128 * 1024)

/* The journal (logger_journal.c): the chunk in hand, its area. */
#define JREC(ls)	logger_jr_rec((ls)->jr)
#define AREA(ls, a)	logger_jr_area((ls)->jr, (a))

/* Output of one chunk, gathered for one writev. */
struct obatch {
	struct iovec	 iov[OB_IOV];
	int		 niov;
	size_t		 bytes;
	size_t		 used;		/* of stream_obuf */
	uint32_t	 in_end;	/* chunk offset reached */
};

struct logger_stream_list logger_streams =
    TAILQ_HEAD_INITIALIZER(logger_streams);

static unsigned char	 stream_obuf[OBUF_SIZE];
static int		 stream_scratch[2] = { -1, -1 };
static int		 stream_busy;	/* inside a turn */

static void	stream_read_cb(int, short, void *);
static void	stream_retry_cb(int, short, void *);
static void	stream_hold_cb(int, short, void *);
static void	stream_step(struct logger_stream *);
static int	stream_take(struct logger_stream *);
static int	stream_output(struct logger_stream *);
static void	stream_commit(struct logger_stream *);
static void	stream_finish(struct logger_stream *);
static void	stream_stall(struct logger_stream *);
static void	stream_recover(struct logger_stream *);

/*
 * The retry and hold timers: most streams never stall and never hold a
 * partial line, so each comes when first needed.
 */
static struct event *
stream_timer(struct event **evp, void (*cb)(int, short, void *),
    struct logger_stream *ls)
{
	if (*evp == NULL) {
		if ((*evp = malloc(sizeof(**evp))) == NULL)
			fatal(NULL);
		evtimer_set(*evp, cb, ls);
	}
	return (*evp);
}

int
logger_stream_init(void)
{
	return (pipe2(stream_scratch, O_CLOEXEC | O_NONBLOCK));
}

void
logger_stream_new(const struct msg_log_attach *conf, int fd,
    struct logger_journal *jr, int fresh, int jfd)
{
	struct logger_stream	*ls;
	char			 path[LOGGER_PATHMAX];
	int			 fl;

	if ((ls = calloc(1, sizeof(*ls))) == NULL)
		fatal(NULL);
	ls->sid = conf->sid;
	ls->conf = *conf;
	ls->fd = fd;
	ls->jfd = jfd;
	ls->jr = jr;
	ls->jr_untouched = fresh;
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	logger_path(conf->id, conf->stream == LOG_STREAM_ERR, path,
	    sizeof(path));
	ls->file = logger_file_get(path);
	if (conf->dest == LOG_DEST_FILE)
		(void)logger_file_open(ls->file);

	event_set(&ls->ev, fd, EV_READ | EV_PERSIST, stream_read_cb, ls);
	TAILQ_INSERT_TAIL(&logger_streams, ls, entry);

	stream_recover(ls);
	log_debug("%s: %s attached (stream %u)", conf->id,
	    conf->stream == LOG_STREAM_ERR ? "stderr" : "stdout", ls->sid);
	/* Finish what the previous logger left, then read. */
	stream_step(ls);
}

void
logger_stream_settings(struct logger_stream *ls,
    const struct msg_log_attach *conf)
{
	ls->conf.dest = conf->dest;
	ls->conf.keep = conf->keep;
	ls->conf.timestamps = conf->timestamps;
	ls->conf.max_size = conf->max_size;
	if (conf->dest == LOG_DEST_FILE)
		(void)logger_file_open(ls->file);
}

struct logger_stream *
logger_stream_find(uint32_t sid)
{
	struct logger_stream	*ls;

	TAILQ_FOREACH(ls, &logger_streams, entry)
		if (ls->sid == sid)
			return (ls);
	return (NULL);
}

void
logger_stream_free(struct logger_stream *ls)
{
	if (ls->reading)
		event_del(&ls->ev);
	if (ls->retry_ev != NULL) {
		evtimer_del(ls->retry_ev);
		free(ls->retry_ev);
	}
	if (ls->hold_ev != NULL) {
		evtimer_del(ls->hold_ev);
		free(ls->hold_ev);
	}
	if (ls->fd != -1)
		close(ls->fd);
	if (ls->jfd != -1)
		close(ls->jfd);
	TAILQ_REMOVE(&logger_streams, ls, entry);
	logger_file_put(ls->file);
	munmap(ls->jr, LOG_JOURNAL_SIZE);
	free(ls);
}

static void
stream_undo(void *arg, uint64_t dev, uint64_t ino, uint64_t off)
{
	struct logger_stream	*ls = arg;

	logger_file_undo(ls->file, dev, ino, off);
}

/* Finish from the journal what the previous logger was doing. */
static void
stream_recover(struct logger_stream *ls)
{
	/* All zero, nothing to recover; made valid on first use. */
	if (ls->jr_untouched)
		return;
	(void)logger_jr_replay(ls->jr, ls->conf.id, stream_undo, ls);
}

static void
stream_read_cb(int fd, short ev, void *arg)
{
	stream_step(arg);
}

static void
stream_retry_cb(int fd, short ev, void *arg)
{
	stream_step(arg);
}

/* A partial line waited long enough: write it as it is. */
static void
stream_hold_cb(int fd, short ev, void *arg)
{
	struct logger_stream	*ls = arg;

	if (ls->retry_ms != 0 || !logger_jr_flush_held(ls->jr, JR_F_FLUSH))
		return;
	stream_step(ls);
}

/* One wake-up: finish a pending chunk, then take a few more. */
static void
stream_step(struct logger_stream *ls)
{
	int	 i, rv;

	stream_busy = 1;
	for (i = 0; ; i++) {
		if (!ls->jr_untouched && JREC(ls)->phase == JR_READ) {
			if (stream_output(ls) == -1) {
				stream_stall(ls);
				stream_busy = 0;
				return;
			}
			stream_commit(ls);
		}
		if (i == STREAM_TURNS || ls->eof || ls->fd == -1)
			break;
		if ((rv = stream_take(ls)) == 0)
			break;
		if (rv == -1)
			ls->eof = 1;
	}
	stream_busy = 0;
	if (ls->retry_ms != 0) {
		if (ls->stall_logged)
			log_info("%s: writing again", ls->conf.id);
		ls->retry_ms = 0;
		ls->stall_logged = 0;
		evtimer_del(ls->retry_ev);
	}
	if (ls->eof) {
		stream_finish(ls);	/* may free ls */
		return;
	}
	if (ls->fd != -1 && !ls->reading) {
		event_add(&ls->ev, NULL);
		ls->reading = 1;
	}
}

static void
stream_stall(struct logger_stream *ls)
{
	struct timeval	 tv;

	if (ls->reading) {
		event_del(&ls->ev);
		ls->reading = 0;
	}
	if (ls->retry_ms == 0)
		ls->retry_ms = STREAM_RETRY_MIN_MS;
	else if ((ls->retry_ms *= 2) > STREAM_RETRY_MAX_MS)
		ls->retry_ms = STREAM_RETRY_MAX_MS;
	tv.tv_sec = ls->retry_ms / 1000;
	tv.tv_usec = (ls->retry_ms % 1000) * 1000;
	evtimer_add(stream_timer(&ls->retry_ev, stream_retry_cb, ls), &tv);
}

/*
 * Take the next chunk from the pipe into the journal.  1: taken;
 * 0: nothing there now; -1: the end (no writer is left, nothing is left).
 */
static int
stream_take(struct logger_stream *ls)
{
	struct pollfd		 pfd;
	unsigned char		*a, b;
	ssize_t			 n;
	int			 avail;

	if (ioctl(ls->fd, FIONREAD, &avail) == -1) {
		log_warn("%s: FIONREAD", ls->conf.id);
		return (-1);
	}
	if (avail <= 0) {
		pfd.fd = ls->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP) &&
		    ioctl(ls->fd, FIONREAD, &avail) == 0 && avail == 0)
			return (-1);
		return (0);
	}
	if (avail > LOG_READ_MAX)
		avail = LOG_READ_MAX;

	/* The first byte, without taking it (for the journal). */
	if (compat_pipe_peek(ls->fd, stream_scratch[1], stream_scratch[0],
	    &b) == -1) {
		log_warn("%s: peek", ls->conf.id);
		return (0);
	}

	if (ls->jr_untouched) {
		/* First output: the journal, all zero, becomes valid. */
		logger_jr_fresh(ls->jr);
		ls->jr_untouched = 0;
	}
	a = logger_jr_read_begin(ls->jr, avail, b);
	n = read(ls->fd, a, avail);
	logger_jr_read_end(ls->jr, n);
	if (n <= 0) {
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			log_warn("%s: read", ls->conf.id);
			return (-1);
		}
		return (0);
	}
	if (n != avail)
		log_warnx("%s: short read (%zd of %d)", ls->conf.id, n, avail);
	return (1);
}

static void
ob_reset(struct obatch *b, uint32_t in)
{
	b->niov = 0;
	b->bytes = 0;
	b->used = 0;
	b->in_end = in;
}

static void
ob_add(struct obatch *b, const void *p, size_t len)
{
	struct iovec	*last = b->niov > 0 ? &b->iov[b->niov - 1] : NULL;

	if (last != NULL && (const char *)last->iov_base + last->iov_len ==
	    (const char *)p)
		last->iov_len += len;
	else {
		b->iov[b->niov].iov_base = (void *)p;
		b->iov[b->niov].iov_len = len;
		b->niov++;
	}
	b->bytes += len;
}

/*
 * Copy into the output buffer (timestamps): the whole buffer becomes
 * one iovec when the batch is written.
 */
static inline void
ob_copy(struct obatch *b, const void *p, size_t len)
{
	memcpy(stream_obuf + b->used, p, len);
	b->used += len;
	b->bytes += len;
}

/*
 * Write the batch to the file, journalled: a write that a SIGKILL cuts
 * short is cut back from the file by the next logger and done again.
 */
static int
ob_flush(struct logger_stream *ls, struct obatch *b)
{
	struct logger_jrec	*r = JREC(ls);
	struct logger_file	*f = ls->file;
	struct iovec		 iov[OB_IOV], *v = b->iov;
	size_t			 left = b->bytes;
	ssize_t			 n;
	int			 niov;

	if (b->used > 0) {
		/* Timestamps: everything is in stream_obuf. */
		b->iov[0].iov_base = stream_obuf;
		b->iov[0].iov_len = b->used;
		b->niov = 1;
	}
	niov = b->niov;
	if (b->niov == 0) {
		logger_jr_done(ls->jr, b->in_end);
		return (0);
	}
	logger_jr_write_begin(ls->jr, f->size, f->dev, f->ino);
	while (left > 0) {
		if ((n = writev(f->fd, v, niov)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == 0)
				errno = EIO;
			if (ls->retry_ms == 0) {
				log_warn("%s: write %s", ls->conf.id, f->path);
				ls->stall_logged = 1;
			}
			if (left != b->bytes)
				logger_file_undo(f, r->wr_dev, r->wr_ino,
				    r->wr_off);
			logger_jr_write_fail(ls->jr);
			return (-1);
		}
		f->size += n;
		left -= n;
		if (left == 0)
			break;
		/* Short write: go on from where it stopped. */
		if (v == b->iov) {
			memcpy(iov, b->iov, niov * sizeof(*iov));
			v = iov;
		}
		while ((size_t)n >= v->iov_len) {
			n -= v->iov_len;
			v++;
			niov--;
		}
		v->iov_base = (char *)v->iov_base + n;
		v->iov_len -= n;
	}
	logger_jr_write_end(ls->jr, b->in_end);
	logger_follow_kick();
	ob_reset(b, b->in_end);
	return (0);
}

static int
stream_syslog_line(struct logger_stream *ls, const unsigned char *p,
    size_t len, const struct timespec *ts)
{
	char		 base[VIGIL_IDNAMEMAX], *colon;	/* "web-2" */
	int		 pri;

	strlcpy(base, ls->conf.id, sizeof(base));
	if ((colon = strchr(base, ':')) != NULL)
		*colon = '-';
	pri = LOG_DAEMON | (ls->conf.stream == LOG_STREAM_ERR ? LOG_ERR :
	    LOG_INFO);
	if (len > 0 && p[len - 1] == '\n')
		len--;
	if (len == 0)
		return (1);	/* an empty line is no message */
	switch (logger_syslog_send(base, pri, ts, (const char *)p, len)) {
	case 1:
		return (1);
	case 0:
		return (0);
	default:
		return (-1);
	}
}

/* No console (vigild's stdout closed, or none): the file. */
static void
stream_console_down(struct logger_stream *ls)
{
	if (!ls->syslog_warned)
		log_warnx("%s: no console (vigild's stdout), writing to %s",
		    ls->conf.id, ls->file->path);
	ls->syslog_warned = 1;
}

/* No syslog: the file, until it is back (asked for every few seconds). */
static void
stream_syslog_down(struct logger_stream *ls)
{
	if (!ls->syslog_warned)
		log_warnx("%s: syslog unavailable, writing to %s", ls->conf.id,
		    ls->file->path);
	ls->syslog_warned = 1;
	logger_syslog_request();
}

/*
 * Write the chunk's lines out, from done on; a partial last line stays
 * (unless the chunk says to flush it).  0: done, -1: stalled.
 */
static int
stream_output(struct logger_stream *ls)
{
	struct logger_jrec	*r = JREC(ls);
	struct logger_file	*f = ls->file;
	const unsigned char	*data = AREA(ls, r->area), *p;
	struct obatch		 b;
	struct timespec		 ts;
	char			 tsbuf[LOGGER_TSLEN + 1];
	uint32_t		 pos, end, lend, col, max, len, out, in;
	int			 addnl, bol, tsmode, use_syslog, runs, con, r1;
	int			 rot_ok = 1;

	ts.tv_sec = r->ts_sec;
	ts.tv_nsec = r->ts_nsec;
	if ((tsmode = ls->conf.timestamps) != 0) {
		logger_format_time(&ts, tsbuf, sizeof(tsbuf));
		tsbuf[LOGGER_TSLEN - 1] = ' ';
	}
	use_syslog = ls->conf.dest == LOG_DEST_SYSLOG && logger_syslog_up();
	if (ls->conf.dest == LOG_DEST_SYSLOG && !use_syslog)
		stream_syslog_down(ls);
	/* The console goes the syslog way: a line at a time, or the file. */
	con = ls->conf.dest == LOG_DEST_CONSOLE;
	if (con && logger_console_up())
		use_syslog = 1;
	else if (con) {
		stream_console_down(ls);
		con = 0;
	}
	if (!use_syslog && logger_file_open(f) == -1)
		return (-1);

	pos = r->done;
	end = r->len;
	col = pos == 0 ? r->col : 0;
	ob_reset(&b, pos);
	while (pos < end || ((r->flags & JR_F_EOF) && col > 0)) {
		in = end - pos;
		max = LOG_LINE_MAX - col;
		addnl = 0;
		/*
		 * Plain lines to a file far from max_size go out as runs:
		 * every line ending in the next max + 1 bytes is short
		 * enough, so one memrchr finds a whole run of them.
		 */
		runs = !tsmode && !use_syslog && (ls->conf.max_size == 0 ||
		    f->size + b.bytes + in <= ls->conf.max_size);
		if (runs)
			p = memrchr(data + pos, '\n', in < max + 1 ? in :
			    max + 1);
		else
			p = memchr(data + pos, '\n', in < max + 1 ? in :
			    max + 1);
		if (p != NULL)
			lend = p + 1 - data;
		else if (in > max) {
			lend = pos + max;	/* too long: split */
			addnl = 1;
		} else if (r->flags & JR_F_FLUSH) {
			lend = end;
			addnl = (r->flags & JR_F_EOF) != 0;
		} else
			break;			/* hold it */
		len = lend - pos;
		bol = col == 0;

		if (use_syslog) {
			r1 = con ? logger_console_send(ls->conf.id, data + pos,
			    len) : stream_syslog_line(ls, data + pos, len, &ts);
			switch (r1) {
			case 1:
				logger_jr_done(ls->jr, lend);
				if (ls->syslog_warned) {
					log_info("%s: sending to %s again",
					    ls->conf.id, con ? "the console" :
					    "syslog");
					ls->syslog_warned = 0;
				}
				break;
			case 0:
				return (-1);
			default:
				if (con)
					stream_console_down(ls);
				else
					stream_syslog_down(ls);
				use_syslog = con = 0;
				if (logger_file_open(f) == -1)
					return (-1);
				continue;
			}
		} else {
			out = (bol && tsmode ? LOGGER_TSLEN : 0) + len + addnl;
			if (rot_ok && ls->conf.max_size > 0 &&
			    f->size + b.bytes > 0 &&
			    f->size + b.bytes + out > ls->conf.max_size) {
				if (ob_flush(ls, &b) == -1)
					return (-1);
				if (logger_file_rotate(f, ls->conf.keep) == -1)
					rot_ok = 0;
				if (logger_file_open(f) == -1)
					return (-1);
			}
			if (b.niov + 3 > OB_IOV ||
			    (tsmode && b.used + out > OBUF_SIZE)) {
				if (ob_flush(ls, &b) == -1)
					return (-1);
			}
			if (tsmode) {
				if (bol)
					ob_copy(&b, tsbuf, LOGGER_TSLEN);
				ob_copy(&b, data + pos, len);
				if (addnl)
					ob_copy(&b, "\n", 1);
			} else {
				ob_add(&b, data + pos, len);
				if (addnl)
					ob_add(&b, "\n", 1);
			}
			b.in_end = lend;
		}
		if (addnl || (len > 0 && data[lend - 1] == '\n'))
			col = 0;
		else
			col += len;
		pos = lend;
	}
	if (!use_syslog && ob_flush(ls, &b) == -1)
		return (-1);
	ls->out_col = col;
	return (0);
}

/*
 * The chunk is written: the held partial line (if any) moves to the
 * start of the other area, and one store of cur commits it all.
 */
static void
stream_commit(struct logger_stream *ls)
{
	struct logger_jrec	*r = JREC(ls);
	struct timeval		 tv;
	uint32_t		 tail;
	int			 newline = r->done > 0 || r->carry == 0;

	tail = logger_jr_commit(ls->jr, ls->out_col);

	/* A new partial line may wait LOGGER_HOLD_MS, not more. */
	if (tail == 0) {
		if (ls->hold_ev != NULL)
			evtimer_del(ls->hold_ev);
	} else if (newline || ls->hold_ev == NULL ||
	    !evtimer_pending(ls->hold_ev, NULL)) {
		tv.tv_sec = LOGGER_HOLD_MS / 1000;
		tv.tv_usec = (LOGGER_HOLD_MS % 1000) * 1000;
		evtimer_add(stream_timer(&ls->hold_ev, stream_hold_cb, ls),
		    &tv);
	}
}

/* No writer is left: write what is held, say so, and go. */
static void
stream_finish(struct logger_stream *ls)
{
	struct logger_jrec	*r = JREC(ls);

	(void)logger_jr_flush_held(ls->jr, JR_F_FLUSH | JR_F_EOF);
	if (r->phase == JR_READ) {
		if (stream_output(ls) == -1) {
			stream_stall(ls);
			return;
		}
		stream_commit(ls);
	}
	log_debug("%s: stream %u ended", ls->conf.id, ls->sid);
	logger_stream_closed(ls);
}

/*
 * At exit (the parent went away or stops us): write what the pipes hold
 * now, without waiting for more.  Not from inside a turn: exit() there
 * comes from fatal(), with the state not to be trusted.
 */
void
logger_stream_drain_all(void)
{
	struct logger_stream	*ls;
	struct logger_jrec	*r;
	int			 i;

	if (stream_busy)
		return;
	TAILQ_FOREACH(ls, &logger_streams, entry) {
		for (i = 0; i < 1024; i++) {
			r = JREC(ls);
			if (r->phase == JR_READ) {
				if (stream_output(ls) == -1)
					break;
				stream_commit(ls);
			}
			if (ls->fd == -1 || stream_take(ls) != 1)
				break;
		}
		if (!logger_jr_flush_held(ls->jr, JR_F_FLUSH | JR_F_EOF))
			continue;
		if (stream_output(ls) == 0)
			stream_commit(ls);
	}
}
