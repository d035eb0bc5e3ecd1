"""The isolation side: where student code runs, and everything that crosses to it.

Student code runs in one place only, a runner (:mod:`~grader.sandbox.runner`), forked
by the warm zygote (:mod:`~grader.sandbox.zygote_server`, driven through
:mod:`~grader.sandbox.zygote`) and confined before its first cell
(:mod:`~grader.sandbox.confinement`, :mod:`~grader.sandbox.cgroup`). The grader drives
each runner through a :mod:`~grader.sandbox.session`, asking what
:mod:`~grader.sandbox.requests` declares, in frames of :mod:`~grader.sandbox.wire` over a
:mod:`~grader.sandbox.channel`. The rules a reviewer holds this folder to:

- What crosses the boundary is data only, in the wire format of
  :mod:`~grader.sandbox.wire`: JSON and ``.npy`` blobs, never a pickle. The grader
  decodes every reply as a claim, with caps on every size, and believes nothing else the
  runner says.
- A runner sees a filesystem built from nothing (read-only system, Python and the
  grader's own package; a private ``/tmp``), in namespaces of its own, under a uid of
  its own, behind a seccomp filter, in a control group the grader reads.
- What a runner process holds (the runner, the zygote and what they import) is this
  folder and the few modules it shares (errors, text, the message type), never the
  grading side (the bank, the checks, the reference solutions, results, views): the
  runner never holds what it must not see. Nothing here reaches grading, the course, a
  view or a platform. ``tests/test_layers.py`` checks both.
- Everything a runner started ends with it.
"""
