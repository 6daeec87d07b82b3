"""Real servers for the reminder tests: an SMTP server (aiosmtpd) and a group-robot HTTP
server, both on 127.0.0.1 at a free port, recording what they receive."""

import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server; ``messages`` holds every mail received, parsed."""

    def __init__(self, port: int | None = None):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def recipients_of(self, message) -> list[str]:
        """The envelope recipients a received message was delivered to."""
        with self.lock:
            return next(
                rcpts for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True) if m is message
            )

    @staticmethod
    def subject_of(message) -> str:
        """The decoded subject (a long one arrives folded onto a continuation line)."""
        return " ".join(str(message["Subject"]).split())

    @staticmethod
    def text_of(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html_of(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


class RobotServer:
    """A group robot (WeCom/DingTalk style) answering ``status`` with ``{"errcode": 0}``;
    ``posts`` holds (path, JSON body) of every POST."""

    def __init__(self, status: int = 200, answer: dict | None = None, delay: float = 0):
        self.posts: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length).decode("utf-8"))
                with robot.lock:
                    robot.posts.append((self.path, payload))
                if delay:  # a slow robot keeps a run busy, so concurrent runs overlap
                    time.sleep(delay)
                body = json.dumps(answer if answer is not None else {"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/cgi-bin/webhook/send?key=unit-a") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> "RobotServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def contents(self, path_part: str = "") -> list[str]:
        with self.lock:
            return [p["text"]["content"] for path, p in self.posts if path_part in path]
