"""Settings shared by the whole suite.

The notebooks' hidden solution cells run only when
DOCKER_COURSE_RUN_SOLUTIONS is 1, so that the suite proves every exercise
checker. nbval starts each notebook's kernel after this module is imported,
so the kernel inherits the variable.
"""

import os

os.environ["DOCKER_COURSE_RUN_SOLUTIONS"] = "1"
