#!/usr/bin/env python3
"""Builds five more real-speech episodes, for checking the aligner and the
wrong-audio test on episodes they were not developed on.

Usage:  scripts/real-speech-variants.py OUTDIR [REAL_SPEECH]

REAL_SPEECH is the real-speech development set (default ../shared/real-speech
from the repository). Its assemble.py lays the same recordings in other
orders, gaps and conditions than the set's own five episodes:

  dev-var-zh-tight   dev-zh-01's turns, every gap under 0.3 s
  dev-var-zh-shuf    dev-zh-02's turns shuffled, the usual gaps
  dev-var-zh-03b     dev-zh-03's turns, every gap under 0.3 s, no reverb
  dev-var-mix-brisk  dev-mix-01's turns, brisk gaps
  dev-var-en-reader  one English reader in six turns

It writes each episode's .md, .mp3 and .truth.json to OUTDIR with a copy
of measure.py, so that

  python3 OUTDIR/measure.py bin/podpipe
  REAL_SPEECH=OUTDIR scripts/bench-mismatch.sh

measure them. Needs ffmpeg with libmp3lame; about 40 s.
"""
import os
import random
import shutil
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    real = os.path.abspath(sys.argv[2] if len(sys.argv) == 3 else os.path.join(here, "..", "..", "shared", "real-speech"))
    sys.path.insert(0, real)
    import assemble as a  # the set's own builder: same sources, detection, encoder

    os.makedirs(out, exist_ok=True)
    a.HERE = out  # where it writes; it reads its sources from real/src
    tight = {"turn": [(0.3, 0.05, 0.05), (0.7, 0.08, 0.28)], "within": (0.10, 0.30), "cue": [(1.0, 0.05, 0.30)]}
    shuffled = list(a.ZH02)
    random.Random(7).shuffle(shuffled)
    reader = [("turn", "Narrator", ["LJ0001", "LJ0002"]), ("turn", "Narrator", ["LJ0004"]), ("cue", 5.0, 0.8, 0.8),
              ("turn", "Narrator", ["LJ0006", "LJ0008"]), ("turn", "Narrator", ["LJ50_1", "LJ50_2"]),
              ("turn", "Narrator", ["LJ0005"]), ("turn", "Narrator", ["LJ0007"]), ("cue", 4.0, 0.5, 1.0)]
    a.EPISODES = [
        dict(slug="dev-var-zh-tight", title="緊", items=a.ZH01, gaps=tight, seed=201, lang="zh",
             what="dev-zh-01's turns, every gap under 0.3 s"),
        dict(slug="dev-var-zh-shuf", title="亂", items=shuffled, gaps=a.REALISTIC, seed=202, lang="zh",
             what="dev-zh-02's turns shuffled"),
        dict(slug="dev-var-zh-03b", title="三之二", items=a.ZH03, gaps=tight, seed=203, lang="zh", traditional=True,
             what="dev-zh-03's turns, every gap under 0.3 s, no reverb"),
        dict(slug="dev-var-en-reader", title="Reader", items=reader, gaps=a.REALISTIC, seed=204, lang="en",
             what="one English reader"),
        dict(slug="dev-var-mix-brisk", title="混之二", items=a.MIX01, gaps=a.BRISK, seed=205, lang="mix",
             what="dev-mix-01's turns, brisk gaps"),
    ]
    a.main()
    shutil.copy(os.path.join(real, "measure.py"), out)


if __name__ == "__main__":
    main()
