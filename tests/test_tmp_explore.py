import pytest, sys
sys.path.insert(0, "/work/main")
from tests.test_pages import *
def test_x(demo_db):
    matter = new_matter(demo_db, home_community(demo_db))
    at = run_page("matter", demo_db.users["secretary"], matter_id=matter.id)
    form = f"step{matter.id}_analyse"
    at.text_input(key=f"{form}_handler").input("张敏")
    at.text_input(key=f"{form}_supervisor").input("王丽娟")
    at.button(key=f"{form}_save").click().run()
    print({k: at.session_state[k] for k in at.session_state._state._state.filtered_state if "__" in k} if hasattr(at.session_state._state,'_state') else None)
    print(at.session_state[f"{form}__message"])
    print(texts(at.success), texts(at.subheader))
