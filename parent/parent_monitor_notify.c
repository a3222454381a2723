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
 * The sd_notify sockets, one per user of `ready: notify' services:
 * state_dir/notify.UID.sock, mode 0600, owned by that user, so that
 * only that user (and root) can send to it, and a flood from one user
 * fills only that user's queue: it cannot starve another user's
 * READY=1 or WATCHDOG=1.  The monitor reads each with its own budget.
 *
 * A socket is made (as root) when the configuration first has a
 * `ready: notify' service of its user (at start, before the helpers, and
 * at each reload), and kept until vigild exits: an instance of a user a
 * reload removed may still be running, and a restarted vigild makes the
 * same path again, so services it adopts keep their NOTIFY_SOCKET.  No
 * `ready: notify' service: no socket at all.  When the path is too long
 * for a socket the abstract namespace is used (@vigild/PID/notify.UID),
 * where there are no permissions: the monitor drops a datagram whose
 * sender is not the socket's user before any work either way.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg_mon.h"
#include "parent.h"
#include "svc.h"

struct pmon_notify {
	uid_t		 uid;
	int		 fd;
	char		 path[108];
	dev_t		 dev;
	ino_t		 ino;
};

static struct pmon_notify	*pmon_notifies;
static size_t			 pmon_nnotifies;

static uid_t
pmon_notify_svc_uid(const struct config_svc *sc)
{
	return (sc->user != NULL ? sc->uid : geteuid());
}

static void
pmon_notify_send(const struct pmon_notify *pn)
{
	struct msg_mon_notify_fd	 m;
	int				 fd;

	if (!parent_proc_ready(PROC_MONITOR))
		return;		/* sent with the rest when it says hello */
	if ((fd = dup(pn->fd)) == -1) {
		log_warn("notify socket %s: dup", pn->path);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.uid = pn->uid;
	(void)parent_proc_send(PROC_MONITOR, IMSG_MON_NOTIFY_FD, 0, fd, &m,
	    sizeof(m));
}

/* Bind uid's socket, make it that user's (0600); NULL on failure. */
static struct pmon_notify *
pmon_notify_open(uid_t uid)
{
	const char		*dir = penv->conf->state_dir;
	struct pmon_notify	*pn, pnew;
	struct stat		 sb;

	memset(&pnew, 0, sizeof(pnew));
	pnew.uid = uid;
	if (snprintf(pnew.path, sizeof(pnew.path), "%s/notify.%u.sock", dir,
	    (unsigned int)uid) >= (int)sizeof(pnew.path)) {
		snprintf(pnew.path, sizeof(pnew.path), "@vigild/%d/notify.%u",
		    (int)getpid(), (unsigned int)uid);
		log_warnx("%s/notify.%u.sock: path too long for a socket; "
		    "NOTIFY_SOCKET is %s", dir, (unsigned int)uid, pnew.path);
	}
	if ((pnew.fd = parent_monitor_notify_socket(pnew.path, uid)) == -1) {
		log_warn("notify socket %s; `ready: notify' services of uid "
		    "%u will stay STARTING", pnew.path, (unsigned int)uid);
		return (NULL);
	}
	/* Remember which file is ours: only that one is removed at exit. */
	if (pnew.path[0] != '@' && lstat(pnew.path, &sb) == 0) {
		pnew.dev = sb.st_dev;
		pnew.ino = sb.st_ino;
	}
	if ((pn = reallocarray(pmon_notifies, pmon_nnotifies + 1,
	    sizeof(*pn))) == NULL)
		fatal(NULL);
	pmon_notifies = pn;
	pn = &pmon_notifies[pmon_nnotifies++];
	*pn = pnew;
	log_debug("notify socket %s for uid %u", pn->path, (unsigned int)uid);
	pmon_notify_send(pn);
	return (pn);
}

static struct pmon_notify *
pmon_notify_get(uid_t uid, int make)
{
	size_t	 i;

	for (i = 0; i < pmon_nnotifies; i++)
		if (pmon_notifies[i].uid == uid)
			return (&pmon_notifies[i]);
	return (make ? pmon_notify_open(uid) : NULL);
}

/* At start (before the helpers) and after a reload: a socket per user. */
void
parent_monitor_notify_access(void)
{
	struct svc	*s;

	TAILQ_FOREACH(s, &svc_all, entry)
		if (s->grp->conf->ready == READY_NOTIFY && !s->grp->removed)
			(void)pmon_notify_get(
			    pmon_notify_svc_uid(s->grp->conf), 1);
}

/* The NOTIFY_SOCKET of a `ready: notify' service of sc, or NULL. */
const char *
parent_monitor_notify_path(const struct config_svc *sc)
{
	struct pmon_notify	*pn;

	if ((pn = pmon_notify_get(pmon_notify_svc_uid(sc), 1)) == NULL)
		return (NULL);
	return (pn->path);
}

/* The monitor said hello: every socket, before any datagram is read. */
void
parent_monitor_notify_ready(void)
{
	size_t	 i;

	for (i = 0; i < pmon_nnotifies; i++)
		pmon_notify_send(&pmon_notifies[i]);
}

/* At a clean exit: the sockets go, as the control socket does. */
void
parent_monitor_notify_shutdown(void)
{
	struct pmon_notify	*pn;
	struct stat		 sb;
	size_t			 i;

	for (i = 0; i < pmon_nnotifies; i++) {
		pn = &pmon_notifies[i];
		if (pn->path[0] != '@' && lstat(pn->path, &sb) == 0 &&
		    sb.st_dev == pn->dev && sb.st_ino == pn->ino &&
		    unlink(pn->path) == -1)
			log_warn("notify socket %s: unlink", pn->path);
		close(pn->fd);
	}
	free(pmon_notifies);
	pmon_notifies = NULL;
	pmon_nnotifies = 0;
}
