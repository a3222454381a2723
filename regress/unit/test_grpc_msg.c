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
 * The gRPC health messages, encoded and decoded by hand by the monitor
 * (monitor/monitor_grpc_msg.c): the request bytes, the response
 * decoder on good, cut and hostile input, the grpc-status value and the
 * text of header values in log lines.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "unit.h"

static int
decode(const char *bytes, size_t len, int *status, size_t *used,
    const char **err)
{
	*status = -99;
	*used = 0;
	return (grpc_decode_response((const uint8_t *)bytes, len, status,
	    used, err));
}

static int
is_error(const char *bytes, size_t len, const char *want)
{
	const char	*err;
	size_t		 used;
	int		 st;

	return (decode(bytes, len, &st, &used, &err) == GRPC_DECODE_ERROR &&
	    err != NULL && strcmp(err, want) == 0);
}

static void
test_encode(void)
{
	uint8_t	 buf[GRPC_REQ_MAX];
	char	 name[300];
	ssize_t	 n;

	n = grpc_encode_request("", buf, sizeof(buf));
	check(n == 5 && memcmp(buf, "\0\0\0\0\0", 5) == 0,
	    "empty service: an empty message");
	n = grpc_encode_request("app", buf, sizeof(buf));
	check(n == 10 && memcmp(buf, "\0\0\0\0\x05\x0a\x03" "app", 10) == 0,
	    "service \"app\": field 1, length 3");
	memset(name, 'x', 200);
	name[200] = '\0';
	n = grpc_encode_request(name, buf, sizeof(buf));
	check(n == 5 + 3 + 200 && buf[4] == 203 && buf[5] == 0x0a &&
	    buf[6] == (0x80 | (200 & 0x7f)) && buf[7] == 1 &&
	    memcmp(buf + 8, name, 200) == 0,
	    "200 bytes: a two-byte length varint");
	memset(name, 'x', GRPC_SERVICE_MAX);
	name[GRPC_SERVICE_MAX] = '\0';
	check(grpc_encode_request(name, buf, sizeof(buf)) ==
	    5 + 3 + GRPC_SERVICE_MAX, "the longest name fits GRPC_REQ_MAX");
	memset(name, 'x', GRPC_SERVICE_MAX + 1);
	name[GRPC_SERVICE_MAX + 1] = '\0';
	check(grpc_encode_request(name, buf, sizeof(buf)) == -1,
	    "a longer name is refused");
	check(grpc_encode_request("app", buf, 9) == -1,
	    "a buffer too small is refused");
}

/* A message of one status varint: nff bytes 0xff, then last. */
static const char *
varint_msg(char *m, size_t nff, unsigned char last)
{
	size_t	 mlen = 1 + nff + 1;

	memcpy(m, "\0\0\0\0", 4);
	m[4] = (char)mlen;
	m[5] = 0x08;
	memset(m + 6, 0xff, nff);
	m[6 + nff] = (char)last;
	return (m);
}

