"""moto, as the tests' AWS emulator, with three corrections where it differs from AWS.

1. DynamoDB requests are applied one at a time. moto evaluates a TransactWriteItems' conditions
   and applies its writes without isolation from other request threads, so two concurrent
   transactions can both pass the same `attribute_not_exists` check; DynamoDB serializes
   conflicting transactions, and this gives the tests the same guarantee.
2. S3 ListParts answers with the root element S3 uses, `ListPartsResult` (moto writes
   `ListPartsResponse`, which the AWS SDKs refuse to parse).
3. `GET /_reelview/ses/raw` lists the raw messages SES accepted, as JSON. moto's own
   `/moto-api/data.json` fails once S3 holds objects of deleted buckets.
4. SESv2 SendEmail refuses a configuration set that does not exist, as SES does, and each
   message listed by `/_reelview/ses/raw` carries the configuration set and message tags it
   was sent with (moto accepts and drops both).

It also counts the AWS calls it serves, by service and action (`GET /_reelview/calls`,
`DELETE` to reset), so a benchmark can show how many calls each API request makes.

Usage: python moto_server.py HOST PORT
"""

import io
import json
import os
import sys
import threading
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


CALLS = {}
CALLS_LOCK = threading.Lock()

# SES message id -> the configuration set and message tags it was sent with.
SENT_WITH = {}


def action_of(environ):
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("DynamoDB"):
        return "dynamodb:" + target.split(".")[-1]
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "")
    if path.startswith("/v2/email"):
        return "sesv2:" + method + " " + path.split("/")[3]
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if "uploads" in query:
        return "s3:CreateMultipartUpload"
    if "uploadId" in query:
        kind = {"PUT": "UploadPart", "GET": "ListParts", "POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload"}
        return "s3:" + kind.get(method, method)
    kind = {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}
    return "s3:" + kind.get(method, method)


class SerializedDynamoDB:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if path == "/_reelview/ses/raw":
            return sent_raw_messages(start_response)
        if path == "/_reelview/calls":
            return calls(environ, start_response)
        with CALLS_LOCK:
            action = action_of(environ)
            CALLS[action] = CALLS.get(action, 0) + 1
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
            with self.lock:
                return list(self.app(environ, start_response))
        if path == "/v2/email/outbound-emails" and environ.get("REQUEST_METHOD") == "POST":
            return send_email_v2(self.app, environ, start_response)
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if environ.get("REQUEST_METHOD") == "GET" and "uploadId" in query and "partNumber" not in query:
            return list_parts_result(self.app, environ, start_response)
        return self.app(environ, start_response)


def list_parts_result(app, environ, start_response):
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    body = b"".join(app(environ, capture))
    body = body.replace(b"ListPartsResponse", b"ListPartsResult")
    headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(captured["status"], headers)
    return [body]


def configuration_set_exists(name):
    from moto.ses.models import ses_backends

    return any(
        name in backend.config_sets
        for account in ses_backends.values()
        for backend in account.values()
    )


def send_email_v2(app, environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    params = json.loads(body or b"{}")
    configuration_set = params.get("ConfigurationSetName")
    if configuration_set and not configuration_set_exists(configuration_set):
        error = json.dumps({"message": f"Configuration set <{configuration_set}> does not exist."}).encode()
        start_response("404 Not Found", [
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", "NotFoundException"),
            ("Content-Length", str(len(error))),
        ])
        return [error]
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    answer = b"".join(app(environ, capture))
    if captured["status"].startswith("200"):
        message_id = json.loads(answer).get("MessageId")
        SENT_WITH[message_id] = {
            "configurationSet": configuration_set,
            "tags": {tag["Name"]: tag["Value"] for tag in params.get("EmailTags") or []},
        }
    start_response(captured["status"], captured["headers"])
    return [answer]


def calls(environ, start_response):
    with CALLS_LOCK:
        body = json.dumps(CALLS).encode()
        if environ.get("REQUEST_METHOD") == "DELETE":
            CALLS.clear()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def sent_raw_messages(start_response):
    from moto.ses.models import ses_backends

    messages = []
    for account in ses_backends.values():
        for backend in account.values():
            for message in backend.sent_messages:
                if hasattr(message, "raw_data"):
                    sent_with = SENT_WITH.get(message.id, {})
                    messages.append({
                        "source": message.source,
                        "rawData": message.raw_data,
                        "messageId": message.id,
                        "configurationSet": sent_with.get("configurationSet"),
                        "tags": sent_with.get("tags", {}),
                    })
    body = json.dumps(messages).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, SerializedDynamoDB(app), threaded=True)


if __name__ == "__main__":
    main()
