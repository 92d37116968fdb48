"""Run one simulator standalone: ``python -m meetdesk.simulators --provider KIND``.

Prints one JSON line with what a profile needs (base URL, fields, secret, CA file), then serves on
127.0.0.1 until interrupted (SIGINT or SIGTERM), and exits 0.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from meetdesk.simulators import SIMULATOR_MODULES
from meetdesk.simulators.faults import Faults
from meetdesk.simulators.host import SimulatorHost, build_simulator

log = logging.getLogger("meetdesk.simulators.main")


def importable_kinds() -> list[str]:
    kinds = []
    for kind, module in SIMULATOR_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError as exc:
            log.debug("simulator %s not importable: %s", kind, exc)
            continue
        kinds.append(kind)
    return kinds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m meetdesk.simulators",
                                     description="Serve a faithful local imitation of a conferencing back end.")
    parser.add_argument("--list", action="store_true", help="print the simulator kinds and exit")
    parser.add_argument("--provider", choices=list(SIMULATOR_MODULES), metavar="KIND",
                        help=f"the back end to imitate: {', '.join(SIMULATOR_MODULES)}")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--tls", action="store_true", default=None,
                        help="serve https with a throwaway CA (its file is printed); some simulators always do")
    parser.add_argument("--no-tls", dest="tls", action="store_false", help="serve plain http")
    parser.add_argument("--latency-ms", type=int, default=0, metavar="N", help="delay every answer by N ms")
    parser.add_argument("--no-seed", action="store_true", help="start empty instead of with demo data")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(importable_kinds()), flush=True)
        return 0
    if not args.provider:
        parser.error("--provider is required (or --list)")
    if args.latency_ms < 0 or not 0 <= args.port <= 65535:
        parser.error("--latency-ms must not be negative and --port must be 0–65535")
    try:
        definition = build_simulator(args.provider, seed=not args.no_seed)
    except ImportError as exc:
        print(f"The {args.provider} simulator is not available in this build ({exc}).", file=sys.stderr)
        return 1
    tls = definition.tls if args.tls is None else args.tls
    host = SimulatorHost.for_definition(definition, port=args.port, tls=tls,
                                        faults=Faults(latency_ms=args.latency_ms))
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        host.start()
    except OSError as exc:
        print(f"Could not listen on 127.0.0.1 port {args.port}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    try:
        print(json.dumps({"provider": definition.kind, "base_url": host.base_url, "fields": definition.fields,
                          "secret": definition.secret, "ca_file": host.ca_file, **definition.extra}),
              flush=True)
        while not stop.wait(0.2):
            pass
    finally:
        host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
