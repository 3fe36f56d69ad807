"""Alert dispatch for the demo police console (an ethicscan example, not a real system)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    kind: str
    camera_id: str
    snapshot_url: str


UYGHUR_ALARM = "uyghur_alarm"


def on_face_event(event: dict, send) -> None:
    """Raise a Uyghur alarm when the attribute engine flags the face."""
    if event.get("is_uyghur") and event.get("is_uyghur_score", 0.0) >= 0.8:
        send(Alert(UYGHUR_ALARM, event["camera_id"], event["snapshot_url"]))
