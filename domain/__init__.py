"""Pure rules of Gongzhi: no Streamlit, no database, nothing else of ours imported."""
