"""学习教育: study material published to a hospital or a branch, members' study records
(个人自学) and the hours they add up to, the yearly targets per city, the question bank
and exams (答题).

Group study (集中学习) is not stored here: it is an orglife ``Meeting`` of kind
``group_study``; a member's group-study hours are read from its attendance.

One module per noun: ``items`` (material, topics, completions), ``logs`` (self-study
entries), ``rules`` (the yearly targets), ``questions`` (the bank), ``exams`` (exams and
attempts). Importing them here is how Django finds the models of the app.
"""

from hongfan.study.models.exams import AttemptQuestion, Exam, ExamAttempt
from hongfan.study.models.items import StudyCompletion, StudyItem, StudyTopic
from hongfan.study.models.logs import StudyLog
from hongfan.study.models.questions import Question
from hongfan.study.models.rules import StudyRule
from hongfan.study.models.videos import VideoProgress

__all__ = [
    "AttemptQuestion",
    "Exam",
    "ExamAttempt",
    "Question",
    "StudyCompletion",
    "StudyItem",
    "StudyLog",
    "StudyRule",
    "StudyTopic",
    "VideoProgress",
]
