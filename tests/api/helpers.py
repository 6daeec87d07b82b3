"""Helpers of the API tests: JSON posts with headers, and a walk through a paginated list."""

import json


def send(client, method, url, data=None, **headers):
    return getattr(client, method)(
        url, json.dumps(data or {}), content_type="application/json", headers=headers
    )


def post(client, url, data=None, **headers):
    return send(client, "post", url, data, **headers)


def patch(client, url, data=None, **headers):
    return send(client, "patch", url, data, **headers)


def walk(client, url, params=None, limit=2):
    """Every item of a paginated list, following next_cursor: (items, count, pages)."""
    seen, cursor, pages = [], None, 0
    while True:
        query = {**(params or {}), "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, body["count"], pages
