"""A TCP proxy a test can cut and restore: "Redis is down" for one process under test, while the real
server keeps serving everyone else on the machine."""

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        with socket.socket() as probe:  # a free port, kept across stop() and start()
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._server = None
        self._sockets = []

    def start(self) -> "TcpProxy":
        self._server = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: rebinding works
        threading.Thread(target=self._accept, args=(self._server,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        for sock in [self._server, *self._sockets]:
            if sock is not None:
                # A listening socket is not connected; a cut one may be gone already.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self._server, self._sockets = None, []

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:  # stopped
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass  # the other side or stop() closed it
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
