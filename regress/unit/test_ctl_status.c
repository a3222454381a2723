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
 * The compact status record (common/ctl_status.c): every field set and
 * unset survives the round trip, extremes included, and the decoder
 * refuses every malformed record it is shown.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_status.h"
#include "unit.h"

static void
fill(char *a, size_t size, char c)
{
	memset(a, c, size - 1);
	a[size - 1] = '\0';
}

/* Every field set, strings at their longest. */
static struct ctl_status
full(void)
{
	struct ctl_status	 st;

	memset(&st, 0, sizeof(st));
	fill(st.id, sizeof(st.id), 'i');
	fill(st.group, sizeof(st.group), 'g');
	fill(st.state, sizeof(st.state), 's');
	fill(st.health, sizeof(st.health), 'h');
	fill(st.ports, sizeof(st.ports), 'p');
	fill(st.reason, sizeof(st.reason), 'r');
	fill(st.status_text, sizeof(st.status_text), 't');
	fill(st.health_reason, sizeof(st.health_reason), 'u');
	st.instance = UINT32_MAX;
	st.ninstances = 1000;
	st.pid = INT32_MIN;
	st.restarts = 7;
	st.uptime_ms = UINT64_MAX;
	st.start_wall = INT64_MIN;
	st.stop_wall = INT64_MAX;
	st.ever_started = 1;
	st.want_up = 1;
	st.cpu_permille = 2000;
	st.nprocs = 3;
	st.rss = 1ULL << 40;
	st.nfds = 12;
	st.sampled_ok = 1;
	st.sampled = -1;
	return (st);
}

/* The smallest record: id and state. */
static struct ctl_status
least(void)
{
	struct ctl_status	 st;

	memset(&st, 0, sizeof(st));
	strlcpy(st.id, "web", sizeof(st.id));
	strlcpy(st.group, "web", sizeof(st.group));
	strlcpy(st.state, "STOPPED", sizeof(st.state));
	return (st);
}

static int
roundtrip(const struct ctl_status *st, size_t *lenp)
{
	uint8_t			 buf[CTL_STATUS_RECMAX + 2];
	struct ctl_status	 out;
	size_t			 n, used;

	if ((n = ctl_status_pack(st, buf, sizeof(buf))) == 0)
		return (0);
	if (lenp != NULL)
		*lenp = n;
	if (ctl_status_unpack(buf, n, &used, &out) == -1 || used != n)
		return (0);
	return (memcmp(st, &out, sizeof(out)) == 0);
}

/* Each field alone on top of the least record, then each one cleared. */
static void
test_fields(void)
{
	struct ctl_status	 f = full(), st, a, b;
	size_t			 off, n;
	int			 ok = 1, cleared = 1;

#define ONE(fld) do {						\
	st = least();							\
	memcpy(&st.fld, &f.fld, sizeof(st.fld));			\
	if (!roundtrip(&st, NULL)) {					\
		ok = 0;							\
		printf("# %s alone\n", #fld);				\
	}								\
} while (0)
	ONE(id); ONE(group); ONE(state); ONE(health); ONE(ports);
	ONE(reason); ONE(status_text); ONE(health_reason);
#undef ONE
	/* The numbers byte by byte: each value of each byte position. */
	for (off = offsetof(struct ctl_status, instance); off < sizeof(st);
	    off++) {
		st = least();
		((unsigned char *)&st)[off] = ((unsigned char *)&f)[off];
		if (!roundtrip(&st, NULL)) {
			ok = 0;
			printf("# byte %zu alone\n", off);
		}
	}
	check(ok, "every field set alone survives");
	a = full();
	check(roundtrip(&a, &n), "every field set, at its extreme");
	check(n <= 2 + CTL_STATUS_RECMAX, "at most RECMAX (%zu bytes)", n);
	b = least();
	check(roundtrip(&b, &n) && n == 2 + 4 + 4 + 8,
	    "id and state alone: %zu bytes", n);
	for (off = offsetof(struct ctl_status, instance); off < sizeof(a);
	    off++) {
		st = a;
		((unsigned char *)&st)[off] = 0;
		if (!roundtrip(&st, NULL))
			cleared = 0;
	}
	check(cleared, "every number cleared byte by byte survives");
	st = a;
	memset(st.health, 0, sizeof(st.health));
	memset(st.ports, 0, sizeof(st.ports));
	memset(st.reason, 0, sizeof(st.reason));
	memset(st.status_text, 0, sizeof(st.status_text));
	memset(st.health_reason, 0, sizeof(st.health_reason));
	check(roundtrip(&st, NULL), "strings unset");
}

