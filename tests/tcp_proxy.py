"""A TCP proxy in front of a real server, to stage outages: the server "down" (nothing
listens), or a connection cut after so many bytes from the server (mid-FETCH)."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.servers import free_port


class TcpProxy:
    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.target_port = target_port
        self.port = free_port()
        self.connections = 0
        self.cuts = 0
        self._cut_next: int | None = None
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def cut_next_connection_after(self, server_bytes: int) -> None:
        """The next connection is dropped once the server has sent this many bytes."""
        self._cut_next = server_bytes

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Stop listening and drop every open connection: the server is down."""
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection((self.host, self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            cut, self._cut_next = self._cut_next, None
            with self._lock:
                self.connections += 1
                self._open |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, cut), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, cut_after: int | None) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(16384)
                if not data:
                    break
                if cut_after is not None and sent + len(data) >= cut_after:
                    sink.sendall(data[: max(cut_after - sent, 0)])
                    self.cuts += 1
                    break
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        with self._lock:
            self._open -= {source, sink}
