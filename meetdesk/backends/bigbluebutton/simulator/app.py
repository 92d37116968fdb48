"""A local BigBlueButton server as its API shows it, served under ``/bigbluebutton/api``.

Every call is checked the way bbb-web checks it (``GetChecksum.java``: the checksum is cut out of the **raw**
query string by three literal replacements; ``GetChecksumValidator.java``: the algorithm is picked by the
checksum's length, 40/64/96/128 → sha1/256/384/512, each only if listed in ``supportedChecksumAlgorithms``;
comparison ignores case). A failed checksum is reported alone, before any other validation, and every FAILED
answer comes with HTTP 200. ``join`` answers with a 302 to the HTML5 client (``/html5client/join?sessionToken=``)
or, with ``redirect=false``, with XML; its validation errors are redirects to the logout URL carrying
``errors=[{"key":…,"message":…}]`` (ApiController ``respondWithRedirect``), except the role/password ones.
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from defusedxml import ElementTree as SafeET
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from meetdesk.backends.bigbluebutton.simulator import answers
from meetdesk.backends.bigbluebutton.simulator.seed import seed_state
from meetdesk.backends.bigbluebutton.simulator.state import ApiFailure, BBBState
from meetdesk.simulators.host import SimulatorDefinition

API_PATH = "/bigbluebutton/api"
ALGORITHM_BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
XML = "text/xml;charset=utf-8"


def checksum_ok(state: BBBState, call: str, raw_query: str) -> bool:
    provided = dict(parse_qsl(raw_query, keep_blank_values=True)).get("checksum")
    if not provided:
        return False
    query = raw_query.replace(f"&checksum={provided}", "").replace(f"checksum={provided}&", "") \
        .replace(f"checksum={provided}", "")
    algorithm = ALGORITHM_BY_LENGTH.get(len(provided))
    if algorithm is None or algorithm not in state.supported_algorithms:
        return False
    return hashlib.new(algorithm, f"{call}{query}{state.secret}".encode()).hexdigest() == provided.lower()


def _xml(document: str, status: int = 200) -> Response:
    return Response(document, status_code=status, media_type=XML)


def _params(raw_query: str) -> dict[str, str]:
    # request.getParameter: the first value; control characters stripped (ValidationService.sanitizeParams)
    out: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        key = "".join(c for c in key if ord(c) >= 0x20)
        out.setdefault(key, "".join(c for c in value if ord(c) >= 0x20))
    return out


class BBBApp:
    def __init__(self, state: BBBState) -> None:
        self.state = state
        self.requests: list[tuple[str, str]] = []  # (call, raw query) for tests

    def origin(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}"

    async def version(self, request: Request) -> Response:
        return _xml(answers.response([("version", "2.0"), ("apiVersion", "2.0"), ("bbbVersion", "3.0.4"),
                                      ("apiUrl", f"{self.origin(request)}{API_PATH}")]))

    async def api(self, request: Request) -> Response:
        call = request.path_params["call"]
        raw = request.scope.get("query_string", b"").decode("latin-1")
        self.requests.append((call, raw))
        if call in ("", "/"):
            return await self.version(request)
        if not checksum_ok(self.state, call, raw):
            return _xml(answers.failure("checksumError", "Checksums do not match"))
        params = _params(raw)
        handler = getattr(self, f"call_{call}", None)
        if handler is None:
            return _xml(answers.failure("validationError", "Request not recognized"))
        try:
            result: Response = await handler(request, params)
            return result
        except ApiFailure as failure:
            if call == "join" and failure.key not in ("Params required", "invalidPassword"):
                return self._join_error(params, failure)
            return _xml(answers.failure(failure.key, failure.message))

    # meetings ----------------------------------------------------------------------------------
    async def call_create(self, request: Request, params: dict[str, str]) -> Response:
        documents = await self._documents(request)
        meeting, duplicate = self.state.create(params)
        if not duplicate:  # a repeated create does not upload again (api.md, create)
            meeting.documents = documents
        return _xml(answers.create_document(meeting, duplicate))

    async def _documents(self, request: Request) -> list[str]:
        """The ``<modules><module name="presentation"><document url=…|name=…>`` of a POST body
        (ApiController ``uploadDocuments``); a body needs an XML content type (ContentTypeConstraint)."""
        body = await request.body() if request.method == "POST" else b""
        if not body.strip():
            return []
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("application/xml", "text/xml"):
            raise ApiFailure("unsupportedContentType", "POST request Content-Type is missing or unsupported")
        try:
            root = SafeET.fromstring(body)
        except Exception:
            raise ApiFailure("validationError", "Request not recognized") from None
        return [document.get("url") or document.get("name") or document.get("filename") or ""
                for module in root.findall("module") if module.get("name") == "presentation"
                for document in module.findall("document")]

    async def call_getMeetings(self, request: Request, params: dict[str, str]) -> Response:
        self.state.expire()
        return _xml(answers.meetings_document(list(self.state.meetings.values())))

    async def call_getMeetingInfo(self, request: Request, params: dict[str, str]) -> Response:
        if not params.get("meetingID"):
            raise ApiFailure("missingParamMeetingID", "You must provide a meeting ID")
        meeting = self.state.meeting(params["meetingID"])
        return _xml(answers.response(answers.meeting_fields(meeting)))

    async def call_isMeetingRunning(self, request: Request, params: dict[str, str]) -> Response:
        if not params.get("meetingID"):
            raise ApiFailure("missingParamMeetingID", "You must provide a meeting ID")
        self.state.expire()
        meeting = self.state.meetings.get(params["meetingID"])
        return _xml(answers.response([("running", bool(meeting and meeting.running))]))

    async def call_end(self, request: Request, params: dict[str, str]) -> Response:
        if not params.get("meetingID"):
            raise ApiFailure("missingParamMeetingID", "You must provide a meeting ID")
        meeting = self.state.meeting(params["meetingID"])
        if not meeting.ended:
            self.state.finish(meeting)
        return _xml(answers.response([
            ("messageKey", "sentEndMeetingRequest"),
            ("message", "A request to end the meeting was sent.  Please wait a few seconds, and then use the "
                        "getMeetingInfo or isMeetingRunning API calls to verify that it was ended.")]))

    # join --------------------------------------------------------------------------------------
    async def call_join(self, request: Request, params: dict[str, str]) -> Response:
        session = self.state.join(params)
        url = f"{self.origin(request)}/html5client/join?sessionToken={session.token}"
        meeting = self.state.meetings[session.meeting_id]
        waiting = session.attendee.guest and meeting.params.get("guestPolicy") == "ASK_MODERATOR"
        if waiting:
            url = f"{self.origin(request)}/html5client/guestWait?sessionToken={session.token}"
        if params.get("redirect", "true").lower() == "false":
            return _xml(answers.response([
                ("messageKey", "guestWait" if waiting else "successfullyJoined"),
                ("message", "Guest waiting for approval to join meeting." if waiting
                 else "You have joined successfully."),
                ("meeting_id", meeting.internal_id), ("user_id", session.attendee.internal_id),
                ("auth_token", secrets.token_hex(6)), ("session_token", session.token),
                ("guestStatus", "WAIT" if waiting else "ALLOW"), ("url", url)]))
        return RedirectResponse(url, status_code=302)

    def _join_error(self, params: dict[str, str], failure: ApiFailure) -> Response:
        meeting = self.state.meetings.get(params.get("meetingID", ""))
        target = params.get("logoutURL") or (meeting.params.get("logoutURL") if meeting else "") or "/"
        errors = json.dumps([{"key": failure.key, "message": failure.message}])
        separator = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{separator}{urlencode({'errors': errors})}", status_code=302)

    async def client_page(self, request: Request) -> Response:
        """The HTML5 client: shows who entered and applies the participant's style the way 3.x does."""
        try:
            meeting, attendee = self.state.enter(request.query_params.get("sessionToken", ""))
        except ApiFailure as failure:
            return HTMLResponse(f"<h1>{html.escape(failure.message)}</h1>", status_code=403)
        styles = []
        style_url = attendee.customdata.get("bbb_custom_style_url")
        if style_url:
            styles.append(f'<link rel="stylesheet" href="{html.escape(style_url)}">')
        inline = attendee.customdata.get("bbb_custom_style")
        if inline:  # CustomStyles component: a data: URL of the CSS
            styles.append(f'<link rel="stylesheet" href="data:text/css;charset=UTF-8,{quote(inline, safe="")}">')
        body = (f"<h1>{html.escape(meeting.name)}</h1><p id='who'>{html.escape(attendee.full_name)} "
                f"({attendee.role})</p>")
        return HTMLResponse(f"<!doctype html><html><head><title>BigBlueButton — {html.escape(meeting.name)}"
                            f"</title>{''.join(styles)}</head><body>{body}</body></html>")

    # recordings --------------------------------------------------------------------------------
    async def call_getRecordings(self, request: Request, params: dict[str, str]) -> Response:
        now = self.state.clock()
        found = [(rec, rec.state(now)) for rec in self.state.find_recordings(params)]
        return _xml(answers.recordings_document(found, self.origin(request)))

    async def call_publishRecordings(self, request: Request, params: dict[str, str]) -> Response:
        if "publish" not in params:
            raise ApiFailure("missingParamPublish", "You must specify a publish value true or false.")
        for rec in self.state.recordings_by_ids(params.get("recordID", "")):
            rec.published = params["publish"].lower() == "true"
        return _xml(answers.response([("published", True)]))

    async def call_deleteRecordings(self, request: Request, params: dict[str, str]) -> Response:
        for rec in self.state.recordings_by_ids(params.get("recordID", "")):
            rec.deleted = True
        return _xml(answers.response([("deleted", True)]))

    async def call_updateRecordings(self, request: Request, params: dict[str, str]) -> Response:
        for rec in self.state.recordings_by_ids(params.get("recordID", "")):
            for key, value in params.items():
                if key.startswith("meta_") and len(key) > 5:
                    name = key[5:].lower()
                    if value:
                        rec.metadata[name] = value
                    else:
                        rec.metadata.pop(name, None)
        return _xml(answers.response([("updated", True)]))

    async def playback_page(self, request: Request) -> Response:
        rec = self.state.recordings.get(request.path_params["record_id"])
        if rec is None or rec.deleted or not rec.published:
            return HTMLResponse("<h1>Recording not found</h1>", status_code=404)
        return HTMLResponse(f"<!doctype html><title>{html.escape(rec.name)}</title><h1>Playback of "
                            f"{html.escape(rec.name)}</h1>")


