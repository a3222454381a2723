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

/* The parent's side of the monitor: health, readiness and resources. */

#include <sys/types.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

int
parent_monitor_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	default:
		log_warnx("monitor: unexpected message type %u",
		    imsg->hdr.type);
		return (-1);
	}
}

void
parent_monitor_init(void)
{
}

void
parent_monitor_ready(void)
{
}

const char *
parent_monitor_notify_path(void)
{
	return (NULL);
}
