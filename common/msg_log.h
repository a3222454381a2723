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
 * Messages between the parent and the logger (200..299).
 *
 * Every output pipe of every instance is a `stream' with a number (sid)
 * the parent gives it once; the sid stays the same for the pipe's whole
 * life, across logger respawns.  For each stream the parent sends
 * IMSG_LOG_JOURNAL (the stream's journal, a small shared-memory file the
 * parent keeps) immediately followed by IMSG_LOG_ATTACH (the read end of
 * the pipe).  It does so when the pipe is made and again for every
 * stream still open when a new logger says hello.
 *
 * The parent keeps its own copy of the read end and of the journal until
 * the logger reports IMSG_LOG_CLOSED: the stream was read to its end
 * (every write end closed: the instance was forgotten) and written out.
 * So a logger that dies, at any instruction, loses nothing: what it had
 * not consumed is still in the pipe, and what it had consumed but not
 * yet written is in the journal, which the next logger replays.
 *
 * Strings are fixed arrays, NUL-terminated; the receiver checks them.
 */

#ifndef VIGIL_MSG_LOG_H
#define VIGIL_MSG_LOG_H

#include <sys/types.h>

#include <stdint.h>

#include "msg.h"
#include "msg_ctl.h"

enum imsg_log_type {
	/* parent -> logger */
	IMSG_LOG_DIR = IMSG_LOG_BASE,	/* no data, fd: log_dir
					   (O_DIRECTORY), sent first */
	IMSG_LOG_JOURNAL,	/* struct msg_log_sid, fd: journal */
	IMSG_LOG_ATTACH,	/* struct msg_log_attach, fd: pipe read end */
	IMSG_LOG_SETTINGS,	/* struct msg_log_attach, no fd: new keys */
	IMSG_LOG_SYSLOG,	/* no data, fd: a datagram socket connected to
				   syslog, or none when there is none */
	IMSG_LOG_TAIL_FILE,	/* struct msg_log_tailfile: a file to read */
	IMSG_LOG_TAIL,		/* struct msg_log_tail: after its files */
	IMSG_LOG_UNFOLLOW,	/* struct msg_log_req: the client went away */
	IMSG_LOG_CLEAR,		/* struct msg_log_clear: one instance */
	IMSG_LOG_CONSOLE,	/* no data, fd: vigild's own stdout (log.stdout:
				   console), or none */
	IMSG_LOG_SHUTDOWN,	/* no data: vigild stops; when the channel
				   closes, exit instead of waiting for a
				   next parent */
	IMSG_LOG_ORPHAN,	/* no data: vigild re-executes itself; wait
				   for the next parent now (logger_orphan.c),
				   say so with IMSG_LOG_ORPHANED */

	/* logger -> parent */
	IMSG_LOG_CLOSED = IMSG_LOG_BASE + 50,	/* struct msg_log_sid */
	IMSG_LOG_SYSLOG_REQ,	/* no data: the syslog socket broke */
	IMSG_LOG_DATA,		/* struct msg_log_data: for a client */
	IMSG_LOG_TAIL_DONE,	/* struct msg_log_req: a tail without -f has
				   sent everything */
	IMSG_LOG_CLEARED,	/* struct msg_log_result */
	IMSG_LOG_ORPHANED,	/* no data: waiting on LOG_ORPHAN_SOCK */

	/*
	 * An orphaned logger (its parent died) to the next parent, on
	 * LOG_ORPHAN_SOCK: for every open stream IMSG_LOG_HANDOVER_JOURNAL
	 * then IMSG_LOG_HANDOVER, then IMSG_LOG_HANDOVER_END; then it
	 * exits, and the new parent hands the streams to its own logger.
	 */
	IMSG_LOG_HANDOVER_JOURNAL = IMSG_LOG_BASE + 80,	/* struct
					   msg_log_sid, fd: the journal
					   (or none) */
	IMSG_LOG_HANDOVER,	/* struct msg_log_attach, fd: pipe read end */
	IMSG_LOG_HANDOVER_END	/* struct msg_log_sid: sid is the count */
};

/*
 * In log_dir (the logger's root): where an orphaned logger waits for the
 * next parent.  Instance ids never start with a dot, so no log file can
 * take this name.
 */
#define LOG_ORPHAN_SOCK		".vigild-logger.sock"

/*
 * The journal: LOG_JOURNAL_SIZE bytes of shared memory per stream, made
 * by the parent (zero-filled), laid out and used by the logger only
 * (logger/logger.h).  Its size depends on the two bounds below.
 */
#define LOG_LINE_MAX		16384	/* longer lines are split */
#define LOG_READ_MAX		131072	/* from a pipe at once */
#define LOG_JOURNAL_HDR		4096
#define LOG_JOURNAL_SIZE	(LOG_JOURNAL_HDR + \
				    2 * (LOG_LINE_MAX + LOG_READ_MAX))

enum log_stream {
	LOG_STREAM_OUT = 0,	/* stdout, and stderr when merged */
	LOG_STREAM_ERR		/* stderr on its own */
};

enum log_dest {
	LOG_DEST_FILE = 0,
	LOG_DEST_SYSLOG,
	LOG_DEST_CONSOLE
};

struct msg_log_sid {
	uint32_t	 sid;
};

struct msg_log_attach {
	uint32_t	 sid;			/* 1.. */
	uint32_t	 stream;		/* enum log_stream */
	uint32_t	 dest;			/* enum log_dest */
	uint32_t	 instance;
	uint32_t	 keep;			/* 0..CONFIG_KEEP_MAX */
	uint32_t	 timestamps;		/* 0 or 1 */
	uint64_t	 max_size;		/* bytes; 0: never rotate */
	char		 id[VIGIL_IDNAMEMAX];	/* "web" or "web:2" */
	char		 name[VIGIL_NAMEMAX];	/* "web" */
};

/*
 * tail, logs, clear for vigilctl: the parent resolves the targets and
 * names the files by instance id (the logger makes "web-2.err.log" of
 * "web:2" and CTL_LOG_ERR); reqid is the client's peer id.  A request is
 * any number of IMSG_LOG_TAIL_FILE, then IMSG_LOG_TAIL: the last `count'
 * lines of each file, then (follow) what is written to them from then
 * on, until IMSG_LOG_UNFOLLOW; without follow the logger ends with
 * IMSG_LOG_TAIL_DONE.  What it sends goes to the client as it is.
 */
#define LOG_TAIL_MAXLINES	10000000
#define LOG_TAIL_MAXFILES	4096	/* per request */

struct msg_log_req {
	uint32_t	 reqid;
};

struct msg_log_tailfile {
	uint32_t	 reqid;
	uint32_t	 flags;			/* CTL_LOG_ERR */
	char		 id[VIGIL_IDNAMEMAX];
};

struct msg_log_tail {
	uint32_t	 reqid;
	uint32_t	 follow;		/* 0 or 1 */
	uint32_t	 count;			/* last lines of each */
};

struct msg_log_clear {
	uint32_t	 reqid;
	char		 id[VIGIL_IDNAMEMAX];
};

struct msg_log_data {
	uint32_t		 reqid;
	uint32_t		 pad;
	struct ctl_logdata	 d;
};

struct msg_log_result {
	uint32_t	 reqid;
	int32_t		 result;		/* CTL_RES_* */
	char		 id[VIGIL_IDNAMEMAX];
	char		 text[CTL_RESULTMAX];
};

#endif /* VIGIL_MSG_LOG_H */
