from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "hongfan.recognition"
    label = "recognition"
    verbose_name = "评优表彰"

    def ready(self) -> None:
        from hongfan.core import nav, panels, todos
        from hongfan.recognition.nav import ENTRIES, TASK_SOURCES
        from hongfan.recognition.selectors.stars import hospital_stars, person_stars

        # What the app lends core: its menu entries and today's tasks, and the 季度之星
        # sections of org's person page (its tab of the 党员档案) and hospital page (org
        # draws them without naming this app).
        nav.register(*ENTRIES)
        todos.register(*TASK_SOURCES)
        stars = "recognition/partials/_stars.html"
        panels.register(
            panels.Panel(
                panels.PERSON,
                stars,
                lambda access, p: {"stars": person_stars(access, p), "show_empty": True},
                70,
                tab="stars",
                tab_label="季度之星",
            ),
            panels.Panel(
                panels.HOSPITAL,
                stars,
                lambda access, h: {
                    "stars": hospital_stars(access, h),
                    "show_person": True,
                    "show_empty": True,
                    "hospital": h,
                },
                10,
            ),
        )
