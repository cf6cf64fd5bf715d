"""The OpenAPI document (infra/openapi.yaml) is the contract; this proves it two ways.

1. openapi-python-client generates a client from the document, as an integrator would; any
   warning (a schema it cannot turn into types, a response it drops) fails the step, and so
   does a generated module that does not load.
2. Schemathesis runs every phase (examples, coverage, fuzzing, stateful) with every check
   against a fresh `reelview-local`: a tenant's API key for the recruiter routes, the admin
   key for the operator route, and, made beforehand, a position, interviews, uploads, share
   links, comments and webhooks for path parameters to name (schemathesis.toml says how it
   is set up, reelview_hooks.py what a client knows that the document cannot say). Any failure fails
   the step. reelview-local transcribes and evaluates through a stand-in for the
   OpenAI-compatible services (tests/standins/openai_standin.py), so one seeded interview is complete, with
   transcripts, captions and an advisory evaluation, and its shapes are checked too.

Environment:
  REELVIEW_LOCAL_BIN         the server binary (default: target/debug/reelview-local)
  CONTRACT_MAX_EXAMPLES      test cases per operation and phase (default: 25)
  CONTRACT_SEED              Schemathesis seed (default: random; the run prints it)
  CONTRACT_KEEP              keep the temporary directory (server log, reports) when set
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standins"))
from openai_standin import OpenAiStandIn  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "infra" / "openapi.yaml"
HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
CLIENT_CONFIG = HERE / "python-client.yaml"
BIN_DIR = Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text):
    print(f"\n-- {text}", flush=True)


def tail(path, lines=80):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start_server(binary, tmp, ai_base):
    port = free_port()
    admin_key = secrets.token_urlsafe(24)
    env = dict(os.environ)
    env.update(
        {
            "PORT": str(port),
            "REELVIEW_DATA_DIR": str(tmp / "data"),
            "REELVIEW_ADMIN_KEY": admin_key,
            "REELVIEW_TRANSCRIBE_URL": ai_base,
            "REELVIEW_EVALUATION_URL": ai_base,
            "REELVIEW_EVALUATION_MODEL": "contract-model",
            "RUST_LOG": env.get("RUST_LOG", "warn"),
        }
    )
    log_path = tmp / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(binary)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            sys.exit(f"reelview-local exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            urllib.request.urlopen(base + "/assets/candidate.css", timeout=1).close()
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                proc.kill()
                sys.exit(f"reelview-local did not answer on port {port}:\n{tail(log_path)}")
            time.sleep(0.2)
    return proc, log, log_path, base, admin_key


def call(base, path, key, body=None, method=None):
    """A JSON request: GET without a body, POST with one, unless `method` says otherwise."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers=headers,
        method=method or ("GET" if body is None else "POST"),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def record(base, token, question, content_type):
    """A confirmed recording of `question`: start, send the bytes where told, complete."""
    data = b"\x1a\x45\xdf\xa3" + secrets.token_bytes(2044)
    path = f"/v1/candidate/{token}/answers/{question}/uploads"
    target = call(base, path, None, {"contentType": content_type, "size": len(data)})
    put = urllib.request.Request(target["url"], data=data, headers=target["headers"], method="PUT")
    urllib.request.urlopen(put, timeout=10).close()
    call(base, f"{path}/{target['uploadId']}/complete", None, method="POST")


def reviewed_interview(base, api_key):
    """An interview with an answer of each kind, submitted, with its transcripts and advisory
    evaluation made (by the stand-in services); and a share link to it. Returns the
    interview's id, its recorded questions and the share link's token."""
    rubric = "Names a project, their part in it and its outcome."
    questions = [
        {"text": "Tell us about a project you are proud of.", "rubric": rubric},
        {"text": "How do you explain a delay?", "kind": "audio", "rubric": rubric},
        {"text": "Why us?", "kind": "text", "maxCharacters": 500, "rubric": rubric},
    ]
    position = call(
        base,
        "/v1/positions",
        api_key,
        {"name": "Reviewed", "questions": questions, "language": "en-US", "evaluation": True},
    )
    candidate = {"email": "reviewed@example.com", "firstName": "Rui", "lastName": "Costa"}
    interview = call(
        base,
        f"/v1/positions/{position['id']}/interviews",
        api_key,
        {"candidate": candidate, "sendEmail": False},
    )
    iid = interview["id"]
    token = interview["url"].rstrip("/").rsplit("/", 1)[1]
    video, audio, written = (q["id"] for q in interview["questions"])
    record(base, token, video, "video/webm")
    record(base, token, audio, "audio/ogg")
    text = {"text": "Your product is the one I use every day."}
    call(base, f"/v1/candidate/{token}/answers/{written}/text", None, text, method="PUT")
    call(base, f"/v1/candidate/{token}/submit", None, method="POST")
    deadline = time.monotonic() + 60
    while True:
        results = call(base, f"/v1/interviews/{iid}", api_key)
        transcripts = [a["transcript"]["status"] for a in results["answers"] if a["kind"] != "text"]
        evaluation = (results.get("evaluation") or {}).get("status")
        if transcripts == ["ready", "ready"] and evaluation == "ready":
            break
        if time.monotonic() > deadline:
            sys.exit(f"the seeded interview got no transcripts or evaluation: {json.dumps(results)}")
        time.sleep(0.5)
    shared = call(base, f"/v1/interviews/{iid}/shares", api_key, {})
    return iid, [video, audio], shared["url"].rstrip("/").rsplit("/", 1)[1]


