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
 * The Linux side of sd_notify: SO_PASSCRED makes the kernel attach the
 * sender's real pid (SCM_CREDENTIALS) to every datagram; a sender cannot
 * claim another pid without CAP_SYS_ADMIN.  Descriptors sent along
 * (BARRIER=1, FDSTORE=1) are closed at once: closing a barrier's fd is
 * its answer, and vigild keeps no fd store.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "monitor.h"

#define NOTIFY_MAXFDS	16

int
mon_notify_prepare(int fd)
{
	int	 on = 1, fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return (-1);
	return (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
}

/*
 * One datagram into buf; returns its full length (which may exceed len:
 * the rest is cut off) and the sender's pid (0 if the kernel gave none)
 * and uid ((uid_t)-1 if none), or -1 with errno (EAGAIN: nothing more).
 */
ssize_t
mon_notify_recv(int fd, char *buf, size_t len, pid_t *pid, uid_t *uid)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(struct ucred)) +
				    CMSG_SPACE(sizeof(int) * NOTIFY_MAXFDS)];
	}			 cmsgbuf;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cmsg;
	struct ucred		 cred;
	ssize_t			 n;
	size_t			 i, nfds;
	int			 fds[NOTIFY_MAXFDS];

	*pid = 0;
	*uid = (uid_t)-1;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);
	if ((n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC |
	    MSG_TRUNC)) == -1)
		return (-1);
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET)
			continue;
		if (cmsg->cmsg_type == SCM_CREDENTIALS &&
		    cmsg->cmsg_len == CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
			*pid = cred.pid;
			*uid = cred.uid;
		} else if (cmsg->cmsg_type == SCM_RIGHTS) {
			nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			if (nfds > NOTIFY_MAXFDS)
				nfds = NOTIFY_MAXFDS;
			memcpy(fds, CMSG_DATA(cmsg), nfds * sizeof(int));
			for (i = 0; i < nfds; i++)
				close(fds[i]);
		}
	}
	return (n);
}
