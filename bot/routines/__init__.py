"""People's own routines (a physiotherapist's sheet), run as guided holds like the shipped ones."""
