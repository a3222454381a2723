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
 * tail, tail -f, logs, logs -f and clear for vigilctl (via the parent).
 *
 * A reader is served from the files, not from the write path: it keeps
 * a descriptor and an offset per file, starts `count' lines before the
 * end, and on every write (kicked from the streams, batched every
 * FOLLOW_PUMP_MS) sends whatever lies between its offset and the end, in
 * whole lines.  Writing never waits for a reader and nothing is copied
 * for one in memory: a reader that falls behind only has its offset lag
 * (while the channel to the parent holds more than FOLLOW_QUEUEMAX, it
 * waits); one that lags more than FOLLOW_LAGMAX skips ahead and is told
 * how many lines it missed.  When the file is rotated or reopened, the
 * reader finishes the old one and goes on with the new; after `clear' it
 * starts again at 0.  Control drops the lines of a client that does not
 * read fast enough and tells it too (control/control_logs.c).
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "logger.h"
#include "msg_ctl.h"

#define FOLLOW_READ		65536
#define FOLLOW_BUDGET		(256 * 1024)	/* per file per pump */
#define FOLLOW_QUEUEMAX		(512 * 1024)
#define FOLLOW_LAGMAX		(8 * 1024 * 1024)
#define FOLLOW_PUMP_MS		20
#define FOLLOW_MAXREQ		1024

struct follow_file {
	TAILQ_ENTRY(follow_file) entry;
	char			 id[VIGIL_IDNAMEMAX];
	uint32_t		 flags;		/* CTL_LOG_ERR */
	char			 path[LOGGER_PATHMAX];
	int			 fd;		/* -1: not there (yet) */
	off_t			 pos;
	off_t			 end;		/* no -f: stop here */
	int			 done;
};

struct follower {
	TAILQ_ENTRY(follower)	 entry;
	uint32_t		 reqid;
	int			 started;
	int			 follow;
	uint32_t		 count;
	unsigned int		 nfiles;
	TAILQ_HEAD(, follow_file) files;
};

static TAILQ_HEAD(, follower)	 followers =
    TAILQ_HEAD_INITIALIZER(followers);
static unsigned int		 nfollowers;
static struct imsgev		*follow_iev;
static struct event		 follow_ev;
static unsigned char		 follow_buf[FOLLOW_READ];

static void	follow_pump(int, short, void *);

void
logger_follow_init(struct imsgev *iev)
{
	follow_iev = iev;
	evtimer_set(&follow_ev, follow_pump, NULL);
}

static void
follow_schedule(void)
{
	struct timeval	 tv = { 0, FOLLOW_PUMP_MS * 1000 };

	if (!evtimer_pending(&follow_ev, NULL))
		evtimer_add(&follow_ev, &tv);
}

/* Something was written: readers that follow have news. */
void
logger_follow_kick(void)
{
	if (nfollowers > 0)
		follow_schedule();
}

static struct follower *
follow_find(uint32_t reqid)
{
	struct follower	*fw;

	TAILQ_FOREACH(fw, &followers, entry)
		if (fw->reqid == reqid)
			return (fw);
	return (NULL);
}

static void
follow_free(struct follower *fw)
{
	struct follow_file	*ff;

	while ((ff = TAILQ_FIRST(&fw->files)) != NULL) {
		TAILQ_REMOVE(&fw->files, ff, entry);
		if (ff->fd != -1)
			close(ff->fd);
		free(ff);
	}
	TAILQ_REMOVE(&followers, fw, entry);
	nfollowers--;
	free(fw);
}

int
logger_follow_file(const struct msg_log_tailfile *m)
{
	struct follower		*fw;
	struct follow_file	*ff;

	if (!MSG_STR_OK(m->id) || m->id[0] == '\0' ||
	    strchr(m->id, '/') != NULL || m->id[0] == '.' ||
	    (m->flags & ~CTL_LOG_ERR) != 0)
		return (-1);
	/* A request id seen before belongs to a client long gone. */
	if ((fw = follow_find(m->reqid)) != NULL && fw->started) {
		follow_free(fw);
		fw = NULL;
	}
	if (fw == NULL) {
		if (nfollowers >= FOLLOW_MAXREQ)
			return (-1);
		if ((fw = calloc(1, sizeof(*fw))) == NULL)
			fatal(NULL);
		fw->reqid = m->reqid;
		TAILQ_INIT(&fw->files);
		TAILQ_INSERT_TAIL(&followers, fw, entry);
		nfollowers++;
	}
	if (fw->nfiles >= LOG_TAIL_MAXFILES)
		return (-1);
	if ((ff = calloc(1, sizeof(*ff))) == NULL)
		fatal(NULL);
	strlcpy(ff->id, m->id, sizeof(ff->id));
	ff->flags = m->flags;
	logger_path(m->id, m->flags & CTL_LOG_ERR, ff->path, sizeof(ff->path));
	ff->fd = -1;
	ff->end = -1;
	TAILQ_INSERT_TAIL(&fw->files, ff, entry);
	fw->nfiles++;
	return (0);
}

