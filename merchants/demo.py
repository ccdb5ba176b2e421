"""Demo data of the merchants app (see `linke.demo`)."""


def seed(demo) -> None:
    demo.user("merchant@demo.test", "演示商家")
