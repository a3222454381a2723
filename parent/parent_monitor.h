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

/* The parent's monitor glue: what parent_monitor*.c share. */

#ifndef VIGIL_PARENT_MONITOR_H
#define VIGIL_PARENT_MONITOR_H

#include <sys/types.h>
#include <sys/tree.h>

#include <stdint.h>

#include "msg_mon.h"

struct svc;

/* A resolved target, cached per instance. */
struct pmon_target {
	char		*expanded;	/* NULL: never resolved */
	struct mon_addr	 addrs[MON_ADDRMAX];
	unsigned int	 naddrs;
	char		 error[MON_TEXTMAX];
	char		 name[MON_HOSTMAX];	/* for the monitor to resolve */
	char		 port[8];
};

struct pmon {
	RB_ENTRY(pmon)		 byid;
	RB_ENTRY(pmon)		 bykey;		/* while key != 0 */
	char			*id;		/* of its own: it outlives
						   the instance (pmon_sweep) */
	uint32_t		 key;		/* 0: nothing live */
	struct svc		*svc;		/* valid while key != 0: an
						   instance is freed only when
						   down, and then key is 0 */
	pid_t			 pid;
	unsigned int		 mem_over;	/* samples above the limit */
	uint64_t		 watchdog_usec;
	struct pmon_target	*health;	/* made when first needed */
	struct pmon_target	*ready;
};

/* parent/parent_monitor_def.c: a process described for the monitor */
void	pmon_build(struct svc *, struct pmon *, struct msg_mon_svc *);
void	pmon_target_clear(struct pmon_target *);
void	pmon_target_free(struct pmon_target **);

#endif /* VIGIL_PARENT_MONITOR_H */
