"""The client's address of a request, behind as many trusted reverse proxies as the
deployment says (``LUOSHI_TRUSTED_PROXIES``; the README's nginx is one).

Each proxy appends the address it was called from to ``X-Forwarded-For``, so the client is
the entry that many places from the right of ``X-Forwarded-For, REMOTE_ADDR``; whatever a
client wrote into the header itself stands further left and is never taken. With no
trusted proxy the header is ignored and the address is ``REMOTE_ADDR``."""

from django.conf import settings


def trusted_proxies() -> int:
    return max(0, int(getattr(settings, "LUOSHI_TRUSTED_PROXIES", 0) or 0))


def client_address(request) -> str:
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    count = trusted_proxies()
    if not count:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + ([remote] if remote else [])
    if not chain:
        return ""
    return chain[-1 - count] if len(chain) > count else chain[0]