def build(*, seed: bool = True, **options: Any) -> SimulatorDefinition:
    """Options: ``secret``, ``algorithms`` (tuple of supported checksum algorithms), ``clock``."""
    secret = str(options.get("secret") or "8cd8ef52e8e101574e400365b55e11a6")
    state = BBBState(secret, algorithms=tuple(options.get("algorithms") or ("sha1", "sha256", "sha384", "sha512")),
                     **({"clock": options["clock"]} if "clock" in options else {}))
    if seed:
        seed_state(state)
    app = BBBApp(state)
    routes = [
        Route(API_PATH, app.version, methods=["GET"]),
        Route(API_PATH + "/", app.version, methods=["GET"]),
        Route(API_PATH + "/{call}", app.api, methods=["GET", "POST"]),
        Route("/html5client/join", app.client_page, methods=["GET"]),
        Route("/html5client/guestWait", app.client_page, methods=["GET"]),
        Route("/playback/presentation/2.3/{record_id}", app.playback_page, methods=["GET"]),
    ]
    starlette = Starlette(routes=routes)
    starlette.state.bbb = app
    return SimulatorDefinition(kind="bigbluebutton", app=starlette, base_path=API_PATH,
                               fields={"checksum_algorithm": "sha256"}, secret=secret, state=state)
