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
 * The kernel's side of parent_watch.c on Linux: inotify.  One watch per
 * directory; events are decoded with bounds checks and handed on as
 * (directory, name, is a directory, is new); a lost queue is wd -1.
 */

#include <sys/types.h>
#include <sys/inotify.h>

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "parent.h"

#define PWATCH_MASK	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | \
			    IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | \
			    IN_ONLYDIR)
#define PWATCH_READS	16	/* reads per wakeup: others get a turn */

int
pwatch_os_init(void)
{
	return (inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
}

int
pwatch_os_add(int fd, const char *path, int nofollow)
{
	return (inotify_add_watch(fd, path, PWATCH_MASK |
	    (nofollow ? IN_DONT_FOLLOW : 0)));
}

void
pwatch_os_rm(int fd, int wd)
{
	(void)inotify_rm_watch(fd, wd);
}

void
pwatch_os_read(int fd)
{
	char			 buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	struct inotify_event	 ev;
	char			 name[NAME_MAX + 1];
	ssize_t			 n, off;
	size_t			 len;
	int			 i;

	for (i = 0; i < PWATCH_READS; i++) {
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			return;
		for (off = 0; off + (ssize_t)sizeof(ev) <= n;
		    off += sizeof(ev) + ev.len) {
			memcpy(&ev, buf + off, sizeof(ev));
			if (ev.len > n - off - (ssize_t)sizeof(ev))
				return;		/* cannot be: stop */
			name[0] = '\0';
			if (ev.len > 0) {
				len = strnlen(buf + off + sizeof(ev), ev.len);
				if (len >= sizeof(name))
					len = sizeof(name) - 1;
				memcpy(name, buf + off + sizeof(ev), len);
				name[len] = '\0';
			}
			if (ev.mask & IN_Q_OVERFLOW)
				pwatch_event(-1, "", 0, 0);
			else if (ev.mask & IN_IGNORED)
				pwatch_gone(ev.wd);
			else if (name[0] != '\0')
				pwatch_event(ev.wd, name,
				    (ev.mask & IN_ISDIR) != 0,
				    (ev.mask & (IN_CREATE | IN_MOVED_TO)) != 0);
		}
	}
}
