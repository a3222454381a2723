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
 * The status record on the wire (IMSG_CTL_STATUS, control protocol 3):
 * struct ctl_status (common/msg_ctl.h) is what the parent fills in and
 * what clients read, but it travels compact -- only the fields that are
 * set, strings without their padding, numbers as varints -- and several
 * records share one frame.  A status of 10,000 services is then about
 * 400 KB in 100 frames instead of 7 MB in 10,000.
 *
 * An IMSG_CTL_STATUS payload is one or more records back to back, at
 * most CTL_STATUS_BATCHMAX bytes.  A record, all integers little-endian:
 *
 *	u16	len	bytes that follow, CTL_STATUS_RECMIN..CTL_STATUS_RECMAX
 *	u32	mask	bit i set: field i is present (order below)
 *	then every present field, in bit order:
 *	  a string: u8 n (1 .. the array's size - 1), then n bytes, no NUL
 *	  a number: LEB128, at most 10 bytes, shortest form, never 0;
 *		    signed fields zigzag-encoded, and in their type's range
 *
 * An absent field is "" or 0, except `group', which when absent is the
 * id up to its first ':' (the id itself if it has none), and is sent only
 * when it differs from that.  id and state are always present.  The
 * decoder is strict: unknown mask bits, a present empty or zero field,
 * a long or overlong varint, a value out of range, a NUL in a string, a
 * record whose fields do not end exactly at its len, or trailing bytes
 * are refused.  So one struct has exactly one encoding, and
 * decode(encode(st)) == st for every struct whose strings fit.
 */

#ifndef VIGIL_CTL_STATUS_H
#define VIGIL_CTL_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "msg_ctl.h"

#define CTL_STATUS_NFIELDS	23
#define CTL_STATUS_RECMIN	4	/* the mask */
/* The mask, 8 strings with their length bytes, 15 numbers of 10 bytes. */
#define CTL_STATUS_RECMAX	(4 + VIGIL_IDNAMEMAX + VIGIL_NAMEMAX + \
	    2 * CTL_STATEMAX + CTL_PORTSMAX + 3 * CTL_REASONMAX + 15 * 10)
/* A frame on the control socket less its header (common/imsg.h). */
#define CTL_STATUS_BATCHMAX	(CTL_MSGMAX - 20)

/*
 * Encode st as one record (its u16 len first) into buf.  Returns the
 * bytes written, or 0 when it does not fit in len bytes, or when st is
 * not a record: id or state empty, a string not terminated in its array.
 */
size_t	ctl_status_pack(const struct ctl_status *, void *, size_t);

/*
 * The records of one IMSG_CTL_STATUS payload, in order:
 *	struct ctl_status_iter it;
 *	if (ctl_status_iter_init(&it, data, len) == -1) ... malformed
 *	while ((r = ctl_status_next(&it, &st)) == 1) ... use st
 *	if (r == -1) ... malformed (the records before it were good)
 * An empty payload, or one above CTL_STATUS_BATCHMAX, is malformed.
 */
struct ctl_status_iter {
	const uint8_t	*p;
	size_t		 left;
};
int	ctl_status_iter_init(struct ctl_status_iter *, const void *, size_t);
int	ctl_status_next(struct ctl_status_iter *, struct ctl_status *);

/*
 * One record alone (used by the two above): its u16 len at buf.  0 with
 * *used set to the record's whole size, or -1.
 */
int	ctl_status_unpack(const void *, size_t, size_t *, struct ctl_status *);

#endif /* VIGIL_CTL_STATUS_H */
