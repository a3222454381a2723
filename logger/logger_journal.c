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
 * The journal of one stream (layout and phases: logger.h): what makes a
 * SIGKILL of the logger, at any instruction, lose nothing and write
 * nothing twice.  The stream (logger_stream.c) goes through it as
 *
 *	logger_jr_read_begin	before read(2) of the pipe: READING
 *	logger_jr_read_end	after it: READ (the chunk), or IDLE
 *	logger_jr_write_begin	before write(2) of lines of the chunk
 *	logger_jr_write_end	after it: those lines are done
 *	logger_jr_commit	the chunk is written: the held partial line
 *				moves to the other area, one store commits
 *	logger_jr_replay	the next logger: finish what the last left
 *
 * Every field is stored in an order that leaves a state replay can
 * finish from; JR_BARRIER keeps the compiler from reordering stores (a
 * process that dies leaves memory as its last store left it).  No
 * system call here: the unit test drives it with a simulated pipe and
 * file and a kill between any two steps.
 */

#include <sys/types.h>

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "logger.h"

#define JR_BARRIER()	atomic_signal_fence(memory_order_seq_cst)

_Static_assert(sizeof(struct logger_journal) <= LOG_JOURNAL_HDR,
    "journal header too big");

unsigned char *
logger_jr_area(struct logger_journal *jr, uint32_t a)
{
	return ((unsigned char *)jr + LOG_JOURNAL_HDR +
	    (size_t)a * LOGGER_AREA_SIZE);
}

struct logger_jrec *
logger_jr_rec(struct logger_journal *jr)
{
	return (&jr->rec[jr->cur]);
}

/* A journal nobody has written: valid and empty from now on. */
void
logger_jr_fresh(struct logger_journal *jr)
{
	memset(jr, 0, sizeof(*jr));
	JR_BARRIER();
	jr->version = JR_VERSION;
	JR_BARRIER();
}

static void
jr_chunk(struct logger_jrec *r, uint32_t len, uint32_t flags)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	r->len = len;
	r->done = 0;
	r->flags = flags;
	r->wr_active = 0;
	r->ts_sec = ts.tv_sec;
	r->ts_nsec = ts.tv_nsec;
	JR_BARRIER();
	r->phase = JR_READ;
	JR_BARRIER();
}

/*
 * A read of len bytes (peek: their first, seen without taking it) goes
 * into the area after the held bytes; the byte there is set to ~peek
 * first, so replay can tell whether the kernel copied the data.
 */
unsigned char *
logger_jr_read_begin(struct logger_journal *jr, uint32_t len,
    unsigned char peek)
{
	struct logger_jrec	*r = logger_jr_rec(jr);
	unsigned char		*a = logger_jr_area(jr, r->area);

	r->rd_len = len;
	r->peek = peek;
	a[r->carry] = (unsigned char)~peek;
	JR_BARRIER();
	r->phase = JR_READING;
	JR_BARRIER();
	return (a + r->carry);
}

/* n bytes were read (0 or -1: none): the chunk, or nothing. */
void
logger_jr_read_end(struct logger_journal *jr, ssize_t n)
{
	struct logger_jrec	*r = logger_jr_rec(jr);

	JR_BARRIER();
	if (n <= 0) {
		r->phase = JR_IDLE;
		JR_BARRIER();
		return;
	}
	r->rd_len = (uint32_t)n;
	jr_chunk(r, r->carry + (uint32_t)n, 0);
}

/* The held partial line becomes a chunk of its own (JR_F_*). */
int
logger_jr_flush_held(struct logger_journal *jr, uint32_t flags)
{
	struct logger_jrec	*r = logger_jr_rec(jr);

	if (r->phase != JR_IDLE || (r->carry == 0 &&
	    ((flags & JR_F_EOF) == 0 || r->col == 0)))
		return (0);
	jr_chunk(r, r->carry, flags);
	return (1);
}

/* A write(2) of the chunk's lines, to a file now at off, begins. */
void
logger_jr_write_begin(struct logger_journal *jr, uint64_t off, uint64_t dev,
    uint64_t ino)
{
	struct logger_jrec	*r = logger_jr_rec(jr);

	r->wr_off = off;
	r->wr_dev = dev;
	r->wr_ino = ino;
	r->wr_done = r->done;
	JR_BARRIER();
	r->wr_active = 1;
	JR_BARRIER();
}

