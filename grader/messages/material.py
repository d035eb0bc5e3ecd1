"""What students get in writing: a release's README and set-up cell, a PrairieLearn
question's prompt.

Each is a table of key to :class:`~grader.feedback.Message`, as the views' labels are
(:mod:`grader.messages.pages`); ``{fields}`` are filled in with :meth:`str.format`, the
same fields in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping

from grader.feedback import Message

#: The README of ``grader release`` (grader.platforms.release): one section per language,
#: the exercise list's label, and the notebooks' set-up cells.
RELEASE: Mapping[str, Message] = {
    "readme": Message(
        ko="""\
## 한국어

0. 채점기를 설치하세요 (한 줄): `pip install {package}`
   Colab 에서는 노트북의 첫 코드 셀이 설치합니다.
1. 문제마다 `notebooks/<문제>.ipynb` 를 열거나, 모든 문제가 담긴 `course.ipynb` 를 여세요.
2. `# EXERCISE: <문제>` 줄이 있는 셀에 답을 쓰세요. 이 줄은 지우지 마세요.
   답은 다음 `# EXERCISE:` 줄, `# END EXERCISE` 줄, 또는 그 문제 제목과 같은 수준이나
   더 높은 수준의 마크다운 제목(`#`, `##` …)에서 끝납니다. 각 문제는 답이 끝난 시점의
   이름으로 채점되므로, 그 뒤에 같은 이름(예: `model`)을 다시 써도 점수는 바뀌지 않고,
   채점 결과가 그 사실을 알려 줍니다.
3. 이 폴더에서 확인하세요: `grader check notebooks/one_hot.ipynb`
   (영어 피드백은 `--lang en`). 공개 검사만 실행됩니다. 채점에는 숨겨진 검사도 쓰입니다.
   노트북 안에서는 문제마다 끝에 있는 `grader.check("one_hot")` 셀을 실행하면, 지금
   커널의 이름으로 공개 검사를 실행해 결과를 표로 보여 줍니다 (영어는
   `grader.check("one_hot", lang="en")` 또는 환경 변수 `GRADER_LANG=en`). 노트북은 이
   폴더 안에서 여세요: 공개 검사를 `exercises/` 에서 찾습니다.
4. 풀 리퀘스트를 열면 `.github/workflows/autograde.yml` 이 바뀐 노트북을 채점합니다.
   결과는 작업 요약(job summary)과 파일의 주석으로 보입니다.""",
        en="""\
## English

0. Install the grader (one line): `pip install {package}`
   In Colab, the notebook's first code cell installs it.
1. Open `notebooks/<exercise>.ipynb` for one exercise, or `course.ipynb` for all of them.
2. Write your answer in the cell with the line `# EXERCISE: <exercise>`; keep that line.
   An answer ends at the next `# EXERCISE:` line, at a line `# END EXERCISE`, or at a
   markdown heading of its exercise heading's level or higher (`#`, `##` …). Each
   exercise is graded on the names as they stood where its answer ends, so reusing a
   name later (say `model`) does not change its grade; the feedback points it out.
3. Check your work from this folder: `grader check notebooks/one_hot.ipynb --lang en`.
   Only the public checks run here; grading also uses hidden checks. Inside a notebook,
   run the `grader.check("one_hot")` cell at the end of each exercise: it runs the public
   checks on the kernel's current names and shows the result as a table (in English with
   `grader.check("one_hot", lang="en")` or the environment variable `GRADER_LANG=en`).
   Open the notebooks inside this folder: the public checks are found in `exercises/`.
4. A pull request is graded by `.github/workflows/autograde.yml`: the score and the
   feedback appear in the job summary and as annotations on your files.""",
    ),
    "exercises": Message(ko="문제", en="Exercises"),
    "setup-heading": Message(ko="채점기 설치", en="Installing the grader"),
    "setup-one-line": Message(ko="한 줄로 설치합니다", en="One line installs it"),
    "setup-how": Message(
        ko="Colab 에서는 아래 셀이 설치합니다. 각 문제 끝의 `grader.check(...)` 셀은 지금 "
        '커널의 이름으로\n공개 검사를 실행해 결과를 표로 보여 줍니다 (영어: `lang="en"`).',
        en="In Colab, the cell below installs it. The `grader.check(...)` cell after each "
        "exercise runs\nits public checks on the kernel's current names and shows the result "
        'as a table\n(Korean by default; `lang="en"` for English).',
    ),
    "install-comment": Message(ko="채점기 설치", en="install the grader"),
}

#: A PrairieLearn question's prompt (grader.platforms.prairielearn), as HTML.
PRAIRIELEARN: Mapping[str, Message] = {
    "upload": Message(
        ko="답 셀에 <code># EXERCISE: {exercise}</code> 줄을 두고 노트북(.ipynb)이나 .py "
        "파일을\n  올리세요.",
        en="Upload your notebook (.ipynb) or .py file, with the line\n  "
        "<code># EXERCISE: {exercise}</code> in your answer's cell.",
    ),
}

#: Every table of student material, by where it is written.
TABLES: Mapping[str, Mapping[str, Message]] = {"release": RELEASE, "prairielearn": PRAIRIELEARN}
