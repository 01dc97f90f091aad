"""Community tips: members share what helps, moderators approve, others thank; tip of the day."""
