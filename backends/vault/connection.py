"""How Dapr's Vault component connects: its TLS settings (caPem > caPath > caCert > system roots,
skipVerify, tlsServerName), the HTTP session hvac sends through, and Go's wording of a failed request."""

from __future__ import annotations

import base64
import os
import re
import socket
import ssl
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    DaprdCrashes,
    StoreError,
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.vault.settings import prop
from dapr_secrets.components.files import read_regular_file
from dapr_secrets.components.golang import go_file_error, go_quote

_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", re.S)


def tls_settings(properties: Mapping[str, str], cwd: str) -> tuple[ssl.SSLContext, str]:
    """Dapr's TLS config: skipVerify exactly "true"; else CA from caPem > caPath > caCert > system pool,
    and tlsServerName. Errors carry Init's "couldn't create client using config: " prefix."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if prop(properties, "skipVerify") == "true":
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context, ""
    try:
        _load_roots(context, properties, cwd)
    except DaprdCrashes:
        raise
    except StoreMisconfigured as error:
        raise StoreMisconfigured(f"couldn't create client using config: {error.message}", error.hint) from None
    return context, prop(properties, "tlsServerName")


def _load_roots(context: ssl.SSLContext, properties: Mapping[str, str], cwd: str) -> None:
    ca_pem, ca_path, ca_cert = (prop(properties, name) for name in ("caPem", "caPath", "caCert"))
    if ca_pem:
        if not _add_pem(context, ca_pem.encode("utf-8", "surrogateescape")):
            raise StoreMisconfigured("couldn't read PEM", "caPem holds no usable PEM certificate")
    elif ca_path:
        try:
            _add_pem_tree(context, ca_path, cwd)
        except DaprdCrashes:
            raise
        except StoreMisconfigured as error:
            raise StoreMisconfigured(f"couldn't read certificates at {ca_path}: {error.message}", error.hint) from None
    elif ca_cert:
        _add_pem_file(context, ca_cert, cwd)
    else:
        context.load_default_certs()


def _add_pem(context: ssl.SSLContext, pem: bytes) -> bool:
    """Go's AppendCertsFromPEM: add every CERTIFICATE block that parses; True if at least one did."""
    added = False
    for block in _PEM_CERTIFICATE.finditer(pem):
        try:
            context.load_verify_locations(cadata=base64.b64decode(b"".join(block.group(1).split()), validate=True))
        except (ValueError, ssl.SSLError):
            continue
        added = True
    return added


def _add_pem_file(context: ssl.SSLContext, path: str, cwd: str) -> None:
    try:
        pem = read_regular_file(str(Path(cwd, path)))
    except OSError as error:
        raise StoreMisconfigured(
            f"couldn't read CA file from disk: {go_file_error(path, error)}",
            "check the CA file path (relative paths start at daprd's working directory)",
        ) from None
    if not _add_pem(context, pem):
        raise StoreMisconfigured("couldn't read PEM", f"{path} holds no usable PEM certificate")


