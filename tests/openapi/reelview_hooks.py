"""Schemathesis hooks for tests/openapi/check.py: what any client of the API knows and a JSON
Schema cannot say, so that a request the document calls valid is one a client could send.

- An `Idempotency-Key` names one operation: a client sends a fresh key with each new
  request. Generated keys repeat (`"0"` again and again), and a repeated key with another
  body is `422 idempotency_key_reused`, as documented.
- A `deadline` must be a real moment in the future, which no schema can say: an RFC 3339
  deadline in the past (or on the 31st of February) becomes one 30 days ahead.
- A recording is at most the position's `maxUploadBytes`, which the candidate's session
  tells (asked afresh: the run may have edited the position): a larger `size` (up to the
  4 GiB every position stays under) is cut to it. Its `contentType` is one the question
  takes (the session lists them per question: video types for a video question, audio
  types for an audio one); another is replaced by one of those.
- A written answer is at most its question's `maxCharacters`, which the session tells: a
  longer `text` (up to the 10000 characters any question allows) is cut to it.
- A `cursor` is the `nextCursor` of an earlier page, never invented: a positive case keeps
  only cursors the API has handed out during the run.
- The run's own API key is never revoked (that would turn every later request into a
  `401`, testing nothing).
- A webhook's URL is where the client's receiver listens, and the server checks it (a
  generated host does not resolve; a generated address may be one it refuses): a positive
  case's `url` becomes a loopback URL of a port where nothing listens (so deliveries to it
  fail at once, and are logged), as `reelview-local` allows.
- A team has at most 20 webhooks: before it adds one, a client with that many deletes old
  ones. Just before a positive `createWebhook` is sent, webhooks made during the run (never
  those check.py made) are deleted, oldest first, down to 10.
- Identifiers that name something: outside the stateful phase (whose links carry real
  identifiers already), a positive case's path parameters are those of what check.py made
  before the run, so it reaches past `404` (a list means any of its values).
"""

import datetime
import json
import os
import random
import re
import uuid

import requests
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([Zz]|[+-]\d{2}:\d{2})$"
)
IDEMPOTENT_OPERATIONS = {"createPosition", "inviteCandidate", "inviteCandidates"}
PAGED_OPERATIONS = {"listPositions", "listInterviews"}
ISSUED_CURSORS = set()
SEEDED = json.loads(os.environ.get("REELVIEW_CONTRACT_SEED") or "{}")
BASE_URL = os.environ.get("REELVIEW_CONTRACT_BASE_URL", "")
API_KEY = os.environ.get("REELVIEW_CONTRACT_API_KEY", "")
WEBHOOK_URL_OPERATIONS = {"createWebhook", "updateWebhook"}
MAX_WEBHOOKS = 20
WEBHOOKS_KEPT = 10


def operation_id(case):
    return (case.operation.definition.raw or {}).get("operationId")


def is_positive(case, location):
    meta = case.meta
    return meta is None or not meta.is_negative_at(location)


def unusable_deadline(value):
    """An RFC 3339 date-time (as the document's pattern has it) in the past, or on a day the
    calendar does not have (the pattern allows `02-31`; the server does not)."""
    if not isinstance(value, str):
        return False
    match = RFC3339.match(value)
    if not match:
        return False
    date, time, zone = match.groups()
    zone = "+00:00" if zone in ("Z", "z") else zone
    try:
        moment = datetime.datetime.fromisoformat(f"{date}T{time}{zone}")
    except ValueError:
        return True
    # A minute of margin: the request reaches the server a little later.
    return moment <= datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)


def future_deadline():
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def candidate_session(token):
    """What the candidate's session says, or None (an unknown link: nothing to fit)."""
    try:
        response = requests.get(f"{BASE_URL}/v1/candidate/{token}", timeout=10)
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    return response.json()


def session_question(session, question_id):
    for question in session.get("questions") or []:
        if question.get("id") == question_id:
            return question
    return None


def seeded_webhooks():
    found = set()
    for parameters in SEEDED.values():
        value = parameters.get("webhookId") if isinstance(parameters, dict) else None
        found.update(value if isinstance(value, list) else [value] if value else [])
    return found


