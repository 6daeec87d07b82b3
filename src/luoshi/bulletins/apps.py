from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    """Bulletins, dispatch sheets and quarterly reviews as official-format Word and Excel."""

    name = "luoshi.bulletins"
    verbose_name = "通报与讲评"
