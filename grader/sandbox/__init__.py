"""The untrusted side: everything that runs inside a runner or builds its confinement.

Student code runs in one place only, a runner (:mod:`~grader.sandbox.runner`), forked
by the warm zygote (:mod:`~grader.sandbox.zygote`) and confined before its first cell
(:mod:`~grader.sandbox.confinement`, :mod:`~grader.sandbox.cgroup`). The rules a
reviewer holds this folder to:

- What crosses the boundary is data only, in the wire format of
  :mod:`~grader.sandbox.protocol`: JSON and ``.npy`` blobs, never a pickle. The grader
  decodes every reply as a claim, with caps on every size, and believes nothing else the
  runner says.
- A runner sees a filesystem built from nothing (read-only system, Python and the
  grader's own package; a private ``/tmp``), in namespaces of its own, under a uid of
  its own, behind a seccomp filter, in a control group the grader reads.
- Nothing here imports the grading side (the bank, the checks, the reference solutions,
  results, views): the runner never holds what it must not see. ``tests/test_layers.py``
  checks it.
- Everything a runner started ends with it.
"""
