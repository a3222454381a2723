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
 * A snapshot of the processes (monitor_proc_linux.c reads it) and the
 * members of one service's tree in it, for a sampling pass.
 *
 * A pass looks at every service, so nothing here may look at the whole
 * snapshot per service: the snapshot is indexed once per pass (by pid:
 * it is sorted; children by parent and members by session: two index
 * arrays sorted by ppid and by session, pid within), and membership is
 * a mark, the stamp of the service being looked at, not a flag cleared
 * on every process before each service.  One pass is O(P log P + S + M)
 * for P processes, S services and M members in all.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "monitor.h"

static const struct mon_proc	*snap_v;	/* for the comparators */

static int
snap_pid_cmp(const void *a, const void *b)
{
	const struct mon_proc	*pa = a, *pb = b;

	return (pa->pid < pb->pid ? -1 : pa->pid > pb->pid);
}

struct mon_proc *
mon_proc_find(struct mon_snap *snap, pid_t pid)
{
	struct mon_proc	 key;

	key.pid = pid;
	return (bsearch(&key, snap->v, snap->n, sizeof(*snap->v),
	    snap_pid_cmp));
}

/* The index order is the pid order: v is sorted by pid. */
static int
snap_idx_cmp(uint32_t a, uint32_t b)
{
	return (a < b ? -1 : a > b);
}

static int
snap_ppid_cmp(const void *a, const void *b)
{
	uint32_t	 ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	pid_t		 x = snap_v[ia].ppid, y = snap_v[ib].ppid;

	return (x != y ? (x < y ? -1 : 1) : snap_idx_cmp(ia, ib));
}

static int
snap_session_cmp(const void *a, const void *b)
{
	uint32_t	 ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	pid_t		 x = snap_v[ia].session, y = snap_v[ib].session;

	return (x != y ? (x < y ? -1 : 1) : snap_idx_cmp(ia, ib));
}

static int
snap_u32_cmp(const void *a, const void *b)
{
	return (snap_idx_cmp(*(const uint32_t *)a, *(const uint32_t *)b));
}

void
mon_index_init(struct mon_index *ix, struct mon_snap *snap)
{
	uint32_t	*all;
	size_t		 i;

	if (snap->n >= UINT32_MAX / 4)
		fatalx("%s: %zu processes", __func__, snap->n);
	ix->snap = snap;
	ix->stamp = 0;
	/* One block: by ppid, by session, and a queue of n + 1. */
	if ((all = reallocarray(NULL, 3 * snap->n + 1, sizeof(*all))) ==
	    NULL)
		fatal(NULL);
	ix->byppid = all;
	ix->bysession = all + snap->n;
	ix->members = all + 2 * snap->n;
	for (i = 0; i < snap->n; i++) {
		snap->v[i].mark = 0;
		ix->byppid[i] = ix->bysession[i] = (uint32_t)i;
	}
	snap_v = snap->v;
	qsort(ix->byppid, snap->n, sizeof(*ix->byppid), snap_ppid_cmp);
	qsort(ix->bysession, snap->n, sizeof(*ix->bysession),
	    snap_session_cmp);
	snap_v = NULL;
}

void
mon_index_free(struct mon_index *ix)
{
	free(ix->byppid);
	ix->byppid = ix->bysession = ix->members = NULL;
	ix->snap = NULL;
}

/*
 * The run of idx (sorted by session if bysession, else by ppid) whose
 * processes have pid there: its first position, and its end in *end
 * (the same if there is none).
 */
static size_t
snap_range(const struct mon_index *ix, const uint32_t *idx, int bysession,
    pid_t pid, size_t *end)
{
	const struct mon_proc	*v = ix->snap->v;
	size_t			 lo = 0, hi = ix->snap->n, mid;
	pid_t			 f;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		f = bysession ? v[idx[mid]].session : v[idx[mid]].ppid;
		if (f < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < ix->snap->n; hi++) {
		f = bysession ? v[idx[hi]].session : v[idx[hi]].ppid;
		if (f != pid)
			break;
	}
	*end = hi;
	return (lo);
}

/* Start the members of the next service. */
static void
snap_next(struct mon_index *ix)
{
	if (++ix->stamp == 0)
		fatalx("%s: stamps run out", __func__);
}

/* Sorted by pid, for the caller's merge with what it kept. */
static size_t
snap_done(struct mon_index *ix, size_t n)
{
	qsort(ix->members, n, sizeof(*ix->members), snap_u32_cmp);
	return (n);
}

/*
 * The members of a cgroup: those of its pids in the snapshot, each
 * once.  The indexes into the snapshot are in ix->members.
 */
size_t
mon_members_cgroup(struct mon_index *ix, const pid_t *pids, size_t npids)
{
	struct mon_proc	*p;
	size_t		 i, n = 0;

	snap_next(ix);
	for (i = 0; i < npids; i++) {
		if ((p = mon_proc_find(ix->snap, pids[i])) == NULL ||
		    p->mark == ix->stamp)
			continue;
		p->mark = ix->stamp;
		ix->members[n++] = (uint32_t)(p - ix->snap->v);
	}
	return (snap_done(ix, n));
}

/*
 * Without a cgroup: the main process and its descendants, and what is
 * still in its session (a double fork without setsid) with their
 * descendants, breadth first.  The indexes are in ix->members.
 */
size_t
mon_members_tree(struct mon_index *ix, pid_t main)
{
	struct mon_snap	*snap = ix->snap;
	struct mon_proc	*p;
	uint32_t	*q = ix->members;
	size_t		 i, end, qh = 0, qt = 0;

	snap_next(ix);
	if ((p = mon_proc_find(snap, main)) != NULL) {
		p->mark = ix->stamp;
		q[qt++] = (uint32_t)(p - snap->v);
	}
	for (i = snap_range(ix, ix->bysession, 1, main, &end); i < end;
	    i++) {
		p = &snap->v[ix->bysession[i]];
		if (p->mark != ix->stamp) {
			p->mark = ix->stamp;
			q[qt++] = ix->bysession[i];
		}
	}
	while (qh < qt) {
		pid_t	 parent = snap->v[q[qh++]].pid;

		for (i = snap_range(ix, ix->byppid, 0, parent, &end);
		    i < end; i++) {
			p = &snap->v[ix->byppid[i]];
			if (p->mark != ix->stamp && qt < snap->n) {
				p->mark = ix->stamp;
				q[qt++] = ix->byppid[i];
			}
		}
	}
	return (snap_done(ix, qt));
}
