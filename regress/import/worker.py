#!/usr/bin/env python3
# A stand-in worker for the import samples.
import os
import signal
import sys
import time

print("worker.py", " ".join(sys.argv[1:]), os.environ.get("QUEUE", ""),
      flush=True)
signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
signal.signal(signal.SIGINT, lambda s, f: sys.exit(0))
while True:
    time.sleep(1)
