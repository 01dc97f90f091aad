"""knotbot's platform-neutral core: it decides what to say and when; adapters only translate."""
