"""The app's name and colours, shared by every page (no imports, so any module may use it)."""

APP_TITLE = "OPPO KZ Data Platform"
BRAND_GREEN = "#008a5c"
