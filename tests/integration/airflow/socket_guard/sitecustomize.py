"""Socket guard for the scheduler tests: every Airflow component and task process starts with this
folder on PYTHONPATH, so Python imports this file first and installs an audit hook that records each
attempt to reach a non-loopback address (a DNS lookup of an outside name or a connect()) into the file
named by TF_SOCKET_GUARD_LOG. The tests assert that file stays empty: nothing leaves the machine."""

import ipaddress
import os
import socket
import sys

_LOG = os.environ.get("TF_SOCKET_GUARD_LOG")
_LOCAL_NAMES = {"localhost", "", None, socket.gethostname()}


def _outside(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in _LOCAL_NAMES:
        return False
    try:
        addr = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return not str(host).endswith(".localdomain") and host != _fqdn()
    return not (addr.is_loopback or addr.is_unspecified)


_FQDN = []


def _fqdn() -> str:
    if not _FQDN:
        _FQDN.append(socket.getfqdn())
    return _FQDN[0]


def _record(event: str, target) -> None:
    with open(_LOG, "a") as fh:
        fh.write(f"{os.getpid()} {' '.join(sys.argv[:3])[:100]} {event} {target}\n")


def _hook(event, args):
    try:
        if event == "socket.connect":
            sock, address = args
            if sock.family in (socket.AF_INET, socket.AF_INET6) and _outside(address[0]):
                _record(event, address)
        elif event == "socket.getaddrinfo" and _outside(args[0]):
            _record(event, args[:2])
    except Exception:  # the guard must never break the process it watches
        pass


if _LOG:
    sys.addaudithook(_hook)
