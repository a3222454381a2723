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

/* vigild: control -- the helper process. */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "msg.h"
#include "proc.h"

static int
control_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	int	 v;

	switch (imsg->hdr.type) {
	case IMSG_VERBOSE:
		if (imsg_get_data(imsg, &v, sizeof(v)) == -1)
			return (-1);
		log_setverbose(v);
		return (0);
	default:
		log_warnx("unexpected message type %u from parent",
		    imsg->hdr.type);
		return (-1);
	}
}

void
control_main(const struct proc_opts *opts)
{
	proc_child_init(opts);
	privdrop(opts->user, opts->root);
	event_init();
	(void)proc_child_channel(control_dispatch_parent, NULL);
	event_dispatch();
	exit(0);
}
