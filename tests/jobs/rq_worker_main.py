"""Run ``assessor worker`` in a subprocess for the Redis tests.

With ``ASSESSOR_TEST_FAKE_SCORE=1`` the scorer is replaced by the tests'
deterministic stand-in (sleeping ``ASSESSOR_TEST_SCORE_SLEEP`` seconds first,
so a test can kill the worker in the middle of a job); everything else is
the real worker: RQ, forked work horses, the recovery thread.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    if os.environ.get("ASSESSOR_TEST_FAKE_SCORE") == "1":
        import assessor.jobs.scoring as job_scoring
        import assessor.scoring as scoring
        from tests.support.service import fake_result

        delay = float(os.environ.get("ASSESSOR_TEST_SCORE_SLEEP", "0"))

        def score(text, prompt=None, profile=None, settings=None, target_words=None):
            time.sleep(delay)
            return fake_result(text, profile)

        scoring.score = score
        job_scoring.current_model_version = lambda ctx: "test-model-1"
    from assessor.cli import main as cli_main

    return cli_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
