"""luoshi serve as a user runs it: the production server answering on a free port."""

import os
import socket
import subprocess
import time
import urllib.request

from tests.conftest import LUOSHI


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_with_the_chinese_admin(tmp_path, fresh_database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(LUOSHI_DATA_DIR=str(tmp_path / "data"), LUOSHI_DATABASE_URL=fresh_database_url)
    subprocess.run([LUOSHI, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [LUOSHI, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2) as response:
                    body = response.read().decode()
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.2)
        assert "落实" in body and "用户名" in body
        assert server_header == "luoshi"  # waitress with our ident, not Django's runserver (WSGIServer)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=2
        ) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
