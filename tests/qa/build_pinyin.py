"""Write apps/qa/data/pinyin.json: the most common toneless pinyin of every CJK unified ideograph
(U+4E00–U+9FFF) that pypinyin reads, for the engine's pinyin variants (apps/qa/engine/pinyin.py).

    pip install --target /tmp/pyp pypinyin==0.55.0
    PYTHONPATH=/tmp/pyp .venv/bin/python -m tests.qa.build_pinyin

pypinyin is needed only to build the table, not at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "apps" / "qa" / "data" / "pinyin.json"


def main() -> None:
    from pypinyin import Style, pinyin

    table = {}
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        reading = pinyin(ch, style=Style.NORMAL, heteronym=False, errors="ignore")
        if reading and reading[0] and reading[0][0].isascii() and reading[0][0].isalpha():
            table[ch] = reading[0][0].replace("ü", "v")
    OUT.write_text(
        json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print("wrote", OUT, len(table), "characters", f"{OUT.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
