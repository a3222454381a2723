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
 * Which processes of a snapshot belong to a service
 * (monitor/monitor_snap.c), on made-up snapshots: without a cgroup the
 * main process's descendants and what is still in its session (a double
 * fork without setsid stays; a setsid grandchild stays through its
 * parent chain; a setsid double fork, or another service's process, is
 * not counted), with a cgroup its pids found in the snapshot, each
 * once; several services in one pass without clearing anything; and,
 * on random snapshots, exactly what the old walk (a scan of the whole
 * snapshot per parent) found.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"
#include "unit.h"

static int
proc_cmp(const void *a, const void *b)
{
	const struct mon_proc	*pa = a, *pb = b;

	return (pa->pid < pb->pid ? -1 : pa->pid > pb->pid);
}

/* A snapshot of n "pid ppid session" triples, sorted as /proc's is. */
static void
mksnap(struct mon_snap *snap, const pid_t (*t)[3], size_t n)
{
	size_t	 i;

	if ((snap->v = calloc(n ? n : 1, sizeof(*snap->v))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		snap->v[i].pid = t[i][0];
		snap->v[i].ppid = t[i][1];
		snap->v[i].session = t[i][2];
	}
	snap->n = n;
	qsort(snap->v, n, sizeof(*snap->v), proc_cmp);
}

/* The members found as "pid pid ...", in the order given. */
static const char *
members(struct mon_index *ix, size_t n)
{
	static char	 buf[8192];
	size_t		 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < sizeof(buf) - 16; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%d",
		    i ? " " : "", (int)ix->snap->v[ix->members[i]].pid);
	return (buf);
}

static void
is(struct mon_index *ix, size_t n, const char *want, const char *what)
{
	const char	*got = members(ix, n);

	check(strcmp(got, want) == 0, "%s: [%s]%s%s%s", what, got,
	    strcmp(got, want) ? " (want [" : "", strcmp(got, want) ? want : "",
	    strcmp(got, want) ? "])" : "");
}

static void
test_rules(void)
{
	/*
	 * vigild (10) is the subreaper.  Service a (100, a session
	 * leader): a child (101) that did setsid (102) and its child
	 * (103); a double fork without setsid (150, reparented to vigild,
	 * still in 100's session) and its setsid child (151); a setsid
	 * double fork (160), gone from both.  Service b: 200 and 201.
	 */
	static const pid_t t[][3] = {
		{ 1, 0, 1 }, { 10, 1, 10 },
		{ 100, 10, 100 }, { 101, 100, 100 }, { 102, 101, 102 },
		{ 103, 102, 102 }, { 150, 10, 100 }, { 151, 150, 151 },
		{ 160, 10, 160 },
		{ 200, 10, 200 }, { 201, 200, 200 },
	};
	static const pid_t cg[] = { 201, 100, 201, 999, 103 };
	struct mon_snap		 snap;
	struct mon_index	 ix;
	size_t			 n, i;

	mksnap(&snap, t, sizeof(t) / sizeof(t[0]));
	mon_index_init(&ix, &snap);
	n = mon_members_tree(&ix, 100);
	is(&ix, n, "100 101 102 103 150 151",
	    "no cgroup: descendants, the session's, their descendants");
	n = mon_members_tree(&ix, 200);
	is(&ix, n, "200 201", "another service: only its own");
	n = mon_members_tree(&ix, 100);
	is(&ix, n, "100 101 102 103 150 151",
	    "the first again, in the same pass: nothing cleared");
	for (i = 0; i < snap.n; i++)
		if (snap.v[i].pid == 160)
			check(snap.v[i].mark == 0,
			    "a setsid double fork is nobody's");
	n = mon_members_tree(&ix, 102);
	is(&ix, n, "102 103", "a main process that is not a leader");
	n = mon_members_tree(&ix, 100000);
	is(&ix, n, "", "a main process that is gone, alone");
	n = mon_members_cgroup(&ix, cg, sizeof(cg) / sizeof(cg[0]));
	is(&ix, n, "100 103 201",
	    "cgroup: its pids in the snapshot, once each, by pid");
	n = mon_members_cgroup(&ix, NULL, 0);
	is(&ix, n, "", "an empty cgroup");
	mon_index_free(&ix);
	free(snap.v);
}

