from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Documents made in the background (bulletins, 旬调度, 季讲评, large plan imports): the
    record a user follows from 生成 to the download."""

    name = "luoshi.jobs"
    verbose_name = "后台生成"
