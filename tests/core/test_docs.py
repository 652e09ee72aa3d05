"""What docs/ claims is backed by tests: every test a document names exists, so a claim cannot
outlive the test that showed it."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def functions_in(path: Path) -> set[str]:
    return {node.name for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("document", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_every_test_a_document_names_exists(document):
    text = (ROOT / "docs" / document).read_text()
    named = REFERENCE.findall(text)
    missing = [f"{path}::{name}" for path, name in named
               if not (ROOT / path).exists() or name not in functions_in(ROOT / path)]
    assert missing == []
    if document == "security.md":  # every requirement in its tables names its proof
        rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| item")]
        assert rows and all(REFERENCE.search(row) for row in rows), [r for r in rows if not REFERENCE.search(r)]
