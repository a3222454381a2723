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
 * The message catalogue: process ids, core messages and the ranges of the
 * per-subsystem groups.  One struct per message; receivers use
 * imsg_get_data() with the exact size.
 */

#ifndef VIGIL_MSG_H
#define VIGIL_MSG_H

#include <sys/types.h>

#include <stdint.h>

/* Bump whenever a message or struct in any msg_*.h changes. */
#define VIGIL_IMSG_VERSION	2

#define VIGIL_NAMEMAX		64	/* service name, NUL included */
#define VIGIL_IDNAMEMAX		72	/* "name:NNNN", NUL included */

enum vigil_proc {
	PROC_PARENT = 0,
	PROC_CONTROL,
	PROC_LOGGER,
	PROC_MONITOR,
	PROC_MAX
};

enum imsg_type {
	IMSG_NONE = 0,

	/* core: 1..99 */
	IMSG_HELLO = 1,		/* helper -> parent: up, struct msg_hello */
	IMSG_VERBOSE,		/* parent -> helper: int verbosity */
	IMSG_REOPEN,		/* parent -> logger: reopen files, no data */
	IMSG_PING,		/* parent -> helper: struct msg_ping */
	IMSG_PONG,		/* helper -> parent: the same struct back */
#ifdef VIGIL_TEST_HOOKS
	IMSG_TEST_GARBAGE,	/* test hook: never valid anywhere */
#endif

	IMSG_CTL_BASE = 100,	/* msg_ctl.h: 100..199 */
	IMSG_CTL_LAST = 199,
	IMSG_LOG_BASE = 200,	/* msg_log.h: 200..299 */
	IMSG_LOG_LAST = 299,
	IMSG_MON_BASE = 300,	/* msg_mon.h: 300..399 */
	IMSG_MON_LAST = 399
};

struct msg_hello {
	uint32_t	 version;	/* VIGIL_IMSG_VERSION */
	uint32_t	 proc;		/* enum vigil_proc of the sender */
};

/* Liveness: every helper answers a ping with the same seq (proc_child.c). */
struct msg_ping {
	uint32_t	 seq;
};

/* "CTL_REQUEST" for IMSG_CTL_REQUEST; "unknown" (common/msg_names.c). */
const char	*imsg_type_name(uint32_t);

/* Check that a fixed char array received from another process is a string. */
#define MSG_STR_OK(a)	(memchr((a), '\0', sizeof(a)) != NULL)

#endif /* VIGIL_MSG_H */
