#!/bin/bash
# The foundation test as an ordinary user: no chroot, no privilege drop.
FOUNDATION_AS_USER=1 exec bash "$(dirname "$0")/foundation.sh"
