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
 * Does the configuration fit the limits vigild runs under?  At start and
 * on every reload, one warning per limit that is too small, saying what
 * to raise, instead of services failing one by one with EMFILE or EAGAIN
 * (see vigild(8), LIMITS).
 */

#include <sys/types.h>
#include <sys/resource.h>

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "proc.h"

#define LIMITS_FD_BASE		64	/* sockets, helpers, files, clients */
#define LIMITS_PID_ROOM		1000	/* the rest of the machine */

struct limits_uid {
	uid_t		 uid;
	uint64_t	 n;
};

static int
limits_uidcmp(const void *a, const void *b)
{
	const struct limits_uid	*x = a, *y = b;

	return (x->uid < y->uid ? -1 : x->uid > y->uid);
}

/* Services that run as another user count against that user's NPROC. */
static int
limits_nproc_users(struct vigil_conf *conf, rlim_t lim)
{
	struct config_svc	*sc;
	struct limits_uid	*v;
	size_t			 n = 0, i, j;
	uint64_t		 sum;
	int			 warned = 0;

	if ((v = reallocarray(NULL, conf->nservices + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	TAILQ_FOREACH(sc, &conf->services, entry) {
		if (sc->uid == (uid_t)-1 || sc->uid == 0 || sc->limits.nproc.set)
			continue;
		v[n].uid = sc->uid;
		v[n++].n = sc->instances;
	}
	qsort(v, n, sizeof(*v), limits_uidcmp);
	for (i = 0; i < n; i = j) {
		for (sum = 0, j = i; j < n && v[j].uid == v[i].uid; j++)
			sum += v[j].n;
		if (sum <= lim)
			continue;
		warned = 1;
		log_warnx("limits: %llu instances run as uid %u, more "
			    "than the %llu processes RLIMIT_NPROC allows a "
			    "user: raise it (ulimit -u, LimitNPROC= in a "
			    "systemd unit) or set limits.nproc",
		    (unsigned long long)sum, (unsigned int)v[i].uid,
		    (unsigned long long)lim);
	}
	free(v);
	return (warned);
}

/* Warn about each limit the configuration does not fit; 1 if one. */
int
parent_limits_check(struct vigil_conf *conf)
{
	struct config_svc	*sc;
	struct rlimit	 rl;
	uint64_t	 nproc = 0, pfd = LIMITS_FD_BASE, lfd = LIMITS_FD_BASE;
	uint64_t	 in, fd1, fd2;
	long		 pid_max;
	int		 warned = 0;

	TAILQ_FOREACH(sc, &conf->services, entry) {
		in = sc->instances;
		nproc += in;
		fd1 = sc->log.out != LOGDEST_NONE;
		fd2 = sc->log.err != LOGDEST_NONE &&
		    sc->log.err != LOGDEST_MERGE;
		/* the parent keeps both ends, plus the exec error pipe */
		pfd += in * (2 * (fd1 + fd2) + 1) + sc->nlisten;
		/* the logger: read ends and the open log files */
		lfd += in * (fd1 + fd2 + (sc->log.out == LOGDEST_FILE) +
		    (fd2 && sc->log.err == LOGDEST_FILE));
	}
	/* vigild's helpers raise their soft limit to the hard one. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    (pfd > rl.rlim_max || lfd > rl.rlim_max)) {
		log_warnx("limits: %zu services, %llu instances, need about "
		    "%llu descriptors in vigild's parent and %llu in its "
		    "logger, more than RLIMIT_NOFILE's %llu: raise it (ulimit "
		    "-Hn, LimitNOFILE= in a systemd unit)", conf->nservices,
		    (unsigned long long)nproc, (unsigned long long)pfd, (unsigned long long)lfd,
		    (unsigned long long)rl.rlim_max);
		warned = 1;
	}
	if ((pid_max = compat_pid_max()) > 0 &&
	    nproc + 4 + LIMITS_PID_ROOM > (uint64_t)pid_max) {
		log_warnx("limits: %llu service processes and vigild's 4 "
		    "leave less than %d pids of the kernel's pid_max %ld to "
		    "the rest of the machine: raise it (sysctl "
		    "kernel.pid_max)", (unsigned long long)nproc,
		    LIMITS_PID_ROOM, pid_max);
		warned = 1;
	}
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		if (getuid() != 0 && nproc + 4 > rl.rlim_cur) {
			log_warnx("limits: %llu service processes and vigild's "
			    "4 are more than the %llu RLIMIT_NPROC allows: "
			    "raise it (ulimit -u, LimitNPROC= in a systemd "
			    "unit)", (unsigned long long)nproc,
			    (unsigned long long)rl.rlim_cur);
			warned = 1;
		} else if (getuid() == 0 &&
		    limits_nproc_users(conf, rl.rlim_cur))
			warned = 1;
	}
	return (warned);
}
