"""Page fingerprints: equal inputs give equal digests, any change a different one."""

from markupsafe import Markup

from generator.views import fingerprint


def test_a_long_body_counts_to_its_last_character():
    body = "<p>" + "各乡镇人民政府、县政府各部门：现将有关事项通知如下。" * 80 + "</p>"
    page = ("document.html", "szfb/fdzdgknr/tz/", "通知", Markup(body))
    assert fingerprint(page) == fingerprint(page[:3] + (Markup(body[:100] + body[100:]),))
    for changed in (body[:-5] + "！</p>", body[:900] + "，" + body[901:], body + "\n"):
        assert fingerprint(page) != fingerprint(page[:3] + (Markup(changed),))
    assert fingerprint((body,)) != fingerprint((body, body))
    assert fingerprint(("短文",)) != fingerprint(("短文。",))