/* The offset where the last n lines of the file begin. */
static off_t
follow_lastlines(int fd, off_t size, uint32_t n)
{
	off_t		 pos = size;
	ssize_t		 len, i;
	uint32_t	 seen = 0;

	if (n == 0)
		return (size);
	while (pos > 0) {
		len = pos < FOLLOW_READ ? pos : FOLLOW_READ;
		pos -= len;
		if (pread(fd, follow_buf, len, pos) != len)
			return (0);
		for (i = len - 1; i >= 0; i--) {
			/* The last newline ends the last line. */
			if (follow_buf[i] != '\n' || pos + i == size - 1)
				continue;
			if (++seen == n)
				return (pos + i + 1);
		}
	}
	return (0);
}

static int
follow_open(struct follow_file *ff)
{
	if ((ff->fd = logger_file_openat(ff->path, O_RDONLY)) == -1) {
		if (errno != ENOENT)
			log_warn("%s", ff->path);
		return (-1);
	}
	return (0);
}

int
logger_follow_start(const struct msg_log_tail *m)
{
	struct follower		*fw;
	struct follow_file	*ff;
	struct stat		 sb;

	if ((fw = follow_find(m->reqid)) == NULL || fw->started ||
	    m->follow > 1 || m->count > LOG_TAIL_MAXLINES)
		return (-1);
	fw->started = 1;
	fw->follow = m->follow;
	fw->count = m->count;
	TAILQ_FOREACH(ff, &fw->files, entry) {
		if (follow_open(ff) == -1 || fstat(ff->fd, &sb) == -1)
			continue;
		ff->pos = follow_lastlines(ff->fd, sb.st_size, m->count);
		if (!fw->follow)
			ff->end = sb.st_size;
	}
	follow_schedule();
	return (0);
}

void
logger_follow_stop(uint32_t reqid)
{
	struct follower	*fw;

	if ((fw = follow_find(reqid)) != NULL)
		follow_free(fw);
}

/* No parent, no clients: every reader goes. */
void
logger_follow_stop_all(void)
{
	struct follower	*fw;

	while ((fw = TAILQ_FIRST(&followers)) != NULL)
		follow_free(fw);
	evtimer_del(&follow_ev);
}

static int
follow_queue_full(void)
{
	return (follow_iev->ibuf.wqbytes > FOLLOW_QUEUEMAX);
}

static void
follow_send(uint32_t reqid, const struct follow_file *ff, uint32_t flags,
    const unsigned char *p, size_t len, uint64_t skipped)
{
	static struct msg_log_data	 m;

	memset(&m, 0, sizeof(m) - sizeof(m.d.text));
	m.reqid = reqid;
	strlcpy(m.d.id, ff->id, sizeof(m.d.id));
	m.d.flags = (ff->flags & CTL_LOG_ERR) | flags;
	m.d.len = len;
	m.d.skipped = skipped;
	if (len > 0)
		memcpy(m.d.text, p, len);
	memset(m.d.text + len, 0, sizeof(m.d.text) - len);
	if (imsgev_compose(follow_iev, IMSG_LOG_DATA, 0, 0, -1, &m,
	    sizeof(m)) == -1)
		fatal("%s: compose", __func__);
}

/* Whole lines in pieces of at most CTL_LOGDATAMAX. */
static void
follow_send_lines(uint32_t reqid, const struct follow_file *ff,
    const unsigned char *p, size_t len)
{
	const unsigned char	*nl;
	size_t			 n;

	while (len > 0) {
		n = len < CTL_LOGDATAMAX ? len : CTL_LOGDATAMAX;
		if (n < len && (nl = memrchr(p, '\n', n)) != NULL)
			n = nl + 1 - p;
		follow_send(reqid, ff, 0, p, n, 0);
		p += n;
		len -= n;
	}
}

/* Far behind: jump close to the end, count what is jumped over. */
static void
follow_skip(struct follower *fw, struct follow_file *ff, off_t size)
{
	off_t		 to = size - FOLLOW_READ;
	uint64_t	 lines = 0;
	ssize_t		 n, i;

	while (ff->pos < to) {
		n = to - ff->pos < FOLLOW_READ ? to - ff->pos : FOLLOW_READ;
		if ((n = pread(ff->fd, follow_buf, n, ff->pos)) <= 0)
			break;
		for (i = 0; i < n; i++)
			if (follow_buf[i] == '\n')
				lines++;
		ff->pos += n;
	}
	/* On to the start of the next line. */
	if ((n = pread(ff->fd, follow_buf, FOLLOW_READ, ff->pos)) > 0) {
		unsigned char	*nl = memchr(follow_buf, '\n', n);

		if (nl != NULL) {
			ff->pos += nl + 1 - follow_buf;
			lines++;
		}
	}
	follow_send(fw->reqid, ff, CTL_LOG_SKIPPED, NULL, 0, lines);
}

