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
 * vigild: logger -- what its files share.
 *
 * logger.c		main, the channel to the parent, streams come and go
 * logger_stream.c	one stream: take a chunk from the pipe, write it out
 * logger_journal.c	the journal that makes a SIGKILL lose nothing
 * logger_file.c	log files: open, rotate, reopen, clear
 * logger_syslog.c	RFC 3164 messages to the syslog socket
 * logger_follow.c	tail, tail -f, logs -f for vigilctl (via the parent)
 * logger_orphan.c	the parent died: keep writing, hand the streams over
 */

#ifndef VIGIL_LOGGER_H
#define VIGIL_LOGGER_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <time.h>

#include <event.h>

#include "imsg.h"
#include "msg.h"
#include "msg_log.h"

#define LOGGER_AREA_SIZE	(LOG_LINE_MAX + LOG_READ_MAX)
/* "2026-11-22T01:36:05.123+00:00 " */
#define LOGGER_TSLEN		30
/* A partial line waits that long for its newline. */
#define LOGGER_HOLD_MS		1000
#define LOGGER_PATHMAX		(VIGIL_IDNAMEMAX + 16)

/*
 * The journal of one stream, in memory shared with the parent (which
 * only keeps it), so it outlives a killed logger.  Layout:
 *	[LOG_JOURNAL_HDR: struct logger_journal][area 0][area 1]
 * An area holds one chunk: a held partial line (carry), then what was
 * read after it.  Two records, rec[cur] is the valid one; a chunk that is
 * done is committed by preparing the other record and flipping cur.
 * Within a chunk, fields are updated in an order that leaves a state
 * the next logger can finish from, whatever instruction a SIGKILL hits:
 *
 * IDLE	   nothing in flight; area[0, carry) is a held partial line.
 * READING  a read of rd_len bytes into area[carry] was about to happen or
 *	   happened.  peek is the first byte of it, seen with tee(2) before,
 *	   and area[carry] was set to ~peek: if it equals peek now, the
 *	   kernel copied the data (a pipe read of bytes that are there is
 *	   never cut short by a signal), else the bytes are still in the pipe.
 * READ	   area[0, len) is the chunk, [0, done) of it is written out.
 *	   wr_active: a write(2) to the file was under way; the file is cut
 *	   back to wr_off (if it is still that file) and done to wr_done.
 */
enum logger_phase {
	JR_IDLE = 0,
	JR_READING,
	JR_READ
};

#define JR_F_FLUSH	0x01	/* write the partial last line too */
#define JR_F_EOF	0x02	/* ... and end it with a newline */

struct logger_jrec {
	uint32_t	 phase;		/* enum logger_phase */
	uint32_t	 area;		/* 0 or 1 */
	uint32_t	 carry;		/* held, at the area's start */
	uint32_t	 col;		/* bytes of the current line
					   written before this chunk */
	uint32_t	 rd_len;	/* READING */
	uint32_t	 peek;		/* READING */
	uint32_t	 len;		/* READ */
	uint32_t	 done;		/* READ */
	uint32_t	 flags;		/* READ: JR_F_* */
	uint32_t	 wr_active;
	uint32_t	 wr_done;
	uint32_t	 pad;
	uint64_t	 wr_off;
	uint64_t	 wr_dev;
	uint64_t	 wr_ino;
	int64_t		 ts_sec;	/* when the chunk was read: its
					   lines' time, also on a replay */
	int64_t		 ts_nsec;
};

struct logger_journal {
	uint32_t		 version;	/* 0: fresh, else JR_VERSION */
	uint32_t		 cur;
	struct logger_jrec	 rec[2];
};
#define JR_VERSION	1

struct logger_file {
	TAILQ_ENTRY(logger_file) entry;
	char		 path[LOGGER_PATHMAX];	/* "web.log" */
	int		 fd;			/* -1: not open */
	uint64_t	 size;
	dev_t		 dev;
	ino_t		 ino;
	unsigned int	 refs;
	time_t		 rotate_failed;	/* not again at once */
};

