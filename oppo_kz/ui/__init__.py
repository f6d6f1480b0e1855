"""The Reflex UI: pages, their states and shared components. Calls services, never the REST API."""
