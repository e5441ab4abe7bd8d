"""Reads of the joint-meeting body and its meetings."""

from meetings.models import JointBody


def joint_body() -> JointBody | None:
    """The joint-meeting body (one per deployment: the provincial 联席会议)."""
    return JointBody.objects.select_related("lead_agency", "convenor").order_by("pk").first()
