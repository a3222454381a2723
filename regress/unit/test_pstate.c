/*
 * Unit tests for parent/parent_statefile.c: the state file a next vigild
 * adopts from.  A round trip keeps every field; a file cut at any byte,
 * a flipped byte anywhere, a field out of range (with a sum that
 * matches), a line too many or a version unknown is refused, never
 * trusted and never a crash.
 */

#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parent_state.h"
#include "unit.h"

/* A text with a correct sum line appended. */
static char *
with_sum(const char *body, size_t *len)
{
	char	*p;

	if (asprintf(&p, "%ssum %016" PRIx64 "\n", body,
	    pstate_hash(body, strlen(body), PSTATE_HASH_INIT)) == -1)
		abort();
	*len = strlen(p);
	return (p);
}

static int
decodes(const char *body)
{
	struct pstate	 st;
	char		*p, err[128];
	size_t		 len;
	int		 r;

	p = with_sum(body, &len);
	r = pstate_decode(p, len, &st, err, sizeof(err));
	if (r == 0)
		pstate_free(&st);
	free(p);
	return (r == 0);
}

int
main(void)
{
	struct pstate		 st, out;
	struct pstate_svc	 sv[3];
	struct pstate_listen	 ls[1];
	char			*txt, *bad, err[128];
	size_t			 len, i, refused;
	int			 bit, ok;

	memset(&st, 0, sizeof(st));
	memset(sv, 0, sizeof(sv));
	st.version = PSTATE_VERSION;
	strlcpy(st.instance, "4f1c2e7a9b3d", sizeof(st.instance));
	strlcpy(sv[0].id, "web:2", sizeof(sv[0].id));
	sv[0].pid = 4242;
	sv[0].starttime = 123456789;
	sv[0].state = 2;
	sv[0].restarts = 7;
	sv[0].start_ms = 1796540892519LL;
	sv[0].health = 2;
	sv[0].port = 8001;
	sv[0].stop_signal = 15;
	sv[0].stop_timeout_ms = 10000;
	sv[0].fingerprint = 0x34118be107cd1715ULL;
	strlcpy(sv[0].cgroup, "/sys/fs/cgroup/vigil/x/web@2",
	    sizeof(sv[0].cgroup));
	strlcpy(sv[1].id, "db", sizeof(sv[1].id));
	sv[1].pid = 2;
	sv[1].stop_signal = 2;
	sv[1].fingerprint = UINT64_MAX;
	/* Not a token: not written, read back as none. */
	strlcpy(sv[2].id, "x", sizeof(sv[2].id));
	sv[2].pid = 99;
	sv[2].stop_signal = 9;
	strlcpy(sv[2].cgroup, "/a b", sizeof(sv[2].cgroup));
	st.svc = sv;
	st.nsvc = 3;
	memset(ls, 0, sizeof(ls));
	strlcpy(ls[0].name, "web", sizeof(ls[0].name));
	ls[0].n = 2;
	ls[0].ino[0] = 123456;
	ls[0].ino[1] = 7;
	st.listen = ls;
	st.nlisten = 1;

	txt = pstate_encode(&st, &len);
	check(txt != NULL, "encodes");
	check(pstate_decode(txt, len, &out, err, sizeof(err)) == 0,
	    "decodes what it wrote");
	check(out.nsvc == 3 && strcmp(out.instance, st.instance) == 0,
	    "instance and count kept");
	check(out.nsvc == 3 && memcmp(&out.svc[0], &sv[0],
	    sizeof(sv[0])) == 0 && memcmp(&out.svc[1], &sv[1],
	    sizeof(sv[1])) == 0, "every field of every line kept");
	check(out.nsvc == 3 && out.svc[2].cgroup[0] == '\0',
	    "a cgroup path with a space is not recorded");
	check(out.nlisten == 1 && memcmp(&out.listen[0], &ls[0],
	    sizeof(ls[0])) == 0, "the listen sockets' inodes kept");
	pstate_free(&out);

	/* Cut at every length: refused, each time. */
	refused = 0;
	for (i = 0; i < len; i++) {
		if (pstate_decode(txt, i, &out, err, sizeof(err)) == -1)
			refused++;
		else
			pstate_free(&out);
	}
	check(refused == len, "cut at any of %zu bytes: refused (%zu)", len,
	    refused);

	/* One bit flipped anywhere: refused. */
	if ((bad = malloc(len)) == NULL)
		abort();
	refused = 0;
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, txt, len);
			bad[i] ^= 1 << bit;
			if (pstate_decode(bad, len, &out, err, sizeof(err)) ==
			    -1)
				refused++;
			else
				pstate_free(&out);
		}
	}
	check(refused == len * 8, "one bit flipped anywhere: refused (%zu of "
	    "%zu)", refused, len * 8);
	free(bad);
	check(pstate_decode(txt, len, &out, err, sizeof(err)) == 0 &&
	    (pstate_free(&out), 1), "the original still decodes");
	free(txt);

	/* Fields out of range, with a sum that matches. */
	ok = decodes("vigild-state 1\ninstance -\n");
	check(ok, "no service at all is fine");
	check(decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "a minimal line decodes");
	check(!decodes("vigild-state 2\ninstance -\n"), "unknown version");
	check(!decodes("vigild-state 1\n"), "no instance line");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 1 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "pid 1 refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 2147483648 5 2 0 0 "
	    "0 0 15 1000 0123456789abcdef -\n"), "pid beyond INT_MAX refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 8 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "state out of range refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 4 0 15 1000 "
	    "0123456789abcdef -\n"), "health out of range refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 65536 15 "
	    "1000 0123456789abcdef -\n"), "port 65536 refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 0 1000 "
	    "0123456789abcdef -\n"), "signal 0 refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 65 1000 "
	    "0123456789abcdef -\n"), "signal 65 refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 -5 2 0 0 0 0 15 "
	    "1000 0123456789abcdef -\n"), "a sign refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 010 5 2 0 0 0 0 15 "
	    "1000 0123456789abcdef -\n"), "a leading zero refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789ABCDEF -\n"), "upper-case hex refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcde -\n"), "a short fingerprint refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef - x\n"), "a field too many refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef\n"), "a field missing refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a  10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "two spaces refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\nsvc a 11 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "an instance twice refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc - 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "an empty id refused");
	check(!decodes("vigild-state 1\ninstance -\nsvk a 10 5 2 0 0 0 0 15 1000 "
	    "0123456789abcdef -\n"), "an unknown line refused");
	check(!decodes("vigild-state 1\ninstance -\n\n"), "an empty line "
	    "refused");
	check(decodes("vigild-state 1\ninstance -\nlisten web 5 6\n"),
	    "a listen line decodes");
	check(!decodes("vigild-state 1\ninstance -\nlisten web\n"),
	    "a listen line without a socket refused");
	check(!decodes("vigild-state 1\ninstance -\nlisten web 0\n"),
	    "inode 0 refused");
	check(!decodes("vigild-state 1\ninstance -\nlisten - 5\n"),
	    "a listen line without a name refused");
	check(!decodes("vigild-state 1\ninstance -\nsvc a 10 "
	    "99999999999999999999 2 0 0 0 0 15 1000 0123456789abcdef -\n"),
	    "a number that overflows refused");
	check(pstate_decode("", 0, &out, err, sizeof(err)) == -1,
	    "an empty file refused");
	check(pstate_decode("sum 0000000000000000\n", 20, &out, err,
	    sizeof(err)) == -1, "a sum alone refused");
	check(pstate_decode("vigild-state 1\0\n", 16, &out, err,
	    sizeof(err)) == -1, "a NUL byte refused");
	return (nfail != 0);
}
