"""P7 and P13: error screenshots in JPG, GIF, PNG or TIFF; BMP only inside ZIP or RAR."""

from __future__ import annotations

import re

from triage.rules._base import AttachedFile, Finding, PolicySettingsView, RequestContent

ALLOWED = frozenset({"image/png", "image/jpeg", "image/gif", "image/tiff"})
ARCHIVES = frozenset({"application/zip", "application/vnd.rar"})
# Word endings are bounded ({0,12}): an unbounded \w* before \s+ backtracks over a long
# run of letters at every start position (quadratic; found by tests/test_rules_fuzz.py).
_PROMISE = re.compile(
    r"(скрин\w{0,12}|снимок|снимки|фото\w{0,12}|картинк\w{0,12})\s+(во|в)\s+вложени|"
    r"во\s+вложени\w*|прилага\w*|прикладыва\w*|приложил\w*|прикрепил\w*|прикрепля\w*|"
    r"см\.?\s+скрин|скрин\w{0,12}\s+ниже|attached|see (the )?screenshot",
    re.IGNORECASE,
)


# An image shown in the mail's body that is smaller than this in either direction is a
# signature's logo, a social-network icon or a tracking pixel, not a screenshot: the
# smallest window of an error a customer crops is wider and taller (sample 18's crop
# of a 1C log line is 320x120). Only images in the body, and the signature images that
# Outlook attaches as files under names of its own when it sends plain text
# ("image001.png"; the new Outlook's "Outlook-a1b2c3d4.png"): a file the customer
# attached on purpose counts whatever its size.
MIN_SCREENSHOT = (200, 100)
_OUTLOOK_IMAGE = re.compile(r"(image\d{3}|outlook-\w{4,16})\.(png|jpe?g|gif)", re.IGNORECASE)


def decoration(attachment: AttachedFile) -> bool:
    """Whether an image is too small to show anything: a logo or an icon in the body."""
    if attachment.dimensions is None:
        return False
    if not attachment.inline and not _OUTLOOK_IMAGE.fullmatch(attachment.filename):
        return False
    width, height = attachment.dimensions
    return width < MIN_SCREENSHOT[0] or height < MIN_SCREENSHOT[1]


def _screenshots(attachments: tuple[AttachedFile, ...]) -> list[str]:
    found = [a.filename for a in attachments if a.real_type in ALLOWED and not decoration(a)]
    for archive in attachments:
        if archive.real_type in ARCHIVES:
            found += [
                f"{archive.filename}/{name}"
                for name, kind in archive.members
                if kind in ALLOWED or kind == "image/bmp"
            ]
    return found


class ScreenshotRule:
    name = "screenshots"
    description = "error screenshots are attached in an allowed format"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        findings = []
        bare_bmp = [a.filename for a in request.attachments if a.real_type == "image/bmp"]
        if bare_bmp:
            findings.append(
                Finding(
                    "bmp_not_packed",
                    False,
                    f"BMP attached without an archive: {', '.join(bare_bmp)}",
                    f"скриншоты в формате BMP ({', '.join(bare_bmp)}) нужно запаковать "
                    "в архив ZIP или RAR либо сохранить в формате JPG, GIF, PNG или TIFF",
                    {"files": bare_bmp},
                )
            )
        other = [
            f"{a.filename} ({a.real_type.removeprefix('image/').upper()})"
            for a in request.attachments
            if a.real_type.startswith("image/") and a.real_type not in (*ALLOWED, "image/bmp")
        ]
        shots = _screenshots(request.attachments)
        if other and not shots:
            findings.append(
                Finding(
                    "image_format_not_accepted",
                    False,
                    f"images in a format the policy does not list: {', '.join(other)}",
                    f"скриншоты в формате JPG, GIF, PNG или TIFF: {', '.join(other)} — в "
                    "формате, который мы не принимаем (снимок экрана iPhone сохраняет в PNG; "
                    "фото в JPG — «Настройки → Камера → Форматы → Наиболее совместимые»)",
                    {"files": other},
                )
            )
        if shots:
            findings.append(Finding(self.name, True, f"{len(shots)} screenshot(s)", data={}))
            return findings
        if all(decoration(a) for a in request.attachments) and _PROMISE.search(request.text):
            findings.append(
                Finding(
                    "promised_attachment_missing",
                    False,
                    "the mail mentions an attachment but carries none",
                    "вложение: в письме говорится о приложенном файле, но к нам он не дошёл — "
                    "приложите его, пожалуйста, ещё раз",
                )
            )
        if not bare_bmp and not other:
            logos = [
                f"{a.filename} ({a.dimensions[0]}x{a.dimensions[1]})"
                for a in request.attachments
                if decoration(a) and a.dimensions
            ]
            findings.append(
                Finding(
                    self.name,
                    False,
                    "no screenshot attached"
                    + (f"; too small for one, in the body: {', '.join(logos)}" if logos else ""),
                    "скриншоты ошибки в формате JPG, GIF, PNG или TIFF",
                )
            )
        return findings
