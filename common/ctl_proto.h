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
 * Checks of the control protocol (common/msg_ctl.h) shared by the control
 * process, the parent, vigilctl and the fuzzer: nothing here does I/O.
 */

#ifndef VIGIL_CTL_PROTO_H
#define VIGIL_CTL_PROTO_H

#include <stdint.h>

#include "imsg.h"
#include "msg_ctl.h"

/* Where one client connection is in the conversation. */
struct ctl_cstate {
	int		 hello;		/* a good HELLO was received */
	int		 busy;		/* REQUEST sent on, END not seen yet */
	unsigned int	 ntargets;	/* TARGETs of the request being built */
};

union ctl_cmsg {
	struct ctl_hello	 hello;
	struct ctl_target	 target;
	struct ctl_request	 req;
};

/*
 * Check one message a client sent against the state of its connection
 * and advance the state.  Returns its type (IMSG_CTL_HELLO, _TARGET or
 * _REQUEST) with the payload copied into *m, or -1 with a static reason
 * in *why: the client broke the protocol and is to be closed.  A HELLO
 * of another protocol version is returned, not refused: the caller
 * answers it.  For a REQUEST, m->req.ntargets is set to the number of
 * TARGETs before it.
 */
int		 ctl_client_decode(struct ctl_cstate *, struct imsg *,
		    union ctl_cmsg *, const char **);

/* 1 if the target is a NUL-terminated, non-empty, printable word. */
int		 ctl_target_ok(const struct ctl_target *);
/* 1 if the request's fields are in range (ntargets/uid/... unchecked). */
int		 ctl_request_ok(const struct ctl_request *, const char **);

const char	*ctl_cmd_name(uint32_t);	/* "status"; "?" if unknown */

#endif /* VIGIL_CTL_PROTO_H */