def create_tenant(base, admin_key):
    """A tenant's API key and its keyId (which the run must not revoke)."""
    api_key = call(base, "/admin/v1/tenants", admin_key, {"name": "Contract"})["apiKey"]
    (key,) = call(base, "/v1/api-keys", api_key)["items"]
    return api_key, key["keyId"]


def seed(base, api_key):
    """What the tests reach past a 404 with: a position with interviews, a candidate link with
    pending uploads (a single PUT and a multipart one), share links, comments, a spare API
    key, and webhooks (at a loopback port where nothing listens, so every delivery fails at
    once and is logged) with a test ping's delivery. Operations that destroy something get
    their own copy, so the rest keep theirs. Path parameters by operation, for the hooks to
    use (tests/openapi/reelview_hooks.py)."""
    def webhook(name):
        body = {
            "url": f"http://127.0.0.1:9/{name}",
            "events": ["interview.created", "interview.completed", "interview.stage_changed"],
            "description": f"Contract {name}",
        }
        return call(base, "/v1/webhooks", api_key, body)["id"]

    hook, doomed_hook = webhook("ats"), webhook("doomed")
    ping = call(base, f"/v1/webhooks/{hook}/test", api_key, method="POST")["id"]
    reviewed, recorded_questions, reviewed_share = reviewed_interview(base, api_key)
    questions = [
        {"text": "Tell us about a project you are proud of."},
        {"text": "Why us?"},
        {"text": "How do you explain a delay?", "kind": "audio"},
        {"text": "What would you change first?", "kind": "text", "rubric": "Is concrete."},
    ]
    position = call(
        base,
        "/v1/positions",
        api_key,
        {"name": "Contract", "slug": "contract", "publicApply": True, "questions": questions},
    )
    edited_position = call(base, "/v1/positions", api_key, {"name": "Edited", "questions": questions})
    doomed_position = call(base, "/v1/positions", api_key, {"name": "Doomed", "questions": questions})
    pid = position["id"]

    def invite(n):
        candidate = {"email": f"candidate{n}@example.com", "firstName": "Ana", "lastName": "Silva"}
        return call(
            base,
            f"/v1/positions/{pid}/interviews",
            api_key,
            {"candidate": candidate, "sendEmail": False},
        )

    interview, reinvited = invite(1), invite(2)
    iid = interview["id"]
    token = interview["url"].rstrip("/").rsplit("/", 1)[1]
    recorded, uploaded, spoken, written = (q["id"] for q in interview["questions"])

    def upload(**extra):
        body = {"contentType": "video/webm", "size": 1000, **extra}
        path = f"/v1/candidate/{token}/answers/{uploaded}/uploads"
        return call(base, path, None, body)["uploadId"]

    pending = [upload(), upload(multipart=True)]
    doomed_upload = upload()

    def share():
        return call(base, f"/v1/interviews/{iid}/shares", api_key, {})

    shared, doomed_share = share(), share()
    share_token = shared["url"].rstrip("/").rsplit("/", 1)[1]

    def comment(text):
        return call(base, f"/v1/interviews/{iid}/comments", api_key, {"text": text})["id"]

    comment("Clear and to the point.")
    doomed_comment = comment("To be deleted.")
    doomed_key = call(base, "/v1/api-keys", api_key, {"label": "To be revoked"})["keyId"]

    on_position = {"positionId": pid}
    on_interview = {"interviewId": iid}
    candidate = {"token": token}
    return {
        **{op: on_position for op in (
            "getPosition", "archivePosition", "unarchivePosition", "inviteCandidate",
            "listInterviews", "inviteCandidates",
        )},
        # Edits would switch the apply link off; they go to a position of their own.
        "updatePosition": {"positionId": edited_position["id"]},
        "deletePosition": {"positionId": doomed_position["id"]},
        **{op: on_interview for op in (
            "resendInvitation", "setInterviewScore", "setInterviewStage",
            "addComment", "listComments", "createShare", "listShares",
        )},
        "getInterview": {"interviewId": [iid, reviewed]},
        "getAnswerCaptions": {"interviewId": reviewed, "questionId": recorded_questions},
        "reinvite": {"interviewId": reinvited["id"]},
        "deleteComment": {**on_interview, "commentId": doomed_comment},
        "revokeShare": {**on_interview, "shareId": doomed_share["shareId"]},
        "getSharedInterview": {"token": [share_token, reviewed_share]},
        "getSharedAnswerCaptions": {"token": reviewed_share, "questionId": recorded_questions},
        "sharePage": {"token": share_token},
        "getCandidateSession": candidate,
        "submitInterview": candidate,
        "candidatePage": candidate,
        # Uploads started during the run go to the other recorded questions: a question keeps
        # only its latest few pending uploads, and these must stay.
        "startUpload": {**candidate, "questionId": [recorded, spoken]},
        "saveWrittenAnswer": {**candidate, "questionId": written},
        "getUpload": {**candidate, "questionId": uploaded, "uploadId": pending},
        "completeUpload": {**candidate, "questionId": uploaded, "uploadId": pending},
        "abortUpload": {**candidate, "questionId": uploaded, "uploadId": doomed_upload},
        "getAsset": {"asset": ["candidate.js", "candidate.css", "apply.js", "share.js", "share.css"]},
        "applyPage": {"slugOrId": [pid, "contract"]},
        "apply": {"slugOrId": [pid, "contract"]},
        "revokeApiKey": {"keyId": doomed_key},
        **{op: {"webhookId": hook} for op in (
            "getWebhook", "updateWebhook", "rotateWebhookSecret", "testWebhook",
            "listWebhookDeliveries",
        )},
        "deleteWebhook": {"webhookId": doomed_hook},
        "retryWebhookDelivery": {"webhookId": hook, "deliveryId": ping},
    }


