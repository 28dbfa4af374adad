"""Streamlit pieces. Each ``render_x(frame, state, key=...)`` draws; figure builders are pure."""
