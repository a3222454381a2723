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
 * Resource sampling: CPU, RSS, processes and open files of each
 * service's whole process tree, every MON_SAMPLE_MS.
 *
 * Nothing runs unless someone needs it: the timer is armed only while a
 * service with limits.memory is alive, or while a client is watching
 * (IMSG_MON_WATCH, "sample everything for the next N seconds").  When
 * sampling starts, a second pass follows after MON_SAMPLE_FIRST_MS, so
 * that a CPU figure (a difference between two passes) is there quickly.
 *
 * The tree is the service's cgroup where it has one (cgroup.procs),
 * else the processes descending from the main one plus those of its
 * session.  CPU comes from the cgroup's cpu.stat (which also counts
 * processes that have exited meanwhile) or else from the utime+stime
 * of each process in /proc; RSS is the sum of the processes' resident
 * sets (as PM2 and ps count it), not memory.current, which includes
 * the page cache.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "monitor.h"

struct mon_cpu_hist {
	pid_t		 pid;
	uint64_t	 start;
	uint64_t	 ticks;
};

static struct event	 sample_ev;
static int		 sample_armed;
static int		 sample_init;
static uint64_t		 watch_until;
static unsigned int	 sample_nsvc;	/* with MON_SVC_SAMPLE */
static int		 sample_kept;	/* some service has sampling state */

static void	sample_run(int, short, void *);

static int
sample_watching(void)
{
	return (watch_until != 0 && mon_now_ms() < watch_until);
}

static int
sample_wanted(struct mon_svc *ms)
{
	return ((ms->flags & MON_SVC_SAMPLE) || sample_watching());
}

/* Kept up to date, not counted: a definition costs O(1) here. */
static int
sample_needed(void)
{
	return (sample_nsvc > 0 || sample_watching());
}

void
mon_sample_count(const struct mon_svc *ms, int delta)
{
	if (!(ms->flags & MON_SVC_SAMPLE))
		return;
	if (delta > 0)
		sample_nsvc++;
	else if (sample_nsvc == 0)
		fatalx("%s: %s: count below zero", __func__, ms->id);
	else
		sample_nsvc--;
}

static void
sample_arm(uint64_t ms)
{
	if (!sample_init) {
		evtimer_set(&sample_ev, sample_run, NULL);
		sample_init = 1;
	}
	evtimer_del(&sample_ev);
	mon_timer_add(&sample_ev, ms);
	sample_armed = 1;
}

void
mon_sample_forget(struct mon_svc *ms)
{
	free(ms->hist);
	ms->hist = NULL;
	ms->nhist = 0;
	ms->cpu_valid = 0;
}

void
mon_sample_update(void)
{
	struct mon_svc	*ms;

	if (sample_needed()) {
		if (!sample_armed)
			sample_arm(0);
		return;
	}
	if (sample_armed) {
		evtimer_del(&sample_ev);
		sample_armed = 0;
	}
	/*
	 * A later start begins afresh, not with an average over the gap.
	 * Only after a pass kept something: not on every definition.
	 */
	if (!sample_kept)
		return;
	TAILQ_FOREACH(ms, &mon_svcs, entry)
		mon_sample_forget(ms);
	sample_kept = 0;
}

void
mon_sample_watch(uint32_t seconds)
{
	uint64_t	 until = mon_now_ms() + (uint64_t)seconds * 1000;
	int		 was = sample_needed();

	if (until > watch_until)
		watch_until = until;
	if (!was)
		sample_arm(0);
	else
		mon_sample_update();
}

/*
 * The members of the tree of ms (their count; the indexes in
 * ix->members, sorted by pid): the cgroup's processes when it has any,
 * else the main process's descendants and what is still in its session.
 */
static size_t
sample_members(struct mon_svc *ms, struct mon_index *ix)
{
	pid_t		*pids;
	size_t		 n, nm;
	const char	*cg;
	char		 buf[PATH_MAX];

	if ((cg = mon_svc_cgroup(ms, buf, sizeof(buf))) != NULL &&
	    mon_proc_cgroup_pids(cg, &pids, &n) == 0) {
		nm = mon_members_cgroup(ix, pids, n);
		free(pids);
		/* An empty group (cgroup.procs raced): fall back. */
		if (n > 0)
			return (nm);
	}
	return (mon_members_tree(ix, ms->pid));
}

/*
 * CPU from per-process ticks: what each member used since last time.
 * The members and ms->hist are both sorted by pid: one merge.
 */
