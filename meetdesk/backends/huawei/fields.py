"""What the Huawei Cloud Meeting provider asks for: connection fields, meeting options, columns."""

from __future__ import annotations

from meetdesk.backends.base import Column, secret_spec
from meetdesk.domain.fields import FieldKind, FieldSpec

SITE_CN = "https://api.meeting.huaweicloud.com"
SITE_INTL = "https://api-intl.meeting.huaweicloud.com"

AUTH_ACCOUNT, AUTH_APP_ID = "account", "app_id"

CONNECTION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("auth", "Sign in with", FieldKind.CHOICE, required=True, default=AUTH_ACCOUNT,
              choices=((AUTH_ACCOUNT, "Account and password"), (AUTH_APP_ID, "App ID and app key")),
              help="An account signs in with its password; an App ID (from the Huawei Cloud Meeting management "
                   "platform) signs in with its app key on behalf of a user."),
    FieldSpec("account", "Account", placeholder="e.g. name@example.com",
              help="The Huawei Cloud Meeting account (for “Account and password”)."),
    FieldSpec("app_id", "App ID", group="App ID sign-in", help="The application's App ID."),
    FieldSpec("user_id", "User ID", group="App ID sign-in",
              help="The third-party user to act for; empty means the enterprise administrator."),
    FieldSpec("corp_id", "Enterprise ID", group="App ID sign-in",
              help="Only for service-provider (multi-tenant) apps: the enterprise the user belongs to."),
    secret_spec("Password or app key", key="password",
                help="The account's password, or the app key for App ID sign-in."),
)

MEDIA_TYPES = (("HDVideo", "Video (HD)"), ("Voice", "Audio only"))
CALL_IN = (("0", "Everyone"), ("2", "People of my enterprise"), ("3", "Invited people only"))
LANGUAGES = (("en-US", "English"), ("zh-CN", "Chinese (Simplified)"))
RECURRENCE = (("none", "Does not repeat"), ("Day", "Daily"), ("Week", "Weekly"), ("Month", "Monthly"))

MEETING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("media", "Meeting type", FieldKind.CHOICE, default="HDVideo", choices=MEDIA_TYPES),
    FieldSpec("guest_password", "Guest password", placeholder="4–16 digits; empty: Huawei chooses one",
              help="What guests type when they join by meeting ID. The chair password is always chosen by Huawei."),
    FieldSpec("call_in", "Who may join", FieldKind.CHOICE, default="0", choices=CALL_IN),
    FieldSpec("auto_mute", "Mute guests when they join", FieldKind.BOOL, default=False),
    FieldSpec("waiting_room", "Waiting room", FieldKind.BOOL, default=False),
    FieldSpec("notify", "Huawei e-mails the invitation", FieldKind.BOOL, default=False,
              help="Let Huawei send its own notification e-mails to the attendees."),
    FieldSpec("language", "Notification language", FieldKind.CHOICE, default="en-US", choices=LANGUAGES),
    FieldSpec("recurrence", "Repeats", FieldKind.CHOICE, default="none", choices=RECURRENCE, group="Recurrence",
              help="A recurring meeting repeats at the same time; Huawei allows at most 50 occurrences in a year."),
    FieldSpec("repeat_every", "Every", FieldKind.INT, default=1, minimum=1, maximum=15, group="Recurrence",
              help="Every 1–15 days, 1–5 weeks or 1–3 months."),
    FieldSpec("repeat_until", "Until (date)", placeholder="YYYY-MM-DD", group="Recurrence",
              help="The last day a repeat may fall on, in the meeting's time zone."),
)

MEETING_COLUMNS: tuple[Column, ...] = (
    Column("state", "State"),
    Column("room", "Room"),
    Column("chair", "Chair"),
    Column("online", "Online"),
)

ROOM_COLUMNS: tuple[Column, ...] = (
    Column("type", "Type"),
    Column("number", "Room number"),
    Column("capacity", "Capacity"),
)
