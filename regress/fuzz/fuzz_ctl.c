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
 * libFuzzer target for what a local user can send to the control socket:
 * the bytes go through the imsg reader exactly as control reads a client
 * (frames of at most CTL_MSGMAX, no fd passing) and every frame through
 * ctl_client_decode(), as control_client_dispatch() does.
 *
 * Input: byte 0 bit 0: the answer END comes back after each REQUEST (the
 * client may then send another one); the rest is the stream.  Whatever
 * the decoder accepts must be a request the parent accepts too
 * (ctl_request_ok, ctl_target_ok); a decoder error or a framing error
 * ends the connection, as in control.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "imsg.h"
#include "msg_ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/* 0: go on, -1: the connection would be closed. */
static int
fuzz_drain(struct imsgbuf *ib, struct ctl_cstate *cs, int answer)
{
	struct imsg	 imsg;
	union ctl_cmsg	 m;
	const char	*why;
	int		 r, type;

	for (;;) {
		if ((r = imsg_get(ib, &imsg)) == -1)
			return (-1);
		if (r == 0)
			return (0);
		fuzz_check(imsg.hdr.len <= CTL_MSGMAX);
		type = ctl_client_decode(cs, &imsg, &m, &why);
		imsg_free(&imsg);
		if (type == -1) {
			fuzz_check(why != NULL);
			return (-1);
		}
		switch (type) {
		case IMSG_CTL_HELLO:
			fuzz_check(MSG_STR_OK(m.hello.vigil_version));
			if (m.hello.version != CTL_PROTO_VERSION)
				return (-1);	/* answered, then closed */
			break;
		case IMSG_CTL_TARGET:
			fuzz_check(ctl_target_ok(&m.target));
			fuzz_check(cs->ntargets <= CTL_MAXTARGETS);
			break;
		case IMSG_CTL_REQUEST:
			fuzz_check(ctl_request_ok(&m.req, &why));
			fuzz_check(m.req.ntargets <= CTL_MAXTARGETS);
			fuzz_check(cs->busy && cs->ntargets == 0);
			if (answer)
				cs->busy = 0;	/* END went by */
			break;
		default:
			fuzz_check(0);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imsgbuf		 ib;
	struct ctl_cstate	 cs;
	size_t			 off = 1;
	ssize_t			 n;
	int			 sp[2], answer, dead = 0;

	if (size < 1)
		return (0);
	answer = data[0] & 1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp) == -1)
		abort();
	if (imsgbuf_init(&ib, sp[0]) == -1 ||
	    imsgbuf_set_maxsize(&ib, CTL_MSGMAX) == -1)
		abort();
	memset(&cs, 0, sizeof(cs));
	while (!dead && off < size) {
		n = write(sp[1], data + off, size - off);
		if (n > 0)
			off += (size_t)n;
		else if (n == -1 && errno != EAGAIN)
			abort();
		/* Read all there is, as control does on EV_READ. */
		for (;;) {
			n = imsgbuf_read(&ib);
			if (n == 0 || (n == -1 && errno != EAGAIN)) {
				dead = 1;
				break;
			}
			if (fuzz_drain(&ib, &cs, answer) == -1) {
				dead = 1;
				break;
			}
			if (n == -1)
				break;		/* EAGAIN: all read */
		}
	}
	imsgbuf_clear(&ib);
	close(sp[0]);
	close(sp[1]);
	return (0);
}