static void
test_decode(void)
{
	const char	*err;
	char		 m[32];
	size_t		 used;
	int		 st, r;

	r = decode("\0\0\0\0\x02\x08\x01", 7, &st, &used, &err);
	check(r == GRPC_DECODE_DONE && st == GRPC_HEALTH_SERVING && used == 7,
	    "SERVING");
	r = decode("\0\0\0\0\x02\x08\x02", 7, &st, &used, &err);
	check(r == GRPC_DECODE_DONE && st == GRPC_HEALTH_NOT_SERVING,
	    "NOT_SERVING");
	r = decode("\0\0\0\0\x02\x08\x03", 7, &st, &used, &err);
	check(r == GRPC_DECODE_DONE && st == GRPC_HEALTH_SERVICE_UNKNOWN,
	    "SERVICE_UNKNOWN");
	r = decode("\0\0\0\0\0", 5, &st, &used, &err);
	check(r == GRPC_DECODE_DONE && st == GRPC_HEALTH_UNKNOWN && used == 5,
	    "an empty message is UNKNOWN (proto3 default)");
	r = decode("\0\0\0\0\x02\x08\x01" "extra", 12, &st, &used, &err);
	check(r == GRPC_DECODE_DONE && used == 7,
	    "what follows the message is left to the caller");
	/* Unknown fields of every wire type are skipped; last status wins. */
	r = decode("\0\0\0\0\x19"
	    "\x08\x02"				/* status 2 */
	    "\x10\x96\x01"			/* field 2 varint 150 */
	    "\x19" "12345678"			/* field 3 fixed64 */
	    "\x22\x02" "hi"			/* field 4 bytes */
	    "\x2d" "1234"			/* field 5 fixed32 */
	    "\x08\x01", 30, &st, &used, &err);	/* status 1 */
	check(r == GRPC_DECODE_DONE && st == 1 && used == 30,
	    "unknown fields skipped, the last status counts");
	r = decode(varint_msg(m, 9, 0x01), 16, &st, &used, &err);
	check(r == GRPC_DECODE_DONE && st == -1 && used == 16,
	    "a negative enum (ten-byte varint) is an int32");
	r = decode("\0\0\0\0\x06\x08\x80\x80\x80\x80\x10", 11, &st, &used,
	    &err);
	check(r == GRPC_DECODE_DONE && st == 0,
	    "an enum above 32 bits keeps its low 32 bits");

	/* Cut short: MORE at every prefix of a good message. */
	for (r = 0, used = 0; used < 7; used++) {
		size_t	 u;

		if (decode("\0\0\0\0\x02\x08\x01", used, &st, &u, &err) !=
		    GRPC_DECODE_MORE)
			r = 1;
	}
	check(r == 0, "every prefix of a message needs more");
	r = decode("\0\0\0\x10\0", 5, &st, &used, &err);
	check(r == GRPC_DECODE_MORE, "a length still to come needs more");

	check(is_error("\x01", 1, "compressed response message"),
	    "a compressed message is refused at once");
	check(is_error("\x02\0\0\0\0", 5, "bad message flag"),
	    "a bad flag is refused");
	check(is_error("\0\x7f\xff\xff\xff", 5, "response message too large"),
	    "a 2 GB length is refused before the bytes come");
	check(is_error("\0\0\0\x10\x01", 5, "response message too large"),
	    "GRPC_MSG_MAX + 1 is refused");
	check(!is_error("\0\0\0\x10\0", 5, "response message too large"),
	    "GRPC_MSG_MAX is allowed");
	check(is_error("\0\0\0\0\x01\x08", 6, "bad protobuf varint"),
	    "a varint cut short");
	check(is_error(varint_msg(m, 10, 0x01), 17, "bad protobuf varint"),
	    "a varint of eleven bytes");
	check(is_error(varint_msg(m, 9, 0x02), 16, "bad protobuf varint"),
	    "a varint over 64 bits");
	check(is_error("\0\0\0\0\x01\x80", 6, "bad protobuf field key"),
	    "a key cut short");
	check(is_error("\0\0\0\0\x02\x00\x01", 7, "bad protobuf field number"),
	    "field number 0");
	check(is_error("\0\0\0\0\x02\x0a\x00", 7,
	    "status field is not a varint"), "status as bytes");
	check(is_error("\0\0\0\0\x02\x0b\x00", 7,
	    "unsupported protobuf wire type"), "a group");
	check(is_error("\0\0\0\0\x03\x12\x05x", 8, "protobuf field cut short"),
	    "bytes longer than the message");
	varint_msg(m, 8, 0x01);
	m[5] = 0x12;	/* field 2, a length of 2^57 */
	check(is_error(m, 15, "protobuf field cut short"),
	    "a length of 2^57");
	check(is_error("\0\0\0\0\x04\x19" "123", 9, "protobuf field cut short"),
	    "fixed64 cut short");
}

static void
test_status_text(void)
{
	char	 out[16];
	int	 code = -1;

	check(grpc_parse_status("0", 1, &code) == 0 && code == 0, "status 0");
	check(grpc_parse_status("14", 2, &code) == 0 && code == 14,
	    "status 14");
	check(grpc_parse_status("", 0, &code) == -1, "empty status");
	check(grpc_parse_status("1000", 4, &code) == -1, "4 digits");
	check(grpc_parse_status("1x", 2, &code) == -1, "not digits");
	check(grpc_parse_status("-1", 2, &code) == -1, "negative");
	check(strcmp(grpc_code_name(14), "UNAVAILABLE") == 0 &&
	    strcmp(grpc_code_name(5), "NOT_FOUND") == 0 &&
	    grpc_code_name(17) == NULL && grpc_code_name(-1) == NULL,
	    "code names");
	check(strcmp(grpc_health_name(3), "SERVICE_UNKNOWN") == 0 &&
	    grpc_health_name(4) == NULL, "serving status names");

	grpc_text("going%20down", 12, out, sizeof(out));
	check(strcmp(out, "going down") == 0, "grpc-message %%XX decoded");
	grpc_text("a\nb%0Ac\x80", 8, out, sizeof(out));
	check(strcmp(out, "a?b?c?") == 0, "control bytes shown as ?");
	grpc_text("%4", 2, out, sizeof(out));
	check(strcmp(out, "%4") == 0, "a cut %%XX stays as it is");
	grpc_text("0123456789abcdefghij", 20, out, sizeof(out));
	check(strcmp(out, "0123456789abcde") == 0, "cut to fit");
	grpc_text("x", 1, out, 1);
	check(out[0] == '\0', "room for nothing");
}

int
main(void)
{
	test_encode();
	test_decode();
	test_status_text();
	return (nfail != 0);
}
