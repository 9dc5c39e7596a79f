from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation
from daigang.jobs.models import Job


def new_stream_key() -> str:
    return secrets.token_urlsafe(24)


class Room(models.Model):
    """One live session of an organisation: its page, chat and stream."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("即将开播")
        LIVE = "live", _("直播中")
        # The publisher dropped (network, reload, OBS restart) and the anchor did not end the
        # room: viewers wait over the last picture; publishing again puts it back on air.
        INTERRUPTED = "interrupted", _("主播暂时离开")
        ENDED = "ended", _("直播已结束")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rooms")
    title = models.CharField(_("直播标题"), max_length=80)
    planned_start = models.DateTimeField(_("计划开播时间"))
    jobs = models.ManyToManyField(Job, related_name="rooms", blank=True, verbose_name=_("岗位"))
    anchors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="anchored_rooms", verbose_name=_("主播")
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.SCHEDULED
    )
    stream_key = models.CharField(max_length=64, default=new_stream_key, unique=True)
    pinned_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Slow mode: a viewer may send one message per this many seconds (0: off).
    chat_slow_seconds = models.PositiveSmallIntegerField(_("慢速模式（秒）"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Ended and blocked by a moderator after reports (daigang.safety): hidden from every list
    # and its page until an upheld appeal puts it back (as an ended room).
    taken_down_at = models.DateTimeField(_("下架时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("直播间")
        verbose_name_plural = _("直播间")
        ordering = ["planned_start"]

    def __str__(self) -> str:
        return self.title


class ChatMessage(models.Model):
    """One chat line in a room. Text only: stored and delivered as typed, rendered as text.

    The id orders the room's chat and is what a reconnecting client catches up from.
    """

    class Role(models.TextChoices):
        VIEWER = "viewer", _("观众")
        ANCHOR = "anchor", _("主播")
        MODERATOR = "moderator", _("审核员")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="chat_messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    text = models.CharField(_("内容"), max_length=200)
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    # Chosen by the sending browser so that resending after a dropped connection stores the
    # message once; blank when the client sent none.
    client_token = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    # Deleted by a moderator: gone from every screen and from history, kept for the log.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("聊天消息")
        verbose_name_plural = _("聊天消息")
        indexes = [models.Index(fields=["room", "id"], name="live_chat_room_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user", "client_token"],
                condition=~models.Q(client_token=""),
                name="live_chat_unique_client_token",
            )
        ]

    def __str__(self) -> str:
        return self.text


class ChatSender(models.Model):
    """When a person last chatted in a room: the rate limit, shared by every ASGI process."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="live_chat_sender_unique")
        ]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.user_id}"