struct logger_stream {
	TAILQ_ENTRY(logger_stream) entry;
	uint32_t		 sid;
	struct msg_log_attach	 conf;
	int			 fd;		/* the pipe; -1: EOF */
	int			 jfd;		/* the journal's shm, kept for
						   a next parent; -1: none */
	int			 jr_untouched;	/* fresh journal, not yet
						   written: not even read,
						   so it costs no memory */
	struct event		 ev;
	int			 reading;	/* ev is added */
	struct event		*retry_ev;	/* stalled: try again */
	struct event		*hold_ev;	/* partial line held */
						/* (both NULL until used) */
	unsigned int		 retry_ms;	/* 0: not stalled */
	int			 stall_logged;
	int			 eof;		/* seen; finishing */
	uint32_t		 out_col;	/* col where output stopped */
	struct logger_journal	*jr;
	struct logger_file	*file;
	int			 syslog_warned;
};
TAILQ_HEAD(logger_stream_list, logger_stream);

extern struct logger_stream_list	 logger_streams;

/* logger.c */
void	 logger_stream_closed(struct logger_stream *);
void	 logger_syslog_request(void);

/* logger_stream.c */
int	 logger_stream_init(void);
void	 logger_stream_new(const struct msg_log_attach *, int,
	    struct logger_journal *, int, int);
void	 logger_stream_settings(struct logger_stream *,
	    const struct msg_log_attach *);
void	 logger_stream_free(struct logger_stream *);
void	 logger_stream_drain_all(void);
struct logger_stream *logger_stream_find(uint32_t);
size_t	 logger_format_time(const struct timespec *, char *, size_t);

/* logger_journal.c: the journal of one stream (see above) */
unsigned char	*logger_jr_area(struct logger_journal *, uint32_t);
struct logger_jrec *logger_jr_rec(struct logger_journal *);
void	 logger_jr_fresh(struct logger_journal *);
unsigned char	*logger_jr_read_begin(struct logger_journal *, uint32_t,
	    unsigned char);
void	 logger_jr_read_end(struct logger_journal *, ssize_t);
int	 logger_jr_flush_held(struct logger_journal *, uint32_t);
void	 logger_jr_write_begin(struct logger_journal *, uint64_t, uint64_t,
	    uint64_t);
void	 logger_jr_write_end(struct logger_journal *, uint32_t);
void	 logger_jr_write_fail(struct logger_journal *);
void	 logger_jr_done(struct logger_journal *, uint32_t);
uint32_t logger_jr_commit(struct logger_journal *, uint32_t);
int	 logger_jr_replay(struct logger_journal *, const char *,
	    void (*)(void *, uint64_t, uint64_t, uint64_t), void *);

/* logger_file.c */
struct stat;
void	 logger_path(const char *, int, char *, size_t);
int	 logger_file_statat(const char *, struct stat *);
void	 logger_file_setdir(int);
struct logger_file *logger_file_get(const char *);
void	 logger_file_put(struct logger_file *);
int	 logger_file_open(struct logger_file *);
int	 logger_file_rotate(struct logger_file *, unsigned int);
void	 logger_file_reopen_all(void);
int	 logger_file_clear(const char *);
void	 logger_file_undo(struct logger_file *, uint64_t, uint64_t,
	    uint64_t);
int	 logger_file_openat(const char *, int);
int	 logger_file_dirfd(void);

/* logger_console.c */
void	 logger_console_set(int);
int	 logger_console_up(void);
int	 logger_console_send(const char *, const unsigned char *, size_t);

/* logger_syslog.c */
void	 logger_syslog_set(int);
int	 logger_syslog_up(void);
int	 logger_syslog_send(const char *, int, const struct timespec *,
	    const char *, size_t);

/* logger_follow.c */
void	 logger_follow_init(struct imsgev *);
void	 logger_follow_kick(void);
int	 logger_follow_file(const struct msg_log_tailfile *);
int	 logger_follow_start(const struct msg_log_tail *);
void	 logger_follow_stop(uint32_t);
void	 logger_follow_clear(const struct msg_log_clear *);
void	 logger_follow_stop_all(void);

/* logger_orphan.c */
struct proc_opts;
extern int	 logger_orphaned;
void	 logger_orphan_init(const struct proc_opts *);
void	 logger_orphan_enter(void);
int	 logger_orphan_waiting(void);

#endif /* VIGIL_LOGGER_H */
