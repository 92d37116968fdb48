"""What a BigBlueButton profile, meeting, join link and participant design can set, and the API names.

Parameter names and defaults: bbb ``docs/docs/data/create.tsx`` and ``join.tsx``; the per-participant
``userdata-bbb_*`` keys: ``docs/docs/administration/customize.md``.
"""

from __future__ import annotations

from meetdesk.backends.base import secret_spec
from meetdesk.backends.bigbluebutton.checksum import ALGORITHMS, DEFAULT_ALGORITHM
from meetdesk.domain.fields import FieldKind, FieldSpec

LOCK = "Lock settings for viewers"

CONNECTION_FIELDS: tuple[FieldSpec, ...] = (
    secret_spec("Shared secret", key="secret",
                help="The API secret; `bbb-conf --secret` prints it on the server (the line “Secret: …”)."),
    FieldSpec(key="checksum_algorithm", label="Checksum algorithm", kind=FieldKind.CHOICE,
              default=DEFAULT_ALGORITHM, choices=tuple((name, name.upper()) for name in ALGORITHMS),
              help="How calls are signed. BigBlueButton 2.5 and newer accept all four unless the administrator "
                   "restricted supportedChecksumAlgorithms; older servers only SHA1 and SHA256."),
    FieldSpec(key="join_with_passwords", label="Join with meeting passwords (server older than 2.4)",
              kind=FieldKind.BOOL, default=False,
              help="Servers before 2.4 do not know the join role; links then carry the moderator or attendee "
                   "password of the meeting instead."),
)

#: room option key → create parameter
CREATE_PARAMS: dict[str, str] = {
    "welcome": "welcome",
    "record": "record",
    "auto_start_recording": "autoStartRecording",
    "duration": "duration",
    "max_participants": "maxParticipants",
    "guest_policy": "guestPolicy",
    "mute_on_start": "muteOnStart",
    "logout_url": "logoutURL",
    "slides_url": "preUploadedPresentation",
    "lock_disable_cam": "lockSettingsDisableCam",
    "lock_disable_mic": "lockSettingsDisableMic",
    "lock_disable_private_chat": "lockSettingsDisablePrivateChat",
    "lock_disable_public_chat": "lockSettingsDisablePublicChat",
    "lock_disable_note": "lockSettingsDisableNote",
    "lock_hide_user_list": "lockSettingsHideUserList",
}

ROOM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(key="welcome", label="Welcome message", kind=FieldKind.MULTILINE, default="",
              help="Shown in the chat when someone joins; %%CONFNAME%% is replaced by the meeting's name."),
    FieldSpec(key="record", label="Can be recorded", kind=FieldKind.BOOL, default=False,
              help="Moderators may start a recording; without it nothing is ever recorded."),
    FieldSpec(key="auto_start_recording", label="Start recording at once", kind=FieldKind.BOOL, default=False,
              help="Recording starts when the first person joins (needs “Can be recorded”)."),
    FieldSpec(key="duration", label="Duration (minutes)", kind=FieldKind.INT, default=0, minimum=0,
              maximum=100000, help="The meeting ends after this many minutes; 0 means no limit."),
    FieldSpec(key="max_participants", label="Maximum participants", kind=FieldKind.INT, default=0, minimum=0,
              maximum=100000, help="0 means no limit."),
    FieldSpec(key="guest_policy", label="Guests", kind=FieldKind.CHOICE, default="ALWAYS_ACCEPT",
              choices=(("ALWAYS_ACCEPT", "Always admitted"), ("ASK_MODERATOR", "A moderator admits them"),
                       ("ALWAYS_DENY", "Never admitted")),
              help="Applies to links made with “Join as guest”."),
    FieldSpec(key="mute_on_start", label="Mute everyone on entry", kind=FieldKind.BOOL, default=False),
    FieldSpec(key="logout_url", label="Address after leaving", kind=FieldKind.URL, default="",
              help="Where participants land when they leave the meeting."),
    FieldSpec(key="slides_url", label="Presentation (URL)", kind=FieldKind.HTTPS_URL, default="",
              help="A PDF or office file the server downloads and shows first (BigBlueButton 2.7.2 and newer)."),
    FieldSpec(key="metadata", label="Metadata", kind=FieldKind.MULTILINE, default="",
              placeholder="e.g. course=Biology 101",
              help="One name=value per line; kept with the meeting and its recordings (sent as meta_NAME)."),
    FieldSpec(key="lock_disable_cam", label="No webcams", kind=FieldKind.BOOL, default=False, group=LOCK),
    FieldSpec(key="lock_disable_mic", label="No microphones", kind=FieldKind.BOOL, default=False, group=LOCK),
    FieldSpec(key="lock_disable_private_chat", label="No private chat", kind=FieldKind.BOOL, default=False,
              group=LOCK),
    FieldSpec(key="lock_disable_public_chat", label="No public chat", kind=FieldKind.BOOL, default=False,
              group=LOCK),
    FieldSpec(key="lock_disable_note", label="No shared notes", kind=FieldKind.BOOL, default=False, group=LOCK),
    FieldSpec(key="lock_hide_user_list", label="Hide the participant list", kind=FieldKind.BOOL, default=False,
              group=LOCK),
)

JOIN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(key="bind_to_meeting", label="Only for this meeting instance", kind=FieldKind.BOOL, default=False,
              help="The link stops working when the meeting is ended and created again (join createTime). "
                   "Off: it works whenever a meeting with this id exists."),
    FieldSpec(key="guest", label="Join as guest", kind=FieldKind.BOOL, default=False,
              help="The meeting's guest policy decides whether the participant is let in."),
    FieldSpec(key="auto_join_audio", label="Join audio at once", kind=FieldKind.BOOL, default=False,
              help="Skips the question whether to join with microphone or listen only."),
    FieldSpec(key="skip_check_audio", label="Skip the echo test", kind=FieldKind.BOOL, default=False),
)

#: join option key → userdata parameter
JOIN_USERDATA: dict[str, str] = {
    "auto_join_audio": "userdata-bbb_auto_join_audio",
    "skip_check_audio": "userdata-bbb_skip_check_audio",
}

STYLE_URL = "userdata-bbb_custom_style_url"
STYLE_INLINE = "userdata-bbb_custom_style"
#: inline CSS travels in the URL; beyond this, a hosted style sheet is the better choice
MAX_INLINE_CSS = 4000

DESIGN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(key=STYLE_URL, label="Style sheet URL", kind=FieldKind.HTTPS_URL, default="",
              placeholder="e.g. https://cdn.example.org/brand.css",
              help="An https:// CSS file the participant's browser loads on top of BigBlueButton's own styles."),
    FieldSpec(key=STYLE_INLINE, label="Inline CSS", kind=FieldKind.MULTILINE, default="",
              placeholder="e.g. :root { --color-primary: #0F70D7; }",
              help="CSS carried in the link itself (percent-encoded); keep it short, links over a few thousand "
                   "characters get cut by mail programs."),
)
