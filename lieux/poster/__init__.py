"""The printable weekly poster of a lieu: the week's planned hours and activities, on A4."""
