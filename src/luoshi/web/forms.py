"""Forms of the pages. They carry the raw input; the services validate and write."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from luoshi.accounts.lockout import failure_limit, lockout_minutes


class LoginForm(AuthenticationForm):
    """Django's login form with Chinese messages; a locked account name or address is
    answered by django-axes (``web.views.auth.locked_out``)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.error_messages = {
            "invalid_login": (
                f"用户名或密码不正确。注意：连续 {failure_limit()} 次错误将锁定账号 {lockout_minutes()} 分钟。"
            ),
            "inactive": "该账号已停用，请联系综合协调组办公室。",
        }


class OwnPasswordForm(PasswordChangeForm):
    """Django's password change (the present password, the new one twice, the password
    rules); the present password is checked, and the new one set, by
    ``accounts.services.change_own_password`` (the view calls it)."""

    def clean_old_password(self):
        return self.cleaned_data["old_password"]  # checked once, by the service

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and new == cleaned.get("old_password") and not self.has_error("new_password2"):
            self.add_error("new_password2", "新密码不能与原密码相同")
        return cleaned


class ReportForm(forms.Form):
    """What a reporter fills in; target fields (``target_<id>``) are added per task."""

    # text, not type=number (a clear message for "约80%" instead of the browser's own), with
    # the phone's number keyboard
    progress = forms.CharField(
        label="完成进度（%）",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    progress_text = forms.CharField(
        label="本期进展", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label="下步计划", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    coordination = forms.CharField(
        label="需协调事项", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, targets=(), lead=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        self.fields["progress"].help_text = (
            "牵头单位必填，0–100 的数字" if lead else "配合单位选填：本单位负责部分的完成程度"
        )
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = forms.CharField(
                label=f"{target.subject or target.text}（目标 {target.get_op_display()} {target.value_display}{target.unit}）",
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                help_text=f"填写实际值，单位：{target.unit or '—'}",
            )

    def target_fields(self):
        return [self[f"target_{t.pk}"] for t in self.targets]

    def report_data(self):
        from luoshi.reporting.services import ReportData

        data = self.cleaned_data
        return ReportData(
            progress=data.get("progress") or None,
            progress_text=data.get("progress_text", ""),
            problems=data.get("problems", ""),
            next_steps=data.get("next_steps", ""),
            coordination=data.get("coordination", ""),
            target_values={t.pk: data.get(f"target_{t.pk}", "") for t in self.targets},
        )

    def add_service_error(self, error) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviseForm(forms.Form):
    reason = forms.CharField(label="修订原因", max_length=2000, required=False)


class CorrectForm(forms.Form):
    """更正 of an accepted report by its office: the texts and progress as they should read,
    and why (required)."""

    progress = forms.CharField(label="完成进度（%）", max_length=20, required=False)
    progress_text = forms.CharField(
        label="本期进展", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    problems = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    next_steps = forms.CharField(label="下步打算", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    coordination = forms.CharField(
        label="需协调事项", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    reason = forms.CharField(label="更正原因", max_length=2000, required=False)

    @classmethod
    def for_report(cls, report, data=None):
        initial = {
            "progress": "" if report.progress is None else f"{report.progress.normalize():f}",
            "progress_text": report.progress_text,
            "problems": report.problems,
            "next_steps": report.next_steps,
            "coordination": report.coordination,
        }
        return cls(data, initial=initial)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料")


class UploadForm(forms.Form):
    file = forms.FileField(label="文件")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="方案文件", help_text="支持 txt、docx、html、pdf（带文字层）或方案 JSON")


class TokenForm(forms.Form):
    """A new personal API token: what it is for, what it may do, how long it lives."""

    name = forms.CharField(label="名称（用途）", max_length=100, initial="数据同步脚本")
    scope = forms.ChoiceField(
        label="权限范围",
        choices=[("read", "只读（只能查询）"), ("write", "读写（可填报、审核，与本人网页权限相同）")],
        initial="read",
    )
    days = forms.TypedChoiceField(
        label="有效期",
        coerce=int,
        choices=[(30, "30 天"), (90, "90 天"), (180, "180 天"), (365, "365 天")],
        initial=90,
    )


class LowerOrgForm(forms.Form):
    """A lower organisation and its first administrator (综合协调组办公室)."""

    parent = forms.TypedChoiceField(label="上级组织", coerce=int)
    name = forms.CharField(label="组织名称", max_length=200)
    level = forms.ChoiceField(label="层级")
    code = forms.CharField(label="行政区划代码（可不填）", max_length=12, required=False)
    admin_username = forms.CharField(label="管理员用户名", max_length=150)
    admin_name = forms.CharField(label="管理员姓名", max_length=150, required=False)
    admin_password = forms.CharField(
        label="管理员初始密码",
        widget=forms.PasswordInput(render_value=False),
        help_text="至少10位，同时包含大写字母、小写字母、数字和特殊符号；管理员首次登录时须改为自己的密码",
    )

    def __init__(self, *args, parents=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [(o.pk, f"{o.name}（{o.get_level_display()}）") for o in parents]
        self.fields["level"].choices = list(levels)


class OrgRenameForm(forms.Form):
    name = forms.CharField(label="新名称", max_length=200)
