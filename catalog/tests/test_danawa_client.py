"""The Danawa HTTP client against the loopback fake server: host allow-list, robots.txt,
User-Agent, retries with backoff, Retry-After, timeouts, truncated bodies, redirects, delay,
and downloads (images) with their type and size limits."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.danawa.addresses import AJAX_LIST_URL, ajax_list_form, list_url, product_url
from catalog.danawa.client import DanawaClient, parse_retry_after
from catalog.danawa.errors import (
    ContentRejectedError,
    DisallowedURLError,
    FetchError,
    RobotsDisallowedError,
)
from catalog.tests.fake_danawa import (
    FakeDanawa,
    error,
    fake_danawa_fixture,  # noqa: F401 - pytest fixture
    hang,
    oversized,
    redirect,
    too_many_requests,
    truncated_body,
    truncated_html,
    wrong_type,
)

DANAWA_HOSTS = {"prod.danawa.com", "www.danawa.com", "danawa.com", "img.danawa.com"}
LG_IMAGE = "//img.danawa.com/prod_img/500000/388/157/img/20157388_1.jpg?shrink=130:130"


def recorder() -> tuple[list[float], object]:
    sleeps: list[float] = []
    return sleeps, sleeps.append


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "https://danawa.com.evil.example/info/?pcode=1",
        "https://evildanawa.com/",
        "http://127.0.0.1/list/?cate=112756",
        "http://[::1]/",
        "ftp://prod.danawa.com/list/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "prod.danawa.com/info/?pcode=1",
        "//prod.danawa.com/info/?pcode=1",
        "https://",
        "",
        "https://user:pw@prod.danawa.com/",
        "https://prod.danawa.com@evil.example/",
        "https://evil.example\\@prod.danawa.com/",
        "https://prod.danawa.com:8443/list/",
        "https://prod.danawa.com:99999/",
        "https://prod.danawa.com /list/",
        "https://prod.danawa.com/list/\r\nHost: evil.example",
        "https://prod.danawa.com./list/",
        "https://xn--prod-danawa.com/",
    ],
)
def test_it_rejects_non_danawa_or_malformed_urls_before_any_network_io(
    fake_danawa: FakeDanawa, url: str
) -> None:
    # Every host is routed to the fake server: if the check let anything through, it would show.
    client = DanawaClient(resolve={"*": fake_danawa.address})

    with pytest.raises(DisallowedURLError):
        client.get(url)

    assert fake_danawa.log == []


def test_it_rejects_a_non_string_url() -> None:
    with pytest.raises(DisallowedURLError):
        DanawaClient().get(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("target", ["10.0.0.5:80", "evil.example:80", "8.8.8.8:53", "127.0.0.1"])
def test_a_resolve_target_must_be_a_loopback_host_and_port(target: str) -> None:
    with pytest.raises(ValueError, match="resolve target"):
        DanawaClient(resolve={"prod.danawa.com": target})


def test_it_sends_its_user_agent_and_the_logical_danawa_host(fake_danawa: FakeDanawa) -> None:
    client = fake_danawa.client(user_agent="PCAdvisorBot/9.9 (+test)")

    page = client.get(list_url("112756"))

    assert page.url == "https://prod.danawa.com/list/?cate=112756"
    assert "productItem19284752" in page.text
    assert [r.key for r in fake_danawa.log] == ["robots", "list:112756:1"]
    assert {r.user_agent for r in fake_danawa.log} == {"PCAdvisorBot/9.9 (+test)"}
    assert {r.host for r in fake_danawa.log} == {"prod.danawa.com"}


def test_the_default_user_agent_comes_from_settings(fake_danawa: FakeDanawa, settings) -> None:
    settings.DANAWA_USER_AGENT = "PCAdvisorBot/0.1 (+settings)"

    fake_danawa.client().get(list_url("112756"))

    assert {r.user_agent for r in fake_danawa.log} == {"PCAdvisorBot/0.1 (+settings)"}


def test_danawa_base_override_setting_routes_every_danawa_host_to_that_address(
    fake_danawa: FakeDanawa, settings
) -> None:
    settings.DANAWA_BASE_OVERRIDE = fake_danawa.address

    page = DanawaClient().get(product_url("20157388"))

    assert "B80QV-AX5576" in page.text
    assert fake_danawa.requests_for("product:20157388")[0].host == "prod.danawa.com"


def test_the_ajax_endpoint_is_posted_with_category_and_page(fake_danawa: FakeDanawa) -> None:
    page = fake_danawa.client().post(AJAX_LIST_URL, ajax_list_form("112756", 2))

    assert "productItem21004519" in page.text
    (record,) = fake_danawa.requests_for("list:112756:2")
    assert record.method == "POST"
    assert record.form["page"] == "2"


# --------------------------------------------------------------------------- robots.txt


def test_robots_txt_is_fetched_once_per_host_and_its_disallow_is_obeyed(
    fake_danawa: FakeDanawa,
) -> None:
    client = fake_danawa.client()

    client.get(list_url("112756"))
    client.get(product_url("20157388"))
    with pytest.raises(RobotsDisallowedError):
        client.get("https://prod.danawa.com/secret/prices.html")
    with pytest.raises(RobotsDisallowedError):
        client.get(product_url("99999999"))

    assert len(fake_danawa.requests_for("robots")) == 1
    assert not [r for r in fake_danawa.log if r.path.startswith("/secret/")]
    assert not fake_danawa.requests_for("product:99999999")
    assert client.allowed_by_robots(product_url("20157388"))


def test_a_robots_txt_that_shuts_out_our_agent_stops_every_request(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.robots = "User-agent: PCAdvisorBot\nDisallow: /\n"

    with pytest.raises(RobotsDisallowedError):
        fake_danawa.client(user_agent="PCAdvisorBot/0.1").get(list_url("112756"))

    assert [r.key for r in fake_danawa.log] == ["robots"]


def test_an_unreachable_robots_txt_stops_the_crawl_and_is_asked_again_later(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.always("robots", error(503))
    client = fake_danawa.client(max_retries=1)

    with pytest.raises(FetchError, match="robots.txt"):
        client.get(list_url("112756"))
    assert not fake_danawa.requests_for("list:112756:1")

    fake_danawa.clear("robots")
    client.get(list_url("112756"))
    assert len(fake_danawa.requests_for("robots")) == 3


def test_a_missing_robots_txt_allows_crawling(fake_danawa: FakeDanawa) -> None:
    fake_danawa.always("robots", error(404))

    fake_danawa.client().get(list_url("112756"))

    assert len(fake_danawa.requests_for("list:112756:1")) == 1


# --------------------------------------------------------------------------- retries


def test_server_errors_are_retried_with_exponential_backoff(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("list:112756:1", error(500), error(502), error(503))
    sleeps, sleep = recorder()

    page = fake_danawa.client(backoff=0.5, sleep=sleep).get(list_url("112756"))

    assert "productItem19284752" in page.text
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(fake_danawa.requests_for("list:112756:1")) == 4


def test_429_waits_for_retry_after_but_never_longer_than_the_cap(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.inject(
        "list:112756:1", too_many_requests("3"), too_many_requests("120"), too_many_requests(None)
    )
    sleeps, sleep = recorder()

    fake_danawa.client(backoff=0.01, max_retry_after=10, sleep=sleep).get(list_url("112756"))

    assert sleeps == [3.0, 10.0, 0.04]


def test_it_gives_up_after_the_configured_retries_with_the_url_and_reason(
    fake_danawa: FakeDanawa, settings
) -> None:
    settings.DANAWA_MAX_RETRIES = 2
    fake_danawa.always("list:112756:1", error(500))

    with pytest.raises(FetchError) as caught:
        fake_danawa.client(sleep=lambda s: None).get(list_url("112756"))

    assert caught.value.url == list_url("112756")
    assert caught.value.status == 500
    assert "HTTP 500" in str(caught.value)
    assert len(fake_danawa.requests_for("list:112756:1")) == 3


def test_a_client_error_is_not_retried(fake_danawa: FakeDanawa) -> None:
    with pytest.raises(FetchError) as caught:
        fake_danawa.client().get(product_url("11111111"))  # not in the fake catalogue

    assert caught.value.status == 404
    assert len(fake_danawa.requests_for("product:11111111")) == 1


def test_a_response_slower_than_the_timeout_is_retried(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("product:20157388", hang())  # answers only after release(): never in time

    try:
        page = fake_danawa.client(timeout=0.5).get(product_url("20157388"))
    finally:
        fake_danawa.release()

    assert "B80QV-AX5576" in page.text
    assert [r.fault for r in fake_danawa.requests_for("product:20157388")] == ["hang", ""]


def test_a_body_shorter_than_its_content_length_is_retried(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("product:20157388", truncated_body())

    page = fake_danawa.client().get(product_url("20157388"))

    assert page.text.rstrip().endswith("</html>")
    assert [r.fault for r in fake_danawa.requests_for("product:20157388")] == ["truncated_body", ""]


def test_a_page_cut_before_its_end_is_retried(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("product:20157388", truncated_html())
    fake_danawa.inject("list:112756:2", truncated_html())
    client = fake_danawa.client()

    page = client.get(product_url("20157388"))
    fragment = client.post(AJAX_LIST_URL, ajax_list_form("112756", 2))

    assert page.text.rstrip().endswith("</html>")
    assert "productItem19910233" in fragment.text
    assert len(fake_danawa.requests_for("product:20157388")) == 2
    assert len(fake_danawa.requests_for("list:112756:2")) == 2


# --------------------------------------------------------------------------- redirects, delay


def test_a_redirect_to_another_host_is_refused_and_never_followed(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.inject("product:20157388", redirect("https://evil.example/info/?pcode=20157388"))
    client = DanawaClient(resolve={"*": fake_danawa.address})

    with pytest.raises(DisallowedURLError, match="리다이렉트"):
        client.get(product_url("20157388"))

    assert {r.host for r in fake_danawa.log} <= DANAWA_HOSTS
    assert len(fake_danawa.log) == 2  # robots.txt and the redirecting page, nothing after


def test_a_redirect_inside_danawa_is_followed(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("product:11111111", redirect("/info/?pcode=20157388", status=301))

    page = fake_danawa.client().get(product_url("11111111"))

    assert page.url == product_url("20157388")
    assert "B80QV-AX5576" in page.text


def test_requests_are_spaced_by_the_politeness_delay(fake_danawa: FakeDanawa) -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    client = fake_danawa.client(delay=1.5, sleep=sleep, clock=lambda: now[0])
    client.get(list_url("112756"))  # robots.txt, then the page
    now[0] += 0.5
    client.get(product_url("20157388"))

    assert sleeps == [1.5, 1.0]
    assert len(fake_danawa.log) == 3


def test_robots_crawl_delay_lengthens_the_delay(fake_danawa: FakeDanawa) -> None:
    fake_danawa.robots = "User-agent: *\nCrawl-delay: 4\nDisallow: /secret/\n"
    client = fake_danawa.client(delay=0.0, sleep=lambda s: None)

    client.get(list_url("112756"))

    assert client.delay == 4.0


def test_retry_after_may_be_an_http_date() -> None:
    now = dt.datetime(2026, 1, 5, 10, 0, 0, tzinfo=dt.UTC)

    assert parse_retry_after("Mon, 05 Jan 2026 10:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Mon, 05 Jan 2026 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("7", now=now) == 7.0
    assert parse_retry_after("soon", now=now) is None


# --------------------------------------------------------------------------- downloads


def test_fetch_bytes_downloads_an_image_from_img_danawa_com(fake_danawa: FakeDanawa) -> None:
    download = fake_danawa.client().fetch_bytes(LG_IMAGE)  # protocol-relative, as pages write it

    assert download.url == f"https:{LG_IMAGE}"
    assert download.content_type == "image/jpeg"
    assert download.content == fake_danawa.image("20157388", "130:130")
    (robots, image) = fake_danawa.log
    assert (robots.key, robots.host) == ("robots", "img.danawa.com")
    assert (image.key, image.host) == ("image:20157388", "img.danawa.com")
    assert image.user_agent.startswith("PCAdvisorBot")


@pytest.mark.parametrize(
    "url",
    [
        "https://images.example.com/prod_img/20157388_1.jpg",
        "//images.example.com/prod_img/20157388_1.jpg",
        "//img.danawa.com.evil.example/prod_img/20157388_1.jpg",
        "data:image/jpeg;base64,AAAA",
        "/prod_img/20157388_1.jpg",
    ],
)
def test_fetch_bytes_refuses_a_non_danawa_address_before_any_request(
    fake_danawa: FakeDanawa, url: str
) -> None:
    client = DanawaClient(resolve={"*": fake_danawa.address})

    with pytest.raises(DisallowedURLError):
        client.fetch_bytes(url)

    assert fake_danawa.log == []


def test_a_download_redirected_off_danawa_is_refused(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("image:20157388", redirect("https://images.example.com/x.jpg"))
    client = DanawaClient(resolve={"*": fake_danawa.address})

    with pytest.raises(DisallowedURLError, match="리다이렉트"):
        client.fetch_bytes(LG_IMAGE)

    assert {r.host for r in fake_danawa.log} <= DANAWA_HOSTS
    assert [r.key for r in fake_danawa.log] == ["robots", "image:20157388"]


def test_a_download_of_another_content_type_is_refused_and_not_retried(
    fake_danawa: FakeDanawa,
) -> None:
    fake_danawa.always("image:20157388", wrong_type())

    with pytest.raises(ContentRejectedError, match="text/html"):
        fake_danawa.client().fetch_bytes(LG_IMAGE)

    assert len(fake_danawa.requests_for("image:20157388")) == 1


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
def test_a_download_larger_than_the_limit_is_abandoned(
    fake_danawa: FakeDanawa, declare_length: bool
) -> None:
    fake_danawa.always("image:20157388", oversized(2_000_000, declare_length=declare_length))

    with pytest.raises(ContentRejectedError, match="너무 큽니다"):
        fake_danawa.client().fetch_bytes(LG_IMAGE, max_bytes=100_000)

    assert len(fake_danawa.requests_for("image:20157388")) == 1


def test_a_download_within_the_limit_is_accepted_to_the_byte(fake_danawa: FakeDanawa) -> None:
    size = len(fake_danawa.image("20157388", "130:130"))

    download = fake_danawa.client().fetch_bytes(LG_IMAGE, max_bytes=size)

    assert len(download.content) == size
    with pytest.raises(ContentRejectedError):
        fake_danawa.client().fetch_bytes(LG_IMAGE, max_bytes=size - 1)


def test_a_download_cut_short_is_retried(fake_danawa: FakeDanawa) -> None:
    fake_danawa.inject("image:20157388", truncated_body(), error(503))

    download = fake_danawa.client().fetch_bytes(LG_IMAGE)

    assert download.content == fake_danawa.image("20157388", "130:130")
    assert [r.fault for r in fake_danawa.requests_for("image:20157388")] == [
        "truncated_body", "status", "",
    ]  # fmt: skip


def test_a_download_robots_txt_forbids_is_not_requested(fake_danawa: FakeDanawa) -> None:
    fake_danawa.robots = "User-agent: *\nDisallow: /prod_img/\n"

    with pytest.raises(RobotsDisallowedError):
        fake_danawa.client().fetch_bytes(LG_IMAGE)

    assert not fake_danawa.requests_for("image:20157388")
