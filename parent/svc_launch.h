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
 * Shared by the two halves of the launcher: svc_launch.c, in the parent,
 * prepares and forks; svc_launch_child.c runs in the child.
 */

#ifndef VIGIL_SVC_LAUNCH_H
#define VIGIL_SVC_LAUNCH_H

#include <sys/resource.h>

#include <signal.h>

/*
 * What the child reads of the parent's own state.  A child forked
 * into its cgroup has no copy of the parent's .bss (svc_cgroup_fork),
 * so it reads these from the arena, where launch_pack() copies them.
 */
struct launch_proc {
	struct rlimit	 orig_nofile;
	int		 rlimits_saved;
	/*
	 * The signals whose disposition is not the default in the parent
	 * (its handlers, SIG_IGN, and whatever was ignored when it was
	 * started): the only ones a child must reset.  Recorded once the
	 * parent has set its handlers, which it does not change afterwards.
	 */
	int		 sig_reset[NSIG];
	int		 nsig_reset;
	int		 sig_known;
};

/* In the new child: apply what l says and exec; never returns. */
__dead void	 svc_launch_child(const struct svc_launch *,
		    const struct launch_proc *, int, int);

#endif /* VIGIL_SVC_LAUNCH_H */
