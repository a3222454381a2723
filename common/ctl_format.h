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
 * Text formats of the control answers: supervisorctl's status line and
 * the small pieces vigilctl, the parent (info) and the tests share.
 * Each writes into the caller's buffer (always NUL-terminated) and
 * returns it.
 */

#ifndef VIGIL_CTL_FORMAT_H
#define VIGIL_CTL_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "msg_ctl.h"

#define CTL_STATUS_MINWIDTH	33	/* supervisorctl: max(30, len) + 3 */

/* Python's str(timedelta): "1:02:03", "1 day, 2:03:04", "3 days, 0:00:05" */
char	*ctl_fmt_uptime(uint64_t, char *, size_t);
/* supervisord's stop time: strftime("%b %d %I:%M %p"), local time */
char	*ctl_fmt_stoptime(time_t, char *, size_t);
/* The description column of supervisorctl status (vigilctl(8), status). */
char	*ctl_fmt_description(const struct ctl_status *, char *, size_t);
/* The width of the name column for names up to this long. */
int	 ctl_status_width(size_t);
/* "%-*s%-10s%s" without the newline. */
char	*ctl_fmt_status_line(int, const char *, const char *, const char *,
	    char *, size_t);
/* 512, 1.5K, 12.3M, 2.0G */
char	*ctl_fmt_bytes(uint64_t, char *, size_t);
/* 250ms, 10s, 5m, 1h, 1h30m5s */
char	*ctl_fmt_duration(uint64_t, char *, size_t);
/* "exit 3", "killed by SIGTERM", "spawn error (No such file...)" */
char	*ctl_fmt_exit(int, int, char *, size_t);

#endif /* VIGIL_CTL_FORMAT_H */
