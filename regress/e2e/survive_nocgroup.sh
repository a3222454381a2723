#!/bin/bash
# survive_crash and survive_change with `cgroup: false`: the services are
# found and proven from the state file and their start times alone.
d=$(dirname "$0")
SURVIVE_CGROUP=false bash "$d/survive_crash.sh" || exit 1
SURVIVE_CGROUP=false exec bash "$d/survive_change.sh"
