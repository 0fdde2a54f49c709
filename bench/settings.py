"""Production settings for the page benchmarks: only the collected static files move to a scratch directory.

cms.settings.production keeps STATIC_ROOT in the checkout (static_collected/); the benchmarks collect the
static files into BENCH_STATIC_ROOT instead, so a run leaves nothing in the repository. Everything else
(DEBUG off, WhiteNoise's manifest storage, persistent connections, security middleware) is production's.
"""

import os
from pathlib import Path

from cms.settings.production import *  # noqa: F401,F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