static void
test_group(void)
{
	struct ctl_status	 st = least();
	size_t			 n, m;

	check(roundtrip(&st, &n), "group implied by the id");
	strlcpy(st.id, "web:3", sizeof(st.id));
	check(roundtrip(&st, &m) && m == n + 2, "group implied by name:N");
	strlcpy(st.group, "other", sizeof(st.group));
	check(roundtrip(&st, &m) && m == n + 2 + 6, "group sent when it "
	    "differs");
	st.group[0] = '\0';
	check(ctl_status_pack(&st, (uint8_t[64]){ 0 }, 64) == 0,
	    "an empty group is not encoded");
	st = least();
	st.state[0] = '\0';
	check(ctl_status_pack(&st, (uint8_t[64]){ 0 }, 64) == 0,
	    "an empty state is not encoded");
	st = least();
	memset(st.id, 'x', sizeof(st.id));
	check(ctl_status_pack(&st, (uint8_t[1024]){ 0 }, 1024) == 0,
	    "an unterminated id is not encoded");
}

static int
decodes(const uint8_t *b, size_t len)
{
	struct ctl_status	 st;
	size_t			 used;

	return (ctl_status_unpack(b, len, &used, &st) == 0 && used == len);
}

/* "web", STOPPED and the mask; the position after them. */
static size_t
least_with(uint8_t *b, uint32_t mask)
{
	mask |= 0x05;
	b[2] = mask & 0xff;
	b[3] = (mask >> 8) & 0xff;
	b[4] = (mask >> 16) & 0xff;
	b[5] = mask >> 24;
	memcpy(b + 6, "\3web\7STOPPED", 12);
	return (18);
}

/* Set the record's len for a record ending at end. */
static size_t
seal(uint8_t *b, size_t end)
{
	b[0] = (end - 2) & 0xff;
	b[1] = (end - 2) >> 8;
	return (end);
}

