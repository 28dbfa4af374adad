"""Airspace Incident Atlas: the domain (records, catalog, views, exports). No Streamlit here."""
