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
 * Log lines on their way to a vigilctl tail -f or logs -f (control's
 * side).  A client that reads slower than its services write must not
 * make anything wait or grow: while more than CONTROL_LOGS_QUEUEMAX
 * bytes of answers wait for it, its log lines are dropped and counted,
 * and once it has caught up it is told "N lines skipped" before the next
 * line.  (Well below CTL_CLIENT_QUEUEMAX, past which a client that does
 * not read at all is closed.)
 */

#include <sys/types.h>

#include <string.h>

#include <event.h>

#include "control.h"
#include "imsg.h"
#include "msg_ctl.h"

#define CONTROL_LOGS_QUEUEMAX	(256 * 1024)

/*
 * Called for each IMSG_CTL_LOGDATA before it is queued for the client.
 * 1: drop it (counted in *skipped); 0: queue it (after the marker, if
 * lines were dropped before).
 */
int
control_logs_skip(struct imsgev *iev, struct imsg *imsg, uint64_t *skipped)
{
	static struct ctl_logdata	 d;
	const char			*p, *end;
	uint64_t			 n = 0;

	if (imsg_get_data(imsg, &d, sizeof(d)) == -1 ||
	    d.len > sizeof(d.text))
		return (0);		/* the client will judge it */
	if (iev->ibuf.wqbytes > CONTROL_LOGS_QUEUEMAX) {
		for (p = d.text, end = d.text + d.len; p < end; p++)
			if (*p == '\n')
				n++;
		if (d.flags & CTL_LOG_SKIPPED)
			n = d.skipped;
		*skipped += n > 0 ? n : 1;
		return (1);
	}
	if (*skipped > 0) {
		memset(&d, 0, sizeof(d));
		d.flags = CTL_LOG_SKIPPED;
		d.skipped = *skipped;
		*skipped = 0;
		(void)imsgev_compose(iev, IMSG_CTL_LOGDATA, 0, 0, -1, &d,
		    sizeof(d));
	}
	return (0);
}
