"""Roles of users, with Chinese labels."""

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "综合协调组办公室"
    OFFICE = "office", "工作专班办公室"
    REPORTER = "reporter", "单位填报员"
    HEAD = "head", "单位负责人"
    LEADER = "leader", "领导"
    VERIFIER = "verifier", "督查核查员"


class TokenScope(models.TextChoices):
    """What a personal API token may do: read only (GET), or read and write."""

    READ = "read", "只读"
    WRITE = "write", "读写"
