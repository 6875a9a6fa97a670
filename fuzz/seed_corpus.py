"""Write a seed corpus for the fuzzer: the seed document, every rule's documented
examples, and generated saved articles (tests/article_strategies.py)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))


def main(out: Path, generated: int = 200) -> int:
    from article_strategies import with_line_endings
    from conftest import docstring_examples  # the tests' reading of the `## Example` blocks
    from hypothesis import HealthCheck, given, settings

    from omnilint.registry import installed_rules

    out.mkdir(parents=True, exist_ok=True)
    samples = [p.read_bytes() for p in (HERE.parent / "seeds").glob("*.md")]
    for rule in installed_rules().values():
        try:
            samples.extend(example.encode() for example in docstring_examples(rule))
        except (AssertionError, IndexError, ValueError):
            pass

    @settings(max_examples=generated, database=None, suppress_health_check=list(HealthCheck))
    @given(with_line_endings())
    def collect(text: str) -> None:
        samples.append(text.encode("utf-8"))

    collect()
    for data in samples:
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
    return len(samples)


if __name__ == "__main__":
    print(f"{main(Path(sys.argv[1]))} seed inputs in {sys.argv[1]}")
