from tests.test_page_council_records import db  # noqa
from tests.pages_support import run_page

def test_probe_dec(db):
    at = run_page("council_decisions", db.users["secretary"], lang="en")
    sc = at.segmented_control(key="cdec_show")
    print(sc.options, sc.value)
    sc.set_value("overdue").run()
    print(at.exception, [e.value for e in at.error])
    print(at.segmented_control(key="cdec_show").value)
    print([i.value for i in at.info])

def test_probe_ov(db):
    at = run_page("council_overview", db.users["secretary"], lang="en")
    print([ (w.key, type(w).__name__) for w in at.selectbox] , [w.key for w in at.segmented_control])
