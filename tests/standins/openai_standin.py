"""A stand-in for the OpenAI-compatible services a local run can use (REELVIEW_TRANSCRIBE_URL,
REELVIEW_EVALUATION_URL), for the browser tests and the OpenAPI contract check.

`POST /v1/audio/transcriptions` takes a multipart form (`file`, `model`, `response_format`,
`timestamp_granularities[]`, optionally `language`) and answers a fixed `verbose_json`
transcript; every request is kept (`requests`), with the form's fields and the file's size and
content type, so a test can check what arrived. `POST /v1/chat/completions` answers a
well-formed evaluation of every question the prompt names. Standard library only.
"""

import json
import re
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TRANSCRIPT_TEXT = "Hello there. I led the migration of our billing system."

REPLY = {
    "task": "transcribe",
    "text": TRANSCRIPT_TEXT,
    "language": "english",
    "duration": 3.2,
    "segments": [
        {"id": 0, "start": 0.0, "end": 1.5, "text": " Hello there."},
        {"id": 1, "start": 1.5, "end": 3.2, "text": " I led the migration of our billing system."},
    ],
    "words": [
        {"word": "Hello", "start": 0.0, "end": 0.5},
        {"word": "there.", "start": 0.5, "end": 1.5},
        {"word": "I", "start": 1.5, "end": 1.7},
        {"word": "led", "start": 1.7, "end": 1.9},
        {"word": "the", "start": 1.9, "end": 2.0},
        {"word": "migration", "start": 2.0, "end": 2.4},
        {"word": "of", "start": 2.4, "end": 2.5},
        {"word": "our", "start": 2.5, "end": 2.6},
        {"word": "billing", "start": 2.6, "end": 2.9},
        {"word": "system.", "start": 2.9, "end": 3.2},
    ],
}


QUESTION_ID = re.compile(r'"questionId"\s*:\s*"([0-9a-fA-F-]{36})"')


def evaluation(prompt):
    """A well-formed reply for every question the prompt's data names."""
    questions = [
        {
            "questionId": qid,
            "summary": "Describes a migration they led.",
            "covered": ["ownership"],
            "missed": ["numbers"],
            "suggestedScore": 4,
        }
        for qid in dict.fromkeys(QUESTION_ID.findall(prompt))
    ]
    return {
        "id": "chatcmpl-contract",
        "object": "chat.completion",
        "model": "contract-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": json.dumps({"questions": questions})},
            }
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
    }


def parse_multipart(content_type, body):
    """`{name: [value, …]}` of a multipart/form-data body; a file's value is
    `{"filename", "content_type", "size", "head"}`, any other field's is its text."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            value = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "size": len(data),
                "head": data[:4],
            }
        else:
            value = data.decode("utf-8")
        fields.setdefault(name, []).append(value)
    return fields


class OpenAiStandIn:
    def __init__(self):
        self.requests = []
        self.problems = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the test reports what matters
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 - the name http.server calls
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path = self.path.rstrip("/")
                if path == "/v1/chat/completions":
                    try:
                        messages = json.loads(body)["messages"]
                        prompt = "\n".join(str(m.get("content", "")) for m in messages)
                    except (ValueError, KeyError, TypeError, AttributeError):
                        self.reply(400, {"error": {"message": "not a chat completion request"}})
                        return
                    self.reply(200, evaluation(prompt))
                    return
                if path != "/v1/audio/transcriptions":
                    self.reply(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    fields = parse_multipart(self.headers.get("Content-Type", ""), body)
                    files = fields.get("file") or []
                    if len(files) != 1 or not isinstance(files[0], dict) or files[0]["size"] == 0:
                        raise ValueError(f"expected one non-empty `file` field, got {fields.get('file')!r}")
                    if fields.get("response_format") != ["verbose_json"]:
                        raise ValueError(f"response_format {fields.get('response_format')!r}")
                except ValueError as e:
                    owner.problems.append(str(e))
                    self.reply(400, {"error": {"message": str(e)}})
                    return
                owner.requests.append(fields)
                self.reply(200, REPLY)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