def make_room_for_a_webhook():
    """Deletes webhooks made during the run, oldest first, once the team nears its limit."""
    auth = {"Authorization": f"Bearer {API_KEY}"}
    try:
        response = requests.get(f"{BASE_URL}/v1/webhooks", headers=auth, timeout=10)
        items = response.json()["items"]
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return
    if len(items) < MAX_WEBHOOKS - 1:
        return
    keep = seeded_webhooks()
    doomed = [w["id"] for w in items if w.get("id") not in keep]
    for webhook_id in doomed[: max(0, len(items) - WEBHOOKS_KEPT)]:
        try:
            requests.delete(f"{BASE_URL}/v1/webhooks/{webhook_id}", headers=auth, timeout=10)
        except requests.RequestException:
            pass


def is_stateful(case):
    return case.meta is not None and case.meta.phase.name == TestPhase.STATEFUL


@schemathesis.hook
def map_case(ctx, case):
    op = operation_id(case)
    seeded = SEEDED.get(op)
    if isinstance(seeded, dict) and not is_stateful(case) and is_positive(case, ParameterLocation.PATH):
        for name, value in seeded.items():
            if case.path_parameters is not None and name in case.path_parameters:
                case.path_parameters[name] = random.choice(value) if isinstance(value, list) else value
    if op in IDEMPOTENT_OPERATIONS and case.headers and "Idempotency-Key" in case.headers:
        if is_positive(case, ParameterLocation.HEADER):
            case.headers["Idempotency-Key"] = str(uuid.uuid4())
    positive_body = isinstance(case.body, dict) and is_positive(case, ParameterLocation.BODY)
    if op in ("inviteCandidate", "setInterviewDeadline") and positive_body:
        if unusable_deadline(case.body.get("deadline")):
            case.body["deadline"] = future_deadline()
    if op == "startUpload" and positive_body:
        session = candidate_session(case.path_parameters.get("token")) or {}
        size = case.body.get("size")
        if isinstance(size, (int, float)) and not isinstance(size, bool):
            limit = session.get("maxUploadBytes")
            if limit is not None and size > limit:
                case.body["size"] = limit
        question = session_question(session, case.path_parameters.get("questionId"))
        allowed = (question or {}).get("allowedContentTypes")
        if allowed and case.body.get("contentType") not in allowed:
            case.body["contentType"] = random.choice(allowed)
    if op == "saveWrittenAnswer" and positive_body and isinstance(case.body.get("text"), str):
        session = candidate_session(case.path_parameters.get("token")) or {}
        question = session_question(session, case.path_parameters.get("questionId"))
        limit = (question or {}).get("maxCharacters")
        if isinstance(limit, int) and len(case.body["text"]) > limit:
            case.body["text"] = case.body["text"][:limit]
    if op in WEBHOOK_URL_OPERATIONS and positive_body and isinstance(case.body.get("url"), str):
        case.body["url"] = f"http://127.0.0.1:9/hooks/{random.randrange(1000)}"
    if op in PAGED_OPERATIONS and case.query and "cursor" in case.query:
        if is_positive(case, ParameterLocation.QUERY) and case.query["cursor"] not in ISSUED_CURSORS:
            del case.query["cursor"]
    return case


@schemathesis.hook
def filter_case(ctx, case):
    own_key = os.environ.get("REELVIEW_CONTRACT_KEY_ID")
    if operation_id(case) == "revokeApiKey" and own_key:
        return (case.path_parameters or {}).get("keyId") != own_key
    return True


@schemathesis.hook
def before_call(ctx, case, kwargs):
    # Here rather than in map_case: a phase may make all its cases before it sends one.
    if operation_id(case) == "createWebhook" and is_positive(case, ParameterLocation.BODY):
        make_room_for_a_webhook()


@schemathesis.hook
def after_call(ctx, case, response):
    if operation_id(case) in PAGED_OPERATIONS and response.status_code == 200:
        try:
            cursor = response.json().get("nextCursor")
        except (ValueError, AttributeError):
            return
        if isinstance(cursor, str):
            ISSUED_CURSORS.add(cursor)
