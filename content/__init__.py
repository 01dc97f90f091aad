"""knotbot's content files (YAML), shipped inside the package as `knotbot_content`."""
