"""Pages load nothing from other hosts: no CDN scripts, styles, fonts or images."""

import re

import pytest

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/catalog/",
        "/api/docs/",
        "/soon/similarity/",
        "/pricing/",
        "/pricing/model/",
        "/trends/",
    ],
)
def test_pages_reference_no_other_host(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)
