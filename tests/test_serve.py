"""The local preview server: pretty URLs, the site's 404 page, loopback only."""

from __future__ import annotations

import http.client
import threading

import pytest

from mainstreet.serve import make_server


@pytest.fixture
def server(fixture_site):
    httpd = make_server(fixture_site.output, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def get(server, path):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response, body


def test_serves_pretty_urls_from_this_site(server):
    response, body = get(server, "/blog/first-loaf/")
    assert response.status == 200
    assert "Your First Sourdough Loaf" in body and "test-bakery.example" in body


def test_redirects_a_folder_without_slash(server):
    response, _ = get(server, "/blog/first-loaf")
    assert response.status == 301
    assert response.getheader("Location").endswith("/blog/first-loaf/")


def test_unknown_url_gets_the_sites_404_page(server):
    response, body = get(server, "/no/such/page/")
    assert response.status == 404
    assert 'content="noindex, follow"' in body
    assert "Test Bakery" in body


def test_binds_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize("path", ["/%00", "/blog/%00/", "/index.html%00.txt"])
def test_a_nul_byte_in_the_path_is_a_bad_request(server, capfd, path):
    response, _ = get(server, path)
    assert response.status == 400
    assert "Traceback" not in capfd.readouterr().err
    # The server still answers afterwards.
    assert get(server, "/blog/first-loaf/")[0].status == 200
