"""WebKit for the browser tests: Debian's WebKitGTK MiniBrowser driven by WebKitWebDriver through Selenium, on a
private Xvfb display, talking to the live server through a proxy the test can cut.

WebKitGTK is the engine nearest to iPhone Safari that runs on Linux. It has no headless switch (hence Xvfb) and
WebDriver has no "offline" command for it: `CuttableProxy` stands between the browser and Django's live server, and
cutting it closes its listening socket and every open connection, so the browser's requests really fail
(connection refused), as they do when a phone loses the network. Not a test module."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import threading
import time
from contextlib import suppress
from pathlib import Path

# In libwebkit2gtk-4.1-0, under the machine's multiarch directory (x86_64-linux-gnu, aarch64-linux-gnu, ...).
MINIBROWSER = next(iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))),
                   "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
WEBDRIVER = "/usr/bin/WebKitWebDriver"
XVFB = shutil.which("Xvfb") or "/usr/bin/Xvfb"
# Safari on an iPhone, so the app takes this browser for one (the Add-to-Home-Screen hint goes by it).
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def missing() -> str | None:
    """Why WebKit tests cannot run here, or None."""
    for path in (MINIBROWSER, WEBDRIVER, XVFB):
        if not Path(path).exists():
            return f"{path} is missing: run `make deps` (Debian packages webkit2gtk-driver and xvfb)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: run `make venv` (requirements-dev.txt)"
    return None


class Xvfb:
    """An X server of our own; Xvfb picks a free display number and writes it to a pipe (-displayfd)."""

    def __init__(self) -> None:
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.process.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 in front of the live server. `cut()` stops listening and drops every connection;
    `restore()` listens again on the same port (same origin, so the browser's storage and worker carry on)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.port = 0
        self._listen()

    @property
    def url(self) -> str:
        # "localhost" is a secure context without TLS, as the service worker needs.
        return f"http://localhost:{self.port}"

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut: the listener was closed
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:  # cut while connecting
                    client.close()
                    server.close()
                    return
                self.sockets.update((client, server))
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with self.lock:
                    self.sockets.discard(sock)
                sock.close()

    def cut(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            open_sockets = list(self.sockets)
        if listener:
            listener.close()
        for sock in open_sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        for _ in range(50):  # the port was ours a moment ago; SO_REUSEADDR gets it back past TIME_WAIT
            try:
                self._listen()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"could not listen on port {self.port} again")

    def close(self) -> None:
        self.cut()


def start_webkit(display: str, user_agent: str | None = IPHONE_SAFARI):
    """A fresh MiniBrowser (automation mode: a new, ephemeral profile) under WebDriver."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    if user_agent:
        options.add_argument(f"--user-agent={user_agent}")
    env = {**os.environ, "DISPLAY": display}
    env.pop("WAYLAND_DISPLAY", None)
    service = Service(executable_path=WEBDRIVER, env=env)
    return webdriver.WebKitGTK(options=options, service=service)
