"""The post's figures: one module per figure id, listed in `figures.registry`."""

import os

# The tiny networks do small matrix products, where OpenBLAS threads cost more
# than they save (measured: 13 s with one thread, 17 s with two). Must be set
# before NumPy is first imported, which is why it lives here.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
