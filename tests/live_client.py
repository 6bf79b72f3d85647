"""A small SSE client for tests: joins a workshop over HTTP and reads its event stream in a thread."""

import contextlib
import json
import queue
import socket
import threading

import httpx


class Person:
    """A participant with their own cookies, talking to a real server."""

    def __init__(self, base_url: str, workshop, name: str):
        self.base_url = base_url
        self.workshop = workshop
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.http.get("/")
        token = self.http.cookies["csrftoken"]
        response = self.http.post(
            "/join/", data={"code": workshop.join_code, "display_name": name, "csrfmiddlewaretoken": token}
        )
        assert response.status_code in (302, 303), response.text[:500]

    def vote(self, statement_id: int, value: int, kind: str = "agreement") -> httpx.Response:
        token = self.http.cookies["csrftoken"]
        return self.http.post(
            f"/w/{self.workshop.slug}/s/{statement_id}/vote/",
            data={"kind": kind, "value": value, "csrfmiddlewaretoken": token},
        )

    def close(self):
        self.http.close()


class Stream:
    """Reads `event:`/`id:`/`data:` messages into a queue until closed."""

    def __init__(
        self,
        person: Person,
        last_event_id: int | None = None,
        base_url: str | None = None,
        page_position: int | None = None,
    ):
        """`last_event_id` reconnects as a stream does (the header); `page_position` opens the stream
        as a page does (`?last_event_id=`, the newest event when it was rendered)."""
        self.messages: queue.Queue = queue.Queue()
        self.ready = threading.Event()
        self._stop = threading.Event()
        self.http = httpx.Client(
            base_url=base_url or person.base_url, cookies=person.http.cookies, timeout=httpx.Timeout(5, read=None)
        )
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        path = f"/w/{person.workshop.slug}/events"
        if page_position is not None:
            path += f"?last_event_id={page_position}"
        self.thread = threading.Thread(target=self._run, args=(path, headers), daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the stream did not open"

    def _run(self, path, headers):
        try:
            with self.http.stream("GET", path, headers=headers) as response:
                assert response.status_code == 200, response.status_code
                self._response = response
                self.ready.set()
                message = {}
                for line in response.iter_lines():
                    if self._stop.is_set():
                        return
                    if not line:
                        if "data" in message:
                            self.messages.put(message)
                        message = {}
                    elif line.startswith(":"):
                        continue
                    else:
                        field, _, value = line.partition(":")
                        message[field] = value.strip()
        except (httpx.HTTPError, RuntimeError):
            return

    def next_event(self, name: str | None = None, timeout: float = 5) -> dict:
        """The next numbered message (optionally of one name); presence messages are skipped."""
        while True:
            message = self.messages.get(timeout=timeout)
            if "id" not in message or (name and message.get("event") != name):
                continue
            return {"id": int(message["id"]), "event": message["event"], **json.loads(message["data"])}

    def events(self, count: int, timeout: float = 10) -> list[dict]:
        return [self.next_event(timeout=timeout) for _ in range(count)]

    def close(self):
        """Leave as a closed browser tab does: the connection is shut now. Closing the client alone
        leaves the socket open until the reading thread wakes, at the stream's next message."""
        self._stop.set()
        response = getattr(self, "_response", None)
        stream = response.extensions.get("network_stream") if response is not None else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.http.close()