static void
test_odd(void)
{
	/* Its leader gone: what is left in session 300; a cycle. */
	static const pid_t t[][3] = {
		{ 10, 1, 10 }, { 301, 10, 300 }, { 302, 301, 300 },
		{ 303, 302, 303 }, { 304, 10, 304 },
		{ 400, 401, 400 }, { 401, 400, 400 },
	};
	struct mon_snap		 snap;
	struct mon_index	 ix;
	size_t			 n;

	mksnap(&snap, t, sizeof(t) / sizeof(t[0]));
	mon_index_init(&ix, &snap);
	n = mon_members_tree(&ix, 300);
	is(&ix, n, "301 302 303",
	    "the main process gone: its session and their descendants");
	n = mon_members_tree(&ix, 400);
	is(&ix, n, "400 401", "a parent cycle ends");
	mon_index_free(&ix);
	free(snap.v);

	mksnap(&snap, NULL, 0);
	mon_index_init(&ix, &snap);
	n = mon_members_tree(&ix, 1);
	is(&ix, n, "", "an empty snapshot");
	mon_index_free(&ix);
	free(snap.v);
}

/* The old walk: the whole snapshot scanned for each queued parent. */
static size_t
old_walk(struct mon_snap *snap, pid_t main, int *member)
{
	struct mon_proc	*p;
	pid_t		*queue;
	size_t		 i, qh = 0, qt = 0;

	memset(member, 0, snap->n * sizeof(*member));
	if ((queue = calloc(snap->n + 1, sizeof(*queue))) == NULL)
		abort();
	if ((p = mon_proc_find(snap, main)) != NULL) {
		member[p - snap->v] = 1;
		queue[qt++] = p->pid;
	}
	for (i = 0; i < snap->n; i++)
		if (snap->v[i].session == main && !member[i]) {
			member[i] = 1;
			queue[qt++] = snap->v[i].pid;
		}
	while (qh < qt) {
		pid_t	 parent = queue[qh++];

		for (i = 0; i < snap->n; i++)
			if (snap->v[i].ppid == parent && !member[i] &&
			    qt < snap->n) {
				member[i] = 1;
				queue[qt++] = snap->v[i].pid;
			}
	}
	free(queue);
	return (qt);
}

static void
test_random(void)
{
	struct mon_snap		 snap;
	struct mon_index	 ix;
	pid_t			(*t)[3];
	int			*member;
	size_t			 n = 3000, i, j, k, got, want, bad = 0;
	size_t			 total = 0;
	unsigned int		 seed = 20261206;

	if ((t = calloc(n, sizeof(*t))) == NULL ||
	    (member = calloc(n, sizeof(*member))) == NULL)
		abort();
	for (k = 0; k < 5; k++) {
		for (i = 0; i < n; i++) {
			/* pids 2..; parents mostly earlier, some unknown */
			t[i][0] = (pid_t)(2 + i * 3 + (rand_r(&seed) % 3));
			t[i][1] = i == 0 || rand_r(&seed) % 8 == 0 ? 1 :
			    t[rand_r(&seed) % i][0];
			if (rand_r(&seed) % 4 == 0)
				t[i][2] = t[i][0];	/* setsid */
			else if (i > 0 && rand_r(&seed) % 2)
				t[i][2] = t[rand_r(&seed) % i][2];
			else
				t[i][2] = (pid_t)(1 + rand_r(&seed) % 64);
		}
		mksnap(&snap, (const pid_t (*)[3])t, n);
		mon_index_init(&ix, &snap);
		for (i = 0; i < n; i += 7) {
			pid_t	 main = snap.v[i].pid;

			want = old_walk(&snap, main, member);
			got = mon_members_tree(&ix, main);
			total += got;
			if (got != want) {
				bad++;
				continue;
			}
			for (j = 0; j < got; j++)
				if (!member[ix.members[j]] ||
				    (j > 0 && ix.members[j - 1] >=
				    ix.members[j])) {
					bad++;
					break;
				}
		}
		mon_index_free(&ix);
		free(snap.v);
	}
	check(bad == 0 && total > n, "random snapshots: the same members as "
	    "the old walk, sorted (%zu differ, %zu members)", bad, total);
	free(t);
	free(member);
}

int
main(void)
{
	test_rules();
	test_odd();
	test_random();
	return (nfail != 0);
}
