from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users attached to units with roles."""

    name = "luoshi.accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from luoshi.plans.services import register_merge_hook

        from .models import Profile

        def move_users(keep, other):
            Profile.objects.filter(unit=other).update(unit=keep)

        register_merge_hook(move_users)
