"""Start Ralph's LRS API with its fs backend appending (run by Ralph's own Python, not the project's).

Ralph 5.1's `FSDataBackend` defaults to the CREATE operation, so only the first write to its file works
(later POSTs answer 500). This launcher sets the documented workaround, APPEND, then serves the API.
Usage: python ralph_launcher.py PORT
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
from ralph.backends.lrs.fs import FSLRSBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND
FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
