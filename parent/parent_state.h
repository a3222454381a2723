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
 * The state file (state_dir/vigild.state): what the next vigild needs to
 * adopt the services this one runs, after a crash or an upgrade.
 *
 *	vigild-state 1
 *	instance <id of this vigild, or ->
 *	svc <id> <pid> <starttime> <state> <restarts> <start_ms> <health>
 *	    <port, 0: none> <stop_signal> <stop_timeout_ms> <fingerprint>
 *	    <cgroup, or ->
 *	...
 *	listen <service> <inode> ...
 *	...
 *	sum <FNV-1a 64 of every byte before this line, 16 hex digits>
 *
 * One line a running instance; starttime is field 22 of /proc/PID/stat
 * (what proves the pid is still that process), start_ms the wall clock
 * of its start in milliseconds, fingerprint a hash of what the process
 * was started with (parent_adopt.c).  A listen line names the inodes of
 * a service's `listen:` sockets, in order, so that the next vigild can
 * take them back from a process it adopts.  Written whole to a temporary file
 * and renamed over the old one: a reader sees the old or the new state,
 * never a mix; anything that does not decode exactly is refused.
 */

#ifndef VIGIL_PARENT_STATE_H
#define VIGIL_PARENT_STATE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define PSTATE_VERSION		1
#define PSTATE_FILE		"vigild.state"
#define PSTATE_IDMAX		64
#define PSTATE_PATHMAX		1024
#define PSTATE_MAXSVC		20000
#define PSTATE_FILEMAX		(PSTATE_MAXSVC * 1280)

struct pstate_svc {
	char		 id[VIGIL_IDNAMEMAX];
	pid_t		 pid;
	uint64_t	 starttime;
	uint32_t	 state;		/* enum svc_state */
	uint32_t	 restarts;
	int64_t		 start_ms;
	uint32_t	 health;	/* enum svc_health */
	uint32_t	 port;		/* PORT it was given, 0: none */
	uint32_t	 stop_signal;
	uint64_t	 stop_timeout_ms;
	uint64_t	 fingerprint;
	char		 cgroup[PSTATE_PATHMAX];	/* "": none */
};

#define PSTATE_LISTENMAX	64	/* sockets of one service */

struct pstate_listen {
	char		 name[VIGIL_NAMEMAX];
	uint32_t	 n;
	uint64_t	 ino[PSTATE_LISTENMAX];
};

struct pstate {
	uint32_t		 version;
	char			 instance[PSTATE_IDMAX];	/* "": none */
	struct pstate_svc	*svc;
	size_t			 nsvc;
	struct pstate_listen	*listen;
	size_t			 nlisten;
};

/* parent/parent_statefile.c: the codec, with no other dependency */
uint64_t pstate_hash(const void *, size_t, uint64_t);
#define PSTATE_HASH_INIT	0xcbf29ce484222325ULL
/* A malloc'd text of st; NULL and errno on failure. */
char	*pstate_encode(const struct pstate *, size_t *);
/* 0, or -1 with why (never trusts, never reads past len). */
int	 pstate_decode(const char *, size_t, struct pstate *, char *,
	    size_t);
void	 pstate_free(struct pstate *);

#endif /* VIGIL_PARENT_STATE_H */
