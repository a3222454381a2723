#!/bin/bash
# The survive_* tests as an ordinary user:
# no chroot, no privilege drop, the logger's socket checked against
# vigild's own uid.
d=$(dirname "$0")
SURVIVE_USER=1 bash "$d/survive_crash.sh" || exit 1
SURVIVE_USER=1 bash "$d/survive_change.sh" || exit 1
SURVIVE_USER=1 bash "$d/survive_upgrade.sh" || exit 1
SURVIVE_USER=1 exec bash "$d/survive_listen.sh"