static uint64_t
sample_cpu_ticks(struct mon_svc *ms, struct mon_index *ix, size_t n)
{
	struct mon_cpu_hist	*h = NULL;
	uint64_t		 delta = 0;
	size_t			 i, j = 0;
	long			 hz = mon_proc_hz();

	if (n > 0 && (h = reallocarray(NULL, n, sizeof(*h))) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++) {
		struct mon_proc	*p = &ix->snap->v[ix->members[i]];

		h[i].pid = p->pid;
		h[i].start = p->start;
		h[i].ticks = p->ticks;
		while (j < ms->nhist && ms->hist[j].pid < p->pid)
			j++;
		if (j < ms->nhist && ms->hist[j].pid == p->pid &&
		    ms->hist[j].start == p->start) {
			if (p->ticks > ms->hist[j].ticks)
				delta += p->ticks - ms->hist[j].ticks;
		} else if (ms->cpu_valid)
			delta += p->ticks;	/* new since last time */
	}
	free(ms->hist);
	ms->hist = h;
	ms->nhist = n;
	return (delta * 1000000 / (uint64_t)hz);
}

static void
sample_one(struct mon_svc *ms, struct mon_index *ix, uint64_t now)
{
	struct msg_mon_sample	 m;
	struct mon_proc		*p;
	uint64_t		 usec, cpu, elapsed;
	uint32_t		 nfds;
	size_t			 i, n;
	int			 from_cgroup;
	const char		*cg;
	char			 buf[PATH_MAX];

	n = sample_members(ms, ix);
	memset(&m, 0, sizeof(m));
	m.key = ms->key;
	for (i = 0; i < n; i++) {
		p = &ix->snap->v[ix->members[i]];
		m.nprocs++;
		m.rss += p->rss;
		nfds = mon_proc_nfds(p->pid);
		if (nfds == MON_UNKNOWN || m.nfds == MON_UNKNOWN)
			m.nfds = MON_UNKNOWN;
		else
			m.nfds += nfds;
	}

	from_cgroup = (cg = mon_svc_cgroup(ms, buf, sizeof(buf))) != NULL &&
	    mon_proc_cgroup_cpu(cg, &usec) == 0;
	if (from_cgroup != ms->cpu_cgroup) {
		/* Two different counters: start again. */
		ms->cpu_cgroup = from_cgroup;
		ms->cpu_valid = 0;
	}
	if (!from_cgroup) {
		/* Cumulative: what the members used, summed over time. */
		usec = sample_cpu_ticks(ms, ix, n);
		usec += ms->cpu_valid ? ms->cpu_last : 0;
	}
	if (!ms->cpu_valid || now <= ms->cpu_last_ms) {
		ms->cpu_valid = 1;
		ms->cpu_last = usec;
		ms->cpu_last_ms = now;
		return;		/* a baseline only: nothing to report */
	}
	elapsed = now - ms->cpu_last_ms;
	cpu = usec > ms->cpu_last ? usec - ms->cpu_last : 0;
	/* usec per ms of wall time is permille of one core. */
	m.cpu_permille = (uint32_t)(cpu / elapsed);
	ms->cpu_last = usec;
	ms->cpu_last_ms = now;

	if (log_getverbose() > 1)
		log_debug("sample %s: cpu %u.%u%% usec %llu rss %llu procs %u "
		    "fds %d", ms->id, m.cpu_permille / 10, m.cpu_permille % 10,
		    (unsigned long long)usec, (unsigned long long)m.rss,
		    m.nprocs,
		    m.nfds == MON_UNKNOWN ? -1 : (int)m.nfds);
	(void)mon_send(IMSG_MON_SAMPLE, &m, sizeof(m));
}

static void
sample_run(int fd, short ev, void *arg)
{
	struct mon_snap	 snap;
	struct mon_index ix;
	struct mon_svc	*ms;
	uint64_t	 now = mon_now_ms();
	int		 fresh = 0, any = 0;

	sample_armed = 0;
	if (!sample_needed()) {
		mon_sample_update();
		return;
	}
	if (mon_proc_snapshot(&snap) == -1) {
		log_debug("cannot read /proc: no samples");
		return;
	}
	mon_index_init(&ix, &snap);
	TAILQ_FOREACH(ms, &mon_svcs, entry) {
		if (!sample_wanted(ms)) {
			mon_sample_forget(ms);
			continue;
		}
		if (!ms->cpu_valid)
			fresh = 1;
		sample_one(ms, &ix, now);
		any = 1;
		sample_kept = 1;
	}
	mon_index_free(&ix);
	mon_proc_snap_free(&snap);
	if (any)
		(void)mon_send(IMSG_MON_SAMPLE_END, NULL, 0);
	sample_arm(fresh ? MON_SAMPLE_FIRST_MS : MON_SAMPLE_MS);
}
