"""The page's unit tests of pure logic (tests/js/, node --test: speller, own signs, GPU names) in the pytest run."""
import shutil
import subprocess

import pytest

from conftest import ROOT


def test_speller_unit_tests_pass_under_node():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the speller's unit tests need Node.js 20 or newer")
    result = subprocess.run([node, "--test", "tests/js"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"node --test tests/js failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
