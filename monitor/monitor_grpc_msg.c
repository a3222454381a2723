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
 * The bytes of a gRPC health check, by hand: the request message, the
 * response message and the two response headers that carry a status.
 * No HTTP/2 (monitor_grpc.c does that with libnghttp2), no libevent, no
 * allocation, no state: the decoder is handed everything received so far
 * and decodes again when more arrives, which keeps this file small
 * enough to fuzz on its own (regress/fuzz/fuzz_grpc.c).
 *
 * A gRPC message on the wire is a 5-byte prefix, a compressed flag and
 * a big-endian 32-bit length, then that many bytes of protobuf.  The
 * grpc.health.v1 messages are:
 *
 *	message HealthCheckRequest { string service = 1; }
 *	message HealthCheckResponse { ServingStatus status = 1; }
 *	enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2;
 *	    SERVICE_UNKNOWN = 3; }
 *
 * Protobuf: each field is a varint key (field number << 3 | wire type)
 * and a value: a varint (0), 8 bytes (1), a varint length and that many
 * bytes (2) or 4 bytes (5).  Unknown fields are skipped; groups (3, 4)
 * are refused.  A missing status is UNKNOWN, as in proto3; when the
 * field is repeated, the last one counts.
 */

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "monitor.h"

#define PB_VARINT_MAX	10	/* bytes of a 64-bit varint */

/* A varint at *p (< end); advances *p.  -1: cut short or too long. */
static int
pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t	*s = *p;
	uint64_t	 x = 0;
	unsigned int	 i;

	for (i = 0; i < PB_VARINT_MAX; i++) {
		if (s + i >= end)
			return (-1);
		/* The tenth byte holds bit 63 only. */
		if (i == PB_VARINT_MAX - 1 && s[i] > 1)
			return (-1);
		x |= (uint64_t)(s[i] & 0x7f) << (7 * i);
		if ((s[i] & 0x80) == 0) {
			*p = s + i + 1;
			*v = x;
			return (0);
		}
	}
	return (-1);
}

/* The protobuf HealthCheckResponse in buf[0..len). */
static int
grpc_decode_pb(const uint8_t *buf, size_t len, int *status,
    const char **err)
{
	const uint8_t	*p = buf, *end = buf + len;
	uint64_t	 key, v;
	uint32_t	 field;

	*status = GRPC_HEALTH_UNKNOWN;
	while (p < end) {
		if (pb_varint(&p, end, &key) == -1) {
			*err = "bad protobuf field key";
			return (-1);
		}
		if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
			*err = "bad protobuf field number";
			return (-1);
		}
		field = (uint32_t)(key >> 3);
		switch (key & 7) {
		case 0:
			if (pb_varint(&p, end, &v) == -1) {
				*err = "bad protobuf varint";
				return (-1);
			}
			/* An enum is an int32: the low 32 bits count. */
			if (field == 1)
				*status = (int32_t)(uint32_t)v;
			continue;
		case 1:
			v = 8;
			break;
		case 2:
			if (pb_varint(&p, end, &v) == -1) {
				*err = "bad protobuf length";
				return (-1);
			}
			break;
		case 5:
			v = 4;
			break;
		default:
			*err = "unsupported protobuf wire type";
			return (-1);
		}
		if (field == 1) {
			*err = "status field is not a varint";
			return (-1);
		}
		if (v > (uint64_t)(end - p)) {
			*err = "protobuf field cut short";
			return (-1);
		}
		p += v;
	}
	return (0);
}

/*
 * The response as received so far on the stream: GRPC_DECODE_DONE with
 * the serving *status and the *used bytes of the first message,
 * GRPC_DECODE_MORE, or GRPC_DECODE_ERROR with a static *err.  The
 * result for a prefix of an input is MORE or the same as for the whole
 * input; what follows the first message is the caller's to judge.
 */
