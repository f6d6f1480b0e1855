"""The events feed: every topic a reader may read, in their scope, numbered in commit order."""
