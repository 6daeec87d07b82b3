"""接口令牌: a user's own personal API tokens, made and revoked here; a new token's secret
is shown once, on the answer to the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from luoshi.accounts.models import ApiToken
from luoshi.accounts.services import TokenError, create_token, revoke_token, tokens_of
from luoshi.core import clock

from ..forms import TokenForm
from .common import actor_of, render_page


def _page(request, form, secret=None, new=None, status=200):
    now = clock.now()
    rows = [(t, t.state(now)) for t in tokens_of(actor_of(request), request.user)]
    return render_page(
        request,
        "web/tokens.html",
        {"form": form, "rows": rows, "secret": secret, "new": new},
        status=status,
    )


@login_required
def token_list(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, secret = create_token(actor_of(request), request.user, **form.cleaned_data)
    except TokenError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return _page(request, form, status=400)
    return _page(request, TokenForm(), secret=secret, new=token)


@login_required
@require_POST
def revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:  # another user's token is as missing as an unknown one
        raise Http404("没有这个接口令牌")
    try:
        revoke_token(actor_of(request), token)
    except PermissionDenied:
        raise Http404("没有这个接口令牌") from None
    messages.success(request, f"已吊销接口令牌“{token.name}”，使用它的程序将无法再访问。")
    return redirect("web:tokens")