/* Send what is new in one file.  0: go on; 1: the channel is full. */
static int
follow_file_pump(struct follower *fw, struct follow_file *ff)
{
	struct stat		 sb, now;
	const unsigned char	*nl;
	off_t			 limit;
	size_t			 budget = FOLLOW_BUDGET;
	ssize_t			 n;

	if (ff->done)
		return (0);
	if (ff->fd == -1) {
		if (!fw->follow) {
			ff->done = 1;
			return (0);
		}
		if (follow_open(ff) == -1)
			return (0);
		ff->pos = 0;
	}
	for (;;) {
		if (fstat(ff->fd, &sb) == -1)
			return (0);
		if (sb.st_size < ff->pos)
			ff->pos = 0;		/* cleared */
		if (fw->follow && sb.st_size - ff->pos > FOLLOW_LAGMAX)
			follow_skip(fw, ff, sb.st_size);
		limit = ff->end != -1 && ff->end < sb.st_size ? ff->end :
		    sb.st_size;
		while (ff->pos < limit && budget > 0) {
			if (follow_queue_full())
				return (1);
			n = limit - ff->pos < FOLLOW_READ ? limit - ff->pos :
			    FOLLOW_READ;
			if ((n = pread(ff->fd, follow_buf, n, ff->pos)) <= 0)
				break;
			/* A line not finished yet waits (with -f). */
			if (ff->pos + n == sb.st_size && fw->follow &&
			    follow_buf[n - 1] != '\n') {
				if ((nl = memrchr(follow_buf, '\n', n)) ==
				    NULL)
					break;
				n = nl + 1 - follow_buf;
			}
			follow_send_lines(fw->reqid, ff, follow_buf, n);
			ff->pos += n;
			budget -= (size_t)n < budget ? (size_t)n : budget;
		}
		if (!fw->follow) {
			if (ff->pos >= limit)
				ff->done = 1;
			return (0);
		}
		/* At the end: rotated or reopened meanwhile? */
		if (ff->pos < sb.st_size ||
		    logger_file_statat(ff->path, &now) == -1 ||
		    (now.st_dev == sb.st_dev && now.st_ino == sb.st_ino))
			return (0);
		close(ff->fd);
		if (follow_open(ff) == -1)
			return (0);
		ff->pos = 0;
	}
}

static void
follow_pump(int fd, short ev, void *arg)
{
	struct follower		*fw, *next;
	struct follow_file	*ff;
	struct msg_log_req	 m;
	int			 done;

	TAILQ_FOREACH_SAFE(fw, &followers, entry, next) {
		if (!fw->started)
			continue;
		done = 1;
		TAILQ_FOREACH(ff, &fw->files, entry) {
			if (follow_file_pump(fw, ff) == 1) {
				follow_schedule();	/* later */
				return;
			}
			done &= ff->done;
		}
		if (!fw->follow && done) {
			memset(&m, 0, sizeof(m));
			m.reqid = fw->reqid;
			(void)imsgev_compose(follow_iev, IMSG_LOG_TAIL_DONE, 0,
			    0, -1, &m, sizeof(m));
			follow_free(fw);
		}
	}
}

/* vigilctl clear: one instance's files. */
void
logger_follow_clear(const struct msg_log_clear *m)
{
	struct msg_log_result	 r;
	char			 base[VIGIL_IDNAMEMAX], *p;
	int			 n;

	memset(&r, 0, sizeof(r));
	r.reqid = m->reqid;
	strlcpy(r.id, m->id, sizeof(r.id));
	strlcpy(base, m->id, sizeof(base));
	if ((p = strchr(base, ':')) != NULL)
		*p = '-';
	if ((n = logger_file_clear(base)) == -1) {
		r.result = CTL_RES_FAIL;
		snprintf(r.text, sizeof(r.text), "cannot clear: %s",
		    strerror(errno));
	} else {
		r.result = CTL_RES_OK;
		strlcpy(r.text, "cleared", sizeof(r.text));
		log_info("%s: log files cleared (%d)", m->id, n);
	}
	(void)imsgev_compose(follow_iev, IMSG_LOG_CLEARED, 0, 0, -1, &r,
	    sizeof(r));
	follow_schedule();
}
