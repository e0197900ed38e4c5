"""Lieux de liens: agenda, opening hours, iCal feeds and the 'open now' widget."""