def _add_pem_tree(context: ssl.SSLContext, root: str, cwd: str) -> None:
    """Go's filepath.Walk over caPath: every file, recursively, in name order, must hold a certificate."""
    full_root = Path(cwd, root)
    if not os.path.lexists(full_root):
        # contrib's readCertificateFolder: filepath.Walk calls back with a nil FileInfo for a missing
        # root and the callback calls info.IsDir() on it: a nil pointer panic, not an Init error.
        raise DaprdCrashes(
            f"caPath {root} does not exist: the Vault component walks it with filepath.Walk and dereferences "
            "the missing file's nil FileInfo (panic: invalid memory address or nil pointer dereference)",
            'create the folder or fix caPath (relative paths start at daprd\'s working directory), or use caPem; '
            'with skipVerify: "true" caPath is not read',
        )
    if not full_root.is_dir() or full_root.is_symlink():
        _add_pem_file(context, root, cwd)
        return
    for entry in sorted(os.scandir(full_root), key=lambda item: item.name):
        child = os.path.join(root, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _add_pem_tree(context, child, cwd)
        else:
            _add_pem_file(context, child, cwd)


def http_adapter(address: str, token: str, ssl_context: ssl.SSLContext, server_name: str, pool_size: int) -> Any:
    """hvac's RawAdapter on a requests session that uses exactly Dapr's TLS choice (no env CA bundle,
    no proxy variables: Dapr ignores both)."""
    import hvac.adapters
    import requests
    from requests.adapters import HTTPAdapter

    class DaprTLSAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = ssl_context
            if server_name:
                kwargs["server_hostname"] = server_name
            super().init_poolmanager(*args, **kwargs)

        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            """The SSL context already holds the component's CAs: requests must not add certifi's."""

    skip_verify = ssl_context.verify_mode == ssl.CERT_NONE
    if skip_verify:
        from urllib3.exceptions import InsecureRequestWarning

        # The component asked for it (Dapr logs one line at Init); don't repeat it on every request.
        warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    session = requests.Session()
    session.trust_env = False
    session.verify = not skip_verify
    transport = DaprTLSAdapter(pool_connections=1, pool_maxsize=pool_size)
    session.mount("https://", transport)
    session.mount("http://", transport)
    return hvac.adapters.RawAdapter(
        base_uri=address, token=token, verify=not skip_verify, timeout=DEFAULT_TIMEOUT, session=session
    )


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, the errors it wraps (urllib3 keeps them in .reason and args), and their causes."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [getattr(current, "reason", None), current.__cause__, current.__context__, *current.args]
        pending += [item for item in linked if isinstance(item, BaseException)]


def _tls_reason(error: Exception) -> str:
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or "certificate verify failed"
        if isinstance(cause, ssl.SSLError) and cause.reason:
            return cause.reason.lower().replace("_", " ")
    return "TLS handshake failed"


def _go_url_op(method: str) -> str:
    """net/http's url.Error Op: the method with only its first letter upper-cased ("Get", "List")."""
    return method[:1] + method[1:].lower()


def _go_dial_error(error: Exception, address: str) -> str:
    """The net.OpError text Go's dialer gives for a refused connection or an unknown host, as daprd
    wraps it (`couldn't get secret: Get "URL": dial tcp ...`); "" for failures worded otherwise."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return ""
    shown = f"[{host}]" if ":" in host else host
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError):
            return f"dial tcp {shown}:{port}: connect: connection refused"
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return f"dial tcp: lookup {host}: no such host"
    return ""


def _connection_reason(error: Exception) -> str:
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return "the host name does not resolve"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
    return "the connection failed"


def transport_error(error: Exception, address: str, timeout: float, method: str = "GET", path: str = "") -> StoreError:
    """A requests failure as a typed error worded like daprd's (Go's url.Error for a refused dial);
    its text never holds the token."""
    import requests

    where = f"Vault at {address}"
    if isinstance(error, requests.exceptions.SSLError):
        reason = _tls_reason(error)
        if "wrong version number" in reason:
            hint = "Vault answered in plain HTTP: start vaultAddr with http://"
        else:
            hint = (
                "give the CA that signed Vault's certificate in caCert, caPem or caPath (and tlsServerName "
                'if the certificate names another host); skipVerify: "true" turns verification off (unsafe)'
            )
        return StoreUnreachable(f"couldn't get secret: TLS verification of {where} failed: {reason}", hint)
    if isinstance(error, requests.exceptions.Timeout):
        return StoreTimeout(
            f"{where} did not answer within {timeout:g} s",
            "Dapr has no timeout here and would keep waiting: check that Vault is up and reachable",
        )
    if isinstance(error, requests.exceptions.ConnectionError):
        dial = _go_dial_error(error, address)
        reason = f"{_go_url_op(method)} {go_quote(address + path)}: {dial}" if dial else (
            f"cannot connect to {where}: {_connection_reason(error)}"
        )
        return StoreUnreachable(
            f"couldn't get secret: {reason}", "check vaultAddr, and that Vault is running and listening there"
        )
    if isinstance(
        error,
        (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema),
    ):
        return StoreMisconfigured(
            f"couldn't get secret: vaultAddr {address!r} is not a usable URL",
            "vaultAddr must look like https://vault.example.com:8200",
        )
    if isinstance(error, (requests.exceptions.InvalidHeader, UnicodeError)):
        return StoreMisconfigured(
            "couldn't get secret: the Vault token holds characters an HTTP header cannot carry",
            "remove spaces, newlines or non-ASCII characters from the token",
        )
    return StoreError(f"couldn't get secret: {type(error).__name__} talking to {where}")
