"""A stand-in for the OpenAI-compatible services a local run can use, for tests/openapi/check.py:
`POST /v1/audio/transcriptions` answers a fixed `verbose_json` transcript and
`POST /v1/chat/completions` an evaluation of every question the prompt names. With it the
run's recordings get transcripts and captions, and completed interviews an evaluation, so the
document's shapes for them are checked against real answers. Standard library only.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TRANSCRIPT = {
    "task": "transcribe",
    "text": "Hello there. I led the migration of our billing system.",
    "language": "english",
    "duration": 3.2,
    "segments": [
        {"id": 0, "start": 0.0, "end": 1.5, "text": " Hello there."},
        {"id": 1, "start": 1.5, "end": 3.2, "text": " I led the migration of our billing system."},
    ],
    "words": [
        {"word": word, "start": start, "end": end}
        for word, start, end in [
            ("Hello", 0.0, 0.5), ("there.", 0.5, 1.5), ("I", 1.5, 1.7), ("led", 1.7, 1.9),
            ("the", 1.9, 2.0), ("migration", 2.0, 2.4), ("of", 2.4, 2.5), ("our", 2.5, 2.6),
            ("billing", 2.6, 2.9), ("system.", 2.9, 3.2),
        ]
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


class AiStandIn:
    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.rstrip("/")
                if path == "/v1/audio/transcriptions":
                    self.reply(200, TRANSCRIPT)
                elif path == "/v1/chat/completions":
                    try:
                        messages = json.loads(body)["messages"]
                        prompt = "\n".join(str(m.get("content", "")) for m in messages)
                    except (ValueError, KeyError, TypeError, AttributeError):
                        self.reply(400, {"error": {"message": "not a chat completion request"}})
                        return
                    self.reply(200, evaluation(prompt))
                else:
                    self.reply(404, {"error": {"message": f"no route {self.path}"}})

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
