"""A scripted stand-in for requests.Session: records every call, answers from a script."""

import json

import requests


def response(status, body=b"", url="http://lrs.test/xAPI/statements"):
    resp = requests.Response()
    resp.status_code = status
    resp._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    resp.url = url
    return resp


class FakeSession:
    def __init__(self, answer=None):
        self.auth = None
        self.headers = {}
        self.calls = []
        self.answer = answer or (lambda method, payload, params: response(200, b"[]"))

    def request(self, method, url, timeout=None, data=None, params=None, headers=None):
        payload = json.loads(data) if data else None
        self.calls.append(
            {"method": method, "url": url, "timeout": timeout, "payload": payload, "params": params, "body": data,
             "headers": dict(self.headers) | (headers or {}), "auth": self.auth}
        )  # fmt: skip
        result = self.answer(method, payload, params)
        if isinstance(result, Exception):
            raise result
        return result

    @property
    def posted_ids(self):
        return [item["id"] for call in self.calls if call["method"] == "POST" for item in call["payload"]]
