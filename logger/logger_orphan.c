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
 * The logger without a parent.  When the parent dies (a crash, a kill -9,
 * or the re-exec of an upgrade) the logger is the last process that holds
 * the read ends of the services' pipes: if it exited, every service would
 * die of SIGPIPE on its next write.  So it stays: it goes on writing each
 * stream to its files (rotation included) and waits, for as long as it
 * takes, on a unix socket in its own directory (LOG_ORPHAN_SOCK in
 * log_dir) for the next parent.  It accepts only a peer with the parent's
 * credentials: root when it was started by a root parent (it runs as the
 * unprivileged user, so any other uid could be a service of that user),
 * else its own uid.  To that peer it hands every open stream -- the read
 * end, the journal and the stream's identity -- and exits, touching
 * neither again: the new parent gives them to its own logger, which
 * finishes from the journals what this one left, as after a logger crash.
 *
 * Waiting costs nothing: the socket and the pipes are events.  A stream
 * whose writers are all gone is written out and closed as usual.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "logger.h"
#include "msg_log.h"
#include "proc.h"

int			 logger_orphaned;
static int		 orphan_need_root;	/* started by a root parent */
static uid_t		 orphan_uid;
static int		 orphan_fd = -1;
static struct event	 orphan_ev;
static int		 orphan_dirfd = -1;

static void	orphan_accept(int, short, void *);

void
logger_orphan_init(const struct proc_opts *opts)
{
	orphan_need_root = opts->user != NULL;
	orphan_uid = getuid();
}

/* At exit: the socket goes with us. */
static void
orphan_atexit(void)
{
	if (orphan_fd != -1 && orphan_dirfd != -1)
		(void)unlinkat(orphan_dirfd, LOG_ORPHAN_SOCK, 0);
}

/* The channel to the parent is gone: keep logging, wait for the next. */
void
logger_orphan_enter(void)
{
	struct sockaddr_un	 sun;
	struct logger_stream	*ls;
	unsigned int		 n = 0;
	int			 fd;

	if (logger_orphaned)
		return;
	logger_orphaned = 1;
	logger_follow_stop_all();
	TAILQ_FOREACH(ls, &logger_streams, entry)
		n++;

	if ((orphan_dirfd = logger_file_dirfd()) == -1 ||
	    fchdir(orphan_dirfd) == -1) {
		log_warn("the parent is gone, and log_dir is not open: "
		    "writing %u streams, no next parent can take them", n);
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, LOG_ORPHAN_SOCK, sizeof(sun.sun_path));
	(void)unlinkat(orphan_dirfd, LOG_ORPHAN_SOCK, 0);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ==
	    -1 || listen(fd, 4) == -1) {
		log_warn("the parent is gone: %s", LOG_ORPHAN_SOCK);
		if (fd != -1)
			close(fd);
		return;
	}
	orphan_fd = fd;
	if (atexit(orphan_atexit) != 0)
		log_warnx("atexit");
	event_set(&orphan_ev, fd, EV_READ | EV_PERSIST, orphan_accept, NULL);
	event_add(&orphan_ev, NULL);
	log_warnx("without a parent: writing %u streams and waiting for the "
	    "next vigild on %s", n, LOG_ORPHAN_SOCK);
}

int
logger_orphan_waiting(void)
{
	return (orphan_fd != -1);
}

/*
 * Send every stream, then exit without touching them again: from here
 * on the pipes and journals are the next parent's.
 */
static __dead void
orphan_handover(int fd)
{
	struct imsgbuf		 ib;
	struct msg_log_sid	 m;
	struct logger_stream	*ls;
	uint32_t		 n = 0;
	int			 pfd, jfd;

	(void)fcntl(fd, F_SETFL, 0);		/* blocking */
	if (imsgbuf_init(&ib, fd) == -1)
		fatal("handover");
	event_del(&orphan_ev);
	(void)unlinkat(orphan_dirfd, LOG_ORPHAN_SOCK, 0);
	TAILQ_FOREACH(ls, &logger_streams, entry) {
		if (ls->fd == -1)
			continue;
		if ((pfd = fcntl(ls->fd, F_DUPFD_CLOEXEC, 0)) == -1)
			fatal("handover: dup");
		jfd = -1;
		if (ls->jfd != -1 &&
		    (jfd = fcntl(ls->jfd, F_DUPFD_CLOEXEC, 0)) == -1)
			fatal("handover: dup");
		memset(&m, 0, sizeof(m));
		m.sid = ls->sid;
		if (imsg_compose(&ib, IMSG_LOG_HANDOVER_JOURNAL, 0, 0, jfd, &m,
		    sizeof(m)) == -1 ||
		    imsg_compose(&ib, IMSG_LOG_HANDOVER, 0, 0, pfd, &ls->conf,
		    sizeof(ls->conf)) == -1 || imsgbuf_flush(&ib) == -1)
			fatal("handover of %s", ls->conf.id);
		n++;
	}
	memset(&m, 0, sizeof(m));
	m.sid = n;
	if (imsg_compose(&ib, IMSG_LOG_HANDOVER_END, 0, 0, -1, &m,
	    sizeof(m)) == -1 || imsgbuf_flush(&ib) == -1)
		fatal("handover");
	log_info("handed %u streams to the next vigild, exiting", n);
	_exit(0);
}

static void
orphan_accept(int lfd, short ev, void *arg)
{
	uid_t	 uid;
	gid_t	 gid;
	int	 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
	if (getpeereid(fd, &uid, &gid) == -1) {
		log_warn("getpeereid");
		close(fd);
		return;
	}
	if (orphan_need_root ? uid != 0 : uid != orphan_uid) {
		log_warnx("refused uid %u on %s: only %s may take the streams",
		    (unsigned int)uid, LOG_ORPHAN_SOCK,
		    orphan_need_root ? "root" : "vigild's own user");
		close(fd);
		return;
	}
	orphan_handover(fd);
}
