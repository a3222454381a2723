/*
 * Unit test for logger/logger_journal.c: a logger killed at any step
 * loses nothing and writes nothing twice.
 *
 * A simulated logger moves numbered lines from a simulated pipe to a
 * simulated file through the journal, the way logger_stream.c does:
 * read_begin, the read, read_end; then for the chunk's complete lines
 * write_begin, a write in two halves (a kill between them leaves a
 * write in flight), write_end; then commit; at the end of the input the
 * held partial line is flushed.  Every step is numbered; for each K the
 * logger is killed just before step K -- the journal (shared memory),
 * the pipe and the file keep what it left -- and a new logger replays
 * the journal and finishes.  The file must then hold the input exactly.
 * Then the same with a second kill in the second logger, and with the
 * replay itself done twice (a kill right after it).
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logger.h"
#include "unit.h"

#define IN_MAX		(64 * 1024)

static char		 in[IN_MAX];
static size_t		 inlen, rpos;		/* the pipe */
static char		 out[2 * IN_MAX];
static size_t		 outlen;		/* the file */
static struct logger_journal *jr;
static unsigned long	 step, kill_at;

#define STEP()		do { if (++step == kill_at) return (-1); } while (0)

static void
undo(void *arg, uint64_t dev, uint64_t ino, uint64_t off)
{
	if (dev == 1 && ino == 1 && off <= outlen)
		outlen = off;
}

/* Chunk sizes that cut lines anywhere, the same for every run. */
static size_t
chunk(size_t pos)
{
	return (1 + (pos * 2654435761u) % 700);
}

/* Write the chunk's complete lines (all of it with JR_F_FLUSH). */
static int
output(void)
{
	struct logger_jrec	*r = logger_jr_rec(jr);
	const unsigned char	*a = logger_jr_area(jr, r->area);
	const unsigned char	*nl;
	uint32_t		 pos = r->done, lend, half;
	int			 addnl = 0;

	nl = NULL;
	for (lend = r->len; lend > pos; lend--)
		if (a[lend - 1] == '\n') {
			nl = a + lend - 1;
			break;
		}
	if (nl == NULL && (r->flags & JR_F_FLUSH)) {
		lend = r->len;
		addnl = (r->flags & JR_F_EOF) && lend > pos;
	} else if (nl == NULL)
		lend = pos;
	if (lend == pos) {
		STEP();
		logger_jr_done(jr, pos);
		return (0);
	}
	STEP();
	logger_jr_write_begin(jr, outlen, 1, 1);
	half = (lend - pos) / 2;
	STEP();
	memcpy(out + outlen, a + pos, half);
	outlen += half;
	STEP();					/* a write in flight */
	memcpy(out + outlen, a + pos + half, lend - pos - half);
	outlen += lend - pos - half;
	if (addnl)
		out[outlen++] = '\n';
	STEP();
	logger_jr_write_end(jr, lend);
	return (0);
}

/* One logger's life: replay, then drain the pipe; -1: killed. */
static int
logger_run(int replays)
{
	struct logger_jrec	*r;
	unsigned char		*a;
	size_t			 n;
	int			 i;

	for (i = 0; i < replays; i++)
		(void)logger_jr_replay(jr, "test", undo, NULL);
	for (;;) {
		r = logger_jr_rec(jr);
		if (r->phase == JR_READ) {
			if (output() == -1)
				return (-1);
			STEP();
			(void)logger_jr_commit(jr, 0);
		}
		if (rpos == inlen)
			break;
		n = chunk(rpos);
		if (n > inlen - rpos)
			n = inlen - rpos;
		STEP();
		a = logger_jr_read_begin(jr, n, (unsigned char)in[rpos]);
		STEP();
		memcpy(a, in + rpos, n);		/* the read */
		rpos += n;
		STEP();
		logger_jr_read_end(jr, n);
	}
	STEP();
	if (logger_jr_flush_held(jr, JR_F_FLUSH | JR_F_EOF)) {
		if (output() == -1)
			return (-1);
		STEP();
		(void)logger_jr_commit(jr, 0);
	}
	return (0);
}

static void
reset(void)
{
	memset(jr, 0, LOG_JOURNAL_SIZE);
	rpos = 0;
	outlen = 0;
}

/* Killed before step k1 (and k2 of the next logger): 1 if all came. */
static int
run(unsigned long k1, unsigned long k2, int replays)
{
	reset();
	step = 0;
	kill_at = k1;
	if (logger_run(1) == 0)
		return (-2);			/* no step k1 */
	step = 0;
	kill_at = k2;
	if (k2 != 0 && logger_run(replays) == 0)
		return (-2);
	step = 0;
	kill_at = 0;
	if (logger_run(replays) == -1)
		return (0);
	/* The input ends in a partial line: the end of the stream adds \n. */
	return (outlen == inlen + 1 && memcmp(out, in, inlen) == 0 &&
	    out[inlen] == '\n');
}

int
main(void)
{
	unsigned long	 k, k2, nsteps, bad = 0, bad2 = 0, bad3 = 0, runs2 = 0;
	int		 i, r;

	if ((jr = calloc(1, LOG_JOURNAL_SIZE)) == NULL)
		abort();
	for (i = 0; inlen + 64 < sizeof(in) / 4; i++)
		inlen += snprintf(in + inlen, sizeof(in) - inlen, "%d %.*s\n",
		    i, i % 50, "the quick brown fox jumps over the lazy dog, "
		    "twice");
	/* The last line has no newline: the end of the stream adds one. */
	inlen += snprintf(in + inlen, sizeof(in) - inlen, "last");

	/* Without a kill, and how many steps that takes. */
	reset();
	step = 0;
	kill_at = 0;
	r = logger_run(1);
	nsteps = step;
	check(r == 0 && outlen == inlen + 1 && memcmp(out, in, inlen) == 0 &&
	    out[inlen] == '\n', "without a kill every byte arrives, the last "
	    "partial line with a newline (%lu steps)", nsteps);

	for (k = 1; k <= nsteps; k++)
		if (run(k, 0, 1) != 1)
			bad++;
	check(bad == 0, "killed before any one of %lu steps: nothing lost "
	    "or doubled (%lu bad)", nsteps, bad);
	for (k = 1; k <= nsteps; k++)
		if (run(k, 0, 3) != 1)
			bad3++;
	check(bad3 == 0, "the same with the replay done three times (a kill "
	    "during it): %lu bad", bad3);
	for (k = 1; k <= nsteps; k += 7)
		for (k2 = 1; k2 <= 40; k2 += 3) {
			if ((r = run(k, k2, 1)) == -2)
				continue;
			runs2++;
			if (r != 1)
				bad2++;
		}
	check(runs2 > 0 && bad2 == 0, "two kills in a row, %lu pairs: %lu bad",
	    runs2, bad2);

	/* A journal with nonsense in it is reset, not trusted. */
	reset();
	logger_jr_fresh(jr);
	jr->rec[0].phase = 7;
	check(logger_jr_replay(jr, "test", undo, NULL) == -1 &&
	    logger_jr_rec(jr)->phase == JR_IDLE, "an unknown phase is reset");
	reset();
	logger_jr_fresh(jr);
	jr->rec[0].phase = JR_READ;
	jr->rec[0].len = 10;
	jr->rec[0].done = 11;
	check(logger_jr_replay(jr, "test", undo, NULL) == -1,
	    "done beyond len is reset");
	reset();
	jr->version = 99;
	check(logger_jr_replay(jr, "test", undo, NULL) == -1 &&
	    jr->version == JR_VERSION, "an unknown version is reset");
	free(jr);
	return (nfail != 0);
}