/* ... and is whole: the chunk is done up to in_end. */
void
logger_jr_write_end(struct logger_journal *jr, uint32_t in_end)
{
	struct logger_jrec	*r = logger_jr_rec(jr);

	JR_BARRIER();
	r->done = in_end;
	JR_BARRIER();
	r->wr_active = 0;
	JR_BARRIER();
}

/* ... or failed, and what it wrote has been cut back. */
void
logger_jr_write_fail(struct logger_journal *jr)
{
	JR_BARRIER();
	logger_jr_rec(jr)->wr_active = 0;
	JR_BARRIER();
}

/* Done up to in_end without a write to a file (syslog, nothing to do). */
void
logger_jr_done(struct logger_journal *jr, uint32_t in_end)
{
	JR_BARRIER();
	logger_jr_rec(jr)->done = in_end;
	JR_BARRIER();
}

/*
 * The chunk is written up to done: what is left (a partial line) moves
 * to the start of the other area, and one store of cur commits it all.
 * Returns the bytes held.
 */
uint32_t
logger_jr_commit(struct logger_journal *jr, uint32_t out_col)
{
	struct logger_jrec	*r = &jr->rec[jr->cur];
	struct logger_jrec	*n = &jr->rec[!jr->cur];
	uint32_t		 tail = r->len - r->done;

	memset(n, 0, sizeof(*n));
	n->phase = JR_IDLE;
	n->col = out_col;
	n->area = r->area;
	if (tail > 0) {
		n->area = !r->area;
		memcpy(logger_jr_area(jr, n->area), logger_jr_area(jr,
		    r->area) + r->done, tail);
		n->carry = tail;
	}
	JR_BARRIER();
	jr->cur = !jr->cur;
	JR_BARRIER();
	return (tail);
}

/*
 * Whatever the previous logger was doing when it died, make the journal
 * consistent again; undo cuts a file back to where an interrupted write
 * began.  Anything that makes no sense is dropped rather than trusted.
 * 0: consistent (maybe with a chunk to finish); -1: damaged, reset.
 */
int
logger_jr_replay(struct logger_journal *jr, const char *id,
    void (*undo)(void *, uint64_t, uint64_t, uint64_t), void *arg)
{
	struct logger_jrec	*r;
	const unsigned char	*a;

	if (jr->version == 0) {
		logger_jr_fresh(jr);
		return (0);
	}
	if (jr->version != JR_VERSION || jr->cur > 1)
		goto bad;
	r = &jr->rec[jr->cur];
	if (r->area > 1 || r->carry > LOG_LINE_MAX || r->col >= LOG_LINE_MAX)
		goto bad;
	switch (r->phase) {
	case JR_IDLE:
		return (0);
	case JR_READING:
		if (r->rd_len == 0 || r->rd_len > LOG_READ_MAX)
			goto bad;
		a = logger_jr_area(jr, r->area);
		if (a[r->carry] != (unsigned char)r->peek) {
			r->phase = JR_IDLE;	/* still in the pipe */
			return (0);
		}
		jr_chunk(r, r->carry + r->rd_len, 0);
		log_info("%s: taking over %u bytes the previous logger read",
		    id, r->rd_len);
		return (0);
	case JR_READ:
		if (r->len > LOGGER_AREA_SIZE || r->done > r->len ||
		    (r->flags & ~(JR_F_FLUSH | JR_F_EOF)) != 0 ||
		    r->ts_nsec < 0 || r->ts_nsec >= 1000000000)
			goto bad;
		if (r->wr_active) {
			if (r->wr_done > r->done)
				goto bad;
			undo(arg, r->wr_dev, r->wr_ino, r->wr_off);
			r->done = r->wr_done;
			JR_BARRIER();
			r->wr_active = 0;
		}
		if (r->len > r->done)
			log_info("%s: writing %u bytes the previous logger "
			    "left", id, r->len - r->done);
		return (0);
	default:
		break;
	}
 bad:
	log_warnx("%s: journal damaged, starting afresh", id);
	logger_jr_fresh(jr);
	return (-1);
}
