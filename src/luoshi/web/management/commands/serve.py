"""luoshi serve: the production WSGI server (waitress), static files by WhiteNoise."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动服务（waitress 生产级 WSGI 服务器）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网服务用 0.0.0.0）"
        )
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--threads", type=int, default=8, help="工作线程数（默认 8）")

    def handle(self, *args, host="127.0.0.1", port=8000, threads=8, **options):
        from waitress import serve

        # collect first: WhiteNoise indexes the static folder when the application loads
        call_command("collectstatic", interactive=False, verbosity=0)
        from luoshi.wsgi import application

        self.stdout.write(self.style.SUCCESS(f"落实 Luoshi 已启动：http://{host}:{port}/  （Ctrl+C 停止）"))
        serve(application, host=host, port=port, threads=threads, ident="luoshi")