int
grpc_decode_response(const uint8_t *buf, size_t len, int *status,
    size_t *used, const char **err)
{
	uint32_t	 mlen;

	*err = NULL;
	if (len >= 1 && buf[0] != 0) {
		*err = buf[0] == 1 ? "compressed response message" :
		    "bad message flag";
		return (GRPC_DECODE_ERROR);
	}
	if (len < GRPC_PREFIX_LEN)
		return (GRPC_DECODE_MORE);
	mlen = (uint32_t)buf[1] << 24 | (uint32_t)buf[2] << 16 |
	    (uint32_t)buf[3] << 8 | (uint32_t)buf[4];
	if (mlen > GRPC_MSG_MAX) {
		*err = "response message too large";
		return (GRPC_DECODE_ERROR);
	}
	if (len - GRPC_PREFIX_LEN < mlen)
		return (GRPC_DECODE_MORE);
	if (grpc_decode_pb(buf + GRPC_PREFIX_LEN, mlen, status, err) == -1)
		return (GRPC_DECODE_ERROR);
	*used = GRPC_PREFIX_LEN + mlen;
	return (GRPC_DECODE_DONE);
}

/*
 * The request for service into buf: its length, or -1 if it does not
 * fit.  An empty service is the default value, which proto3 leaves out.
 */
ssize_t
grpc_encode_request(const char *service, uint8_t *buf, size_t len)
{
	size_t	 slen = strlen(service), mlen, n = GRPC_PREFIX_LEN;
	uint64_t v;

	if (slen > GRPC_SERVICE_MAX)
		return (-1);
	/* Key 0x0a (field 1, wire type 2), length varint, bytes. */
	mlen = slen == 0 ? 0 : 1 + (slen < 128 ? 1 : 2) + slen;
	if (len < GRPC_PREFIX_LEN + mlen)
		return (-1);
	buf[0] = 0;
	buf[1] = (uint8_t)(mlen >> 24);
	buf[2] = (uint8_t)(mlen >> 16);
	buf[3] = (uint8_t)(mlen >> 8);
	buf[4] = (uint8_t)mlen;
	if (slen == 0)
		return ((ssize_t)n);
	buf[n++] = 0x0a;
	for (v = slen; v >= 0x80; v >>= 7)
		buf[n++] = (uint8_t)(v | 0x80);
	buf[n++] = (uint8_t)v;
	memcpy(buf + n, service, slen);
	return ((ssize_t)(n + slen));
}

/* A grpc-status value: 1 to 3 digits.  -1 if it is not one. */
int
grpc_parse_status(const char *s, size_t len, int *code)
{
	size_t	 i;
	int	 c = 0;

	if (len == 0 || len > 3)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		c = c * 10 + (s[i] - '0');
	}
	*code = c;
	return (0);
}

static int
grpc_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * A header value (grpc-message, content-type) as text for a log line:
 * %XX decoded (grpc-message is percent-encoded), anything but printable
 * ASCII shown as '?', cut to fit out (outlen > 0).
 */
void
grpc_text(const char *in, size_t inlen, char *out, size_t outlen)
{
	size_t		 i, o = 0;
	int		 hi, lo;
	unsigned char	 c;

	for (i = 0; i < inlen && o + 1 < outlen; i++) {
		c = (unsigned char)in[i];
		if (c == '%' && i + 2 < inlen &&
		    (hi = grpc_hex((unsigned char)in[i + 1])) != -1 &&
		    (lo = grpc_hex((unsigned char)in[i + 2])) != -1) {
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[o] = '\0';
}

/* The name of a grpc.health.v1 ServingStatus, or NULL. */
const char *
grpc_health_name(int status)
{
	static const char *names[] = { "UNKNOWN", "SERVING", "NOT_SERVING",
	    "SERVICE_UNKNOWN" };

	if (status < 0 || (size_t)status >= sizeof(names) / sizeof(names[0]))
		return (NULL);
	return (names[status]);
}

/* The name of a gRPC status code, or NULL. */
const char *
grpc_code_name(int code)
{
	static const char *names[] = { "OK", "CANCELLED", "UNKNOWN",
	    "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
	    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	    "UNAUTHENTICATED" };

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return (NULL);
	return (names[code]);
}