static void
test_refused(void)
{
	struct ctl_status	 st = full(), l = least();
	uint8_t			 buf[CTL_STATUS_RECMAX + 2], b[64];
	size_t			 n, k, e;
	int			 ok = 1;

	n = ctl_status_pack(&st, buf, sizeof(buf));
	check(decodes(buf, n), "the full record decodes");
	for (k = 0; k < n; k++)
		if (decodes(buf, k))
			ok = 0;
	check(ok, "every truncation of it refused");
	check(ctl_status_pack(&st, buf, n - 1) == 0, "no room: not encoded");

	/* web, STOPPED: len 16, mask 0x05, "\3web", "\7STOPPED" */
	n = ctl_status_pack(&l, b, sizeof(b));
	check(n == 18 && b[0] == 16 && b[1] == 0 && b[2] == 0x05 &&
	    b[6] == 3 && memcmp(b + 7, "web", 3) == 0 && b[10] == 7,
	    "the least record's bytes");
	b[5] = 0x80;
	check(!decodes(b, n), "an unknown mask bit refused");
	b[5] = 0;
	b[2] = 0x04;
	check(!decodes(b, n), "no id refused");
	b[2] = 0x01;
	check(!decodes(b, n), "no state refused");
	b[2] = 0x05;
	b[7] = '\0';
	check(!decodes(b, n), "a NUL in a string refused");
	b[7] = 'w';
	b[6] = 0;
	check(!decodes(b, n), "an empty string refused");
	b[6] = 3;
	b[0] = 17;
	check(!decodes(b, n), "len beyond the data refused");
	b[0] = 15;
	check(!decodes(b, n), "fields beyond len refused");
	b[0] = 16;
	check(decodes(b, n), "restored");
	b[0] = 3;
	check(!decodes(b, n), "len below the mask refused");
	b[0] = 0xff;
	b[1] = 0x03;
	check(!decodes(b, n), "len above RECMAX refused");
	b[1] = 0;

	/* The group (bit 1) sent although implied, then a different one. */
	least_with(b, 0x02);
	memcpy(b + 6, "\3web\3web\7STOPPED", 16);
	e = seal(b, 22);
	check(!decodes(b, e), "an implied group sent refused");
	b[11] = 'x';
	check(decodes(b, e), "a different group accepted");

	/* Numbers: instance (bit 8). */
	e = least_with(b, 0x100);
	b[e++] = 0x01;
	check(decodes(b, seal(b, e)), "instance 1");
	b[e - 1] = 0;
	check(!decodes(b, e), "a present 0 refused");
	e = least_with(b, 0x100);
	b[e++] = 0x81;
	b[e++] = 0x00;
	check(!decodes(b, seal(b, e)), "an overlong varint refused");
	e = least_with(b, 0x100);
	memset(b + e, 0xff, 4);
	e += 4;
	b[e++] = 0x10;
	check(!decodes(b, seal(b, e)), "a u32 beyond 32 bits refused");
	b[e - 1] = 0x0f;
	check(decodes(b, e), "UINT32_MAX accepted");
	/* uptime_ms (bit 12): ten bytes, the last above 1, then 11 bytes */
	e = least_with(b, 0x1000);
	memset(b + e, 0xff, 9);
	e += 9;
	b[e++] = 0x02;
	check(!decodes(b, seal(b, e)), "a varint beyond 64 bits refused");
	b[e - 1] = 0x01;
	check(decodes(b, e), "UINT64_MAX accepted");
	b[e - 1] = 0x81;
	b[e++] = 0x01;
	check(!decodes(b, seal(b, e)), "an 11-byte varint refused");
	/* pid (bit 10): zigzag, INT32_MIN is 0xffffffff */
	e = least_with(b, 0x400);
	memset(b + e, 0xff, 4);
	e += 4;
	b[e++] = 0x0f;
	check(decodes(b, seal(b, e)), "pid INT32_MIN accepted");
	b[e - 1] = 0x1f;
	check(!decodes(b, e), "pid beyond 32 bits refused");
	/* a mask bit with its field missing */
	e = least_with(b, 0x08);
	check(!decodes(b, seal(b, e)), "a present string missing refused");
	e = least_with(b, 0x400000);
	check(!decodes(b, seal(b, e)), "a present number missing refused");
}

static void
test_batch(void)
{
	struct ctl_status_iter	 it;
	struct ctl_status	 st, in[3], out;
	uint8_t			 buf[CTL_STATUS_BATCHMAX];
	size_t			 len = 0, i, n;
	int			 r, ok = 1;

	in[0] = least();
	in[1] = full();
	in[2] = least();
	strlcpy(in[2].id, "web:2", sizeof(in[2].id));
	in[2].pid = 1234;
	for (i = 0; i < 3; i++) {
		n = ctl_status_pack(&in[i], buf + len, sizeof(buf) - len);
		check(n > 0, "record %zu packed", i);
		len += n;
	}
	check(ctl_status_iter_init(&it, buf, len) == 0, "batch opened");
	for (i = 0; (r = ctl_status_next(&it, &out)) == 1; i++)
		if (i >= 3 || memcmp(&out, &in[i], sizeof(out)) != 0)
			ok = 0;
	check(r == 0 && i == 3 && ok, "three records back");
	check(ctl_status_iter_init(&it, buf, 0) == -1, "empty payload refused");
	check(ctl_status_iter_init(&it, buf, CTL_STATUS_BATCHMAX + 1) == -1,
	    "payload above a frame refused");
	check(ctl_status_iter_init(&it, buf, len - 1) == 0 &&
	    ctl_status_next(&it, &st) == 1 && ctl_status_next(&it, &st) == 1 &&
	    ctl_status_next(&it, &st) == -1 && ctl_status_next(&it, &st) == 0,
	    "a cut last record refused, then the end");
	buf[len] = 0;
	check(ctl_status_iter_init(&it, buf, len + 1) == 0 &&
	    ctl_status_next(&it, &st) == 1 && ctl_status_next(&it, &st) == 1 &&
	    ctl_status_next(&it, &st) == 1 && ctl_status_next(&it, &st) == -1,
	    "a trailing byte refused");
}

int
main(void)
{
	test_fields();
	test_group();
	test_refused();
	test_batch();
	return (nfail != 0);
}