def run_schemathesis(base, admin_key, api_key, key_id, seeded, tmp):
    max_examples = os.environ.get("CONTRACT_MAX_EXAMPLES", "25")
    command = [
        str(BIN_DIR / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        str(DOCUMENT),
        "--url",
        base,
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        max_examples,
        # One worker: Hypothesis describes strategies with `ast.parse`, which is not
        # thread-safe on every Python this runs on.
        "--workers",
        "1",
        "--report",
        "junit",
        "--report-dir",
        str(tmp / "schemathesis-report"),
    ]
    if os.environ.get("CONTRACT_SEED"):
        command += ["--seed", os.environ["CONTRACT_SEED"]]
    env = dict(os.environ)
    env.update(
        {
            "REELVIEW_CONTRACT_API_KEY": api_key,
            "REELVIEW_CONTRACT_ADMIN_KEY": admin_key,
            "REELVIEW_CONTRACT_KEY_ID": key_id,
            "REELVIEW_CONTRACT_SEED": json.dumps(seeded),
            "REELVIEW_CONTRACT_BASE_URL": base,
            "SCHEMATHESIS_HOOKS": "reelview_hooks",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")])),
            # Hypothesis keeps its example database in the working directory.
            "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp / "hypothesis"),
        }
    )
    return subprocess.run(command, env=env, cwd=tmp).returncode


def run_client_generator(tmp):
    """Generates the Python client and returns the warnings the generator printed."""
    out = tmp / "reelview_client"
    result = subprocess.run(
        [
            str(BIN_DIR / "openapi-python-client"),
            "generate",
            "--path",
            str(DOCUMENT),
            "--output-path",
            str(out),
            "--overwrite",
            "--meta",
            "none",
            "--config",
            str(CLIENT_CONFIG),
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    print(output, end="" if output.endswith("\n") else "\n")
    if result.returncode != 0:
        return [f"openapi-python-client exited with {result.returncode}"]
    # The generator reports every problem (a schema it cannot turn into a type, a response it
    # leaves out) as a warning and still exits 0; a clean document prints only "Generating".
    problems = [
        f"it said: {line.strip()}"
        for line in output.splitlines()
        if line.strip() and not line.startswith("Generating ")
    ][:1]
    # The client must at least load: every module of it, models and operations.
    load = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib, pkgutil, reelview_client as c\n"
            "for m in pkgutil.walk_packages(c.__path__, 'reelview_client.'):\n"
            "    importlib.import_module(m.name)",
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
    )
    if load.returncode != 0:
        problems.append(f"the generated client does not load:\n{load.stderr}")
    return problems


def main():
    binary = Path(os.environ.get("REELVIEW_LOCAL_BIN", "target/debug/reelview-local"))
    if not binary.is_absolute():
        binary = REPO / binary
    if not binary.exists():
        sys.exit(f"{binary} does not exist: build it with `cargo build -p reelview-local`")
    tmp = Path(tempfile.mkdtemp(prefix="reelview-contract-"))
    failed = []
    started = time.monotonic()
    try:
        say("generating a Python client from the document (openapi-python-client)")
        problems = run_client_generator(tmp)
        if problems:
            failed.append("openapi-python-client: " + "; ".join(problems))

        say("schemathesis: every phase against reelview-local")
        ai = OpenAiStandIn().__enter__()
        proc, log, log_path, base, admin_key = start_server(binary, tmp, ai.base)
        try:
            api_key, key_id = create_tenant(base, admin_key)
            code = run_schemathesis(base, admin_key, api_key, key_id, seed(base, api_key), tmp)
            if code != 0:
                failed.append(f"schemathesis exited with {code}")
        finally:
            ai.__exit__(None, None, None)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
        if failed:
            print(f"--- server log ({log_path}) ---\n{tail(log_path)}")
    finally:
        if os.environ.get("CONTRACT_KEEP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"contract checks took {time.monotonic() - started:.0f} s")
    if failed:
        sys.exit("\n".join(failed))


if __name__ == "__main__":
    main()