class RoomAudience(models.Model):
    """How many came (场观, entries into the room) and the most watching at once."""

    room = models.OneToOneField(
        Room, on_delete=models.CASCADE, primary_key=True, related_name="audience"
    )
    views = models.PositiveIntegerField(_("观看人次"), default=0)
    viewers_peak = models.PositiveIntegerField(_("最高在线人数"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("观看数据")
        verbose_name_plural = _("观看数据")

    def __str__(self) -> str:
        return f"{self.room_id}: {self.views}"


class ChatMute(models.Model):
    """A viewer who may not chat in this room until `until` (None: until the session ends)."""

    class Duration(models.TextChoices):
        TEN_MINUTES = "10m", _("10 分钟")
        ONE_HOUR = "1h", _("1 小时")
        SESSION = "session", _("本场直播")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="chat_mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    duration = models.CharField(_("时长"), max_length=10, choices=Duration.choices)
    until = models.DateTimeField(_("截止时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("禁言")
        verbose_name_plural = _("禁言")
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="live_chat_mute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.user_id}"


class ChatBan(models.Model):
    """A viewer who may not chat in any of the organisation's rooms."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("封禁")
        verbose_name_plural = _("封禁")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="live_chat_ban_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.user_id}"


class ChatBlockedWord(models.Model):
    """A word the organisation does not want in its rooms' chat: a viewer's message with it is
    held back, as contact details are."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(_("屏蔽词"), max_length=30)

    class Meta:
        verbose_name = _("屏蔽词")
        verbose_name_plural = _("屏蔽词")
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "word"], name="live_chat_blocked_word_unique"
            )
        ]

    def __str__(self) -> str:
        return self.word


class ChatModeration(models.Model):
    """One moderation action in an organisation's rooms: who, what, on whom, why, when."""

    class Action(models.TextChoices):
        DELETE = "delete", _("删除消息")
        MUTE = "mute", _("禁言")
        UNMUTE = "unmute", _("解除禁言")
        BAN = "ban", _("封禁")
        UNBAN = "unban", _("解除封禁")
        SLOW_MODE = "slow_mode", _("慢速模式")
        BLOCKED_WORDS = "blocked_words", _("屏蔽词")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderations"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.ForeignKey(
        ChatMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the deleted message said, or the setting's new value ("30 秒", the words).
    detail = models.CharField(_("内容"), max_length=500, blank=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("聊天管理记录")
        verbose_name_plural = _("聊天管理记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="live_moderation_org")]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class MicRequest(models.Model):
    """A viewer's raised hand to join the anchor on air (连麦), and its turn if accepted.

    raised → accepted (the anchor said yes) → on_air (the guest agreed and is heard) → ended;
    or declined by the anchor, or cancelled by the viewer. At most one open request (raised,
    accepted or on air) per person per room: raising twice is the same hand.
    """

    class State(models.TextChoices):
        RAISED = "raised", _("等待中")
        ACCEPTED = "accepted", _("已接受")
        ON_AIR = "on_air", _("连麦中")
        ENDED = "ended", _("已结束")
        DECLINED = "declined", _("已拒绝")
        CANCELLED = "cancelled", _("已取消")

    OPEN_STATES = (State.RAISED, State.ACCEPTED, State.ON_AIR)

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="mic_requests")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mic_requests"
    )
    # The job the viewer asks about, if they raised their hand from a job's card.
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RAISED)
    turn_seconds = models.PositiveSmallIntegerField(_("连麦时长（秒）"), default=180)
    # The guest's own microphone switched off by the anchor (the relay stops mixing it).
    muted = models.BooleanField(_("已静音"), default=False)
    raised_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    on_air_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("连麦申请")
        verbose_name_plural = _("连麦申请")
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "account"],
                condition=models.Q(state__in=["raised", "accepted", "on_air"]),
                name="live_mic_request_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.account_id}: {self.state}"

    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class RoomPinEvent(models.Model):
    """The pin timeline: `job` was pinned in `room` at `pinned_at` (job None: the card was
    taken down). Written with the pin, in the same transaction; replays place their chapters
    with it (daigang.live.replays)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="pin_events")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["room", "at"], name="room_pin_event_at")]

    def __str__(self) -> str:
        return f"{self.room_id}: {self.job_id} @ {self.at:%H:%M:%S}"


class Replay(models.Model):
    """A room's recording (回放): the relay's own VP8/Opus packets in one WebM file
    (daigang.streaming.recorder), one per run of the room's relay (a publisher back within
    its grace continues the same file)."""

    class State(models.TextChoices):
        RECORDING = "recording", _("录制中")
        READY = "ready", _("可观看")
        HIDDEN = "hidden", _("已隐藏")
        FAILED = "failed", _("录制失败")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="replays")
    # Relative to REPLAY_ROOT.
    file = models.CharField(max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.RECORDING
    )
    duration = models.FloatField(_("时长（秒）"), default=0)
    size = models.BigIntegerField(_("文件大小"), default=0)
    # [[unix time, seconds into the recording], …]: where each publish segment starts.
    segments = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set while a job rewrites the file to silence a stretch (daigang.replays.redaction):
    # one rewrite of a file at a time.
    redacting_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("回放")
        verbose_name_plural = _("回放")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.pk}"


class ReplayRedaction(models.Model):
    """A stretch of a replay whose sound must go: a 连麦 guest's voice after the guest deleted
    their account. In wall-clock time, placed on the recording once it is finished and made
    silent by a job (daigang.replays.redaction)."""

    replay = models.ForeignKey(Replay, on_delete=models.CASCADE, related_name="redactions")
    start_at = models.DateTimeField()
    # None: to the end of the recording (the guest was still on air).
    end_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["replay", "start_at"]
        indexes = [models.Index(fields=["done_at"], name="replay_redaction_pending")]

    def __str__(self) -> str:
        return f"{self.replay_id}: {self.start_at:%H:%M:%S}–{self.end_at or '…'}"


class ReplayView(models.Model):
    """One viewer (daigang.live.viewers key) watched a replay on a day: counted once."""

    replay = models.ForeignKey(Replay, on_delete=models.CASCADE, related_name="views")
    viewer = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["replay", "viewer", "day"], name="replay_view_once")
        ]

    def __str__(self) -> str:
        return f"{self.replay_id} {self.viewer} {self.day}"
